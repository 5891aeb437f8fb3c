/**
 * Where Bun's extra RSS comes from (issue 17): one variant per process, RSS and heap after a forced collection.
 *
 *   bun bench/mem/worker_rss.js VARIANT     VARIANT: bare, import, ffi-import, gen, gen-linux, empty-worker, empty-worker-smol,
 *                                            ffi-worker, ffi-worker-smol, min-worker, reactor, listen
 *
 * bare: nothing loaded; import: this module imported; ffi-import: only its FFI binding (`ffi/mod.ts`); gen: only the
 * generated tables (`ffi/gen/mod.ts`); gen-linux: only Linux x86_64's two generated files, for comparison;
 * *-worker: a Worker with nothing in it (empty), with what the reactor's Worker imports (ffi), or with its own
 * one-symbol `dlopen` of `epoll_wait` (min), optionally `smol: true`; reactor: this module's reactor started (a `sock_recv`
 * waits, so its poller Worker runs); listen: a `Bun.listen` server, for comparison. Prints one JSON line.
 */
import { heapStats } from "bun:jsc";

const variant = process.argv[2] ?? "bare";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const startWorker = (file, smol) =>
  new Promise((resolve) => {
    const w = new Worker(new URL(file, import.meta.url), { smol });
    w.onmessage = () => resolve(w);
  });

let keep;
if (variant === "import" || variant === "reactor") keep = await import("../../mod.ts");
if (variant === "ffi-import") keep = await import("../../ffi/mod.ts");
if (variant === "gen") keep = await import("../../ffi/gen/mod.ts");
if (variant === "gen-linux") {
  keep = [await import("../../ffi/gen/linux.ts"), await import("../../ffi/gen/linux_x86_64.ts")];
}
if (variant === "min-worker") keep = await startWorker("./min_worker.js", false);
if (variant === "empty-worker" || variant === "empty-worker-smol") {
  keep = await startWorker("./empty_worker.js", variant.endsWith("smol"));
}
if (variant === "ffi-worker" || variant === "ffi-worker-smol") {
  keep = await startWorker("./ffi_worker.js", variant.endsWith("smol"));
}
if (variant === "reactor") {
  const socket = keep;
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const pending = socket.sock_recv(a, 64);
  await sleep(300); // the Worker starts at the first park
  b.send(new Uint8Array(1));
  await pending;
  socket.sock_recv(a, 64); // parks again and keeps the Worker busy waiting
  keep = [a, b];
}
if (variant === "listen") {
  keep = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
}
await sleep(300);
Bun.gc(true);
await sleep(100);
const m = process.memoryUsage(), h = heapStats();
console.log(JSON.stringify({
  variant,
  rss_mib: +(m.rss / 2 ** 20).toFixed(1),
  heap_mib: +(h.heapSize / 2 ** 20).toFixed(1),
  heap_capacity_mib: +(h.heapCapacity / 2 ** 20).toFixed(1),
  objects: h.objectCount,
  threads: Number((await Bun.file("/proc/self/status").text()).match(/Threads:\s+(\d+)/)[1]),
}));
process.exit(0);
