/**
 * End-to-end tests of `cli.ts` as a netcat user drives it (issue 18):
 * keep-open, Unix socket files, a closed stdout, errors that name the peer,
 * `-z`, `-s`/`-p`, `-w`, `-i`, `-e`/`-c` and `--broker`. Every test runs
 * the CLI under both Deno and Bun (`deno run --allow-all cli.ts`, `bun
 * cli.ts`), against peers written in Python; nc and socat are used too
 * where installed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import * as socket from "../mod.ts";
import { tempDir } from "./helpers.ts";
import {
  cli,
  cliArgv,
  has,
  HAS_PYTHON,
  listening,
  pyPeer,
  reports,
  run,
  type Runner,
  RUNNERS,
  signal,
  text,
} from "./cli_helpers.ts";

/** A test per runtime; skipped, with the reason printed, without python3 when `python` is set. */
function each(name: string, fn: (r: Runner) => Promise<void>, python = true): void {
  for (const r of RUNNERS) {
    test(`cli (${r.name}) ${name}`, async (t) => {
      if (python && !HAS_PYTHON) {
        console.log(`skipped: python3 is not installed (the peer is a Python program)`);
        return t.skip("python3 is not installed");
      }
      await fn(r);
    });
  }
}

/** A port on 127.0.0.1 that nobody listens on (bound, not listening: connect() is refused). */
function refusingPort(): { port: number; [Symbol.dispose](): void } {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  return { port: (s.getsockname() as [string, number])[1], [Symbol.dispose]: () => s.close() };
}

/** A free port on 127.0.0.1, for -p (free a moment ago). */
function freePort(): number {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  return (s.getsockname() as [string, number])[1];
}

// ---------------------------------------------------------------------------
// -k

each("listen -k serves two clients in turn and keeps listening", async (r) => {
  const listener = cli(r, ["listen", "-k", "127.0.0.1", "0"]);
  try {
    const port = await listening(listener);
    for (const word of ["one", "two"]) {
      const client = run(["python3", "-c", PY_CLIENT, String(port), word]);
      const c = await client.done;
      assert.equal(c.code, 0, c.stderr);
    }
    await listener.outLine(/onetwo/);
    assert.equal(listener.child.exitCode, null, "still listening after two clients");
  } finally {
    signal(listener, "SIGTERM");
  }
  const l = await listener.done;
  assert.equal(text(l.stdout), "onetwo");
});

const PY_CLIENT = String.raw`
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(sys.argv[2].encode())
c.shutdown(socket.SHUT_WR)
while c.recv(65536): pass
`;

each("listen -k with nc clients, one after the other", async (r) => {
  if (!has("nc")) return void console.log("skipped: nc is not installed");
  const listener = cli(r, ["listen", "-k", "127.0.0.1", "0"]);
  try {
    const port = await listening(listener);
    for (const word of ["alpha", "beta"]) {
      const c = await run(["nc", "-N", "127.0.0.1", String(port)], word).done;
      assert.equal(c.code, 0, c.stderr);
    }
    await listener.outLine(/alphabeta/);
  } finally {
    signal(listener, "SIGTERM");
  }
  await listener.done;
}, false);

each("listen -k -e runs the program for each client, at once", async (r) => {
  const listener = cli(r, ["listen", "-k", "-e", "tr a-z A-Z", "127.0.0.1", "0"]);
  try {
    const port = await listening(listener);
    // Two clients at once: each gets its own program.
    const [a, b] = await Promise.all(
      ["first", "second"].map((w) => run(["python3", "-c", PEER_ECHO, String(port), w]).done),
    );
    assert.equal(text(a.stdout), "FIRST");
    assert.equal(text(b.stdout), "SECOND");
  } finally {
    signal(listener, "SIGTERM");
  }
  await listener.done;
});

/** Connects, sends argv[2], shuts down writing, prints what comes back. */
const PEER_ECHO = String.raw`
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(sys.argv[2].encode())
c.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = c.recv(65536)
    if not b: break
    got += b
sys.stdout.write(got.decode())
`;

// ---------------------------------------------------------------------------
// Unix socket files

each("listen -U removes a stale socket file at start, then serves", async (r) => {
  const dir = tempDir();
  try {
    const path = dir.join("stale.sock");
    const stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    stale.bind(path);
    stale.close(); // the file stays, nobody behind it
    assert.ok(lstatSync(path).isSocket());
    const listener = cli(r, ["listen", "-v", "-U", path]);
    await listener.line(/listening on /);
    assert.match(await listener.line(/removed the stale socket .*\n/).then((m) => m[0]), /stale\.sock/);
    const c = await run(["python3", "-c", PY_UNIX_CLIENT, path, "via unix"]).done;
    assert.equal(c.code, 0, c.stderr);
    const l = await listener.done;
    assert.equal(l.code, 0, l.stderr);
    assert.equal(text(l.stdout), "via unix");
    assert.equal(existsSync(path), false, "removed at the end");
  } finally {
    dir.remove();
  }
});

const PY_UNIX_CLIENT = String.raw`
import socket, sys
c = socket.socket(socket.AF_UNIX)
c.connect(sys.argv[1])
c.sendall(sys.argv[2].encode())
c.shutdown(socket.SHUT_WR)
while c.recv(65536): pass
`;

each("listen -U leaves a live socket alone and reports it in use", async (r) => {
  const dir = tempDir();
  try {
    const path = dir.join("live.sock");
    // Two connections: the CLI's probe (is anyone there?), then ours.
    const { peer } = await pyPeer(["server", "report", "2", `unix:${path}`]);
    try {
      // -w: should the CLI take the path over, the test fails rather than waits forever.
      const l = await cli(r, ["listen", "-w", "20", "-U", path]).done;
      assert.equal(l.code, 1);
      assert.equal(l.stderr, `pysocket: listen ${path}: [Errno 98] Address already in use\n`);
      // The Python server still has its file and its clients.
      const c = await run(["python3", "-c", PY_UNIX_CLIENT, path, "still there"]).done;
      assert.equal(c.code, 0, c.stderr);
      await peer.outLine(/"data": "still there"/);
    } finally {
      peer.child.kill();
    }
  } finally {
    dir.remove();
  }
});

each("listen -U refuses a path that is not a socket and leaves it untouched", async (r) => {
  const dir = tempDir();
  try {
    const cases: [string, () => void, RegExp][] = [
      ["file", () => writeFileSync(dir.join("file"), "precious"), /a regular file, not a socket/],
      ["dir", () => mkdirSync(dir.join("dir")), /a directory, not a socket/],
      ["fifo", () => spawnSync("mkfifo", [dir.join("fifo")]), /a FIFO, not a socket/],
      ["link", () => symlinkSync(dir.join("file"), dir.join("link")), /a symbolic link, not a socket/],
    ];
    for (const [name, make, why] of cases) {
      make();
      const path = dir.join(name);
      const l = await cli(r, ["listen", "-w", "20", "-U", path]).done; // -w: as above
      assert.equal(l.code, 1, `${name}: ${l.stderr}`);
      assert.ok(
        l.stderr.startsWith(`pysocket: listen ${path}: [Errno 98] Address already in use (`),
        `${name}: ${l.stderr}`,
      );
      assert.match(l.stderr, why);
      assert.ok(existsSync(path), `${name} is still there`);
    }
    assert.equal(readFileSync(dir.join("file"), "utf8"), "precious");
  } finally {
    dir.remove();
  }
});

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  each(`listen -U removes its socket file on ${sig}, waiting for a peer or copying`, async (r) => {
    const dir = tempDir();
    try {
      // Waiting in accept.
      const path = dir.join("a.sock");
      const waiting = cli(r, ["listen", "-U", path], null);
      await waiting.line(/listening on /);
      assert.ok(lstatSync(path).isSocket());
      signal(waiting, sig);
      const w = await waiting.done;
      assert.equal(w.code, sig === "SIGINT" ? 130 : 143, w.stderr);
      assert.equal(existsSync(path), false, "removed after a signal in accept");
      // In the copy, with a peer connected.
      const copying = cli(r, ["listen", "-v", "-U", path], null);
      await copying.line(/listening on /);
      const peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      peer.connect(path);
      await copying.line(/connection from/);
      signal(copying, sig);
      const c = await copying.done;
      peer.close();
      assert.equal(c.code, sig === "SIGINT" ? 130 : 143, c.stderr);
      assert.equal(existsSync(path), false, "removed after a signal in the copy");
    } finally {
      dir.remove();
    }
  });
}

// ---------------------------------------------------------------------------
// stdout's reader goes away

each("connect | head -c 10 ends quietly with status 0", async (r) => {
  const { peer, port } = await pyPeer(["server", "flood", "1", "0"]);
  const dir = tempDir();
  try {
    const status = dir.join("status");
    // The CLI's own status, from inside the pipeline.
    const script = `{ "$@" < /dev/null; echo $? > '${status}'; } | head -c 10`;
    const p = await run(["sh", "-c", script, "sh", ...cliArgv(r, ["connect", "127.0.0.1", String(port)])]).done;
    assert.equal(text(p.stdout), "xxxxxxxxxx");
    assert.equal(p.stderr, "", "no error text");
    assert.equal(readFileSync(status, "utf8").trim(), "0");
  } finally {
    peer.child.kill();
    dir.remove();
  }
});

each("--help | head -c 10: later writes to the closed pipe end quietly with status 0", async (r) => {
  const dir = tempDir();
  try {
    const status = dir.join("status");
    // The second and third runs write after head has gone.
    const script = `{ for i in 1 2 3; do "$@"; done; echo $? > '${status}'; } | head -c 10`;
    const p = await run(["sh", "-c", script, "sh", ...cliArgv(r, ["--help"])]).done;
    assert.equal(p.stdout.length, 10);
    assert.equal(p.stderr, "");
    assert.equal(readFileSync(status, "utf8").trim(), "0");
  } finally {
    dir.remove();
  }
}, false);

// ---------------------------------------------------------------------------
// Errors name the peer

each("errors name the peer: connect, listen, Unix paths", async (r) => {
  using refusing = refusingPort();
  const c = await cli(r, ["connect", "127.0.0.1", String(refusing.port)]).done;
  assert.equal(c.code, 1);
  assert.equal(c.stderr, `pysocket: connect 127.0.0.1:${refusing.port}: [Errno 111] Connection refused\n`);
  assert.equal(c.stdout.length, 0);

  using busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  busy.bind(["127.0.0.1", 0]);
  busy.listen(1);
  const [, port] = busy.getsockname() as [string, number];
  const l = await cli(r, ["listen", "127.0.0.1", String(port)]).done;
  assert.equal(l.code, 1);
  assert.equal(l.stderr, `pysocket: listen 127.0.0.1:${port}: [Errno 98] Address already in use\n`);

  const dir = tempDir();
  try {
    const missing = dir.join("nobody.sock");
    const u = await cli(r, ["connect", "-U", missing]).done;
    assert.equal(u.code, 1);
    assert.equal(u.stderr, `pysocket: connect ${missing}: [Errno 2] No such file or directory\n`);
    const nodir = dir.join("no/such/dir.sock");
    const ul = await cli(r, ["listen", "-U", nodir]).done;
    assert.equal(ul.code, 1);
    assert.equal(ul.stderr, `pysocket: listen ${nodir}: [Errno 2] No such file or directory\n`);
  } finally {
    dir.remove();
  }

  const g = await cli(r, ["connect", "no-such-host.invalid", "80"]).done;
  assert.equal(g.code, 1);
  assert.match(g.stderr, /^pysocket: getaddrinfo no-such-host\.invalid 80: \[Errno -\d+\] .+\n$/);
}, false);

// ---------------------------------------------------------------------------
// -z

each("connect -z: status 0 for an open port (nothing sent), 1 for a closed one", async (r) => {
  const { peer, port } = await pyPeer(["server", "report", "2", "0"]);
  try {
    const open = await cli(r, ["connect", "-z", "-v", "127.0.0.1", String(port)], null).done;
    assert.equal(open.code, 0, open.stderr);
    assert.equal(open.stderr, `127.0.0.1:${port} is open\n`);
    const [report] = reports(await peer.outLine(/^\{.*\}\n/m).then((m) => m[0]));
    assert.equal(report.data, "", "the probe sends nothing");
    const quiet = await cli(r, ["connect", "-z", "127.0.0.1", String(port)], null).done;
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, "", "no message without -v");
  } finally {
    peer.child.kill();
  }
  using refusing = refusingPort();
  const closed = await cli(r, ["connect", "-z", "-v", "127.0.0.1", String(refusing.port)], null).done;
  assert.equal(closed.code, 1);
  assert.equal(closed.stderr, `pysocket: connect 127.0.0.1:${refusing.port}: [Errno 111] Connection refused\n`);
});

// ---------------------------------------------------------------------------
// -s and -p

each("connect -s ADDR -p PORT: the peer sees that source address and port", async (r) => {
  const { peer, port } = await pyPeer(["server", "report", "2", "0"]);
  try {
    const src = freePort();
    const c = await cli(r, ["connect", "-s", "127.0.0.2", "-p", String(src), "127.0.0.1", String(port)], "hi").done;
    assert.equal(c.code, 0, c.stderr);
    let [report] = reports(await peer.outLine(/^\{.*\}\n/m).then((m) => m[0]));
    assert.deepEqual(report, { peer: ["127.0.0.2", src], data: "hi" });
    // -s alone: any port.
    const s = await cli(r, ["connect", "-s", "127.0.0.3", "127.0.0.1", String(port)], "ho").done;
    assert.equal(s.code, 0, s.stderr);
    const m = await peer.outLine(/^\{.*"ho".*\}\n/m);
    [report] = reports(m[0]);
    assert.equal((report.peer as unknown[])[0], "127.0.0.3");
  } finally {
    peer.child.kill();
  }
});

each("connect -p with a port in use names the source address", async (r) => {
  using taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  taken.bind(["127.0.0.1", 0]);
  taken.listen(1);
  const [, port] = taken.getsockname() as [string, number];
  const c = await cli(r, ["connect", "-s", "127.0.0.1", "-p", String(port), "127.0.0.1", String(port)]).done;
  assert.equal(c.code, 1);
  assert.equal(c.stderr, `pysocket: bind 127.0.0.1:${port}: [Errno 98] Address already in use\n`);
}, false);

// ---------------------------------------------------------------------------
// -w and -i

// A listener whose backlog is full drops further SYNs, so a connect to it
// hangs in SYN_SENT: a timeout that fires deterministically on loopback.
each("connect -w gives up on a connect that hangs (a full backlog)", async (r) => {
  const { peer, port } = await pyPeer(["server", "full", "0", "0"]);
  try {
    const start = performance.now();
    const c = await cli(r, ["connect", "-w", "0.5", "127.0.0.1", String(port)], null).done;
    const elapsed = performance.now() - start;
    assert.equal(c.code, 1);
    assert.equal(c.stderr, `pysocket: connect 127.0.0.1:${port}: timed out\n`);
    assert.ok(elapsed >= 500, `never early: ${elapsed} ms`);
  } finally {
    peer.child.kill();
  }
});

each("connect -i ends after that long with no data either way, and data restarts the clock", async (r) => {
  // The peer sends "tick" three times 0.3 s apart, then nothing, and never closes; stdin stays open.
  const { peer, port } = await pyPeer(["server", "quiet", "1", "0"]);
  try {
    const start = performance.now();
    const c = await cli(r, ["connect", "-v", "-i", "0.5", "127.0.0.1", String(port)], null).done;
    const elapsed = performance.now() - start;
    assert.equal(c.code, 0, c.stderr);
    assert.equal(text(c.stdout), "tick".repeat(3));
    assert.match(c.stderr, /idle for 0\.5 s: closing\n$/);
    assert.ok(elapsed >= 900 + 500, `the last tick (0.9 s) plus 0.5 s idle: ${elapsed} ms`);
  } finally {
    peer.child.kill();
  }
});

// ---------------------------------------------------------------------------
// -e and -c

each("listen -e relays a client to a program's stdin and stdout and exits with its status", async (r) => {
  const listener = cli(r, ["listen", "-e", "tr a-z A-Z", "127.0.0.1", "0"]);
  const port = await listening(listener);
  const c = await run(["python3", "-c", PEER_ECHO, String(port), "hello, program"]).done;
  assert.equal(text(c.stdout), "HELLO, PROGRAM");
  const l = await listener.done;
  assert.equal(l.code, 0, l.stderr);
  assert.equal(l.stdout.length, 0, "the program's output goes to the peer, not stdout");
});

each("connect -c runs a shell command on the connection; its status is the exit status", async (r) => {
  const { peer, port } = await pyPeer(["server", "report", "1", "0"]);
  try {
    const c = await cli(r, ["connect", "-c", "echo from-sh; exit 3", "127.0.0.1", String(port)]).done;
    assert.equal(c.code, 3, c.stderr);
    const [report] = reports(await peer.outLine(/^\{.*\}\n/m).then((m) => m[0]));
    assert.equal(report.data, "from-sh\n");
  } finally {
    peer.child.kill();
  }
});

each("connect -e with a program that is not there names it", async (r) => {
  const listener = cli(r, ["listen", "127.0.0.1", "0"], null);
  const port = await listening(listener);
  const c = await cli(r, ["connect", "-e", "no-such-program-here --flag", "127.0.0.1", String(port)]).done;
  listener.child.kill();
  await listener.done;
  assert.equal(c.code, 1);
  assert.match(c.stderr, /^pysocket: exec no-such-program-here --flag: .+\n$/);
}, false);

each("listen -e with socat as the client", async (r) => {
  if (!has("socat")) return void console.log("skipped: socat is not installed");
  const listener = cli(r, ["listen", "-e", "tr a-z A-Z", "127.0.0.1", "0"]);
  const port = await listening(listener);
  // -t: how long socat waits for the reply after the end of its stdin (0.5 s by default).
  const c = await run(["socat", "-t", "60", "-", `TCP:127.0.0.1:${port}`], "via socat").done;
  assert.equal(text(c.stdout), "VIA SOCAT");
  assert.equal((await listener.done).code, 0);
}, false);

// ---------------------------------------------------------------------------
// --broker

each("listen --broker sends what one client says to the others", async (r) => {
  const listener = cli(r, ["listen", "-v", "--broker", "127.0.0.1", "0"]);
  try {
    const port = await listening(listener);
    using a = socket.create_connection(["127.0.0.1", port]);
    await listener.line(/connection from .*\n/);
    using b = socket.create_connection(["127.0.0.1", port]);
    await listener.line(/connection from (.*\n){2}/);
    a.sendall(new TextEncoder().encode("to b"));
    b.settimeout(30);
    assert.equal(text(b.recv(100)), "to b");
    b.sendall(new TextEncoder().encode("to a"));
    a.settimeout(30);
    assert.equal(text(a.recv(100)), "to a");
  } finally {
    signal(listener, "SIGTERM");
  }
  await listener.done;
}, false);

// ---------------------------------------------------------------------------
// --help

each("--help lists every option of connect and listen with an example", async (r) => {
  for (const cmd of ["connect", "listen"]) {
    const h = text((await cli(r, [cmd, "--help"]).done).stdout);
    const names = cmd === "connect"
      ? ["-z, --zero", "-s, --source ADDR", "-p, --source-port PORT", "-w, --wait SECONDS"]
      : ["-k, --keep-open", "--broker", "-w, --wait SECONDS"];
    for (const o of [...names, "-i, --idle-timeout SECONDS", "-e, --exec CMD", "-c, --sh-exec CMD", "-v, --verbose"]) {
      assert.ok(h.includes(o), `${cmd} --help lists ${o}`);
    }
    const lines = h.split("\n");
    const options = lines.filter((l) => /^ {2}(-\w, | {4})--/.test(l));
    for (const o of options) {
      const next = lines[lines.indexOf(o) + 1];
      assert.match(next, /^ +e\.g\. pysocket /, `an example after ${o.trim()}`);
    }
  }
  const top = text((await cli(r, ["--help"]).done).stdout);
  assert.match(top, /--keep-open/);
  assert.match(top, /--idle-timeout/);
}, false);
