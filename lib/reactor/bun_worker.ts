/**
 * Bun's Workers: the poller Worker of the reactor's hand-off
 * (`bun_handoff.ts`) and the resolver Worker of `getaddrinfo_async`
 * (`gai.ts`). Deno needs neither: its `nonblocking` FFI calls run the
 * blocking waits on Deno's own pool.
 *
 * Each Worker's code is a string here, started from a Blob URL, rather than
 * a file beside this one started with `new URL("./x.ts", import.meta.url)`.
 * A file outside the import graph is not where the package is on every
 * route: JSR's npm tarball transpiles only graph modules (a raw `.ts` worker
 * importing `../errors.ts` gets a second copy of the error classes, and
 * older tarballs drop it altogether), and `bun build --compile` embeds only
 * what the bundle reaches (the Worker fails with `ModuleNotFound`). A string
 * is part of the graph: it travels with the module on every route, needs no
 * file system access, and cannot load a second copy of anything. So the
 * Workers are self-contained: they import only `bun:ffi`, open the C library
 * the main thread opened, make the one blocking call, and hand back plain
 * numbers; the main thread does all decoding and builds every error.
 *
 * A Worker that fails to start or dies reports through `onFailure`; its
 * owner rejects every waiter with that error.
 *
 * @module
 */

/**
 * The poller Worker. Init message: `{ lib, os, fd, shared, offset, max,
 * eintr, callback }`. Word 0 of `shared` is the arm flag (1 = wait now);
 * the events go at `offset`. It sleeps on `Atomics.wait` until armed, waits
 * on the epoll or kqueue descriptor, disarms and reports the event count:
 * through the threadsafe callback at address `callback` when there is one
 * (queued straight onto the main thread's event loop), else `postMessage`.
 * A failed wait (other than `EINTR`) is posted as `{ errno }`, and the
 * Worker stops.
 */
export const POLLER_SOURCE = `
import { CFunction, dlopen, FFIType as T, ptr, read } from "bun:ffi";
self.onmessage = ({ data: { lib, os, fd, shared, offset, max, eventSize, eintr, callback } }) => {
  self.onmessage = null;
  const linux = os === "linux";
  const c = dlopen(lib, linux
    ? { epoll_wait: { args: [T.i32, T.ptr, T.i32, T.i32], returns: T.i32 }, __errno_location: { args: [], returns: T.ptr } }
    : { kevent: { args: [T.i32, T.ptr, T.i32, T.ptr, T.i32, T.ptr], returns: T.i32 }, __error: { args: [], returns: T.ptr } }
  ).symbols;
  const errnoAt = linux ? c.__errno_location() : c.__error();
  const ctl = new Int32Array(shared, 0, 1);
  const events = ptr(new Uint8Array(shared, offset, max * eventSize));
  const wait = linux ? () => c.epoll_wait(fd, events, max, -1) : () => c.kevent(fd, null, 0, events, max, null);
  const call = callback ? CFunction({ ptr: callback, args: [T.i32], returns: T.void }) : undefined;
  const report = call ? (n) => call(n) : (n) => self.postMessage(n);
  for (;;) {
    Atomics.wait(ctl, 0, 0);
    const n = wait();
    if (n === 0) continue;
    if (n < 0) {
      const e = read.i32(errnoAt, 0);
      if (e === eintr) continue;
      self.postMessage({ errno: e });
      return;
    }
    Atomics.store(ctl, 0, 0);
    report(n);
  }
};
self.postMessage("ready");
`;

/**
 * The resolver Worker. Init message: `{ lib }`; then one message per
 * lookup, `{ id, host, serv, hints }` (NUL-terminated bytes or `null`, and
 * the `struct addrinfo` hints), answered with `{ id, rc, errno, head }`:
 * the result code, `errno` after a failure, and the address of the result
 * list, which the main thread decodes and frees (the heap is shared).
 */
export const GAI_SOURCE = `
import { dlopen, FFIType as T, read } from "bun:ffi";
let c, errnoAt;
self.onmessage = ({ data }) => {
  if (data.lib) {
    const linux = data.os === "linux";
    const errnoFn = linux ? "__errno_location" : "__error";
    c = dlopen(data.lib, {
      getaddrinfo: { args: [T.ptr, T.ptr, T.ptr, T.ptr], returns: T.i32 },
      [errnoFn]: { args: [], returns: T.ptr },
    }).symbols;
    errnoAt = c[errnoFn]();
    return;
  }
  const { id, host, serv, hints } = data;
  const out = new BigUint64Array(1);
  const rc = c.getaddrinfo(host, serv, hints, out);
  self.postMessage({ id, rc, errno: rc === 0 ? 0 : read.i32(errnoAt, 0), head: Number(out[0]) });
};
self.postMessage("ready");
`;

/** Handlers for {@linkcode startWorker}. */
export interface WorkerHandlers<T> {
  /** The Worker has its init message: messages posted from now on are answered. */
  onReady?(): void;
  /** Every message after `"ready"`. */
  onMessage(data: T): void;
  /** The Worker could not start, threw, or a message could not be read: it is terminated. */
  onFailure(error: Error): void;
}

/**
 * Starts a Worker running `source` (an ES module, see above) under Bun and
 * sends it `init` once it reports `"ready"`. Messages posted before that
 * queue in the returned Worker as usual.
 *
 * @param what Named in errors: `"poller"`, `"getaddrinfo"`.
 */
export function startWorker<T>(what: string, source: string, init: unknown, on: WorkerHandlers<T>): Worker {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const w = new Worker(url, { type: "module" });
  const fail = (detail: string): void => {
    URL.revokeObjectURL(url);
    w.terminate();
    on.onFailure(new Error(`The socket module's ${what} Worker failed: ${detail}`));
  };
  w.onerror = (ev: ErrorEvent) => {
    ev.preventDefault?.();
    fail(ev.message || String(ev.error ?? "it could not start"));
  };
  w.onmessageerror = () => fail("a message could not be deserialized");
  w.onmessage = ({ data }: MessageEvent<T | "ready">) => {
    if (data !== "ready") return on.onMessage(data as T);
    URL.revokeObjectURL(url);
    w.postMessage(init);
    on.onReady?.();
  };
  return w;
}
