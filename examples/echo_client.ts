/**
 * The echo client of Python's socket documentation: connect, send
 * `Hello, world`, print the reply.
 *
 *     deno run --allow-ffi examples/echo_client.ts [host] [port]
 *     bun examples/echo_client.ts [host] [port]
 *
 * `--dual` uses the documentation's IPv4/IPv6 version, which tries each
 * address `getaddrinfo` returns until one connects.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** Connects to `[host, port]` over IPv4 (Python's first example). */
export function connectIPv4(host: string, port: number): socket.SocketType {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.connect([host, port]);
  return s;
}

/** Connects to the first address of `host` that accepts (Python's second example). */
export function connectAny(host: string, port: number): socket.SocketType {
  let s: socket.SocketType | null = null;
  for (const [af, socktype, proto, , sa] of socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM)) {
    try {
      s = socket.socket(af, socktype, proto);
    } catch {
      s = null;
      continue;
    }
    try {
      s.connect(sa);
    } catch {
      s.close();
      s = null;
      continue;
    }
    break;
  }
  if (s === null) throw new Error("could not open socket");
  return s;
}

/** Sends `Hello, world` and returns the reply. */
export function hello(s: socket.SocketType): Uint8Array {
  s.sendall(new TextEncoder().encode("Hello, world"));
  return s.recv(1024);
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const dual = args.includes("--dual");
  const [host = dual ? "::1" : "127.0.0.1", port = "50007"] = args.filter((a) => a !== "--dual");
  using s = dual ? connectAny(host, Number(port)) : connectIPv4(host, Number(port));
  console.log("Received", JSON.stringify(new TextDecoder().decode(hello(s))));
}
