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

/** Forces a full garbage collection (`Bun.gc(true)`, or `gc()` under Deno with `--v8-flags=--expose-gc`); false if it cannot. */
export function collect(): boolean {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun) g.Bun.gc(true);
  else if (typeof g.gc === "function") g.gc();
  else return false;
  return true;
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

// ---------------------------------------------------------------- report helpers (bench/run.ts)

/** The median of `v` (the mean of the middle two for an even count); NaN when empty. */
export function median(v: number[]): number {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A rate for a table cell: `1.23 M`, `45.6 k`, `789`, `0.12`. */
export function fmt(v: number): string {
  return v >= 1e6
    ? `${(v / 1e6).toFixed(2)} M`
    : v >= 1e4
    ? `${(v / 1e3).toFixed(1)} k`
    : v >= 100
    ? v.toFixed(0)
    : v.toFixed(2);
}

/** `a / b` as `0.87×`, or `–` when either is missing or zero. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a && b && Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : "–";
}

/** Text for a Markdown table cell: pipes escaped, line breaks flattened. */
export function cell(s: string): string {
  return s.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

/**
 * Checks every Markdown table in `lines`: each row has as many cells as its
 * header and no first cell repeats within a table (a sign of rows from two
 * tables run together). Returns the problems found, as text.
 */
export function checkTables(lines: string[]): string[] {
  const problems: string[] = [];
  const cells = (l: string) => l.replaceAll("\\|", "").split("|").length - 2;
  let heading = "", header = -1, keyCols = 1, seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith("#")) heading = l.replace(/^#+\s*/, "");
    if (!l.startsWith("|")) {
      header = -1;
      continue;
    }
    if (header < 0) {
      header = cells(l);
      // Rows are keyed by their leading grouping cells (workload, connections, runtime, contender), or the first.
      const head = l.split("|").slice(1).map((c) => c.trim());
      const grouping = head.findIndex((c) => !["workload", "connections", "runtime", "contender"].includes(c));
      keyCols = Math.max(1, grouping < 0 ? head.length : grouping);
      seen = new Set();
      continue;
    }
    if (cells(l) !== header) problems.push(`${heading}: row has ${cells(l)} cells, header ${header}: ${l}`);
    const first = l.split("|")[1].trim();
    if (!/^-+:?$/.test(first)) {
      const key = l.split("|").slice(1, 1 + keyCols).map((s) => s.trim()).join("|");
      if (seen.has(key)) problems.push(`${heading}: row repeated: ${l}`);
      seen.add(key);
    }
  }
  return problems;
}
