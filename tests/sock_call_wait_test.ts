/**
 * How `sockCall` waits: the timeout it hands `poll(2)` (none, `-1`, in
 * blocking mode; the time left, in whole milliseconds rounded up, in
 * timeout mode), and what it does when `poll` itself fails (`EINTR` is
 * retried, any other errno raises its `OSError` at once, as CPython's
 * `sock_call_ex`). `poll` is observed, or replaced, through the bound C
 * library object.
 *
 * @module
 */

import { describe, test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { libc, setErrno } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { sockCall } from "../lib/sock_call.ts";

const { EAGAIN, EINTR, ENOMEM } = SYS;

type Poll = (fds: unknown, n: number, ms: number) => number;
const lib = libc as unknown as { poll: Poll };

/** Runs `fn` with `libc.poll` replaced by `fake(real, fds, n, ms)`; restores it after. */
function withPoll<T>(fake: (real: Poll, fds: unknown, n: number, ms: number) => number, fn: () => T): T {
  const real = lib.poll;
  lib.poll = (fds, n, ms) => fake(real, fds, n, ms);
  try {
    return fn();
  } finally {
    lib.poll = real;
  }
}

/** A system call that reports `EAGAIN` the first time, then returns 7. */
function againOnce(): () => number {
  let calls = 0;
  return () => {
    if (calls++ > 0) return 7;
    setErrno(EAGAIN);
    return -1;
  };
}

/** `sockCall` with only the arguments these tests vary. */
function call(fd: number, timeout: number | null, writing: boolean, fn: () => number, waitFirst = false): number {
  return sockCall(fd, timeout, writing, fn, undefined, undefined, undefined, undefined, undefined, waitFirst);
}

describe("sockCall's poll", () => {
  test("blocking mode waits with no timeout: poll(fd, 1, -1), once, when the socket is ready", () => {
    const [a, b] = socket.socketpair();
    try {
      const timeouts: number[] = [];
      const r = withPoll((real, fds, n, ms) => {
        timeouts.push(ms);
        return real(fds, n, ms);
      }, () => call(a.fileno(), null, true, () => 0, true));
      assert.equal(r, 0);
      assert.deepEqual(timeouts, [-1]);
    } finally {
      a.close();
      b.close();
    }
  });

  test("timeout mode waits for the time left, in whole milliseconds, never more than the timeout", () => {
    const [a, b] = socket.socketpair();
    try {
      const timeouts: number[] = [];
      const r = withPoll((real, fds, n, ms) => {
        timeouts.push(ms);
        return real(fds, n, ms);
      }, () => call(a.fileno(), 5, true, againOnce()));
      assert.equal(r, 7);
      assert.equal(timeouts.length, 1);
      const [ms] = timeouts;
      assert.ok(Number.isInteger(ms) && ms > 0 && ms <= 5000, `poll timeout ${ms} ms for a 5 s socket timeout`);
    } finally {
      a.close();
      b.close();
    }
  });

  test("poll interrupted by a signal (EINTR) is retried", () => {
    const [a, b] = socket.socketpair();
    try {
      let polls = 0;
      const r = withPoll((real, fds, n, ms) => {
        if (polls++ === 0) {
          setErrno(EINTR);
          return -1;
        }
        return real(fds, n, ms);
      }, () => call(a.fileno(), 5, true, againOnce()));
      assert.equal(r, 7);
      assert.equal(polls, 2);
    } finally {
      a.close();
      b.close();
    }
  });

  test("poll failing with another errno raises that errno's OSError at once, not a timeout", () => {
    const [a, b] = socket.socketpair();
    try {
      let polls = 0;
      withPoll(() => {
        polls++;
        setErrno(ENOMEM);
        return -1;
      }, () =>
        assert.throws(() => call(a.fileno(), 0.5, true, againOnce()), (e) => {
          assert.ok(e instanceof socket.OSError && !(e instanceof socket.TimeoutError), String(e));
          assert.equal((e as socket.OSError).errno, ENOMEM);
          return true;
        }));
      assert.equal(polls, 1);
    } finally {
      a.close();
      b.close();
    }
  });
});
