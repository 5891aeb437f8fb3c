/**
 * Binds the symbol table with `bun:ffi`. Loaded only under Bun, by a dynamic
 * import in `ffi/mod.ts`, so that `bun:ffi` never enters Deno's module graph.
 *
 * `size_t` arguments are declared `usize` (Bun takes numbers there at full
 * speed) and `ssize_t` results `i64_fast`, which are numbers whenever they
 * fit, as every byte count does. Bun has no optional symbols, so each symbol
 * that may be missing is bound on its own.
 *
 * @module
 */

import { CFunction, CString, dlopen, FFIType, JSCallback, ptr, read, toArrayBuffer } from "bun:ffi";
import { type CType, declaration, type SymbolName, SYMBOLS, type SymbolSpec, unpadded } from "./symbols.ts";
import type { Backend, Libc, Ptr } from "./types.ts";

const NATIVE: Record<CType, FFIType> = {
  void: FFIType.void,
  i32: FFIType.i32,
  u32: FFIType.u32,
  size: FFIType.u64_fast,
  ssize: FFIType.i64_fast,
  buf: FFIType.ptr,
  ptr: FFIType.ptr,
};

type Raw = (...args: unknown[]) => unknown;

function declare(spec: SymbolSpec): { args: FFIType[]; returns: FFIType } {
  return { args: spec.args.map((t) => NATIVE[t]), returns: NATIVE[spec.ret] };
}

/** Opens `path` and binds every symbol for `os`/`arch`. Throws if the library cannot be opened. */
export function load(path: string, os: string, arch: string): Backend {
  const required: Record<string, { args: FFIType[]; returns: FFIType }> = {};
  const optional: [SymbolName, SymbolSpec][] = [];
  for (const [name, s] of Object.entries(SYMBOLS) as [SymbolName, SymbolSpec][]) {
    if (s.os && s.os !== os) continue;
    const spec = declaration(name, s, os, arch);
    if (s.optional) optional.push([name, spec]);
    else required[name] = declare(spec);
  }
  const libc: Record<string, unknown> = { ...dlopen(path, required).symbols };
  for (const [name, spec] of optional) {
    try {
      libc[name] = dlopen(path, { [name]: declare(spec) }).symbols[name];
    } catch {
      libc[name] = undefined;
    }
  }
  for (const name of Object.keys(libc) as SymbolName[]) {
    if (libc[name]) libc[name] = unpadded(libc[name] as Raw, name, os, arch);
  }

  const addr = (p: Ptr): number => p as unknown as number;
  return {
    libc: libc as unknown as Libc,
    view: (p, offset, length) =>
      length === 0 ? new Uint8Array(0) : new Uint8Array(toArrayBuffer(addr(p) as never, offset, length)),
    cstring: (p, offset) => new CString(addr(p) as never, offset).toString(),
    readPtr: (p, offset) => read.ptr(addr(p) as never, offset) as unknown as Ptr,
    ptrAt: (bytes, offset) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
      return Number(v) as unknown as Ptr;
    },
    isNull: (p) => !p,
    addressOf: (v) => ptr(v as never) as unknown as number,
    crossThreadCallback: (fn) => {
      const cb = new JSCallback(fn, { args: [FFIType.i32], returns: FFIType.void, threadsafe: true });
      return { ptr: cb.ptr as unknown as number, close: () => cb.close() };
    },
    callPointer: (p) => {
      const f = CFunction({ ptr: p as never, args: [FFIType.i32], returns: FFIType.void });
      return (arg) => void f(arg);
    },
  };
}
