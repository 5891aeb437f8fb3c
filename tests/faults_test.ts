/**
 * Faults: a peer resetting mid-`sendall`, a peer vanishing mid-`recv`,
 * signals interrupting blocking calls (PEP 475), the descriptor limit
 * (`EMFILE`) reached and recovered from, and timeouts firing when asked.
 *
 * Peers run as child processes of the same runtime (this thread blocks in
 * the call under test, so the peer cannot share it).
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as socket from "../mod.ts";
import { raises, RUNTIME, tempDir } from "./helpers.ts";
import { libc } from "../ffi/mod.ts";
import { SYS } from "../ffi/gen/mod.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const FFI = new URL("../ffi/mod.ts", import.meta.url).href;
const GEN = new URL("../ffi/gen/mod.ts", import.meta.url).href;
const dir = tempDir();
let scripts = 0;

/** The command line that runs the script `code` under this runtime. */
function command(code: string): [string, string[]] {
  const file = dir.join(`child${scripts++}.ts`);
  writeFileSync(file, `import * as socket from ${JSON.stringify(MOD)};\n${code}`);
  const exe = (globalThis as unknown as { process: { execPath: string } }).process.execPath;
  return [exe, RUNTIME === "deno" ? ["run", "-A", "--no-check", file] : [file]];
}

/** Starts `code` in a child process; `out` collects its stdout. */
function child(code: string): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const [exe, args] = command(code);
  const proc = spawn(exe, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout!.on("data", (d) => out += d);
  const exited = new Promise<number | null>((res) => proc.on("exit", (code) => res(code)));
  return { proc, out: () => out, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sleeps the child's thread without an event loop. */
const SLEEP = `const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);`;
const RESET = `s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Int32Array([1, 0])); s.close();`;

describe("peer faults", () => {
  test("a peer resetting mid-sendall raises ConnectionResetError or BrokenPipeError, without SIGPIPE", async () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const port = (server.getsockname() as [string, number])[1];
    const c = child(`${SLEEP}
      const s = socket.create_connection(["127.0.0.1", ${port}]);
      sleep(300);
      ${RESET}`);
    const [conn] = server.accept();
    const chunk = new Uint8Array(8 << 20);
    let err: unknown;
    try {
      for (let i = 0; i < 256; i++) conn.sendall(chunk); // blocks until the reset arrives
    } catch (e) {
      err = e;
    }
    conn.close();
    assert.ok(
      err instanceof socket.ConnectionResetError || err instanceof socket.BrokenPipeError,
      `got ${err}`,
    );
    assert.equal(await c.exited, 0);
  });

  test("sending after the peer reset raises, again and again, and the process lives", () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    using client = socket.create_connection(server.getsockname() as [string, number]);
    const [conn] = server.accept();
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Int32Array([1, 0]));
    conn.close();
    const b = new Uint8Array(1024);
    for (let i = 0; i < 5; i++) {
      let err: unknown;
      try {
        for (let j = 0; j < 100; j++) client.send(b);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof socket.ConnectionResetError || err instanceof socket.BrokenPipeError, `got ${err}`);
    }
  });

  test("a peer vanishing mid-recv: its data, then b'' after a close", async () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const port = (server.getsockname() as [string, number])[1];
    const c = child(`${SLEEP}
      const s = socket.create_connection(["127.0.0.1", ${port}]);
      sleep(200);
      s.sendall(new TextEncoder().encode("last words"));
      s.close();`);
    const [conn] = server.accept();
    let got = "";
    for (;;) {
      const b = conn.recv(100); // blocks while the child sleeps
      if (b.length === 0) break;
      got += new TextDecoder().decode(b);
    }
    assert.equal(got, "last words");
    assert.equal(conn.recv(100).length, 0);
    conn.close();
    assert.equal(await c.exited, 0);
  });

  test("a peer resetting mid-recv: ConnectionResetError, as on Linux", async () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    const port = (server.getsockname() as [string, number])[1];
    const c = child(`${SLEEP}
      const s = socket.create_connection(["127.0.0.1", ${port}]);
      sleep(200);
      ${RESET}`);
    const [conn] = server.accept();
    raises(socket.ConnectionResetError, () => conn.recv(100));
    conn.close();
    assert.equal(await c.exited, 0);
  });
});

describe("signals (PEP 475)", () => {
  for (const mode of ["blocking", "timeout"] as const) {
    test(`recv() in ${mode} mode survives repeated SIGUSR1 and SIGALRM and returns the data sent later`, async () => {
      using server = socket.create_server(["127.0.0.1", 0]);
      const port = (server.getsockname() as [string, number])[1];
      const listen = RUNTIME === "deno"
        ? `for (const sig of ["SIGUSR1", "SIGALRM"]) Deno.addSignalListener(sig, () => {});`
        : `for (const sig of ["SIGUSR1", "SIGALRM"]) process.on(sig, () => {});`;
      const c = child(`${listen}
        const s = socket.create_connection(["127.0.0.1", ${port}]);
        ${mode === "timeout" ? "s.settimeout(30);" : ""}
        console.log("ready");
        const got = s.recv(100);
        console.log(JSON.stringify({ got: new TextDecoder().decode(got) }));
        s.close();
        Deno?.exit?.(0);`.replace("Deno?.exit?.(0);", RUNTIME === "deno" ? "Deno.exit(0);" : "process.exit(0);"));
      const [conn] = server.accept();
      for (let i = 0; i < 200 && !c.out().includes("ready"); i++) await sleep(25);
      assert.ok(c.out().includes("ready"), "child ready");
      await sleep(100); // into recv()
      let sent = 0;
      for (let i = 0; i < 20; i++) {
        if (libc.kill(c.proc.pid!, i & 1 ? SYS.SIGALRM : SYS.SIGUSR1) === 0) sent++;
        await sleep(20);
      }
      assert.equal(sent, 20);
      conn.sendall(new TextEncoder().encode("after the signals"));
      const code = await c.exited;
      conn.close();
      assert.equal(code, 0, c.out());
      const line = c.out().trim().split("\n").pop()!;
      assert.deepEqual(JSON.parse(line), { got: "after the signals" });
    });
  }
});

describe("EMFILE", () => {
  test("hitting RLIMIT_NOFILE raises OSError(EMFILE); closing some recovers", () => {
    const [exe, args] = command(`
      import { libc } from ${JSON.stringify(FFI)};
      import { CONSTANTS, LAYOUT, SYS } from ${JSON.stringify(GEN)};
      const lim = new BigUint64Array(LAYOUT.SIZEOF_RLIMIT / 8);
      if (libc.getrlimit(SYS.RLIMIT_NOFILE, lim) !== 0) throw new Error("getrlimit");
      const { readdirSync } = await import("node:fs");
      const open0 = readdirSync("/proc/self/fd").length;
      lim[LAYOUT.OFF_RLIMIT_RLIM_CUR / 8] = BigInt(open0 + 40);
      if (libc.setrlimit(SYS.RLIMIT_NOFILE, lim) !== 0) throw new Error("setrlimit");
      const socks = [];
      let err;
      for (let i = 0; i < 1000; i++) {
        try { socks.push(socket.socket()); } catch (e) { err = e; break; }
      }
      const pairErr = (() => { try { socket.socketpair(); } catch (e) { return e; } })();
      for (const s of socks.splice(0, 5)) s.close();
      const reopened = [];
      for (let i = 0; i < 5; i++) reopened.push(socket.socket());
      let again;
      try { socks.push(socket.socket()); } catch (e) { again = e; }
      for (const s of [...socks, ...reopened]) s.close();
      const fresh = socket.socket(); fresh.close();
      console.log(JSON.stringify({
        opened: socks.length, cls: err?.constructor?.name, isOSError: err instanceof socket.OSError, errno: err?.errno,
        pairErrno: pairErr?.errno, againErrno: again?.errno, reopened: reopened.length,
        end: readdirSync("/proc/self/fd").length, open0,
      }));`);
    const run = spawnSync(exe, args, { encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(run.stdout.trim().split("\n").pop()!);
    console.log(`EMFILE child: ${JSON.stringify(r)}`);
    assert.ok(r.opened > 10 && r.opened <= 40, `opened ${r.opened}`);
    assert.equal(r.isOSError, true);
    assert.equal(r.cls, "OSError");
    assert.equal(r.errno, SYS.EMFILE);
    assert.equal(r.pairErrno, SYS.EMFILE);
    assert.equal(r.reopened, 5);
    assert.equal(r.againErrno, SYS.EMFILE);
  });
});

describe("timeouts", () => {
  /** Asserts `fn` raises TimeoutError("timed out"), never before `t` seconds (no upper bound: a busy machine is slow). */
  function timesOut(t: number, fn: () => unknown): void {
    const start = performance.now();
    raises(socket.TimeoutError, fn, { message: "timed out" });
    const elapsed = (performance.now() - start) / 1000;
    assert.ok(elapsed >= t, `fired early: ${elapsed} s < ${t} s`);
  }

  test("recv, recvfrom, recv_into, accept and sendall honour the timeout", () => {
    const [a, b] = socket.socketpair();
    try {
      a.settimeout(0.25);
      timesOut(0.25, () => a.recv(1));
      timesOut(0.25, () => a.recv_into(new Uint8Array(4)));
      using d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
      d.bind(["127.0.0.1", 0]);
      d.settimeout(0.2);
      timesOut(0.2, () => d.recvfrom(10));
      using server = socket.create_server(["127.0.0.1", 0]);
      server.settimeout(0.3);
      timesOut(0.3, () => server.accept());
      // sendall: the timeout bounds the whole call while the peer reads nothing.
      a.settimeout(0.3);
      timesOut(0.3, () => a.sendall(new Uint8Array(64 << 20)));
    } finally {
      a.close();
      b.close();
    }
  });

  test("a timeout set by create_connection applies to recv", () => {
    using server = socket.create_server(["127.0.0.1", 0]);
    using c = socket.create_connection(server.getsockname() as [string, number], 0.2);
    const [conn] = server.accept();
    timesOut(0.2, () => c.recv(1));
    conn.close();
  });
});

test("the temporary scripts are removed", () => {
  dir.remove();
});
