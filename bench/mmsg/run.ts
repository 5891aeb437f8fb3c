/**
 * The batched-datagram benchmark: W4 (64-byte UDP on 127.0.0.1, sender as
 * fast as it can, datagrams/s counted at the receiver) with `sendmmsg` and
 * `recvmmsg` in batches of 1, 8, 32 and 64, for this module under Deno and
 * Bun, against the per-datagram C loop (`bench/c/work.c`) and a C
 * `sendmmsg`/`recvmmsg` loop (`bench/c/mmsg.c`).
 *
 *     deno run -A bench/mmsg/run.ts [--reps=5] [--secs=1] [--pins=1cpu,2cpu]
 *
 * Every repetition visits every case in a rotated order (interleaved, so the
 * noise of a shared machine spreads over all contenders); the table gives
 * medians. Prints Markdown for `bench/RESULTS.md` and writes the raw runs to
 * `bench/out/mmsg.json`.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as socket from "../../mod.ts";
import { fmt, median } from "../util.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const flag = (name: string, dflt: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt;
const REPS = Number(flag("reps", "5"));
const SECS = Number(flag("secs", "1"));
const PINS = flag("pins", "1cpu,2cpu").split(",");
const SIZE = 64;
const BATCHES = [1, 8, 32, 64];

const TMP = mkdtempSync(join(tmpdir(), "mmsg-bench-"));
for (const name of ["work", "mmsg"]) {
  execFileSync("cc", ["-O2", "-o", join(TMP, name), join(ROOT, "bench/c", `${name}.c`)]);
}
const BIN = join(ROOT, "node_modules/.bin");
const JS = join(ROOT, "bench/mmsg/work.ts");

interface Case {
  label: string;
  batch: number | null;
  send: (port: number) => string[];
  recv: string[];
}

const CASES: Case[] = [
  {
    label: "C per-datagram loop (sendto/recvfrom)",
    batch: null,
    send: (port) => [join(TMP, "work"), "usend", String(port), String(SIZE), String(SECS)],
    recv: [join(TMP, "work"), "urecv", String(SIZE)],
  },
  ...BATCHES.flatMap((b): Case[] => [
    {
      label: `C sendmmsg/recvmmsg`,
      batch: b,
      send: (port) => [join(TMP, "mmsg"), "usend", String(port), String(SIZE), String(SECS), String(b)],
      recv: [join(TMP, "mmsg"), "urecv", String(SIZE), String(b)],
    },
    ...[["deno", [join(BIN, "deno"), "run", "-A", "--no-check", JS]], ["bun", [join(BIN, "bun"), JS]]].map((
      [rt, cmd],
    ): Case => ({
      label: `this module, ${rt}`,
      batch: b,
      send: (port) => [...cmd as string[], "usend", String(port), String(SIZE), String(SECS), String(b)],
      recv: [...cmd as string[], "urecv", String(SIZE), String(b)],
    })),
  ]),
];

/** Starts `cmd` pinned to `cpu` with `fd` as its descriptor 3; resolves with its last JSON line. */
function start(
  cmd: string[],
  cpu: number,
  fd: number,
): { ready: Promise<void>; done: Promise<Record<string, number>> } {
  const child = spawn("taskset", ["-c", String(cpu), ...cmd], { stdio: ["ignore", "pipe", "pipe", fd], cwd: ROOT });
  let out = "", err = "";
  let onReady = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on("data", (d) => {
    out += d;
    if (out.includes("\n")) onReady();
  });
  child.stderr!.on("data", (d) => (err += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), (SECS * 4 + 30) * 1000);
  const done = new Promise<Record<string, number>>((resolve, reject) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      onReady();
      const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
      if (code === 0 && line) resolve(JSON.parse(line));
      else reject(new Error(`${cmd.join(" ")}: exit ${code}\n${err.slice(-400)}`));
    })
  );
  return { ready, done };
}

/** One run: datagrams/s at the receiver, and the fraction lost. */
async function once(c: Case, pin: string): Promise<{ rate: number; lost: number }> {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    rx.bind(["127.0.0.1", 0]);
    const tv = new Uint8Array(16); // SO_RCVTIMEO 250 ms: the receiver stops when the sender has
    new DataView(tv.buffer).setBigInt64(8, 250_000n, true);
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv);
    const port = (rx.getsockname() as [string, number])[1];
    const r = start(c.recv, pin === "2cpu" ? 1 : 0, rx.fileno());
    await r.ready;
    const s = start(c.send(port), 0, tx.fileno());
    const [got, sent] = await Promise.all([r.done, s.done]);
    return { rate: got.received / got.secs, lost: 1 - got.received / sent.sent };
  } finally {
    rx.close();
    tx.close();
  }
}

const runs = new Map<string, { rate: number; lost: number }[]>();
const key = (c: Case, pin: string) => `${pin}|${c.label}|${c.batch ?? "-"}`;
for (let rep = 0; rep < REPS; rep++) {
  for (const pin of PINS) {
    const order = CASES.map((_, i) => CASES[(i + rep * 3) % CASES.length]);
    for (const c of order) {
      try {
        const r = await once(c, pin);
        runs.set(key(c, pin), [...(runs.get(key(c, pin)) ?? []), r]);
      } catch (e) {
        console.error(String(e));
      }
    }
  }
  console.error(`repetition ${rep + 1}/${REPS} done`);
}

mkdirSync(join(ROOT, "bench/out"), { recursive: true });
writeFileSync(join(ROOT, "bench/out/mmsg.json"), JSON.stringify(Object.fromEntries(runs), null, 1));

const rateOf = (c: Case, pin: string) => median((runs.get(key(c, pin)) ?? []).map((r) => r.rate));
for (const pin of PINS) {
  const loop = rateOf(CASES[0], pin);
  console.log(`\n**${pin === "2cpu" ? "sender on CPU 0, receiver on CPU 1" : "both on CPU 0"}** (median of ${REPS})\n`);
  console.log("| contender | batch | datagrams/s | × C loop | × C mmsg, same batch | lost |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const c of CASES) {
    const rate = rateOf(c, pin);
    const cm = CASES.find((x) => x.label.startsWith("C sendmmsg") && x.batch === c.batch);
    const lost = median((runs.get(key(c, pin)) ?? []).map((r) => r.lost));
    console.log(
      `| ${c.label} | ${c.batch ?? "–"} | ${fmt(rate)} | ${(rate / loop).toFixed(2)}× | ${
        cm ? (rate / rateOf(cm, pin)).toFixed(2) + "×" : "–"
      } | ${(lost * 100).toFixed(0)}% |`,
    );
  }
}
