/**
 * Decoded kernel structures a socket option returns (beyond CPython):
 * `tcp_info(sock)` reads Linux's `struct tcp_info` (`TCP_INFO`) into an
 * object whose fields are named as in `linux/tcp.h`, and `peercred(sock)`
 * reads `SO_PEERCRED`. Offsets, sizes and bit-fields come from the
 * generated layout (`OFF_TCP_INFO_*`, `BITS_TCP_INFO_*`, `OFF_UCRED_*`).
 *
 * @module
 */

import { CONSTANTS, LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { pyType } from "./args.ts";
import { check, OSError } from "./errors.ts";
import { SocketType } from "./socket.ts";
import { liveFd } from "./descriptor.ts";
import { arity, FUNCTIONS } from "./signatures.ts";

/** The layout table, for names computed at run time (`OFF_TCP_INFO_${field}`): the one place its exact keys are widened. */
const FIELDS = LAYOUT as Readonly<Record<string, number | undefined>>;

/**
 * Linux's `struct tcp_info`, as `tcp_info()` returns it: each field named
 * as in `linux/tcp.h`. A field is present when the running kernel returned
 * it (older kernels return a shorter struct). 64-bit counters are `bigint`
 * (`tcpi_max_pacing_rate` is 2⁶⁴−1 when unlimited); the rest are numbers.
 * Times are in microseconds (`tcpi_rtt`, `tcpi_rto`, …) or milliseconds
 * (`tcpi_last_data_recv`, …) as the kernel documents them.
 */
export interface TcpInfo {
  /** The connection state: `TCP_ESTABLISHED`, `TCP_LISTEN`, … */
  tcpi_state: number;
  /** Any other field of `struct tcp_info` the kernel returned, by its C name. */
  [field: string]: number | bigint;
}

/** One field of the generated layout: where it is and how wide, in bytes or bits. */
interface FieldSpec {
  name: string;
  offset: number;
  size: number;
  shift: number;
  width: number;
}

/** The fields of `struct tcp_info` in the generated layout, by offset. */
const TCP_INFO_FIELDS: readonly FieldSpec[] = tcpInfoFields();

function tcpInfoFields(): FieldSpec[] {
  const fields: FieldSpec[] = [];
  // The generator writes SIZEOF_ beside each OFF_, and WIDTH_ beside each BITS_.
  for (const [key, value] of Object.entries(FIELDS)) {
    const plain = /^OFF_TCP_INFO_(TCPI_\w+)$/.exec(key);
    const bits = /^BITS_TCP_INFO_(TCPI_\w+)$/.exec(key);
    const size = plain ? FIELDS[`SIZEOF_TCP_INFO_${plain[1]}`] : undefined;
    const width = bits ? FIELDS[`WIDTH_TCP_INFO_${bits[1]}`] : undefined;
    if (value === undefined) continue;
    if (plain && size !== undefined) {
      fields.push({ name: plain[1].toLowerCase(), offset: value, size, shift: 0, width: size * 8 });
    } else if (bits && width !== undefined) {
      fields.push({ name: bits[1].toLowerCase(), offset: value >> 8, size: 1, shift: value & 0xff, width });
    }
  }
  return fields.sort((a, b) => a.offset - b.offset || a.shift - b.shift);
}

function readField(v: DataView, f: FieldSpec): number | bigint {
  switch (f.size) {
    case 1:
      return (v.getUint8(f.offset) >> f.shift) & ((1 << f.width) - 1);
    case 2:
      return v.getUint16(f.offset, true);
    case 4:
      return v.getUint32(f.offset, true);
    default:
      return v.getBigUint64(f.offset, true);
  }
}

/**
 * Decodes the first `length` bytes of a `struct tcp_info` as the kernel
 * returned them: the fields that fit. Internal to the module (the tests
 * decode raw `getsockopt` bytes with it).
 */
export function decodeTcpInfo(bytes: Uint8Array, length: number = bytes.length): TcpInfo {
  const v = new DataView(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.length));
  const out: Record<string, number | bigint> = {};
  for (const f of TCP_INFO_FIELDS) {
    if (f.offset + f.size <= v.byteLength) out[f.name] = readField(v, f);
  }
  return out as TcpInfo;
}

function checkSocket(sock: unknown, fn: string): SocketType {
  if (!(sock instanceof SocketType)) {
    throw new TypeError(`${fn}() argument 1 must be socket, not ${pyType(sock)}`);
  }
  return sock;
}

/** `getsockopt(fd, level, name)` into a fresh buffer of `size` bytes; returns the bytes the kernel filled. */
function getOption(fd: number, level: number, name: number, size: number): Uint8Array {
  const buf = new Uint8Array(size);
  const len = new Uint32Array([size]);
  check(libc.getsockopt(fd, level, name, buf, len));
  return buf.subarray(0, len[0]);
}

function unsupported(what: string): OSError {
  return new OSError(SYS.ENOPROTOOPT, `${what} is not supported on this platform`);
}

/**
 * Reads Linux's `TCP_INFO` for a TCP socket and decodes it: state, RTT,
 * congestion window, retransmissions, pacing and delivery rates, … with
 * every field named as in `linux/tcp.h`. Beyond CPython, where one writes
 * `struct.unpack` over `getsockopt(IPPROTO_TCP, TCP_INFO, 256)`.
 *
 * Every field the running kernel returns is present, by the returned length;
 * a field newer than the kernel is absent. See `tcp(7)`.
 *
 * @param sock A TCP socket.
 * @returns The decoded `struct tcp_info`.
 * @throws {TypeError} When `sock` is not a socket.
 * @throws {OSError} When the socket is closed (`EBADF`), not TCP (`EOPNOTSUPP`), or the platform has no `TCP_INFO`.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using server = socket.create_server(["127.0.0.1", 0]);
 * using client = socket.create_connection(server.getsockname() as [string, number]);
 * const info = socket.tcp_info(client);
 * console.assert(info.tcpi_state === socket.TCP_ESTABLISHED);
 * console.log(`rtt ${info.tcpi_rtt} µs, cwnd ${info.tcpi_snd_cwnd}`);
 * ```
 */
export function tcp_info(sock: SocketType): TcpInfo {
  arity(FUNCTIONS.tcp_info, arguments.length);
  checkSocket(sock, "tcp_info");
  const size = LAYOUT.SIZEOF_TCP_INFO;
  if (size === undefined || CONSTANTS.TCP_INFO === undefined) throw unsupported("TCP_INFO");
  const bytes = getOption(liveFd(sock), CONSTANTS.IPPROTO_TCP, CONSTANTS.TCP_INFO, size);
  return decodeTcpInfo(bytes);
}

/**
 * The credentials of the process at the other end of a connected `AF_UNIX`
 * socket (or of a `socketpair`), as the kernel recorded them at `connect`
 * time: `SO_PEERCRED`. Beyond CPython, where one unpacks
 * `getsockopt(SOL_SOCKET, SO_PEERCRED, 12)` with `struct.unpack("3i", …)`.
 * See `unix(7)`.
 *
 * @param sock A connected `AF_UNIX` socket.
 * @returns `[pid, uid, gid]`.
 * @throws {TypeError} When `sock` is not a socket.
 * @throws {OSError} When the socket is closed (`EBADF`), or the platform has no `SO_PEERCRED` (macOS).
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * const [pid] = socket.peercred(a);
 * console.assert(pid > 0);
 * a.close();
 * b.close();
 * ```
 */
export function peercred(sock: SocketType): [pid: number, uid: number, gid: number] {
  arity(FUNCTIONS.peercred, arguments.length);
  checkSocket(sock, "peercred");
  const size = LAYOUT.SIZEOF_UCRED;
  if (size === undefined || CONSTANTS.SO_PEERCRED === undefined) throw unsupported("SO_PEERCRED");
  const bytes = getOption(liveFd(sock), CONSTANTS.SOL_SOCKET, CONSTANTS.SO_PEERCRED, size);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [
    v.getInt32(LAYOUT.OFF_UCRED_PID, true),
    v.getUint32(LAYOUT.OFF_UCRED_UID, true),
    v.getUint32(LAYOUT.OFF_UCRED_GID, true),
  ];
}
