/**
 * What the sync API's own layers cost per call, without the system call:
 * `libc.send`, `recv`, `sendto` and `recvfrom` are replaced by JavaScript
 * stubs that return at once (as if the kernel had moved every byte), so the
 * figures hold only the library's work (arity, argument conversion, the
 * descriptor and timeout reads, `sockCall`, taking pointers and lengths,
 * owned results, address encoding and decoding). On this VM one system call
 * costs 1-1.6 µs and varies by more than these figures, which is why
 * `bench/micro/sync_calls.ts` cannot separate them. Under Deno or Bun;
 * prints one JSON object, `{ name: median ns per call }` over interleaved
 * rounds. Wall time: the stubs never block.
 *
 * @module
 */

import * as socket from "../../mod.ts";
import { libc } from "../../ffi/mod.ts";
import { args, perCall } from "../util.ts";

const secs = Number(args()[0] ?? 0.2);
const rounds = Number(args()[1] ?? 5);

type Fn = (...a: unknown[]) => number;
const stubs = libc as unknown as Record<string, Fn>;
const byteCount = (len: unknown) => len as number;
stubs.send = (_fd, _b, n) => byteCount(n);
stubs.recv = (_fd, _b, n) => byteCount(n);
stubs.sendto = (_fd, _b, n) => byteCount(n);
// A sockaddr_in for 127.0.0.1:4660 (the port 0x1234), as the kernel would write it.
const FROM = [2, 0, 0x12, 0x34, 127, 0, 0, 1];
stubs.recvfrom = (_fd, _b, n, _f, sa, salen) => {
  (sa as Uint8Array).set(FROM);
  (salen as Uint32Array)[0] = 16;
  return byteCount(n);
};

const [a] = socket.socketpair();
const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const msg = new Uint8Array(64), into = new Uint8Array(64);
const to: [string, number] = ["127.0.0.1", 4660];

const CASES: Record<string, () => unknown> = {
  "send(64 B)": () => a.send(msg),
  "sendall(64 B)": () => a.sendall(msg),
  "recv(64)": () => a.recv(64),
  "recv_into(64 B)": () => a.recv_into(into),
  "sendto(64 B, inet)": () => u.sendto(msg, to),
  "recvfrom(64)": () => u.recvfrom(64),
  "recvfrom_into(64 B)": () => u.recvfrom_into(into),
  "new Uint8Array(64)": () => new Uint8Array(64),
};
const seen: Record<string, number[]> = {};
const names = Object.keys(CASES);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < names.length; i++) {
    const k = names[(i + r) % names.length];
    (seen[k] ??= []).push(perCall(CASES[k], secs));
  }
}
const out: Record<string, number> = {};
for (const k of names) out[k] = Math.round(seen[k].sort((x, y) => x - y)[seen[k].length >> 1]);
a.close();
u.close();
console.log(JSON.stringify(out));
