/**
 * W5/W6 contender: an echo server on this module's `sock_*` API (Deno or
 * Bun). Prints its port on the first line of stdout, then serves until
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

async function serve(conn: socket.SocketType): Promise<void> {
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  try {
    for (;;) {
      const data = await socket.sock_recv(conn, 4096);
      if (data.length === 0) break;
      await socket.sock_sendall(conn, data);
    }
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
