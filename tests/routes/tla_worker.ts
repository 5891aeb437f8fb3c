/**
 * A Worker that imports the package and answers every message: the route
 * test posts to it straight after `new Worker()`, which Bun drops while the
 * Worker's module graph evaluates a top-level await.
 *
 * @module
 */

import * as socket from "../../mod.ts";

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<string>) => void) | null;
  postMessage(m: unknown): void;
};
self.onmessage = ({ data }) => self.postMessage(`${data}:${socket.AF_INET}`);
