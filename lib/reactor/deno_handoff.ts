/**
 * Deno's hand-off: the poller's wait runs as a `nonblocking` FFI call on a
 * thread of Deno's blocking pool, and its Promise resolves on the main
 * thread with every event that was ready. A pending call keeps the process
 * alive, so {@linkcode HandOff.idle} ends it through the poller's wake-up
 * channel.
 *
 * @module
 */

import { type Delivery, type HandOff, MAX_EVENTS, type Poller } from "./poller.ts";

/** Creates Deno's hand-off for `poller`. */
export function denoHandOff(poller: Poller, deliver: Delivery): HandOff {
  const wait = poller.waitAsync!;
  const bytes = new Uint8Array(MAX_EVENTS * poller.eventSize);
  const words = new Int32Array(bytes.buffer);
  let parked = false;
  const done = (n: number): void => {
    parked = false;
    deliver(words, n);
  };
  const failed = (): void => {
    parked = false;
    deliver(words, 0);
  };
  return {
    park() {
      parked = true;
      wait(bytes, MAX_EVENTS).then(done, failed);
    },
    idle() {
      if (parked) poller.wake();
    },
    busy() {},
  };
}
