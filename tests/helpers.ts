/**
 * Shared test helpers: runtime detection, temporary directories, an
 * assertion for Python-style errors, and a peer in a Worker for tests that
 * need both ends of a connection to block at once.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { libc } from "../ffi/mod.ts";
import { msgHooks } from "../lib/msg.ts";

/**
 * Extra `deno run` flags for a child process while StrykerJS tests mutants: its instrumented
 * modules (detected by the `__stryker__` global they create) read `__STRYKER_ACTIVE_MUTANT__`
 * from the environment. Empty outside mutation testing.
 */
export function mutantEnv(): string[] {
  return "__stryker__" in globalThis ? ["--allow-env=__STRYKER_ACTIVE_MUTANT__"] : [];
}

/** `"deno"` or `"bun"`. */
export const RUNTIME: "deno" | "bun" = "Bun" in globalThis ? "bun" : "deno";

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(): { path: string; join(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "pysocket-"));
  return { path, join: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Asserts that `fn` throws an instance of `cls`, optionally with `errno`
 * and a message matching `message`. Returns the error.
 */
export function raises<T extends abstract new (...args: never[]) => Error>(
  cls: T,
  fn: () => unknown,
  expect: { errno?: number | null; message?: string | RegExp } = {},
): InstanceType<T> {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected ${cls.name} to be thrown, nothing was`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${(caught as Error)?.constructor?.name}: ${caught}`);
  const e = caught as InstanceType<T> & { errno?: number | null };
  if ("errno" in expect) assert.equal(e.errno, expect.errno);
  if (expect.message instanceof RegExp) assert.match(e.message, expect.message);
  else if (expect.message !== undefined) assert.equal(e.message, expect.message);
  return e;
}

/** Bytes of a string. */
export function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** A string of bytes. */
export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/** Whether an IPv6 socket can bind `::1` here. */
export function hasIPv6Loopback(socket: typeof import("../mod.ts")): boolean {
  try {
    using s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
    s.bind(["::1", 0]);
    return true;
  } catch {
    return false;
  }
}

/** A job for the peer Worker (see `peer_worker.ts`). */
export type PeerJob =
  | { op: "echo"; family: number; address: unknown; count?: number }
  | { op: "drain"; family: number; address: unknown; hash?: boolean }
  | { op: "send"; family: number; address: unknown; size: number };

/**
 * Starts `job` in a Worker: the worker connects to `address` and echoes,
 * drains (answering with the byte count and a checksum), or sends `size`
 * bytes. Resolves once the worker has the job, so the caller may then block
 * (in `accept()`, say) without starving the handshake; `done` resolves with
 * the worker's answer.
 */
export function peer(job: PeerJob): Promise<{ done: Promise<Record<string, unknown>> }> {
  const worker = new Worker(new URL("./peer_worker.ts", import.meta.url).href, { type: "module" });
  return new Promise((started, failed) => {
    let finish: (v: Record<string, unknown>) => void, fail: (e: unknown) => void;
    const done = new Promise<Record<string, unknown>>((res, rej) => [finish, fail] = [res, rej]);
    worker.onmessage = (e) => {
      // The worker says when it is ready: Bun drops messages sent while its module loads.
      if (e.data.ready) {
        worker.postMessage(job);
        return started({ done });
      }
      worker.terminate();
      if (e.data.error) fail(new Error(e.data.error));
      else finish(e.data);
    };
    worker.onerror = (e) => {
      worker.terminate();
      failed(e);
      fail(e);
    };
  });
}

/** FNV-1a over bytes, continuing from `h`: a cheap checksum for transfers. */
export function fnv1a(b: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

let pythonHere: boolean | undefined;

/** Whether python3 is here, to serve as a differential oracle (asked once). */
export function hasPython(): boolean {
  pythonHere ??= spawnSync("python3", ["-c", "pass"]).status === 0;
  return pythonHere;
}

/** Runs `script` in python3 with `input` as JSON on stdin; its stdout, parsed as JSON. */
export function python(script: string, input: unknown): unknown {
  const r = spawnSync("python3", ["-c", script], { input: JSON.stringify(input), maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

/** A seeded PRNG (mulberry32) in [0, 1), so a random table is the same on every run. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Wraps every function of the bound C library so that each call appends its name to `calls`; returns the undo. */
function countLibc(calls: string[]): () => void {
  const lib = libc as unknown as Record<string, unknown>;
  const saved: [string, (...a: unknown[]) => unknown][] = [];
  for (const [k, v] of Object.entries(lib)) {
    if (typeof v !== "function") continue;
    const f = v as (...a: unknown[]) => unknown;
    saved.push([k, f]);
    lib[k] = (...a: unknown[]) => {
      calls.push(k);
      return f(...a);
    };
  }
  return () => {
    for (const [k, f] of saved) lib[k] = f;
  };
}

/**
 * Runs `fn` with every C function this thread calls through `libc` counted:
 * each call appends the function's name to `calls`. Returns `fn`'s result.
 */
export function countCalls<T>(calls: string[], fn: () => T): T {
  const undo = countLibc(calls);
  try {
    return fn();
  } finally {
    undo();
  }
}

/** {@linkcode countCalls} for an async `fn`: the counters stay in place until its promise settles. */
export async function countCallsAsync<T>(calls: string[], fn: () => Promise<T>): Promise<T> {
  const undo = countLibc(calls);
  try {
    return await fn();
  } finally {
    undo();
  }
}

/**
 * Runs `fn` with msg.ts's RuntimeWarnings raised as errors, as under
 * `python3 -W error::RuntimeWarning`; the hook is restored afterwards.
 */
export function raisingWarnings<T>(fn: () => T): T {
  const saved = msgHooks.warn;
  msgHooks.warn = (m) => {
    throw new Error(m);
  };
  try {
    return fn();
  } finally {
    msgHooks.warn = saved;
  }
}
