/**
 * Where `recv()` and its kin receive before they return. Every result owns
 * its memory, as CPython's `bytes` do: a result's `.buffer` holds only that
 * result's bytes (and, when the peer sent less than asked, zeros), and
 * transferring one result changes no other.
 *
 * Allocating is the cost (Deno spends 0.3-1 µs on any new `Uint8Array`,
 * whatever its size), so there is exactly one allocation per result: the
 * kernel writes into a module-global scratch buffer, never handed out, and
 * the result is an exact-size copy (`new` + `set`, cheaper than `slice()`),
 * so that `recv(65536)` returning 5 bytes does not allocate 64 KiB. Receiving
 * straight into a fresh buffer is no cheaper under Deno and much dearer under
 * Bun, whose FFI must move a new small typed array out of the GC heap before
 * it can pass its address. Requests larger than the scratch get a buffer of
 * their own. See `bench/RESULTS.md` ("Owned recv() results").
 *
 * @module
 */

import { CONSTANTS } from "../ffi/gen/mod.ts";
import { MemoryError } from "./errors.ts";

const MSG_TRUNC = CONSTANTS.MSG_TRUNC ?? 0;

/** Requests up to this size land in the scratch buffer. */
const SCRATCH_SIZE = 64 * 1024;
const scratch = new Uint8Array(SCRATCH_SIZE);
/** The last scratch view handed out, reused while the same size is asked for. */
let view = scratch.subarray(0, 0);

/**
 * A buffer of exactly `n` bytes to receive into (phase 2 of the boundary
 * discipline, `lib/marshal.ts`). Hand it, with the count actually received,
 * to {@linkcode take} before any other call to `room`: it may be the shared
 * scratch.
 */
export function room(n: number): Uint8Array {
  if (n > SCRATCH_SIZE) return allocate(n);
  if (view.length !== n) view = scratch.subarray(0, n);
  return view;
}

/**
 * {@linkcode room}, zeroed when `flags` hold `MSG_TRUNC`: on a stream socket
 * the kernel then discards the data without writing any (and reports its
 * length), so the scratch must not hold an earlier call's bytes.
 */
export function roomFor(n: number, flags: number): Uint8Array {
  const buf = room(n);
  if (flags & MSG_TRUNC) buf.fill(0);
  return buf;
}

/**
 * The first `got` bytes of the buffer `room` returned, as a result that owns
 * its memory: an exact-size copy out of the scratch, or the buffer itself
 * when it was allocated for this call (a view of its first `got` bytes when
 * at least half full; else a copy, so a large buffer is not kept for a few bytes).
 *
 * `got` larger than the buffer (`MSG_TRUNC`: Linux reports a datagram's
 * full length) gives `got` bytes as CPython's `recv` does, but only the
 * buffer's are received ones: the rest are zeros, never earlier contents of
 * the scratch (CPython leaves them uninitialised).
 */
export function take(buf: Uint8Array, got: number): Uint8Array {
  if (got > buf.length) return padded(buf, got);
  // Only room() makes buffers this small from the scratch (`.length`, not `.buffer`: see `toBytes` in args.ts).
  if (buf.length <= SCRATCH_SIZE) {
    // new + set: cheaper than slice(), which looks up a species constructor.
    const out = new Uint8Array(got);
    out.set(got === view.length ? view : scratch.subarray(0, got));
    return out;
  }
  if (got === buf.length) return buf;
  return got > buf.length >> 1 ? buf.subarray(0, got) : buf.slice(0, got);
}

/** `buf`'s bytes followed by zeros, `got` in all: a result of its own. */
function padded(buf: Uint8Array, got: number): Uint8Array {
  const out = new Uint8Array(got);
  out.set(buf);
  return out;
}

/** A buffer of `n` bytes of its own; Python's `MemoryError` when the engine cannot allocate it. */
function allocate(n: number): Uint8Array {
  try {
    return new Uint8Array(n);
  } catch (e) {
    if (e instanceof RangeError) throw new MemoryError();
    throw e;
  }
}
