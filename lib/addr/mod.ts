/**
 * Socket addresses: the `Codec` each family implements, the family → codec
 * table, and the two entry points that replace CPython's `getsockaddrarg`
 * and `makesockaddr` switches.
 *
 * Encoding writes into one reused `sockaddr_storage` ({@linkcode SOCKADDR})
 * and returns the length; the caller hands both straight to the system call.
 *
 * @module
 */

import { LAYOUT } from "../../ffi/gen/mod.ts";
import { OSError } from "../errors.ts";
import type { AnyAddress as Address } from "./types.ts";

/** The codecs take and return any tuple, path or bytes; the per-family types are in `./types.ts`. */
export type { AnyAddress as Address } from "./types.ts";

/** What a codec may need besides the address: the socket's family, type and protocol. */
export interface Ctx {
  /** The socket's address family. */
  readonly family: number;
  /** The socket's type (`SOCK_STREAM`, …). */
  readonly type: number;
  /** The socket's protocol number. */
  readonly proto: number;
}

/** Bytes of a `sockaddr`, with a `DataView` over the same memory. */
export interface Sockaddr {
  /** The storage. */
  readonly bytes: Uint8Array;
  /** A view over `bytes`. */
  readonly view: DataView;
}

/** One address family's encode, decode and validation. */
export interface Codec {
  /** The family number this codec handles. */
  readonly family: number;
  /**
   * Validates `addr` and writes it into `out`, which is zeroed. Returns the
   * `sockaddr` length. Raises CPython's argument errors, naming `caller`.
   */
  encode(addr: unknown, out: Sockaddr, ctx: Ctx, caller: string): number;
  /** The Python-style address held in the first `len` bytes of `sa`. */
  decode(sa: Sockaddr, len: number, ctx: Ctx): Address;
}

/** A zeroed `sockaddr_storage`. */
export function newSockaddr(size: number = LAYOUT.SIZEOF_SOCKADDR_STORAGE): Sockaddr {
  const bytes = new Uint8Array(size);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** The one reused `sockaddr_storage` that encoding writes into. */
export const SOCKADDR: Sockaddr = newSockaddr();

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

const CODECS = new Map<number, Codec>();

/** Adds a family's codec to the table. */
export function register(codec: Codec): void {
  CODECS.set(codec.family, codec);
}

/** The codec for `family`, or `undefined`. */
export function codecFor(family: number): Codec | undefined {
  return CODECS.get(family);
}

/**
 * Encodes `addr` for a socket described by `ctx` into {@linkcode SOCKADDR}
 * and returns the length (CPython's `getsockaddrarg`).
 */
export function toSockaddr(ctx: Ctx, addr: unknown, caller: string): number {
  const codec = CODECS.get(ctx.family);
  if (!codec) throw new OSError(`${caller}(): bad family`);
  generation++;
  SOCKADDR.bytes.fill(0);
  return codec.encode(addr, SOCKADDR, ctx, caller);
}

/** Bumped by every write of {@linkcode SOCKADDR}, so a call can tell whether its address is still there. */
let generation = 0;

/** An address converted in phase 1 (see `lib/marshal.ts`): a snapshot, already validated. */
export interface AddressArg {
  /** Whom errors name. */
  readonly caller: string;
  /** The socket's family, type and protocol, as plain values. */
  readonly ctx: Ctx;
  /** The address with every array copied: encoding it again runs no user code. */
  readonly snapshot: unknown;
  /** The encoded length. */
  readonly len: number;
  /** {@linkcode SOCKADDR}'s generation when it last held this address. */
  gen: number;
}

/**
 * Phase 1 for an address argument: copies it (arrays element by element,
 * bytes into a buffer of their own), validates and encodes it with
 * CPython's errors. Any getter or proxy in the address runs here.
 */
export function addressArg(ctx: Ctx, addr: unknown, caller: string): AddressArg {
  const snapshot = snapshotAddress(addr, 0);
  const len = toSockaddr(ctx, snapshot, caller);
  return { caller, ctx, snapshot, len, gen: generation };
}

/**
 * Phase 2 for an address: {@linkcode SOCKADDR}'s bytes holding `a`, encoded
 * again from the snapshot if a nested call has used the scratch since.
 */
export function sockaddrOf(a: AddressArg): Uint8Array {
  if (a.gen !== generation) {
    toSockaddr(a.ctx, a.snapshot, a.caller);
    a.gen = generation;
  }
  return SOCKADDR.bytes;
}

/**
 * A copy of an address argument (arrays element by element, each element
 * read once, bytes into a buffer of their own): encoding the copy runs no
 * user code. For a call that must look at the address before encoding it
 * (`sock_connect` resolves a host name first).
 */
export function snapshotAddress(v: unknown, depth: number = 0): unknown {
  if (Array.isArray(v) && depth < 4) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(snapshotAddress(v[i], depth + 1));
    return out;
  }
  if (v instanceof Uint8Array && v.byteLength > 0) return new Uint8Array(v);
  return v;
}

/**
 * Decodes the first `len` bytes of `sa` (CPython's `makesockaddr`): `null`
 * for a length of zero, the family's address when its codec is known, and
 * `[family, bytes]` otherwise.
 */
export function fromSockaddr(sa: Sockaddr, len: number, ctx: Ctx): Address | null {
  if (len === 0) return null;
  // The kernel reports the full length even when it truncated the name.
  if (len > sa.bytes.length) len = sa.bytes.length;
  const family = readFamily(sa);
  const codec = CODECS.get(family);
  if (codec) return codec.decode(sa, len, ctx);
  return [family, sa.bytes.slice(2, Math.max(2, len))];
}
