/**
 * `AF_PACKET` addresses: `[ifname, proto, pkttype?, hatype?, addr?]` ↔
 * `struct sockaddr_ll` (Linux `packet(7)`).
 *
 * `proto` is the Ethernet protocol number as a plain integer (`ETH_P_IP`,
 * `0x0800`); the codec stores it in network byte order, as CPython does with
 * `htons`. `pkttype` defaults to `PACKET_HOST`, `hatype` to 0 and `addr` (the
 * hardware address, at most 8 bytes) to none. Decoding always gives all
 * five, with `addr` a `Uint8Array` of `sll_halen` bytes and `ifname` looked
 * up from `sll_ifindex` (`""` if there is no such interface).
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType, toBytes, toInt } from "../args.ts";
import { OverflowError, ValueError } from "../errors.ts";
import { HOST_LE } from "./fields.ts";
import { fdOf, ifIndex, ifName } from "./ifindex.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const {
  OFF_SOCKADDR_LL_SLL_PROTOCOL: PROTOCOL,
  OFF_SOCKADDR_LL_SLL_IFINDEX: IFINDEX,
  OFF_SOCKADDR_LL_SLL_HATYPE: HATYPE,
  OFF_SOCKADDR_LL_SLL_PKTTYPE: PKTTYPE,
  OFF_SOCKADDR_LL_SLL_HALEN: HALEN,
  OFF_SOCKADDR_LL_SLL_ADDR: ADDR,
  SIZEOF_SOCKADDR_LL_SLL_ADDR: ADDR_MAX,
  SIZEOF_SOCKADDR_LL: SIZE,
} = LAYOUT;

const ARITY = "AF_PACKET address must be a tuple of two to five elements";

/**
 * An `i`-format field (a C `int`) that must also fit its `sockaddr_ll`
 * field (`0..max`); either failure is CPython's "address argument out of
 * range".
 */
function intField(v: unknown, max: number, caller: string): number {
  const n = toInt(v);
  if (n < 0 || n > max) {
    // Beyond a C int CPython says "address argument out of range"; it stores
    // smaller values truncated, which this module refuses with the same words.
    throw new OverflowError(`${caller}(): address argument out of range`);
  }
  return n;
}

/** The `AF_PACKET` codec. */
export const packet: Codec = {
  family: CONSTANTS.AF_PACKET,
  encode(addr: unknown, sa: Sockaddr, ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`${caller}(): AF_PACKET address must be tuple, not ${pyType(addr)}`);
    }
    const n = addr.length;
    if (n < 2 || n > 5) throw new TypeError(ARITY);
    const ifname = addr[0];
    if (typeof ifname !== "string") throw new TypeError(ARITY);
    if (ifname.includes("\0")) throw new ValueError("embedded null character");
    const protoArg = toInt(addr[1]);
    if (protoArg < -0x80000000 || protoArg > 0x7fffffff) {
      throw new OverflowError(`${caller}(): address argument out of range`);
    }
    const pkttype = n > 2 ? intField(addr[2], 0xff, caller) : CONSTANTS.PACKET_HOST;
    const hatype = n > 3 ? intField(addr[3], 0xffff, caller) : 0;
    const haddr = n > 4 ? toBytes(addr[4]) : null;
    // CPython's order: the interface lookup, then the hardware address, then the protocol range.
    const index = ifIndex(ifname, caller, fdOf(ctx));
    if (haddr !== null && haddr.length > ADDR_MAX) throw new ValueError("Hardware address must be 8 bytes or less");
    if (protoArg < 0 || protoArg > 0xffff) throw new OverflowError(`${caller}(): proto must be 0-65535.`);
    writeFamily(sa, CONSTANTS.AF_PACKET, SIZE);
    sa.view.setUint16(PROTOCOL, protoArg, false);
    sa.view.setInt32(IFINDEX, index, HOST_LE);
    sa.view.setUint16(HATYPE, hatype, HOST_LE);
    sa.bytes[PKTTYPE] = pkttype;
    if (haddr !== null) {
      sa.bytes.set(haddr, ADDR);
      sa.bytes[HALEN] = haddr.length;
    }
    return SIZE;
  },
  decode(sa: Sockaddr, _len, ctx): [string, number, number, number, Uint8Array] {
    const halen = sa.bytes[HALEN];
    return [
      ifName(sa.view.getInt32(IFINDEX, HOST_LE), fdOf(ctx)),
      sa.view.getUint16(PROTOCOL, false),
      sa.bytes[PKTTYPE],
      sa.view.getUint16(HATYPE, HOST_LE),
      sa.bytes.slice(ADDR, Math.min(ADDR + halen, sa.bytes.length)),
    ];
  },
};
