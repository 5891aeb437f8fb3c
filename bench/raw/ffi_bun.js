// The raw-FFI floor's libc binding under Bun (see ffi.ts). Plain JavaScript so
// that `deno check bench/` never meets `bun:ffi`.
import { dlopen, FFIType as T, toArrayBuffer } from "bun:ffi";

export function load() {
  const lib = dlopen("libc.so.6", {
    send: { args: [T.i32, T.ptr, T.u64_fast, T.i32], returns: T.i64_fast },
    recv: { args: [T.i32, T.ptr, T.u64_fast, T.i32], returns: T.i64_fast },
    sendto: { args: [T.i32, T.ptr, T.u64_fast, T.i32, T.ptr, T.u32], returns: T.i64_fast },
    recvfrom: { args: [T.i32, T.ptr, T.u64_fast, T.i32, T.ptr, T.ptr], returns: T.i64_fast },
    shutdown: { args: [T.i32, T.i32], returns: T.i32 },
    getpid: { args: [], returns: T.i32 },
    getaddrinfo: { args: [T.ptr, T.ptr, T.ptr, T.ptr], returns: T.i32 },
    freeaddrinfo: { args: [T.ptr], returns: T.void },
    __errno_location: { args: [], returns: T.ptr },
  });
  const cell = new Int32Array(toArrayBuffer(lib.symbols.__errno_location(), 0, 4));
  return {
    sym: lib.symbols,
    size: (n) => n,
    errno: () => cell[0],
    ptrAt: (b) => Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true)),
  };
}
