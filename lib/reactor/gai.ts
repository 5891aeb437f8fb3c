/**
 * `getaddrinfo` off the main thread, for `getaddrinfo_async`. The arguments
 * are converted and checked first, on the calling thread, by the same code
 * as `getaddrinfo` (`gaiRequest`): a bad argument rejects with
 * `getaddrinfo`'s error and nothing else happens. Only the resulting bytes
 * cross to the blocking call; its result list comes back as an address,
 * decoded and freed here, where every error is built (so the error classes
 * are this module's own).
 *
 * - Deno: the C call runs as a `nonblocking` FFI call on Deno's pool (no
 *   Worker, so no permission beyond `--allow-ffi`). `errno` is not readable
 *   after it (another thread), so an `EAI_SYSTEM` failure reports errno 0.
 * - Bun: one Worker (`GAI_SOURCE` in `bun_worker.ts`), started at the first
 *   lookup and unref'd while none is pending. If it fails, every pending
 *   lookup rejects with its error and the next lookup starts a new one.
 *
 * @module
 */

import { fromAddress, libc, LIBC_PATH, OS, type Ptr, ptrAt, RUNTIME } from "../../ffi/mod.ts";
import { gaiErrorFrom } from "../errors.ts";
import { type AddrInfo, gaiRequest, gaiResults } from "../netdb.ts";
import { GAI_SOURCE, startWorker } from "./bun_worker.ts";

/** A lookup's outcome from the C call: result code, `errno`, result list. */
interface Outcome {
  rc: number;
  errno: number;
  head: Ptr;
}

interface Pending {
  proto: number;
  resolve(v: AddrInfo[]): void;
  reject(e: unknown): void;
}

const pending = new Map<number, Pending>();
let nextId = 0;

/** Settles lookup `id` with `o`; frees the result list of a lookup nobody waits for (aborted). */
function finish(id: number, o: Outcome): void {
  const p = pending.get(id);
  pending.delete(id);
  if (RUNTIME === "bun" && pending.size === 0) worker?.unref();
  if (o.rc !== 0) return p?.reject(gaiErrorFrom(o.rc, o.errno));
  if (!p) return libc.freeaddrinfo(o.head);
  try {
    p.resolve(gaiResults(o.head, p.proto));
  } catch (e) {
    p.reject(e);
  }
}

/** Rejects every pending lookup with `e`. */
function failAll(e: Error): void {
  const all = [...pending.values()];
  pending.clear();
  for (const p of all) p.reject(e);
}

// Deno: a nonblocking FFI call per lookup, with buffers of its own.

function denoLookup(id: number, host: Uint8Array | null, serv: Uint8Array | null, hints: Uint8Array): void {
  const out = new Uint8Array(8);
  libc.getaddrinfo_nb!(host, serv, hints, out).then(
    (rc) => finish(id, { rc, errno: 0, head: ptrAt(out, 0) }),
    (e) => {
      const p = pending.get(id);
      pending.delete(id);
      p?.reject(e);
    },
  );
}

// Bun: the resolver Worker.

interface Answer {
  id: number;
  rc: number;
  errno: number;
  head: number;
}

let worker: (Worker & { ref(): void; unref(): void }) | undefined;
let ready = false;
const queued: unknown[] = [];

function bunLookup(id: number, host: Uint8Array | null, serv: Uint8Array | null, hints: Uint8Array): void {
  const request = { id, host, serv, hints };
  if (!worker) {
    ready = false;
    worker = startWorker<Answer>("getaddrinfo", GAI_SOURCE, { lib: LIBC_PATH, os: OS }, {
      onReady() {
        ready = true;
        for (const r of queued.splice(0)) worker!.postMessage(r);
      },
      onMessage: (a) => finish(a.id, { rc: a.rc, errno: a.errno, head: fromAddress(a.head) }),
      onFailure(e) {
        worker = undefined;
        queued.length = 0;
        failAll(e);
      },
    }) as Worker & { ref(): void; unref(): void };
  }
  worker.ref();
  if (ready) worker.postMessage(request);
  else queued.push(request);
}

/**
 * Runs `getaddrinfo(...args)` off the main thread. Never throws: a bad
 * argument rejects with `getaddrinfo`'s own error.
 *
 * @param args `getaddrinfo`'s arguments.
 * @param signal Aborts the wait (the lookup itself finishes unobserved).
 * @returns The same list `getaddrinfo` returns.
 */
export function lookup(args: unknown[], signal?: AbortSignal): Promise<AddrInfo[]> {
  let host: Uint8Array | null, serv: Uint8Array | null, hints: Uint8Array, proto: number;
  try {
    const q = gaiRequest(args.length, args[0], args[1], args.slice(2));
    // Own copies: the request's buffers are scratch, and the call is not over yet.
    [host, serv, hints, proto] = [q.host && cOwn(q.host), q.serv && cOwn(q.serv), q.hints.slice(), q.proto];
  } catch (e) {
    return Promise.reject(e);
  }
  const id = nextId++;
  const promise = new Promise<AddrInfo[]>((resolve, reject) => {
    if (!signal) return void pending.set(id, { proto, resolve, reject });
    const onAbort = (): void => {
      if (!pending.delete(id)) return;
      if (RUNTIME === "bun" && pending.size === 0) worker?.unref();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const done = (): void => signal.removeEventListener("abort", onAbort);
    pending.set(id, { proto, resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) });
  });
  if (RUNTIME === "deno" && libc.getaddrinfo_nb) denoLookup(id, host, serv, hints);
  else bunLookup(id, host, serv, hints);
  return promise;
}

/** A copy of the NUL-terminated string at the start of `b`, with its NUL. */
function cOwn(b: Uint8Array): Uint8Array {
  const end = b.indexOf(0);
  return b.slice(0, end < 0 ? b.length : end + 1);
}
