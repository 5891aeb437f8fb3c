/**
 * The one loop that every blocking socket method runs through: CPython's
 * `sock_call_ex`. It retries calls interrupted by a signal (PEP 475), and in
 * timeout mode waits with `poll` for the remaining time whenever the
 * descriptor (non-blocking underneath) reports `EAGAIN`, raising
 * `TimeoutError("timed out")` when the deadline passes. `connect` waits
 * first and then reads the outcome (`internal_connect`).
 *
 * The first attempt is the fast path of blocking mode: the system call is a
 * function made once per method (a module constant), given its arguments,
 * so a call allocates nothing. Each attempt runs the method's phase 2 and 3
 * (`marshal.ts`): pointers are taken again after every wait.
 *
 * @module
 */

import { LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { errno, libc } from "../ffi/mod.ts";
import { lastError, osErrorFrom, TimeoutError } from "./errors.ts";

const { EINTR, EAGAIN, EWOULDBLOCK, POLLIN, POLLOUT } = SYS;
const { SIZEOF_POLLFD, OFF_POLLFD_FD, OFF_POLLFD_EVENTS, OFF_POLLFD_REVENTS } = LAYOUT;

const POLLFD = new Uint8Array(SIZEOF_POLLFD);
const POLLFD_VIEW = new DataView(POLLFD.buffer);

/** The monotonic clock, in seconds. */
export function monotonic(): number {
  return performance.now() / 1000;
}

/**
 * Waits until `fd` is readable (or writable) or `deadline` (monotonic
 * seconds; `Infinity` for no limit) passes. Returns `false` on timeout.
 * Retries `EINTR`.
 */
export function waitFd(fd: number, writing: boolean, deadline: number): boolean {
  for (;;) {
    const left = deadline - monotonic();
    if (left <= 0) return false;
    POLLFD_VIEW.setInt32(OFF_POLLFD_FD, fd, true);
    POLLFD_VIEW.setInt16(OFF_POLLFD_EVENTS, writing ? POLLOUT : POLLIN, true);
    POLLFD_VIEW.setInt16(OFF_POLLFD_REVENTS, 0, true);
    const ms = left === Infinity ? -1 : Math.min(Math.ceil(left * 1000), 0x7fffffff);
    const n = libc.poll(POLLFD, 1, ms);
    if (n > 0) return true;
    if (n < 0 && errno() !== EINTR) throw lastError();
  }
}

/** A socket timeout: Python's `socket.timeout("timed out")`. */
export function timedOut(): TimeoutError {
  return new TimeoutError("timed out");
}

/**
 * One attempt of a system call for {@linkcode sockCall}: phases 2 and 3 of
 * a method, given the descriptor and up to four arguments. Returns `-1` and
 * sets `errno` on failure.
 */
export type Syscall<A, B, C, D> = (fd: number, a: A, b: B, c: C, d: D) => number;

/**
 * Runs `fn(fd, a, b, c, d)` until it succeeds, with the socket's timeout
 * semantics:
 *
 * - `timeout === null` (blocking): retry on `EINTR`, else raise.
 * - `timeout === 0` (non-blocking): `EAGAIN` raises `BlockingIOError`.
 * - `timeout > 0`: on `EAGAIN`, poll for the time left before `deadline`
 *   (monotonic seconds; computed from `timeout` when omitted) and retry; a
 *   readiness that proves false (`EAGAIN` again) polls again.
 *
 * With `waitFirst` (`connect`'s in-progress case) the loop polls before the
 * first attempt, in blocking mode too (with no deadline).
 *
 * @returns `fn`'s result.
 */
export function sockCall<A = undefined, B = undefined, C = undefined, D = undefined>(
  fd: number,
  timeout: number | null,
  writing: boolean,
  fn: Syscall<A, B, C, D>,
  a?: A,
  b?: B,
  c?: C,
  d?: D,
  deadline?: number,
  waitFirst = false,
): number {
  let wait = waitFirst;
  for (;;) {
    if (wait) {
      deadline ??= timeout === null ? Infinity : monotonic() + timeout;
      if (!waitFd(fd, writing, deadline)) throw timedOut();
    }
    const r = fn(fd, a as A, b as B, c as C, d as D);
    if (r >= 0) return r;
    const e = errno();
    if (e === EINTR) {
      wait = false;
      continue;
    }
    if (!timeout || (e !== EAGAIN && e !== EWOULDBLOCK)) throw osErrorFrom(e);
    wait = true;
  }
}
