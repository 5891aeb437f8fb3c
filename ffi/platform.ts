/**
 * Which runtime, operating system and CPU this process runs on, read without
 * touching FFI. Everything platform-specific in the module keys off these.
 *
 * @module
 */

/** The JavaScript runtime: the module supports Deno and Bun. */
export type Runtime = "deno" | "bun";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

/** The runtime this process runs under. */
export const RUNTIME: Runtime = typeof g.Bun !== "undefined" ? "bun" : "deno";

/** The operating system, in Deno's spelling: `"linux"`, `"darwin"`, … */
export const OS: string = RUNTIME === "deno" ? g.Deno.build.os : g.process.platform;

/** The CPU architecture, in Deno's spelling: `"x86_64"` or `"aarch64"`. */
export const ARCH: string = RUNTIME === "deno"
  ? g.Deno.build.arch
  : ({ x64: "x86_64", arm64: "aarch64" } as Record<string, string>)[g.process.arch] ?? g.process.arch;
