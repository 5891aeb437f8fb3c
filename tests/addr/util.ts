/**
 * Helpers for the address codec tests: encode and decode through the family
 * table, and expected `sockaddr` bytes built straight from the generated
 * `LAYOUT` (never by calling a codec).
 *
 * @module
 */

import { LAYOUT } from "../../ffi/gen/mod.ts";
import { type Address, type Ctx, fromSockaddr, newSockaddr, toSockaddr } from "../../lib/addr/mod.ts";

/** LAYOUT by any name: the struct and field names below are computed, and checked at run time. */
const LAYOUT_BY_NAME: Readonly<Record<string, number | undefined>> = LAYOUT;

/** Host byte order, for host-order fields. */
export const HOST_LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A socket description for the codecs. */
export function ctx(family: number, type = 0, proto = 0): Ctx {
  return { family, type, proto };
}

/** Encodes `addr` as `bind()` would and returns a copy of the `sockaddr` bytes. */
export function encode(c: Ctx, addr: unknown, caller = "bind"): Uint8Array {
  const sa = newSockaddr();
  const len = toSockaddr(c, addr, sa, caller);
  return sa.bytes.slice(0, len);
}

/** Decodes `bytes` (a `sockaddr` of `bytes.length` bytes) for a socket `c`. */
export function decode(c: Ctx, bytes: Uint8Array): Address | null {
  const sa = newSockaddr();
  sa.bytes.set(bytes);
  return fromSockaddr(sa, bytes.length, c);
}

/** A zeroed `struct <name>` of `SIZEOF_<NAME>` bytes, with a setter per field kind. */
export class Expected {
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** A view over them. */
  readonly view: DataView;
  #prefix: string;

  /**
   * @param struct The struct's name in LAYOUT, e.g. `SOCKADDR_NL`.
   * @param family The address family to store in its family field.
   * @param familyField The family field's name, e.g. `NL_FAMILY`.
   */
  constructor(struct: string, family: number, familyField: string) {
    const size = LAYOUT_BY_NAME[`SIZEOF_${struct}`];
    if (size === undefined) throw new Error(`LAYOUT has no SIZEOF_${struct}`);
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.#prefix = `OFF_${struct}_`;
    if (LAYOUT.HAS_SA_LEN === 1) {
      this.bytes[0] = size;
      this.bytes[1] = family;
    } else {
      this.u16(familyField, family);
    }
  }

  /** The offset of a field, failing loudly if LAYOUT lacks it. */
  off(field: string): number {
    const off = LAYOUT_BY_NAME[this.#prefix + field];
    if (off === undefined) throw new Error(`LAYOUT has no ${this.#prefix}${field}`);
    return off;
  }

  /** Sets a byte field. */
  u8(field: string, v: number): this {
    this.bytes[this.off(field)] = v;
    return this;
  }

  /** Sets a 16-bit field, host order unless `bigEndian`. */
  u16(field: string, v: number, bigEndian = false): this {
    this.view.setUint16(this.off(field), v, bigEndian ? false : HOST_LE);
    return this;
  }

  /** Sets a 16-bit little-endian field (Bluetooth's `__le16`). */
  le16(field: string, v: number): this {
    this.view.setUint16(this.off(field), v, true);
    return this;
  }

  /** Sets a 32-bit field, host order. */
  u32(field: string, v: number): this {
    this.view.setUint32(this.off(field), v, HOST_LE);
    return this;
  }

  /** Sets a signed 32-bit field, host order. */
  i32(field: string, v: number): this {
    this.view.setInt32(this.off(field), v, HOST_LE);
    return this;
  }

  /** Sets a 64-bit field, host order. */
  u64(field: string, v: bigint): this {
    this.view.setBigUint64(this.off(field), v, HOST_LE);
    return this;
  }

  /** Copies bytes into a field. */
  set(field: string, b: ArrayLike<number>): this {
    this.bytes.set(b, this.off(field));
    return this;
  }
}

/** Skips a test, printing why. */
export function skip(t: { skip(message?: string): void }, reason: string): void {
  console.log(`skipped: ${reason}`);
  t.skip(reason);
}
