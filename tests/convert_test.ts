// Tests for lib/convert.ts: htons/ntohs/htonl/ntohl and the inet_* conversions,
// differentially against python3 (one process for the whole table) and
// directly against the C library's inet_pton/inet_ntop.

import { test } from "node:test";
import assert from "node:assert/strict";

import * as socket from "../mod.ts";
import { cstring, libc } from "../ffi/mod.ts";
import { type Call, oracle, type Outcome, outcome, unavailable } from "./oracle.ts";
import { raises } from "./helpers.ts";

const { AF_INET, AF_INET6, AF_UNIX } = socket;
const b = (...x: number[]) => new Uint8Array(x);
const hex = (h: string) => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));

/** A case: the function, its arguments, and whether CPython's message must match too (default yes). */
type Case = [fn: string, args: unknown[], message?: boolean];

const CASES: Case[] = [
  ["htons", [1]],
  ["htons", [0]],
  ["htons", [65535]],
  ["htons", [0x1234]],
  ["htons", [-1]],
  ["htons", [65536]],
  ["htons", [2 ** 31]],
  ["htons", [-(2 ** 31) - 1]],
  ["htons", [2n ** 70n]],
  ["htons", [-(2n ** 70n)]],
  ["htons", [true]],
  ["htons", [1.5]],
  ["htons", ["1"]],
  ["htons", [null]],
  ["htons", []],
  ["ntohs", [0x1234]],
  ["ntohs", [-1]],
  ["ntohs", [70000]],
  ["htonl", [1]],
  ["htonl", [0xffffffff]],
  ["htonl", [0x01020304]],
  ["htonl", [-1]],
  ["htonl", [2 ** 32]],
  ["htonl", [2n ** 64n - 1n]],
  ["htonl", [2n ** 64n]],
  ["htonl", [1.5]],
  ["htonl", ["1"]],
  ["htonl", [null]],
  ["htonl", [true]],
  ["htonl", []],
  ["ntohl", [0x01020304]],
  ["ntohl", [-1]],
  ["ntohl", [2 ** 40]],
  ["inet_aton", ["1"]],
  ["inet_aton", ["1.2"]],
  ["inet_aton", ["1.2.3"]],
  ["inet_aton", ["0x7f.1"]],
  ["inet_aton", ["0X1F.0.0.1"]],
  ["inet_aton", ["1.2.3.4"]],
  ["inet_aton", [""]],
  ["inet_aton", [" 1.2.3.4"]],
  ["inet_aton", ["1.2.3.4 junk"]],
  ["inet_aton", ["1.2.3.4\t"]],
  ["inet_aton", ["1.2.3.256"]],
  ["inet_aton", ["0377.0.0.1"]],
  ["inet_aton", ["08.1.1.1"]],
  ["inet_aton", ["4294967295"]],
  ["inet_aton", ["4294967296"]],
  ["inet_aton", ["1.2.3.4.5"]],
  ["inet_aton", ["1.2.3."]],
  ["inet_aton", ["1.16777215"]],
  ["inet_aton", ["1.16777216"]],
  ["inet_aton", ["1.2.65535"]],
  ["inet_aton", ["0x"]],
  ["inet_aton", ["é"]],
  ["inet_aton", ["a\0b"]],
  ["inet_aton", [b(49)]],
  ["inet_aton", [1]],
  ["inet_aton", []],
  ["inet_ntoa", [b(1, 2, 3, 4)]],
  ["inet_ntoa", [b(255, 0, 0, 0)]],
  ["inet_ntoa", [b(1, 2, 3)]],
  ["inet_ntoa", [b()]],
  ["inet_ntoa", ["abcd"]],
  ["inet_ntoa", [null]],
  ["inet_pton", [AF_INET, "1.2.3.4"]],
  ["inet_pton", [AF_INET, "0.0.0.0"]],
  ["inet_pton", [AF_INET, "255.255.255.255"]],
  ["inet_pton", [AF_INET, "1.2.3"]],
  ["inet_pton", [AF_INET, "01.2.3.4"]],
  ["inet_pton", [AF_INET, "256.1.1.1"]],
  ["inet_pton", [AF_INET, "1.2.3.4."]],
  ["inet_pton", [AF_INET, "1..2.3"]],
  ["inet_pton", [AF_INET, ".1.2.3"]],
  ["inet_pton", [AF_INET, "1.2.3.4 "]],
  ["inet_pton", [AF_INET, "0x1.2.3.4"]],
  ["inet_pton", [AF_INET, ""]],
  ["inet_pton", [AF_INET, "1.2.3.4\0"]],
  ["inet_pton", [AF_INET, b(49)]],
  ["inet_pton", [AF_INET, null]],
  ["inet_pton", [AF_INET6, "::1"]],
  ["inet_pton", [AF_INET6, "::"]],
  ["inet_pton", [AF_INET6, "::ffff:1.2.3.4"]],
  ["inet_pton", [AF_INET6, "1:2:3:4:5:6:7:8"]],
  ["inet_pton", [AF_INET6, "1::2::3"]],
  ["inet_pton", [AF_INET6, "fe80::1%lo"]],
  ["inet_pton", [AF_INET6, "::1.2.3"]],
  ["inet_pton", [AF_INET6, "1.2.3.4"]],
  ["inet_pton", [AF_INET6, "12345::"]],
  ["inet_pton", [AF_UNIX, "1.2.3.4"]],
  ["inet_pton", [12345, "1.2.3.4"]],
  ["inet_pton", [-1, "1.2.3.4"]],
  ["inet_pton", [2 ** 31, "1.2.3.4"]],
  ["inet_pton", ["2", "1.2.3.4"]],
  ["inet_pton", [null, "1.2.3.4"]],
  ["inet_pton", [AF_INET]],
  ["inet_ntop", [AF_INET, b(1, 2, 3, 4)]],
  ["inet_ntop", [AF_INET, b(1, 2, 3)]],
  ["inet_ntop", [AF_INET, "abcd"]],
  ["inet_ntop", [AF_INET, null]],
  ["inet_ntop", [AF_INET6, new Uint8Array(16)]],
  ["inet_ntop", [AF_INET6, new Uint8Array(15)]],
  ["inet_ntop", [AF_INET6, hex("00000000000000000000ffff01020304")]],
  ["inet_ntop", [AF_INET6, hex("00000000000000000000000001020304")]],
  ["inet_ntop", [AF_INET6, hex("00000000000000000000000000000001")]],
  ["inet_ntop", [AF_INET6, hex("00010000000000000000000000000001")]],
  ["inet_ntop", [AF_INET6, hex("00010000000100000000000000000001")]],
  ["inet_ntop", [AF_INET6, hex("0000000000000000000000000000ffff")]],
  ["inet_ntop", [AF_INET6, hex("000000000000000000000000ffff0102")]],
  ["inet_ntop", [AF_INET6, hex("0000000000000000ffff000001020304")]],
  ["inet_ntop", [AF_INET6, hex("20010db8000000000001000000000001")]],
  ["inet_ntop", [AF_INET6, hex("20010db8000000010000000000000001")]],
  ["inet_ntop", [AF_INET6, hex("fe800000000000000000000000000001")]],
  ["inet_ntop", [AF_INET6, hex("00010002000300040005000600070008")]],
  ["inet_ntop", [AF_UNIX, b(1, 2, 3, 4)]],
  ["inet_ntop", ["x", b(1, 2, 3, 4)]],
  ["inet_ntop", [AF_INET]],
];

const ours = socket as unknown as Record<string, (...args: unknown[]) => unknown>;

/** Runs the table through python3 and through our module; returns the mismatches. */
function differences(cases: readonly Case[], expected: Outcome[]): string[] {
  const diffs: string[] = [];
  cases.forEach(([fn, args, withMessage = true], i) => {
    const got = outcome(() => ours[fn](...args));
    const want = expected[i];
    const show = `${fn}(${args.map((a) => typeof a === "bigint" ? `${a}n` : JSON.stringify(a)).join(", ")})`;
    if ("error" in want) {
      if (!("error" in got) || got.error !== want.error) {
        diffs.push(`${show}: python raised ${want.error}: ${want.message}; we gave ${JSON.stringify(got)}`);
      } else if (withMessage && (got.message !== want.message || got.errno !== want.errno)) {
        diffs.push(
          `${show}: message ${JSON.stringify(got.message)} (errno ${got.errno}), python ${
            JSON.stringify(want.message)
          } (errno ${want.errno})`,
        );
      }
    } else if (!("value" in got)) {
      diffs.push(`${show}: python returned ${JSON.stringify(want.value)}; we raised ${got.error}: ${got.message}`);
    } else {
      try {
        assert.deepEqual(got.value, want.value);
      } catch {
        diffs.push(`${show}: python returned ${JSON.stringify(want.value)}; we returned ${JSON.stringify(got.value)}`);
      }
    }
  });
  return diffs;
}

test("conversions: every case of the table behaves as python3's socket module", (t) => {
  const why = unavailable();
  if (why) {
    console.log(`skipped: ${why}`);
    t.skip(why);
    return;
  }
  const expected = oracle(CASES.map(([fn, args]): Call => ({ fn, args })))!;
  assert.equal(expected.length, CASES.length);
  assert.deepEqual(differences(CASES, expected), []);
});

test("htons()/ntohs()/htonl()/ntohl() swap bytes and invert each other", () => {
  assert.equal(socket.htons(0x1234), 0x3412);
  assert.equal(socket.ntohs(socket.htons(0xabcd)), 0xabcd);
  assert.equal(socket.htonl(0x01020304), 0x04030201);
  assert.equal(socket.htonl(0x80000000), 0x80);
  assert.equal(socket.htonl(0xff), 0xff000000);
  for (const x of [0, 1, 0x7fffffff, 0x80000000, 0xdeadbeef, 0xffffffff]) {
    assert.equal(socket.ntohl(socket.htonl(x)), x);
  }
  raises(socket.OverflowError, () => socket.htons(-1), {
    message: "htons: can't convert negative Python int to C 16-bit unsigned integer",
  });
  raises(socket.OverflowError, () => socket.htonl(2 ** 32), { message: "int larger than 32 bits" });
  raises(TypeError, () => socket.htonl(1.5), { message: "expected int, float found" });
});

test("inet_pton(AF_INET) equals the C library's inet_pton over a generated corpus", () => {
  const parts = ["0", "1", "00", "01", "9", "10", "99", "255", "256", "299", "1000", "", "a", "0x1", " 1", "1 "];
  const corpus = new Set<string>(["", ".", "...", "1.2.3.4.", ".1.2.3.4", "1.2.3.4.5", "1.2.3", "1.2", "1"]);
  for (const a of parts) for (const c of parts) corpus.add(`${a}.1.${c}.4`).add(`1.${a}.2.${c}`);
  const out = new Uint8Array(4);
  const cbytes = (s: string) => new TextEncoder().encode(s + "\0");
  for (const s of corpus) {
    const rc = libc.inet_pton(AF_INET, cbytes(s), out);
    if (rc === 1) assert.deepEqual(socket.inet_pton(AF_INET, s), out, s);
    else {raises(socket.OSError, () => socket.inet_pton(AF_INET, s), {
        message: "illegal IP address string passed to inet_pton",
      });}
  }
});

test("inet_ntop(AF_INET6) equals the C library's inet_ntop for zero-run patterns and random addresses", () => {
  const text = new Uint8Array(64);
  const libcText = (a: Uint8Array) => cstring(libc.inet_ntop(AF_INET6, a, text, text.length));
  const groups = [0, 1, 0xffff, 0x102];
  const addr = new Uint8Array(16);
  const dv = new DataView(addr.buffer);
  // Every address whose eight groups come from `groups` (4^8 = 65536 cases).
  for (let n = 0; n < 4 ** 8; n++) {
    for (let g = 0, m = n; g < 8; g++, m >>= 2) dv.setUint16(g * 2, groups[m & 3]);
    assert.equal(socket.inet_ntop(AF_INET6, addr), libcText(addr));
  }
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  for (let n = 0; n < 5000; n++) {
    for (let i = 0; i < 16; i++) addr[i] = rand() & 1 ? 0 : rand() & 0xff;
    assert.equal(socket.inet_ntop(AF_INET6, addr), libcText(addr));
  }
});

test("inet_pton() and inet_ntop() invert each other; inet_aton() and inet_ntoa() too", () => {
  for (const s of ["::", "::1", "2001:db8::1", "fe80::1:2", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"]) {
    assert.equal(socket.inet_ntop(AF_INET6, socket.inet_pton(AF_INET6, s)), s);
  }
  for (const s of ["0.0.0.0", "10.1.2.3", "255.255.255.255"]) {
    assert.equal(socket.inet_ntop(AF_INET, socket.inet_pton(AF_INET, s)), s);
    assert.equal(socket.inet_ntoa(socket.inet_aton(s)), s);
  }
  // Results are fresh: a later call does not change an earlier result.
  const first = socket.inet_pton(AF_INET, "1.2.3.4");
  socket.inet_pton(AF_INET, "5.6.7.8");
  assert.deepEqual(first, b(1, 2, 3, 4));
  // Any bytes-like object is accepted.
  assert.equal(socket.inet_ntoa(new Uint8Array([9, 8, 7, 6]).buffer), "9.8.7.6");
  assert.equal(socket.inet_ntop(AF_INET, new DataView(new Uint8Array([1, 1, 1, 1]).buffer)), "1.1.1.1");
});
