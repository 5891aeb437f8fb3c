/**
 * A Bun HTTP server (`Bun.serve`) that also does what Bun's own networking
 * cannot: it listens on a Unix datagram socket, the transport of systemd's
 * `sd_notify` (`NOTIFY_SOCKET`) and of syslog (`/dev/log`), without
 * blocking its event loop, and reports readiness to systemd the same way.
 *
 *     bun examples/bun_server.ts [http-port] [datagram-socket-path]
 *
 * Then `curl localhost:PORT/messages` lists the datagrams received, e.g.
 * after `logger -u PATH hello` or `systemd-notify --pid=$$ STATUS=hi`
 * (with `NOTIFY_SOCKET=PATH`). A path starting with `@` is an abstract
 * socket name, as systemd writes them.
 *
 * Bun only: it needs `Bun.serve`. The datagram parts run anywhere.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** One datagram received: when, from whom (`null`: an unbound sender), and its parsed forms. */
export interface Message {
  /** Milliseconds since the epoch. */
  at: number;
  /** The text, decoded as UTF-8. */
  text: string;
  /** `KEY=VALUE` lines (the `sd_notify` format), when the text has any. */
  fields: Record<string, string>;
  /** The syslog priority of a `<PRI>message` datagram, else `null`. */
  priority: number | null;
}

/** A socket path, with systemd's `@` for an abstract name. */
function unixAddress(path: string): string | Uint8Array {
  return path.startsWith("@") ? new TextEncoder().encode("\0" + path.slice(1)) : path;
}

/** Parses a datagram's text: `sd_notify` fields and a syslog priority. */
export function parse(text: string, at: number = Date.now()): Message {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0 && /^[A-Z_][A-Z0-9_]*$/.test(line.slice(0, eq))) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const pri = /^<(\d{1,3})>/.exec(text);
  return { at, text, fields, priority: pri ? Number(pri[1]) : null };
}

/**
 * A Unix datagram socket that collects what it receives (the most recent
 * `keep` messages), waiting with `sock_recvfrom` so the event loop runs.
 */
export class DatagramInbox {
  /** The messages received, oldest first. */
  readonly messages: Message[] = [];
  #sock: socket.SocketType;
  #ac = new AbortController();
  #done: Promise<void>;
  #keep: number;
  #total = 0;

  /**
   * Binds `path` (a file path, or `@name` for an abstract socket) and starts receiving.
   *
   * @param path Where to listen.
   * @param keep How many messages to keep.
   */
  constructor(path: string, keep = 100) {
    this.#keep = keep;
    this.#sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    this.#sock.bind(unixAddress(path));
    this.#sock.setblocking(false);
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    const dec = new TextDecoder();
    try {
      for (;;) {
        const [data] = await socket.sock_recvfrom(this.#sock, 65536, { signal: this.#ac.signal });
        this.messages.push(parse(dec.decode(data)));
        this.#total++;
        if (this.messages.length > this.#keep) this.messages.shift();
      }
    } catch (e) {
      if (!this.#ac.signal.aborted) throw e;
    }
  }

  /** How many datagrams arrived since the start (including ones no longer kept). */
  get total(): number {
    return this.#total;
  }

  /** Resolves once `count` datagrams in all have arrived; returns the kept messages. */
  async received(count: number): Promise<Message[]> {
    while (this.#total < count) await new Promise((r) => setTimeout(r, 5));
    return this.messages;
  }

  /** Stops receiving and closes the socket. */
  async close(): Promise<void> {
    this.#ac.abort();
    await this.#done;
    this.#sock.close();
  }
}

/**
 * Sends `state` (`"READY=1"`, `"STATUS=…"`, `"WATCHDOG=1"`) to systemd's
 * notification socket, as `sd_notify(3)` does.
 *
 * @param state `KEY=VALUE` lines.
 * @param path The socket (default `$NOTIFY_SOCKET`); `@name` is abstract.
 * @returns `false` when there is no socket to notify.
 */
export async function notify(state: string, path?: string): Promise<boolean> {
  // deno-lint-ignore no-explicit-any
  const target = path ?? (globalThis as any).process?.env?.NOTIFY_SOCKET;
  if (!target) return false;
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  s.setblocking(false);
  await socket.sock_sendto(s, new TextEncoder().encode(state), unixAddress(target));
  return true;
}

/** The HTTP handler: `GET /messages` lists the inbox as JSON; `POST /notify` forwards its body with {@linkcode notify}. */
export function handler(inbox: DatagramInbox, notifyPath?: string): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/messages") return Response.json(inbox.messages);
    if (req.method === "POST" && url.pathname === "/notify") {
      const sent = await notify(await req.text(), notifyPath);
      return new Response(sent ? "sent\n" : "no NOTIFY_SOCKET\n", { status: sent ? 200 : 503 });
    }
    return new Response("GET /messages, POST /notify\n", { status: 404 });
  };
}

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

if (import.meta.main) {
  if (!Bun) throw new Error("bun_server.ts needs Bun (it uses Bun.serve): run it with `bun examples/bun_server.ts`");
  // deno-lint-ignore no-explicit-any
  const [port = "3000", path = `/tmp/bun-server-${(globalThis as any).process.pid}.sock`] = Bun.argv.slice(2);
  const inbox = new DatagramInbox(path);
  const server = Bun.serve({ port: Number(port), fetch: handler(inbox) });
  console.log(`HTTP on http://localhost:${server.port}/messages; datagrams on ${path}`);
  await notify(`READY=1\nSTATUS=serving HTTP on ${server.port}`);
}
