import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { OverflowError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_NETLINK, SOCK_RAW, NETLINK_ROUTE } = CONSTANTS;
const NL = ctx(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

function expected(pid: number, groups: number): Uint8Array {
  return new Expected("SOCKADDR_NL", AF_NETLINK, "NL_FAMILY").u32("NL_PID", pid).u32("NL_GROUPS", groups).bytes;
}

describe("AF_NETLINK codec", { skip: AF_NETLINK === undefined }, () => {
  const cases: [number, number][] = [[0, 0], [1234, 0], [0, 1], [0xffffffff, 0xffffffff], [0x01020304, 0x80000000]];

  test("encode() writes sockaddr_nl field by field", () => {
    for (const [pid, groups] of cases) assert.deepEqual(encode(NL, [pid, groups]), expected(pid, groups));
  });

  test("decode() inverts encode()", () => {
    for (const addr of cases) assert.deepEqual(decode(NL, encode(NL, addr)), addr);
  });

  test("decode() reads hand-built bytes", () => {
    assert.deepEqual(decode(NL, expected(4242, 5)), [4242, 5]);
  });

  test("booleans are integers, as in Python", () => {
    assert.deepEqual(encode(NL, [true, false]), expected(1, 0));
  });

  test("argument errors have CPython's classes and messages", () => {
    raises(TypeError, () => encode(NL, "x"), { message: "bind(): AF_NETLINK address must be tuple, not str" });
    raises(TypeError, () => encode(NL, 5, "connect"), {
      message: "connect(): AF_NETLINK address must be tuple, not int",
    });
    raises(TypeError, () => encode(NL, [1]), { message: "AF_NETLINK address must be a pair (pid, groups)" });
    raises(TypeError, () => encode(NL, [1, 2, 3]), { message: "AF_NETLINK address must be a pair (pid, groups)" });
    raises(TypeError, () => encode(NL, ["a", 1]), { message: "'str' object cannot be interpreted as an integer" });
    raises(TypeError, () => encode(NL, [1.5, 0]), { message: "'float' object cannot be interpreted as an integer" });
  });

  test("stricter than CPython: out-of-range pid and groups are OverflowError (CPython's 'I' format wraps them)", () => {
    raises(OverflowError, () => encode(NL, [-1, 0]), { message: "bind(): pid must be 0-4294967295." });
    raises(OverflowError, () => encode(NL, [0, 2 ** 32]), { message: "bind(): groups must be 0-4294967295." });
  });
});
