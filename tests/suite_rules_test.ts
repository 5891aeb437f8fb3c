/**
 * Rules the test files themselves keep, checked so that they stay kept.
 *
 * Under Deno 2.9 a namespace import (`* as assert`) of `node:assert/strict` gives the LOOSE
 * `equal` and `deepEqual` (`undefined == null` passes), while the default
 * import is strict on both runtimes; so every file imports the default.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const TESTS = fileURLToPath(new URL(".", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

test("node:assert is imported by its strict default export, never as a namespace (loose under Deno)", () => {
  const offenders = files(TESTS).filter((f) =>
    /import\s+\*\s+as\s+\w+\s+from\s+["']node:assert/.test(readFileSync(f, "utf8"))
  );
  assert.deepEqual(offenders, []);
});

test("the strict default export is strict here", () => {
  assert.throws(() => assert.equal(undefined, null));
  assert.throws(() => assert.deepEqual([undefined], [null]));
});
