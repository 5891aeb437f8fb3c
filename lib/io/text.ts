/**
 * The text layer (Python's `io.TextIOWrapper`): `string`s over a buffered
 * binary file, decoded incrementally with the codecs of `lib/codecs.ts`,
 * newlines translated as `newline` says, every count in code points.
 *
 * @module
 */

import { arity, IO_METHODS } from "../signatures.ts";
import { pyType } from "../args.ts";
import { type Codec, codecFor, codePointLength, codePointOffset, incrementalDecoder, LookupError } from "../codecs.ts";
import { ValueError } from "../errors.ts";
import { closedFile, IOBase, sizeArg, UnsupportedOperation } from "./base.ts";
import type { BufferedReader } from "./reader.ts";
import type { BufferedRWPair } from "./rw_pair.ts";
import { BufferedWriter } from "./writer.ts";

/** `TextIOWrapper`'s read chunk. */
const CHUNK_SIZE = 8192;

/**
 * The codec for `encoding`.
 *
 * @throws {LookupError} For an unknown encoding.
 */
export function lookupCodec(encoding: string): Codec {
  const codec = codecFor(encoding);
  if (!codec) throw new LookupError(`unknown encoding: ${encoding}`);
  return codec;
}
/** The binary file a {@linkcode TextIOWrapper} wraps. */
export type TextBuffer = BufferedReader | BufferedWriter | BufferedRWPair;

/**
 * A text file over a buffered binary one (Python's `io.TextIOWrapper`):
 * `string`s in and out, decoded and encoded with `encoding`, newlines
 * translated as `newline` says (`null`: universal newlines in, `\n` out;
 * `""`: lines end at `\n`, `\r` or `\r\n`, untranslated; `"\n"`, `"\r"`,
 * `"\r\n"`: lines end there, and `\n` is written as that).
 */
export class TextIOWrapper extends IOBase<string> {
  #buffer: TextBuffer;
  #codec: Codec;
  #errors: string;
  #newline: string | null;
  #decode: (b: Uint8Array, final: boolean) => string;
  /**
   * Decoded text not yet read; `#cps` is its length in code points (the
   * unit of every count here), or -1 until a count is first needed.
   */
  #text = "";
  #cps = -1;
  /** Whether the last chunk decoded to some text (CPython keeps it as `decoded_chars` even once read). */
  #held = false;
  #eof = false;
  #pendingCR = false;
  #encoding: string;
  /** The mode given to `makefile` (Python sets it as an attribute). */
  mode: string;

  /**
   * Creates the object.
   *
   * @param buffer The binary file.
   * @param encoding The encoding (default UTF-8): `utf-8`, `ascii`, `latin-1`, `utf-16-le`, `utf-16-be` and their aliases.
   * @param errors Python's error handler: `"strict"` (default), `"ignore"`, `"replace"`,
   *   `"backslashreplace"`, `"surrogateescape"`, `"surrogatepass"`, `"xmlcharrefreplace"` (writing only);
   *   an unknown name is a `LookupError` when an error occurs, as in Python.
   * @param newline `null` (default), `""`, `"\n"`, `"\r"` or `"\r\n"`.
   * @throws {LookupError} For an unknown encoding.
   * @throws {ValueError} For another `newline`.
   */
  constructor(buffer: TextBuffer, encoding?: string | null, errors?: string | null, newline?: string | null) {
    super();
    if (newline !== undefined && newline !== null) {
      if (typeof newline !== "string") throw new TypeError(`TextIOWrapper() argument 'newline' must be str or None`);
      if (!["", "\n", "\r", "\r\n"].includes(newline)) throw new ValueError(`illegal newline value: ${newline}`);
    }
    this.#encoding = encoding ?? "UTF-8";
    this.#codec = lookupCodec(this.#encoding);
    this.#errors = errors ?? "strict";
    this.#newline = newline ?? null;
    this.#buffer = buffer;
    this.#decode = incrementalDecoder(this.#codec, this.#errors);
    this.mode = "r";
  }

  /** The binary file object underneath. */
  get buffer(): TextBuffer {
    return this.#buffer;
  }

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.#buffer.closed;
  }

  /** The encoding's name, as given. */
  get encoding(): string {
    return this.#encoding;
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#buffer.name;
  }

  /** The error handler. */
  get errors(): string {
    return this.#errors;
  }

  #checkReadable(): void {
    if (this.#buffer.closed) throw closedFile();
    if (!this.#buffer.readable()) throw new UnsupportedOperation("not readable");
  }

  /** Reads and decodes one chunk (`all`: everything to the end of the stream); `false` at the end (or nothing yet, non-blocking). */
  #fill(all = false): boolean {
    if (this.#eof) return false;
    const buffer = this.#buffer;
    const b = buffer instanceof BufferedWriter ? new Uint8Array(0) : all ? buffer.read() : buffer.read1(CHUNK_SIZE);
    if (b === null) return false;
    const final = all || b.length === 0;
    let s = this.#decode(b, final);
    if (final) this.#eof = true;
    // Universal newlines (null or ""), as CPython's IncrementalNewlineDecoder:
    // a "\r" at the end of a chunk waits for the next one; null also translates.
    if (this.#newline === null || this.#newline === "") {
      if (this.#pendingCR) {
        s = "\r" + s;
        this.#pendingCR = false;
      }
      if (!final && s.endsWith("\r")) {
        s = s.slice(0, -1);
        this.#pendingCR = true;
      }
      if (this.#newline === null) s = s.replaceAll("\r\n", "\n").replaceAll("\r", "\n");
    }
    this.#text += s;
    if (this.#cps >= 0) this.#cps += codePointLength(s);
    this.#held = s.length > 0 && !all;
    return !final || s.length > 0;
  }

  /** The decoded text's length in code points. */
  #count(): number {
    if (this.#cps < 0) this.#cps = codePointLength(this.#text);
    return this.#cps;
  }

  /** Takes the first `end` code units of the decoded text (never inside a surrogate pair). */
  #consume(end: number): string {
    const out = this.#text.slice(0, end);
    this.#text = this.#text.slice(end);
    if (this.#cps >= 0) this.#cps -= codePointLength(out);
    return out;
  }

  /**
   * Reads `size` characters, waiting for them unless the stream ends; all
   * until the end of the stream when omitted or negative.
   *
   * @param size The number of characters.
   * @returns The text.
   */
  read(size?: number | null): string {
    arity(IO_METHODS.TextIOWrapper.read, arguments.length);
    this.#checkReadable();
    const n = sizeArg(size);
    if (n < 0) {
      // As CPython: everything to the end of the stream, decoded at once.
      this.#fill(true);
      return this.#consume(this.#text.length);
    }
    while (this.#count() < n && this.#fill());
    return this.#consume(codePointOffset(this.#text, n));
  }

  /** Where the first line in the decoded text ends, or `-1` (need more). */
  #lineEnd(): number {
    const t = this.#text;
    const nl = this.#newline;
    if (nl === null || nl === "\n") {
      const i = t.indexOf("\n");
      return i < 0 ? -1 : i + 1;
    }
    if (nl === "") {
      const m = /[\r\n]/.exec(t);
      if (!m) return -1;
      const i = m.index;
      if (t[i] === "\n") return i + 1;
      if (i + 1 < t.length) return t[i + 1] === "\n" ? i + 2 : i + 1;
      return this.#eof ? i + 1 : -1;
    }
    const i = t.indexOf(nl);
    return i < 0 ? -1 : i + nl.length;
  }

  /**
   * Reads a line, keeping its ending.
   *
   * @param size The most characters.
   * @returns The line; `""` at the end of the stream.
   */
  readline(size?: number | null): string {
    arity(IO_METHODS.TextIOWrapper.readline, arguments.length);
    this.#checkReadable();
    const limit = sizeArg(size);
    // `limit` counts code points; the line's end is found in code units.
    const cut = () => limit >= 0 ? codePointOffset(this.#text, limit) : this.#text.length;
    for (;;) {
      // As CPython: a chunk is read first unless one is held, even for a limit of 0.
      while (this.#text.length === 0 && !(limit === 0 && this.#held)) if (!this.#fill()) return "";
      const end = this.#lineEnd();
      if (end >= 0) return this.#consume(Math.min(end, cut()));
      // Without a line end, CPython counts toward the limit all but a last "\r" that may start a "\r\n".
      const partial = this.#newline === "\r\n" && this.#text.endsWith("\r") ? 1 : 0;
      if (limit >= 0 && this.#count() - partial >= limit) return this.#consume(cut());
      if (!this.#fill()) {
        const end2 = this.#lineEnd();
        return this.#consume(end2 >= 0 ? Math.min(end2, cut()) : cut());
      }
    }
  }

  /**
   * Encodes and buffers `s` (translating `\n` as `newline` says).
   *
   * @param s The text.
   * @returns Its length in code points, as Python's `len(s)`.
   */
  write(s: string): number {
    arity(IO_METHODS.TextIOWrapper.write, arguments.length);
    if (this.#buffer.closed) throw closedFile();
    if (typeof s !== "string") throw new TypeError(`write() argument must be str, not ${pyType(s)}`);
    if (!this.#buffer.writable()) throw new UnsupportedOperation("not writable");
    const nl = this.#newline;
    const text = nl && nl !== "\n" ? s.replaceAll("\n", nl) : s;
    this.#buffer.write(this.#codec.encode(text, this.#errors));
    return codePointLength(s);
  }

  /** Sends everything buffered. */
  flush(): void {
    arity(IO_METHODS.TextIOWrapper.flush, arguments.length);
    if (this.#buffer.closed) throw closedFile();
    this.#buffer.flush();
  }

  /** Flushes and closes the binary file. */
  close(): void {
    arity(IO_METHODS.TextIOWrapper.close, arguments.length);
    if (this.#buffer.closed) return;
    try {
      if (this.#buffer.writable()) this.#buffer.flush();
    } finally {
      this.#buffer.close();
    }
  }

  /** Whether reading is allowed. */
  readable(): boolean {
    arity(IO_METHODS.TextIOWrapper.readable, arguments.length);
    if (this.#buffer.closed) throw closedFile();
    return this.#buffer.readable();
  }

  /** Whether writing is allowed. */
  writable(): boolean {
    arity(IO_METHODS.TextIOWrapper.writable, arguments.length);
    if (this.#buffer.closed) throw closedFile();
    return this.#buffer.writable();
  }

  /** `false`. */
  seekable(): boolean {
    arity(IO_METHODS.TextIOWrapper.seekable, arguments.length);
    return false;
  }

  /** The socket's descriptor. */
  fileno(): number {
    arity(IO_METHODS.TextIOWrapper.fileno, arguments.length);
    return this.#buffer.fileno();
  }

  /** Python's `repr()`. */
  override toString(): string {
    return `<_io.TextIOWrapper name=${this.name} mode='${this.mode}' encoding='${this.#encoding}'>`;
  }
}
