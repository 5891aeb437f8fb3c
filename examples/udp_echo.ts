/**
 * A UDP echo server and client: the server sends every datagram back to
 * whoever sent it; the client sends lines and prints the replies.
 *
 *     deno run --allow-ffi examples/udp_echo.ts server [host] [port]
 *     deno run --allow-ffi examples/udp_echo.ts client host port message...
 *     deno run --allow-ffi examples/udp_echo.ts              # both, in one process
 *     bun examples/udp_echo.ts server [host] [port]
 *     bun examples/udp_echo.ts client host port message...
 *     bun examples/udp_echo.ts
 *
 * Datagram sockets need no accept and no second thread: with no arguments,
 * one process runs the server and the client side by side, each `recvfrom`
 * finding the datagram the other just sent.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** Binds a UDP socket on `[host, port]` (IPv6 when `host` contains a colon). */
export function bindUdp(host: string, port: number): socket.SocketType {
  const s = socket.socket(host.includes(":") ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.bind([host, port]);
  } catch (e) {
    s.close();
    throw e;
  }
  return s;
}

/**
 * Echoes datagrams on `server`: receives one, sends it back to its sender.
 * Stops after `count` datagrams (forever when `count` is `Infinity`).
 * Returns the number echoed.
 */
export function serveEcho(server: socket.SocketType, count = Infinity, log: (line: string) => void = () => {}): number {
  let n = 0;
  while (n < count) {
    const [data, from] = server.recvfrom(65535);
    server.sendto(data, from!);
    log(`echoed ${data.length} bytes to ${JSON.stringify(from)}`);
    n++;
  }
  return n;
}

/** Sends `message` from `client` to `address` and returns the reply's text. */
export function ask(client: socket.SocketType, address: socket.Address, message: string): string {
  client.sendto(new TextEncoder().encode(message), address);
  const [reply] = client.recvfrom(65535);
  return new TextDecoder().decode(reply);
}

/**
 * The one-process demo: a server on `host` port 0 and a client that sends
 * each message and collects the echoes. Returns the replies, in order.
 */
export function demo(messages: string[], host = "127.0.0.1"): string[] {
  using server = bindUdp(host, 0);
  using client = socket.socket(server.family, socket.SOCK_DGRAM);
  client.settimeout(5);
  const address = server.getsockname()!;
  return messages.map((m) => {
    client.sendto(new TextEncoder().encode(m), address);
    serveEcho(server, 1);
    const [reply] = client.recvfrom(65535);
    return new TextDecoder().decode(reply);
  });
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const [mode, ...rest] = args;
  if (mode === "server") {
    const [host = "127.0.0.1", port = "50008"] = rest;
    using s = bindUdp(host, Number(port));
    console.log(`UDP echo server on ${JSON.stringify(s.getsockname())}`);
    serveEcho(s, Infinity, console.log);
  } else if (mode === "client") {
    const [host, port, ...messages] = rest;
    if (host === undefined || port === undefined) throw new Error("usage: udp_echo.ts client host port message...");
    using c = socket.socket(host.includes(":") ? socket.AF_INET6 : socket.AF_INET, socket.SOCK_DGRAM);
    c.settimeout(5);
    for (const m of messages.length ? messages : ["Hello, world"]) {
      console.log("Received", JSON.stringify(ask(c, [host, Number(port)], m)));
    }
  } else {
    for (const reply of demo(["Hello, world", "ping", "bye"])) console.log("Received", JSON.stringify(reply));
  }
}
