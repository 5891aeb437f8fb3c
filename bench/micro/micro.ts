/**
 * In-process micro-benchmarks, under Deno or Bun (a timing loop with a
 * warm-up, the same code in both runtimes): one FFI call raw and through the
 * library's binding, a 64-byte send + recv on a socketpair raw and through
 * the socket object, encoding and decoding an address of every family that
 * has a codec in `lib/addr`, and `getaddrinfo` on a numeric host. Prints one
 * JSON object: `{ name: nanoseconds per operation }`.
 *
 * @module
 */

import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as socket from "../../mod.ts";
import { libc } from "../../ffi/mod.ts";
import { codecFor, fromSockaddr, newSockaddr, toSockaddr } from "../../lib/addr/mod.ts";
import { raw } from "../raw/ffi.ts";
import { args, perCall } from "../util.ts";

const secs = Number(args()[0] ?? 0.3);
const out: Record<string, number | string> = {};
const time = (name: string, fn: () => unknown) => (out[name] = Math.round(perCall(fn, secs) * 10) / 10);

// One FFI call.
time("ffi getpid raw", () => raw.sym.getpid());
time("ffi getpid lib", () => libc.getpid());
{
  // recv on an empty non-blocking socket: -1/EAGAIN, a size_t argument and an ssize_t result.
  const [a, b] = socket.socketpair();
  const fd = a.fileno(), buf = new Uint8Array(64), n = raw.size(64), DONTWAIT = socket.MSG_DONTWAIT;
  time("ffi recv EAGAIN raw", () => raw.sym.recv(fd, buf, n, DONTWAIT));
  time("ffi recv EAGAIN lib binding", () => libc.recv(fd, buf, 64, DONTWAIT));
  // A 64-byte send and recv in one process: what the library adds per round.
  const msg = new Uint8Array(64), bfd = b.fileno();
  time("send+recv 64 B raw", () => {
    raw.sym.send(bfd, msg, n, 0x4000);
    raw.sym.recv(fd, buf, n, 0);
  });
  time("send+recv 64 B lib (send, recv)", () => {
    b.send(msg);
    a.recv(64);
  });
  time("send+recv 64 B lib (sendall, recv_into)", () => {
    b.sendall(msg);
    a.recv_into(buf);
  });
  a.close();
  b.close();
}

// Every codec in lib/addr: load them all, then encode/decode a sample of each.
const dir = fileURLToPath(new URL("../../lib/addr/", import.meta.url));
for (const f of readdirSync(dir).sort()) {
  if (f.endsWith(".ts") && !f.endsWith("_test.ts")) await import(new URL(`../../lib/addr/${f}`, import.meta.url).href);
}
const C = socket as unknown as Record<string, number>;
/** Sample addresses, by family name, in Python's form. */
const SAMPLES: Record<string, unknown> = {
  AF_INET: ["127.0.0.1", 8080],
  AF_INET6: ["::1", 8080, 0, 0],
  AF_UNIX: "/tmp/bench.sock",
  AF_NETLINK: [0, 0],
  AF_PACKET: ["lo", 0x0800],
  AF_VSOCK: [1, 1234],
  AF_QIPCRTR: [1, 2],
  AF_ALG: ["hash", "sha256"],
  AF_CAN: ["lo"],
  AF_TIPC: [2, 1, 2, 0, 0],
  AF_BLUETOOTH: ["00:00:00:00:00:00", 1],
};
const seen = new Set<number>();
for (const name of Object.keys(C).filter((k) => /^AF_[A-Z0-9_]+$/.test(k)).sort()) {
  const family = C[name];
  if (typeof family !== "number" || seen.has(family) || !codecFor(family)) continue;
  seen.add(family);
  if (!(name in SAMPLES)) {
    out[`addr ${name}`] = "codec without a sample address in bench/micro/micro.ts";
    continue;
  }
  const ctx = { family, type: family === C.AF_INET || family === C.AF_INET6 ? C.SOCK_STREAM : C.SOCK_DGRAM, proto: 0 };
  try {
    const addr = SAMPLES[name];
    const sa = newSockaddr();
    const len = toSockaddr(ctx, addr, sa, "bind");
    const scratch = newSockaddr();
    time(`addr ${name} encode`, () => toSockaddr(ctx, addr, scratch, "bind"));
    time(`addr ${name} decode`, () => fromSockaddr(sa, len, ctx));
  } catch (e) {
    out[`addr ${name}`] = `not measurable here: ${(e as Error).message}`;
  }
}

// getaddrinfo on a numeric host.
time("getaddrinfo 127.0.0.1 lib", () => socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM));
{
  const host = new TextEncoder().encode("127.0.0.1\0"), port = new TextEncoder().encode("80\0");
  const hints = new Uint8Array(48), res = new Uint8Array(8), hv = new DataView(hints.buffer);
  hv.setInt32(4, socket.AF_INET, true);
  hv.setInt32(8, socket.SOCK_STREAM, true);
  time("getaddrinfo 127.0.0.1 raw", () => {
    if (raw.sym.getaddrinfo(host, port, hints, res) !== 0) throw new Error("getaddrinfo");
    raw.sym.freeaddrinfo(raw.ptrAt(res));
  });
}
console.log(JSON.stringify(out));
