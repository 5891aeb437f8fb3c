/**
 * Load: an echo server on this module, 1,000 concurrent TCP clients in
 * Workers, per-connection checksums both ways, nothing lost or duplicated,
 * memory steady; then UDP, paced, where loopback must lose nothing.
 *
 * Short mode by default (64 MiB in total across the 1,000 clients);
 * `LOAD_FULL=1` moves 1 GiB. Every socket is non-blocking and driven by a
 * `poll(2)` loop, since the socket API's own waits block the thread.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import * as socket from "../mod.ts";
import { libc } from "../ffi/mod.ts";
import { LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { fnv1a, raises, tempDir } from "./helpers.ts";

const env = (globalThis as unknown as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const FULL = env.LOAD_FULL === "1";
const CLIENTS = 1000;
const WORKERS = 4;
const TOTAL = FULL ? 1 << 30 : 64 << 20;
const PER_CLIENT = Math.floor(TOTAL / CLIENTS);

/** Sockets open in this process (the runtime's own descriptors, which Workers add, are not counted). */
function socketCount(): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

function rssMiB(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Raises the soft descriptor limit to the hard one: 2,000 sockets live at once. */
function raiseFdLimit(): void {
  const lim = new BigUint64Array(LAYOUT.SIZEOF_RLIMIT / 8);
  if (libc.getrlimit(SYS.RLIMIT_NOFILE, lim) !== 0) return;
  const cur = LAYOUT.OFF_RLIMIT_RLIM_CUR / 8, max = LAYOUT.OFF_RLIMIT_RLIM_MAX / 8;
  if (lim[cur] < lim[max]) {
    lim[cur] = lim[max];
    libc.setrlimit(SYS.RLIMIT_NOFILE, lim);
  }
}

/** A client's payload: distinct per client, so bytes crossing connections would show. */
function payloadByte(id: number, i: number): number {
  return (id * 131 + i * 7 + (i >> 8)) & 0xff;
}

const MOD = new URL("../mod.ts", import.meta.url).href;
const FFI = new URL("../ffi/mod.ts", import.meta.url).href;
const GEN = new URL("../ffi/gen/mod.ts", import.meta.url).href;

/** The client Worker: drives its share of the connections with one poll loop, checks every echo. */
const WORKER = `
import * as socket from ${JSON.stringify(MOD)};
import { libc } from ${JSON.stringify(FFI)};
import { SYS } from ${JSON.stringify(GEN)};
const fnv1a = ${fnv1a.toString()};
const payloadByte = ${payloadByte.toString()};
const { POLLIN, POLLOUT } = SYS;
self.onmessage = ({ data: { port, ids, size } }) => {
  try {
    const conns = ids.map((id) => {
      const s = socket.socket();
      s.setblocking(false);
      const e = s.connect_ex(["127.0.0.1", port]);
      if (e !== 0 && e !== SYS.EINPROGRESS) throw new Error("connect_ex " + e);
      return { id, s, sent: 0, got: 0, done: false, shut: false };
    });
    // Payloads are computed as they go, so memory does not grow with the total.
    const scratch = new Uint8Array(1 << 16);
    const buf = new Uint8Array(1 << 16);
    let left = conns.length, bad = 0;
    const pfd = new Uint8Array(8 * conns.length);
    const v = new DataView(pfd.buffer);
    while (left > 0) {
      const live = conns.filter((c) => !c.done);
      live.forEach((c, k) => {
        v.setInt32(8 * k, c.s.fileno(), true);
        v.setInt16(8 * k + 4, POLLIN | (c.sent < size ? POLLOUT : 0), true);
        v.setInt16(8 * k + 6, 0, true);
      });
      const n = libc.poll(pfd, live.length, 10000);
      if (n < 0) continue;
      if (n === 0) throw new Error("clients stalled");
      live.forEach((c, k) => {
        const re = v.getInt16(8 * k + 6, true);
        if (re === 0) return;
        if (c.sent < size && re & (POLLOUT | SYS.POLLERR | SYS.POLLHUP)) {
          const len = Math.min(scratch.length, size - c.sent);
          for (let i = 0; i < len; i++) scratch[i] = payloadByte(c.id, c.sent + i);
          try { c.sent += c.s.send(scratch.subarray(0, len)); }
          catch (e) { if (!(e instanceof socket.BlockingIOError)) throw e; }
          if (c.sent === size && !c.shut) { c.s.shutdown(socket.SHUT_WR); c.shut = true; }
        }
        if (re & (POLLIN | SYS.POLLERR | SYS.POLLHUP)) {
          for (;;) {
            let r;
            try { r = c.s.recv_into(buf); } catch (e) { if (e instanceof socket.BlockingIOError) break; throw e; }
            if (r === 0) {
              if (c.got !== size) bad++;
              c.s.close(); c.done = true; left--;
              break;
            }
            for (let i = 0; i < r; i++) if (buf[i] !== payloadByte(c.id, c.got + i)) { bad++; break; }
            c.got += r;
          }
        }
      });
    }
    self.postMessage({ clients: conns.length, bad, bytes: conns.reduce((t, c) => t + c.got, 0) });
  } catch (e) {
    self.postMessage({ error: String(e) + (e && e.stack) });
  }
};
self.postMessage({ ready: true });
`;

interface ServerConn {
  s: socket.SocketType;
  out: Uint8Array[];
  received: number;
  hash: number;
  eof: boolean;
}

/** The echo server: one thread, one poll loop, until `expected` connections have come and gone. */
function serve(server: socket.SocketType, expected: number): { conns: number; bytes: number; hashes: number[] } {
  const { POLLIN, POLLOUT } = SYS;
  const live = new Map<number, ServerConn>();
  const hashes: number[] = [];
  let accepted = 0, bytes = 0;
  const buf = new Uint8Array(1 << 16);
  let pfd = new Uint8Array(8 * 2048);
  while (accepted < expected || live.size > 0) {
    const all = [...live.values()];
    if (pfd.length < 8 * (all.length + 1)) pfd = new Uint8Array(8 * (all.length + 1) * 2);
    const v = new DataView(pfd.buffer);
    v.setInt32(0, server.fileno(), true);
    v.setInt16(4, accepted < expected ? POLLIN : 0, true);
    v.setInt16(6, 0, true);
    all.forEach((c, k) => {
      v.setInt32(8 * (k + 1), c.s.fileno(), true);
      v.setInt16(8 * (k + 1) + 4, (c.eof ? 0 : POLLIN) | (c.out.length ? POLLOUT : 0), true);
      v.setInt16(8 * (k + 1) + 6, 0, true);
    });
    const n = libc.poll(pfd, all.length + 1, 10000);
    if (n < 0) continue;
    if (n === 0) throw new Error(`server stalled: ${accepted} accepted, ${live.size} live`);
    if (v.getInt16(6, true) & POLLIN) {
      for (;;) {
        try {
          const [s] = server.accept();
          s.setblocking(false);
          live.set(s.fileno(), { s, out: [], received: 0, hash: 0x811c9dc5, eof: false });
          accepted++;
        } catch (e) {
          if (e instanceof socket.BlockingIOError) break;
          throw e;
        }
      }
    }
    all.forEach((c, k) => {
      const re = v.getInt16(8 * (k + 1) + 6, true);
      if (re === 0) return;
      if (re & (POLLIN | SYS.POLLHUP | SYS.POLLERR) && !c.eof) {
        for (let rounds = 0; rounds < 4; rounds++) {
          let r: number;
          try {
            r = c.s.recv_into(buf);
          } catch (e) {
            if (e instanceof socket.BlockingIOError) break;
            throw e;
          }
          if (r === 0) {
            c.eof = true;
            break;
          }
          c.hash = fnv1a(buf.subarray(0, r), c.hash);
          c.received += r;
          bytes += r;
          c.out.push(buf.slice(0, r));
        }
      }
      while (c.out.length) {
        let sent: number;
        try {
          sent = c.s.send(c.out[0]);
        } catch (e) {
          if (e instanceof socket.BlockingIOError) break;
          throw e;
        }
        if (sent === c.out[0].length) c.out.shift();
        else c.out[0] = c.out[0].subarray(sent);
      }
      if (c.eof && c.out.length === 0) {
        hashes.push(c.hash);
        live.delete(c.s.fileno());
        c.s.close();
      }
    });
  }
  return { conns: accepted, bytes, hashes };
}

function startWorker(file: string): Promise<Worker> {
  const w = new Worker(new URL(`file://${file}`).href, { type: "module" });
  return new Promise((ready, failed) => {
    w.onmessage = (e) => e.data.ready && ready(w);
    w.onerror = (e) => failed(e);
  });
}

describe("load", () => {
  test(`TCP: ${CLIENTS} concurrent clients move ${TOTAL >> 20} MiB through an echo server, checksummed`, async () => {
    raiseFdLimit();
    const dir = tempDir();
    const file = dir.join("load_worker.ts");
    writeFileSync(file, WORKER);
    const rss0 = rssMiB();
    const socks0 = socketCount();
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(file)));
    try {
      using server = socket.create_server(["127.0.0.1", 0], { backlog: 2048 });
      server.setblocking(false);
      const port = (server.getsockname() as [string, number])[1];
      const results = workers.map((w, k) => {
        const ids = Array.from({ length: CLIENTS / WORKERS }, (_, i) => k * (CLIENTS / WORKERS) + i);
        const done = new Promise<Record<string, number | string>>((res) => w.onmessage = (e) => res(e.data));
        w.postMessage({ port, ids, size: PER_CLIENT });
        return done;
      });
      const start = performance.now();
      const served = serve(server, CLIENTS);
      const seconds = (performance.now() - start) / 1000;
      const got = await Promise.all(results);
      for (const r of got) assert.equal(r.error, undefined, String(r.error));
      const chunk = new Uint8Array(1 << 16);
      const expectedHashes = Array.from({ length: CLIENTS }, (_, id) => {
        let h = 0x811c9dc5;
        for (let at = 0; at < PER_CLIENT; at += chunk.length) {
          const len = Math.min(chunk.length, PER_CLIENT - at);
          for (let i = 0; i < len; i++) chunk[i] = payloadByte(id, at + i);
          h = fnv1a(chunk.subarray(0, len), h);
        }
        return h;
      }).sort();
      const rss1 = rssMiB();
      console.log(
        `load TCP: ${served.conns} connections, ${(served.bytes / 2 ** 20).toFixed(1)} MiB each way in ${
          seconds.toFixed(2)
        } s; RSS ${rss0.toFixed(0)} -> ${rss1.toFixed(0)} MiB`,
      );
      assert.equal(served.conns, CLIENTS);
      assert.equal(served.bytes, PER_CLIENT * CLIENTS, "the server received every byte once");
      assert.deepEqual(served.hashes.slice().sort(), expectedHashes, "every connection's bytes, in order, on its own");
      assert.equal(got.reduce((t, r) => t + (r.bad as number), 0), 0, "every echo matched");
      assert.equal(got.reduce((t, r) => t + (r.bytes as number), 0), PER_CLIENT * CLIENTS);
      assert.ok(rss1 - rss0 < 512, `RSS grew by ${rss1 - rss0} MiB`);
    } finally {
      for (const w of workers) w.terminate();
      dir.remove();
    }
    // Workers hold sockets of their own until their termination completes.
    let socks1 = socketCount();
    for (let i = 0; i < 20 && socks1 > socks0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      socks1 = socketCount();
    }
    assert.ok(socks1 <= socks0, `sockets open before ${socks0}, after ${socks1}`);
  });

  test("UDP: datagrams from 100 sockets, paced, all arrive on loopback, intact and once", () => {
    // Loopback drops a datagram only when the receive buffer is full. Paced (each round of one datagram per
    // sender is drained before the next) with a buffer far larger than a round, nothing may be lost.
    const SENDERS = 100, ROUNDS = FULL ? 2000 : 200, SIZE = 1024;
    using server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20);
    const rcvbuf = server.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF);
    // A 1 KiB datagram costs at most 4 KiB of buffer (its skb's truesize): a round needs 400 KiB.
    assert.ok(rcvbuf >= SENDERS * 4096, `SO_RCVBUF is only ${rcvbuf} bytes (net.core.rmem_max too small?)`);
    server.bind(["127.0.0.1", 0]);
    // A lost datagram shows as this timeout; it is a liveness guard, not a measure of speed.
    server.settimeout(10);
    const addr = server.getsockname()!;
    const senders = Array.from({ length: SENDERS }, () => socket.socket(socket.AF_INET, socket.SOCK_DGRAM));
    const seen = new Set<number>();
    let sent = 0, received = 0, corrupt = 0, duplicates = 0;
    const dgram = new Uint8Array(SIZE);
    const view = new DataView(dgram.buffer);
    const buf = new Uint8Array(SIZE + 16);
    const bv = new DataView(buf.buffer);
    try {
      for (let seq = 0; seq < ROUNDS; seq++) {
        for (let id = 0; id < SENDERS; id++) {
          view.setUint32(0, id);
          view.setUint32(4, seq);
          for (let i = 12; i < SIZE; i++) dgram[i] = payloadByte(id + seq, i);
          view.setUint32(8, fnv1a(dgram.subarray(12)));
          assert.equal(senders[id].sendto(dgram, addr), SIZE);
          sent++;
        }
        while (received < sent) {
          const n = server.recv_into(buf);
          received++;
          const id = bv.getUint32(0), got = bv.getUint32(4), sum = bv.getUint32(8);
          if (n !== SIZE || fnv1a(buf.subarray(12, SIZE)) !== sum) corrupt++;
          const key = id * ROUNDS + got;
          if (seen.has(key)) duplicates++;
          seen.add(key);
        }
      }
    } finally {
      for (const s of senders) s.close();
    }
    console.log(`load UDP: ${sent} datagrams sent, ${received} received, ${duplicates} duplicated, ${corrupt} corrupt`);
    assert.equal(corrupt, 0);
    assert.equal(duplicates, 0);
    assert.equal(seen.size, SENDERS * ROUNDS, "every datagram arrived");
    server.setblocking(false);
    raises(socket.BlockingIOError, () => server.recv_into(buf));
  });
});
