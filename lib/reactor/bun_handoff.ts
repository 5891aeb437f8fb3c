/**
 * Bun's hand-off: a Worker (`POLLER_SOURCE` in `bun_worker.ts`) makes the
 * blocking wait and leaves the events in shared memory; it reports their
 * count through a threadsafe FFI callback, which Bun queues straight onto
 * the main event loop (or, as a fallback, with `postMessage`, which costs a
 * few microseconds more per wake-up). The Worker starts at the first park;
 * between waits it sleeps on `Atomics.wait`, costing nothing. `unref()`
 * while no waiter is left lets the process exit. A Worker that fails
 * rejects every waiter (through `fail`); the next park starts a new one.
 *
 * @module
 */

import { crossThreadCallback, LIBC_PATH, OS } from "../../ffi/mod.ts";
import { SYS } from "../../ffi/gen/mod.ts";
import { osErrorFrom } from "../errors.ts";
import { type Delivery, type HandOff, MAX_EVENTS, type Poller } from "./poller.ts";
import { POLLER_SOURCE, startWorker } from "./bun_worker.ts";

let useCallback = false;

/** Chooses how the Worker reports (for the benchmarks): `false` for `postMessage`. Internal. */
export function setBunCallback(on: boolean): void {
  useCallback = on;
}

/** Creates Bun's hand-off for `poller`; `fail` receives the error of a Worker that failed. */
export function bunHandOff(poller: Poller, deliver: Delivery, fail: (e: Error) => void): HandOff {
  const offset = 8;
  const shared = new SharedArrayBuffer(offset + MAX_EVENTS * poller.eventSize);
  const ctl = new Int32Array(shared, 0, 1);
  const words = new Int32Array(shared, offset);
  // The callback lives as long as the process: a Worker may call it at any time.
  let cb: { ptr: number } | undefined;
  let worker: (Worker & { ref(): void; unref(): void }) | undefined;
  let reffed = false;
  const ref = (on: boolean): void => {
    if (reffed === on || !worker) return;
    reffed = on;
    if (on) worker.ref();
    else worker.unref();
  };
  const failed = (e: Error): void => {
    worker = undefined;
    reffed = false;
    Atomics.store(ctl, 0, 0);
    fail(e);
  };
  const start = (): void => {
    if (useCallback && crossThreadCallback) cb ??= crossThreadCallback((n) => deliver(words, n));
    const init = {
      lib: LIBC_PATH,
      os: OS,
      fd: poller.fd,
      shared,
      offset,
      max: MAX_EVENTS,
      eventSize: poller.eventSize,
      eintr: SYS.EINTR,
      callback: useCallback ? cb?.ptr ?? 0 : 0,
    };
    worker = startWorker<number | { errno: number }>("poller", POLLER_SOURCE, init, {
      onMessage: (data) => {
        if (typeof data === "number") return deliver(words, data);
        worker?.terminate();
        failed(osErrorFrom(data.errno));
      },
      onFailure: failed,
    }) as Worker & { ref(): void; unref(): void };
    reffed = true;
  };
  return {
    park() {
      if (!worker) start();
      ref(true);
      Atomics.store(ctl, 0, 1);
      Atomics.notify(ctl, 0);
    },
    idle() {
      ref(false);
    },
    busy() {
      ref(true);
    },
  };
}
