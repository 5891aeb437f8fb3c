import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { waiting } from "../lib/reactor/mod.ts";
import { libc } from "../ffi/mod.ts";
import { bytes, fnv1a, hasIPv6Loopback, RUNTIME, tempDir, text } from "./helpers.ts";

const IPV6 = hasIPv6Loopback(socket);
const { ECONNREFUSED } = SYS;

/** A non-blocking socketpair. */
function pair(type: number = socket.SOCK_STREAM): [socket.SocketType, socket.SocketType] {
  const [a, b] = socket.socketpair(socket.AF_UNIX, type);
  a.setblocking(false);
  b.setblocking(false);
  return [a, b];
}

/** A non-blocking listener on loopback. */
function listener(backlog = 128): socket.SocketType<"AF_INET"> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  s.listen(backlog);
  s.setblocking(false);
  return s;
}

/** Lets the event loop turn `n` times (macrotasks), so that pending I/O would be seen. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 1));
}

/** Settles to "pending" if `p` has not settled after a few turns of the loop. */
async function state(p: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  let s: "pending" | "resolved" | "rejected" = "pending";
  p.then(() => s = "resolved", () => s = "rejected");
  await turns(5);
  return s;
}

async function rejectsWith(p: Promise<unknown>, check: (e: unknown) => void): Promise<void> {
  let caught: unknown = undefined, threw = false;
  try {
    await p;
  } catch (e) {
    caught = e;
    threw = true;
  }
  assert.ok(threw, "expected a rejection");
  check(caught);
}

describe("sock_* argument checks", () => {
  test("every sock_* function rejects a blocking socket with ValueError", async () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    using d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const calls: [string, () => Promise<unknown>][] = [
      ["sock_accept", () => socket.sock_accept(s)],
      ["sock_connect", () => socket.sock_connect(s, ["127.0.0.1", 1])],
      ["sock_recv", () => socket.sock_recv(s, 10)],
      ["sock_recv_into", () => socket.sock_recv_into(s, new Uint8Array(4))],
      ["sock_recvfrom", () => socket.sock_recvfrom(d, 10)],
      ["sock_recvfrom_into", () => socket.sock_recvfrom_into(d, new Uint8Array(4))],
      ["sock_sendall", () => socket.sock_sendall(s, bytes("x"))],
      ["sock_sendto", () => socket.sock_sendto(d, bytes("x"), ["127.0.0.1", 9])],
      ["sock_sendfile", () => socket.sock_sendfile(s, 0)],
    ];
    for (const [name, call] of calls) {
      await rejectsWith(call(), (e) => {
        assert.ok(e instanceof socket.ValueError, `${name}: ${e}`);
        assert.equal((e as Error).message, "the socket must be non-blocking");
      });
    }
  });

  test("a socket in timeout mode is refused like a blocking one", async () => {
    const [a, b] = socket.socketpair();
    a.settimeout(1.5);
    await rejectsWith(socket.sock_recv(a, 1), (e) => assert.ok(e instanceof socket.ValueError));
    a.close();
    b.close();
  });

  test("sock_recv rejects a negative size, sock_recvfrom_into an oversized nbytes", async () => {
    const [a, b] = pair();
    await rejectsWith(socket.sock_recv(a, -1), (e) => assert.ok(e instanceof socket.ValueError));
    await rejectsWith(
      socket.sock_recvfrom_into(a, new Uint8Array(2), 3),
      (e) => assert.equal((e as Error).message, "nbytes is greater than the length of the buffer"),
    );
    a.close();
    b.close();
  });

  test("a closed socket rejects with OSError EBADF", async () => {
    const [a, b] = pair();
    a.close();
    await rejectsWith(socket.sock_recv(a, 1), (e) => assert.equal((e as socket.OSError).errno, socket.EBADF));
    b.close();
  });
});

describe("sock_recv and sock_sendall", () => {
  test("sock_recv waits while a timer keeps firing, then gets the data", async () => {
    const [a, b] = pair();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    const got = socket.sock_recv(b, 100);
    // A sock_recv that blocked the thread, or kept it busy, would stop the timer: this loop would never end,
    // and the per-test time limit (tests/README.md) fails the test.
    while (ticks < 5) await turns(1);
    assert.equal(await state(got), "pending");
    assert.equal(waiting(), 1);
    await socket.sock_sendall(a, bytes("late"));
    assert.equal(text(await got), "late");
    clearInterval(timer);
    assert.equal(waiting(), 0);
    a.close();
    b.close();
  });

  test("many waiters on one socket are served in order", async () => {
    const [a, b] = pair();
    const waits = [socket.sock_recv(b, 1), socket.sock_recv(b, 1), socket.sock_recv(b, 1)];
    await turns(2);
    await socket.sock_sendall(a, bytes("abc"));
    assert.deepEqual((await Promise.all(waits)).map(text), ["a", "b", "c"]);
    a.close();
    b.close();
  });

  test("sock_sendall sends 8 MiB through a full buffer to a slow reader, intact", async () => {
    const [a, b] = pair();
    const data = new Uint8Array(8 << 20).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
    const reader = (async () => {
      let n = 0, h = 0x811c9dc5;
      const buf = new Uint8Array(65536);
      while (n < data.length) {
        const got = await socket.sock_recv_into(b, buf);
        if (got === 0) break;
        h = fnv1a(buf.subarray(0, got), h);
        n += got;
        if (n % 7 === 0) await turns(1);
      }
      return [n, h];
    })();
    await socket.sock_sendall(a, data);
    assert.deepEqual(await reader, [data.length, fnv1a(data)]);
    a.close();
    b.close();
  });

  test("sock_recv returns an empty result when the peer closes", async () => {
    const [a, b] = pair();
    const got = socket.sock_recv(b, 10);
    await turns(2);
    a.close();
    assert.equal((await got).length, 0);
    b.close();
  });
});

describe("short reads on TCP (the reactor skips a recv it knows would fail)", () => {
  async function tcp(): Promise<[socket.SocketType, socket.SocketType, socket.SocketType]> {
    const srv = listener();
    const c = socket.socket();
    c.setblocking(false);
    const acc = socket.sock_accept(srv);
    await socket.sock_connect(c, srv.getsockname()!);
    const [conn] = await acc;
    return [srv, c, conn];
  }

  /** Registers `conn` with the reactor and leaves it known drained, with no wait in progress. */
  async function drainedConn(c: socket.SocketType, conn: socket.SocketType): Promise<void> {
    const first = socket.sock_recv(conn, 8192);
    await turns(2);
    c.send(bytes("x"));
    assert.equal(text(await first), "x");
    assert.equal(waiting(), 0);
  }

  test("an end of file queued behind a short read is still seen", async () => {
    const [srv, c, conn] = await tcp();
    await drainedConn(c, conn);
    // Data and FIN arrive together, while nothing waits: one event reports both.
    c.send(bytes("last words"));
    c.shutdown(socket.SHUT_WR);
    await turns(2);
    assert.equal(text(await socket.sock_recv(conn, 8192)), "last words");
    assert.equal((await socket.sock_recv(conn, 8192)).length, 0);
    for (const s of [srv, c, conn]) s.close();
  });

  test("data after urgent (MSG_OOB) data is still seen", async () => {
    const [srv, c, conn] = await tcp();
    await drainedConn(c, conn);
    c.send(bytes("abc"));
    c.send(bytes("!"), socket.MSG_OOB);
    c.send(bytes("def"));
    await turns(2);
    let got = "";
    while (got.length < 6) got += text(await socket.sock_recv(conn, 8192));
    assert.equal(got, "abcdef");
    for (const s of [srv, c, conn]) s.close();
  });

  test("many short reads in a row keep working (request/response)", async () => {
    const [srv, c, conn] = await tcp();
    for (let i = 0; i < 200; i++) {
      await socket.sock_sendall(c, bytes(`ping ${i}`));
      assert.equal(text(await socket.sock_recv(conn, 8192)), `ping ${i}`);
      await socket.sock_sendall(conn, bytes(`pong ${i}`));
      assert.equal(text(await socket.sock_recv(c, 8192)), `pong ${i}`);
    }
    for (const s of [srv, c, conn]) s.close();
  });
});

describe("aborts", () => {
  test("an already aborted signal rejects with exactly its reason and consumes nothing", async () => {
    const [a, b] = pair();
    await socket.sock_sendall(a, bytes("keep"));
    const reason = { why: "already" };
    const ac = new AbortController();
    ac.abort(reason);
    for (
      const p of [
        socket.sock_recv(b, 10, { signal: ac.signal }),
        socket.sock_recv_into(b, new Uint8Array(4), { signal: ac.signal }),
        socket.sock_sendall(b, bytes("x"), { signal: ac.signal }),
        socket.getaddrinfo_async("127.0.0.1", 80, { signal: ac.signal }),
      ]
    ) {
      await rejectsWith(p, (e) => assert.equal(e, reason));
    }
    assert.equal(text(await socket.sock_recv(b, 10)), "keep");
    a.close();
    b.close();
  });

  test("an abort while waiting rejects with the reason, removes the waiter, and leaves the socket usable", async () => {
    const [a, b] = pair();
    const ac = new AbortController();
    const got = socket.sock_recv(b, 10, { signal: ac.signal });
    await turns(2);
    assert.equal(waiting(), 1);
    const reason = new Error("stop");
    ac.abort(reason);
    await rejectsWith(got, (e) => assert.equal(e, reason));
    assert.equal(waiting(), 0);
    await socket.sock_sendall(a, bytes("after"));
    assert.equal(text(await socket.sock_recv(b, 10)), "after");
    a.close();
    b.close();
  });

  test("aborting one of two waiters leaves the other waiting", async () => {
    const [a, b] = pair();
    const ac = new AbortController();
    const first = socket.sock_recv(b, 10, { signal: ac.signal });
    const second = socket.sock_recv(b, 10);
    await turns(2);
    ac.abort();
    await rejectsWith(first, (e) => assert.equal((e as Error).name, "AbortError"));
    await socket.sock_sendall(a, bytes("two"));
    assert.equal(text(await second), "two");
    a.close();
    b.close();
  });

  test("sock_accept and sock_connect abort too", async () => {
    using srv = listener();
    const ac = new AbortController();
    const acc = socket.sock_accept(srv, { signal: ac.signal });
    await turns(2);
    ac.abort("no");
    await rejectsWith(acc, (e) => assert.equal(e, "no"));
    using c = socket.socket();
    c.setblocking(false);
    await socket.sock_connect(c, srv.getsockname()!);
    const [conn] = await socket.sock_accept(srv);
    conn.close();
  });
});

describe("close while waiting, and descriptor reuse", () => {
  test("closing a socket rejects its waiters with EBADF; nothing hangs", async () => {
    const [a, b] = pair();
    const r1 = socket.sock_recv(b, 1);
    const r2 = socket.sock_recv_into(b, new Uint8Array(1));
    await turns(2);
    b.close();
    for (const p of [r1, r2]) {
      await rejectsWith(p, (e) => {
        assert.ok(e instanceof socket.OSError);
        assert.equal((e as socket.OSError).errno, socket.EBADF);
      });
    }
    assert.equal(waiting(), 0);
    using srv = listener();
    const acc = socket.sock_accept(srv);
    await turns(2);
    srv.close();
    await rejectsWith(acc, (e) => assert.equal((e as socket.OSError).errno, socket.EBADF));
    a.close();
  });

  test("a reused descriptor number never wakes a stale waiter, and its new waiter wakes", async () => {
    const [a1, b1] = pair();
    const dup = b1.dup(); // keeps b1's open file alive after b1 closes
    const stale = socket.sock_recv(b1, 10);
    await turns(2);
    const oldFd = b1.fileno();
    b1.close();
    await rejectsWith(stale, (e) => assert.equal((e as socket.OSError).errno, socket.EBADF));
    // The lowest free number is b1's old one: a new pair takes it.
    const [a2, b2] = pair();
    const reused = a2.fileno() === oldFd ? a2 : b2.fileno() === oldFd ? b2 : null;
    const other = reused === a2 ? b2 : a2;
    const target = reused ?? b2;
    const peerOfTarget = reused === null ? a2 : other;
    const fresh = socket.sock_recv(target, 10);
    // Data for the old file (through its dup) must not reach the new waiter.
    await socket.sock_sendall(a1, bytes("old"));
    assert.equal(await state(fresh), "pending");
    await socket.sock_sendall(peerOfTarget, bytes("new"));
    assert.equal(text(await fresh), "new");
    dup.setblocking(false);
    assert.equal(text(await socket.sock_recv(dup, 10)), "old");
    for (const s of [a1, dup, a2, b2]) s.close();
  });
});

describe("connections", () => {
  test("1,000 concurrent connections move data with checksums, both ends on the async API", async () => {
    const N = 1000, SIZE = 20_000;
    using srv = listener(4096);
    const addr = srv.getsockname()!;
    const server = (async () => {
      const handlers: Promise<void>[] = [];
      for (let i = 0; i < N; i++) {
        const [conn] = await socket.sock_accept(srv);
        assert.equal(conn.gettimeout(), 0);
        handlers.push((async () => {
          // Echo until the client shuts down its side.
          for (;;) {
            const b = await socket.sock_recv(conn, 8192);
            if (b.length === 0) break;
            await socket.sock_sendall(conn, b);
          }
          conn.close();
        })());
      }
      await Promise.all(handlers);
    })();
    const clients = Array.from({ length: N }, async (_, i) => {
      const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
      c.setblocking(false);
      await socket.sock_connect(c, addr);
      const data = new Uint8Array(SIZE).map((_, k) => (k * 31 + i * 17) & 0xff);
      const reading = (async () => {
        let n = 0, h = 0x811c9dc5;
        for (;;) {
          const b = await socket.sock_recv(c, 8192);
          if (b.length === 0) break;
          h = fnv1a(b, h);
          n += b.length;
        }
        return [n, h];
      })();
      for (let off = 0; off < SIZE; off += 5000) await socket.sock_sendall(c, data.subarray(off, off + 5000));
      c.shutdown(socket.SHUT_WR);
      const got = await reading;
      c.close();
      assert.deepEqual(got, [SIZE, fnv1a(data)], `connection ${i}`);
    });
    await Promise.all(clients);
    await server;
    assert.equal(waiting(), 0);
  });

  test("sock_connect reports a refused connection as asyncio does", async () => {
    using probe = listener();
    const port = (probe.getsockname() as [string, number])[1];
    probe.close();
    using c = socket.socket();
    c.setblocking(false);
    await rejectsWith(socket.sock_connect(c, ["127.0.0.1", port]), (e) => {
      assert.ok(e instanceof socket.ConnectionRefusedError);
      assert.equal(String(e), `[Errno ${ECONNREFUSED}] Connect call failed ('127.0.0.1', ${port})`);
    });
  });

  test("sock_connect resolves a host name without blocking", async () => {
    using srv = listener();
    const port = (srv.getsockname() as [string, number])[1];
    using c = socket.socket();
    c.setblocking(false);
    await socket.sock_connect(c, ["localhost", port]);
    const [conn, peer] = await socket.sock_accept(srv);
    assert.equal((peer as [string, number])[0], "127.0.0.1");
    conn.close();
  });

  test("sock_accept returns non-blocking sockets with the peer address", async () => {
    using srv = listener();
    using c = socket.socket();
    c.setblocking(false);
    const acc = socket.sock_accept(srv);
    await socket.sock_connect(c, srv.getsockname()!);
    const [conn, peer] = await acc;
    assert.equal(conn.gettimeout(), 0);
    assert.equal(conn.getblocking(), false);
    assert.deepEqual(peer, c.getsockname());
    conn.close();
  });

  test("IPv6: sock_connect, sock_accept, sock_recv", async (t) => {
    if (!IPV6) {
      console.log("skipped: no IPv6 loopback here");
      return t.skip("no IPv6 loopback here");
    }
    using srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
    srv.bind(["::1", 0]);
    srv.listen();
    srv.setblocking(false);
    using c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
    c.setblocking(false);
    await socket.sock_connect(c, srv.getsockname()!);
    const [conn] = await socket.sock_accept(srv);
    await socket.sock_sendall(conn, bytes("six"));
    assert.equal(text(await socket.sock_recv(c, 10)), "six");
    conn.close();
  });
});

describe("datagrams", () => {
  test("sock_sendto resolves to the byte count; sock_recvfrom and sock_recvfrom_into get data and sender", async () => {
    using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    a.bind(["127.0.0.1", 0]);
    b.bind(["127.0.0.1", 0]);
    a.setblocking(false);
    b.setblocking(false);
    const waitFrom = socket.sock_recvfrom(b, 100);
    await turns(2);
    assert.equal(await socket.sock_sendto(a, bytes("dgram"), b.getsockname()!), 5);
    const [data, from] = await waitFrom;
    assert.equal(text(data), "dgram");
    assert.deepEqual(from, a.getsockname());
    const buf = new Uint8Array(10);
    const into = socket.sock_recvfrom_into(b, buf, 3);
    assert.equal(await socket.sock_sendto(a, bytes("12345"), b.getsockname()!), 5);
    const [n, from2] = await into;
    assert.equal(n, 3);
    assert.equal(text(buf.subarray(0, 3)), "123");
    assert.deepEqual(from2, a.getsockname());
  });

  test("Unix datagram sockets: unbound sender gives a null address", async () => {
    const [a, b] = pair(socket.SOCK_DGRAM);
    const p = socket.sock_recvfrom(b, 10);
    await socket.sock_sendall(a, bytes("u"));
    const [d, from] = await p;
    assert.equal(text(d), "u");
    assert.equal(from, null);
    a.close();
    b.close();
  });
});

describe("sock_sendfile", () => {
  test("sends a descriptor's bytes from offset, count bytes, and leaves the position after them", async () => {
    const dir = tempDir();
    const path = dir.join("data.bin");
    const content = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff);
    writeFileSync(path, content);
    const fd = openSync(path, "r");
    const [a, b] = pair();
    try {
      const reader = (async () => {
        const parts: Uint8Array[] = [];
        let n = 0;
        while (n < 200_000) {
          const got = (await socket.sock_recv(b, 65536)).slice();
          if (got.length === 0) break;
          parts.push(got);
          n += got.length;
        }
        const all = new Uint8Array(n);
        let at = 0;
        for (const p of parts) all.set(p, (at += p.length) - p.length);
        return all;
      })();
      assert.equal(await socket.sock_sendfile(a, fd, 1000, 200_000), 200_000);
      const got = await reader;
      assert.equal(fnv1a(got), fnv1a(content.subarray(1000, 201_000)));
      const next = new Uint8Array(4);
      readSync(fd, next, 0, 4, null);
      assert.deepEqual(next, content.subarray(201_000, 201_004));
      // The rest of the file, count omitted.
      const tail = (async () => {
        let n = 0;
        while (n < 300_000 - 250_000) n += (await socket.sock_recv(b, 65536)).length;
        return n;
      })();
      assert.equal(await socket.sock_sendfile(a, fd, 250_000), 50_000);
      assert.equal(await tail, 50_000);
    } finally {
      closeSync(fd);
      a.close();
      b.close();
      dir.remove();
    }
  });

  test("reads and sends a file object (a Deno.FsFile, or anything with read and seek)", async () => {
    const content = bytes("0123456789abcdef");
    let pos = 0;
    const file = {
      read(p: Uint8Array): Promise<number | null> {
        const n = Math.min(p.length, content.length - pos);
        if (n <= 0) return Promise.resolve(null);
        p.set(content.subarray(pos, pos + n));
        pos += n;
        return Promise.resolve(n);
      },
      seek(offset: number | bigint): Promise<number> {
        pos = Number(offset);
        return Promise.resolve(pos);
      },
    };
    const [a, b] = pair();
    assert.equal(await socket.sock_sendfile(a, file, 4, 6), 6);
    assert.equal(text(await socket.sock_recv(b, 100)), "456789");
    assert.equal(pos, 10);
    a.close();
    b.close();
  });

  test("under Deno, sends a real Deno.FsFile by reading it", async (t) => {
    if (RUNTIME !== "deno") {
      console.log("skipped: Deno.FsFile exists only under Deno");
      return t.skip("Deno.FsFile exists only under Deno");
    }
    const dir = tempDir();
    const path = dir.join("f.txt");
    writeFileSync(path, "hello, file");
    const D = (globalThis as unknown as { Deno: { open(p: string): Promise<socket.AsyncSendfileSource & Disposable> } })
      .Deno;
    using file = await D.open(path);
    const [a, b] = pair();
    assert.equal(await socket.sock_sendfile(a, file, 7), 4);
    assert.equal(text(await socket.sock_recv(b, 100)), "file");
    a.close();
    b.close();
    dir.remove();
  });

  test("checks its arguments as asyncio does", async () => {
    const [a, b] = pair();
    const d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    d.setblocking(false);
    await rejectsWith(socket.sock_sendfile(d, 0), (e) => {
      assert.ok(e instanceof socket.ValueError);
      assert.equal((e as Error).message, "only SOCK_STREAM type sockets are supported");
    });
    await rejectsWith(socket.sock_sendfile(a, 0, 0, 0), (e) => {
      assert.equal((e as Error).message, "count must be a positive integer (got 0)");
    });
    await rejectsWith(socket.sock_sendfile(a, 0, -1), (e) => {
      assert.ok(e instanceof socket.ValueError);
      assert.equal((e as Error).message, "offset must be a non-negative integer (got -1)");
    });
    await rejectsWith(socket.sock_sendfile(a, 0, 1.5), (e) => assert.ok(e instanceof TypeError));
    for (const s of [a, b, d]) s.close();
  });
});

describe("getaddrinfo_async", () => {
  test("returns what getaddrinfo returns", async () => {
    const cases: [string | null, string | number | null, ...unknown[]][] = [
      ["127.0.0.1", 80],
      ["localhost", "http", { type: socket.SOCK_STREAM }],
      [null, 8080, socket.AF_INET, socket.SOCK_DGRAM, 0, socket.AI_PASSIVE],
      ["127.0.0.1", null, { family: socket.AF_INET, proto: socket.IPPROTO_UDP }],
    ];
    if (IPV6) cases.push(["::1", 443, socket.AF_INET6]);
    for (const args of cases) {
      const sync = (socket.getaddrinfo as (...a: unknown[]) => unknown)(...args);
      const async = await (socket.getaddrinfo_async as (...a: unknown[]) => Promise<unknown>)(...args);
      assert.deepEqual(async, sync, JSON.stringify(args));
    }
  });

  test("rejects with the same error class and text as getaddrinfo", async () => {
    let syncErr: socket.OSError | undefined;
    try {
      socket.getaddrinfo("not-a-number.invalid", 80, 0, 0, 0, socket.AI_NUMERICHOST);
    } catch (e) {
      syncErr = e as socket.OSError;
    }
    await rejectsWith(
      socket.getaddrinfo_async("not-a-number.invalid", 80, { flags: socket.AI_NUMERICHOST }),
      (e) => {
        assert.ok(e instanceof socket.gaierror);
        assert.equal((e as socket.OSError).errno, syncErr!.errno);
        assert.equal(String(e), String(syncErr));
      },
    );
    await rejectsWith(
      socket.getaddrinfo_async(42 as unknown as string, 80),
      (e) => assert.ok(e instanceof TypeError),
    );
  });

  test("lookups never block the event loop: no blocking getaddrinfo on this thread, getaddrinfo's results", async () => {
    const want = socket.getaddrinfo("localhost", 80);
    // A blocking call returns a number; Deno's nonblocking FFI variant a promise, which would be fine.
    const lib = libc as unknown as Record<string, (...a: unknown[]) => unknown>;
    const real = lib.getaddrinfo;
    let blocking = 0;
    lib.getaddrinfo = (...a: unknown[]) => {
      const r = real(...a);
      if (!(r instanceof Promise)) blocking++;
      return r;
    };
    let results: socket.AddrInfo[][];
    try {
      results = await Promise.all(Array.from({ length: 20 }, () => socket.getaddrinfo_async("localhost", 80)));
    } finally {
      lib.getaddrinfo = real;
    }
    assert.equal(blocking, 0, "getaddrinfo ran on the event loop's thread");
    for (const r of results) assert.deepEqual(r, want);
  });
});

describe("examples", () => {
  test("examples/async_echo_server.ts serves many clients and stops on abort", async () => {
    const ex = await import("../examples/async_echo_server.ts");
    const srv = ex.listen(0);
    const ac = new AbortController();
    const served = ex.serve(srv, ac.signal);
    const totals = await Promise.all(Array.from({ length: 50 }, (_, i) => ex.client(srv.getsockname()!, i, 10)));
    assert.equal(totals.length, 50);
    ac.abort();
    await served;
    assert.equal(srv.fileno(), -1);
  });

  test("examples/bun_server.ts: Bun.serve with a Unix datagram inbox and sd_notify", async (t) => {
    // deno-lint-ignore no-explicit-any
    const Bun = (globalThis as any).Bun;
    if (!Bun) {
      // The example's HTTP half is Bun.serve; Deno has Deno.serve and runs the same datagram code elsewhere here.
      console.log("skipped: examples/bun_server.ts is Bun-only (Bun.serve); run the suite under bun to test it");
      return t.skip("Bun-only: examples/bun_server.ts uses Bun.serve");
    }
    const ex = await import("../examples/bun_server.ts");
    const dir = tempDir();
    const path = dir.join("notify.sock");
    const inbox = new ex.DatagramInbox(path);
    const server = Bun.serve({ port: 0, fetch: ex.handler(inbox, path) });
    try {
      assert.equal(await ex.notify("READY=1\nSTATUS=up", path), true);
      const [m] = await inbox.received(1);
      assert.deepEqual(m.fields, { READY: "1", STATUS: "up" });
      const posted = await fetch(`http://127.0.0.1:${server.port}/notify`, { method: "POST", body: "<13>hello" });
      assert.equal(posted.status, 200);
      await inbox.received(2);
      const list = await (await fetch(`http://127.0.0.1:${server.port}/messages`)).json();
      assert.deepEqual(list.map((x: { text: string }) => x.text), ["READY=1\nSTATUS=up", "<13>hello"]);
      assert.equal(list[1].priority, 13);
      assert.equal(await ex.notify("X=1", ""), false);
    } finally {
      server.stop(true);
      await inbox.close();
      dir.remove();
    }
  });
});

describe("process lifetime", () => {
  /** Runs `body` (importing the module as `socket`) in a child of this runtime; resolves with its exit code and output. */
  async function child(body: string): Promise<{ code: number | string; out: string; err: string }> {
    const dir = tempDir();
    const script = dir.join("child.ts");
    const mod = new URL("../mod.ts", import.meta.url).href;
    writeFileSync(script, `import * as socket from ${JSON.stringify(mod)};\n${body}`);
    const [cmd, args] = RUNTIME === "deno" ? [Deno.execPath(), ["run", "-A", script]] : [process.execPath, [script]];
    const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    proc.stdout!.on("data", (d) => out += d);
    proc.stderr!.on("data", (d) => err += d);
    const code = await new Promise<number | string>((resolve) => {
      // A hang check, not a performance threshold.
      const kill = setTimeout(() => {
        proc.kill("SIGKILL");
        resolve("hung");
      }, 20_000);
      proc.on("exit", (c) => {
        clearTimeout(kill);
        resolve(c ?? "signal");
      });
    });
    dir.remove();
    return { code, out, err };
  }

  test("a process whose last wait was answered by data exits on its own", async () => {
    const { code, out, err } = await child(`
const [a, b] = socket.socketpair();
a.setblocking(false);
b.setblocking(false);
const got = socket.sock_recv(b, 10);
setTimeout(() => socket.sock_sendall(a, new TextEncoder().encode("bye")), 50);
console.log(new TextDecoder().decode(await got));
`);
    assert.equal(code, 0, `child: ${code}\n${out}\n${err}`);
    assert.equal(out.trim(), "bye");
  });

  test("a process exits on its own after aborts, closes and lookups", async () => {
    const { code, out, err } = await child(`
const [a, b] = socket.socketpair();
a.setblocking(false);
b.setblocking(false);
const ac = new AbortController();
const waiting = socket.sock_recv(b, 10, { signal: ac.signal }).catch(() => "aborted");
setTimeout(() => ac.abort(), 20);
console.log(await waiting);
console.log((await socket.getaddrinfo_async("127.0.0.1", 1, { type: socket.SOCK_STREAM })).length);
const idle = socket.sock_recv(a, 10);
idle.catch(() => {});
setTimeout(() => a.close(), 20);
`);
    assert.equal(code, 0, `child: ${code}\n${out}\n${err}`);
    assert.deepEqual(out.trim().split("\n"), ["aborted", "1"]);
  });
});

declare const Deno: { execPath(): string };
declare const process: { execPath: string };
