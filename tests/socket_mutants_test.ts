/**
 * Socket-object behaviour that the broader tests leave open, each checked
 * against what CPython 3.11 does on Linux (the values in the comments are
 * python3's): timeouts as `settimeout` parses them and as the descriptor's
 * `O_NONBLOCK` flag shows them, the constructor's arguments, `connect` and
 * `connect_ex` in timeout mode (an error the kernel reports at once, and a
 * connection the kernel leaves in progress), `getsockopt` with a buffer,
 * `setsockopt`'s `int` range, and the backlog `listen` hands the kernel
 * (read back through `TCP_INFO`).
 *
 * @module
 */

import { describe, test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { libc } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { fnv1a, peer, raises, tempDir } from "./helpers.ts";

const { F_GETFL, O_NONBLOCK, EWOULDBLOCK, ENOENT } = SYS;

/** Whether the descriptor itself is non-blocking (`O_NONBLOCK`). */
function nonBlocking(s: socket.SocketType): boolean {
  return (libc.fcntl(s.fileno(), F_GETFL, 0) & O_NONBLOCK) !== 0;
}

/** A listening TCP socket on loopback with `backlog`, or the default one. */
function listener(backlog?: number) {
  const l = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  l.bind(["127.0.0.1", 0]);
  if (backlog === undefined) l.listen();
  else l.listen(backlog);
  return l;
}

/** The listen backlog the kernel keeps for `l`: `tcpi_sacked` of a listening socket's `TCP_INFO`. */
function kernelBacklog(l: socket.SocketType): number {
  const info = l.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104);
  return new DataView(info.buffer, info.byteOffset, info.byteLength).getUint32(28, true);
}

describe("timeouts", () => {
  test("settimeout takes booleans as 1 and 0, -0 as 0, undefined as None, and up to 9.2e9 s", () => {
    using s = socket.socket();
    s.settimeout(true as never); // python3: 1.0
    assert.equal(s.gettimeout(), 1);
    s.settimeout(false as never); // python3: 0.0
    assert.equal(s.gettimeout(), 0);
    s.settimeout(-0); // python3: 0.0
    assert.ok(Object.is(s.gettimeout(), 0));
    s.settimeout(9.2e9); // python3: 9200000000.0
    assert.equal(s.gettimeout(), 9.2e9);
    s.settimeout(undefined as never);
    assert.equal(s.gettimeout(), null);
    raises(socket.OverflowError, () => s.settimeout(9.3e9));
  });

  test("getdefaulttimeout() is None until set", () => {
    assert.equal(socket.getdefaulttimeout(), null);
  });

  test("the descriptor is O_NONBLOCK exactly when the socket is not in blocking mode", () => {
    using s = socket.socket();
    assert.equal(nonBlocking(s), false);
    s.settimeout(0);
    assert.equal(nonBlocking(s), true);
    s.setblocking(true);
    assert.equal(nonBlocking(s), false, "setblocking(True) clears O_NONBLOCK");
    s.settimeout(2);
    assert.equal(nonBlocking(s), true);
    s.settimeout(null);
    assert.equal(nonBlocking(s), false);
    socket.setdefaulttimeout(1.5);
    try {
      using t = socket.socket();
      assert.equal(t.gettimeout(), 1.5);
      assert.equal(nonBlocking(t), true, "a socket made under a default timeout is non-blocking underneath");
    } finally {
      socket.setdefaulttimeout(null);
    }
  });
});

describe("socket() arguments", () => {
  test("null and undefined mean the defaults; proto and fileno work as keywords", () => {
    using a = socket.socket(null, null, null, null);
    assert.deepEqual([a.family, a.type, a.proto], [socket.AF_INET, socket.SOCK_STREAM, 0]);
    using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP);
    assert.equal(b.proto, socket.IPPROTO_UDP); // python3: 17
    using c = socket.socket({ family: socket.AF_INET, type: socket.SOCK_DGRAM, proto: socket.IPPROTO_UDP });
    assert.deepEqual([c.family, c.type, c.proto], [socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP]);
    const fd = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).detach();
    using d = socket.socket({ fileno: fd });
    assert.deepEqual([d.fileno(), d.family, d.type, d.proto], [fd, socket.AF_INET6, socket.SOCK_DGRAM, 17]);
  });

  test("socket(fileno=1.5) is CPython's TypeError for a float", () => {
    raises(TypeError, () => socket.socket(undefined, undefined, undefined, 1.5), {
      message: "'float' object cannot be interpreted as an integer", // python3 3.11
    });
  });

  test("socket(fileno=) keeps an explicit type and protocol rather than the descriptor's", () => {
    const fd = socket.socket(socket.AF_INET, socket.SOCK_STREAM).detach();
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 17, fd);
    assert.deepEqual([s.family, s.type, s.proto], [socket.AF_INET, socket.SOCK_DGRAM, 17]);
  });

  test("socket(fileno=0) looks at descriptor 0 (an OSError when it is not a socket), never 'negative file descriptor'", () => {
    let s: socket.SocketType | undefined;
    try {
      s = socket.socket(undefined, undefined, undefined, 0);
    } catch (e) {
      assert.ok(e instanceof socket.OSError, `${e}`); // python3 with stdin a pipe: [Errno 88] Socket operation on non-socket
    }
    s?.detach();
  });
});

describe("connect and connect_ex in timeout mode", () => {
  test("connect_ex names itself in argument errors", () => {
    using s = socket.socket();
    raises(TypeError, () => s.connect_ex("x" as never), {
      message: "connect_ex(): AF_INET address must be tuple, not str",
    });
  });

  test("an error the kernel reports at once is raised (connect) or returned (connect_ex), with no wait", () => {
    const dir = tempDir();
    try {
      using u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      u.settimeout(5);
      raises(socket.FileNotFoundError, () => u.connect(dir.join("nobody")), { errno: ENOENT });
      assert.equal(u.connect_ex(dir.join("nobody")), ENOENT);
    } finally {
      dir.remove();
    }
  });

  test("a connection the kernel leaves in progress times out: TimeoutError, or EWOULDBLOCK from connect_ex", () => {
    // A full accept queue (backlog 0, one connection waiting) makes the kernel drop further SYNs.
    using l = listener(0);
    const addr = l.getsockname();
    const waiting: socket.SocketType[] = [];
    let timedOut = false;
    try {
      for (let i = 0; i < 16 && !timedOut; i++) {
        const c = socket.socket();
        waiting.push(c);
        c.settimeout(0.3);
        try {
          c.connect(addr);
        } catch (e) {
          assert.ok(e instanceof socket.TimeoutError, `${e}`); // python3: TimeoutError('timed out')
          assert.equal((e as Error).message, "timed out");
          timedOut = true;
        }
      }
      assert.ok(timedOut, "a connect to a full accept queue timed out");
      const c = socket.socket();
      waiting.push(c);
      c.settimeout(0.3);
      assert.equal(c.connect_ex(addr), EWOULDBLOCK); // python3: 11
    } finally {
      for (const c of waiting) c.close();
    }
  });
});

describe("socket options", () => {
  test("getsockopt with a buffer returns the bytes the kernel wrote, for a buflen of 1 to 1024", () => {
    using s = socket.socket();
    const type = new Uint8Array(new Int32Array([socket.SOCK_STREAM]).buffer);
    assert.deepEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 16), type); // python3: b'\x01\x00\x00\x00'
    assert.deepEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1024), type);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0), socket.SOCK_STREAM); // python3: 1
    raises(socket.OSError, () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1025), {
      message: "getsockopt buflen out of range",
    });
    raises(socket.OSError, () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, -1), {
      message: "getsockopt buflen out of range",
    });
  });

  test("setsockopt takes an int value from -2**31 to 2**31-1; beyond, a bytes-like object is required", () => {
    using s = socket.socket();
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 31 - 1);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, -(2 ** 31));
    for (const v of [2 ** 31, -(2 ** 31) - 1]) {
      raises(TypeError, () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, v), {
        message: "a bytes-like object is required, not 'int'",
      });
    }
    // python3 3.11's message, for 2 and for 5 arguments alike.
    raises(TypeError, () => (s.setsockopt as (...a: unknown[]) => void)(socket.SOL_SOCKET, socket.SO_REUSEADDR), {
      message: "setsockopt() takes exactly 3 arguments (2 given)",
    });
    raises(TypeError, () => (s.setsockopt as (...a: unknown[]) => void)(1, 2, 3, 4, 5), {
      message: "setsockopt() takes exactly 3 arguments (5 given)",
    });
    // A value with an optlen: python3 raises TypeError as well.
    raises(TypeError, () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1 as never, 4));
    raises(TypeError, () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1.5), {
      message: "a bytes-like object is required, not 'float'",
    });
  });
});

describe("listen", () => {
  test("the backlog reaches the kernel: min(SOMAXCONN, 128) by default, a negative one as 0", () => {
    using a = listener();
    assert.equal(kernelBacklog(a), Math.min(socket.SOMAXCONN, 128)); // python3: 128
    using b = listener(7);
    assert.equal(kernelBacklog(b), 7);
    using c = listener(-3);
    assert.equal(kernelBacklog(c), 0); // python3: 0
  });
});

describe("sock_accept's socket", () => {
  test("has the listener's family, type and protocol, works, and leaves later socket(fileno=) probing", async () => {
    using l = listener();
    l.setblocking(false);
    using c = socket.socket();
    c.setblocking(false);
    c.connect_ex(l.getsockname());
    const [conn, addr] = await socket.sock_accept(l);
    using _conn = conn;
    assert.deepEqual([conn.family, conn.type, conn.proto], [socket.AF_INET, socket.SOCK_STREAM, 0]);
    assert.deepEqual(addr, c.getsockname());
    c.setblocking(true);
    c.sendall(new Uint8Array([7]));
    assert.deepEqual(await socket.sock_recv(conn, 1), new Uint8Array([7]));
    // A socket adopted afterwards, with no family given, reads its family from the descriptor.
    const fd = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).detach();
    using d = socket.socket(undefined, undefined, undefined, fd);
    assert.deepEqual([d.family, d.type, d.proto], [socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP]);
  });
});

describe("sending in timeout mode", () => {
  test("sendall of 8 MiB to a peer that reads it all: waits for room to write, under one deadline", async () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const { done } = await peer({ op: "drain", family: socket.AF_INET, address: server.getsockname() });
    const [conn] = server.accept();
    const data = new Uint8Array(8 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i >> 11)) & 0xff;
    conn.settimeout(60);
    conn.sendall(data);
    conn.close();
    const result = await done;
    assert.equal(result.bytes, data.length);
    assert.equal(result.hash, fnv1a(data));
  });

  test("sendto names itself in address errors", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    raises(TypeError, () => s.sendto(new Uint8Array(1), "x" as never), {
      message: "sendto(): AF_INET address must be tuple, not str", // python3 3.11
    });
  });
});

describe("small calls python3 answers at once", () => {
  test("recv(0) and recv_into of an empty buffer on a blocking UDP socket with nothing queued return at once", () => {
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    assert.deepEqual(u.recv(0), new Uint8Array(0)); // python3: b''
    assert.equal(u.recv_into(new Uint8Array(0)), 0); // python3: 0
  });

  test("sendto with 1 or 4 arguments is CPython's TypeError", () => {
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const sendto = u.sendto as (...a: unknown[]) => number;
    raises(TypeError, () => sendto.call(u, new Uint8Array(1)), {
      message: "sendto() takes 2 or 3 arguments (1 given)",
    });
    raises(TypeError, () => sendto.call(u, new Uint8Array(1), 0, ["127.0.0.1", 9], 1), {
      message: "sendto() takes 2 or 3 arguments (4 given)",
    });
  });

  test("repr: an unnamed AF_UNIX socket shows no laddr; a TCP pair shows laddr and raddr; a closed one fd=-1", () => {
    const [a, b] = socket.socketpair();
    assert.equal(String(a), `<socket.socket fd=${a.fileno()}, family=1, type=1, proto=0>`);
    a.close();
    b.close();
    assert.equal(String(a), "<socket.socket [closed] fd=-1, family=1, type=1, proto=0>");
    using l = listener();
    using c = socket.socket();
    c.connect(l.getsockname());
    const [conn] = l.accept();
    using _conn = conn;
    const [lh, lp] = c.getsockname() as [string, number];
    const [rh, rp] = c.getpeername() as [string, number];
    assert.equal(
      String(c),
      `<socket.socket fd=${c.fileno()}, family=2, type=1, proto=0, laddr=('${lh}', ${lp}), raddr=('${rh}', ${rp})>`,
    );
  });
});
