/**
 * W7 contender: a minimal HTTP/1.1 keep-alive server on this module's
 * `sock_*` API (Deno or Bun). Every request (a head ending in an empty line,
 * no body) gets the same small response; pipelined requests get one each.
 * Prints its port, then serves until killed; `gc` on stdin forces a
 * collection (`control.ts`).
 *
 * @module
 */

import * as socket from "../../mod.ts";
import { serveControl } from "./control.ts";

const RESPONSE = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!",
);

/** Where the head that starts at `from` ends (after its CRLF CRLF), or -1. */
function headEnd(buf: Uint8Array, from: number): number {
  for (let i = buf.indexOf(10, from); i >= 0; i = buf.indexOf(10, i + 1)) {
    if (i >= 3 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
  }
  return -1;
}

/** The responses owed for the complete heads in `pending`, and what is left of it. */
function answer(pending: Uint8Array): [number, Uint8Array] {
  let n = 0, at = 0;
  for (let end = headEnd(pending, 0); end >= 0; end = headEnd(pending, at)) {
    n++;
    at = end;
  }
  return [n, pending.subarray(at)];
}

async function serve(conn: socket.SocketType): Promise<void> {
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  let pending: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      const data = await socket.sock_recv(conn, 4096);
      if (data.length === 0) break;
      const buf = pending.length ? new Uint8Array([...pending, ...data]) : data;
      const [n, rest] = answer(buf);
      pending = rest;
      for (let i = 0; i < n; i++) await socket.sock_sendall(conn, RESPONSE);
    }
  } catch {
    // A reset connection ends its loop.
  } finally {
    conn.close();
  }
}

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind(["127.0.0.1", 0]);
srv.listen(4096);
srv.setblocking(false);
console.log((srv.getsockname() as [string, number])[1]);
serveControl();
for (;;) {
  const [conn] = await socket.sock_accept(srv);
  serve(conn);
}
