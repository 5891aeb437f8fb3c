/**
 * The quick-start demo: Python's echo server and client, ported, run
 * against each other on loopback, first over IPv4, then with the
 * `getaddrinfo` version over IPv6 (falling back to IPv4 where the machine
 * has no IPv6). The server runs in a Worker, the client on the main thread.
 *
 *     deno run --allow-ffi examples/echo_demo.ts
 *     bun examples/echo_demo.ts
 *
 * @module
 */

import * as socket from "../mod.ts";
import { connectAny, connectIPv4, hello } from "./echo_client.ts";

const runtime = "Bun" in globalThis ? "Bun" : "Deno";

async function round(dual: boolean, host: string): Promise<void> {
  const worker = new Worker(new URL("./echo_worker.ts", import.meta.url).href, { type: "module" });
  const messages: unknown[] = [];
  let wake: () => void = () => {};
  worker.onmessage = (e) => {
    messages.push(e.data);
    wake();
  };
  const next = async (): Promise<Record<string, unknown>> => {
    while (messages.length === 0) await new Promise<void>((r) => wake = r);
    return messages.shift() as Record<string, unknown>;
  };
  await next(); // ready
  worker.postMessage({ dual, host });
  const { address } = await next() as { address: [string, number] };
  console.log(`[${runtime}] ${dual ? "dual-stack" : "IPv4"} echo server listening on ${JSON.stringify(address)}`);
  {
    using s = dual ? connectAny(host, address[1]) : connectIPv4(host, address[1]);
    console.log(`[${runtime}] client received ${JSON.stringify(new TextDecoder().decode(hello(s)))}`);
  }
  for (let m = await next(); !m.done; m = await next()) console.log(`[${runtime}] server: ${m.log}`);
  worker.terminate();
}

await round(false, "127.0.0.1");
await round(true, socket.has_ipv6 && ipv6Loopback() ? "::1" : "127.0.0.1");

function ipv6Loopback(): boolean {
  try {
    using s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
    s.bind(["::1", 0]);
    return true;
  } catch {
    return false;
  }
}
