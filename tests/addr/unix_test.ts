import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { OS } from "../../ffi/platform.ts";
import { OSError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_UNIX, SOCK_STREAM, SOCK_DGRAM } = CONSTANTS;
const { OFF_SOCKADDR_UN_SUN_PATH: PATH, SIZEOF_SOCKADDR_UN_SUN_PATH: PATH_MAX } = LAYOUT;
const UN = ctx(AF_UNIX, SOCK_STREAM, 0);
const ABSTRACT = OS === "linux";

const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * A sockaddr_un from LAYOUT, cut where the codec's length ends it: the
 * family, then the path's bytes with no terminator (CPython passes
 * `offsetof(sun_path) + len(path)` on Linux).
 */
function expected(path: Uint8Array): Uint8Array {
  const e = new Expected("SOCKADDR_UN", AF_UNIX, "SUN_FAMILY").set("SUN_PATH", path);
  if (LAYOUT.HAS_SA_LEN === 1) e.bytes[0] = PATH + path.length;
  return e.bytes.slice(0, PATH + path.length);
}

describe("AF_UNIX codec", () => {
  // [address given, path bytes, address decode() gives back]
  const cases: [string | Uint8Array, Uint8Array, string | Uint8Array][] = [
    ["/tmp/s", utf8("/tmp/s"), "/tmp/s"],
    ["relative.sock", utf8("relative.sock"), "relative.sock"],
    ["/tmp/é✓", utf8("/tmp/é✓"), "/tmp/é✓"],
    [utf8("/run/bytes"), utf8("/run/bytes"), "/run/bytes"],
    ["x".repeat(PATH_MAX - 1), utf8("x".repeat(PATH_MAX - 1)), "x".repeat(PATH_MAX - 1)],
  ];
  const abstract: [string | Uint8Array, Uint8Array, string | Uint8Array][] = [
    // An abstract name (leading NUL) keeps every byte and comes back as bytes.
    [new Uint8Array([0, 97, 98]), new Uint8Array([0, 97, 98]), new Uint8Array([0, 97, 98])],
    ["\0name", utf8("\0name"), utf8("\0name")],
    [new Uint8Array([0, 1, 0, 2]), new Uint8Array([0, 1, 0, 2]), new Uint8Array([0, 1, 0, 2])],
    [new Uint8Array(PATH_MAX), new Uint8Array(PATH_MAX), new Uint8Array(PATH_MAX)],
    // "" asks Linux to autobind; its sockaddr is the family alone.
    ["", new Uint8Array(0), ""],
  ];
  const all = ABSTRACT ? [...cases, ...abstract] : cases;

  test("encode() writes the family and the path's bytes; the length ends the path", () => {
    for (const [addr, path] of all) assert.deepEqual(encode(UN, addr), expected(path), String(addr));
  });

  test("decode() inverts encode(): a path as str, an abstract name as bytes", () => {
    for (const [addr, , back] of all) assert.deepEqual(decode(UN, encode(UN, addr)), back, String(addr));
  });

  test("encode() takes any bytes-like object", () => {
    const want = expected(utf8("/tmp/b"));
    assert.deepEqual(encode(UN, utf8("/tmp/b").buffer), want);
    assert.deepEqual(encode(UN, new DataView(utf8("/tmp/b").buffer)), want);
    assert.deepEqual(encode(ctx(AF_UNIX, SOCK_DGRAM), new Uint8Array([0, ...utf8("/tmp/b")]).subarray(1)), want);
  });

  test("decode() stops a path at its first NUL, as the kernel counts the terminator in the length", () => {
    const withNul = expected(utf8("/tmp/abc\0junk"));
    assert.equal(decode(UN, withNul), "/tmp/abc");
    // An unbound socket's name: the family alone.
    assert.equal(decode(UN, expected(new Uint8Array(0))), "");
  });

  test("argument errors have CPython's classes and messages", () => {
    const bad: [unknown, typeof TypeError | typeof ValueError | typeof OSError, string][] = [
      [1, TypeError, "a bytes-like object is required, not 'int'"],
      [null, TypeError, "a bytes-like object is required, not 'NoneType'"],
      [["/tmp/s"], TypeError, "a bytes-like object is required, not 'tuple'"],
      ["x".repeat(PATH_MAX), OSError, "AF_UNIX path too long"],
      [utf8("x".repeat(PATH_MAX + 5)), OSError, "AF_UNIX path too long"],
      // CPython 3.11 lets the kernel cut "a\0b" at its NUL; API.md makes an embedded NUL a ValueError.
      ["/tmp/a\0b", ValueError, "embedded null byte"],
    ];
    if (ABSTRACT) bad.push([new Uint8Array(PATH_MAX + 1), OSError, "AF_UNIX path too long"]);
    for (const [addr, cls, message] of bad) raises(cls, () => encode(UN, addr), { message });
  });
});
