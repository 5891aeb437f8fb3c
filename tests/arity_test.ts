/**
 * Arity and keywords, generated from `lib/signatures.ts`: every public
 * function and `SocketType` method, called with one positional argument too
 * many, with an unknown key in its options object (where it takes one), and
 * with too few (where CPython's message for that has the same shape), raises
 * `TypeError` with CPython's message. python3, when present, gives CPython's
 * messages for the same calls. The declaration must cover every function
 * `mod.ts` exports and every method of `SocketType`.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as socket from "../mod.ts";
import { arityError, FUNCTIONS, METHODS, type Sig, unknownKeyword } from "../lib/signatures.ts";

/** A value no conversion accepts: if a check is missing, the call fails on it and does nothing. */
const X = Symbol("not an argument");
const BOGUS = "reuse_prot";

type Kind = "fn" | "method";
interface Row {
  kind: Kind;
  key: string;
  sig: Sig;
}

const ROWS: Row[] = [
  ...Object.entries(FUNCTIONS).map(([key, sig]): Row => ({ kind: "fn", key, sig })),
  ...Object.entries(METHODS).map(([key, sig]): Row => ({ kind: "method", key, sig })),
];

/** The functions `mod.ts` exports (classes and exceptions left out). */
function exportedFunctions(): string[] {
  return Object.entries(socket)
    .filter(([, v]) => typeof v === "function" && !/^class\b/.test(Function.prototype.toString.call(v)))
    .map(([k]) => k);
}

/** `SocketType`'s public methods (string-named, not accessors, not the constructor). */
function socketMethods(): string[] {
  const proto = socket.SocketType.prototype;
  return Object.getOwnPropertyNames(proto).filter((k) => {
    const d = Object.getOwnPropertyDescriptor(proto, k)!;
    return k !== "constructor" && typeof d.value === "function";
  });
}

/** Sockets some methods need before they look at their arguments (CPython checks the family first). */
const FIXTURES: Record<string, () => socket.SocketType> = {
  sendmsg_afalg: () => socket.socket(socket.AF_ALG!, socket.SOCK_SEQPACKET),
};

/** What a call did: a synchronous throw, a rejection, or a result. */
async function outcome(f: () => unknown): Promise<{ sync: boolean; error?: unknown; ok?: true }> {
  let r: unknown;
  try {
    r = f();
  } catch (error) {
    return { sync: true, error };
  }
  if (r instanceof Promise) {
    try {
      await r;
    } catch (error) {
      return { sync: false, error };
    }
  }
  return { sync: true, ok: true };
}

/** Calls row's function or method with `args`, on a fresh socket for methods. */
async function call(row: Row, args: unknown[]): Promise<{ sync: boolean; error?: unknown; ok?: true } | string> {
  if (row.kind === "fn") {
    const f = (socket as unknown as Record<string, (...a: unknown[]) => unknown>)[row.key];
    return await outcome(() => f(...args));
  }
  let sock: socket.SocketType;
  try {
    sock = (Object.hasOwn(FIXTURES, row.key) ? FIXTURES[row.key] : () => socket.socket())();
  } catch (e) {
    return `its socket cannot be made here (${(e as Error).message})`;
  }
  try {
    const m = (sock as unknown as Record<string, (...a: unknown[]) => unknown>)[row.key];
    return await outcome(() => m.apply(sock, args));
  } finally {
    sock.close();
  }
}

/** One generated case: a row, the arguments, the message expected. */
interface Case {
  row: Row;
  what: "too many" | "too few" | "unknown keyword";
  args: unknown[];
  message: string;
  /** The positional count and keyword given to CPython's function. */
  n: number;
  kw: string | null;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const row of ROWS) {
    const { sig } = row;
    const many = sig.max + 1;
    out.push({
      row,
      what: "too many",
      args: Array(many).fill(X),
      message: arityError(sig, many).message,
      n: many,
      kw: null,
    });
    if (sig.least > 0) {
      const few = sig.least - 1;
      out.push({
        row,
        what: "too few",
        args: Array(few).fill(X),
        message: arityError(sig, few).message,
        n: few,
        kw: null,
      });
    }
    if (sig.kw) {
      out.push({
        row,
        what: "unknown keyword",
        args: [...Array(sig.min).fill(X), { [BOGUS]: true }],
        message: unknownKeyword(sig, BOGUS).message,
        n: sig.min,
        kw: BOGUS,
      });
    }
  }
  return out;
}

test("the declaration covers every function mod.ts exports and every SocketType method", () => {
  const missing = [
    ...exportedFunctions().filter((k) => !(k in FUNCTIONS)),
    ...socketMethods().filter((k) => !(k in METHODS)).map((k) => `SocketType.${k}`),
  ];
  assert.deepEqual(missing, [], `no signature declared in lib/signatures.ts for: ${missing.join(", ")}`);
  const stale = [
    ...Object.keys(FUNCTIONS).filter((k) => !exportedFunctions().includes(k)),
    ...Object.keys(METHODS).filter((k) => !socketMethods().includes(k)).map((k) => `SocketType.${k}`),
  ];
  assert.deepEqual(stale, [], `declared but not exported: ${stale.join(", ")}`);
});

test("every public function and method raises CPython's TypeError for a wrong count or an unknown keyword", async () => {
  const skipped: string[] = [];
  for (const c of cases()) {
    const label = `${c.row.kind === "method" ? "SocketType." : ""}${c.row.key} (${c.what})`;
    const got = await call(c.row, c.args);
    if (typeof got === "string") {
      skipped.push(`${label}: ${got}`);
      continue;
    }
    assert.ok(got.error !== undefined, `${label}: no error`);
    assert.ok(got.error instanceof TypeError, `${label}: ${String(got.error)}`);
    assert.equal((got.error as Error).message, c.message, label);
    // A promise-returning function rejects; it never throws.
    if (c.row.key.startsWith("sock_") || c.row.key.endsWith("_async")) assert.equal(got.sync, false, `${label} threw`);
  }
  for (const s of skipped) console.log(`skipped: ${s}`);
});

/** The Python callable for a row: `socket.x`, `s.x` (a socket), or asyncio's `loop.x`. */
function pyCallable(row: Row): string {
  if (row.kind === "method") {
    if (row.key === "toString") return "s.__repr__";
    return `${Object.hasOwn(PY_FIXTURES, row.key) ? `(${PY_FIXTURES[row.key]})` : "s"}.${row.key}`;
  }
  if (row.key === "socket") return "socket.socket";
  if (row.key === "getaddrinfo_async") return "socket.getaddrinfo";
  return row.key.startsWith("sock_") ? `loop.${row.key}` : `socket.${row.key}`;
}

/** Python's sockets for the methods that need one (see {@linkcode FIXTURES}). */
const PY_FIXTURES: Record<string, string> = { sendmsg_afalg: "socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET)" };

/** Python arguments where `0` would fail before the keyword is looked at (C conversions run first). */
const PY_FIRST: Record<string, string> = { recv_into: "bytearray(8)", recvfrom_into: "bytearray(8)" };

const ORACLE = String.raw`
import asyncio, json, socket, sys
s = socket.socket()
loop = asyncio.new_event_loop()
out = []
for c in json.load(sys.stdin):
    try:
        f = eval(c["expr"])
    except AttributeError:
        out.append(None)
        continue
    except Exception as e:
        out.append({"unavailable": str(e)})
        continue
    args = [eval(a) for a in c["args"]]
    try:
        f(*args, **({c["kw"]: True} if c["kw"] else {}))
        out.append({"other": "no error"})
    except TypeError as e:
        out.append({"message": str(e)})
    except Exception as e:
        out.append({"other": type(e).__name__ + ": " + str(e)})
s.close()
loop.close()
json.dump(out, sys.stdout)
`;

/** The counts in a Python-style message: `[min, max]` of "takes from 1 to 3 positional arguments". */
function pyCounts(message: string): [number, number] | null {
  const m = /takes (?:from (\d+) to )?(\d+) positional argument/.exec(message);
  return m ? [Number(m[1] ?? m[2]), Number(m[2])] : null;
}

test("the messages are CPython's (python3 as the oracle)", (t) => {
  const all = cases();
  const calls = all.map((c) => ({
    expr: pyCallable(c.row),
    args: Array.from(
      { length: c.n },
      (_, i) => i === 0 && Object.hasOwn(PY_FIRST, c.row.key) ? PY_FIRST[c.row.key] : "0",
    ),
    kw: c.kw,
  }));
  const py = spawnSync("python3", ["-c", ORACLE], { input: JSON.stringify(calls), encoding: "utf8" });
  if (py.error || py.status !== 0) {
    console.log(`skipped: python3 is not usable here (${py.error?.message ?? py.stderr})`);
    t.skip("no python3");
    return;
  }
  const answers = JSON.parse(py.stdout) as ({ message?: string; other?: string; unavailable?: string } | null)[];
  const beyond = new Set<string>();
  const wrong: string[] = [];
  let compared = 0;
  all.forEach((c, i) => {
    const a = answers[i];
    const label = `${calls[i].expr} (${c.what})`;
    if (a === null) return beyond.add(c.row.key);
    if (a.unavailable !== undefined) return console.log(`skipped: ${label}: not available here (${a.unavailable})`);
    if (a.message === undefined) return wrong.push(`${label}: CPython gave ${a.other}`);
    compared++;
    if (calls[i].expr.startsWith("loop.")) {
      // asyncio's are methods of the loop: compare the counts, `self` left out; `signal` is ours.
      if (c.kw !== null) return;
      const counts = pyCounts(a.message);
      const ours = [c.row.sig.min, c.row.sig.max];
      if (!counts || counts[0] - 1 !== ours[0] || counts[1] - 1 !== ours[1]) {
        wrong.push(`${label}: CPython says ${a.message}; declared ${ours.join(" to ")}`);
      }
    } else if (c.message !== a.message) {
      wrong.push(`${label}: ours ${JSON.stringify(c.message)}, CPython ${JSON.stringify(a.message)}`);
    }
  });
  assert.deepEqual(wrong, []);
  assert.ok(compared > 100, `only ${compared} messages compared`);
  console.log(`compared ${compared} messages with CPython; beyond CPython (no oracle): ${[...beyond].join(", ")}`);
});

test("a keyword that repeats a positional argument is CPython's TypeError", (t) => {
  const B = new Uint8Array(8);
  /** Calls that TypeScript's overloads would refuse: the point of the test. */
  const loose = (o: unknown) => o as Record<string, (...a: unknown[]) => unknown>;
  const rows: [string, (s: socket.SocketType) => unknown][] = [
    ["socket.socket(2, family=2)", () => loose(socket).socket(socket.AF_INET, { family: socket.AF_INET })],
    [
      "socket.create_connection(('a', 1), 1, timeout=1)",
      () => socket.create_connection(["a", 1], 1, { timeout: 1 }),
    ],
    ["s.makefile('r', mode='r')", (s) => loose(s).makefile("r", { mode: "r" })],
    ["s.recv_into(bytearray(8), 1, nbytes=1)", (s) => loose(s).recv_into(B, 1, { nbytes: 1 })],
    ["s.recvfrom_into(bytearray(8), 0, 0, flags=0)", (s) => loose(s).recvfrom_into(B, 0, 0, { flags: 0 })],
    ["socket.getaddrinfo('h', 1, 2, family=2)", () => socket.getaddrinfo("h", 1, 2, { family: 2 })],
  ];
  const ours = rows.map(([, f]) => {
    using s = socket.socket();
    try {
      f(s);
      return "no error";
    } catch (e) {
      return e instanceof TypeError ? e.message : String(e);
    }
  });
  for (const [i, m] of ours.entries()) assert.match(m, /multiple values|given by name|takes at most/, rows[i][0]);
  const script = "import socket, json, sys\ns = socket.socket()\nout = []\nfor e in json.load(sys.stdin):\n" +
    "    try:\n        eval(e)\n        out.append('no error')\n" +
    "    except TypeError as x:\n        out.append(str(x))\njson.dump(out, sys.stdout)\n";
  const py = spawnSync("python3", ["-c", script], { input: JSON.stringify(rows.map(([e]) => e)), encoding: "utf8" });
  if (py.error || py.status !== 0) {
    console.log(`skipped: python3 is not usable here (${py.error?.message ?? py.stderr})`);
    t.skip("no python3");
    return;
  }
  assert.deepEqual(ours, JSON.parse(py.stdout));
});
