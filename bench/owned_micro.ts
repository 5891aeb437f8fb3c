/**
 * What owned `recv()` results cost, in one process: a 64-byte send +
 * `recv(64)`, and a 64-byte send + `recv(65536)` (a small result from a
 * large request), on a socketpair. Measures CPU time (user + system, from
 * `process.cpuUsage()`), not wall time, so that other processes on a shared
 * machine count less. Prints one JSON object of nanoseconds per round. Run by
 * `bench/owned_w1.sh` in two trees, interleaved.
 *
 * @module
 */

import process from "node:process";
import * as socket from "../mod.ts";
import { args } from "./util.ts";

const rounds = Number(args()[0] ?? 100_000);
const [a, b] = socket.socketpair();
const msg = new Uint8Array(64);

function cpuPerRound(bufsize: number): number {
  for (let i = 0; i < rounds / 5; i++) {
    b.send(msg);
    a.recv(bufsize);
  }
  const t0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    b.send(msg);
    a.recv(bufsize);
  }
  const t = process.cpuUsage(t0);
  return Math.round(((t.user + t.system) * 1000) / rounds);
}

const out = { "send+recv(64)": cpuPerRound(64), "send+recv(65536)": cpuPerRound(65536) };
a.close();
b.close();
console.log(JSON.stringify(out));
