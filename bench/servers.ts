/**
 * The report of the server workloads (W5 echo, W6 connection per request,
 * W7 HTTP keep-alive) for `bench/run.ts`: the headline against the
 * runtimes' own servers with the targets, one table per workload, and the
 * chart (`chart.ts`) of round trips/s and peak RSS against connections.
 *
 * @module
 */

import type { W5Result } from "./w5/run.ts";
import { cell, fmt, median, ratio } from "./util.ts";
import { lineChart, type Series } from "./chart.ts";

export type { W5Result };

/** The result lines among `text`'s (one JSON object a line, as `bench/w5/run.ts` prints them). */
export function parseServerRows(text: string): W5Result[] {
  const rows: W5Result[] = [];
  for (const line of text.split("\n")) {
    try {
      const r = JSON.parse(line);
      if (r && typeof r.workload === "string" && typeof r.rate === "number" && typeof r.conns === "number") {
        rows.push(r);
      }
    } catch { /* not a result line */ }
  }
  return rows;
}

/** The workloads: their titles, what one operation is, and each contender's label. */
const WORKLOADS: Record<string, { title: string; op: string; labels: Record<string, string> }> = {
  W5: {
    title: "W5 echo, 64 B round trips over TCP 127.0.0.1",
    op: "round trip",
    labels: { "deno-native": "`Deno.listen`", "bun-native": "`Bun.listen`", asyncio: "CPython asyncio `loop.sock_*`" },
  },
  W6: {
    title: "W6 connection per request: connect, 64 B request, reply, close",
    op: "connection",
    labels: { "deno-native": "`Deno.listen`", "bun-native": "`Bun.listen`", asyncio: "CPython asyncio `loop.sock_*`" },
  },
  W7: {
    title: "W7 HTTP/1.1 keep-alive, `GET /` answered with 13 bytes",
    op: "request",
    labels: {
      "deno-native": "`Deno.serve`",
      "bun-native": "`Bun.serve`",
      asyncio: "CPython asyncio `loop.sock_*` (minimal HTTP)",
    },
  },
};

/** Contenders in table order; the async ones are compared with their runtime's native server. */
const ORDER = ["async-deno", "deno-native", "async-bun", "bun-native", "asyncio"];
const NATIVE: Record<string, string> = {
  "async-deno": "deno-native",
  "deno-native": "deno-native",
  "async-bun": "bun-native",
  "bun-native": "bun-native",
};

function label(workload: string, id: string): string {
  if (id.startsWith("async-")) {
    return `this module's \`sock_*\`${workload === "W7" ? " (minimal HTTP)" : ""}, ${
      id === "async-deno" ? "Deno" : "Bun"
    }`;
  }
  return WORKLOADS[workload]?.labels[id] ?? cell(id);
}

/** Every run's figures, by workload, connection count and contender. */
interface Figures {
  rate: number[];
  cpu: number[];
  base: number[];
  peak: number[];
  final: number[];
}

function group(rows: W5Result[]): Map<string, Map<number, Map<string, Figures>>> {
  const g = new Map<string, Map<number, Map<string, Figures>>>();
  for (const r of rows) {
    if (!g.has(r.workload)) g.set(r.workload, new Map());
    const w = g.get(r.workload)!;
    if (!w.has(r.conns)) w.set(r.conns, new Map());
    const c = w.get(r.conns)!;
    if (!c.has(r.contender)) c.set(r.contender, { rate: [], cpu: [], base: [], peak: [], final: [] });
    const f = c.get(r.contender)!;
    f.rate.push(r.rate);
    if (typeof r.cpu_us === "number") f.cpu.push(r.cpu_us);
    if (typeof r.rss_base === "number") f.base.push(r.rss_base);
    if (typeof r.rss_peak === "number") f.peak.push(r.rss_peak);
    if (typeof r.rss_final === "number") f.final.push(r.rss_final);
  }
  return g;
}

/** The median of one figure, or undefined when there is none. */
function med(f: Figures | undefined, key: keyof Figures): number | undefined {
  return f && f[key].length ? median(f[key]) : undefined;
}

const mib = (b: number | undefined) => (b === undefined ? "–" : `${(b / 2 ** 20).toFixed(1)}`);
const sorted = (ids: Iterable<string>) =>
  [...ids].sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));

/** One table per workload: rate, CPU per operation and memory, with ratios to the native server and asyncio. */
export function serverTables(rows: W5Result[]): string[] {
  const out: string[] = [];
  for (const [workload, byConns] of [...group(rows)].sort()) {
    const spec = WORKLOADS[workload] ?? { title: workload, op: "operation", labels: {} };
    out.push(`### ${spec.title}`, "");
    out.push(
      `| connections | contender | median ${spec.op}s/s | min–max | × native | × asyncio | CPU µs / ${spec.op} | ` +
        `CPU × native | RSS before, MiB | peak RSS, MiB | final RSS, MiB | peak × native |`,
      `| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    );
    for (const conns of [...byConns.keys()].sort((a, b) => a - b)) {
      const g = byConns.get(conns)!;
      for (const id of sorted(g.keys())) {
        const f = g.get(id)!, nat = g.get(NATIVE[id] ?? ""), rate = med(f, "rate");
        out.push(
          `| ${conns} | ${label(workload, id)} | ${fmt(rate!)} | ${fmt(Math.min(...f.rate))}–${
            fmt(Math.max(...f.rate))
          } | ` +
            `${ratio(rate, med(nat, "rate"))} | ${ratio(rate, med(g.get("asyncio"), "rate"))} | ` +
            `${med(f, "cpu")?.toFixed(1) ?? "–"} | ${ratio(med(f, "cpu"), med(nat, "cpu"))} | ${
              mib(med(f, "base"))
            } | ` +
            `${mib(med(f, "peak"))} | ${mib(med(f, "final"))} | ${ratio(med(f, "peak"), med(nat, "peak"))} |`,
        );
      }
    }
    out.push("");
  }
  if (out.length) {
    out.push(
      "Every run starts a fresh server pinned to CPU 0; the C load generator (`bench/w5/loadgen.c`) runs on CPU 1. " +
        "CPU is the server's user + system time, all threads, over the whole load generator run, per operation. " +
        "Memory: RSS after a forced full collection before the load (`gc()` with `--expose-gc` in Deno, " +
        "`Bun.gc(true)`, `gc.collect()`), the peak (`VmHWM`) at the end of the load, RSS after another forced " +
        "collection. `× native` divides by the same runtime's own server (for CPU and memory, lower is better).",
      "",
    );
  }
  return out;
}

/** The targets of issue 17, by workload: which figure, and the bound. */
const TARGETS: Record<string, { key: keyof Figures; bound: number; text: string }> = {
  W5: { key: "rate", bound: 1.1, text: "≥ 1.10× rate" },
  W6: { key: "cpu", bound: 1.0, text: "≤ 1.00× CPU" },
  W7: { key: "rate", bound: 1.0, text: "≥ 1.00× rate" },
};

/** The headline: the async API against its runtime's own server on every workload, with the targets. */
export function serverHeadline(rows: W5Result[]): string[] {
  const out = [
    `| workload | connections | runtime | × native rate | × native CPU / op | × native peak RSS | × asyncio rate | ` +
    `target | met |`,
    `| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |`,
  ];
  for (const [workload, byConns] of [...group(rows)].sort()) {
    for (const conns of [...byConns.keys()].sort((a, b) => a - b)) {
      const g = byConns.get(conns)!;
      for (const rt of ["deno", "bun"]) {
        const f = g.get(`async-${rt}`), nat = g.get(`${rt}-native`);
        if (!f || !nat) continue;
        const t = TARGETS[workload];
        const r = (k: keyof Figures) => {
          const a = med(f, k), b = med(nat, k);
          return a !== undefined && b ? a / b : undefined;
        };
        const v = t ? r(t.key) : undefined;
        const met = v === undefined ? "–" : (t.key === "cpu" ? v <= t.bound : v >= t.bound) ? "yes" : "no";
        const rss = r("peak");
        out.push(
          `| ${workload} | ${conns} | ${rt} | ${ratio(med(f, "rate"), med(nat, "rate"))} | ` +
            `${ratio(med(f, "cpu"), med(nat, "cpu"))} | ${ratio(med(f, "peak"), med(nat, "peak"))} | ` +
            `${ratio(med(f, "rate"), med(g.get("asyncio"), "rate"))} | ${t ? t.text : "–"}; RSS ≤ 1.20× | ` +
            `${met}${rss === undefined ? "" : rss <= 1.2 ? "; RSS yes" : "; RSS no"} |`,
        );
      }
    }
  }
  return out.length > 2 ? out : [];
}

const STYLE: Record<string, [string, string]> = {
  "async-deno": ["#1b7837", ""],
  "deno-native": ["#1b7837", "6 4"],
  "async-bun": ["#c2410c", ""],
  "bun-native": ["#c2410c", "6 4"],
};

/** The chart of W5: median round trips/s and peak RSS against connections, this module and the native servers. */
export function serverChart(rows: W5Result[], note: string): string {
  const byConns = group(rows).get("W5") ?? new Map<number, Map<string, Figures>>();
  const series = (key: keyof Figures, scale: number): Series[] =>
    Object.entries(STYLE).map(([id, [color, dash]]) => ({
      label: label("W5", id).replaceAll("`", ""),
      color,
      dash,
      points: [...byConns.keys()].sort((a, b) => a - b).flatMap((n): [number, number][] => {
        const v = med(byConns.get(n)!.get(id), key);
        return v === undefined ? [] : [[n, v / scale]];
      }),
    }));
  return lineChart([
    { title: "W5 echo: round trips per second (median)", yLabel: "round trips/s", series: series("rate", 1) },
    { title: "W5 echo: server peak RSS (median)", yLabel: "peak RSS, MiB", series: series("peak", 2 ** 20) },
  ], note);
}
