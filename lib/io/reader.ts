/**
 * Python's `io.BufferedReader` over a raw `SocketIO`: `read(n)` waits for
 * `n` bytes or the end of the stream, `readline` keeps the line ending.
 *
 * @module
 */

import { arity, IO_METHODS } from "../signatures.ts";
import { type BytesLike, toWritableBytes } from "../args.ts";
import { ValueError } from "../errors.ts";
import { closedFile, concat, DEFAULT_BUFFER_SIZE, readChunks, sizeArg, UnsupportedOperation } from "./base.ts";
import { BufferedIOBase, checkBufferSize, unsupported } from "./buffered.ts";
import type { SocketIO } from "./raw.ts";

/**
 * A buffered reader over a raw file object (Python's `io.BufferedReader`).
 * `read(n)` waits for `n` bytes or the end of the stream; `read1(n)` and
 * `peek()` make at most one raw read.
 */
export class BufferedReader extends BufferedIOBase {
  #raw: SocketIO;
  /** The buffer; the bytes not yet read are those from `#pos` to `#end`. */
  #buf: Uint8Array;
  #size: number;
  #pos = 0;
  #end = 0;

  /**
   * Creates the object.
   *
   * @param raw The raw file to read from.
   * @param bufferSize The buffer size (default 8192).
   */
  constructor(raw: SocketIO, bufferSize: number = DEFAULT_BUFFER_SIZE) {
    super(raw, "BufferedReader");
    this.#raw = raw;
    this.#buf = new Uint8Array(checkBufferSize(bufferSize));
    this.#size = bufferSize;
  }

  /** The raw file object. */
  get raw(): SocketIO {
    return this.#raw;
  }

  #check(): void {
    if (this.#raw.closed) throw closedFile();
    if (!this.#raw.readable()) throw new UnsupportedOperation("read");
  }

  /** One raw read into the (empty) buffer; the count, `0` at the end, `null` for nothing yet. */
  #fill(): number | null {
    this.#pos = 0;
    this.#end = 0;
    const got = this.#raw.readinto(this.#buf);
    if (got !== null) this.#end = got;
    return got;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /**
   * Reads `size` bytes, waiting for all of them unless the stream ends;
   * everything until the end of the stream when `size` is omitted or negative.
   *
   * @param size The number of bytes.
   * @returns The bytes, or `null` when a non-blocking socket had nothing at all.
   */
  read(size?: number | null): Uint8Array | null {
    arity(IO_METHODS.BufferedReader.read, arguments.length);
    this.#check();
    const n = sizeArg(size);
    if (n < -1) throw new ValueError("read length must be non-negative or -1");
    const avail = this.#end - this.#pos;
    if (n >= 0 && n <= avail) return this.#take(n);
    const first = avail > 0 ? [this.#take(avail)] : [];
    return readChunks(first, n, (total) => {
      const want = n < 0 ? this.#size : n - total;
      // Large reads go straight from the socket into the result.
      if (want >= this.#size) return this.#direct(want);
      const got = this.#fill();
      return got === null ? null : this.#take(Math.min(got, want));
    });
  }

  /** One raw read of up to `want` bytes into a new array, which owns exactly the bytes read. */
  #direct(want: number): Uint8Array | null {
    const chunk = new Uint8Array(want);
    const got = this.#raw.readinto(chunk);
    // A short read is copied out, so the result owns exactly its bytes.
    return got === null ? null : got < want ? chunk.slice(0, got) : chunk;
  }

  /**
   * Reads at most `size` bytes with at most one raw read.
   *
   * @param size The most bytes (default: what the buffer holds, or one buffer's worth).
   * @returns The bytes (empty at the end of the stream).
   */
  read1(size?: number | null): Uint8Array {
    arity(IO_METHODS.BufferedReader.read1, arguments.length);
    this.#check();
    let n = sizeArg(size);
    if (n < 0) n = this.#size;
    if (n === 0) return new Uint8Array(0);
    if (this.#end === this.#pos) {
      if (n >= this.#size) return this.#direct(n) ?? new Uint8Array(0);
      if (!this.#fill()) return new Uint8Array(0);
    }
    return this.#take(Math.min(n, this.#end - this.#pos));
  }

  /**
   * The buffered bytes without consuming them, after one raw read if the
   * buffer is empty.
   *
   * @param _size Ignored, as in Python.
   * @returns The bytes buffered.
   */
  peek(_size?: number): Uint8Array {
    arity(IO_METHODS.BufferedReader.peek, arguments.length);
    this.#check();
    if (this.#end === this.#pos) this.#fill();
    return this.#buf.slice(this.#pos, this.#end);
  }

  /**
   * Reads into `b` until it is full or the stream ends.
   *
   * @param b Where to write.
   * @returns The count.
   */
  readinto(b: BytesLike): number | null {
    arity(IO_METHODS.BufferedReader.readinto, arguments.length);
    const buf = toWritableBytes(b, "readinto() argument");
    const data = this.read(buf.length);
    if (data === null) return null;
    buf.set(data);
    return data.length;
  }

  /**
   * Reads a line, keeping its `\n`.
   *
   * @param size The most bytes.
   * @returns The line; empty at the end of the stream.
   */
  readline(size?: number | null): Uint8Array {
    arity(IO_METHODS.BufferedReader.readline, arguments.length);
    this.#check();
    const limit = sizeArg(size);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      let avail = this.#end - this.#pos;
      if (avail === 0) {
        if (!this.#fill()) break;
        avail = this.#end - this.#pos;
      }
      const room = limit < 0 ? avail : Math.min(avail, limit - total);
      const nl = this.#buf.subarray(this.#pos, this.#pos + room).indexOf(10);
      const n = nl < 0 ? room : nl + 1;
      parts.push(this.#take(n));
      total += n;
      if (nl >= 0 || (limit >= 0 && total >= limit)) break;
    }
    return concat(parts, total);
  }

  /**
   * Not supported on a reader.
   *
   * @param _b Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  write(_b: BytesLike): number {
    return unsupported(this.#raw, "write");
  }

  /** Nothing to flush on a reader; checks that the file is open. */
  flush(): void {
    arity(IO_METHODS.BufferedReader.flush, arguments.length);
    if (this.#raw.closed) throw new ValueError("flush of closed file");
  }

  /** Closes the raw file object. */
  close(): void {
    arity(IO_METHODS.BufferedReader.close, arguments.length);
    this.#raw.close();
  }

  /** `true`. */
  readable(): boolean {
    arity(IO_METHODS.BufferedReader.readable, arguments.length);
    return this.#raw.readable();
  }

  /** `false`. */
  writable(): boolean {
    arity(IO_METHODS.BufferedReader.writable, arguments.length);
    if (this.#raw.closed) throw closedFile();
    return false;
  }
}
