/**
 * The FFI boundary across waits (issue 12, the `sock_*` side; the
 * discipline is in lib/marshal.ts and at the top of lib/async.ts): a buffer
 * detached, transferred or shrunk while an operation waits on the reactor is
 * CPython's argument error, checked before the system call, so nothing is
 * consumed from the socket, nothing outside the caller's buffer is written
 * and no foreign byte reaches the wire. Canary bytes surround every buffer;
 * a buffer is transferred with `transfer()` of the same length, so that
 * memory the engine moves to the new owner shows any late write.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as socket from "../mod.ts";
import { tempDir } from "./helpers.ts";
import { pair, state } from "./async_helpers.ts";

const CANARY = 0xcc;
const FILL = 0x11;
const FOREIGN = 0xee;

type Resizable = ArrayBuffer & { resize(n: number): void };

/** Allocates a resizable `ArrayBuffer` (the lib types of `tsc` may lack the options). */
function resizable(n: number, max: number): Resizable {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(n, {
    maxByteLength: max,
  });
}

/** Moves `ab`'s memory to a new buffer of the same length (detaching `ab`), and returns the new one. */
function transfer(ab: ArrayBufferLike): ArrayBuffer {
  return (ab as unknown as { transfer(): ArrayBuffer }).transfer();
}

/**
 * `n` bytes of `FILL` at offset 16 of a buffer with 16 canary bytes on each
 * side; `ab` is resizable (up to twice its length) when asked.
 */
function guarded(n: number, grow = false): { ab: ArrayBuffer; view: Uint8Array } {
  const ab = grow ? resizable(n + 32, 2 * n + 64) : new ArrayBuffer(n + 32);
  new Uint8Array(ab).fill(CANARY);
  const view = new Uint8Array(ab, 16, n);
  view.fill(FILL);
  return { ab, view };
}

/** Whether `memory` (a guarded buffer, or what it was transferred to) still holds canaries and `FILL` only. */
function untouched(memory: ArrayBuffer, n: number): boolean {
  const all = new Uint8Array(memory);
  return all.every((b, i) => b === (i >= 16 && i < 16 + n ? FILL : CANARY));
}

/** Runs `fn` from a timer once the loop has turned a few times (operations started before are waiting by then). */
function later(fn: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = 3;
    const tick = () => {
      if (--left > 0) return void setTimeout(tick, 1);
      try {
        fn();
        resolve();
      } catch (e) {
        reject(e);
      }
    };
    setTimeout(tick, 1);
  });
}

/** Awaits `p`, which must reject with `cls` (and `message`, when given). */
async function rejectsWith(p: Promise<unknown>, cls: new (...a: never[]) => Error, message?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (message !== undefined) assert.equal((e as Error).message, message);
    return true;
  });
}

/** The datagram (or stream bytes) queued on `s`, or `null` when none are. */
function queued(s: socket.SocketType, n = 1 << 20): Uint8Array | null {
  try {
    return s.recv(n, socket.MSG_DONTWAIT);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return null;
    throw e;
  }
}

/** `n` bytes of a pattern that never contains `FOREIGN`. */
function pattern(n: number, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) % 127;
  return out;
}

/** Everything queued on stream `s`, until it would block. */
function drain(s: socket.SocketType): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let got = queued(s); got !== null && got.length > 0; got = queued(s)) parts.push(got);
  return parts;
}

/** Everything that reaches stream `s` until `p` settles, and what is left queued then. */
async function drainWhile(p: Promise<unknown>, s: socket.SocketType): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  let settled = false;
  p.then(() => {}, () => {}).finally(() => settled = true);
  while (!settled) {
    parts.push(...drain(s));
    await new Promise((r) => setTimeout(r, 1));
  }
  parts.push(...drain(s));
  return parts;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Asserts that `got` is a prefix of `pattern(...)`: the caller's bytes and nothing else. */
function assertPatternPrefix(got: Uint8Array, total: number): void {
  assert.ok(got.length <= total, `${got.length} bytes on the wire, more than the ${total} given`);
  assert.ok(!got.includes(FOREIGN), "a foreign byte reached the wire");
  assert.deepEqual(got, pattern(got.length));
}

describe("sock_recv_into / sock_recvfrom_into: the buffer changes during the wait", () => {
  for (const fn of ["sock_recv_into", "sock_recvfrom_into"] as const) {
    const call = (s: socket.SocketType, v: Uint8Array, n?: number) =>
      fn === "sock_recv_into" ? socket.sock_recv_into(s, v) : socket.sock_recvfrom_into(s, v, n ?? 0);

    test(`${fn}: detached while waiting is TypeError; the datagram stays queued and the memory unwritten`, async () => {
      using ends = pair(socket.SOCK_DGRAM);
      const [a, b] = ends;
      const { ab, view } = guarded(64);
      const p = call(b, view);
      let moved: ArrayBuffer | undefined;
      await later(() => {
        moved = transfer(ab);
        a.send(new Uint8Array(64).fill(0x41));
      });
      await rejectsWith(p, TypeError);
      assert.ok(untouched(moved!, 64), "the kernel wrote into the transferred memory");
      assert.deepEqual(queued(b), new Uint8Array(64).fill(0x41));
    });

    test(`${fn}: shrunk below its length while waiting is ValueError; nothing written past the end`, async () => {
      using ends = pair(socket.SOCK_DGRAM);
      const [a, b] = ends;
      const { ab, view } = guarded(64, true);
      const p = call(b, view);
      await later(() => {
        (ab as Resizable).resize(16 + 8); // the view (16..80) is now out of bounds
        a.send(new Uint8Array(64).fill(0x41));
      });
      await rejectsWith(
        p,
        socket.ValueError,
        fn === "sock_recv_into"
          ? "buffer too small for requested bytes"
          : "nbytes is greater than the length of the buffer",
      );
      assert.ok(untouched(ab.slice(0, 24), 8));
      assert.deepEqual(queued(b), new Uint8Array(64).fill(0x41));
    });
  }

  test("sock_recvfrom_into(buf, 4096) with a length-tracking view shrunk to 16 bytes: ValueError, 0 bytes written", async () => {
    using ends = pair(socket.SOCK_DGRAM);
    const [a, b] = ends;
    const ab = resizable(16 + 4096, 16 + 8192);
    new Uint8Array(ab).fill(CANARY);
    const view = new Uint8Array(ab, 16); // follows the buffer's length
    view.fill(FILL);
    const p = socket.sock_recvfrom_into(b, view, 4096);
    await later(() => {
      ab.resize(32);
      a.send(new Uint8Array(4096).fill(0x41));
    });
    await rejectsWith(p, socket.ValueError, "nbytes is greater than the length of the buffer");
    assert.ok(untouched(ab.slice(0), 16));
    assert.equal(queued(b)?.length, 4096);
  });

  test("a buffer that grew during the wait gets at most the bytes asked for", async () => {
    using ends = pair(socket.SOCK_DGRAM);
    const [a, b] = ends;
    const { ab, view } = guarded(8, true);
    const p = socket.sock_recv_into(b, view);
    await later(() => {
      (ab as Resizable).resize(80); // its maximum
      a.send(new Uint8Array(64).fill(0x41));
    });
    assert.equal(await p, 8);
    const all = new Uint8Array(ab);
    assert.deepEqual(all.subarray(16, 24), new Uint8Array(8).fill(0x41));
    assert.ok(all.subarray(0, 16).every((x) => x === CANARY), "canary before the view written");
    assert.ok(all.subarray(24).every((x) => x !== 0x41), "bytes past the view written");
  });

  test("a buffer already detached is TypeError before any call (ValueError from asyncio's len(buf)); no datagram consumed", async () => {
    using ends = pair(socket.SOCK_DGRAM);
    const [a, b] = ends;
    a.send(new Uint8Array([1, 2, 3]));
    const { ab, view } = guarded(16);
    transfer(ab);
    await rejectsWith(socket.sock_recv_into(b, view), TypeError);
    await rejectsWith(socket.sock_recvfrom_into(b, view, 4), TypeError);
    // asyncio's sock_recvfrom_into takes len(buf) first when nbytes is 0: a released buffer is ValueError there.
    await rejectsWith(socket.sock_recvfrom_into(b, view), socket.ValueError);
    assert.deepEqual(queued(b), new Uint8Array([1, 2, 3]));
  });
});

describe("sock_sendall / sock_sendto: the data changes during the wait", () => {
  test("sock_sendall: 4 MiB detached mid-way rejects with ValueError; only the caller's bytes went out", async () => {
    using ends = pair(socket.SOCK_STREAM);
    const [a, b] = ends;
    const total = 4 << 20;
    const data = pattern(total);
    const p = socket.sock_sendall(a, data);
    assert.equal(await state(p), "pending", "4 MiB should not fit the socket buffer");
    await later(() => {
      new Uint8Array(transfer(data.buffer)).fill(FOREIGN);
      new Uint8Array(total).fill(FOREIGN); // and fresh memory that might take the old place
    });
    const parts = await drainWhile(p, b);
    await rejectsWith(p, socket.ValueError, "operation forbidden on a detached ArrayBuffer");
    const got = concat(parts);
    assert.ok(got.length < total, "the whole buffer cannot have been sent");
    assertPatternPrefix(got, total);
  });

  test("sock_sendall: a resizable buffer shrunk mid-way rejects with ValueError; nothing past the new end sent", async () => {
    using ends = pair(socket.SOCK_STREAM);
    const [a, b] = ends;
    const total = 4 << 20;
    const ab = resizable(total, total);
    const data = pattern(total, new Uint8Array(ab));
    const p = socket.sock_sendall(a, data);
    assert.equal(await state(p), "pending");
    await later(() => ab.resize(1000));
    const parts = await drainWhile(p, b);
    await rejectsWith(p, socket.ValueError);
    const got = concat(parts);
    assert.ok(got.length < total);
    assertPatternPrefix(got, total);
  });

  test("sock_sendto: data detached while a host name resolves sends nothing (no empty datagram)", async () => {
    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    rx.bind(["127.0.0.1", 0]);
    rx.setblocking(false);
    tx.setblocking(false);
    const [, port] = rx.getsockname() as [string, number];
    const data = pattern(100);
    // "localhost" is not numeric: the call awaits getaddrinfo_async, and the microtask runs first.
    const p = socket.sock_sendto(tx, data, ["localhost", port]);
    queueMicrotask(() => transfer(data.buffer));
    await rejectsWith(p, socket.ValueError, "operation forbidden on a detached ArrayBuffer");
    assert.equal(queued(rx), null, "a datagram was sent");
  });

  test("sock_sendto: waiting on a full peer, data detached: ValueError; a nested sendto meanwhile cannot redirect", async () => {
    const dir = tempDir();
    const rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    const other = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    const tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    const aside = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      const [path, otherPath] = [dir.join("rx"), dir.join("other")];
      rx.bind(path);
      other.bind(otherPath);
      // Connected, so that the reactor waits on the peer's queue (Linux's max_dgram_qlen), not on our buffer.
      tx.connect(path);
      tx.setblocking(false);
      const filler = new Uint8Array(16).fill(0x42);
      const fill = () => {
        for (;;) {
          try {
            tx.send(filler);
          } catch (e) {
            if (e instanceof socket.BlockingIOError) return;
            throw e;
          }
        }
      };
      fill();
      const data = pattern(100);
      const p = socket.sock_sendto(tx, data, path);
      assert.equal(await state(p), "pending", "the peer's queue should be full");
      await later(() => {
        new Uint8Array(transfer(data.buffer)).fill(FOREIGN);
        assert.ok(queued(rx)); // room for one more: the waiter wakes
      });
      await rejectsWith(p, socket.ValueError, "operation forbidden on a detached ArrayBuffer");
      fill();
      const mine = pattern(50);
      const q = socket.sock_sendto(tx, mine, path);
      assert.equal(await state(q), "pending");
      await later(() => {
        aside.sendto(new Uint8Array([7]), otherPath); // writes the shared sockaddr while q waits
        assert.ok(queued(rx));
      });
      assert.equal(await q, 50);
      const seen: Uint8Array[] = [];
      for (let got = queued(rx); got !== null; got = queued(rx)) seen.push(got);
      assert.ok(seen.every((d) => d.length > 0 && !d.includes(FOREIGN)), "an empty or foreign datagram");
      assert.deepEqual(seen.filter((d) => d.length !== 16), [mine]);
      assert.deepEqual(queued(other), new Uint8Array([7]));
      assert.equal(queued(other), null, "the waiting call's datagram went to the nested call's address");
    } finally {
      for (const s of [rx, other, tx, aside]) s.close();
      dir.remove();
    }
  });
});

describe("sock_sendfile: a file object's read is user code", () => {
  /** A file object over `pattern(size)` whose `read` runs `hook` on the chunk and may report its own count. */
  function file(size: number, hook: (p: Uint8Array) => number | undefined) {
    const content = pattern(size);
    let pos = 0;
    return {
      read(p: Uint8Array): Promise<number | null> {
        const n = Math.min(p.length, size - pos);
        p.set(content.subarray(pos, pos + n));
        pos += n;
        return Promise.resolve(hook(p) ?? (n === 0 ? null : n));
      },
      seek(offset: number): Promise<number> {
        return Promise.resolve(pos = offset);
      },
    };
  }

  test("a read that transfers the chunk it was given: ValueError, no foreign byte sent", async () => {
    using ends = pair(socket.SOCK_STREAM);
    const [a, b] = ends;
    let calls = 0;
    const size = 300_000; // more than one chunk
    const f = file(size, (p) => {
      if (++calls === 2) new Uint8Array(transfer(p.buffer)).fill(FOREIGN);
      return undefined;
    });
    const p = socket.sock_sendfile(a, f, 0, null);
    const got = concat(await drainWhile(p, b));
    await rejectsWith(p, socket.ValueError, "operation forbidden on a detached ArrayBuffer");
    assert.ok(got.length > 0 && got.length < size);
    assertPatternPrefix(got, size);
  });

  test("a read that transfers the chunk and reports the end of the file: ValueError all the same", async () => {
    using ends = pair(socket.SOCK_STREAM);
    const [a, b] = ends;
    const f = file(0, (p) => {
      transfer(p.buffer);
      return 0;
    });
    await rejectsWith(socket.sock_sendfile(a, f), socket.ValueError, "operation forbidden on a detached ArrayBuffer");
    assert.equal(queued(b), null);
  });

  test("a read that reports more bytes than the chunk holds: ValueError, as socket.sendfile() words it", async () => {
    using ends = pair(socket.SOCK_STREAM);
    const [a, b] = ends;
    const f = file(100, (p) => p.length + 1);
    await rejectsWith(
      socket.sock_sendfile(a, f, 0, 100),
      socket.ValueError,
      "read() returned 101, outside 0-100",
    );
    assert.equal(queued(b), null);
  });
});

describe("sock_recv(0) and sock_recv_into(empty): b'' / 0 at once, without the kernel", () => {
  test("on a datagram socket the queued datagram stays", async () => {
    using ends = pair(socket.SOCK_DGRAM);
    const [a, b] = ends;
    a.send(new Uint8Array([9, 8, 7]));
    assert.deepEqual(await socket.sock_recv(b, 0), new Uint8Array(0));
    assert.deepEqual(await socket.sock_recv(b, -0), new Uint8Array(0));
    assert.equal(await socket.sock_recv_into(b, new Uint8Array(0)), 0);
    assert.equal(await socket.sock_recv_into(b, new ArrayBuffer(0)), 0);
    assert.deepEqual(queued(b), new Uint8Array([9, 8, 7]));
  });

  test("on a stream socket with no data they resolve (CPython's recv(0) returns at once)", async () => {
    using ends = pair(socket.SOCK_STREAM);
    const [, b] = ends;
    assert.deepEqual(await socket.sock_recv(b, 0), new Uint8Array(0));
    assert.equal(await socket.sock_recv_into(b, new Uint8Array(0)), 0);
  });
});

describe("sock_recv / sock_recvfrom results own their memory", () => {
  test("a small result's buffer holds only its bytes; transferring one leaves the others", async () => {
    using ends = pair(socket.SOCK_DGRAM);
    const [a, b] = ends;
    const results: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      a.send(new Uint8Array([i, i, i]));
      results.push(await socket.sock_recv(b, 100));
    }
    a.send(new Uint8Array([5, 5]));
    const [fromResult] = await socket.sock_recvfrom(b, 100);
    results.push(fromResult);
    for (const r of results) {
      assert.equal(r.buffer.byteLength, r.length, "the result's buffer holds more than the result");
      assert.equal(r.byteOffset, 0);
    }
    transfer(results[0].buffer);
    assert.deepEqual(results[1], new Uint8Array([1, 1, 1]));
    assert.deepEqual(results[4], new Uint8Array([5, 5]));
  });
});

describe("internals never call what a subclass overrides", () => {
  test("gettimeout(), timeout, family and type are not consulted", async () => {
    const consulted: string[] = [];
    let victim: ArrayBuffer | undefined;
    const hostile = (name: string) => {
      consulted.push(name);
      if (victim && !(victim as { detached?: boolean }).detached) transfer(victim);
    };
    class Hostile extends socket.SocketType {
      override gettimeout(): number | null {
        hostile("gettimeout");
        return super.gettimeout();
      }
      override get timeout(): number | null {
        hostile("timeout");
        return super.timeout;
      }
      override get family(): number {
        hostile("family");
        return super.family;
      }
      override get type(): number {
        hostile("type");
        return super.type;
      }
    }
    const [a, raw] = pair(socket.SOCK_DGRAM);
    const b = new Hostile(socket.AF_UNIX, socket.SOCK_DGRAM, 0, raw.detach());
    b.setblocking(false);
    consulted.length = 0;
    try {
      const { ab, view } = guarded(32);
      victim = ab;
      const p = socket.sock_recv_into(b, view);
      await later(() => a.send(new Uint8Array(32).fill(0x41)));
      assert.equal(await p, 32);
      assert.deepEqual(view, new Uint8Array(32).fill(0x41));
      a.send(new Uint8Array([1]));
      assert.deepEqual((await socket.sock_recvfrom(b, 10))[0], new Uint8Array([1]));
      assert.deepEqual(consulted, []);
    } finally {
      a.close();
      b.close();
    }
  });

  test("sock_connect reads SO_ERROR itself and connects where the address said, read once", async () => {
    using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    srv.bind(["127.0.0.1", 0]);
    srv.listen(1);
    const [, port] = srv.getsockname() as [string, number];
    using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    c.setblocking(false);
    Object.defineProperty(c, "getsockopt", {
      value: () => {
        throw new Error("getsockopt() consulted");
      },
    });
    let reads = 0;
    const address = ["127.0.0.1", 0];
    Object.defineProperty(address, 1, { get: () => (reads++ === 0 ? port : 1) });
    await socket.sock_connect(c, address as never);
    assert.equal(reads, 1);
    assert.deepEqual(c.getpeername(), ["127.0.0.1", port]);
  });
});
