/**
 * The FFI boundary (lib/marshal.ts): user code that runs during argument
 * conversion (generators, getters, overridden methods) can never make the
 * kernel read or write memory outside the caller's buffers, nor consume data
 * it does not return. Every case of issue 12 on the synchronous side.
 *
 * @module
 */

import assert from "node:assert/strict";
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

/** An empty ancillary-data iterable that runs `act` when walked. */
function* running(act: () => void): Generator<[number, number, Uint8Array]> {
  act();
  yield* [];
}

/** Yields `first`, runs `act`, yields `second`. */
function* between(first: Uint8Array, act: () => void, second: Uint8Array): Generator<Uint8Array> {
  yield first;
  act();
  yield second;
}

/** Runs `fn` with `socks`, closing them all afterwards. */
function withSockets<T extends socket.SocketType[]>(socks: [...T], fn: (...s: T) => void): void {
  try {
    fn(...socks as T);
  } finally {
    for (const s of socks) s.close();
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
    withSockets(dgramPair(), (a, b) => {
      const g = guarded(4096, 0x41);
      const anc = running(() => {
        transfer(g.ab);
        // Fresh allocations that the kernel must never see.
        for (let i = 0; i < 16; i++) new Uint8Array(4096).fill(0x42);
      });
      raises(socket.ValueError, () => a.sendmsg([g.view], anc));
      assert.equal(pending(b), null);
    });
  });

  it("raises ValueError when a generator shrinks a resizable data buffer, and sends nothing", () => {
    withSockets(dgramPair(), (a, b) => {
      const g = guarded(1024, 0x41, true);
      const anc = running(() => (g.ab as unknown as { resize(n: number): void }).resize(8));
      raises(socket.ValueError, () => a.sendmsg([g.view], anc));
      assert.equal(pending(b), null);
    });
  });

  it("lets a nested sendmsg from the generator deliver its own data to its own destination", () => {
    withSockets([udp(), udp(), udp()], (a, b, tx) => {
      const outer = new Uint8Array(100).fill(0x4f), inner = new Uint8Array(50).fill(0x49);
      const anc = running(() => assert.equal(tx.sendmsg([inner], [], 0, b.getsockname() as [string, number]), 50));
      assert.equal(tx.sendmsg([outer], anc, 0, a.getsockname() as [string, number]), 100);
      assert.deepEqual(a.recv(1000), outer);
      assert.deepEqual(b.recv(1000), inner);
      assert.equal(pending(a), null);
      assert.equal(pending(b), null);
    });
  });

  it("keeps its destination when a nested sendto runs from an address element getter", () => {
    withSockets([udp(), udp(), udp()], (a, b, tx) => {
      const [host, port] = a.getsockname() as [string, number];
      const addr: unknown[] = [host];
      Object.defineProperty(addr, 1, {
        get() {
          tx.sendto(new Uint8Array([1]), b.getsockname() as [string, number]);
          return port;
        },
        enumerable: true,
      });
      assert.equal(tx.sendto(new Uint8Array([2, 2]), addr as [string, number]), 2);
      assert.deepEqual(a.recv(100), new Uint8Array([2, 2]));
      assert.deepEqual(b.recv(100), new Uint8Array([1]));
    });
  });

  it("raises ValueError when an address getter detaches the data of sendto(), and sends nothing", () => {
    withSockets([udp(), udp()], (a, tx) => {
      const g = guarded(256, 0x41);
      const [host, port] = a.getsockname() as [string, number];
      const addr: unknown[] = [host];
      Object.defineProperty(addr, 1, { get: () => (transfer(g.ab), port), enumerable: true });
      raises(socket.ValueError, () => tx.sendto(g.view, addr as [string, number]));
      assert.equal(pending(a), null);
    });
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
      withSockets(hostilePair(), (h, peer) => {
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
      });
    });
  }

  it("recvmsg() and sendmsg() never call gettimeout(); the data is the caller's", () => {
    withSockets(hostilePair(), (h, peer) => {
      const g = guarded(64, 0x61);
      h.victim = g.ab;
      assert.equal(h.sendmsg([g.view]), 64);
      assert.deepEqual(peer.recv(100), new Uint8Array(64).fill(0x61));
      peer.send(new Uint8Array([9, 8, 7]));
      const [data] = h.recvmsg(16);
      assert.deepEqual(data, new Uint8Array([9, 8, 7]));
      assert.equal(h.calls, 0);
      assert.ok(g.intact());
    });
  });

  it("recvmsg_into() refuses a buffer detached by the buffers iterable with TypeError, and consumes nothing", () => {
    withSockets(dgramPair(), (a, b) => {
      b.send(new Uint8Array([1, 2, 3]));
      const g1 = guarded(8, 0), g2 = guarded(8, 0);
      raises(TypeError, () => a.recvmsg_into(between(g1.view, () => transfer(g1.ab), g2.view)));
      assert.deepEqual(pending(a), new Uint8Array([1, 2, 3]));
      assert.ok(g2.intact());
    });
  });

  it("recv_into() refuses a buffer detached by an options getter, and consumes nothing", () => {
    withSockets(dgramPair(), (a, b) => {
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
    });
  });
});

describe("receiving nothing", () => {
  it("recv(0) and recv_into(empty) return at once on a blocking stream socket with no data", () => {
    withSockets(socket.socketpair(), (a, b) => {
      assert.equal(b.gettimeout(), null);
      assert.deepEqual(b.recv(0), new Uint8Array(0));
      assert.equal(b.recv_into(new Uint8Array(0)), 0);
      assert.equal(b.recv_into(new Uint8Array(0), 0), 0);
      assert.equal(b.recv_into(new ArrayBuffer(0)), 0);
      // The stream is untouched: what is sent next is what the next read gets.
      a.send(new Uint8Array([6]));
      assert.deepEqual(b.recv(10), new Uint8Array([6]));
    });
  });

  it("recv(0) and recv_into(empty) leave a queued datagram queued", () => {
    withSockets([udp(), udp()], (a, tx) => {
      tx.sendto(new Uint8Array([4, 5]), a.getsockname() as [string, number]);
      assert.deepEqual(a.recv(0), new Uint8Array(0));
      assert.equal(a.recv_into(new Uint8Array(0)), 0);
      assert.deepEqual(a.recv(10), new Uint8Array([4, 5]));
    });
  });

  it("recvfrom(0) reads the datagram, as CPython does", () => {
    withSockets([udp(), udp()], (a, tx) => {
      tx.sendto(new Uint8Array([4, 5]), a.getsockname() as [string, number]);
      const [data, addr] = a.recvfrom(0);
      assert.equal(data.length, 0);
      assert.deepEqual(addr, tx.getsockname() as [string, number]);
      assert.equal(pending(a), null);
    });
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
    withSockets(socket.socketpair(), (a, b) => {
      const results: Uint8Array[] = [];
      for (let i = 1; i <= 6; i++) {
        a.send(new Uint8Array(i * 10).fill(i));
        results.push(i % 3 === 0 ? b.recvmsg(1000)[0] : i % 3 === 1 ? b.recv(1000) : b.recvfrom(1000)[0]);
      }
      for (const [i, r] of results.entries()) {
        assert.equal(r.length, (i + 1) * 10);
        // The buffer holds this result's bytes and, past them, only zeros (a short read into its own buffer).
        const all = new Uint8Array(r.buffer);
        assert.ok(all.every((x, j) => j >= r.byteOffset && j < r.byteOffset + r.length ? x === i + 1 : x === 0));
      }
      // Transferring one result leaves the others intact.
      (results[2].buffer as unknown as { transfer(): ArrayBuffer }).transfer();
      assert.equal(results[2].length, 0);
      for (const [i, r] of results.entries()) if (i !== 2) assert.ok(r.every((x) => x === i + 1) && r.length > 0);
    });
  });

  it("a result from the scratch path is an exact-size copy", () => {
    withSockets(socket.socketpair(), (a, b) => {
      a.send(new Uint8Array(100).fill(7));
      const r = b.recv(8192);
      assert.equal(r.length, 100);
      assert.equal(r.buffer.byteLength, 100);
    });
  });

  it("a large recv() result holds no other result's bytes", () => {
    withSockets(socket.socketpair(), (a, b) => {
      a.send(new Uint8Array(100).fill(7));
      const r = b.recv(200_000);
      assert.equal(r.length, 100);
      assert.ok(new Uint8Array(r.buffer).every((x) => x === 7));
    });
  });
});

describe("-0 is 0 wherever an integer is expected", () => {
  const z = -0;
  it("socket, socketpair, listen, shutdown, getsockopt, recv, recv_into, inet_pton, getnameinfo", () => {
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, z).close();
    withSockets(socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM, z), (a, b) => {
      a.send(new Uint8Array([1, 2]), z);
      assert.deepEqual(b.recv(1, z), new Uint8Array([1]));
      assert.equal(b.recv_into(new Uint8Array(1), z, z), 1);
      assert.equal(a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, z), socket.SOCK_STREAM);
      a.shutdown(z);
    });
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
    withSockets([udp(), udp()], (a, tx) => {
      tx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, z);
      tx.sendto(new Uint8Array([3]), z, a.getsockname() as [string, number]);
      assert.deepEqual(a.recvmsg(10, z, z)[0], new Uint8Array([3]));
    });
  });
});

describe("sendfile() read-and-send path", () => {
  /** A file object whose `readSync` fills the block, then does `hostile` to it and reports `count(n)`. */
  function file(hostile: (p: Uint8Array) => void, count: (n: number) => number) {
    return {
      readSync(p: Uint8Array): number {
        p.fill(0x46);
        hostile(p);
        return count(p.length);
      },
      seekSync: () => 0,
    };
  }

  it("raises ValueError when readSync reports more bytes than the block, and sends nothing", () => {
    withSockets(socket.socketpair(), (a, b) => {
      raises(socket.ValueError, () => a.sendfile(file(() => {}, (n) => n + 100_000), 0, 10));
      b.setblocking(false);
      raises(socket.BlockingIOError, () => b.recv(10));
    });
  });

  it("raises ValueError when readSync detaches the block, and sends nothing", () => {
    withSockets(socket.socketpair(), (a, b) => {
      raises(socket.ValueError, () => a.sendfile(file((p) => transfer(p.buffer as ArrayBuffer), (n) => n), 0, 10));
      b.setblocking(false);
      raises(socket.BlockingIOError, () => b.recv(10));
    });
  });
});
