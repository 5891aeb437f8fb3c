/**
 * `UnicodeEncodeError` and `UnicodeDecodeError`, built directly with
 * CPython's arguments `(encoding, object, start, end, reason)`: `str()` of
 * each is CPython 3.11's, character for character (the expected texts are
 * python3's output, and are checked against python3 when it is here), and
 * the attributes keep the arguments.
 *
 * @module
 */

import { describe, test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as socket from "../mod.ts";

type Row = [
  kind: "encode" | "decode",
  encoding: string,
  object: string | number[],
  start: number,
  end: number,
  reason: string,
  text: string,
];

/** The message CPython gives `str()` of each error. */
const ROWS: Row[] = [
  [
    "encode",
    "utf-8",
    "a\ud800b",
    1,
    2,
    "surrogates not allowed",
    "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed",
  ],
  ["encode", "utf-8", "a\u{1F600}b", 1, 2, "x", "'utf-8' codec can't encode character '\\U0001f600' in position 1: x"],
  [
    "encode",
    "utf-8",
    "\u{1F600}\u{1F601}",
    1,
    2,
    "x",
    "'utf-8' codec can't encode character '\\U0001f601' in position 1: x",
  ],
  [
    "encode",
    "ascii",
    "\xe9",
    0,
    1,
    "ordinal not in range(128)",
    "'ascii' codec can't encode character '\\xe9' in position 0: ordinal not in range(128)",
  ],
  ["encode", "ascii", "ab\u20ac", 2, 3, "r", "'ascii' codec can't encode character '\\u20ac' in position 2: r"],
  ["encode", "ascii", "ab\u0100", 2, 3, "r", "'ascii' codec can't encode character '\\u0100' in position 2: r"],
  ["encode", "ascii", "ab\xff", 2, 3, "r", "'ascii' codec can't encode character '\\xff' in position 2: r"],
  ["encode", "ascii", "ab\u{10000}", 2, 3, "r", "'ascii' codec can't encode character '\\U00010000' in position 2: r"],
  ["encode", "ascii", "a\uffff", 1, 2, "r", "'ascii' codec can't encode character '\\uffff' in position 1: r"],
  // A start past the end: CPython names no character, only the range.
  ["encode", "utf-8", "a", 5, 6, "r", "'utf-8' codec can't encode characters in position 5-5: r"],
  ["encode", "utf-8", "\u{1F600}", 1, 2, "r", "'utf-8' codec can't encode characters in position 1-1: r"],
  [
    "encode",
    "ascii",
    "abcd",
    1,
    3,
    "ordinal not in range(128)",
    "'ascii' codec can't encode characters in position 1-2: ordinal not in range(128)",
  ],
  [
    "encode",
    "idna",
    "abc",
    0,
    3,
    "label too long",
    "'idna' codec can't encode characters in position 0-2: label too long",
  ],
  [
    "decode",
    "utf-8",
    [0xff],
    0,
    1,
    "invalid start byte",
    "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
  ],
  ["decode", "utf-8", [0x61, 0x05], 1, 2, "r", "'utf-8' codec can't decode byte 0x05 in position 1: r"],
  [
    "decode",
    "utf-8",
    [0x61, 0x62, 0xe2, 0x82],
    2,
    4,
    "unexpected end of data",
    "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data",
  ],
  ["decode", "utf-8", [0x61], 1, 2, "r", "'utf-8' codec can't decode bytes in position 1-1: r"],
  [
    "decode",
    "ascii",
    [0xab, 0xcd],
    0,
    2,
    "ordinal not in range(128)",
    "'ascii' codec can't decode bytes in position 0-1: ordinal not in range(128)",
  ],
];

function make([kind, encoding, object, start, end, reason]: Row): socket.UnicodeCodecError<string | Uint8Array> {
  return kind === "encode"
    ? new socket.UnicodeEncodeError(encoding, object as string, start, end, reason)
    : new socket.UnicodeDecodeError(encoding, new Uint8Array(object as number[]), start, end, reason);
}

describe("UnicodeEncodeError and UnicodeDecodeError", () => {
  test("str(), message and attributes are CPython's for one and for several characters or bytes", () => {
    for (const row of ROWS) {
      const [kind, encoding, object, start, end, reason, text] = row;
      const e = make(row);
      assert.equal(String(e), text, text);
      assert.equal(e.message, text);
      assert.equal(e.toString(), text);
      assert.equal(e.name, kind === "encode" ? "UnicodeEncodeError" : "UnicodeDecodeError");
      assert.ok(e instanceof socket.UnicodeError && e instanceof socket.ValueError && e instanceof Error);
      assert.deepEqual(
        [e.encoding, e.object, e.start, e.end, e.reason],
        [encoding, kind === "encode" ? object : new Uint8Array(object as number[]), start, end, reason],
      );
    }
  });

  test("UnicodeError's str() is its message, as Python's str(UnicodeError('x'))", () => {
    const e = new socket.UnicodeError("label empty or too long");
    assert.equal(String(e), "label empty or too long");
    assert.equal(e.name, "UnicodeError");
    assert.ok(e instanceof socket.ValueError);
  });

  test("the classes' names are writable and configurable, as a Python class attribute", () => {
    for (const cls of [socket.UnicodeError, socket.UnicodeEncodeError, socket.UnicodeDecodeError]) {
      const d = Object.getOwnPropertyDescriptor(cls.prototype, "name");
      assert.deepEqual([d?.value, d?.writable, d?.configurable], [cls.name, true, true]);
    }
  });

  test("the expected texts are python3's", (t) => {
    const script = `
import json, sys
out = []
for kind, enc, obj, s, e, r, _ in json.load(sys.stdin):
    cls = UnicodeEncodeError if kind == "encode" else UnicodeDecodeError
    out.append(str(cls(enc, obj if kind == "encode" else bytes(obj), s, e, r)))
print(json.dumps(out))`;
    // Lone surrogates cannot cross as UTF-8 JSON: send them escaped.
    const input = JSON.stringify(ROWS).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
    const r = spawnSync("python3", ["-c", script], { input, encoding: "utf8" });
    if (r.error || r.status !== 0) {
      t.skip(`python3 is not usable here: ${r.error?.message ?? r.stderr}`);
      return;
    }
    assert.deepEqual(JSON.parse(r.stdout), ROWS.map((row) => row[6]));
  });
});
