/**
 * Child process for tests/finalization_test.ts: holds a listening socket in
 * the way named by argv (`binding`, `closure`, `map`), then awaits and
 * forces collection several times, connecting after each; or (`dropped`)
 * drops one end of a socketpair and reports whether the other end sees EOF.
 * Prints one JSON line. Run with `--v8-flags=--expose-gc` under Deno.
 *
 * @module
 */

import process from "node:process";
import * as socket from "../mod.ts";

const shape = process.argv[process.argv.length - 1];

function collect(): void {
  const g = globalThis as { Bun?: { gc(full: boolean): void }; gc?: () => void };
  if (g.Bun) g.Bun.gc(true);
  else g.gc!();
}

function listener(): [string, number] | socket.SocketType {
  const s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  s.listen();
  return s;
}

const results: number[] = [];
let addr: [string, number];
if (shape === "dropped") {
  const [keep, addrOfPeer] = (() => {
    const [a, b] = socket.socketpair();
    return [a, b.fileno()];
  })();
  let eof = false;
  for (let i = 0; i < 20 && !eof; i++) {
    await new Promise((r) => setTimeout(r, 20));
    collect();
    keep.setblocking(false);
    try {
      eof = keep.recv(1).length === 0;
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
    }
  }
  console.log(JSON.stringify({ shape, eof, fd: addrOfPeer }));
  keep.close();
} else {
  // The holder is never read after this block: the engine may consider it dead.
  if (shape === "binding") {
    const srv = listener() as socket.SocketType;
    addr = srv.getsockname() as [string, number];
  } else if (shape === "closure") {
    const srv = listener() as socket.SocketType;
    const hold = (): socket.SocketType => srv;
    addr = hold().getsockname() as [string, number];
  } else {
    const m = new Map<string, socket.SocketType>([["srv", listener() as socket.SocketType]]);
    addr = m.get("srv")!.getsockname() as [string, number];
  }
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 20));
    collect();
    const c = socket.socket();
    results.push(c.connect_ex(addr));
    c.close();
  }
  console.log(JSON.stringify({ shape, results }));
}
