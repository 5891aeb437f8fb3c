/**
 * Name services through the C library, as CPython 3.11's `socket` module
 * offers them: `getaddrinfo`, `getnameinfo`, the `gethostby*` family,
 * `gethostname`/`sethostname`, `getfqdn`, `getprotobyname`,
 * `getservbyname`/`getservbyport` and the `if_*` interface functions.
 *
 * The reentrant `*_r` forms are used where the C library has them (glibc,
 * musl), the plain ones elsewhere. Every result the C library allocates is
 * freed in a `finally` block.
 *
 * @module
 */

import { CONSTANTS, LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { cstring, errno, isNull, libc, type Ptr, ptrAt, readPtr, strerror, struct, view } from "../ffi/mod.ts";
import { fromSockaddr, newSockaddr, writeFamily } from "./addr/mod.ts";
import type { Inet6AddressResult, InetAddressResult } from "./addr/types.ts";
import { byteString, cHost, parseIPv4, setIpAddr } from "./addr/host.ts";
import { ipv6Text } from "./addr/inet6.ts";
import { copyBytes, intValue, isOptions, isUint8Array, parseI, pyType, toBytes } from "./args.ts";
import type { AddressFamily, SocketKind } from "./constants.ts";
import { fsDecode, fsEncode, strArg, utf8Encode } from "./codecs.ts";
import { lengthOf } from "./marshal.ts";
import { check, gaiErrorFrom, herror, lastError, OSError, OverflowError, ValueError } from "./errors.ts";
import { idnaEncode } from "./idna.ts";
import { arity, arityError, arityKw, FUNCTIONS, unknownKeyword } from "./signatures.ts";

export { UnicodeError } from "./errors.ts";

const { AF_INET, AF_INET6, AF_UNSPEC, SOCK_DGRAM, AI_NUMERICHOST } = CONSTANTS;
const L = LAYOUT;
const PTR = L.SIZEOF_ADDRINFO_AI_NEXT;
/** Whether integers are stored least significant byte first (every supported target). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

const decoder = new TextDecoder();

// ---------------------------------------------------------------------------
// Errors and argument conversion

/** The `"I"` conversion: a C `unsigned int`, taken modulo 2³² without a range check. */
function parseUIMask(v: unknown): number {
  const n = intValue(v);
  if (n === null) throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
  if (typeof n === "number" && Number.isSafeInteger(n)) return n >>> 0;
  return Number(BigInt.asUintN(32, BigInt(n)));
}

/** `text` as a NUL-terminated C string in strict UTF-8 (the `"s"` conversion), in `scratch` when it fits. */
function cText(text: string, scratch: Uint8Array): Uint8Array {
  return cBytes(utf8Encode(text), scratch);
}

/** `bytes` followed by a NUL, in `scratch` when it fits (C reads up to the first NUL). */
function cBytes(bytes: Uint8Array, scratch: Uint8Array): Uint8Array {
  const n = lengthOf(bytes); // the real length: an own `length` on the caller's array is not read
  const out = n + 1 <= scratch.length ? scratch : new Uint8Array(n + 1);
  out.set(bytes);
  out[n] = 0;
  return out;
}

/** The NUL-terminated string at the start of `b`, without its NUL. */
function cStringOf(b: Uint8Array): Uint8Array {
  const end = b.indexOf(0);
  return end < 0 ? b : b.subarray(0, end);
}

/** The text of the NUL-terminated string at the start of `b`. */
function textOf(b: Uint8Array): string {
  return decoder.decode(cStringOf(b));
}

/** `PyUnicode_FSConverter`: a `str` or bytes without NUL, as a C string. */
function fsArg(v: unknown, scratch: Uint8Array): Uint8Array {
  if (typeof v === "string") {
    if (v.includes("\0")) throw new ValueError("embedded null byte");
    return cBytes(fsEncode(v), scratch);
  }
  if (v instanceof Uint8Array) {
    if (v.includes(0)) throw new ValueError("embedded null byte");
    return cBytes(v, scratch);
  }
  throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyType(v)}`);
}

const HOST = new Uint8Array(1026);

/**
 * The `"et"` conversion with the `idna` encoding, as `gethostbyname`,
 * `gethostbyname_ex` and `gethostbyaddr` take their argument: a `str`
 * (IDNA-encoded) or bytes, without NUL; one character per byte.
 */
function etArg(v: unknown, fn: string): string {
  let name: string;
  if (typeof v === "string") name = idnaEncode(v);
  else if (v instanceof Uint8Array) name = byteString(v);
  else throw new TypeError(`${fn}() argument 1 must be str, bytes or bytearray, not ${pyType(v)}`);
  if (name.includes("\0")) {
    const type = typeof v === "string" ? "str" : "bytes";
    throw new TypeError(`${fn}() argument 1 must be encoded string without null bytes, not ${type}`);
  }
  return name;
}

// ---------------------------------------------------------------------------
// getaddrinfo

/**
 * One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`,
 * with `family` and `type` members of the {@linkcode AddressFamily} and
 * {@linkcode SocketKind} enums.
 */
export type AddrInfo = [
  family: AddressFamily,
  type: SocketKind,
  proto: number,
  canonname: string,
  sockaddr: InetAddressResult | Inet6AddressResult,
];

/**
 * The arguments of {@linkcode getaddrinfo} after `host` and `port`:
 * `family?, type?, proto?, flags?`, positional, or some of them followed by
 * an options object `O`.
 */
export type GetaddrinfoArgs<O = GetaddrinfoOptions> =
  | [family?: number, type?: number, proto?: number, flags?: number]
  | [options: O]
  | [family: number, options: O]
  | [family: number, type: number, options: O]
  | [family: number, type: number, proto: number, options: O];

/** Python's keyword arguments for {@linkcode getaddrinfo}. */
export interface GetaddrinfoOptions {
  /** `AF_INET`, `AF_INET6`, or `AF_UNSPEC` (0) for both. */
  family?: number;
  /** `SOCK_STREAM`, `SOCK_DGRAM`, … or 0 for any. */
  type?: number;
  /** Protocol number, or 0 for any. */
  proto?: number;
  /** `AI_*` flags. */
  flags?: number;
}

const HINTS = new Uint8Array(L.SIZEOF_ADDRINFO);
const HINTS_VIEW = new DataView(HINTS.buffer);
const RESULT = new Uint8Array(8);
const SA = newSockaddr();
const PORT = new Uint8Array(64);
const GAI_NAMES = ["host", "port", "family", "type", "proto", "flags"] as const;

function setHints(family: number, type: number, proto: number, flags: number): void {
  HINTS.fill(0);
  HINTS_VIEW.setInt32(L.OFF_ADDRINFO_AI_FLAGS, flags, true);
  HINTS_VIEW.setInt32(L.OFF_ADDRINFO_AI_FAMILY, family, true);
  HINTS_VIEW.setInt32(L.OFF_ADDRINFO_AI_SOCKTYPE, type, true);
  HINTS_VIEW.setInt32(L.OFF_ADDRINFO_AI_PROTOCOL, proto, true);
}

/** The service argument of `getaddrinfo`: 3.11 takes an exact `int`, a `str`, `bytes` or `None`. */
function portC(port: unknown): Uint8Array | null {
  if (port === null || port === undefined) return null;
  if ((typeof port === "number" && Number.isInteger(port)) || typeof port === "bigint") {
    if (port >= TWO_63 || port < -TWO_63) throw new OverflowError("Python int too large to convert to C long");
    return cText(typeof port === "number" && Number.isSafeInteger(port) ? String(port) : BigInt(port).toString(), PORT);
  }
  if (typeof port === "string") return cText(port, PORT);
  if (port instanceof Uint8Array) return cBytes(port, PORT);
  throw new OSError("Int or String expected");
}

/**
 * Translates a host and port into the addresses to create sockets for, as
 * Python's `socket.getaddrinfo`.
 *
 * The host is a name (IDNA-encoded when not ASCII), a numeric IPv4 or IPv6
 * address (`"fe80::1%lo"` gives the interface's index as `scope_id`), bytes,
 * or `null` (with `AI_PASSIVE` the wildcard address, else the loopback
 * address). The port is an integer, a service name such as `"http"`, bytes,
 * or `null`.
 *
 * @param host A name, a numeric address, or `null`.
 * @param port A port number, a service name, or `null`.
 * @param args `family`, `type`, `proto`, `flags`, positional or as an options object.
 * @returns `[family, type, proto, canonname, sockaddr]` for each address;
 *   `canonname` is set on the first one when `AI_CANONNAME` is given.
 * @throws {gaierror} When the name cannot be resolved (`EAI_NONAME`, …) or the hints are invalid.
 * @throws {OSError} `Int or String expected` for a port of another type.
 * @throws {UnicodeError} When the host name cannot be IDNA-encoded.
 * @throws {TypeError} For a host that is not a string, bytes or `null`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [[family, , , , addr]] = socket.getaddrinfo("127.0.0.1", 80, { type: socket.SOCK_STREAM });
 * console.assert(family === socket.AF_INET && addr[1] === 80);
 * ```
 */
export function getaddrinfo(
  host: string | Uint8Array | null,
  port: string | number | bigint | Uint8Array | null,
  ...args: GetaddrinfoArgs
): AddrInfo[] {
  arityKw(FUNCTIONS.getaddrinfo, arguments);
  const q = gaiRequest(arguments.length, host, port, args);
  const rc = libc.getaddrinfo(q.host, q.serv, q.hints, RESULT);
  if (rc !== 0) throw gaiErrorFrom(rc, errno());
  return gaiResults(ptrAt(RESULT, 0), q.proto);
}

/** `getaddrinfo`'s arguments, converted and checked: what the C call takes. */
export interface GaiRequest {
  /** The NUL-terminated host, or `null`. */
  host: Uint8Array | null;
  /** The NUL-terminated service, or `null`. */
  serv: Uint8Array | null;
  /** The `struct addrinfo` hints. */
  hints: Uint8Array;
  /** The protocol asked for (the results' addresses are decoded with it). */
  proto: number;
}

/**
 * Converts and checks {@linkcode getaddrinfo}'s arguments (`argc` of them
 * given) with its rules, raising its errors; runs every user conversion
 * (`valueOf`, getters). The buffers are scratch, reused by the next call:
 * copy them to keep them.
 */
export function gaiRequest(
  argc: number,
  host: unknown,
  port: unknown,
  args: unknown[],
): GaiRequest {
  if (argc < 2) {
    throw new TypeError(
      argc === 0
        ? "getaddrinfo() missing 2 required positional arguments: 'host' and 'port'"
        : "getaddrinfo() missing 1 required positional argument: 'port'",
    );
  }
  let f: unknown, t: unknown, p: unknown, fl: unknown;
  if (args.length > 0 && isOptions(args[args.length - 1])) {
    if (args.length > 5) throw arityError(FUNCTIONS.getaddrinfo, args.length + 1);
    const given = args.length - 1;
    const opts = args[given] as Record<string, unknown>;
    const all: unknown[] = [host, port, ...args.slice(0, given)];
    for (const [k, v] of Object.entries(opts)) {
      const i = GAI_NAMES.indexOf(k as typeof GAI_NAMES[number]);
      if (i < 0) throw unknownKeyword(FUNCTIONS.getaddrinfo, k);
      if (i < all.length && all[i] !== undefined) {
        throw new TypeError(`getaddrinfo() got multiple values for argument '${k}'`);
      }
      all[i] = v;
    }
    [host, port, f, t, p, fl] = all;
  } else {
    if (args.length > 4) throw arityError(FUNCTIONS.getaddrinfo, args.length + 2);
    [f, t, p, fl] = args;
  }
  const family = f === undefined ? AF_UNSPEC : parseI(f);
  const type = t === undefined ? 0 : parseI(t);
  const proto = p === undefined ? 0 : parseI(p);
  const flags = fl === undefined ? 0 : parseI(fl);
  let hostC: Uint8Array | null = null;
  // The idna codec's result goes to C as it is: C reads it up to a NUL, as in CPython.
  if (typeof host === "string") hostC = cHost(idnaEncode(host));
  else if (host instanceof Uint8Array) hostC = cBytes(host, HOST);
  else if (host !== null && host !== undefined) {
    throw new TypeError("getaddrinfo() argument 1 must be string or None");
  }
  const serv = portC(port);
  setHints(family, type, proto, flags);
  return { host: hostC, serv, hints: HINTS, proto };
}

/** Decodes the result list at `head` of a successful `getaddrinfo` call, then frees it. */
export function gaiResults(head: Ptr, proto: number): AddrInfo[] {
  const out: AddrInfo[] = [];
  try {
    for (let ai = head; !isNull(ai); ai = readPtr(ai, L.OFF_ADDRINFO_AI_NEXT)) {
      const s = struct(ai, L.SIZEOF_ADDRINFO);
      const aiFamily = s.getInt32(L.OFF_ADDRINFO_AI_FAMILY, true);
      const aiType = s.getInt32(L.OFF_ADDRINFO_AI_SOCKTYPE, true);
      const aiProto = s.getInt32(L.OFF_ADDRINFO_AI_PROTOCOL, true);
      const len = Math.min(s.getUint32(L.OFF_ADDRINFO_AI_ADDRLEN, true), SA.bytes.length);
      const canonPtr = readPtr(ai, L.OFF_ADDRINFO_AI_CANONNAME);
      const canon = isNull(canonPtr) ? "" : cstring(canonPtr);
      SA.bytes.fill(0);
      if (len > 0) SA.bytes.set(view(readPtr(ai, L.OFF_ADDRINFO_AI_ADDR), 0, len));
      const addr = fromSockaddr(SA, len, { family: aiFamily, type: aiType, proto });
      out.push([aiFamily, aiType, aiProto, canon, addr as InetAddressResult | Inet6AddressResult]);
    }
  } finally {
    libc.freeaddrinfo(head);
  }
  return out;
}

// ---------------------------------------------------------------------------
// getnameinfo

const NI_HOST = new Uint8Array(CONSTANTS.NI_MAXHOST ?? 1025);
const NI_SERV = new Uint8Array(CONSTANTS.NI_MAXSERV ?? 32);
const NI_SA = newSockaddr();

/**
 * Translates a socket address into a host and a port or service name, as
 * Python's `socket.getnameinfo`. The host part of `sockaddr` must be a
 * numeric address; a scoped IPv6 link-local address comes back with its
 * `%scope` suffix under `NI_NUMERICHOST`.
 *
 * @param sockaddr `[host, port]` or `[host, port, flowinfo?, scope_id?]`.
 * @param flags `NI_*` flags.
 * @returns `[host, port]`, both strings.
 * @throws {gaierror} When the address cannot be translated (`NI_NAMEREQD` without a name, …).
 * @throws {OSError} `sockaddr resolved to multiple addresses`, `IPv4 sockaddr must be 2 tuple`.
 * @throws {TypeError} `getnameinfo() argument 1 must be a tuple`, `getnameinfo(): illegal sockaddr argument`.
 * @throws {OverflowError} For a flowinfo above 1048575 or a port beyond a C `int`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [host, port] = socket.getnameinfo(["127.0.0.1", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV);
 * console.assert(host === "127.0.0.1" && port === "80");
 * ```
 */
export function getnameinfo(sockaddr: readonly unknown[], flags: number): [host: string, port: string] {
  arity(FUNCTIONS.getnameinfo, arguments.length);
  const fl = parseI(flags);
  if (!Array.isArray(sockaddr)) throw new TypeError("getnameinfo() argument 1 must be a tuple");
  const illegal = () => new TypeError("getnameinfo(): illegal sockaddr argument");
  if (sockaddr.length < 2 || sockaddr.length > 4 || typeof sockaddr[0] !== "string") throw illegal();
  const host: string = sockaddr[0];
  const hostUtf8 = utf8Encode(host);
  if (host.includes("\0")) throw new ValueError("embedded null character");
  const port = parseI(sockaddr[1]);
  const flowinfo = sockaddr.length > 2 ? parseUIMask(sockaddr[2]) : 0;
  const scopeId = sockaddr.length > 3 ? parseUIMask(sockaddr[3]) : 0;
  if (flowinfo > 0xfffff) throw new OverflowError("getnameinfo(): flowinfo must be 0-1048575.");
  let rc: number;
  if (port >= 0 && port <= 0xffff && parseIPv4(host, NI_SA.bytes, L.OFF_SOCKADDR_IN_SIN_ADDR)) {
    // A strict dotted quad and a port in range: exactly the one AF_INET
    // address getaddrinfo(AI_NUMERICHOST) would give, without the call.
    if (sockaddr.length !== 2) throw new OSError("IPv4 sockaddr must be 2 tuple");
    NI_SA.bytes.fill(0, 0, L.OFF_SOCKADDR_IN_SIN_ADDR);
    NI_SA.bytes.fill(0, L.OFF_SOCKADDR_IN_SIN_ADDR + 4, L.SIZEOF_SOCKADDR_IN);
    writeFamily(NI_SA, AF_INET, L.SIZEOF_SOCKADDR_IN);
    NI_SA.view.setUint16(L.OFF_SOCKADDR_IN_SIN_PORT, port, false);
    rc = libc.getnameinfo(NI_SA.bytes, L.SIZEOF_SOCKADDR_IN, NI_HOST, NI_HOST.length, NI_SERV, NI_SERV.length, fl);
    if (rc !== 0) throw gaiErrorFrom(rc, errno());
    return [textOf(NI_HOST), textOf(NI_SERV)];
  }
  setHints(AF_UNSPEC, SOCK_DGRAM, 0, AI_NUMERICHOST);
  rc = libc.getaddrinfo(cBytes(hostUtf8, HOST), cText(String(port), PORT), HINTS, RESULT);
  if (rc !== 0) throw gaiErrorFrom(rc, errno());
  const res = ptrAt(RESULT, 0);
  let len: number;
  try {
    if (!isNull(readPtr(res, L.OFF_ADDRINFO_AI_NEXT))) throw new OSError("sockaddr resolved to multiple addresses");
    const s = struct(res, L.SIZEOF_ADDRINFO);
    const family = s.getInt32(L.OFF_ADDRINFO_AI_FAMILY, true);
    len = Math.min(s.getUint32(L.OFF_ADDRINFO_AI_ADDRLEN, true), NI_SA.bytes.length);
    NI_SA.bytes.fill(0);
    NI_SA.bytes.set(view(readPtr(res, L.OFF_ADDRINFO_AI_ADDR), 0, len));
    if (family === AF_INET) {
      if (sockaddr.length !== 2) throw new OSError("IPv4 sockaddr must be 2 tuple");
    } else if (family === AF_INET6) {
      NI_SA.view.setUint32(L.OFF_SOCKADDR_IN6_SIN6_FLOWINFO, flowinfo, false);
      NI_SA.view.setUint32(L.OFF_SOCKADDR_IN6_SIN6_SCOPE_ID, scopeId, LITTLE);
    }
  } finally {
    libc.freeaddrinfo(res);
  }
  rc = libc.getnameinfo(NI_SA.bytes, len, NI_HOST, NI_HOST.length, NI_SERV, NI_SERV.length, fl);
  if (rc !== 0) throw gaiErrorFrom(rc, errno());
  return [textOf(NI_HOST), textOf(NI_SERV)];
}

// ---------------------------------------------------------------------------
// setipaddr and the host database

/** Where {@linkcode setIpAddr} leaves the address: 4 or 16 bytes. */
const ADDR = new Uint8Array(16);

function addrText(family: number, b: Uint8Array): string {
  return family === AF_INET ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : ipv6Text(b, 0);
}

/**
 * Resolves a host name to an IPv4 address, as Python's
 * `socket.gethostbyname`. Numeric addresses, `""` and `"<broadcast>"` need
 * no lookup.
 *
 * @param hostname A host name (IDNA-encoded when not ASCII) or bytes.
 * @returns The address as dotted-quad text.
 * @throws {gaierror} When the name cannot be resolved to an IPv4 address.
 * @throws {UnicodeError} When the name cannot be IDNA-encoded.
 * @throws {TypeError} For a name of another type, or with a NUL character.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.gethostbyname("localhost").startsWith("127."));
 * ```
 */
export function gethostbyname(hostname: string | Uint8Array): string {
  arity(FUNCTIONS.gethostbyname, arguments.length);
  setIpAddr(etArg(hostname, "gethostbyname"), AF_INET, ADDR, 0);
  return addrText(AF_INET, ADDR);
}

/** `gethostbyname_ex`/`gethostbyaddr`'s result: `[name, aliases, addresses]`. */
export type HostInfo = [hostname: string, aliaslist: string[], ipaddrlist: string[]];

const HOSTENT = new Uint8Array(L.SIZEOF_HOSTENT);
const HOSTENT_VIEW = new DataView(HOSTENT.buffer);
const H_ERRNO = new Int32Array(1);
let hostBuf = new Uint8Array(16384);
const ERANGE = SYS.ERANGE;
const MAX_BUF = 1 << 22;

/** Reads a `hostent` (CPython's `gethost_common`), or raises `herror` when there is none. */
function hostResult(h: Ptr | "local", hErrno: number, af: number): HostInfo {
  if (h !== "local" && isNull(h)) throw new herror(hErrno, cstring(libc.hstrerror(hErrno)));
  const field = (off: number): Ptr => h === "local" ? ptrAt(HOSTENT, off) : readPtr(h, off);
  const addrtype = h === "local"
    ? HOSTENT_VIEW.getInt32(L.OFF_HOSTENT_H_ADDRTYPE, LITTLE)
    : struct(h, L.SIZEOF_HOSTENT).getInt32(L.OFF_HOSTENT_H_ADDRTYPE, LITTLE);
  const eafnosupport = SYS.EAFNOSUPPORT;
  if (addrtype !== af) throw new OSError(eafnosupport, strerror(eafnosupport));
  const aliases: string[] = [];
  const aliasList = field(L.OFF_HOSTENT_H_ALIASES);
  if (!isNull(aliasList)) {
    for (let i = 0;; i++) {
      const p = readPtr(aliasList, i * PTR);
      if (isNull(p)) break;
      aliases.push(cstring(p));
    }
  }
  const addrs: string[] = [];
  const addrList = field(L.OFF_HOSTENT_H_ADDR_LIST);
  const size = af === AF_INET ? 4 : 16;
  for (let i = 0;; i++) {
    const p = readPtr(addrList, i * PTR);
    if (isNull(p)) break;
    addrs.push(addrText(af, view(p, 0, size)));
  }
  return [cstring(field(L.OFF_HOSTENT_H_NAME)), aliases, addrs];
}

/** Runs a `*_r` lookup, growing the buffer while it reports `ERANGE`. */
function reentrant(call: (buf: Uint8Array) => number): number {
  for (;;) {
    const rc = call(hostBuf);
    if (rc !== ERANGE || hostBuf.length >= MAX_BUF) return rc;
    hostBuf = new Uint8Array(hostBuf.length * 4);
  }
}

/**
 * Resolves a host name to its primary name, aliases and IPv4 addresses, as
 * Python's `socket.gethostbyname_ex`.
 *
 * @param hostname A host name or numeric IPv4 address (or bytes).
 * @returns `[hostname, aliaslist, ipaddrlist]`.
 * @throws {herror} When the host database has no entry (`h_errno` and `hstrerror`'s text).
 * @throws {gaierror} When the name cannot be resolved at all.
 * @throws {TypeError} For a name of another type, or with a NUL character.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [name, , addrs] = socket.gethostbyname_ex("localhost");
 * console.assert(name === "localhost" && addrs.length > 0);
 * ```
 */
export function gethostbyname_ex(hostname: string | Uint8Array): HostInfo {
  arity(FUNCTIONS.gethostbyname_ex, arguments.length);
  const host = etArg(hostname, "gethostbyname_ex");
  setIpAddr(host, AF_INET, ADDR, 0);
  const name = cHost(host);
  const r = libc.gethostbyname2_r;
  if (r) {
    H_ERRNO[0] = 0;
    reentrant((buf) => r(name, AF_INET, HOSTENT, buf, buf.length - 1, RESULT, H_ERRNO));
    return hostResult(isNull(ptrAt(RESULT, 0)) ? null : "local", H_ERRNO[0], AF_INET);
  }
  // Without the reentrant form (macOS) `h_errno` is out of reach: report HOST_NOT_FOUND.
  return hostResult(libc.gethostbyname2(name, AF_INET), 1, AF_INET);
}

/**
 * Looks up the host name of an address, as Python's `socket.gethostbyaddr`:
 * the argument (an IPv4 or IPv6 address, or a name, which is resolved
 * first) goes to `gethostbyaddr(3)`.
 *
 * @param ip_address A numeric address or a host name (or bytes).
 * @returns `[hostname, aliaslist, ipaddrlist]`.
 * @throws {herror} When the address has no name (`[Errno 1] Unknown host`).
 * @throws {gaierror} When a name cannot be resolved.
 * @throws {OSError} `wildcard resolved to multiple address` for `""` on a dual-stack host.
 * @throws {TypeError} For an argument of another type, or with a NUL character.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [, , addrs] = socket.gethostbyaddr("127.0.0.1");
 * console.assert(addrs[0] === "127.0.0.1");
 * ```
 */
export function gethostbyaddr(ip_address: string | Uint8Array): HostInfo {
  arity(FUNCTIONS.gethostbyaddr, arguments.length);
  ADDR.fill(0);
  const af = setIpAddr(etArg(ip_address, "gethostbyaddr"), AF_UNSPEC, ADDR, 0);
  const size = af === AF_INET ? 4 : 16;
  const r = libc.gethostbyaddr_r;
  if (r) {
    H_ERRNO[0] = 0;
    reentrant((buf) => r(ADDR, size, af, HOSTENT, buf, buf.length - 1, RESULT, H_ERRNO));
    return hostResult(isNull(ptrAt(RESULT, 0)) ? null : "local", H_ERRNO[0], af);
  }
  return hostResult(libc.gethostbyaddr(ADDR, size, af), 1, af);
}

const HOSTNAME = new Uint8Array(1024);

/**
 * The host name of this machine, as Python's `socket.gethostname`.
 *
 * @returns The name `gethostname(2)` reports.
 * @throws {OSError} When the system call fails.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.gethostname().length > 0);
 * ```
 */
export function gethostname(): string {
  arity(FUNCTIONS.gethostname, arguments.length);
  check(libc.gethostname(HOSTNAME, HOSTNAME.length - 1));
  HOSTNAME[HOSTNAME.length - 1] = 0;
  return fsDecode(cStringOf(HOSTNAME));
}

/**
 * Sets the host name of this machine (of its UTS namespace), as Python's
 * `socket.sethostname`. Needs `CAP_SYS_ADMIN`.
 *
 * @param name The new name: bytes as given, or a string (UTF-8, no NUL).
 * @throws {OSError} `EPERM` without the privilege, `EINVAL` for a name over 64 bytes.
 * @throws {TypeError} For an argument of another type.
 * @throws {ValueError} `embedded null byte` for a string with a NUL.
 */
export function sethostname(name: string | Uint8Array): void {
  arity(FUNCTIONS.sethostname, arguments.length);
  let b: Uint8Array;
  // Python's `bytes` (a Uint8Array, by its brand), copied with its real length; CPython refuses other buffers.
  if (isUint8Array(name)) b = copyBytes(toBytes(name));
  else if (typeof name === "string") {
    if (name.includes("\0")) throw new ValueError("embedded null byte");
    b = fsEncode(name);
  } else {
    throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyType(name)}`);
  }
  check(libc.sethostname(b, b.length));
}

// Python's str.strip() whitespace (str.isspace), which differs from String.prototype.trim's.
const PY_SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "g");

/**
 * A fully qualified domain name for `name`, as Python's `socket.getfqdn`
 * (Lib/socket.py): an empty name, `"0.0.0.0"` or `"::"` means this host;
 * the first of `gethostbyaddr`'s name and aliases that contains a dot is
 * returned, else its name, or `name` itself when the lookup fails.
 *
 * @param name A host name or address; this host when omitted.
 * @returns The fully qualified name, as well as the host database knows it.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(typeof socket.getfqdn() === "string");
 * ```
 */
export function getfqdn(name: string = ""): string {
  arity(FUNCTIONS.getfqdn, arguments.length);
  if (typeof name !== "string") throw new TypeError(`'${pyType(name)}' object has no attribute 'strip'`);
  name = name.replace(STRIP, "");
  if (!name || name === "0.0.0.0" || name === "::") name = gethostname();
  let info: HostInfo;
  try {
    info = gethostbyaddr(name);
  } catch (e) {
    if (e instanceof OSError) return name;
    throw e;
  }
  const [hostname, aliases] = info;
  if (hostname.includes(".")) return hostname;
  return aliases.find((a) => a.includes(".")) ?? hostname;
}

// ---------------------------------------------------------------------------
// Protocols and services

const NAME = new Uint8Array(256);
const PROTO = new Uint8Array(64);
const ENTRY = new Uint8Array(Math.max(L.SIZEOF_SERVENT, L.SIZEOF_PROTOENT));
const ENTRY_VIEW = new DataView(ENTRY.buffer);

/**
 * The number of the protocol called `protocolname` in the protocols
 * database (`/etc/protocols`), as Python's `socket.getprotobyname`.
 *
 * @param protocolname A protocol name such as `"tcp"` or `"icmp"`.
 * @returns The protocol number.
 * @throws {OSError} `protocol not found`.
 * @throws {TypeError} For an argument that is not a string.
 * @throws {ValueError} `embedded null character`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.getprotobyname("tcp") === socket.IPPROTO_TCP);
 * ```
 */
export function getprotobyname(protocolname: string): number {
  arity(FUNCTIONS.getprotobyname, arguments.length);
  const name = strArg(protocolname, "getprotobyname", 1, NAME);
  const r = libc.getprotobyname_r;
  if (r) {
    reentrant((buf) => r(name, ENTRY, buf, buf.length, RESULT));
    if (isNull(ptrAt(RESULT, 0))) throw new OSError("protocol not found");
    return ENTRY_VIEW.getInt32(L.OFF_PROTOENT_P_PROTO, LITTLE);
  }
  const p = libc.getprotobyname(name);
  if (isNull(p)) throw new OSError("protocol not found");
  return struct(p, L.SIZEOF_PROTOENT).getInt32(L.OFF_PROTOENT_P_PROTO, LITTLE);
}

/** The port of a `servent`, whose `s_port` holds it in network byte order. */
function servPort(v: DataView): number {
  return v.getUint16(L.OFF_SERVENT_S_PORT + (LITTLE ? 0 : 2), false);
}

/**
 * The port of the service called `servicename` in the services database
 * (`/etc/services`), as Python's `socket.getservbyname`.
 *
 * @param servicename A service name such as `"http"`.
 * @param protocolname `"tcp"` or `"udp"`; any protocol matches when omitted.
 * @returns The port number.
 * @throws {OSError} `service/proto not found`.
 * @throws {TypeError} For an argument that is not a string.
 * @throws {ValueError} `embedded null character`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.getservbyname("http", "tcp") === 80);
 * ```
 */
export function getservbyname(servicename: string, protocolname?: string): number {
  arity(FUNCTIONS.getservbyname, arguments.length);
  const name = strArg(servicename, "getservbyname", 1, NAME);
  const proto = arguments.length > 1 ? strArg(protocolname, "getservbyname", 2, PROTO) : null;
  const r = libc.getservbyname_r;
  if (r) {
    reentrant((buf) => r(name, proto, ENTRY, buf, buf.length, RESULT));
    if (isNull(ptrAt(RESULT, 0))) throw new OSError("service/proto not found");
    return servPort(ENTRY_VIEW);
  }
  const p = libc.getservbyname(name, proto);
  if (isNull(p)) throw new OSError("service/proto not found");
  return servPort(struct(p, L.SIZEOF_SERVENT));
}

/**
 * The name of the service on `port` in the services database, as Python's
 * `socket.getservbyport`.
 *
 * @param port A port number, 0–65535.
 * @param protocolname `"tcp"` or `"udp"`; any protocol matches when omitted.
 * @returns The service name.
 * @throws {OSError} `port/proto not found`.
 * @throws {OverflowError} `getservbyport: port must be 0-65535.`
 * @throws {TypeError} For arguments of the wrong type.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.getservbyport(80, "tcp") === "http");
 * ```
 */
export function getservbyport(port: number, protocolname?: string): string {
  arity(FUNCTIONS.getservbyport, arguments.length);
  const n = parseI(port);
  const proto = arguments.length > 1 ? strArg(protocolname, "getservbyport", 2, PROTO) : null;
  if (n < 0 || n > 0xffff) throw new OverflowError("getservbyport: port must be 0-65535.");
  // s_port is an int holding the port in network byte order.
  const netPort = LITTLE ? ((n & 0xff) << 8) | (n >>> 8) : n;
  const r = libc.getservbyport_r;
  if (r) {
    reentrant((buf) => r(netPort, proto, ENTRY, buf, buf.length, RESULT));
    if (isNull(ptrAt(RESULT, 0))) throw new OSError("port/proto not found");
    return cstring(ptrAt(ENTRY, L.OFF_SERVENT_S_NAME));
  }
  const p = libc.getservbyport(netPort, proto);
  if (isNull(p)) throw new OSError("port/proto not found");
  return cstring(readPtr(p, L.OFF_SERVENT_S_NAME));
}

// ---------------------------------------------------------------------------
// Network interfaces

/**
 * Every network interface, as Python's `socket.if_nameindex`.
 *
 * @returns `[index, name]` for each interface.
 * @throws {OSError} When the system cannot list them.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.if_nameindex().some(([, name]) => name === "lo"));
 * ```
 */
export function if_nameindex(): [index: number, name: string][] {
  arity(FUNCTIONS.if_nameindex, arguments.length);
  const list = libc.if_nameindex();
  if (isNull(list)) throw lastError();
  const out: [number, string][] = [];
  try {
    for (let i = 0;; i++) {
      const at = i * L.SIZEOF_IF_NAMEINDEX;
      const cell = view(list, at + L.OFF_IF_NAMEINDEX_IF_INDEX, 4);
      const index = new DataView(cell.buffer, cell.byteOffset, 4).getUint32(0, LITTLE);
      if (index === 0) break;
      out.push([index, cstring(readPtr(list, at + L.OFF_IF_NAMEINDEX_IF_NAME))]);
    }
  } finally {
    libc.if_freenameindex(list);
  }
  return out;
}

const IFNAME = new Uint8Array(64);
const IFNAME_OUT = new Uint8Array((L.SIZEOF_IFREQ_IFR_NAME ?? 16) + 1);

/**
 * The index of the network interface called `if_name`, as Python's
 * `socket.if_nametoindex`.
 *
 * @param if_name An interface name, as a string or bytes.
 * @returns The interface index.
 * @throws {OSError} `no interface with this name`.
 * @throws {TypeError} For an argument of another type.
 * @throws {ValueError} `embedded null byte`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.if_nametoindex("lo") > 0);
 * ```
 */
export function if_nametoindex(if_name: string | Uint8Array): number {
  arity(FUNCTIONS.if_nametoindex, arguments.length);
  const index = libc.if_nametoindex(fsArg(if_name, IFNAME));
  // if_nametoindex() does not set errno: CPython raises with a plain message.
  if (index === 0) throw new OSError("no interface with this name");
  return index;
}

/**
 * The name of the network interface with index `if_index`, as Python's
 * `socket.if_indextoname`.
 *
 * @param if_index An interface index (taken modulo 2³², as CPython does).
 * @returns The interface name.
 * @throws {OSError} `ENXIO` when there is no such interface.
 * @throws {OverflowError} For a negative index or one of 2⁶⁴ or more.
 * @throws {TypeError} `an integer is required`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.if_indextoname(socket.if_nametoindex("lo")) === "lo");
 * ```
 */
export function if_indextoname(if_index: number): string {
  arity(FUNCTIONS.if_indextoname, arguments.length);
  const n = intValue(if_index);
  if (n === null) throw new TypeError("an integer is required");
  if (n < 0) throw new OverflowError("can't convert negative value to unsigned int");
  if (n >= TWO_64) throw new OverflowError("Python int too large to convert to C unsigned long");
  const index = typeof n === "number" && Number.isSafeInteger(n) ? n >>> 0 : Number(BigInt.asUintN(32, BigInt(n)));
  if (isNull(libc.if_indextoname(index, IFNAME_OUT))) throw lastError();
  return fsDecode(cStringOf(IFNAME_OUT));
}
