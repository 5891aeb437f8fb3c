/**
 * The benchmark runner: `deno task bench` (full, under 10 minutes) or
 * `deno task bench --quick` (under 2 minutes). Runs every workload for every
 * contender, interleaved (each repetition visits every contender in turn,
 * in a rotated order), prints medians, min–max and ratios, and writes
 * `bench/RESULTS.md`. See `bench/README.md` for the workloads and contenders.
 *
 * Linux only; needs `cc`, `python3` and `taskset` (`bun` from
 * `node_modules/.bin` or the PATH). Every child is killed on timeout, on
 * error and on exit.
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as socket from "../mod.ts";
import { cell, checkTables, fmt, median, ratio } from "./util.ts";
import { parseServerRows, serverChart, serverHeadline, serverTables, type W5Result } from "./servers.ts";

// ---------------------------------------------------------------- settings

const QUICK = Deno.args.includes("--quick");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH = join(ROOT, "bench");
const CFG = QUICK
  ? {
    secs: 0.25, // timed part of each run (after a 20% warm-up)
    reps: 2,
    bulk: 256 * 2 ** 20,
    scaleBulk: 64 * 2 ** 20,
    sizes: [64, 65536, 2 ** 20],
    chunks: [1024, 65536, 2 ** 20],
    rssOps: 200_000,
    budget: 90, // seconds for W1–W4, RSS and micro
    tail: 30, // of which kept for RSS and micro (W5–W7 come after, about 30 s)
    microSecs: 0.1,
  }
  : {
    secs: 0.8,
    reps: 3,
    bulk: 2 ** 30,
    scaleBulk: 256 * 2 ** 20,
    sizes: [64, 4096, 65536, 2 ** 20],
    chunks: [1024, 16384, 65536, 2 ** 20],
    rssOps: 1_000_000,
    budget: 460, // for W1–W4, RSS and micro
    tail: 60, // (W5–W7 come after, about 4 minutes)
    microSecs: 0.4,
  };
const START = performance.now() / 1000;
const elapsed = () => performance.now() / 1000 - START;

// ---------------------------------------------------------------- children

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  children.clear();
}
addEventListener("unload", killAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    killAll();
    Deno.exit(130);
  });
}

interface Proc {
  /** Resolves on the first stdout line (`ready`). */
  ready: Promise<void>;
  /** Resolves to the last stdout line parsed as JSON once the process exits with 0. */
  done: Promise<Record<string, number>>;
  child: ChildProcess;
}

/** Spawns `cmd` (on `cpu` with taskset when given), with `fd` as its descriptor 3. */
function run(cmd: string[], cpu: number | null, fd: number | null, limit: number): Proc {
  const argv = cpu === null ? cmd : ["taskset", "-c", String(cpu), ...cmd];
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ["ignore", "pipe", "pipe", fd ?? "ignore"],
    cwd: ROOT,
  });
  children.add(child);
  let out = "", err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on("data", (d) => {
    out += String(d);
    if (out.includes("\n")) onReady();
  });
  child.stderr!.on("data", (d) => (err += String(d)));
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out after ${limit} s: ${argv.join(" ")}`));
    }, limit * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      onReady();
      const lines = out.trim().split("\n").filter((l) => l.startsWith("{"));
      if (code === 0 && lines.length) resolve(JSON.parse(lines[lines.length - 1]));
      else reject(new Error(`${argv.join(" ")}: exit ${code ?? signal}\n${err.slice(-600)}`));
    });
  });
  done.catch(() => {});
  return { ready, done, child };
}

// ---------------------------------------------------------------- contenders

function which(name: string): string | null {
  for (const dir of [join(ROOT, "node_modules/.bin"), ...(Deno.env.get("PATH") ?? "").split(":")]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

const DENO = Deno.execPath();
const BUN = which("bun");
const PY = which("python3");
const TMP = mkdtempSync(join(tmpdir(), "pysocket-bench-"));
addEventListener("unload", () => rmSync(TMP, { recursive: true, force: true }));
const CBIN = join(TMP, "work");
let cError = "";
try {
  execFileSync("cc", ["-O2", "-o", CBIN, join(BENCH, "c/work.c")], { stdio: "pipe" });
} catch (e) {
  cError = String((e as Error).message);
}

/** How a contender gets its sockets: descriptor 3 from the runner, or its own (`native`). */
interface Contender {
  id: string;
  label: string;
  native: boolean;
  runtime: "deno" | "bun" | null;
  cmd: string[] | null;
  /** Workloads it can do. */
  can: Set<string>;
}

const ALL = new Set(["W1", "W2", "W3", "W4"]);
const CONTENDERS: Contender[] = ([
  { id: "c", label: "C (cc -O2)", native: false, runtime: null, cmd: cError ? null : [CBIN], can: ALL },
  {
    id: "cpython",
    label: "CPython socket",
    native: false,
    runtime: null,
    cmd: PY ? [PY, "bench/py/work.py"] : null,
    can: ALL,
  },
  {
    id: "lib-deno",
    label: "this module, Deno",
    native: false,
    runtime: "deno",
    cmd: [DENO, "run", "-A", "bench/lib/work.ts"],
    can: ALL,
  },
  {
    id: "lib-bun",
    label: "this module, Bun",
    native: false,
    runtime: "bun",
    cmd: BUN ? [BUN, "bench/lib/work.ts"] : null,
    can: ALL,
  },
  {
    id: "raw-deno",
    label: "raw FFI floor, Deno",
    native: false,
    runtime: "deno",
    cmd: [DENO, "run", "-A", "bench/raw/work.ts"],
    can: ALL,
  },
  {
    id: "raw-bun",
    label: "raw FFI floor, Bun",
    native: false,
    runtime: "bun",
    cmd: BUN ? [BUN, "bench/raw/work.ts"] : null,
    can: ALL,
  },
  {
    id: "deno-native",
    label: "Deno.connect/listen/listenDatagram",
    native: true,
    runtime: "deno",
    cmd: [DENO, "run", "-A", "--unstable-net", "bench/native/deno.ts"],
    can: ALL,
  },
  {
    id: "bun-native",
    label: "Bun.connect/listen/udpSocket",
    native: true,
    runtime: "bun",
    cmd: BUN ? [BUN, "bench/native/bun.js"] : null,
    can: ALL,
  },
] as Contender[]).filter((c) => c.cmd !== null);
const SCALERS = ["c", "cpython", "lib-deno", "lib-bun", "raw-deno", "raw-bun"];

// ---------------------------------------------------------------- workloads

/** Where the two processes of a run go: both on CPU 0, or CPU 0 and 1. */
type Pin = "1cpu" | "2cpu";
const PINS: Pin[] = cpus().length >= 2 ? ["1cpu", "2cpu"] : ["1cpu"];
const cpuOf = (pin: Pin, second: boolean) => (pin === "2cpu" && second ? 1 : 0);

function freePort(type: number): number {
  const s = socket.socket(socket.AF_INET, type);
  s.bind(["127.0.0.1", 0]);
  const port = (s.getsockname() as [string, number])[1];
  s.close();
  return port;
}

/** A connected TCP pair on 127.0.0.1. */
function tcpPair(nodelay: boolean): [socket.SocketType, socket.SocketType] {
  const l = socket.socket();
  l.bind(["127.0.0.1", 0]);
  l.listen(1);
  const a = socket.create_connection(l.getsockname() as [string, number]);
  const [b] = l.accept();
  l.close();
  if (nodelay) { for (const s of [a, b]) s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); }
  return [a, b];
}

const LIMIT = () => CFG.secs * 4 + 30;

/**
 * One run of a two-process workload: the server role starts first (and
 * says `ready`), then the client. Returns both results.
 */
async function pair(
  c: Contender,
  server: string[],
  client: string[],
  socks: [socket.SocketType, socket.SocketType] | null,
  pin: Pin,
  limit: number,
): Promise<[Record<string, number>, Record<string, number>]> {
  // Each socket is closed here as soon as its child holds it, so that the
  // other side sees EOF when that child exits.
  const srv = run([...c.cmd!, ...server], cpuOf(pin, true), socks ? socks[1].fileno() : null, limit);
  socks?.[1].close();
  await Promise.race([srv.ready, srv.done]);
  const cli = run([...c.cmd!, ...client], cpuOf(pin, false), socks ? socks[0].fileno() : null, limit);
  socks?.[0].close();
  try {
    return [await srv.done, await cli.done];
  } finally {
    srv.child.kill("SIGKILL");
    cli.child.kill("SIGKILL");
  }
}

/** Round trips per second for W1 (`unix`) or W2 (`tcp`). */
async function pingpong(
  c: Contender,
  tcp: boolean,
  size: number,
  pin: Pin,
  rssOps = 0,
): Promise<Record<string, number>> {
  const secs = String(CFG.secs), n = String(size);
  const extra = rssOps ? [String(rssOps)] : [];
  if (c.native) {
    const where = tcp ? `tcp:${freePort(socket.SOCK_STREAM)}` : `unix:${join(TMP, `pp${Math.random()}.sock`)}`;
    const [, r] = await pair(c, ["pong", where, n], ["ping", where, n, secs], null, pin, LIMIT());
    return { value: r.ops / r.secs };
  }
  const socks = tcp ? tcpPair(true) : socket.socketpair();
  try {
    const [, r] = await pair(c, ["pong", n], ["ping", n, secs, ...extra], socks, pin, LIMIT() + rssOps / 20000);
    return { ...r, value: r.ops / r.secs };
  } finally {
    for (const s of socks) s.close();
  }
}

/** GB/s for W3. */
async function bulk(c: Contender, chunk: number, total: number, pin: Pin): Promise<Record<string, number>> {
  const args = (role: string) =>
    role === "brecv" ? [String(Math.max(chunk, 65536))] : [String(chunk), String(total), String(CFG.secs * 4)];
  let r: Record<string, number>;
  if (c.native) {
    const where = `tcp:${freePort(socket.SOCK_STREAM)}`;
    [r] = await pair(c, ["brecv", where, ...args("brecv")], ["bsend", where, ...args("bsend")], null, pin, LIMIT());
  } else {
    const socks = tcpPair(false);
    try {
      [r] = await pair(c, ["brecv", ...args("brecv")], ["bsend", ...args("bsend")], socks, pin, LIMIT());
    } finally {
      for (const s of socks) s.close();
    }
  }
  return { ...r, value: r.bytes / r.secs / 1e9 };
}

/** Datagrams per second received for W4, with the loss. */
async function udp(c: Contender, size: number, pin: Pin): Promise<Record<string, number>> {
  const secs = String(CFG.secs);
  let got: Record<string, number>, sent: Record<string, number>;
  if (c.native) {
    const where = `udp:${freePort(socket.SOCK_DGRAM)}`;
    [got, sent] = await pair(
      c,
      ["urecv", where, String(size)],
      ["usend", where, String(size), secs],
      null,
      pin,
      LIMIT(),
    );
  } else {
    const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    try {
      rx.bind(["127.0.0.1", 0]);
      // A blocking receive gives up (EAGAIN) after 250 ms of silence: the sender is done.
      const tv = new Uint8Array(16);
      new DataView(tv.buffer).setBigInt64(8, 250_000n, true);
      rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv);
      const port = String((rx.getsockname() as [string, number])[1]);
      [got, sent] = await pair(c, ["urecv", String(size)], ["usend", port, String(size), secs], [tx, rx], pin, LIMIT());
    } finally {
      rx.close();
      tx.close();
    }
  }
  return { value: got.received / got.secs, received: got.received, sent: sent.sent, lost: sent.sent - got.received };
}

// ---------------------------------------------------------------- the plan

interface Case {
  key: string; // table key
  group: string; // table heading
  unit: string;
  contenders: Contender[];
  go(c: Contender): Promise<Record<string, number>>;
}

const PIN_TEXT: Record<Pin, string> = { "1cpu": "both processes on CPU 0", "2cpu": "processes on CPUs 0 and 1" };
const cases: Case[] = [];
const by = (ids: string[]) => CONTENDERS.filter((c) => ids.includes(c.id));
for (const pin of PINS) {
  cases.push({
    key: `W1 ${pin}`,
    group: `W1 ping-pong, 64 B, AF_UNIX socketpair (${PIN_TEXT[pin]})`,
    unit: "round trips/s",
    contenders: CONTENDERS,
    go: (c) => pingpong(c, false, 64, pin),
  });
  cases.push({
    key: `W2 ${pin}`,
    group: `W2 ping-pong, 64 B, TCP 127.0.0.1, TCP_NODELAY (${PIN_TEXT[pin]})`,
    unit: "round trips/s",
    contenders: CONTENDERS,
    go: (c) => pingpong(c, true, 64, pin),
  });
  cases.push({
    key: `W3 ${pin}`,
    group: `W3 bulk, ${CFG.bulk / 2 ** 20} MiB over TCP, 64 KiB sends, recv_into (${PIN_TEXT[pin]})`,
    unit: "GB/s",
    contenders: CONTENDERS,
    go: (c) => bulk(c, 65536, CFG.bulk, pin),
  });
  cases.push({
    key: `W4 ${pin}`,
    group: `W4 UDP, 64 B sendto/recvfrom on 127.0.0.1 (${PIN_TEXT[pin]})`,
    unit: "datagrams/s received",
    contenders: CONTENDERS,
    go: (c) => udp(c, 64, pin),
  });
}
const SCALE_PIN: Pin = PINS[PINS.length - 1];
for (const size of CFG.sizes) {
  cases.push({
    key: `S1 ${size}`,
    group: `Scaling W1: ping-pong of ${fmtSize(size)} messages, AF_UNIX (${PIN_TEXT[SCALE_PIN]})`,
    unit: "round trips/s",
    contenders: by(SCALERS),
    go: (c) => pingpong(c, false, size, SCALE_PIN),
  });
}
for (const chunk of CFG.chunks) {
  cases.push({
    key: `S3 ${chunk}`,
    group: `Scaling W3: ${CFG.scaleBulk / 2 ** 20} MiB bulk in ${fmtSize(chunk)} sends (${PIN_TEXT[SCALE_PIN]})`,
    unit: "GB/s",
    contenders: by(SCALERS),
    go: (c) => bulk(c, chunk, CFG.scaleBulk, SCALE_PIN),
  });
}

// `--only=REGEX` keeps the cases whose key matches (e.g. `--only=W1`), `--contenders=a,b` those contenders.
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7);
const pick = Deno.args.find((a) => a.startsWith("--contenders="))?.slice(13).split(",");
if (only) cases.splice(0, cases.length, ...cases.filter((c) => new RegExp(only).test(c.key)));
if (pick) { for (const c of cases) c.contenders = c.contenders.filter((x) => pick.includes(x.id)); }
const PARTIAL = Boolean(only || pick);

function fmtSize(n: number): string {
  return n >= 2 ** 20 ? `${n / 2 ** 20} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`;
}

// ---------------------------------------------------------------- running

const results = new Map<string, number[]>();
const extras = new Map<string, Record<string, number>[]>();
const failures: string[] = [];
let skipped = 0;

console.log(`pysocket bench ${QUICK ? "(quick)" : "(full)"}: ${cases.length} cases, ${CFG.reps} repetitions`);
if (cError) console.log(`C reference not built: ${cError}`);

// Leave time for W5, micro and RSS at the end.
const TAIL = CFG.tail;
for (let rep = 0; rep < CFG.reps; rep++) {
  for (const cs of cases) {
    const order = cs.contenders.map((_, i) => cs.contenders[(i + rep + cases.indexOf(cs)) % cs.contenders.length]);
    for (const c of order) {
      const k = `${cs.key}|${c.id}`;
      if (elapsed() > CFG.budget - TAIL) {
        skipped++;
        continue;
      }
      try {
        const r = await cs.go(c);
        results.set(k, [...(results.get(k) ?? []), r.value]);
        extras.set(k, [...(extras.get(k) ?? []), r]);
      } catch (e) {
        failures.push(`${cs.key} ${c.id}: ${(e as Error).message.split("\n").slice(0, 3).join(" / ")}`);
      } finally {
        killAll();
      }
    }
  }
  console.log(`repetition ${rep + 1} done at ${elapsed().toFixed(0)} s`);
}

// RSS over a million operations (send + recv each count one), in the W1 client.
const rssRows: string[] = [];
for (const id of PARTIAL ? [] : ["lib-deno", "lib-bun", "raw-deno", "raw-bun"]) {
  const c = CONTENDERS.find((x) => x.id === id);
  if (!c) continue;
  try {
    // Deno collects on request only with --expose-gc (for the "after a forced collection" column).
    const gcable = {
      ...c,
      cmd: c.cmd![0] === DENO ? [DENO, "run", "-A", "--v8-flags=--expose-gc", ...c.cmd!.slice(3)] : c.cmd,
    };
    const r = await pingpong(gcable, false, 64, PINS[PINS.length - 1], CFG.rssOps);
    const mib = (b: number) => Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(1)} MiB` : "–";
    rssRows.push(
      `| ${c.label} | ${r.rss_ops.toLocaleString("en")} | ${mib(r.rss_before)} | ${mib(r.rss_after)} | ` +
        `${mib(r.rss_after - r.rss_before)} | ${mib(r.rss_after_gc)} | ${mib(r.rss_after_gc - r.rss_before)} |`,
    );
  } catch (e) {
    failures.push(`RSS ${id}: ${(e as Error).message.split("\n")[0]}`);
  }
  killAll();
}

console.log(`RSS done at ${elapsed().toFixed(0)} s`);

// Micro-benchmarks: one process per runtime, plus C and CPython.
const micro: Record<string, Record<string, number | string>> = {};
const microRun = async (name: string, cmd: string[] | null) => {
  if (!cmd) return;
  try {
    micro[name] = await run(cmd, 0, null, 60).done;
  } catch (e) {
    failures.push(`micro ${name}: ${(e as Error).message.split("\n")[0]}`);
  }
};
if (!PARTIAL) await microRun("Deno", [DENO, "run", "-A", "bench/micro/micro.ts", String(CFG.microSecs)]);
if (!PARTIAL) await microRun("Bun", BUN ? [BUN, "bench/micro/micro.ts", String(CFG.microSecs)] : null);
if (!PARTIAL) await microRun("C", cError ? null : [CBIN, "micro"]);
if (!PARTIAL) await microRun("CPython", PY ? [PY, "bench/py/work.py", "micro"] : null);
killAll();

console.log(`micro done at ${elapsed().toFixed(0)} s`);

// W5–W7 (servers under load), from bench/w5/run.ts: one JSON line per run.
const W5 = join(BENCH, "w5/run.ts");
let w5Rows: W5Result[] = [];
let w5Note = "";
if (PARTIAL) {
  w5Note = "W5–W7: not run (partial run).";
} else {
  // Quick: one short sweep (about 30 s); full: bench/w5/run.ts's defaults (1 s runs, 3 repetitions, about 4 min).
  const left = QUICK ? 90 : 420;
  const child = spawn(DENO, ["run", "-A", W5, ...(QUICK ? ["--quick"] : [])], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "", err = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (err += String(d)));
  const code = await new Promise<number | string>((resolve) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      resolve("timeout");
    }, left * 1000);
    child.on("exit", (c, s) => {
      clearTimeout(t);
      resolve(c ?? s ?? "?");
    });
  });
  children.delete(child);
  w5Rows = parseServerRows(out);
  if (code !== 0) w5Note = `bench/w5/run.ts ended with ${code} after ${left.toFixed(0)} s budget. ${err.slice(-300)}`;
  for (const l of err.split("\n").filter((l) => l.includes("failed"))) failures.push(l);
  console.log(`W5–W7 done at ${elapsed().toFixed(0)} s`);
}

// ---------------------------------------------------------------- report

const med = (key: string, id: string) => {
  const v = results.get(`${key}|${id}`);
  return v && v.length ? median(v) : undefined;
};
const rawOf = (c: Contender) => (c.runtime ? `raw-${c.runtime}` : undefined);

const lines: string[] = [];
const out = (s = "") => lines.push(s);
function table(cs: Case): void {
  out(`### ${cs.group}`);
  out();
  out(
    `| contender | median ${cs.unit} | min–max | × C | × CPython | × raw floor${
      cs.key.startsWith("W4") ? " | lost |" : " |"
    }`,
  );
  out(`| --- | ---: | ---: | ---: | ---: | ---:${cs.key.startsWith("W4") ? " | ---: |" : " |"}`);
  for (const c of cs.contenders) {
    const v = results.get(`${cs.key}|${c.id}`);
    if (!v || !v.length) {
      out(`| ${c.label} | failed or skipped | | | | |${cs.key.startsWith("W4") ? " |" : ""}`);
      continue;
    }
    const m = median(v);
    const raw = rawOf(c);
    let row =
      `| ${c.label} | ${fmt(m)} | ${fmt(Math.min(...v))}–${fmt(Math.max(...v))} | ${ratio(m, med(cs.key, "c"))} | ` +
      `${ratio(m, med(cs.key, "cpython"))} | ${raw && raw !== c.id ? ratio(m, med(cs.key, raw)) : "–"} |`;
    if (cs.key.startsWith("W4")) {
      const ex = extras.get(`${cs.key}|${c.id}`) ?? [];
      const lost = ex.reduce((s, r) => s + r.lost, 0), sent = ex.reduce((s, r) => s + r.sent, 0);
      const pct = sent ? ` (${((100 * lost) / sent).toFixed(1)}%)` : "";
      row += ` ${lost.toLocaleString("en")} of ${sent.toLocaleString("en")}${pct} |`;
    }
    out(row);
  }
  out();
}

const sh = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    return "unavailable";
  }
};
const cpuModel = sh("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).trim();
const LOAD = sh("sh", ["-c", "cut -d' ' -f1-3 /proc/loadavg"]);

// Headline: the library against C, CPython and its floor on W1–W4.
out(`# Benchmark results`);
out();
out(`Generated by \`deno task bench${QUICK ? " --quick" : ""}\` (bench/run.ts) on ${new Date().toISOString()}.`);
out();
out(`- Machine: \`${sh("uname", ["-a"])}\``);
out(`- CPUs: ${sh("nproc", [])} × ${cpuModel}`);
// Other jobs on the machine disturb rates and CPU times (not memory): say how busy it was.
out(`- Load average at the end (1, 5, 15 min): ${LOAD}`);
out(`- Deno: ${sh(DENO, ["--version"]).split("\n").join(", ")}`);
out(`- Bun: ${BUN ? sh(BUN, ["--version"]) : "not found"}`);
out(`- Python: ${PY ? sh(PY, ["--version"]) : "not found"}; C: ${sh("cc", ["--version"]).split("\n")[0]}`);
out(
  `- Settings: ${CFG.reps} repetitions, contenders interleaved; each run ${CFG.secs} s timed after a 20% warm-up; ` +
    `pinned with \`taskset\`.`,
);
out();
out(`## Headline: this module's sync API (median ratios)`);
out();
out(`| workload | runtime | × C | × CPython | × raw floor | native sockets × C |`);
out(`| --- | --- | ---: | ---: | ---: | ---: |`);
for (const cs of cases.filter((x) => x.key.startsWith("W"))) {
  for (const rt of ["deno", "bun"]) {
    const lib = med(cs.key, `lib-${rt}`);
    out(
      `| ${cs.key} | ${rt} | ${ratio(lib, med(cs.key, "c"))} | ${ratio(lib, med(cs.key, "cpython"))} | ` +
        `${ratio(lib, med(cs.key, `raw-${rt}`))} | ${ratio(med(cs.key, `${rt}-native`), med(cs.key, "c"))} |`,
    );
  }
}
out();
out(`## Headline: this module's async API against the runtimes' own servers (W5–W7, median ratios)`);
out();
const serverHead = serverHeadline(w5Rows);
if (serverHead.length) {
  for (const l of serverHead) out(l);
  out();
  out("Chart: [bench/chart.svg](chart.svg) (W5 round trips/s and peak RSS against connections).");
} else {
  out(`W5–W7: no results${w5Note ? ` (${cell(w5Note).replace(/\.\s*$/, "")})` : ""}.`);
}
out();
out(`## Workloads`);
out();
for (const cs of cases) table(cs);
for (const l of serverTables(w5Rows)) out(l);
if (w5Note) out(cell(w5Note));
if (w5Note) out();
out(`## RSS over ${CFG.rssOps.toLocaleString("en")} operations (W1 client, after warm-up)`);
out();
out(`| contender | operations | RSS before | RSS after | growth | after a forced collection | growth after it |`);
out(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const r of rssRows) out(r);
out();
out(`## Micro-benchmarks (ns per operation, in-process loop with warm-up)`);
out();
const names = [...new Set(Object.values(micro).flatMap((m) => Object.keys(m)))];
const cols = Object.keys(micro);
out(`| operation | ${cols.join(" | ")} |`);
out(`| --- | ${cols.map(() => "---:").join(" | ")} |`);
for (const n of names) {
  const cell = (v: number | string | undefined) => v === undefined ? "" : typeof v === "number" ? v.toFixed(1) : v;
  out(`| ${n} | ${cols.map((c) => cell(micro[c][n])).join(" | ")} |`);
}
out();
out(
  "C and CPython: `getpid_ns` is `getpid()` / `os.getpid()`; `getaddrinfo_ns` is " +
    '`getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM)` (+ `freeaddrinfo` in C).',
);
out();
// Every table must have rows of its header's width and no repeated row: report it if not.
for (const p of checkTables(lines)) failures.push(`malformed table in RESULTS.md: ${p}`);
if (failures.length || skipped) {
  out(`## Failures and skips`);
  out();
  if (skipped) out(`- ${skipped} runs skipped to stay within the ${CFG.budget} s budget.`);
  for (const f of failures) out(`- ${f.replaceAll("|", "\\|")}`);
  out();
}
out(`Total time: ${elapsed().toFixed(0)} s.`);

const text = lines.join("\n") + "\n";
console.log("\n" + text);
// A partial run (--only / --contenders) never overwrites the committed results.
if (!PARTIAL) {
  writeFileSync(join(BENCH, "RESULTS.md"), text);
  if (w5Rows.length) {
    const note = `bench/run.ts${QUICK ? " --quick" : ""}, ${new Date().toISOString().slice(0, 10)}: ${cpuModel}, ` +
      `${cpus().length} CPUs, load average ${LOAD.split(" ")[1]}; medians of interleaved runs; ` +
      `solid: this module, dashed: the runtime's own server`;
    writeFileSync(join(BENCH, "chart.svg"), serverChart(w5Rows, note));
    sh(DENO, ["fmt", "-q", join(BENCH, "chart.svg")]);
  }
  // As `deno fmt` lays the tables out, so that `deno fmt --check` stays clean.
  sh(DENO, ["fmt", "-q", join(BENCH, "RESULTS.md")]);
}
console.log(
  PARTIAL ? "partial run: bench/RESULTS.md left as it was" : `wrote bench/RESULTS.md in ${elapsed().toFixed(0)} s`,
);
killAll();
rmSync(TMP, { recursive: true, force: true });
process.exit(0);
