/**
 * The sync API's hot paths as this round made them cheaper: `toBytes`
 * recognises a plain `Uint8Array` by its prototype and reads `.buffer` only
 * for an empty view; `recv()` results come out of the scratch, told by
 * length; `accept()` builds its socket without probing the descriptor. Each
 * shortcut must keep the answers and errors of the long way.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as socket from "../mod.ts";

describe("sync hot paths", () => {
  it("an object that only claims Uint8Array.prototype is not bytes", () => {
    const [a, b] = socket.socketpair();
    try {
      const fake = Object.create(Uint8Array.prototype);
      assert.throws(() => a.send(fake), TypeError);
      assert.throws(() => a.sendall(fake), TypeError);
      // A proxy of a real view is not a view either (its prototype is the view's).
      assert.throws(() => a.send(new Proxy(new Uint8Array(4), {})), TypeError);
      // Nothing reached the peer.
      b.setblocking(false);
      assert.throws(() => b.recv(16), socket.BlockingIOError);
    } finally {
      a.close();
      b.close();
    }
  });

  it("an empty view is sent as nothing, a detached one is refused", () => {
    const [a, b] = socket.socketpair();
    try {
      assert.equal(a.send(new Uint8Array(0)), 0);
      const ab = new ArrayBuffer(8);
      const view = new Uint8Array(ab);
      structuredClone(ab, { transfer: [ab] });
      assert.throws(() => a.send(view), socket.ValueError);
      assert.throws(() => a.sendall(view), socket.ValueError);
    } finally {
      a.close();
      b.close();
    }
  });

  it("recv results own exact-size memory of their own, for small and large requests", () => {
    const [a, b] = socket.socketpair();
    try {
      for (const [sent, asked] of [[5, 64], [64, 64], [3, 65536], [70000, 70000]]) {
        const msg = new Uint8Array(sent).map((_, i) => i & 0xff);
        a.sendall(msg);
        let got = new Uint8Array(0);
        while (got.length < sent) {
          const part = b.recv(asked - got.length);
          const both = new Uint8Array(got.length + part.length);
          both.set(got);
          both.set(part, got.length);
          got = both;
          if (asked <= 65536) {
            // From the scratch: a copy whose buffer holds only its bytes.
            assert.equal(part.buffer.byteLength, part.length);
          }
        }
        assert.deepEqual(got, msg);
      }
      // Two results never share memory.
      a.sendall(new Uint8Array([1, 2]));
      const r1 = b.recv(1), r2 = b.recv(1);
      r1[0] = 9;
      assert.equal(r2[0], 2);
      assert.notEqual(r1.buffer, r2.buffer);
    } finally {
      a.close();
      b.close();
    }
  });

  it("accept() gives a socket of the listener's family, type and protocol, with the peer's address", () => {
    const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    try {
      srv.bind(["127.0.0.1", 0]);
      srv.listen();
      const cli = socket.create_connection(srv.getsockname());
      try {
        const [conn, addr] = srv.accept();
        try {
          assert.equal(conn.family, socket.AF_INET);
          assert.equal(conn.type, socket.SOCK_STREAM);
          assert.equal(conn.proto, srv.proto);
          assert.deepEqual(addr, cli.getsockname());
          assert.deepEqual(conn.getsockname(), srv.getsockname());
          assert.equal(conn.gettimeout(), null);
          assert.equal(conn.get_inheritable(), false);
          cli.sendall(new Uint8Array([7]));
          assert.deepEqual(conn.recv(1), new Uint8Array([7]));
        } finally {
          conn.close();
        }
      } finally {
        cli.close();
      }
    } finally {
      srv.close();
    }
  });
});
