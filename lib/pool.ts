/**
 * Where `recv()` puts what it returns. Deno spends ~300 ns allocating a
 * small `Uint8Array`, more than the rest of a `recv` costs in JavaScript, so
 * small reads land in a shared slab and come back as views of it, the way
 * Node's `Buffer` pool works. A slab is never written twice: each result
 * owns its bytes, and a slab is freed once no result refers to it.
 *
 * @module
 */

/** Requests up to this size are served from the slab. */
const POOLED = 64 * 1024;
/** Slab size: room for at least four maximal requests. */
const SLAB = 256 * 1024;

let slab = new Uint8Array(SLAB);
let used = 0;

/**
 * A buffer with room for `n` bytes to receive into. Hand the count actually
 * received to {@linkcode take}, before any other call to `room`.
 */
export function room(n: number): Uint8Array {
  if (n > POOLED) return new Uint8Array(n);
  // A result's buffer may have been transferred away, detaching the slab.
  if (used + n > slab.length || slab.byteLength === 0) {
    slab = new Uint8Array(SLAB);
    used = 0;
  }
  // Exactly `n` bytes: a full read (the usual case) is returned as is by take().
  return slab.subarray(used, used + n);
}

/** The first `got` bytes of the buffer `room` returned, as the result. */
export function take(buf: Uint8Array, got: number): Uint8Array {
  if (buf.buffer !== slab.buffer) {
    // An unpooled buffer: keep it whole when nearly full, else copy out.
    return got === buf.length ? buf : got > buf.length >> 1 ? buf.subarray(0, got) : buf.slice(0, got);
  }
  used = (used + got + 7) & ~7;
  return got === buf.length ? buf : buf.subarray(0, got);
}
