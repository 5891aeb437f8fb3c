/**
 * Byte order and address text conversions: `htons`, `ntohs`, `htonl`,
 * `ntohl`, `inet_aton`, `inet_ntoa`, `inet_pton` and `inet_ntop`, with
 * CPython 3.11's arguments, results and errors.
 *
 * `inet_pton(AF_INET, …)` and `inet_ntop` run in JavaScript (their results
 * equal glibc's, which the tests check); `inet_aton` and `inet_pton` of
 * other families call the C library.
 *
 * @module
 */

import { CONSTANTS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { parseIPv4 } from "./addr/host.ts";
import { ipv6Text } from "./addr/inet6.ts";
import { intValue, parseI, pyType, toBytes } from "./args.ts";
import { check, OSError, OverflowError, ValueError } from "./errors.ts";
import { room, take } from "./pool.ts";
import { strArg } from "./codecs.ts";
import { arity, FUNCTIONS } from "./signatures.ts";

const { AF_INET, AF_INET6 } = CONSTANTS;

/** Whether this machine stores integers least significant byte first (every supported target does). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const TWO_64 = 2 ** 64;

/** `PyLong_AsUnsignedLong` followed by the 32-bit check of `htonl`/`ntohl`. */
function parseU32(v: unknown): number {
  const n = intValue(v);
  if (n === null) throw new TypeError(`expected int, ${pyType(v)} found`);
  if (n < 0) throw new OverflowError("can't convert negative value to unsigned int");
  if (n >= TWO_64) throw new OverflowError("Python int too large to convert to C unsigned long");
  if (n > 0xffffffff) throw new OverflowError("int larger than 32 bits");
  return Number(n);
}

function u16(fn: string, x: unknown): number {
  const n = parseI(x);
  if (n < 0) throw new OverflowError(`${fn}: can't convert negative Python int to C 16-bit unsigned integer`);
  if (n > 0xffff) throw new OverflowError(`${fn}: Python int too large to convert to C 16-bit unsigned integer`);
  return LITTLE ? ((n & 0xff) << 8) | (n >>> 8) : n;
}

function u32(x: unknown): number {
  const n = parseU32(x);
  return LITTLE ? (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0 : n;
}

/**
 * Converts a 16-bit integer from host to network byte order (Python's
 * `socket.htons`).
 *
 * @param x An integer in 0–65535.
 * @returns `x` with its two bytes in network (big-endian) order.
 * @throws {OverflowError} When `x` is negative or above 65535.
 * @throws {TypeError} When `x` is not an integer.
 *
 * @example
 * ```ts
 * import { htons } from "@pysocket/socket";
 * console.assert(htons(1) === 256);
 * ```
 */
export function htons(x: number | bigint | boolean): number {
  arity(FUNCTIONS.htons, arguments.length);
  return u16("htons", x);
}

/**
 * Converts a 16-bit integer from network to host byte order (Python's
 * `socket.ntohs`).
 *
 * @param x An integer in 0–65535.
 * @returns `x` with its two bytes swapped on a little-endian host.
 * @throws {OverflowError} When `x` is negative or above 65535.
 * @throws {TypeError} When `x` is not an integer.
 */
export function ntohs(x: number | bigint | boolean): number {
  arity(FUNCTIONS.ntohs, arguments.length);
  return u16("ntohs", x);
}

/**
 * Converts a 32-bit integer from host to network byte order (Python's
 * `socket.htonl`).
 *
 * @param x An integer in 0–4294967295.
 * @returns `x` with its four bytes in network (big-endian) order.
 * @throws {OverflowError} When `x` is negative or wider than 32 bits.
 * @throws {TypeError} When `x` is not an integer (`expected int, float found`).
 *
 * @example
 * ```ts
 * import { htonl } from "@pysocket/socket";
 * console.assert(htonl(1) === 0x01000000);
 * ```
 */
export function htonl(x: number | bigint | boolean): number {
  arity(FUNCTIONS.htonl, arguments.length);
  return u32(x);
}

/**
 * Converts a 32-bit integer from network to host byte order (Python's
 * `socket.ntohl`).
 *
 * @param x An integer in 0–4294967295.
 * @returns `x` with its four bytes reversed on a little-endian host.
 * @throws {OverflowError} When `x` is negative or wider than 32 bits.
 * @throws {TypeError} When `x` is not an integer.
 */
export function ntohl(x: number | bigint | boolean): number {
  arity(FUNCTIONS.ntohl, arguments.length);
  return u32(x);
}

const TEXT = new Uint8Array(256);
const PACKED = new Uint8Array(16);

/** A fresh result holding the first `n` bytes of `PACKED` (a view into the shared result pool). */
function packed(n: number): Uint8Array {
  const out = room(n);
  out.set(n === 16 ? PACKED : PACKED.subarray(0, n));
  return take(out, n);
}

/**
 * Converts an IPv4 address from the text forms `inet_aton(3)` accepts
 * (`"a.b.c.d"`, and the short forms `"a.b.c"`, `"a.b"`, `"a"` with decimal,
 * octal or hexadecimal parts) to four bytes in network order (Python's
 * `socket.inet_aton`).
 *
 * @param ip_string The address text.
 * @returns Four bytes.
 * @throws {OSError} `illegal IP address string passed to inet_aton`.
 * @throws {TypeError} When `ip_string` is not a string.
 * @throws {ValueError} When `ip_string` contains a NUL character.
 *
 * @example
 * ```ts
 * import { inet_aton } from "@pysocket/socket";
 * console.assert(inet_aton("127.1").join(".") === "127.0.0.1");
 * ```
 */
export function inet_aton(ip_string: string): Uint8Array {
  arity(FUNCTIONS.inet_aton, arguments.length);
  const c = strArg(ip_string, "inet_aton", 1, TEXT);
  if (libc.inet_aton(c, PACKED) === 0) throw new OSError("illegal IP address string passed to inet_aton");
  return packed(4);
}

/**
 * Converts four bytes of an IPv4 address to dotted-quad text (Python's
 * `socket.inet_ntoa`).
 *
 * @param packed_ip A bytes-like object of length 4.
 * @returns Text such as `"127.0.0.1"`.
 * @throws {OSError} `packed IP wrong length for inet_ntoa`.
 * @throws {TypeError} When `packed_ip` is not bytes-like.
 */
export function inet_ntoa(packed_ip: ArrayBufferView | ArrayBufferLike): string {
  arity(FUNCTIONS.inet_ntoa, arguments.length);
  const b = toBytes(packed_ip);
  if (b.length !== 4) throw new OSError("packed IP wrong length for inet_ntoa");
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/**
 * Converts an address from text to packed bytes for `address_family`
 * (Python's `socket.inet_pton`): 4 bytes for `AF_INET` (strict dotted quad),
 * 16 for `AF_INET6`.
 *
 * @param address_family `AF_INET` or `AF_INET6`.
 * @param ip_string The address text.
 * @returns The packed address.
 * @throws {OSError} `illegal IP address string passed to inet_pton`, or
 *   errno `EAFNOSUPPORT` for another family.
 * @throws {TypeError} When an argument has the wrong type.
 * @throws {ValueError} When `ip_string` contains a NUL character.
 *
 * @example
 * ```ts
 * import { inet_pton } from "@pysocket/socket";
 * import { AF_INET6 } from "@pysocket/socket";
 * console.assert(inet_pton(AF_INET6, "::1")[15] === 1);
 * ```
 */
export function inet_pton(address_family: number, ip_string: string): Uint8Array {
  arity(FUNCTIONS.inet_pton, arguments.length);
  const af = parseI(address_family);
  if (af === AF_INET && typeof ip_string === "string") {
    const out = room(4);
    if (parseIPv4(ip_string, out, 0)) return take(out, 4);
    strArg(ip_string, "inet_pton", 2, TEXT); // CPython's errors first: UnicodeEncodeError, embedded NUL
    throw new OSError("illegal IP address string passed to inet_pton");
  }
  const c = strArg(ip_string, "inet_pton", 2, TEXT);
  const rc = check(libc.inet_pton(af, c, PACKED));
  if (rc === 0) throw new OSError("illegal IP address string passed to inet_pton");
  if (af === AF_INET6) return packed(16);
  throw new OSError("unknown address family");
}

/**
 * Converts a packed address to its text form (Python's `socket.inet_ntop`),
 * as `inet_ntop(3)` writes it: dotted quad for `AF_INET`, RFC 5952 for
 * `AF_INET6` (with a dotted tail for IPv4-mapped and -compatible addresses).
 *
 * @param address_family `AF_INET` or `AF_INET6`.
 * @param packed_ip 4 or 16 bytes.
 * @returns The address text.
 * @throws {ValueError} `invalid length of packed IP address string`, or
 *   `unknown address family N`.
 * @throws {TypeError} When an argument has the wrong type.
 *
 * @example
 * ```ts
 * import { inet_ntop } from "@pysocket/socket";
 * import { AF_INET } from "@pysocket/socket";
 * console.assert(inet_ntop(AF_INET, new Uint8Array([10, 0, 0, 1])) === "10.0.0.1");
 * ```
 */
export function inet_ntop(address_family: number, packed_ip: ArrayBufferView | ArrayBufferLike): string {
  arity(FUNCTIONS.inet_ntop, arguments.length);
  const af = parseI(address_family);
  const b = toBytes(packed_ip);
  if (af === AF_INET) {
    if (b.length !== 4) throw new ValueError("invalid length of packed IP address string");
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  }
  if (af === AF_INET6) {
    if (b.length !== 16) throw new ValueError("invalid length of packed IP address string");
    return ipv6Text(b, 0);
  }
  throw new ValueError(`unknown address family ${af}`);
}
