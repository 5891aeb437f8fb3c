/**
 * The poller Worker of Bun's hand-off (`bun_handoff.ts`). Bun has no
 * `nonblocking` FFI calls, so this thread makes the blocking wait: it sleeps
 * on `Atomics.wait` until the main thread arms it, then waits on the
 * poller, writes the events into shared memory, disarms and reports their
 * count: through a threadsafe FFI callback (`ptr`) when it has one, which
 * queues the call straight onto the main thread's event loop, else with
 * `postMessage`. It never touches the waiters themselves.
 *
 * Shared memory: word 0 is the arm flag (1 = wait now), then the events.
 *
 * @module
 */

import { callPointer, OS } from "../../ffi/mod.ts";
import { Epoll } from "./epoll.ts";
import { Kqueue } from "./kqueue.ts";
import { MAX_EVENTS } from "./poller.ts";

interface Init {
  fd: number;
  shared: SharedArrayBuffer;
  offset: number;
  ptr: number;
}

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Init>) => void) | null;
  postMessage(m: unknown): void;
};

self.onmessage = ({ data: { fd, shared, offset, ptr } }) => {
  self.onmessage = null;
  const poller = OS === "darwin" ? new Kqueue(fd) : new Epoll(fd);
  const ctl = new Int32Array(shared, 0, 1);
  const events = new Uint8Array(shared, offset, MAX_EVENTS * poller.eventSize);
  const report = ptr && callPointer ? callPointer(ptr) : (n: number) => self.postMessage(n);
  for (;;) {
    Atomics.wait(ctl, 0, 0);
    const n = poller.wait(events, MAX_EVENTS, -1);
    if (n === 0) continue;
    Atomics.store(ctl, 0, 0);
    report(n);
  }
};
self.postMessage("ready");
