/**
 * CPython as a differential oracle: runs a table of `socket` calls in ONE
 * python3 process and returns, for each, the result or the exception's
 * class name, message and errno, in a form comparable with ours.
 *
 * Values cross as JSON with a few tags: arrays are tuples, `Uint8Array` is
 * `bytes` (`{"$bytes": hex}`), an integer beyond 2⁵³ or a bigint is
 * `{"$int": "digits"}`, a non-integer number is `{"$float": n}`. Python's
 * results come back the same way (tuples and lists as arrays, IntEnum
 * members as plain ints).
 *
 * @module
 */

import { spawnSync } from "node:child_process";

/** One call: a function of Python's `socket` module and its positional (and keyword) arguments. */
export interface Call {
  /** The function's name, e.g. `"getaddrinfo"`. */
  fn: string;
  /** Positional arguments. */
  args: unknown[];
  /** Keyword arguments. */
  kwargs?: Record<string, unknown>;
}

/** What a call did: returned `value`, or raised `error` (a class name) with `message` and `errno`. */
export type Outcome =
  | { value: unknown }
  | { error: string; message: string; errno: number | null };

const SCRIPT = String.raw`
import json, socket, sys

def dec(v):
    if isinstance(v, list):
        return tuple(dec(x) for x in v)
    if isinstance(v, dict):
        if "$bytes" in v: return bytes.fromhex(v["$bytes"])
        if "$int" in v: return int(v["$int"])
        if "$float" in v: return float(v["$float"])
        return {k: dec(x) for k, x in v.items()}
    return v

def enc(v):
    if isinstance(v, bool): return v
    if isinstance(v, int):
        v = int(v)
        return v if abs(v) <= 2**53 else {"$int": str(v)}
    if isinstance(v, (bytes, bytearray)): return {"$bytes": v.hex()}
    if isinstance(v, (list, tuple)): return [enc(x) for x in v]
    return v

out = []
for call in json.load(sys.stdin):
    try:
        fn = getattr(socket, call["fn"])
        r = fn(*dec(call["args"]), **{k: dec(x) for k, x in call.get("kwargs", {}).items()})
        out.append({"value": enc(r)})
    except BaseException as e:
        out.append({"error": type(e).__name__, "message": str(e), "errno": getattr(e, "errno", None)})
json.dump(out, sys.stdout)
`;

/** Encodes a JavaScript argument for the oracle (see the module doc). */
export function encode(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("") };
  if (typeof v === "bigint") return { $int: v.toString() };
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return { $float: v };
    if (!Number.isSafeInteger(v)) return { $int: BigInt(v).toString() };
    return v;
  }
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  }
  return v;
}

/**
 * Our own result in the oracle's form: bytes tagged, big integers tagged,
 * nested arrays kept.
 */
export function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return encode(v);
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) return encode(v);
  if (v === undefined) return null;
  return v;
}

/** Runs `fn` and reports what it did, in the oracle's form. */
export function outcome(fn: () => unknown): Outcome {
  try {
    return { value: normalize(fn()) };
  } catch (e) {
    const err = e as Error & { errno?: number | null };
    return { error: err.name, message: err.message, errno: err.errno ?? null };
  }
}

let checked: string | null | undefined;

/** Why the oracle cannot run (python3 absent or too old), or `null` when it can. */
export function unavailable(): string | null {
  if (checked !== undefined) return checked;
  const r = spawnSync("python3", ["-c", "import sys; print(sys.version_info[:2] >= (3, 7))"], { encoding: "utf8" });
  if (r.error) checked = `python3 is not available (${(r.error as Error).message})`;
  else if (r.stdout.trim() !== "True") checked = "python3 is older than 3.7";
  else checked = null;
  return checked;
}

/**
 * Runs every call of `calls` in one python3 process. Returns `null` when
 * python3 is absent (see {@linkcode unavailable}).
 */
export function oracle(calls: readonly Call[]): Outcome[] | null {
  if (unavailable() !== null) return null;
  const input = JSON.stringify(calls.map((c) => ({ fn: c.fn, args: encode(c.args), kwargs: encode(c.kwargs ?? {}) })));
  const r = spawnSync("python3", ["-c", SCRIPT], { input, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Outcome[];
}

/** python3's version, e.g. `"3.11"`, or `null` when it is absent. */
export function pythonVersion(): string | null {
  if (unavailable() !== null) return null;
  return spawnSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" })
    .stdout.trim();
}
