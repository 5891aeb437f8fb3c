/**
 * W5/W6 contender: an echo server on this module's `sock_*` API (Deno or
 * Bun), doing what the runtime's own echo server does (a reused buffer under
 * Deno, a new one per read under Bun; see below). Prints its port on the first line of stdout, then serves until
 * killed; `gc` on stdin forces a collection (`control.ts`).
 *
 * @module
 */

import * as socket from "../../mod.ts";
import { setSpin, STATS } from "../../lib/reactor/mod.ts";
import { setBunCallback } from "../../lib/reactor/bun_handoff.ts";
import { serveControl } from "./control.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
// W5_SPIN: empty polls before the reactor parks (a tuning knob for experiments), fixed, or adapting up to
// W5_SPIN_MAX when that is given too.
const spin = env.W5_SPIN;
if (spin !== undefined) setSpin(Number(spin), Number(env.W5_SPIN_MAX ?? spin));
// W5_CALLBACK=1: Bun's poller Worker reports through a threadsafe FFI callback instead of postMessage.
if (env.W5_CALLBACK) {
  setBunCallback(true);
}
// W5_STATS: print the reactor's counters every second, to stderr.
if (env.W5_STATS) {
  let last = { ...STATS };
  setInterval(() => {
    const d = Object.fromEntries(Object.entries(STATS).map(([k, v]) => [k, v - last[k as keyof typeof STATS]]));
    last = { ...STATS };
    if (d.polls || d.parks) console.error(JSON.stringify(d));
  }, 1000);
}

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind(["127.0.0.1", 0]);
srv.listen(4096);
srv.setblocking(false);

/**
 * Under Deno: the twin of `echo_deno_native.ts`, which reads with
 * `conn.read(buf)` into one buffer per connection and writes that buffer's
 * bytes back, so this one receives with `sock_recv_into` into one buffer per
 * connection and sends that buffer's bytes.
 */
async function serveReused(conn: socket.SocketType): Promise<void> {
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await socket.sock_recv_into(conn, buf);
    if (n === 0) break;
    await socket.sock_sendall(conn, buf.subarray(0, n));
  }
}

/**
 * Under Bun: the twin of `echo_bun_native.ts`, whose `data` handler gets a
 * new `Buffer` for every read and writes it back, so this one receives a
 * new `Uint8Array` with `sock_recv` and sends it.
 */
async function serveFresh(conn: socket.SocketType): Promise<void> {
  for (;;) {
    const data = await socket.sock_recv(conn, 4096);
    if (data.length === 0) break;
    await socket.sock_sendall(conn, data);
  }
}

const echo = "Bun" in globalThis ? serveFresh : serveReused;

async function serve(conn: socket.SocketType): Promise<void> {
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  try {
    await echo(conn);
  } catch {
    // A reset connection ends its loop.
  } finally {
    conn.close();
  }
}

console.log((srv.getsockname() as [string, number])[1]);
serveControl();
for (;;) {
  const [conn] = await socket.sock_accept(srv);
  serve(conn);
}
