/**
 * Typed ancillary data (beyond CPython): `encode_ancdata` builds the
 * `[level, type, bytes]` items `sendmsg()` takes from typed values, and
 * `decode_ancdata` turns the items `recvmsg()` returns into typed values, for
 * the common control messages: `SCM_RIGHTS`, `SCM_CREDENTIALS`,
 * `IP_PKTINFO`/`IPV6_PKTINFO`, `IP_TTL`/`IP_TOS`/`IPV6_HOPLIMIT`/`IPV6_TCLASS`,
 * `SO_TIMESTAMP`/`SO_TIMESTAMPNS`, `UDP_GRO`/`UDP_SEGMENT` and
 * `IP_RECVERR`/`IPV6_RECVERR` (`struct sock_extended_err`). Every struct is
 * read and written with the generated layout (`OFF_IN_PKTINFO_*`,
 * `OFF_UCRED_*`, `OFF_TIMEVAL_*`, `OFF_SOCK_EXTENDED_ERR_*`, …).
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../ffi/gen/mod.ts";
import { type Address, fromSockaddr, newSockaddr } from "./addr/mod.ts";
import { pyType, toBytes, toCInt, toCUInt, toIntIn } from "./args.ts";
import { inet_ntop, inet_pton } from "./convert.ts";
import { arity, FUNCTIONS } from "./signatures.ts";

/**
 * A layout entry by a name computed at run time (`OFF_${struct}_${field}`):
 * the one place LAYOUT's exact keys are widened to `string`. The names asked
 * for are generated on every platform that reaches the codec using them.
 */
function layoutEntry(name: string): number {
  const value = (LAYOUT as Readonly<Record<string, number | undefined>>)[name];
  if (value === undefined) throw new Error(`no layout entry ${name} on this platform`);
  return value;
}

const { AF_INET, AF_INET6, SOL_SOCKET, SCM_RIGHTS } = CONSTANTS;

/** `SCM_CREDENTIALS`' value: the sender's `struct ucred`. */
export interface Credentials {
  /** Process id. */
  pid: number;
  /** User id. */
  uid: number;
  /** Group id. */
  gid: number;
}

/** `IP_PKTINFO`'s value: `struct in_pktinfo`, addresses as text. */
export interface InPktinfo {
  /** The interface index the packet arrived on (or leaves by; `0`: any). */
  ipi_ifindex: number;
  /** The local address (routing destination when sending). */
  ipi_spec_dst: string;
  /** The header's destination address (ignored when sending). */
  ipi_addr: string;
}

/** `IPV6_PKTINFO`'s value: `struct in6_pktinfo`, the address as text. */
export interface In6Pktinfo {
  /** The destination (received) or source (sent) address. */
  ipi6_addr: string;
  /** The interface index. */
  ipi6_ifindex: number;
}

/** `SO_TIMESTAMP`'s value: `struct timeval`. */
export interface Timeval {
  /** Seconds since the epoch. */
  tv_sec: number;
  /** Microseconds. */
  tv_usec: number;
}

/** `SO_TIMESTAMPNS`' value: `struct timespec`. */
export interface Timespec {
  /** Seconds since the epoch. */
  tv_sec: number;
  /** Nanoseconds. */
  tv_nsec: number;
}

/** `IP_RECVERR`/`IPV6_RECVERR`'s value: `struct sock_extended_err` and the offending node's address. */
export interface ExtendedErr {
  /** The error number (`ECONNREFUSED`, `EMSGSIZE`, …). */
  ee_errno: number;
  /** Where it came from: `SO_EE_ORIGIN_LOCAL`, `SO_EE_ORIGIN_ICMP`, … */
  ee_origin: number;
  /** The ICMP type, for ICMP origins. */
  ee_type: number;
  /** The ICMP code, for ICMP origins. */
  ee_code: number;
  /** Extra information (the MTU for `EMSGSIZE`). */
  ee_info: number;
  /** Extra data. */
  ee_data: number;
  /** `SO_EE_OFFENDER`: the address of the node that reported the error, or `null`. */
  offender: Address | null;
}

/** A typed ancillary value: a number, descriptors, or one of the structs above. */
export type AncillaryValue =
  | number
  | number[]
  | Credentials
  | InPktinfo
  | In6Pktinfo
  | Timeval
  | Timespec
  | ExtendedErr;

/** What {@linkcode encode_ancdata} takes as a value: a typed value (pktinfo fields may be left out: zero, `0.0.0.0`, `::`), or bytes. */
export type AncillaryInput = AncillaryValue | Partial<InPktinfo> | Partial<In6Pktinfo> | ArrayBufferView | ArrayBuffer;

/** A decoded item: `[cmsg_level, cmsg_type, value]`, with the raw bytes for items this module does not know. */
export type DecodedAncillaryItem = [level: number, type: number, value: AncillaryValue | Uint8Array];

/** How one kind of item is encoded and decoded. */
interface ItemCodec {
  name: string;
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): AncillaryValue;
}

const CODECS = new Map<string, ItemCodec>();

function key(level: number, type: number): string {
  return `${level}:${type}`;
}

/** Adds `codec` for `[level, type]`, when the platform defines both. */
function define(level: number | undefined, type: number | undefined, codec: ItemCodec): void {
  if (level !== undefined && type !== undefined) CODECS.set(key(level, type), codec);
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function readUint(v: DataView, off: number, size: number): number {
  if (size === 1) return v.getUint8(off);
  if (size === 2) return v.getUint16(off, true);
  if (size === 4) return v.getUint32(off, true);
  return Number(v.getBigUint64(off, true));
}

function readInt(v: DataView, off: number, size: number): number {
  if (size === 4) return v.getInt32(off, true);
  if (size === 8) return Number(v.getBigInt64(off, true));
  return readUint(v, off, size);
}

function writeInt(v: DataView, off: number, size: number, n: number): void {
  if (size === 1) v.setUint8(off, n);
  else if (size === 2) v.setUint16(off, n, true);
  else if (size === 4) v.setInt32(off, n, true);
  else v.setBigInt64(off, BigInt(n), true);
}

/** The value as an object with `fields`, or a `TypeError` naming the item. */
function record(value: unknown, name: string, fields: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new TypeError(`${name} value must be an object with ${fields.join(", ")}, not ${pyType(value)}`);
  }
  const r = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = r[f]; // each getter read once
  return out;
}

/** A C `int`-sized scalar item of `size` bytes (`IP_TTL`, `IPV6_HOPLIMIT`, `UDP_SEGMENT`, …). */
function scalar(name: string, size: number, lo: number, hi: number): ItemCodec {
  return {
    name,
    encode(value) {
      const n = toIntIn(value, lo, hi, `${name} value must be in ${lo}..${hi}`);
      const out = new Uint8Array(size);
      writeInt(viewOf(out), 0, size, n);
      return out;
    },
    // The kernel sends some of these narrower than it accepts them (IP_TOS: one byte).
    decode: (data) => readInt(viewOf(data), 0, data.length >= 4 ? 4 : data.length >= 2 ? 2 : 1),
  };
}

/** A packed IPv4 or IPv6 address from text, copied out of the converter's buffer. */
function packAddress(family: number, value: unknown, what: string): Uint8Array {
  if (typeof value !== "string") throw new TypeError(`${what} must be str, not ${pyType(value)}`);
  return inet_pton(family, value).slice();
}

const RIGHTS: ItemCodec = {
  name: "SCM_RIGHTS",
  encode(value) {
    if (!Array.isArray(value)) throw new TypeError(`SCM_RIGHTS value must be a list of int, not ${pyType(value)}`);
    return new Uint8Array(Int32Array.from(value, (fd) => toCInt(fd)).buffer);
  },
  decode(data) {
    const v = viewOf(data);
    const fds: number[] = [];
    for (let i = 0; i + 4 <= data.length; i += 4) fds.push(v.getInt32(i, true));
    return fds;
  },
};

const UCRED = ["pid", "uid", "gid"] as const;
const CREDENTIALS: ItemCodec = {
  name: "SCM_CREDENTIALS",
  encode(value) {
    const r = record(value, "SCM_CREDENTIALS", UCRED);
    const out = new Uint8Array(LAYOUT.SIZEOF_UCRED);
    const v = viewOf(out);
    v.setInt32(LAYOUT.OFF_UCRED_PID, toCInt(r.pid), true);
    v.setUint32(LAYOUT.OFF_UCRED_UID, toCUInt(r.uid), true);
    v.setUint32(LAYOUT.OFF_UCRED_GID, toCUInt(r.gid), true);
    return out;
  },
  decode(data) {
    const v = viewOf(data);
    return {
      pid: v.getInt32(LAYOUT.OFF_UCRED_PID, true),
      uid: v.getUint32(LAYOUT.OFF_UCRED_UID, true),
      gid: v.getUint32(LAYOUT.OFF_UCRED_GID, true),
    };
  },
};

const IN_PKTINFO = ["ipi_ifindex", "ipi_spec_dst", "ipi_addr"] as const;
const PKTINFO: ItemCodec = {
  name: "IP_PKTINFO",
  encode(value) {
    const r = record(value, "IP_PKTINFO", IN_PKTINFO);
    const out = new Uint8Array(LAYOUT.SIZEOF_IN_PKTINFO);
    viewOf(out).setInt32(LAYOUT.OFF_IN_PKTINFO_IPI_IFINDEX, toCInt(r.ipi_ifindex ?? 0), true);
    out.set(packAddress(AF_INET, r.ipi_spec_dst ?? "0.0.0.0", "ipi_spec_dst"), LAYOUT.OFF_IN_PKTINFO_IPI_SPEC_DST);
    out.set(packAddress(AF_INET, r.ipi_addr ?? "0.0.0.0", "ipi_addr"), LAYOUT.OFF_IN_PKTINFO_IPI_ADDR);
    return out;
  },
  decode(data) {
    const at = (off: number) => inet_ntop(AF_INET, data.subarray(off, off + 4));
    return {
      ipi_ifindex: viewOf(data).getInt32(LAYOUT.OFF_IN_PKTINFO_IPI_IFINDEX, true),
      ipi_spec_dst: at(LAYOUT.OFF_IN_PKTINFO_IPI_SPEC_DST),
      ipi_addr: at(LAYOUT.OFF_IN_PKTINFO_IPI_ADDR),
    };
  },
};

const IN6_PKTINFO = ["ipi6_addr", "ipi6_ifindex"] as const;
const PKTINFO6: ItemCodec = {
  name: "IPV6_PKTINFO",
  encode(value) {
    const r = record(value, "IPV6_PKTINFO", IN6_PKTINFO);
    const out = new Uint8Array(LAYOUT.SIZEOF_IN6_PKTINFO);
    out.set(packAddress(AF_INET6, r.ipi6_addr ?? "::", "ipi6_addr"), LAYOUT.OFF_IN6_PKTINFO_IPI6_ADDR);
    viewOf(out).setUint32(LAYOUT.OFF_IN6_PKTINFO_IPI6_IFINDEX, toCUInt(r.ipi6_ifindex ?? 0), true);
    return out;
  },
  decode(data) {
    const off = LAYOUT.OFF_IN6_PKTINFO_IPI6_ADDR;
    return {
      ipi6_addr: inet_ntop(AF_INET6, data.subarray(off, off + 16)),
      ipi6_ifindex: viewOf(data).getUint32(LAYOUT.OFF_IN6_PKTINFO_IPI6_IFINDEX, true),
    };
  },
};

/** `struct timeval` or `struct timespec`: seconds and a fraction field. */
function time(name: string, struct: "TIMEVAL" | "TIMESPEC", fraction: "tv_usec" | "tv_nsec"): ItemCodec {
  const frac = fraction.toUpperCase();
  const secOff = layoutEntry(`OFF_${struct}_TV_SEC`), secSize = layoutEntry(`SIZEOF_${struct}_TV_SEC`);
  const fracOff = layoutEntry(`OFF_${struct}_${frac}`), fracSize = layoutEntry(`SIZEOF_${struct}_${frac}`);
  return {
    name,
    encode(value) {
      const r = record(value, name, ["tv_sec", fraction]);
      const out = new Uint8Array(layoutEntry(`SIZEOF_${struct}`));
      const v = viewOf(out);
      writeInt(v, secOff, secSize, toIntIn(r.tv_sec, -(2 ** 53), 2 ** 53, "tv_sec out of range"));
      writeInt(v, fracOff, fracSize, toIntIn(r[fraction], 0, 999_999_999, `${fraction} out of range`));
      return out;
    },
    decode(data) {
      const v = viewOf(data);
      return { tv_sec: readInt(v, secOff, secSize), [fraction]: readInt(v, fracOff, fracSize) } as unknown as
        | Timeval
        | Timespec;
    },
  };
}

const EE = "OFF_SOCK_EXTENDED_ERR_";
const EXTENDED_ERR: ItemCodec = {
  name: "IP_RECVERR",
  encode(value) {
    const r = record(value, "IP_RECVERR", ["ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data"]);
    const out = new Uint8Array(LAYOUT.SIZEOF_SOCK_EXTENDED_ERR);
    const v = viewOf(out);
    for (const f of ["ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data"]) {
      const size = layoutEntry(`SIZEOF_SOCK_EXTENDED_ERR_${f.toUpperCase()}`);
      writeInt(
        v,
        layoutEntry(EE + f.toUpperCase()),
        size,
        toIntIn(r[f] ?? 0, 0, 2 ** (size * 8) - 1, `${f} out of range`),
      );
    }
    return out;
  },
  decode(data) {
    const v = viewOf(data);
    const field = (f: string) => readUint(v, layoutEntry(EE + f), layoutEntry(`SIZEOF_SOCK_EXTENDED_ERR_${f}`));
    return {
      ee_errno: field("EE_ERRNO"),
      ee_origin: field("EE_ORIGIN"),
      ee_type: field("EE_TYPE"),
      ee_code: field("EE_CODE"),
      ee_info: field("EE_INFO"),
      ee_data: field("EE_DATA"),
      offender: offender(data.subarray(LAYOUT.SIZEOF_SOCK_EXTENDED_ERR)),
    };
  },
};

/** `SO_EE_OFFENDER`: the `sockaddr` after the struct, or `null` when absent (`AF_UNSPEC`). */
function offender(bytes: Uint8Array): Address | null {
  if (bytes.length < 2) return null;
  const sa = newSockaddr(Math.max(bytes.length, LAYOUT.SIZEOF_SOCKADDR_STORAGE));
  sa.bytes.set(bytes);
  const family = sa.view.getUint16(LAYOUT.OFF_SOCKADDR_SA_FAMILY, true);
  if (family === CONSTANTS.AF_UNSPEC) return null;
  return fromSockaddr(sa, bytes.length, { family, type: CONSTANTS.SOCK_DGRAM, proto: 0 });
}

const { IPPROTO_IP, IPPROTO_IPV6, SOL_UDP } = CONSTANTS;
define(SOL_SOCKET, SCM_RIGHTS, RIGHTS);
define(SOL_SOCKET, CONSTANTS.SCM_CREDENTIALS, CREDENTIALS);
define(SOL_SOCKET, CONSTANTS.SO_TIMESTAMP, time("SO_TIMESTAMP", "TIMEVAL", "tv_usec"));
define(SOL_SOCKET, CONSTANTS.SO_TIMESTAMPNS, time("SO_TIMESTAMPNS", "TIMESPEC", "tv_nsec"));
define(IPPROTO_IP, CONSTANTS.IP_PKTINFO, PKTINFO);
define(IPPROTO_IP, CONSTANTS.IP_TTL, scalar("IP_TTL", 4, 0, 255));
define(IPPROTO_IP, CONSTANTS.IP_TOS, scalar("IP_TOS", 4, 0, 255));
define(IPPROTO_IP, CONSTANTS.IP_RECVERR, EXTENDED_ERR);
define(IPPROTO_IPV6, CONSTANTS.IPV6_PKTINFO, PKTINFO6);
define(IPPROTO_IPV6, CONSTANTS.IPV6_HOPLIMIT, scalar("IPV6_HOPLIMIT", 4, -1, 255));
define(IPPROTO_IPV6, CONSTANTS.IPV6_TCLASS, scalar("IPV6_TCLASS", 4, -1, 255));
define(IPPROTO_IPV6, CONSTANTS.IPV6_RECVERR, { ...EXTENDED_ERR, name: "IPV6_RECVERR" });
define(SOL_UDP, CONSTANTS.UDP_SEGMENT, scalar("UDP_SEGMENT", 2, 0, 0xffff));
define(SOL_UDP, CONSTANTS.UDP_GRO, scalar("UDP_GRO", 4, 0, 0x7fffffff));

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** One `[level, type, value]` item, checked: a 3-element array with integer level and type. */
function item(v: unknown, fn: string): [number, number, unknown] {
  if (!Array.isArray(v) || v.length !== 3) {
    throw new TypeError(`${fn}() items must be [level, type, value] arrays, not ${pyType(v)}`);
  }
  return [toCInt(v[0]), toCInt(v[1]), v[2]];
}

/**
 * Builds ancillary data items for `sendmsg()` from typed values: each
 * `[cmsg_level, cmsg_type, value]` becomes `[cmsg_level, cmsg_type, bytes]`,
 * the value laid out as the C struct the kernel expects. Beyond CPython,
 * where one packs these with `struct.pack` and `array`.
 *
 * Values by item: `SCM_RIGHTS` a list of descriptors; `SCM_CREDENTIALS`
 * `{ pid, uid, gid }`; `IP_PKTINFO` `{ ipi_ifindex, ipi_spec_dst, ipi_addr }`;
 * `IPV6_PKTINFO` `{ ipi6_addr, ipi6_ifindex }`; `IP_TTL`, `IP_TOS`,
 * `IPV6_HOPLIMIT`, `IPV6_TCLASS`, `UDP_SEGMENT` (a 16-bit segment size),
 * `UDP_GRO` a number; `SO_TIMESTAMP` `{ tv_sec, tv_usec }`; `SO_TIMESTAMPNS`
 * `{ tv_sec, tv_nsec }`; `IP_RECVERR`/`IPV6_RECVERR` the
 * `sock_extended_err` fields. A bytes-like value is passed through as is,
 * for any item. See `cmsg(3)`, `ip(7)`, `ipv6(7)`, `unix(7)`, `udp(7)`.
 *
 * @param items An iterable of `[cmsg_level, cmsg_type, value]`.
 * @returns `[cmsg_level, cmsg_type, Uint8Array]` items, ready for `sendmsg()`.
 * @throws {TypeError} When an item is not a 3-element array, or a value has the wrong shape.
 * @throws {OverflowError} When a number is out of its C type's range.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.bind(["127.0.0.1", 0]);
 * const anc = socket.encode_ancdata([
 *   [socket.IPPROTO_IP, socket.IP_PKTINFO, { ipi_ifindex: 0, ipi_spec_dst: "127.0.0.1", ipi_addr: "0.0.0.0" }],
 *   [socket.IPPROTO_IP, socket.IP_TTL, 7],
 * ]);
 * s.sendmsg([new Uint8Array([1])], anc, 0, s.getsockname());
 * ```
 */
export function encode_ancdata(
  items: Iterable<readonly [number, number, AncillaryInput]>,
): [number, number, Uint8Array][] {
  arity(FUNCTIONS.encode_ancdata, arguments.length);
  if (!isIterable(items)) throw new TypeError(`encode_ancdata() argument must be iterable, not ${pyType(items)}`);
  const out: [number, number, Uint8Array][] = [];
  for (const raw of items) {
    const [level, type, value] = item(raw, "encode_ancdata");
    const codec = CODECS.get(key(level, type));
    const bytesLike = ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
    out.push([level, type, codec && !bytesLike ? codec.encode(value) : toBytes(value).slice()]);
  }
  return out;
}

/** The typed value, or the bytes when they are too short for the struct (a truncated item). */
function decodeOrBytes(codec: ItemCodec, data: Uint8Array): AncillaryValue | Uint8Array {
  try {
    return codec.decode(data);
  } catch (e) {
    if (e instanceof RangeError) return data;
    throw e;
  }
}

/**
 * Decodes the ancillary data `recvmsg()` returned: each
 * `[cmsg_level, cmsg_type, bytes]` becomes `[cmsg_level, cmsg_type, value]`,
 * with the value typed as {@linkcode encode_ancdata} lists for the known
 * items, and the bytes, unchanged, for any other. Descriptors from
 * `SCM_RIGHTS` are numbers the caller owns (close them). Beyond CPython.
 *
 * @param ancdata The `ancdata` of a `recvmsg()` result.
 * @returns `[cmsg_level, cmsg_type, value]` items.
 * @throws {TypeError} When an item is not a 3-element array with bytes data.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.bind(["127.0.0.1", 0]);
 * s.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1);
 * s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTTL, 1);
 * s.sendto(new Uint8Array([1]), s.getsockname()!);
 * const [, ancdata] = s.recvmsg(16, 256);
 * for (const [level, type, value] of socket.decode_ancdata(ancdata)) {
 *   if (type === socket.IP_PKTINFO) console.log((value as socket.InPktinfo).ipi_addr); // 127.0.0.1
 *   if (type === socket.IP_TTL) console.log(value); // 64
 * }
 * ```
 */
export function decode_ancdata(
  ancdata: Iterable<readonly [number, number, ArrayBufferView | ArrayBuffer]>,
): DecodedAncillaryItem[] {
  arity(FUNCTIONS.decode_ancdata, arguments.length);
  if (!isIterable(ancdata)) throw new TypeError(`decode_ancdata() argument must be iterable, not ${pyType(ancdata)}`);
  const out: DecodedAncillaryItem[] = [];
  for (const raw of ancdata) {
    const [level, type, value] = item(raw, "decode_ancdata");
    const data = toBytes(value).slice();
    const codec = CODECS.get(key(level, type));
    out.push([level, type, codec ? decodeOrBytes(codec, data) : data]);
  }
  return out;
}
