/**
 * W7 contender: `Deno.serve` answering every request with the same small
 * response. Prints its port, then serves until killed; `gc` on stdin forces
 * a collection (`control.ts`).
 *
 * @module
 */

import { serveControl } from "./control.ts";

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, () => new Response("Hello, World!", { headers: { "content-type": "text/plain" } }));
serveControl();
