/**
 * Logs to syslog the way the C library's `syslog()` does: one RFC 3164 line
 * per datagram on the Unix socket `/dev/log` (journald or rsyslog listen
 * there). Neither Deno nor Bun can open a Unix datagram socket on its own.
 *
 *     deno run --allow-ffi examples/unix_dgram_syslog.ts "hello from Deno" [socket-path]
 *     bun examples/unix_dgram_syslog.ts "hello from Bun" [socket-path]
 *
 * Then `journalctl -t pysocket -n 1` (or `tail /var/log/syslog`) shows it.
 *
 * @module
 */

import { constants } from "node:os";
import * as socket from "../mod.ts";

const { EPROTOTYPE } = constants.errno;

/** Syslog facilities (RFC 3164 §4.1.1), as in `<syslog.h>`. */
export const Facility = { kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, local0: 16, local7: 23 } as const;
/** Syslog severities (RFC 3164 §4.1.1), as in `<syslog.h>`. */
export const Severity = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;

/** What goes into one syslog line besides the message. */
export interface SyslogOptions {
  /** Facility number (default `Facility.user`). */
  facility?: number;
  /** Severity number (default `Severity.info`). */
  severity?: number;
  /** The program name, TAG in RFC 3164 (default `"pysocket"`). */
  tag?: string;
  /** Process id shown after the tag; `null` leaves it out (default: none). */
  pid?: number | null;
  /** The HOSTNAME field; `null` leaves it out, as `syslog()` does for the local socket (default: `null`). */
  hostname?: string | null;
  /** The timestamp (default: now). */
  date?: Date;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Formats an RFC 3164 line: `<PRI>Mmm dd hh:mm:ss [HOSTNAME ]TAG[[PID]]: MSG`,
 * with PRI = facility × 8 + severity and the day padded with a space.
 */
export function syslogLine(message: string, options: SyslogOptions = {}): string {
  const { facility = Facility.user, severity = Severity.info, tag = "pysocket", pid = null, hostname = null } = options;
  const d = options.date ?? new Date();
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `<${facility * 8 + severity}>${stamp} ${hostname === null ? "" : hostname + " "}` +
    `${tag}${pid === null ? "" : `[${pid}]`}: ${message}`;
}

/**
 * Sends `message` to the syslog socket at `path` (default `/dev/log`), as
 * one datagram. Like glibc, falls back to a stream socket when the listener
 * is one (`EPROTOTYPE`), ending the line with a newline there.
 *
 * @returns The line that was sent.
 * @throws {OSError} When nothing listens at `path` (`FileNotFoundError`, `ConnectionRefusedError`).
 */
export function sendSyslog(message: string, options: SyslogOptions & { path?: string } = {}): string {
  const line = syslogLine(message, options);
  const path = options.path ?? "/dev/log";
  let s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    try {
      s.connect(path);
    } catch (e) {
      if (!(e instanceof socket.OSError && e.errno === EPROTOTYPE)) throw e;
      s.close();
      s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      s.connect(path);
      s.sendall(new TextEncoder().encode(line + "\n"));
      return line;
    }
    s.send(new TextEncoder().encode(line));
    return line;
  } finally {
    s.close();
  }
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const [message = "hello from the socket module", path = "/dev/log"] = args;
  console.log(`sent to ${path}: ${sendSyslog(message, { path })}`);
}
