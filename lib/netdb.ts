/**
 * Name services through the C library: `getaddrinfo` and the functions
 * around it.
 *
 * @module
 */

import { LAYOUT } from "../ffi/gen/mod.ts";
import { cstring, errno, isNull, libc, ptrAt, readPtr, struct, view } from "../ffi/mod.ts";
import { type Address, fromSockaddr, newSockaddr } from "./addr/mod.ts";
import { hostArg } from "./addr/host.ts";
import { isOptions, params, toCInt } from "./args.ts";
import { gaiErrorFrom, OSError } from "./errors.ts";

/** One `getaddrinfo` result: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [family: number, type: number, proto: number, canonname: string, sockaddr: Address];

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

const encoder = new TextEncoder();
const HINTS = new Uint8Array(LAYOUT.SIZEOF_ADDRINFO);
const HINTS_VIEW = new DataView(HINTS.buffer);
const RESULT = new Uint8Array(8);
const SA = newSockaddr();

function cBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length * 3 + 1);
  b[encoder.encodeInto(s, b).written] = 0;
  return b;
}

/**
 * Translates a host and port into the addresses to create sockets for, as
 * Python's `socket.getaddrinfo`.
 *
 * @param host A name, a numeric address, or `null` (with `AI_PASSIVE`, the wildcard address).
 * @param port A port number, a service name, or `null`.
 * @param args `family`, `type`, `proto`, `flags`, positional or as an options object.
 * @returns `[family, type, proto, canonname, sockaddr]` for each address.
 * @throws {gaierror} When the name cannot be resolved.
 *
 * @example
 * ```ts
 * import * as socket from "./mod.ts";
 * const [[family, , , , addr]] = socket.getaddrinfo("127.0.0.1", 80, { type: socket.SOCK_STREAM });
 * console.assert(family === socket.AF_INET && addr[1] === 80);
 * ```
 */
export function getaddrinfo(
  host: string | Uint8Array | null,
  port: string | number | Uint8Array | null,
  ...args: [number?, number?, number?, number?] | [...unknown[], GetaddrinfoOptions]
): AddrInfo[] {
  const [f, t, p, fl] = args.length > 0 && isOptions(args[args.length - 1])
    ? params("getaddrinfo", ["host", "port", "family", "type", "proto", "flags"], [host, port, ...args]).slice(2)
    : args;
  const family = f === undefined ? 0 : toCInt(f);
  const type = t === undefined ? 0 : toCInt(t);
  const proto = p === undefined ? 0 : toCInt(p);
  const flags = fl === undefined ? 0 : toCInt(fl);
  let hostC: Uint8Array | null = null;
  if (host !== null && host !== undefined) {
    if (typeof host !== "string" && !(host instanceof Uint8Array)) {
      throw new TypeError(`getaddrinfo() argument 1 must be string or None`);
    }
    hostC = cBytes(hostArg(host));
  }
  let portC: Uint8Array | null = null;
  if (typeof port === "number") {
    if (!Number.isInteger(port)) throw new OSError("Int or String expected");
    portC = cBytes(String(port));
  } else if (typeof port === "string") {
    if (port.includes("\0")) throw new TypeError("port must not contain null character");
    portC = cBytes(port);
  } else if (port instanceof Uint8Array) {
    if (port.includes(0)) throw new TypeError("port must not contain null character");
    portC = cBytes(new TextDecoder("latin1").decode(port));
  } else if (port !== null && port !== undefined) {
    throw new OSError("Int or String expected");
  }
  HINTS.fill(0);
  HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_FLAGS, flags, true);
  HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_FAMILY, family, true);
  HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_SOCKTYPE, type, true);
  HINTS_VIEW.setInt32(LAYOUT.OFF_ADDRINFO_AI_PROTOCOL, proto, true);
  const rc = libc.getaddrinfo(hostC, portC, HINTS, RESULT);
  if (rc !== 0) throw gaiErrorFrom(rc, errno());
  const head = ptrAt(RESULT, 0);
  const out: AddrInfo[] = [];
  try {
    for (let ai = head; !isNull(ai); ai = readPtr(ai, LAYOUT.OFF_ADDRINFO_AI_NEXT)) {
      const s = struct(ai, LAYOUT.SIZEOF_ADDRINFO);
      const aiFamily = s.getInt32(LAYOUT.OFF_ADDRINFO_AI_FAMILY, true);
      const aiType = s.getInt32(LAYOUT.OFF_ADDRINFO_AI_SOCKTYPE, true);
      const aiProto = s.getInt32(LAYOUT.OFF_ADDRINFO_AI_PROTOCOL, true);
      const len = s.getUint32(LAYOUT.OFF_ADDRINFO_AI_ADDRLEN, true);
      const canonPtr = readPtr(ai, LAYOUT.OFF_ADDRINFO_AI_CANONNAME);
      const canon = isNull(canonPtr) ? "" : cstring(canonPtr);
      SA.bytes.fill(0);
      SA.bytes.set(view(readPtr(ai, LAYOUT.OFF_ADDRINFO_AI_ADDR), 0, Math.min(len, SA.bytes.length)));
      const addr = fromSockaddr(SA, len, { family: aiFamily, type: aiType, proto: aiProto });
      out.push([aiFamily, aiType, aiProto, canon, addr ?? ""]);
    }
  } finally {
    libc.freeaddrinfo(head);
  }
  return out;
}
