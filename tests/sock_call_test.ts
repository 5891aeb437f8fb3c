/**
 * lib/sock_call.ts, the one deadline loop: in timeout mode a wait is one
 * `poll(2)` on the right descriptor (no busy loop, no sleeping through the
 * data), errors other than EAGAIN raise at once, and a deadline already past
 * raises `timeout` without hanging.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { bytes, countCalls, raises, text } from "./helpers.ts";
import { unavailable } from "./oracle.ts";

describe("sockCall in timeout mode", () => {
  test("accept and recv wait in poll for a peer in another process: a few polls, then the data", async (t) => {
    const why = unavailable();
    if (why !== null) {
      console.log(`skipped: ${why}`);
      return t.skip(why);
    }
    using server = socket.create_server(["127.0.0.1", 0]);
    const [, port] = server.getsockname() as [string, number];
    // The peer connects a little later, so that accept() is likely waiting in poll() by then.
    const child = spawn("python3", [
      "-c",
      `import socket, time; time.sleep(0.3); s = socket.create_connection(("127.0.0.1", ${port})); ` +
      `time.sleep(0.3); s.sendall(b"late"); s.close()`,
    ], { stdio: "ignore" });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    server.settimeout(60);
    const calls: string[] = [];
    const [conn] = countCalls(calls, () => server.accept());
    using c = conn;
    c.settimeout(60);
    assert.equal(text(countCalls(calls, () => c.recv(10))), "late");
    // One poll per wait (a signal may add a retry): a poll on a wrong descriptor spins or sleeps to the deadline.
    const polls = calls.filter((n) => n === "poll").length;
    assert.ok(polls <= 6, `${polls} polls`);
    await exited;
  });

  test("an error other than EAGAIN raises at once: send to a closed peer is BrokenPipeError", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    a.settimeout(30);
    b.close();
    raises(socket.BrokenPipeError, () => a.send(bytes("x")), { errno: SYS.EPIPE });
    raises(socket.BrokenPipeError, () => a.sendall(bytes("x")), { errno: SYS.EPIPE });
  });

  test("a timeout shorter than the clock's resolution raises timeout at once, without hanging", () => {
    const [a, b] = socket.socketpair();
    using _a = a;
    using _b = b;
    a.settimeout(1e-9);
    raises(socket.TimeoutError, () => a.recv(1), { message: "timed out" });
    b.sendall(bytes("y"));
    assert.equal(text(a.recv(1)), "y");
  });
});
