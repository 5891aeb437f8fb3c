/**
 * W5: echo servers under load. Every contender serves 64-byte round trips
 * over N connections from one C load generator (`loadgen.c`, compiled here
 * with `cc` into a temporary directory), for N in 1, 100, 1000 and, where
 * the descriptor limit allows, 10000. Runs are interleaved (each N visits
 * every contender in turn) and the whole sweep repeats three times. Prints
 * one JSON line per run: `{"contender", "conns", "rtps"}`.
 *
 * Contenders: this module's `sock_*` API under Deno and Bun, `Deno.listen`,
 * `Bun.listen`, and CPython asyncio's `loop.sock_*`. A runtime or tool that
 * is missing is skipped with a note on stderr.
 *
 *   deno run -A bench/w5/run.ts [--seconds 1.5] [--reps 3] [--conns 1,100,1000,10000]
 *
 * @module
 */

const HERE = new URL(".", import.meta.url).pathname;

/** One measurement. */
export interface W5Result {
  /** Which server. */
  contender: string;
  /** Concurrent connections. */
  conns: number;
  /** Round trips per second. */
  rtps: number;
  /** The server's CPU time (all threads, user + system) per round trip, in microseconds; absent where unknown. */
  cpu_us_per_rt?: number;
}

/** A process's CPU time so far (user + system, all threads), in seconds, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 (utime, stime), counted from 1 with the command at 2; clock ticks of 1/100 s.
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Contender {
  name: string;
  cmd: string[];
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

function contenders(): Contender[] {
  const deno = Deno.execPath();
  const list: Contender[] = [
    { name: "async-deno", cmd: [deno, "run", "-A", `${HERE}echo_async.ts`] },
    { name: "deno-native", cmd: [deno, "run", "-A", `${HERE}echo_deno_native.ts`] },
  ];
  if (which("bun")) {
    list.push({ name: "async-bun", cmd: ["bun", `${HERE}echo_async.ts`] });
    list.push({ name: "bun-native", cmd: ["bun", `${HERE}echo_bun_native.ts`] });
  } else console.error("w5: bun not found, its contenders are skipped");
  if (which("python3")) list.push({ name: "asyncio", cmd: ["python3", `${HERE}echo_asyncio.py`] });
  else console.error("w5: python3 not found, asyncio is skipped");
  return list;
}

/** Runs `cmd` with the soft descriptor limit raised to the hard one. */
function spawn(cmd: string[], stdout: "piped" | "null"): Deno.ChildProcess {
  const quoted = cmd.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  return new Deno.Command("sh", {
    args: ["-c", `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`],
    stdout,
    stderr: "inherit",
    stdin: "null",
  }).spawn();
}

async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.getReader();
  let text = "";
  const dec = new TextDecoder();
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("server exited before printing its port");
    text += dec.decode(value);
  }
  reader.releaseLock();
  return text.split("\n")[0].trim();
}

/** Runs the sweep, printing each result as a JSON line; returns them all. */
export async function runW5(
  opts: { seconds?: number; reps?: number; conns?: number[] } = {},
): Promise<W5Result[]> {
  const seconds = opts.seconds ?? 1.5;
  const reps = opts.reps ?? 3;
  const limit = hardFdLimit();
  const conns = (opts.conns ?? [1, 100, 1000, 10000]).filter((n) => {
    if (n + 256 <= limit) return true;
    console.error(`w5: ${n} connections skipped: the descriptor limit is ${limit}`);
    return false;
  });
  if (!which("cc")) {
    console.error("w5: no C compiler (cc): skipped");
    return [];
  }
  const dir = Deno.makeTempDirSync({ prefix: "w5-" });
  const loadgen = `${dir}/loadgen`;
  const cc = new Deno.Command("cc", { args: ["-O2", "-o", loadgen, `${HERE}loadgen.c`], stderr: "inherit" })
    .outputSync();
  if (!cc.success) throw new Error("w5: cannot compile loadgen.c");

  const servers: { c: Contender; child: Deno.ChildProcess; port: number }[] = [];
  const results: W5Result[] = [];
  try {
    for (const c of contenders()) {
      const child = spawn(c.cmd, "piped");
      servers.push({ c, child, port: Number(await firstLine(child)) });
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const n of conns) {
        for (const { c, port, child: { pid } } of servers) {
          const cpu0 = cpuSeconds(pid);
          const out = await new Deno.Command("sh", {
            args: ["-c", `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec '${loadgen}' ${port} ${n} ${seconds}`],
            stdout: "piped",
            stderr: "inherit",
          }).output();
          if (!out.success) {
            console.error(`w5: ${c.name} with ${n} connections failed`);
            continue;
          }
          const cpu = cpuSeconds(pid) - cpu0;
          const { rtps, rts } = JSON.parse(new TextDecoder().decode(out.stdout));
          const r: W5Result = { contender: c.name, conns: n, rtps };
          // CPU over the whole loadgen run (connect, warm-up, timed part) divided by all round trips made.
          if (Number.isFinite(cpu) && rts > 0) r.cpu_us_per_rt = Math.round(cpu / rts * 1e7) / 10;
          results.push(r);
          console.log(JSON.stringify(r));
        }
      }
    }
  } finally {
    for (const { child } of servers) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
    }
    Deno.removeSync(dir, { recursive: true });
  }
  return results;
}

if (import.meta.main) {
  const arg = (name: string): string | undefined => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Deno.args[i + 1] : undefined;
  };
  const results = await runW5({
    seconds: arg("seconds") ? Number(arg("seconds")) : undefined,
    reps: arg("reps") ? Number(arg("reps")) : undefined,
    conns: arg("conns")?.split(",").map(Number),
  });
  // The median of each contender and connection count, to stderr.
  const groups = new Map<string, number[]>();
  for (const r of results) {
    const k = `${r.contender} ${r.conns}`;
    groups.set(k, [...(groups.get(k) ?? []), r.rtps]);
  }
  for (const [k, v] of groups) {
    v.sort((a, b) => a - b);
    console.error(`w5 median: ${k.padEnd(20)} ${Math.round(v[v.length >> 1])}`);
  }
}
