/**
 * Bun's hand-off: a Worker (`bun_worker.ts`) makes the blocking wait and
 * leaves the events in shared memory; it reports their count through a
 * threadsafe FFI callback, which Bun queues straight onto the main event
 * loop (or, as a fallback, with `postMessage`, which costs a few
 * microseconds more per wake-up). The Worker starts at the first park;
 * between waits it sleeps on `Atomics.wait`, costing nothing. `unref()`
 * while no waiter is left lets the process exit.
 *
 * @module
 */

import { crossThreadCallback } from "../../ffi/mod.ts";
import { type Delivery, type HandOff, MAX_EVENTS, type Poller } from "./poller.ts";

let useCallback = false;

/** Chooses how the Worker reports (for the benchmarks): `false` for `postMessage`. Internal. */
export function setBunCallback(on: boolean): void {
  useCallback = on;
}

/** Creates Bun's hand-off for `poller`. */
export function bunHandOff(poller: Poller, deliver: Delivery): HandOff {
  const offset = 8;
  const shared = new SharedArrayBuffer(offset + MAX_EVENTS * poller.eventSize);
  const ctl = new Int32Array(shared, 0, 1);
  const words = new Int32Array(shared, offset);
  let worker: Worker | undefined;
  let reffed = false;
  const ref = (on: boolean): void => {
    if (reffed === on || !worker) return;
    reffed = on;
    const w = worker as unknown as { ref(): void; unref(): void };
    if (on) w.ref();
    else w.unref();
  };
  const start = (): void => {
    // The callback lives as long as the process: the Worker may call it at any time.
    const cb = useCallback && crossThreadCallback ? crossThreadCallback((n) => deliver(words, n)) : undefined;
    worker = new Worker(new URL("./bun_worker.ts", import.meta.url), { type: "module" });
    reffed = true;
    worker.onmessage = ({ data }: MessageEvent<number | "ready">) => {
      if (data === "ready") worker!.postMessage({ fd: poller.fd, shared, offset, ptr: cb?.ptr ?? 0 });
      else deliver(words, data);
    };
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
