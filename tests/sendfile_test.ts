/**
 * socket.sendfile(): sendfile(2) from a descriptor, the read-and-send path
 * (Deno.FsFile, pipes), file positions afterwards, and CPython's argument
 * errors; 100 MiB through loopback TCP checked by hash.
 */

import { closeSync, openSync, promises as fsp, writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { bytes, countCalls, fnv1a, peer, raises, RUNTIME, tempDir } from "./helpers.ts";

const position = (fd: number) => libc.lseek(fd, 0, SYS.SEEK_CUR);
const content = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

/** Reads exactly `n` bytes (or until EOF) from a socket. */
function recvAll(s: socket.SocketType, n = Infinity): Uint8Array {
  const parts: number[] = [];
  while (parts.length < n) {
    const b = s.recv(Math.min(65536, n - parts.length));
    if (b.length === 0) break;
    for (const x of b) parts.push(x);
  }
  return Uint8Array.from(parts);
}

describe("sendfile", () => {
  test("100 MiB through loopback TCP with sendfile(2), verified by hash", async () => {
    const dir = tempDir();
    const size = 100 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024);
    const path = dir.join("big");
    const fd = openSync(path, "w+");
    let hash = 0x811c9dc5;
    try {
      for (let i = 0; i < size / chunk.length; i++) {
        for (let j = 0; j < chunk.length; j += 4096) chunk[j] = (i * 31 + j / 4096) & 0xff;
        chunk[chunk.length - 1] = i & 0xff;
        hash = fnv1a(chunk, hash);
        assert.equal(libc.write(fd, chunk, chunk.length), chunk.length);
      }
      using server = socket.create_server(["127.0.0.1", 0]);
      const { done } = await peer({ op: "drain", family: socket.AF_INET, address: server.getsockname() });
      const [conn] = server.accept();
      libc.lseek(fd, 12345, SYS.SEEK_SET);
      const calls: string[] = [];
      const sent = countCalls(calls, () => conn.sendfile(fd));
      conn.close();
      // The sendfile(2) path: the kernel copies; nothing is read into memory or sent from it.
      assert.ok(calls.includes("sendfile"), `no sendfile(2) call: ${[...new Set(calls)].join(", ")}`);
      for (const name of ["read", "send", "write"]) assert.ok(!calls.includes(name), `${name} was called`);
      const result = await done;
      assert.equal(sent, size);
      assert.deepEqual(result, { bytes: size, hash });
      assert.equal(position(fd), size, "a descriptor's position is offset + sent afterwards");
    } finally {
      closeSync(fd);
      dir.remove();
    }
  });

  test("offset and count: a slice of the file, and the position after it", () => {
    const dir = tempDir();
    writeFileSync(dir.join("f"), content);
    const fd = openSync(dir.join("f"), "r");
    const [a, b] = socket.socketpair();
    try {
      assert.equal(a.sendfile(fd, 10, 100), 100);
      assert.deepEqual(recvAll(b, 100), content.subarray(10, 110));
      assert.equal(position(fd), 110);
      // count past the end: up to the end.
      assert.equal(a.sendfile(fd, content.length - 5, 1000), 5);
      assert.deepEqual(recvAll(b, 5), content.subarray(content.length - 5));
      assert.equal(position(fd), content.length);
      // offset at or past the end: nothing sent, position untouched.
      libc.lseek(fd, 7, SYS.SEEK_SET);
      assert.equal(a.sendfile(fd, content.length + 10), 0);
      assert.equal(position(fd), 7);
    } finally {
      closeSync(fd);
      a.close();
      b.close();
      dir.remove();
    }
  });

  test("the whole file from offset 0, in timeout mode, through a file handle's fd", async () => {
    const dir = tempDir();
    writeFileSync(dir.join("f"), content.subarray(0, 50_000));
    const handle = await fsp.open(dir.join("f"), "r");
    const [a, b] = socket.socketpair();
    try {
      a.settimeout(30);
      libc.lseek(handle.fd, 999, SYS.SEEK_SET);
      assert.equal(a.sendfile(handle), 50_000);
      a.shutdown(socket.SHUT_WR);
      assert.deepEqual(recvAll(b), content.subarray(0, 50_000));
      assert.equal(position(handle.fd), 50_000);
    } finally {
      await handle.close();
      a.close();
      b.close();
      dir.remove();
    }
  });

  test("an object with fileno(), and a pipe (no sendfile(2): read and send)", () => {
    const fds = new Int32Array(2);
    assert.equal(libc.pipe(fds), 0);
    const [a, b] = socket.socketpair();
    try {
      libc.write(fds[1], bytes("through a pipe"), 14);
      libc.close(fds[1]);
      const calls: string[] = [];
      assert.equal(countCalls(calls, () => a.sendfile({ fileno: () => fds[0] })), 14);
      // The read-and-send path: read(2) from the pipe, send(2) to the socket.
      assert.ok(calls.includes("read") && calls.includes("send"), `calls: ${[...new Set(calls)].join(", ")}`);
      a.shutdown(socket.SHUT_WR);
      assert.equal(new TextDecoder().decode(recvAll(b)), "through a pipe");
    } finally {
      libc.close(fds[0]);
      a.close();
      b.close();
    }
  });

  test("a Deno.FsFile (no descriptor): read and send, position offset + sent", (t) => {
    const D = (globalThis as { Deno?: { openSync(p: string): { close(): void } } }).Deno;
    if (RUNTIME !== "deno" || !D) {
      console.log("skip: Deno.FsFile exists only under Deno");
      return t.skip("Deno.FsFile exists only under Deno");
    }
    const dir = tempDir();
    writeFileSync(dir.join("f"), content);
    const file = D.openSync(dir.join("f")) as unknown as socket.SyncFile & { close(): void };
    const [a, b] = socket.socketpair();
    try {
      assert.equal(a.sendfile(file, 1000, 70_000), 70_000);
      assert.deepEqual(recvAll(b, 70_000), content.subarray(1000, 71_000));
      assert.equal(file.seekSync(0, 1), 71_000);
      assert.equal(a.sendfile(file, 250_000), 50_000);
      assert.deepEqual(recvAll(b, 50_000), content.subarray(250_000));
      assert.equal(file.seekSync(0, 1), content.length);
    } finally {
      file.close();
      a.close();
      b.close();
      dir.remove();
    }
  });

  test("CPython's argument errors", () => {
    const dir = tempDir();
    writeFileSync(dir.join("f"), content.subarray(0, 10));
    writeFileSync(dir.join("empty"), new Uint8Array(0));
    const fd = openSync(dir.join("f"), "r");
    const empty = openSync(dir.join("empty"), "r");
    const [a, b] = socket.socketpair();
    const [da, db] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    try {
      raises(socket.ValueError, () => a.sendfile(fd, 0, 0), { message: "count must be a positive integer (got 0)" });
      raises(socket.ValueError, () => a.sendfile(fd, 0, -3), { message: "count must be a positive integer (got -3)" });
      raises(TypeError, () => a.sendfile(fd, 0, 1.5), { message: "count must be a positive integer (got 1.5)" });
      raises(TypeError, () => a.sendfile(fd, 0, "2" as never), {
        message: "count must be a positive integer (got '2')",
      });
      raises(socket.ValueError, () => da.sendfile(fd), { message: "only SOCK_STREAM type sockets are supported" });
      raises(socket.ValueError, () => a.sendfile({ fileno: () => fd, mode: "r" } as never), {
        message: "file should be opened in binary mode",
      });
      raises(TypeError, () => a.sendfile("f" as never));
      a.setblocking(false);
      raises(socket.ValueError, () => a.sendfile(fd), { message: "non-blocking sockets are not supported" });
      // As CPython: an empty file returns 0 before the non-blocking check.
      assert.equal(a.sendfile(empty), 0);
      b.close();
      raises(socket.OSError, () => b.sendfile(fd), { errno: SYS.EBADF });
    } finally {
      closeSync(fd);
      closeSync(empty);
      for (const s of [a, b, da, db]) s.close();
      dir.remove();
    }
  });
});
