/**
 * W5/W6 contender: Bun's own TCP server (`Bun.listen`). Prints its port,
 * then echoes until killed; `gc` on stdin forces a collection
 * (`control.ts`).
 *
 * @module
 */

import { serveControl } from "./control.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

const server = Bun.listen({
  hostname: "127.0.0.1",
  port: 0,
  socket: {
    open(s: { setNoDelay?(on: boolean): void }) {
      s.setNoDelay?.(true);
    },
    data(s: { write(b: Uint8Array): number }, data: Uint8Array) {
      // 64-byte messages always fit the socket buffer: write never falls short here.
      s.write(data);
    },
  },
});
console.log(server.port);
serveControl();
