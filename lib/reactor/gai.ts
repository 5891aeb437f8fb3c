/**
 * `getaddrinfo` off the main thread: the C call blocks (DNS), so one Worker
 * (`gai_worker.ts`), started at the first lookup, runs it. It never keeps
 * the process alive: in Bun it is unref'd while no lookup is pending; Deno
 * has no `unref` for Workers, so there it is terminated when the last
 * pending lookup settles and started again for the next.
 *
 * @module
 */

import { RUNTIME } from "../../ffi/mod.ts";
import { gaierror, herror, OSError, OverflowError, UnicodeEncodeError, ValueError } from "../errors.ts";
import { type AddrInfo, UnicodeError } from "../netdb.ts";

interface Pending {
  resolve(v: AddrInfo[]): void;
  reject(e: unknown): void;
}

interface WireError {
  name: string;
  message: string;
  os: boolean;
  errno: number | null;
  strerror: string | null;
  /** A UnicodeEncodeError's arguments (a port or host that is not valid UTF-8). */
  unicode?: [encoding: string, object: string, start: number, end: number, reason: string];
}

let worker: Worker | undefined;
let ready: Promise<Worker> | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

/** The same class of error as the Worker caught. */
function rebuild(e: WireError): Error {
  if (e.os) {
    if (e.name === "gaierror") return new gaierror(e.errno, e.strerror);
    if (e.name === "herror") return new herror(e.errno, e.strerror);
    return e.errno === null ? new OSError(e.message) : new OSError(e.errno, e.strerror);
  }
  switch (e.name) {
    case "TypeError":
      return new TypeError(e.message);
    case "ValueError":
      return new ValueError(e.message);
    case "UnicodeError":
      return new UnicodeError(e.message);
    case "UnicodeEncodeError":
      if (e.unicode) return new UnicodeEncodeError(...e.unicode);
      break;
    case "OverflowError":
      return new OverflowError(e.message);
    case "RangeError":
      return new RangeError(e.message);
  }
  return new Error(e.message);
}

function start(): Promise<Worker> {
  const w = new Worker(new URL("./gai_worker.ts", import.meta.url), { type: "module" });
  worker = w;
  return new Promise<Worker>((resolve, reject) => {
    w.onerror = (ev) => {
      ev.preventDefault?.();
      const err = new Error(`getaddrinfo worker failed: ${ev.message}`);
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      stop();
    };
    w.onmessage = ({ data }: MessageEvent<"ready" | { id: number; result?: AddrInfo[]; error?: WireError }>) => {
      if (data === "ready") {
        resolve(w);
        return;
      }
      const p = pending.get(data.id);
      if (!p) return;
      settle(data.id);
      if (data.error) p.reject(rebuild(data.error));
      else p.resolve(data.result!);
    };
  });
}

function stop(): void {
  worker?.terminate();
  worker = undefined;
  ready = undefined;
}

function settle(id: number): void {
  pending.delete(id);
  if (pending.size > 0) return;
  if (RUNTIME === "bun") (worker as unknown as { unref(): void } | undefined)?.unref();
  else stop();
}

/**
 * Runs `getaddrinfo(...args)` in the Worker.
 *
 * @param args `getaddrinfo`'s arguments.
 * @param signal Aborts the wait (the lookup itself finishes unobserved).
 * @returns The same list `getaddrinfo` returns.
 */
export function lookup(args: unknown[], signal?: AbortSignal): Promise<AddrInfo[]> {
  const id = nextId++;
  const promise = new Promise<AddrInfo[]>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (signal) {
      const onAbort = (): void => {
        if (!pending.has(id)) return;
        settle(id);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const done = (): void => signal.removeEventListener("abort", onAbort);
      pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
      });
    }
  });
  if (RUNTIME === "bun" && worker) (worker as unknown as { ref(): void }).ref();
  (ready ??= start()).then((w) => {
    if (pending.has(id)) w.postMessage({ id, args });
  }, () => {});
  return promise;
}
