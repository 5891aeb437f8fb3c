/**
 * The reactor under the `sock_*` functions: one readiness mechanism for
 * every socket (epoll on Linux, kqueue on macOS), and a queue of waiters per
 * descriptor and direction.
 *
 * Operations try their system call first and wait here only after `EAGAIN`.
 * Waking works in two gears:
 *
 * - Busy: after a wake-up, the reactor polls without waiting (timeout 0)
 *   once per turn of the event loop (`setImmediate`), handling every ready
 *   event in one batch, for as long as polls keep finding events and a few
 *   turns more.
 * - Parked: when polls come back empty, one wait for ever runs off the main
 *   thread (a `nonblocking` FFI call in Deno, a Worker in Bun) and hands
 *   back everything that became ready. Nothing spins: an idle process uses no
 *   CPU.
 *
 * No thread starts before the first wait, and nothing keeps the process
 * alive once no operation waits. Closing a socket (`lib/socket.ts` calls the
 * close hook) rejects its waiters with `EBADF` and unregisters the
 * descriptor before the number can be reused; every registration carries a
 * generation, so an event for an old registration wakes nobody.
 *
 * @module
 */

import { OS, RUNTIME } from "../../ffi/mod.ts";
import { SYS } from "../../ffi/gen/mod.ts";
import { osErrorFrom } from "../errors.ts";
import { closeHooks } from "../descriptor.ts";
import { Epoll } from "./epoll.ts";
import { Kqueue } from "./kqueue.ts";
import { CLOSED, type HandOff, MAX_EVENTS, type Poller, READABLE, WAKE_FD, WRITABLE } from "./poller.ts";
import { denoHandOff } from "./deno_handoff.ts";
import { bunHandOff } from "./bun_handoff.ts";
import { setImmediate } from "node:timers";

/** Fewest and most empty busy polls before parking (see `Reactor.#adapt`). */
let SPIN_MIN = 2, SPIN_MAX = 16;
/** Events in one poll that end the spinning (see `Reactor.#adapt`). */
const BATCH = 4;

/** Counters for the benchmarks: where wake-ups come from. Internal. */
export const STATS = { polls: 0, emptyPolls: 0, parks: 0, events: 0, wakes: 0 };

/** One waiting operation. */
interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A registered descriptor: its owner, generation and waiters. */
interface FdState {
  fd: number;
  gen: number;
  owner: WeakRef<object>;
  readers: Waiter[];
  writers: Waiter[];
  /** Readiness as last seen: cleared by a wait (after `EAGAIN`) or a drained read, set by an event. */
  readable: boolean;
  writable: boolean;
  /** A hang-up, error or urgent data was seen: short reads prove nothing from now on. */
  closed: boolean;
}

const IDLE = 0, TICKING = 1, PARKED = 2;

class Reactor {
  #poller: Poller;
  #handOff: HandOff;
  #states = new Map<number, FdState>();
  #gen = 0;
  #waiting = 0;
  #mode = IDLE;
  #empty = 0;
  /** Empty polls allowed before parking now, between `SPIN_MIN` and `SPIN_MAX`. */
  #spin = SPIN_MIN;
  /** When the current run of empty polls began, and when the reactor parked (ms). */
  #spinStart = 0;
  #parkedAt = 0;
  #bytes: Uint8Array;
  #words: Int32Array;
  #ev = new Int32Array(3);

  constructor() {
    this.#poller = OS === "darwin" ? new Kqueue() : new Epoll();
    this.#bytes = new Uint8Array(MAX_EVENTS * this.#poller.eventSize);
    this.#words = new Int32Array(this.#bytes.buffer);
    const deliver = (words: Int32Array, n: number): void => this.#delivered(words, n);
    this.#handOff = RUNTIME === "deno" && this.#poller.waitAsync
      ? denoHandOff(this.#poller, deliver)
      : bunHandOff(this.#poller, deliver, (e) => this.#failed(e));
    closeHooks.add((fd) => this.forget(fd));
  }

  /** Starts spinning again from `SPIN_MIN` (after `setSpin`). */
  resetSpin(): void {
    this.#spin = SPIN_MIN;
  }

  /** How many operations wait. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Queues `w` until `fd` (owned by `owner`, the socket object) may be ready
   * for reading or writing: then `w.resolve()`, or `w.reject` with the
   * signal's reason on abort and with `OSError(EBADF)` if the socket closes
   * first; one of them, once. `resolve` runs inside the dispatch of the
   * event and must not throw.
   */
  wait(owner: object, fd: number, writing: boolean, w: Waiter): void {
    let st = this.#states.get(fd);
    if (st === undefined || st.owner.deref() !== owner) st = this.#register(owner, fd, st);
    let list: Waiter[];
    if (writing) {
      list = st.writers;
      st.writable = false;
    } else {
      list = st.readers;
      st.readable = false;
    }
    const { signal, reject } = w;
    if (signal) {
      w.onAbort = () => {
        const i = list.indexOf(w);
        if (i >= 0) {
          list.splice(i, 1);
          this.#removed(1);
        }
        reject(signal.reason);
      };
      signal.addEventListener("abort", w.onAbort, { once: true });
    }
    list.push(w);
    if (++this.#waiting === 1) this.#start();
  }

  #register(owner: object, fd: number, old: FdState | undefined): FdState {
    // A descriptor number seen before under another socket object: the old
    // one was closed behind the reactor's back (detach() and close(fd)).
    if (old) this.forget(fd);
    const gen = this.#gen = (this.#gen + 1) | 0;
    this.#poller.add(fd, gen);
    const st: FdState = {
      fd,
      gen,
      owner: new WeakRef(owner),
      readers: [],
      writers: [],
      readable: true,
      writable: true,
      closed: false,
    };
    this.#states.set(fd, st);
    return st;
  }

  /** `false` when `fd` is known not to be ready: no event since its last `EAGAIN` or drained read. */
  mayBeReady(owner: object, fd: number, writing: boolean): boolean {
    const st = this.#states.get(fd);
    if (st === undefined || st.owner.deref() !== owner) return true;
    return writing ? st.writable : st.readable;
  }

  /** Notes that a short read emptied `fd`'s receive queue (stream sockets). */
  drained(owner: object, fd: number): void {
    const st = this.#states.get(fd);
    if (st !== undefined && !st.closed && st.owner.deref() === owner) st.readable = false;
  }

  /**
   * Forgets `fd` before it closes: rejects its waiters with `OSError(EBADF)`
   * and unregisters it.
   */
  forget(fd: number): void {
    const st = this.#states.get(fd);
    if (st === undefined) return;
    this.#states.delete(fd);
    this.#poller.remove(fd);
    const all = st.readers.concat(st.writers);
    st.readers.length = 0;
    st.writers.length = 0;
    if (all.length === 0) return;
    this.#removed(all.length);
    for (const w of all) {
      if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
      w.reject(osErrorFrom(SYS.EBADF));
    }
  }

  /** The hand-off failed (Bun: its Worker died): every waiter gets `e`, nothing hangs. */
  #failed(e: Error): void {
    const all: Waiter[] = [];
    for (const st of this.#states.values()) all.push(...st.readers.splice(0), ...st.writers.splice(0));
    this.#waiting -= all.length;
    this.#mode = IDLE;
    this.#empty = 0;
    for (const w of all) {
      if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
      w.reject(e);
    }
  }

  #removed(n: number): void {
    this.#waiting -= n;
    if (this.#waiting === 0 && this.#mode === PARKED) this.#handOff.idle();
  }

  #start(): void {
    if (this.#mode === IDLE) {
      this.#mode = TICKING;
      setImmediate(this.#tick);
    } else if (this.#mode === PARKED) {
      this.#handOff.busy();
    }
  }

  #tick = (): void => {
    if (this.#waiting === 0) {
      this.#mode = IDLE;
      this.#empty = 0;
      this.#handOff.idle(); // Bun: unref the (disarmed) poller Worker
      return;
    }
    const n = this.#poller.wait(this.#bytes, MAX_EVENTS, 0);
    STATS.polls++;
    if (n > 0) {
      this.#empty = 0;
      // A batch: wake-ups come often enough without spinning, and a park gathers larger batches.
      if (n >= BATCH) this.#spin = SPIN_MIN;
      this.#dispatch(this.#words, n);
    } else {
      STATS.emptyPolls++;
      if (++this.#empty === 1 && SPIN_MAX > SPIN_MIN) this.#spinStart = performance.now();
      if (this.#empty > this.#spin) {
        STATS.parks++;
        this.#mode = PARKED;
        if (SPIN_MAX > SPIN_MIN) this.#parkedAt = performance.now();
        this.#handOff.park();
        return;
      }
    }
    setImmediate(this.#tick);
  };

  #delivered(words: Int32Array, n: number): void {
    if (SPIN_MAX > SPIN_MIN) this.#adapt();
    this.#empty = 0;
    this.#dispatch(words, n);
    this.#mode = TICKING;
    setImmediate(this.#tick);
  }

  /**
   * Sets how long to spin next time from how long this park lasted. A park
   * costs a cross-thread wake-up (tens of microseconds of CPU); an empty poll
   * costs one turn of the event loop. If a spin of at most `SPIN_MAX` polls
   * would have outlasted the park, the next one spins that long; otherwise
   * spinning is wasted and it drops back to `SPIN_MIN`.
   */
  #adapt(): void {
    const now = performance.now();
    const perPoll = (this.#parkedAt - this.#spinStart) / this.#empty;
    const needed = this.#empty + (now - this.#parkedAt) / (perPoll || 1e-3);
    this.#spin = needed <= SPIN_MAX ? Math.max(SPIN_MIN, Math.ceil(needed)) : SPIN_MIN;
  }

  #dispatch(words: Int32Array, n: number): void {
    STATS.events += n;
    const ev = this.#ev, poller = this.#poller, states = this.#states;
    for (let i = 0; i < n; i++) {
      poller.decode(words, i, ev);
      const fd = ev[0];
      if (fd === WAKE_FD) {
        poller.drain();
        continue;
      }
      const st = states.get(fd);
      if (st === undefined || st.gen !== ev[1]) continue;
      const dirs = ev[2];
      if (dirs & CLOSED) st.closed = true;
      if (dirs & READABLE) {
        st.readable = true;
        if (st.readers.length > 0) this.#wake(st.readers);
      }
      if (dirs & WRITABLE) {
        st.writable = true;
        if (st.writers.length > 0) this.#wake(st.writers);
      }
    }
  }

  #wake(list: Waiter[]): void {
    STATS.wakes += list.length;
    if (list.length === 1) {
      const w = list.pop()!;
      this.#waiting--;
      if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
      w.resolve();
      return;
    }
    const all = list.splice(0, list.length);
    this.#waiting -= all.length;
    for (const w of all) {
      if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
      w.resolve();
    }
  }
}

let reactor: Reactor | undefined;

/**
 * Resolves once the socket `owner` (descriptor `fd`) may be ready to read
 * (or, with `writing`, to write): the caller then retries its system call.
 * Rejects with `signal.reason` when `signal` aborts (the waiter is removed),
 * and with `OSError(EBADF)` when the socket closes while waiting.
 *
 * @param owner The socket object (the registration follows it, not the number).
 * @param fd Its descriptor.
 * @param writing Wait for writability instead of readability.
 * @param signal Aborts the wait.
 * @returns A Promise that settles as described.
 */
export function waitReady(owner: object, fd: number, writing: boolean, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => onReady(owner, fd, writing, signal, resolve, reject));
}

/**
 * {@linkcode waitReady} without a promise: calls `resolve` (inside the
 * reactor's dispatch of the event, so it must not throw) or `reject`, once.
 * The wait loop of the `sock_*` functions (`lib/async_call.ts`) retries its
 * system call from `resolve`, saving a promise and a turn of the microtask
 * queue per wait.
 *
 * @param owner The socket object.
 * @param fd Its descriptor.
 * @param writing Wait for writability instead of readability.
 * @param signal Aborts the wait (`reject(signal.reason)`).
 * @param resolve Called once the descriptor may be ready.
 * @param reject Called with the reason of an abort, or `OSError(EBADF)` when the socket closes.
 */
export function onReady(
  owner: object,
  fd: number,
  writing: boolean,
  signal: AbortSignal | undefined,
  resolve: () => void,
  reject: (e: unknown) => void,
): void {
  (reactor ??= new Reactor()).wait(owner, fd, writing, { resolve, reject, signal, onAbort: undefined });
}

/**
 * Whether an operation on `fd` may succeed without waiting: `false` only
 * when the reactor knows it would report `EAGAIN` (no readiness event since
 * the last `EAGAIN`, or since a read that emptied a stream socket's queue),
 * so the caller can wait at once and save a futile system call. Edge
 * triggering makes this safe: any data or room arriving after that point
 * queues a new event, which sets readiness again.
 *
 * @param owner The socket object.
 * @param fd Its descriptor.
 * @param writing The direction.
 * @returns `false` when waiting first is certain to be right.
 */
export function mayBeReady(owner: object, fd: number, writing: boolean): boolean {
  return reactor === undefined || reactor.mayBeReady(owner, fd, writing);
}

/**
 * Records that a read returned less than asked on a TCP socket, so its
 * receive queue was empty at that moment (as tokio does). Ignored once the
 * socket reported a hang-up, an error or urgent data, any of which may
 * wait behind a short read without a new event.
 *
 * @param owner The socket object.
 * @param fd Its descriptor.
 */
export function drained(owner: object, fd: number): void {
  reactor?.drained(owner, fd);
}

/** How many operations wait on the reactor now (`0` before it starts). */
export function waiting(): number {
  return reactor?.waiting ?? 0;
}

/**
 * Sets the number of empty polls before parking (for the benchmarks): fixed
 * at `n`, or adapting between `n` and `max`. Internal.
 */
export function setSpin(n: number, max: number = n): void {
  SPIN_MIN = n;
  SPIN_MAX = max;
  reactor?.resetSpin();
}
