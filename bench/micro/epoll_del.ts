/**
 * Issue 17: what `EPOLL_CTL_DEL` before `close` costs per connection, against
 * letting `close(2)` drop the registration (which it does only when no other
 * descriptor refers to the same open file description). Creates, registers
 * and closes N sockets each way, interleaved; prints CPU µs per socket.
 *
 *   deno run -A bench/micro/epoll_del.ts      bun bench/micro/epoll_del.ts
 *
 * @module
 */
import process from "node:process";
import { libc } from "../../ffi/mod.ts";
import { Epoll } from "../../lib/reactor/epoll.ts";
import { AF_INET, SOCK_STREAM } from "../../mod.ts";

const N = 50_000;
const ep = new Epoll();
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const run = (del: boolean): number => {
  const t0 = cpu();
  for (let i = 0; i < N; i++) {
    const fd = libc.socket(AF_INET, SOCK_STREAM, 0);
    ep.add(fd, i);
    if (del) ep.remove(fd);
    libc.close(fd);
  }
  return (cpu() - t0) / N;
};
const out: Record<string, number[]> = { del: [], close_only: [] };
for (let rep = 0; rep < 5; rep++) {
  out.del.push(run(true));
  out.close_only.push(run(false));
}
const median = (v: number[]): number => v.sort((x, y) => x - y)[v.length >> 1];
console.log(JSON.stringify({ del_us: +median(out.del).toFixed(3), close_only_us: +median(out.close_only).toFixed(3) }));
