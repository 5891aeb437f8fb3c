/**
 * Scatter/gather I/O and ancillary data: `sendmsg`, `recvmsg`,
 * `recvmsg_into`, `sendmsg_afalg`, `CMSG_LEN`, `CMSG_SPACE`, and
 * `Lib/socket.py`'s `send_fds` / `recv_fds`.
 *
 * The `msghdr`, the `iovec` array and the control buffer are C structs laid
 * out with the generated sizes and offsets of `ffi/gen/` (`OFF_MSGHDR_*`,
 * `SIZEOF_IOVEC`, `OFF_CMSGHDR_*`, `CMSG_ALIGN_UNIT`, `CMSG_DATA_OFFSET`), so
 * control messages are built and parsed with the platform's own alignment.
 * Each buffer lives as long as the module and is reused by every call, and
 * is written only in phase 2 of the boundary discipline (`marshal.ts`): after
 * every argument (the `ancdata` iterable included) has been walked.
 *
 * @module
 */

import process from "node:process";
import { CONSTANTS, LAYOUT } from "../ffi/gen/mod.ts";
import { addressOf, libc } from "../ffi/mod.ts";
import {
  type Address,
  type AddressArg,
  addressArg,
  type Ctx,
  fromSockaddr,
  newSockaddr,
  sockaddrOf,
} from "./addr/mod.ts";
import type { AddressFor, AddressOf, OfFamily, SocketFamily } from "./addr/types.ts";
import { type BytesLike, isOptions, pyType, toBytes, toCInt, toInt, toWritableBytes } from "./args.ts";
import { OSError, OverflowError, ValueError } from "./errors.ts";
import { held, heldInto, lengthOf, span, type Take } from "./marshal.ts";
import { roomFor, take } from "./pool.ts";
import { sockCall, type Syscall } from "./sock_call.ts";
import { ctxOf, liveFd, type SocketObject, timeoutOf } from "./descriptor.ts";
import { arity, arityKw, FUNCTIONS, METHODS } from "./signatures.ts";

const { SOL_SOCKET, SCM_RIGHTS } = CONSTANTS;
const MSG_NOSIGNAL = CONSTANTS.MSG_NOSIGNAL ?? 0;
/** Received descriptors are close-on-exec from the start (Linux); masked out of `msg_flags`. */
const MSG_CMSG_CLOEXEC = CONSTANTS.MSG_CMSG_CLOEXEC ?? 0;
const AF_ALG = CONSTANTS.AF_ALG;
const SOL_ALG = CONSTANTS.SOL_ALG;
const { ALG_SET_OP, ALG_SET_IV, ALG_SET_AEAD_ASSOCLEN } = CONSTANTS;

const {
  SIZEOF_MSGHDR,
  OFF_MSGHDR_MSG_NAME,
  OFF_MSGHDR_MSG_NAMELEN,
  OFF_MSGHDR_MSG_IOV,
  OFF_MSGHDR_MSG_IOVLEN,
  SIZEOF_MSGHDR_MSG_IOVLEN,
  OFF_MSGHDR_MSG_CONTROL,
  OFF_MSGHDR_MSG_CONTROLLEN,
  SIZEOF_MSGHDR_MSG_CONTROLLEN,
  OFF_MSGHDR_MSG_FLAGS,
  SIZEOF_IOVEC,
  OFF_IOVEC_IOV_BASE,
  OFF_IOVEC_IOV_LEN,
  SIZEOF_IOVEC_IOV_LEN,
  SIZEOF_CMSGHDR,
  OFF_CMSGHDR_CMSG_LEN,
  SIZEOF_CMSGHDR_CMSG_LEN,
  OFF_CMSGHDR_CMSG_LEVEL,
  OFF_CMSGHDR_CMSG_TYPE,
  CMSG_ALIGN_UNIT,
  CMSG_DATA_OFFSET,
} = LAYOUT;
/** `sizeof(struct af_alg_iv)` without its flexible array (Linux). */
const SIZEOF_AF_ALG_IV = LAYOUT.SIZEOF_AF_ALG_IV ?? 4;

/** CPython's `SOCKLEN_T_LIMIT`: the most a `socklen_t` may carry. */
const SOCKLEN_T_LIMIT = 0x7fffffff;
const SSIZE_MAX = 2 ** 63 - 1;
const TWO32 = 2 ** 32;

/** One ancillary data item: `[cmsg_level, cmsg_type, cmsg_data]`. */
export type AncillaryItem = [level: number, type: number, data: Uint8Array];

/** What `recvmsg()` returns on a socket of family `F`: `[data, ancdata, msg_flags, address]`. */
export type RecvmsgResult<F extends SocketFamily = SocketFamily> = [
  data: Uint8Array,
  ancdata: AncillaryItem[],
  msg_flags: number,
  address: AddressOf<F> | null,
];

/** What `recvmsg_into()` returns on a socket of family `F`: `[nbytes, ancdata, msg_flags, address]`. */
export type RecvmsgIntoResult<F extends SocketFamily = SocketFamily> = [
  nbytes: number,
  ancdata: AncillaryItem[],
  msg_flags: number,
  address: AddressOf<F> | null,
];

/** What `recv_fds()` returns on a socket of family `F`: `[data, fds, msg_flags, address]`. */
export type RecvFdsResult<F extends SocketFamily = SocketFamily> = [
  data: Uint8Array,
  fds: number[],
  msg_flags: number,
  address: AddressOf<F> | null,
];

/** Python's keyword-only arguments of {@linkcode SocketType.sendmsg_afalg}. */
export interface SendmsgAfalgOptions {
  /** `ALG_OP_ENCRYPT` or `ALG_OP_DECRYPT` (required). */
  op?: number;
  /** The initialisation vector. */
  iv?: BytesLike;
  /** The length of the associated data (AEAD ciphers). */
  assoclen?: number;
  /** `MSG_*` flags. */
  flags?: number;
}

// ---------------------------------------------------------------------------
// C memory: one msghdr, a growable iovec array, a growable control buffer.

const MSG = new Uint8Array(SIZEOF_MSGHDR);
const MSGV = new DataView(MSG.buffer);
/**
 * Addresses come in and go out here: `sendmsg` validates into it in phase 1
 * and writes it again in phase 2 (`setName`); `recvmsg` receives into it.
 */
const NAME = newSockaddr();
const NAME_ADDR = addressOf(NAME.bytes);

let iovs = new Uint8Array(SIZEOF_IOVEC * 16);
let iovsV = new DataView(iovs.buffer);
let iovsAddr = addressOf(iovs);

let ctrl = new Uint8Array(256);
let ctrlV = new DataView(ctrl.buffer);
let ctrlAddr = addressOf(ctrl);

/** Writes an unsigned integer field of 4 or 8 bytes (little-endian hosts only: x86_64, arm64). Internal. */
export function setField(v: DataView, off: number, size: number, n: number): void {
  if (size === 8) {
    v.setUint32(off, n % TWO32, true);
    v.setUint32(off + 4, Math.floor(n / TWO32), true);
  } else {
    v.setUint32(off, n, true);
  }
}

/** Reads an unsigned integer field of 4 or 8 bytes. Internal. */
export function getField(v: DataView, off: number, size: number): number {
  return size === 8 ? v.getUint32(off, true) + v.getUint32(off + 4, true) * TWO32 : v.getUint32(off, true);
}

function ensureIovs(n: number): void {
  if (n * SIZEOF_IOVEC <= iovs.length) return;
  iovs = new Uint8Array(SIZEOF_IOVEC * Math.max(n, iovs.length / SIZEOF_IOVEC * 2));
  iovsV = new DataView(iovs.buffer);
  iovsAddr = addressOf(iovs);
}

function ensureCtrl(n: number): void {
  if (n <= ctrl.length) return;
  ctrl = new Uint8Array(Math.max(n, ctrl.length * 2));
  ctrlV = new DataView(ctrl.buffer);
  ctrlAddr = addressOf(ctrl);
}

/**
 * Phase 2: iovec `i` covers the first `n` bytes of `b`, which must still hold
 * them (`take` is `held` for a buffer to send, `heldInto` for one to receive into).
 */
function setIovec(i: number, b: Uint8Array, n: number, take: Take): void {
  const off = i * SIZEOF_IOVEC;
  // addressOf gets a plain view of our own: Deno's reads `length` from its argument, which user code may shadow.
  setField(iovsV, off + OFF_IOVEC_IOV_BASE, 8, take(b, n) === 0 ? 0 : addressOf(span(b, 0, n)));
  setField(iovsV, off + OFF_IOVEC_IOV_LEN, SIZEOF_IOVEC_IOV_LEN, n);
}

/** Phase 1 of a buffers argument: plain views and their lengths, the iterable walked once. Internal. */
export interface Buffers {
  readonly views: Uint8Array[];
  readonly lens: number[];
}

/** Phase 2: the iovec array over `bufs`, written now, after all user code has run; returns its length. */
function setIovecs(bufs: Buffers, take: Take): number {
  const n = bufs.views.length;
  ensureIovs(n);
  for (let i = 0; i < n; i++) setIovec(i, bufs.views[i], bufs.lens[i], take);
  return n;
}

/** Fills the msghdr. `namelen` 0 means no address; `controllen` 0 means no control buffer. */
function setMsghdr(namelen: number, niov: number, controllen: number): void {
  MSG.fill(0);
  if (namelen > 0) {
    setField(MSGV, OFF_MSGHDR_MSG_NAME, 8, NAME_ADDR);
    MSGV.setUint32(OFF_MSGHDR_MSG_NAMELEN, namelen, true);
  }
  if (niov > 0) {
    setField(MSGV, OFF_MSGHDR_MSG_IOV, 8, iovsAddr);
    setField(MSGV, OFF_MSGHDR_MSG_IOVLEN, SIZEOF_MSGHDR_MSG_IOVLEN, niov);
  }
  if (controllen > 0) {
    setField(MSGV, OFF_MSGHDR_MSG_CONTROL, 8, ctrlAddr);
    setField(MSGV, OFF_MSGHDR_MSG_CONTROLLEN, SIZEOF_MSGHDR_MSG_CONTROLLEN, controllen);
  }
}

// ---------------------------------------------------------------------------
// CMSG_LEN, CMSG_SPACE

function align(n: number): number {
  return Math.ceil(n / CMSG_ALIGN_UNIT) * CMSG_ALIGN_UNIT;
}

/**
 * `CMSG_LEN(n)`, or `-1` where CPython's `get_CMSG_LEN` refuses. Its second
 * check (the sum overflowing) cannot fail in doubles once this one passed.
 */
function cmsgLen(n: number): number {
  return n > SOCKLEN_T_LIMIT - CMSG_DATA_OFFSET ? -1 : CMSG_DATA_OFFSET + n;
}

/** `CMSG_SPACE(n)`, or `-1` where CPython's `get_CMSG_SPACE` refuses (the same single check). */
function cmsgSpace(n: number): number {
  return n > SOCKLEN_T_LIMIT - (CMSG_DATA_OFFSET + align(1)) ? -1 : CMSG_DATA_OFFSET + align(n);
}

/** A `Py_ssize_t` argument, with CPython's `OverflowError`. Internal. */
export function ssizeArg(v: unknown): number {
  const n = toInt(v);
  // 2**63 - 1 is not a double: SSIZE_MAX rounds up to 2**63, the first value out of range.
  if (n >= SSIZE_MAX || n < -SSIZE_MAX) throw new OverflowError("Python int too large to convert to C ssize_t");
  return n;
}

/**
 * The total length of a control message carrying `length` bytes of data,
 * without trailing padding: the C macro `CMSG_LEN`. Use it for the
 * `ancbufsize` of `recvmsg()` when one item is expected.
 *
 * @param length Bytes of data in the item.
 * @returns `CMSG_LEN(length)`.
 * @throws {OverflowError} When `length` is negative or the result exceeds a `socklen_t`.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.CMSG_LEN(4) === socket.CMSG_LEN(0) + 4);
 * ```
 */
export function CMSG_LEN(length: number): number {
  arity(FUNCTIONS.CMSG_LEN, arguments.length);
  const n = ssizeArg(length);
  const r = n < 0 ? -1 : cmsgLen(n);
  if (r < 0) throw new OverflowError("CMSG_LEN() argument out of range");
  return r;
}

/**
 * The buffer space a control message carrying `length` bytes of data takes,
 * trailing padding included: the C macro `CMSG_SPACE`. Sum it over the items
 * you expect to size `recvmsg()`'s `ancbufsize`.
 *
 * @param length Bytes of data in the item.
 * @returns `CMSG_SPACE(length)`.
 * @throws {OverflowError} When `length` is negative or the result exceeds a `socklen_t`.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.assert(socket.CMSG_SPACE(4) >= socket.CMSG_LEN(4));
 * ```
 */
export function CMSG_SPACE(length: number): number {
  arity(FUNCTIONS.CMSG_SPACE, arguments.length);
  const n = ssizeArg(length);
  const r = n < 0 ? -1 : cmsgSpace(n);
  if (r < 0) throw new OverflowError("CMSG_SPACE() argument out of range");
  return r;
}

// ---------------------------------------------------------------------------
// Parsing received control data

/**
 * Hooks for the module's own tests: `warn` reports malformed or truncated
 * ancillary data (CPython's `RuntimeWarning`). Internal to the module.
 */
export const msgHooks: { warn: (message: string) => void } = {
  warn(message) {
    process.emitWarning(message, "RuntimeWarning");
  },
};

const MALFORMED = "received malformed or improperly-truncated ancillary data";

/**
 * CPython's `get_cmsg_data_len` for the header at `off`: `[status, datalen]`
 * where status is `0` (whole), `1` (data truncated by the buffer end) or
 * `-1` (no valid header).
 */
function dataLen(buf: DataView, controllen: number, off: number): [number, number] {
  // CPython's cmsg_min_space(CMSG_LEN(0)): cmsg_len ends within the header, which CMSG_LEN(0) covers.
  if (off + CMSG_DATA_OFFSET > controllen) return [-1, 0];
  const len = getField(buf, off + OFF_CMSGHDR_CMSG_LEN, SIZEOF_CMSGHDR_CMSG_LEN);
  if (len < CMSG_DATA_OFFSET) return [-1, 0];
  const want = len - CMSG_DATA_OFFSET;
  const space = controllen - (off + CMSG_DATA_OFFSET);
  return space >= want ? [0, want] : [1, space];
}

/**
 * `CMSG_NXTHDR`: the offset of the header after the one at `off`, or `-1`.
 * Only called after {@linkcode dataLen} found the item whole, so its
 * `cmsg_len` is at least `CMSG_LEN(0)`, never shorter than a header.
 */
function nextHeader(buf: DataView, controllen: number, off: number): number {
  const len = getField(buf, off + OFF_CMSGHDR_CMSG_LEN, SIZEOF_CMSGHDR_CMSG_LEN);
  const next = off + align(len);
  return next + SIZEOF_CMSGHDR > controllen ? -1 : next;
}

/** Calls `visit(off, datalen)` for each item, as CPython walks them; warns once for a bad one. */
function walk(
  bytes: Uint8Array,
  controllen: number,
  warn: boolean,
  visit: (off: number, datalen: number) => void,
): void {
  const buf = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  controllen = Math.min(controllen, bytes.length);
  let off = controllen >= SIZEOF_CMSGHDR ? 0 : -1;
  while (off >= 0) {
    const [status, datalen] = dataLen(buf, controllen, off);
    if (status !== 0 && warn) msgHooks.warn(MALFORMED);
    if (status < 0) break;
    visit(off, datalen);
    if (status !== 0) break;
    off = nextHeader(buf, controllen, off);
  }
}

/**
 * Parses the first `controllen` bytes of a control buffer into
 * `[level, type, data]` items, as CPython's `recvmsg` does: a truncated or
 * malformed item raises a `RuntimeWarning` (through {@linkcode msgHooks})
 * and is returned with the data that is there. Internal to the module.
 */
export function parseAncillary(bytes: Uint8Array, controllen: number): AncillaryItem[] {
  const items: AncillaryItem[] = [];
  const buf = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  walk(bytes, controllen, true, (off, datalen) => {
    const level = buf.getInt32(off + OFF_CMSGHDR_CMSG_LEVEL, true);
    const type = buf.getInt32(off + OFF_CMSGHDR_CMSG_TYPE, true);
    const start = off + CMSG_DATA_OFFSET;
    items.push([level, type, bytes.slice(start, start + datalen)]);
  });
  return items;
}

/** Closes every descriptor that `SCM_RIGHTS` items in the control buffer carry. Internal to the module. */
export function closeReceivedFds(bytes: Uint8Array, controllen: number): void {
  const buf = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  walk(bytes, controllen, false, (off, datalen) => {
    if (buf.getInt32(off + OFF_CMSGHDR_CMSG_LEVEL, true) !== SOL_SOCKET) return;
    if (buf.getInt32(off + OFF_CMSGHDR_CMSG_TYPE, true) !== SCM_RIGHTS) return;
    for (let i = 0; i + 4 <= datalen; i += 4) libc.close(buf.getInt32(off + CMSG_DATA_OFFSET + i, true));
  });
}

/**
 * Turns a received control buffer into items and gives them, with `arg`, to
 * `then`; if that, or anything else in `then`, throws, closes the
 * descriptors received so none leak. Internal.
 */
export function receiveAncillary<T, A = undefined>(
  bytes: Uint8Array,
  controllen: number,
  then: (items: AncillaryItem[], arg: A) => T,
  arg?: A,
): T {
  try {
    return then(parseAncillary(bytes, controllen), arg as A);
  } catch (e) {
    closeReceivedFds(bytes, controllen);
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Building control data

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** Phase 1: walks an iterable of bytes-like objects (`convert` turns each into a plain view). Internal. */
export function collectBuffers(buffers: unknown, convert: (b: unknown) => Uint8Array, notIterable: string): Buffers {
  if (!isIterable(buffers)) throw new TypeError(notIterable);
  const views: Uint8Array[] = [], lens: number[] = [];
  for (const b of buffers as Iterable<unknown>) {
    // The length as converted: the iterator may detach this buffer before it yields the next.
    const v = convert(b);
    views.push(v);
    lens.push(lengthOf(v));
  }
  return { views, lens };
}

const ITEMS = "[sendmsg() ancillary data items]()";

/** One ancillary item after phase 1: level, type, a plain view of the data and its length. Internal. */
export type Item = [level: number, type: number, data: Uint8Array, len: number];

/** Phase 1: walks `ancdata` into items, with CPython's checks; writes nothing. Internal. */
export function collectControl(ancdata: unknown): Item[] {
  if (!isIterable(ancdata)) throw new TypeError("sendmsg() argument 2 must be an iterable");
  const items: Item[] = [];
  let total = 0;
  for (const item of ancdata) {
    if (!Array.isArray(item)) throw new TypeError(`${ITEMS} argument must be 3-item sequence, not ${pyType(item)}`);
    const length = item.length;
    if (length !== 3) throw new TypeError(`${ITEMS} argument must be sequence of length 3, not ${length}`);
    const level = toCInt(item[0]), type = toCInt(item[1]), data = toBytes(item[2]);
    const len = lengthOf(data);
    const space = cmsgSpace(len);
    if (space < 0) throw new OSError("ancillary data item too large");
    total += space;
    if (total > SOCKLEN_T_LIMIT) throw new OSError("too much ancillary data");
    items.push([level, type, data, len]);
  }
  return items;
}

/** The control buffer space `items` take: the sum of their `CMSG_SPACE`. Internal. */
export function controlSpace(items: readonly Item[]): number {
  let total = 0;
  for (const item of items) total += cmsgSpace(item[3]);
  return total;
}

/** Phase 2: writes the items into the control buffer; returns `msg_controllen`. */
function writeControl(items: readonly Item[]): number {
  const total = controlSpace(items);
  ensureCtrl(total);
  writeControlAt(ctrl, ctrlV, 0, items);
  return total;
}

/**
 * Phase 2: writes the items as control messages into `bytes` (with `view`
 * over the same memory) from offset `at`, zeroing the padding; they take
 * {@linkcode controlSpace} bytes. Internal.
 */
export function writeControlAt(bytes: Uint8Array, view: DataView, at: number, items: readonly Item[]): void {
  bytes.fill(0, at, at + controlSpace(items));
  let off = at;
  for (const [level, type, data, len] of items) {
    putHeader(view, off, cmsgLen(len), level, type);
    bytes.set(span(data, 0, held(data, len)), off + CMSG_DATA_OFFSET);
    off += cmsgSpace(len);
  }
}

function putHeader(v: DataView, off: number, len: number, level: number, type: number): void {
  setField(v, off + OFF_CMSGHDR_CMSG_LEN, SIZEOF_CMSGHDR_CMSG_LEN, len);
  v.setInt32(off + OFF_CMSGHDR_CMSG_LEVEL, level, true);
  v.setInt32(off + OFF_CMSGHDR_CMSG_TYPE, type, true);
}

/** Phase 2: writes the address into {@linkcode NAME}; returns its length (`0` for none). */
function setName(a: AddressArg | null): number {
  if (a === null) return 0;
  sockaddrOf(a, NAME);
  return a.len;
}

// The system calls, for `sockCall`: each one attempt (phases 2 and 3), made once, so that a call allocates no
// closure. Each writes the scratch structs again before its call, so a wait never leaves stale addresses in them.

/** `sendmsg` of `bufs`, to the address `a` (or none), with the control items `items`. */
const SENDMSG: Syscall<Buffers, AddressArg | null, readonly Item[], number> = (fd, bufs, a, items, flags) => {
  // The name first: encoding a snapshot runs no user code, but nothing that does may follow a pointer.
  const namelen = setName(a);
  const niov = setIovecs(bufs, held);
  setMsghdr(namelen, niov, writeControl(items));
  return libc.sendmsg(fd, MSG, flags);
};

/** `sendmsg_afalg`'s `sendmsg`: `bufs` with the operation's control messages (`afalgControl`). */
const SENDMSG_AFALG: Syscall<Buffers, AfalgOp, undefined, number> = (fd, bufs, op, _, flags) => {
  const niov = setIovecs(bufs, held);
  setMsghdr(0, niov, afalgControl(op.op, op.iv, op.assoclen, op.ivLen).length);
  return libc.sendmsg(fd, MSG, flags);
};

/** `recvmsg` into the first `n` bytes of `buf`, a buffer of the call's own. */
const RECVMSG: Syscall<Uint8Array, number, number, number> = (fd, buf, n, ancbufsize, flags) => {
  ensureIovs(1);
  setIovec(0, buf, n, held);
  return recvInto(fd, 1, ancbufsize, flags);
};

/** `recvmsg` scattered into the caller's buffers `bufs`. */
const RECVMSG_INTO: Syscall<Buffers, undefined, number, number> = (fd, bufs, _, ancbufsize, flags) =>
  recvInto(fd, setIovecs(bufs, heldInto), ancbufsize, flags);

/** Phase 2 and the call of a receive, once the `niov` iovecs are written: the msghdr, then `recvmsg`. */
function recvInto(fd: number, niov: number, ancbufsize: number, flags: number): number {
  if (ancbufsize > 0) ensureCtrl(ancbufsize);
  NAME.bytes.fill(0);
  setMsghdr(NAME.bytes.length, niov, ancbufsize);
  return libc.recvmsg(fd, MSG, flags);
}

// ---------------------------------------------------------------------------
// sendmsg, recvmsg, recvmsg_into

/**
 * `sock.sendmsg(buffers, ancdata?, flags?, address?)`: sends the
 * concatenation of `buffers` as one message, with ancillary data items
 * `[level, type, data]`. Implements {@linkcode SocketType.sendmsg}.
 *
 * @param sock The socket.
 * @param buffers An iterable of bytes-like objects.
 * @param ancdata An iterable of `[cmsg_level, cmsg_type, cmsg_data]`.
 * @param flags `MSG_*` flags.
 * @param address The destination, or `null`.
 * @returns The number of bytes of data sent.
 */
export function sendmsg(
  sock: SocketObject,
  buffers: Iterable<BytesLike>,
  ancdata?: Iterable<readonly [number, number, BytesLike]>,
  flags?: number,
  address?: Address | null,
): number {
  // Phase 1, in CPython's order: flags, address, buffers, ancillary data.
  const f = flags === undefined ? 0 : toCInt(flags);
  const a = address === undefined || address === null ? null : addressArg(ctxOf(sock), address, "sendmsg", NAME);
  const bufs = collectBuffers(buffers, toBytes, "sendmsg() argument 1 must be an iterable");
  const items = ancdata === undefined ? [] : collectControl(ancdata);
  return sockCall(liveFd(sock), timeoutOf(sock), true, SENDMSG, bufs, a, items, f | MSG_NOSIGNAL);
}

/**
 * Phases 2 and 3 of `recvmsg` and `recvmsg_into`: `call` (`RECVMSG` or
 * `RECVMSG_INTO`, given `a` and `b`) writes the iovec array before each
 * attempt. Returns `[value, ancdata, flags, address]`, where `value` is the
 * received bytes of `own` (`recvmsg`), or their count (`own` `null`).
 */
function recvGuts<A, B>(
  sock: SocketObject,
  call: Syscall<A, B, number, number>,
  a: A,
  b: B,
  ancbufsize: number,
  flags: number,
  own: Uint8Array | null,
): RecvmsgResult | RecvmsgIntoResult {
  if (ancbufsize < 0 || ancbufsize > SOCKLEN_T_LIMIT) throw new ValueError("invalid ancillary data buffer length");
  const cloexec = MSG_CMSG_CLOEXEC & ~flags;
  const got = sockCall(liveFd(sock), timeoutOf(sock), false, call, a, b, ancbufsize, flags | cloexec);
  // Without a control buffer the kernel reports a msg_controllen of 0.
  const controllen = getField(MSGV, OFF_MSGHDR_MSG_CONTROLLEN, SIZEOF_MSGHDR_MSG_CONTROLLEN);
  const msgFlags = MSGV.getInt32(OFF_MSGHDR_MSG_FLAGS, true) & ~cloexec;
  const namelen = Math.min(MSGV.getUint32(OFF_MSGHDR_MSG_NAMELEN, true), NAME.bytes.length);
  // MSG_TRUNC: the kernel reports the datagram's full length; recvmsg returns what it wrote (CPython).
  const value = own === null ? got : take(own, Math.min(got, own.length));
  return receiveAncillary(ctrl, controllen, received, [value, msgFlags, namelen, ctxOf(sock)]);
}

/** What a receive knows besides its ancillary data: `[value, msg_flags, namelen, ctx]`. */
type Received = [value: Uint8Array | number, flags: number, namelen: number, ctx: Ctx];

/** A receive's result, once its ancillary data is parsed: the sender's address decoded from `NAME`. */
function received(items: AncillaryItem[], r: Received): RecvmsgResult | RecvmsgIntoResult {
  return [r[0], items, r[1], fromSockaddr(NAME, r[2], r[3])] as RecvmsgResult | RecvmsgIntoResult;
}

/**
 * `sock.recvmsg(bufsize, ancbufsize?, flags?)`: receives up to `bufsize`
 * bytes and up to `ancbufsize` bytes of ancillary data. Implements
 * {@linkcode SocketType.recvmsg}.
 *
 * @param sock The socket.
 * @param bufsize The most bytes of data to receive.
 * @param ancbufsize The size of the ancillary data buffer (`0`: none).
 * @param flags `MSG_*` flags.
 * @returns `[data, ancdata, msg_flags, address]`.
 */
export function recvmsg(sock: SocketObject, bufsize: number, ancbufsize?: number, flags?: number): RecvmsgResult {
  const n = ssizeArg(bufsize);
  const anc = ancbufsize === undefined ? 0 : ssizeArg(ancbufsize);
  const f = flags === undefined ? 0 : toCInt(flags);
  if (n < 0) throw new ValueError("negative buffer size in recvmsg()");
  const buf = roomFor(n, f);
  return recvGuts(sock, RECVMSG, buf, n, anc, f, buf) as RecvmsgResult;
}

/**
 * `sock.recvmsg_into(buffers, ancbufsize?, flags?)`: like `recvmsg`, but
 * scatters the data into `buffers` in order. Implements
 * {@linkcode SocketType.recvmsg_into}.
 *
 * @param sock The socket.
 * @param buffers An iterable of writable bytes-like objects.
 * @param ancbufsize The size of the ancillary data buffer (`0`: none).
 * @param flags `MSG_*` flags.
 * @returns `[nbytes, ancdata, msg_flags, address]`.
 */
export function recvmsg_into(
  sock: SocketObject,
  buffers: Iterable<BytesLike>,
  ancbufsize?: number,
  flags?: number,
): RecvmsgIntoResult {
  const anc = ancbufsize === undefined ? 0 : ssizeArg(ancbufsize);
  const f = flags === undefined ? 0 : toCInt(flags);
  const bufs = collectBuffers(buffers, writable, "recvmsg_into() argument 1 must be an iterable");
  return recvGuts(sock, RECVMSG_INTO, bufs, undefined, anc, f, null) as RecvmsgIntoResult;
}

/** A writable bytes-like element of `recvmsg_into`'s buffers, with CPython's message. Internal. */
export function writable(b: unknown): Uint8Array {
  try {
    return toWritableBytes(b);
  } catch {
    throw new TypeError("recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers");
  }
}

// ---------------------------------------------------------------------------
// send_fds, recv_fds

/**
 * Sends the descriptors `fds` over an `AF_UNIX` socket (`SCM_RIGHTS`), with
 * `buffers` as the data: `Lib/socket.py`'s `send_fds`. The receiver gets
 * duplicates; the sender keeps its own.
 *
 * @param sock An `AF_UNIX` socket.
 * @param buffers An iterable of bytes-like objects (at least one byte in all, for stream sockets).
 * @param fds The descriptors.
 * @param flags `MSG_*` flags.
 * @param address The destination, or `null`.
 * @returns The number of bytes of data sent.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * socket.send_fds(a, [new Uint8Array([1])], [a.fileno()]);
 * const [, fds] = socket.recv_fds(b, 1, 1);
 * socket.close(fds[0]);
 * a.close();
 * b.close();
 * ```
 */
export function send_fds<F extends SocketFamily>(
  sock: SocketObject & OfFamily<F>,
  buffers: Iterable<BytesLike>,
  fds: Iterable<number>,
  flags?: number,
  address?: AddressFor<F> | null,
): number;
export function send_fds(
  sock: SocketObject,
  buffers: Iterable<BytesLike>,
  fds: Iterable<number>,
  flags?: number,
  address?: Address | null,
): number {
  arity(FUNCTIONS.send_fds, arguments.length);
  if (!isIterable(fds)) throw new TypeError(`'${pyType(fds)}' object is not iterable`);
  const list = Array.from(fds, (fd) => toCInt(fd));
  return sendmsg(sock, buffers, [[SOL_SOCKET, SCM_RIGHTS, Int32Array.from(list)]], flags, address);
}

/**
 * Receives up to `bufsize` bytes and up to `maxfds` descriptors sent with
 * `SCM_RIGHTS`: `Lib/socket.py`'s `recv_fds`. The descriptors are
 * close-on-exec; the caller owns them.
 *
 * @param sock An `AF_UNIX` socket.
 * @param bufsize The most bytes of data to receive.
 * @param maxfds The most descriptors to receive.
 * @param flags `MSG_*` flags.
 * @returns `[data, fds, msg_flags, address]`.
 */
export function recv_fds<F extends SocketFamily>(
  sock: SocketObject & OfFamily<F>,
  bufsize: number,
  maxfds: number,
  flags?: number,
): RecvFdsResult<F>;
export function recv_fds(sock: SocketObject, bufsize: number, maxfds: number, flags?: number): RecvFdsResult {
  arity(FUNCTIONS.recv_fds, arguments.length);
  const [data, ancdata, msgFlags, address] = recvmsg(sock, bufsize, CMSG_LEN(toInt(maxfds) * 4), flags);
  const fds: number[] = [];
  for (const [level, type, bytes] of ancdata) {
    if (level !== SOL_SOCKET || type !== SCM_RIGHTS) continue;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 4 <= bytes.length; i += 4) fds.push(v.getInt32(i, true));
  }
  return [data, fds, msgFlags, address];
}

// ---------------------------------------------------------------------------
// sendmsg_afalg

function intKeyword(v: unknown, position: number): void {
  if (v === undefined || typeof v === "boolean" || Number.isInteger(v)) return;
  throw new TypeError(`sendmsg_afalg() argument ${position} must be int, not ${pyType(v)}`);
}

/** C `int` as `_PyLong_AsInt` reads it (`v` an integer or a boolean), or `undefined` when out of range. */
function asCInt(v: unknown): number | undefined {
  const n = Number(v);
  return n > 0x7fffffff || n < -0x80000000 ? undefined : n;
}

/**
 * The control messages `sendmsg_afalg` sends, as CPython builds them:
 * `ALG_SET_OP`, then `ALG_SET_IV` (its `cmsg_len` is `CMSG_SPACE`, as in
 * CPython) when `iv` is given, then `ALG_SET_AEAD_ASSOCLEN` when
 * `assoclen >= 0`. Writes them into the control buffer and returns their
 * length. Internal to the module.
 */
export function afalgControl(op: number, iv: Uint8Array | null, assoclen: number, ivLen?: number): Uint8Array {
  const ivn = iv ? held(iv, ivLen ?? lengthOf(iv)) : 0;
  if (iv) iv = span(iv, 0, ivn);
  let total = cmsgSpace(4);
  if (iv) total += cmsgSpace(SIZEOF_AF_ALG_IV + ivn);
  if (assoclen >= 0) total += cmsgSpace(4);
  ensureCtrl(total);
  ctrl.fill(0, 0, total);
  let off = 0;
  putHeader(ctrlV, off, cmsgLen(4), SOL_ALG, ALG_SET_OP);
  ctrlV.setUint32(off + CMSG_DATA_OFFSET, op >>> 0, true);
  off += cmsgSpace(4);
  if (iv) {
    putHeader(ctrlV, off, cmsgSpace(SIZEOF_AF_ALG_IV + iv.length), SOL_ALG, ALG_SET_IV);
    ctrlV.setUint32(off + CMSG_DATA_OFFSET, iv.length, true);
    ctrl.set(iv, off + CMSG_DATA_OFFSET + SIZEOF_AF_ALG_IV);
    off += cmsgSpace(SIZEOF_AF_ALG_IV + iv.length);
  }
  if (assoclen >= 0) {
    putHeader(ctrlV, off, cmsgLen(4), SOL_ALG, ALG_SET_AEAD_ASSOCLEN);
    ctrlV.setUint32(off + CMSG_DATA_OFFSET, assoclen >>> 0, true);
  }
  return ctrl.subarray(0, total);
}

/**
 * `sock.sendmsg_afalg(msg?, { op, iv, assoclen, flags })`: `sendmsg` for
 * `AF_ALG` operation sockets, with the operation, IV and AEAD associated
 * data length as control messages. Implements
 * {@linkcode SocketType.sendmsg_afalg}.
 *
 * @param sock An `AF_ALG` operation socket (from `accept()`).
 * @param args `[msg?, options]`: an iterable of bytes-like objects, then the keyword options.
 * @returns The number of bytes sent.
 */
export function sendmsg_afalg(sock: SocketObject, args: readonly unknown[]): number {
  if (AF_ALG === undefined || ctxOf(sock).family !== AF_ALG) throw new OSError("algset is only supported for AF_ALG");
  arityKw(METHODS.sendmsg_afalg, args);
  let positional = args.length;
  let kw: Record<string, unknown> = {};
  if (positional > 0 && isOptions(args[positional - 1])) kw = args[--positional] as Record<string, unknown>;
  const msg = positional === 1 ? args[0] : undefined;
  intKeyword(kw.op, 2);
  const iv = kw.iv === undefined ? null : toBytes(kw.iv);
  // Its length as converted: the getters read below may detach or resize it.
  const ivLen = iv === null ? 0 : lengthOf(iv);
  intKeyword(kw.assoclen, 4);
  const flags = kw.flags === undefined ? 0 : toCInt(kw.flags);
  const op = kw.op === undefined ? undefined : asCInt(kw.op);
  if (op === undefined || op < 0) throw new TypeError("Invalid or missing argument 'op'");
  let assoclen = -1;
  if (kw.assoclen !== undefined) {
    const a = asCInt(kw.assoclen);
    if (a === undefined) throw new OverflowError("Python int too large to convert to C int");
    if (a < 0) throw new TypeError("assoclen must be positive");
    assoclen = a;
  }
  const bufs = msg === undefined
    ? { views: [], lens: [] }
    : collectBuffers(msg, toBytes, "sendmsg() argument 1 must be an iterable");
  const fd = liveFd(sock);
  return sockCall(
    fd,
    timeoutOf(sock),
    true,
    SENDMSG_AFALG,
    bufs,
    { op, iv, assoclen, ivLen },
    undefined,
    flags | MSG_NOSIGNAL,
  );
}

/** `sendmsg_afalg`'s operation after phase 1: what `afalgControl` writes before each attempt. */
interface AfalgOp {
  readonly op: number;
  readonly iv: Uint8Array | null;
  readonly assoclen: number;
  readonly ivLen: number;
}
