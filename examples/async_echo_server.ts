/**
 * An asyncio-style echo server: one task per client on the `sock_*`
 * functions, so one thread serves thousands of connections while timers and
 * everything else on the event loop keep running.
 *
 *     deno run --allow-ffi examples/async_echo_server.ts [port]
 *     bun examples/async_echo_server.ts [port]
 *
 * `--demo` starts the server on a free port, runs 200 clients against it
 * (each sends 100 messages and checks the echoes), prints a summary and
 * exits.
 *
 * The Python it transliterates:
 *
 * ```py
 * async def handle(loop, conn):
 *     while data := await loop.sock_recv(conn, 4096):
 *         await loop.sock_sendall(conn, data)
 *     conn.close()
 *
 * async def main():
 *     loop = asyncio.get_running_loop()
 *     srv = socket.create_server(("127.0.0.1", 8888)); srv.setblocking(False)
 *     while True:
 *         conn, _ = await loop.sock_accept(srv)
 *         loop.create_task(handle(loop, conn))
 * ```
 *
 * @module
 */

import * as socket from "../mod.ts";

/** Echoes everything `conn` sends until it closes its side, then closes it. */
export async function handle(conn: socket.SocketType): Promise<number> {
  let total = 0;
  try {
    for (;;) {
      const data = await socket.sock_recv(conn, 4096);
      if (data.length === 0) break;
      await socket.sock_sendall(conn, data);
      total += data.length;
    }
  } finally {
    conn.close();
  }
  return total;
}

/**
 * Accepts clients on `srv` (a non-blocking listener) and serves each with
 * {@linkcode handle}, until `signal` aborts. Resolves once the listener is
 * closed.
 */
export async function serve(srv: socket.SocketType, signal?: AbortSignal): Promise<void> {
  try {
    for (;;) {
      const [conn] = await socket.sock_accept(srv, { signal });
      handle(conn).catch(() => {}); // a reset client ends only its own task
    }
  } catch (e) {
    if (!signal?.aborted) throw e;
  } finally {
    srv.close();
  }
}

/** A non-blocking listener on `127.0.0.1:port` (port 0: any free port). */
export function listen(port: number): socket.SocketType<"AF_INET"> {
  const srv = socket.create_server(["127.0.0.1", port], { backlog: 1024 });
  srv.setblocking(false);
  return srv;
}

/** One client: sends `count` messages and checks each echo. Returns the bytes echoed. */
export async function client(address: socket.InetAddress, id: number, count: number): Promise<number> {
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.setblocking(false);
  try {
    await socket.sock_connect(c, address);
    const enc = new TextEncoder(), dec = new TextDecoder();
    let total = 0;
    for (let i = 0; i < count; i++) {
      const msg = `client ${id} message ${i}\n`;
      await socket.sock_sendall(c, enc.encode(msg));
      let got = "";
      while (got.length < msg.length) {
        const b = await socket.sock_recv(c, 4096);
        if (b.length === 0) throw new Error("server closed early");
        got += dec.decode(b);
      }
      if (got !== msg) throw new Error(`bad echo: ${got}`);
      total += msg.length;
    }
    return total;
  } finally {
    c.close();
  }
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
const args: string[] = g.Deno?.args ?? g.process?.argv.slice(2) ?? [];

if (import.meta.main) {
  if (args.includes("--demo")) {
    const srv = listen(0);
    const ac = new AbortController();
    const served = serve(srv, ac.signal);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const totals = await Promise.all(Array.from({ length: 200 }, (_, i) => client(srv.getsockname()!, i, 100)));
    const ms = performance.now() - t0;
    clearInterval(timer);
    ac.abort();
    await served;
    const bytes = totals.reduce((a, b) => a + b, 0);
    console.log(
      `200 clients, 20000 round trips, ${bytes} bytes echoed in ${ms.toFixed(0)} ms; ` +
        `a 10 ms timer fired ${ticks} times meanwhile`,
    );
  } else {
    const srv = listen(Number(args[0] ?? 8888));
    console.log(`echo server on ${(srv.getsockname() as [string, number]).join(":")}`);
    await serve(srv);
  }
}
