/**
 * The descriptor state of socket objects, as the internals read it: the live
 * descriptor, the timeout, the family/type/protocol, the count of file
 * objects holding the descriptor open, and the hooks run when it closes.
 *
 * `SocketType` (`socket.ts`) owns this state in private fields and installs
 * the readers below from its `static {}` block ({@linkcode installState});
 * the modules it delegates to (`msg.ts`, `mmsg.ts`, `sendfile.ts`, `io/`,
 * the reactor) import them from here, never from `socket.ts`, so the import
 * graph has no cycle (`deno task cycles`). Internals read this private
 * state, never the public methods a subclass may override (`gettimeout()`).
 *
 * @module
 */

import type { Ctx } from "./addr/codec.ts";
import type { BytesLike } from "./args.ts";

/**
 * A socket object as the modules below `socket.ts` see it: `SocketType`
 * implements it. Only a real `SocketType` has descriptor state; the readers
 * below raise `TypeError` for anything else.
 */
export interface SocketObject {
  /** The descriptor, or `-1` once closed. */
  fileno(): number;
  /** Sends bytes; may send fewer. */
  send(data: BytesLike, flags?: number): number;
  /** Receives into `buffer`; the number of bytes received. */
  recv_into(buffer: BytesLike, nbytes?: number, flags?: number): number;
}

/** What `SocketType` installs: one reader or writer per piece of private state. */
export interface DescriptorState {
  /** The descriptor of an open socket, or `OSError(EBADF)`. */
  liveFd(sock: SocketObject): number;
  /** The socket's timeout, from its private state. */
  timeoutOf(sock: SocketObject): number | null;
  /** The socket's family, type and protocol as plain data, for the address codecs. */
  ctxOf(sock: SocketObject): Ctx;
  /** Counts file objects that keep the descriptor open (`+1` on open, `-1` on close). */
  ioRefs(sock: SocketObject, delta: number): void;
  /** Whether `v` is a socket object (a `SocketType` or a subclass), by its private state. */
  isSocket(v: unknown): v is SocketObject;
}

function notInstalled(): never {
  throw new TypeError("a socket object is required");
}

/** The descriptor of an open socket, or `OSError(EBADF)`. Internal to the module. */
export let liveFd: (sock: SocketObject) => number = notInstalled;

/** The socket's timeout, read from its private state (never the overridable `gettimeout()`). Internal. */
export let timeoutOf: (sock: SocketObject) => number | null = notInstalled;

/** The socket's family, type and protocol as a plain object, for the address codecs. Internal. */
export let ctxOf: (sock: SocketObject) => Ctx = notInstalled;

/**
 * Counts file objects from `makefile()` that keep the descriptor open
 * (`+1` when one opens, `-1` when it closes). Internal to the module.
 */
export let ioRefs: (sock: SocketObject, delta: number) => void = notInstalled;

/** Whether `v` is a socket object, judged by its private state (not its prototype). Internal. */
export let isSocket: (v: unknown) => v is SocketObject = (_v): _v is SocketObject => false;

/**
 * Called with each descriptor just before a socket closes it, while the
 * number is still its own: the reactor (`lib/reactor/`) rejects the
 * descriptor's waiters and forgets it. Internal to the module.
 */
export const closeHooks: Set<(fd: number) => void> = new Set();

/** Installs the readers of `SocketType`'s private state; its `static {}` block calls this once. Internal. */
export function installState(state: DescriptorState): void {
  ({ liveFd, timeoutOf, ctxOf, ioRefs, isSocket } = state);
}
