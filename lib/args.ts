/**
 * Argument conversion with Python's rules and messages: integers, C ranges,
 * bytes-like objects, C strings, and keyword arguments given as a trailing
 * options object.
 *
 * @module
 */

import { OverflowError, ValueError } from "./errors.ts";
import {
  bufferDetached,
  DV_BUFFER,
  DV_LENGTH,
  DV_OFFSET,
  notWritable,
  TA_BUFFER,
  TA_LENGTH,
  TA_OFFSET,
} from "./marshal.ts";
import { isOptions, multipleValues, type Sig, unknownKeyword } from "./signatures.ts";

export { isOptions };

/**
 * What Python calls a bytes-like object: any typed array, `DataView` or
 * `ArrayBuffer` (shared ones included). A `string` is not one.
 */
export type BytesLike = ArrayBufferView | ArrayBufferLike;

/** Python's name for the type of a JavaScript value, for error messages. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  switch (typeof v) {
    case "string":
      return "str";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
    case "function":
      return "function";
    case "symbol":
      return "symbol";
  }
  if (Array.isArray(v)) return "tuple";
  // A plain object is this module's dict (keyword arguments, options).
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return "dict";
  if (v instanceof Uint8Array) return "bytes";
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return "memoryview";
  return (v as object).constructor?.name ?? "object";
}

/**
 * An integer argument: a safe-integer number, or a boolean (Python's `bool`
 * is an `int`). Anything else is Python's `TypeError`.
 */
export function toInt(v: unknown): number {
  if (typeof v === "number") {
    // `+ 0` turns -0 into 0: Deno's FFI refuses -0 for an integer parameter.
    if (Number.isInteger(v)) return v + 0;
    throw new TypeError(`'float' object cannot be interpreted as an integer`);
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
}

const TWO_63 = 2 ** 63;

/** A Python `int` as a number or bigint (a `bool` counts), or `null` for anything else. */
export function intValue(v: unknown): number | bigint | null {
  if (typeof v === "number") return Number.isInteger(v) ? v + 0 : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return v;
  return null;
}

/**
 * The `"i"` conversion of `PyArg_ParseTuple` for functions that, like
 * CPython's, accept any `int` (a `bigint` too): a C `int`, with CPython's
 * messages.
 */
export function parseI(v: unknown): number {
  const n = intValue(v);
  if (n === null) throw new TypeError(`'${pyType(v)}' object cannot be interpreted as an integer`);
  if (n >= TWO_63 || n < -TWO_63) throw new OverflowError("Python int too large to convert to C long");
  if (n > 0x7fffffff) throw new OverflowError("signed integer is greater than maximum");
  if (n < -0x80000000) throw new OverflowError("signed integer is less than minimum");
  return Number(n);
}

/** A C `int` argument (`"i"` in `PyArg_ParseTuple`). */
export function toCInt(v: unknown): number {
  const n = toInt(v);
  if (n > 0x7fffffff) throw new OverflowError("signed integer is greater than maximum");
  if (n < -0x80000000) throw new OverflowError("signed integer is less than minimum");
  return n;
}

/** A C `unsigned int` argument (`"I"`), range-checked where CPython would wrap. */
export function toCUInt(v: unknown, what = "unsigned int"): number {
  const n = toInt(v);
  if (n < 0 || n > 0xffffffff) throw new OverflowError(`${what} is out of range`);
  return n;
}

/** An integer in `[lo, hi]`, else `OverflowError(message)`. */
export function toIntIn(v: unknown, lo: number, hi: number, message: string): number {
  const n = toInt(v);
  if (n < lo || n > hi) throw new OverflowError(message);
  return n;
}

const EMPTY = new Uint8Array(0);

const U8_PROTO = Uint8Array.prototype;

/**
 * A bytes-like argument as a plain `Uint8Array` over the same memory: any
 * `ArrayBufferView` or `ArrayBuffer`. A string is a `TypeError`, as in
 * Python. A detached buffer is a `ValueError`, as a released `memoryview`
 * is in Python. The result is read with the built-in accessors only, so
 * that later steps run no user code (phase 1 of `marshal.ts`).
 */
export function toBytes(v: unknown): Uint8Array {
  const b = bytesView(v);
  if (b === null) throw new TypeError(`a bytes-like object is required, not '${pyType(v)}'`);
  return b;
}

/**
 * {@linkcode toBytes}, or `null` when `v` is not bytes-like. Every check is a
 * brand check user code cannot fake or override: `ArrayBuffer.isView`, the
 * built-in `%TypedArray%.prototype[Symbol.toStringTag]` getter (a
 * `Uint16Array` given `Uint8Array.prototype` is still a `Uint16Array`), and
 * the built-in `byteLength` getters of `ArrayBuffer` and `SharedArrayBuffer`
 * (they throw for anything else, a plain object with their prototype
 * included). A plain `Uint8Array` is returned as it is (the hot path); any
 * other view gets a plain view of its bytes. Internal.
 */
export function bytesView(v: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(v)) {
    const tag = TA_TAG.call(v);
    if (tag === undefined) return dataViewBytes(v as DataView);
    if (tag === "Uint8Array" && Object.getPrototypeOf(v) === U8_PROTO) {
      if (TA_LENGTH.call(v) === 0 && bufferDetached(TA_BUFFER.call(v))) throw detachedError();
      return v as Uint8Array;
    }
    return plainView(TA_BUFFER.call(v), TA_OFFSET.call(v), TA_LENGTH.call(v));
  }
  if (typeof v !== "object" || v === null) return null;
  const n = bufferLength(v);
  if (n < 0) return null;
  if (n === 0 && bufferDetached(v as ArrayBufferLike)) throw detachedError();
  return n === 0 ? EMPTY : new Uint8Array(v as ArrayBufferLike, 0, n);
}

/** A copy of `b`, a view from {@linkcode bytesView}, in a buffer of its own (its length read by the built-in getter). Internal. */
export function copyBytes(b: Uint8Array): Uint8Array {
  const copy = new Uint8Array(TA_LENGTH.call(b));
  copy.set(b);
  return copy;
}

/** Whether `v` is a `Uint8Array` (by its brand, whatever its prototype): Python's `bytes`. Internal. */
export function isUint8Array(v: unknown): v is Uint8Array {
  return ArrayBuffer.isView(v) && TA_TAG.call(v) === "Uint8Array";
}

/** A DataView's bytes; its getters throw once its buffer is detached, so that is checked first. */
function dataViewBytes(v: DataView): Uint8Array {
  const buffer = DV_BUFFER.call(v);
  if (bufferDetached(buffer)) throw detachedError();
  return new Uint8Array(buffer, DV_OFFSET.call(v), DV_LENGTH.call(v));
}

function plainView(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array {
  if (length === 0 && bufferDetached(buffer)) throw detachedError();
  return new Uint8Array(buffer, offset, length);
}

const TA_TAG = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(U8_PROTO), Symbol.toStringTag)!.get as (
  this: unknown,
) => string | undefined;
const AB_LENGTH = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get as (
  this: unknown,
) => number;
const SAB_LENGTH = typeof SharedArrayBuffer === "undefined"
  ? null
  : Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength")!.get as (this: unknown) => number;
/** The byte length of `v` if it is an `ArrayBuffer` or `SharedArrayBuffer` (by brand), else `-1`. */
function bufferLength(v: object): number {
  try {
    return AB_LENGTH.call(v);
  } catch {
    // Not an ArrayBuffer: a SharedArrayBuffer, or not a buffer at all.
  }
  try {
    return SAB_LENGTH === null ? -1 : SAB_LENGTH.call(v);
  } catch {
    return -1;
  }
}

function detachedError(): ValueError {
  return new ValueError("operation forbidden on a detached ArrayBuffer");
}

/**
 * A writable bytes-like argument (`recv_into`'s buffer). `what` names it in
 * the error, as CPython's `"w*"` does (`"recv_into() argument 1"`).
 */
export function toWritableBytes(v: unknown, what = "argument"): Uint8Array {
  if (typeof v === "string" || v instanceof String) {
    throw new TypeError(`${what} must be read-write bytes-like object, not str`);
  }
  try {
    return toBytes(v);
  } catch (e) {
    // Also for a detached buffer: CPython's "w*" refuses a released memoryview with TypeError.
    if (e instanceof ValueError) throw notWritable();
    throw new TypeError(`${what} must be read-write bytes-like object, not ${pyType(v)}`);
  }
}

/**
 * Python's positional-or-keyword parameters: `args` as given, where the last
 * one may be an options object naming parameters from `names`. Returns the
 * values by position (`undefined` where omitted). An unknown keyword, or one
 * that repeats a positional argument, is a `TypeError` worded as CPython
 * words it for `sig`. The count of positional arguments is checked first,
 * by `arityKw` (`lib/signatures.ts`).
 */
export function params(sig: Sig, names: readonly string[], args: readonly unknown[]): unknown[] {
  let given = args.length;
  const out: unknown[] = new Array(names.length).fill(undefined);
  const last = args[given - 1];
  let kw: Record<string, unknown> | undefined;
  if (given > 0 && isOptions(last)) {
    kw = last;
    given--;
  }
  for (let i = 0; i < Math.min(given, names.length); i++) out[i] = args[i];
  if (kw) {
    for (const [k, v] of Object.entries(kw)) {
      const i = names.indexOf(k);
      if (i < 0) throw unknownKeyword(sig, k);
      if (i < given) throw multipleValues(sig, k, i + 1);
      out[i] = v;
    }
  }
  return out;
}
