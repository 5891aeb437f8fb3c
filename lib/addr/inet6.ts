/**
 * `AF_INET6` addresses: `[host, port, flowinfo?, scope_id?]` ↔
 * `struct sockaddr_in6`; decoded always with all four.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType, toCUInt, toIntIn } from "../args.ts";
import { hostArg, setIpAddr } from "./host.ts";
import { portArg } from "./inet.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const {
  OFF_SOCKADDR_IN6_SIN6_PORT: PORT,
  OFF_SOCKADDR_IN6_SIN6_FLOWINFO: FLOWINFO,
  OFF_SOCKADDR_IN6_SIN6_ADDR: ADDR,
  OFF_SOCKADDR_IN6_SIN6_SCOPE_ID: SCOPE_ID,
  SIZEOF_SOCKADDR_IN6: SIZE,
} = LAYOUT;

const hex = (n: number) => n.toString(16);

/**
 * RFC 5952 text of the 16 bytes at `b[at]`, as `inet_ntop(AF_INET6)` writes
 * it: lower case, the longest run of two or more zero groups as `::`, and
 * IPv4-mapped and -compatible forms with a dotted tail.
 */
export function ipv6Text(b: Uint8Array, at: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[at + 2 * i] << 8) | b[at + 2 * i + 1]);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) best = -1;
  // glibc writes ::ffff:a.b.c.d and ::a.b.c.d (but not ::1 or ::) with a dotted tail.
  const dotted = best === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff));
  if (dotted) {
    const tail = `${b[at + 12]}.${b[at + 13]}.${b[at + 14]}.${b[at + 15]}`;
    return bestLen === 5 ? `::ffff:${tail}` : `::${tail}`;
  }
  if (best < 0) return g.map(hex).join(":");
  return `${g.slice(0, best).map(hex).join(":")}::${g.slice(best + bestLen).map(hex).join(":")}`;
}

/** The `AF_INET6` codec. */
export const inet6: Codec = {
  family: CONSTANTS.AF_INET6,
  encode(addr: unknown, sa: Sockaddr, ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`${caller}(): AF_INET6 address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length < 2 || addr.length > 4) {
      throw new TypeError("AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])");
    }
    const host = hostArg(addr[0]);
    const port = portArg(addr[1], caller);
    const flowinfo = addr.length > 2 ? toIntIn(addr[2], 0, 0xfffff, `${caller}(): flowinfo must be 0-1048575.`) : 0;
    const scope = addr.length > 3 ? toCUInt(addr[3], `${caller}(): scope_id`) : 0;
    setIpAddr(host, CONSTANTS.AF_INET6, sa.bytes, ADDR);
    writeFamily(sa, ctx.family, SIZE);
    sa.view.setUint16(PORT, port, false);
    sa.view.setUint32(FLOWINFO, flowinfo, false);
    sa.view.setUint32(SCOPE_ID, scope, true);
    return SIZE;
  },
  decode(sa: Sockaddr): [string, number, number, number] {
    return [
      ipv6Text(sa.bytes, ADDR),
      sa.view.getUint16(PORT, false),
      sa.view.getUint32(FLOWINFO, false),
      sa.view.getUint32(SCOPE_ID, true),
    ];
  },
};
