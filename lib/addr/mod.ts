/**
 * Socket addresses: the family → codec table ({@linkcode CODECS}) and the
 * entry points that replace CPython's `getsockaddrarg` and `makesockaddr`
 * switches. The `Codec` interface and what codecs share are in `codec.ts`.
 *
 * Encoding writes into a `sockaddr` the caller owns and passes in (a
 * method's own scratch, see `lib/marshal.ts`), never into one shared by
 * every caller. An address argument is copied and validated in phase 1
 * ({@linkcode addressArg}), then written into the caller's scratch in
 * phase 2 ({@linkcode sockaddrOf}), after all user code has run; a call
 * whose address is the last thing it converts does both at once
 * ({@linkcode encodeAddress}).
 *
 * @module
 */

import { LAYOUT } from "../../ffi/gen/mod.ts";
import { bytesView, copyBytes, isUint8Array } from "../args.ts";
import { OSError } from "../errors.ts";
import { type Address, type Codec, type Ctx, readFamily, type Sockaddr } from "./codec.ts";
import { alg } from "./alg.ts";
import { bluetooth } from "./bluetooth.ts";
import { can } from "./can.ts";
import { inet } from "./inet.ts";
import { inet6 } from "./inet6.ts";
import { netlink } from "./netlink.ts";
import { packet } from "./packet.ts";
import { qipcrtr } from "./qipcrtr.ts";
import { rds } from "./rds.ts";
import { tipc } from "./tipc.ts";
import { unix } from "./unix.ts";
import { vsock } from "./vsock.ts";

export { type Address, type Codec, type Ctx, newSockaddr, readFamily, type Sockaddr, writeFamily } from "./codec.ts";

/**
 * The family → codec table: every codec, keyed by its family, for the
 * families this platform defines (a codec whose family the platform lacks
 * has `family` `undefined` and is left out).
 */
const CODECS: Readonly<Record<number, Codec | undefined>> = Object.fromEntries(
  [inet, inet6, unix, netlink, packet, vsock, qipcrtr, can, tipc, bluetooth, alg, rds]
    .filter((c) => c.family !== undefined)
    .map((c) => [c.family, c]),
);

const { OFF_SOCKADDR_SA_DATA: SA_DATA, SIZEOF_SOCKADDR_SA_DATA: SA_DATA_SIZE } = LAYOUT;

/** The codec for `family`, or `undefined`. */
export function codecFor(family: number): Codec | undefined {
  return CODECS[family];
}

/**
 * Encodes `addr` for a socket described by `ctx` into `out` (zeroed first)
 * and returns the length (CPython's `getsockaddrarg`). Runs no user code
 * when `addr` is a snapshot ({@linkcode snapshotAddress}).
 */
export function toSockaddr(ctx: Ctx, addr: unknown, out: Sockaddr, caller: string): number {
  const codec = CODECS[ctx.family];
  if (!codec) throw new OSError(`${caller}(): bad family`);
  out.bytes.fill(0);
  return codec.encode(addr, out, ctx, caller);
}

/**
 * Phases 1 and 2 at once, for a call whose address is the last argument it
 * converts (`bind`, `connect`, `sendto`): copies `addr` (any getter or proxy
 * in it runs here), then writes the copy into `out`, the caller's own
 * `sockaddr`. No user code runs after the copy, so nothing can overwrite
 * `out` before the system call that follows. Returns the length.
 */
export function encodeAddress(ctx: Ctx, addr: unknown, out: Sockaddr, caller: string): number {
  return toSockaddr(ctx, snapshotAddress(addr), out, caller);
}

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
}

/**
 * Phase 1 for an address argument of a call that converts more arguments
 * after it: copies it (arrays element by element, bytes into a buffer of
 * their own), then validates it with CPython's errors by encoding the copy
 * into `out`, the caller's `sockaddr`. User code that runs later in phase 1
 * may reuse `out` (a nested call), so phase 2 writes it again
 * ({@linkcode sockaddrOf}).
 */
export function addressArg(ctx: Ctx, addr: unknown, caller: string, out: Sockaddr): AddressArg {
  const snapshot = snapshotAddress(addr);
  const len = toSockaddr(ctx, snapshot, out, caller);
  return { caller, ctx, snapshot, len };
}

/**
 * Phase 2 for an address: writes `a` into `out`, the caller's `sockaddr`,
 * from its snapshot (no user code runs), and returns `out.bytes`.
 */
export function sockaddrOf(a: AddressArg, out: Sockaddr): Uint8Array {
  toSockaddr(a.ctx, a.snapshot, out, a.caller);
  return out.bytes;
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
  return typeof v === "object" && v !== null ? snapshotBytes(v) : v;
}

/**
 * A bytes-like address element copied into memory of our own, its length
 * read through the built-in getters (`bytesView`), zero-length ones
 * included: a `Uint8Array` (Python's `bytes`) becomes a plain `Uint8Array`,
 * any other bytes-like object an `ArrayBuffer`, so that the codecs tell
 * them apart as before. Anything else is returned as it is.
 */
function snapshotBytes(v: object): unknown {
  const b = bytesView(v);
  if (b === null) return v;
  const copy = copyBytes(b);
  return isUint8Array(v) ? copy : copy.buffer;
}

/**
 * Decodes the first `len` bytes of `sa` (CPython's `makesockaddr`): `null`
 * for a length of zero, the family's address when its codec is known, and
 * `[family, sa_data]` otherwise.
 */
export function fromSockaddr(sa: Sockaddr, len: number, ctx: Ctx): Address | null {
  if (len === 0) return null;
  // The kernel reports the full length even when it truncated the name.
  if (len > sa.bytes.length) len = sa.bytes.length;
  const family = readFamily(sa);
  const codec = CODECS[family];
  if (codec) return codec.decode(sa, len, ctx);
  // As CPython: the whole `sa_data` field (14 bytes), whatever the length.
  return [family, sa.bytes.slice(SA_DATA, SA_DATA + SA_DATA_SIZE)];
}
