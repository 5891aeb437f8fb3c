// Child process of tests/hostile_test.ts: scenarios that crash the process
// (a use-after-free) when the library gets them wrong, so the suite survives
// the old code. Prints one JSON line; the parent checks the exit status too.
//
// `recvmmsg_uaf`: recvmmsg_into with two buffers larger than the copy limit
// (received into directly). An own `length` getter on the second buffer frees
// the first one (transfer to 16 bytes); had the getter run after the first
// buffer's address was written into its iovec, the kernel would write the
// datagram into freed memory.
//
// `sethostname`: under `unshare -u` (a UTS namespace of its own, as root), a
// one-byte view whose own `length` says 26 must set the hostname to one byte.

import process from "node:process";
import * as socket from "../mod.ts";

const scenario = process.argv[process.argv.length - 1];

function recvmmsgUaf(): Record<string, unknown> {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const N = 8000;
  tx.sendto(new Uint8Array(N).fill(0xaa), rx.getsockname()!);
  tx.sendto(new Uint8Array(N).fill(0xbb), rx.getsockname()!);
  const A = new Uint8Array(N), B = new Uint8Array(N);
  let calls = 0;
  Object.defineProperty(B, "length", {
    get() {
      calls++;
      (A.buffer as unknown as { transfer(n: number): ArrayBuffer }).transfer(16);
      return N;
    },
  });
  let result: unknown;
  try {
    result = rx.recvmmsg_into([A, B]).map((r) => r[0]);
  } catch (e) {
    result = (e as Error).name;
  }
  // Churn the heap, so that a write into freed memory shows (or crashes).
  const keep: Uint8Array[] = [];
  for (let i = 0; i < 2000; i++) keep.push(new Uint8Array(new ArrayBuffer(8000 + (i % 7) * 8)));
  const stray = keep.filter((k) => k[0] === 0xaa || k[100] === 0xaa).length;
  const bOk = B.subarray(0, N).every((x) => x === 0xbb);
  return { result, calls, stray, bOk };
}

function sethostname(): Record<string, unknown> {
  const backing = new Uint8Array(64);
  backing.set(new TextEncoder().encode("AsecretBytesOutsideTheView"));
  const view = backing.subarray(0, 1);
  Object.defineProperty(view, "length", { value: 26 });
  socket.sethostname(view);
  return { hostname: socket.gethostname() };
}

const out = scenario === "sethostname" ? sethostname() : recvmmsgUaf();
console.log(JSON.stringify(out));
