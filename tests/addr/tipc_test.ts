import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { OverflowError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_TIPC, SOCK_RDM, TIPC_ADDR_NAMESEQ, TIPC_ADDR_NAME, TIPC_ADDR_ID, TIPC_CLUSTER_SCOPE, TIPC_NODE_SCOPE } =
  CONSTANTS;
const TIPC = ctx(AF_TIPC, SOCK_RDM, 0);

function base(atype: number, scope: number): Expected {
  return new Expected("SOCKADDR_TIPC", AF_TIPC, "FAMILY").u8("ADDRTYPE", atype).u8("SCOPE", scope);
}

describe("AF_TIPC codec", { skip: AF_TIPC === undefined }, () => {
  test("TIPC_ADDR_NAMESEQ: [type, lower, upper]; scope defaults to TIPC_CLUSTER_SCOPE", () => {
    const want = base(TIPC_ADDR_NAMESEQ, TIPC_CLUSTER_SCOPE)
      .u32("ADDR_NAMESEQ_TYPE", 18888).u32("ADDR_NAMESEQ_LOWER", 17).u32("ADDR_NAMESEQ_UPPER", 0xffffffff).bytes;
    assert.deepEqual(encode(TIPC, [TIPC_ADDR_NAMESEQ, 18888, 17, 0xffffffff]), want);
    assert.deepEqual(decode(TIPC, want), [TIPC_ADDR_NAMESEQ, 18888, 17, 0xffffffff, TIPC_CLUSTER_SCOPE]);
    const round = [TIPC_ADDR_NAMESEQ, 1, 2, 3, TIPC_NODE_SCOPE];
    assert.deepEqual(decode(TIPC, encode(TIPC, round)), round);
  });

  test("TIPC_ADDR_NAME: [type, instance, -]; decoded with the instance twice, as CPython does", () => {
    const want =
      base(TIPC_ADDR_NAME, TIPC_NODE_SCOPE).u32("ADDR_NAME_NAME_TYPE", 18888).u32("ADDR_NAME_NAME_INSTANCE", 5)
        .bytes;
    assert.deepEqual(encode(TIPC, [TIPC_ADDR_NAME, 18888, 5, 99, TIPC_NODE_SCOPE]), want);
    assert.deepEqual(decode(TIPC, want), [TIPC_ADDR_NAME, 18888, 5, 5, TIPC_NODE_SCOPE]);
  });

  test("TIPC_ADDR_ID: [node, ref, -]; decoded with 0 as v3", () => {
    const want = base(TIPC_ADDR_ID, TIPC_CLUSTER_SCOPE).u32("ADDR_ID_NODE", 0x01001001).u32("ADDR_ID_REF", 77).bytes;
    assert.deepEqual(encode(TIPC, [TIPC_ADDR_ID, 0x01001001, 77, 1234]), want);
    assert.deepEqual(decode(TIPC, want), [TIPC_ADDR_ID, 0x01001001, 77, 0, TIPC_CLUSTER_SCOPE]);
  });

  test("decode() of an unknown address type is ValueError, as CPython's makesockaddr", () => {
    raises(ValueError, () => decode(TIPC, base(9, 2).bytes), { message: "Invalid address type" });
  });

  test("argument errors have CPython's classes and messages", () => {
    const arity = "AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])";
    raises(TypeError, () => encode(TIPC, "x"), { message: "bind(): AF_TIPC address must be tuple, not str" });
    raises(TypeError, () => encode(TIPC, [1, 2, 3]), { message: arity });
    raises(TypeError, () => encode(TIPC, [1, 2, 3, 4, 5, 6]), { message: arity });
    raises(TypeError, () => encode(TIPC, [9, 1, 2, 3]), { message: "Invalid address type" });
    raises(TypeError, () => encode(TIPC, [1, "a", 2, 3]), {
      message: "'str' object cannot be interpreted as an integer",
    });
    raises(TypeError, () => encode(TIPC, [1, 1.5, 2, 3]), {
      message: "'float' object cannot be interpreted as an integer",
    });
  });

  test("stricter than CPython: out-of-range v1..v3 and scope are OverflowError (CPython's 'I' format wraps them)", () => {
    raises(OverflowError, () => encode(TIPC, [1, -1, 2, 3]), { message: "bind(): v1 must be 0-4294967295." });
    raises(OverflowError, () => encode(TIPC, [1, 1, 2, 3, 256]), { message: "bind(): scope must be 0-255." });
  });
});
