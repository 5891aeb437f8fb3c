/**
 * Every address-taking call encodes into a `sockaddr` of its own, written
 * after the user code of its arguments has run (lib/addr/mod.ts): a nested
 * call made from a getter, an iterator or a generator, to another
 * destination, never redirects the outer call. And the family → codec table
 * is static: importing `lib/addr/mod.ts` alone knows every family.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as socket from "../mod.ts";
import { CONSTANTS } from "../ffi/gen/mod.ts";
import { codecFor, fromSockaddr, newSockaddr, toSockaddr } from "../lib/addr/mod.ts";

type Inet = [string, number];

function udp(): socket.SocketType {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  s.setblocking(false);
  return s;
}

/** The datagram queued on `s`, or `null`. */
function pending(s: socket.SocketType): Uint8Array | null {
  try {
    return s.recv(65536);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return null;
    throw e;
  }
}

/** `[host, port]` whose port is read through a getter that runs `nested` first. */
function addressWithGetter(to: socket.SocketType, nested: () => void): Inet {
  const [host, port] = to.getsockname() as Inet;
  const addr: unknown[] = [host];
  Object.defineProperty(addr, 1, { get: () => (nested(), port), enumerable: true });
  return addr as Inet;
}

function using3(fn: (a: socket.SocketType, b: socket.SocketType, tx: socket.SocketType) => void): void {
  const [a, b, tx] = [udp(), udp(), udp()];
  try {
    fn(a, b, tx);
  } finally {
    a.close(), b.close(), tx.close();
  }
}

describe("address scratch: a nested call cannot redirect the outer one", () => {
  it("sendmmsg(): a later message's buffers iterable calls sendmmsg to another peer", () => {
    using3((a, b, tx) => {
      function* buffers(): Generator<Uint8Array> {
        assert.equal(tx.sendmmsg([[[new Uint8Array([9])], null, b.getsockname() as Inet]]), 1);
        yield new Uint8Array([2, 2]);
      }
      const to = a.getsockname() as Inet;
      const sent = tx.sendmmsg([[[new Uint8Array([1])], null, to], [buffers(), null, [to[0], to[1]]]]);
      assert.equal(sent, 2);
      assert.deepEqual(pending(a), new Uint8Array([1]));
      assert.deepEqual(pending(a), new Uint8Array([2, 2]));
      assert.deepEqual(pending(b), new Uint8Array([9]));
      assert.equal(pending(a), null);
      assert.equal(pending(b), null);
    });
  });

  it("sendmsg(): the buffers iterable calls sendto and sendmmsg to another peer", () => {
    using3((a, b, tx) => {
      function* buffers(): Generator<Uint8Array> {
        tx.sendto(new Uint8Array([7]), b.getsockname() as Inet);
        tx.sendmmsg([[[new Uint8Array([8])], null, b.getsockname() as Inet]]);
        yield new Uint8Array([3, 3, 3]);
      }
      assert.equal(tx.sendmsg(buffers(), [], 0, a.getsockname() as Inet), 3);
      assert.deepEqual(pending(a), new Uint8Array([3, 3, 3]));
      assert.deepEqual(pending(b), new Uint8Array([7]));
      assert.deepEqual(pending(b), new Uint8Array([8]));
    });
  });

  it("connect(): an address getter connects another socket elsewhere", () => {
    using3((a, b, tx) => {
      const other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
      try {
        tx.connect(addressWithGetter(a, () => other.connect(b.getsockname() as Inet)));
        assert.deepEqual(tx.getpeername(), a.getsockname());
        assert.deepEqual(other.getpeername(), b.getsockname());
      } finally {
        other.close();
      }
    });
  });

  it("bind(): an address getter binds another socket elsewhere", () => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    try {
      const addr: unknown[] = ["127.0.0.1"];
      Object.defineProperty(addr, 1, { get: () => (other.bind(["127.0.0.2", 0]), 0), enumerable: true });
      s.bind(addr as Inet);
      assert.equal((s.getsockname() as Inet)[0], "127.0.0.1");
      assert.equal((other.getsockname() as Inet)[0], "127.0.0.2");
    } finally {
      s.close(), other.close();
    }
  });

  it("sock_sendto(): another sock_sendto started before the first one's send does not redirect it", async () => {
    const [a, b, tx] = [udp(), udp(), udp()];
    try {
      const first = socket.sock_sendto(tx, new Uint8Array([4]), a.getsockname() as Inet);
      const second = socket.sock_sendto(tx, new Uint8Array([5]), b.getsockname() as Inet);
      assert.deepEqual(await Promise.all([first, second]), [1, 1]);
      assert.deepEqual(pending(a), new Uint8Array([4]));
      assert.deepEqual(pending(b), new Uint8Array([5]));
    } finally {
      a.close(), b.close(), tx.close();
    }
  });
});

describe("the family → codec table", () => {
  it("has a codec for each family this platform defines, and none for an unknown one", () => {
    for (const name of ["AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK", "AF_PACKET", "AF_VSOCK", "AF_CAN", "AF_TIPC"]) {
      const family = (CONSTANTS as Readonly<Record<string, number | undefined>>)[name];
      if (family === undefined) continue;
      assert.equal(codecFor(family)?.family, family, name);
    }
    assert.equal(codecFor(-1), undefined);
  });

  it("toSockaddr() writes into the buffer it is given, and only that one", () => {
    const ctx = { family: socket.AF_INET, type: socket.SOCK_DGRAM, proto: 0 };
    const x = newSockaddr(), y = newSockaddr();
    const lx = toSockaddr(ctx, ["127.0.0.1", 80], x, "bind");
    const ly = toSockaddr(ctx, ["10.0.0.1", 443], y, "bind");
    assert.deepEqual(fromSockaddr(x, lx, ctx), ["127.0.0.1", 80]);
    assert.deepEqual(fromSockaddr(y, ly, ctx), ["10.0.0.1", 443]);
  });
});
