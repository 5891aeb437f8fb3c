/**
 * `sd_notify()` for Deno and Bun: tells systemd a service is ready
 * (`READY=1`), alive (`WATCHDOG=1`), or what it is doing (`STATUS=...`), by
 * sending one datagram to the Unix socket named in `$NOTIFY_SOCKET`, which
 * may be a path or an abstract name starting with `@`.
 *
 *     deno run --allow-ffi --allow-env examples/systemd_notify.ts [READY=1 [STATUS=...]]
 *     bun examples/systemd_notify.ts [READY=1 [STATUS=...]]
 *
 * Run it from a unit with `Type=notify` (and `WatchdogSec=` for the
 * watchdog; `--watchdog N` sends N pings at the advised interval), e.g.:
 *
 *     systemd-run --user -p Type=notify -p WatchdogSec=10 bun $PWD/examples/systemd_notify.ts --watchdog 3
 *
 * @module
 */

import * as socket from "../mod.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

/** An environment variable, under either runtime (`--allow-env` under Deno). */
function env(name: string): string | undefined {
  return g.Deno ? g.Deno.env.get(name) : g.process.env[name];
}

/** The `$NOTIFY_SOCKET` name as a socket address: `@name` becomes the abstract `\0name`. */
export function notifyAddress(name: string): string {
  if (name.length < 2 || (name[0] !== "/" && name[0] !== "@")) {
    throw new socket.ValueError(
      `NOTIFY_SOCKET must be an absolute path or an @abstract name, not ${JSON.stringify(name)}`,
    );
  }
  return name[0] === "@" ? "\0" + name.slice(1) : name;
}

/**
 * Sends `state` (newline-separated `KEY=VALUE` assignments) to the service
 * manager. Returns `false`, sending nothing, when there is no manager to
 * tell (`$NOTIFY_SOCKET` unset), as `sd_notify()` returns 0.
 *
 * @param state E.g. `"READY=1"`, `"WATCHDOG=1"`, `"STATUS=Loading\nREADY=1"`.
 * @param notifySocket The socket's name; defaults to `$NOTIFY_SOCKET`.
 * @throws {OSError} When the socket cannot be reached.
 */
export function notify(state: string, notifySocket: string | undefined = env("NOTIFY_SOCKET")): boolean {
  if (!notifySocket) return false;
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  s.sendto(new TextEncoder().encode(state), notifyAddress(notifySocket));
  return true;
}

/**
 * How often to send `WATCHDOG=1`, in seconds: half of `$WATCHDOG_USEC`, as
 * `sd_watchdog_enabled()` advises, or `null` when the watchdog is off or
 * meant for another process (`$WATCHDOG_PID`).
 */
export function watchdogInterval(
  usec: string | undefined = env("WATCHDOG_USEC"),
  pid: string | undefined = env("WATCHDOG_PID"),
): number | null {
  const n = Number(usec);
  if (!usec || !Number.isInteger(n) || n <= 0) return null;
  const self = g.Deno ? g.Deno.pid : g.process.pid;
  if (pid && Number(pid) !== self) return null;
  return n / 2 / 1e6;
}

if (import.meta.main) {
  const args: string[] = g.Deno?.args ?? g.process.argv.slice(2);
  const w = args.indexOf("--watchdog");
  const pings = w >= 0 ? Number(args.splice(w, 2)[1] ?? 3) : 0;
  const states = args.length ? args : ["READY=1"];
  for (const state of states) {
    console.log(notify(state) ? `sent ${JSON.stringify(state)}` : "NOTIFY_SOCKET is not set: not under systemd");
  }
  const every = watchdogInterval() ?? 1;
  for (let i = 0; i < pings; i++) {
    await new Promise((r) => setTimeout(r, every * 1000));
    if (notify("WATCHDOG=1")) console.log("sent WATCHDOG=1");
  }
}
