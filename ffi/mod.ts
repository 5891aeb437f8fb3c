/**
 * The C library, bound for the runtime this process runs under, and the
 * memory primitives that go with it. Nothing outside `ffi/` touches
 * `Deno.dlopen`, `Deno.UnsafePointer*` or `bun:ffi`.
 *
 * @module
 */

import { ARCH, OS, RUNTIME } from "./platform.ts";
import { type DenoFfi, load as loadDeno } from "./deno.ts";
import { type BunFfi, load as loadBun } from "./bun.ts";
import type { Backend, Libc, Ptr } from "./types.ts";

export type { Buf, Libc, Ptr } from "./types.ts";
export { ARCH, OS, RUNTIME } from "./platform.ts";

/** The C library's file name to try, in order, for each operating system. */
function candidates(os: string, arch: string): string[] {
  switch (os) {
    case "linux":
      // glibc, then musl (Alpine names it after the architecture).
      return ["libc.so.6", `libc.musl-${arch}.so.1`, "libc.so"];
    case "darwin":
      return ["/usr/lib/libSystem.B.dylib"];
    default:
      throw new Error(`The socket module does not support ${os} (${arch}): it runs on Linux and macOS`);
  }
}

/**
 * The runtime's binder. Synchronous on purpose: the module graph has no
 * top-level await, because Bun drops the messages posted to a Worker while
 * the Worker's module graph is still evaluating one. Under Bun, `bun:ffi`
 * comes from Bun's synchronous `require` rather than an import, so that Deno
 * (and JSR's analysis of the graph) never sees the `bun:` specifier.
 */
// deno-lint-ignore no-explicit-any
const g = globalThis as any;

function binder(): (path: string, os: string, arch: string) => Backend {
  if (RUNTIME === "bun") {
    const ffi = (import.meta as ImportMeta & { require(id: string): unknown }).require("bun:ffi") as BunFfi;
    return (path, os, arch) => loadBun(ffi, path, os, arch);
  }
  const deno = g.Deno as DenoFfi;
  return (path, os, arch) => loadDeno(deno, path, os, arch);
}

/** Deno's refusal to open a library, made to say which flag to pass and why; else `undefined`. */
function permissionError(e: unknown): Error | undefined {
  const NotCapable: ErrorConstructor | undefined = RUNTIME === "deno" ? g.Deno.errors?.NotCapable : undefined;
  if (!NotCapable || !(e instanceof NotCapable)) return undefined;
  return new Error(
    "Run with --allow-ffi: the socket module makes every socket call through the C library (libc) " +
      "with Deno's FFI, which Deno permits only with --allow-ffi.",
    { cause: e },
  );
}

/** Opens the first C library that loads; returns it and the path it was found at. */
function open(): [Backend, string] {
  const load = binder();
  const errors: unknown[] = [];
  for (const path of candidates(OS, ARCH)) {
    try {
      return [load(path, OS, ARCH), path];
    } catch (e) {
      const denied = permissionError(e);
      if (denied) throw denied;
      errors.push(e);
    }
  }
  throw new Error(`Cannot load the C library (tried ${candidates(OS, ARCH).join(", ")})`, {
    cause: errors.length === 1 ? errors[0] : new AggregateError(errors),
  });
}

const [backend, path] = open();

/** The path the C library was opened at (a Worker opens the same one). */
export const LIBC_PATH: string = path;

/** Every bound C function, by its C name. */
export const libc: Libc = backend.libc;

const errnoLocation = (OS === "darwin" ? libc.__error : libc.__errno_location)!();
const errnoBytes = backend.view(errnoLocation, 0, 4);
const errnoCell = new Int32Array(errnoBytes.buffer, errnoBytes.byteOffset, 1);

/**
 * The calling thread's `errno`. Read it straight after the call that failed:
 * any other FFI call, or a runtime callback, may change it.
 */
export function errno(): number {
  return errnoCell[0];
}

/** Sets the calling thread's `errno`, for calls whose failure is ambiguous without it. */
export function setErrno(value: number): void {
  errnoCell[0] = value;
}

/** A live view of `length` bytes of C memory at `p + offset`. */
export const view: (p: Ptr, offset: number, length: number) => Uint8Array = backend.view;
/** A live `DataView` over the `length` bytes of a C struct at `p`. */
export function struct(p: Ptr, length: number): DataView {
  const v = backend.view(p, 0, length);
  return new DataView(v.buffer, v.byteOffset, v.byteLength);
}
/** The NUL-terminated UTF-8 string at `p + offset`. */
export const cstring: (p: Ptr, offset?: number) => string = (p, offset = 0) => backend.cstring(p, offset);
/** The pointer stored in C memory at `p + offset`. */
export const readPtr: (p: Ptr, offset: number) => Ptr = backend.readPtr;
/** The pointer that C stored into JavaScript memory (an out-parameter) at `offset`. */
export const ptrAt: (bytes: Uint8Array, offset: number) => Ptr = backend.ptrAt;
/** Whether `p` is the null pointer. */
export const isNull: (p: Ptr) => boolean = backend.isNull;
/**
 * The address of a view's first byte, to store inside a C struct (an
 * `iovec`, a `msghdr`). Keep the view referenced until the call returns.
 */
export const addressOf: (v: ArrayBufferView) => number = backend.addressOf;

/**
 * Bun only (`undefined` in Deno): a C function pointer `void (*)(int)` that
 * any thread may call, each call queueing `fn(arg)` on this thread's event
 * loop (a threadsafe `JSCallback`). The reactor's poller Worker wakes the
 * main thread through it.
 */
export const crossThreadCallback: Backend["crossThreadCallback"] = backend.crossThreadCallback;
/** The pointer at address `n`, an address another thread reported (Bun's Workers). */
export const fromAddress: (n: number) => Ptr = backend.fromAddress;

/** `strerror(n)`, copied into a string. */
export function strerror(n: number): string {
  return cstring(libc.strerror(n));
}
