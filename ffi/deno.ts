/**
 * Binds the symbol table with `Deno.dlopen`. `ffi/mod.ts` passes the
 * `Deno` namespace in: this file names no Deno global, so the library
 * type-checks for Bun too. The part of Deno's FFI used here is described by
 * {@linkcode DenoFfi}; `.ci/deno_ffi_surface.ts` checks it against Deno's
 * own types.
 *
 * `size_t` arguments are declared `usize`. Deno's fast calls take those as
 * bigints (a number falls back to a call ~100 ns slower), so the wrapper
 * converts; `ssize_t` results arrive as bigints and are made numbers.
 *
 * @module
 */

import { type CType, declaration, type SymbolName, SYMBOLS, type SymbolSpec, unpadded } from "./symbols.ts";
import type { Backend, Libc, Ptr } from "./types.ts";

/** The Deno FFI argument types this module declares symbols with. */
export type DenoType = "i32" | "u32" | "usize" | "isize" | "buffer" | "pointer";

/** A function declaration for `Deno.dlopen`. */
export interface DenoFunction {
  /** Argument types. */
  readonly parameters: readonly DenoType[];
  /** Result type. */
  readonly result: DenoType | "void";
  /** Bind as `undefined` when the library lacks the symbol. */
  readonly optional?: boolean;
  /** Run the call on a pool thread; the result arrives as a Promise. */
  readonly nonblocking?: boolean;
  /** The C name, when the key differs. */
  readonly name?: string;
}

/** Deno's pointer object (opaque), or `null`. */
export type DenoPointer = object | null;

/** The part of the `Deno` namespace this module uses (checked against Deno's types). */
export interface DenoFfi {
  /** Opens a library and binds `symbols`. */
  dlopen(path: string, symbols: Record<string, DenoFunction>): { symbols: Record<string, unknown> };
  /** Pointer objects. */
  UnsafePointer: {
    create(value: bigint): DenoPointer;
    of(view: ArrayBufferView<ArrayBuffer>): DenoPointer;
    value(p: DenoPointer): bigint;
  };
  /** Reads C memory. */
  UnsafePointerView: {
    // `never`: Deno's constructor takes its branded PointerObject, which `object` is not.
    new (p: never): { getPointer(offset?: number): DenoPointer };
    getArrayBuffer(p: object, length: number, offset?: number): ArrayBuffer;
    getCString(p: object, offset?: number): string;
  };
}

const NATIVE: Record<CType, DenoType | "void"> = {
  void: "void",
  i32: "i32",
  u32: "u32",
  size: "usize",
  ssize: "isize",
  buf: "buffer",
  ptr: "pointer",
};

type Raw = (...args: unknown[]) => unknown;

type Convert = (v: unknown) => unknown;
const toBigInt: Convert = (v) => BigInt(v as number);
const toNumber: Convert = (v) => Number(v as bigint);

/**
 * Wraps `fn` so that 64-bit arguments go in as bigints and results come out
 * as numbers. Each wrapper is compiled on its own (`new Function`), so that
 * its call site sees one foreign function and one conversion per argument:
 * a wrapper shared by every symbol would be megamorphic, and V8 would not
 * inline the fast call through it.
 */
function widen(fn: Raw, args: readonly CType[], ret: CType): Raw {
  const wide = args.map((t) => t === "size" || t === "ssize");
  const narrowRet = ret === "size" || ret === "ssize";
  if (!wide.includes(true) && !narrowRet) return fn;
  const names = args.map((_, i) => `a${i}`);
  const call = `fn(${names.map((n, i) => wide[i] ? `BigInt(${n})` : n).join(", ")})`;
  return new Function("fn", `"use strict"; return (${names.join(", ")}) => ${narrowRet ? `Number(${call})` : call};`)(
    fn,
  ) as Raw;
}

/** {@linkcode widen} for a `nonblocking` binding, whose result is a Promise. */
function widenAsync(fn: Raw, args: readonly CType[], ret: CType): Raw {
  const wide = args.map((t) => t === "size" || t === "ssize");
  const narrowRet = ret === "size" || ret === "ssize";
  if (!wide.includes(true) && !narrowRet) return fn;
  return (...v) => {
    const p = fn(...v.map((x, i) => wide[i] ? toBigInt(x) : x)) as Promise<unknown>;
    return narrowRet ? p.then(toNumber) : p;
  };
}

/** Opens `path` with `deno` (the `Deno` namespace) and binds every symbol for `os`/`arch`. Throws if the library cannot be opened. */
export function load(deno: DenoFfi, path: string, os: string, arch: string): Backend {
  const wanted: Record<string, DenoFunction> = {};
  const specs: [SymbolName, SymbolSpec][] = [];
  for (const [name, s] of Object.entries(SYMBOLS) as [SymbolName, SymbolSpec][]) {
    if (s.os && s.os !== os) continue;
    const spec = declaration(name, s, os, arch);
    specs.push([name, spec]);
    wanted[name] = {
      parameters: spec.args.map((t) => NATIVE[t] as DenoType), // no argument is `void`
      result: NATIVE[spec.ret],
      optional: s.optional ?? false,
    };
  }
  // `nonblocking` symbols get a second binding, `<name>_nb`, that returns a Promise.
  const nb = specs.filter(([name]) => (SYMBOLS[name] as SymbolSpec).nonblocking);
  for (const [name] of nb) wanted[`${name}_nb`] = { ...wanted[name], name, nonblocking: true };
  const lib = deno.dlopen(path, wanted);
  const libc: Record<string, Raw | undefined> = {};
  for (const [name, spec] of specs) {
    const raw = lib.symbols[name] as Raw | null;
    libc[name] = raw ? unpadded(widen(raw, spec.args, spec.ret), name, os, arch) : undefined;
  }
  for (const [name, spec] of nb) {
    const raw = lib.symbols[`${name}_nb`] as Raw | null;
    libc[`${name}_nb`] = raw ? unpadded(widenAsync(raw, spec.args, spec.ret), name, os, arch) : undefined;
  }

  const P = deno.UnsafePointer;
  const V = deno.UnsafePointerView;
  // A non-null `Ptr` is a Deno pointer object under Deno (see `types.ts`).
  const obj = (p: Ptr): object => p as unknown as object;
  const toPtr = (p: DenoPointer): Ptr => p as unknown as Ptr;
  return {
    libc: libc as unknown as Libc,
    view: (p, offset, length) =>
      length === 0 ? new Uint8Array(0) : new Uint8Array(V.getArrayBuffer(obj(p), length, offset)),
    cstring: (p, offset) => V.getCString(obj(p), offset),
    // A view object's getPointer: ~60 ns, against ~900 ns for an external ArrayBuffer of 8 bytes read as a BigInt.
    readPtr: (p, offset) => toPtr(new V(obj(p) as never).getPointer(offset)),
    ptrAt: (bytes, offset) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
      return toPtr(P.create(v));
    },
    isNull: (p) => p === null || P.value(obj(p)) === 0n,
    addressOf: (v) => Number(P.value(P.of(v as ArrayBufferView<ArrayBuffer>))),
    fromAddress: (n) => toPtr(P.create(BigInt(n))),
  };
}
