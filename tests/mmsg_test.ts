// Tests for lib/mmsg.ts: sendmmsg, recvmmsg, recvmmsg_into and their sock_*
// twins, under the kernel's sendmmsg/recvmmsg and under the loop of single
// calls that stands in for them where the C library lacks them (macOS).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";

import * as socket from "../mod.ts";
import { mmsgEngines } from "../lib/mmsg.ts";
import { raises } from "./helpers.ts";

const ENGINES = [
  ["native", mmsgEngines.native],
  ["emulated", mmsgEngines.emulated],
] as const;

/** Runs `fn` once per engine the platform has, restoring the default after. */
async function eachEngine(fn: (name: string) => void | Promise<void>): Promise<void> {
  const saved = mmsgEngines.current;
  try {
    for (const [name, engine] of ENGINES) {
      if (engine === null) {
        console.log(`skipped engine ${name}: not in this C library`);
        continue;
      }
      mmsgEngines.current = engine;
      await fn(name);
    }
  } finally {
    mmsgEngines.current = saved;
  }
}

function udp(): { rx: socket.SocketType; tx: socket.SocketType; to: [string, number]; close(): void } {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  return { rx, tx, to: rx.getsockname() as [string, number], close: () => (rx.close(), tx.close()) };
}

const bytes = (...b: number[]) => new Uint8Array(b);

test("sendmmsg() sends every message, gathering buffers; recvmmsg() returns each with its sender", async () => {
  await eachEngine((engine) => {
    const { rx, tx, to, close } = udp();
    try {
      const sent = tx.sendmmsg([
        [[bytes(1, 2)], null, to],
        [[bytes(3), bytes(4, 5)], [], to],
        [[new Uint16Array([0x0706])], undefined, to],
      ]);
      assert.equal(sent, 3, engine);
      const got = rx.recvmmsg(32, 100);
      assert.deepEqual(got.map(([d]) => [...d]), [[1, 2], [3, 4, 5], [6, 7]], engine);
      for (const [, anc, flags, from] of got) {
        assert.deepEqual(anc, []);
        assert.equal(flags, 0);
        assert.deepEqual(from, tx.getsockname());
      }
      // Each result owns its address array.
      assert.notEqual(got[0][3], got[1][3]);
    } finally {
      close();
    }
  });
});

test("recvmmsg() returns at most vlen, oldest first, and what is queued without waiting for vlen", async () => {
  await eachEngine((engine) => {
    const { rx, tx, to, close } = udp();
    try {
      for (let i = 0; i < 5; i++) tx.sendto(bytes(i), to);
      assert.deepEqual(rx.recvmmsg(2, 10).map(([d]) => d[0]), [0, 1], engine);
      // Blocking mode, 3 queued, vlen 64: returns the 3 (MSG_WAITFORONE), not a wait for 64.
      assert.deepEqual(rx.recvmmsg(64, 10).map(([d]) => d[0]), [2, 3, 4], engine);
    } finally {
      close();
    }
  });
});

test("recvmmsg() in blocking mode waits for the first datagram, then returns what is queued", async () => {
  // A peer sends one datagram, then sends the second only after our
  // acknowledgement: if recvmmsg waited for more than the first, this would
  // never finish.
  await eachEngine(async (engine) => {
    const { rx, tx, to, close } = udp();
    try {
      const peer = spawn("python3", [
        "-c",
        `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
to = ("127.0.0.1", int(sys.argv[1]))
s.sendto(b"first", to)
data, _ = s.recvfrom(10)
s.sendto(b"second", to)`,
        String(to[1]),
      ], { stdio: "inherit" });
      const exited = new Promise((resolve) => peer.on("close", resolve));
      rx.settimeout(null);
      const first = rx.recvmmsg(32, 100);
      assert.deepEqual(first.map(([d]) => new TextDecoder().decode(d)), ["first"], engine);
      rx.sendto(bytes(1), first[0][3]!);
      const second = rx.recvmmsg(32, 100);
      assert.deepEqual(second.map(([d]) => new TextDecoder().decode(d)), ["second"], engine);
      await exited;
    } finally {
      tx.close();
      close();
    }
  });
});

test("recvmmsg() honours the socket timeout and raises BlockingIOError in non-blocking mode", async () => {
  await eachEngine((engine) => {
    const { rx, close } = udp();
    try {
      rx.settimeout(0.05);
      const t0 = performance.now();
      raises(socket.TimeoutError, () => rx.recvmmsg(8, 100), { message: "timed out" });
      assert.ok(performance.now() - t0 >= 45, `${engine}: timed out early`);
      rx.setblocking(false);
      raises(socket.BlockingIOError, () => rx.recvmmsg(8, 100));
      raises(socket.BlockingIOError, () => rx.recvmmsg_into([new Uint8Array(8)]));
    } finally {
      close();
    }
  });
});

test("recvmmsg_into() fills one buffer per datagram and reports truncation", async () => {
  await eachEngine((engine) => {
    const { rx, tx, to, close } = udp();
    try {
      tx.sendto(bytes(1, 2, 3), to);
      tx.sendto(bytes(4, 5, 6, 7, 8), to);
      const a = new Uint8Array(8), b = new Uint8Array(2), c = new Uint8Array(8);
      const got = rx.recvmmsg_into([a, b, c]);
      assert.equal(got.length, 2, engine);
      assert.equal(got[0][0], 3);
      assert.deepEqual([...a.subarray(0, 3)], [1, 2, 3]);
      assert.equal(got[1][0], 2);
      assert.deepEqual([...b], [4, 5]);
      assert.equal(got[1][2] & socket.MSG_TRUNC, socket.MSG_TRUNC);
      assert.deepEqual(got[0][3], tx.getsockname());
      assert.deepEqual([...c], [0, 0, 0, 0, 0, 0, 0, 0]);
    } finally {
      close();
    }
  });
});

test("sendmmsg()/recvmmsg(): ancillary data per message (SCM_RIGHTS over a Unix datagram pair)", async () => {
  await eachEngine((engine) => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    const [x, y] = socket.socketpair();
    try {
      const rights = (fd: number) => socket.encode_ancdata([[socket.SOL_SOCKET, socket.SCM_RIGHTS, [fd]]]);
      assert.equal(a.sendmmsg([[[bytes(1)], rights(x.fileno())], [[bytes(2)], rights(y.fileno())], [[bytes(3)]]]), 3);
      const got = b.recvmmsg(8, 16, socket.CMSG_SPACE(4));
      assert.equal(got.length, 3, engine);
      const fds = got.map(([, anc]) => socket.decode_ancdata(anc).flatMap(([, , v]) => v as number[]));
      assert.equal(fds[0].length, 1);
      assert.equal(fds[1].length, 1);
      assert.deepEqual(fds[2], []);
      // Each received descriptor is the socket sent: x's twin talks to y, y's to x.
      const gx = socket.socket(undefined, undefined, undefined, fds[0][0]);
      const gy = socket.socket(undefined, undefined, undefined, fds[1][0]);
      gx.sendall(bytes(8));
      assert.deepEqual([...y.recv(1)], [8]);
      gy.sendall(bytes(9));
      assert.deepEqual([...x.recv(1)], [9]);
      gx.close();
      gy.close();
    } finally {
      for (const s of [a, b, x, y]) s.close();
    }
  });
});

test("recvmmsg(): IP_PKTINFO on every datagram of a batch", () => {
  const { rx, tx, to, close } = udp();
  try {
    rx.setsockopt(socket.IPPROTO_IP, socket.IP_PKTINFO, 1);
    tx.sendmmsg([[[bytes(1)], null, to], [[bytes(2)], null, to]]);
    const got = rx.recvmmsg(4, 8, 128);
    assert.equal(got.length, 2);
    for (const [, anc] of got) {
      const [[, type, info]] = socket.decode_ancdata(anc);
      assert.equal(type, socket.IP_PKTINFO);
      assert.equal((info as socket.InPktinfo).ipi_addr, "127.0.0.1");
    }
  } finally {
    close();
  }
});

test("sock_sendmmsg()/sock_recvmmsg()/sock_recvmmsg_into() wait on the reactor and honour an AbortSignal", async () => {
  const { rx, tx, to, close } = udp();
  try {
    rx.setblocking(false);
    tx.setblocking(false);
    const pending = socket.sock_recvmmsg(rx, 16, 100);
    assert.equal(await socket.sock_sendmmsg(tx, [[[bytes(1)], null, to], [[bytes(2)], null, to]]), 2);
    const got = await pending;
    assert.ok(got.length >= 1);
    const rest = got.length === 2 ? [] : await socket.sock_recvmmsg(rx, 16, 100);
    assert.deepEqual([...got, ...rest].map(([d]) => d[0]), [1, 2]);

    const buf = new Uint8Array(10);
    const into = socket.sock_recvmmsg_into(rx, [buf]);
    tx.sendto(bytes(7, 7), to);
    assert.equal((await into)[0][0], 2);
    assert.deepEqual([...buf.subarray(0, 2)], [7, 7]);

    const ac = new AbortController();
    const aborted = socket.sock_recvmmsg(rx, 16, 100, 0, 0, { signal: ac.signal });
    const reason = new Error("stop");
    ac.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    // Nothing was consumed: a datagram sent now is still there.
    tx.sendto(bytes(3), to);
    assert.deepEqual((await socket.sock_recvmmsg(rx, 16, 100)).map(([d]) => d[0]), [3]);

    rx.setblocking(true);
    await assert.rejects(socket.sock_recvmmsg(rx, 1, 1), socket.ValueError);
    await assert.rejects(socket.sock_sendmmsg(rx, []), socket.ValueError);
  } finally {
    close();
  }
});

test("sendmmsg() and recvmmsg() check arguments before any system call", () => {
  const { rx, tx, to, close } = udp();
  try {
    raises(socket.ValueError, () => rx.recvmmsg(0, 10));
    raises(socket.ValueError, () => rx.recvmmsg(1, -1));
    raises(socket.ValueError, () => rx.recvmmsg(1, 10, -1));
    raises(TypeError, () => rx.recvmmsg("1" as never, 10));
    raises(socket.ValueError, () => rx.recvmmsg_into([]));
    raises(TypeError, () => rx.recvmmsg_into(["text"] as never));
    raises(TypeError, () => tx.sendmmsg(5 as never));
    raises(TypeError, () => tx.sendmmsg([bytes(1)] as never));
    raises(TypeError, () => tx.sendmmsg([[5]] as never));
    raises(TypeError, () => tx.sendmmsg([[[bytes(1)], null, "127.0.0.1"]] as never));
    raises(socket.OverflowError, () => tx.sendmmsg([[[bytes(1)], null, ["127.0.0.1", 70000]]]));
    assert.equal(tx.sendmmsg([]), 0);
    // None of the above sent anything.
    rx.setblocking(false);
    raises(socket.BlockingIOError, () => rx.recvmmsg(8, 10));
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.close();
    raises(socket.OSError, () => s.recvmmsg(1, 1), { errno: socket.EBADF });
    raises(socket.OSError, () => s.sendmmsg([[[bytes(1)], null, to]]), { errno: socket.EBADF });
  } finally {
    close();
  }
});

test("sendmmsg(): a buffer detached while the messages are walked is a ValueError, and nothing is sent", () => {
  const { rx, tx, to, close } = udp();
  try {
    const first = new Uint8Array(new ArrayBuffer(4));
    const messages = function* (): Generator<socket.OutgoingMessage> {
      yield [[first], null, to];
      // Detach the first message's buffer before the call takes its pointer.
      (first.buffer as ArrayBuffer).transfer();
      yield [[bytes(2)], null, to];
    };
    raises(socket.ValueError, () => tx.sendmmsg(messages()));
    rx.setblocking(false);
    raises(socket.BlockingIOError, () => rx.recvmmsg(8, 10));
  } finally {
    close();
  }
});
