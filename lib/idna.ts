/**
 * The one IDNA encoder: Python's `encodings.idna` codec (IDNA 2003,
 * RFC 3490), which CPython's socket module applies to every host name given
 * as a `str`. Per label: nameprep (RFC 3491: stringprep tables B.1, B.2,
 * NFKC with Unicode 3.2 data, the prohibited tables C.*, the bidi rules of
 * tables D.1 and D.2), then Punycode (RFC 3492) with the `xn--` prefix, and
 * CPython's length rules. An all-ASCII name takes CPython's fast path: it is
 * returned unchanged once its labels' lengths are checked.
 *
 * No URL parser is involved: `"ü@127.0.0.1"` encodes to
 * `"xn--@127-zra.0.0.1"`, a name no resolver maps to 127.0.0.1, as in
 * CPython.
 *
 * @module
 */

import { UnicodeError } from "./errors.ts";
import { B3, D1, D2, UNASSIGNED } from "./idna_tables.ts";

/** Unpacks a table of `tools/gen_idna.py` into `[start, end, start, end, …]`. */
function unpack(packed: string): Uint32Array {
  const parts = packed.split(",");
  const out = new Uint32Array(parts.length * 2);
  let prev = 0;
  parts.forEach((p, i) => {
    const [gap, len] = p.split(":").map((h) => parseInt(h, 16));
    out[2 * i] = prev + gap;
    out[2 * i + 1] = prev = prev + gap + len;
  });
  return out;
}

const RAND_AL = unpack(D1);
const L_CAT = unpack(D2);
const UNASSIGNED_32 = unpack(UNASSIGNED);

/** Whether `cp` is in one of the ranges of `table` (binary search). */
function inRanges(table: Uint32Array, cp: number): boolean {
  let lo = 0, hi = table.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < table[2 * mid]) hi = mid - 1;
    else if (cp > table[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** RFC 3454 table B.1: mapped to nothing. */
const B1 = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/gu;

/**
 * NFKC as Python's `ucd_3_2_0.normalize` does it: a character unassigned in
 * Unicode 3.2 has no decomposition there, so one that the runtime's newer
 * data would decompose stays as it is; everything else (including the
 * canonical reordering, which CPython does with current combining classes)
 * is the runtime's.
 */
function nfkc32(s: string): string {
  let out = "", run = "";
  for (const ch of s) {
    if (inRanges(UNASSIGNED_32, ch.codePointAt(0)!) && ch.normalize("NFKD") !== ch) {
      out += run.normalize("NFKC") + ch;
      run = "";
    } else run += ch;
  }
  return out + run.normalize("NFKC");
}

/** Table B.3 (Python's `stringprep.map_table_b3`): case folding for one character. */
function mapB3(ch: string): string {
  return B3.get(ch.codePointAt(0)!) ?? ch.toLowerCase();
}

/** Table B.2 (Python's `stringprep.map_table_b2`): case folding for NFKC. */
function mapB2(ch: string): string {
  const al = mapB3(ch);
  const b = nfkc32(al);
  const c = nfkc32(Array.from(b, mapB3).join(""));
  return b !== c ? c : al;
}

/** Tables C.1.2, C.2.2, C.3 to C.9 of RFC 3454, as Python's `stringprep` reads them (Unicode 3.2). */
function prohibited(cp: number): boolean {
  if (cp < 0x80) return false;
  return cp <= 0xa0 || cp === 0x1680 || cp === 0x06dd || cp === 0x070f || cp === 0x180e ||
    (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) || cp === 0x205f ||
    (cp >= 0x2060 && cp <= 0x2063) || (cp >= 0x206a && cp <= 0x206f) || cp === 0x3000 ||
    (cp >= 0x2ff0 && cp <= 0x2ffb) || (cp >= 0xd800 && cp <= 0xf8ff) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
    cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffd) || (cp & 0xfffe) === 0xfffe ||
    (cp >= 0x1d173 && cp <= 0x1d17a) || cp === 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f) || cp >= 0xf0000 ||
    cp === 0x0340 || cp === 0x0341;
}

const NOT_PRINTABLE = /^[\p{C}\p{Z}]$/u;

/** Python's `repr()` of a one-character string. */
function reprChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (ch === "'" || ch === "\\") return `'\\${ch}'`;
  if (ch !== " " && NOT_PRINTABLE.test(ch)) {
    const [p, w] = cp <= 0xff ? ["\\x", 2] : cp <= 0xffff ? ["\\u", 4] : ["\\U", 8];
    return `'${p}${cp.toString(16).padStart(w, "0")}'`;
  }
  return `'${ch}'`;
}

/** The codec's failure, worded as CPython reports it. */
function idnaError(reason: string): UnicodeError {
  return new UnicodeError(`encoding with 'idna' codec failed (UnicodeError: ${reason})`);
}

/** RFC 3491 nameprep of one label (Python's `encodings.idna.nameprep`). */
function nameprep(label: string): string {
  let mapped = "";
  for (const ch of label.replace(B1, "")) mapped += mapB2(ch);
  const out = nfkc32(mapped);
  const chars = Array.from(out);
  for (const ch of chars) {
    if (prohibited(ch.codePointAt(0)!)) throw idnaError(`Invalid character ${reprChar(ch)}`);
  }
  const randAL = chars.map((ch) => inRanges(RAND_AL, ch.codePointAt(0)!));
  if (randAL.some(Boolean)) {
    if (chars.some((ch) => inRanges(L_CAT, ch.codePointAt(0)!))) throw idnaError("Violation of BIDI requirement 2");
    if (!randAL[0] || !randAL[randAL.length - 1]) throw idnaError("Violation of BIDI requirement 3");
  }
  return out;
}

const BASE = 36, T_MIN = 1, T_MAX = 26, SKEW = 38, DAMP = 700;

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  for (; delta > ((BASE - T_MIN) * T_MAX) >> 1; k += BASE) delta = Math.floor(delta / (BASE - T_MIN));
  return k + Math.floor((BASE - T_MIN + 1) * delta / (delta + SKEW));
}

function digit(d: number): string {
  return String.fromCharCode(d < 26 ? 97 + d : 22 + d);
}

/** RFC 3492 Punycode of `label` (Python's `punycode` codec), without a prefix. */
export function punycode(label: string): string {
  const cps = Array.from(label, (c) => c.codePointAt(0)!);
  let out = cps.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join("");
  const basic = out.length;
  if (basic > 0) out += "-";
  let n = 0x80, delta = 0, bias = 72, handled = basic;
  const extended = [...new Set(cps.filter((c) => c >= 0x80))].sort((a, b) => a - b);
  for (const m of extended) {
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE;; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < t) break;
        out += digit(t + (q - t) % (BASE - t));
        q = Math.floor((q - t) / (BASE - t));
      }
      out += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return out;
}

// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const DOTS = /[.\u3002\uff0e\uff61]/;

/** RFC 3490 ToASCII of one label, as Python's `encodings.idna.ToASCII` (UseSTD3ASCIIRules false). */
function toAscii(label: string): string {
  if (!ASCII.test(label)) {
    label = nameprep(label);
    if (!ASCII.test(label)) {
      if (label.startsWith("xn--")) throw idnaError("Label starts with ACE prefix");
      label = "xn--" + punycode(label);
    }
  }
  if (label.length > 0 && label.length < 64) return label;
  throw idnaError("label empty or too long");
}

/**
 * `name.encode("idna")` as Python 3.11 gives it, as a string of ASCII
 * characters (one per byte; it may contain NUL, as Python's result may).
 *
 * @param name The host name.
 * @returns The ASCII-compatible encoding.
 * @throws {UnicodeError} `encoding with 'idna' codec failed (UnicodeError: label empty or too long)`,
 *   `… Invalid character '\ud800'`, `… Label starts with ACE prefix`, `… Violation of BIDI requirement 2`.
 *
 * @example
 * ```ts
 * import { idnaEncode } from "./idna.ts";
 * console.assert(idnaEncode("straße.de") === "strasse.de");
 * console.assert(idnaEncode("bücher.example") === "xn--bcher-kva.example");
 * ```
 */
export function idnaEncode(name: string): string {
  if (name === "") return "";
  if (ASCII.test(name)) {
    const labels = name.split(".");
    for (let i = 0; i < labels.length - 1; i++) {
      if (labels[i].length === 0 || labels[i].length >= 64) throw idnaError("label empty or too long");
    }
    if (labels[labels.length - 1].length >= 64) throw idnaError("label too long");
    return name;
  }
  const labels = name.split(DOTS);
  let trailing = "";
  if (labels[labels.length - 1] === "") {
    trailing = ".";
    labels.pop();
  }
  return labels.map(toAscii).join(".") + trailing;
}

/**
 * Whether `s` is all ASCII (CPython's `PyUnicode_IS_ASCII`, which lets a
 * host in an address tuple skip the codec).
 *
 * @param s The text.
 * @returns `true` when every character is below U+0080.
 */
export function isAscii(s: string): boolean {
  return ASCII.test(s);
}
