/**
 * What every address codec shares: the {@linkcode Codec} interface, the
 * socket description it may consult ({@linkcode Ctx}), the `sockaddr` bytes
 * it writes into ({@linkcode Sockaddr}, always the caller's), and the one
 * platform difference, the family field ({@linkcode writeFamily}).
 *
 * The codecs (`inet.ts`, `unix.ts`, …) import this file; `mod.ts` imports
 * the codecs and holds the family → codec table.
 *
 * @module
 */

import type { AnyAddress } from "./types.ts";
import { LAYOUT } from "../../ffi/gen/mod.ts";

/** What a codec may need besides the address: the socket's family, type and protocol. */
export interface Ctx {
  /** The socket's address family. */
  readonly family: number;
  /** The socket's type (`SOCK_STREAM`, …). */
  readonly type: number;
  /** The socket's protocol number. */
  readonly proto: number;
}

/** A Python-style address of any family: a tuple as an array, a path, or bytes (the per-family types are in `./types.ts`). */
export type { AnyAddress as Address };

/** Bytes of a `sockaddr`, with a `DataView` over the same memory. */
export interface Sockaddr {
  /** The storage. */
  readonly bytes: Uint8Array;
  /** A view over `bytes`. */
  readonly view: DataView;
}

/** One address family's encode, decode and validation. */
export interface Codec {
  /** The family number this codec handles (`undefined` where the platform lacks the family). */
  readonly family: number;
  /**
   * Validates `addr` and writes it into `out`, the caller's `sockaddr`,
   * which is zeroed. Returns the `sockaddr` length. Raises CPython's
   * argument errors, naming `caller`.
   */
  encode(addr: unknown, out: Sockaddr, ctx: Ctx, caller: string): number;
  /** The Python-style address held in the first `len` bytes of `sa`. */
  decode(sa: Sockaddr, len: number, ctx: Ctx): AnyAddress;
}

/** A zeroed `sockaddr_storage` (or `size` bytes): a caller's own scratch for encoding or receiving. */
export function newSockaddr(size: number = LAYOUT.SIZEOF_SOCKADDR_STORAGE): Sockaddr {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** Whether this platform's `sockaddr` starts with a length byte (BSD, macOS). */
const HAS_SA_LEN = LAYOUT.HAS_SA_LEN === 1;

/**
 * Writes the family field, and on BSD the length byte before it. Codecs call
 * this and never branch on the operating system.
 */
export function writeFamily(sa: Sockaddr, family: number, len: number): void {
  if (HAS_SA_LEN) {
    sa.bytes[0] = len;
    sa.bytes[1] = family;
  } else {
    sa.view.setUint16(0, family, true);
  }
}

/** The family field of a `sockaddr`. */
export function readFamily(sa: Sockaddr): number {
  return HAS_SA_LEN ? sa.bytes[1] : sa.view.getUint16(0, true);
}
