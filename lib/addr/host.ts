/**
 * Host names in addresses: argument checks and CPython's `setipaddr`, which
 * turns `""`, `"<broadcast>"`, numeric addresses and names into the raw
 * bytes of an IPv4 or IPv6 address.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { errno, isNull, libc, ptrAt, readPtr, struct, view } from "../../ffi/mod.ts";
import { pyType } from "../args.ts";
import { gaiErrorFrom, OSError } from "../errors.ts";
import { idnaEncode, isAscii } from "../idna.ts";
import { lengthOf } from "../marshal.ts";

const { AF_INET, AF_INET6, AF_UNSPEC, AI_PASSIVE, SOCK_DGRAM } = CONSTANTS;

/**
 * Bytes as a string of one character per byte, the form host names take
 * here once encoded.
 *
 * @param b The bytes.
 * @returns One character (U+0000–U+00FF) per byte.
 */
export function byteString(b: Uint8Array): string {
  let s = "";
  for (let i = 0, n = lengthOf(b); i < n; i++) s += String.fromCharCode(b[i]);
  return s;
}

/**
 * A host argument as CPython's `idna_converter` gives it to `setipaddr`, as
 * a string of one character per byte: bytes as they are; an ASCII `str` as
 * it is; any other `str` through the `idna` codec, whose failure is a
 * `TypeError` here. A NUL is a `TypeError`.
 *
 * @param v The host element of an address tuple.
 * @returns The name's bytes, one character each (no terminator).
 */
export function hostArg(v: unknown): string {
  let host: string;
  if (typeof v === "string") {
    host = v;
    if (!isAscii(v)) {
      try {
        host = idnaEncode(v);
      } catch {
        // CPython's idna_converter replaces whatever the codec raised.
        throw new TypeError("encoding of hostname failed");
      }
    }
  } else if (v instanceof Uint8Array) {
    host = byteString(v);
  } else {
    throw new TypeError(`str, bytes or bytearray expected, not ${pyType(v)}`);
  }
  if (host.includes("\0")) throw new TypeError("host name must not contain null character");
  return host;
}

/**
 * glibc's `inet_pton4` over a string: exactly four decimal parts of 0–255,
 * no leading zeros, nothing else. Writes the bytes into `out[at..at+4]`
 * (possibly partly, when it fails).
 */
export function parseIPv4(s: string, out: Uint8Array, at: number): boolean {
  let octets = 0, part = 0, sawDigit = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (sawDigit && part === 0) return false;
      part = part * 10 + ch - 48;
      if (part > 255) return false;
      if (!sawDigit) {
        // A fifth part never starts: the dot before it fails below.
        octets++;
        sawDigit = true;
      }
      out[at + octets - 1] = part;
    } else if (ch === 46 && sawDigit) {
      if (octets === 4) return false;
      part = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  return octets === 4;
}

const NAME = new Uint8Array(1026);
const HINTS = new Uint8Array(LAYOUT.SIZEOF_ADDRINFO);
const HINTS_VIEW = new DataView(HINTS.buffer);
const RESULT = new Uint8Array(8);

/**
 * `name` (one character per byte) as a C string in the reused scratch
 * buffer, or a fresh one when long.
 *
 * @param name A host name as {@linkcode hostArg} gives it.
 * @returns The bytes and a NUL.
 */
export function cHost(name: string): Uint8Array {
  const b = name.length + 1 <= NAME.length ? NAME : new Uint8Array(name.length + 1);
  for (let i = 0; i < name.length; i++) b[i] = name.charCodeAt(i);
  b[name.length] = 0;
  return b;
}

const WILDCARD_SERV = new Uint8Array([0x30, 0]);

/**
 * Looks `node` up (`null`: the wildcard) and copies the first result's
 * address into `out` at `at`; returns its family. With `wildcard`, as
 * CPython's `setipaddr` for `""`: one result only, of a known family.
 */
function lookup(node: Uint8Array | null, family: number, out: Uint8Array, at: number): number {
  HINTS.fill(0);
  HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_FAMILY, family, true);
  if (node === null) {
    HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_SOCKTYPE, SOCK_DGRAM, true);
    HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_FLAGS, AI_PASSIVE, true);
  }
  const rc = libc.getaddrinfo(node, node === null ? WILDCARD_SERV : null, HINTS, RESULT);
  if (rc !== 0) throw gaiErrorFrom(rc, errno());
  const res = ptrAt(RESULT, 0);
  try {
    const len = struct(res, LAYOUT.SIZEOF_ADDRINFO).getUint32(LAYOUT.OFF_ADDRINFO_AI_ADDRLEN, true);
    const bytes = view(readPtr(res, LAYOUT.OFF_ADDRINFO_AI_ADDR), 0, len);
    const got = LAYOUT.HAS_SA_LEN === 1 ? bytes[1] : bytes[0] | (bytes[1] << 8);
    if (node === null) {
      if (got !== AF_INET && got !== AF_INET6) throw new OSError("unsupported address family");
      if (!isNull(readPtr(res, LAYOUT.OFF_ADDRINFO_AI_NEXT))) {
        throw new OSError("wildcard resolved to multiple address");
      }
    }
    if (got === AF_INET) {
      if (family === AF_INET6) throw new OSError("address family mismatched");
      out.set(bytes.subarray(LAYOUT.OFF_SOCKADDR_IN_SIN_ADDR, LAYOUT.OFF_SOCKADDR_IN_SIN_ADDR + 4), at);
    } else if (got === AF_INET6) {
      if (family === AF_INET) throw new OSError("address family mismatched");
      out.set(bytes.subarray(LAYOUT.OFF_SOCKADDR_IN6_SIN6_ADDR, LAYOUT.OFF_SOCKADDR_IN6_SIN6_ADDR + 16), at);
    } else {
      throw new OSError("unknown address family");
    }
    return got;
  } finally {
    libc.freeaddrinfo(res);
  }
}

/**
 * CPython's `setipaddr`, the one for every host name (address tuples,
 * `gethostbyname*`, `gethostbyaddr`): writes the address of `name` for
 * `family` (`AF_INET`, `AF_INET6`, or `AF_UNSPEC` for either) into `out` at
 * `at` (4 or 16 bytes) and returns the family of the address written. No
 * resolver call for `"<broadcast>"` or a numeric address; the first
 * `getaddrinfo` result otherwise (for `""`, the passive wildcard). A
 * `%zone` suffix is resolved but, as in CPython, the scope id comes from the
 * address tuple, not from the name.
 *
 * @param name The host, one character per byte ({@linkcode hostArg}).
 * @param family The family wanted.
 * @param out Where the address goes.
 * @param at Its offset in `out`.
 * @returns `AF_INET` or `AF_INET6`.
 */
export function setIpAddr(name: string, family: number, out: Uint8Array, at: number): number {
  // As CPython: the wildcard is getaddrinfo(NULL, AI_PASSIVE)'s one address for the family.
  if (name === "") return lookup(null, family, out, at);
  if (name === "<broadcast>" || name === "255.255.255.255") {
    if (family !== AF_INET && family !== AF_UNSPEC) throw new OSError("address family mismatched");
    out.fill(255, at, at + 4);
    return AF_INET;
  }
  if ((family === AF_INET || family === AF_UNSPEC) && parseIPv4(name, out, at)) return AF_INET;
  const c = cHost(name);
  if ((family === AF_INET6 || family === AF_UNSPEC) && !name.includes("%")) {
    if (libc.inet_pton(AF_INET6, c, out.subarray(at, at + 16)) === 1) return AF_INET6;
  }
  return lookup(c, family, out, at);
}
