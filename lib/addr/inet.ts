/**
 * `AF_INET` addresses: `[host, port]` ↔ `struct sockaddr_in`.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType, toInt } from "../args.ts";
import { OverflowError } from "../errors.ts";
import { hostArg, setIpAddr } from "./host.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const { OFF_SOCKADDR_IN_SIN_PORT: PORT, OFF_SOCKADDR_IN_SIN_ADDR: ADDR, SIZEOF_SOCKADDR_IN: SIZE } = LAYOUT;

/** A port argument: an integer in 0–65535, else CPython's `OverflowError`. */
export function portArg(v: unknown, caller: string): number {
  const port = toInt(v);
  if (port < 0 || port > 0xffff) throw new OverflowError(`${caller}(): port must be 0-65535.`);
  return port;
}

/** Dotted-quad text of the four bytes at `b[at]`. */
export function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** The `AF_INET` codec. */
export const inet: Codec = {
  family: CONSTANTS.AF_INET,
  encode(addr: unknown, sa: Sockaddr, ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`${caller}(): AF_INET address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length !== 2) throw new TypeError("AF_INET address must be a pair (host, port)");
    const host = hostArg(addr[0]);
    const port = portArg(addr[1], caller);
    setIpAddr(host, CONSTANTS.AF_INET, sa.bytes, ADDR);
    writeFamily(sa, ctx.family, SIZE);
    sa.view.setUint16(PORT, port, false);
    return SIZE;
  },
  decode(sa: Sockaddr): [string, number] {
    return [ipv4Text(sa.bytes, ADDR), sa.view.getUint16(PORT, false)];
  },
};
