import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { waiting, waitReady } from "../lib/reactor/mod.ts";
import { closeHooks } from "../lib/descriptor.ts";
import { bytes } from "./helpers.ts";

function pair(): [socket.SocketType, socket.SocketType] {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  b.setblocking(false);
  return [a, b];
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 1));
}

describe("reactor", () => {
  test("waitReady resolves when the socket becomes readable, and counts its waiters", async () => {
    const [a, b] = pair();
    let done = false;
    const w = waitReady(b, b.fileno(), false).then(() => done = true);
    await turns(3);
    assert.equal(done, false);
    assert.equal(waiting(), 1);
    a.send(bytes("x"));
    await w;
    assert.equal(waiting(), 0);
    a.close();
    b.close();
  });

  test("a writable socket's first wait resolves: registration reports the current state", async () => {
    const [a, b] = pair();
    let done = false;
    const w = waitReady(a, a.fileno(), true).then(() => done = true);
    // Already writable: resolved within a few turns of the loop, with no event after registration.
    await turns(3);
    assert.equal(done, true, "the wait for a writable socket is still pending");
    assert.equal(waiting(), 0);
    await w;
    a.close();
    b.close();
  });

  test("readers and writers of one socket wait apart", async () => {
    const [a, b] = pair();
    let read = false;
    const r = waitReady(b, b.fileno(), false).then(() => read = true);
    await waitReady(b, b.fileno(), true);
    await turns(2);
    assert.equal(read, false);
    a.send(bytes("y"));
    await r;
    a.close();
    b.close();
  });

  test("every ready socket of a burst wakes (500 pairs)", async () => {
    const pairs = Array.from({ length: 500 }, pair);
    const waits = pairs.map(([, b]) => waitReady(b, b.fileno(), false));
    await turns(2);
    assert.equal(waiting(), 500);
    for (const [a] of pairs) a.send(bytes("z"));
    await Promise.all(waits);
    assert.equal(waiting(), 0);
    for (const [a, b] of pairs) {
      a.close();
      b.close();
    }
  });

  test("closing a socket runs the close hook: its waiters reject with EBADF", async () => {
    const [a, b] = pair();
    const w = waitReady(b, b.fileno(), false);
    assert.ok(closeHooks.size >= 1);
    b.close();
    await assert.rejects(w, (e: unknown) => e instanceof socket.OSError && e.errno === socket.EBADF);
    assert.equal(waiting(), 0);
    a.close();
  });

  test("the registration follows the socket object: a descriptor adopted after detach() still wakes", async () => {
    const [a, b] = pair();
    await waitReady(b, b.fileno(), true);
    const fd = b.detach();
    const again = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd);
    again.setblocking(false);
    const w = waitReady(again, fd, false);
    await turns(2);
    a.send(bytes("adopted"));
    await w;
    assert.equal(new TextDecoder().decode(again.recv(100)), "adopted");
    a.close();
    again.close();
  });

  test("an abort removes exactly its waiter", async () => {
    const [a, b] = pair();
    const ac = new AbortController();
    const w1 = waitReady(b, b.fileno(), false, ac.signal);
    const w2 = waitReady(b, b.fileno(), false);
    await turns(1);
    assert.equal(waiting(), 2);
    ac.abort("gone");
    await assert.rejects(w1, (e: unknown) => e === "gone");
    assert.equal(waiting(), 1);
    a.send(bytes("q"));
    await w2;
    assert.equal(waiting(), 0);
    a.close();
    b.close();
  });
});
