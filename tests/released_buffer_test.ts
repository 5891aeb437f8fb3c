// CPython's error classes for a buffer that is gone (a released memoryview
// in Python, a detached ArrayBuffer here), on every path that receives into
// a caller's buffer or sends one, synchronous and awaitable:
//
// - a buffer to receive into: TypeError (the "w*" conversion refuses it);
// - data to send: ValueError ("operation forbidden on released memoryview");
// - asyncio's sock_recvfrom_into with no nbytes: ValueError (len(buf) first).
//
// Each row runs twice here: with the buffer detached before the call, and
// detached by user code the call runs while converting its arguments (a
// getter, an iterator). Python cannot release a buffer while a call holds it
// (BufferError), so the second kind takes the first kind's class. python3,
// when present, gives the class of the first kind for each row's Python
// counterpart; rows beyond CPython (batches, sock_*msg) take their
// synchronous twin's. Nothing is consumed from or sent to the socket.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { hasPython, python } from "./helpers.ts";

type ErrorClass = "TypeError" | "ValueError";
type Pair = [socket.SocketType, socket.SocketType];

/** A view whose buffer is detached (transferred away). */
function detached(n = 8): Uint8Array {
  const ab = new ArrayBuffer(n);
  const view = new Uint8Array(ab);
  detach(view);
  return view;
}

function detach(view: Uint8Array): void {
  (view.buffer as unknown as { transfer(n?: number): ArrayBuffer }).transfer(0);
}

/** Yields `views`, detaching `victim` just before yielding the last one. */
function* detachingAtLast(victim: Uint8Array, ...views: Uint8Array[]): Generator<Uint8Array> {
  for (let i = 0; i < views.length; i++) {
    if (i === views.length - 1) detach(victim);
    yield views[i];
  }
}

/** An options object whose `key` getter detaches `victim` and returns `value`. */
function detachingOption(key: string, victim: Uint8Array, value: unknown): Record<string, unknown> {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get: () => (detach(victim), value),
  });
}

/** An `[host, port]` address whose port getter detaches `victim`. */
function detachingAddress(to: readonly [string, number], victim: Uint8Array): [string, number] {
  const a: unknown[] = [to[0], 0];
  Object.defineProperty(a, 1, { get: () => (detach(victim), to[1]) });
  return a as [string, number];
}

/**
 * One path: `py` names its Python counterpart (the oracle's key), `expected`
 * is that counterpart's class, `before` runs it with a buffer already
 * detached, `during` (where the call converts user-reachable arguments after
 * the buffer) with one detached meanwhile.
 */
interface Row {
  name: string;
  py: string;
  expected: ErrorClass;
  /** `receive`: the peer queues a datagram first, which must stay queued; `send`: nothing may arrive. */
  kind: "receive" | "send";
  /** Sockets: a Unix datagram pair, or UDP over loopback (for addresses with getters). */
  inet?: boolean;
  async?: boolean;
  before: (s: socket.SocketType, to: socket.Address) => unknown;
  during?: (s: socket.SocketType, to: socket.Address) => unknown;
}

const B = () => new Uint8Array(8);

const ROWS: Row[] = [
  // Receiving into the caller's buffer.
  {
    name: "recv_into",
    py: "recv_into",
    expected: "TypeError",
    kind: "receive",
    before: (s) => s.recv_into(detached()),
    during: (s) => {
      const v = B();
      return s.recv_into(v, detachingOption("nbytes", v, 8));
    },
  },
  {
    name: "recvfrom_into",
    py: "recvfrom_into",
    expected: "TypeError",
    kind: "receive",
    before: (s) => s.recvfrom_into(detached()),
    during: (s) => {
      const v = B();
      return s.recvfrom_into(v, detachingOption("flags", v, 0));
    },
  },
  {
    name: "recvmsg_into",
    py: "recvmsg_into",
    expected: "TypeError",
    kind: "receive",
    before: (s) => s.recvmsg_into([B(), detached()]),
    during: (s) => {
      const v = B();
      return s.recvmsg_into(detachingAtLast(v, v, B()));
    },
  },
  {
    name: "recvmmsg_into",
    py: "recvmsg_into",
    expected: "TypeError",
    kind: "receive",
    before: (s) => s.recvmmsg_into([B(), detached()]),
    during: (s) => {
      const v = B();
      return s.recvmmsg_into(detachingAtLast(v, v, B()));
    },
  },
  {
    name: "makefile('rb', buffering=0).readinto",
    py: "raw_readinto",
    expected: "TypeError",
    kind: "receive",
    before: (s) => s.makefile("rb", 0).readinto(detached()),
  },
  {
    name: "makefile('rb').readinto",
    py: "buffered_readinto",
    expected: "TypeError",
    kind: "receive",
    before: (s) => s.makefile("rb").readinto(detached()),
  },
  {
    name: "sock_recv_into",
    py: "sock_recv_into",
    expected: "TypeError",
    kind: "receive",
    async: true,
    before: (s) => socket.sock_recv_into(s, detached()),
    during: (s) => {
      const v = B();
      return socket.sock_recv_into(s, v, detachingOption("signal", v, undefined));
    },
  },
  {
    name: "sock_recvfrom_into with nbytes",
    py: "sock_recvfrom_into_nbytes",
    expected: "TypeError",
    kind: "receive",
    async: true,
    before: (s) => socket.sock_recvfrom_into(s, detached(), 4),
    during: (s) => {
      const v = B();
      return socket.sock_recvfrom_into(s, v, 4, detachingOption("signal", v, undefined));
    },
  },
  {
    name: "sock_recvfrom_into without nbytes",
    py: "sock_recvfrom_into",
    expected: "ValueError",
    kind: "receive",
    async: true,
    before: (s) => socket.sock_recvfrom_into(s, detached()),
    during: (s) => {
      const v = B();
      return socket.sock_recvfrom_into(s, v, detachingOption("signal", v, undefined));
    },
  },
  {
    name: "sock_recvmsg_into",
    py: "recvmsg_into",
    expected: "TypeError",
    kind: "receive",
    async: true,
    before: (s) => socket.sock_recvmsg_into(s, [B(), detached()]),
    during: (s) => {
      const v = B();
      return socket.sock_recvmsg_into(s, detachingAtLast(v, v, B()));
    },
  },
  {
    name: "sock_recvmmsg_into",
    py: "recvmsg_into",
    expected: "TypeError",
    kind: "receive",
    async: true,
    before: (s) => socket.sock_recvmmsg_into(s, [B(), detached()]),
    during: (s) => {
      const v = B();
      return socket.sock_recvmmsg_into(s, detachingAtLast(v, v, B()));
    },
  },
  // Sending the caller's data.
  { name: "send", py: "send", expected: "ValueError", kind: "send", before: (s) => s.send(detached()) },
  { name: "sendall", py: "sendall", expected: "ValueError", kind: "send", before: (s) => s.sendall(detached()) },
  {
    name: "sendto",
    py: "sendto",
    expected: "ValueError",
    kind: "send",
    inet: true,
    before: (s, to) => s.sendto(detached(), to),
    during: (s, to) => {
      const v = B();
      return s.sendto(v, detachingAddress(to as [string, number], v));
    },
  },
  {
    name: "sendmsg",
    py: "sendmsg",
    expected: "ValueError",
    kind: "send",
    before: (s) => s.sendmsg([B(), detached()]),
    during: (s) => {
      const v = B();
      // An iterable of no items, whose iterator detaches the data first.
      const ancdata = { [Symbol.iterator]: () => (detach(v), [][Symbol.iterator]()) };
      return s.sendmsg([v], ancdata);
    },
  },
  {
    name: "sendmsg ancillary data",
    py: "sendmsg_ancdata",
    expected: "ValueError",
    kind: "send",
    before: (s) => s.sendmsg([B()], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, detached(4)]]),
  },
  {
    name: "send_fds",
    py: "send_fds",
    expected: "ValueError",
    kind: "send",
    before: (s) => socket.send_fds(s, [detached()], [0]),
    during: (s) => {
      const v = B();
      function* fds() {
        detach(v);
        yield 0;
      }
      return socket.send_fds(s, [v], fds());
    },
  },
  {
    name: "sendmmsg",
    py: "sendmsg",
    expected: "ValueError",
    kind: "send",
    before: (s) => s.sendmmsg([[[B()]], [[detached()]]]),
    during: (s) => {
      const v = B();
      function* messages(): Generator<socket.OutgoingMessage> {
        yield [[v]];
        detach(v);
        yield [[B()]];
      }
      return s.sendmmsg(messages());
    },
  },
  {
    name: "setsockopt",
    py: "setsockopt",
    expected: "ValueError",
    kind: "send",
    before: (s) => s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, detached(4)),
  },
  {
    name: "makefile('wb', buffering=0).write",
    py: "raw_write",
    expected: "ValueError",
    kind: "send",
    before: (s) => s.makefile("wb", 0).write(detached()),
  },
  {
    name: "makefile('wb').write",
    py: "buffered_write",
    expected: "ValueError",
    kind: "send",
    before: (s) => s.makefile("wb").write(detached()),
  },
  {
    name: "sock_sendall",
    py: "sock_sendall",
    expected: "ValueError",
    kind: "send",
    async: true,
    before: (s) => socket.sock_sendall(s, detached()),
    during: (s) => {
      const v = B();
      return socket.sock_sendall(s, v, detachingOption("signal", v, undefined));
    },
  },
  {
    name: "sock_sendto",
    py: "sock_sendto",
    expected: "ValueError",
    kind: "send",
    inet: true,
    async: true,
    before: (s, to) => socket.sock_sendto(s, detached(), to as [string, number]),
    during: (s, to) => {
      const v = B();
      return socket.sock_sendto(s, v, detachingAddress(to as [string, number], v));
    },
  },
  {
    name: "sock_sendmsg",
    py: "sendmsg",
    expected: "ValueError",
    kind: "send",
    async: true,
    before: (s) => socket.sock_sendmsg(s, [B(), detached()]),
    during: (s) => {
      const v = B();
      return socket.sock_sendmsg(s, detachingAtLast(v, v, B()));
    },
  },
  {
    name: "sock_send_fds",
    py: "send_fds",
    expected: "ValueError",
    kind: "send",
    async: true,
    before: (s) => socket.sock_send_fds(s, [detached()], [0]),
  },
  {
    name: "sock_sendmmsg",
    py: "sendmsg",
    expected: "ValueError",
    kind: "send",
    async: true,
    before: (s) => socket.sock_sendmmsg(s, [[[B()]], [[detached()]]]),
    during: (s) => {
      const v = B();
      function* messages(): Generator<socket.OutgoingMessage> {
        yield [[v]];
        detach(v);
        yield [[B()]];
      }
      return socket.sock_sendmmsg(s, messages());
    },
  },
];

/** Python's counterparts, each with a released memoryview: the class name raised, or null. */
const ORACLE = String.raw`
import asyncio, json, socket
def rel(n=8):
    m = memoryview(bytearray(n)); m.release(); return m
out = {}
def t(name, f):
    try:
        f(); out[name] = None
    except Exception as e:
        out[name] = type(e).__name__
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
a.send(b"x")
t("recv_into", lambda: b.recv_into(rel()))
t("recvfrom_into", lambda: b.recvfrom_into(rel()))
t("recvmsg_into", lambda: b.recvmsg_into([bytearray(8), rel()]))
t("send", lambda: a.send(rel()))
t("sendall", lambda: a.sendall(rel()))
t("sendto", lambda: a.sendto(rel(), "/nonexistent"))
t("sendmsg", lambda: a.sendmsg([bytearray(8), rel()]))
t("sendmsg_ancdata", lambda: a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, rel(4))]))
t("send_fds", lambda: socket.send_fds(a, [rel()], [0]))
t("setsockopt", lambda: a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rel(4)))
c, d = socket.socketpair()
c.send(b"x")
t("raw_readinto", lambda: d.makefile("rb", buffering=0).readinto(rel()))
t("buffered_readinto", lambda: d.makefile("rb").readinto(rel()))
t("raw_write", lambda: c.makefile("wb", buffering=0).write(rel()))
t("buffered_write", lambda: c.makefile("wb").write(rel()))
a.setblocking(False); b.setblocking(False)
async def main():
    loop = asyncio.get_running_loop()
    for name, f in [
        ("sock_recv_into", lambda: loop.sock_recv_into(b, rel())),
        ("sock_recvfrom_into", lambda: loop.sock_recvfrom_into(b, rel())),
        ("sock_recvfrom_into_nbytes", lambda: loop.sock_recvfrom_into(b, rel(), 4)),
        ("sock_sendall", lambda: loop.sock_sendall(a, rel())),
        ("sock_sendto", lambda: loop.sock_sendto(a, rel(), "/nonexistent")),
    ]:
        try:
            await f(); out[name] = None
        except Exception as e:
            out[name] = type(e).__name__
asyncio.run(main())
print(json.dumps(out))
`;

function classOf(e: unknown): string {
  if (e instanceof socket.ValueError) return "ValueError";
  if (e instanceof TypeError) return "TypeError";
  return `${(e as Error)?.constructor?.name}: ${e}`;
}

/** The class `run` raises (or rejects with); `"none"` when it returns. */
async function raised(run: () => unknown): Promise<string> {
  try {
    await run();
    return "none";
  } catch (e) {
    return classOf(e);
  }
}

/** What is queued on `s`, without waiting; `null` when nothing is. */
function queued(s: socket.SocketType): Uint8Array | null {
  try {
    return s.recv(64, socket.MSG_DONTWAIT);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return null;
    throw e;
  }
}

function sockets(inet: boolean): Pair {
  if (!inet) return socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.connect(rx.getsockname());
  return [tx, rx];
}

/** Runs `call` on fresh sockets and checks its class, and that nothing was consumed or sent. */
async function check(row: Row, call: (s: socket.SocketType, to: socket.Address) => unknown): Promise<void> {
  const [a, b] = sockets(row.inet ?? false);
  try {
    if (row.async) (a.setblocking(false), b.setblocking(false));
    const to = b.getsockname() as socket.Address;
    if (row.kind === "receive") {
      a.send(new Uint8Array([1, 2, 3]));
      assert.equal(await raised(() => call(b, to)), row.expected);
      assert.deepEqual(queued(b), new Uint8Array([1, 2, 3]), "the datagram stays queued");
    } else {
      assert.equal(await raised(() => call(a, to)), row.expected);
      assert.equal(queued(b), null, "nothing was sent");
    }
  } finally {
    a.close();
    b.close();
  }
}

describe("a detached buffer raises CPython's class for a released memoryview", () => {
  for (const row of ROWS) {
    test(`${row.name}: detached before the call is ${row.expected}; nothing consumed or sent`, async () => {
      await check(row, row.before);
    });
    const during = row.during;
    if (during) {
      test(`${row.name}: detached by user code during argument conversion is ${row.expected} too`, async () => {
        await check(row, during);
      });
    }
  }

  test("python3 raises the same classes for the Python counterparts", (t) => {
    if (!hasPython()) {
      t.skip("python3 is not here to serve as the oracle");
      return;
    }
    const py = python(ORACLE, null) as Record<string, string | null>;
    for (const row of ROWS) assert.equal(py[row.py], row.expected, `${row.name} (Python: ${row.py})`);
  });
});
