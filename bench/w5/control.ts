/**
 * The control channel of a W5–W7 server (Deno or Bun): each line `gc` on
 * standard input forces a full garbage collection, then the server answers
 * `gc` on standard output, so that the runner reads the process's memory
 * after it. Deno needs `--v8-flags=--expose-gc` (without it, the answer is
 * `nogc`).
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
    }
  }
}
