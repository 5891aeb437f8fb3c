/**
 * This module's side of the batched UDP benchmark (`bench/mmsg/run.ts`), on
 * the descriptor passed as fd 3, under Deno or Bun:
 *
 *     work.ts usend PORT SIZE SECS BATCH   s.sendmmsg() of BATCH datagrams a call, prints {"sent"}
 *     work.ts urecv SIZE BATCH             s.recvmmsg(BATCH, SIZE) until SO_RCVTIMEO, prints {"received","secs"}
 *
 * @module
 */

import * as socket from "../../mod.ts";
import { args, now } from "../util.ts";

const [mode, ...rest] = args();
const s = socket.socket(undefined, undefined, undefined, 3);
let out: Record<string, number>;
if (mode === "usend") {
  const [port, size, secs, batch] = rest.map(Number);
  const buf = new Uint8Array(size);
  const to: [string, number] = ["127.0.0.1", port];
  const messages: socket.OutgoingMessage[] = Array.from({ length: batch }, () => [[buf], null, to]);
  const end = now() + secs;
  let sent = 0, calls = 0;
  for (;;) {
    sent += s.sendmmsg(messages);
    if ((++calls & 7) === 0 && now() >= end) break;
  }
  out = { sent };
} else if (mode === "urecv") {
  const [size, batch] = rest.map(Number);
  console.log("ready");
  let received = 0, t0 = 0, t1 = 0;
  for (;;) {
    let got: number;
    try {
      got = s.recvmmsg(batch, size).length;
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
      if (received > 0) break; // SO_RCVTIMEO: the sender has stopped
      continue; // the sender has not started yet (a runtime takes a while to start)
    }
    t1 = now();
    if (received === 0) t0 = t1;
    received += got;
  }
  out = { received, secs: t1 - t0 };
} else {
  throw new Error(`unknown mode ${mode}`);
}
s.detach();
console.log(JSON.stringify(out));
