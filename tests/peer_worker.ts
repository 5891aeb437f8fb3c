/**
 * The peer of tests that need both ends to block at once: connects to the
 * address it is sent, then echoes, drains or sends, and posts the outcome.
 *
 * @module
 */

import * as socket from "../mod.ts";
import { fnv1a, type PeerJob } from "./helpers.ts";

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<PeerJob>) => void) | null;
  postMessage(m: unknown): void;
};

self.onmessage = ({ data: job }) => {
  try {
    using s = socket.socket(job.family, socket.SOCK_STREAM);
    s.connect(job.address as socket.Address);
    if (job.op === "echo") {
      let n = 0;
      for (;;) {
        const b = s.recv(65536);
        if (b.length === 0) break;
        s.sendall(b);
        n += b.length;
      }
      self.postMessage({ bytes: n });
    } else if (job.op === "drain") {
      const buf = new Uint8Array(1 << 16);
      let n = 0, h = 0x811c9dc5;
      for (;;) {
        const got = s.recv_into(buf);
        if (got === 0) break;
        h = fnv1a(buf.subarray(0, got), h);
        n += got;
      }
      self.postMessage({ bytes: n, hash: h });
    } else {
      const chunk = new Uint8Array(65536).map((_, i) => i & 0xff);
      let left = job.size;
      while (left > 0) {
        const part = chunk.subarray(0, Math.min(left, chunk.length));
        s.sendall(part);
        left -= part.length;
      }
      self.postMessage({ bytes: job.size });
    }
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
self.postMessage({ ready: true });
