/**
 * Network interface names ↔ indexes, for the codecs that carry an interface
 * (`AF_PACKET`, `AF_CAN`).
 *
 * CPython asks with the `SIOCGIFINDEX` and `SIOCGIFNAME` ioctls on the
 * socket being used. When the codec's context is a socket (it has
 * `fileno()`), so does this module: one system call. Without a descriptor
 * it falls back to `if_nametoindex(3)` / `if_indextoname(3)`, which ask the
 * kernel the same question with a socket of their own (three system calls).
 * Either way an unknown name fails with the same `errno`, `ENODEV`.
 *
 * @module
 */

import { LAYOUT, SYS } from "../../ffi/gen/mod.ts";
import { errno, isNull, libc } from "../../ffi/mod.ts";
import { check, OSError, osErrorFrom } from "../errors.ts";
import { HOST_LE } from "./fields.ts";

/** `IFNAMSIZ`: the size of `ifr_name`, terminating NUL included. */
const IFNAMSIZ = LAYOUT.SIZEOF_IFREQ_IFR_NAME;
const { OFF_IFREQ_IFR_NAME: IFR_NAME, OFF_IFREQ_IFR_IFINDEX: IFR_IFINDEX, SIZEOF_IFREQ: IFREQ_SIZE } = LAYOUT;
const { SIOCGIFINDEX, SIOCGIFNAME } = SYS;

/** The one reused `struct ifreq` (its name field doubles as the C string for `if_nametoindex`). */
const IFREQ = new Uint8Array(Math.max(IFREQ_SIZE ?? 0, IFNAMSIZ));
const IFREQ_VIEW = new DataView(IFREQ.buffer);
/** Room to encode any name before it is cut to `IFNAMSIZ - 1` bytes. */
const SCRATCH = new Uint8Array(IFNAMSIZ * 4);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The descriptor of a codec context that is a socket (`SocketType` passes
 * itself), else -1: a plain `{ family, type, proto }` has none.
 *
 * @param ctx The codec's context.
 * @returns The descriptor, or -1.
 */
export function fdOf(ctx: object): number {
  const fileno = (ctx as { fileno?: unknown }).fileno;
  return typeof fileno === "function" ? fileno.call(ctx) : -1;
}

/**
 * Copies `name` into `ifr_name` as CPython does (`strncpy` and a forced
 * terminator: a name of `IFNAMSIZ` bytes or more is cut to `IFNAMSIZ - 1`).
 */
function setName(name: string | Uint8Array): void {
  let n: number;
  let src: Uint8Array;
  if (typeof name === "string") {
    // encodeInto writes whole characters only: a name too long for the
    // scratch is longer than IFNAMSIZ - 1 bytes anyway and gets cut below.
    n = encoder.encodeInto(name, SCRATCH).written;
    src = SCRATCH;
  } else {
    n = name.length;
    src = name;
  }
  if (n > IFNAMSIZ - 1) n = IFNAMSIZ - 1;
  IFREQ.fill(0);
  for (let i = 0; i < n; i++) IFREQ[IFR_NAME + i] = src[i];
}

/**
 * The index of the interface called `name`.
 *
 * The caller has already refused names with a NUL byte (with its own
 * message, which differs between families).
 *
 * @param name The interface name, as text or bytes.
 * @param caller The method named in an error without an `errno`.
 * @param fd The socket to ask through (`SIOCGIFINDEX`), or -1 for `if_nametoindex`.
 * @returns The interface index (never 0).
 * @throws {OSError} With the kernel's `errno` (`ENODEV` for an unknown name).
 */
export function ifIndex(name: string | Uint8Array, caller: string, fd = -1): number {
  setName(name);
  if (fd >= 0 && SIOCGIFINDEX !== undefined) {
    check(libc.ioctl(fd, SIOCGIFINDEX, IFREQ));
    return IFREQ_VIEW.getInt32(IFR_IFINDEX, HOST_LE);
  }
  const index = libc.if_nametoindex(IFREQ);
  if (index === 0) {
    const e = errno();
    throw e !== 0 ? osErrorFrom(e) : new OSError(`${caller}(): no interface with this name`);
  }
  return index;
}

/**
 * The name of the interface with index `index`, or `""` when there is
 * none: what CPython's `makesockaddr` reports when its `SIOCGIFNAME` lookup
 * fails, and for index 0.
 *
 * @param index An interface index, as a `sockaddr` holds it (a C `int`).
 * @param fd The socket to ask through (`SIOCGIFNAME`), or -1 for `if_indextoname`.
 * @returns The interface name, or `""`.
 */
export function ifName(index: number, fd = -1): string {
  if (index <= 0) return "";
  IFREQ.fill(0);
  if (fd >= 0 && SIOCGIFNAME !== undefined) {
    IFREQ_VIEW.setInt32(IFR_IFINDEX, index, HOST_LE);
    if (libc.ioctl(fd, SIOCGIFNAME, IFREQ) < 0) return "";
  } else if (isNull(libc.if_indextoname(index, IFREQ))) {
    return "";
  }
  // Both calls write a NUL-terminated name within ifr_name (IFNAMSIZ counts the NUL).
  return decoder.decode(IFREQ.subarray(IFR_NAME, IFREQ.indexOf(0, IFR_NAME)));
}
