/**
 * Binds the symbol table with `Deno.dlopen`.
 *
 * `size_t` arguments are declared `usize`. Deno's fast calls take those as
 * bigints (a number falls back to a call ~100 ns slower), so the wrapper
 * converts; `ssize_t` results arrive as bigints and are made numbers.
 *
 * @module
 */

import { type CType, declaration, type SymbolName, SYMBOLS, type SymbolSpec, unpadded } from "./symbols.ts";
import type { Backend, Libc, Ptr } from "./types.ts";

const NATIVE: Record<CType, Deno.NativeType | "void"> = {
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

/** Opens `path` and binds every symbol for `os`/`arch`. Throws if the library cannot be opened. */
export function load(path: string, os: string, arch: string): Backend {
  const wanted: Record<string, Deno.ForeignFunction> = {};
  const specs: [SymbolName, SymbolSpec][] = [];
  for (const [name, s] of Object.entries(SYMBOLS) as [SymbolName, SymbolSpec][]) {
    if (s.os && s.os !== os) continue;
    const spec = declaration(name, s, os, arch);
    specs.push([name, spec]);
    wanted[name] = {
      parameters: spec.args.map((t) => NATIVE[t]) as Deno.NativeType[],
      result: NATIVE[spec.ret] as Deno.NativeResultType,
      optional: s.optional ?? false,
    };
  }
  // `nonblocking` symbols get a second binding, `<name>_nb`, that returns a Promise.
  const nb = specs.filter(([name]) => (SYMBOLS[name] as SymbolSpec).nonblocking);
  for (const [name] of nb) wanted[`${name}_nb`] = { ...wanted[name], name, nonblocking: true };
  const lib = Deno.dlopen(path, wanted);
  const libc: Record<string, Raw | undefined> = {};
  for (const [name, spec] of specs) {
    const raw = lib.symbols[name] as unknown as Raw | null;
    libc[name] = raw ? unpadded(widen(raw, spec.args, spec.ret), name, os, arch) : undefined;
  }
  for (const [name, spec] of nb) {
    const raw = lib.symbols[`${name}_nb`] as unknown as Raw | null;
    libc[`${name}_nb`] = raw ? unpadded(widenAsync(raw, spec.args, spec.ret), name, os, arch) : undefined;
  }

  const P = Deno.UnsafePointer;
  const V = Deno.UnsafePointerView;
  type P = Deno.PointerValue;
  return {
    libc: libc as unknown as Libc,
    view: (p, offset, length) =>
      length === 0
        ? new Uint8Array(0)
        : new Uint8Array(V.getArrayBuffer(p as unknown as Deno.PointerObject, length, offset)),
    cstring: (p, offset) => V.getCString(p as unknown as Deno.PointerObject, offset),
    readPtr: (p, offset) => new V(p as unknown as Deno.PointerObject).getPointer(offset) as unknown as Ptr,
    ptrAt: (bytes, offset) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
      return P.create(v) as unknown as Ptr;
    },
    isNull: (p) => p === null || P.value(p as unknown as P) === 0n,
    addressOf: (v) => Number(P.value(P.of(v as Uint8Array<ArrayBuffer>))),
  };
}
