/**
 * The raw-FFI floor on every workload: libc called straight, buffers reused,
 * `size_t` arguments converted once. Same roles, arguments and JSON output as
 * `bench/c/work.c`; descriptor 3 is the inherited socket.
 *
 * @module
 */

import { raw } from "./ffi.ts";
import { args, collect, now, rss } from "../util.ts";

const { sym, size: sz, errno } = raw;
const fd = 3;
const EINTR = 4, EAGAIN = 11, MSG_NOSIGNAL = 0x4000, SHUT_WR = 1;

function fail(what: string): never {
  throw new Error(`${what}: errno ${errno()}`);
}

function sendAll(buf: Uint8Array, n: unknown, len: number): void {
  let r = Number(sym.send(fd, buf, n, MSG_NOSIGNAL));
  while (r !== len) {
    if (r < 0) {
      if (errno() !== EINTR) fail("send");
      r = 0;
    }
    buf = buf.subarray(r);
    len -= r;
    r = Number(sym.send(fd, buf, sz(len), MSG_NOSIGNAL));
  }
}

/** Receives exactly `len` bytes into `buf`; false on EOF before the first byte. */
function recvAll(buf: Uint8Array, n: unknown, len: number): boolean {
  let got = 0;
  let r = Number(sym.recv(fd, buf, n, 0));
  for (;;) {
    if (r < 0) {
      if (errno() !== EINTR) fail("recv");
      r = 0;
    } else if (r === 0) {
      if (got === 0) return false;
      fail("short message");
    }
    got += r;
    if (got === len) return true;
    r = Number(sym.recv(fd, buf.subarray(got), sz(len - got), 0));
  }
}

const [mode, ...rest] = args();
let out: Record<string, number> = {};
if (mode === "ping") {
  const size = Number(rest[0]), secs = Number(rest[1]), rssOps = Number(rest[2] ?? 0);
  const buf = new Uint8Array(size), n = sz(size);
  sendAll(buf, n, size);
  recvAll(buf, n, size);
  const warm = now() + secs * 0.2;
  while (now() < warm) {
    sendAll(buf, n, size);
    recvAll(buf, n, size);
  }
  if (rssOps > 0) {
    const before = rss();
    for (let i = 0; i < rssOps / 2; i++) {
      sendAll(buf, n, size);
      recvAll(buf, n, size);
    }
    const after = rss();
    out = { rss_before: before, rss_after: after, rss_after_gc: collect() ? rss() : NaN, rss_ops: rssOps };
  }
  let ops = 0, t1 = 0;
  const t0 = now(), end = t0 + secs;
  for (;;) {
    sendAll(buf, n, size);
    recvAll(buf, n, size);
    if ((++ops & 63) === 0 && (t1 = now()) >= end) break;
  }
  out = { ...out, ops, secs: t1 - t0 };
} else if (mode === "pong") {
  const size = Number(rest[0]);
  const buf = new Uint8Array(size), n = sz(size);
  console.log("ready");
  while (recvAll(buf, n, size)) sendAll(buf, n, size);
} else if (mode === "bsend") {
  const chunk = Number(rest[0]), total = Number(rest[1]), secs = Number(rest[2]);
  const buf = new Uint8Array(chunk), n = sz(chunk);
  let sent = 0, k = 0;
  const end = now() + secs;
  while (sent < total) {
    sendAll(buf, n, chunk);
    sent += chunk;
    if ((++k & 63) === 0 && now() >= end) break;
  }
  sym.shutdown(fd, SHUT_WR);
  out = { sent };
} else if (mode === "brecv") {
  const chunk = Number(rest[0]);
  const buf = new Uint8Array(chunk), n = sz(chunk);
  let bytes = 0, t0 = 0;
  console.log("ready");
  for (;;) {
    const r = Number(sym.recv(fd, buf, n, 0));
    if (r < 0) {
      if (errno() === EINTR) continue;
      fail("recv");
    }
    if (r === 0) break;
    if (bytes === 0) t0 = now();
    bytes += r;
  }
  out = { bytes, secs: now() - t0 };
} else if (mode === "usend") {
  const port = Number(rest[0]), size = Number(rest[1]);
  const sa = new Uint8Array(16);
  sa.set([2, 0, port >> 8, port & 255, 127, 0, 0, 1]);
  const buf = new Uint8Array(size), n = sz(size);
  const end = now() + Number(rest[2]);
  let sent = 0;
  for (;;) {
    if (Number(sym.sendto(fd, buf, n, MSG_NOSIGNAL, sa, 16)) < 0) {
      if (errno() === EINTR) continue;
      fail("sendto");
    }
    if ((++sent & 63) === 0 && now() >= end) break;
  }
  out = { sent };
} else if (mode === "urecv") {
  const size = Number(rest[0]);
  const buf = new Uint8Array(size), n = sz(size), sa = new Uint8Array(128), salen = new Uint32Array(1);
  let received = 0, t0 = 0, t1 = 0;
  const giveUp = now() + 10;
  console.log("ready");
  for (;;) {
    salen[0] = 128;
    if (Number(sym.recvfrom(fd, buf, n, 0, sa, salen)) < 0) {
      const e = errno();
      if (e === EINTR) continue;
      // SO_RCVTIMEO: the sender has stopped (or, before the first datagram, not started yet: wait up to 10 s).
      if (e === EAGAIN && received === 0 && now() < giveUp) continue;
      if (e === EAGAIN) break;
      fail("recvfrom");
    }
    t1 = now();
    if (received++ === 0) t0 = t1;
  }
  out = { received, secs: t1 - t0 };
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log(JSON.stringify(out));
