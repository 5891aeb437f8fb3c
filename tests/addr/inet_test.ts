import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { OverflowError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_INET, SOCK_DGRAM, SOCK_STREAM } = CONSTANTS;
const IN = ctx(AF_INET, SOCK_STREAM, 0);

/** A sockaddr_in built from LAYOUT: port big-endian, the address's four bytes in order. */
function expected(addr: readonly number[], port: number): Uint8Array {
  return new Expected("SOCKADDR_IN", AF_INET, "SIN_FAMILY").u16("SIN_PORT", port, true).set("SIN_ADDR", addr).bytes;
}

describe("AF_INET codec", () => {
  // [address given, bytes of sin_addr, address decode() gives back]
  const cases: [[string, number], number[], [string, number]][] = [
    [["127.0.0.1", 80], [127, 0, 0, 1], ["127.0.0.1", 80]],
    [["10.1.2.3", 65535], [10, 1, 2, 3], ["10.1.2.3", 65535]],
    [["255.255.255.255", 0], [255, 255, 255, 255], ["255.255.255.255", 0]],
    [["0.0.0.0", 1], [0, 0, 0, 0], ["0.0.0.0", 1]],
    [["192.0.2.33", 0x1234], [192, 0, 2, 33], ["192.0.2.33", 0x1234]],
    // "" is INADDR_ANY and "<broadcast>" INADDR_BROADCAST, as setipaddr() has them.
    [["", 8080], [0, 0, 0, 0], ["0.0.0.0", 8080]],
    [["<broadcast>", 9], [255, 255, 255, 255], ["255.255.255.255", 9]],
    // A name is resolved; localhost is 127.0.0.1 on every machine we run on.
    [["localhost", 443], [127, 0, 0, 1], ["127.0.0.1", 443]],
  ];

  test("encode() writes sockaddr_in from LAYOUT: family, big-endian port, address bytes, zero padding", () => {
    for (const [addr, bytes] of cases) assert.deepEqual(encode(IN, addr), expected(bytes, addr[1]), String(addr));
  });

  test("decode() inverts encode(), with the host in dotted-quad form", () => {
    for (const [addr, , back] of cases) assert.deepEqual(decode(IN, encode(IN, addr)), back, String(addr));
  });

  test("decode() reads hand-built bytes as [host, port]", () => {
    assert.deepEqual(decode(IN, expected([1, 2, 3, 4], 0x0102)), ["1.2.3.4", 258]);
    assert.deepEqual(decode(ctx(AF_INET, SOCK_DGRAM), expected([169, 254, 0, 1], 53)), ["169.254.0.1", 53]);
  });

  test("encode() takes a bytes host, a bool port and a port at both ends of its range", () => {
    assert.deepEqual(encode(IN, [new TextEncoder().encode("127.0.0.1"), 0]), expected([127, 0, 0, 1], 0));
    assert.deepEqual(encode(IN, ["127.0.0.1", true]), expected([127, 0, 0, 1], 1));
    assert.deepEqual(encode(IN, ["127.0.0.1", 65535]), expected([127, 0, 0, 1], 65535));
  });

  test("argument errors have CPython's classes and messages", () => {
    // [address, class, message], as python3 3.11 raises them from bind().
    const bad: [unknown, typeof TypeError | typeof OverflowError, string][] = [
      ["127.0.0.1", TypeError, "bind(): AF_INET address must be tuple, not str"],
      [null, TypeError, "bind(): AF_INET address must be tuple, not NoneType"],
      [["127.0.0.1"], TypeError, "AF_INET address must be a pair (host, port)"],
      [["127.0.0.1", 1, 2], TypeError, "AF_INET address must be a pair (host, port)"],
      [[1, 80], TypeError, "str, bytes or bytearray expected, not int"],
      [[null, 80], TypeError, "str, bytes or bytearray expected, not NoneType"],
      // An array is a tuple to this module (API.md), so pyType names it "tuple".
      [[["127.0.0.1"], 80], TypeError, "str, bytes or bytearray expected, not tuple"],
      [["127.0.0.1\0", 80], TypeError, "host name must not contain null character"],
      [["127.0.0.1", "80"], TypeError, "'str' object cannot be interpreted as an integer"],
      [["127.0.0.1", 1.5], TypeError, "'float' object cannot be interpreted as an integer"],
      [["127.0.0.1", null], TypeError, "'NoneType' object cannot be interpreted as an integer"],
      [["127.0.0.1", -1], OverflowError, "bind(): port must be 0-65535."],
      [["127.0.0.1", 65536], OverflowError, "bind(): port must be 0-65535."],
    ];
    for (const [addr, cls, message] of bad) raises(cls, () => encode(IN, addr), { message });
    raises(OverflowError, () => encode(IN, ["127.0.0.1", 70000], "connect"), {
      message: "connect(): port must be 0-65535.",
    });
  });
});
