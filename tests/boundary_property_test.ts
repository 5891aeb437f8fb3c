/**
 * Property tests (fast-check) of the FFI boundary: for every sync method
 * that takes a buffer, user code runs at every point where it can (option
 * getters, iterators, address element getters, a `Uint8Array` subclass or
 * own properties that shadow `length`/`byteLength`/`subarray`) and detaches,
 * shrinks or grows the buffer, or calls the module again. With canary bytes
 * around every buffer: nothing outside the caller's buffers is read or
 * written, no foreign byte reaches the wire, and a refused call is
 * `ValueError`/`TypeError` with nothing sent or consumed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as socket from "../mod.ts";

const CANARY = 0xcc, DATA = 0x41, FOREIGN = 0xee, INCOMING = 0x5a;
const ACTIONS = ["none", "detach", "shrink", "grow", "reenter"] as const;
type Action = typeof ACTIONS[number];
const SEND = ["send", "sendall", "sendto", "sendmsg", "setsockopt"] as const;
const RECV = ["recv_into", "recvfrom_into", "recvmsg_into"] as const;
const HOOKS = ["options", "iterator", "address", "subclass", "own"] as const;
type Hook = typeof HOOKS[number];

interface Resizable extends ArrayBuffer {
  resize(n: number): void;
  transfer(n?: number): ArrayBuffer;
}

/** A fixed view of `n` bytes at offset 16 of a resizable buffer, canaries on both sides. */
function guarded(n: number, fill: number): { ab: Resizable; view: Uint8Array; intact(): boolean } {
  const ab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => Resizable)(n + 32, {
    maxByteLength: 2 * n + 64,
  });
  new Uint8Array(ab).fill(CANARY);
  const view = new Uint8Array(ab, 16, n).fill(fill);
  return {
    ab,
    view,
    intact() {
      if ((ab as { detached?: boolean }).detached) return true;
      const all = new Uint8Array(ab);
      const end = Math.min(all.length, 16 + n + 16);
      for (let i = 0; i < Math.min(16, all.length); i++) if (all[i] !== CANARY) return false;
      for (let i = 16 + n; i < end; i++) if (all[i] !== CANARY) return false;
      return true;
    },
  };
}

function pending(s: socket.SocketType): Uint8Array | null {
  try {
    return s.recv(65536, socket.MSG_DONTWAIT);
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return null;
    throw e;
  }
}

function udpPair(): [socket.SocketType, socket.SocketType] {
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  a.bind(["127.0.0.1", 0]);
  b.bind(["127.0.0.1", 0]);
  a.connect(b.getsockname() as [string, number]);
  b.connect(a.getsockname() as [string, number]);
  return [a, b];
}

/** The hostile act, run once from whichever hook the case chose. */
function actor(g: ReturnType<typeof guarded>, action: Action, other: [socket.SocketType, socket.SocketType]) {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    switch (action) {
      case "detach":
        g.ab.transfer(0);
        break;
      case "shrink":
        g.ab.resize(8);
        break;
      case "grow":
        g.ab.resize(g.ab.byteLength * 2);
        break;
      case "reenter": {
        // Another call through the same scratch structs, with foreign bytes.
        const f = new Uint8Array(64).fill(FOREIGN);
        other[0].sendmsg([f], [], 0, other[1].getsockname() as [string, number]);
        other[0].sendto(f, other[1].getsockname() as [string, number]);
        other[1].recv_into(new Uint8Array(64));
        other[1].recv_into(new Uint8Array(64));
        break;
      }
    }
  };
}

/** The buffer argument as the hook presents it: the view itself, a subclass view, or one with shadowing own properties. */
function present(view: Uint8Array, hook: Hook, act: () => void): Uint8Array {
  if (hook === "subclass") {
    class Evil extends Uint8Array<ArrayBuffer> {
      override get length(): number {
        act();
        return 1 << 20;
      }
      override get byteLength(): number {
        act();
        return 1 << 20;
      }
      override subarray(): Uint8Array<ArrayBuffer> {
        act();
        return new Uint8Array(1 << 16).fill(FOREIGN);
      }
    }
    return new Evil(view.buffer as ArrayBuffer, view.byteOffset, view.length);
  }
  if (hook === "own") {
    for (const k of ["length", "byteLength", "byteOffset"]) {
      Object.defineProperty(view, k, { get: () => (act(), 1 << 20) });
    }
    Object.defineProperty(view, "subarray", { value: () => (act(), new Uint8Array(1 << 16).fill(FOREIGN)) });
  }
  return view;
}

function address(s: socket.SocketType, hook: Hook, act: () => void): unknown {
  const [host, port] = s.getsockname() as [string, number];
  if (hook !== "address") return [host, port];
  const addr: unknown[] = [host];
  Object.defineProperty(addr, 1, { get: () => (act(), port), enumerable: true });
  return addr;
}

function* iterate(view: Uint8Array, act: () => void): Generator<Uint8Array> {
  yield view;
  act();
}

function* ancillary(act: () => void): Generator<[number, number, Uint8Array]> {
  act();
  yield* [];
}

function isArgumentError(e: unknown): boolean {
  return e instanceof socket.ValueError || e instanceof TypeError;
}

function runSend(method: typeof SEND[number], hook: Hook, action: Action, n: number): void {
  const [tx, rx] = udpPair(), other = udpPair();
  try {
    const g = guarded(n, DATA);
    const act = actor(g, action, other);
    const data = present(g.view, hook, act);
    let result: unknown, error: unknown;
    try {
      switch (method) {
        case "send":
          result = tx.send(data);
          break;
        case "sendall":
          result = tx.sendall(data);
          break;
        case "sendto":
          result = tx.sendto(data, address(rx, hook, act) as [string, number]);
          break;
        case "sendmsg":
          result = tx.sendmsg(
            hook === "iterator" ? iterate(data, act) : [data],
            ancillary(hook === "options" ? act : () => {}),
            0,
            address(rx, hook, act) as [string, number],
          );
          break;
        case "setsockopt":
          // The kernel reads an int from the first 4 bytes (EINVAL for fewer).
          result = tx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, data);
          break;
      }
    } catch (e) {
      error = e;
    }
    const wire = pending(rx);
    assert.ok(g.intact(), "canaries intact");
    const einval = method === "setsockopt" && n < 4 && error instanceof socket.OSError && error.errno === 22; // EINVAL
    if (error !== undefined && !einval) {
      assert.ok(isArgumentError(error), `argument error expected, got ${error}`);
      assert.equal(wire, null, "nothing sent after an error");
    } else if (method !== "setsockopt") {
      assert.ok(wire !== null, "something sent");
      assert.ok(wire.length <= n && wire.every((b) => b === DATA), "only the caller's bytes on the wire");
      if (typeof result === "number") assert.equal(result, wire.length);
    }
  } finally {
    for (const s of [tx, rx, ...other]) s.close();
  }
}

function runRecv(method: typeof RECV[number], hook: Hook, action: Action, n: number): void {
  const [tx, rx] = udpPair(), other = udpPair();
  try {
    tx.send(new Uint8Array(n).fill(INCOMING));
    const g = guarded(n, 0);
    const act = actor(g, action, other);
    const buf = present(g.view, hook, act);
    const opts = hook === "options"
      ? {
        get nbytes() {
          act();
          return 0;
        },
      }
      : undefined;
    let got: number | undefined, error: unknown;
    try {
      switch (method) {
        case "recv_into":
          got = opts ? rx.recv_into(buf, opts) : rx.recv_into(buf);
          break;
        case "recvfrom_into":
          got = (opts ? rx.recvfrom_into(buf, opts) : rx.recvfrom_into(buf))[0];
          break;
        case "recvmsg_into":
          got = rx.recvmsg_into(hook === "iterator" ? iterate(buf, act) : [buf])[0];
          break;
      }
    } catch (e) {
      error = e;
    }
    assert.ok(g.intact(), "canaries intact");
    if (error !== undefined) {
      assert.ok(isArgumentError(error), `argument error expected, got ${error}`);
      const left = pending(rx);
      assert.ok(left !== null && left.length === n, "the datagram is still queued");
    } else {
      assert.ok(got !== undefined && got <= n);
      const region = (g.ab as { detached?: boolean }).detached
        ? new Uint8Array(0)
        : new Uint8Array(g.ab).subarray(16, 16 + got);
      assert.ok(region.every((b) => b === INCOMING), "the data landed in the caller's buffer");
    }
  } finally {
    for (const s of [tx, rx, ...other]) s.close();
  }
}

/** Checks `run` over every method of `methods`, hook, action and a buffer size of 1-4096 bytes. */
function check<M extends string>(methods: readonly M[], run: (m: M, hook: Hook, action: Action, n: number) => void) {
  const args = [fc.constantFrom(...methods), fc.constantFrom(...HOOKS), fc.constantFrom(...ACTIONS)] as const;
  fc.assert(fc.property(...args, fc.integer({ min: 1, max: 4096 }), run), { numRuns: 150 });
}

describe("hostile arguments at the FFI boundary (fast-check)", () => {
  it("sends: no foreign byte on the wire, canaries intact, refusals send nothing", () => check(SEND, runSend));
  it("receives: writes only the caller's buffer, refusals consume nothing", () => check(RECV, runRecv));
});
