/**
 * The echo server of Python's socket documentation, line for line: accept
 * one connection and send back everything it sends.
 *
 *     deno run --allow-ffi examples/echo_server.ts [host] [port]
 *     bun examples/echo_server.ts [host] [port]
 *
 * `--dual` serves the documentation's IPv4/IPv6 version instead, which tries
 * each address `getaddrinfo` returns for the host.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** Binds an IPv4 listener on `[host, port]` (Python's first example). */
export function listenIPv4(host: string, port: number): socket.SocketType {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind([host, port]);
  s.listen(1);
  return s;
}

/** Binds the first address `getaddrinfo(host, port, AF_UNSPEC)` yields (Python's second example). */
export function listenAny(host: string | null, port: number): socket.SocketType {
  let s: socket.SocketType | null = null;
  for (
    const [af, socktype, proto, , sa] of socket.getaddrinfo(
      host,
      port,
      socket.AF_UNSPEC,
      socket.SOCK_STREAM,
      0,
      socket.AI_PASSIVE,
    )
  ) {
    try {
      s = socket.socket(af, socktype, proto);
    } catch {
      s = null;
      continue;
    }
    try {
      s.bind(sa);
      s.listen(1);
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

/** Accepts one connection and echoes it until the peer closes. */
export function serveOnce(s: socket.SocketType, log: (line: string) => void = console.log): void {
  const [conn, addr] = s.accept();
  using _conn = conn;
  log(`Connected by ${JSON.stringify(addr)}`);
  for (;;) {
    const data = conn.recv(1024);
    if (data.length === 0) break;
    conn.sendall(data);
  }
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const dual = args.includes("--dual");
  const [host = dual ? "::1" : "127.0.0.1", port = "50007"] = args.filter((a) => a !== "--dual");
  using s = dual ? listenAny(host, Number(port)) : listenIPv4(host, Number(port));
  console.log(`Listening on ${JSON.stringify(s.getsockname())}`);
  serveOnce(s);
}
