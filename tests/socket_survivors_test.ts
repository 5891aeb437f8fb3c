/**
 * Socket-object behaviour that the mutation run of `lib/socket.ts` found
 * unasserted (see tests/README.md, "Mutation testing"), each checked against
 * what CPython 3.11 does on Linux: `send()` in timeout mode
 * waits for room to write (not for data to read) when the first attempt finds
 * the buffer full; `recvfrom_into()` names itself in its errors; a socket at
 * descriptor 0 (an inetd-style server's) is a socket like any other; and
 * `detach()` leaves the object closed.
 *
 * The waiting tests need the peer to drain while this thread is blocked in
 * `send()`: the peer is python3 in a child process, held back by a control
 * connection until the buffer here is full, and then until this thread sits
 * in `poll` (read from /proc/PID/task/TID/syscall), so nothing depends on timing.
 *
 * @module
 */

import { test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { libc } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { bytes, hasPython, raises, tempDir } from "./helpers.ts";
import { drainPeer, fill, unixListener, WAIT } from "./drain_peer.ts";

test("send() in timeout mode with a full buffer waits until the peer makes room, then sends", async (t) => {
  if (!hasPython()) {
    console.log("skipped: python3 not found (the draining peer)");
    return t.skip("python3 not found");
  }
  const dir = tempDir();
  try {
    using data = unixListener(dir.join("data"));
    using ctl = unixListener(dir.join("ctl"));
    const drained = drainPeer("stream", dir.join("ctl"), dir.join("data"));
    using d = data.accept()[0];
    using c = ctl.accept()[0];
    const chunk = new Uint8Array(1 << 16).fill(7);
    const before = fill(d, () => d.send(chunk));
    assert.ok(before > 0);
    d.settimeout(WAIT);
    assert.equal(d.gettimeout(), WAIT);
    // The peer only reads from now on, and never writes: a wait for readability would time out.
    assert.equal(c.send(bytes("g")), 1);
    const n = d.send(chunk);
    assert.ok(n > 0 && n <= chunk.length, `send() returned ${n}`);
    d.close();
    assert.equal(await drained, before + n);
  } finally {
    dir.remove();
  }
});

test("recvfrom_into() with a negative nbytes: ValueError naming recvfrom_into, positional or keyword", () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    // python3: ValueError('negative buffersize in recvfrom_into'), both ways.
    raises(socket.ValueError, () => a.recvfrom_into(new Uint8Array(4), -1), {
      message: "negative buffersize in recvfrom_into",
    });
    raises(socket.ValueError, () => a.recvfrom_into(new Uint8Array(4), { nbytes: -1 }), {
      message: "negative buffersize in recvfrom_into",
    });
    // python3: ValueError('negative buffersize in recv_into').
    raises(socket.ValueError, () => a.recv_into(new Uint8Array(4), -1), {
      message: "negative buffersize in recv_into",
    });
  } finally {
    a.close();
    b.close();
  }
});

/** The repr python3 gives a connected TCP socket on loopback: laddr and raddr from the socket itself. */
function tcpRepr(s: socket.SocketType): string {
  const [lh, lp] = s.getsockname() as [string, number];
  const [rh, rp] = s.getpeername() as [string, number];
  return `<socket.socket fd=${s.fileno()}, family=2, type=1, proto=0, laddr=('${lh}', ${lp}), raddr=('${rh}', ${rp})>`;
}

test("a socket at descriptor 0 (inetd-style) connects in timeout mode, has a repr with addresses, and closes", () => {
  using l = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  l.bind(["127.0.0.1", 0]);
  l.listen();
  // Free descriptor 0 (the runner's stdin, saved and put back below): the next socket gets it.
  const saved = libc.dup(0);
  assert.ok(saved > 0);
  assert.equal(libc.close(0), 0);
  let s: socket.SocketType | undefined;
  try {
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    assert.equal(s.fileno(), 0);
    // python3: connect() in timeout mode waits for the connection, then getpeername() is the listener's.
    s.settimeout(WAIT);
    s.connect(l.getsockname());
    assert.deepEqual(s.getpeername(), l.getsockname());
    assert.equal(`${s}`, tcpRepr(s));
    // python3 3.11: connect_ex() on the connected socket gives 0.
    assert.equal(s.connect_ex(l.getsockname()), 0);
    s.close();
    assert.equal(s.fileno(), -1);
    // Really closed: descriptor 0 is free again.
    assert.equal(libc.fcntl(0, SYS.F_GETFD, 0), -1);
  } finally {
    if (s !== undefined && s.fileno() === 0) s.close();
    assert.equal(libc.dup(saved), 0);
    libc.close(saved);
  }
});

test("detach() leaves the object closed: repr says [closed] with fd=-1, as python3's", () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const fd = s.detach();
  try {
    // python3: <socket.socket [closed] fd=-1, family=2, type=1, proto=0>
    assert.equal(`${s}`, "<socket.socket [closed] fd=-1, family=2, type=1, proto=0>");
  } finally {
    libc.close(fd);
  }
});

test("repr() of a socket closed while a makefile() object keeps its descriptor: [closed], no addresses, as python3", () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  const fd = s.fileno();
  const f = s.makefile("rb");
  s.close();
  // python3 3.11: <socket.socket [closed] fd=3, family=2, type=1, proto=0>
  assert.equal(String(s), `<socket.socket [closed] fd=${fd}, family=2, type=1, proto=0>`);
  f.close();
  assert.equal(String(s), "<socket.socket [closed] fd=-1, family=2, type=1, proto=0>");
});
