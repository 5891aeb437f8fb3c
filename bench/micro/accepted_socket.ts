/**
 * Issue 17: what the constructor's `getsockname` probe costs per accepted
 * socket. Wraps one descriptor N times, probed (`new SocketType(f, t, p,
 * fd)`) and trusted (`acceptedSocket`, as `sock_accept` does), interleaved;
 * prints CPU µs per socket (user + system).
 *
 *   deno run -A bench/micro/accepted_socket.ts      bun bench/micro/accepted_socket.ts
 *
 * @module
 */
import process from "node:process";
import { acceptedSocket, SocketType } from "../../lib/socket.ts";
import { AF_UNIX, SOCK_STREAM, socketpair } from "../../mod.ts";

const N = 100_000;
const [a, b] = socketpair();
const fd = a.fileno();
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const run = (make: () => SocketType): number => {
  const t0 = cpu();
  for (let i = 0; i < N; i++) make().detach();
  return (cpu() - t0) / N;
};
const out: Record<string, number[]> = { probed: [], trusted: [] };
for (let rep = 0; rep < 5; rep++) {
  out.probed.push(run(() => new SocketType(AF_UNIX, SOCK_STREAM, 0, fd)));
  out.trusted.push(run(() => acceptedSocket(AF_UNIX, SOCK_STREAM, 0, fd)));
}
const median = (v: number[]): number => v.sort((x, y) => x - y)[v.length >> 1];
console.log(JSON.stringify({ probed_us: +median(out.probed).toFixed(3), trusted_us: +median(out.trusted).toFixed(3) }));
a.close();
b.close();
