/**
 * What the reactor needs from a readiness mechanism: epoll on Linux
 * (`epoll.ts`), kqueue on macOS (`kqueue.ts`). Every descriptor is
 * registered once, edge-triggered, for both directions; the reactor tries
 * each operation first and waits only after `EAGAIN`, so an edge that comes
 * after the `EAGAIN` always wakes the waiter.
 *
 * @module
 */

/** An event's directions, as {@linkcode Poller.decode} reports them. */
export const READABLE = 1;
/** See {@linkcode READABLE}. */
export const WRITABLE = 2;

/**
 * Also reported with a hang-up, an error or urgent data: after one, a
 * short read no longer proves that the receive queue is empty (an end of
 * file or an urgent mark may wait behind it without a new event).
 */
export const CLOSED = 4;

/** The descriptor {@linkcode Poller.decode} reports for the wake-up channel. */
export const WAKE_FD = -1;

/** One readiness mechanism, owned by the reactor. */
export interface Poller {
  /** The epoll or kqueue descriptor (a Worker may wait on it too). */
  readonly fd: number;
  /** Bytes per event in the buffers passed to {@linkcode Poller.wait}. */
  readonly eventSize: number;
  /**
   * Watches `fd` for both directions, edge-triggered, tagging its events
   * with `gen`; replaces an earlier registration of the same descriptor.
   */
  add(fd: number, gen: number): void;
  /** Stops watching `fd`; errors (the descriptor already gone) are ignored. */
  remove(fd: number): void;
  /**
   * Collects up to `max` events into `buf`, waiting at most `timeoutMs`
   * (`-1` for ever, `0` not at all). Returns how many (`0` when interrupted).
   */
  wait(buf: Uint8Array, max: number, timeoutMs: number): number;
  /**
   * The same wait (for ever) on a thread of the runtime's pool, where the
   * runtime has one (Deno's `nonblocking` FFI); else `undefined`.
   */
  readonly waitAsync: ((buf: Uint8Array, max: number) => Promise<number>) | undefined;
  /**
   * Decodes event `i` of a buffer (`words`: an `Int32Array` over the bytes
   * that {@linkcode Poller.wait} filled, 4-byte aligned) into `out`: `[fd, gen, directions]`, where
   * directions is a mask of {@linkcode READABLE}, {@linkcode WRITABLE} and {@linkcode CLOSED}.
   * The wake-up channel decodes as fd {@linkcode WAKE_FD}.
   */
  decode(words: Int32Array, i: number, out: Int32Array): void;
  /** Ends a wait in progress on any thread (writes to the wake-up channel). */
  wake(): void;
  /** Empties the wake-up channel after its event. */
  drain(): void;
}

/** Most events collected per wait. */
export const MAX_EVENTS = 1024;

/**
 * How the reactor sleeps when nothing is ready: one wait for ever on the
 * poller, off the main thread, reported back on it.
 */
export interface HandOff {
  /** Starts one wait; its events arrive through the callback given at creation. */
  park(): void;
  /** No waiter is left: the parked wait must no longer keep the process alive. */
  idle(): void;
  /** Waiters again while parked: keep the process alive. */
  busy(): void;
}

/** Receives the events of a parked wait: `n` events in `words` (see {@linkcode Poller.decode}). */
export type Delivery = (words: Int32Array, n: number) => void;
