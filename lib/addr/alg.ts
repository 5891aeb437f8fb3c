/**
 * `AF_ALG` addresses (the Linux kernel crypto API): `[type, name, feat?,
 * mask?]` ↔ `struct sockaddr_alg`, e.g. `["hash", "sha256"]` or
 * `["skcipher", "cbc(aes)"]`. `type` must fit `salg_type` and `name`
 * `salg_name` with their terminating NUL; `feat` and `mask` default to 0.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType } from "../args.ts";
import { ValueError } from "../errors.ts";
import { HOST_LE, uintField } from "./fields.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const {
  OFF_SOCKADDR_ALG_SALG_TYPE: TYPE,
  SIZEOF_SOCKADDR_ALG_SALG_TYPE: TYPE_SIZE,
  OFF_SOCKADDR_ALG_SALG_FEAT: FEAT,
  OFF_SOCKADDR_ALG_SALG_MASK: MASK,
  OFF_SOCKADDR_ALG_SALG_NAME: NAME,
  SIZEOF_SOCKADDR_ALG_SALG_NAME: NAME_SIZE,
  SIZEOF_SOCKADDR_ALG: SIZE,
} = LAYOUT;
const { AF_ALG } = CONSTANTS;

const ARITY = "AF_ALG address must be a tuple (type, name[, feat[, mask]])";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text of the NUL-terminated bytes in `b[at, at + size)` (`strnlen` bound). */
function fieldText(b: Uint8Array, at: number, size: number): string {
  let end = at;
  while (end < at + size && b[end] !== 0) end++;
  return decoder.decode(b.subarray(at, end));
}

/**
 * Writes `s` as UTF-8 at `sa[at]` and returns its byte length, without
 * allocating. `encodeInto` stops before a character that does not fit, so a
 * string that fills the whole room may be longer still: the caller treats
 * `size` bytes written, or characters left over, as too long.
 */
function writeText(sa: Sockaddr, s: string, at: number, size: number): number {
  const { read, written } = encoder.encodeInto(s, sa.bytes.subarray(at, at + size));
  return read < s.length ? size : written;
}

/** The `AF_ALG` codec. */
export const alg: Codec = {
  family: AF_ALG,
  encode(addr: unknown, sa: Sockaddr, _ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`${caller}(): AF_ALG address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length < 2 || addr.length > 4) throw new TypeError(ARITY);
    const [type, name] = addr;
    if (typeof type !== "string") throw new TypeError(ARITY);
    if (type.includes("\0")) throw new ValueError("embedded null character");
    if (typeof name !== "string") throw new TypeError(ARITY);
    if (name.includes("\0")) throw new ValueError("embedded null character");
    // CPython's "H" format: an unsigned short each, stored in the 32-bit fields.
    const feat = addr.length > 2 ? uintField(addr[2], 0xffff, caller, "feat") : 0;
    const mask = addr.length > 3 ? uintField(addr[3], 0xffff, caller, "mask") : 0;
    // A failed encode may leave text in `sa`: every encode starts from a zeroed sockaddr (toSockaddr).
    if (writeText(sa, type, TYPE, TYPE_SIZE) >= TYPE_SIZE) throw new ValueError("AF_ALG type too long.");
    if (writeText(sa, name, NAME, NAME_SIZE) >= NAME_SIZE) throw new ValueError("AF_ALG name too long.");
    writeFamily(sa, AF_ALG, SIZE);
    sa.view.setUint32(FEAT, feat, HOST_LE);
    sa.view.setUint32(MASK, mask, HOST_LE);
    return SIZE;
  },
  decode(sa: Sockaddr): [string, string, number, number] {
    return [
      fieldText(sa.bytes, TYPE, TYPE_SIZE),
      fieldText(sa.bytes, NAME, NAME_SIZE),
      sa.view.getUint32(FEAT, HOST_LE),
      sa.view.getUint32(MASK, HOST_LE),
    ];
  },
};
