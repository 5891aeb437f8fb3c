import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { CONSTANTS, SYS } from "../../ffi/gen/mod.ts";
import { OSError, OverflowError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const { AF_PACKET, SOCK_RAW, PACKET_HOST, PACKET_OUTGOING, PACKET_BROADCAST } = CONSTANTS;
const PK = ctx(AF_PACKET, SOCK_RAW, 0);

/** lo's index, read from sysfs (not through the code under test). */
const LO = existsSync("/sys/class/net/lo/ifindex") ? Number(readFileSync("/sys/class/net/lo/ifindex", "utf8")) : 0;

function expected(
  ifindex: number,
  proto: number,
  pkttype: number,
  hatype: number,
  addr: number[] = [],
): Uint8Array {
  return new Expected("SOCKADDR_LL", AF_PACKET, "SLL_FAMILY")
    .u16("SLL_PROTOCOL", proto, true) // network byte order
    .i32("SLL_IFINDEX", ifindex)
    .u16("SLL_HATYPE", hatype)
    .u8("SLL_PKTTYPE", pkttype)
    .u8("SLL_HALEN", addr.length)
    .set("SLL_ADDR", addr)
    .bytes;
}

describe("AF_PACKET codec", { skip: AF_PACKET === undefined }, () => {
  test(
    "encode() writes sockaddr_ll: proto big-endian, defaults PACKET_HOST, hatype 0, no address",
    { skip: !LO },
    () => {
      assert.deepEqual(encode(PK, ["lo", SYS.ETH_P_ALL]), expected(LO, SYS.ETH_P_ALL, PACKET_HOST, 0));
      assert.deepEqual(encode(PK, ["lo", 0x0800]), expected(LO, 0x0800, PACKET_HOST, 0));
      assert.deepEqual(
        encode(PK, ["lo", 0x86dd, PACKET_OUTGOING, SYS.ARPHRD_ETHER, new Uint8Array([1, 2, 3, 4, 5, 6])]),
        expected(LO, 0x86dd, PACKET_OUTGOING, SYS.ARPHRD_ETHER, [1, 2, 3, 4, 5, 6]),
      );
      // Eight bytes is the most sll_addr holds; any bytes-like object will do.
      assert.deepEqual(
        encode(PK, ["lo", 0xffff, 0xff, 0xffff, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer]),
        expected(LO, 0xffff, 0xff, 0xffff, [1, 2, 3, 4, 5, 6, 7, 8]),
      );
    },
  );

  test("decode() gives all five fields and inverts encode()", { skip: !LO }, () => {
    const mac = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 1]);
    assert.deepEqual(decode(PK, encode(PK, ["lo", 0x0800])), ["lo", 0x0800, PACKET_HOST, 0, new Uint8Array(0)]);
    assert.deepEqual(
      decode(PK, encode(PK, ["lo", 0x0806, PACKET_BROADCAST, 772, mac])),
      ["lo", 0x0806, PACKET_BROADCAST, 772, mac],
    );
  });

  test('decode() reads hand-built bytes; an unknown index gives the name ""', { skip: !LO }, () => {
    assert.deepEqual(
      decode(PK, expected(LO, 0x88b5, PACKET_OUTGOING, 772, [9, 8, 7])),
      ["lo", 0x88b5, PACKET_OUTGOING, 772, new Uint8Array([9, 8, 7])],
    );
    assert.deepEqual(decode(PK, expected(0, 3, 0, 1)), ["", 3, 0, 1, new Uint8Array(0)]);
    assert.deepEqual(decode(PK, expected(0x7ffffff0, 3, 0, 1)), ["", 3, 0, 1, new Uint8Array(0)]);
  });

  test("argument errors have CPython's classes and messages, in CPython's order", () => {
    const arity = "AF_PACKET address must be a tuple of two to five elements";
    raises(TypeError, () => encode(PK, "x"), { message: "bind(): AF_PACKET address must be tuple, not str" });
    raises(TypeError, () => encode(PK, ["lo"]), { message: arity });
    raises(TypeError, () => encode(PK, ["lo", 1, 2, 3, new Uint8Array(0), 5]), { message: arity });
    raises(TypeError, () => encode(PK, [1, 2]), { message: arity });
    raises(TypeError, () => encode(PK, [new Uint8Array([108, 111]), 0]), { message: arity });
    raises(TypeError, () => encode(PK, ["lo", "x"]), { message: "'str' object cannot be interpreted as an integer" });
    raises(TypeError, () => encode(PK, ["lo", 1.5]), { message: "'float' object cannot be interpreted as an integer" });
    raises(TypeError, () => encode(PK, ["lo", 0, 0, 0, "ab"]), {
      message: "a bytes-like object is required, not 'str'",
    });
    raises(TypeError, () => encode(PK, ["lo", 0, 0, 0, null]), {
      message: "a bytes-like object is required, not 'NoneType'",
    });
    raises(ValueError, () => encode(PK, ["lo\0", 0]), { message: "embedded null character" });
    raises(OverflowError, () => encode(PK, ["lo", 2 ** 31]), { message: "bind(): address argument out of range" });
    raises(OverflowError, () => encode(PK, ["lo", 0, 2 ** 31]), { message: "bind(): address argument out of range" });
    // The interface is looked up before the hardware address and the protocol range are checked.
    raises(OSError, () => encode(PK, ["nope0", 0, 0, 0, new Uint8Array(9)]), { errno: SYS.ENODEV });
    raises(OSError, () => encode(PK, ["nope0", -1]), { errno: SYS.ENODEV });
    raises(OSError, () => encode(PK, ["", 0]), { errno: SYS.ENODEV });
    if (LO) {
      raises(ValueError, () => encode(PK, ["lo", 0, 0, 0, new Uint8Array(9)]), {
        message: "Hardware address must be 8 bytes or less",
      });
      raises(OverflowError, () => encode(PK, ["lo", -1]), { message: "bind(): proto must be 0-65535." });
      raises(OverflowError, () => encode(PK, ["lo", 70000], "sendto"), { message: "sendto(): proto must be 0-65535." });
    }
  });

  test("stricter than CPython: out-of-range pkttype and hatype are OverflowError (CPython truncates them to the C fields)", () => {
    raises(OverflowError, () => encode(PK, ["lo", 0, 256]), { message: "bind(): address argument out of range" });
    raises(OverflowError, () => encode(PK, ["lo", 0, 0, -1]), { message: "bind(): address argument out of range" });
  });

  test("an unknown interface is OSError(ENODEV), as CPython's SIOCGIFINDEX gives", () => {
    const e = raises(OSError, () => encode(PK, ["nope0", 0]), { errno: SYS.ENODEV });
    assert.equal(String(e), `[Errno ${SYS.ENODEV}] No such device`);
  });
});
