/**
 * Batched datagram I/O (beyond CPython): `sendmmsg(2)` and `recvmmsg(2)`,
 * many messages per system call, as the methods `sendmmsg`, `recvmmsg` and
 * `recvmmsg_into` and the awaitable `sock_sendmmsg`, `sock_recvmmsg` and
 * `sock_recvmmsg_into`. Where the C library lacks the calls (macOS), a loop
 * of `sendmsg`/`recvmsg` over the same structures gives the same results.
 *
 * Each call follows the boundary discipline of `marshal.ts`: phase 1 walks
 * the messages into snapshots (`collectBuffers`, `collectControl`,
 * `addressArg`), then a scratch buffer of the call's own (an `mmsghdr`
 * array, `iovec`s, names and control messages, laid out with the generated
 * `SIZEOF_MMSGHDR`, `OFF_MMSGHDR_*`, `OFF_MSGHDR_*`, `SIZEOF_IOVEC`) is
 * written in phase 2, again before every attempt after a wait.
 *
 * @module
 */

import { CONSTANTS, LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { addressOf, errno, libc } from "../ffi/mod.ts";
import {
  type Address,
  type AddressArg,
  addressArg,
  type Ctx,
  fromSockaddr,
  newSockaddr,
  sockaddrOf,
} from "./addr/mod.ts";
import type { AddressFor, OfFamily, SocketFamily } from "./addr/types.ts";
import { type BytesLike, pyType, toBytes, toCInt } from "./args.ts";
import { ValueError } from "./errors.ts";
import { held, heldInto, span } from "./marshal.ts";
import {
  type AncillaryItem,
  type Buffers,
  closeReceivedFds,
  collectBuffers,
  collectControl,
  controlSpace,
  getField,
  type Item,
  parseAncillary,
  type RecvmsgIntoResult,
  type RecvmsgResult,
  setField,
  ssizeArg,
  writable,
  writeControlAt,
} from "./msg.ts";
import { sockCall } from "./sock_call.ts";
import { ctxOf, liveFd, type SocketObject, timeoutOf } from "./descriptor.ts";
import { begin, type Call, count, untilReady } from "./async_call.ts";
import { arityKw, FUNCTIONS } from "./signatures.ts";

const MSG_NOSIGNAL = CONSTANTS.MSG_NOSIGNAL ?? 0;
const MSG_CMSG_CLOEXEC = CONSTANTS.MSG_CMSG_CLOEXEC ?? 0;
const MSG_WAITFORONE = CONSTANTS.MSG_WAITFORONE ?? 0;
const { MSG_DONTWAIT } = CONSTANTS;
const MSG_TRUNC = CONSTANTS.MSG_TRUNC ?? 0;
const { EINTR } = SYS;
/** The kernel handles at most this many messages per call (`UIO_MAXIOV`); a larger `vlen` is cut to it. */
const VLEN_MAX = SYS.UIO_MAXIOV ?? 1024;
const SOCKLEN_T_LIMIT = 0x7fffffff;
/** The built-in `%TypedArray%.prototype.set`, read once. */
const TA_SET = (Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array).set;

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
  SIZEOF_SOCKADDR_STORAGE,
} = LAYOUT;

/**
 * One `struct mmsghdr`: a `msghdr` then `msg_len`. Where the platform has
 * none (macOS), the emulation lays out the same pair itself.
 */
const STRIDE = LAYOUT.SIZEOF_MMSGHDR ?? align8(SIZEOF_MSGHDR + 4);
const OFF_HDR = LAYOUT.OFF_MMSGHDR_MSG_HDR ?? 0;
const OFF_LEN = LAYOUT.OFF_MMSGHDR_MSG_LEN ?? SIZEOF_MSGHDR;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Which call does the batch: the kernel's, or the loop of single calls. */
interface Engine {
  send(fd: number, hdrs: Uint8Array, n: number, flags: number): number;
  recv(fd: number, hdrs: Uint8Array, n: number, flags: number): number;
}

/** `sendmmsg`/`recvmmsg` of the C library. */
const NATIVE: Engine | null = libc.sendmmsg && libc.recvmmsg
  ? {
    send: (fd, hdrs, n, flags) => libc.sendmmsg!(fd, hdrs, n, flags),
    recv: (fd, hdrs, n, flags) => libc.recvmmsg!(fd, hdrs, n, flags, null),
  }
  : null;

/**
 * The loop of single calls, with the kernel's results: the count of
 * messages done, each `msg_len` set; an error only when the first fails
 * (`errno` is then the first call's). After the first message, receiving
 * takes only what is queued (`MSG_DONTWAIT`), as `MSG_WAITFORONE` does.
 */
const EMULATED: Engine = {
  send: (fd, hdrs, n, flags) => loop(hdrs, n, (hdr) => libc.sendmsg(fd, hdr, flags)),
  recv: (fd, hdrs, n, flags) =>
    loop(hdrs, n, (hdr, i) => libc.recvmsg(fd, hdr, i === 0 ? flags & ~MSG_WAITFORONE : flags | MSG_DONTWAIT)),
};

function loop(hdrs: Uint8Array, n: number, call: (hdr: Uint8Array, i: number) => number): number {
  const v = new DataView(hdrs.buffer, hdrs.byteOffset, hdrs.byteLength);
  for (let i = 0; i < n; i++) {
    let r: number;
    do r = call(hdrs.subarray(i * STRIDE + OFF_HDR), i); while (r < 0 && i > 0 && errno() === EINTR);
    if (r < 0) return i === 0 ? -1 : i;
    v.setUint32(i * STRIDE + OFF_LEN, r, true);
  }
  return n;
}

/** The engine for this platform. Internal: the tests run both. */
export const mmsgEngines: { current: Engine; native: Engine | null; emulated: Engine } = {
  current: NATIVE ?? EMULATED,
  native: NATIVE,
  emulated: EMULATED,
};

// ---------------------------------------------------------------------------
// The per-call scratch: [mmsghdr × n][iovec × niov][sockaddr × n][control][data]
//
// Each call owns its scratch from phase 2 until its results are built, then
// returns it to a small free list. Blocks are never shown to user code
// (results are copied out), so each keeps the address taken when it was
// allocated: a batch of small datagrams costs no `addressOf` at all, which
// matters under Deno, where one costs more than a datagram's system call.
// Buffers up to COPY_MAX bytes travel through the data area (copied in
// before a send, out after a receive); larger ones are pointed at directly.

const COPY_MAX = 4096;
/** Blocks up to this size go back to the free list; larger ones are dropped. */
const POOL_MAX = 1 << 20;
const FREE: Block[] = [];

interface Block {
  bytes: Uint8Array;
  view: DataView;
  /** The address of `bytes[0]`. */
  base: number;
}

interface Scratch extends Block {
  iovAt: number;
  nameAt: number;
  nameSize: number;
  ctrlAt: number;
  dataAt: number;
}

function takeBlock(size: number): Block {
  for (let i = FREE.length - 1; i >= 0; i--) {
    if (FREE[i].bytes.length >= size) return FREE.splice(i, 1)[0];
  }
  const bytes = new Uint8Array(Math.max(align8(size), 16384));
  return { bytes, view: new DataView(bytes.buffer), base: addressOf(bytes) };
}

/** Gives a call's scratch back, once nothing refers to it. */
function release(s: Block): void {
  if (s.bytes.length <= POOL_MAX && FREE.length < 4) FREE.push({ bytes: s.bytes, view: s.view, base: s.base });
}

function scratch(n: number, niov: number, nameSize: number, ctrlSize: number, dataSize: number): Scratch {
  const iovAt = n * STRIDE;
  const nameAt = align8(iovAt + niov * SIZEOF_IOVEC);
  const ctrlAt = align8(nameAt + n * nameSize);
  const dataAt = align8(ctrlAt + ctrlSize);
  return { ...takeBlock(dataAt + dataSize), iovAt, nameAt, nameSize, ctrlAt, dataAt };
}

/** Phase 2: message `i`'s `msghdr`, pointing into the scratch. */
function setHeader(
  s: Scratch,
  i: number,
  name: [at: number, len: number],
  iov: [at: number, count: number],
  ctrl: [at: number, len: number],
): void {
  const v = s.view, h = i * STRIDE + OFF_HDR;
  s.bytes.fill(0, i * STRIDE, (i + 1) * STRIDE);
  if (name[1] > 0) {
    setField(v, h + OFF_MSGHDR_MSG_NAME, 8, s.base + name[0]);
    v.setUint32(h + OFF_MSGHDR_MSG_NAMELEN, name[1], true);
  }
  if (iov[1] > 0) {
    setField(v, h + OFF_MSGHDR_MSG_IOV, 8, s.base + iov[0]);
    setField(v, h + OFF_MSGHDR_MSG_IOVLEN, SIZEOF_MSGHDR_MSG_IOVLEN, iov[1]);
  }
  if (ctrl[1] > 0) {
    setField(v, h + OFF_MSGHDR_MSG_CONTROL, 8, s.base + ctrl[0]);
    setField(v, h + OFF_MSGHDR_MSG_CONTROLLEN, SIZEOF_MSGHDR_MSG_CONTROLLEN, ctrl[1]);
  }
}

function setIovec(v: DataView, at: number, address: number, len: number): void {
  setField(v, at + OFF_IOVEC_IOV_BASE, 8, len === 0 ? 0 : address);
  setField(v, at + OFF_IOVEC_IOV_LEN, SIZEOF_IOVEC_IOV_LEN, len);
}

/** Whether a buffer of `len` bytes travels through the data area. */
function copied(len: number): boolean {
  return len <= COPY_MAX;
}

// ---------------------------------------------------------------------------
// sendmmsg

/** One message after phase 1. */
interface Outgoing {
  bufs: Buffers;
  items: Item[];
  addr: AddressArg | null;
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

/**
 * This module's own `sockaddr`: phase 1 validates each address into it,
 * phase 2 writes each one into it again and copies it into the batch's
 * scratch at once.
 */
const NAME = newSockaddr();

/** Whether `addr` holds the same primitives as the snapshot `prev` (so its encoding can be reused). */
function sameAddress(prev: AddressArg | null, addr: unknown): boolean {
  if (prev === null || !Array.isArray(addr) || !Array.isArray(prev.snapshot)) return false;
  const snap = prev.snapshot as unknown[];
  if (snap.length !== addr.length) return false;
  for (let i = 0; i < snap.length; i++) {
    const x = snap[i];
    if (typeof x === "object" || x !== addr[i]) return false;
  }
  return true;
}

/** Phase 1 of `sendmmsg`: every message walked into a snapshot, in order. */
function collectMessages(sock: SocketObject, messages: unknown, fn: string): Outgoing[] {
  if (!isIterable(messages)) throw new TypeError(`${fn}() argument 1 must be an iterable, not ${pyType(messages)}`);
  const out: Outgoing[] = [];
  let prev: AddressArg | null = null;
  for (const m of messages) {
    if (!Array.isArray(m) || m.length < 1 || m.length > 3) {
      throw new TypeError(`${fn}() messages must be [buffers, ancdata?, address?] arrays, not ${pyType(m)}`);
    }
    const [buffers, ancdata, address] = [m[0], m[1], m[2]];
    const bufs = collectBuffers(buffers, toBytes, `${fn}() message buffers must be an iterable`);
    const items = ancdata === undefined || ancdata === null ? [] : collectControl(ancdata);
    let addr: AddressArg | null = null;
    if (address !== undefined && address !== null) {
      // A batch usually goes to one peer: the same address again is not encoded again.
      addr = sameAddress(prev, address) ? prev : addressArg(ctxOf(sock), address, fn, NAME);
      prev = addr;
    }
    out.push({ bufs, items, addr });
  }
  if (out.length > VLEN_MAX) out.length = VLEN_MAX;
  return out;
}

/** The scratch a batch of outgoing messages needs. */
function sendScratch(msgs: readonly Outgoing[]): Scratch {
  let niov = 0, ctrl = 0, data = 0, named = false;
  for (const m of msgs) {
    niov += m.bufs.views.length;
    ctrl += controlSpace(m.items);
    for (const len of m.bufs.lens) if (copied(len)) data += align8(len);
    named ||= m.addr !== null;
  }
  return scratch(msgs.length, niov, named ? SIZEOF_SOCKADDR_STORAGE : 0, ctrl, data);
}

/** Phase 2 of `sendmmsg`: every header, iovec, name, control message and small buffer written from the snapshots. */
function fillSend(s: Scratch, msgs: readonly Outgoing[]): void {
  let iov = s.iovAt, ctrl = s.ctrlAt, data = s.dataAt;
  let named: AddressArg | null = null;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    const { views, lens } = m.bufs;
    for (let k = 0; k < views.length; k++) {
      const len = held(views[k], lens[k]);
      if (copied(len)) {
        s.bytes.set(span(views[k], 0, len), data);
        setIovec(s.view, iov + k * SIZEOF_IOVEC, s.base + data, len);
        data += align8(len);
      } else {
        // A plain view of our own: Deno's addressOf reads `length`, which the caller's object may shadow.
        setIovec(s.view, iov + k * SIZEOF_IOVEC, addressOf(span(views[k], 0, len)), len);
      }
    }
    const nameAt = s.nameAt + i * s.nameSize;
    if (m.addr !== null && m.addr === named) {
      s.bytes.copyWithin(nameAt, nameAt - s.nameSize, nameAt - s.nameSize + m.addr.len);
    } else if (m.addr !== null) s.bytes.set(sockaddrOf(m.addr, NAME).subarray(0, m.addr.len), nameAt);
    named = m.addr;
    const ctrlLen = controlSpace(m.items);
    if (ctrlLen > 0) writeControlAt(s.bytes, s.view, ctrl, m.items);
    setHeader(s, i, [nameAt, m.addr?.len ?? 0], [iov, views.length], [ctrl, ctrlLen]);
    iov += views.length * SIZEOF_IOVEC;
    ctrl += ctrlLen;
  }
}

function flagsArg(flags: unknown): number {
  return flags === undefined ? 0 : toCInt(flags);
}

/**
 * `sock.sendmmsg(messages, flags?)`: sends many datagrams in one system
 * call. Implements {@linkcode SocketType.sendmmsg}.
 *
 * @param sock The socket.
 * @param messages An iterable of `[buffers, ancdata?, address?]`, each as `sendmsg()` takes them.
 * @param flags `MSG_*` flags, for every message.
 * @returns The number of messages sent (the first ones; fewer than given when the socket's buffer fills).
 */
export function sendmmsg(sock: SocketObject, messages: Iterable<OutgoingMessage>, flags?: number): number {
  const f = flagsArg(flags);
  const msgs = collectMessages(sock, messages, "sendmmsg");
  const fd = liveFd(sock);
  if (msgs.length === 0) return 0;
  const s = sendScratch(msgs);
  try {
    return sockCall(fd, timeoutOf(sock), true, attemptSend, s, msgs, f | MSG_NOSIGNAL);
  } finally {
    release(s);
  }
}

/** One attempt (phase 2, then the call) of a send batch on `fd`: a {@linkcode Syscall}. */
function attemptSend(fd: number, s: Scratch, msgs: readonly Outgoing[], flags: number): number {
  fillSend(s, msgs);
  return mmsgEngines.current.send(fd, s.bytes, msgs.length, flags);
}

/** A message for {@linkcode sendmmsg} on a socket of family `F`: `[buffers, ancdata?, address?]`. */
export type OutgoingMessage<F extends SocketFamily = SocketFamily> = readonly [
  buffers: Iterable<BytesLike>,
  ancdata?: Iterable<readonly [number, number, BytesLike]> | null,
  address?: AddressFor<F> | null,
];

// ---------------------------------------------------------------------------
// recvmmsg, recvmmsg_into

/** A receive batch after phase 1: where each datagram goes, and how much control space each gets. */
interface Incoming {
  /** The caller's buffers (`recvmmsg_into`), or `null` (`recvmmsg`: `count` buffers of `size` in the scratch). */
  views: Uint8Array[] | null;
  lens: number[];
  ancbufsize: number;
  flags: number;
}

function ancArg(v: unknown): number {
  const n = v === undefined ? 0 : ssizeArg(v);
  if (n < 0 || n > SOCKLEN_T_LIMIT) throw new ValueError("invalid ancillary data buffer length");
  return n;
}

/** Where datagram `i` lands in the data area, for the buffers that travel through it. */
function dataOffsets(b: Incoming): number[] {
  const at: number[] = [];
  let off = 0;
  for (const len of b.lens) {
    at.push(off);
    if (b.views === null || copied(len)) off += align8(len);
  }
  return at;
}

/** The scratch of a receive batch. */
function recvScratch(b: Incoming): Scratch {
  const n = b.lens.length;
  let data = 0;
  for (const len of b.lens) if (b.views === null || copied(len)) data += align8(len);
  return scratch(n, n, SIZEOF_SOCKADDR_STORAGE, n * b.ancbufsize, data);
}

/** Phase 2 of a receive: headers, one iovec per message, empty names and control space. */
function fillRecv(s: Scratch, b: Incoming, at: readonly number[]): void {
  // With MSG_TRUNC a stream socket's data is discarded unwritten: no earlier batch's bytes may show through.
  s.bytes.fill(0, s.nameAt, b.flags & MSG_TRUNC ? s.bytes.length : s.dataAt);
  for (let i = 0; i < b.lens.length; i++) {
    const iov = s.iovAt + i * SIZEOF_IOVEC;
    const len = b.views === null ? b.lens[i] : heldInto(b.views[i], b.lens[i]);
    const direct = b.views !== null && !copied(len);
    setIovec(s.view, iov, direct ? addressOf(span(b.views![i], 0, len)) : s.base + s.dataAt + at[i], len);
    const ctrl = s.ctrlAt + i * b.ancbufsize;
    setHeader(s, i, [s.nameAt + i * s.nameSize, s.nameSize], [iov, 1], [ctrl, b.ancbufsize]);
  }
}

/** The flags every receive batch passes: `MSG_WAITFORONE`, and close-on-exec for received descriptors. */
function recvFlags(flags: number): [call: number, cloexec: number] {
  const cloexec = MSG_CMSG_CLOEXEC & ~flags;
  return [flags | cloexec | MSG_WAITFORONE, cloexec];
}

/** `msg_len` of message `i`. */
function msgLen(s: Scratch, i: number): number {
  return s.view.getUint32(i * STRIDE + OFF_LEN, true);
}

function controlLen(s: Scratch, i: number): number {
  return getField(s.view, i * STRIDE + OFF_HDR + OFF_MSGHDR_MSG_CONTROLLEN, SIZEOF_MSGHDR_MSG_CONTROLLEN);
}

/**
 * Turns the first `got` messages of a filled scratch into results; if
 * anything throws, closes every descriptor they carried. Datagram `i` is
 * `views[i]` (`recvmmsg`), else its count, its bytes copied into the
 * caller's buffer when they came through the data area (`recvmmsg_into`).
 */
function results<T>(
  sock: SocketObject,
  s: Scratch,
  b: Incoming,
  at: readonly number[],
  got: number,
  cloexec: number,
  views: Uint8Array[] | null,
): [T, AncillaryItem[], number, Address | null][] {
  const out: [T, AncillaryItem[], number, Address | null][] = [];
  const ctx = ctxOf(sock);
  try {
    for (let i = 0; i < got; i++) {
      const h = i * STRIDE + OFF_HDR;
      const ctrlLen = b.ancbufsize > 0 ? controlLen(s, i) : 0;
      const ctrl = s.ctrlAt + i * b.ancbufsize;
      const items = ctrlLen > 0 ? parseAncillary(s.bytes.subarray(ctrl, ctrl + b.ancbufsize), ctrlLen) : [];
      const msgFlags = s.view.getInt32(h + OFF_MSGHDR_MSG_FLAGS, true) & ~cloexec;
      out.push([
        (views === null ? copyInto(s, b, at, i) : views[i]) as T,
        items,
        msgFlags,
        senderAt(s, i, s.view.getUint32(h + OFF_MSGHDR_MSG_NAMELEN, true), ctx),
      ]);
    }
  } catch (e) {
    for (let i = 0; i < got && b.ancbufsize > 0; i++) {
      const at = s.ctrlAt + i * b.ancbufsize;
      closeReceivedFds(s.bytes.subarray(at, at + b.ancbufsize), controlLen(s, i));
    }
    throw e;
  }
  return out;
}

/**
 * The last sender decoded, by any batch: datagrams usually come from few
 * peers, so a name equal to the last one is copied, not decoded again.
 * Written only after a call, when no user code runs; results get copies.
 */
const LAST = {
  name: new Uint8Array(SIZEOF_SOCKADDR_STORAGE),
  len: -1,
  ctx: null as Ctx | null,
  value: null as Address | null,
};

/** Message `i`'s sender, decoded (or copied from {@linkcode LAST}). */
function senderAt(s: Scratch, i: number, len: number, ctx: Ctx): Address | null {
  len = Math.min(len, s.nameSize);
  const at = s.nameAt + i * s.nameSize;
  if (len !== LAST.len || !sameCtx(ctx, LAST.ctx) || !sameBytes(s.bytes, at, LAST.name, len)) {
    const bytes = s.bytes.slice(at, at + s.nameSize);
    LAST.name.set(bytes.subarray(0, len));
    LAST.len = len;
    LAST.ctx = ctx;
    LAST.value = fromSockaddr({ bytes, view: new DataView(bytes.buffer) }, len, ctx);
  }
  return copy(LAST.value);
}

function sameCtx(a: Ctx, b: Ctx | null): boolean {
  return b !== null && a.family === b.family && a.type === b.type && a.proto === b.proto;
}

function sameBytes(a: Uint8Array, at: number, b: Uint8Array, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[at + k] !== b[k]) return false;
  return true;
}

/** A fresh copy of a decoded address: each result owns its own array. */
function copy(a: Address | null): Address | null {
  if (a instanceof Uint8Array) return a.slice();
  if (!Array.isArray(a)) return a;
  const c: unknown[] = a.slice();
  for (let k = 0; k < c.length; k++) if (c[k] instanceof Uint8Array) c[k] = (c[k] as Uint8Array).slice();
  return c as Address;
}

/** `recvmmsg_into`'s datagram `i`: copied into the caller's buffer if it came through the data area; its count. */
function copyInto(s: Scratch, b: Incoming, at: readonly number[], i: number): number {
  const n = msgLen(s, i), len = b.lens[i], from = s.dataAt + at[i];
  // Into a plain view of our own with the built-in set: no method of the caller's object sees the scratch.
  if (copied(len)) TA_SET.call(span(b.views![i], 0, len), s.bytes.subarray(from, from + Math.min(n, len)));
  return n;
}

/** One attempt (phase 2, then the call) of a receive batch on `fd`: a {@linkcode Syscall}. */
function attemptRecv(fd: number, s: Scratch, b: Incoming, at: readonly number[], call: number): number {
  fillRecv(s, b, at);
  return mmsgEngines.current.recv(fd, s.bytes, b.lens.length, call);
}

/**
 * `recvmmsg`'s datagrams, copied out of the scratch: each into a buffer of
 * its own, as `pool.ts` promises for every result (transferring one changes
 * no other).
 */
function copyOut(s: Scratch, b: Incoming, at: readonly number[], got: number): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let i = 0; i < got; i++) {
    const n = Math.min(msgLen(s, i), b.lens[i]), from = s.dataAt + at[i];
    // slice() of our own block: one allocation, and under Deno cheaper than new + set.
    views.push(s.bytes.slice(from, from + n));
  }
  return views;
}

/** Builds a batch's results from its scratch, then gives the scratch back. */
function finish<T>(
  sock: SocketObject,
  s: Scratch,
  b: Incoming,
  at: readonly number[],
  got: number,
  cloexec: number,
): [T, AncillaryItem[], number, Address | null][] {
  try {
    return results(sock, s, b, at, got, cloexec, b.views === null ? copyOut(s, b, at, got) : null);
  } finally {
    release(s);
  }
}

/** Phases 2 and 3 of a synchronous receive batch. */
function receive<T>(sock: SocketObject, b: Incoming): [T, AncillaryItem[], number, Address | null][] {
  const s = recvScratch(b);
  const at = dataOffsets(b);
  const [call, cloexec] = recvFlags(b.flags);
  let got: number;
  try {
    const fd = liveFd(sock);
    got = sockCall(fd, timeoutOf(sock), false, attemptRecv, s, b, at, call);
  } catch (e) {
    release(s);
    throw e;
  }
  return finish(sock, s, b, at, got, cloexec);
}

/** Phase 1 of `recvmmsg`: `vlen` datagrams of at most `bufsize` bytes. */
function recvmmsgArgs(vlen: unknown, bufsize: unknown, ancbufsize: unknown, flags: unknown): Incoming {
  const count = ssizeArg(vlen);
  const size = ssizeArg(bufsize);
  const anc = ancArg(ancbufsize);
  const f = flagsArg(flags);
  if (count < 1) throw new ValueError("recvmmsg() vlen must be at least 1");
  if (size < 0) throw new ValueError("negative buffer size in recvmmsg()");
  return { views: null, lens: new Array<number>(Math.min(count, VLEN_MAX)).fill(size), ancbufsize: anc, flags: f };
}

/** Phase 1 of `recvmmsg_into`: the caller's buffers, one datagram each. */
function recvmmsgIntoArgs(buffers: unknown, ancbufsize: unknown, flags: unknown, fn: string): Incoming {
  const anc = ancArg(ancbufsize);
  const f = flagsArg(flags);
  const { views, lens } = collectBuffers(buffers, writable, `${fn}() argument 1 must be an iterable`);
  if (views.length === 0) throw new ValueError(`${fn}() needs at least one buffer`);
  if (views.length > VLEN_MAX) (views.length = VLEN_MAX, lens.length = VLEN_MAX);
  return { views, lens, ancbufsize: anc, flags: f };
}

/**
 * `sock.recvmmsg(vlen, bufsize, ancbufsize?, flags?)`: receives up to
 * `vlen` datagrams in one system call. Implements
 * {@linkcode SocketType.recvmmsg}.
 *
 * @param sock The socket.
 * @param vlen The most datagrams to return (at most `UIO_MAXIOV`, 1024).
 * @param bufsize The most bytes of each.
 * @param ancbufsize The ancillary data buffer size of each (`0`: none).
 * @param flags `MSG_*` flags.
 * @returns `[data, ancdata, msg_flags, address]` for each datagram, oldest first.
 */
export function recvmmsg(
  sock: SocketObject,
  vlen: number,
  bufsize: number,
  ancbufsize?: number,
  flags?: number,
): RecvmsgResult[] {
  return receive(sock, recvmmsgArgs(vlen, bufsize, ancbufsize, flags));
}

/**
 * `sock.recvmmsg_into(buffers, ancbufsize?, flags?)`: receives up to one
 * datagram into each buffer, in one system call. Implements
 * {@linkcode SocketType.recvmmsg_into}.
 *
 * @param sock The socket.
 * @param buffers An iterable of writable bytes-like objects.
 * @param ancbufsize The ancillary data buffer size of each message (`0`: none).
 * @param flags `MSG_*` flags.
 * @returns `[nbytes, ancdata, msg_flags, address]` for each datagram; datagram `i` is in `buffers[i]`.
 */
export function recvmmsg_into(
  sock: SocketObject,
  buffers: Iterable<BytesLike>,
  ancbufsize?: number,
  flags?: number,
): RecvmsgIntoResult[] {
  return receive(sock, recvmmsgIntoArgs(buffers, ancbufsize, flags, "recvmmsg_into"));
}

// ---------------------------------------------------------------------------
// Without blocking the event loop

/** The last argument of the `sock_*mmsg` functions. */
export interface MmsgOptions {
  /** Aborts the wait: the promise rejects with the signal's reason, and nothing is consumed. */
  signal?: AbortSignal;
}

/** Phases 2 and 3 of a receive batch on the reactor. */
async function receiveAsync<T>(op: Call, b: Incoming): Promise<[T, AncillaryItem[], number, Address | null][]> {
  const s = recvScratch(b);
  const at = dataOffsets(b);
  const [call, cloexec] = recvFlags(b.flags);
  let called = false;
  try {
    // The results are built in the attempt's turn: no await between the call and the copy into the caller's
    // buffers, so a buffer detached meanwhile cannot lose a datagram already taken from the kernel.
    return await untilReady(op, false, (fd) => attemptRecv(fd, s, b, at, call), (got) => {
      called = true;
      return finish<T>(op.sock, s, b, at, got, cloexec);
    });
  } catch (e) {
    if (!called) release(s); // finish gives the scratch back itself
    throw e;
  }
}

/**
 * Sends many datagrams in one system call, waiting (without blocking the
 * event loop) while the socket's buffer is full: the awaitable
 * {@linkcode SocketType.sendmmsg}. Beyond CPython and asyncio.
 *
 * @param sock A socket in non-blocking mode.
 * @param messages An iterable of `[buffers, ancdata?, address?]`.
 * @param flags `MSG_*` flags.
 * @param options `{ signal }`.
 * @returns The number of messages sent.
 * @throws {ValueError} When the socket is not non-blocking (the promise rejects).
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * tx.setblocking(false);
 * const to = rx.getsockname()!;
 * const sent = await socket.sock_sendmmsg(tx, [[[new Uint8Array([1])], null, to], [[new Uint8Array([2])], null, to]]);
 * console.assert(sent === 2);
 * ```
 */
export function sock_sendmmsg<F extends SocketFamily>(
  sock: SocketObject & OfFamily<F>,
  messages: Iterable<OutgoingMessage<F>>,
  flags?: number,
  options?: MmsgOptions,
): Promise<number>;
export async function sock_sendmmsg(
  sock: SocketObject,
  messages: Iterable<OutgoingMessage>,
  flags?: number,
  options?: MmsgOptions,
): Promise<number> {
  arityKw(FUNCTIONS.sock_sendmmsg, arguments);
  const op = begin(sock, options);
  const f = flagsArg(flags);
  const msgs = collectMessages(sock, messages, "sock_sendmmsg");
  liveFd(sock);
  if (msgs.length === 0) return 0;
  const s = sendScratch(msgs);
  try {
    return await untilReady(op, true, (fd) => attemptSend(fd, s, msgs, f | MSG_NOSIGNAL), count);
  } finally {
    release(s);
  }
}

/**
 * Receives up to `vlen` datagrams in one system call, waiting (without
 * blocking the event loop) until at least one is queued: the awaitable
 * {@linkcode SocketType.recvmmsg}. Beyond CPython and asyncio.
 *
 * @param sock A socket in non-blocking mode.
 * @param vlen The most datagrams to return.
 * @param bufsize The most bytes of each.
 * @param ancbufsize The ancillary data buffer size of each.
 * @param flags `MSG_*` flags.
 * @param options `{ signal }`.
 * @returns `[data, ancdata, msg_flags, address]` for each datagram.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * rx.setblocking(false);
 * const batch = socket.sock_recvmmsg(rx, 32, 2048);
 * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * tx.sendto(new Uint8Array([7]), rx.getsockname()!);
 * const [[data, , , from]] = await batch;
 * console.assert(data[0] === 7 && from !== null);
 * ```
 */
export function sock_recvmmsg<F extends SocketFamily>(
  sock: SocketObject & OfFamily<F>,
  vlen: number,
  bufsize: number,
  ancbufsize?: number,
  flags?: number,
  options?: MmsgOptions,
): Promise<RecvmsgResult<F>[]>;
export async function sock_recvmmsg(
  sock: SocketObject,
  vlen: number,
  bufsize: number,
  ancbufsize?: number,
  flags?: number,
  options?: MmsgOptions,
): Promise<RecvmsgResult[]> {
  arityKw(FUNCTIONS.sock_recvmmsg, arguments);
  return await receiveAsync(begin(sock, options), recvmmsgArgs(vlen, bufsize, ancbufsize, flags));
}

/**
 * Receives up to one datagram into each buffer in one system call, waiting
 * (without blocking the event loop) until at least one is queued: the
 * awaitable {@linkcode SocketType.recvmmsg_into}. Beyond CPython and asyncio.
 *
 * @param sock A socket in non-blocking mode.
 * @param buffers An iterable of writable bytes-like objects.
 * @param ancbufsize The ancillary data buffer size of each message.
 * @param flags `MSG_*` flags.
 * @param options `{ signal }`.
 * @returns `[nbytes, ancdata, msg_flags, address]` for each datagram; datagram `i` is in `buffers[i]`.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * rx.bind(["127.0.0.1", 0]);
 * rx.setblocking(false);
 * const bufs = [new Uint8Array(1500), new Uint8Array(1500)];
 * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * tx.sendto(new Uint8Array([1, 2]), rx.getsockname()!);
 * const [[nbytes]] = await socket.sock_recvmmsg_into(rx, bufs);
 * console.assert(nbytes === 2 && bufs[0][1] === 2);
 * ```
 */
export function sock_recvmmsg_into<F extends SocketFamily>(
  sock: SocketObject & OfFamily<F>,
  buffers: Iterable<BytesLike>,
  ancbufsize?: number,
  flags?: number,
  options?: MmsgOptions,
): Promise<RecvmsgIntoResult<F>[]>;
export async function sock_recvmmsg_into(
  sock: SocketObject,
  buffers: Iterable<BytesLike>,
  ancbufsize?: number,
  flags?: number,
  options?: MmsgOptions,
): Promise<RecvmsgIntoResult[]> {
  arityKw(FUNCTIONS.sock_recvmmsg_into, arguments);
  return await receiveAsync(begin(sock, options), recvmmsgIntoArgs(buffers, ancbufsize, flags, "sock_recvmmsg_into"));
}
