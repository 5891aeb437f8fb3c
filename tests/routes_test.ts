/**
 * The package where its users get it (issue 13). Each route runs
 * `tests/routes/probe.ts` (an async echo that parks the reactor, a
 * `getaddrinfo_async` lookup and failure, a blocking connection) importing
 * the package as that route's users do:
 *
 * - (a) Deno, by URL: the published file set (`deno publish`'s list) served
 *   over HTTP on 127.0.0.1, run with `--allow-ffi` and `--allow-import` for
 *   that host only, no config, a fresh `DENO_DIR`;
 * - (b) Bun, from JSR's npm tarball (`tools/jsr_npm.ts` reproduces JSR's
 *   transform) installed by `bun install` into a scratch project;
 * - (c) Bun, from this package's own `npm pack` tarball, installed the same way;
 * - (d) a `bun build --compile` binary of the probe of (c), run from another directory;
 * - (e) the checkout, under Deno (`--allow-ffi` only) and Bun.
 *
 * Installs use `file:` tarballs: no registry is contacted. The routes start
 * both runtimes themselves, so they run once, under `deno test`; the
 * in-process checks at the end run under both.
 *
 * @module
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import * as socket from "@pysocket/socket";
import { startWorker } from "../lib/reactor/bun_worker.ts";
import { bunHandOff } from "../lib/reactor/bun_handoff.ts";
import type { Poller } from "../lib/reactor/poller.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PROBE = readFileSync(new URL("./routes/probe.ts", import.meta.url), "utf8");
const EXPECTED = { echo: "ping", lookup: [true, ["127.0.0.1", 8080]], failure: "gaierror", sync: "sync" };
const isBun = "Bun" in globalThis;
const BIN = join(ROOT, "node_modules/.bin");
const HANG_MS = 120_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking the event loop (route (a) serves files from this process). */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => stdout += d);
    child.stderr.on("data", (d) => stderr += d);
    // A liveness guard, not a speed check: a route that hangs (a lost Worker) fails instead of stalling CI.
    const guard = setTimeout(() => {
      stderr += `\n[killed: still running after ${HANG_MS / 1000} s]`;
      child.kill("SIGKILL");
    }, HANG_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a setup step that must succeed. */
async function step(cmd: string, args: string[], cwd: string, env?: Record<string, string>): Promise<void> {
  const r = await run(cmd, args, cwd, env);
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
}

/** Writes the probe into `dir`, importing the package as `specifier`. */
function probe(dir: string, specifier: string): string {
  const file = join(dir, "probe.ts");
  writeFileSync(file, PROBE.replace(`from "@pysocket/socket"`, `from ${JSON.stringify(specifier)}`));
  return file;
}

/** Asserts that a probe run succeeded with every check passing. */
function passed(r: Ran): void {
  assert.equal(r.code, 0, `probe failed:\n${r.stdout}\n${r.stderr}`);
  const last = r.stdout.trim().split("\n").at(-1)!;
  assert.deepEqual(JSON.parse(last), EXPECTED);
}

/** A scratch Bun project depending on the tarball at `tgz` as `name`, installed offline. */
async function scratchProject(dir: string, name: string, tgz: string): Promise<void> {
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "scratch", private: true, dependencies: { [name]: `file:${tgz}` } }),
  );
  await step("bun", ["install", "--no-save", "--no-progress"], dir);
}

describe(
  "routes",
  { skip: isBun ? "the routes start both runtimes themselves: run once, under deno test" : false },
  () => {
    let work = "";
    let server: Server | undefined;
    let base = "";

    before(async () => {
      work = mkdtempSync(join(tmpdir(), "routes-"));
      await step("deno", ["run", "-A", join(ROOT, "tools/jsr_npm.ts"), work], ROOT);
      await step("npm", ["pack", "--silent", "--pack-destination", work], ROOT);
      server = createServer((req, res) => {
        try {
          const path = decodeURIComponent(new URL(req.url!, "http://x").pathname);
          const body = readFileSync(join(work, "published", path.replace(/^\/+/, "")));
          const type = extname(path) === ".ts" ? "application/typescript" : "application/octet-stream";
          res.writeHead(200, { "content-type": type }).end(body);
        } catch {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
      const { port } = server.address() as { port: number };
      base = `http://127.0.0.1:${port}`;
    });

    after(() => {
      server?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test("(a) Deno imports the published files by URL with --allow-ffi alone", async () => {
      const dir = mkdtempSync(join(work, "a-"));
      const file = probe(dir, `${base}/mod.ts`);
      const host = base.slice("http://".length);
      const r = await run(
        "deno",
        ["run", "--no-config", "--no-lock", "--allow-ffi", `--allow-import=${host}`, file],
        dir,
        {
          DENO_DIR: join(dir, "deno_dir"),
        },
      );
      passed(r);
    });

    test("(b) Bun, from JSR's npm tarball", async () => {
      const dir = mkdtempSync(join(work, "b-"));
      await scratchProject(dir, "@jsr/pysocket__socket", join(work, "jsr/package.tgz"));
      // JSR's package has no `bun` condition: Bun runs the transpiled `.js`.
      const manifest = JSON.parse(readFileSync(join(dir, "node_modules/@jsr/pysocket__socket/package.json"), "utf8"));
      assert.equal(manifest.exports["."].default, "./mod.js");
      passed(await run("bun", [probe(dir, "@jsr/pysocket__socket")], dir));
    });

    test("(c) Bun, from this package's npm tarball; (d) its bun build --compile binary", async () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
      const dir = mkdtempSync(join(work, "c-"));
      await scratchProject(dir, "@pysocket/socket", join(work, `pysocket-socket-${version}.tgz`));
      const file = probe(dir, "@pysocket/socket");
      passed(await run("bun", [file], dir));
      const bin = join(dir, "probe-bin");
      await step("bun", ["build", "--compile", file, "--outfile", bin], dir);
      // Run from elsewhere: the binary must need nothing from the project directory.
      passed(await run(bin, [], tmpdir()));
    });

    test("(e) the checkout, under Deno with --allow-ffi alone, and under Bun", async () => {
      const file = join(ROOT, "tests/routes/probe.ts");
      passed(await run("deno", ["run", "--allow-ffi", file], ROOT));
      passed(await run("bun", [file], ROOT));
    });

    test("Deno without --allow-ffi: the first line says to run with --allow-ffi, and why", async () => {
      const r = await run("deno", ["run", join(ROOT, "tests/routes/probe.ts")], ROOT);
      assert.notEqual(r.code, 0);
      const first = r.stderr.trim().split("\n")[0];
      assert.match(first, /Run with --allow-ffi: .*C library/);
    });

    test("package.json and deno.json agree on the name and version", () => {
      const npm = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
      const deno = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
      assert.equal(npm.version, deno.version);
      assert.equal(npm.name, deno.name);
    });
  },
);

describe("Workers", () => {
  test("a Worker importing the package gets a message posted right after new Worker()", async () => {
    for (let i = 0; i < 8; i++) {
      const w = new Worker(new URL("./routes/tla_worker.ts", import.meta.url).href, { type: "module" });
      const reply = new Promise<string>((resolve) => w.onmessage = (e) => resolve(e.data));
      w.postMessage(`m${i}`);
      const lost = new Promise<string>((r) => setTimeout(() => r("lost"), 30_000));
      assert.equal(await Promise.race([reply, lost]), `m${i}:${socket.AF_INET}`);
      w.terminate();
    }
  });

  test("a Worker that fails to start reports a clear error", async () => {
    const error = await new Promise<Error>((resolve) => {
      startWorker("test", "throw new Error('boom');", {}, { onMessage() {}, onFailure: resolve });
    });
    assert.match(error.message, /^The socket module's test Worker failed: /);
  });
});

test("Bun's hand-off: a poller Worker that fails reports to the reactor (which rejects every waiter)", async () => {
  // Descriptor -1: under Bun the Worker's wait fails with EBADF; under Deno the
  // Worker cannot even load (`bun:ffi`). Either way the failure comes back.
  const poller = { fd: -1, eventSize: 16 } as Poller;
  const error = await new Promise<Error>((resolve) => bunHandOff(poller, () => {}, resolve).park());
  if (isBun) assert.equal((error as Error & { errno?: number }).errno, socket.EBADF);
  else assert.match(error.message, /^The socket module's poller Worker failed: /);
});

describe("getaddrinfo_async checks its arguments as getaddrinfo does, before any Worker", () => {
  const cases: [string, unknown[]][] = [
    ["a function as port", ["127.0.0.1", () => 1]],
    ["a symbol as port", ["127.0.0.1", Symbol("p")]],
    ["an object as host", [{}, 80]],
    ["a string family", ["127.0.0.1", 80, "x"]],
    ["an unknown keyword", ["127.0.0.1", 80, { bogus: 1 }]],
    ["a function in the options", ["127.0.0.1", 80, { family: () => 2 }]],
  ];
  for (const [what, args] of cases) {
    test(what, async () => {
      let sync: unknown;
      try {
        (socket.getaddrinfo as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        sync = e;
      }
      assert.ok(sync instanceof Error, "getaddrinfo raises");
      const p = (socket.getaddrinfo_async as (...a: unknown[]) => Promise<unknown>)(...args);
      await assert.rejects(p, (e: Error) => {
        assert.equal(e.constructor, (sync as Error).constructor);
        assert.equal(e.message, (sync as Error).message);
        return true;
      });
    });
  }
});
