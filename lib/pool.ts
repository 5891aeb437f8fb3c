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
  if (n > SCRATCH_SIZE) return new Uint8Array(n);
  if (view.length !== n) view = scratch.subarray(0, n);
  return view;
}

/**
 * The first `got` bytes of the buffer `room` returned, as a result that owns
 * its memory: an exact-size copy out of the scratch, or the buffer itself
 * when it was allocated for this call (a view of its first `got` bytes when
 * at least half full; else a copy, so a large buffer is not kept for a few bytes).
 */
export function take(buf: Uint8Array, got: number): Uint8Array {
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
