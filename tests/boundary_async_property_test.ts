/**
 * Property test (fast-check) of the boundary across waits, for every
 * `sock_*` function that takes a buffer: user code runs where it can (the
 * options object's `signal` getter, an address element's getter, the
 * buffers iterator, a `Uint8Array` subclass's `length`, a timer while the
 * call waits) and detaches, shrinks or grows the buffer, or calls the module
 * again. With canary bytes around the buffer: nothing outside it is
 * written, no foreign byte reaches the wire, a refused call is
 * `ValueError`/`TypeError` with nothing sent, and no datagram is lost.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as socket from "../mod.ts";

const CANARY = 0xcc, DATA = 0x41, FOREIGN = 0xee, INCOMING = 0x5a;
const SENDS = ["sock_sendall", "sock_sendto", "sock_sendmsg"] as const;
const RECVS = ["sock_recv_into", "sock_recvfrom_into", "sock_recvmsg_into"] as const;
const HOOKS = ["options", "address", "iterator", "subclass", "timer"] as const;
const ACTIONS = ["none", "detach", "shrink", "grow", "reenter"] as const;
type Fn = typeof SENDS[number] | typeof RECVS[number];
type Hook = typeof HOOKS[number];
type Action = typeof ACTIONS[number];

interface Resizable extends ArrayBuffer {
  resize(n: number): void;
  transfer(): ArrayBuffer;
}

/** A `Uint8Array` whose public length getters run user code (the module must not consult them). */
class Sneaky extends Uint8Array {
  static act: () => void = () => {};
  override get length(): number {
    Sneaky.act();
    return 1 << 20;
  }
  override get byteLength(): number {
    Sneaky.act();
    return 1 << 20;
  }
}

/** Two bound UDP sockets on loopback, `tx` connected to `rx`, and a bystander for nested calls. */
function sockets() {
  const open = () => {
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.bind(["127.0.0.1", 0]);
    s.setblocking(false);
    return s;
  };
  const tx = open(), rx = open(), other = open();
  tx.connect(rx.getsockname());
  return {
    tx,
    rx,
    other,
    [Symbol.dispose]() {
      for (const s of [tx, rx, other]) s.close();
    },
  };
}

function queued(s: socket.SocketType): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (;;) {
    try {
      out.push(s.recv(65536, socket.MSG_DONTWAIT));
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return out;
      throw e;
    }
  }
}

async function check(fn: Fn, hook: Hook, action: Action, n: number): Promise<void> {
  using s = sockets();
  const sending = (SENDS as readonly string[]).includes(fn);
  const ab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(n + 32, {
    maxByteLength: 2 * n + 64,
  });
  new Uint8Array(ab).fill(CANARY);
  const view = hook === "subclass" ? new Sneaky(ab, 16, n) : new Uint8Array(ab, 16, n);
  new Uint8Array(ab, 16, n).fill(sending ? DATA : 0);
  let moved: ArrayBuffer | undefined;
  let acted = false;
  const act = () => {
    if (acted) return;
    acted = true;
    if (action === "detach") new Uint8Array(moved = ab.transfer()).fill(FOREIGN);
    else if (action === "shrink") ab.resize(16 + (n >> 1));
    else if (action === "grow") ab.resize(2 * n + 64);
    else if (action === "reenter") {
      s.other.sendto(new Uint8Array(8).fill(FOREIGN), s.other.getsockname()); // the shared sockaddr
      queued(s.other); // the shared receive scratch
    }
  };
  Sneaky.act = act;
  const options = hook === "options"
    ? {
      get signal() {
        act();
        return undefined;
      },
    }
    : {};
  const to = s.rx.getsockname() as [string, number];
  const address: unknown[] = [to[0], 0];
  Object.defineProperty(address, 1, { get: () => (hook === "address" && act(), to[1]) });
  function* buffers() {
    yield view;
    if (hook === "iterator") act();
  }
  const incoming = new Uint8Array(n).fill(INCOMING);
  if (!sending && hook !== "timer") s.tx.send(incoming);
  if (hook === "timer") {
    setTimeout(() => {
      act();
      if (!sending) s.tx.send(incoming);
    }, 2);
  }
  const calls: Record<Fn, () => Promise<unknown>> = {
    sock_sendall: () => socket.sock_sendall(s.tx, view, options),
    sock_sendto: () => socket.sock_sendto(s.tx, view, address as never, options),
    sock_sendmsg: () => socket.sock_sendmsg(s.tx, buffers(), [], 0, address as never, options),
    sock_recv_into: () => socket.sock_recv_into(s.rx, view, options),
    sock_recvfrom_into: () => socket.sock_recvfrom_into(s.rx, view, 0, options),
    sock_recvmsg_into: () => socket.sock_recvmsg_into(s.rx, buffers(), 0, 0, options),
  };
  let result: unknown, error: unknown;
  try {
    result = await calls[fn]();
  } catch (e) {
    error = e;
  }
  if (hook === "timer") await new Promise((r) => setTimeout(r, 5)); // the timer has run
  if (error !== undefined) {
    assert.ok(error instanceof TypeError || error instanceof socket.ValueError, `${error}`);
  }
  // The caller's memory: canaries intact; outside the view nothing written.
  const memory = new Uint8Array(moved ?? ab);
  for (let i = 0; i < memory.length; i++) {
    if (i < 16 || i >= 16 + n) assert.ok(memory[i] === CANARY || memory[i] === FOREIGN || memory[i] === 0, `byte ${i}`);
  }
  if (sending) {
    const wire = queued(s.rx);
    assert.ok(wire.every((d) => d.every((b) => b === DATA)), "a foreign byte reached the wire");
    assert.ok(wire.length <= 1);
    if (error !== undefined) assert.equal(wire.length, 0, "a refused send sent something");
    return;
  }
  // Receives: the datagram was returned or is still queued, never lost.
  const left = queued(s.rx);
  if (error !== undefined) {
    assert.deepEqual(left, [incoming], "a refused receive consumed the datagram");
    if (moved) assert.ok(new Uint8Array(moved).every((b) => b !== INCOMING), "written after the transfer");
    return;
  }
  const got = typeof result === "number" ? result : (result as [number])[0];
  // A buffer already empty when converted (shrunk out of bounds first): recv_into returns 0 and leaves the datagram.
  if (!(got === 0 && left.length === 1)) assert.deepEqual(left, []);
  assert.ok(got <= n);
  assert.ok(new Uint8Array(ab, 16, got).every((b) => b === INCOMING));
}

describe("hostile arguments across sock_* waits (fast-check)", () => {
  it("nothing outside the caller's buffer is touched, nothing foreign is sent, nothing is lost", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Fn>(...SENDS, ...RECVS),
        fc.constantFrom<Hook>(...HOOKS),
        fc.constantFrom<Action>(...ACTIONS),
        fc.integer({ min: 1, max: 64 }),
        check,
      ),
      { numRuns: 120 },
    );
  });
});
