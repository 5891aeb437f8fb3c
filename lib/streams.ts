/**
 * Beyond CPython: Web Streams over a socket, so sockets compose with
 * `pipeTo`, `pipeThrough(new TextDecoderStream())`, `new Response(stream)`
 * and `fetch` request bodies.
 *
 * - {@linkcode readable_stream} gives a `ReadableStream<Uint8Array>` that
 *   receives only when its reader asks (high-water mark 0): unread data
 *   stays in the kernel, whose buffer then throttles the peer.
 * - {@linkcode writable_stream} gives a `WritableStream<Uint8Array>` whose
 *   `write` settles once the bytes are handed to the kernel, so
 *   `writer.ready` and `pipeTo` wait while the peer is slow.
 *
 * A socket in non-blocking mode (`setblocking(false)`) waits on the reactor
 * (`sock_recv_into`, `sock_sendall`), so the event loop keeps running. A
 * socket in blocking or timeout mode is read and written with `recv_into`
 * and `sendall`, which block the calling thread as Python's calls do: use
 * those in a Worker, or with a peer in another thread or process.
 *
 * @module
 */

import { CONSTANTS, SYS } from "../ffi/gen/mod.ts";
import { pyType, toBytes, toInt } from "./args.ts";
import { OSError, ValueError } from "./errors.ts";
import { sock_recv_into, sock_sendall } from "./async.ts";
import { SocketType } from "./socket.ts";
import { timeoutOf } from "./descriptor.ts";
import { arityKw, FUNCTIONS } from "./signatures.ts";

const { SHUT_WR } = CONSTANTS;
const { ENOTCONN } = SYS;

/** A socket and an options object, or a `TypeError` at once (not at the first read or write). */
function checkArgs(fn: string, sock: unknown, options: unknown): void {
  if (!(sock instanceof SocketType)) throw new TypeError(`${fn}() argument 1 must be a socket, not ${pyType(sock)}`);
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${fn}() options must be an object, not ${pyType(options)}`);
  }
}

/** Options of {@linkcode readable_stream}. */
export interface ReadableStreamOptions {
  /** The most bytes one chunk holds (one receive); default 65536. */
  chunkSize?: number;
  /** Close the socket when the stream ends, errors or is cancelled (default `false`). */
  close?: boolean;
}

/** Options of {@linkcode writable_stream}. */
export interface WritableStreamOptions {
  /** Close the socket when the stream is closed or aborted (default `false`). */
  close?: boolean;
  /** Shut down the sending direction (`SHUT_WR`) when the stream is closed (default `true`), so the peer sees the end. */
  shutdown?: boolean;
}

/**
 * A `ReadableStream<Uint8Array>` of the bytes the socket receives, ending
 * when the peer shuts down its sending side. Each chunk is one receive of
 * at most `chunkSize` bytes, made only when the stream's reader asks.
 * Cancelling the stream aborts a pending wait (non-blocking sockets) and
 * leaves the socket usable, unless `close` is set.
 *
 * @param sock A connected stream socket (or a connected datagram socket: one chunk per datagram).
 * @param options `{ chunkSize, close }`.
 * @returns The stream.
 * @throws {ValueError} When `chunkSize` is not positive.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.sendall(new TextEncoder().encode("hello"));
 * a.shutdown(socket.SHUT_WR);
 * const text = await new Response(socket.readable_stream(b)).text();
 * console.assert(text === "hello");
 * a.close();
 * b.close();
 * ```
 */
export function readable_stream(sock: SocketType, options: ReadableStreamOptions = {}): ReadableStream<Uint8Array> {
  arityKw(FUNCTIONS.readable_stream, arguments);
  checkArgs("readable_stream", sock, options);
  const size = options.chunkSize === undefined ? 65536 : toInt(options.chunkSize);
  if (size <= 0) throw new ValueError("chunkSize must be positive");
  const close = options.close === true;
  const abort = new AbortController();
  const finish = (): void => {
    if (close) sock.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buf = new Uint8Array(size);
      let got: number;
      try {
        got = timeoutOf(sock) === 0 ? await sock_recv_into(sock, buf, { signal: abort.signal }) : sock.recv_into(buf);
      } catch (e) {
        if (abort.signal.aborted) return;
        finish();
        throw e;
      }
      if (got === 0) {
        controller.close();
        finish();
        return;
      }
      // Small reads are copied out, so a big buffer is not kept for a few bytes.
      controller.enqueue(got === size ? buf : got > size >> 1 ? buf.subarray(0, got) : buf.slice(0, got));
    },
    cancel(reason) {
      abort.abort(reason);
      finish();
    },
  }, { highWaterMark: 0 });
}

/**
 * A `WritableStream<Uint8Array>` that sends every chunk in full (any
 * bytes-like chunk; a string is a `TypeError`). Closing the stream shuts
 * down the socket's sending side (so the peer reads the end), and closes
 * the socket too with `close`.
 *
 * @param sock A connected socket.
 * @param options `{ close, shutdown }`.
 * @returns The stream.
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * await new Response("hello").body!.pipeTo(socket.writable_stream(a));
 * console.assert(new TextDecoder().decode(b.recv(16)) === "hello");
 * a.close();
 * b.close();
 * ```
 */
export function writable_stream(sock: SocketType, options: WritableStreamOptions = {}): WritableStream<Uint8Array> {
  arityKw(FUNCTIONS.writable_stream, arguments);
  checkArgs("writable_stream", sock, options);
  const close = options.close === true;
  const shutdown = options.shutdown !== false;
  const abort = new AbortController();
  return new WritableStream<Uint8Array>({
    async write(chunk, controller) {
      const b = toBytes(chunk);
      // The controller's signal aborts at once, even while this write waits.
      const signal = (controller as { signal?: AbortSignal }).signal ?? abort.signal;
      if (timeoutOf(sock) === 0) await sock_sendall(sock, b, { signal });
      else sock.sendall(b);
    },
    close() {
      try {
        if (shutdown) sock.shutdown(SHUT_WR);
      } catch (e) {
        // The peer may have gone already: the stream still closes cleanly.
        if (!(e instanceof OSError && e.errno === ENOTCONN)) throw e;
      } finally {
        if (close) sock.close();
      }
    },
    abort(reason) {
      abort.abort(reason);
      if (close) sock.close();
    },
  });
}
