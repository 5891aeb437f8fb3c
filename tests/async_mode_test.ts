/**
 * A `sock_*` call that waits must never block the event loop, and must
 * settle, whatever happens to its socket meanwhile: made blocking again
 * (`settimeout(null)`), or detached.
 *
 * @module
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { pair } from "./async_helpers.ts";

test("a socket made blocking while two sock_recv wait: both reject, the datagram stays queued, the loop keeps turning", async () => {
  const [a, b] = pair(socket.SOCK_DGRAM);
  try {
    const p1 = socket.sock_recv(a, 16);
    const p2 = socket.sock_recv(a, 16);
    a.settimeout(null);
    b.send(new TextEncoder().encode("one"));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const results = await Promise.allSettled([p1, p2]);
    // The loop turned while they settled: a retry that blocked in recv(2) would have stopped it for good.
    await new Promise((r) => setTimeout(r, 10));
    clearInterval(timer);
    assert.ok(ticks > 0);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof socket.ValueError);
      assert.equal(r.reason.message, "the socket must be non-blocking");
    }
    // Neither retry consumed the datagram.
    assert.equal(new TextDecoder().decode(a.recv(16)), "one");
  } finally {
    a.close();
    b.close();
  }
});

test("a socket detached while sock_recv waits: the wait rejects with EBADF and the descriptor stays open for its new owner", async () => {
  const [a, b] = pair(socket.SOCK_DGRAM);
  const p = socket.sock_recv(a, 16);
  const fd = a.detach();
  await assert.rejects(p, (e: unknown) => e instanceof socket.OSError && e.errno === SYS.EBADF);
  const c = socket.socket({ fileno: fd });
  try {
    b.send(new TextEncoder().encode("still here"));
    c.setblocking(true);
    assert.equal(new TextDecoder().decode(c.recv(16)), "still here");
  } finally {
    c.close();
    b.close();
  }
});
