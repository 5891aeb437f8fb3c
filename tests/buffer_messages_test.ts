// The TypeError for a receive buffer that is not one names the call and the
// argument as CPython's "w*" conversion does ("recv_into() argument 1 must be
// read-write bytes-like object, not dict"), on the socket object, the
// makefile() objects and the awaitable sock_* functions; a plain object is
// Python's dict in every such message. python3, when present, gives the
// expected texts; without it, the table's own texts (written from python3
// 3.11) are checked.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { hasPython, python } from "./helpers.ts";

/** [python3 expression, its TypeError text in python3 3.11, the same call here]. */
type Row = [string, string, (s: socket.SocketType) => unknown];

const ROWS: Row[] = [
  [
    "a.recv_into({})",
    "recv_into() argument 1 must be read-write bytes-like object, not dict",
    (a) => a.recv_into({} as never),
  ],
  [
    "a.recv_into('x')",
    "recv_into() argument 1 must be read-write bytes-like object, not str",
    (a) => a.recv_into("x" as never),
  ],
  [
    "a.recv_into(5)",
    "recv_into() argument 1 must be read-write bytes-like object, not int",
    (a) => a.recv_into(5 as never),
  ],
  [
    "a.recvfrom_into({})",
    "recvfrom_into() argument 1 must be read-write bytes-like object, not dict",
    (a) => a.recvfrom_into({} as never),
  ],
  [
    "a.makefile('rb', buffering=0).readinto({})",
    "recv_into() argument 1 must be read-write bytes-like object, not dict",
    (a) => a.makefile("rb", 0).readinto({} as never),
  ],
  [
    "a.makefile('rb').readinto({})",
    "readinto() argument must be read-write bytes-like object, not dict",
    (a) => a.makefile("rb").readinto({} as never),
  ],
  ["a.send({})", "a bytes-like object is required, not 'dict'", (a) => a.send({} as never)],
  ["a.bind(({}, 80))", "str, bytes or bytearray expected, not dict", (a) => a.bind([{} as never, 80])],
];

const SCRIPT = `
import json, socket, sys
a, b = socket.socketpair()
a2 = socket.socket()
out = []
for expr in json.load(sys.stdin):
    try:
        eval(expr, {"a": a2 if "bind" in expr else a})
        out.append(None)
    except TypeError as e:
        out.append(str(e))
print(json.dumps(out))`;

test("a bad receive buffer's TypeError names the call and argument, and a plain object is a dict, as CPython's", (t) => {
  const expected = ROWS.map(([, text]) => text);
  if (hasPython()) {
    assert.deepEqual(python(SCRIPT, ROWS.map(([expr]) => expr)), expected, "the table's texts are python3's");
  } else {
    t.diagnostic("python3 not found: the table's texts (from python3 3.11) are checked without it");
  }
  for (const [expr, text, call] of ROWS) {
    const socks = expr.includes("bind") ? [socket.socket()] : socket.socketpair();
    try {
      assert.throws(
        () => call(socks[0]),
        (e: unknown) => e instanceof TypeError && (e as Error).message === text,
        expr,
      );
    } finally {
      for (const s of socks) s.close();
    }
  }
});

test("sock_recv_into and sock_recvfrom_into name the call asyncio makes (recv_into, recvfrom_into)", async () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  try {
    await assert.rejects(socket.sock_recv_into(a, {} as never), {
      name: "TypeError",
      message: "recv_into() argument 1 must be read-write bytes-like object, not dict",
    });
    await assert.rejects(socket.sock_recvfrom_into(a, {} as never, 4), {
      name: "TypeError",
      message: "recvfrom_into() argument 1 must be read-write bytes-like object, not dict",
    });
  } finally {
    a.close();
    b.close();
  }
});
