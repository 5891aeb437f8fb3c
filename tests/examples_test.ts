/**
 * Every example runs: its exported functions in-process (with a Worker
 * peer where both ends block), and its `import.meta.main` entry spawned
 * under the runtime running the tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { connectAny, connectIPv4, hello } from "../examples/echo_client.ts";
import { listenAny, listenIPv4 } from "../examples/echo_server.ts";
import { roundTrip } from "../examples/multicast.ts";
import { notify, notifyAddress, watchdogInterval } from "../examples/systemd_notify.ts";
import { bindUdp, demo as udpDemo, serveEcho } from "../examples/udp_echo.ts";
import { sendSyslog, syslogLine } from "../examples/unix_dgram_syslog.ts";
import { hasIPv6Loopback, raises, RUNTIME, tempDir, text } from "./helpers.ts";

/** Runs `examples/<file>` under this runtime; resolves with its status and output. */
function runExample(
  file: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const path = fileURLToPath(new URL(`../examples/${file}`, import.meta.url));
  const cmd = RUNTIME === "deno"
    ? ["run", "--allow-ffi", "--allow-read", "--allow-env", path, ...args]
    : [path, ...args];
  const child = spawn(process.execPath, cmd, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stdout = "", stderr = "";
  child.stdout!.on("data", (b: Uint8Array) => stdout += new TextDecoder().decode(b));
  child.stderr!.on("data", (b: Uint8Array) => stderr += new TextDecoder().decode(b));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts examples/echo_worker.ts (the server half of echo_demo) and returns its address and log. */
async function echoServerWorker(dual: boolean, host: string) {
  const worker = new Worker(new URL("../examples/echo_worker.ts", import.meta.url).href, { type: "module" });
  const messages: Record<string, unknown>[] = [];
  let wake = () => {};
  worker.onmessage = (e) => {
    messages.push(e.data);
    wake();
  };
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((r) => wake = r);
    return messages.shift()!;
  };
  await next(); // ready
  worker.postMessage({ dual, host });
  const { address } = await next() as { address: [string, number] };
  const log = async () => {
    const lines: string[] = [];
    for (let m = await next(); !m.done; m = await next()) lines.push(m.log as string);
    worker.terminate();
    return lines;
  };
  return { address, log };
}

test("echo_server/echo_client (IPv4): the client gets its bytes back and the server logs the peer", async () => {
  const server = await echoServerWorker(false, "127.0.0.1");
  {
    using s = connectIPv4("127.0.0.1", server.address[1]);
    assert.equal(text(hello(s)), "Hello, world");
  }
  const log = await server.log();
  assert.equal(log.length, 1);
  assert.match(log[0], /^Connected by \["127\.0\.0\.1",\d+\]$/);
});

test("echo_server/echo_client (dual-stack getaddrinfo version) on ::1", async (t) => {
  if (!hasIPv6Loopback(socket)) {
    console.log("skipped: no IPv6 loopback here");
    return t.skip("no IPv6 loopback here");
  }
  const server = await echoServerWorker(true, "::1");
  assert.equal(server.address.length, 4);
  {
    using s = connectAny("::1", server.address[1]);
    assert.equal(s.family, socket.AF_INET6);
    assert.equal(text(hello(s)), "Hello, world");
  }
  assert.match((await server.log())[0], /^Connected by \["::1",\d+,0,0\]$/);
});

test("echo_server listenIPv4/listenAny bind what they are asked for", () => {
  using a = listenIPv4("127.0.0.1", 0);
  assert.equal(a.family, socket.AF_INET);
  assert.equal((a.getsockname() as [string, number])[0], "127.0.0.1");
  using b = listenAny("127.0.0.1", 0);
  assert.equal(b.family, socket.AF_INET);
});

test("echo_demo.ts runs both rounds and prints what each side saw", async () => {
  const r = await runExample("echo_demo.ts");
  assert.equal(r.code, 0, r.stderr);
  const name = RUNTIME === "deno" ? "Deno" : "Bun";
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 6, r.stdout);
  assert.match(lines[0], new RegExp(`^\\[${name}\\] IPv4 echo server listening on \\["127\\.0\\.0\\.1",\\d+\\]$`));
  assert.equal(lines[1], `[${name}] client received "Hello, world"`);
  assert.match(lines[2], new RegExp(`^\\[${name}\\] server: Connected by \\["127\\.0\\.0\\.1",\\d+\\]$`));
  assert.match(lines[3], new RegExp(`^\\[${name}\\] dual-stack echo server listening on \\[".+",\\d+(,0,0)?\\]$`));
  assert.equal(lines[4], `[${name}] client received "Hello, world"`);
  assert.match(lines[5], new RegExp(`^\\[${name}\\] server: Connected by `));
});

test("udp_echo: demo() echoes every datagram, over IPv4 and IPv6", () => {
  assert.deepEqual(udpDemo(["Hello, world", "", "x".repeat(60000)]), ["Hello, world", "", "x".repeat(60000)]);
  if (hasIPv6Loopback(socket)) assert.deepEqual(udpDemo(["six"], "::1"), ["six"]);
});

test("udp_echo: serveEcho() answers each sender at its own address", () => {
  using server = bindUdp("127.0.0.1", 0);
  using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  a.sendto(new TextEncoder().encode("from a"), server.getsockname() as socket.InetAddress);
  b.sendto(new TextEncoder().encode("from b"), server.getsockname() as socket.InetAddress);
  const log: string[] = [];
  assert.equal(serveEcho(server, 2, (l) => log.push(l)), 2);
  assert.equal(text(a.recv(100)), "from a");
  assert.equal(text(b.recv(100)), "from b");
  assert.equal(log.length, 2);
});

test("udp_echo.ts main runs the one-process demo", async () => {
  const r = await runExample("udp_echo.ts");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Received "Hello, world"\nReceived "ping"\nReceived "bye"\n');
});

test("unix_dgram_syslog: syslogLine() formats RFC 3164", () => {
  const date = new Date(2024, 0, 2, 3, 4, 5);
  assert.equal(syslogLine("hello", { date }), "<14>Jan  2 03:04:05 pysocket: hello");
  assert.equal(
    syslogLine("disk full", { date, facility: 3, severity: 2, tag: "app", pid: 42, hostname: "box" }),
    "<26>Jan  2 03:04:05 box app[42]: disk full",
  );
  assert.equal(syslogLine("x", { date: new Date(2024, 11, 25, 23, 59, 9) }), "<14>Dec 25 23:59:09 pysocket: x");
});

test("unix_dgram_syslog: sendSyslog() writes one datagram to a syslog-style socket", () => {
  const dir = tempDir();
  try {
    const path = dir.join("log");
    using log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    log.bind(path);
    const date = new Date(2024, 5, 7, 8, 9, 10);
    const sent = sendSyslog("hello syslog", { path, tag: "test", pid: 7, date });
    assert.equal(sent, "<14>Jun  7 08:09:10 test[7]: hello syslog");
    assert.equal(text(log.recv(1024)), sent);
  } finally {
    dir.remove();
  }
});

test("unix_dgram_syslog: sendSyslog() falls back to a stream socket (EPROTOTYPE), as glibc does", () => {
  const dir = tempDir();
  try {
    const path = dir.join("log");
    using log = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    log.bind(path);
    log.listen(1);
    const sent = sendSyslog("over a stream", { path });
    const [conn] = log.accept();
    using _conn = conn;
    assert.equal(text(conn.recv(1024)), sent + "\n");
  } finally {
    dir.remove();
  }
});

test("unix_dgram_syslog: sendSyslog() to a missing socket raises FileNotFoundError", () => {
  const dir = tempDir();
  try {
    raises(socket.FileNotFoundError, () => sendSyslog("x", { path: dir.join("missing") }), { errno: 2 });
  } finally {
    dir.remove();
  }
});

test("unix_dgram_syslog.ts main sends to the path it is given", async () => {
  const dir = tempDir();
  try {
    const path = dir.join("log");
    using log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    log.bind(path);
    const r = await runExample("unix_dgram_syslog.ts", ["from main", path]);
    assert.equal(r.code, 0, r.stderr);
    const line = text(log.recv(1024));
    assert.match(line, /^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d pysocket: from main$/);
    assert.equal(r.stdout, `sent to ${path}: ${line}\n`);
  } finally {
    dir.remove();
  }
});

test("systemd_notify: notify() reaches an abstract @name and a path", () => {
  const name = `pysocket-notify-${process.pid}-${Date.now()}`;
  using abstract = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  abstract.bind("\0" + name);
  // Abstract: the kernel lists it as @name, the socket's name is the NUL-led bytes, and no file was made.
  assert.deepEqual(abstract.getsockname(), new Uint8Array([0, ...new TextEncoder().encode(name)]));
  assert.ok(readFileSync("/proc/net/unix", "utf8").includes(` @${name}\n`), `@${name} not in /proc/net/unix`);
  assert.equal(existsSync(name), false, `a file ${name} was created`);
  assert.equal(notify("READY=1", "@" + name), true);
  assert.equal(text(abstract.recv(1024)), "READY=1");

  const dir = tempDir();
  try {
    using sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    sock.bind(dir.join("notify"));
    assert.equal(notify("WATCHDOG=1", dir.join("notify")), true);
    assert.equal(notify("STATUS=working\nREADY=1", dir.join("notify")), true);
    assert.equal(text(sock.recv(1024)), "WATCHDOG=1");
    assert.equal(text(sock.recv(1024)), "STATUS=working\nREADY=1");
  } finally {
    dir.remove();
  }
});

test("systemd_notify: no NOTIFY_SOCKET means nothing to tell; bad names are ValueError", () => {
  assert.equal(notify("READY=1", ""), false);
  assert.equal(notifyAddress("@x"), "\0x");
  assert.equal(notifyAddress("/run/systemd/notify"), "/run/systemd/notify");
  raises(socket.ValueError, () => notifyAddress("relative"));
  raises(socket.ValueError, () => notifyAddress("@"));
});

test("systemd_notify: watchdogInterval() is half of WATCHDOG_USEC, for this process only", () => {
  assert.equal(watchdogInterval("2000000", undefined), 1);
  assert.equal(watchdogInterval("2000000", String(process.pid)), 1);
  assert.equal(watchdogInterval("2000000", String(process.pid + 1)), null);
  assert.equal(watchdogInterval(undefined, undefined), null);
  assert.equal(watchdogInterval("0", undefined), null);
});

test("systemd_notify.ts main sends READY=1 to $NOTIFY_SOCKET", async () => {
  const name = `pysocket-notify-main-${process.pid}-${Date.now()}`;
  using sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  sock.bind("\0" + name);
  const r = await runExample("systemd_notify.ts", ["READY=1", "STATUS=up"], { NOTIFY_SOCKET: "@" + name });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'sent "READY=1"\nsent "STATUS=up"\n');
  assert.equal(text(sock.recv(1024)), "READY=1");
  assert.equal(text(sock.recv(1024)), "STATUS=up");
});

/** The errnos with which a kernel refuses a multicast membership (no multicast route, no permission). */
const REFUSALS = new Set([SYS.ENODEV, SYS.EADDRNOTAVAIL, SYS.EPERM, SYS.EACCES, SYS.ENOBUFS]);

/**
 * Why the kernel refuses to join 239.255.42.99 on lo here, or `null` when it accepts: one raw
 * `IP_ADD_MEMBERSHIP` with a hand-built `ip_mreq`, independent of the example. Any other error is a failure.
 */
function multicastRefusal(): string | null {
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, new Uint8Array([239, 255, 42, 99, 127, 0, 0, 1]));
    return null;
  } catch (e) {
    if (e instanceof socket.OSError && e.errno !== null && REFUSALS.has(e.errno)) return String(e);
    throw e;
  }
}

test("multicast: a member of a group on lo receives what a sender sends to the group", async (t) => {
  const refused = multicastRefusal();
  if (refused !== null) {
    console.log(`skipped: the kernel refuses multicast on loopback here (${refused})`);
    return t.skip(`the kernel refuses multicast on loopback here (${refused})`);
  }
  // The kernel accepts membership: from here on, any error (a timeout included) is the module's or the example's.
  const [got, from] = roundTrip("Hello, group");
  assert.equal(got, "Hello, group");
  assert.equal((from as [string, number])[0], "127.0.0.1");
  const r = await runExample("multicast.ts");
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^member of 239\.255\.42\.99 on 127\.0\.0\.1 received "Hello, group" from \["127\.0\.0\.1",\d+\]\n$/,
  );
});
