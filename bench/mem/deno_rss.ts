/**
 * Where Deno's extra RSS comes from (issue 17): one variant per process, RSS after a forced collection.
 *
 *   deno run -A --v8-flags=--expose-gc bench/mem/deno_rss.ts VARIANT    VARIANT: bare, import, ffi-import, reactor, listen
 *
 * Prints one JSON line: RSS and V8's heap, in MiB.
 *
 * @module
 */

const variant = Deno.args[0] ?? "bare";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let keep: unknown;
if (variant === "import" || variant === "reactor") keep = await import("../../mod.ts");
if (variant === "ffi-import") keep = await import("../../ffi/mod.ts");
if (variant === "reactor") {
  const socket = keep as typeof import("../../mod.ts");
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const pending = socket.sock_recv(a, 64);
  await sleep(300);
  b.send(new Uint8Array(1));
  await pending;
  a.close();
  b.close();
}
if (variant === "listen") keep = Deno.listen({ hostname: "127.0.0.1", port: 0 });
await sleep(300);
(globalThis as unknown as { gc(): void }).gc();
await sleep(100);
const m = Deno.memoryUsage();
const mib = (b: number) => +(b / 2 ** 20).toFixed(1);
console.log(
  JSON.stringify({
    variant,
    rss_mib: mib(m.rss),
    heap_used_mib: mib(m.heapUsed),
    heap_total_mib: mib(m.heapTotal),
    kept: typeof keep,
  }),
);
Deno.exit(0);
