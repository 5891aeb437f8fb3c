/**
 * `uninterrupted` (PEP 475's retry for calls outside `sockCall`) looks at
 * `errno` only after a failure: a call that returns 0 is done, whatever a
 * stale `errno` from an earlier call says.
 *
 * @module
 */

import { describe, test } from "node:test";
// The default export: under Deno the namespace's named exports are the loose (legacy) ones.
import assert from "node:assert/strict";
import { setErrno } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { uninterrupted } from "../lib/errors.ts";

describe("uninterrupted", () => {
  test("a result of 0 is returned at once, even with a stale EINTR in errno", () => {
    let calls = 0;
    setErrno(SYS.EINTR);
    assert.equal(
      uninterrupted(() => {
        calls++;
        return calls > 3 ? 1 : 0;
      }),
      0,
    );
    assert.equal(calls, 1);
  });
});
