import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, openSync } from "node:fs";
import * as socket from "../mod.ts";
import { inspect } from "node:util";
import { bytes, fnv1a, hasIPv6Loopback, peer, raises, tempDir, text } from "./helpers.ts";
import { oracle } from "./oracle.ts";
import { SYS } from "../ffi/gen/mod.ts";

const IPV6 = hasIPv6Loopback(socket);
const { EBADF, EAGAIN } = socket;

/** A connected TCP pair on loopback, made in one thread: connect completes through the backlog. */
function tcpPair(family = socket.AF_INET): [socket.SocketType, socket.SocketType] {
  using server = socket.socket(family, socket.SOCK_STREAM);
  server.bind([family === socket.AF_INET ? "127.0.0.1" : "::1", 0]);
  server.listen();
  const client = socket.socket(family, socket.SOCK_STREAM);
  client.connect(server.getsockname()!);
  const [conn] = server.accept();
  return [client, conn];
}

describe("socket()", () => {
  test("socket() defaults to AF_INET, SOCK_STREAM, proto 0, blocking", () => {
    using s = socket.socket();
    assert.equal(s.family, socket.AF_INET);
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.proto, 0);
    assert.equal(s.timeout, null);
    assert.equal(s.gettimeout(), null);
    assert.equal(s.getblocking(), true);
    assert.ok(s.fileno() >= 0);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN), socket.AF_INET);
  });

  test("socket is callable with and without new, and makes SocketType instances", () => {
    using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using b = new socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    for (const s of [a, b]) {
      assert.ok(s instanceof socket.SocketType);
      assert.ok(s instanceof socket.socket);
      assert.equal(s.type, socket.SOCK_DGRAM);
    }
  });

  test("socket() takes keyword arguments as an options object", () => {
    using s = socket.socket({ family: socket.AF_UNIX, type: socket.SOCK_DGRAM });
    assert.equal(s.family, socket.AF_UNIX);
    assert.equal(s.type, socket.SOCK_DGRAM);
    raises(TypeError, () => socket.socket({ famly: 1 } as never), { message: /unexpected keyword argument 'famly'/ });
  });

  test("new sockets are close-on-exec and not inheritable", () => {
    using s = socket.socket();
    assert.equal(s.get_inheritable(), false);
    s.set_inheritable(true);
    assert.equal(s.get_inheritable(), true);
    s.set_inheritable(false);
    assert.equal(s.get_inheritable(), false);
  });

  test("SOCK_NONBLOCK and SOCK_CLOEXEC are masked out of .type; SOCK_NONBLOCK means timeout 0", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC);
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.gettimeout(), 0);
    assert.equal(s.getblocking(), false);
  });

  test("socket() with an unsupported family raises OSError from the system", () => {
    const e = raises(socket.OSError, () => socket.socket(12345, socket.SOCK_STREAM));
    assert.equal(typeof e.errno, "number");
  });

  test("socket(fileno=) reads family, type and protocol from the descriptor", () => {
    using a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    const fd = a.detach();
    using b = socket.socket(undefined, undefined, undefined, fd);
    assert.equal(b.family, socket.AF_INET6);
    assert.equal(b.type, socket.SOCK_DGRAM);
    assert.equal(b.proto, socket.IPPROTO_UDP);
    assert.equal(b.fileno(), fd);
  });

  test("socket(fileno=) trusts explicit arguments, rejects bad descriptors", () => {
    using a = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    const fd = a.detach();
    using b = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd);
    assert.equal(b.fileno(), fd);
    raises(ValueError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, -1), {
      message: "negative file descriptor",
    });
    raises(TypeError, () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 1.5));
    raises(socket.OSError, () => socket.socket(undefined, undefined, undefined, 100000), { errno: EBADF });
  });

  test("socket(fileno=) of a descriptor that is not a socket raises ENOTSOCK", () => {
    const dir = tempDir();
    const fd = openSync(dir.join("plain"), "w");
    try {
      raises(socket.OSError, () => socket.socket(undefined, undefined, undefined, fd), { errno: 88 });
    } finally {
      closeSync(fd);
      dir.remove();
    }
  });
});

const { ValueError, OverflowError } = socket;

describe("close, detach, dup, fileno", () => {
  test("close() is idempotent and fileno() is -1 afterwards", () => {
    const s = socket.socket();
    s.close();
    s.close();
    assert.equal(s.fileno(), -1);
  });

  test("every operation on a closed socket raises OSError(EBADF) without touching the old descriptor", () => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const old = s.fileno();
    s.close();
    // Reuse the number: POSIX gives a new descriptor the lowest free number, the one just closed.
    using other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    assert.equal(other.fileno(), old, "the closed socket's number was reused");
    other.bind(["127.0.0.1", 0]);
    const before = other.getsockname();
    const ops: [string, () => unknown][] = [
      ["recv", () => s.recv(10)],
      ["recv_into", () => s.recv_into(new Uint8Array(4))],
      ["recvfrom", () => s.recvfrom(10)],
      ["send", () => s.send(bytes("x"))],
      ["sendall", () => s.sendall(bytes("x"))],
      ["sendto", () => s.sendto(bytes("x"), ["127.0.0.1", 9])],
      ["bind", () => s.bind(["127.0.0.1", 0])],
      ["connect", () => s.connect(["127.0.0.1", 9])],
      ["listen", () => s.listen()],
      ["accept", () => s.accept()],
      ["getsockname", () => s.getsockname()],
      ["getpeername", () => s.getpeername()],
      ["getsockopt", () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)],
      ["setsockopt", () => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)],
      ["settimeout", () => s.settimeout(1)],
      ["shutdown", () => s.shutdown(socket.SHUT_RDWR)],
      ["dup", () => s.dup()],
      ["get_inheritable", () => s.get_inheritable()],
    ];
    for (const [name, op] of ops) {
      const e = raises(socket.OSError, op);
      assert.equal(e.errno, EBADF, name);
    }
    assert.equal(s.connect_ex(["127.0.0.1", 9]), EBADF);
    assert.deepEqual(other.getsockname(), before);
    assert.equal(other.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_DGRAM);
  });

  test("detach() hands the descriptor over once; the socket is closed", () => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const fdBefore = s.fileno();
    const fd = s.detach();
    assert.equal(fd, fdBefore);
    assert.equal(s.fileno(), -1);
    assert.equal(s.detach(), -1);
    s.close(); // must not close fd
    using again = socket.socket(undefined, undefined, undefined, fd);
    assert.equal(again.type, socket.SOCK_DGRAM);
  });

  test("dup() gives an independent descriptor with the same family, type, proto and timeout", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.settimeout(2.5);
    s.bind(["127.0.0.1", 0]);
    using d = s.dup();
    assert.notEqual(d.fileno(), s.fileno());
    assert.equal(d.family, s.family);
    assert.equal(d.type, s.type);
    assert.equal(d.gettimeout(), 2.5);
    assert.deepEqual(d.getsockname(), s.getsockname());
    assert.equal(d.get_inheritable(), false);
    s.close();
    assert.ok(d.getsockname());
  });

  test("fromfd() duplicates; module close(fd) closes a descriptor", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    using f = socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM);
    assert.notEqual(f.fileno(), s.fileno());
    const fd = f.detach();
    socket.close(fd);
    raises(socket.OSError, () => socket.close(fd), { errno: EBADF });
  });

  test("Symbol.dispose closes: using", () => {
    let fd: number;
    let s: socket.SocketType;
    {
      using t = socket.socket();
      s = t;
      fd = t.fileno();
    }
    assert.equal(s.fileno(), -1);
    raises(socket.OSError, () => socket.close(fd), { errno: EBADF });
  });

  test("the inspect form reads like Python's repr", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.bind(["127.0.0.1", 0]);
    const port = (s.getsockname() as [string, number])[1];
    const repr = `<socket.socket fd=${s.fileno()}, family=2, type=1, proto=0, laddr=('127.0.0.1', ${port})>`;
    assert.equal(String(s), repr);
    assert.equal(inspect(s), repr);
    const runtime = globalThis as unknown as {
      Deno?: { inspect(v: unknown): string };
      Bun?: { inspect(v: unknown): string };
    };
    assert.equal((runtime.Bun ?? runtime.Deno)!.inspect(s), repr);
    s.close();
    assert.equal(String(s), "<socket.socket [closed] fd=-1, family=2, type=1, proto=0>");
  });

  test("inspect shows raddr for a connected socket", () => {
    const [a, b] = tcpPair();
    using _a = a;
    using _b = b;
    assert.match(
      String(a),
      /^<socket\.socket fd=\d+, family=2, type=1, proto=0, laddr=\('127\.0\.0\.1', \d+\), raddr=\('127\.0\.0\.1', \d+\)>$/,
    );
  });
});

describe("addresses", () => {
  test("AF_INET: bind, getsockname; '' is INADDR_ANY", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["", 0]);
    const [host, port] = s.getsockname() as [string, number];
    assert.equal(host, "0.0.0.0");
    assert.ok(port > 0);
  });

  test("AF_INET: names resolve ('localhost'), bytes hosts are accepted", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["localhost", 0]);
    assert.equal((s.getsockname() as [string, number])[0], "127.0.0.1");
    using t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    t.bind([bytes("127.0.0.1"), 0]);
    assert.equal((t.getsockname() as [string, number])[0], "127.0.0.1");
  });

  test("AF_INET: '<broadcast>' is INADDR_BROADCAST", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1);
    s.connect(["<broadcast>", 9]);
    assert.equal((s.getpeername() as [string, number])[0], "255.255.255.255");
  });

  test("AF_INET: argument errors come before any system call, with CPython's classes and messages", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    raises(OverflowError, () => s.bind(["127.0.0.1", -1]), { message: "bind(): port must be 0-65535." });
    raises(OverflowError, () => s.connect(["127.0.0.1", 65536]), { message: "connect(): port must be 0-65535." });
    raises(TypeError, () => s.bind(["127.0.0.1", "80"] as never), {
      message: "'str' object cannot be interpreted as an integer",
    });
    raises(TypeError, () => s.bind(["127.0.0.1", 1.5]), {
      message: "'float' object cannot be interpreted as an integer",
    });
    raises(TypeError, () => s.bind("x" as never), { message: "bind(): AF_INET address must be tuple, not str" });
    raises(TypeError, () => s.bind(["127.0.0.1"] as never), { message: "AF_INET address must be a pair (host, port)" });
    raises(TypeError, () => s.bind(["127.0.0.1", 1, 2] as never), {
      message: "AF_INET address must be a pair (host, port)",
    });
    raises(TypeError, () => s.bind([1, 2] as never), { message: "str, bytes or bytearray expected, not int" });
    raises(TypeError, () => s.bind(["a\0b", 1]), { message: "host name must not contain null character" });
    raises(TypeError, () => s.bind(["127.0.0.1", 2n] as never));
    raises(TypeError, () => s.bind(["127.0.0.1", NaN]));
    assert.equal(s.getsockname()?.toString(), "0.0.0.0,0");
  });

  test("AF_INET: an unknown host name raises gaierror", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    const e = raises(socket.gaierror, () => s.connect(["nonexistent.invalid", 80]));
    assert.ok(e.errno !== null && e.errno < 0);
    assert.match(String(e), /^\[Errno -\d+\] /);
  });

  test("AF_INET6: bind returns the four-tuple; flowinfo and scope_id are checked", { skip: !IPV6 }, () => {
    using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    s.bind(["::1", 0]);
    const [host, port, flowinfo, scope] = s.getsockname() as [string, number, number, number];
    assert.equal(host, "::1");
    assert.ok(port > 0);
    assert.equal(flowinfo, 0);
    assert.equal(scope, 0);
    raises(OverflowError, () => s.connect(["::1", 0, 0x100000]), { message: "connect(): flowinfo must be 0-1048575." });
    raises(TypeError, () => s.connect(["::1"] as never), {
      message: "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])",
    });
    raises(TypeError, () => s.connect(["", 0, 1, 2, 3] as never));
    raises(TypeError, () => s.connect("::1" as never), {
      message: "connect(): AF_INET6 address must be tuple, not str",
    });
    raises(socket.OSError, () => s.connect(["<broadcast>", 0]), { message: "address family mismatched" });
  });

  test("AF_INET6: '' is the unspecified address", () => {
    using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    s.bind(["", 0]);
    assert.equal((s.getsockname() as unknown[])[0], "::");
  });

  test("AF_UNIX: paths as strings and bytes, unbound name '', abstract names as bytes", () => {
    const dir = tempDir();
    try {
      using unbound = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      assert.equal(unbound.getsockname(), "");
      using a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      a.bind(dir.join("a.sock"));
      assert.equal(a.getsockname(), dir.join("a.sock"));
      using b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      b.bind(bytes(dir.join("b.sock")));
      assert.equal(b.getsockname(), dir.join("b.sock"));
      using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const name = bytes(`\0pysocket-test-${Math.random()}`);
      c.bind(name);
      assert.deepEqual(c.getsockname(), name);
      using auto = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      auto.bind("");
      const got = auto.getsockname() as Uint8Array;
      assert.ok(got instanceof Uint8Array && got[0] === 0 && got.length > 1);
    } finally {
      dir.remove();
    }
  });

  test("AF_UNIX: too long is OSError, NUL is ValueError, wrong type is TypeError", () => {
    using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    raises(socket.OSError, () => s.bind("/tmp/" + "x".repeat(200)), { message: "AF_UNIX path too long", errno: null });
    raises(socket.OSError, () => s.bind(new Uint8Array(109)), { message: "AF_UNIX path too long" });
    raises(ValueError, () => s.bind("/tmp/a\0b"));
    raises(TypeError, () => s.bind(5 as never), { message: "a bytes-like object is required, not 'int'" });
    raises(TypeError, () => s.bind(["a"] as never));
  });
});

describe("connections and data", () => {
  for (const family of [socket.AF_INET, socket.AF_INET6]) {
    test(`TCP over ${family === socket.AF_INET ? "IPv4" : "IPv6"}: connect, accept, send, recv, addresses`, {
      skip: family === socket.AF_INET6 && !IPV6,
    }, () => {
      using server = socket.socket(family, socket.SOCK_STREAM);
      server.bind([family === socket.AF_INET ? "127.0.0.1" : "::1", 0]);
      server.listen(5);
      using client = socket.socket(family, socket.SOCK_STREAM);
      client.connect(server.getsockname()!);
      const [conn, addr] = server.accept();
      using _conn = conn;
      assert.deepEqual(addr, client.getsockname());
      assert.deepEqual(client.getpeername(), server.getsockname());
      assert.equal(conn.family, family);
      assert.equal(conn.type, socket.SOCK_STREAM);
      assert.equal(conn.get_inheritable(), false);
      assert.equal(client.send(bytes("hello")), 5);
      assert.equal(text(conn.recv(1024)), "hello");
      conn.sendall(bytes("world"));
      const buf = new Uint8Array(10);
      assert.equal(client.recv_into(buf), 5);
      assert.equal(text(buf.subarray(0, 5)), "world");
    });
  }

  test("Unix stream: connect to a path, peer name, shutdown gives the peer end of stream", () => {
    const dir = tempDir();
    try {
      using server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      server.bind(dir.join("s"));
      server.listen();
      using client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      client.connect(dir.join("s"));
      const [conn, addr] = server.accept();
      using _c = conn;
      assert.equal(addr, "");
      assert.equal(client.getpeername(), dir.join("s"));
      client.sendall(bytes("abc"));
      client.shutdown(socket.SHUT_WR);
      assert.equal(text(conn.recv(10)), "abc");
      assert.equal(conn.recv(10).length, 0);
    } finally {
      dir.remove();
    }
  });

  test("socketpair(): AF_UNIX SOCK_STREAM by default, and SOCK_DGRAM pairs keep boundaries", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    assert.equal(a.family, socket.AF_UNIX);
    assert.equal(a.type, socket.SOCK_STREAM);
    a.sendall(bytes("x"));
    assert.equal(text(b.recv(1)), "x");
    const [c, d] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    using _c = c;
    using _d = d;
    c.send(bytes("one"));
    c.send(bytes("two"));
    assert.equal(text(d.recv(100)), "one");
    assert.equal(text(d.recv(100)), "two");
  });

  test("UDP: sendto in both forms, recvfrom returns the sender", () => {
    using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    a.bind(["127.0.0.1", 0]);
    b.bind(["127.0.0.1", 0]);
    assert.equal(a.sendto(bytes("one"), b.getsockname()!), 3);
    assert.equal(a.sendto(bytes("two"), 0, b.getsockname()!), 3);
    const [d1, from1] = b.recvfrom(100);
    assert.equal(text(d1), "one");
    assert.deepEqual(from1, a.getsockname());
    const buf = new Uint8Array(8);
    const [n, from2] = b.recvfrom_into(buf);
    assert.equal(n, 3);
    assert.equal(text(buf.subarray(0, 3)), "two");
    assert.deepEqual(from2, a.getsockname());
    raises(TypeError, () => (a.sendto as (...x: unknown[]) => number)(bytes("x")), {
      message: "sendto() takes 2 or 3 arguments (1 given)",
    });
  });

  test("Unix datagram: recvfrom from an unbound sender gives null; connect works", () => {
    const dir = tempDir();
    try {
      using server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      server.bind(dir.join("log"));
      using client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      client.sendto(bytes("<13>hello"), dir.join("log"));
      const [data, from] = server.recvfrom(1024);
      assert.equal(text(data), "<13>hello");
      assert.equal(from, null);
      client.connect(dir.join("log"));
      client.send(bytes("READY=1"));
      assert.equal(text(server.recv(100)), "READY=1");
    } finally {
      dir.remove();
    }
  });

  test("SOCK_SEQPACKET keeps message boundaries", () => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
    using _a = a;
    using _b = b;
    a.send(bytes("first"));
    a.send(bytes("second"));
    assert.equal(text(b.recv(100)), "first");
    assert.equal(text(b.recv(100)), "second");
  });

  test("recv and recv_into argument checks", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    raises(ValueError, () => a.recv(-1), { message: "negative buffersize in recv" });
    raises(ValueError, () => a.recvfrom(-1), { message: "negative buffersize in recvfrom" });
    raises(ValueError, () => a.recv_into(new Uint8Array(4), -1), { message: "negative buffersize in recv_into" });
    raises(ValueError, () => a.recv_into(new Uint8Array(4), 5), { message: "buffer too small for requested bytes" });
    raises(ValueError, () => a.recvfrom_into(new Uint8Array(4), 5), {
      message: "nbytes is greater than the length of the buffer",
    });
    raises(TypeError, () => a.recv_into("abc" as never));
    raises(TypeError, () => a.send("abc" as never), { message: "a bytes-like object is required, not 'str'" });
    raises(TypeError, () => a.recv("1" as never));
  });

  test("recv_into honours nbytes, subarrays, other views, and keyword options", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.sendall(bytes("abcdefgh"));
    const buf = new Uint8Array(16);
    assert.equal(b.recv_into(buf.subarray(3), 2), 2);
    assert.equal(text(buf.subarray(3, 5)), "ab");
    assert.equal(buf[2], 0);
    assert.equal(buf[5], 0);
    assert.equal(b.recv_into(buf, { nbytes: 3 }), 3);
    assert.equal(text(buf.subarray(0, 3)), "cde");
    const words = new Uint16Array(2);
    assert.equal(b.recv_into(words), 3);
    assert.equal(new TextDecoder().decode(new Uint8Array(words.buffer, 0, 3)), "fgh");
  });

  test("recv with MSG_PEEK leaves the data; recv results stay valid after later calls", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.sendall(bytes("peekaboo"));
    const peeked = b.recv(4, socket.MSG_PEEK);
    const first = b.recv(4);
    const second = b.recv(4);
    assert.equal(text(peeked), "peek");
    assert.equal(text(first), "peek");
    assert.equal(text(second), "aboo");
  });

  test("sendall moves 8 MiB through a peer that checksums it", async () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const { done } = await peer({ op: "drain", family: socket.AF_INET, address: server.getsockname() });
    const [conn] = server.accept();
    const data = new Uint8Array(8 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
    conn.sendall(data);
    conn.close();
    const result = await done;
    assert.equal(result.bytes, data.length);
    assert.equal(result.hash, fnv1a(data));
  });

  test("connecting to a closed port raises ConnectionRefusedError; connect_ex returns the errno", () => {
    using probe = socket.socket();
    probe.bind(["127.0.0.1", 0]);
    const addr = probe.getsockname()!;
    probe.close();
    using s = socket.socket();
    const e = raises(socket.ConnectionRefusedError, () => s.connect(addr));
    assert.equal(e.errno, 111);
    assert.equal(String(e), "[Errno 111] Connection refused");
    using t = socket.socket();
    assert.equal(t.connect_ex(addr), 111);
    using u = socket.socket();
    u.settimeout(2);
    raises(socket.ConnectionRefusedError, () => u.connect(addr));
  });
});

describe("modes and timeouts", () => {
  test("non-blocking recv and accept raise BlockingIOError(EAGAIN)", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.setblocking(false);
    assert.equal(a.gettimeout(), 0);
    assert.equal(a.getblocking(), false);
    raises(socket.BlockingIOError, () => a.recv(10), { errno: EAGAIN });
    using server = socket.create_server(["127.0.0.1", 0]);
    server.setblocking(false);
    raises(socket.BlockingIOError, () => server.accept(), { errno: EAGAIN });
  });

  test("a timeout raises TimeoutError('timed out') with errno null, never before the timeout", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.settimeout(0.05);
    assert.equal(a.gettimeout(), 0.05);
    assert.equal(a.getblocking(), true);
    const t0 = performance.now();
    const e = raises(socket.timeout, () => a.recv(10), { message: "timed out", errno: null });
    const waited = performance.now() - t0;
    assert.ok(e instanceof socket.TimeoutError && e instanceof socket.OSError);
    // The deadline is read on the same clock (performance.now) after t0: the wait cannot be shorter.
    assert.ok(waited >= 50, `fired early: waited ${waited} ms`);
    b.sendall(bytes("late"));
    assert.equal(text(a.recv(10)), "late");
  });

  test("sendall in timeout mode times out as a whole when the peer does not read", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.settimeout(0.1);
    raises(socket.timeout, () => a.sendall(new Uint8Array(16 << 20)), { message: "timed out" });
  });

  test("settimeout validates like CPython", () => {
    using s = socket.socket();
    raises(ValueError, () => s.settimeout(-1), { message: "Timeout value out of range" });
    raises(ValueError, () => s.settimeout(NaN), { message: "Invalid value NaN (not a number)" });
    raises(TypeError, () => s.settimeout("1" as never), { message: "Timeout value must be int, float or None" });
    raises(OverflowError, () => s.settimeout(Infinity));
    s.settimeout(3);
    assert.equal(s.timeout, 3);
    s.settimeout(null);
    assert.equal(s.timeout, null);
  });

  test("setdefaulttimeout applies to new sockets; accepted sockets follow Lib/socket.py", () => {
    assert.equal(socket.getdefaulttimeout(), null);
    socket.setdefaulttimeout(1.5);
    try {
      using s = socket.socket();
      assert.equal(s.gettimeout(), 1.5);
      using server = socket.create_server(["127.0.0.1", 0]);
      using client = socket.create_connection(server.getsockname() as [string, number]);
      const [conn] = server.accept();
      using _c = conn;
      assert.equal(conn.gettimeout(), 1.5);
      assert.equal(client.gettimeout(), 1.5);
    } finally {
      socket.setdefaulttimeout(null);
    }
    using server = socket.create_server(["127.0.0.1", 0]);
    server.settimeout(5);
    using client = socket.create_connection(server.getsockname() as [string, number]);
    const [conn] = server.accept();
    using _c = conn;
    assert.equal(conn.gettimeout(), null, "a listener's timeout does not pass on without a default");
    assert.equal(client.gettimeout(), null);
    raises(ValueError, () => socket.setdefaulttimeout(-1));
  });

  test("a non-blocking connect raises BlockingIOError(EINPROGRESS) or connects", () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    using s = socket.socket();
    s.setblocking(false);
    try {
      s.connect(server.getsockname()!);
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError);
      assert.equal(e.errno, 115);
    }
  });

  test("connect_ex in non-blocking mode returns EINPROGRESS instead of raising", () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    using s = socket.socket();
    s.setblocking(false);
    const rc = s.connect_ex(server.getsockname()!);
    assert.ok(rc === 0 || rc === 115, `connect_ex returned ${rc}`);
  });
});

describe("socket options", () => {
  test("int options round-trip; booleans are ints", () => {
    using s = socket.socket();
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, false);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, true);
    assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
  });

  test("bytes options and the buflen form", () => {
    using s = socket.socket();
    const linger = new Uint8Array(8);
    new DataView(linger.buffer).setInt32(0, 1, true);
    new DataView(linger.buffer).setInt32(4, 7, true);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger);
    const got = s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8);
    assert.ok(got instanceof Uint8Array);
    assert.deepEqual(got, linger);
    // As CPython: a buflen of 0 reads an int.
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0), socket.SOCK_STREAM);
    raises(socket.OSError, () => s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, -1), {
      message: "getsockopt buflen out of range",
    });
    raises(socket.OSError, () => s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 1025));
    raises(TypeError, () => s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, "x" as never));
  });

  test("setsockopt(level, name, null, optlen) passes a null pointer", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    // SO_BINDTODEVICE with an empty value removes the binding.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, null, 0);
    raises(TypeError, () => s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, 1 as never, 0));
  });

  test("a failing option raises OSError with the system's errno", () => {
    using s = socket.socket();
    raises(socket.OSError, () => s.setsockopt(socket.SOL_SOCKET, 9999, 1), {
      errno: SYS.ENOPROTOOPT,
      message: `[Errno ${SYS.ENOPROTOOPT}] Protocol not available`,
    });
    raises(socket.OSError, () => s.getsockopt(socket.SOL_SOCKET, 9999), { errno: SYS.ENOPROTOOPT });
  });
});

describe("create_connection, create_server, has_dualstack_ipv6", () => {
  test("create_server listens with SO_REUSEADDR; create_connection connects with a timeout", () => {
    using server = socket.create_server(["127.0.0.1", 0], { backlog: 4 });
    assert.equal(server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
    assert.equal(server.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
    using client = socket.create_connection(server.getsockname() as [string, number], 3);
    assert.equal(client.gettimeout(), 3);
    using c2 = socket.create_connection(["localhost", (server.getsockname() as [string, number])[1]], {
      timeout: null,
      source_address: ["127.0.0.1", 0],
    });
    assert.equal((c2.getsockname() as [string, number])[0], "127.0.0.1");
    assert.equal(c2.gettimeout(), null);
  });

  test("create_connection raises the last error, or all of them with all_errors", () => {
    using probe = socket.socket();
    probe.bind(["127.0.0.1", 0]);
    const port = (probe.getsockname() as [string, number])[1];
    probe.close();
    raises(socket.ConnectionRefusedError, () => socket.create_connection(["127.0.0.1", port]));
    const agg = raises(AggregateError, () => socket.create_connection(["127.0.0.1", port], { all_errors: true }));
    assert.ok(agg.errors[0] instanceof socket.ConnectionRefusedError);
  });

  test("create_server(reuse_port=True) sets SO_REUSEPORT, and two servers share the port", () => {
    using a = socket.create_server(["127.0.0.1", 0], { reuse_port: true });
    assert.notEqual(a.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0);
    const [, port] = a.getsockname() as [string, number];
    using b = socket.create_server(["127.0.0.1", port], { reuse_port: true });
    assert.deepEqual(b.getsockname(), ["127.0.0.1", port]);
    using c = socket.create_server(["127.0.0.1", 0]);
    assert.equal(c.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0);
  });

  test("create_server names the address when bind fails", () => {
    using a = socket.create_server(["127.0.0.1", 0]);
    const [, port] = a.getsockname() as [string, number];
    const e = raises(socket.OSError, () => socket.create_server(["127.0.0.1", port], { reuse_port: false }));
    assert.equal(e.errno, 98);
    assert.match(e.message, new RegExp(`while attempting to bind on address \\('127\\.0\\.0\\.1', ${port}\\)`));
  });

  test("create_server dualstack_ipv6 accepts IPv4 clients", { skip: !IPV6 || !socket.has_dualstack_ipv6() }, () => {
    using server = socket.create_server(["", 0], { family: socket.AF_INET6, dualstack_ipv6: true });
    const port = server.getsockname()[1];
    using _c4 = socket.create_connection(["127.0.0.1", port]);
    const [conn, addr] = server.accept();
    using _c = conn;
    assert.equal(addr[0], "::ffff:127.0.0.1");
    raises(ValueError, () => socket.create_server(["", 0], { dualstack_ipv6: true }), {
      message: "dualstack_ipv6 requires AF_INET6 family",
    });
  });

  test("has_dualstack_ipv6 answers as python3's does, and as an IPV6_V6ONLY=0 probe does", () => {
    let probe = false;
    try {
      using s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
      s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0);
      probe = true;
    } catch (e) {
      assert.ok(e instanceof socket.OSError, String(e));
    }
    assert.equal(socket.has_dualstack_ipv6(), probe);
    const py = oracle([{ fn: "has_dualstack_ipv6", args: [] }]);
    if (py !== null) assert.deepEqual(py[0], { value: probe });
  });
});
