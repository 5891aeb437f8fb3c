/**
 * W5–W7: servers under load from one C load generator (`loadgen.c`,
 * compiled here with `cc` into a temporary directory).
 *
 * - W5: echo of 64-byte round trips over N connections (1, 10, 100, 1,000).
 * - W6: a connection per request: 50 loops of connect, 64-byte request,
 *   reply, close. The figure of merit is the server's CPU time per
 *   connection, since the load generator saturates first.
 * - W7: HTTP/1.1 keep-alive, one small GET in flight on each of N
 *   connections, against `Deno.serve` and `Bun.serve`.
 *
 * Every run starts a fresh server pinned to CPU 0 (the load generator goes
 * to CPU 1 when there is one), forces a full collection (`gc` on its stdin,
 * see `control.ts`) and reads its RSS, runs the load, reads its peak RSS
 * (`VmHWM`) and CPU time, forces a collection again and reads the final
 * RSS. Runs are interleaved: each repetition visits, for every workload and
 * connection count, every contender in a rotated order. Prints one JSON line
 * per run (`W5Result`). A runtime or tool that is missing is skipped with a
 * note on stderr.
 *
 *   deno run -A bench/w5/run.ts [--quick] [--seconds 1] [--reps 3] [--conns 1,10,100,1000]
 *                               [--http-conns 10,100] [--workloads W5,W6,W7] [--contenders async-deno,bun-native]
 *
 * A contender `NAME@DIR` (e.g. `async-deno@/tmp/before`) is NAME run from the
 * checkout at DIR, for interleaved A/B runs of two trees.
 *
 * @module
 */

const HERE = new URL(".", import.meta.url).pathname;

/** One measurement. */
export interface W5Result {
  /** `W5` (echo), `W6` (connection per request) or `W7` (HTTP keep-alive). */
  workload: string;
  /** Which server. */
  contender: string;
  /** Concurrent connections (W6: concurrent connect–request–close loops). */
  conns: number;
  /** Operations per second: round trips (W5), connections (W6), requests (W7). */
  rate: number;
  /** The server's CPU time (all threads, user + system) per operation, in microseconds; absent where unknown. */
  cpu_us?: number;
  /** The user-mode part of `cpu_us` (what the server's own code costs; the system calls are the rest). */
  user_us?: number;
  /** The server's RSS after a forced collection before the load, in bytes. */
  rss_base?: number;
  /** The server's peak RSS (`VmHWM`) at the end of the load, in bytes. */
  rss_peak?: number;
  /** The server's RSS after a forced collection once the load ended, in bytes. */
  rss_final?: number;
  /** Failed connects seen by the load generator. */
  errors?: number;
}

/** A process's CPU time so far (all threads), `[user + system, user]` in seconds, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number): [number, number] {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 (utime, stime), counted from 1 with the command at 2; clock ticks of 1/100 s.
    return [(Number(f[11]) + Number(f[12])) / 100, Number(f[11]) / 100];
  } catch {
    return [NaN, NaN];
  }
}

/** A field of /proc/PID/status in bytes (`VmRSS`, `VmHWM`); undefined where unknown. */
function memory(pid: number, field: string): number | undefined {
  try {
    const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Contender {
  name: string;
  /** The server for each workload. */
  cmd: Record<string, string[]>;
}

function which(cmd: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** The hard limit on open descriptors (what `ulimit -Hn` reports), or 0 if unknown. */
function hardFdLimit(): number {
  const out = new Deno.Command("sh", { args: ["-c", "ulimit -Hn"], stdout: "piped" }).outputSync();
  const v = new TextDecoder().decode(out.stdout).trim();
  return v === "unlimited" ? 1 << 20 : Number(v) || 0;
}

function contenders(here = HERE): Contender[] {
  const deno = [Deno.execPath(), "run", "-A", "--v8-flags=--expose-gc"];
  const both = (run: string[], echo: string, http: string) => ({
    W5: [...run, `${here}${echo}`],
    W6: [...run, `${here}${echo}`],
    W7: [...run, `${here}${http}`],
  });
  const list: Contender[] = [
    { name: "async-deno", cmd: both(deno, "echo_async.ts", "http_async.ts") },
    { name: "deno-native", cmd: both(deno, "echo_deno_native.ts", "http_deno_native.ts") },
  ];
  if (which("bun")) {
    list.push({ name: "async-bun", cmd: both(["bun"], "echo_async.ts", "http_async.ts") });
    list.push({ name: "bun-native", cmd: both(["bun"], "echo_bun_native.ts", "http_bun_native.ts") });
  } else console.error("w5: bun not found, its contenders are skipped");
  if (which("python3")) {
    const py = ["python3", `${here}echo_asyncio.py`];
    list.push({ name: "asyncio", cmd: { W5: py, W6: py, W7: [...py, "http"] } });
  } else console.error("w5: python3 not found, asyncio is skipped");
  return list;
}

/**
 * The contenders named in `only`, in that order (all when absent). A name
 * `NAME@DIR` is contender NAME run from the checkout at DIR (its
 * `bench/w5/` servers, and the library they import), for A/B runs of two
 * trees in one interleaved sweep.
 */
function chosen(only: string[] | undefined): Contender[] {
  const all = contenders();
  if (!only) return all;
  return only.flatMap((name) => {
    const [base, dir] = name.split("@");
    const c = (dir ? contenders(`${dir.replace(/\/$/, "")}/bench/w5/`) : all).find((c) => c.name === base);
    return c ? [{ ...c, name }] : [];
  });
}

/** The CPUs for the server and the load generator: 0 and 1 when there are two and `taskset` exists. */
function pinning(): [string[], string[]] {
  if (navigator.hardwareConcurrency < 2 || !which("taskset")) return [[], []];
  return [["taskset", "-c", "0"], ["taskset", "-c", "1"]];
}

/** Runs `cmd` with the soft descriptor limit raised to the hard one (the process keeps the shell's pid). */
function spawn(pin: string[], cmd: string[], stdin: "piped" | "null"): Deno.ChildProcess {
  const quoted = cmd.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  return new Deno.Command(pin[0] ?? "sh", {
    args: [
      ...pin.slice(1),
      ...(pin.length ? ["sh"] : []),
      "-c",
      `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`,
    ],
    stdout: "piped",
    stderr: "inherit",
    stdin,
  }).spawn();
}

/** A running server: its process and a reader of its stdout lines. */
class Server {
  readonly child: Deno.ChildProcess;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #text = "";
  #dec = new TextDecoder();

  constructor(pin: string[], cmd: string[]) {
    this.child = spawn(pin, cmd, "piped");
    this.#reader = this.child.stdout.getReader();
    this.#writer = this.child.stdin.getWriter();
  }

  /** The next line of its stdout. */
  async line(): Promise<string> {
    while (!this.#text.includes("\n")) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("server exited");
      this.#text += this.#dec.decode(value);
    }
    const i = this.#text.indexOf("\n");
    const l = this.#text.slice(0, i).trim();
    this.#text = this.#text.slice(i + 1);
    return l;
  }

  /** Forces a full collection in the server; its RSS after it. */
  async collect(): Promise<number | undefined> {
    await this.#writer.write(new TextEncoder().encode("gc\n"));
    const answer = await this.line();
    if (answer !== "gc") throw new Error(`server could not collect: ${answer}`);
    return memory(this.child.pid, "VmRSS");
  }

  async stop(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#writer.close().catch(() => {});
    await this.#reader.cancel().catch(() => {});
    await this.child.status;
  }
}

/** Options of a sweep. */
export interface W5Options {
  /** Timed seconds of each run (after the load generator's warm-up). */
  seconds?: number;
  /** Repetitions of the whole sweep. */
  reps?: number;
  /** Connection counts for W5. */
  conns?: number[];
  /** Connection counts for W7. */
  httpConns?: number[];
  /** Concurrent loops for W6. */
  loops?: number;
  /** Which workloads. */
  workloads?: string[];
  /** Which contenders (all when absent); `NAME@DIR` runs NAME from the checkout at DIR. */
  only?: string[];
}

/** One run: a fresh server, memory and CPU around one load generator run. */
async function once(
  loadgen: string,
  pins: [string[], string[]],
  c: Contender,
  workload: string,
  n: number,
  seconds: number,
): Promise<W5Result> {
  const server = new Server(pins[0], c.cmd[workload]);
  try {
    const port = Number(await server.line());
    const base = await server.collect();
    const { pid } = server.child;
    const cpu0 = cpuSeconds(pid);
    const mode = { W5: "echo", W6: "conn", W7: "http" }[workload]!;
    const gen = spawn(pins[1], [loadgen, mode, String(port), String(n), String(seconds)], "null");
    const [out, status] = [await new Response(gen.stdout).text(), await gen.status];
    if (!status.success) throw new Error(`the load generator failed`);
    const cpu1 = cpuSeconds(pid);
    const cpu = cpu1[0] - cpu0[0], user = cpu1[1] - cpu0[1];
    const peak = memory(pid, "VmHWM");
    const final = await server.collect();
    const { rate, ops, errors } = JSON.parse(out);
    const r: W5Result = { workload, contender: c.name, conns: n, rate };
    // CPU over the whole load generator run (connect, warm-up, timed part) divided by every operation made.
    if (Number.isFinite(cpu) && ops > 0) {
      r.cpu_us = Math.round(cpu / ops * 1e7) / 10;
      r.user_us = Math.round(user / ops * 1e7) / 10;
    }
    Object.assign(r, { rss_base: base, rss_peak: peak, rss_final: final });
    if (errors) r.errors = errors;
    return r;
  } finally {
    await server.stop();
  }
}

/** Runs the sweep, printing each result as a JSON line; returns them all. */
export async function runW5(opts: W5Options = {}): Promise<W5Result[]> {
  const seconds = opts.seconds ?? 1;
  const reps = opts.reps ?? 3;
  const limit = hardFdLimit();
  const conns = (opts.conns ?? [1, 10, 100, 1000]).filter((n) => {
    if (n + 256 <= limit) return true;
    console.error(`w5: ${n} connections skipped: the descriptor limit is ${limit}`);
    return false;
  });
  const workloads = opts.workloads ?? ["W5", "W6", "W7"];
  const plan: [string, number][] = [
    ...(workloads.includes("W5") ? conns.map((n): [string, number] => ["W5", n]) : []),
    ...(workloads.includes("W6") ? [["W6", opts.loops ?? 50] as [string, number]] : []),
    ...(workloads.includes("W7") ? (opts.httpConns ?? [10, 100]).map((n): [string, number] => ["W7", n]) : []),
  ];
  if (!which("cc")) {
    console.error("w5: no C compiler (cc): skipped");
    return [];
  }
  const dir = Deno.makeTempDirSync({ prefix: "w5-" });
  const loadgen = `${dir}/loadgen`;
  const cc = new Deno.Command("cc", { args: ["-O2", "-o", loadgen, `${HERE}loadgen.c`], stderr: "inherit" })
    .outputSync();
  if (!cc.success) throw new Error("w5: cannot compile loadgen.c");
  const pins = pinning();
  const list = chosen(opts.only);
  const results: W5Result[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const [k, [workload, n]] of plan.entries()) {
        for (let i = 0; i < list.length; i++) {
          const c = list[(i + rep + k) % list.length];
          try {
            const r = await once(loadgen, pins, c, workload, n, seconds);
            results.push(r);
            console.log(JSON.stringify(r));
          } catch (e) {
            console.error(`w5: ${workload} ${c.name} with ${n} connections failed: ${(e as Error).message}`);
          }
        }
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  return results;
}

if (import.meta.main) {
  const arg = (name: string): string | undefined => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Deno.args[i + 1] : undefined;
  };
  const quick = Deno.args.includes("--quick");
  const results = await runW5({
    seconds: arg("seconds") ? Number(arg("seconds")) : quick ? 0.3 : undefined,
    reps: arg("reps") ? Number(arg("reps")) : quick ? 1 : undefined,
    conns: arg("conns")?.split(",").map(Number) ?? (quick ? [1, 10, 100, 1000] : undefined),
    httpConns: arg("http-conns")?.split(",").map(Number) ?? (quick ? [100] : undefined),
    workloads: arg("workloads")?.split(","),
    only: arg("contenders")?.split(","),
  });
  // The median of each workload, contender and connection count, to stderr.
  const groups = new Map<string, W5Result[]>();
  for (const r of results) {
    const k = `${r.workload} ${r.contender} ${r.conns}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const median = (v: number[]): number => v.sort((a, b) => a - b)[v.length >> 1];
  for (const [k, v] of groups) {
    const rate = Math.round(median(v.map((r) => r.rate)));
    const cpu = median(v.map((r) => r.cpu_us ?? NaN));
    const user = median(v.map((r) => r.user_us ?? NaN));
    console.error(`w5 median: ${k.padEnd(24)} ${rate}  cpu ${cpu} us/op (user ${user})`);
  }
}
