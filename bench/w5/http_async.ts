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

/** Where the head that starts at `from` ends (after its CRLF CRLF) within `buf[0, end)`, or -1. */
function headEnd(buf: Uint8Array, from: number, end: number): number {
  for (let i = buf.indexOf(10, from); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) {
    if (i >= 3 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
  }
  return -1;
}

/** The complete heads in `buf[0, end)`: how many, and where the last one ends. */
function heads(buf: Uint8Array, end: number): [number, number] {
  let n = 0, at = 0;
  for (let e = headEnd(buf, 0, end); e >= 0; e = headEnd(buf, at, end)) {
    n++;
    at = e;
  }
  return [n, at];
}

/**
 * One connection. Like `Deno.serve` and `Bun.serve`, which read requests
 * into native buffers and hand JavaScript no bytes, it reads into one buffer
 * per connection (`sock_recv_into`); an incomplete head stays at its start.
 */
async function serve(conn: socket.SocketType): Promise<void> {
  conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  const buf = new Uint8Array(4096);
  let have = 0;
  try {
    // A head longer than the buffer ends the connection.
    while (have < buf.length) {
      const got = await socket.sock_recv_into(conn, have === 0 ? buf : buf.subarray(have));
      if (got === 0) break;
      have += got;
      const [n, used] = heads(buf, have);
      if (used > 0) buf.copyWithin(0, used, have);
      have -= used;
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
