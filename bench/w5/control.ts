/**
 * The control channel of a W5–W7 server (Deno or Bun): each line `gc` on
 * standard input forces a full garbage collection, then the server answers
 * `gc` on standard output, so that the runner reads the process's memory
 * after it. Deno needs `--v8-flags=--expose-gc` (without it, the answer is
 * `nogc`). A line `mem` gets one JSON line: the runtime's own view of its
 * memory (`process.memoryUsage()`, and `bun:jsc`'s `heapStats()` under Bun),
 * in MiB, for the investigations in bench/README.md.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
const G = globalThis as any;

/** Forces a full collection where the runtime allows it; false if it cannot. */
function collect(): boolean {
  if (G.Bun) {
    G.Bun.gc(true);
    return true;
  }
  if (typeof G.gc === "function") {
    G.gc();
    return true;
  }
  return false;
}

/** The runtime's view of its memory, in MiB. */
async function usage(): Promise<Record<string, number>> {
  const mib = (b: number) => Math.round(b / 2 ** 14) / 64;
  const out: Record<string, number> = {};
  // Deno.memoryUsage(), not node:process, which would load Node compatibility into every Deno server.
  const m = G.Bun ? G.process.memoryUsage() : G.Deno.memoryUsage();
  for (const [k, v] of Object.entries(m as Record<string, number>)) out[k] = mib(v);
  if (G.Bun) {
    const jsc = "bun:jsc"; // a variable, so that Deno's checker leaves the Bun-only module alone
    const { heapSize, heapCapacity, extraMemorySize } = (await import(jsc)).heapStats();
    Object.assign(out, { jscHeap: mib(heapSize), jscCapacity: mib(heapCapacity), jscExtra: mib(extraMemorySize) });
  }
  return out;
}

/** Standard input as a stream of byte chunks, under Deno or Bun. */
function stdin(): ReadableStream<Uint8Array> {
  return G.Bun ? G.Bun.stdin.stream() : G.Deno.stdin.readable;
}

/** Serves `gc` requests on standard input until it closes. */
export async function serveControl(): Promise<void> {
  const dec = new TextDecoder();
  let text = "";
  for await (const chunk of stdin()) {
    text += dec.decode(chunk);
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n")) {
      const cmd = text.slice(0, i).trim();
      text = text.slice(i + 1);
      if (cmd === "gc") console.log(collect() ? "gc" : "nogc");
      if (cmd === "mem") console.log(JSON.stringify(await usage()));
    }
  }
}
