/**
 * What every awaitable `sock_*` function (`async.ts`, `async_msg.ts`,
 * `mmsg.ts`) is built on: step 1, asyncio's check of the socket and the
 * options object, read once ({@linkcode begin}), and the one wait loop
 * ({@linkcode untilReady}). A module of its own so that `mmsg.ts`, which
 * `socket.ts` imports, needs nothing from `async.ts` (which imports
 * `socket.ts`).
 *
 * @module
 */

import { SYS } from "../ffi/gen/mod.ts";
import { errno, setErrno } from "../ffi/mod.ts";
import type { Ctx } from "./addr/mod.ts";
import { pyType } from "./args.ts";
import { ctxOf, isSocket, liveFd, type SocketObject, timeoutOf } from "./descriptor.ts";
import { osErrorFrom, ValueError } from "./errors.ts";
import { mayBeReady, onReady } from "./reactor/mod.ts";

const { EAGAIN, EWOULDBLOCK, EINTR } = SYS;

/** The last argument of every `sock_*` function. */
export interface SockOptions {
  /** Aborts the operation: it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** What step 1 fixes for the whole operation. Internal to the module. */
export interface Call {
  /** The socket. */
  readonly sock: SocketObject;
  /** Its family, type and protocol, read once. */
  readonly ctx: Ctx;
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | undefined;
}

/**
 * Step 1 for the socket and the options: asyncio's check (a socket object
 * in non-blocking mode, a signal not yet aborted), reading the socket's
 * private state and `options.signal` once. Internal to the module.
 */
export function begin(sock: unknown, options: SockOptions | undefined): Call {
  if (!isSocket(sock)) throw new TypeError(`a socket object is required, not ${pyType(sock)}`);
  if (timeoutOf(sock) !== 0) throw new ValueError("the socket must be non-blocking");
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`options must be an object, not ${pyType(options)}`);
  }
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, not ${pyType(signal)}`);
  }
  if (signal?.aborted) throw signal.reason;
  return { sock, ctx: ctxOf(sock), signal };
}

/** Whether `e` means "try again when ready". Internal to the module. */
export function again(e: number): boolean {
  return e === EAGAIN || e === EWOULDBLOCK;
}

/**
 * One try of a system call on the socket's descriptor, for
 * {@linkcode untilReady}: steps 2 and 3 (the pointers taken as they are
 * now, then the call). Returns `-1` and sets `errno` on failure. Internal to
 * the module.
 */
export type Attempt = (fd: number) => number;

/** The result of one try: `attempt`'s, or `-1` when the socket would block; `EINTR` retried at once. */
function tryOnce(call: Call, fd: number, writing: boolean, attempt: Attempt, probe: boolean): number {
  // Skip a call certain to fail: the reactor saw this stream drained and no data since.
  if (probe && !mayBeReady(call.sock, fd, writing)) return -1;
  // Made blocking since begin() (during a wait, or a lookup): a try now could block the event loop.
  if (timeoutOf(call.sock) !== 0) throw new ValueError("the socket must be non-blocking");
  for (;;) {
    const r = attempt(fd);
    if (r >= 0) return r;
    const e = errno();
    if (again(e)) return -1;
    if (e !== EINTR) throw osErrorFrom(e);
  }
}

/**
 * The one wait loop of every `sock_*` function: tries `attempt` at once,
 * and after each `EAGAIN` waits on the reactor (rejecting with the signal's
 * reason if it aborted meanwhile) and tries again, taking the descriptor
 * again (a closed socket rejects with `EBADF`). `finish` turns the call's
 * result into the function's in the same turn, before any other code can
 * reuse the shared scratch (`room`, `OUT`) the call wrote. Settles at once
 * (a plain value, no promise) when the first try succeeds. With `probe`, a
 * try the reactor knows would fail is skipped (see
 * `shortReadDrains` in `async.ts`). Internal to the module.
 *
 * @returns `finish` of `attempt`'s first result that is not a failure.
 */
export function untilReady<T>(
  call: Call,
  writing: boolean,
  attempt: Attempt,
  finish: (r: number) => T,
  probe = false,
): T | Promise<T> {
  const fd = liveFd(call.sock);
  const r = tryOnce(call, fd, writing, attempt, probe);
  return r >= 0 ? finish(r) : afterReady(call, fd, writing, attempt, finish, probe);
}

/**
 * The waiting half of {@linkcode untilReady}: waits until `fd` is ready,
 * then tries, until a result. `sock_connect` starts here. The retry runs
 * from the reactor's dispatch of the event (`onReady`), not from a
 * continuation: one promise per operation that waits, however many waits it
 * takes. Internal to the module.
 */
export function afterReady<T>(
  call: Call,
  fd: number,
  writing: boolean,
  attempt: Attempt,
  finish: (r: number) => T,
  probe = false,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const retry = (): void => {
      try {
        if (call.signal?.aborted) throw call.signal.reason;
        fd = liveFd(call.sock);
        const r = tryOnce(call, fd, writing, attempt, probe);
        if (r >= 0) resolve(finish(r));
        else onReady(call.sock, fd, writing, call.signal, retry, reject);
      } catch (e) {
        reject(e);
      }
    };
    onReady(call.sock, fd, writing, call.signal, retry, reject);
  });
}

/**
 * What an awaitable `sock_*` function returns for the result of
 * {@linkcode untilReady}: the promise itself, or an already settled one for
 * a value. The hot functions (`sock_recv`, `sock_recv_into`,
 * `sock_sendall`) are plain functions that return this (and
 * `Promise.reject` of an argument error), not `async` ones: an `async`
 * function that awaits `untilReady` adds a promise and a turn of the
 * microtask queue to every call. Internal to the module.
 */
export function promised<T>(v: T | Promise<T>): Promise<T> {
  return v instanceof Promise ? v : Promise.resolve(v);
}

/** The `finish` of {@linkcode untilReady} for a call whose result is its count. Internal to the module. */
export function count(r: number): number {
  return r;
}

/** What an attempt returns when the socket turns out not ready after all: `-1`, with `errno` `EAGAIN`. Internal to the module. */
export function notReady(): number {
  setErrno(EAGAIN);
  return -1;
}
