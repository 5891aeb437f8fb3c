/**
 * Deno's own sockets on the workloads they can do: `Deno.connect` /
 * `Deno.listen` (TCP with no-delay, and Unix stream sockets),
 * `Deno.listenDatagram` (UDP, `--unstable-net`). Same roles and JSON output
 * as `bench/c/work.c`, but the program makes its own sockets: the first
 * argument after the mode is `tcp:PORT` or `unix:PATH`. Servers print
 * `ready` once listening.
 *
 * @module
 */

import { args, now } from "../util.ts";

const [mode, where, ...rest] = args();
const [kind, place] = [where.slice(0, where.indexOf(":")), where.slice(where.indexOf(":") + 1)];
const HOST = "127.0.0.1";

function listen(): Deno.Listener {
  return kind === "unix"
    ? Deno.listen({ transport: "unix", path: place })
    : Deno.listen({ hostname: HOST, port: Number(place) });
}

async function connect(): Promise<Deno.Conn> {
  const c = kind === "unix"
    ? await Deno.connect({ transport: "unix", path: place })
    : await Deno.connect({ hostname: HOST, port: Number(place) });
  if (kind === "tcp") (c as Deno.TcpConn).setNoDelay(true);
  return c;
}

async function accept(): Promise<Deno.Conn> {
  const l = listen();
  console.log("ready");
  const c = await l.accept();
  l.close();
  if (kind === "tcp") (c as Deno.TcpConn).setNoDelay(true);
  return c;
}

async function readExact(c: Deno.Conn, buf: Uint8Array): Promise<boolean> {
  let got = 0;
  while (got < buf.length) {
    const r = await c.read(got === 0 ? buf : buf.subarray(got));
    if (r === null) {
      if (got === 0) return false;
      throw new Error("short message");
    }
    got += r;
  }
  return true;
}

async function writeAll(c: Deno.Conn, buf: Uint8Array): Promise<void> {
  let done = 0;
  while (done < buf.length) done += await c.write(done === 0 ? buf : buf.subarray(done));
}

let out: Record<string, number> = {};
if (mode === "ping") {
  const size = Number(rest[0]), secs = Number(rest[1]);
  const c = await connect();
  const buf = new Uint8Array(size);
  const warm = now() + secs * 0.2;
  while (now() < warm) {
    await writeAll(c, buf);
    await readExact(c, buf);
  }
  let ops = 0, t1 = 0;
  const t0 = now(), end = t0 + secs;
  for (;;) {
    await writeAll(c, buf);
    await readExact(c, buf);
    if ((++ops & 63) === 0 && (t1 = now()) >= end) break;
  }
  c.close();
  out = { ops, secs: t1 - t0 };
} else if (mode === "pong") {
  const buf = new Uint8Array(Number(rest[0]));
  const c = await accept();
  while (await readExact(c, buf)) await writeAll(c, buf);
  c.close();
} else if (mode === "bsend") {
  const chunk = Number(rest[0]), total = Number(rest[1]), secs = Number(rest[2]);
  const c = await connect();
  const buf = new Uint8Array(chunk);
  let sent = 0, k = 0;
  const end = now() + secs;
  while (sent < total) {
    await writeAll(c, buf);
    sent += chunk;
    if ((++k & 63) === 0 && now() >= end) break;
  }
  await c.closeWrite();
  out = { sent };
} else if (mode === "brecv") {
  const c = await accept();
  const buf = new Uint8Array(Number(rest[0]));
  let bytes = 0, t0 = 0;
  for (;;) {
    const r = await c.read(buf);
    if (r === null) break;
    if (bytes === 0) t0 = now();
    bytes += r;
  }
  out = { bytes, secs: now() - t0 };
  c.close();
} else if (mode === "usend") {
  const size = Number(rest[0]), secs = Number(rest[1]);
  const c = Deno.listenDatagram({ transport: "udp", hostname: HOST, port: 0 });
  const to: Deno.NetAddr = { transport: "udp", hostname: HOST, port: Number(place) };
  const buf = new Uint8Array(size);
  let sent = 0;
  const end = now() + secs;
  for (;;) {
    await c.send(buf, to);
    if ((++sent & 63) === 0 && now() >= end) break;
  }
  c.close();
  out = { sent };
} else if (mode === "urecv") {
  const c = Deno.listenDatagram({ transport: "udp", hostname: HOST, port: Number(place) });
  console.log("ready");
  let received = 0, t0 = 0, t1 = 0;
  // Stop once nothing arrived for 300 ms (the sender has finished).
  const idle = setInterval(() => {
    if (received > 0 && now() - t1 > 0.3) c.close();
  }, 50);
  try {
    for (;;) {
      await c.receive();
      t1 = now();
      if (received++ === 0) t0 = t1;
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.BadResource) && !(e instanceof Deno.errors.Interrupted)) throw e;
  }
  clearInterval(idle);
  out = { received, secs: t1 - t0 };
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log(JSON.stringify(out));
