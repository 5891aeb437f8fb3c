import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { OverflowError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_VSOCK, SOCK_STREAM, VMADDR_CID_ANY, VMADDR_PORT_ANY, VMADDR_CID_HOST } = CONSTANTS;
const VM = ctx(AF_VSOCK, SOCK_STREAM, 0);

function expected(cid: number, port: number): Uint8Array {
  return new Expected("SOCKADDR_VM", AF_VSOCK, "SVM_FAMILY").u32("SVM_CID", cid).u32("SVM_PORT", port).bytes;
}

describe("AF_VSOCK codec", { skip: AF_VSOCK === undefined }, () => {
  const cases: [number, number][] = [
    [VMADDR_CID_ANY, VMADDR_PORT_ANY],
    [VMADDR_CID_HOST, 1234],
    [3, 0],
    [0x01020304, 0x0a0b0c0d],
  ];

  test("encode() writes sockaddr_vm field by field (reserved, flags and zero stay 0)", () => {
    for (const [cid, port] of cases) assert.deepEqual(encode(VM, [cid, port]), expected(cid, port));
  });

  test("decode() inverts encode()", () => {
    for (const addr of cases) assert.deepEqual(decode(VM, encode(VM, addr)), addr);
  });

  test("decode() reads hand-built bytes as [cid, port]", () => {
    assert.deepEqual(decode(VM, expected(7, 9000)), [7, 9000]);
  });

  test("argument errors have CPython's classes and messages", () => {
    raises(TypeError, () => encode(VM, "x"), { message: "getsockaddrarg: AF_VSOCK address must be tuple, not str" });
    raises(TypeError, () => encode(VM, [1]), { message: "getsockaddrarg() takes exactly 2 arguments (1 given)" });
    raises(TypeError, () => encode(VM, [1, 2, 3]), { message: "getsockaddrarg() takes exactly 2 arguments (3 given)" });
    raises(TypeError, () => encode(VM, ["a", 1]), { message: "'str' object cannot be interpreted as an integer" });
    raises(TypeError, () => encode(VM, [1.5, 0]), { message: "'float' object cannot be interpreted as an integer" });
  });

  test("stricter than CPython: out-of-range cid and port are OverflowError (CPython's 'I' format wraps them)", () => {
    raises(OverflowError, () => encode(VM, [-1, 0]), { message: "bind(): cid must be 0-4294967295." });
    raises(OverflowError, () => encode(VM, [0, 2 ** 32], "connect"), {
      message: "connect(): port must be 0-4294967295.",
    });
  });
});
