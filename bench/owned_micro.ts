/**
 * What owned `recv()` results cost, in one process (no scheduler noise):
 * a 64-byte send + `recv(64)`, and a 64-byte send + `recv(65536)` (a small
 * result from a large request), on a socketpair. Prints one JSON object of
 * nanoseconds per round. Run by `bench/owned_w1.sh` in two trees, interleaved.
 *
 * @module
 */

import * as socket from "../mod.ts";
import { args, perCall } from "./util.ts";

const secs = Number(args()[0] ?? 0.5);
const [a, b] = socket.socketpair();
const msg = new Uint8Array(64);
const out = {
  "send+recv(64)": perCall(() => {
    b.send(msg);
    a.recv(64);
  }, secs),
  "send+recv(65536)": perCall(() => {
    b.send(msg);
    a.recv(65536);
  }, secs),
};
a.close();
b.close();
console.log(JSON.stringify(out));
