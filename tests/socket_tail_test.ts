/**
 * Behaviour of the second half of `lib/socket.ts` (from `send()` to the end:
 * the sending methods, `shutdown`, `repr`, the module functions
 * `socketpair`, `fromfd`, `close`, and the helpers they share) that the
 * mutation run found unasserted (see tests/README.md, "Mutation testing").
 * Each expectation is what CPython 3.11 does on Linux, checked against
 * python3 where it runs here.
 *
 * @module
 */

import { describe, test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import * as socket from "../mod.ts";

/** Why AF_VSOCK sockets cannot be made here, or null when they can. */
function vsockSkip(): string | null {
  if (socket.AF_VSOCK === undefined) return "AF_VSOCK is not defined on this platform";
  try {
    socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM).close();
    return null;
  } catch (e) {
    return `socket(AF_VSOCK) failed: ${e}`;
  }
}
const NO_VSOCK = vsockSkip();
if (NO_VSOCK) console.log(`socket_tail_test: AF_VSOCK tests skipped, ${NO_VSOCK}`);

describe("AF_VSOCK options are 64-bit", { skip: NO_VSOCK ?? false }, () => {
  test("a value up to 2**53-1 reads back as a number, a larger one as an exact bigint (python3: the same ints)", () => {
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

  test("a bool is an int: True sets 1, False 0 (python3: the same)", () => {
    using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
    const MAX = socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE!;
    s.setsockopt(socket.AF_VSOCK, MAX, true as unknown as number);
    assert.equal(s.getsockopt(socket.AF_VSOCK, MAX), 1);
    s.setsockopt(socket.AF_VSOCK, MAX, false as unknown as number);
    assert.equal(s.getsockopt(socket.AF_VSOCK, MAX), 0);
  });
});
