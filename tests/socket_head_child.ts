/**
 * Child process for tests/socket_head_test.ts: socket objects dropped
 * without `close()` after they adopted a descriptor (`socket({ fileno })`,
 * `socket(family, type, proto, fileno)`), were duplicated (`dup()`) or gave
 * their descriptor up (`detach()`, at descriptor 0). It forces collection
 * until an adopted connected socket is seen closed (its peer reads EOF: the
 * collector did run), then reports which descriptors are still usable.
 * Prints one JSON line. Run with `--v8-flags=--expose-gc` under Deno.
 *
 * @module
 */

import * as socket from "../mod.ts";
import { libc } from "../ffi/mod.ts";

function collect(): void {
  const g = globalThis as { Bun?: { gc(full: boolean): void }; gc?: () => void };
  if (g.Bun) g.Bun.gc(true);
  else g.gc!();
}

/** A listening socket's address, its descriptor handed to `adopt`; nothing keeps the adopting object. */
function listenerAdoptedBy(adopt: (fd: number) => void): [string, number] {
  const s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  s.listen();
  const addr = s.getsockname() as [string, number];
  adopt(s.detach());
  return addr;
}

/** Whether a listener still accepts connections at `addr`. */
function accepting(addr: [string, number]): boolean {
  const c = socket.socket();
  try {
    return c.connect_ex(addr) === 0;
  } finally {
    c.close();
  }
}

// Descriptor 0 is free, so the first socket below gets it (as an inetd-style server's socket).
libc.close(0);
const [zero, zeroPeer] = socket.socketpair();
const detached = ((s) => s.detach())(zero);

const listeners = {
  keywords: listenerAdoptedBy((fd) => void socket.socket({ fileno: fd })),
  positional: listenerAdoptedBy((fd) => void socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd)),
  dup: listenerAdoptedBy((fd) => {
    const orig = socket.socket({ fileno: fd });
    orig.dup();
    orig.close();
  }),
};

// A connected socket adopted and dropped: the collector closes it, and its peer reads EOF.
const peer = ((): socket.SocketType => {
  const [a, b] = socket.socketpair();
  socket.socket({ fileno: a.detach() });
  return b;
})();
peer.setblocking(false);

let eof = false;
for (let i = 0; i < 50 && !eof; i++) {
  await new Promise((r) => setTimeout(r, 20));
  collect();
  try {
    eof = peer.recv(1).length === 0;
  } catch (e) {
    if (!(e instanceof socket.BlockingIOError)) throw e;
  }
}

const accepts = Object.fromEntries(Object.entries(listeners).map(([k, addr]) => [k, accepting(addr)]));
// The detached descriptor is the caller's: still open, still connected to its peer.
let got: number[] | string;
try {
  socket.socket({ fileno: detached }).send(new Uint8Array([7]));
  zeroPeer.setblocking(false);
  got = [...zeroPeer.recv(1)];
} catch (e) {
  got = String(e);
}
console.log(JSON.stringify({ eof, accepts, detached, got }));
