/**
 * Binds the symbol table with `bun:ffi`. `ffi/mod.ts` passes `bun:ffi` in
 * (loaded with Bun's synchronous `require`): this file imports nothing from
 * it, so Deno never sees the specifier and the module graph needs no
 * top-level await. The part of `bun:ffi` used here is described by
 * {@linkcode BunFfi}; `.ci/bun_ffi_surface.ts` checks it against bun-types.
 *
 * `size_t` arguments are declared `u64_fast` (Bun takes numbers there at
 * full speed) and `ssize_t` results `i64_fast`, which are numbers whenever
 * they fit, as every byte count does. Bun has no optional symbols, so each
 * symbol that may be missing is bound on its own.
 *
 * @module
 */

import { type CType, declaration, type SymbolName, SYMBOLS, type SymbolSpec, unpadded } from "./symbols.ts";
import type { Backend, Libc, Ptr } from "./types.ts";

/** The `bun:ffi` types this module declares symbols with (`FFIType`, a numeric enum). */
export interface BunTypes {
  /** `void` */
  readonly void: number;
  /** `int` */
  readonly i32: number;
  /** `unsigned` */
  readonly u32: number;
  /** 64-bit unsigned, a number whenever it fits. */
  readonly u64_fast: number;
  /** 64-bit signed, a number whenever it fits. */
  readonly i64_fast: number;
  /** `void *` */
  readonly ptr: number;
}

/** A function declaration for `bun:ffi`'s `dlopen`, `CFunction` and `JSCallback`. */
export interface BunFunction {
  /** Argument types. */
  readonly args: readonly number[];
  /** Result type. */
  readonly returns: number;
  /** `JSCallback` only: callable from any thread. */
  readonly threadsafe?: boolean;
}

/** bun-types' `Pointer`: an address, as a branded number. */
export type BunPointer = number & { __pointer__: null };

/** The part of `bun:ffi` this module uses (checked against bun-types by `tsc`). */
export interface BunFfi {
  /** Opens a library and binds `symbols`. */
  dlopen(path: string, symbols: Record<string, BunFunction>): { symbols: Record<string, unknown> };
  /** The type codes. */
  FFIType: BunTypes;
  /** Copies the NUL-terminated string at `ptr + offset`. */
  CString: new (ptr: number, offset?: number) => string;
  /** A C function pointer that calls `fn`. */
  JSCallback: new (
    fn: (arg: number) => void,
    def: BunFunction,
  ) => { readonly ptr: BunPointer | null; close(): void };
  /** The address of a view's first byte (any typed array or `DataView`). */
  ptr(view: Uint8Array | DataView): BunPointer;
  /** Reads C memory. */
  read: { ptr(p: number, offset?: number): number };
  /** An `ArrayBuffer` over C memory, without copying. */
  toArrayBuffer(p: number, offset?: number, length?: number): ArrayBuffer;
}

/** The `bun:ffi` type of each C type of the symbol table. */
function natives(t: BunTypes): Record<CType, number> {
  return { void: t.void, i32: t.i32, u32: t.u32, size: t.u64_fast, ssize: t.i64_fast, buf: t.ptr, ptr: t.ptr };
}

type Raw = (...args: unknown[]) => unknown;

/** Opens `path` with `ffi` (`bun:ffi`) and binds every symbol for `os`/`arch`. Throws if the library cannot be opened. */
export function load(ffi: BunFfi, path: string, os: string, arch: string): Backend {
  const { CString, FFIType, JSCallback, dlopen, ptr, read, toArrayBuffer } = ffi;
  const NATIVE = natives(FFIType);
  const declare = (spec: SymbolSpec): BunFunction => ({
    args: spec.args.map((t) => NATIVE[t]),
    returns: NATIVE[spec.ret],
  });
  const required: Record<string, BunFunction> = {};
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

  // A `Ptr` is an address under Bun (see `types.ts`).
  const addr = (p: Ptr): number => p as unknown as number;
  const toPtr = (n: number): Ptr => n as unknown as Ptr;
  return {
    libc: libc as unknown as Libc,
    view: (p, offset, length) =>
      length === 0 ? new Uint8Array(0) : new Uint8Array(toArrayBuffer(addr(p), offset, length)),
    cstring: (p, offset) => new CString(addr(p), offset).toString(),
    readPtr: (p, offset) => toPtr(read.ptr(addr(p), offset)),
    ptrAt: (bytes, offset) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0, true);
      return toPtr(Number(v));
    },
    isNull: (p) => !p,
    // Every ArrayBufferView is a typed array or a DataView; `ptr` takes them all.
    addressOf: (v) => ptr(v as Uint8Array),
    fromAddress: toPtr,
    crossThreadCallback: (fn) => {
      const cb = new JSCallback(fn, { args: [FFIType.i32], returns: FFIType.void, threadsafe: true });
      return { ptr: cb.ptr ?? 0, close: () => cb.close() };
    },
  };
}
