/**
 * Runs one echo server in a Worker for `echo_demo.ts`: the server blocks in
 * `accept()` and `recv()` on its own thread while the client runs on the
 * main one. Posts `ready` once loaded (Bun drops messages sent to a worker
 * whose module is still evaluating), then the bound address, then a log
 * line per connection.
 *
 * @module
 */

import { listenAny, listenIPv4, serveOnce } from "./echo_server.ts";

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<{ dual: boolean; host: string }>) => void) | null;
  postMessage(m: unknown): void;
  close(): void;
};

self.onmessage = ({ data: { dual, host } }) => {
  using s = dual ? listenAny(host, 0) : listenIPv4(host, 0);
  self.postMessage({ address: s.getsockname() });
  serveOnce(s, (line) => self.postMessage({ log: line }));
  self.postMessage({ done: true });
  self.close();
};
self.postMessage({ ready: true });
