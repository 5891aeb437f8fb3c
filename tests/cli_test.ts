/**
 * End-to-end tests of `cli.ts`: each test spawns the CLI under the runtime
 * running the tests and talks to it over loopback and Unix sockets. The
 * netcat-style options (issue 18) are in `cli_nc_test.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { existsSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import * as socket from "../mod.ts";
import { hasIPv6Loopback, tempDir } from "./helpers.ts";
import { cliArgv, type Run, run, SELF } from "./cli_helpers.ts";

/** Spawns the CLI under this runtime; `input` is written to its stdin, which is then closed (unless `null`). */
function cli(args: string[], input: Uint8Array | string | null = ""): Run {
  return run(cliArgv(SELF, args), input);
}

/** Deterministic pseudo-random bytes. */
function noise(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function bothWays(listenArgs: string[], connectArgs: (m: RegExpMatchArray) => string[], size: number) {
  const a = noise(size, 1), b = noise(size - 1234, 2);
  const listener = cli(listenArgs, b);
  const m = await listener.line(/listening on (.*)\n/);
  const client = cli(connectArgs(m), a);
  const [l, c] = await Promise.all([listener.done, client.done]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(l.code, 0, l.stderr);
  assert.ok(Buffer.from(l.stdout).equals(Buffer.from(a)), `listener received ${l.stdout.length} of ${a.length} bytes`);
  assert.ok(Buffer.from(c.stdout).equals(Buffer.from(b)), `client received ${c.stdout.length} of ${b.length} bytes`);
  return { l, c };
}

test("cli connect/listen over TCP copies a file's bytes both ways and both exit 0 at EOF", async () => {
  const { c } = await bothWays(
    ["listen", "127.0.0.1", "0"],
    (m) => ["connect", "--progress", "-v", "127.0.0.1", m[1].split(":")[1]],
    3 << 20,
  );
  assert.match(c.stderr, /^connected to 127\.0\.0\.1:\d+ from 127\.0\.0\.1:\d+$/m);
  assert.match(c.stderr, /^done: sent 3\.0 MiB, received 3\.0 MiB, .*\/s$/m);
});

test("cli connect/listen -6 over TCP on ::1", async (t) => {
  if (!hasIPv6Loopback(socket)) {
    console.log("skipped: no IPv6 loopback here");
    return t.skip("no IPv6 loopback here");
  }
  await bothWays(["listen", "-6", "::1", "0"], (m) => ["connect", "-6", "::1", m[1].replace(/^\[.*\]:/, "")], 100000);
});

test("cli connect/listen -u exchanges UDP datagrams and ends after --count", async () => {
  const listener = cli(["listen", "-u", "--count", "1", "127.0.0.1", "0"], "pong");
  const [, port] = await listener.line(/listening on 127\.0\.0\.1:(\d+)\n/);
  const client = cli(["connect", "-u", "--count", "1", "-v", "127.0.0.1", port], "ping");
  const [l, c] = await Promise.all([listener.done, client.done]);
  assert.equal(l.code, 0, l.stderr);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(text(l.stdout), "ping");
  assert.equal(text(c.stdout), "pong");
});

test("cli connect/listen -U over a Unix stream path copies both ways and removes the socket file", async () => {
  const dir = tempDir();
  try {
    const path = dir.join("s.sock");
    await bothWays(["listen", "-U", path], () => ["connect", "-U", path], 200000);
    assert.equal(existsSync(path), false);
  } finally {
    dir.remove();
  }
});

test("cli connect/listen -U -u over an abstract Unix datagram name (@name)", async () => {
  const name = `@pysocket-cli-test-${process.pid}-${Date.now()}`;
  const listener = cli(["listen", "-U", "-u", "--count", "1", name], "pong");
  await listener.line(new RegExp(`listening on ${name}\n`));
  const client = cli(["connect", "-U", "-u", "--count", "1", name], "ping");
  const [l, c] = await Promise.all([listener.done, client.done]);
  assert.equal(l.code, 0, l.stderr);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(text(l.stdout), "ping");
  assert.equal(text(c.stdout), "pong");
});

test("cli connect/listen -U --seqpacket keeps working to EOF", async () => {
  const dir = tempDir();
  try {
    const path = dir.join("sp.sock");
    await bothWays(["listen", "-U", "--seqpacket", path], () => ["connect", "-U", "--seqpacket", path], 50000);
  } finally {
    dir.remove();
  }
});

test("cli connect reports connection refused as Python does, naming the peer, and exits 1", async () => {
  // A bound socket that does not listen refuses connections.
  using closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  closed.bind(["127.0.0.1", 0]);
  const [, port] = closed.getsockname() as [string, number];
  const r = await cli(["connect", "127.0.0.1", String(port)]).done;
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `pysocket: connect 127.0.0.1:${port}: [Errno 111] Connection refused\n`);
  assert.equal(r.stdout.length, 0);
});

test("cli reports an unknown host as gaierror and exits 1", async () => {
  const r = await cli(["connect", "no-such-host.invalid", "80"]).done;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^pysocket: getaddrinfo no-such-host\.invalid 80: \[Errno -\d+\] .+\n$/);
});

test("cli usage errors exit 2 with a message and a hint, and no stack trace", async () => {
  const cases: [string[], RegExp][] = [
    [[], /^usage: pysocket COMMAND/],
    [["frobnicate"], /^pysocket: unknown command 'frobnicate'\nTry 'pysocket --help'\.\n$/],
    [["connect", "127.0.0.1"], /^pysocket connect: connect wants two arguments: HOST PORT\n/],
    [["connect", "--bogus", "a", "1"], /^pysocket connect: unknown option '--bogus'\n/],
    [["listen", "--timeout", "soon", "0"], /^pysocket listen: --timeout wants a positive number, not 'soon'\n/],
    [["listen", "-4", "-6", "0"], /-4 and -6 exclude each other/],
    [["listen", "--seqpacket", "0"], /--seqpacket needs -U/],
    [["connect", "--count", "2", "127.0.0.1", "1"], /--count applies to datagram sockets/],
    [["connect", "127.0.0.1", "70000"], /port 70000 is out of range/],
    [["resolve"], /resolve wants HOST \[PORT\]/],
    [["ifaces", "extra"], /ifaces takes no arguments/],
    [["sniff", "--count", "0"], /--count wants a positive integer, not '0'/],
    [["connect", "-z", "-u", "127.0.0.1", "1"], /-z probes stream sockets/],
    [["connect", "-zv", "-e", "cat", "127.0.0.1", "1"], /-z and -e exclude each other/],
    [["connect", "-e", "cat", "-c", "cat", "127.0.0.1", "1"], /-e and -c exclude each other/],
    [["connect", "-w0", "127.0.0.1", "1"], /--wait wants a positive number, not '0'/],
    [["connect", "-i", "-1", "127.0.0.1", "1"], /--idle-timeout wants a positive number, not '-1'/],
    [["connect", "-U", "-p", "1", "/tmp/x"], /-p does not apply to Unix sockets/],
    [["listen", "-k", "-u", "0"], /-k and --broker serve connections: not for datagram sockets/],
    [["listen", "--broker", "-e", "cat", "0"], /--broker and -e exclude each other/],
    [["listen", "-p", "0", "1234"], /give the address as \[HOST\] PORT or with -s\/-p, not both/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args).done;
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});

test("cli --help prints each command's usage on stdout and exits 0", async () => {
  for (const name of ["connect", "listen", "resolve", "ifaces", "sniff"]) {
    const r = await cli([name, "--help"]).done;
    assert.equal(r.code, 0);
    assert.match(text(r.stdout), new RegExp(`^usage: pysocket ${name} `));
    assert.match(text(r.stdout), /-h, --help/);
  }
  const top = await cli(["--help"]).done;
  assert.equal(top.code, 0);
  assert.match(text(top.stdout), /^ {2}sniff +Print one line per link-layer frame/m);
});

test("cli resolve prints getaddrinfo's table", async () => {
  const r = await cli(["resolve", "--tcp", "-4", "127.0.0.1", "80"]).done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    text(r.stdout),
    "FAMILY   TYPE         PROTO  CANONNAME  SOCKADDR\n" +
      "AF_INET  SOCK_STREAM  6                 ('127.0.0.1', 80)\n",
  );
  const all = await cli(["resolve", "localhost"]).done;
  assert.equal(all.code, 0, all.stderr);
  const rows = text(all.stdout).trimEnd().split("\n").slice(1);
  const expected = socket.getaddrinfo("localhost", null);
  assert.equal(rows.length, expected.length);
  assert.match(rows[0], /^AF_INET6? +SOCK_STREAM +6 +\('(127\.0\.0\.1|::1)', 0/);
});

test("cli ifaces lists the loopback interface with its netlink flags, MTU and address", async () => {
  const r = await cli(["ifaces"]).done;
  assert.equal(r.code, 0, r.stderr);
  const lines = text(r.stdout).trimEnd().split("\n");
  assert.match(lines[0], /^INDEX +NAME +FLAGS +MTU +ADDRESS$/);
  const lo = lines.find((l) => /^\d+ +lo\b/.test(l));
  assert.ok(lo, text(r.stdout));
  assert.match(lo, /^(\d+) +lo +(\S*,)?LOOPBACK(,\S*)? +\d+ +00:00:00:00:00:00$/);
  const [index] = socket.if_nameindex().find(([, name]) => name === "lo")!;
  assert.equal(Number(lo.split(/ +/)[0]), index);
});

test("cli sniff --count 1 on lo prints one line per frame", async (t) => {
  if (process.getuid?.() !== 0) {
    console.log("skipped: AF_PACKET needs root");
    return t.skip("AF_PACKET needs root");
  }
  const sniff = cli(["sniff", "--iface", "lo", "--count", "1", "--timeout", "30"]);
  // Traffic on lo until the sniffer has seen a frame.
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  let ended = false;
  sniff.done.finally(() => ended = true);
  while (!ended) {
    tx.sendto(new TextEncoder().encode("sniff me"), rx.getsockname()!);
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = await sniff.done;
  assert.equal(r.code, 0, r.stderr);
  const lines = text(r.stdout).trimEnd().split("\n");
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\d\d:\d\d:\d\d\.\d{3} lo (In|Out|B|M|P) \S/);
});

test("cli connect --timeout ends an idle datagram copy with status 0", async () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  const [, port] = rx.getsockname() as [string, number];
  const r = await cli(["connect", "-u", "--timeout", "0.3", "127.0.0.1", String(port)], "hello").done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(text(rx.recv(100)), "hello");
});
