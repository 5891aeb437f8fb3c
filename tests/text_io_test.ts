// Text makefile() against CPython: reads and writes counted in code points,
// Python's error handlers, UnicodeDecodeError/UnicodeEncodeError as CPython
// words them. Both sides read the same bytes, split into the same chunks by
// a SOCK_SEQPACKET socketpair (one record per receive), so every decoder
// boundary is the same on both sides. Binary makefile reads own their memory.
// TEXT_IO_SEED and TEXT_IO_CASES in the environment give other or more random
// cases (e.g. TEXT_IO_SEED=15 TEXT_IO_CASES=2000).
import process from "node:process";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { hasPython, prng, python } from "./helpers.ts";

if (!hasPython()) console.log("text_io_test: python3 is absent, the differential tables are skipped");

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => new Uint8Array((s.match(/../g) ?? []).map((h) => parseInt(h, 16)));
const utf8 = (s: string) => new TextEncoder().encode(s);

type Op = ["read" | "readline" | "readlines", number];
interface ReadCase {
  chunks: string[];
  encoding: string;
  errors: string;
  newline: string | null;
  ops: Op[];
}

const HANDLERS = ["strict", "ignore", "replace", "backslashreplace", "surrogateescape"];
const NEWLINES = [null, "", "\n", "\r", "\r\n"];

// UTF-8 pieces: text in every width, line endings, a genuine U+FFFD, and invalid sequences.
const PIECES = [
  "abc",
  "x",
  "hello world",
  "\n",
  "\r\n",
  "\r",
  "é",
  "ß",
  "€",
  "日本",
  "\ufffd",
  "😀",
  "𝄞",
  "a😀b\n",
].map(utf8).concat([
  [0xff],
  [0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe0, 0x80],
].map((b) => new Uint8Array(b)));

function stream(rnd: () => number, encoding: string): Uint8Array {
  const parts: number[] = [];
  const n = 1 + Math.floor(rnd() * 14);
  for (let i = 0; i < n; i++) {
    if (encoding === "utf-16-le") {
      const s = ["ab", "\n", "é", "😀", "\r\n", "日"][Math.floor(rnd() * 6)];
      for (let k = 0; k < s.length; k++) parts.push(s.charCodeAt(k) & 0xff, s.charCodeAt(k) >> 8);
      if (rnd() < 0.1) parts.push(0x00, 0xd8); // a lone high surrogate
      if (rnd() < 0.1) parts.push(0x00, 0xdc); // a lone low surrogate
    } else parts.push(...PIECES[Math.floor(rnd() * PIECES.length)]);
  }
  if (encoding === "utf-16-le" && rnd() < 0.2) parts.push(0x41); // truncated data
  return new Uint8Array(parts);
}

function readCases(): ReadCase[] {
  const rnd = prng(Number(process.env.TEXT_IO_SEED ?? 3));
  const cases: ReadCase[] = [];
  for (let i = 0; i < Number(process.env.TEXT_IO_CASES ?? 400); i++) {
    const r = rnd();
    const encoding = r < 0.75 ? "utf-8" : r < 0.85 ? "latin-1" : r < 0.92 ? "ascii" : "utf-16-le";
    const data = stream(rnd, encoding);
    const cuts = new Set<number>();
    const k = Math.floor(rnd() * 6);
    for (let j = 0; j < k; j++) cuts.add(1 + Math.floor(rnd() * Math.max(1, data.length - 1)));
    const points = [0, ...[...cuts].filter((c) => c < data.length).sort((a, b) => a - b), data.length];
    const chunks = points.slice(1).map((end, j) => hex(data.subarray(points[j], end))).filter((c) => c.length > 0);
    const ops: Op[] = [];
    const m = 1 + Math.floor(rnd() * 7);
    for (let j = 0; j < m; j++) {
      const size = rnd() < 0.3 ? -1 : Math.floor(rnd() * 12);
      const r = rnd();
      const op = r < 0.45 ? "read" : r < 0.9 ? "readline" : "readlines";
      ops.push([op, ops.length === m - 1 || size >= 0 || rnd() < 0.5 ? size : 3]);
    }
    if (rnd() < 0.5) ops.push(["read", -1]);
    cases.push({
      chunks,
      encoding,
      errors: HANDLERS[Math.floor(rnd() * HANDLERS.length)],
      newline: NEWLINES[Math.floor(rnd() * NEWLINES.length)],
      ops,
    });
  }
  return cases;
}

const PY_READ = String.raw`
import json, socket, sys
out = []
for case in json.load(sys.stdin):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    for c in case["chunks"]:
        a.send(bytes.fromhex(c))
    a.shutdown(socket.SHUT_WR)
    f = b.makefile("r", encoding=case["encoding"], errors=case["errors"], newline=case["newline"])
    res = []
    try:
        for op, n in case["ops"]:
            res.append(getattr(f, op)(n))
    except Exception as e:
        res.append({"error": type(e).__name__, "message": str(e)})
    out.append(res)
    f.close(); a.close(); b.close()
json.dump(out, sys.stdout)
`;

function ourRead(c: ReadCase): unknown[] {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET);
  try {
    for (const chunk of c.chunks) a.send(unhex(chunk));
    a.shutdown(socket.SHUT_WR);
    const f = b.makefile("r", null, {
      encoding: c.encoding,
      errors: c.errors,
      newline: c.newline,
    }) as socket.TextIOWrapper;
    const res: unknown[] = [];
    try {
      for (const [op, n] of c.ops) res.push(f[op](n));
    } catch (e) {
      res.push({ error: (e as Error).name, message: (e as Error).message });
    }
    f.close();
    return res;
  } finally {
    a.close();
    b.close();
  }
}

/** Whether `s` has a lone surrogate (valid input must never give one, except through surrogateescape). */
function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

describe("text makefile() reads, differential against CPython", () => {
  it("gives CPython's text, line by line and size by size, for 400 random streams", { skip: !hasPython() }, () => {
    const cases = readCases();
    const expected = python(PY_READ, cases) as unknown[][];
    let errorsSeen = 0;
    cases.forEach((c, i) => {
      const got = ourRead(c);
      assert.deepEqual(got, expected[i], `case ${i}: ${JSON.stringify(c)}`);
      if (got.some((r) => typeof r === "object")) errorsSeen++;
      if (c.errors !== "surrogateescape" && c.encoding !== "utf-16-le") {
        for (const r of got) if (typeof r === "string") assert.ok(!hasLoneSurrogate(r), `case ${i}`);
      }
    });
    assert.ok(errorsSeen > 10, "the table exercises strict errors");
  });
});

interface WriteCase {
  text: string;
  encoding: string;
  errors: string;
  newline: string | null;
}

function writeCases(): WriteCase[] {
  const rnd = prng(Number(process.env.TEXT_IO_SEED ?? 5));
  const pieces = ["abc", "\n", "é", "€", "😀", " emoji", "\ud800", "\udc80", "\udcff", "日", "\ufffd", "x\r\ny"];
  const cases: WriteCase[] = [];
  for (let i = 0; i < Number(process.env.TEXT_IO_CASES ?? 300); i++) {
    let text = "";
    const n = 1 + Math.floor(rnd() * 8);
    for (let j = 0; j < n; j++) text += pieces[Math.floor(rnd() * pieces.length)];
    const r = rnd();
    cases.push({
      text,
      encoding: r < 0.6 ? "utf-8" : r < 0.75 ? "latin-1" : r < 0.9 ? "ascii" : "utf-16-le",
      errors: [...HANDLERS, "xmlcharrefreplace"][Math.floor(rnd() * 6)],
      newline: NEWLINES[Math.floor(rnd() * NEWLINES.length)],
    });
  }
  return cases;
}

const PY_WRITE = String.raw`
import json, socket, sys
out = []
for case in json.load(sys.stdin):
    a, b = socket.socketpair()
    f = a.makefile("w", encoding=case["encoding"], errors=case["errors"], newline=case["newline"])
    try:
        n = f.write(case["text"])
        f.flush()
        a.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            d = b.recv(65536)
            if not d: break
            data += d
        out.append({"n": n, "bytes": data.hex()})
    except Exception as e:
        out.append({"error": type(e).__name__, "message": str(e)})
    try: f.close()
    except Exception: pass
    a.close(); b.close()
json.dump(out, sys.stdout)
`;

function ourWrite(c: WriteCase): unknown {
  const [a, b] = socket.socketpair();
  const f = a.makefile("w", null, {
    encoding: c.encoding,
    errors: c.errors,
    newline: c.newline,
  }) as socket.TextIOWrapper;
  try {
    const n = f.write(c.text);
    f.flush();
    a.shutdown(socket.SHUT_WR);
    const parts: number[] = [];
    for (;;) {
      const d = b.recv(65536);
      if (d.length === 0) break;
      parts.push(...d);
    }
    return { n, bytes: hex(new Uint8Array(parts)) };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  } finally {
    try {
      f.close();
    } catch { /* as the oracle */ }
    a.close();
    b.close();
  }
}

describe("text makefile() writes, differential against CPython", () => {
  it("returns CPython's count (code points) and sends CPython's bytes, or raises its error", {
    skip: !hasPython(),
  }, () => {
    const cases = writeCases();
    const expected = python(PY_WRITE, cases) as unknown[];
    cases.forEach((c, i) => assert.deepEqual(ourWrite(c), expected[i], `case ${i}: ${JSON.stringify(c)}`));
  });
});

describe("text makefile(): the cases of issue 14", () => {
  function pair(data: Uint8Array, opts: socket.MakefileOptions = {}): socket.TextIOWrapper {
    const [a, b] = socket.socketpair();
    a.sendall(data);
    a.close();
    const f = b.makefile("r", null, opts) as socket.TextIOWrapper;
    b.close();
    return f;
  }

  it("write() returns the count in code points", () => {
    const [a, b] = socket.socketpair();
    using _b = b;
    const f = a.makefile("w") as socket.TextIOWrapper;
    assert.equal(f.write("😀 emoji\n"), 8);
    f.close();
    a.close();
    assert.deepEqual(b.recv(64), utf8("😀 emoji\n"));
  });

  it("read(1) and readline(n) never split a surrogate pair", () => {
    const f = pair(utf8("😀😀x😀\n"));
    assert.equal(f.read(1), "😀");
    assert.equal(f.readline(2), "😀x");
    assert.equal(f.readline(), "😀\n");
    f.close();
  });

  it("a proxy reading 3 code points at a time re-encodes every piece", () => {
    const text = "a😀b€😀😀\n日本😀";
    const f = pair(utf8(text));
    let out = "";
    for (let piece = f.read(3); piece !== ""; piece = f.read(3)) {
      assert.ok(!hasLoneSurrogate(piece));
      new TextEncoder().encode(piece);
      out += piece;
    }
    assert.equal(out, text);
    f.close();
  });

  it("errors='ignore' keeps a genuine U+FFFD", () => {
    const f = pair(new Uint8Array([0x41, 0xef, 0xbf, 0xbd, 0xff, 0x6f, 0x6b, 0x0a]), { errors: "ignore" });
    assert.equal(f.readline(), "A\ufffdok\n");
    f.close();
  });

  it("UnicodeDecodeError says which byte, where, and why", () => {
    const f = pair(utf8("abc").length ? new Uint8Array([0x61, 0x62, 0x63, 0xff, 0x0a]) : new Uint8Array(0));
    assert.throws(() => f.read(), (e: unknown) => {
      assert.ok(e instanceof socket.UnicodeDecodeError);
      assert.equal(e.encoding, "utf-8");
      assert.equal(e.start, 3);
      assert.equal(e.end, 4);
      assert.equal(e.reason, "invalid start byte");
      assert.deepEqual(e.object, new Uint8Array([0x61, 0x62, 0x63, 0xff, 0x0a]));
      assert.equal(String(e), "'utf-8' codec can't decode byte 0xff in position 3: invalid start byte");
      assert.ok(e instanceof socket.UnicodeError && e instanceof socket.ValueError);
      return true;
    });
    f.close();
  });

  it("UnicodeEncodeError counts positions in code points", () => {
    const [a, b] = socket.socketpair();
    using _b = b;
    const f = a.makefile("w", null, { encoding: "ascii" }) as socket.TextIOWrapper;
    assert.throws(() => f.write("😀aé€"), {
      name: "UnicodeEncodeError",
      message: "'ascii' codec can't encode character '\\U0001f600' in position 0: ordinal not in range(128)",
    });
    assert.throws(() => f.write("a😀é€"), (e: unknown) => {
      assert.ok(e instanceof socket.UnicodeEncodeError);
      assert.equal(e.start, 1);
      assert.equal(e.end, 4);
      assert.equal(String(e), "'ascii' codec can't encode characters in position 1-3: ordinal not in range(128)");
      return true;
    });
    f.close();
    a.close();
  });
});

describe("binary makefile() reads own their memory", () => {
  it("every result of read, read1, readline, peek and readlines is its own buffer", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    const data = new Uint8Array(20000).map((_, i) => (i % 7 === 6 ? 10 : 65 + (i % 26)));
    a.sendall(data);
    a.close();
    const f = b.makefile("rb") as socket.BufferedReader;
    const results = [f.read(3), f.read1(5), f.peek(), f.readline(), f.read(9000), f.readline(4), ...f.readlines(20)];
    results.push(f.read() as Uint8Array);
    let at = 0;
    for (const r of results.filter((x): x is Uint8Array => x !== null)) {
      assert.equal(r.byteOffset, 0);
      assert.equal(r.buffer.byteLength, r.length);
      if (r !== results[2]) {
        assert.deepEqual(r, data.subarray(at, at + r.length));
        at += r.length;
      }
    }
    assert.equal(at, data.length);
    // Transferring one result changes no other.
    const [first, second] = results as Uint8Array[];
    const copy = second.slice();
    (first.buffer as ArrayBuffer).transfer?.(0);
    assert.deepEqual(second, copy);
    f.close();
  });

  it("a short large read is trimmed to its own bytes", () => {
    const [a, b] = socket.socketpair();
    using _b = b;
    a.sendall(new Uint8Array(100).fill(7));
    a.close();
    const f = b.makefile("rb") as socket.BufferedReader;
    const r = f.read(100000)!;
    assert.equal(r.length, 100);
    assert.equal(r.buffer.byteLength, 100);
    f.close();
  });
});

describe("text makefile(): error handler names", () => {
  it("an unknown handler is looked up only when an error occurs (LookupError), as in CPython", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    const f = b.makefile("rw", null, { errors: "bogus" }) as socket.TextIOWrapper;
    assert.equal(f.errors, "bogus");
    a.sendall(utf8("fine é\n"));
    assert.equal(f.readline(), "fine é\n");
    a.sendall(new Uint8Array([0x61, 0xff, 0x0a]));
    assert.throws(() => f.readline(), { name: "LookupError", message: "unknown error handler name 'bogus'" });
    assert.equal(f.write("é"), 1);
    assert.throws(() => f.write("\ud800"), { name: "LookupError", message: "unknown error handler name 'bogus'" });
    f.close();
  });

  it("an encode-only handler fails on a decode error with CPython's TypeError", () => {
    const [a, b] = socket.socketpair();
    using _b = b;
    a.sendall(new Uint8Array([0x61, 0xff, 0x0a]));
    a.close();
    const f = b.makefile("r", null, { errors: "xmlcharrefreplace" }) as socket.TextIOWrapper;
    assert.throws(() => f.readline(), {
      name: "TypeError",
      message: "don't know how to handle UnicodeDecodeError in error callback",
    });
    f.close();
  });
});
