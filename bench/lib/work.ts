/**
 * This module's sync API on every workload, under Deno or Bun: the same
 * roles, arguments and JSON output as `bench/c/work.c`. Descriptor 3 is the
 * socket the runner created; `socket({ fileno: 3 })` adopts it.
 *
 * @module
 */

import * as socket from "../../mod.ts";
import { args, collect, now, rss } from "../util.ts";

function recvExact(s: socket.SocketType, n: number): Uint8Array {
  const first = s.recv(n);
  if (first.length === n || first.length === 0) return first;
  const out = new Uint8Array(n);
  out.set(first);
  let got = first.length;
  while (got < n) {
    const more = s.recv(n - got);
    if (more.length === 0) throw new Error("short message");
    out.set(more, got);
    got += more.length;
  }
  return out;
}

const [mode, ...rest] = args();
const s = socket.socket({ fileno: 3 });
let out: Record<string, number> = {};
if (mode === "ping") {
  const size = Number(rest[0]), secs = Number(rest[1]), rssOps = Number(rest[2] ?? 0);
  const msg = new Uint8Array(size);
  s.sendall(msg);
  recvExact(s, size);
  const warm = now() + secs * 0.2;
  while (now() < warm) {
    s.sendall(msg);
    recvExact(s, size);
  }
  if (rssOps > 0) {
    // A million operations (send + recv each count one), RSS before and after.
    const before = rss();
    for (let i = 0; i < rssOps / 2; i++) {
      s.sendall(msg);
      recvExact(s, size);
    }
    const after = rss();
    out = { rss_before: before, rss_after: after, rss_after_gc: collect() ? rss() : NaN, rss_ops: rssOps };
  }
  let ops = 0, t1 = 0;
  const t0 = now(), end = t0 + secs;
  for (;;) {
    s.sendall(msg);
    recvExact(s, size);
    if ((++ops & 63) === 0 && (t1 = now()) >= end) break;
  }
  out = { ...out, ops, secs: t1 - t0 };
} else if (mode === "pong") {
  const size = Number(rest[0]);
  console.log("ready");
  for (;;) {
    const m = recvExact(s, size);
    if (m.length === 0) break;
    s.sendall(m);
  }
} else if (mode === "bsend") {
  const chunk = Number(rest[0]), total = Number(rest[1]), secs = Number(rest[2]);
  const buf = new Uint8Array(chunk);
  let sent = 0, n = 0;
  const end = now() + secs;
  while (sent < total) {
    s.sendall(buf);
    sent += chunk;
    if ((++n & 63) === 0 && now() >= end) break;
  }
  s.shutdown(socket.SHUT_WR);
  out = { sent };
} else if (mode === "brecv") {
  const buf = new Uint8Array(Number(rest[0]));
  let bytes = 0, t0 = 0;
  console.log("ready");
  for (;;) {
    const r = s.recv_into(buf);
    if (r === 0) break;
    if (bytes === 0) t0 = now();
    bytes += r;
  }
  out = { bytes, secs: now() - t0 };
} else if (mode === "usend") {
  const addr: [string, number] = ["127.0.0.1", Number(rest[0])];
  const buf = new Uint8Array(Number(rest[1]));
  const end = now() + Number(rest[2]);
  let sent = 0;
  for (;;) {
    s.sendto(buf, addr);
    if ((++sent & 63) === 0 && now() >= end) break;
  }
  out = { sent };
} else if (mode === "urecv") {
  const size = Number(rest[0]);
  console.log("ready");
  let received = 0, t0 = 0, t1 = 0;
  const giveUp = now() + 10;
  for (;;) {
    try {
      s.recvfrom(size);
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
      // SO_RCVTIMEO: the sender has stopped (or, before the first datagram, not started yet: wait up to 10 s).
      if (received === 0 && now() < giveUp) continue;
      break;
    }
    t1 = now();
    if (received++ === 0) t0 = t1;
  }
  out = { received, secs: t1 - t0 };
} else {
  throw new Error(`unknown mode ${mode}`);
}
s.detach();
console.log(JSON.stringify(out));
