/**
 * Socket activation and readiness, the systemd protocol every Linux service
 * manager speaks (beyond CPython; python-systemd's `daemon.listen_fds` and
 * `daemon.notify`): `listen_fds` adopts the descriptors passed with
 * `LISTEN_FDS`/`LISTEN_PID` (and names them from `LISTEN_FDNAMES`), and
 * `sd_notify` sends a state string to `NOTIFY_SOCKET`. See
 * `sd_listen_fds(3)` and `sd_notify(3)`.
 *
 * Under Deno, reading the environment needs `--allow-env`.
 *
 * @module
 */

import process from "node:process";
import { CONSTANTS } from "../ffi/gen/mod.ts";
import { pyType } from "./args.ts";
import { ValueError } from "./errors.ts";
import { SocketType } from "./socket.ts";
import { arity, FUNCTIONS } from "./signatures.ts";

/** The first passed descriptor: `SD_LISTEN_FDS_START`. */
const SD_LISTEN_FDS_START = 3;

const LISTEN_VARS = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] as const;

function unset(names: readonly string[]): void {
  for (const name of names) delete process.env[name];
}

function checkFlag(v: unknown, fn: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new TypeError(`${fn}() argument must be bool, not ${pyType(v)}`);
  return v;
}

/** A non-negative decimal integer from the environment, or a `ValueError` naming the variable. */
function decimal(name: string, text: string): number {
  if (!/^[0-9]+$/.test(text)) throw new ValueError(`${name} is not a number: ${JSON.stringify(text)}`);
  return Number(text);
}

/** How many descriptors were passed to this process, and their names; `0` when none (or not for us). */
function passed(): { count: number; names: string[] } {
  const pid = process.env.LISTEN_PID;
  const fds = process.env.LISTEN_FDS;
  if (pid === undefined || fds === undefined) return { count: 0, names: [] };
  if (decimal("LISTEN_PID", pid) !== process.pid) return { count: 0, names: [] };
  const count = decimal("LISTEN_FDS", fds);
  const text = process.env.LISTEN_FDNAMES;
  const names = text === undefined ? new Array<string>(count).fill("unknown") : text.split(":");
  if (names.length !== count) {
    throw new ValueError(`LISTEN_FDNAMES names ${names.length} descriptors, LISTEN_FDS passes ${count}`);
  }
  return { count, names };
}

/** Socket objects for descriptors `3 … 3 + count - 1`, close-on-exec; on failure, detaches those made so far. */
function adopt(count: number): SocketType[] {
  const socks: SocketType[] = [];
  try {
    for (let fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; fd++) {
      // Family, type and protocol are read from the descriptor (SO_DOMAIN, SO_TYPE, SO_PROTOCOL).
      const s = new SocketType(undefined, undefined, undefined, fd);
      socks.push(s);
      s.set_inheritable(false);
    }
  } catch (e) {
    // The descriptors stay the caller's to inspect: nothing is closed.
    for (const s of socks) s.detach();
    throw e;
  }
  return socks;
}

/**
 * The sockets a service manager passed to this process (socket activation),
 * each with its name from `LISTEN_FDNAMES` (`"unknown"` when unnamed): the
 * descriptors from 3 up, when `LISTEN_PID` is this process and `LISTEN_FDS`
 * counts them. Family, type and protocol are read from each descriptor; each
 * is made close-on-exec. Beyond CPython; `sd_listen_fds_with_names(3)`.
 *
 * @param unset_environment When `true`, removes `LISTEN_PID`, `LISTEN_FDS`
 *   and `LISTEN_FDNAMES` from the environment, so children do not see them.
 * @returns `[socket, name]` pairs, in descriptor order; `[]` when nothing was passed to this process.
 * @throws {ValueError} When `LISTEN_PID` or `LISTEN_FDS` is not a number, or `LISTEN_FDNAMES` names a different count.
 * @throws {OSError} When a passed descriptor is not a socket (`ENOTSOCK`).
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * for (const [sock, name] of socket.listen_fds_with_names(true)) {
 *   console.log(name, socket.SocketKind[sock.type], sock.getsockname());
 * }
 * ```
 */
export function listen_fds_with_names(unset_environment?: boolean): [SocketType, string][] {
  arity(FUNCTIONS.listen_fds_with_names, arguments.length);
  const clear = checkFlag(unset_environment, "listen_fds_with_names");
  try {
    const { count, names } = passed();
    return adopt(count).map((s, i) => [s, names[i]]);
  } finally {
    if (clear) unset(LISTEN_VARS);
  }
}

/**
 * The sockets a service manager passed to this process (systemd socket
 * activation, also inetd-style managers that set `LISTEN_FDS`): descriptors
 * 3 and up, as socket objects. Beyond CPython; `sd_listen_fds(3)`. Use
 * {@linkcode listen_fds_with_names} for the `LISTEN_FDNAMES` names.
 *
 * @param unset_environment When `true`, removes the `LISTEN_*` variables from the environment.
 * @returns The sockets, in descriptor order; `[]` when nothing was passed to this process.
 * @throws {ValueError} When the `LISTEN_*` variables are malformed.
 * @throws {OSError} When a passed descriptor is not a socket (`ENOTSOCK`).
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [server] = socket.listen_fds();
 * if (server) {
 *   const [conn] = server.accept();
 *   conn.sendall(new TextEncoder().encode("hello\n"));
 *   conn.close();
 * }
 * ```
 */
export function listen_fds(unset_environment?: boolean): SocketType[] {
  arity(FUNCTIONS.listen_fds, arguments.length);
  return listen_fds_with_names(checkFlag(unset_environment, "listen_fds")).map(([s]) => s);
}

/** The `NOTIFY_SOCKET` value as an `AF_UNIX` address: `@name` is the abstract `\0name`. */
function notifyAddress(name: string): string {
  if (name.length >= 2 && name[0] === "/") return name;
  if (name.length >= 2 && name[0] === "@") return "\0" + name.slice(1);
  throw new ValueError(`NOTIFY_SOCKET must be an absolute path or an @abstract name, not ${JSON.stringify(name)}`);
}

/**
 * Tells the service manager about this service's state: `READY=1`,
 * `RELOADING=1`, `STOPPING=1`, `STATUS=…`, `WATCHDOG=1`, `MAINPID=…`, … (one
 * `KEY=VALUE` a line), by sending one datagram to the `AF_UNIX` socket named
 * in `NOTIFY_SOCKET` (a path, or an abstract name written `@name`). Beyond
 * CPython; `sd_notify(3)`.
 *
 * @param state Newline-separated assignments.
 * @param unset_environment When `true`, removes `NOTIFY_SOCKET` from the environment afterwards.
 * @returns `true` when a message was sent; `false` when `NOTIFY_SOCKET` is unset (no manager listens).
 * @throws {TypeError} When `state` is not a string.
 * @throws {ValueError} When `state` is empty or `NOTIFY_SOCKET` is neither a path nor `@name`.
 * @throws {OSError} When the socket cannot be reached (`ENOENT`, `ECONNREFUSED`, …).
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * // ... open listeners, load configuration ...
 * socket.sd_notify("READY=1\nSTATUS=Serving");
 * ```
 */
export function sd_notify(state: string, unset_environment?: boolean): boolean {
  arity(FUNCTIONS.sd_notify, arguments.length);
  if (typeof state !== "string") throw new TypeError(`sd_notify() argument 1 must be str, not ${pyType(state)}`);
  const clear = checkFlag(unset_environment, "sd_notify");
  try {
    if (state.length === 0) throw new ValueError("sd_notify() state must not be empty");
    const name = process.env.NOTIFY_SOCKET;
    if (name === undefined || name === "") return false;
    const address = notifyAddress(name);
    using s = new SocketType(CONSTANTS.AF_UNIX, CONSTANTS.SOCK_DGRAM);
    s.sendto(new TextEncoder().encode(state), address);
    return true;
  } finally {
    if (clear) unset(["NOTIFY_SOCKET"]);
  }
}
