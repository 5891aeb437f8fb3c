// Regression tests for the hostile review of 2026-12-06 (findings 1-3, 5):
// user code reachable from an argument (an own `length`, `byteLength` or
// `set` on the caller's object, a getter, a disguised prototype, a fake
// ArrayBuffer) never runs once pointers are taken, never sees the module's
// scratch, and cannot make the kernel read or write memory that is not the
// caller's; results never show scratch bytes the kernel did not write for
// this call; each result owns its memory; nothing taken from the kernel is
// lost. A crash-type case runs in a child process (tests/hostile_child.ts).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as socket from "../mod.ts";
import { bytes, raises, RUNTIME, tempDir, text } from "./helpers.ts";

const CHILD = fileURLToPath(new URL("./hostile_child.ts", import.meta.url));

function child(
  scenario: string,
  prefix: string[] = [],
): { status: number | null; out: Record<string, unknown> | null } {
  const args = RUNTIME === "bun" ? [CHILD, scenario] : ["run", "-A", CHILD, scenario];
  const [cmd, rest] = prefix.length > 0 ? [prefix[0], [...prefix.slice(1), process.execPath, ...args]] : [
    process.execPath,
    args,
  ];
  const r = spawnSync(cmd, rest, { encoding: "utf8", timeout: 60_000 });
  const line = (r.stdout ?? "").trim().split("\n").pop() ?? "";
  return { status: r.status, out: line.startsWith("{") ? JSON.parse(line) : null };
}

type Sock = socket.SocketType;

function udpPair(): [rx: Sock, tx: Sock] {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  return [rx, tx];
}

function closeAll(...socks: Sock[]): void {
  for (const s of socks) s.close();
}

/** A counter of calls to own accessors defined on `target`, each returning what the built-in would. */
function spy(target: object, names: string[], onCall: () => void = () => {}): { calls: number } {
  const c = { calls: 0 };
  for (const name of names) {
    const real = Reflect.get(target, name);
    Object.defineProperty(target, name, {
      configurable: true,
      get() {
        c.calls++;
        onCall();
        return real;
      },
    });
  }
  return c;
}

function transfer(view: ArrayBufferView, n?: number): ArrayBuffer {
  return (view.buffer as unknown as { transfer(n?: number): ArrayBuffer }).transfer(n);
}

/**
 * Detaches `view` by moving its memory to a new buffer that stays alive: on
 * the old code the kernel then reads or writes memory that is no longer the
 * caller's, without freeing it (the freeing variant, which crashes, runs in
 * the child process).
 */
const MOVED: ArrayBuffer[] = [];
function moveAway(view: ArrayBufferView): void {
  MOVED.push(transfer(view));
}

/** Receives everything queued on a non-blocking `rx`, as datagrams. */
function drain(rx: Sock, max = 70000): Uint8Array[] {
  rx.setblocking(false);
  const got: Uint8Array[] = [];
  for (;;) {
    try {
      got.push(rx.recv(max));
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return got;
      throw e;
    }
  }
}

describe("1.1 mmsg: the caller's own object never reaches addressOf", () => {
  test("recvmmsg_into of buffers past the copy limit runs no accessor of theirs, and data lands in them", () => {
    const [rx, tx] = udpPair();
    try {
      const N = 6000;
      tx.sendto(new Uint8Array(N).fill(0xaa), rx.getsockname()!);
      tx.sendto(new Uint8Array(N).fill(0xbb), rx.getsockname()!);
      const A = new Uint8Array(N), B = new Uint8Array(N);
      const c = spy(B, ["length", "byteLength", "byteOffset", "buffer"], () => moveAway(A));
      const r = rx.recvmmsg_into([A, B]);
      assert.equal(c.calls, 0, "an accessor of the caller's buffer ran");
      assert.deepEqual(r.map((x) => x[0]), [N, N]);
      assert.ok(A.every((x) => x === 0xaa) && A.length === N);
    } finally {
      closeAll(rx, tx);
    }
  });

  test("sendmmsg of buffers past the copy limit runs no accessor of theirs, and sends their bytes", () => {
    const [rx, tx] = udpPair();
    try {
      const N = 6000;
      const A = new Uint8Array(N).fill(0x41), B = new Uint8Array(N).fill(0x42);
      const c = spy(B, ["length", "byteLength", "byteOffset", "buffer"], () => moveAway(A));
      const to = rx.getsockname()!;
      assert.equal(tx.sendmmsg([[[A], null, to], [[B], null, to]]), 2);
      assert.equal(c.calls, 0, "an accessor of the caller's buffer ran");
      const got = drain(rx);
      assert.equal(got.length, 2);
      assert.ok(got[0].length === N && got[0].every((x) => x === 0x41), "the first datagram is not A's bytes");
      assert.ok(got[1].length === N && got[1].every((x) => x === 0x42));
    } finally {
      closeAll(rx, tx);
    }
  });

  test("a getter that frees a buffer whose address is taken cannot crash recvmmsg_into (child process)", () => {
    const { status, out } = child("recvmmsg_uaf");
    assert.equal(status, 0, "the child crashed");
    assert.deepEqual(out, { result: [8000, 8000], calls: 0, stray: 0, bOk: true });
  });
});

/** Yields `items`, overwriting `target` with `bytes` before item `at` (user code later in phase 1). */
function* rewriting<T>(target: Uint8Array, bytes: Uint8Array, items: T[], at = 0): Generator<T> {
  for (let i = 0; i < items.length; i++) {
    if (i === at) target.set(bytes);
    yield items[i];
  }
}

/** Two AF_UNIX datagram receivers whose paths have the same length, and a sender. */
function unixTrio(): { dir: ReturnType<typeof tempDir>; p1: string; p2: string; r1: Sock; r2: Sock; tx: Sock } {
  const dir = tempDir();
  const p1 = dir.join("r1"), p2 = dir.join("r2");
  const r1 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM), r2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  r1.bind(p1);
  r2.bind(p2);
  const tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  return { dir, p1, p2, r1, r2, tx };
}

describe("1.2 addresses: every bytes-like address is snapshotted in phase 1; codecs see only snapshots", () => {
  const kinds: [string, (b: Uint8Array) => ArrayBufferView | ArrayBufferLike][] = [
    ["DataView", (b) => new DataView(b.buffer, b.byteOffset, b.byteLength)],
    ["Int8Array", (b) => new Int8Array(b.buffer, b.byteOffset, b.byteLength)],
    ["ArrayBuffer", (b) => b.buffer],
    ["SharedArrayBuffer", (b) => {
      const sab = new SharedArrayBuffer(b.length);
      new Uint8Array(sab).set(b);
      return sab;
    }],
    ["Uint8Array", (b) => b],
  ];
  for (const [kind, make] of kinds) {
    test(`sendmsg: a ${kind} address rewritten by the buffers iterable (later in phase 1) still goes where it said`, () => {
      const { dir, p1, p2, r1, r2, tx } = unixTrio();
      try {
        const raw = bytes(p1);
        const addr = make(raw);
        const target = addr instanceof DataView || ArrayBuffer.isView(addr)
          ? new Uint8Array(addr.buffer, addr.byteOffset, addr.byteLength)
          : new Uint8Array(addr);
        tx.sendmsg(rewriting(target, bytes(p2), [bytes("hello")]), [], 0, addr as socket.Address);
        assert.deepEqual(drain(r1).map(text), ["hello"]);
        assert.deepEqual(drain(r2), []);
      } finally {
        closeAll(r1, r2, tx);
        dir.remove();
      }
    });
  }

  test("sendmmsg: a DataView address rewritten by a later message is sent to as it was", () => {
    const { dir, p1, p2, r1, r2, tx } = unixTrio();
    try {
      const raw = bytes(p1);
      const addr = new DataView(raw.buffer);
      const messages = rewriting<socket.OutgoingMessage>(raw, bytes(p2), [
        [[bytes("one")], null, addr as unknown as string],
        [[bytes("two")], null, p1],
      ], 1);
      assert.equal(tx.sendmmsg(messages), 2);
      assert.deepEqual(drain(r1).map(text), ["one", "two"]);
      assert.deepEqual(drain(r2), []);
    } finally {
      closeAll(r1, r2, tx);
      dir.remove();
    }
  });

  /** A Uint8Array address whose own accessors lie and count: the codec must read none of them. */
  function lying(b: Uint8Array, onCall: () => void): { addr: Uint8Array; c: { calls: number } } {
    const c = { calls: 0 };
    for (const [name, value] of [["length", 200], ["byteLength", 0]] as const) {
      Object.defineProperty(b, name, {
        get() {
          c.calls++;
          onCall();
          return value;
        },
      });
    }
    return { addr: b, c };
  }

  test("sendmsg (AF_UNIX): a getter on the address that would free the data never runs; the data is sent", () => {
    const { dir, p1, r1, r2, tx } = unixTrio();
    try {
      const A = new Uint8Array(6000).fill(0x41);
      const { addr, c } = lying(bytes(p1), () => moveAway(A));
      assert.equal(tx.sendmsg([A], [], 0, addr), 6000);
      assert.equal(c.calls, 0);
      const got = drain(r1);
      assert.ok(got.length === 1 && got[0].length === 6000 && got[0].every((x) => x === 0x41));
    } finally {
      closeAll(r1, r2, tx);
      dir.remove();
    }
  });

  test("sendmmsg (AF_UNIX): the same, for each message", () => {
    const { dir, p1, r1, r2, tx } = unixTrio();
    try {
      const A = new Uint8Array(6000).fill(0x41);
      const { addr, c } = lying(bytes(p1), () => moveAway(A));
      assert.equal(tx.sendmmsg([[[A], null, addr], [[bytes("x")], null, addr]]), 2);
      assert.equal(c.calls, 0);
      const got = drain(r1);
      assert.equal(got.length, 2);
      assert.ok(got[0].length === 6000 && got[0].every((x) => x === 0x41));
    } finally {
      closeAll(r1, r2, tx);
      dir.remove();
    }
  });

  test("AF_INET host given as bytes: sendmsg, sendto and connect read none of its accessors", () => {
    const [rx, tx] = udpPair();
    try {
      const port = (rx.getsockname() as [string, number])[1];
      const A = new Uint8Array(6000).fill(0x41);
      const { addr, c } = lying(bytes("127.0.0.1"), () => moveAway(A));
      assert.equal(tx.sendmsg([A], [], 0, [addr, port] as unknown as socket.Address), 6000);
      assert.equal(tx.sendto(bytes("b"), [addr, port] as unknown as socket.Address), 1);
      tx.connect([addr, port] as unknown as socket.Address);
      assert.equal(c.calls, 0);
      const got = drain(rx);
      assert.equal(got.length, 2);
      assert.ok(got[0].length === 6000 && got[0].every((x) => x === 0x41));
    } finally {
      closeAll(rx, tx);
    }
  });

  test("sock_sendto: a getter on the address never runs; the data is sent whole", async () => {
    const [rx, tx] = udpPair();
    try {
      tx.setblocking(false);
      const port = (rx.getsockname() as [string, number])[1];
      const A = new Uint8Array(6000).fill(0x41);
      const { addr, c } = lying(bytes("127.0.0.1"), () => moveAway(A));
      assert.equal(await socket.sock_sendto(tx, A, [addr, port] as unknown as socket.Address), 6000);
      assert.equal(c.calls, 0);
      const got = drain(rx);
      assert.ok(got.length === 1 && got[0].every((x) => x === 0x41));
    } finally {
      closeAll(rx, tx);
    }
  });

  test("a zero-length Uint8Array address is snapshotted too (AF_UNIX autobind), whatever its accessors say", () => {
    const s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      const { addr, c } = lying(new Uint8Array(0), () => {});
      s.bind(addr);
      assert.equal(c.calls, 0);
      const name = s.getsockname();
      assert.ok(name instanceof Uint8Array && name.length > 1 && name[0] === 0, "not autobound");
    } finally {
      s.close();
    }
  });

  test("address kinds keep CPython's classes: a host as bytes (Uint8Array) works, as a DataView is TypeError", () => {
    const [rx, tx] = udpPair();
    try {
      const port = (rx.getsockname() as [string, number])[1];
      const host = bytes("127.0.0.1");
      raises(TypeError, () => tx.sendto(bytes("x"), [new DataView(host.buffer), port] as unknown as socket.Address), {
        message: "str, bytes or bytearray expected, not memoryview",
      });
      assert.equal(tx.sendto(bytes("x"), [host, port] as unknown as socket.Address), 1);
    } finally {
      closeAll(rx, tx);
    }
  });
});

describe("1.2 (b) host names given as bytes are read with their real length", () => {
  function shortLength(s: string): Uint8Array {
    const b = bytes(s);
    Object.defineProperty(b, "length", { value: 3 });
    return b;
  }
  test("gethostbyname and getaddrinfo ignore an own `length`", () => {
    assert.equal(socket.gethostbyname(shortLength("127.0.0.1") as unknown as string), "127.0.0.1");
    const [[, , , , addr]] = socket.getaddrinfo(shortLength("127.0.0.1"), 80, socket.AF_INET, socket.SOCK_STREAM);
    assert.deepEqual(addr, ["127.0.0.1", 80]);
  });
});

describe("1.3 sethostname", () => {
  test("refuses what CPython refuses (only str and bytes), before the call", () => {
    const u16 = new Uint16Array([0x41]);
    Object.setPrototypeOf(u16, Uint8Array.prototype);
    for (const v of [new DataView(new ArrayBuffer(1)), new ArrayBuffer(1), new Int8Array(1), u16, 1]) {
      raises(TypeError, () => socket.sethostname(v as unknown as Uint8Array), { message: /^expected str, bytes/ });
    }
  });

  test("passes the real length of bytes, not an own `length` (child in a UTS namespace of its own)", (t) => {
    if (process.getuid?.() !== 0) return t.skip("needs root for unshare -u");
    const probe = spawnSync("unshare", ["-u", "true"]);
    if (probe.status !== 0) return t.skip(`unshare -u does not work here: ${probe.stderr}`);
    const { status, out } = child("sethostname", ["unshare", "-u"]);
    assert.equal(status, 0);
    assert.deepEqual(out, { hostname: "A" });
  });
});

describe("1.4 MSG_TRUNC never returns scratch bytes the kernel did not write for this call", () => {
  const { MSG_TRUNC } = socket;
  /** Leaves `secret` in the receive scratch, through another connection. */
  function dirtyScratch(secret: string): void {
    const [a, b] = socket.socketpair();
    a.sendall(bytes(secret));
    assert.equal(text(b.recv(1024)), secret);
    closeAll(a, b);
  }

  test("recv and recvfrom: CPython's full length, zeros past bufsize; recvmsg: bufsize bytes, MSG_TRUNC set", () => {
    const [rx, tx] = udpPair();
    try {
      const to = rx.getsockname()!;
      for (const call of ["recv", "recvfrom", "recvmsg"] as const) {
        dirtyScratch("abcdET-from-another-connection");
        tx.sendto(bytes("abcd" + "z".repeat(26)), to);
        if (call === "recvmsg") {
          const [data, , flags] = rx.recvmsg(4, 0, MSG_TRUNC);
          assert.equal(text(data), "abcd");
          assert.ok(flags & MSG_TRUNC);
        } else {
          const data = call === "recv" ? rx.recv(4, MSG_TRUNC) : rx.recvfrom(4, MSG_TRUNC)[0];
          assert.equal(data.length, 30, call);
          assert.equal(text(data.subarray(0, 4)), "abcd");
          assert.ok(data.subarray(4).every((x) => x === 0), `${call}: bytes past bufsize are not zeros`);
          assert.equal(data.buffer.byteLength, 30);
        }
      }
    } finally {
      closeAll(rx, tx);
    }
  });

  test("beyond the 64 KiB scratch (a buffer of the call's own): the full length, zeros past bufsize", () => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20);
      a.send(new Uint8Array(100000).fill(7));
      const data = b.recv(70000, MSG_TRUNC);
      assert.equal(data.length, 100000);
      assert.ok(data.subarray(0, 70000).every((x) => x === 7));
      assert.ok(data.subarray(70000).every((x) => x === 0));
    } finally {
      closeAll(a, b);
    }
  });

  test("a stream socket discards the data unwritten: the result is zeros, not earlier receives", () => {
    const srv = socket.create_server(["127.0.0.1", 0]);
    const c = socket.create_connection(srv.getsockname() as [string, number]);
    const [s] = srv.accept();
    try {
      c.sendall(bytes("hello"));
      dirtyScratch("SECRET");
      // Python: recv(5, MSG_TRUNC) on TCP returns 5 bytes the kernel never wrote.
      const r = s.recv(5, MSG_TRUNC);
      assert.equal(r.length, 5);
      assert.deepEqual([...r], [0, 0, 0, 0, 0]);
      c.sendall(bytes("world"));
      dirtyScratch("SECRET");
      const [data] = s.recvmsg(5, 0, MSG_TRUNC);
      assert.deepEqual([...data], [0, 0, 0, 0, 0]);
    } finally {
      closeAll(s, c, srv);
    }
  });
});

describe("1.5 recvmmsg_into never calls a method of the caller's buffer", () => {
  test("an own `set` on a buffer is never called; the datagram lands in the buffer", () => {
    const [rx, tx] = udpPair();
    try {
      tx.sendto(bytes("hello"), rx.getsockname()!);
      const buf = new Uint8Array(64);
      let leaked: unknown = null;
      Object.defineProperty(buf, "set", {
        value(src: unknown) {
          leaked = src;
        },
      });
      const [[n]] = rx.recvmmsg_into([buf]);
      assert.equal(n, 5);
      assert.equal(leaked, null, "the caller's set() received the module's scratch");
      assert.equal(text(buf.subarray(0, 5)), "hello");
    } finally {
      closeAll(rx, tx);
    }
  });
});

describe("2 recvmmsg results each own their memory", () => {
  test("one ArrayBuffer per datagram, of its size; transferring one changes no other", () => {
    const [rx, tx] = udpPair();
    try {
      tx.sendto(bytes("first"), rx.getsockname()!);
      tx.sendto(bytes("second"), rx.getsockname()!);
      const [[d0], [d1]] = rx.recvmmsg(2, 100);
      assert.notEqual(d0.buffer, d1.buffer);
      assert.equal(d0.buffer.byteLength, 5);
      assert.equal(d1.buffer.byteLength, 6);
      transfer(d0);
      assert.equal(text(d1), "second");
    } finally {
      closeAll(rx, tx);
    }
  });
});

describe("3 data is never lost or misread", () => {
  test("3.1 sock_recvmmsg_into: the datagram is in the buffer before the call returns; detaching then loses nothing", async () => {
    const [rx, tx] = udpPair();
    try {
      rx.setblocking(false);
      tx.sendto(bytes("important"), rx.getsockname()!);
      const buf = new Uint8Array(64);
      const p = socket.sock_recvmmsg_into(rx, [buf]);
      const moved = new Uint8Array(transfer(buf));
      const [[n]] = await p;
      assert.equal(n, 9);
      assert.equal(text(moved.subarray(0, 9)), "important");
    } finally {
      closeAll(rx, tx);
    }
  });

  test("5 sock_recvmmsg_into: a buffer detached during the wait is TypeError, as sock_recv_into; nothing consumed", async () => {
    const [rx, tx] = udpPair();
    try {
      rx.setblocking(false);
      for (const call of ["sock_recvmmsg_into", "sock_recv_into"] as const) {
        const buf = new Uint8Array(64);
        const p = call === "sock_recv_into" ? socket.sock_recv_into(rx, buf) : socket.sock_recvmmsg_into(rx, [buf]);
        await new Promise((r) => setTimeout(r, 10));
        transfer(buf);
        tx.sendto(bytes("kept"), rx.getsockname()!);
        await assert.rejects(p, TypeError, call);
        assert.deepEqual(drain(rx).map(text), ["kept"], call);
      }
    } finally {
      closeAll(rx, tx);
    }
  });

  test("3.2 a plain object with ArrayBuffer.prototype is not a buffer: TypeError, nothing consumed", () => {
    const [rx, tx] = udpPair();
    try {
      tx.sendto(bytes("data"), rx.getsockname()!);
      const fake = Object.setPrototypeOf({ length: 4, byteLength: 4 }, ArrayBuffer.prototype);
      raises(TypeError, () => rx.recv_into(fake));
      raises(TypeError, () => tx.send(fake));
      raises(TypeError, () => rx.recvmmsg_into([fake]));
      assert.deepEqual(drain(rx).map(text), ["data"]);
    } finally {
      closeAll(rx, tx);
    }
  });

  test("3.2 an ArrayBuffer whose byteLength lies, or that says it is detached, is read by the built-ins", () => {
    const [a, b] = socket.socketpair();
    try {
      class Lying extends ArrayBuffer {
        reads = 0;
        override get byteLength(): number {
          this.reads++;
          return 0;
        }
      }
      const ab = new Lying(4);
      new Uint8Array(ab).set([1, 2, 3, 4]);
      assert.equal(a.send(ab), 4);
      a.sendall(ab);
      assert.equal(ab.reads, 0);
      const says = new ArrayBuffer(2);
      Object.defineProperty(says, "detached", { value: true });
      assert.equal(a.send(says), 2);
      assert.deepEqual([...b.recv(100)], [1, 2, 3, 4, 1, 2, 3, 4, 0, 0]);
    } finally {
      closeAll(a, b);
    }
  });

  test("3.2 a buffer detached before send is ValueError, before recv_into TypeError (CPython's classes)", () => {
    const [a, b] = socket.socketpair();
    try {
      const ab = new ArrayBuffer(4);
      (ab as unknown as { transfer(): ArrayBuffer }).transfer();
      raises(socket.ValueError, () => a.send(ab));
      raises(TypeError, () => b.recv_into(ab));
      // A DataView's own getters throw TypeError once its buffer is detached: the buffer is checked first.
      const dv = new DataView(new ArrayBuffer(4));
      transfer(dv);
      raises(socket.ValueError, () => a.send(dv));
      raises(TypeError, () => b.recv_into(dv), { message: /read-write bytes-like object/ });
    } finally {
      closeAll(a, b);
    }
  });

  test("3.3 a Uint16Array given Uint8Array.prototype is still a Uint16Array: its bytes, as recv_into writes them", () => {
    const [rx, tx] = udpPair();
    try {
      const to = rx.getsockname()!;
      for (const payload of [[1, 2, 3], [1, 2, 3, 4, 5, 6]]) {
        for (const call of ["recv_into", "recvmmsg_into"] as const) {
          tx.sendto(new Uint8Array(payload), to);
          const u16 = new Uint16Array(4);
          Object.setPrototypeOf(u16, Uint8Array.prototype);
          const n = call === "recv_into" ? rx.recv_into(u16) : rx.recvmmsg_into([u16])[0][0];
          assert.equal(n, payload.length);
          const seen = new Uint8Array((u16 as unknown as { buffer: ArrayBuffer }).buffer);
          assert.deepEqual([...seen.subarray(0, payload.length)], payload, call);
        }
      }
      assert.deepEqual(drain(rx), []);
    } finally {
      closeAll(rx, tx);
    }
  });
});

describe("5 error classes", () => {
  test("recvmsg(2**40) is MemoryError, as python3's", () => {
    const [a, b] = socket.socketpair();
    try {
      raises(socket.MemoryError, () => a.recvmsg(2 ** 40));
      assert.ok(new socket.MemoryError() instanceof RangeError);
    } finally {
      closeAll(a, b);
    }
  });
});
