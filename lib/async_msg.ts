/**
 * Awaitable message I/O, which asyncio lacks (cpython PR #114857 was closed
 * unmerged): `sock_sendmsg`, `sock_recvmsg`, `sock_recvmsg_into`,
 * `sock_send_fds` and `sock_recv_fds`. Each runs its synchronous twin of
 * `lib/msg.ts` as one non-blocking attempt and, when that reports `EAGAIN`,
 * waits on the reactor and tries again: the results and errors are the
 * twin's, and the event loop never blocks.
 *
 * The boundary across waits (`lib/marshal.ts`, and the top of
 * `lib/async.ts`): every iterable is walked once, before the first attempt,
 * into plain views with the lengths they had; the address is copied and a
 * host name resolved off the main thread. Before each attempt the views are
 * checked against those lengths (a buffer detached or shrunk during a wait
 * is an argument error, raised before the system call) and handed to the
 * twin as plain arrays of fixed-length views, on which its own conversion
 * runs no user code. Descriptors received are the caller's once the promise
 * resolves; the twin closes them if anything fails after the call.
 *
 * @module
 */

import { type Address, snapshotAddress } from "./addr/mod.ts";
import type { AddressFor, SocketFamily } from "./addr/types.ts";
import { type BytesLike, isOptions, toBytes, toCInt, toWritableBytes } from "./args.ts";
import { resolved, still } from "./async.ts";
import { again, begin, type Call, notReady, type SockOptions, untilReady } from "./async_call.ts";
import { OSError } from "./errors.ts";
import { held, lengthOf, span } from "./marshal.ts";
import {
  recv_fds,
  type RecvFdsResult,
  recvmsg,
  recvmsg_into,
  type RecvmsgIntoResult,
  type RecvmsgResult,
  send_fds,
  sendmsg,
} from "./msg.ts";
import type { SocketType } from "./socket.ts";
import { arityKw, FUNCTIONS } from "./signatures.ts";

/** Makes the argument the twin sees, again before each attempt. */
type Again = () => unknown;

/**
 * Positional arguments, and a `{ signal }` object after the last one given
 * (`sock_recvmsg(s, 100, { signal })`).
 */
function positional(fn: string, args: unknown[], most: number): [unknown[], SockOptions | undefined] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let options: SockOptions | undefined;
  if (n > 0 && isOptions(args[n - 1])) options = args[--n] as SockOptions;
  if (n > most) throw new TypeError(`${fn}() takes at most ${most} optional arguments (${n} given)`);
  const given: unknown[] = [];
  for (let i = 0; i < most; i++) given.push(i < n ? args[i] : undefined);
  return [given, options];
}

function iterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

const EMPTY = new Uint8Array(0);

/**
 * Phase 1 for a bytes-like argument: its plain view and length now. Phase
 * 2, before each attempt: a fixed view of that length, after checking the
 * buffer still holds it (`still` for a buffer to write into, `held` for one
 * to send). `undefined` when `v` is not a buffer: the twin refuses it.
 */
function bytesArg(v: unknown, writable: boolean): Again | undefined {
  let view: Uint8Array;
  try {
    view = writable ? toWritableBytes(v) : toBytes(v);
  } catch {
    return undefined;
  }
  const len = lengthOf(view);
  if (writable) return () => len === 0 ? EMPTY : span(still(view, len, "buffer too small for requested bytes"), 0, len);
  return () => len === 0 ? EMPTY : span(view, 0, held(view, len));
}

/**
 * Phase 1 for an iterable of buffers: walked once, up to the first element
 * that is not a buffer (the twin refuses it, as it would have). Anything
 * not iterable goes to the twin as it is.
 */
function buffersArg(v: unknown, writable: boolean): Again {
  if (!iterable(v)) return () => v;
  const parts: Again[] = [];
  for (const b of v) {
    const part = bytesArg(b, writable);
    parts.push(part ?? (() => b));
    if (!part) break;
  }
  return () => parts.map((part) => part());
}

/** Phase 1 for `ancdata`: each `[level, type, data]` read once, the data held as a buffer. */
function itemsArg(v: unknown): Again {
  if (!iterable(v)) return () => v;
  const items: Again[] = [];
  for (const item of v) {
    if (!Array.isArray(item) || item.length !== 3) {
      items.push(() => item);
      break;
    }
    const level: unknown = item[0], type: unknown = item[1], data: unknown = item[2];
    const bytes = bytesArg(data, false);
    items.push(() => [level, type, bytes ? bytes() : data]);
    if (!bytes) break;
  }
  return () => items.map((item) => item());
}

/** Phase 1 for an optional destination: copied, and a host name resolved without blocking. */
async function destination(call: Call, address: unknown): Promise<Address | null> {
  if (address === undefined || address === null) return null;
  return await resolved(call, snapshotAddress(address) as Address);
}

/**
 * Runs `once` (the twin, which takes its pointers and makes one
 * non-blocking call) in the one wait loop ({@linkcode untilReady}): the
 * twin's `BlockingIOError` is the attempt's `EAGAIN`. (The loop checks
 * that the socket is still non-blocking before each retry.)
 */
async function attempt<T>(call: Call, writing: boolean, once: () => T): Promise<T> {
  let out!: T;
  return await untilReady(call, writing, () => {
    try {
      out = once();
      return 0;
    } catch (e) {
      if (!(e instanceof OSError) || typeof e.errno !== "number" || !again(e.errno)) throw e;
      return notReady();
    }
  }, () => out);
}

/**
 * Sends the concatenation of `buffers` as one message, with ancillary data,
 * waiting while the socket's buffer is full: `sock.sendmsg()` without
 * blocking the event loop (beyond CPython: asyncio has no `sock_sendmsg`).
 * A host name in `address` is resolved with `getaddrinfo_async`.
 *
 * @param sock A socket in non-blocking mode.
 * @param buffers An iterable of bytes-like objects.
 * @param ancdata An iterable of `[cmsg_level, cmsg_type, cmsg_data]`, or `{ signal }`.
 * @param flags `MSG_*` flags, or `{ signal }`.
 * @param address The destination, `null`, or `{ signal }`.
 * @param options `{ signal }`.
 * @returns The number of bytes of data sent.
 * @throws {ValueError} When a buffer is detached or shrinks while the call waits (nothing is sent).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
 * a.setblocking(false);
 * b.setblocking(false);
 * const enc = new TextEncoder();
 * await socket.sock_sendmsg(a, [enc.encode("he"), enc.encode("llo")]);
 * const [data] = await socket.sock_recvmsg(b, 100);
 * console.assert(new TextDecoder().decode(data) === "hello");
 * a.close();
 * b.close();
 * ```
 */
export function sock_sendmsg<F extends SocketFamily>(
  sock: SocketType<F>,
  buffers: Iterable<BytesLike>,
  ancdata?: Iterable<readonly [number, number, BytesLike]> | SockOptions,
  flags?: number | SockOptions,
  address?: AddressFor<F> | null | SockOptions,
  options?: SockOptions,
): Promise<number>;
export async function sock_sendmsg(
  sock: SocketType,
  buffers: Iterable<BytesLike>,
  ancdata?: Iterable<readonly [number, number, BytesLike]> | SockOptions,
  flags?: number | SockOptions,
  address?: Address | null | SockOptions,
  options?: SockOptions,
): Promise<number> {
  arityKw(FUNCTIONS.sock_sendmsg, arguments);
  const [[anc, f, to], opts] = positional("sock_sendmsg", [ancdata, flags, address, options], 3);
  const call = begin(sock, opts);
  const fl = f === undefined ? 0 : toCInt(f);
  const dest = await destination(call, to);
  const bufs = buffersArg(buffers, false);
  const items = anc === undefined ? () => [] : itemsArg(anc);
  return attempt(call, true, () => sendmsg(call.sock, bufs() as BytesLike[], items() as [], fl, dest));
}

/**
 * Receives up to `bufsize` bytes and up to `ancbufsize` bytes of ancillary
 * data, waiting until a message arrives: `sock.recvmsg()` without blocking
 * the event loop (beyond CPython).
 *
 * @param sock A socket in non-blocking mode.
 * @param bufsize The most bytes of data to receive.
 * @param ancbufsize The size of the ancillary data buffer (`0`: none), or `{ signal }`.
 * @param flags `MSG_*` flags, or `{ signal }`.
 * @param options `{ signal }`.
 * @returns `[data, ancdata, msg_flags, address]`, as `recvmsg()`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * const got = socket.sock_recvmsg(b, 100, { signal: AbortSignal.timeout(5000) });
 * a.send(new Uint8Array([1, 2, 3]));
 * const [data, ancdata] = await got;
 * console.assert(data.length === 3 && ancdata.length === 0);
 * a.close();
 * b.close();
 * ```
 */
export function sock_recvmsg<F extends SocketFamily>(
  sock: SocketType<F>,
  bufsize: number,
  ancbufsize?: number | SockOptions,
  flags?: number | SockOptions,
  options?: SockOptions,
): Promise<RecvmsgResult<F>>;
export async function sock_recvmsg(
  sock: SocketType,
  bufsize: number,
  ancbufsize?: number | SockOptions,
  flags?: number | SockOptions,
  options?: SockOptions,
): Promise<RecvmsgResult> {
  arityKw(FUNCTIONS.sock_recvmsg, arguments);
  const [[anc, fl], opts] = positional("sock_recvmsg", [ancbufsize, flags, options], 2);
  const call = begin(sock, opts);
  return await attempt(call, false, () => recvmsg(call.sock, bufsize, anc as number, fl as number));
}

/**
 * Like {@linkcode sock_recvmsg}, but scatters the data into `buffers` in
 * order: `sock.recvmsg_into()` without blocking the event loop (beyond
 * CPython).
 *
 * @param sock A socket in non-blocking mode.
 * @param buffers An iterable of writable bytes-like objects.
 * @param ancbufsize The size of the ancillary data buffer (`0`: none), or `{ signal }`.
 * @param flags `MSG_*` flags, or `{ signal }`.
 * @param options `{ signal }`.
 * @returns `[nbytes, ancdata, msg_flags, address]`, as `recvmsg_into()`.
 * @throws {TypeError} When a buffer is detached while the call waits (nothing is received).
 * @throws {ValueError} When a buffer shrinks while the call waits (nothing is received).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * const [head, rest] = [new Uint8Array(2), new Uint8Array(8)];
 * const got = socket.sock_recvmsg_into(b, [head, rest]);
 * a.send(new Uint8Array([1, 2, 3, 4]));
 * const [nbytes] = await got;
 * console.assert(nbytes === 4 && head[1] === 2 && rest[0] === 3);
 * a.close();
 * b.close();
 * ```
 */
export function sock_recvmsg_into<F extends SocketFamily>(
  sock: SocketType<F>,
  buffers: Iterable<BytesLike>,
  ancbufsize?: number | SockOptions,
  flags?: number | SockOptions,
  options?: SockOptions,
): Promise<RecvmsgIntoResult<F>>;
export async function sock_recvmsg_into(
  sock: SocketType,
  buffers: Iterable<BytesLike>,
  ancbufsize?: number | SockOptions,
  flags?: number | SockOptions,
  options?: SockOptions,
): Promise<RecvmsgIntoResult> {
  arityKw(FUNCTIONS.sock_recvmsg_into, arguments);
  const [[anc, fl], opts] = positional("sock_recvmsg_into", [ancbufsize, flags, options], 2);
  const call = begin(sock, opts);
  const bufs = buffersArg(buffers, true);
  return await attempt(call, false, () => recvmsg_into(call.sock, bufs() as BytesLike[], anc as number, fl as number));
}

/**
 * Sends the descriptors `fds` (`SCM_RIGHTS`) with `buffers` as the data,
 * waiting while the socket's buffer is full: `socket.send_fds()` without
 * blocking the event loop (beyond CPython). The receiver gets duplicates;
 * the sender keeps its own.
 *
 * @param sock An `AF_UNIX` socket in non-blocking mode.
 * @param buffers An iterable of bytes-like objects (at least one byte in all, for stream sockets).
 * @param fds The descriptors.
 * @param flags `MSG_*` flags, or `{ signal }`.
 * @param address The destination, `null`, or `{ signal }`.
 * @param options `{ signal }`.
 * @returns The number of bytes of data sent.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * await socket.sock_send_fds(a, [new Uint8Array([1])], [a.fileno()]);
 * const [, fds] = await socket.sock_recv_fds(b, 1, 1);
 * console.assert(fds.length === 1);
 * socket.close(fds[0]);
 * a.close();
 * b.close();
 * ```
 */
export function sock_send_fds<F extends SocketFamily>(
  sock: SocketType<F>,
  buffers: Iterable<BytesLike>,
  fds: Iterable<number>,
  flags?: number | SockOptions,
  address?: AddressFor<F> | null | SockOptions,
  options?: SockOptions,
): Promise<number>;
export async function sock_send_fds(
  sock: SocketType,
  buffers: Iterable<BytesLike>,
  fds: Iterable<number>,
  flags?: number | SockOptions,
  address?: Address | null | SockOptions,
  options?: SockOptions,
): Promise<number> {
  arityKw(FUNCTIONS.sock_send_fds, arguments);
  const [[f, to], opts] = positional("sock_send_fds", [flags, address, options], 2);
  const call = begin(sock, opts);
  const list: unknown = iterable(fds) ? Array.from(fds) : fds;
  const fl = f === undefined ? 0 : toCInt(f);
  const dest = await destination(call, to);
  const bufs = buffersArg(buffers, false);
  return attempt(call, true, () => send_fds(call.sock, bufs() as BytesLike[], list as number[], fl, dest));
}

/**
 * Receives up to `bufsize` bytes and up to `maxfds` descriptors sent with
 * `SCM_RIGHTS`, waiting until a message arrives: `socket.recv_fds()`
 * without blocking the event loop (beyond CPython). The descriptors are
 * close-on-exec, and the caller's once the promise resolves: none is left
 * open when it rejects.
 *
 * @param sock An `AF_UNIX` socket in non-blocking mode.
 * @param bufsize The most bytes of data to receive.
 * @param maxfds The most descriptors to receive.
 * @param flags `MSG_*` flags, or `{ signal }`.
 * @param options `{ signal }`.
 * @returns `[data, fds, msg_flags, address]`, as `recv_fds()`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * const got = socket.sock_recv_fds(b, 10, 2);
 * socket.send_fds(a, [new Uint8Array([7])], [a.fileno()]);
 * const [data, fds] = await got;
 * console.assert(data[0] === 7 && fds.length === 1);
 * socket.close(fds[0]);
 * a.close();
 * b.close();
 * ```
 */
export function sock_recv_fds<F extends SocketFamily>(
  sock: SocketType<F>,
  bufsize: number,
  maxfds: number,
  flags?: number | SockOptions,
  options?: SockOptions,
): Promise<RecvFdsResult<F>>;
export async function sock_recv_fds(
  sock: SocketType,
  bufsize: number,
  maxfds: number,
  flags?: number | SockOptions,
  options?: SockOptions,
): Promise<RecvFdsResult> {
  arityKw(FUNCTIONS.sock_recv_fds, arguments);
  const [[fl], opts] = positional("sock_recv_fds", [flags, options], 1);
  const call = begin(sock, opts);
  return await attempt(call, false, () => recv_fds(call.sock, bufsize, maxfds, fl as number));
}
