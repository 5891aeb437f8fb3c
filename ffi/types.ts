/**
 * The types shared by the two runtime adapters and `ffi/mod.ts`: the bound
 * C library, derived from the symbol table, and the few memory primitives
 * that differ between Deno and Bun.
 *
 * @module
 */

import type { CType, SymbolName, SYMBOLS } from "./symbols.ts";

declare const PTR: unique symbol;

/**
 * A pointer owned by C (a `struct addrinfo *`, a `char *` from `strerror`).
 * Opaque outside `ffi/`: a Deno pointer object or a Bun address. The null
 * pointer may be `null` or `0`; test it with `isNull()`.
 */
export type Ptr = { readonly [PTR]: true } | null;

/** The bytes a `buf` argument accepts: any view, or `null` for `NULL`. */
export type Buf = ArrayBufferView | null;

type JsArg<T extends CType> = T extends "buf" ? Buf : T extends "ptr" ? Ptr : number;
type JsRet<T extends CType> = T extends "void" ? void : T extends "ptr" ? Ptr : number;
type JsArgs<A extends readonly CType[]> = { -readonly [K in keyof A]: JsArg<A[K]> };
type Spec = (typeof SYMBOLS)[SymbolName];
type Fn<S extends Spec> = (...args: JsArgs<S["args"]>) => JsRet<S["ret"]>;

/**
 * The bound C library: one function per symbol. Symbols that exist on one
 * operating system only, or only in some C libraries, may be `undefined`.
 */
export type Libc =
  & {
    readonly [K in SymbolName]: (typeof SYMBOLS)[K] extends { os: string } | { optional: true }
      ? Fn<(typeof SYMBOLS)[K]> | undefined
      : Fn<(typeof SYMBOLS)[K]>;
  }
  // The `nonblocking` symbols' `<name>_nb` variants (Deno only, else
  // `undefined`): the call runs on a pool thread and its result arrives as a
  // Promise.
  & {
    readonly [K in NonblockingName as `${K}_nb`]?: (
      ...args: JsArgs<(typeof SYMBOLS)[K]["args"]>
    ) => Promise<JsRet<(typeof SYMBOLS)[K]["ret"]>>;
  };

/** The symbols declared `nonblocking`. */
type NonblockingName = { [K in SymbolName]: (typeof SYMBOLS)[K] extends { nonblocking: true } ? K : never }[SymbolName];

/** What a runtime adapter provides: the bound library and memory access. */
export interface Backend {
  /** The bound functions. */
  readonly libc: Libc;
  /** A live view of `length` bytes of C memory at `p + offset`. */
  view(p: Ptr, offset: number, length: number): Uint8Array;
  /** The NUL-terminated string at `p + offset`, decoded as UTF-8. */
  cstring(p: Ptr, offset: number): string;
  /** The pointer stored at `p + offset`. */
  readPtr(p: Ptr, offset: number): Ptr;
  /** The pointer stored in JavaScript memory (an out-parameter) at `offset`. */
  ptrAt(bytes: Uint8Array, offset: number): Ptr;
  /** Whether `p` is the null pointer. */
  isNull(p: Ptr): boolean;
  /**
   * The address of a view's first byte, to store inside a C struct. The
   * caller keeps the view alive for as long as C may use the address.
   */
  addressOf(v: ArrayBufferView): number;
  /** The pointer at address `n` (an address another thread reported). */
  fromAddress(n: number): Ptr;
  /**
   * Bun only (`undefined` in Deno): a C function pointer `void (*)(int)`
   * that any thread may call; each call queues `fn(arg)` on the event loop
   * of the thread that created it (a threadsafe `JSCallback`).
   */
  readonly crossThreadCallback?: (fn: (arg: number) => void) => { ptr: number; close(): void };
}
