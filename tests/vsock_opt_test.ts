// AF_VSOCK socket options, live: CPython passes their values as 64-bit
// integers (uint64_t), and so do we.
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";

function probe(): string | null {
  if (socket.AF_VSOCK === undefined) return "AF_VSOCK is not defined on this platform";
  try {
    socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM).close();
    return null;
  } catch (e) {
    return `socket(AF_VSOCK) failed: ${e}`;
  }
}
const SKIP = probe();
if (SKIP) console.log(`vsock_opt_test: skipped, ${SKIP}`);

/** What python3 reads for the three buffer options of a fresh socket, or null without python3. */
function pythonDefaults(): number[] | null {
  const r = spawnSync("python3", [
    "-c",
    "import socket as s; v = s.socket(s.AF_VSOCK, s.SOCK_STREAM); print([v.getsockopt(s.AF_VSOCK, o) for o in " +
    "(s.SO_VM_SOCKETS_BUFFER_SIZE, s.SO_VM_SOCKETS_BUFFER_MIN_SIZE, s.SO_VM_SOCKETS_BUFFER_MAX_SIZE)])",
  ]);
  return r.status === 0 ? JSON.parse(r.stdout.toString()) : null;
}

describe("getsockopt()/setsockopt() on AF_VSOCK", { skip: SKIP ?? false }, () => {
  const { AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE: SIZE, SO_VM_SOCKETS_BUFFER_MIN_SIZE: MIN } = socket;
  const { SO_VM_SOCKETS_BUFFER_MAX_SIZE: MAX } = socket;

  it("reads the buffer sizes CPython reads", () => {
    using s = socket.socket(AF_VSOCK, socket.SOCK_STREAM);
    const got = [s.getsockopt(AF_VSOCK, SIZE), s.getsockopt(AF_VSOCK, MIN), s.getsockopt(AF_VSOCK, MAX)];
    const want = pythonDefaults();
    if (want === null) console.log("vsock_opt_test: python3 is absent, comparing with the kernel's defaults");
    assert.deepEqual(got, want ?? [262144, 128, 262144]);
    // A buflen of 0 reads the value too, as in CPython.
    assert.equal(s.getsockopt(AF_VSOCK, SIZE, 0), got[0]);
  });

  it("round-trips values, including ones beyond 32 bits", () => {
    using s = socket.socket(AF_VSOCK, socket.SOCK_STREAM);
    const rows: [number, number, number][] = [
      [MAX, 2 ** 40, 2 ** 40],
      [SIZE, 100000, 100000],
      [MIN, 4096, 4096],
    ];
    for (const [opt, value, read] of rows) {
      s.setsockopt(AF_VSOCK, opt, value);
      assert.equal(s.getsockopt(AF_VSOCK, opt), read);
    }
    // "K" takes the value modulo 2**64: -1 is the largest, clamped by the kernel to the maximum.
    s.setsockopt(AF_VSOCK, SIZE, -1);
    assert.equal(s.getsockopt(AF_VSOCK, SIZE), 2 ** 40);
    // A bigint is an int too (the public signature names numbers only).
    s.setsockopt(AF_VSOCK, SIZE, (2n ** 64n + 5000n) as unknown as number);
    assert.equal(s.getsockopt(AF_VSOCK, SIZE), 5000);
    // SOL_SOCKET options go through the same 64-bit path, as in CPython.
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM);
  });

  it("raises CPython's errors", () => {
    using s = socket.socket(AF_VSOCK, socket.SOCK_STREAM);
    assert.throws(() => s.getsockopt(AF_VSOCK, SIZE, 8), {
      name: "OSError",
      message: "getsockopt string buffer not allowed",
    });
    assert.throws(() => s.setsockopt(AF_VSOCK, SIZE, new Uint8Array(8)), {
      name: "TypeError",
      message: "setsockopt() argument 3 must be int, not bytes",
    });
    assert.throws(() => s.setsockopt(AF_VSOCK, SIZE, 1.5), {
      name: "TypeError",
      message: "setsockopt() argument 3 must be int, not float",
    });
    assert.throws(() => s.setsockopt(AF_VSOCK, SIZE, null, 8), {
      name: "TypeError",
      message: "setsockopt() takes exactly 3 arguments (4 given)",
    });
  });

  it("a value up to 2**53-1 reads back as a number, a larger one as an exact bigint (python3: the same ints)", () => {
    using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
    const MAX = socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE!;
    // python3: setsockopt(AF_VSOCK, SO_VM_SOCKETS_BUFFER_MAX_SIZE, x) then getsockopt gives x back for each of these.
    const rows: [number | bigint, number | bigint][] = [
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      [2n ** 53n, 2n ** 53n],
      [2n ** 60n + 1n, 2n ** 60n + 1n],
      [2n ** 64n - 1n, 2n ** 64n - 1n],
      // "K" takes the int modulo 2**64.
      [-1, 2n ** 64n - 1n],
      [2n ** 64n + 7n, 7],
    ];
    for (const [value, read] of rows) {
      s.setsockopt(socket.AF_VSOCK, MAX, value as number);
      assert.equal(s.getsockopt(socket.AF_VSOCK, MAX), read, `${value}`);
    }
  });

  it("a bool is an int: True sets 1, False 0 (python3: the same)", () => {
    using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
    const MAX = socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE!;
    s.setsockopt(socket.AF_VSOCK, MAX, true as unknown as number);
    assert.equal(s.getsockopt(socket.AF_VSOCK, MAX), 1);
    s.setsockopt(socket.AF_VSOCK, MAX, false as unknown as number);
    assert.equal(s.getsockopt(socket.AF_VSOCK, MAX), 0);
  });
});
