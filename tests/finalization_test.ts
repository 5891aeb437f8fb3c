/**
 * Sockets dropped without `close()`: the FinalizationRegistry closes a
 * socket only when it is truly unreachable, and a listening socket never
 * behind the program's back (JSC and V8 collect a module-level binding that
 * no later code reads). Each case runs in a child process with forced
 * collection (`Bun.gc(true)`, Deno's `--expose-gc`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { RUNTIME } from "./helpers.ts";

const CHILD = fileURLToPath(new URL("./finalization_child.ts", import.meta.url));

function child(shape: string): Record<string, unknown> {
  const args = RUNTIME === "bun" ? [CHILD, shape] : ["run", "-A", "--v8-flags=--expose-gc", CHILD, shape];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, `child ${shape} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe(`FinalizationRegistry under ${RUNTIME}`, () => {
  for (const shape of ["binding", "closure", "map", "fromfd", "adopted", "dup"]) {
    it(`keeps a listening socket (${shape}) open across awaits and collections when no code reads it again`, () => {
      const out = child(shape);
      assert.deepEqual(out.results, [0, 0, 0, 0, 0]);
    });
  }

  it("closes a dropped socket once it is collected (its peer reads EOF)", () => {
    assert.equal(child("dropped").eof, true);
  });
});
