/**
 * Where `recv()` and its kin receive before they return: one module-global
 * scratch buffer that is never handed out. Each result is an exact-size copy
 * that owns its memory, as CPython's `bytes` do: a result's `.buffer` holds
 * only that result's bytes, and transferring one result changes no other.
 *
 * Receiving into scratch and copying out `got` bytes is cheaper than
 * allocating `n` zeroed bytes per call when `got < n`, and small copies
 * (64 bytes and less) stay on V8's heap. Requests larger than the scratch get
 * a buffer of their own, returned as is when full.
 *
 * @module
 */

/** Requests up to this size land in the scratch buffer. */
const SCRATCH_SIZE = 64 * 1024;
const scratch = new Uint8Array(SCRATCH_SIZE);
const SCRATCH_BUFFER = scratch.buffer;
/** The last view handed out, reused while the same size is asked for (the usual case). */
let view = scratch.subarray(0, 0);

/**
 * A buffer of exactly `n` bytes to receive into (phase 2 of the boundary
 * discipline, `lib/marshal.ts`). Hand it, with the count actually received,
 * to {@linkcode take} before any other call to `room`: the scratch is shared.
 */
export function room(n: number): Uint8Array {
  if (n > SCRATCH_SIZE) return new Uint8Array(n);
  if (view.length !== n) view = scratch.subarray(0, n);
  return view;
}

/**
 * The first `got` bytes of the buffer `room` returned, as a result that owns
 * its memory: a copy out of the scratch, or the buffer itself when it was
 * allocated for this call (trimmed by a view when at least half full, so its
 * `.buffer` holds nothing but this result's bytes and zeros).
 */
export function take(buf: Uint8Array, got: number): Uint8Array {
  if (buf.buffer === SCRATCH_BUFFER) return scratch.slice(0, got);
  return got === buf.length ? buf : got > buf.length >> 1 ? buf.subarray(0, got) : buf.slice(0, got);
}
