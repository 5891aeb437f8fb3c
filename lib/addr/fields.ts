/**
 * Field checks shared by the address codecs of the non-IP families: an
 * unsigned integer that must fit its C field, and Python's "takes exactly N
 * arguments" arity error. Messages are built only when a check fails, so
 * encoding allocates nothing.
 *
 * @module
 */

import { toInt } from "../args.ts";
import { OverflowError } from "../errors.ts";

/** Whether this machine stores integers little-endian: the `littleEndian` argument for host-order fields. */
export const HOST_LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The largest value of a C `uint32_t`. */
export const U32_MAX = 0xffffffff;

/**
 * An unsigned integer field of a `sockaddr`: an integer (or boolean, as
 * Python's `bool` is an `int`) in `0..max`.
 *
 * CPython parses these fields with `PyArg_ParseTuple`'s unchecked formats
 * (`I`, `k`) and stores them truncated; this module's contract makes an
 * out-of-range value an argument error instead, worded like CPython's own
 * range errors (`bind(): port must be 0-65535.`).
 *
 * @param v The value given.
 * @param max The field's largest value.
 * @param caller The method, for the message.
 * @param what The field's name, for the message.
 * @returns The value.
 * @throws {TypeError} If `v` is not an integer.
 * @throws {OverflowError} If `v` is outside `0..max`.
 */
export function uintField(v: unknown, max: number, caller: string, what: string): number {
  const n = toInt(v);
  if (n < 0 || n > max) throw new OverflowError(`${caller}(): ${what} must be 0-${max}.`);
  return n;
}

/**
 * Python's arity error for a tuple parsed without a custom message:
 * `function takes exactly 3 arguments (1 given)`, or with a function name,
 * `getsockaddrarg() takes exactly 2 arguments (1 given)`.
 *
 * @param fn The name `PyArg_ParseTuple` was given, or `""` for none.
 * @param want The number of elements wanted (2 or more).
 * @param given The number of elements given.
 * @returns The error, to throw.
 */
export function arityError(fn: string, want: number, given: number): TypeError {
  const who = fn === "" ? "function" : `${fn}()`;
  // Every tuple this checks has two or more elements: "arguments", plural.
  return new TypeError(`${who} takes exactly ${want} arguments (${given} given)`);
}
