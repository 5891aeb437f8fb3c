/**
 * In one process, under Deno or Bun: µs per datagram of `s.sendmmsg` and of
 * `s.recvmmsg` at batches 1, 8, 32, 64 (64-byte datagrams on 127.0.0.1), and
 * of `sendto` + `recvfrom`, as `mmsg micro` (bench/c/mmsg.c) measures C.
 * Without a second process there is no scheduling in the figures: they are
 * the cost of the calls. Prints one JSON line.
 *
 * @module
 */

import * as socket from "../../mod.ts";
import { now } from "../util.ts";

const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
rx.bind(["127.0.0.1", 0]);
rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20);
const to = rx.getsockname();
const buf = new Uint8Array(64);
const out: Record<string, number> = {};
for (const b of [1, 8, 32, 64]) {
  const messages: socket.OutgoingMessage<"AF_INET">[] = Array.from({ length: b }, () => [[buf], null, to]);
  let send = 0, recv = 0, n = 0;
  for (let it = 0; it < 20000 / b + 300; it++) {
    const t0 = now();
    const sent = tx.sendmmsg(messages);
    const t1 = now();
    const got = rx.recvmmsg(b, 64).length;
    const t2 = now();
    if (sent !== b || got !== b) throw new Error(`sent ${sent}, received ${got} of ${b}`);
    if (it >= 300) (send += t1 - t0, recv += t2 - t1, n += b);
  }
  out[`send_${b}`] = Number((send * 1e6 / n).toFixed(3));
  out[`recv_${b}`] = Number((recv * 1e6 / n).toFixed(3));
}
const m = 20000, t0 = now();
for (let i = 0; i < m; i++) {
  tx.sendto(buf, to);
  rx.recvfrom(64);
}
out.sendto_recvfrom = Number(((now() - t0) * 1e6 / m).toFixed(3));
console.log(JSON.stringify(out));
rx.close();
tx.close();
