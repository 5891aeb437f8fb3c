// Tests for lib/systemd.ts: listen_fds(), listen_fds_with_names() and
// sd_notify(). A child runtime is started as a service manager starts a
// socket-activated service: a stream listener at fd 3, a datagram socket at
// fd 4, LISTEN_FDS=2, LISTEN_FDNAMES, and LISTEN_PID set to the child's own
// pid by a shell that then execs the runtime; NOTIFY_SOCKET names a socket
// this test binds (a path, then an abstract name).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

import * as socket from "../mod.ts";
import { raises, RUNTIME, tempDir, text } from "./helpers.ts";

const CHILD = fileURLToPath(new URL("./systemd_child.ts", import.meta.url));

/** The runtime's command line for a script. */
function runtimeArgs(script: string): string[] {
  return RUNTIME === "deno" ? [process.execPath, "run", "-A", "--no-check", script] : [process.execPath, script];
}

interface Child {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Starts the child through `sh`, which exports LISTEN_PID=$$ and execs the
 * runtime (so the pid is the child's own), with `fds` at descriptors 3, 4, …
 */
function startService(fds: number[], env: Record<string, string>): Child {
  const p = spawn("sh", ["-c", 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', "sh", ...runtimeArgs(CHILD)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", ...fds],
  });
  let stdout = "", stderr = "";
  p.stdout!.on("data", (d) => stdout += d);
  p.stderr!.on("data", (d) => stderr += d);
  return { done: new Promise((resolve) => p.on("close", (code) => resolve({ code, stdout, stderr }))) };
}

function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  apply(vars);
  try {
    fn();
  } finally {
    apply(saved);
  }
}

test("listen_fds_with_names() adopts a listener and a datagram socket passed at fds 3 and 4; sd_notify() reaches a path", async () => {
  const dir = tempDir();
  const listener = socket.create_server(["127.0.0.1", 0]);
  const dgram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    dgram.bind(["127.0.0.1", 0]);
    notify.bind(dir.join("notify"));
    notify.settimeout(120);
    const child = startService([listener.fileno(), dgram.fileno()], {
      LISTEN_FDS: "2",
      LISTEN_FDNAMES: "web:metrics",
      NOTIFY_SOCKET: dir.join("notify"),
    });
    // The listener queues this connection even before the child accepts.
    using conn = socket.create_connection(listener.getsockname() as [string, number], 120);
    conn.sendall(new TextEncoder().encode("over tcp"));
    client.settimeout(120);
    client.sendto(new TextEncoder().encode("over udp"), dgram.getsockname()!);
    assert.equal(text(notify.recv(1024)), "READY=1\nSTATUS=serving");
    assert.equal(text(conn.recv(100)), "over tcp");
    assert.equal(text(client.recv(100)), "over udp");
    const { code, stdout, stderr } = await child.done;
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.deepEqual(report.fds, [
      [3, socket.AF_INET, socket.SOCK_STREAM, "web", false],
      [4, socket.AF_INET, socket.SOCK_DGRAM, "metrics", false],
    ]);
    assert.deepEqual(report.env_after, [null, null, null]);
    assert.equal(report.again, 0);
    assert.equal(report.notified, true);
    assert.equal(report.notify_env_after, null);
    assert.equal(report.notified_again, false);
  } finally {
    for (const s of [listener, dgram, notify, client]) s.close();
    dir.remove();
  }
});

test("sd_notify() sends to an abstract @name; a service whose LISTEN_PID is another process adopts nothing", async () => {
  const name = `pysocket-notify-${process.pid}-${Date.now()}`;
  using notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  notify.bind("\0" + name);
  notify.settimeout(120);
  const listener = socket.create_server(["127.0.0.1", 0]);
  try {
    // LISTEN_FDS with another process's LISTEN_PID (pid 1) is not for this service: no shell wrapper.
    const p = spawn(runtimeArgs(CHILD)[0], runtimeArgs(CHILD).slice(1), {
      env: { ...process.env, LISTEN_FDS: "1", LISTEN_PID: "1", NOTIFY_SOCKET: "@" + name },
      stdio: ["ignore", "pipe", "pipe", listener.fileno()],
    });
    let stdout = "", stderr = "";
    p.stdout!.on("data", (d) => stdout += d);
    p.stderr!.on("data", (d) => stderr += d);
    const done = new Promise<number | null>((resolve) => p.on("close", resolve));
    assert.equal(text(notify.recv(1024)), "READY=1\nSTATUS=serving");
    assert.equal(await done, 0, stderr);
    const report = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.deepEqual(report.fds, []);
    assert.equal(report.notified, true);
  } finally {
    listener.close();
  }
});

test("listen_fds() returns [] when LISTEN_PID is another process or unset, and unsets on request", () => {
  withEnv({ LISTEN_PID: String(process.pid + 1), LISTEN_FDS: "2", LISTEN_FDNAMES: "a:b" }, () => {
    assert.deepEqual(socket.listen_fds(), []);
    assert.equal(process.env.LISTEN_FDS, "2");
    assert.deepEqual(socket.listen_fds_with_names(true), []);
    assert.equal(process.env.LISTEN_PID, undefined);
    assert.equal(process.env.LISTEN_FDS, undefined);
    assert.equal(process.env.LISTEN_FDNAMES, undefined);
  });
  withEnv({ LISTEN_PID: undefined, LISTEN_FDS: undefined }, () => {
    assert.deepEqual(socket.listen_fds(), []);
  });
  withEnv({ LISTEN_PID: String(process.pid), LISTEN_FDS: "0" }, () => {
    assert.deepEqual(socket.listen_fds(), []);
  });
});

test("listen_fds() and sd_notify() reject malformed environments and arguments", () => {
  withEnv({ LISTEN_PID: "12x", LISTEN_FDS: "1" }, () => raises(socket.ValueError, () => socket.listen_fds()));
  withEnv(
    { LISTEN_PID: String(process.pid), LISTEN_FDS: "-1" },
    () => raises(socket.ValueError, () => socket.listen_fds()),
  );
  withEnv(
    { LISTEN_PID: String(process.pid), LISTEN_FDS: "2", LISTEN_FDNAMES: "one" },
    () => raises(socket.ValueError, () => socket.listen_fds_with_names()),
  );
  raises(TypeError, () => socket.listen_fds(1 as never));
  raises(TypeError, () => socket.sd_notify(5 as never));
  withEnv({ NOTIFY_SOCKET: undefined }, () => {
    assert.equal(socket.sd_notify("READY=1"), false);
    raises(socket.ValueError, () => socket.sd_notify(""));
  });
  withEnv({ NOTIFY_SOCKET: "relative/path" }, () => raises(socket.ValueError, () => socket.sd_notify("READY=1")));
  withEnv({ NOTIFY_SOCKET: "/nonexistent/pysocket/notify" }, () => {
    raises(socket.FileNotFoundError, () => socket.sd_notify("READY=1"));
  });
  withEnv({ NOTIFY_SOCKET: "/nonexistent/pysocket/notify" }, () => {
    raises(socket.FileNotFoundError, () => socket.sd_notify("READY=1", true));
    assert.equal(process.env.NOTIFY_SOCKET, undefined);
  });
});
