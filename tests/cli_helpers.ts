/**
 * Helpers for the end-to-end tests of `cli.ts`: run the CLI under Deno or
 * Bun, watch its stderr, and run peers written in Python (present wherever
 * CPython is, unlike nc and socat).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RUNTIME } from "./helpers.ts";

/** The CLI's path. */
export const CLI: string = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** A runtime that can run the CLI: its name and its executable. */
export interface Runner {
  name: "deno" | "bun";
  exe: string;
}

/** The path of `name` in node_modules/.bin or on PATH, or `null`. */
function findExe(name: string): string | null {
  const local = fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
  if (existsSync(local)) return local;
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Deno and Bun, each tests' CLI runs under: the runtime running the tests,
 * and the other one if it is installed (else it is skipped, with a reason).
 */
export const RUNNERS: Runner[] = (["deno", "bun"] as const).flatMap((name) => {
  const exe = name === RUNTIME ? process.execPath : findExe(name);
  if (exe === null) console.log(`cli tests: ${name} not found, the CLI is tested under ${RUNTIME} only`);
  return exe === null ? [] : [{ name, exe }];
});

/** The runner of the runtime running the tests. */
export const SELF: Runner = RUNNERS.find((r) => r.name === RUNTIME)!;

/** The command line that runs the CLI with `args` under `runner`. */
export function cliArgv(runner: Runner, args: string[]): string[] {
  return runner.name === "deno" ? [runner.exe, "run", "--allow-all", CLI, ...args] : [runner.exe, CLI, ...args];
}

/** What a finished process left. */
export interface Result {
  code: number | null;
  signal: string | null;
  stdout: Uint8Array;
  stderr: string;
}

/** A running process. */
export interface Run {
  child: ChildProcess;
  /** Resolves once the process ends. */
  done: Promise<Result>;
  /** Resolves with the first stderr match of `re` (rejects if the process ends first). */
  line(re: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the first stdout match of `re` (rejects if the process ends first). */
  outLine(re: RegExp): Promise<RegExpMatchArray>;
}

/**
 * Spawns `argv`; `input` is written to its stdin, which is then closed
 * (`null` leaves stdin open, so the process never sees its end).
 */
export function run(argv: string[], input: Uint8Array | string | null = ""): Run {
  const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  const out: Uint8Array[] = [];
  const texts = { out: "", err: "" };
  const waiters: { which: "out" | "err"; re: RegExp; resolve: (m: RegExpMatchArray | null) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = texts[w.which].match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on("data", (b: Uint8Array) => {
    out.push(b);
    texts.out += new TextDecoder().decode(b);
    check();
  });
  child.stderr!.on("data", (b: Uint8Array) => {
    texts.err += new TextDecoder().decode(b);
    check();
  });
  const done = new Promise<Result>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve(null);
      resolve({ code, signal, stdout: new Uint8Array(Buffer.concat(out)), stderr: texts.err });
    });
  });
  child.stdin!.on("error", () => {}); // the process may exit before reading everything
  if (input !== null) child.stdin!.end(typeof input === "string" ? new TextEncoder().encode(input) : input);
  const wait = (which: "out" | "err") => (re: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      waiters.push({
        which,
        re,
        resolve: (m) => m ? resolve(m) : reject(new Error(`ended before printing ${re}: ${texts.err}`)),
      });
      check();
    });
  return { child, done, line: wait("err"), outLine: wait("out") };
}

/**
 * Sends `sig` to the process. (Not `child.kill()`: Deno's node:child_process
 * then reports the process as killed by `sig` even when it caught the
 * signal and exited with a status of its own.)
 */
export function signal(r: Run, sig: "SIGINT" | "SIGTERM"): void {
  if (r.child.exitCode === null && r.child.signalCode === null) process.kill(r.child.pid!, sig);
}

/** Spawns the CLI under `runner` (see {@linkcode run}). */
export function cli(runner: Runner, args: string[], input: Uint8Array | string | null = ""): Run {
  return run(cliArgv(runner, args), input);
}

/** The port a listening CLI reports on stderr (`listening on 127.0.0.1:40123`). */
export async function listening(r: Run): Promise<number> {
  const [, port] = await r.line(/listening on .*:(\d+)\n/);
  return Number(port);
}

/** Whether `python3` runs here. */
export const HAS_PYTHON: boolean = spawnSync("python3", ["-c", "pass"]).status === 0;

/** Whether `name` (nc, socat) is on PATH. */
export function has(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

/**
 * Peers in Python. `server KIND [N]` listens on 127.0.0.1 (or, with
 * `unix:PATH`, a Unix path), prints `ready PORT`, and for each of N
 * connections: `report` reads to the end and prints the peer's address and
 * what it sent as JSON, then closes; `flood` sends until the peer goes;
 * `quiet` holds the connection open, sending `tick` three times a 0.3 s apart,
 * then nothing; `full` listens with a full backlog and never accepts.
 * `client PORT|unix:PATH TEXT` connects, sends TEXT, shuts down writing and
 * prints what it got back as JSON.
 */
const PEER = String.raw`
import json, socket, sys, time
def where(a):
    return (socket.AF_UNIX, a[5:]) if a.startswith("unix:") else (socket.AF_INET, ("127.0.0.1", int(a)))
def drain(c):
    got = b""
    while True:
        b = c.recv(65536)
        if not b: return got
        got += b
role = sys.argv[1]
if role == "client":
    fam, addr = where(sys.argv[2])
    c = socket.socket(fam)
    c.connect(addr)
    c.sendall(sys.argv[3].encode())
    c.shutdown(socket.SHUT_WR)
    print(json.dumps({"got": drain(c).decode()}), flush=True)
    sys.exit(0)
kind, n, at = sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam, addr = where(at)
l = socket.socket(fam)
l.bind(addr)
l.listen(0 if kind == "full" else 8)
port = l.getsockname()[1] if fam == socket.AF_INET else 0
if kind == "full":
    fill = []
    for i in range(3):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        fill.append(c)
    time.sleep(0.2)
print("ready", port, flush=True)
if kind == "full":
    time.sleep(3600)
for i in range(n):
    c, peer = l.accept()
    if kind == "report":
        data = drain(c)
        print(json.dumps({"peer": list(peer) if isinstance(peer, tuple) else peer, "data": data.decode()}), flush=True)
    elif kind == "flood":
        try:
            while True: c.sendall(b"x" * 65536)
        except OSError:
            pass
    elif kind == "quiet":
        for j in range(3):
            time.sleep(0.3)
            c.sendall(b"tick")
        time.sleep(3600)
    c.close()
`;

/** A Python peer (see above): the process, and its port once ready. */
export async function pyPeer(args: string[]): Promise<{ peer: Run; port: number }> {
  const peer = run(["python3", "-c", PEER, ...args], null);
  const [, port] = await peer.outLine(/^ready (\d+)\n/m);
  return { peer, port: Number(port) };
}

/** The JSON lines a Python peer printed after its `ready` line. */
export function reports(stdout: Uint8Array | string): Record<string, unknown>[] {
  const text = typeof stdout === "string" ? stdout : new TextDecoder().decode(stdout);
  return text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

/** Decoded text. */
export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}
