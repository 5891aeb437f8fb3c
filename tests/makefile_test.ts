/**
 * socket.makefile(), ported from CPython's test_socket.py
 * (FileObjectClassTestCase, UnbufferedFileObjectClassTestCase and friends):
 * buffered and unbuffered binary files, text files with encodings, errors
 * and newline modes, and the descriptor's lifetime across file objects.
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { bytes, raises, text } from "./helpers.ts";

const MSG = "Michael Gilfix was here\u1234\r\n";
const MSGB = bytes(MSG);

function pair(): [socket.SocketType, socket.SocketType] {
  const [a, b] = socket.socketpair();
  a.settimeout(10);
  b.settimeout(10);
  return [a, b];
}
const isOpen = (fd: number) => libc.fcntl(fd, SYS.F_GETFD, 0) >= 0;

describe("makefile: buffered binary files", () => {
  test("read() until the end, read(n) waits for n bytes, readline, readlines and iteration", () => {
    const [a, b] = pair();
    const w = a.makefile("wb");
    const r = b.makefile("rb");
    try {
      w.write(MSGB);
      w.write(bytes("second line\nthird"));
      w.flush();
      assert.deepEqual(r.read(5), MSGB.subarray(0, 5));
      assert.deepEqual(r.readline(), MSGB.subarray(5));
      assert.equal(text(r.readline(3)!), "sec");
      a.sendall(bytes(" and more\nlast\n"));
      a.shutdown(socket.SHUT_WR);
      assert.deepEqual([...r].map(text), ["ond line\n", "third and more\n", "last\n"]);
      assert.deepEqual(r.read(), new Uint8Array(0));
      assert.deepEqual(r.readline(), new Uint8Array(0));
      assert.deepEqual(r.readlines(), []);
    } finally {
      for (const x of [w, r, a, b]) x.close();
    }
  });

  test("readline() returns an unterminated last line, then b'' at the end (buffered and unbuffered)", () => {
    for (const buffering of [-1, 0]) {
      const [a, b] = pair();
      const r = b.makefile("rb", buffering);
      try {
        a.sendall(bytes("first\nno newline"));
        a.shutdown(socket.SHUT_WR);
        assert.equal(text(r.readline()!), "first\n", `buffering ${buffering}`);
        assert.equal(text(r.readline()!), "no newline", `buffering ${buffering}`);
        assert.deepEqual(r.readline(), new Uint8Array(0), `buffering ${buffering}`);
      } finally {
        r.close();
        a.close();
        b.close();
      }
    }
    const [a, b] = pair();
    const r = b.makefile("rb");
    try {
      a.sendall(bytes("x\ntail"));
      a.shutdown(socket.SHUT_WR);
      assert.deepEqual([...r].map(text), ["x\n", "tail"]);
    } finally {
      r.close();
      a.close();
      b.close();
    }
  });

  test("read(n) across many receives (testFullRead), and readlines with a hint", () => {
    const [a, b] = pair();
    const r = b.makefile("rb", 16);
    try {
      for (const part of ["ab\n", "cd", "ef\ngh\n", "ij\n"]) a.sendall(bytes(part));
      assert.equal(text(r.read(6)!), "ab\ncde");
      assert.deepEqual(r.readlines(3).map(text), ["f\n", "gh\n"]);
      a.shutdown(socket.SHUT_WR);
      assert.equal(text(r.read(100)!), "ij\n");
    } finally {
      r.close();
      a.close();
      b.close();
    }
  });

  test("a buffered writer sends nothing until flush or a full buffer", () => {
    const [a, b] = pair();
    const w = a.makefile("wb", 10);
    try {
      b.setblocking(false);
      w.write(bytes("12345"));
      raises(socket.BlockingIOError, () => b.recv(100));
      w.write(bytes("678901"));
      assert.equal(text(b.recv(100)), "12345678901", "past the buffer size the writer sends");
      w.write(bytes("x"));
      w.flush();
      assert.equal(text(b.recv(100)), "x");
      w.write(bytes("closing flushes"));
      w.close();
      assert.equal(text(b.recv(100)), "closing flushes");
    } finally {
      a.close();
      b.close();
    }
  });

  test("rwb: one BufferedRWPair reads and writes", () => {
    const [a, b] = pair();
    const fa = a.makefile("rwb");
    const fb = b.makefile("rwb");
    try {
      assert.ok(fa instanceof socket.BufferedRWPair);
      fa.write(bytes("ping\n"));
      fa.flush();
      assert.equal(text(fb.readline()), "ping\n");
      fb.write(bytes("pong\n"));
      fb.flush();
      assert.equal(text(fa.readline()), "pong\n");
      assert.equal(fa.mode, "rwb");
    } finally {
      for (const x of [fa, fb, a, b]) x.close();
    }
  });
});

describe("makefile: unbuffered (buffering 0) is the raw SocketIO", () => {
  test("each read is one receive; readline reads byte by byte; write sends at once", () => {
    const [a, b] = pair();
    const w = a.makefile("wb", 0);
    const r = b.makefile("rb", 0);
    try {
      assert.ok(r instanceof socket.SocketIO && w instanceof socket.SocketIO);
      assert.equal(w.write(bytes("abc\ndef")), 7);
      assert.equal(text(r.readline()), "abc\n");
      assert.equal(text(r.read(100)!), "def", "one receive returns what is there");
      assert.deepEqual(r.read(0), new Uint8Array(0));
      const buf = new Uint8Array(4);
      w.write(bytes("wxyz"));
      assert.equal(r.readinto(buf), 4);
      assert.equal(text(buf), "wxyz");
      b.setblocking(false);
      assert.equal(r.read(10), null, "a non-blocking socket with nothing to read gives null");
      assert.equal(r.readinto(buf), null);
      assert.deepEqual([r.mode, w.mode, r.readable(), r.writable(), w.writable(), r.seekable()], [
        "rb",
        "wb",
        true,
        false,
        true,
        false,
      ]);
    } finally {
      for (const x of [w, r, a, b]) x.close();
    }
  });

  test("after a timeout the raw file refuses to read (data may have been lost)", () => {
    const [a, b] = pair();
    const r = b.makefile("rb", 0) as socket.SocketIO;
    try {
      b.settimeout(0.02);
      raises(socket.TimeoutError, () => r.read(10));
      raises(socket.OSError, () => r.read(10), { message: "cannot read from timed out object" });
    } finally {
      for (const x of [r, a, b]) x.close();
    }
  });
});

describe("makefile: text files", () => {
  test("utf-8 by default, universal newlines in; \\n written as is", () => {
    const [a, b] = pair();
    const w = a.makefile("w");
    const r = b.makefile("r");
    try {
      assert.ok(r instanceof socket.TextIOWrapper);
      assert.deepEqual([r.mode, w.mode, r.encoding, r.errors], ["r", "w", "UTF-8", "strict"]);
      assert.equal(w.write(MSG + "a\rb\nc"), MSG.length + 5);
      w.close();
      a.shutdown(socket.SHUT_WR);
      assert.equal(r.readline(), "Michael Gilfix was here\u1234\n");
      assert.deepEqual([...r], ["a\n", "b\n", "c"]);
      assert.equal(r.read(), "");
    } finally {
      for (const x of [w, r, a, b]) x.close();
    }
  });

  test("newline '' ends lines at \\n, \\r and \\r\\n untranslated; '\\r\\n' translates \\n on output", () => {
    const [a, b] = pair();
    const w = a.makefile("w", null, { newline: "\r\n" });
    const r = b.makefile("r", null, { newline: "" });
    try {
      w.write("one\ntwo\n");
      w.flush();
      a.sendall(bytes("three\rfour"));
      a.shutdown(socket.SHUT_WR);
      assert.deepEqual(r.readlines(), ["one\r\n", "two\r\n", "three\r", "four"]);
    } finally {
      for (const x of [w, r, a, b]) x.close();
    }
  });

  test("read(n) counts characters; a character split across receives decodes whole", () => {
    const [a, b] = pair();
    const r = b.makefile("r", 8192);
    try {
      // The first chunk (8192 bytes) ends inside the two bytes of "é".
      a.sendall(bytes("x".repeat(8191) + "é" + "y\n"));
      a.shutdown(socket.SHUT_WR);
      assert.equal(r.read(8190).length, 8190);
      assert.equal(r.read(3), "xéy");
      assert.equal(r.readline(), "\n");
    } finally {
      for (const x of [r, a, b]) x.close();
    }
  });

  test("encodings and error handlers", () => {
    const [a, b] = pair();
    const w = a.makefile("w", null, { encoding: "latin-1" });
    const r = b.makefile("r", null, { encoding: "utf-8", errors: "replace" });
    try {
      w.write("café\n");
      w.flush();
      assert.equal(r.readline(), "caf\uFFFD\n");
      raises(socket.UnicodeEncodeError, () => w.write("\u1234"));
      const strict = b.makefile("r");
      a.sendall(new Uint8Array([0x61, 0xff, 0x0a]));
      raises(socket.UnicodeDecodeError, () => strict.readline());
      strict.close();
      raises(socket.LookupError, () => a.makefile("r", null, { encoding: "nope" }), {
        message: "unknown encoding: nope",
      });
      raises(socket.ValueError, () => a.makefile("r", null, { newline: "x" }), { message: "illegal newline value: x" });
      raises(TypeError, () => w.write(bytes("x") as never), { message: "write() argument must be str, not bytes" });
    } finally {
      for (const x of [w, r, a, b]) x.close();
    }
  });

  test("modes and arguments are checked as in Lib/socket.py", () => {
    const [a, b] = pair();
    try {
      raises(socket.ValueError, () => a.makefile("x" as never), { message: "invalid mode 'x' (only r, w, b allowed)" });
      raises(socket.ValueError, () => a.makefile("rt" as never), {
        message: "invalid mode 'rt' (only r, w, b allowed)",
      });
      raises(socket.ValueError, () => a.makefile("r", 0), { message: "unbuffered streams must be binary" });
      const w = a.makefile("w"), r = b.makefile("r");
      raises(socket.UnsupportedOperation, () => w.read(), { message: "not readable" });
      raises(socket.UnsupportedOperation, () => r.write("x"), { message: "not writable" });
      const wb = a.makefile("wb"), rb = b.makefile("rb");
      raises(socket.UnsupportedOperation, () => wb.read(), { message: "read" });
      raises(socket.UnsupportedOperation, () => rb.write(bytes("x")), { message: "write" });
      const raw = a.makefile("wb", 0);
      raises(socket.UnsupportedOperation, () => raw.read(), { message: "File or stream is not readable." });
      const kw = a.makefile({ mode: "rb", buffering: 0 });
      assert.ok(kw instanceof socket.SocketIO);
      for (const f of [w, r, wb, rb, raw, kw]) f.close();
      raises(socket.ValueError, () => w.write("x"), { message: "I/O operation on closed file." });
      raises(socket.ValueError, () => wb.write(bytes("x")), { message: "write to closed file" });
      raises(socket.ValueError, () => raw.readable(), { message: "I/O operation on closed socket." });
      assert.deepEqual([w.closed, w.name, raw.name], [true, -1, -1]);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("makefile: the descriptor's lifetime", () => {
  test("closing the socket first keeps the descriptor open until every file object is closed", () => {
    const [a, b] = pair();
    const fd = b.fileno();
    const f1 = b.makefile("rb");
    const f2 = b.makefile("r");
    b.close();
    assert.ok(isOpen(fd), "the files still hold it");
    a.sendall(bytes("still\nreadable\n"));
    assert.equal(text(f1.readline()), "still\n");
    f1.close();
    assert.ok(isOpen(fd));
    f2.close();
    assert.ok(!isOpen(fd), "the last close releases it");
    raises(socket.OSError, () => b.recv(1), { errno: SYS.EBADF });
    a.close();
  });

  test("closing the files first leaves the socket usable (testMakefileAfterMakefileClose)", () => {
    const [a, b] = pair();
    const f = b.makefile("rb");
    f.close();
    a.sendall(bytes("x"));
    assert.equal(text(b.recv(1)), "x");
    const g = b.makefile("rb");
    a.sendall(bytes("y"));
    assert.equal(text(g.read(1)!), "y");
    g.close();
    assert.ok(isOpen(b.fileno()));
    b.close();
    a.close();
  });
});
