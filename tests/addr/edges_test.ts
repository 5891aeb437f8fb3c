/**
 * Boundaries of the address codecs, found by mutation testing: the last
 * value a field accepts and the first it refuses, arities one off, fields
 * filled to the last byte, and the exact wording of each message.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS, LAYOUT, SYS } from "../../ffi/gen/mod.ts";
import { OSError, OverflowError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode } from "./util.ts";

const C = CONSTANTS;

describe("AF_BLUETOOTH boundaries", { skip: C.AF_BLUETOOTH === undefined }, () => {
  const L2 = ctx(C.AF_BLUETOOTH, C.SOCK_SEQPACKET, C.BTPROTO_L2CAP);
  const RC = ctx(C.AF_BLUETOOTH, C.SOCK_STREAM, C.BTPROTO_RFCOMM);
  const HCI = ctx(C.AF_BLUETOOTH, C.SOCK_RAW, C.BTPROTO_HCI);
  const SCO = ctx(C.AF_BLUETOOTH, C.SOCK_SEQPACKET, C.BTPROTO_SCO);
  const A = "01:23:45:67:89:AB";
  const wrong = { message: "bind(): wrong format" };

  test("L2CAP: two to four items; psm and cid 0-65535, bdaddr_type 0-255, booleans as integers", () => {
    raises(OSError, () => encode(L2, [A]), wrong);
    raises(OSError, () => encode(L2, [A, 1, 2, 3, 4]), wrong);
    raises(OSError, () => encode(L2, A), wrong);
    raises(OSError, () => encode(L2, [A, 0x10000]), wrong);
    raises(OSError, () => encode(L2, [A, 1, 0x10000]), wrong);
    raises(OSError, () => encode(L2, [A, 1, 2, 256]), wrong);
    raises(OSError, () => encode(L2, [A, -1]), wrong);
    assert.deepEqual(decode(L2, encode(L2, [A, 0xffff, 0xffff, 255])), [A, 0xffff, 0xffff, 255]);
    assert.deepEqual(decode(L2, encode(L2, [A, true])), [A, 1]);
    assert.deepEqual(decode(L2, encode(L2, [A, false])), [A, 0]);
  });

  test("RFCOMM: exactly two items; channel 0-255", () => {
    raises(OSError, () => encode(RC, [A]), wrong);
    raises(OSError, () => encode(RC, [A, 1, 2]), wrong);
    raises(OSError, () => encode(RC, A), wrong);
    raises(OSError, () => encode(RC, [A, 256]), wrong);
    assert.deepEqual(decode(RC, encode(RC, [A, 255])), [A, 255]);
  });

  test("HCI: a bare device number 0-65535, or one or two items", () => {
    assert.deepEqual(encode(HCI, 0), encode(HCI, [0]));
    assert.deepEqual(encode(HCI, 0xffff), encode(HCI, [0xffff]));
    assert.deepEqual(encode(HCI, true), encode(HCI, [1]));
    raises(OverflowError, () => encode(HCI, -1), { message: "unsigned short integer is less than minimum" });
    raises(OverflowError, () => encode(HCI, 0x10000), { message: "unsigned short integer is greater than maximum" });
    raises(OSError, () => encode(HCI, []), wrong);
    raises(OSError, () => encode(HCI, [0, 1, 2]), wrong);
    raises(OSError, () => encode(HCI, [0, 0x10000]), wrong);
    raises(OSError, () => encode(HCI, "0"), wrong);
  });

  test("bdaddr text: a NUL ends it, each number below 256, only -0 may be negative", () => {
    raises(OSError, () => encode(RC, ["01:23:45:67:89:100", 1]), { message: "bad bluetooth address" });
    raises(OSError, () => encode(RC, ["01:23:45:67:89:-1", 1]), { message: "bad bluetooth address" });
    raises(OSError, () => encode(RC, ["-1:23:45:67:89:AB", 1]), { message: "bad bluetooth address" });
    assert.deepEqual(decode(RC, encode(RC, ["01:23:45:67:89:-0", 1])), ["01:23:45:67:89:00", 1]);
    assert.deepEqual(decode(SCO, encode(SCO, new TextEncoder().encode(A + "\0junk"))), A);
    raises(OSError, () => encode(SCO, new TextEncoder().encode("\0" + A)), { message: "bad bluetooth address" });
  });
});

describe("AF_CAN boundaries", { skip: C.AF_CAN === undefined }, () => {
  const RAW = ctx(C.AF_CAN, C.SOCK_RAW, C.CAN_RAW);
  const ISOTP = ctx(C.AF_CAN, C.SOCK_DGRAM, C.CAN_ISOTP);
  test("an interface name of IFNAMSIZ bytes is too long, bytes with a NUL are ValueError", () => {
    const IFNAMSIZ = 16;
    raises(OSError, () => encode(RAW, [new Uint8Array(IFNAMSIZ).fill(120)]), {
      message: "AF_CAN interface name too long",
    });
    raises(ValueError, () => encode(RAW, [new Uint8Array([97, 0, 98])]), { message: "embedded null byte" });
    raises(OSError, () => encode(RAW, [new Uint8Array(IFNAMSIZ - 1).fill(120)]), { errno: SYS.ENODEV });
  });

  test("ISO-TP: a tuple is required, ids as integers (a float that is an integer is not)", () => {
    raises(TypeError, () => encode(ISOTP, ["", 1.5, 2]), { message: "argument 2 must be int, not float" });
    assert.deepEqual(decode(ISOTP, encode(ISOTP, ["", 0xffffffff, 0])), ["", 0xffffffff, 0]);
    assert.deepEqual(decode(ISOTP, encode(ISOTP, ["", true, false])), ["", 1, 0]);
  });
});

describe("AF_ALG boundaries", { skip: C.AF_ALG === undefined }, () => {
  const ALG = ctx(C.AF_ALG, C.SOCK_SEQPACKET, 0);
  const TYPE_SIZE = LAYOUT.SIZEOF_SOCKADDR_ALG_SALG_TYPE;
  test("decode() stops at the end of a full type field, whatever follows it", () => {
    const b = encode(ALG, ["t", "n", 0x6161, 0x6161]);
    b.fill(0x74, LAYOUT.OFF_SOCKADDR_ALG_SALG_TYPE, LAYOUT.OFF_SOCKADDR_ALG_SALG_TYPE + TYPE_SIZE);
    assert.deepEqual(decode(ALG, b), ["t".repeat(TYPE_SIZE), "n", 0x6161, 0x6161]);
  });

  test("arity 2 to 4; a NUL in the name is ValueError; the longest type and name fit", () => {
    const arity = "AF_ALG address must be a tuple (type, name[, feat[, mask]])";
    raises(TypeError, () => encode(ALG, ["hash", "x", 1, 2, 3]), { message: arity });
    raises(ValueError, () => encode(ALG, ["hash", "a\0"]), { message: "embedded null character" });
    const name = "n".repeat(LAYOUT.SIZEOF_SOCKADDR_ALG_SALG_NAME - 1);
    const type = "h".repeat(TYPE_SIZE - 1);
    assert.deepEqual(decode(ALG, encode(ALG, [type, name, 0xffff, 0xffff])), [type, name, 0xffff, 0xffff]);
    // A failed encode leaves nothing behind for the next one.
    raises(ValueError, () => encode(ALG, ["h".repeat(200), "x"]));
    assert.deepEqual(decode(ALG, encode(ALG, ["a", "b"])), ["a", "b", 0, 0]);
  });
});

describe("AF_PACKET boundaries", { skip: C.AF_PACKET === undefined }, () => {
  const PK = ctx(C.AF_PACKET, C.SOCK_RAW, 0);
  test("proto is a C int first (2**31 overflows), then 0-65535; hatype and address are optional", () => {
    const range = { message: "bind(): address argument out of range" };
    raises(OverflowError, () => encode(PK, ["lo", 2 ** 31]), range);
    raises(OverflowError, () => encode(PK, ["lo", -(2 ** 31) - 1]), range);
    raises(OverflowError, () => encode(PK, ["lo", 2 ** 31 - 1]), { message: "bind(): proto must be 0-65535." });
    raises(OverflowError, () => encode(PK, ["lo", -(2 ** 31)]), { message: "bind(): proto must be 0-65535." });
    raises(OverflowError, () => encode(PK, ["lo", 0x10000]), { message: "bind(): proto must be 0-65535." });
    const [, proto, pkttype, hatype, addr] = decode(PK, encode(PK, ["lo", 0, 3])) as unknown[];
    assert.deepEqual([proto, pkttype, hatype, addr], [0, 3, 0, new Uint8Array(0)]);
    const four = decode(PK, encode(PK, ["lo", 0, 0, 0xffff])) as unknown[];
    assert.deepEqual([four[3], four[4]], [0xffff, new Uint8Array(0)]);
    assert.deepEqual((decode(PK, encode(PK, ["lo", 0xffff])) as unknown[])[1], 0xffff);
  });
});

describe("messages name the field", () => {
  test(
    "TIPC and QIPCRTR name each out-of-range field (stricter than CPython)",
    { skip: C.AF_TIPC === undefined },
    () => {
      const TIPC = ctx(C.AF_TIPC, C.SOCK_RDM, 0);
      raises(OverflowError, () => encode(TIPC, [-1, 1, 2, 3]), { message: "bind(): addr_type must be 0-4294967295." });
      raises(OverflowError, () => encode(TIPC, [1, 1, -1, 3]), { message: "bind(): v2 must be 0-4294967295." });
      raises(OverflowError, () => encode(TIPC, [1, 1, 2, -1]), { message: "bind(): v3 must be 0-4294967295." });
      if (C.AF_QIPCRTR !== undefined) {
        const QRTR = ctx(C.AF_QIPCRTR, C.SOCK_DGRAM, 0);
        raises(OverflowError, () => encode(QRTR, [1, -1]), { message: "bind(): port must be 0-4294967295." });
      }
    },
  );

  test("an arity error of one element says 'argument'", { skip: C.AF_VSOCK === undefined }, () => {
    const RC = C.AF_CAN === undefined ? null : ctx(C.AF_CAN, C.SOCK_DGRAM, C.CAN_J1939);
    if (RC) raises(TypeError, () => encode(RC, ["", 1]), { message: "function takes exactly 4 arguments (2 given)" });
  });
});
