/**
 * Python's text codecs, as the socket module and its file objects use them:
 * UTF-8, ASCII, Latin-1 and UTF-16, with Python's error handlers (`strict`,
 * `ignore`, `replace`, `backslashreplace`, `surrogateescape`,
 * `surrogatepass`, `xmlcharrefreplace`), Python's error ranges and
 * reasons, and positions counted as Python counts them (code points in
 * text, bytes in data).
 *
 * Also the file-system encoding (UTF-8 with `surrogateescape`, CPython's
 * `PyUnicode_EncodeFSDefault`/`DecodeFSDefault` on Linux) and the strict
 * UTF-8 of the `"s"` argument conversion.
 *
 * @module
 */

import { pyType } from "./args.ts";
import { UnicodeDecodeError, UnicodeEncodeError, ValueError } from "./errors.ts";

/** The result of decoding: the text, and how many bytes it used (the rest waits for more input). */
export type Decoded = { text: string; consumed: number };

/** A codec: one-shot encoding, and decoding that may stop before an incomplete tail. */
export interface Codec {
  /** The name Python reports in its errors (`utf-8`, `ascii`, …). */
  readonly name: string;
  /** Encodes all of `s`. */
  encode(s: string, errors: string): Uint8Array;
  /** Decodes `b`; unless `final`, an incomplete sequence at the end is left unconsumed. */
  decode(b: Uint8Array, errors: string, final: boolean): Decoded;
}

/** Collects output code units and bytes without quadratic string building. */
class TextOut {
  #parts: string[] = [];
  #units: number[] = [];

  unit(u: number): void {
    this.#units.push(u);
    if (this.#units.length >= 4096) this.#flush();
  }

  text(s: string): void {
    this.#flush();
    this.#parts.push(s);
  }

  #flush(): void {
    if (this.#units.length === 0) return;
    this.#parts.push(String.fromCharCode(...this.#units));
    this.#units = [];
  }

  done(): string {
    this.#flush();
    return this.#parts.join("");
  }
}

// ---------------------------------------------------------------------------
// Error handlers

/** Python's `LookupError`, raised for an unknown encoding or error handler. */
export class LookupError extends Error {
  /**
   * Creates the error.
   *
   * @param message The message.
   */
  constructor(message: string) {
    super(message);
    this.name = "LookupError";
  }
}

/** An error handler's name is looked up only when an error occurs, as in Python. */
function unknownHandler(errors: string): LookupError {
  return new LookupError(`unknown error handler name '${errors}'`);
}

/**
 * Python's decode error handlers for the bytes `data[start:end]`: writes the
 * replacement, or throws. Returns where decoding resumes.
 */
function onDecodeError(
  name: string,
  errors: string,
  data: Uint8Array,
  start: number,
  end: number,
  reason: string,
  out: TextOut,
): number {
  switch (errors) {
    case "ignore":
      return end;
    case "replace":
      out.unit(0xfffd);
      return end;
    case "backslashreplace":
      for (let i = start; i < end; i++) out.text(`\\x${data[i].toString(16).padStart(2, "0")}`);
      return end;
    case "surrogateescape":
      if (data.subarray(start, end).every((b) => b >= 0x80)) {
        for (let i = start; i < end; i++) out.unit(0xdc00 + data[i]);
        return end;
      }
      break;
    case "surrogatepass": {
      const cp = name === "utf-8" ? utf8Surrogate(data, start) : -1;
      if (cp >= 0) {
        out.unit(cp);
        return start + 3;
      }
      break;
    }
    case "strict":
      break;
    case "xmlcharrefreplace":
    case "namereplace":
      throw new TypeError("don't know how to handle UnicodeDecodeError in error callback");
    default:
      throw unknownHandler(errors);
  }
  throw new UnicodeDecodeError(name, data, start, end, reason);
}

/** A surrogate encoded as three UTF-8 bytes at `data[at]`, or -1. */
function utf8Surrogate(data: Uint8Array, at: number): number {
  if (at + 2 >= data.length || data[at] !== 0xed) return -1;
  const b1 = data[at + 1], b2 = data[at + 2];
  if (b1 < 0xa0 || b1 > 0xbf || (b2 & 0xc0) !== 0x80) return -1;
  return 0xd000 | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
}

/** One code point of `s` at code unit `i`: `[codePoint, units]`. */
function codePointAt(s: string, i: number): [number, number] {
  const cp = s.codePointAt(i)!;
  return [cp, cp > 0xffff ? 2 : 1];
}

/** How a codec writes, for {@linkcode encodeWith} and its error handlers. */
interface EncodeSpec {
  /** The codec's name, for errors. */
  name: string;
  /** Why `cp` cannot be encoded, or `null` when it can. */
  bad(cp: number): string | null;
  /** Writes an encodable code point. */
  one(cp: number): void;
  /** Writes an ASCII replacement character (`?`, `\\x..`, `&#..;`) as the codec encodes it. */
  ascii(c: number): void;
  /** Writes a byte for `surrogateescape`, or `null` when the codec cannot (UTF-16). */
  escape: ((b: number) => void) | null;
  /** Writes a surrogate for `surrogatepass`, or `null` when the codec cannot. */
  raw: ((cp: number) => void) | null;
  /** Whether a run of rejected code points is one error (UTF-8, ASCII, Latin-1) or one each (UTF-16). */
  grouped: boolean;
}

/**
 * Python's encode error handlers for the code points `cps` at code point
 * index `k` of `s`: writes the replacement, or throws.
 */
function onEncodeError(spec: EncodeSpec, errors: string, s: string, k: number, cps: number[], reason: string): void {
  const ascii = (t: string) => {
    for (let i = 0; i < t.length; i++) spec.ascii(t.charCodeAt(i));
  };
  switch (errors) {
    case "ignore":
      return;
    case "replace":
      for (const _ of cps) spec.ascii(0x3f);
      return;
    case "backslashreplace":
      for (const cp of cps) {
        const [p, w] = cp <= 0xff ? ["\\x", 2] : cp <= 0xffff ? ["\\u", 4] : ["\\U", 8];
        ascii(p + cp.toString(16).padStart(w, "0"));
      }
      return;
    case "xmlcharrefreplace":
      for (const cp of cps) ascii(`&#${cp};`);
      return;
    case "surrogateescape": {
      // As CPython: the escapable prefix of the run is written, the rest is an error of its own.
      let m = 0;
      for (; spec.escape && m < cps.length && cps[m] >= 0xdc80 && cps[m] <= 0xdcff; m++) spec.escape(cps[m] - 0xdc00);
      if (m === cps.length) return;
      throw new UnicodeEncodeError(spec.name, s, k + m, k + cps.length, reason);
    }
    case "surrogatepass": {
      const raw = spec.raw;
      if (raw && cps.every((cp) => cp >= 0xd800 && cp <= 0xdfff)) {
        for (const cp of cps) raw(cp);
        return;
      }
      break;
    }
    case "strict":
      break;
    default:
      throw unknownHandler(errors);
  }
  throw new UnicodeEncodeError(spec.name, s, k, k + cps.length, reason);
}

/** Growable byte output. */
class ByteOut {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  put = (b: number): void => {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  };

  done(): Uint8Array {
    return this.bytes.length === this.length ? this.bytes : this.bytes.slice(0, this.length);
  }
}

/**
 * Walks `s` by code point, writing each encodable one and handing each
 * rejected one (or run, when `grouped`) to the error handler.
 */
function encodeWith(spec: EncodeSpec, s: string, errors: string): void {
  let k = 0;
  for (let i = 0; i < s.length;) {
    const [cp, n] = codePointAt(s, i);
    const reason = spec.bad(cp);
    i += n;
    if (reason === null) {
      spec.one(cp);
      k++;
      continue;
    }
    const cps = [cp];
    while (spec.grouped && i < s.length) {
      const [next, m] = codePointAt(s, i);
      if (spec.bad(next) === null) break;
      cps.push(next);
      i += m;
    }
    onEncodeError(spec, errors, s, k, cps, reason);
    k += cps.length;
  }
}

// ---------------------------------------------------------------------------
// UTF-8

const UTF8_FATAL = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const UTF8 = new TextEncoder();
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Bytes at the end of `b` that start a valid sequence still waiting for
 * continuation bytes (0 when the tail is complete or already invalid).
 */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const lead = b[b.length - back];
    if ((lead & 0xc0) === 0x80) continue;
    if (utf8Length(lead) <= back) return 0;
    if (truncatedSurrogate(b, b.length - back)) return 2;
    for (let k = 1; k < back; k++) if (!continuationOk(lead, k, b[b.length - back + k])) return 0;
    return back;
  }
  return 0;
}

/**
 * Whether `b[at..]` is exactly ED A0–BF: the start of an encoded surrogate,
 * which CPython's decoder keeps for the next input rather than failing
 * (so that `surrogatepass` can see all three bytes).
 */
function truncatedSurrogate(b: Uint8Array, at: number): boolean {
  return at + 2 === b.length && b[at] === 0xed && b[at + 1] >= 0xa0 && b[at + 1] <= 0xbf;
}

/** The length of the sequence lead byte `lead` starts, or 0 when it is not a valid lead byte. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  return lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
}

/** The range a continuation byte must be in, after lead byte `lead`, at position `pos` (1–3). */
function continuationOk(lead: number, pos: number, b: number): boolean {
  if (pos === 1) {
    if (lead === 0xe0) return b >= 0xa0 && b <= 0xbf;
    if (lead === 0xed) return b >= 0x80 && b <= 0x9f;
    if (lead === 0xf0) return b >= 0x90 && b <= 0xbf;
    if (lead === 0xf4) return b >= 0x80 && b <= 0x8f;
  }
  return (b & 0xc0) === 0x80;
}

/** Python's UTF-8 decoder, byte by byte, for input that has errors. */
function decodeUtf8Slow(data: Uint8Array, errors: string, final: boolean): Decoded {
  const out = new TextOut();
  let i = 0;
  const n = data.length;
  while (i < n) {
    const lead = data[i];
    if (lead < 0x80) {
      out.unit(lead);
      i++;
      continue;
    }
    const need = utf8Length(lead);
    if (need === 0) {
      i = onDecodeError("utf-8", errors, data, i, i + 1, "invalid start byte", out);
      continue;
    }
    let got = 1;
    while (got < need && i + got < n && continuationOk(lead, got, data[i + got])) got++;
    if (got === need) {
      let cp = lead & (need === 2 ? 0x1f : need === 3 ? 0x0f : 0x07);
      for (let k = 1; k < need; k++) cp = (cp << 6) | (data[i + k] & 0x3f);
      if (cp > 0xffff) {
        out.unit(0xd800 + ((cp - 0x10000) >> 10));
        out.unit(0xdc00 + ((cp - 0x10000) & 0x3ff));
      } else out.unit(cp);
      i += need;
    } else if (i + got === n || (!final && truncatedSurrogate(data, i))) {
      if (!final) break;
      i = onDecodeError("utf-8", errors, data, i, n, "unexpected end of data", out);
    } else {
      i = onDecodeError("utf-8", errors, data, i, i + got, "invalid continuation byte", out);
    }
  }
  return { text: out.done(), consumed: i };
}

const utf8: Codec = {
  name: "utf-8",
  encode(s: string, errors: string): Uint8Array {
    if (!SURROGATE.test(s) || !LONE_SURROGATE.test(s)) return UTF8.encode(s);
    const out = new ByteOut(s.length * 3);
    encodeWith(
      {
        name: "utf-8",
        bad: (cp) => cp >= 0xd800 && cp <= 0xdfff ? "surrogates not allowed" : null,
        one: (cp) => {
          for (const x of UTF8.encode(String.fromCodePoint(cp))) out.put(x);
        },
        ascii: out.put,
        escape: out.put,
        raw: (cp) => {
          out.put(0xe0 | (cp >> 12));
          out.put(0x80 | ((cp >> 6) & 0x3f));
          out.put(0x80 | (cp & 0x3f));
        },
        grouped: true,
      },
      s,
      errors,
    );
    return out.done();
  },
  decode(b: Uint8Array, errors: string, final: boolean): Decoded {
    const whole = final ? b.length : b.length - incompleteTail(b);
    try {
      return { text: UTF8_FATAL.decode(b.subarray(0, whole)), consumed: whole };
    } catch {
      return decodeUtf8Slow(b, errors, final);
    }
  },
};

// ---------------------------------------------------------------------------
// Single-byte codecs and UTF-16

function singleByte(name: string, max: number): Codec {
  const reason = `ordinal not in range(${max + 1})`;
  return {
    name,
    encode(s: string, errors: string): Uint8Array {
      const out = new ByteOut(s.length);
      const bad = (cp: number) => cp > max ? reason : null;
      encodeWith({ name, bad, one: out.put, ascii: out.put, escape: out.put, raw: null, grouped: true }, s, errors);
      return out.done();
    },
    decode(b: Uint8Array, errors: string): Decoded {
      const out = new TextOut();
      for (let i = 0; i < b.length;) {
        if (b[i] <= max) out.unit(b[i++]);
        else i = onDecodeError(name, errors, b, i, i + 1, reason, out);
      }
      return { text: out.done(), consumed: b.length };
    },
  };
}

function utf16(name: string, little: boolean): Codec {
  return {
    name,
    encode(s: string, errors: string): Uint8Array {
      const out = new ByteOut(s.length * 2);
      const unit = (u: number) => {
        out.put(little ? u & 0xff : u >> 8);
        out.put(little ? u >> 8 : u & 0xff);
      };
      const one = (cp: number) => {
        if (cp > 0xffff) {
          unit(0xd800 + ((cp - 0x10000) >> 10));
          unit(0xdc00 + ((cp - 0x10000) & 0x3ff));
        } else unit(cp);
      };
      const bad = (cp: number) => cp >= 0xd800 && cp <= 0xdfff ? "surrogates not allowed" : null;
      encodeWith({ name, bad, one, ascii: unit, escape: null, raw: unit, grouped: false }, s, errors);
      return out.done();
    },
    decode(b: Uint8Array, errors: string, final: boolean): Decoded {
      const out = new TextOut();
      const at = (i: number) => little ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1];
      let i = 0;
      while (i < b.length) {
        if (i + 1 >= b.length) {
          if (!final) break;
          i = onDecodeError(name, errors, b, i, b.length, "truncated data", out);
          continue;
        }
        const u = at(i);
        if (u < 0xd800 || u > 0xdfff) {
          out.unit(u);
          i += 2;
        } else if (u >= 0xdc00) {
          i = onDecodeError(name, errors, b, i, i + 2, "illegal encoding", out);
        } else if (i + 3 >= b.length) {
          if (!final) break;
          i = onDecodeError(name, errors, b, i, b.length, "unexpected end of data", out);
        } else if (at(i + 2) >= 0xdc00 && at(i + 2) <= 0xdfff) {
          out.unit(u);
          out.unit(at(i + 2));
          i += 4;
        } else {
          i = onDecodeError(name, errors, b, i, i + 2, "illegal UTF-16 surrogate", out);
        }
      }
      return { text: out.done(), consumed: i };
    },
  };
}

const CODECS: Record<string, Codec> = {
  "utf-8": utf8,
  "ascii": singleByte("ascii", 0x7f),
  "latin-1": singleByte("latin-1", 0xff),
  "utf-16-le": utf16("utf-16-le", true),
  "utf-16-be": utf16("utf-16-be", false),
};

const ALIASES: Record<string, string> = {
  "utf8": "utf-8",
  "u8": "utf-8",
  "utf": "utf-8",
  "cp65001": "utf-8",
  "us-ascii": "ascii",
  "646": "ascii",
  "latin1": "latin-1",
  "latin": "latin-1",
  "l1": "latin-1",
  "iso-8859-1": "latin-1",
  "iso8859-1": "latin-1",
  "8859": "latin-1",
  "cp819": "latin-1",
  "utf-16le": "utf-16-le",
  "utf-16be": "utf-16-be",
  "locale": "utf-8",
};

/**
 * The codec called `encoding` (Python's spelling rules: case, `_` or `-`,
 * and the usual aliases), or `undefined`.
 */
export function codecFor(encoding: string): Codec | undefined {
  const key = encoding.toLowerCase().replace(/[_ ]/g, "-");
  return CODECS[ALIASES[key] ?? key];
}

const EMPTY = new Uint8Array(0);

/**
 * A stateful decoder: bytes in, text out, keeping an incomplete tail for
 * the next call (Python's incremental decoders). Error positions count from
 * the start of the kept tail plus the new input, as CPython's do.
 */
export function incrementalDecoder(codec: Codec, errors: string): (b: Uint8Array, final: boolean) => string {
  let pending: Uint8Array = EMPTY;
  return (b, final) => {
    let data = b;
    if (pending.length > 0) {
      data = new Uint8Array(pending.length + b.length);
      data.set(pending);
      data.set(b, pending.length);
    }
    const { text, consumed } = codec.decode(data, errors, final);
    pending = consumed === data.length ? EMPTY : data.slice(consumed);
    return text;
  };
}

// ---------------------------------------------------------------------------
// The socket module's conversions

/**
 * CPython's `"s"`/`"z"` argument conversion of a `str`: UTF-8, raising
 * `UnicodeEncodeError` for a lone surrogate.
 *
 * @throws {UnicodeEncodeError} `'utf-8' codec can't encode character '\ud800' in position 0: surrogates not allowed`.
 */
export function utf8Encode(s: string): Uint8Array {
  return utf8.encode(s, "strict");
}

/**
 * The file-system encoding of `s` (`os.fsencode`): UTF-8, with the lone
 * surrogates U+DC80–U+DCFF as the bytes 0x80–0xFF.
 *
 * @throws {UnicodeEncodeError} For any other lone surrogate.
 */
export function fsEncode(s: string): Uint8Array {
  return utf8.encode(s, "surrogateescape");
}

/** The file-system decoding of `b` (`os.fsdecode`): UTF-8, bytes that are not UTF-8 as U+DC80–U+DCFF. */
export function fsDecode(b: Uint8Array): string {
  return utf8.decode(b, "surrogateescape", true).text;
}

/** The number of code points in `s` (a surrogate pair counts once), as Python's `len`. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The code unit index in `s` after `count` code points from `from` (or `s.length`). */
export function codePointOffset(s: string, count: number, from: number = 0): number {
  let i = from;
  for (; count > 0 && i < s.length; count--) {
    const c = s.charCodeAt(i);
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    i += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
  }
  return i;
}

/**
 * CPython's `"s"` argument conversion: a `str` as a NUL-terminated strict
 * UTF-8 C string (in `scratch` when it fits), after the same checks in the
 * same order (type, encoding, then an embedded NUL).
 *
 * @throws {TypeError} `fn() argument N must be str, not int`.
 * @throws {UnicodeEncodeError} For a lone surrogate.
 * @throws {ValueError} `embedded null character`.
 */
export function strArg(v: unknown, fn: string, position: number, scratch: Uint8Array): Uint8Array {
  if (typeof v !== "string") {
    throw new TypeError(`${fn}() argument ${position} must be str, not ${v == null ? "None" : pyType(v)}`);
  }
  const bytes = utf8Encode(v);
  if (bytes.includes(0)) throw new ValueError("embedded null character");
  const out = bytes.length + 1 <= scratch.length ? scratch : new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 0;
  return out;
}
