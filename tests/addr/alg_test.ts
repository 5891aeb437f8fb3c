import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { OverflowError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_ALG, SOCK_SEQPACKET } = CONSTANTS;
const ALG = ctx(AF_ALG, SOCK_SEQPACKET, 0);
const utf8 = (s: string) => new TextEncoder().encode(s);

function expected(type: string, name: string, feat = 0, mask = 0): Uint8Array {
  return new Expected("SOCKADDR_ALG", AF_ALG, "SALG_FAMILY").set("SALG_TYPE", utf8(type)).set("SALG_NAME", utf8(name))
    .u32("SALG_FEAT", feat).u32("SALG_MASK", mask).bytes;
}

describe("AF_ALG codec", { skip: AF_ALG === undefined }, () => {
  const cases: [string, string, number, number][] = [
    ["hash", "sha256", 0, 0],
    ["skcipher", "cbc(aes)", 1, 2],
    ["aead", "gcm(aes)", 0xffff, 0xffff],
    ["t".repeat(13), "n".repeat(63), 0, 0],
  ];

  test("encode() writes sockaddr_alg: NUL-padded type and name, feat and mask", () => {
    for (const [type, name, feat, mask] of cases) {
      assert.deepEqual(encode(ALG, [type, name, feat, mask]), expected(type, name, feat, mask));
    }
    assert.deepEqual(encode(ALG, ["hash", "sha1"]), expected("hash", "sha1"));
    assert.deepEqual(encode(ALG, ["hash", "sha1", 3]), expected("hash", "sha1", 3));
  });

  test("decode() gives all four fields and inverts encode()", () => {
    for (const addr of cases) assert.deepEqual(decode(ALG, encode(ALG, addr)), addr);
    assert.deepEqual(decode(ALG, encode(ALG, ["hash", "sha1"])), ["hash", "sha1", 0, 0]);
  });

  test("decode() reads hand-built bytes, stopping at the field's end when there is no NUL", () => {
    assert.deepEqual(decode(ALG, expected("rng", "stdrng", 0x10000, 7)), ["rng", "stdrng", 0x10000, 7]);
    const full = expected("", "");
    const { OFF_SOCKADDR_ALG_SALG_TYPE: T, SIZEOF_SOCKADDR_ALG_SALG_TYPE: TN } = LAYOUT;
    full.fill(0x61, T, T + TN);
    assert.deepEqual(decode(ALG, full), ["a".repeat(TN), "", 0, 0]);
  });

  test("argument errors have CPython's classes and messages", () => {
    const arity = "AF_ALG address must be a tuple (type, name[, feat[, mask]])";
    raises(TypeError, () => encode(ALG, "x"), { message: "bind(): AF_ALG address must be tuple, not str" });
    raises(TypeError, () => encode(ALG, ["hash"]), { message: arity });
    raises(TypeError, () => encode(ALG, ["hash", "sha256", 1, 2, 3]), { message: arity });
    raises(TypeError, () => encode(ALG, [1, "x"]), { message: arity });
    raises(TypeError, () => encode(ALG, [utf8("hash"), "x"]), { message: arity });
    raises(TypeError, () => encode(ALG, ["hash", 1]), { message: arity });
    raises(TypeError, () => encode(ALG, ["hash", "x", "a"]), {
      message: "'str' object cannot be interpreted as an integer",
    });
    raises(TypeError, () => encode(ALG, ["hash", "x", 1.5]), {
      message: "'float' object cannot be interpreted as an integer",
    });
    raises(ValueError, () => encode(ALG, ["a\0", "x"]), { message: "embedded null character" });
    raises(ValueError, () => encode(ALG, ["h".repeat(14), "x"]), { message: "AF_ALG type too long." });
    raises(ValueError, () => encode(ALG, ["é".repeat(7), "x"]), { message: "AF_ALG type too long." });
    raises(ValueError, () => encode(ALG, ["hash", "n".repeat(64)]), { message: "AF_ALG name too long." });
    // Multi-byte text counts in bytes: six "é" and an "a" are 13 bytes, which fit.
    assert.deepEqual(encode(ALG, ["é".repeat(6) + "a", "x"]), expected("é".repeat(6) + "a", "x"));
  });

  test("stricter than CPython: out-of-range feat and mask are OverflowError (CPython's 'H' format wraps them)", () => {
    raises(OverflowError, () => encode(ALG, ["hash", "x", -1]), { message: "bind(): feat must be 0-65535." });
    raises(OverflowError, () => encode(ALG, ["hash", "x", 0, 65536]), { message: "bind(): mask must be 0-65535." });
  });
});
