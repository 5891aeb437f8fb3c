/**
 * Descriptor hygiene: the process's descriptor count returns to where it
 * started after 100,000 sockets and after every error path; a closed socket
 * never touches a descriptor number reused since; sockets dropped without
 * `close()` are closed by finalization; `detach()` hands ownership over once.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readdirSync, writeFileSync } from "node:fs";
import * as socket from "../mod.ts";
import { libc } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { raises, RUNTIME, tempDir } from "./helpers.ts";

const { EBADF } = socket;
const { ECONNREFUSED, EINPROGRESS, EADDRINUSE, ENOTSOCK } = SYS;

function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Whether `fd` is open in this process (fcntl F_GETFD succeeds). */
function isOpen(fd: number): boolean {
  return libc.fcntl(fd, SYS.F_GETFD, 0) >= 0;
}

/** Runs `fn` `n` times and asserts the descriptor count is unchanged. */
function noLeak(n: number, fn: () => void): void {
  fn(); // warm-up: lazily opened runtime descriptors are not leaks
  const before = fdCount();
  for (let i = 0; i < n; i++) fn();
  assert.equal(fdCount(), before, "descriptor count changed");
}

/** A TCP port on 127.0.0.1 with nothing listening. */
function closedPort(): number {
  using s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  return (s.getsockname() as [string, number])[1];
}

describe("descriptor count", () => {
  test("100,000 sockets opened and closed leave the count where it started", () => {
    const before = fdCount();
    for (let i = 0; i < 100_000; i++) {
      const s = socket.socket(i & 1 ? socket.AF_INET : socket.AF_UNIX, i & 2 ? socket.SOCK_DGRAM : socket.SOCK_STREAM);
      s.close();
    }
    assert.equal(fdCount(), before);
  });

  test("socketpair, dup and accept leave nothing behind", () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const addr = server.getsockname() as [string, number];
    noLeak(200, () => {
      const [a, b] = socket.socketpair();
      const c = a.dup();
      a.close();
      b.close();
      c.close();
      const client = socket.create_connection(addr);
      const [conn] = server.accept();
      conn.close();
      client.close();
    });
  });
});

describe("error paths leak nothing", () => {
  const port = closedPort();

  test("connect() refused", () => {
    noLeak(200, () => {
      using s = socket.socket();
      raises(socket.ConnectionRefusedError, () => s.connect(["127.0.0.1", port]));
    });
  });

  test("connect_ex() refused, and in non-blocking mode", () => {
    noLeak(200, () => {
      using s = socket.socket();
      assert.equal(s.connect_ex(["127.0.0.1", port]), ECONNREFUSED);
      using t = socket.socket();
      t.setblocking(false);
      const e = t.connect_ex(["127.0.0.1", port]);
      assert.ok(e === EINPROGRESS || e === ECONNREFUSED, `errno ${e}`);
    });
  });

  test("bind() to an address in use", () => {
    using holder = socket.socket();
    holder.bind(["127.0.0.1", 0]);
    holder.listen();
    const addr = holder.getsockname()!;
    noLeak(200, () => {
      using s = socket.socket();
      raises(socket.OSError, () => s.bind(addr), { errno: EADDRINUSE });
    });
  });

  test("accept() timing out", () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    server.settimeout(0.001);
    noLeak(50, () => {
      raises(socket.TimeoutError, () => server.accept());
    });
    server.setblocking(false);
    noLeak(200, () => {
      raises(socket.BlockingIOError, () => server.accept());
    });
  });

  test("a bad address after the socket is made", () => {
    noLeak(200, () => {
      using s = socket.socket();
      raises(TypeError, () => s.bind("x" as never));
      raises(socket.OverflowError, () => s.connect(["127.0.0.1", 70000]));
    });
    // The resolver is slow to say no (tens of milliseconds): fewer rounds.
    noLeak(5, () => {
      using s = socket.socket();
      raises(socket.gaierror, () => s.connect(["no-such-host.invalid", 1]));
    });
  });

  test("create_connection() refused, with a bad timeout, to a name that does not resolve", () => {
    noLeak(100, () => {
      raises(socket.ConnectionRefusedError, () => socket.create_connection(["127.0.0.1", port]));
      raises(socket.ConnectionRefusedError, () => socket.create_connection(["127.0.0.1", port], 1));
      raises(TypeError, () => socket.create_connection(["127.0.0.1", port], "x" as never));
      raises(socket.ValueError, () => socket.create_connection(["127.0.0.1", port], -1));
      raises(socket.OverflowError, () => socket.create_connection(["127.0.0.1", port], 1, ["127.0.0.1", 70000]));
    });
    noLeak(5, () => {
      raises(socket.gaierror, () => socket.create_connection(["no-such-host.invalid", port]));
    });
  });

  test("create_server() failing to bind, or with a bad backlog", () => {
    using holder = socket.create_server(["127.0.0.1", 0]);
    const addr = holder.getsockname()!;
    noLeak(200, () => {
      raises(socket.OSError, () => socket.create_server(addr), { errno: EADDRINUSE });
      raises(TypeError, () => socket.create_server(["127.0.0.1", 0], { backlog: "x" as never }));
      raises(TypeError, () => socket.create_server("x"));
    });
  });

  test("fromfd() and socket(fileno=) on a non-socket, a closed or a bad descriptor", () => {
    const dir = tempDir();
    const fd = openSync(dir.join("plain"), "w");
    try {
      noLeak(200, () => {
        raises(socket.OSError, () => socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM), { errno: ENOTSOCK });
        raises(socket.OSError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd), {
          errno: ENOTSOCK,
        });
        raises(socket.OSError, () => socket.socket(undefined, undefined, undefined, 1_000_000), { errno: EBADF });
        raises(socket.OSError, () => socket.fromfd(1_000_000, socket.AF_INET, socket.SOCK_STREAM), { errno: EBADF });
        raises(TypeError, () => socket.fromfd(fd, "x" as never, socket.SOCK_STREAM));
        raises(socket.ValueError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, -5));
      });
    } finally {
      closeSync(fd);
      dir.remove();
    }
  });

  test("socket() refused by the kernel", () => {
    noLeak(200, () => {
      raises(socket.OSError, () => socket.socket(12345, socket.SOCK_STREAM));
      raises(socket.OSError, () => socket.socketpair(socket.AF_INET, socket.SOCK_STREAM));
    });
  });
});

describe("closed sockets and reused numbers", () => {
  test("a closed socket never reaches the descriptor number reused since", () => {
    const a = socket.socket();
    const fd = a.fileno();
    a.close();
    using b = socket.socket(); // the lowest free number: a's
    assert.equal(b.fileno(), fd, "the number was reused");
    for (
      const op of [
        () => a.bind(["127.0.0.1", 0]),
        () => a.listen(),
        () => a.connect(["127.0.0.1", 9]),
        () => a.settimeout(0),
        () => a.setblocking(false),
        () => a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1),
        () => a.set_inheritable(true),
        () => a.shutdown(socket.SHUT_RDWR),
        () => a.send(new Uint8Array(1)),
        () => a.recv(1),
        () => a.dup(),
        () => a.getsockname(),
      ]
    ) raises(socket.OSError, op, { errno: EBADF });
    assert.equal(a.connect_ex(["127.0.0.1", 9]), EBADF);
    assert.equal(a.detach(), -1);
    a.close(); // idempotent: b stays open
    assert.ok(isOpen(fd));
    assert.deepEqual(b.getsockname(), ["0.0.0.0", 0]);
    assert.equal(b.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    assert.equal(libc.fcntl(fd, SYS.F_GETFL, 0) & SYS.O_NONBLOCK, 0);
    assert.equal(b.get_inheritable(), false);
    assert.equal(b.gettimeout(), null);
  });

  test("a detached socket's later close() leaves the descriptor to its new owner", () => {
    const a = socket.socket();
    const fd = a.detach();
    a.close();
    assert.ok(isOpen(fd));
    using b = socket.socket(undefined, undefined, undefined, fd);
    assert.equal(b.fileno(), fd);
    assert.equal(b.family, socket.AF_INET);
  });
});

describe("detach()", () => {
  test("hands the descriptor over exactly once", () => {
    const s = socket.socket();
    const fd = s.fileno();
    assert.equal(s.detach(), fd);
    assert.equal(s.detach(), -1);
    assert.equal(s.fileno(), -1);
    raises(socket.OSError, () => s.getsockname(), { errno: EBADF });
    s[Symbol.dispose]();
    assert.ok(isOpen(fd), "the detached descriptor stays open");
    socket.close(fd);
    assert.ok(!isOpen(fd));
    raises(socket.OSError, () => socket.close(fd), { errno: EBADF });
  });
});

const MOD = new URL("../mod.ts", import.meta.url).href;

/**
 * The child: drops sockets without closing them (and detaches some), forces
 * collection, and prints the descriptor counts and whether the detached
 * descriptors are still open.
 */
const CHILD = `
import * as socket from ${JSON.stringify(MOD)};
import { readdirSync } from "node:fs";
import { libc } from ${JSON.stringify(new URL("../ffi/mod.ts", import.meta.url).href)};
const count = () => readdirSync("/proc/self/fd").length;
const gc = globalThis.Bun ? () => Bun.gc(true) : globalThis.gc;
const before = count();
(function drop() { for (let i = 0; i < 500; i++) socket.socket(); })();
const detached = (function () {
  const fds = [];
  for (let i = 0; i < 10; i++) fds.push(socket.socket().detach());
  return fds;
})();
const dropped = count();
// Finalizers run as tasks after a collection: a loaded machine may need many turns.
for (let i = 0; i < 250 && count() > before + detached.length; i++) {
  gc();
  await new Promise((r) => setTimeout(r, 20));
}
const after = count();
const stillOpen = detached.filter((fd) => libc.fcntl(fd, 1, 0) >= 0).length;
console.log(JSON.stringify({ before, dropped, after, stillOpen }));
`;

describe("finalization", () => {
  test("sockets dropped unclosed are closed by the FinalizationRegistry; detached ones are not", () => {
    const dir = tempDir();
    try {
      const file = dir.join("child.ts");
      writeFileSync(file, CHILD);
      const exe = (globalThis as unknown as { process: { execPath: string } }).process.execPath;
      const args = RUNTIME === "deno" ? ["run", "-A", "--no-check", "--v8-flags=--expose-gc", file] : [file];
      const run = spawnSync(exe, args, { encoding: "utf8", timeout: 60_000 });
      assert.equal(run.status, 0, run.stderr);
      const r = JSON.parse(run.stdout.trim().split("\n").pop()!);
      console.log(`finalization (${RUNTIME}): ${JSON.stringify(r)}`);
      assert.ok(r.dropped >= r.before + 510, `sockets were opened: ${JSON.stringify(r)}`);
      assert.equal(r.after, r.before + 10, "every dropped socket closed, every detached descriptor kept");
      assert.equal(r.stillOpen, 10);
    } finally {
      dir.remove();
    }
  });
});
