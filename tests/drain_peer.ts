/**
 * A python3 peer that drains a Unix socket only once the thread under test
 * is blocked in `poll` (read from /proc/PID/task/TID/syscall), so that tests
 * of a send that must wait for room depend on no timing. Shared by
 * `socket_survivors_test.ts` and `socket_tail_test.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readlinkSync } from "node:fs";
import * as socket from "../mod.ts";

/** Generous: the peer drains as soon as it is told to; this only bounds a broken wait. */
export const WAIT = 60;

/**
 * The peer's script: connect the control connection to argv[2], wait for one
 * byte on it and for the thread that runs the test (argv[4]) to block in poll, then drain (stream: argv[3] is the address to connect; dgram:
 * argv[3] is the path to bind before connecting), and print what arrived.
 */
const DRAIN_PY = `
import socket, sys
kind, ctl_path, data_path, thread = sys.argv[1:5]
if kind == "stream":
    d = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    d.connect(data_path)
else:
    d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    d.bind(data_path)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(ctl_path)
c.recv(1)
# Wait until the thread that runs the test (argv[4]: PID/task/TID) is in poll/ppoll: the send() under test has found the buffer full.
polls = {"x86_64": ("7", "271"), "aarch64": ("73",)}.get(__import__("platform").machine())
while polls:
    try:
        with open("/proc/%s/syscall" % thread) as f:
            r = f.read()
            if r.split(" ")[0] in polls:
                break
    except OSError:
        break
    __import__("time").sleep(0.001)
n = 0
while True:
    b = d.recv(1 << 16)
    if kind == "stream" and not b:
        break
    if kind == "dgram" and len(b) == 1:
        break
    n += len(b)
print(n)
`;

/** A listening AF_UNIX stream socket at `path`, whose accept() gives up after WAIT seconds. */
export function unixListener(path: string): socket.SocketType {
  const l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  l.bind(path);
  l.listen();
  l.settimeout(WAIT);
  return l;
}

/** Starts the python3 drain peer; resolves with the byte count it printed once it exits. */
export function drainPeer(kind: "stream" | "dgram", ctlPath: string, dataPath: string): Promise<number> {
  const child = spawn("python3", ["-c", DRAIN_PY, kind, ctlPath, dataPath, readlinkSync("/proc/thread-self")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => out += d);
  return new Promise((done, failed) => {
    child.on("error", failed);
    child.on("close", (code) => code === 0 ? done(Number(out.trim())) : failed(new Error(`python3 exited ${code}`)));
  });
}

/** Calls `send` in non-blocking mode until the buffer is full (BlockingIOError); the bytes it took. */
export function fill(s: socket.SocketType, send: () => number): number {
  s.setblocking(false);
  let total = 0;
  for (;;) {
    try {
      total += send();
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError, `expected BlockingIOError, got ${e}`);
      return total;
    }
  }
}
