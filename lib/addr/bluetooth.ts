/**
 * `AF_BLUETOOTH` addresses, shaped by the socket's protocol as in CPython
 * on Linux (BlueZ):
 *
 * | protocol         | address                                   | struct         |
 * | ---------------- | ----------------------------------------- | -------------- |
 * | `BTPROTO_L2CAP`  | `[bdaddr, psm, cid?, bdaddr_type?]`       | `sockaddr_l2`  |
 * | `BTPROTO_RFCOMM` | `[bdaddr, channel]`                       | `sockaddr_rc`  |
 * | `BTPROTO_HCI`    | `[device_id]` or `[device_id, channel]`   | `sockaddr_hci` |
 * | `BTPROTO_SCO`    | `bdaddr` (bytes, or text)                 | `sockaddr_sco` |
 *
 * A `bdaddr` is text `"XX:XX:XX:XX:XX:XX"`, most significant byte first;
 * `bdaddr_t` holds the six bytes in the reverse order. Decoding gives the
 * text in upper case. L2CAP decodes to two fields for a BR/EDR address with
 * no CID (the only form CPython 3.11 knows), and to three or four when the
 * CID or the LE address type is set, as later CPython versions do. HCI
 * decodes to `[device_id]` on the raw channel and `[device_id, channel]`
 * on any other.
 *
 * A malformed address is CPython's `OSError("<caller>(): wrong format")`;
 * a malformed `bdaddr` text is `OSError("bad bluetooth address")`.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { toBytes, toInt } from "../args.ts";
import { OSError, OverflowError, ValueError } from "../errors.ts";
import { type Codec, type Ctx, type Sockaddr, writeFamily } from "./codec.ts";

const {
  SIZEOF_BDADDR_T: BDADDR_SIZE,
  OFF_SOCKADDR_L2_L2_PSM: L2_PSM,
  OFF_SOCKADDR_L2_L2_BDADDR: L2_BDADDR,
  OFF_SOCKADDR_L2_L2_CID: L2_CID,
  OFF_SOCKADDR_L2_L2_BDADDR_TYPE: L2_BDADDR_TYPE,
  SIZEOF_SOCKADDR_L2: L2_SIZE,
  OFF_SOCKADDR_RC_RC_BDADDR: RC_BDADDR,
  OFF_SOCKADDR_RC_RC_CHANNEL: RC_CHANNEL,
  SIZEOF_SOCKADDR_RC: RC_SIZE,
  OFF_SOCKADDR_HCI_HCI_DEV: HCI_DEV,
  OFF_SOCKADDR_HCI_HCI_CHANNEL: HCI_CHANNEL,
  SIZEOF_SOCKADDR_HCI: HCI_SIZE,
  OFF_SOCKADDR_SCO_SCO_BDADDR: SCO_BDADDR,
  SIZEOF_SOCKADDR_SCO: SCO_SIZE,
} = LAYOUT;
const {
  AF_BLUETOOTH,
  BTPROTO_L2CAP,
  BTPROTO_RFCOMM,
  BTPROTO_HCI,
  BTPROTO_SCO,
  BDADDR_BREDR,
  HCI_CHANNEL_RAW,
} = CONSTANTS;

/** Bluetooth multi-byte fields (`__le16`) are little-endian on the wire and in the structs. */
const LE = true;

/** One `%X` of CPython's `sscanf(name, "%X:%X:%X:%X:%X:%X%c", ...)`. */
const PART = String.raw`\s*([+-]?)(?:0[xX])?([0-9A-Fa-f]+)`;
const BDADDR_TEXT = new RegExp(`^${new Array(6).fill(PART).join(":")}$`);

/** The `OSError` CPython raises for an address of the wrong shape. */
function wrongFormat(caller: string): OSError {
  return new OSError(`${caller}(): wrong format`);
}

/**
 * Parses `"XX:XX:XX:XX:XX:XX"` into a `bdaddr_t` at `sa[at]` (CPython's
 * `setbdaddr`): six hexadecimal numbers below 256, nothing after them.
 */
function setBdaddr(text: string, sa: Sockaddr, at: number): void {
  // `text` has no NUL: the callers refuse one in text, and cut bytes at the first (a C string).
  const m = BDADDR_TEXT.exec(text);
  if (m === null) throw new OSError("bad bluetooth address");
  for (let i = 0; i < BDADDR_SIZE; i++) {
    const digits = m[2 * i + 2];
    let value = parseInt(digits, 16);
    // scanf negates an unsigned "-x" modulo 2**32: only "-0" stays below 256.
    if (m[2 * i + 1] === "-" && value !== 0) value = Infinity;
    if (value > 0xff) throw new OSError("bad bluetooth address");
    sa.bytes[at + BDADDR_SIZE - 1 - i] = value;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"));

/** The text of the `bdaddr_t` at `b[at]` (CPython's `makebdaddr`). */
function bdaddrText(b: Uint8Array, at: number): string {
  return `${HEX[b[at + 5]]}:${HEX[b[at + 4]]}:${HEX[b[at + 3]]}:${HEX[b[at + 2]]}:${HEX[b[at + 1]]}:${HEX[b[at]]}`;
}

/** An integer element that must fit `0..max`, else `null` (the caller reports the wrong format). */
function fieldOrNull(v: unknown, max: number): number | null {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) return null;
  return v;
}

function encodeL2cap(addr: unknown, sa: Sockaddr, caller: string): number {
  // PyArg_ParseTuple(args, "sH|HB"): any failure is "wrong format".
  if (!Array.isArray(addr) || addr.length < 2 || addr.length > 4) throw wrongFormat(caller);
  const [text, psmArg, cidArg, typeArg] = addr;
  if (typeof text !== "string" || text.includes("\0")) throw wrongFormat(caller);
  const psm = fieldOrNull(psmArg, 0xffff);
  const cid = addr.length > 2 ? fieldOrNull(cidArg, 0xffff) : 0;
  const type = addr.length > 3 ? fieldOrNull(typeArg, 0xff) : BDADDR_BREDR;
  if (psm === null || cid === null || type === null) throw wrongFormat(caller);
  setBdaddr(text, sa, L2_BDADDR);
  writeFamily(sa, AF_BLUETOOTH, L2_SIZE);
  sa.view.setUint16(L2_PSM, psm, LE);
  sa.view.setUint16(L2_CID, cid, LE);
  sa.bytes[L2_BDADDR_TYPE] = type;
  return L2_SIZE;
}

function encodeRfcomm(addr: unknown, sa: Sockaddr, caller: string): number {
  // PyArg_ParseTuple(args, "sB").
  if (!Array.isArray(addr) || addr.length !== 2) throw wrongFormat(caller);
  const [text, channelArg] = addr;
  if (typeof text !== "string" || text.includes("\0")) throw wrongFormat(caller);
  const channel = fieldOrNull(channelArg, 0xff);
  if (channel === null) throw wrongFormat(caller);
  setBdaddr(text, sa, RC_BDADDR);
  writeFamily(sa, AF_BLUETOOTH, RC_SIZE);
  sa.bytes[RC_CHANNEL] = channel;
  return RC_SIZE;
}

function encodeHci(addr: unknown, sa: Sockaddr, caller: string): number {
  let dev: number | null;
  let channel: number | null = HCI_CHANNEL_RAW;
  if (typeof addr === "number" || typeof addr === "boolean") {
    // A bare device number, as later CPython versions accept (PyArg_Parse "H").
    dev = toInt(addr);
    if (dev < 0) throw new OverflowError("unsigned short integer is less than minimum");
    if (dev > 0xffff) throw new OverflowError("unsigned short integer is greater than maximum");
  } else {
    // PyArg_ParseTuple(args, "H|H").
    if (!Array.isArray(addr) || addr.length < 1 || addr.length > 2) throw wrongFormat(caller);
    dev = fieldOrNull(addr[0], 0xffff);
    if (addr.length > 1) channel = fieldOrNull(addr[1], 0xffff);
    if (dev === null || channel === null) throw wrongFormat(caller);
  }
  writeFamily(sa, AF_BLUETOOTH, HCI_SIZE);
  sa.view.setUint16(HCI_DEV, dev, LE);
  sa.view.setUint16(HCI_CHANNEL, channel, LE);
  return HCI_SIZE;
}

const latin1 = new TextDecoder("latin1");

function encodeSco(addr: unknown, sa: Sockaddr, caller: string): number {
  let text: string;
  if (typeof addr === "string") {
    if (addr.includes("\0")) throw new ValueError("embedded null character");
    text = addr;
  } else if (addr instanceof Uint8Array || addr instanceof ArrayBuffer) {
    // Bytes-like (snapshotAddress leaves a Uint8Array, or an ArrayBuffer for any other view).
    // CPython 3.11 reads the bytes as a C string: up to the first NUL.
    const b = toBytes(addr);
    const nul = b.indexOf(0);
    text = latin1.decode(nul < 0 ? b : b.subarray(0, nul));
  } else {
    throw wrongFormat(caller);
  }
  setBdaddr(text, sa, SCO_BDADDR);
  writeFamily(sa, AF_BLUETOOTH, SCO_SIZE);
  return SCO_SIZE;
}

/** The `AF_BLUETOOTH` codec. */
export const bluetooth: Codec = {
  family: AF_BLUETOOTH,
  encode(addr: unknown, sa: Sockaddr, ctx: Ctx, caller: string): number {
    switch (ctx.proto) {
      case BTPROTO_L2CAP:
        return encodeL2cap(addr, sa, caller);
      case BTPROTO_RFCOMM:
        return encodeRfcomm(addr, sa, caller);
      case BTPROTO_HCI:
        return encodeHci(addr, sa, caller);
      case BTPROTO_SCO:
        return encodeSco(addr, sa, caller);
    }
    throw new OSError(`${caller}(): unknown Bluetooth protocol`);
  },
  decode(sa: Sockaddr, _len: number, ctx: Ctx): string | readonly unknown[] {
    const b = sa.bytes;
    switch (ctx.proto) {
      case BTPROTO_L2CAP: {
        const text = bdaddrText(b, L2_BDADDR);
        const psm = sa.view.getUint16(L2_PSM, LE);
        const cid = sa.view.getUint16(L2_CID, LE);
        const type = b[L2_BDADDR_TYPE];
        if (type !== BDADDR_BREDR) return [text, psm, cid, type];
        return cid !== 0 ? [text, psm, cid] : [text, psm];
      }
      case BTPROTO_RFCOMM:
        return [bdaddrText(b, RC_BDADDR), b[RC_CHANNEL]];
      case BTPROTO_HCI: {
        const dev = sa.view.getUint16(HCI_DEV, LE);
        const channel = sa.view.getUint16(HCI_CHANNEL, LE);
        return channel === HCI_CHANNEL_RAW ? [dev] : [dev, channel];
      }
      case BTPROTO_SCO:
        return bdaddrText(b, SCO_BDADDR);
    }
    throw new ValueError("Unknown Bluetooth protocol");
  },
};
