/**
 * Small helpers shared by the benchmark programs under both runtimes.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";

/** The program's arguments, under Deno or Bun. */
export function args(): string[] {
  return process.argv.slice(2);
}

/** Monotonic seconds. */
export function now(): number {
  return performance.now() / 1000;
}

/** Resident set size of this process, in bytes (Linux). */
export function rss(): number {
  return Number(readFileSync("/proc/self/statm", "latin1").split(" ")[1]) * 4096;
}

/**
 * Runs `fn` repeatedly: a warm-up, then timed batches until `seconds` pass.
 * Returns nanoseconds per call (the best of the batches' medians is not
 * taken: the mean over the timed batches).
 */
export function perCall(fn: () => unknown, seconds = 0.3): number {
  let n = 1;
  for (const w0 = now(); now() - w0 < seconds * 0.3;) {
    for (let i = 0; i < n; i++) fn();
    n = Math.min(n * 2, 1 << 16);
  }
  let calls = 0;
  const t0 = now();
  let t1 = t0;
  while (t1 - t0 < seconds) {
    for (let i = 0; i < n; i++) fn();
    calls += n;
    t1 = now();
  }
  return ((t1 - t0) * 1e9) / calls;
}
