import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { CONSTANTS, SYS } from "../../ffi/gen/mod.ts";
import { OSError, OverflowError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_CAN, SOCK_RAW, SOCK_DGRAM, CAN_RAW, CAN_BCM, CAN_ISOTP, CAN_J1939 } = CONSTANTS;
const RAW = ctx(AF_CAN, SOCK_RAW, CAN_RAW);
const BCM = ctx(AF_CAN, SOCK_DGRAM, CAN_BCM);
const ISOTP = ctx(AF_CAN, SOCK_DGRAM, CAN_ISOTP);
const J1939 = ctx(AF_CAN, SOCK_DGRAM, CAN_J1939);

/** lo's index, read from sysfs: the CAN codec resolves any interface name, as CPython's ioctl does. */
const LO = existsSync("/sys/class/net/lo/ifindex") ? Number(readFileSync("/sys/class/net/lo/ifindex", "utf8")) : 0;

function base(ifindex: number): Expected {
  return new Expected("SOCKADDR_CAN", AF_CAN, "CAN_FAMILY").i32("CAN_IFINDEX", ifindex);
}

describe("AF_CAN codec", { skip: AF_CAN === undefined }, () => {
  test('CAN_RAW and CAN_BCM: [interface]; "" is every interface (index 0)', () => {
    for (const c of [RAW, BCM]) {
      assert.deepEqual(encode(c, [""]), base(0).bytes);
      assert.deepEqual(encode(c, [new Uint8Array(0)]), base(0).bytes);
      assert.deepEqual(decode(c, base(0).bytes), [""]);
      assert.deepEqual(decode(c, encode(c, [""])), [""]);
    }
  });

  test("CAN_RAW: an interface name is resolved to its index, and back", { skip: !LO }, () => {
    assert.deepEqual(encode(RAW, ["lo"]), base(LO).bytes);
    assert.deepEqual(encode(RAW, [new TextEncoder().encode("lo")]), base(LO).bytes);
    assert.deepEqual(decode(RAW, base(LO).bytes), ["lo"]);
  });

  test("CAN_ISOTP: [interface, rx_addr, tx_addr] in can_addr.tp", () => {
    const cases: [number, number][] = [[0x123, 0x456], [0, 0], [0x80000000 + 0x1fffffff, 0xffffffff]];
    for (const [rx, tx] of cases) {
      const want = base(0).u32("CAN_ADDR_TP_RX_ID", rx).u32("CAN_ADDR_TP_TX_ID", tx).bytes;
      assert.deepEqual(encode(ISOTP, ["", rx, tx]), want);
      assert.deepEqual(decode(ISOTP, want), ["", rx, tx]);
      assert.deepEqual(decode(ISOTP, encode(ISOTP, ["", rx, tx])), ["", rx, tx]);
    }
    assert.deepEqual(
      encode(ISOTP, ["", 1n, true]),
      base(0).u32("CAN_ADDR_TP_RX_ID", 1).u32("CAN_ADDR_TP_TX_ID", 1).bytes,
    );
  });

  test("CAN_J1939: [interface, name (bigint), pgn, addr] in can_addr.j1939", () => {
    const cases: [bigint, number, number][] = [
      [0n, 0, 0],
      [0x1234567890abcdefn, 0x3ffff, 0x20],
      [0xffffffffffffffffn, 0xffffffff, 0xff],
    ];
    for (const [name, pgn, addr] of cases) {
      const want = base(0).u64("CAN_ADDR_J1939_NAME", name).u32("CAN_ADDR_J1939_PGN", pgn)
        .u8("CAN_ADDR_J1939_ADDR", addr).bytes;
      assert.deepEqual(encode(J1939, ["", name, pgn, addr]), want);
      assert.deepEqual(decode(J1939, want), ["", name, pgn, addr]);
      assert.deepEqual(decode(J1939, encode(J1939, ["", name, pgn, addr])), ["", name, pgn, addr]);
    }
    // A number is accepted for the name; it comes back as a bigint.
    assert.deepEqual(decode(J1939, encode(J1939, ["", 42, 1, 2])), ["", 42n, 1, 2]);
  });

  test("the shape follows the socket's protocol when decoding", () => {
    const bytes = base(0).u32("CAN_ADDR_TP_RX_ID", 7).u32("CAN_ADDR_TP_TX_ID", 8).bytes;
    assert.deepEqual(decode(RAW, bytes), [""]);
    assert.deepEqual(decode(ISOTP, bytes), ["", 7, 8]);
  });

  test("argument errors have CPython's classes and messages", () => {
    raises(TypeError, () => encode(RAW, "x"), { message: "bind(): AF_CAN address must be tuple, not str" });
    raises(TypeError, () => encode(RAW, []), { message: "AF_CAN address must be a tuple (interface, )" });
    raises(TypeError, () => encode(RAW, ["vcan0", "x"]), { message: "AF_CAN address must be a tuple (interface, )" });
    raises(TypeError, () => encode(RAW, [1]), { message: "expected str, bytes or os.PathLike object, not int" });
    raises(ValueError, () => encode(RAW, ["a\0"]), { message: "embedded null byte" });
    raises(OSError, () => encode(RAW, ["x".repeat(16)]), { message: "AF_CAN interface name too long" });
    raises(OSError, () => encode(RAW, ["é".repeat(8)]), { message: "AF_CAN interface name too long" });
    raises(OSError, () => encode(RAW, ["x".repeat(15)]), { errno: SYS.ENODEV });
    raises(OSError, () => encode(RAW, ["nope0"]), { errno: SYS.ENODEV });

    raises(TypeError, () => encode(ISOTP, "x"), { message: "bind(): AF_CAN address must be tuple, not str" });
    raises(TypeError, () => encode(ISOTP, [""]), { message: "function takes exactly 3 arguments (1 given)" });
    raises(TypeError, () => encode(ISOTP, ["", 1, 2, 3]), { message: "function takes exactly 3 arguments (4 given)" });
    raises(TypeError, () => encode(ISOTP, ["", "a", 2]), { message: "argument 2 must be int, not str" });
    raises(TypeError, () => encode(ISOTP, ["", 1, 1.5]), { message: "argument 3 must be int, not float" });
    raises(TypeError, () => encode(ISOTP, [1, 1, 2]), {
      message: "expected str, bytes or os.PathLike object, not int",
    });

    raises(TypeError, () => encode(J1939, ["", 1, 2]), { message: "function takes exactly 4 arguments (3 given)" });
    raises(TypeError, () => encode(J1939, ["", "a", 2, 3]), { message: "argument 2 must be int, not str" });
    raises(TypeError, () => encode(J1939, ["", 1.0 + 0.5, 2, 3]), { message: "argument 2 must be int, not float" });
    raises(TypeError, () => encode(J1939, ["", 1, "a", 3]), {
      message: "'str' object cannot be interpreted as an integer",
    });
    raises(TypeError, () => encode(J1939, ["", 1, 2, 3.5]), {
      message: "'float' object cannot be interpreted as an integer",
    });

    raises(OSError, () => encode(ctx(AF_CAN, SOCK_DGRAM, 99), [""]), { message: "bind(): unsupported CAN protocol" });
  });

  test("stricter than CPython: out-of-range ISO-TP ids and J1939 name, pgn and addr are OverflowError (CPython's 'k', 'K', 'I' and 'B' formats wrap them)", () => {
    raises(OverflowError, () => encode(ISOTP, ["", -1, 2]), { message: "bind(): rx_addr must be 0-4294967295." });
    raises(OverflowError, () => encode(ISOTP, ["", 1, 2 ** 32]), { message: "bind(): tx_addr must be 0-4294967295." });
    raises(OverflowError, () => encode(J1939, ["", -1n, 2, 3]), {
      message: "bind(): name must be 0-18446744073709551615.",
    });
    raises(OverflowError, () => encode(J1939, ["", 2n ** 64n, 2, 3]));
    raises(OverflowError, () => encode(J1939, ["", 1, 2 ** 32, 3]), { message: "bind(): pgn must be 0-4294967295." });
    raises(OverflowError, () => encode(J1939, ["", 1, 2, 256]), { message: "bind(): addr must be 0-255." });
  });
});
