/**
 * Socket-object behaviour (the first part of `lib/socket.ts`: timeouts,
 * the constructor, `detach()`, `dup()`, `setsockopt()`) that the mutation
 * run found unasserted, each checked against CPython 3.11 on Linux:
 *
 * - timeouts convert as CPython's `_PyTime_t` does: an int of seconds
 *   exactly, a float as nanoseconds rounded away from zero, each within
 *   64 bits, with CPython's two overflow messages;
 * - `setsockopt(level, name, None, optlen)` wraps `optlen` to 32 bits
 *   (`"I"`) and lets the kernel judge it; any other 4-argument call is
 *   CPython's `TypeError`;
 * - a socket object dropped without `close()` is closed by the collector,
 *   except a listening one (adopted with `fileno`, by keyword or by
 *   position, or a `dup()` of one), which keeps accepting; and a descriptor
 *   given up with `detach()` stays open for its new owner.
 *
 * @module
 */

import { test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { hasPython, prng, python, raises, RUNTIME } from "./helpers.ts";

const TOO_LARGE = "timestamp too large to convert to C _PyTime_t";
const OUT_OF_RANGE = "timestamp out of range for platform time_t";

/** `settimeout(v)` then `gettimeout()`, or the error as `[class name, message]`. */
function timeoutOf(v: number): number | [string, string] {
  const s = socket.socket();
  try {
    s.settimeout(v);
    return s.gettimeout()!;
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  } finally {
    s.close();
  }
}

test("settimeout: CPython's limits and messages at both ends of _PyTime_t (python3 3.11)", () => {
  const table: [number, number | [string, string]][] = [
    [9223372036, 9223372036], // the largest int: 9223372036 * 10**9 ns fits in 64 bits
    [9223372037, ["OverflowError", TOO_LARGE]],
    [-9223372036, ["ValueError", "Timeout value out of range"]],
    [-9223372037, ["OverflowError", TOO_LARGE]],
    [1e30, ["OverflowError", TOO_LARGE]],
    [9223372036.854774, 9223372036.854774], // a float: nanoseconds below 2**63
    [9223372036.854776, ["OverflowError", OUT_OF_RANGE]],
    [Infinity, ["OverflowError", OUT_OF_RANGE]],
    [-Infinity, ["OverflowError", OUT_OF_RANGE]],
    [-9223372036.854776, ["ValueError", "Timeout value out of range"]], // -2**63 ns: in range, negative
    [-9223372036.854778, ["OverflowError", OUT_OF_RANGE]],
    [-1e300, ["OverflowError", TOO_LARGE]], // integer-valued: an int, as python3's -10**300
    [-1e-10, ["ValueError", "Timeout value out of range"]], // rounds away from zero: -1 ns
    [1e-10, 1e-9], // rounds up to 1 ns
    [1e-300, 1e-9],
    [0.1, 0.1],
    [2.5, 2.5],
  ];
  for (const [v, want] of table) assert.deepEqual(timeoutOf(v), want, `settimeout(${v})`);
  raises(socket.OverflowError, () => socket.setdefaulttimeout(Infinity), { message: OUT_OF_RANGE });
  assert.equal(socket.getdefaulttimeout(), null);
});

test("settimeout agrees with python3 on random floats of every magnitude", { skip: !hasPython() }, () => {
  const rand = prng(19);
  const values = Array.from({ length: 200 }, () => (rand() * 2 - 0.2) * 10 ** Math.floor(rand() * 24 - 12));
  const got = values.map((v) => timeoutOf(v));
  const want = python(
    `import json, socket, sys
s = socket.socket()
out = []
for v in json.load(sys.stdin):
    try:
        s.settimeout(float(v)); out.append(s.gettimeout())
    except Exception as e:
        out.append([type(e).__name__, str(e)])
print(json.dumps(out))`,
    values,
  );
  assert.deepEqual(got, want);
});

test("setsockopt(level, name, None, optlen): optlen wraps to 32 bits and the kernel judges it, as CPython's 'I'", () => {
  const s = socket.socket();
  const { SOL_SOCKET, SO_REUSEADDR } = socket;
  // python3: -1 and 2**32 (0 once wrapped) are EINVAL; 4 and 2**32 + 4 read 4 bytes from NULL: EFAULT.
  raises(socket.OSError, () => s.setsockopt(SOL_SOCKET, SO_REUSEADDR, null, -1), { errno: SYS.EINVAL });
  raises(socket.OSError, () => s.setsockopt(SOL_SOCKET, SO_REUSEADDR, null, 2 ** 32), { errno: SYS.EINVAL });
  raises(socket.OSError, () => s.setsockopt(SOL_SOCKET, SO_REUSEADDR, null, 2 ** 32 + 4), { errno: SYS.EFAULT });
  raises(socket.OSError, () => s.setsockopt(SOL_SOCKET, SO_REUSEADDR, null, 4), { errno: SYS.EFAULT });
  // Anything but None with an unsigned int falls through to "iiy*", which takes 3 arguments.
  const three = "setsockopt() takes exactly 3 arguments (4 given)";
  const bad: [unknown, unknown][] = [[new Uint8Array(4), 4], [1, 4], [null, 4.5], [null, "4"]];
  for (const [value, optlen] of bad) {
    raises(TypeError, () => s.setsockopt(SOL_SOCKET, SO_REUSEADDR, value as null, optlen as number), {
      message: three,
    });
  }
  assert.equal(s.getsockopt(SOL_SOCKET, SO_REUSEADDR), 0);
  s.close();
});

test(`dropped socket objects under ${RUNTIME}: listeners keep accepting, others close, detached descriptors stay open`, () => {
  const child = fileURLToPath(new URL("./socket_head_child.ts", import.meta.url));
  const args = RUNTIME === "bun" ? [child] : ["run", "-A", "--v8-flags=--expose-gc", child];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  // The collector ran: the adopted connected socket was closed, its peer read EOF.
  assert.equal(out.eof, true);
  // Every adopted listener still accepts: by keyword, by position with its type, a dup() of one.
  assert.deepEqual(out.accepts, { keywords: true, positional: true, dup: true });
  // The socket at descriptor 0 was detached and dropped: descriptor 0 is still open and connected.
  assert.equal(out.detached, 0);
  assert.deepEqual(out.got, [7]);
});
