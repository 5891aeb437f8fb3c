/**
 * Step 1 of every awaitable `sock_*` function (`async.ts`, `async_msg.ts`,
 * `mmsg.ts`): asyncio's check of the socket and the options object, read
 * once. A module of its own so that `mmsg.ts`, which `socket.ts` imports,
 * needs nothing from `async.ts` (which imports `socket.ts`).
 *
 * @module
 */

import type { Ctx } from "./addr/mod.ts";
import { pyType } from "./args.ts";
import { ctxOf, isSocket, type SocketObject, timeoutOf } from "./descriptor.ts";
import { ValueError } from "./errors.ts";

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
