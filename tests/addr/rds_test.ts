import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { OverflowError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_RDS, AF_INET, SOCK_SEQPACKET } = CONSTANTS;
const RDS = ctx(AF_RDS, SOCK_SEQPACKET, 0);

function expected(ip: number[], port: number): Uint8Array {
  // An RDS address is a sockaddr_in whose family is AF_INET.
  return new Expected("SOCKADDR_IN", AF_INET, "SIN_FAMILY").u16("SIN_PORT", port, true).set("SIN_ADDR", ip).bytes;
}

describe("AF_RDS codec", { skip: AF_RDS === undefined }, () => {
  test("encode() writes a sockaddr_in with sin_family AF_INET", () => {
    assert.deepEqual(encode(RDS, ["127.0.0.1", 4000]), expected([127, 0, 0, 1], 4000));
    assert.deepEqual(encode(RDS, ["", 0]), expected([0, 0, 0, 0], 0));
    assert.deepEqual(encode(RDS, ["10.1.2.3", 65535]), expected([10, 1, 2, 3], 65535));
  });

  test("decode() inverts encode(); addresses the kernel returns (AF_INET) decode too", () => {
    assert.deepEqual(decode(RDS, encode(RDS, ["192.168.1.9", 18634])), ["192.168.1.9", 18634]);
    assert.deepEqual(decode(RDS, expected([1, 2, 3, 4], 5)), ["1.2.3.4", 5]);
    const asRds = expected([1, 2, 3, 4], 5);
    new DataView(asRds.buffer).setUint16(0, AF_RDS, true);
    assert.deepEqual(decode(RDS, asRds), ["1.2.3.4", 5]);
  });

  test("argument errors are AF_INET's, as in CPython", () => {
    raises(TypeError, () => encode(RDS, "x"), { message: "bind(): AF_INET address must be tuple, not str" });
    raises(TypeError, () => encode(RDS, ["127.0.0.1"]), { message: "AF_INET address must be a pair (host, port)" });
    raises(OverflowError, () => encode(RDS, ["127.0.0.1", 70000]), { message: "bind(): port must be 0-65535." });
  });
});
