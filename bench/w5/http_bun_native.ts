/**
 * W7 contender: `Bun.serve` answering every request with the same small
 * response. Prints its port, then serves until killed; `gc` on stdin forces
 * a collection (`control.ts`).
 *
 * @module
 */

import { serveControl } from "./control.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => new Response("Hello, World!", { headers: { "content-type": "text/plain" } }),
});
console.log(server.port);
serveControl();
