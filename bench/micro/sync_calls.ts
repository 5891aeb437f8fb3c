/**
 * What the sync API adds to each hot system call, in one process, under Deno
 * or Bun: 64-byte `send` + `recv`, `sendall` + `recv_into`, and
 * `sendto` + `recvfrom` (UDP on 127.0.0.1), each through the socket object
 * and through the raw-FFI floor's binding (`bench/raw/`), interleaved in
 * rounds. Measures CPU time (user + system, `process.cpuUsage()`), not wall
 * time, so that other processes on a shared machine count less. Prints one
 * JSON object: `{ name: median nanoseconds per pair of calls }`, and
 * `name lib-raw`: what the library adds.
 *
 * `bench/before_after.sh` runs it in several trees (it copies it into a tree
 * that lacks it): it imports only `mod.ts` and `bench/raw/`.
 *
 * @module
 */

import process from "node:process";
import * as socket from "../../mod.ts";
import { raw } from "../raw/ffi.ts";
import { args } from "../util.ts";

const calls = Number(args()[0] ?? 50_000);
const rounds = Number(args()[1] ?? 5);
const MSG_NOSIGNAL = 0x4000;

/** CPU nanoseconds per call of `fn`, after a warm-up of a fifth as many calls. */
function cpu(fn: () => unknown): number {
  for (let i = 0; i < calls / 5; i++) fn();
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1000) / calls;
}

const [a, b] = socket.socketpair();
const msg = new Uint8Array(64), into = new Uint8Array(64);
const afd = a.fileno(), bfd = b.fileno(), n64 = raw.size(64);

const u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
u1.bind(["127.0.0.1", 0]);
u2.bind(["127.0.0.1", 0]);
const to = u2.getsockname() as [string, number];
const sa = new Uint8Array(16), from = new Uint8Array(128), fromLen = new Uint32Array(1);
sa.set([2, 0, to[1] >> 8, to[1] & 255, 127, 0, 0, 1]);
const u1fd = u1.fileno(), u2fd = u2.fileno();

const CASES: Record<string, () => unknown> = {
  "getpid raw": () => raw.sym.getpid(),
  "send+recv raw": () => {
    raw.sym.send(bfd, msg, n64, MSG_NOSIGNAL);
    return Number(raw.sym.recv(afd, into, n64, 0));
  },
  "send+recv lib": () => {
    b.send(msg);
    return a.recv(64);
  },
  "sendall+recv_into lib": () => {
    b.sendall(msg);
    return a.recv_into(into);
  },
  "sendto+recvfrom raw": () => {
    raw.sym.sendto(u1fd, msg, n64, MSG_NOSIGNAL, sa, 16);
    fromLen[0] = 128;
    return Number(raw.sym.recvfrom(u2fd, into, n64, 0, from, fromLen));
  },
  "sendto+recvfrom lib": () => {
    u1.sendto(msg, to);
    return u2.recvfrom(64);
  },
};

const seen: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  const names = Object.keys(CASES);
  // Rotate the order each round, so that no case always runs first.
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    (seen[name] ??= []).push(cpu(CASES[name]));
  }
}
const median = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1];
const out: Record<string, number> = {};
for (const [k, v] of Object.entries(seen)) out[k] = Math.round(median(v));
out["send+recv lib-raw"] = out["send+recv lib"] - out["send+recv raw"];
out["sendall+recv_into lib-raw"] = out["sendall+recv_into lib"] - out["send+recv raw"];
out["sendto+recvfrom lib-raw"] = out["sendto+recvfrom lib"] - out["sendto+recvfrom raw"];
for (const s of [a, b, u1, u2]) s.close();
console.log(JSON.stringify(out));
