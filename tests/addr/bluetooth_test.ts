import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { BDADDR_ANY, BDADDR_LOCAL } from "../../lib/constants.ts";
import { OSError, OverflowError, ValueError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected } from "./util.ts";

const {
  AF_BLUETOOTH,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SOCK_RAW,
  BTPROTO_L2CAP,
  BTPROTO_RFCOMM,
  BTPROTO_HCI,
  BTPROTO_SCO,
  BDADDR_LE_PUBLIC,
  HCI_CHANNEL_USER,
} = CONSTANTS;
const L2 = ctx(AF_BLUETOOTH, SOCK_SEQPACKET, BTPROTO_L2CAP);
const RC = ctx(AF_BLUETOOTH, SOCK_STREAM, BTPROTO_RFCOMM);
const HCI = ctx(AF_BLUETOOTH, SOCK_RAW, BTPROTO_HCI);
const SCO = ctx(AF_BLUETOOTH, SOCK_SEQPACKET, BTPROTO_SCO);

/** "01:23:45:67:89:AB" is stored least significant byte first. */
const TEXT = "01:23:45:67:89:AB";
const BYTES = [0xab, 0x89, 0x67, 0x45, 0x23, 0x01];

describe("AF_BLUETOOTH codec", { skip: AF_BLUETOOTH === undefined }, () => {
  test("L2CAP: [bdaddr, psm] in sockaddr_l2, bdaddr reversed, psm little-endian", () => {
    const want = new Expected("SOCKADDR_L2", AF_BLUETOOTH, "L2_FAMILY").le16("L2_PSM", 0x1001).set("L2_BDADDR", BYTES)
      .bytes;
    assert.deepEqual(encode(L2, [TEXT, 0x1001]), want);
    assert.deepEqual(decode(L2, want), [TEXT, 0x1001]);
    assert.deepEqual(decode(L2, encode(L2, [BDADDR_ANY, 0])), [BDADDR_ANY, 0]);
  });

  test("L2CAP: cid and an LE bdaddr_type are encoded and decoded as later CPython versions do", () => {
    const withCid = new Expected("SOCKADDR_L2", AF_BLUETOOTH, "L2_FAMILY").le16("L2_PSM", 0).le16("L2_CID", 4)
      .set("L2_BDADDR", BYTES).bytes;
    assert.deepEqual(encode(L2, [TEXT, 0, 4]), withCid);
    assert.deepEqual(decode(L2, withCid), [TEXT, 0, 4]);
    const le = [TEXT, 0x80, 4, BDADDR_LE_PUBLIC];
    const leBytes = new Expected("SOCKADDR_L2", AF_BLUETOOTH, "L2_FAMILY").le16("L2_PSM", 0x80).le16("L2_CID", 4)
      .set("L2_BDADDR", BYTES).u8("L2_BDADDR_TYPE", BDADDR_LE_PUBLIC).bytes;
    assert.deepEqual(encode(L2, le), leBytes);
    assert.deepEqual(decode(L2, leBytes), le);
  });

  test("RFCOMM: [bdaddr, channel] in sockaddr_rc", () => {
    const want = new Expected("SOCKADDR_RC", AF_BLUETOOTH, "RC_FAMILY").set("RC_BDADDR", BYTES).u8("RC_CHANNEL", 30)
      .bytes;
    assert.deepEqual(encode(RC, [TEXT, 30]), want);
    assert.deepEqual(decode(RC, want), [TEXT, 30]);
    assert.deepEqual(decode(RC, encode(RC, [BDADDR_LOCAL, 1])), [BDADDR_LOCAL, 1]);
  });

  test("HCI: [device_id] on the raw channel, [device_id, channel] on others", () => {
    const raw = new Expected("SOCKADDR_HCI", AF_BLUETOOTH, "HCI_FAMILY").le16("HCI_DEV", 3).bytes;
    assert.deepEqual(encode(HCI, [3]), raw);
    assert.deepEqual(encode(HCI, 3), raw);
    assert.deepEqual(decode(HCI, raw), [3]);
    const user = new Expected("SOCKADDR_HCI", AF_BLUETOOTH, "HCI_FAMILY").le16("HCI_DEV", 0)
      .le16("HCI_CHANNEL", HCI_CHANNEL_USER).bytes;
    assert.deepEqual(encode(HCI, [0, HCI_CHANNEL_USER]), user);
    assert.deepEqual(decode(HCI, user), [0, HCI_CHANNEL_USER]);
  });

  test("SCO: bdaddr as bytes (or text) in sockaddr_sco, decoded as text", () => {
    const want = new Expected("SOCKADDR_SCO", AF_BLUETOOTH, "SCO_FAMILY").set("SCO_BDADDR", BYTES).bytes;
    assert.deepEqual(encode(SCO, new TextEncoder().encode(TEXT)), want);
    assert.deepEqual(encode(SCO, TEXT), want);
    assert.deepEqual(decode(SCO, want), TEXT);
  });

  test('bdaddr text is read as sscanf("%X:%X:%X:%X:%X:%X%c") reads it, and written upper case', () => {
    for (const text of ["1:23:45:67:89:ab", " 01: 23:45:67:89:AB", "0x01:23:45:67:89:ab", "001:23:45:67:89:AB"]) {
      assert.deepEqual(decode(RC, encode(RC, [text, 1])), [TEXT, 1], text);
    }
    for (const text of ["01:23:45:67:89", "01:23:45:67:89:AB:", "01:23:45:67:89:100", "01:23:45:67:89:AB ", "x", ""]) {
      raises(OSError, () => encode(RC, [text, 1]), { message: "bad bluetooth address" });
    }
  });

  test("argument errors have CPython's classes and messages", () => {
    for (
      const bad of ["x", [TEXT], [TEXT, 1, 2, 3, 4], [1, 1], [TEXT, "1"], [TEXT, -1], [TEXT, 0x10000], [TEXT + "\0", 1]]
    ) {
      raises(OSError, () => encode(L2, bad), { message: "bind(): wrong format" });
    }
    for (const bad of ["x", [TEXT], [TEXT, 256], [TEXT, 1.5], [new Uint8Array(6), 1]]) {
      raises(OSError, () => encode(RC, bad, "connect"), { message: "connect(): wrong format" });
    }
    for (const bad of ["0", [], [1, 2, 3], ["0"], [0x10000]]) {
      raises(OSError, () => encode(HCI, bad), { message: "bind(): wrong format" });
    }
    raises(OverflowError, () => encode(HCI, -1), { message: "unsigned short integer is less than minimum" });
    raises(OverflowError, () => encode(HCI, 0x10000), { message: "unsigned short integer is greater than maximum" });
    raises(OSError, () => encode(SCO, 5), { message: "bind(): wrong format" });
    raises(OSError, () => encode(SCO, [TEXT]), { message: "bind(): wrong format" });
    raises(ValueError, () => encode(SCO, TEXT + "\0"), { message: "embedded null character" });
    raises(OSError, () => encode(ctx(AF_BLUETOOTH, SOCK_RAW, 99), [TEXT, 1]), {
      message: "bind(): unknown Bluetooth protocol",
    });
    const sco = new Expected("SOCKADDR_SCO", AF_BLUETOOTH, "SCO_FAMILY").bytes;
    raises(ValueError, () => decode(ctx(AF_BLUETOOTH, SOCK_RAW, 99), sco), {
      message: "Unknown Bluetooth protocol",
    });
  });
});
