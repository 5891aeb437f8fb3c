/**
 * `lib/msg.ts` behaviour that its mutation run found unasserted (see
 * tests/README.md, "Mutation testing"), each checked against what CPython
 * 3.11 does on Linux: the `Py_ssize_t` range of `CMSG_LEN` and `recvmsg`;
 * control data cut short by the kernel, parsed without a warning; cleanup of
 * received descriptors when parsing fails; `recv_fds` beside credentials;
 * many buffers, many descriptors and a large `ancbufsize` in a process's
 * first call; the limits on ancillary data; `sendmsg_afalg`'s integer ranges
 * and its IV across the boundary; and the direction a timeout-mode call waits in.
 *
 * "A process's first call" imports a fresh instance of `lib/msg.ts` (a
 * query string makes it a module of its own), whose scratch buffers have
 * their initial sizes, as in a new process; the socket objects are shared.
 *
 * @module
 */

import { test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readlinkSync } from "node:fs";
import process from "node:process";
import * as socket from "../mod.ts";
import { LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { msgHooks, receiveAncillary } from "../lib/msg.ts";
import { bytes, hasPython, raises, raisingWarnings, tempDir, text } from "./helpers.ts";

const { SOL_SOCKET, SCM_RIGHTS, AF_UNIX, SOCK_DGRAM } = socket;
const HDR = LAYOUT.CMSG_DATA_OFFSET;
const SSIZE = "Python int too large to convert to C ssize_t";
const EMPTY = new Uint8Array(0);
const le32 = (...v: number[]) => new Uint8Array(Int32Array.from(v).buffer);

type Msg = typeof import("../lib/msg.ts");
/** A fresh instance of lib/msg.ts: its iovec array and control buffer have their first sizes. */
function freshMsg(tag: string): Promise<Msg> {
  return import(`../lib/msg.ts?${tag}`);
}

function pipe(): [number, number] {
  const fds = new Int32Array(2);
  assert.equal(libc.pipe(fds), 0);
  return [fds[0], fds[1]];
}
function isOpen(fd: number): boolean {
  return libc.fcntl(fd, SYS.F_GETFD, 0) >= 0;
}

/** Runs `fn` with msg.ts's RuntimeWarnings collected instead of emitted; returns them. */
function warningsOf(fn: () => void): string[] {
  const seen: string[] = [];
  const saved = msgHooks.warn;
  msgHooks.warn = (m) => seen.push(m);
  try {
    fn();
  } finally {
    msgHooks.warn = saved;
  }
  return seen;
}

/** One control message as the kernel lays it out: the header, then `data`, then padding to CMSG_SPACE. */
function cmsg(level: number, type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(socket.CMSG_SPACE(data.length));
  const v = new DataView(out.buffer);
  const len = socket.CMSG_LEN(data.length);
  if (LAYOUT.SIZEOF_CMSGHDR_CMSG_LEN === 8) v.setBigUint64(LAYOUT.OFF_CMSGHDR_CMSG_LEN, BigInt(len), true);
  else v.setUint32(LAYOUT.OFF_CMSGHDR_CMSG_LEN, len, true);
  v.setInt32(LAYOUT.OFF_CMSGHDR_CMSG_LEVEL, level, true);
  v.setInt32(LAYOUT.OFF_CMSGHDR_CMSG_TYPE, type, true);
  out.set(data, HDR);
  return out;
}

test("CMSG_LEN, CMSG_SPACE and recvmsg read a Py_ssize_t: -2**63 is in range, -2**64 is not", () => {
  // python3: CMSG_LEN(-2**63) is OverflowError('CMSG_LEN() argument out of range'), CMSG_LEN(-2**64) the ssize_t one.
  raises(socket.OverflowError, () => socket.CMSG_LEN(-(2 ** 63)), { message: "CMSG_LEN() argument out of range" });
  raises(socket.OverflowError, () => socket.CMSG_SPACE(-(2 ** 63)), { message: "CMSG_SPACE() argument out of range" });
  raises(socket.OverflowError, () => socket.CMSG_LEN(-(2 ** 64)), { message: SSIZE });
  raises(socket.OverflowError, () => socket.CMSG_SPACE(-(2 ** 64)), { message: SSIZE });
  const [a, b] = socket.socketpair(AF_UNIX, SOCK_DGRAM);
  try {
    raises(socket.ValueError, () => a.recvmsg(-(2 ** 63)), { message: "negative buffer size in recvmsg()" });
    raises(socket.OverflowError, () => a.recvmsg(-(2 ** 64)), { message: SSIZE });
    raises(socket.OverflowError, () => a.recvmsg(1, -(2 ** 64)), { message: SSIZE });
  } finally {
    a.close();
    b.close();
  }
});

test("recvmsg(0) consumes the datagram and reports MSG_TRUNC; ancbufsize may be 2**31 - 1", async () => {
  const [a, b] = socket.socketpair(AF_UNIX, SOCK_DGRAM);
  try {
    // python3: (b'', [], MSG_TRUNC, None), and the datagram is gone.
    b.send(bytes("abc"));
    assert.deepEqual(a.recvmsg(0), [EMPTY, [], socket.MSG_TRUNC, null]);
    b.send(bytes("de"));
    // python3: recvmsg(1, 2**31 - 1) is (b'd', [], MSG_TRUNC, None). A fresh instance keeps the 2 GiB control
    // buffer this allocates (never touched, so never resident) out of the module the other tests use.
    const fresh = await freshMsg("ancbufsize-limit");
    const [data, anc, flags, addr] = fresh.recvmsg(a, 1, 0x7fffffff);
    assert.deepEqual([text(data), anc, flags, addr], ["d", [], socket.MSG_TRUNC, null]);
  } finally {
    a.close();
    b.close();
  }
});

test("control data the kernel cuts at the buffer end: CPython's items and flags, and no RuntimeWarning", () => {
  using r = socket.socket(socket.AF_INET, SOCK_DGRAM);
  using s = socket.socket(socket.AF_INET, SOCK_DGRAM);
  r.bind(["127.0.0.1", 0]);
  r.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTTL, 1);
  r.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1);
  const ttl = [socket.IPPROTO_IP, socket.IP_TTL, le32(s.getsockopt(socket.IPPROTO_IP, socket.IP_TTL) as number)];
  const tos = [socket.IPPROTO_IP, socket.IP_TOS, new Uint8Array([0])];
  const { CMSG_LEN, CMSG_SPACE, MSG_CTRUNC } = socket;
  // ancbufsize -> [ancdata, msg_flags], as python3 3.11 returns them on Linux (IP_TTL comes first, then IP_TOS).
  const cases: [number, unknown[], number][] = [
    [CMSG_LEN(0), [[socket.IPPROTO_IP, socket.IP_TTL, EMPTY]], MSG_CTRUNC],
    [CMSG_LEN(4), [ttl], MSG_CTRUNC],
    [CMSG_SPACE(4) + CMSG_LEN(0), [ttl, [socket.IPPROTO_IP, socket.IP_TOS, EMPTY]], MSG_CTRUNC],
    [CMSG_SPACE(4) + CMSG_LEN(1), [ttl, tos], 0],
    [1024, [ttl, tos], 0],
  ];
  for (const [ancbufsize, items, flags] of cases) {
    s.sendto(bytes("hi"), r.getsockname()!);
    let got: socket.RecvmsgResult | undefined;
    const warnings = warningsOf(() => got = r.recvmsg(10, ancbufsize));
    assert.deepEqual([text(got![0]), got![1], got![2]], ["hi", items, flags], `ancbufsize ${ancbufsize}`);
    assert.deepEqual(warnings, [], `ancbufsize ${ancbufsize}: whole items raise no RuntimeWarning`);
  }
});

test("when parsing fails, a cut SCM_RIGHTS item's descriptors are closed; credentials are not descriptors", () => {
  const [r, w] = pipe();
  const fd1 = libc.dup(r), fd2 = libc.dup(w);
  // As under `python3 -W error::RuntimeWarning`: the warning raises, and recvmsg closes what it received.
  try {
    raisingWarnings(() => {
      const rights = cmsg(SOL_SOCKET, SCM_RIGHTS, le32(fd1, fd2));
      // Cut after the first descriptor: the item is truncated, its warning raises, fd1 (there) is closed.
      const cut = socket.CMSG_LEN(4);
      assert.throws(() => receiveAncillary(rights, cut, () => assert.fail("parsing should fail")), /truncated/);
      assert.ok(!isOpen(fd1), "the descriptor in the cut item was closed");
      assert.ok(isOpen(fd2), "a descriptor beyond the buffer end was not received, so not closed");
      // SCM_CREDENTIALS carries pid, uid and gid: numbers, never closed as descriptors.
      const creds = cmsg(SOL_SOCKET, socket.SCM_CREDENTIALS, le32(r, w, fd2));
      assert.throws(() => receiveAncillary(creds, creds.length, () => assert.fail("then fails")), /then fails/);
      assert.ok(isOpen(r) && isOpen(w) && isOpen(fd2), "credentials left alone");
    });
  } finally {
    for (const fd of [r, w, fd1, fd2]) libc.close(fd);
  }
});

test("recv_fds returns the SCM_RIGHTS descriptors only, not SO_PASSCRED's credentials", () => {
  const [a, b] = socket.socketpair();
  const [r, w] = pipe();
  try {
    b.setsockopt(SOL_SOCKET, socket.SO_PASSCRED, 1);
    assert.equal(socket.send_fds(a, [bytes("x")], [r, w]), 1);
    // python3: recv_fds(b, 10, 16) is (b'x', [two descriptors], 0, None); the credentials come first in ancdata.
    const [data, fds, flags, addr] = socket.recv_fds(b, 10, 16);
    assert.deepEqual([text(data), fds.length, flags, addr], ["x", 2, 0, null]);
    libc.write(fds[1], bytes("through"), 7);
    const got = new Uint8Array(16);
    assert.equal(text(got.subarray(0, libc.read(fds[0], got, 16))), "through");
    fds.forEach((fd) => socket.close(fd));
  } finally {
    libc.close(r);
    libc.close(w);
    a.close();
    b.close();
  }
});

test("send_fds and sendmsg name what they refuse as CPython does", () => {
  const [a, b] = socket.socketpair();
  using u = socket.socket(socket.AF_INET, SOCK_DGRAM);
  try {
    const x = bytes("x");
    // python3: TypeError("'int' object is not iterable"), TypeError("'NoneType' object is not iterable").
    raises(TypeError, () => socket.send_fds(a, [x], 5 as never), { message: "'int' object is not iterable" });
    raises(TypeError, () => socket.send_fds(a, [x], undefined as never), {
      message: "'NoneType' object is not iterable",
    });
    // python3: TypeError('sendmsg(): AF_INET address must be tuple, not str').
    raises(TypeError, () => u.sendmsg([x], [], 0, "bad" as never), {
      message: "sendmsg(): AF_INET address must be tuple, not str",
    });
  } finally {
    a.close();
    b.close();
  }
});

test("recvmsg gives an abstract sender's name at its exact length", () => {
  using r = socket.socket(AF_UNIX, SOCK_DGRAM);
  using s = socket.socket(AF_UNIX, SOCK_DGRAM);
  const rname = bytes(`\0pysocket-msgmut-r-${process.pid}`);
  const sname = bytes(`\0pysocket-msgmut-s-${process.pid}`);
  r.bind(rname);
  s.bind(sname);
  s.sendto(bytes("hi"), rname);
  const [data, , , addr] = r.recvmsg(10);
  assert.equal(text(data), "hi");
  assert.deepEqual(addr, sname);
});

test("a process's first sendmsg and recvmsg_into take 100 buffers", async () => {
  const [a, b] = socket.socketpair(AF_UNIX, SOCK_DGRAM);
  try {
    const parts = Array.from({ length: 100 }, (_, i) => Uint8Array.of(i));
    assert.equal((await freshMsg("iovecs-send")).sendmsg(a, parts), 100);
    const into = Array.from({ length: 100 }, () => new Uint8Array(1));
    const [n, anc, flags] = (await freshMsg("iovecs-recv")).recvmsg_into(b, into);
    assert.deepEqual([n, anc, flags], [100, [], 0]);
    assert.deepEqual(into.map((v) => v[0]), parts.map((v) => v[0]));
  } finally {
    a.close();
    b.close();
  }
});

test("a process's first send_fds and recv_fds pass 200 descriptors", async () => {
  const [a, b] = socket.socketpair();
  const [r, w] = pipe();
  try {
    const many = new Array(200).fill(r);
    assert.equal((await freshMsg("control-send")).send_fds(a, [bytes("x")], many), 1);
    const [data, fds, flags] = (await freshMsg("control-recv")).recv_fds(b, 10, 200);
    assert.deepEqual([text(data), fds.length, flags], ["x", 200, 0]);
    assert.equal(new Set(fds).size, 200, "each a descriptor of its own");
    fds.forEach((fd) => socket.close(fd));
  } finally {
    libc.close(r);
    libc.close(w);
    a.close();
    b.close();
  }
});

test("ancillary data past a socklen_t is OSError, checked before the socket (here closed) is used", () => {
  // Zero-filled and never written: the pages are not touched, so nothing becomes resident.
  const huge = new Uint8Array(2 ** 31);
  const half = huge.subarray(0, 2 ** 30);
  const [a, b] = socket.socketpair();
  a.close();
  b.close();
  const x = bytes("x");
  // python3 (on a closed socket too): OSError('ancillary data item too large'), OSError('too much ancillary data').
  raises(socket.OSError, () => a.sendmsg([x], [[1, 2, huge]]), {
    errno: null,
    message: "ancillary data item too large",
  });
  raises(socket.OSError, () => a.sendmsg([x], [[1, 2, half], [1, 2, half]]), {
    errno: null,
    message: "too much ancillary data",
  });
  raises(socket.OSError, () => a.sendmsg([x], [[1, 2, half]]), { errno: SYS.EBADF });
});

/** A socket object that says AF_ALG over one end of a Unix socketpair (CPython allows it with explicit arguments). */
function fakeAlg(): [socket.SocketType, socket.SocketType] {
  const [a, b] = socket.socketpair();
  return [socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0, a.detach()), b];
}

test("sendmsg_afalg: op and assoclen take a C int; assoclen 0 is sent", () => {
  // Over a Unix socket the kernel checks each control message's length but ignores SOL_ALG ones: a malformed
  // one is EINVAL, a well-formed one lets the data through. python3 gives the same results on such a socket.
  const [alg, peer] = fakeAlg();
  try {
    const x = bytes("x");
    assert.equal(alg.sendmsg_afalg([x], { op: 0x7fffffff }), 1);
    assert.equal(alg.sendmsg_afalg([x], { op: 1, assoclen: 0x7fffffff }), 1);
    assert.equal(alg.sendmsg_afalg([x], { op: 1, assoclen: 0 }), 1);
    raises(TypeError, () => alg.sendmsg_afalg([x], { op: 1, assoclen: -(2 ** 31) }), {
      message: "assoclen must be positive",
    });
    raises(socket.OverflowError, () => alg.sendmsg_afalg([x], { op: 1, assoclen: -(2 ** 31) - 1 }), {
      message: "Python int too large to convert to C int",
    });
    assert.equal(text(peer.recv(10)), "xxx");
  } finally {
    alg.close();
    peer.close();
  }
});

test("sendmsg_afalg: the IV is taken as converted; detached later, it is ValueError and nothing is sent", async () => {
  const [alg, peer] = fakeAlg();
  try {
    const x = bytes("x");
    // The flags getter runs after the IV was converted, as user code may in JavaScript (CPython pins the buffer).
    const detach = new Uint8Array(16);
    raises(socket.ValueError, () =>
      alg.sendmsg_afalg([x], {
        op: 1,
        iv: detach,
        get flags() {
          if (detach.length > 0) (detach.buffer as unknown as { transfer(): ArrayBuffer }).transfer();
          return 0;
        },
      }), { message: "operation forbidden on a detached ArrayBuffer" });
    // Grown later, the IV sent is still the 16 bytes converted: its control message fits, and the data goes through.
    const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(16, {
      maxByteLength: 4096,
    });
    const grown = new Uint8Array(rab);
    assert.equal(
      alg.sendmsg_afalg([bytes("y")], {
        op: 1,
        iv: grown,
        get flags() {
          (rab as unknown as { resize(n: number): void }).resize(4096);
          return 0;
        },
      }),
      1,
    );
    // A 212-byte IV and no assoclen fill a first control buffer exactly (CMSG_SPACE(4) + CMSG_SPACE(4 + 212)).
    const fresh = await freshMsg("afalg-iv");
    assert.equal(fresh.sendmsg_afalg(alg, [[bytes("z")], { op: 1, iv: new Uint8Array(212) }]), 1);
    peer.setblocking(false);
    assert.equal(text(peer.recv(10)), "yz");
  } finally {
    alg.close();
    peer.close();
  }
});

// ---------------------------------------------------------------------------
// Which way a timeout-mode call waits. The peer is python3 in a child process: told over a control connection
// when the call is about to be made, it also waits until this thread sits in poll (read from
// /proc/PID/task/TID/syscall), and only then drains or sends, so nothing depends on timing.

/** Generous: the peer acts as soon as this thread waits; this only bounds a wait in the wrong direction. */
const WAIT = 30;

const PEER_PY = `
import platform, socket, sys, time
role, data_path, ctl_path, thread = sys.argv[1:5]
conns = []
for path in (data_path, ctl_path):
    conns.append(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
    conns[-1].connect(path)
data, ctl = conns
ctl.recv(1)
waits = {"x86_64": ("7", "271"), "aarch64": ("73",)}.get(platform.machine(), ())
while waits:
    try:
        with open("/proc/%s/syscall" % thread) as f:
            if f.read().split(" ")[0] in waits:
                break
    except OSError:
        break
    time.sleep(0.001)
if role == "drain":
    total = 0
    while chunk := data.recv(1 << 16):
        total += len(chunk)
    print(total)
else:
    data.sendall(b"late")
    ctl.recv(1)
    print(0)
`;

/** The python3 peer in `role`, connected: our ends of its data and control connections, and its printed number. */
function pythonPeer(role: "drain" | "send"): {
  data: socket.SocketType;
  ctl: socket.SocketType;
  done: Promise<number>;
  [Symbol.dispose](): void;
} {
  const dir = tempDir();
  const paths = [dir.join("data"), dir.join("ctl")];
  const [ends, listeners] = [[] as socket.SocketType[], [] as socket.SocketType[]];
  try {
    for (const path of paths) {
      const l = socket.socket(AF_UNIX, socket.SOCK_STREAM);
      listeners.push(l);
      l.bind(path);
      l.listen();
      l.settimeout(WAIT);
    }
    const thread = readlinkSync("/proc/thread-self");
    const child = spawn("python3", ["-c", PEER_PY, role, ...paths, thread], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => out += d);
    const done = new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => code === 0 ? resolve(Number(out)) : reject(new Error(`python3 exited ${code}`)));
    });
    for (const l of listeners) ends.push(l.accept()[0]);
    const [data, ctl] = ends;
    return { data, ctl, done, [Symbol.dispose]: () => ends.forEach((s) => s.close()) };
  } finally {
    listeners.forEach((l) => l.close());
    dir.remove();
  }
}

/** Sends in non-blocking mode until the buffer is full; the bytes it took. */
function fillUp(s: socket.SocketType): number {
  const chunk = new Uint8Array(1 << 16);
  s.setblocking(false);
  for (let total = 0;;) {
    try {
      total += s.send(chunk);
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError, `expected BlockingIOError, got ${e}`);
      return total;
    }
  }
}

for (const via of ["sendmsg", "sendmsg_afalg"] as const) {
  test(`${via}() in timeout mode with a full buffer waits for room, not for data, then sends`, async (t) => {
    if (!hasPython()) {
      console.log("skipped: python3 not found (the draining peer)");
      return t.skip("python3 not found");
    }
    using peer = pythonPeer("drain");
    const before = fillUp(peer.data);
    const chunk = new Uint8Array(1 << 16).fill(7);
    // sendmsg_afalg() over a socket object that says AF_ALG (see fakeAlg): the same wait.
    const s = via === "sendmsg"
      ? peer.data
      : socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0, libc.dup(peer.data.fileno()));
    try {
      s.settimeout(WAIT);
      // The peer never writes: a wait for readability would time out.
      assert.equal(peer.ctl.send(bytes("g")), 1);
      const n = via === "sendmsg" ? s.sendmsg([chunk]) : s.sendmsg_afalg([chunk], { op: 1 });
      assert.ok(n > 0 && n <= chunk.length, `${via}() returned ${n}`);
      s.close();
      peer.data.close();
      assert.equal(await peer.done, before + n);
    } finally {
      s.close();
    }
  });
}

test("recvmsg() in timeout mode on a socket with no room to write waits for data, not for room", async (t) => {
  if (!hasPython()) {
    console.log("skipped: python3 not found (the sending peer)");
    return t.skip("python3 not found");
  }
  using peer = pythonPeer("send");
  // The peer never reads: this end stays unwritable, so a wait for writability would time out.
  assert.ok(fillUp(peer.data) > 0);
  peer.data.settimeout(WAIT);
  assert.equal(peer.ctl.send(bytes("g")), 1);
  const [data, anc, flags, addr] = peer.data.recvmsg(10);
  assert.deepEqual([text(data), anc, flags, addr], ["late", [], 0, null]);
  peer.ctl.close();
  assert.equal(await peer.done, 0);
});
