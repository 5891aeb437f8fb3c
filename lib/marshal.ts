/**
 * The boundary discipline: how every call that hands memory to C is written
 * (STYLE.md §10). Read this before touching a method that passes a buffer,
 * a `sockaddr`, an `iovec` or a `msghdr` to the system.
 *
 * CPython pins a buffer for the whole system call (`PyObject_GetBuffer`; a
 * `bytearray` with an export refuses to resize). JavaScript cannot pin: any
 * getter, iterator, `valueOf`, overridden method or options object may
 * detach, transfer or resize (`ArrayBuffer.prototype.resize`) a buffer, or
 * call into this module again. So each such call runs in three phases:
 *
 * 1. **Convert.** Every argument becomes a primitive or an owned snapshot:
 *    iterables walked into arrays, options objects and getters read once,
 *    numbers normalised (`-0` is `0`, see `args.ts`), addresses copied and
 *    validated (`addressArg` in `addr/mod.ts`), buffers turned into
 *    plain `Uint8Array` views (`toBytes` in `args.ts`) and their lengths noted.
 *    All user-reachable code runs here, and only here.
 * 2. **Take.** Pointers and lengths come from the buffers as they are now:
 *    {@linkcode held} re-reads each length through the built-in getter (a
 *    subclass cannot override it) and refuses a buffer that was detached or
 *    shrank since phase 1 with `ValueError`, before the kernel sees it.
 *    Module-global scratch (the `iovec` array, the `msghdr`, a method's own
 *    `sockaddr`, the control buffer) is written only in this phase, so a nested call made
 *    from phase 1 (a generator in `ancdata` calling `sendmsg` on another
 *    socket) cannot leave its data in them. Internals read private state
 *    (`timeoutOf`, `liveFd`, `ctxOf` in `socket.ts`), never public methods a
 *    subclass may override (`gettimeout()`).
 * 3. **Call.** After any wait (a poll in timeout mode, an `EINTR` retry, the
 *    reactor), phase 2 is repeated before calling again: typed arrays passed
 *    as FFI arguments are read at call time, but addresses stored inside C
 *    structs (`iov_base`) are plain numbers that go stale when a buffer is
 *    detached, so they are written again.
 *
 * A buffer found detached or shrunk is an argument error, never a short or
 * empty success, and nothing is consumed from the socket. Results own their
 * memory (`pool.ts`).
 *
 * @module
 */

import { ValueError } from "./errors.ts";

// The built-in accessors, read once: a subclass, or an own property on an instance, cannot change what they return.
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
function builtinGetter<T>(proto: object, name: string): (this: ArrayBufferView) => T {
  return Object.getOwnPropertyDescriptor(proto, name)!.get as (this: ArrayBufferView) => T;
}
/** `%TypedArray%.prototype.buffer`. Internal. */
export const TA_BUFFER: (this: ArrayBufferView) => ArrayBufferLike = builtinGetter(TYPED_ARRAY, "buffer");
/** `%TypedArray%.prototype.byteOffset`. Internal. */
export const TA_OFFSET: (this: ArrayBufferView) => number = builtinGetter(TYPED_ARRAY, "byteOffset");
/** `%TypedArray%.prototype.byteLength`. Internal. */
export const TA_LENGTH: (this: ArrayBufferView) => number = builtinGetter(TYPED_ARRAY, "byteLength");
/** `DataView.prototype.buffer`. Internal. */
export const DV_BUFFER: (this: ArrayBufferView) => ArrayBufferLike = builtinGetter(DataView.prototype, "buffer");
/** `DataView.prototype.byteOffset`. Internal. */
export const DV_OFFSET: (this: ArrayBufferView) => number = builtinGetter(DataView.prototype, "byteOffset");
/** `DataView.prototype.byteLength`. Internal. */
export const DV_LENGTH: (this: ArrayBufferView) => number = builtinGetter(DataView.prototype, "byteLength");
const BYTE_LENGTH = TA_LENGTH;

/**
 * The byte length of `b` as the engine sees it (`0` once detached or out of
 * bounds), through the built-in getter: no user code runs.
 */
export function lengthOf(b: Uint8Array): number {
  return BYTE_LENGTH.call(b);
}

/**
 * Phase 2: checks that `b` still holds the `n` bytes noted in phase 1, else
 * raises `ValueError` (a detached buffer, or a resizable one that shrank).
 *
 * @returns `n`.
 */
export function held(b: Uint8Array, n: number): number {
  if (n > 0 && BYTE_LENGTH.call(b) < n) throw lost(b);
  return n;
}

/**
 * Phase 2 for a buffer to receive into: as {@linkcode held}, but a detached
 * buffer is `TypeError`, the class of CPython's `"w*"` for a released
 * `memoryview` ({@linkcode notWritable}); a shrunk one is `ValueError(small)`.
 * (A buffer to send from goes through `held`: `ValueError`, as `"y*"`.)
 *
 * @returns `n`.
 */
export function heldInto(b: Uint8Array, n: number, small?: string): number {
  if (n > 0 && BYTE_LENGTH.call(b) < n) throw isDetached(b) ? notWritable() : small ? new ValueError(small) : lost(b);
  return n;
}

/** Phase 2's check of a buffer: {@linkcode held} (to send from) or {@linkcode heldInto} (to receive into). */
export type Take = (b: Uint8Array, n: number) => number;

/**
 * CPython's `TypeError` for a buffer to receive into that is gone (detached,
 * before or during the call): `"w*"` refuses a released `memoryview` so.
 */
export function notWritable(): TypeError {
  return new TypeError("argument must be read-write bytes-like object, not a detached buffer");
}

function isDetached(b: Uint8Array): boolean {
  return bufferDetached(TA_BUFFER.call(b));
}

const AB_DETACHED = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached")?.get;

/**
 * Whether `buffer` is a detached (transferred) `ArrayBuffer`, read through
 * the built-in getter (an own `detached` property cannot change it); a
 * shared one never is. Internal.
 */
export function bufferDetached(buffer: ArrayBufferLike): boolean {
  if (AB_DETACHED === undefined) return false;
  try {
    return AB_DETACHED.call(buffer) === true;
  } catch {
    return false; // a SharedArrayBuffer
  }
}

/**
 * Bytes `start` to `end` of `b` as a new plain view, built from the built-in
 * accessors (`subarray` would consult `b.constructor`, which user code may
 * have replaced). Phase 2 and 3 only.
 */
export function span(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(TA_BUFFER.call(b), TA_OFFSET.call(b) + start, end - start);
}

function lost(b: Uint8Array): ValueError {
  return new ValueError(
    isDetached(b)
      ? "operation forbidden on a detached ArrayBuffer"
      : "buffer was resized while in use by a socket call",
  );
}
