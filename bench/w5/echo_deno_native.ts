/**
 * W5/W6 contender: Deno's own TCP server (`Deno.listen`). Prints its port,
 * then echoes until killed; `gc` on stdin forces a collection (`control.ts`).
 *
 * @module
 */

import { serveControl } from "./control.ts";

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log((listener.addr as Deno.NetAddr).port);

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(4096);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await conn.write(buf.subarray(off, n));
    }
  } catch {
    // A reset connection ends its loop.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

serveControl();
for await (const conn of listener) serve(conn);
