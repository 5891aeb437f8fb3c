/**
 * The one loop that every blocking socket method runs through: CPython's
 * `sock_call_ex`. It retries calls interrupted by a signal (PEP 475), and in
 * timeout mode waits with `poll` for the remaining time whenever the
 * descriptor (non-blocking underneath) reports `EAGAIN`, raising
 * `TimeoutError("timed out")` when the deadline passes.
 *
 * @module
 */

import { SYS } from "../ffi/gen/mod.ts";
import { errno, libc } from "../ffi/mod.ts";
import { osErrorFrom, TimeoutError } from "./errors.ts";

const { EINTR, EAGAIN, EWOULDBLOCK, POLLIN, POLLOUT } = SYS;

const POLLFD = new Uint8Array(8);
const POLLFD_VIEW = new DataView(POLLFD.buffer);

/** The monotonic clock, in seconds. */
export function monotonic(): number {
  return performance.now() / 1000;
}

/**
 * Waits until `fd` is readable (or writable) or `deadline` (monotonic
 * seconds) passes. Returns `false` on timeout. Retries `EINTR`.
 */
export function waitFd(fd: number, writing: boolean, deadline: number): boolean {
  for (;;) {
    const left = deadline - monotonic();
    if (left <= 0) return false;
    POLLFD_VIEW.setInt32(0, fd, true);
    POLLFD_VIEW.setInt16(4, writing ? POLLOUT : POLLIN, true);
    POLLFD_VIEW.setInt16(6, 0, true);
    const n = libc.poll(POLLFD, 1, Math.min(Math.ceil(left * 1000), 0x7fffffff));
    if (n > 0) return true;
    if (n === 0) {
      if (deadline - monotonic() <= 0) return false;
      continue;
    }
    const e = errno();
    if (e !== EINTR) throw osErrorFrom(e);
  }
}

/** A socket timeout: Python's `socket.timeout("timed out")`. */
export function timedOut(): TimeoutError {
  return new TimeoutError("timed out");
}

/**
 * Runs `fn` (a system call returning `-1` and setting `errno` on failure)
 * until it succeeds, with the socket's timeout semantics:
 *
 * - `timeout === null` (blocking): retry on `EINTR`, else raise.
 * - `timeout === 0` (non-blocking): `EAGAIN` raises `BlockingIOError`.
 * - `timeout > 0`: on `EAGAIN`, poll for the time left before `deadline`
 *   (monotonic seconds; computed from `timeout` when omitted) and retry.
 *
 * Returns `fn`'s result.
 */
export function sockCall(
  fd: number,
  timeout: number | null,
  writing: boolean,
  fn: () => number,
  deadline?: number,
): number {
  for (;;) {
    const r = fn();
    if (r >= 0) return r;
    const e = errno();
    if (e === EINTR) continue;
    if (!timeout || (e !== EAGAIN && e !== EWOULDBLOCK)) throw osErrorFrom(e);
    deadline ??= monotonic() + timeout;
    if (!waitFd(fd, writing, deadline)) throw timedOut();
  }
}
