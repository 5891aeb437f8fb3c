/**
 * The buffered layer, as Python's `io`: a `BufferedReader` and a
 * `BufferedWriter` over one raw `SocketIO`, and a `BufferedRWPair` made of
 * one of each. `read(n)` waits for `n` bytes or the end of the stream,
 * `readline` keeps the line ending, `write` keeps bytes until the buffer
 * fills.
 *
 * @module
 */

import { type BytesLike, toBytes, toWritableBytes } from "../args.ts";
import { BlockingIOError, ValueError } from "../errors.ts";
import { SYS } from "../../ffi/gen/mod.ts";
import {
  type BinaryFile,
  closedFile,
  concat,
  DEFAULT_BUFFER_SIZE,
  IOBase,
  sizeArg,
  UnsupportedOperation,
} from "./base.ts";
import type { SocketIO } from "./raw.ts";

const { EAGAIN } = SYS;

/** What a buffered file reports as its own state: its raw file's, or for a pair its writer's. */
interface FileState {
  readonly closed: boolean;
  readonly name: number;
  readonly mode: string;
  seekable(): boolean;
  fileno(): number;
}

function checkBufferSize(bufferSize: number): void {
  if (bufferSize <= 0) throw new ValueError("buffer size must be strictly positive");
}

/** The error of an operation a one-way file does not have: closed first, as Python checks. */
function unsupported(file: FileState, operation: string): never {
  if (file.closed) throw closedFile();
  throw new UnsupportedOperation(operation);
}

/**
 * The base of the buffered files (Python's `io.BufferedIOBase`, with
 * `_pyio`'s `_BufferedIOMixin`): `closed`, `name`, `mode`, `seekable()` and
 * `fileno()` are those of the file underneath.
 */
export abstract class BufferedIOBase extends IOBase<Uint8Array> implements BinaryFile {
  #state: FileState;

  /**
   * Creates the object.
   *
   * @param state The file whose state this one reports.
   */
  constructor(state: FileState) {
    super();
    this.#state = state;
  }

  /**
   * Reads `size` bytes, waiting for all of them unless the stream ends.
   *
   * @param size The number of bytes (all when omitted or negative).
   * @returns The bytes, or `null` when a non-blocking socket had nothing.
   */
  abstract read(size?: number | null): Uint8Array | null;

  /**
   * Reads into `b` until it is full or the stream ends.
   *
   * @param b Where to write.
   * @returns The count.
   */
  abstract readinto(b: BytesLike): number | null;

  /**
   * Buffers `b` for sending.
   *
   * @param b The bytes.
   * @returns Its length.
   */
  abstract write(b: BytesLike): number;

  /** Sends everything buffered. */
  abstract flush(): void;

  /** Whether reading is allowed. */
  abstract readable(): boolean;

  /** Whether writing is allowed. */
  abstract writable(): boolean;

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.#state.closed;
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#state.name;
  }

  /** The raw file's mode. */
  get mode(): string {
    return this.#state.mode;
  }

  /** `false`. */
  seekable(): boolean {
    return this.#state.seekable();
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#state.fileno();
  }
}

/**
 * A buffered reader over a raw file object (Python's `io.BufferedReader`).
 * `read(n)` waits for `n` bytes or the end of the stream; `read1(n)` and
 * `peek()` make at most one raw read.
 */
export class BufferedReader extends BufferedIOBase {
  #raw: SocketIO;
  #size: number;
  #buf: Uint8Array;
  #pos = 0;
  #end = 0;

  /**
   * Creates the object.
   *
   * @param raw The raw file.
   * @param bufferSize The buffer size (default 8192).
   */
  constructor(raw: SocketIO, bufferSize: number = DEFAULT_BUFFER_SIZE) {
    checkBufferSize(bufferSize);
    super(raw);
    this.#raw = raw;
    this.#size = bufferSize;
    this.#buf = new Uint8Array(bufferSize);
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
    this.#check();
    const n = sizeArg(size);
    if (n < -1) throw new ValueError("read length must be non-negative or -1");
    const avail = this.#end - this.#pos;
    if (n >= 0 && n <= avail) return this.#take(n);
    const parts: Uint8Array[] = [];
    let total = 0;
    if (avail > 0) {
      parts.push(this.#take(avail));
      total = avail;
    }
    while (n < 0 || total < n) {
      const want = n < 0 ? this.#size : n - total;
      let chunk: Uint8Array;
      let got: number | null;
      if (want >= this.#size) {
        // Large reads go straight from the socket into the result.
        chunk = new Uint8Array(want);
        got = this.#raw.readinto(chunk);
        // A short read is copied out, so the result owns exactly its bytes.
        if (got !== null && got < want) chunk = chunk.slice(0, got);
      } else {
        got = this.#fill();
        chunk = got ? this.#take(Math.min(got, want)) : new Uint8Array(0);
      }
      if (got === null) {
        if (total === 0) return null;
        break;
      }
      if (got === 0) break;
      parts.push(chunk);
      total += chunk.length;
    }
    return concat(parts, total);
  }

  /**
   * Reads at most `size` bytes with at most one raw read.
   *
   * @param size The most bytes (default: what the buffer holds, or one buffer's worth).
   * @returns The bytes (empty at the end of the stream).
   */
  read1(size?: number | null): Uint8Array {
    this.#check();
    let n = sizeArg(size);
    if (n < 0) n = this.#size;
    if (n === 0) return new Uint8Array(0);
    if (this.#end === this.#pos) {
      if (n >= this.#size) {
        const b = new Uint8Array(n);
        const got = this.#raw.readinto(b) ?? 0;
        return b.slice(0, got);
      }
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
    const buf = toWritableBytes(b);
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
    if (this.#raw.closed) throw new ValueError("flush of closed file");
  }

  /** Closes the raw file object. */
  close(): void {
    this.#raw.close();
  }

  /** `true`. */
  readable(): boolean {
    return this.#raw.readable();
  }

  /** `false`. */
  writable(): boolean {
    if (this.#raw.closed) throw closedFile();
    return false;
  }
}

/**
 * A buffered writer over a raw file object (Python's `io.BufferedWriter`):
 * `write` keeps bytes until the buffer fills, `flush` sends them all.
 */
export class BufferedWriter extends BufferedIOBase {
  #raw: SocketIO;
  #size: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  /**
   * Creates the object.
   *
   * @param raw The raw file.
   * @param bufferSize The buffer size (default 8192).
   */
  constructor(raw: SocketIO, bufferSize: number = DEFAULT_BUFFER_SIZE) {
    checkBufferSize(bufferSize);
    super(raw);
    this.#raw = raw;
    this.#size = bufferSize;
  }

  /** The raw file object. */
  get raw(): SocketIO {
    return this.#raw;
  }

  /**
   * Buffers `b`, sending the buffer when it fills.
   *
   * @param b The bytes (copied).
   * @returns Its length.
   */
  write(b: BytesLike): number {
    if (this.#raw.closed) throw new ValueError("write to closed file");
    if (!this.#raw.writable()) throw new UnsupportedOperation("write");
    const data = toBytes(b);
    this.#pending.push(data.slice());
    this.#pendingBytes += data.length;
    if (this.#pendingBytes > this.#size) this.#flushUnlocked();
    return data.length;
  }

  #flushUnlocked(): void {
    const all = concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    let off = 0;
    try {
      while (off < all.length) {
        const n = this.#raw.write(all.subarray(off));
        if (n === null) throw new BlockingIOError(EAGAIN, "write could not complete without blocking");
        off += n;
      }
    } finally {
      if (off < all.length) {
        this.#pending = [all.slice(off)];
        this.#pendingBytes = all.length - off;
      }
    }
  }

  /** Sends everything buffered. */
  flush(): void {
    if (this.#raw.closed) throw new ValueError("flush of closed file");
    if (this.#pendingBytes > 0) this.#flushUnlocked();
  }

  /** Flushes, then closes the raw file object (even if the flush fails). */
  close(): void {
    if (this.#raw.closed) return;
    try {
      this.flush();
    } finally {
      this.#raw.close();
    }
  }

  /**
   * Not supported on a writer.
   *
   * @param _size Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  read(_size?: number | null): Uint8Array {
    return unsupported(this.#raw, "read");
  }

  /**
   * Not supported on a writer.
   *
   * @param _size Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  readline(_size?: number | null): Uint8Array {
    return this.read();
  }

  /**
   * Not supported on a writer (the hint is not looked at).
   *
   * @param _hint Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  override readlines(_hint?: number | null): Uint8Array[] {
    return [this.read()];
  }

  /**
   * Not supported on a writer.
   *
   * @param _b Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  readinto(_b: BytesLike): number {
    return unsupported(this.#raw, "readinto");
  }

  /** `false`. */
  readable(): boolean {
    if (this.#raw.closed) throw closedFile();
    return false;
  }

  /** `true`. */
  writable(): boolean {
    return this.#raw.writable();
  }
}

/**
 * A reader and a writer over one raw file object (Python's
 * `io.BufferedRWPair`), for mode `"rwb"`: reads go to its
 * {@linkcode BufferedReader}, writes to its {@linkcode BufferedWriter}.
 */
export class BufferedRWPair extends BufferedIOBase {
  #reader: BufferedReader;
  #writer: BufferedWriter;

  /**
   * Creates the object.
   *
   * @param reader The raw file to read from.
   * @param writer The raw file to write to.
   * @param bufferSize The buffer size of each (default 8192).
   */
  constructor(reader: SocketIO, writer: SocketIO, bufferSize: number = DEFAULT_BUFFER_SIZE) {
    const r = new BufferedReader(reader, bufferSize);
    const w = new BufferedWriter(writer, bufferSize);
    super(w);
    this.#reader = r;
    this.#writer = w;
  }

  /**
   * Reads as {@linkcode BufferedReader.read}.
   *
   * @param size The number of bytes (all when omitted).
   * @returns The bytes.
   */
  read(size?: number | null): Uint8Array | null {
    return this.#reader.read(size);
  }

  /**
   * Reads as {@linkcode BufferedReader.read1}.
   *
   * @param size The most bytes.
   * @returns The bytes.
   */
  read1(size?: number | null): Uint8Array {
    return this.#reader.read1(size);
  }

  /**
   * Peeks as {@linkcode BufferedReader.peek}.
   *
   * @param size Ignored.
   * @returns The buffered bytes.
   */
  peek(size?: number): Uint8Array {
    return this.#reader.peek(size);
  }

  /**
   * Reads into `b` as {@linkcode BufferedReader.readinto}.
   *
   * @param b Where to write.
   * @returns The count.
   */
  readinto(b: BytesLike): number | null {
    return this.#reader.readinto(b);
  }

  /**
   * Reads a line, keeping its `\n`.
   *
   * @param size The most bytes.
   * @returns The line.
   */
  readline(size?: number | null): Uint8Array {
    return this.#reader.readline(size);
  }

  /**
   * Buffers `b` for sending.
   *
   * @param b The bytes.
   * @returns Its length.
   */
  write(b: BytesLike): number {
    return this.#writer.write(b);
  }

  /** Sends everything buffered. */
  flush(): void {
    this.#writer.flush();
  }

  /** Flushes and closes the writer, then closes the reader. */
  close(): void {
    try {
      this.#writer.close();
    } finally {
      this.#reader.close();
    }
  }

  /** Whether the reader may read. */
  readable(): boolean {
    return this.#reader.readable();
  }

  /** Whether the writer may write. */
  writable(): boolean {
    return this.#writer.writable();
  }

  /** `false`. */
  override seekable(): boolean {
    return false;
  }

  /** The socket's descriptor. */
  override fileno(): number {
    return this.#reader.fileno();
  }
}
