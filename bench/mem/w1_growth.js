/**
 * Bun's RSS over a million sync W1 operations (issue 17): 64-byte sendall + recv on an AF_UNIX socketpair in one
 * process (the ping side and the pong side, four operations a round), sampling RSS and the JavaScript heap every
 * 100,000 operations, without a collection (`nogc`) or after `Bun.gc(true)` (`gc`). With `raw`, the same loop on
 * libc straight through `bun:ffi` (the raw floor). Prints one JSON line per sample.
 *
 *   bun bench/mem/w1_growth.js [gc|nogc] [lib|raw] [operations]
 */
import { heapStats } from "bun:jsc";
import { dlopen } from "bun:ffi";

const [mode = "nogc", what = "lib", total = "1000000"] = process.argv.slice(2);
const ops = Number(total);

function pairLib() {
  return import("../../mod.ts").then((socket) => {
    const [a, b] = socket.socketpair();
    return (msg) => {
      a.sendall(msg);
      const m = b.recv(64);
      b.sendall(m);
      return a.recv(64);
    };
  });
}

function pairRaw() {
  const { symbols: c } = dlopen("libc.so.6", {
    socketpair: { args: ["i32", "i32", "i32", "ptr"], returns: "i32" },
    send: { args: ["i32", "ptr", "u64", "i32"], returns: "i64" },
    recv: { args: ["i32", "ptr", "u64", "i32"], returns: "i64" },
  });
  const fds = new Int32Array(2);
  c.socketpair(1, 1, 0, fds);
  const buf = new Uint8Array(64);
  return Promise.resolve((msg) => {
    c.send(fds[0], msg, 64, 0);
    c.recv(fds[1], buf, 64, 0);
    c.send(fds[1], buf, 64, 0);
    c.recv(fds[0], buf, 64, 0);
    return buf;
  });
}

const round = await (what === "raw" ? pairRaw() : pairLib());
const msg = new Uint8Array(64);
for (let i = 0; i < 20000; i++) round(msg); // warm-up
const sample = (done) => {
  if (mode === "gc") Bun.gc(true);
  const h = heapStats();
  console.log(JSON.stringify({
    mode,
    what,
    ops: done,
    rss_mib: +(process.memoryUsage().rss / 2 ** 20).toFixed(1),
    heap_mib: +(h.heapSize / 2 ** 20).toFixed(2),
    heap_capacity_mib: +(h.heapCapacity / 2 ** 20).toFixed(2),
    extra_mib: +(h.extraMemorySize / 2 ** 20).toFixed(2),
    objects: h.objectCount,
  }));
};
Bun.gc(true);
sample(0);
for (let done = 0; done < ops;) {
  for (let i = 0; i < 25000; i++) round(msg);
  done += 100000;
  sample(done);
}
Bun.gc(true);
const m = process.memoryUsage();
console.log(JSON.stringify({ mode, what, final_after_gc_rss_mib: +(m.rss / 2 ** 20).toFixed(1) }));
