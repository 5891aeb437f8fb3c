/**
 * The raw-FFI floor's binding of libc: the handful of symbols the workloads
 * need, bound straight with `Deno.dlopen` (or, under Bun, `bun:ffi` in
 * `ffi_bun.js`), with no library layer. This is the baseline the library is
 * measured against, so it is allowed to touch FFI directly.
 *
 * `size(n)` makes a `size_t` argument in the form the runtime's fast path
 * wants (a bigint in Deno, a number in Bun): call it once, outside the loop.
 *
 * @module
 */

/** The raw symbols: results are numbers or bigints (use `Number()`). */
export interface Raw {
  send(fd: number, buf: Uint8Array, n: unknown, flags: number): number | bigint;
  recv(fd: number, buf: Uint8Array, n: unknown, flags: number): number | bigint;
  sendto(fd: number, buf: Uint8Array, n: unknown, flags: number, sa: Uint8Array, salen: number): number | bigint;
  recvfrom(fd: number, buf: Uint8Array, n: unknown, flags: number, sa: Uint8Array, salen: Uint32Array): number | bigint;
  shutdown(fd: number, how: number): number;
  getpid(): number;
  getaddrinfo(host: Uint8Array, port: Uint8Array, hints: Uint8Array, res: Uint8Array): number;
  freeaddrinfo(p: unknown): void;
}

/** The bound functions, a `size_t` converter, `errno()` and the pointer at `bytes[0..8]`. */
export interface RawLibc {
  sym: Raw;
  size(n: number): unknown;
  errno(): number;
  ptrAt(bytes: Uint8Array): unknown;
}

const BUN = "./ffi_bun.js";

async function load(): Promise<RawLibc> {
  if ("Bun" in globalThis) return (await import(BUN)).load();
  const lib = Deno.dlopen("libc.so.6", {
    send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
    recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
    sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
    recvfrom: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "buffer"], result: "isize" },
    shutdown: { parameters: ["i32", "i32"], result: "i32" },
    getpid: { parameters: [], result: "i32" },
    getaddrinfo: { parameters: ["buffer", "buffer", "buffer", "buffer"], result: "i32" },
    freeaddrinfo: { parameters: ["pointer"], result: "void" },
    __errno_location: { parameters: [], result: "pointer" },
  });
  const cell = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(lib.symbols.__errno_location()!, 4));
  return {
    sym: lib.symbols as unknown as Raw,
    size: (n) => BigInt(n),
    errno: () => cell[0],
    ptrAt: (b) => Deno.UnsafePointer.create(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true)),
  };
}

/** libc, bound raw for this runtime. */
export const raw: RawLibc = await load();
