// The file objects of makefile() check their argument count as CPython's io
// does: every method of every kind of file (raw SocketIO, BufferedReader,
// BufferedWriter, BufferedRWPair, TextIOWrapper) called with one positional
// argument too many, and with one too few where CPython's message has the
// same shape, raises TypeError with CPython's message, before any I/O and
// without closing anything. python3, when present, gives the messages for the
// same calls on the same kinds of file; a few are pinned here as well.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { hasPython, python } from "./helpers.ts";

/** `[mode, buffering]` of each kind of file, as `makefile()` takes them. */
const KINDS = {
  raw_r: ["rb", 0],
  raw_w: ["wb", 0],
  reader: ["rb", -1],
  writer: ["wb", -1],
  pair: ["rwb", -1],
  text_r: ["r", -1],
  text_w: ["w", -1],
  text_rw: ["rw", -1],
} as const;
type Kind = keyof typeof KINDS;

/** The valid arguments of a method: a size, a buffer to read into, data to write, or none. */
type Base = "size" | "into" | "data" | "none";

const BINARY_RAW: Record<string, Base> = {
  read: "size",
  readall: "none",
  readinto: "into",
  readline: "size",
  readlines: "size",
  write: "data",
  flush: "none",
  close: "none",
  fileno: "none",
  readable: "none",
  writable: "none",
  seekable: "none",
};
const COMMON: Record<string, Base> = {
  readline: "size",
  readlines: "size",
  flush: "none",
  close: "none",
  fileno: "none",
  readable: "none",
  writable: "none",
  seekable: "none",
};
const READING: Record<string, Base> = { read: "size", read1: "size", peek: "size", readinto: "into" };

/** The methods checked on each kind (those CPython's class checks, and ours has). */
const METHODS: Record<Kind, Record<string, Base>> = {
  raw_r: BINARY_RAW,
  raw_w: BINARY_RAW,
  reader: { ...COMMON, ...READING },
  writer: { ...COMMON, readinto: "into", write: "data" },
  pair: { ...COMMON, ...READING, write: "data" },
  text_r: { ...COMMON, read: "size", write: "data" },
  text_w: { ...COMMON, read: "size", write: "data" },
  text_rw: { ...COMMON, read: "size", write: "data" },
};

/** One call: the method of a fresh file of `kind`, with `base`'s valid arguments and `extra` more (-1: one fewer). */
interface Row {
  kind: Kind;
  method: string;
  base: Base;
  extra: 1 | -1;
}

const ROWS: Row[] = Object.entries(METHODS).flatMap(([kind, methods]) =>
  Object.entries(methods).flatMap(([method, base]) => {
    const rows: Row[] = [{ kind: kind as Kind, method, base, extra: 1 }];
    // One too few: only where CPython's message has the same shape as for too many (C methods of one argument).
    if ((base === "into" || base === "data") && !kind.startsWith("raw")) {
      rows.push({ kind: kind as Kind, method, base, extra: -1 });
    }
    return rows;
  })
);

function isText(kind: Kind): boolean {
  return kind.startsWith("text");
}

/** The arguments of a row's call. */
function args(row: Row): unknown[] {
  const valid: unknown[] = row.base === "size"
    ? [1]
    : row.base === "into"
    ? [new Uint8Array(1)]
    : row.base === "data"
    ? [isText(row.kind) ? "" : new Uint8Array(0)]
    : [];
  return row.extra === 1 ? [...valid, 1] : valid.slice(0, -1);
}

/** The message of the TypeError our call raises; the file stays open and nothing is read or sent. */
function ours(row: Row): string {
  const [a, b] = socket.socketpair();
  try {
    a.setblocking(false);
    b.setblocking(false);
    const [mode, buffering] = KINDS[row.kind];
    const f = a.makefile(mode, buffering) as unknown as Record<string, (...v: unknown[]) => unknown>;
    const e = (() => {
      try {
        f[row.method](...args(row));
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(e instanceof TypeError, `${describeRow(row)} raised ${e}`);
    assert.equal((f as unknown as { closed: boolean }).closed, false, "the file is still open");
    f.close();
    return e.message;
  } finally {
    a.close();
    b.close();
  }
}

function describeRow(row: Row): string {
  const shown = args(row).map((v) => typeof v === "string" ? "''" : v instanceof Uint8Array ? "b" : String(v));
  return `makefile(${JSON.stringify(KINDS[row.kind][0])}, ${KINDS[row.kind][1]}).${row.method}(${shown.join(", ")})`;
}

/** Python's messages for the rows, calling each on a fresh non-blocking file. */
const ORACLE = String.raw`
import json, socket, sys
out = []
for row in json.load(sys.stdin):
    a, b = socket.socketpair()
    a.setblocking(False); b.setblocking(False)
    f = a.makefile(row["mode"], buffering=row["buffering"])
    args = [bytearray(1) if v == "$into" else b"" if v == "$bytes" else v for v in row["args"]]
    try:
        getattr(f, row["method"])(*args)
        out.append(None)
    except TypeError as e:
        out.append(str(e))
    except Exception as e:
        out.append(type(e).__name__ + ": " + str(e))
    f.close(); a.close(); b.close()
print(json.dumps(out))
`;

function pythonRow(row: Row): Record<string, unknown> {
  const [mode, buffering] = KINDS[row.kind];
  const a = args(row).map((v) => v instanceof Uint8Array ? (row.base === "into" ? "$into" : "$bytes") : v);
  return { mode, buffering, method: row.method, args: a };
}

describe("makefile() file objects check their argument count as CPython's io does", () => {
  test("the calls of the issue raise CPython's TypeError", () => {
    const find = (kind: Kind, method: string, extra: 1 | -1 = 1) =>
      ours(ROWS.find((r) => r.kind === kind && r.method === method && r.extra === extra)!);
    assert.equal(find("reader", "read"), "read expected at most 1 argument, got 2");
    assert.equal(find("reader", "readline"), "readline expected at most 1 argument, got 2");
    assert.equal(find("writer", "write"), "BufferedWriter.write() takes exactly one argument (2 given)");
    assert.equal(find("writer", "write", -1), "BufferedWriter.write() takes exactly one argument (0 given)");
    assert.equal(find("reader", "close"), "BufferedReader.close() takes no arguments (1 given)");
    assert.equal(find("writer", "flush"), "BufferedWriter.flush() takes no arguments (1 given)");
    assert.equal(find("raw_r", "readinto"), "SocketIO.readinto() takes 2 positional arguments but 3 were given");
    assert.equal(find("raw_w", "close"), "SocketIO.close() takes 1 positional argument but 2 were given");
    assert.equal(find("pair", "readinto"), "BufferedReader.readinto() takes exactly one argument (2 given)");
    assert.equal(find("text_w", "write"), "TextIOWrapper.write() takes exactly one argument (2 given)");
    assert.equal(find("text_r", "readlines"), "readlines expected at most 1 argument, got 2");
  });

  test("every method of every kind of file: TypeError before any I/O, the file left open", () => {
    for (const row of ROWS) assert.match(ours(row), /argument|positional/, describeRow(row));
  });

  test("python3 raises the same messages for the same calls", (t) => {
    if (!hasPython()) {
      t.skip("python3 is not here to serve as the oracle");
      return;
    }
    const expected = python(ORACLE, ROWS.map(pythonRow)) as (string | null)[];
    ROWS.forEach((row, i) => assert.equal(ours(row), expected[i], describeRow(row)));
  });
});
