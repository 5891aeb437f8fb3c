/**
 * sendmsg / recvmsg / recvmsg_into, CMSG_LEN / CMSG_SPACE, SCM_RIGHTS and
 * SCM_CREDENTIALS over AF_UNIX, IP_PKTINFO / IPV6_PKTINFO / IP_TTL / IP_TOS
 * on UDP, truncated and malformed ancillary data, sendmsg_afalg, and
 * descriptor passing between two processes.
 */

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { afalgControl, closeReceivedFds, msgHooks, parseAncillary, receiveAncillary } from "../lib/msg.ts";
import { main as fdPassingMain } from "../examples/fd_passing.ts";
import { bytes, hasIPv6Loopback, raises, raisingWarnings, tempDir, text } from "./helpers.ts";
import { oracle } from "./oracle.ts";

const { SOL_SOCKET, SCM_RIGHTS } = socket;
const I = (...v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
const ints = (b: Uint8Array) => Array.from(new Int32Array(b.slice().buffer));
const U = LAYOUT.CMSG_ALIGN_UNIT, HDR = LAYOUT.CMSG_DATA_OFFSET;
const align = (n: number) => Math.ceil(n / U) * U;

function isOpen(fd: number): boolean {
  return libc.fcntl(fd, SYS.F_GETFD, 0) >= 0;
}
function cloexec(fd: number): boolean {
  return (libc.fcntl(fd, SYS.F_GETFD, 0) & SYS.FD_CLOEXEC) !== 0;
}
function pipe(): [number, number] {
  const fds = new Int32Array(2);
  assert.equal(libc.pipe(fds), 0);
  return [fds[0], fds[1]];
}
function readFd(fd: number, n: number): string {
  const b = new Uint8Array(n);
  const got = libc.read(fd, b, n);
  return text(b.subarray(0, got));
}

describe("CMSG_LEN and CMSG_SPACE", () => {
  test("equal the C macros: header then data, padded to the platform's alignment", () => {
    for (const n of [0, 1, 4, 7, 8, 9, 100, 1000]) {
      assert.equal(socket.CMSG_LEN(n), HDR + n);
      assert.equal(socket.CMSG_SPACE(n), HDR + align(n));
    }
  });
  test("raise OverflowError outside the socklen_t range, TypeError for non-integers", () => {
    raises(socket.OverflowError, () => socket.CMSG_LEN(-1), { message: "CMSG_LEN() argument out of range" });
    raises(socket.OverflowError, () => socket.CMSG_SPACE(-1), { message: "CMSG_SPACE() argument out of range" });
    assert.equal(socket.CMSG_LEN(0x7fffffff - HDR), 0x7fffffff);
    raises(socket.OverflowError, () => socket.CMSG_LEN(0x7fffffff - HDR + 1));
    raises(socket.OverflowError, () => socket.CMSG_SPACE(0x7fffffff - HDR - align(1) + 1));
    raises(socket.OverflowError, () => socket.CMSG_LEN(2 ** 64), {
      message: "Python int too large to convert to C ssize_t",
    });
    raises(TypeError, () => socket.CMSG_LEN(1.5), { message: "'float' object cannot be interpreted as an integer" });
    raises(TypeError, () => socket.CMSG_LEN("1" as never));
  });
  test("agree with python3 (oracle)", (t) => {
    const ns = [0, 1, 3, 4, 8, 13, 64, 0x7fffffff - 16, 0x7fffffff - 15, 0x7fffffff - 24, 0x7fffffff - 23, -1];
    const calls = ns.flatMap((n) => [{ fn: "CMSG_LEN", args: [n] }, { fn: "CMSG_SPACE", args: [n] }]);
    const got = oracle(calls);
    if (got === null) {
      console.log("skip: python3 is not available");
      return t.skip("python3 is not available");
    }
    calls.forEach((c, i) => {
      const o = got[i];
      const fn = c.fn === "CMSG_LEN" ? socket.CMSG_LEN : socket.CMSG_SPACE;
      if ("value" in o) assert.equal(fn(c.args[0]), o.value, `${c.fn}(${c.args[0]})`);
      else raises(socket.OverflowError, () => fn(c.args[0]), { message: o.message });
    });
  });
});

function* parts(): Generator<ArrayBufferView | ArrayBuffer> {
  yield bytes("ab");
  yield new Uint16Array([0x6463]);
  yield new ArrayBuffer(0);
  yield new DataView(bytes("xef").buffer, 1);
}

describe("sendmsg and recvmsg", () => {
  test("the seed's example: recvmsg_into scatters into Uint8Array views", () => {
    const [a, b] = socket.socketpair();
    try {
      const b1 = bytes("----");
      const b2 = bytes("0123456789");
      const b3 = bytes("--------------");
      a.sendall(bytes("Mary had a little lamb"));
      const result = b.recvmsg_into([b1, b2.subarray(2, 9), b3]);
      assert.deepEqual(result, [22, [], 0, null]);
      assert.deepEqual([text(b1), text(b2), text(b3)], ["Mary", "01 had a 9", "little lamb---"]);
    } finally {
      a.close();
      b.close();
    }
  });

  test("sendmsg gathers any iterable of bytes-like objects into one message", () => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      assert.equal(a.sendmsg(parts()), 6);
      const [data, anc, flags, addr] = b.recvmsg(100);
      assert.equal(text(data), "abcdef");
      assert.deepEqual([anc, flags, addr], [[], 0, null]);
      assert.equal(a.sendmsg([]), 0);
      assert.equal(b.recvmsg(10)[0].length, 0);
    } finally {
      a.close();
      b.close();
    }
  });

  test("recvmsg reports MSG_TRUNC for a datagram larger than bufsize, and the sender's address", () => {
    const dir = tempDir();
    const r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    const s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      r.bind(dir.join("r"));
      s.bind(dir.join("s"));
      assert.equal(s.sendmsg([bytes("hello world")], [], 0, dir.join("r")), 11);
      const [data, anc, flags, addr] = r.recvmsg(5);
      assert.equal(text(data), "hello");
      assert.deepEqual(anc, []);
      assert.equal(flags, socket.MSG_TRUNC);
      assert.equal(addr, dir.join("s"));
    } finally {
      r.close();
      s.close();
      dir.remove();
    }
  });

  test("argument errors are CPython's, raised before any system call", () => {
    const [a, b] = socket.socketpair();
    try {
      const x = bytes("x");
      raises(TypeError, () => a.sendmsg(5 as never), { message: "sendmsg() argument 1 must be an iterable" });
      raises(TypeError, () => a.sendmsg(null as never), { message: "sendmsg() argument 1 must be an iterable" });
      raises(TypeError, () => a.sendmsg(["x"] as never), { message: "a bytes-like object is required, not 'str'" });
      raises(TypeError, () => a.sendmsg(bytes("xy") as never), {
        message: "a bytes-like object is required, not 'int'",
      });
      raises(TypeError, () => a.sendmsg([x], 5 as never), { message: "sendmsg() argument 2 must be an iterable" });
      raises(TypeError, () => a.sendmsg([x], null as never), { message: "sendmsg() argument 2 must be an iterable" });
      raises(TypeError, () => a.sendmsg([x], [5] as never), {
        message: "[sendmsg() ancillary data items]() argument must be 3-item sequence, not int",
      });
      raises(TypeError, () => a.sendmsg([x], [x] as never), {
        message: "[sendmsg() ancillary data items]() argument must be 3-item sequence, not bytes",
      });
      raises(TypeError, () => a.sendmsg([x], [[1, 2]] as never), {
        message: "[sendmsg() ancillary data items]() argument must be sequence of length 3, not 2",
      });
      raises(TypeError, () => a.sendmsg([x], [[1, 2, x, 4]] as never), {
        message: "[sendmsg() ancillary data items]() argument must be sequence of length 3, not 4",
      });
      raises(TypeError, () => a.sendmsg([x], [["a", 2, x]] as never), {
        message: "'str' object cannot be interpreted as an integer",
      });
      raises(TypeError, () => a.sendmsg([x], [[1, 2, "x"]] as never), {
        message: "a bytes-like object is required, not 'str'",
      });
      raises(socket.OverflowError, () => a.sendmsg([x], [[2 ** 31, 2, x]]), {
        message: "signed integer is greater than maximum",
      });
      raises(TypeError, () => a.sendmsg([x], [], "x" as never), {
        message: "'str' object cannot be interpreted as an integer",
      });
      raises(TypeError, () => a.sendmsg([x], [], null as never), {
        message: "'NoneType' object cannot be interpreted as an integer",
      });
      raises(socket.ValueError, () => a.recvmsg(-1), { message: "negative buffer size in recvmsg()" });
      raises(socket.ValueError, () => a.recvmsg(1, -1), { message: "invalid ancillary data buffer length" });
      raises(socket.ValueError, () => a.recvmsg(1, 2 ** 31), { message: "invalid ancillary data buffer length" });
      raises(TypeError, () => a.recvmsg(1.5), { message: "'float' object cannot be interpreted as an integer" });
      raises(socket.OverflowError, () => a.recvmsg(1, 0, 2 ** 31), {
        message: "signed integer is greater than maximum",
      });
      raises(TypeError, () => a.recvmsg_into(5 as never), { message: "recvmsg_into() argument 1 must be an iterable" });
      raises(TypeError, () => a.recvmsg_into([new Uint8Array(1), "x"] as never), {
        message: "recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers",
      });
      raises(socket.ValueError, () => a.recvmsg_into([new Uint8Array(1)], -1), {
        message: "invalid ancillary data buffer length",
      });
      // The stream socket is connected: the kernel refuses an address (as in CPython).
      raises(socket.OSError, () => a.sendmsg([x], [], 0, "/nonexistent"), { errno: SYS.EISCONN });
      a.close();
      raises(socket.OSError, () => a.sendmsg([x]), { errno: SYS.EBADF });
      raises(TypeError, () => a.sendmsg(5 as never), { message: "sendmsg() argument 1 must be an iterable" });
      raises(socket.OSError, () => a.recvmsg(1), { errno: SYS.EBADF });
      raises(socket.ValueError, () => a.recvmsg(-1));
    } finally {
      a.close();
      b.close();
    }
  });

  test("recvmsg honours the socket's timeout and non-blocking mode", () => {
    const [a, b] = socket.socketpair();
    try {
      b.settimeout(0.05);
      raises(socket.TimeoutError, () => b.recvmsg(10), { message: "timed out" });
      b.setblocking(false);
      raises(socket.BlockingIOError, () => b.recvmsg_into([new Uint8Array(4)]));
    } finally {
      a.close();
      b.close();
    }
  });

  test("sends over TCP never raise SIGPIPE: a closed peer is BrokenPipeError or ConnectionResetError", () => {
    using srv = socket.create_server(["127.0.0.1", 0]);
    using c = socket.create_connection(srv.getsockname() as [string, number]);
    const [conn] = srv.accept();
    conn.close();
    let caught: unknown;
    try {
      for (let i = 0; i < 100; i++) c.sendmsg([new Uint8Array(65536)]);
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof socket.BrokenPipeError || caught instanceof socket.ConnectionResetError, `${caught}`);
  });
});

describe("SCM_RIGHTS", () => {
  for (const type of [socket.SOCK_STREAM, socket.SOCK_DGRAM]) {
    test(`passes descriptors over AF_UNIX ${type === socket.SOCK_STREAM ? "stream" : "datagram"} sockets`, () => {
      const [a, b] = socket.socketpair(socket.AF_UNIX, type);
      const [r1, w1] = pipe();
      const [r2, w2] = pipe();
      try {
        assert.equal(a.sendmsg([bytes("fds")], [[SOL_SOCKET, SCM_RIGHTS, I(r1, r2)]]), 3);
        const [data, anc, flags] = b.recvmsg(10, socket.CMSG_SPACE(8));
        assert.equal(text(data), "fds");
        assert.equal(flags, 0, "MSG_CMSG_CLOEXEC is masked out of msg_flags");
        assert.equal(anc.length, 1);
        const [level, kind, payload] = anc[0];
        assert.deepEqual([level, kind, payload.length], [SOL_SOCKET, SCM_RIGHTS, 8]);
        const [g1, g2] = ints(payload);
        assert.ok(g1 !== r1 && g2 !== r2, "the receiver gets new descriptors");
        assert.ok(cloexec(g1) && cloexec(g2), "received descriptors are close-on-exec");
        libc.write(w1, bytes("one"), 3);
        libc.write(w2, bytes("two"), 3);
        assert.deepEqual([readFd(g1, 10), readFd(g2, 10)], ["one", "two"]);
        socket.close(g1);
        socket.close(g2);
      } finally {
        for (const fd of [r1, w1, r2, w2]) libc.close(fd);
        a.close();
        b.close();
      }
    });
  }

  test("send_fds and recv_fds (Lib/socket.py)", () => {
    const [a, b] = socket.socketpair();
    const [r, w] = pipe();
    try {
      assert.equal(socket.send_fds(a, [bytes("x"), bytes("y")], [r, w]), 2);
      const [data, fds, flags, addr] = socket.recv_fds(b, 10, 4);
      assert.deepEqual([text(data), fds.length, flags, addr], ["xy", 2, 0, null]);
      libc.write(fds[1], bytes("via copies"), 10);
      assert.equal(readFd(fds[0], 20), "via copies");
      fds.forEach((fd) => socket.close(fd));
      raises(TypeError, () => socket.send_fds(a, [bytes("x")], ["1"] as never));
    } finally {
      libc.close(r);
      libc.close(w);
      a.close();
      b.close();
    }
  });

  test("too small an ancillary buffer: MSG_CTRUNC, the descriptors that fit, none leaked", () => {
    const [a, b] = socket.socketpair();
    const [r, w] = pipe();
    try {
      socket.send_fds(a, [bytes("x")], [r, w]);
      const [, anc, flags] = b.recvmsg(10, socket.CMSG_LEN(4));
      assert.ok(flags & socket.MSG_CTRUNC);
      assert.equal(anc.length, 1);
      const [fd] = ints(anc[0][2]);
      assert.ok(isOpen(fd));
      socket.close(fd);
      socket.send_fds(a, [bytes("y")], [r]);
      const [data, anc0, flags0] = b.recvmsg(10);
      assert.deepEqual([text(data), anc0, flags0 & socket.MSG_CTRUNC], ["y", [], socket.MSG_CTRUNC]);
    } finally {
      libc.close(r);
      libc.close(w);
      a.close();
      b.close();
    }
  });
});

describe("malformed or truncated ancillary data", () => {
  /** A control buffer with the given items, laid out as the C macros do. */
  function control(items: [number, number, Uint8Array, number?][]): Uint8Array {
    const total = items.reduce((n, [, , d]) => n + socket.CMSG_SPACE(d.length), 0);
    const buf = new Uint8Array(total);
    const v = new DataView(buf.buffer);
    let off = 0;
    for (const [level, type, data, len] of items) {
      const cmsgLen = len ?? socket.CMSG_LEN(data.length);
      if (LAYOUT.SIZEOF_CMSGHDR_CMSG_LEN === 8) {
        v.setBigUint64(off + LAYOUT.OFF_CMSGHDR_CMSG_LEN, BigInt(cmsgLen), true);
      } else v.setUint32(off + LAYOUT.OFF_CMSGHDR_CMSG_LEN, cmsgLen, true);
      v.setInt32(off + LAYOUT.OFF_CMSGHDR_CMSG_LEVEL, level, true);
      v.setInt32(off + LAYOUT.OFF_CMSGHDR_CMSG_TYPE, type, true);
      buf.set(data, off + HDR);
      off += socket.CMSG_SPACE(data.length);
    }
    return buf;
  }

  test("an item cut short by the buffer warns (RuntimeWarning) and comes back with the data there is", () => {
    const warnings: string[] = [];
    const saved = msgHooks.warn;
    msgHooks.warn = (m) => warnings.push(m);
    try {
      const buf = control([[0, socket.IP_TTL, I(64)], [0, socket.IP_TOS, bytes("abcdefgh")]]);
      const cut = socket.CMSG_SPACE(4) + socket.CMSG_LEN(8) - 3;
      assert.deepEqual(parseAncillary(buf, cut), [[0, socket.IP_TTL, I(64)], [0, socket.IP_TOS, bytes("abcde")]]);
      assert.deepEqual(warnings, ["received malformed or improperly-truncated ancillary data"]);
      // A header shorter than CMSG_LEN(0) is malformed: a warning, and nothing from it.
      warnings.length = 0;
      const bad = control([[0, socket.IP_TTL, I(64), 3]]);
      assert.deepEqual(parseAncillary(bad, bad.length), []);
      assert.equal(warnings.length, 1);
      // A buffer too short for a header holds no items and raises no warning.
      warnings.length = 0;
      assert.deepEqual(parseAncillary(buf, HDR - 1), []);
      assert.deepEqual(warnings, []);
    } finally {
      msgHooks.warn = saved;
    }
  });

  test("the warning is a process warning named RuntimeWarning by default", async () => {
    const seen = new Promise<Error>((resolve) => process.once("warning", resolve));
    const buf = control([[0, socket.IP_TTL, I(64)]]);
    assert.deepEqual(parseAncillary(buf, HDR + 2), [[0, socket.IP_TTL, I(64).subarray(0, 2)]]);
    const w = await seen;
    assert.equal(w.name, "RuntimeWarning");
    assert.equal(w.message, "received malformed or improperly-truncated ancillary data");
  });

  test("received descriptors are closed when parsing fails afterwards", () => {
    const [r, w] = pipe();
    const fd1 = libc.dup(r), fd2 = libc.dup(w);
    try {
      // As with `-W error::RuntimeWarning` in Python: the warning raises, the descriptors must not leak.
      const buf = control([[SOL_SOCKET, SCM_RIGHTS, I(fd1, fd2)], [0, socket.IP_TOS, bytes("abcdefgh")]]);
      assert.throws(
        () => raisingWarnings(() => receiveAncillary(buf, buf.length - 4, () => assert.fail("parsing should fail"))),
        /improperly-truncated/,
      );
      assert.ok(!isOpen(fd1) && !isOpen(fd2), "both descriptors were closed");
      // closeReceivedFds closes only SCM_RIGHTS payloads.
      const fd3 = libc.dup(r);
      closeReceivedFds(control([[0, SCM_RIGHTS, I(r)], [SOL_SOCKET, SCM_RIGHTS, I(fd3)]]), 1000);
      assert.ok(isOpen(r) && !isOpen(fd3));
    } finally {
      libc.close(r);
      libc.close(w);
    }
  });

  test("a truncated item from the kernel: MSG_CTRUNC set, data shorter (IP_TTL over UDP)", () => {
    using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    r.bind(["127.0.0.1", 0]);
    r.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTTL, 1);
    s.sendto(bytes("hi"), r.getsockname()!);
    const [data, anc, flags] = r.recvmsg(10, socket.CMSG_LEN(4) - 1);
    assert.equal(text(data), "hi");
    assert.ok(flags & socket.MSG_CTRUNC, "MSG_CTRUNC is set");
    assert.deepEqual(anc, [[socket.IPPROTO_IP, socket.IP_TTL, I(64).subarray(0, 3)]]);
  });
});

describe("SCM_CREDENTIALS and IP ancillary data", () => {
  test("SO_PASSCRED: the kernel attaches this process's pid, uid and gid", () => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      b.setsockopt(SOL_SOCKET, socket.SO_PASSCRED, 1);
      a.send(bytes("who"));
      const [, anc] = b.recvmsg(10, socket.CMSG_SPACE(LAYOUT.SIZEOF_UCRED));
      assert.equal(anc.length, 1);
      const [level, type, cred] = anc[0];
      assert.deepEqual([level, type, cred.length], [SOL_SOCKET, socket.SCM_CREDENTIALS, LAYOUT.SIZEOF_UCRED]);
      const v = new DataView(cred.buffer, cred.byteOffset);
      assert.equal(v.getInt32(LAYOUT.OFF_UCRED_PID, true), libc.getpid());
      assert.equal(v.getUint32(LAYOUT.OFF_UCRED_UID, true), process.getuid!());
      assert.equal(v.getUint32(LAYOUT.OFF_UCRED_GID, true), process.getgid!());
      // Sent explicitly: the same credentials are accepted and delivered.
      a.sendmsg([bytes("me")], [[SOL_SOCKET, socket.SCM_CREDENTIALS, cred]]);
      assert.deepEqual(b.recvmsg(10, 64)[1], [[SOL_SOCKET, socket.SCM_CREDENTIALS, cred]]);
    } finally {
      a.close();
      b.close();
    }
  });

  test("IP_PKTINFO, IP_RECVTTL and IP_RECVTOS on UDP loopback; IP_TTL and IP_TOS sent with sendmsg", () => {
    using r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    r.bind(["127.0.0.1", 0]);
    s.bind(["127.0.0.1", 0]);
    for (const opt of [socket.IP_PKTINFO, socket.IP_RECVTTL, socket.IP_RECVTOS]) {
      r.setsockopt(socket.IPPROTO_IP, opt, 1);
    }
    const dest = r.getsockname() as [string, number];
    s.sendmsg(
      [bytes("pkt")],
      [[socket.IPPROTO_IP, socket.IP_TTL, I(7)], [socket.IPPROTO_IP, socket.IP_TOS, I(0x10)]],
      0,
      dest,
    );
    const [data, anc, flags, addr] = r.recvmsg(10, 1024);
    assert.deepEqual([text(data), flags, addr], ["pkt", 0, s.getsockname()]);
    const byType = new Map(anc.map(([level, type, d]) => (assert.equal(level, socket.IPPROTO_IP), [type, d])));
    const info = byType.get(socket.IP_PKTINFO)!;
    assert.equal(info.length, LAYOUT.SIZEOF_IN_PKTINFO);
    const iv = new DataView(info.buffer, info.byteOffset);
    assert.equal(iv.getInt32(LAYOUT.OFF_IN_PKTINFO_IPI_IFINDEX, true), socket.if_nametoindex("lo"));
    const ip = (off: number) => socket.inet_ntoa(info.subarray(off, off + 4));
    assert.equal(ip(LAYOUT.OFF_IN_PKTINFO_IPI_SPEC_DST), "127.0.0.1");
    assert.equal(ip(LAYOUT.OFF_IN_PKTINFO_IPI_ADDR), "127.0.0.1");
    assert.deepEqual(ints(byType.get(socket.IP_TTL)!), [7]);
    assert.deepEqual(Array.from(byType.get(socket.IP_TOS)!), [0x10]);
  });

  test("IPV6_RECVPKTINFO on UDP ::1", (t) => {
    if (!hasIPv6Loopback(socket)) {
      console.log("skip: no IPv6 loopback here");
      return t.skip("no IPv6 loopback here");
    }
    using r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    using s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    r.bind(["::1", 0]);
    r.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1);
    s.sendto(bytes("six"), r.getsockname()!);
    const [data, anc] = r.recvmsg(10, socket.CMSG_SPACE(LAYOUT.SIZEOF_IN6_PKTINFO));
    assert.equal(text(data), "six");
    assert.equal(anc.length, 1);
    const [level, type, info] = anc[0];
    assert.deepEqual([level, type, info.length], [socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, LAYOUT.SIZEOF_IN6_PKTINFO]);
    const a = LAYOUT.OFF_IN6_PKTINFO_IPI6_ADDR;
    assert.equal(socket.inet_ntop(socket.AF_INET6, info.subarray(a, a + 16)), "::1");
    const iv = new DataView(info.buffer, info.byteOffset);
    assert.equal(iv.getUint32(LAYOUT.OFF_IN6_PKTINFO_IPI6_IFINDEX, true), socket.if_nametoindex("lo"));
  });
});

describe("sendmsg_afalg", () => {
  /** A socket object that says AF_ALG over a Unix socket, as CPython allows with explicit arguments. */
  function fakeAlg(): [socket.SocketType, socket.SocketType, socket.SocketType] {
    const [a, b] = socket.socketpair();
    return [socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0, a.detach()), a, b];
  }

  test("refuses other families and bad arguments as CPython does", () => {
    const [a, b] = socket.socketpair();
    const [alg, , peer] = fakeAlg();
    try {
      raises(socket.OSError, () => a.sendmsg_afalg({ op: 1 }), { message: "algset is only supported for AF_ALG" });
      const x = bytes("x");
      const cases: [() => unknown, new (...a: never[]) => Error, string][] = [
        [() => alg.sendmsg_afalg(), TypeError, "Invalid or missing argument 'op'"],
        [() => alg.sendmsg_afalg([x]), TypeError, "Invalid or missing argument 'op'"],
        [() => alg.sendmsg_afalg({ op: "x" as never }), TypeError, "sendmsg_afalg() argument 2 must be int, not str"],
        [() => alg.sendmsg_afalg({ op: 1.5 }), TypeError, "sendmsg_afalg() argument 2 must be int, not float"],
        [() => alg.sendmsg_afalg({ op: -1 }), TypeError, "Invalid or missing argument 'op'"],
        [() => alg.sendmsg_afalg({ op: 2 ** 31 }), TypeError, "Invalid or missing argument 'op'"],
        [() => alg.sendmsg_afalg({ op: 1, iv: "x" as never }), TypeError, "a bytes-like object is required, not 'str'"],
        [
          () => alg.sendmsg_afalg({ op: 1, iv: null as never }),
          TypeError,
          "a bytes-like object is required, not 'NoneType'",
        ],
        [() => alg.sendmsg_afalg({ op: 1, assoclen: -1 }), TypeError, "assoclen must be positive"],
        [
          () => alg.sendmsg_afalg({ op: 1, assoclen: null as never }),
          TypeError,
          "sendmsg_afalg() argument 4 must be int, not NoneType",
        ],
        [
          () => alg.sendmsg_afalg({ op: 1, assoclen: 2 ** 31 }),
          socket.OverflowError,
          "Python int too large to convert to C int",
        ],
        [
          () => alg.sendmsg_afalg({ op: 1, flags: "x" as never }),
          TypeError,
          "'str' object cannot be interpreted as an integer",
        ],
        [() => alg.sendmsg_afalg(5 as never, { op: 1 }), TypeError, "sendmsg() argument 1 must be an iterable"],
        [() => alg.sendmsg_afalg(["x"] as never, { op: 1 }), TypeError, "a bytes-like object is required, not 'str'"],
        [
          () => (alg.sendmsg_afalg as (...a: unknown[]) => number)([x], 1, { op: 1 }),
          TypeError,
          "sendmsg_afalg() takes at most 1 positional argument (2 given)",
        ],
        [
          () => alg.sendmsg_afalg({ op: 1, foo: 1 } as never),
          TypeError,
          "'foo' is an invalid keyword argument for sendmsg_afalg()",
        ],
      ];
      for (const [fn, cls, message] of cases) raises(cls, fn, { message });
      // Valid arguments reach sendmsg(2); a Unix socket ignores SOL_ALG control messages.
      assert.equal(alg.sendmsg_afalg([bytes("abc"), bytes("de")], { op: 1, iv: bytes("1234"), assoclen: 3 }), 5);
      assert.equal(alg.sendmsg_afalg({ op: true as never }), 0);
      assert.equal(text(peer.recv(100)), "abcde");
    } finally {
      a.close();
      b.close();
      alg.close();
      peer.close();
    }
  });

  test("builds exactly CPython's control messages", () => {
    const le32 = (n: number) => Array.from(new Uint8Array(Uint32Array.of(n).buffer));
    const header = (len: number, type: number) => {
      const h = new Array(HDR).fill(0);
      const lenBytes = LAYOUT.SIZEOF_CMSGHDR_CMSG_LEN === 8 ? [...le32(len), 0, 0, 0, 0] : le32(len);
      h.splice(LAYOUT.OFF_CMSGHDR_CMSG_LEN, lenBytes.length, ...lenBytes);
      h.splice(LAYOUT.OFF_CMSGHDR_CMSG_LEVEL, 4, ...le32(socket.SOL_ALG));
      h.splice(LAYOUT.OFF_CMSGHDR_CMSG_TYPE, 4, ...le32(type));
      return h;
    };
    const pad = (a: number[], n: number) => [...a, ...new Array(n - a.length).fill(0)];
    const opItem = pad(
      [...header(socket.CMSG_LEN(4), socket.ALG_SET_OP), ...le32(socket.ALG_OP_ENCRYPT)],
      socket.CMSG_SPACE(4),
    );
    assert.deepEqual(Array.from(afalgControl(socket.ALG_OP_ENCRYPT, null, -1)), opItem);
    const iv = Array.from({ length: 16 }, (_, i) => i + 1);
    // CPython sets the IV item's cmsg_len to CMSG_SPACE(sizeof(af_alg_iv) + ivlen), and so do we.
    const ivItem = pad(
      [...header(socket.CMSG_SPACE(4 + 16), socket.ALG_SET_IV), ...le32(16), ...iv],
      socket.CMSG_SPACE(4 + 16),
    );
    const assocItem = pad(
      [...header(socket.CMSG_LEN(4), socket.ALG_SET_AEAD_ASSOCLEN), ...le32(13)],
      socket.CMSG_SPACE(4),
    );
    const all = afalgControl(socket.ALG_OP_ENCRYPT, Uint8Array.from(iv), 13);
    assert.deepEqual(Array.from(all), [...opItem, ...ivItem, ...assocItem]);
    const noIv = afalgControl(socket.ALG_OP_DECRYPT, null, 0);
    assert.equal(noIv.length, 2 * socket.CMSG_SPACE(4));
  });

  test("live: AES-CBC through the kernel's AF_ALG", (t) => {
    let alg: socket.SocketType;
    try {
      alg = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0);
    } catch (e) {
      const why = `AF_ALG is not available in this kernel (${e})`;
      console.log(`skip: ${why}`);
      return t.skip(why);
    }
    try {
      alg.bind(["skcipher", "cbc(aes)"]);
      alg.setsockopt(socket.SOL_ALG, socket.ALG_SET_KEY, new Uint8Array(16));
      const [op] = alg.accept();
      const plain = new Uint8Array(16);
      op.sendmsg_afalg([plain], { op: socket.ALG_OP_ENCRYPT, iv: new Uint8Array(16) });
      const enc = op.recv(16);
      // AES-128 of a zero block under a zero key (FIPS-197 known answer).
      assert.equal(
        Array.from(enc, (x) => x.toString(16).padStart(2, "0")).join(""),
        "66e94bd4ef8a2c3b884cfa59ca342b2e",
      );
      op.close();
    } finally {
      alg.close();
    }
  });
});

describe("descriptor passing between processes", () => {
  const child = fileURLToPath(new URL("./fd_pass_child.ts", import.meta.url));
  const runtimeArgs = (script: string, ...rest: string[]) =>
    "Bun" in globalThis ? [script, ...rest] : ["run", "-A", script, ...rest];

  async function withChild(job: (channel: socket.SocketType, pid: number) => void): Promise<number> {
    const dir = tempDir();
    try {
      const path = dir.join("parent.sock");
      using unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      unix.bind(path);
      unix.listen(1);
      unix.settimeout(60);
      const proc = spawn(process.execPath, runtimeArgs(child, path), { stdio: ["ignore", "inherit", "inherit"] });
      const exited = new Promise<number>((resolve, reject) => {
        proc.on("exit", (code) => resolve(code ?? -1));
        proc.on("error", reject);
      });
      const [channel] = unix.accept();
      try {
        channel.settimeout(60);
        job(channel, proc.pid!);
      } finally {
        channel.close();
      }
      return await exited;
    } finally {
      dir.remove();
    }
  }

  test("a listening TCP socket handed to a child process serves there", async () => {
    const code = await withChild((channel, pid) => {
      const listener = socket.create_server(["127.0.0.1", 0]);
      const address = listener.getsockname() as [string, number];
      socket.send_fds(channel, [bytes("listen")], [listener.fileno()]);
      listener.close();
      using c = socket.create_connection(address, 60);
      c.sendall(bytes("hello child\n"));
      const f = c.makefile("r");
      assert.equal(f.readline(), `HELLO CHILD from ${pid} (family ${socket.AF_INET}, type ${socket.SOCK_STREAM})\n`);
      f.close();
      assert.equal(text(channel.recv(10)), "done");
    });
    assert.equal(code, 0);
  });

  test("an open file handed to a child process comes back with sendfile", async () => {
    const dir = tempDir();
    const content = bytes("file contents passed by descriptor\n".repeat(1000));
    writeFileSync(dir.join("f"), content);
    const fd = (await import("node:fs")).openSync(dir.join("f"), "r");
    try {
      const code = await withChild((channel) => {
        socket.send_fds(channel, [bytes("file")], [fd]);
        const parts: Uint8Array[] = [];
        for (;;) {
          const b = channel.recv(65536);
          if (b.length === 0) break;
          parts.push(b.slice());
        }
        const got = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((o, p) => (got.set(p, o), o + p.length), 0);
        assert.deepEqual(got, content);
      });
      assert.equal(code, 0);
      assert.deepEqual(readFileSync(dir.join("f")), Buffer.from(content));
    } finally {
      libc.close(fd);
      dir.remove();
    }
  });

  test("examples/fd_passing.ts: an accepted connection served by a child process", async () => {
    const { replies, code } = await fdPassingMain(["one", "two"]);
    assert.equal(code, 0);
    assert.equal(replies.length, 2);
    assert.match(replies[0], /^ONE \(served by pid \d+\)$/);
    assert.match(replies[1], /^TWO \(served by pid \d+\)$/);
    assert.notEqual(replies[0].match(/\d+/)![0], String(process.pid));
  });
});
