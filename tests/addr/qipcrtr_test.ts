import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { OverflowError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_QIPCRTR, SOCK_DGRAM } = CONSTANTS;
const QRTR = ctx(AF_QIPCRTR, SOCK_DGRAM, 0);

function expected(node: number, port: number): Uint8Array {
  return new Expected("SOCKADDR_QRTR", AF_QIPCRTR, "SQ_FAMILY").u32("SQ_NODE", node).u32("SQ_PORT", port).bytes;
}

describe("AF_QIPCRTR codec", { skip: AF_QIPCRTR === undefined }, () => {
  test("encode() writes sockaddr_qrtr field by field; decode() inverts it", () => {
    for (const [node, port] of [[0, 0], [1, 2], [0xffffffff, 0x12345678]]) {
      assert.deepEqual(encode(QRTR, [node, port]), expected(node, port));
      assert.deepEqual(decode(QRTR, encode(QRTR, [node, port])), [node, port]);
    }
    assert.deepEqual(decode(QRTR, expected(5, 6)), [5, 6]);
  });

  test("argument errors have CPython's classes and messages", () => {
    raises(TypeError, () => encode(QRTR, "x"), {
      message: "getsockaddrarg: AF_QIPCRTR address must be tuple, not str",
    });
    raises(TypeError, () => encode(QRTR, [1]), { message: "getsockaddrarg() takes exactly 2 arguments (1 given)" });
    raises(TypeError, () => encode(QRTR, ["a", 1]), { message: "'str' object cannot be interpreted as an integer" });
  });

  test("stricter than CPython: out-of-range node and port are OverflowError (CPython's 'I' format wraps them)", () => {
    raises(OverflowError, () => encode(QRTR, [-1, 2]), { message: "bind(): node must be 0-4294967295." });
  });
});
