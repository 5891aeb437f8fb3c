/**
 * readable_stream / writable_stream: Web Streams over sockets, composed with
 * pipeTo, TextDecoderStream, Response and Request bodies, with backpressure,
 * on blocking sockets (recv/sendall) and non-blocking ones (the reactor).
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { bytes, fnv1a, peer, raises, text } from "./helpers.ts";

function generated(total: number, chunk = 65536): { stream: ReadableStream<Uint8Array>; hash: number } {
  let hash = 0x811c9dc5, sent = 0, i = 0;
  const chunks: Uint8Array[] = [];
  while (sent < total) {
    const c = Uint8Array.from({ length: Math.min(chunk, total - sent) }, (_, j) => (i * 13 + j) & 0xff);
    hash = fnv1a(c, hash);
    chunks.push(c);
    sent += c.length;
    i++;
  }
  let k = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (k < chunks.length) c.enqueue(chunks[k++]);
      else c.close();
    },
  }, { highWaterMark: 0 });
  return { stream, hash };
}

describe("readable_stream (blocking sockets)", () => {
  test("composes with TextDecoderStream and ends at the peer's shutdown", async () => {
    const [a, b] = socket.socketpair();
    try {
      a.sendall(bytes("héllo\nworld"));
      a.shutdown(socket.SHUT_WR);
      let out = "";
      for await (const s of socket.readable_stream(b).pipeThrough(new TextDecoderStream())) out += s;
      assert.equal(out, "héllo\nworld");
    } finally {
      a.close();
      b.close();
    }
  });

  test("is a fetch body: Response and Request", async () => {
    const [a, b] = socket.socketpair();
    try {
      a.sendall(bytes('{"ok":true}'));
      a.shutdown(socket.SHUT_WR);
      assert.deepEqual(await new Response(socket.readable_stream(b)).json(), { ok: true });
      const [c, d] = socket.socketpair();
      c.sendall(bytes("request body"));
      c.close();
      const req = new Request("http://127.0.0.1/", {
        method: "POST",
        body: socket.readable_stream(d, { close: true }),
        duplex: "half",
      } as RequestInit);
      assert.equal(await req.text(), "request body");
      raises(socket.OSError, () => d.recv(1), { errno: 9 });
    } finally {
      a.close();
      b.close();
    }
  });

  test("backpressure: receives only when the reader asks, one chunk at a time", async () => {
    const [a, b] = socket.socketpair();
    try {
      a.sendall(bytes("abcdefghijkl"));
      const reader = socket.readable_stream(b, { chunkSize: 4 }).getReader();
      const { value } = await reader.read();
      assert.equal(text(value!), "abcd");
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(text(b.recv(100)), "efghijkl", "the stream did not read ahead");
      reader.releaseLock();
      raises(socket.ValueError, () => socket.readable_stream(b, { chunkSize: 0 }));
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("writable_stream (blocking sockets)", () => {
  test("pipeTo from a Response body; closing shuts down the sending side", async () => {
    const [a, b] = socket.socketpair();
    try {
      await new Response("over the wire").body!.pipeTo(socket.writable_stream(a));
      assert.equal(text(b.recv(100)), "over the wire");
      assert.equal(b.recv(100).length, 0, "the peer reads the end");
      const w = socket.writable_stream(a, { shutdown: false }).getWriter();
      await assert.rejects(w.write("str" as never), TypeError);
    } finally {
      a.close();
      b.close();
    }
  });

  test("32 MiB piped into TCP to a draining peer: all of it, in order (hash)", async () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const { done } = await peer({ op: "drain", family: socket.AF_INET, address: server.getsockname() });
    const [conn] = server.accept();
    const { stream, hash } = generated(32 * 1024 * 1024);
    await stream.pipeTo(socket.writable_stream(conn, { close: true }));
    assert.deepEqual(await done, { bytes: 32 * 1024 * 1024, hash });
  });
});

describe("streams over non-blocking sockets (reactor)", () => {
  test("8 MiB through a socket pair in one thread: both ends wait without blocking the loop", async () => {
    const [a, b] = socket.socketpair();
    a.setblocking(false);
    b.setblocking(false);
    try {
      const { stream, hash } = generated(8 * 1024 * 1024);
      let got = 0, h = 0x811c9dc5;
      const reading = socket.readable_stream(b).pipeTo(
        new WritableStream({
          write(c) {
            got += c.length;
            h = fnv1a(c, h);
          },
        }),
      );
      await stream.pipeTo(socket.writable_stream(a));
      await reading;
      assert.deepEqual([got, h], [8 * 1024 * 1024, hash]);
    } finally {
      a.close();
      b.close();
    }
  });

  test("cancelling a pending read leaves the socket usable", async () => {
    const [a, b] = socket.socketpair();
    b.setblocking(false);
    try {
      const reader = socket.readable_stream(b).getReader();
      const pending = reader.read();
      await new Promise((r) => setTimeout(r, 5));
      await reader.cancel("done waiting");
      assert.deepEqual(await pending, { done: true, value: undefined });
      a.sendall(bytes("later"));
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(text(b.recv(10)), "later");
    } finally {
      a.close();
      b.close();
    }
  });
});
