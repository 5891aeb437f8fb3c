/**
 * The Worker that runs `getaddrinfo` for `getaddrinfo_async` (`gai.ts`):
 * the C call blocks, so it runs here, off the main thread. Each request
 * gets its answer or its error, described well enough to rebuild the same
 * class on the main thread.
 *
 * @module
 */

import { getaddrinfo } from "../netdb.ts";
import { OSError, UnicodeEncodeError } from "../errors.ts";

interface Request {
  id: number;
  args: unknown[];
}

const self = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(m: unknown): void;
};

self.onmessage = ({ data: { id, args } }) => {
  try {
    const result = (getaddrinfo as (...a: unknown[]) => unknown)(...args);
    self.postMessage({ id, result });
  } catch (e) {
    const err = e as Error & { errno?: number | null; strerror?: string | null };
    self.postMessage({
      id,
      error: {
        name: err.name,
        message: err.message,
        os: e instanceof OSError,
        errno: err.errno ?? null,
        strerror: err.strerror ?? null,
        unicode: e instanceof UnicodeEncodeError ? [e.encoding, e.object, e.start, e.end, e.reason] : undefined,
      },
    });
  }
};
self.postMessage("ready");
