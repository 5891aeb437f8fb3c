/**
 * Awaitable socket operations, as Python's `asyncio` offers them
 * (`loop.sock_recv`, `loop.sock_sendall`, …): each takes a socket in
 * non-blocking mode, tries its system call at once, and waits on the
 * reactor (`lib/reactor/`) only when the call reports `EAGAIN`, so the
 * event loop keeps running: timers fire, other sockets move, and thousands
 * of operations can wait at once without a thread each.
 *
 * Every function takes a last optional `{ signal }`. An aborted signal
 * rejects the operation with exactly `signal.reason` (also when it was
 * aborted before the call), removes the waiter, consumes no data and leaves
 * the socket usable. Closing a socket while operations wait rejects them
 * with `OSError(EBADF)`.
 *
 * ## The boundary, across waits
 *
 * The discipline written down in `lib/marshal.ts` (STYLE.md §10), with
 * waits in the middle. Every `sock_*` function:
 *
 * 1. converts first (`begin`, `addressOf`): the socket's mode, family, type
 *    and protocol from its private state (`timeoutOf`, `ctxOf`: a subclass
 *    may override `gettimeout()` and the public getters), the options object
 *    read once, numbers normalised (`-0` is `0`), each buffer as a plain
 *    view (`toBytes`) whose length is noted through the built-in getter
 *    (`lengthOf`), and an address copied, then resolved, then encoded
 *    (`addressArg`);
 * 2. just before each system call, takes the buffer as it is now (`still`
 *    for a buffer to receive into, `held` for one to send) and the address
 *    (`sockaddrOf` writes the copy into this module's `sockaddr` again, as
 *    other code may have used it meanwhile): a buffer detached, or shrunk below the length
 *    noted in step 1 (a resizable `ArrayBuffer`), rejects with CPython's
 *    class for such input (`TypeError` for a detached buffer to receive
 *    into, as `w*`; else `ValueError`), before the call, so nothing is
 *    consumed from the socket and no byte outside the caller's buffer is
 *    read or written;
 * 3. calls, with no user-reachable JavaScript between 2 and 3. A wait on the
 *    reactor lets any code run (timers, abort listeners), so after every wait
 *    the loop goes back to step 2.
 *
 * Results own their memory (`lib/pool.ts`); `sock_recv(sock, 0)` and
 * `sock_recv_into` with an empty buffer resolve at once without a system
 * call, as CPython's `recv` does. The message calls follow the same rules
 * in `lib/async_msg.ts`.
 *
 * @module
 */

import { CONSTANTS, SYS } from "../ffi/gen/mod.ts";
import { errno, libc, OS, setErrno } from "../ffi/mod.ts";
import {
  type Address,
  type AddressArg,
  addressArg,
  type Ctx,
  fromSockaddr,
  newSockaddr,
  snapshotAddress,
  sockaddrOf,
} from "./addr/mod.ts";
import { type BytesLike, isOptions, pyType, toBytes, toCInt, toInt, toWritableBytes } from "./args.ts";
import { check, OSError, osErrorFrom, uninterrupted, ValueError } from "./errors.ts";
import type { AddrInfo, GetaddrinfoArgs, GetaddrinfoOptions } from "./netdb.ts";
import type { AddressFor, AddressOf, SocketFamily } from "./addr/types.ts";
import { inet_pton } from "./convert.ts";
import { room, take } from "./pool.ts";
import { pyRepr, pyStr } from "./repr.ts";
import { acceptedSocket, type SocketType } from "./socket.ts";
import { liveFd } from "./descriptor.ts";
import {
  afterReady,
  again,
  begin,
  type Call,
  count,
  notReady,
  promised,
  type SockOptions,
  untilReady,
} from "./async_call.ts";
import { held, heldInto, lengthOf, span } from "./marshal.ts";
import type { SendfileSource, SyncFile } from "./sendfile.ts";
import { drained } from "./reactor/mod.ts";
import { lookup } from "./reactor/gai.ts";
import { arityKw, FUNCTIONS } from "./signatures.ts";

const { AF_INET, AF_INET6, SOCK_STREAM, SOL_SOCKET, SO_ERROR } = CONSTANTS;
const { EINTR, EINPROGRESS, ECONNABORTED, EINVAL, ENOSYS, SEEK_SET } = SYS;
const SOCK_NONBLOCK = CONSTANTS.SOCK_NONBLOCK ?? 0;
const SOCK_CLOEXEC = CONSTANTS.SOCK_CLOEXEC ?? 0;
const MSG_NOSIGNAL = CONSTANTS.MSG_NOSIGNAL ?? 0;
const EOPNOTSUPP = SYS.EOPNOTSUPP ?? -1;

/** The last argument of every `sock_*` function. */
export type { SockOptions } from "./async_call.ts";

/** `getaddrinfo`'s keyword arguments, and a signal. */
export interface GetaddrinfoAsyncOptions extends GetaddrinfoOptions {
  /** Aborts the wait: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** A file with asynchronous `read` and `seek`, such as a `Deno.FsFile`. */
export interface AsyncFile {
  /** Reads into `p`; the count, or `null` at the end of the file. */
  read(p: Uint8Array): Promise<number | null>;
  /** Moves the position; `whence` 0 is from the start. */
  seek(offset: number, whence: number): Promise<number>;
}

/**
 * What {@linkcode sock_sendfile} sends from: whatever `socket.sendfile()`
 * takes (a descriptor, an object with `fd` or `fileno()`, a synchronous
 * file object), or a file with asynchronous `read` and `seek`.
 */
export type AsyncSendfileSource = SendfileSource | AsyncFile;

const LINUX = OS === "linux";
const OUT = newSockaddr();
const OUTLEN = new Uint32Array(1);
const EMPTY: Uint8Array = new Uint8Array(0);
/**
 * Where `sock_connect` and `sock_sendto` write the address: step 1
 * validates into it, step 2 writes it again right before each system call
 * (no await between), as any code may have used it during a wait.
 */
const NAME = newSockaddr();

/** For {@linkcode still}: CPython's words for a buffer shorter than the bytes asked for. */
const SMALL_INTO = "buffer too small for requested bytes";
const SMALL_FROM_INTO = "nbytes is greater than the length of the buffer";

/**
 * Step 2 for a buffer to receive into: `view` if it still has the `n` bytes
 * noted in step 1. Else CPython's error for such an argument: a detached
 * buffer is `TypeError` (as `w*` refuses a released `memoryview`), a shrunk
 * one `ValueError(small)`. (A buffer to send from goes through `held`,
 * whose `ValueError` is `y*`'s class.) Internal to the module.
 */
export function still(view: Uint8Array, n: number, small: string): Uint8Array {
  heldInto(view, n, small);
  return view;
}

/**
 * Whether a short read proves this socket's receive queue empty: TCP on
 * Linux. (Unix stream reads also stop at a change of sender credentials or
 * at passed descriptors, and macOS is untested.)
 */
function shortReadDrains(ctx: Ctx): boolean {
  return LINUX && ctx.type === SOCK_STREAM && (ctx.family === AF_INET || ctx.family === AF_INET6);
}

/**
 * Receives up to `nbytes` bytes, waiting until some arrive: asyncio's
 * `loop.sock_recv(sock, nbytes)`. An empty result means the peer closed
 * the connection; `nbytes` 0 resolves `b''` at once, without a system call.
 *
 * @param sock A socket in non-blocking mode.
 * @param nbytes The most bytes to receive.
 * @param options `{ signal }`.
 * @returns The bytes received, in memory of their own.
 * @throws {ValueError} When the socket is not non-blocking (the promise rejects).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.setblocking(false);
 * b.setblocking(false);
 * const got = socket.sock_recv(b, 100);
 * await socket.sock_sendall(a, new TextEncoder().encode("hi"));
 * console.assert(new TextDecoder().decode(await got) === "hi");
 * a.close();
 * b.close();
 * ```
 */
export function sock_recv(sock: SocketType, nbytes: number, options?: SockOptions): Promise<Uint8Array> {
  try {
    arityKw(FUNCTIONS.sock_recv, arguments);
    const call = begin(sock, options);
    const n = toCInt(nbytes);
    if (n < 0) throw new ValueError("negative buffersize in recv");
    if (n === 0) return Promise.resolve(new Uint8Array(0));
    let buf = EMPTY;
    return promised(untilReady(call, false, (fd) => libc.recv(fd, buf = room(n), n, 0), (got) => {
      afterRead(call, got, n);
      return take(buf, got);
    }, true));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** After a read of `got` of `n` bytes: a short read proves a TCP stream drained (see {@linkcode shortReadDrains}). */
function afterRead(call: Call, got: number, n: number): void {
  if (got > 0 && got < n && shortReadDrains(call.ctx)) drained(call.sock, liveFd(call.sock));
}

/**
 * Receives into `buf`, waiting until some bytes arrive: asyncio's
 * `loop.sock_recv_into(sock, buf)`. An empty buffer resolves 0 at once,
 * without a system call.
 *
 * @param sock A socket in non-blocking mode.
 * @param buf Where to write (up to its length when the call is made).
 * @param options `{ signal }`.
 * @returns The number of bytes received.
 * @throws {TypeError} When `buf` is detached, also while the call waits.
 * @throws {ValueError} When `buf` shrinks below its first length while the call waits.
 */
export function sock_recv_into(sock: SocketType, buf: BytesLike, options?: SockOptions): Promise<number> {
  try {
    arityKw(FUNCTIONS.sock_recv_into, arguments);
    const call = begin(sock, options);
    const view = toWritableBytes(buf, "recv_into() argument 1");
    const n = lengthOf(view);
    if (n === 0) return Promise.resolve(0);
    return promised(untilReady(call, false, (fd) => libc.recv(fd, still(view, n, SMALL_INTO), n, 0), (got) => {
      afterRead(call, got, n);
      return got;
    }, true));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Receives a datagram of up to `bufsize` bytes and its sender's address:
 * asyncio's `loop.sock_recvfrom(sock, bufsize)`.
 *
 * @param sock A socket in non-blocking mode.
 * @param bufsize The most bytes to receive.
 * @param options `{ signal }`.
 * @returns `[bytes, address]` (the address is `null` when the sender has none).
 */
export function sock_recvfrom<F extends SocketFamily>(
  sock: SocketType<F>,
  bufsize: number,
  options?: SockOptions,
): Promise<[Uint8Array, AddressOf<F> | null]>;
export async function sock_recvfrom(
  sock: SocketType,
  bufsize: number,
  options?: SockOptions,
): Promise<[Uint8Array, Address | null]> {
  arityKw(FUNCTIONS.sock_recvfrom, arguments);
  const call = begin(sock, options);
  const n = toCInt(bufsize);
  if (n < 0) throw new ValueError("negative buffersize in recvfrom");
  let buf = EMPTY;
  return await untilReady(
    call,
    false,
    (fd) => recvfrom(fd, buf = room(n), n),
    (got): [Uint8Array, Address | null] => [take(buf, got), fromSockaddr(OUT, OUTLEN[0], call.ctx)],
  );
}

/** `recvfrom` into `into`, the sender's address into `OUT`. */
function recvfrom(fd: number, into: Uint8Array, n: number): number {
  OUTLEN[0] = OUT.bytes.length;
  return libc.recvfrom(fd, into, n, 0, OUT.bytes, OUTLEN);
}

/**
 * Receives a datagram into `buf`, with its sender's address: asyncio's
 * `loop.sock_recvfrom_into(sock, buf, nbytes=0)`.
 *
 * @param sock A socket in non-blocking mode.
 * @param buf Where to write.
 * @param nbytes The most bytes to receive; `0` (the default) means `buf`'s length.
 * @param options `{ signal }`.
 * @returns `[nbytes, address]`.
 * @throws {ValueError} When `nbytes` is negative or larger than the buffer, also after the buffer shrank during the wait;
 *   when `buf` is detached and `nbytes` is `0` (as asyncio's `len(buf)`).
 * @throws {TypeError} When `buf` is detached, also while the call waits.
 */
export function sock_recvfrom_into<F extends SocketFamily>(
  sock: SocketType<F>,
  buf: BytesLike,
  nbytes?: number | SockOptions,
  options?: SockOptions,
): Promise<[number, AddressOf<F> | null]>;
export async function sock_recvfrom_into(
  sock: SocketType,
  buf: BytesLike,
  nbytes?: number | SockOptions,
  options?: SockOptions,
): Promise<[number, Address | null]> {
  arityKw(FUNCTIONS.sock_recvfrom_into, arguments);
  if (typeof nbytes === "object" && nbytes !== null) [nbytes, options] = [undefined, nbytes];
  const call = begin(sock, options);
  // As asyncio's: with no nbytes, len(buf) comes first, and refuses a released buffer with ValueError.
  if (!nbytes && (ArrayBuffer.isView(buf) || buf instanceof ArrayBuffer)) toBytes(buf);
  const view = toWritableBytes(buf, "recvfrom_into() argument 1");
  const length = lengthOf(view);
  let n = nbytes === undefined ? 0 : toCInt(nbytes);
  if (n < 0) throw new ValueError("negative buffersize in recvfrom_into");
  if (n === 0) n = length;
  if (n > length) throw new ValueError(SMALL_FROM_INTO);
  return await untilReady(
    call,
    false,
    (fd) => recvfrom(fd, still(view, n, SMALL_FROM_INTO), n),
    (got): [number, Address | null] => [got, fromSockaddr(OUT, OUTLEN[0], call.ctx)],
  );
}

/**
 * Sends all of `data`, waiting whenever the socket's buffer is full:
 * asyncio's `loop.sock_sendall(sock, data)`. Sends never raise SIGPIPE.
 *
 * @param sock A socket in non-blocking mode.
 * @param data The bytes.
 * @param options `{ signal }` (an abort after a partial send leaves the rest unsent).
 * @returns Once everything is sent.
 * @throws {ValueError} When `data` is detached or shrinks while the call waits (what was sent stays sent).
 */
export function sock_sendall(sock: SocketType, data: BytesLike, options?: SockOptions): Promise<void> {
  try {
    arityKw(FUNCTIONS.sock_sendall, arguments);
    const call = begin(sock, options);
    const view = toBytes(data);
    return promised(sendAll(call, view, lengthOf(view)));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Sends the `n` bytes of a view, each send taking the view as it is now
 * (`held`), waiting whenever the socket is full. The usual case, everything
 * at once, returns without a promise; otherwise the promise of the rest.
 */
function sendAll(call: Call, view: Uint8Array, n: number): void | Promise<void> {
  let sent = 0;
  const attempt = (fd: number): number => {
    const end = held(view, n);
    return libc.send(fd, sent === 0 ? view : span(view, sent, end), end - sent, MSG_NOSIGNAL);
  };
  // Sends until everything is sent (`undefined`) or a send has to wait (its promise).
  const step = (): Promise<number> | undefined => {
    while (sent < n) {
      const r = untilReady(call, true, attempt, count);
      if (typeof r !== "number") return r;
      sent += r;
    }
  };
  const waiting = step();
  return waiting && (async () => {
    for (let p: Promise<number> | undefined = waiting; p; p = step()) sent += await p;
  })();
}

/**
 * Host names in IPv4/IPv6 addresses resolved with
 * {@linkcode getaddrinfo_async}, as asyncio's `_ensure_resolved` does, so
 * that encoding the address never blocks on DNS. Internal to the module.
 */
export async function resolved(call: Call, address: Address): Promise<Address> {
  const { family, type, proto } = call.ctx;
  if ((family !== AF_INET && family !== AF_INET6) || !Array.isArray(address) || address.length < 2) return address;
  const host = address[0];
  if (typeof host !== "string" || host === "" || host === "<broadcast>") return address;
  const port = address[1];
  if (typeof port !== "number") return address; // toSockaddr raises the right error
  // A numeric address needs no resolver: inet_pton is pure, so argument errors still come before any system call.
  try {
    inet_pton(family, host);
    return address;
  } catch (e) {
    // Not an address (an embedded NUL, say): toSockaddr raises the right error, before any resolver.
    if (!(e instanceof OSError)) return address;
    // A name (or a scoped IPv6 address): resolve it off the main thread below.
  }
  const infos = await getaddrinfo_async(host, port, family, type, proto, { signal: call.signal });
  const [, , , , sa] = infos[0];
  const out = (sa as unknown[]).slice();
  if (family === AF_INET6) {
    // Keep flowinfo and scope_id given by the caller.
    if (address.length > 2) out[2] = address[2];
    if (address.length > 3) out[3] = address[3];
  }
  return out;
}

/**
 * Step 1 for an address: copied (each element read once), then a host name
 * resolved off the main thread, then validated and encoded.
 */
async function addressOf(call: Call, address: Address, caller: string): Promise<AddressArg> {
  return addressArg(call.ctx, await resolved(call, snapshotAddress(address) as Address), caller, NAME);
}

/** `SO_ERROR` of a descriptor, read directly (a subclass may override `getsockopt`). */
function soError(fd: number): number {
  const value = new Int32Array(1);
  const len = new Uint32Array([4]);
  check(libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, new Uint8Array(value.buffer), new Uint8Array(len.buffer)));
  return value[0];
}

/**
 * Connects to `address`, waiting until the connection is made: asyncio's
 * `loop.sock_connect(sock, address)`. A host name is resolved with
 * {@linkcode getaddrinfo_async} first.
 *
 * @param sock A socket in non-blocking mode.
 * @param address The peer's address.
 * @param options `{ signal }`.
 * @returns Once connected.
 * @throws {OSError} `[Errno 111] Connect call failed ('127.0.0.1', 1)` and the like, as asyncio words it.
 */
export function sock_connect<F extends SocketFamily>(
  sock: SocketType<F>,
  address: AddressFor<F>,
  options?: SockOptions,
): Promise<void>;
export async function sock_connect(sock: SocketType, address: Address, options?: SockOptions): Promise<void> {
  arityKw(FUNCTIONS.sock_connect, arguments);
  const call = begin(sock, options);
  const a = await addressOf(call, address, "connect");
  const fd = liveFd(call.sock);
  if (libc.connect(fd, sockaddrOf(a, NAME), a.len) === 0) return;
  const e = errno();
  if (e !== EINPROGRESS && e !== EINTR && !again(e)) throw osErrorFrom(e);
  await afterReady(call, fd, true, (fd) => {
    const err = soError(fd);
    if (err === 0) return 0;
    // Still in progress: wait again.
    if (err === EINPROGRESS || err === EINTR || again(err)) return notReady();
    throw new OSError(err, `Connect call failed ${pyStr(a.snapshot)}`);
  }, count);
}

/**
 * Accepts a connection, waiting until one arrives: asyncio's
 * `loop.sock_accept(sock)`. The new socket is non-blocking.
 *
 * @param sock A listening socket in non-blocking mode.
 * @param options `{ signal }`.
 * @returns `[conn, address]`.
 */
export function sock_accept<F extends SocketFamily>(
  sock: SocketType<F>,
  options?: SockOptions,
): Promise<[SocketType<F>, AddressOf<F>]>;
export function sock_accept(sock: SocketType, options?: SockOptions): Promise<[SocketType, Address | null]> {
  try {
    arityKw(FUNCTIONS.sock_accept, arguments);
    const call = begin(sock, options);
    return promised(untilReady(call, false, accept, (nfd) => adopt(call.ctx, nfd)));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** `accept4` (or `accept`), the peer's address into `OUT`; a connection reset while queued is skipped, as `EINTR`. */
function accept(fd: number): number {
  OUTLEN[0] = OUT.bytes.length;
  const nfd = libc.accept4
    ? libc.accept4(fd, OUT.bytes, OUTLEN, SOCK_CLOEXEC | SOCK_NONBLOCK)
    : libc.accept(fd, OUT.bytes, OUTLEN);
  if (nfd < 0 && errno() === ECONNABORTED) setErrno(EINTR);
  return nfd;
}

/** An accepted descriptor as a non-blocking socket, with the peer's address in `OUT`; closed on failure. */
function adopt(ctx: Ctx, nfd: number): [SocketType, Address | null] {
  try {
    const address = fromSockaddr(OUT, OUTLEN[0], ctx);
    const conn = acceptedSocket(ctx.family, ctx.type | SOCK_NONBLOCK, ctx.proto, nfd);
    if (!libc.accept4) {
      conn.set_inheritable(false);
      conn.setblocking(false);
    }
    return [conn, address];
  } catch (err) {
    libc.close(nfd);
    throw err;
  }
}

/**
 * Sends a datagram to `address`, waiting while the socket's buffer is full:
 * asyncio's `loop.sock_sendto(sock, data, address)`. A host name is
 * resolved with {@linkcode getaddrinfo_async} first.
 *
 * @param sock A socket in non-blocking mode.
 * @param data The bytes.
 * @param address The destination.
 * @param options `{ signal }`.
 * @returns The number of bytes sent.
 * @throws {ValueError} When `data` is detached or shrinks while the call waits.
 */
export function sock_sendto<F extends SocketFamily>(
  sock: SocketType<F>,
  data: BytesLike,
  address: AddressFor<F>,
  options?: SockOptions,
): Promise<number>;
export async function sock_sendto(
  sock: SocketType,
  data: BytesLike,
  address: Address,
  options?: SockOptions,
): Promise<number> {
  arityKw(FUNCTIONS.sock_sendto, arguments);
  const call = begin(sock, options);
  const view = toBytes(data);
  const n = lengthOf(view);
  const a = await addressOf(call, address, "sendto");
  return await untilReady(
    call,
    true,
    (fd) => libc.sendto(fd, view, held(view, n), MSG_NOSIGNAL, sockaddrOf(a, NAME), a.len),
    count,
  );
}

/** asyncio's `_check_sendfile_params`. */
function sendfileParams(ctx: Ctx, file: unknown, offset: unknown, count: unknown): [number, number | null] {
  const mode = typeof file === "object" && file !== null ? (file as { mode?: unknown }).mode : undefined;
  if (typeof mode === "string" && !mode.includes("b")) throw new ValueError("file should be opened in binary mode");
  if (ctx.type !== SOCK_STREAM) throw new ValueError("only SOCK_STREAM type sockets are supported");
  let n: number | null = null;
  if (count !== null && count !== undefined) {
    if (typeof count !== "number" || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`);
    }
    if (count <= 0) throw new ValueError(`count must be a positive integer (got ${pyRepr(count)})`);
    n = count;
  }
  if (typeof offset !== "number" || !Number.isInteger(offset)) {
    throw new TypeError(`offset must be a non-negative integer (got ${pyRepr(offset)})`);
  }
  if (offset < 0) throw new ValueError(`offset must be a non-negative integer (got ${pyRepr(offset)})`);
  return [offset + 0, n];
}

const CHUNK = 256 * 1024;

/**
 * Sends a file, waiting while the socket's buffer is full: asyncio's
 * `loop.sock_sendfile(sock, file, offset, count)`. With a descriptor, the
 * kernel copies (`sendfile(2)` on Linux); a file object (a `Deno.FsFile`,
 * which exposes no descriptor) or a descriptor `sendfile(2)` refuses is
 * read and sent. Afterwards the file's position is `offset` plus the bytes
 * sent.
 *
 * @param sock A connected `SOCK_STREAM` socket in non-blocking mode.
 * @param file A file descriptor, or an object with `read` and `seek`.
 * @param offset Where to start in the file (default `0`).
 * @param count How many bytes at most (default: to the end of the file).
 * @param options `{ signal }`.
 * @returns The total number of bytes sent.
 * @throws {ValueError} When the file object's `read` reports a count outside the buffer it was given, or detaches it.
 */
export async function sock_sendfile(
  sock: SocketType,
  file: AsyncSendfileSource,
  offset: number = 0,
  count: number | null = null,
  options?: SockOptions,
): Promise<number> {
  arityKw(FUNCTIONS.sock_sendfile, arguments);
  const call = begin(sock, options);
  const [start, limit] = sendfileParams(call.ctx, file, offset, count);
  const infd = descriptorOf(file);
  if (infd !== undefined) {
    let total = 0;
    const native = libc.sendfile ? await sendfileNative(call, infd, start, limit) : null;
    if (native !== null) total = native;
    else total = await sendfileRead(call, (buf, at) => pread(infd, buf, at), start, limit);
    if (total > 0) check(libc.lseek(infd, start + total, SEEK_SET));
    return total;
  }
  let read: (buf: Uint8Array) => Promise<unknown>, seek: (pos: number) => Promise<unknown>;
  const f = file as Partial<AsyncFile & SyncFile>;
  if (typeof f.read === "function" && typeof f.seek === "function") {
    read = async (buf) => (await f.read!(buf)) ?? 0;
    seek = (pos) => f.seek!(pos, SEEK_SET);
  } else if (typeof f.readSync === "function" && typeof f.seekSync === "function") {
    read = (buf) => Promise.resolve(f.readSync!(buf) ?? 0);
    seek = (pos) => Promise.resolve(f.seekSync!(pos, SEEK_SET));
  } else {
    throw new TypeError(`file must be a file descriptor or a file object, not ${pyType(file)}`);
  }
  await seek(start);
  const total = await sendfileRead(call, read, start, limit);
  if (total > 0) await seek(start + total);
  return total;
}

/** The descriptor of a source that has one: a number, an `fd` property, or a `fileno()` method. */
function descriptorOf(file: unknown): number | undefined {
  if (typeof file === "number") return toInt(file);
  if (typeof file !== "object" || file === null) return undefined;
  const f = file as { fd?: unknown; fileno?: unknown };
  if (typeof f.fileno === "function") {
    const n = (f.fileno as () => unknown).call(file);
    return typeof n === "number" ? n + 0 : undefined;
  }
  const fd = f.fd;
  return typeof fd === "number" ? fd + 0 : undefined;
}

function pread(fd: number, buf: Uint8Array, at: number): number {
  return uninterrupted(() => libc.pread(fd, buf, buf.length, at));
}

/** `sendfile(2)` until `limit` or the end of the file; `null` if the kernel refuses this pair of descriptors. */
async function sendfileNative(call: Call, infd: number, start: number, limit: number | null): Promise<number | null> {
  const off = new BigInt64Array([BigInt(start)]);
  let total = 0;
  for (;;) {
    const want = limit === null ? 0x40000000 : Math.min(limit - total, 0x40000000);
    if (want <= 0) return total;
    let r: number;
    try {
      r = await untilReady(call, true, (fd) => libc.sendfile!(fd, infd, off, want), count);
    } catch (e) {
      // The kernel refuses this pair of descriptors: read and send instead.
      if (total === 0 && e instanceof OSError && (e.errno === EINVAL || e.errno === ENOSYS || e.errno === EOPNOTSUPP)) {
        return null;
      }
      throw e;
    }
    if (r === 0) return total;
    total += r;
  }
}

/**
 * A file object's count for a read into `want` bytes: an integer in
 * `[0, want]`, else `ValueError` (worded as `socket.sendfile()`'s).
 */
function readCount(got: unknown, want: number): number {
  if (typeof got !== "number" || !Number.isInteger(got) || got < 0 || got > want) {
    throw new ValueError(`read() returned ${pyRepr(got)}, outside 0-${want}`);
  }
  return got + 0;
}

/**
 * Reads chunks with `read(buf, position)` and sends them, until `limit` or
 * the end. The chunk goes to the file object's `read`, which may detach it:
 * each send re-takes it (`sendAll`).
 */
async function sendfileRead(
  call: Call,
  read: (buf: Uint8Array, at: number) => unknown,
  start: number,
  limit: number | null,
): Promise<number> {
  const buf = new Uint8Array(limit === null ? CHUNK : Math.min(CHUNK, limit));
  const size = buf.length;
  let total = 0;
  for (;;) {
    const want = limit === null ? size : Math.min(size, limit - total);
    if (want <= 0) return total;
    const into = want === size ? buf : span(buf, 0, held(buf, want));
    const got = readCount(await read(into, start + total), want);
    // A chunk detached by the read is an error, even when the read reports the end of the file.
    held(buf, want);
    if (got === 0) return total;
    await sendAll(call, buf, got);
    total += got;
  }
}

/**
 * `getaddrinfo` without blocking the event loop: the same arguments and
 * results as {@linkcode getaddrinfo}, computed on a Worker thread.
 *
 * @param host A name, a numeric address, or `null`.
 * @param port A port number, a service name, or `null`.
 * @param args `family`, `type`, `proto`, `flags`, positional or in a trailing options object (which may also hold `signal`).
 * @returns `[family, type, proto, canonname, sockaddr]` for each address.
 * @throws {gaierror} When the name cannot be resolved (the promise rejects).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [[family]] = await socket.getaddrinfo_async("127.0.0.1", 80, { type: socket.SOCK_STREAM });
 * console.assert(family === socket.AF_INET);
 * ```
 */
export function getaddrinfo_async(
  host: string | Uint8Array | null,
  port: string | number | Uint8Array | null,
  ...args: GetaddrinfoArgs<GetaddrinfoAsyncOptions> | [number, number, number, number, SockOptions]
): Promise<AddrInfo[]> {
  try {
    arityKw(FUNCTIONS.getaddrinfo_async, arguments);
  } catch (e) {
    return Promise.reject(e);
  }
  if (arguments.length < 2) {
    return Promise.reject(
      new TypeError(`getaddrinfo() missing required argument '${arguments.length === 0 ? "host" : "port"}'`),
    );
  }
  let signal: AbortSignal | undefined;
  const rest: unknown[] = args.slice();
  const last = rest[rest.length - 1];
  if (rest.length > 0 && isOptions(last)) {
    const { signal: s, ...keywords } = last as GetaddrinfoAsyncOptions;
    signal = s;
    if (Object.keys(keywords).length > 0) rest[rest.length - 1] = keywords;
    else rest.pop();
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return lookup([host, port, ...rest], signal);
}
