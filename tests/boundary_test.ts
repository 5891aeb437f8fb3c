/**
 * The FFI boundary (lib/marshal.ts): user code that runs during argument
 * conversion (generators, getters, overridden methods) can never make the
 * kernel read or write memory outside the caller's buffers, nor consume data
 * it does not return. Every case of issue 12 on the synchronous side.
 *
 * @module
 */

import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as socket from "../mod.ts";
import { raises, RUNTIME } from "./helpers.ts";

const CANARY = 0xcc;

/** A view of `n` bytes filled with `fill`, inside a buffer with canary bytes on both sides. */
function guarded(n: number, fill: number, resizable = false): { view: Uint8Array; ab: ArrayBuffer; intact(): boolean } {
  const ab = resizable
    ? new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(n + 32, {
      maxByteLength: n + 64,
    })
    : new ArrayBuffer(n + 32);
  const all = new Uint8Array(ab);
  all.fill(CANARY);
  const view = new Uint8Array(ab, 16, n);
  view.fill(fill);
  return {
    view,
    ab,
    intact: () => ab.byteLength === 0 || new Uint8Array(ab, 0, 16).every((b) => b === CANARY),
  };
}

function transfer(ab: ArrayBuffer): void {
  (ab as unknown as { transfer(n?: number): ArrayBuffer }).transfer(0);
}

/** The datagram queued on `s`, or `null` when none is. */
function pending(s: socket.SocketType, n = 65536): Uint8Array | null {
  try {
    return s.recv(n, socket.MSG_DONTWAIT);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return null;
    throw e;
  }
}

function dgramPair(): [socket.SocketType, socket.SocketType] {
  return socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
}

function udp(): socket.SocketType {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  return s;
}

describe("sendmsg() and the ancillary data iterable", () => {
  it("raises ValueError when a generator in ancdata detaches a data buffer, and sends nothing", () => {
    const [a, b] = dgramPair();
    try {
      const g = guarded(4096, 0x41);
      function* anc(): Generator<[number, number, Uint8Array]> {
        transfer(g.ab);
        // Fresh allocations that the kernel must never see.
        for (let i = 0; i < 16; i++) new Uint8Array(4096).fill(0x42);
      }
      raises(socket.ValueError, () => a.sendmsg([g.view], anc()));
      assert.equal(pending(b), null);
    } finally {
      a.close();
      b.close();
    }
  });

  it("raises ValueError when a generator shrinks a resizable data buffer, and sends nothing", () => {
    const [a, b] = dgramPair();
    try {
      const g = guarded(1024, 0x41, true);
      function* anc(): Generator<[number, number, Uint8Array]> {
        (g.ab as unknown as { resize(n: number): void }).resize(8);
      }
      raises(socket.ValueError, () => a.sendmsg([g.view], anc()));
      assert.equal(pending(b), null);
    } finally {
      a.close();
      b.close();
    }
  });

  it("lets a nested sendmsg from the generator deliver its own data to its own destination", () => {
    const a = udp(), b = udp(), tx = udp();
    try {
      const outer = new Uint8Array(100).fill(0x4f), inner = new Uint8Array(50).fill(0x49);
      function* anc(): Generator<[number, number, Uint8Array]> {
        assert.equal(tx.sendmsg([inner], [], 0, b.getsockname()), 50);
      }
      assert.equal(tx.sendmsg([outer], anc(), 0, a.getsockname()), 100);
      assert.deepEqual(a.recv(1000), outer);
      assert.deepEqual(b.recv(1000), inner);
      assert.equal(pending(a), null);
      assert.equal(pending(b), null);
    } finally {
      a.close();
      b.close();
      tx.close();
    }
  });

  it("keeps its destination when a nested sendto runs from an address element getter", () => {
    const a = udp(), b = udp(), tx = udp();
    try {
      const [host, port] = a.getsockname() as [string, number];
      const addr: unknown[] = [host];
      Object.defineProperty(addr, 1, {
        get() {
          tx.sendto(new Uint8Array([1]), b.getsockname());
          return port;
        },
        enumerable: true,
      });
      assert.equal(tx.sendto(new Uint8Array([2, 2]), addr as [string, number]), 2);
      assert.deepEqual(a.recv(100), new Uint8Array([2, 2]));
      assert.deepEqual(b.recv(100), new Uint8Array([1]));
    } finally {
      a.close();
      b.close();
      tx.close();
    }
  });

  it("raises ValueError when an address getter detaches the data of sendto(), and sends nothing", () => {
    const a = udp(), tx = udp();
    try {
      const g = guarded(256, 0x41);
      const [host, port] = a.getsockname() as [string, number];
      const addr: unknown[] = [host];
      Object.defineProperty(addr, 1, { get: () => (transfer(g.ab), port), enumerable: true });
      raises(socket.ValueError, () => tx.sendto(g.view, addr as [string, number]));
      assert.equal(pending(a), null);
    } finally {
      a.close();
      tx.close();
    }
  });
});

describe("overridden methods are never called by internals", () => {
  class Hostile extends socket.SocketType {
    calls = 0;
    victim: ArrayBuffer | null = null;
    override gettimeout(): number | null {
      this.calls++;
      if (this.victim) transfer(this.victim);
      return super.gettimeout();
    }
  }

  function hostilePair(): [Hostile, socket.SocketType] {
    const [x, y] = dgramPair();
    const h = new Hostile(socket.AF_UNIX, socket.SOCK_DGRAM, 0, x.detach());
    return [h, y];
  }

  for (const size of [4096, 65536, 4 * 2 ** 20]) {
    it(`recvmsg_into() writes only into the caller's buffer (${size} B), gettimeout() untouched`, () => {
      const [h, peer] = hostilePair();
      try {
        h.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 2 ** 20);
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 * 2 ** 20);
        const n = Math.min(size, 200_000);
        peer.send(new Uint8Array(n).fill(0x5a));
        const g = guarded(n, 0);
        h.victim = g.ab;
        const [got] = h.recvmsg_into([g.view]);
        assert.equal(got, n);
        assert.equal(h.calls, 0);
        assert.ok(g.view.every((b) => b === 0x5a));
        assert.ok(g.intact());
      } finally {
        h.close();
        peer.close();
      }
    });
  }

  it("recvmsg() and sendmsg() never call gettimeout(); the data is the caller's", () => {
    const [h, peer] = hostilePair();
    try {
      const g = guarded(64, 0x61);
      h.victim = g.ab;
      assert.equal(h.sendmsg([g.view]), 64);
      assert.deepEqual(peer.recv(100), new Uint8Array(64).fill(0x61));
      peer.send(new Uint8Array([9, 8, 7]));
      const [data] = h.recvmsg(16);
      assert.deepEqual(data, new Uint8Array([9, 8, 7]));
      assert.equal(h.calls, 0);
      assert.ok(g.intact());
    } finally {
      h.close();
      peer.close();
    }
  });

  it("recvmsg_into() refuses a buffer detached by the buffers iterable, and consumes nothing", () => {
    const [a, b] = dgramPair();
    try {
      b.send(new Uint8Array([1, 2, 3]));
      const g1 = guarded(8, 0), g2 = guarded(8, 0);
      function* bufs(): Generator<Uint8Array> {
        yield g1.view;
        transfer(g1.ab);
        yield g2.view;
      }
      raises(socket.ValueError, () => a.recvmsg_into(bufs()));
      assert.deepEqual(pending(a), new Uint8Array([1, 2, 3]));
      assert.ok(g2.intact());
    } finally {
      a.close();
      b.close();
    }
  });

  it("recv_into() refuses a buffer detached by an options getter, and consumes nothing", () => {
    const [a, b] = dgramPair();
    try {
      b.send(new Uint8Array([1, 2, 3]));
      const g = guarded(8, 0, true);
      const opts = {
        get nbytes() {
          (g.ab as unknown as { resize(n: number): void }).resize(4);
          return 8;
        },
      };
      raises(socket.ValueError, () => a.recv_into(g.view, opts));
      assert.deepEqual(pending(a), new Uint8Array([1, 2, 3]));
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("receiving nothing", () => {
  it("recv(0) and recv_into(empty) return at once on a blocking stream socket with no data", () => {
    const [a, b] = socket.socketpair();
    try {
      assert.equal(b.gettimeout(), null);
      assert.deepEqual(b.recv(0), new Uint8Array(0));
      assert.equal(b.recv_into(new Uint8Array(0)), 0);
      assert.equal(b.recv_into(new Uint8Array(0), 0), 0);
      assert.equal(b.recv_into(new ArrayBuffer(0)), 0);
    } finally {
      a.close();
      b.close();
    }
  });

  it("recv(0) and recv_into(empty) leave a queued datagram queued", () => {
    const a = udp(), tx = udp();
    try {
      tx.sendto(new Uint8Array([4, 5]), a.getsockname());
      assert.deepEqual(a.recv(0), new Uint8Array(0));
      assert.equal(a.recv_into(new Uint8Array(0)), 0);
      assert.deepEqual(a.recv(10), new Uint8Array([4, 5]));
    } finally {
      a.close();
      tx.close();
    }
  });

  it("recvfrom(0) reads the datagram, as CPython does", () => {
    const a = udp(), tx = udp();
    try {
      tx.sendto(new Uint8Array([4, 5]), a.getsockname());
      const [data, addr] = a.recvfrom(0);
      assert.equal(data.length, 0);
      assert.deepEqual(addr, tx.getsockname());
      assert.equal(pending(a), null);
    } finally {
      a.close();
      tx.close();
    }
  });

  it("recv(0) on a closed socket returns empty bytes, as CPython", () => {
    const s = socket.socket();
    s.close();
    assert.equal(s.recv(0).length, 0);
    assert.equal(s.recv_into(new Uint8Array(0)), 0);
  });
});

describe("results own their memory", () => {
  it("recv(), recvfrom() and recvmsg() results hold only their own bytes", () => {
    const [a, b] = socket.socketpair();
    try {
      const results: Uint8Array[] = [];
      for (let i = 1; i <= 6; i++) {
        a.send(new Uint8Array(i * 10).fill(i));
        results.push(i % 3 === 0 ? b.recvmsg(1000)[0] : i % 3 === 1 ? b.recv(1000) : b.recvfrom(1000)[0]);
      }
      for (const [i, r] of results.entries()) {
        assert.equal(r.length, (i + 1) * 10);
        assert.equal(r.buffer.byteLength, r.length);
        assert.ok(new Uint8Array(r.buffer).every((x) => x === i + 1));
      }
      // Transferring one result leaves the others intact.
      (results[2].buffer as unknown as { transfer(): ArrayBuffer }).transfer();
      assert.equal(results[2].length, 0);
      for (const [i, r] of results.entries()) if (i !== 2) assert.ok(r.every((x) => x === i + 1) && r.length > 0);
    } finally {
      a.close();
      b.close();
    }
  });

  it("a large recv() result holds no other result's bytes", () => {
    const [a, b] = socket.socketpair();
    try {
      a.send(new Uint8Array(100).fill(7));
      const r = b.recv(200_000);
      assert.equal(r.length, 100);
      assert.ok(new Uint8Array(r.buffer).every((x) => x === 7));
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("-0 is 0 wherever an integer is expected", () => {
  const z = -0;
  it("socket, socketpair, listen, shutdown, getsockopt, recv, recv_into, inet_pton, getnameinfo", () => {
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, z).close();
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM, z);
    try {
      a.send(new Uint8Array([1, 2]), z);
      assert.deepEqual(b.recv(1, z), new Uint8Array([1]));
      assert.equal(b.recv_into(new Uint8Array(1), z, z), 1);
      assert.equal(a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, z), socket.SOCK_STREAM);
      a.shutdown(z);
    } finally {
      a.close();
      b.close();
    }
    const l = socket.socket();
    try {
      l.bind(["127.0.0.1", z]);
      l.listen(z);
    } finally {
      l.close();
    }
    assert.equal(socket.inet_pton(socket.AF_INET + z, "1.2.3.4").length, 4);
    assert.deepEqual(socket.getnameinfo(["127.0.0.1", 80], z).length, 2);
    const s = socket.socket();
    s.settimeout(z);
    assert.ok(Object.is(s.gettimeout(), 0));
    s.close();
  });

  it(`reaches FFI as 0 under ${RUNTIME} (sendto, setsockopt, recvmsg)`, () => {
    const a = udp(), tx = udp();
    try {
      tx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, z);
      tx.sendto(new Uint8Array([3]), z, a.getsockname());
      assert.deepEqual(a.recvmsg(10, z, z)[0], new Uint8Array([3]));
    } finally {
      a.close();
      tx.close();
    }
  });
});
