/**
 * The syscall layer, driven with scripted system calls: `check` and
 * `uninterrupted` (errno to the `OSError` subclass), `sockCall` (the one
 * blocking loop: `EINTR`, `EAGAIN` by mode, a false readiness polled again,
 * `connect`'s wait first, the deadline) and `untilReady` (the one async
 * wait loop: settling at once, finishing in the call's turn, the abort).
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { setErrno } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { check, lastError, uninterrupted } from "../lib/errors.ts";
import { monotonic, sockCall } from "../lib/sock_call.ts";
import { begin, untilReady } from "../lib/async_call.ts";

const { EINTR, EAGAIN, ECONNREFUSED, EBADF } = SYS;

/** A system call that fails with each errno of `errnos` in turn, then returns `result`; counts its calls. */
function scripted(errnos: number[], result: number): { fn: () => number; calls: number } {
  const s = {
    calls: 0,
    fn: () => {
      const e = errnos[s.calls++];
      if (e === undefined) return result;
      setErrno(e);
      return -1;
    },
  };
  return s;
}

describe("check, lastError, uninterrupted", () => {
  test("check passes a result through and raises errno's subclass for -1", () => {
    assert.equal(check(7), 7);
    assert.equal(check(0), 0);
    setErrno(ECONNREFUSED);
    assert.throws(() => check(-1), socket.ConnectionRefusedError);
    setErrno(EBADF);
    const e = lastError();
    assert.ok(e instanceof socket.OSError);
    assert.equal(e.errno, EBADF);
  });

  test("uninterrupted retries EINTR and raises anything else", () => {
    const ok = scripted([EINTR, EINTR], 3);
    assert.equal(uninterrupted(ok.fn), 3);
    assert.equal(ok.calls, 3);
    const bad = scripted([EINTR, ECONNREFUSED], 3);
    assert.throws(() => uninterrupted(bad.fn), socket.ConnectionRefusedError);
    assert.equal(bad.calls, 2);
  });
});

describe("sockCall", () => {
  test("blocking mode retries EINTR at once and raises other errors, EAGAIN included", () => {
    const [a, b] = socket.socketpair();
    try {
      const s = scripted([EINTR, EINTR], 5);
      assert.equal(sockCall(a.fileno(), null, false, s.fn), 5);
      assert.equal(s.calls, 3);
      assert.throws(() => sockCall(a.fileno(), null, false, scripted([EAGAIN], 1).fn), socket.BlockingIOError);
    } finally {
      a.close();
      b.close();
    }
  });

  test("non-blocking mode raises BlockingIOError on EAGAIN without polling", () => {
    const [a, b] = socket.socketpair();
    try {
      const s = scripted([EAGAIN], 1);
      assert.throws(() => sockCall(a.fileno(), 0, false, s.fn), socket.BlockingIOError);
      assert.equal(s.calls, 1);
    } finally {
      a.close();
      b.close();
    }
  });

  test("timeout mode polls after EAGAIN and polls again after a false readiness", () => {
    const [a, b] = socket.socketpair();
    try {
      // Writable at once: each poll returns, and the call reports EAGAIN twice before it succeeds.
      const s = scripted([EAGAIN, EAGAIN, EINTR], 9);
      assert.equal(sockCall(a.fileno(), 5, true, s.fn), 9);
      assert.equal(s.calls, 4);
    } finally {
      a.close();
      b.close();
    }
  });

  test("timeout mode raises TimeoutError once the deadline passes, never before", () => {
    const [a, b] = socket.socketpair();
    try {
      const t0 = monotonic();
      // Nothing to read: the poll waits out the timeout.
      assert.throws(() => sockCall(a.fileno(), 0.05, false, scripted([EAGAIN, EAGAIN, EAGAIN], 1).fn), (e) => {
        assert.ok(e instanceof socket.TimeoutError);
        assert.equal(String((e as Error).message), "timed out");
        return true;
      });
      assert.ok(monotonic() - t0 >= 0.05 - 0.002);
    } finally {
      a.close();
      b.close();
    }
  });

  test("waitFirst polls before the first attempt (connect's in-progress case)", () => {
    const [a, b] = socket.socketpair();
    try {
      const s = scripted([], 0);
      assert.throws(
        () => sockCall(a.fileno(), 0.02, false, s.fn, undefined, undefined, undefined, undefined, undefined, true),
        socket.TimeoutError,
      );
      assert.equal(s.calls, 0, "no attempt before the descriptor is ready");
      assert.equal(
        sockCall(a.fileno(), null, true, s.fn, undefined, undefined, undefined, undefined, undefined, true),
        0,
      );
      assert.equal(s.calls, 1);
    } finally {
      a.close();
      b.close();
    }
  });

  test("the arguments reach the system call, and the socket methods keep CPython's results", () => {
    const [a, b] = socket.socketpair();
    try {
      const seen: unknown[] = [];
      const fn = (fd: number, x: string, y: number, z: boolean, w: null) => {
        seen.push(fd, x, y, z, w);
        return 1;
      };
      assert.equal(sockCall(a.fileno(), null, false, fn, "x", 2, true, null), 1);
      assert.deepEqual(seen, [a.fileno(), "x", 2, true, null]);
      a.settimeout(0.05);
      assert.throws(() => a.recv(1), socket.TimeoutError);
      b.sendall(new Uint8Array([1, 2, 3]));
      assert.deepEqual([...a.recv(8)], [1, 2, 3]);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("untilReady", () => {
  test("a first try that succeeds settles at once, with no promise", () => {
    const [a, b] = socket.socketpair();
    try {
      a.setblocking(false);
      const r = untilReady(begin(a, undefined), true, scripted([EINTR], 4).fn, (n) => n * 2);
      assert.equal(r, 8);
    } finally {
      a.close();
      b.close();
    }
  });

  test("after EAGAIN it waits for readiness, tries again and finishes in the same turn", async () => {
    const [a, b] = socket.socketpair();
    try {
      a.setblocking(false);
      let finishedAfter = -1;
      const s = scripted([EAGAIN], 6);
      const r = untilReady(begin(a, undefined), false, s.fn, (n) => {
        finishedAfter = s.calls;
        return n;
      });
      assert.ok(r instanceof Promise);
      b.send(new Uint8Array([1]));
      assert.equal(await r, 6);
      assert.equal(finishedAfter, 2);
    } finally {
      a.close();
      b.close();
    }
  });

  test("an abort while waiting rejects with the reason and makes no further try", async () => {
    const [a, b] = socket.socketpair();
    try {
      a.setblocking(false);
      const ac = new AbortController();
      const s = scripted([EAGAIN], 6);
      const r = untilReady(begin(a, { signal: ac.signal }), false, s.fn, (n) => n);
      const reason = new Error("stop");
      ac.abort(reason);
      await assert.rejects(Promise.resolve(r), (e) => e === reason);
      assert.equal(s.calls, 1);
    } finally {
      a.close();
      b.close();
    }
  });

  test("errors other than EAGAIN and EINTR raise errno's subclass", () => {
    const [a, b] = socket.socketpair();
    try {
      a.setblocking(false);
      assert.throws(
        () => untilReady(begin(a, undefined), false, scripted([EINTR, ECONNREFUSED], 1).fn, (n) => n),
        socket.ConnectionRefusedError,
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
