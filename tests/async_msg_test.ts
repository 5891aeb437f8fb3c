/**
 * Awaitable message I/O (issue 16, item 1): `sock_sendmsg`, `sock_recvmsg`,
 * `sock_recvmsg_into`, `sock_send_fds`, `sock_recv_fds` give their sync
 * twins' results, wait on the reactor, honour `{ signal }`, leak no
 * descriptor, and keep the boundary discipline across their waits.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import * as socket from "../mod.ts";
import { tempDir } from "./helpers.ts";
import { pair, state } from "./async_helpers.ts";

const { AF_UNIX, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SCM_RIGHTS } = socket;

function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

function int32s(...v: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(v).buffer);
}

/**
 * A non-blocking datagram sender connected to a bound receiver, which does
 * not connect back: Linux reports the sender writable again only then when
 * the receiver's queue has room (a socketpair's ends are each other's peer,
 * and poll ignores the peer's queue).
 */
function oneWay(): { tx: socket.SocketType; rx: socket.SocketType; [Symbol.dispose](): void } {
  const dir = tempDir();
  const rx = socket.socket(AF_UNIX, SOCK_DGRAM);
  const tx = socket.socket(AF_UNIX, SOCK_DGRAM);
  rx.bind(dir.join("rx"));
  rx.setblocking(false);
  tx.connect(dir.join("rx"));
  tx.setblocking(false);
  return {
    tx,
    rx,
    [Symbol.dispose]() {
      tx.close();
      rx.close();
      dir.remove();
    },
  };
}

/** Sends datagrams from `a` until its peer's queue is full. */
function fillQueue(a: socket.SocketType): void {
  for (;;) {
    try {
      a.send(new Uint8Array([0x42]));
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return;
      throw e;
    }
  }
}

describe("sock_sendmsg / sock_recvmsg / sock_recvmsg_into", () => {
  test("a waiting sock_recvmsg resolves with what recvmsg returns, ancillary descriptors included", async () => {
    const [a, b] = pair();
    const [c, d] = pair();
    try {
      const got = socket.sock_recvmsg(b, 100, socket.CMSG_SPACE(8));
      assert.equal(await state(got), "pending");
      const sent = await socket.sock_sendmsg(a, [new Uint8Array([1, 2]), new Uint8Array([3])], [
        [SOL_SOCKET, SCM_RIGHTS, int32s(c.fileno(), d.fileno())],
      ]);
      assert.equal(sent, 3);
      const [data, ancdata, flags, address] = await got;
      assert.deepEqual(data, new Uint8Array([1, 2, 3]));
      assert.equal(flags, 0);
      assert.equal(address, null);
      assert.equal(ancdata.length, 1);
      const [level, type, fdBytes] = ancdata[0];
      assert.deepEqual([level, type, fdBytes.length], [SOL_SOCKET, SCM_RIGHTS, 8]);
      const fds = Array.from(new Int32Array(fdBytes.slice().buffer));
      // The received copy of c works: what goes in comes out at d.
      using copy = socket.socket(AF_UNIX, SOCK_STREAM, 0, fds[0]);
      copy.send(new Uint8Array([9]));
      assert.deepEqual(await socket.sock_recv(d, 10), new Uint8Array([9]));
      socket.close(fds[1]);
    } finally {
      for (const s of [a, b, c, d]) s.close();
    }
  });

  test("sock_recvmsg gives the same 4-tuple as the sync twin on a datagram with an address", async () => {
    using rx = socket.socket(socket.AF_INET, SOCK_DGRAM);
    using tx = socket.socket(socket.AF_INET, SOCK_DGRAM);
    rx.bind(["127.0.0.1", 0]);
    tx.bind(["127.0.0.1", 0]);
    rx.setblocking(false);
    tx.setblocking(false);
    const to = rx.getsockname() as [string, number];
    // A host name is resolved without blocking.
    assert.equal(
      await socket.sock_sendmsg(tx, [new Uint8Array([5])], [], 0, ["localhost", to[1]]),
      1,
    );
    const asyncResult = await socket.sock_recvmsg(rx, 10, { signal: new AbortController().signal });
    tx.sendto(new Uint8Array([5]), to);
    rx.setblocking(true);
    const syncResult = rx.recvmsg(10);
    assert.deepEqual(asyncResult, syncResult);
    assert.deepEqual(asyncResult[3], tx.getsockname());
  });

  test("a waiting sock_recvmsg_into scatters into the buffers as recvmsg_into does", async () => {
    using ends = pair(SOCK_DGRAM);
    const [a, b] = ends;
    const head = new Uint8Array(2), rest = new Uint8Array(4);
    const got = socket.sock_recvmsg_into(b, [head, rest], 0, 0);
    assert.equal(await state(got), "pending");
    a.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    const [n, ancdata, flags] = await got;
    assert.equal(n, 6);
    assert.deepEqual(ancdata, []);
    assert.equal(flags & socket.MSG_TRUNC, socket.MSG_TRUNC);
    assert.deepEqual([...head, ...rest], [1, 2, 3, 4, 5, 6]);
  });

  test("sock_sendmsg waits while the peer is full, walks its generators once, then sends", async () => {
    using peer = oneWay();
    const [a, b] = [peer.tx, peer.rx];
    {
      fillQueue(a);
      let walks = 0;
      const parts = function* () {
        walks++;
        yield new Uint8Array([7]);
        yield new Uint8Array([8]);
      };
      const p = socket.sock_sendmsg(a, parts());
      assert.equal(await state(p), "pending");
      b.recv(10, socket.MSG_DONTWAIT); // room for one
      assert.equal(await p, 2);
      assert.equal(walks, 1);
      const seen: number[][] = [];
      for (;;) {
        try {
          seen.push([...b.recv(10, socket.MSG_DONTWAIT)]);
        } catch {
          break;
        }
      }
      assert.deepEqual(seen.filter((d) => d[0] !== 0x42), [[7, 8]]);
    }
  });

  test("blocking sockets and bad arguments are refused as the twins refuse them", async () => {
    const [a, b] = socket.socketpair();
    try {
      await assert.rejects(socket.sock_recvmsg(b, 10), socket.ValueError);
      b.setblocking(false);
      a.setblocking(false);
      await assert.rejects(socket.sock_recvmsg(b, -1), socket.ValueError);
      await assert.rejects(socket.sock_sendmsg(a, 5 as never), TypeError);
      await assert.rejects(socket.sock_sendmsg(a, ["x" as never]), TypeError);
      await assert.rejects(socket.sock_recvmsg_into(b, [new Uint8Array(1).buffer, "x" as never]), TypeError);
      await assert.rejects(socket.sock_sendmsg(a, [], [[1, 2] as never]), TypeError);
      assert.throws(() => b.recv(10, socket.MSG_DONTWAIT), socket.BlockingIOError, "something was sent");
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("sock_send_fds / sock_recv_fds", () => {
  test("descriptors pass, the receiver waits, and nothing leaks", async () => {
    const before = openFds();
    const [a, b] = pair();
    const [c, d] = pair();
    try {
      const got = socket.sock_recv_fds(b, 10, 2);
      assert.equal(await state(got), "pending");
      assert.equal(await socket.sock_send_fds(a, [new Uint8Array([4])], [c.fileno()]), 1);
      const [data, fds, flags, address] = await got;
      assert.deepEqual(data, new Uint8Array([4]));
      assert.equal(fds.length, 1);
      assert.equal(flags, 0);
      assert.equal(address, null);
      using copy = socket.socket(AF_UNIX, SOCK_STREAM, 0, fds[0]);
      copy.send(new Uint8Array([1]));
      assert.deepEqual(await socket.sock_recv(d, 10), new Uint8Array([1]));
    } finally {
      for (const s of [a, b, c, d]) s.close();
    }
    assert.equal(openFds(), before);
  });

  test("an abort while waiting rejects with the reason and leaves the message queued", async () => {
    const before = openFds();
    {
      using ends = pair();
      const [a, b] = ends;
      const ac = new AbortController();
      const got = socket.sock_recv_fds(b, 10, 1, { signal: ac.signal });
      assert.equal(await state(got), "pending");
      const reason = new Error("stop");
      ac.abort(reason);
      await assert.rejects(got, (e) => e === reason);
      socket.send_fds(a, [new Uint8Array([3])], [a.fileno()]);
      const [data, fds] = await socket.sock_recv_fds(b, 10, 1);
      assert.deepEqual(data, new Uint8Array([3]));
      for (const fd of fds) socket.close(fd);
    }
    assert.equal(openFds(), before);
  });
});

describe("the boundary across a message wait", () => {
  test("sock_recvmsg_into: a buffer detached while waiting is TypeError; the message stays queued", async () => {
    using ends = pair(SOCK_DGRAM);
    const [a, b] = ends;
    const first = new Uint8Array(4), second = new Uint8Array(new ArrayBuffer(8), 0, 8);
    const got = socket.sock_recvmsg_into(b, [first, second]);
    assert.equal(await state(got), "pending");
    const moved = (second.buffer as unknown as { transfer(): ArrayBuffer }).transfer();
    a.send(new Uint8Array(12).fill(0x41));
    await assert.rejects(got, TypeError);
    assert.ok(new Uint8Array(moved).every((x) => x === 0), "the kernel wrote into the transferred memory");
    assert.deepEqual(first, new Uint8Array(4));
    assert.deepEqual(b.recv(100, socket.MSG_DONTWAIT), new Uint8Array(12).fill(0x41));
  });

  test("sock_sendmsg: data or ancillary data detached while waiting is ValueError; nothing foreign is sent", async () => {
    for (const which of ["data", "ancdata"] as const) {
      using peer = oneWay();
      const [a, b] = [peer.tx, peer.rx];
      {
        fillQueue(a);
        const data = new Uint8Array(16).fill(0x10), extra = int32s(a.fileno());
        const p = socket.sock_sendmsg(a, [data], which === "ancdata" ? [[SOL_SOCKET, SCM_RIGHTS, extra]] : []);
        assert.equal(await state(p), "pending");
        const victim = which === "data" ? data : extra;
        new Uint8Array((victim.buffer as unknown as { transfer(): ArrayBuffer }).transfer()).fill(0xee);
        b.recv(10, socket.MSG_DONTWAIT); // room for one: the waiter wakes
        await assert.rejects(p, socket.ValueError);
        for (;;) {
          let d: Uint8Array;
          try {
            d = b.recv(100, socket.MSG_DONTWAIT);
          } catch {
            break;
          }
          assert.deepEqual(d, new Uint8Array([0x42]), `${which}: a foreign message was sent`);
        }
      }
    }
  });
});
