/**
 * `AF_CAN` addresses ↔ `struct sockaddr_can`, shaped by the socket's
 * protocol as in CPython:
 *
 * - `CAN_RAW`, `CAN_BCM`: `[interface]`
 * - `CAN_ISOTP`: `[interface, rx_addr, tx_addr]` (CAN identifiers)
 * - `CAN_J1939`: `[interface, name, pgn, addr]`, `name` a 64-bit `bigint`
 *   (a `number` is accepted when encoding)
 *
 * `interface` is a name as text or bytes; `""` means every interface
 * (`can_ifindex` 0). Decoding looks the name up from the index.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType } from "../args.ts";
import { OSError, OverflowError, ValueError } from "../errors.ts";
import { arityError, HOST_LE, U32_MAX, uintField } from "./fields.ts";
import { fdOf, ifIndex, ifName } from "./ifindex.ts";
import { type Codec, type Ctx, type Sockaddr, writeFamily } from "./codec.ts";

const {
  OFF_SOCKADDR_CAN_CAN_IFINDEX: IFINDEX,
  OFF_SOCKADDR_CAN_CAN_ADDR_TP_RX_ID: RX_ID,
  OFF_SOCKADDR_CAN_CAN_ADDR_TP_TX_ID: TX_ID,
  OFF_SOCKADDR_CAN_CAN_ADDR_J1939_NAME: J1939_NAME,
  OFF_SOCKADDR_CAN_CAN_ADDR_J1939_PGN: J1939_PGN,
  OFF_SOCKADDR_CAN_CAN_ADDR_J1939_ADDR: J1939_ADDR,
  SIZEOF_SOCKADDR_CAN: SIZE,
  SIZEOF_IFREQ_IFR_NAME: IFNAMSIZ,
} = LAYOUT;
const { AF_CAN, CAN_RAW, CAN_BCM, CAN_ISOTP, CAN_J1939 } = CONSTANTS;

const U64_MAX = 0xffffffffffffffffn;
/** Scratch for measuring a name's UTF-8 length (any name that fits `ifr_name` fits here). */
const SCRATCH = new Uint8Array(IFNAMSIZ * 3);
const encoder = new TextEncoder();

/**
 * Checks an interface argument as `PyUnicode_FSConverter` does and returns
 * its length in bytes; the lookup comes after every field is parsed.
 */
function interfaceLength(v: unknown): number {
  if (typeof v === "string") {
    if (v.includes("\0")) throw new ValueError("embedded null byte");
    // A name of IFNAMSIZ or more UTF-16 units has at least as many bytes.
    return v.length >= IFNAMSIZ ? v.length : encoder.encodeInto(v, SCRATCH).written;
  }
  if (v instanceof Uint8Array) {
    if (v.includes(0)) throw new ValueError("embedded null byte");
    return v.length;
  }
  throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyType(v)}`);
}

/** The `can_ifindex` for an interface argument of `len` bytes: 0 for `""`. */
function interfaceIndex(name: string | Uint8Array, len: number, ctx: Ctx, caller: string): number {
  if (len === 0) return 0;
  if (len >= IFNAMSIZ) throw new OSError("AF_CAN interface name too long");
  return ifIndex(name, caller, fdOf(ctx));
}

/** A `k`/`K`-format integer (no float, no text): a number, boolean or bigint, as a bigint. */
function intArg(v: unknown, position: number): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  throw new TypeError(`argument ${position} must be int, not ${pyType(v)}`);
}

/** A `k`-format field stored in a 32-bit `canid_t`. */
function canIdArg(v: unknown, position: number, caller: string, what: string): number {
  const n = typeof v === "number" && Number.isInteger(v) ? v : Number(intArg(v, position));
  if (n < 0 || n > U32_MAX) throw new OverflowError(`${caller}(): ${what} must be 0-${U32_MAX}.`);
  return n;
}

function notTuple(addr: unknown, caller: string): TypeError {
  return new TypeError(`${caller}(): AF_CAN address must be tuple, not ${pyType(addr)}`);
}

/** The `AF_CAN` codec. */
export const can: Codec = {
  family: AF_CAN,
  encode(addr: unknown, sa: Sockaddr, ctx: Ctx, caller: string): number {
    const proto = ctx.proto;
    if (proto === CAN_RAW || proto === CAN_BCM) {
      if (!Array.isArray(addr)) throw notTuple(addr, caller);
      if (addr.length !== 1) throw new TypeError("AF_CAN address must be a tuple (interface, )");
      const len = interfaceLength(addr[0]);
      const index = interfaceIndex(addr[0], len, ctx, caller);
      writeFamily(sa, AF_CAN, SIZE);
      sa.view.setInt32(IFINDEX, index, HOST_LE);
      return SIZE;
    }
    if (CAN_ISOTP !== undefined && proto === CAN_ISOTP) {
      // CPython reports a non-tuple here as a SystemError from PyArg_ParseTuple;
      // this module gives the TypeError the other CAN protocols give.
      if (!Array.isArray(addr)) throw notTuple(addr, caller);
      if (addr.length !== 3) throw arityError("", 3, addr.length);
      const len = interfaceLength(addr[0]);
      const rx = canIdArg(addr[1], 2, caller, "rx_addr");
      const tx = canIdArg(addr[2], 3, caller, "tx_addr");
      const index = interfaceIndex(addr[0], len, ctx, caller);
      writeFamily(sa, AF_CAN, SIZE);
      sa.view.setInt32(IFINDEX, index, HOST_LE);
      sa.view.setUint32(RX_ID, rx, HOST_LE);
      sa.view.setUint32(TX_ID, tx, HOST_LE);
      return SIZE;
    }
    if (CAN_J1939 !== undefined && proto === CAN_J1939) {
      if (!Array.isArray(addr)) throw notTuple(addr, caller);
      if (addr.length !== 4) throw arityError("", 4, addr.length);
      const len = interfaceLength(addr[0]);
      const name = intArg(addr[1], 2);
      if (name < 0n || name > U64_MAX) throw new OverflowError(`${caller}(): name must be 0-${U64_MAX}.`);
      const pgn = uintField(addr[2], U32_MAX, caller, "pgn");
      const address = uintField(addr[3], 0xff, caller, "addr");
      const index = interfaceIndex(addr[0], len, ctx, caller);
      writeFamily(sa, AF_CAN, SIZE);
      sa.view.setInt32(IFINDEX, index, HOST_LE);
      sa.view.setBigUint64(J1939_NAME, name, HOST_LE);
      sa.view.setUint32(J1939_PGN, pgn, HOST_LE);
      sa.bytes[J1939_ADDR] = address;
      return SIZE;
    }
    throw new OSError(`${caller}(): unsupported CAN protocol`);
  },
  decode(sa: Sockaddr, _len: number, ctx: Ctx): [string] | [string, number, number] | [string, bigint, number, number] {
    const ifname = ifName(sa.view.getInt32(IFINDEX, HOST_LE), fdOf(ctx));
    if (CAN_ISOTP !== undefined && ctx.proto === CAN_ISOTP) {
      return [ifname, sa.view.getUint32(RX_ID, HOST_LE), sa.view.getUint32(TX_ID, HOST_LE)];
    }
    if (CAN_J1939 !== undefined && ctx.proto === CAN_J1939) {
      return [
        ifname,
        sa.view.getBigUint64(J1939_NAME, HOST_LE),
        sa.view.getUint32(J1939_PGN, HOST_LE),
        sa.bytes[J1939_ADDR],
      ];
    }
    return [ifname];
  },
};
