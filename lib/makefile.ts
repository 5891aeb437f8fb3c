/**
 * `socket.makefile()`: the file objects of `Lib/socket.py` (`SocketIO`) and
 * the parts of Python's `io` module they are wrapped in — `BufferedReader`,
 * `BufferedWriter`, `BufferedRWPair` and `TextIOWrapper` — with Python's
 * semantics: `read(n)` on a buffered file waits for `n` bytes or the end of
 * the stream, `readline` keeps the line ending, text files decode
 * incrementally and translate newlines as `newline` says.
 *
 * The socket's descriptor stays open while any file object made from it is
 * open, even after `sock.close()` (reference counting through `ioRefs`).
 *
 * @module
 */

import { SYS } from "../ffi/gen/mod.ts";
import { type BytesLike, isOptions, params, pyType, toBytes, toInt, toWritableBytes } from "./args.ts";
import { type Codec, codecFor, codePointLength, codePointOffset, incrementalDecoder, LookupError } from "./codecs.ts";
import { BlockingIOError, OSError, TimeoutError, ValueError } from "./errors.ts";
import { ioRefs, type SocketType } from "./socket.ts";

const { EAGAIN, EWOULDBLOCK } = SYS;

export { LookupError } from "./codecs.ts";
export { UnicodeCodecError, UnicodeDecodeError, UnicodeEncodeError } from "./errors.ts";

/** Python's `io.DEFAULT_BUFFER_SIZE`. */
const DEFAULT_BUFFER_SIZE = 8192;
/** `TextIOWrapper`'s read chunk. */
const CHUNK_SIZE = 8192;

/** Python's `io.UnsupportedOperation`: the operation does not apply to this file (not readable, not writable). */
export class UnsupportedOperation extends OSError {
  /**
   * Creates the error.
   *
   * @param message What is unsupported.
   */
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedOperation";
  }
}

function closedFile(): ValueError {
  return new ValueError("I/O operation on closed file.");
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function sizeArg(size: unknown): number {
  return size === undefined || size === null ? -1 : toInt(size);
}

/** The methods every binary file object from `makefile()` has. */
export interface BinaryFile extends Disposable, Iterable<Uint8Array> {
  /** The mode: `"rb"`, `"wb"` or `"rwb"` (Python writes `"rb"` for `"r"` etc.). */
  readonly mode?: string;
  /** Whether the file is closed. */
  readonly closed: boolean;
  /** The descriptor, or `-1` once closed. */
  readonly name: number;
  /**
   * Reads up to `size` bytes (all until the end of the stream when omitted
   * or negative). `null` when a non-blocking socket has nothing yet.
   */
  read(size?: number | null): Uint8Array | null;
  /** Reads a line, keeping its `\n`; an empty result means the end of the stream. */
  readline(size?: number | null): Uint8Array;
  /** Reads lines until the end of the stream, or until their total size reaches `hint`. */
  readlines(hint?: number | null): Uint8Array[];
  /** Reads into `b`; the count, or `null` when a non-blocking socket has nothing yet. */
  readinto(b: BytesLike): number | null;
  /** Writes `b`; the count written (buffered files take all of it). */
  write(b: BytesLike): number | null;
  /** Sends what is buffered. */
  flush(): void;
  /** Flushes and closes the file object (the socket stays open if not closed itself). */
  close(): void;
  /** Whether reading is allowed. */
  readable(): boolean;
  /** Whether writing is allowed. */
  writable(): boolean;
  /** Always `false`: sockets do not seek. */
  seekable(): boolean;
  /** The socket's descriptor. */
  fileno(): number;
}

/** Closes `SocketIO` objects dropped without `close()`, so the socket's count drops. */
const DROPPED = new FinalizationRegistry<SocketType>((sock) => ioRefs(sock, -1));

/**
 * The raw file object over a socket (`Lib/socket.py`'s `SocketIO`): each
 * `readinto` is one `recv_into`, each `write` one `send`. `makefile` returns
 * it for `buffering` `0`.
 */
export class SocketIO implements BinaryFile {
  #sock: SocketType | null;
  #mode: string;
  #reading: boolean;
  #writing: boolean;
  #timedOut = false;

  /**
   * Creates the object.
   *
   * @param sock The socket.
   * @param mode `"r"`, `"w"`, `"rw"`, `"rb"`, `"wb"` or `"rwb"`.
   * @throws {ValueError} For another mode.
   */
  constructor(sock: SocketType, mode: string) {
    if (!["r", "w", "rw", "rb", "wb", "rwb"].includes(mode)) throw new ValueError(`invalid mode: '${mode}'`);
    this.#sock = sock;
    if (!mode.includes("b")) mode += "b";
    this.#mode = mode;
    this.#reading = mode.includes("r");
    this.#writing = mode.includes("w");
    DROPPED.register(this, sock, this);
  }

  #live(): SocketType {
    if (this.#sock === null) throw closedFile();
    return this.#sock;
  }

  /**
   * Receives into `b` (one `recv_into`). After a timeout the object refuses
   * further reads, as Python's does, since data may have been lost.
   *
   * @param b Where to write.
   * @returns The count (`0` at the end of the stream), or `null` when a non-blocking socket has nothing.
   */
  readinto(b: BytesLike): number | null {
    const sock = this.#live();
    if (!this.#reading) throw new UnsupportedOperation("File or stream is not readable.");
    if (this.#timedOut) throw new OSError("cannot read from timed out object");
    const buf = toWritableBytes(b);
    if (buf.length === 0) return 0;
    try {
      return sock.recv_into(buf);
    } catch (e) {
      if (e instanceof TimeoutError) this.#timedOut = true;
      else if (e instanceof OSError && (e.errno === EAGAIN || e.errno === EWOULDBLOCK)) return null;
      throw e;
    }
  }

  /**
   * Reads up to `size` bytes with one receive; all until the end of the
   * stream when `size` is omitted or negative.
   *
   * @param size The most bytes.
   * @returns The bytes, or `null` when a non-blocking socket has nothing.
   */
  read(size?: number | null): Uint8Array | null {
    const n = sizeArg(size);
    if (n < 0) return this.readall();
    const b = new Uint8Array(n);
    const got = this.readinto(b);
    return got === null ? null : got === n ? b : b.slice(0, got);
  }

  /**
   * Reads until the end of the stream.
   *
   * @returns The bytes, or `null` when a non-blocking socket had nothing.
   */
  readall(): Uint8Array | null {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const b = this.read(DEFAULT_BUFFER_SIZE);
      if (b === null) {
        if (total === 0) return null;
        break;
      }
      if (b.length === 0) break;
      parts.push(b);
      total += b.length;
    }
    return concat(parts, total);
  }

  /**
   * Reads a line one byte at a time (the raw object has no buffer).
   *
   * @param size The most bytes.
   * @returns The line with its `\n`.
   */
  readline(size?: number | null): Uint8Array {
    this.#live();
    const limit = sizeArg(size);
    const out: number[] = [];
    const one = new Uint8Array(1);
    while (limit < 0 || out.length < limit) {
      const got = this.readinto(one);
      if (!got) break;
      out.push(one[0]);
      if (one[0] === 10) break;
    }
    return Uint8Array.from(out);
  }

  /**
   * Reads lines until the end of the stream or until `hint` bytes.
   *
   * @param hint Stop once this many bytes are read (≤ 0 or omitted: no limit).
   * @returns The lines.
   */
  readlines(hint?: number | null): Uint8Array[] {
    return readLines(this, sizeArg(hint));
  }

  /**
   * Sends `b` (one `send`; may send part).
   *
   * @param b The bytes.
   * @returns The count sent, or `null` when a non-blocking socket cannot take any.
   */
  write(b: BytesLike): number | null {
    const sock = this.#live();
    if (!this.#writing) throw new UnsupportedOperation("File or stream is not writable.");
    try {
      return sock.send(toBytes(b));
    } catch (e) {
      if (e instanceof OSError && (e.errno === EAGAIN || e.errno === EWOULDBLOCK)) return null;
      throw e;
    }
  }

  /** Nothing to flush; checks that the file is open. */
  flush(): void {
    this.#live();
  }

  /** Whether the mode allows reading. */
  readable(): boolean {
    if (this.#sock === null) throw new ValueError("I/O operation on closed socket.");
    return this.#reading;
  }

  /** Whether the mode allows writing. */
  writable(): boolean {
    if (this.#sock === null) throw new ValueError("I/O operation on closed socket.");
    return this.#writing;
  }

  /** `false`: a socket cannot seek. */
  seekable(): boolean {
    if (this.#sock === null) throw new ValueError("I/O operation on closed socket.");
    return false;
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#live().fileno();
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#sock === null ? -1 : this.#sock.fileno();
  }

  /** `"rb"`, `"wb"` or `"rwb"`. */
  get mode(): string {
    return this.#mode;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#sock === null;
  }

  /** Closes the file object; the socket's descriptor closes once the socket is closed too. */
  close(): void {
    const sock = this.#sock;
    if (sock === null) return;
    this.#sock = null;
    DROPPED.unregister(this);
    ioRefs(sock, -1);
  }

  /** Closes: `using f = sock.makefile("rb", 0)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Iterates over lines until the end of the stream. */
  *[Symbol.iterator](): Iterator<Uint8Array> {
    yield* lines(this);
  }
}

function* lines<T extends { length: number }>(f: { readline(): T }): Generator<T> {
  for (;;) {
    const line = f.readline();
    if (line.length === 0) return;
    yield line;
  }
}

function readLines<T extends string | Uint8Array>(f: { readline(): T }, hint: number): T[] {
  const out: T[] = [];
  let total = 0;
  for (const line of lines(f)) {
    out.push(line);
    // Python's len(): bytes, or code points for text.
    total += typeof line === "string" ? codePointLength(line) : line.length;
    if (hint > 0 && total > hint) break;
  }
  return out;
}

/**
 * A buffered reader over a raw file object (Python's `io.BufferedReader`).
 * `read(n)` waits for `n` bytes or the end of the stream; `read1(n)` and
 * `peek()` make at most one raw read.
 */
export class BufferedReader implements BinaryFile {
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
    if (bufferSize <= 0) throw new ValueError("buffer size must be strictly positive");
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
   * Reads lines until the end of the stream or until `hint` bytes.
   *
   * @param hint Stop once this many bytes are read (≤ 0 or omitted: no limit).
   * @returns The lines.
   */
  readlines(hint?: number | null): Uint8Array[] {
    return readLines(this, sizeArg(hint));
  }

  /**
   * Not supported on a reader.
   *
   * @param _b Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  write(_b: BytesLike): number {
    if (this.#raw.closed) throw closedFile();
    throw new UnsupportedOperation("write");
  }

  /** Nothing to flush on a reader; checks that the file is open. */
  flush(): void {
    if (this.#raw.closed) throw new ValueError("flush of closed file");
  }

  /** Closes the raw file object. */
  close(): void {
    this.#raw.close();
  }

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.#raw.closed;
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#raw.name;
  }

  /** The raw file's mode. */
  get mode(): string {
    return this.#raw.mode;
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

  /** `false`. */
  seekable(): boolean {
    return this.#raw.seekable();
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#raw.fileno();
  }

  /** Closes: `using f = sock.makefile("rb")`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Iterates over lines until the end of the stream. */
  *[Symbol.iterator](): Iterator<Uint8Array> {
    yield* lines(this);
  }
}

/**
 * A buffered writer over a raw file object (Python's `io.BufferedWriter`):
 * `write` keeps bytes until the buffer fills, `flush` sends them all.
 */
export class BufferedWriter implements BinaryFile {
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
    if (bufferSize <= 0) throw new ValueError("buffer size must be strictly positive");
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
    if (this.#raw.closed) throw closedFile();
    throw new UnsupportedOperation("read");
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
   * Not supported on a writer.
   *
   * @param _hint Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  readlines(_hint?: number | null): Uint8Array[] {
    return [this.read()];
  }

  /**
   * Not supported on a writer.
   *
   * @param _b Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  readinto(_b: BytesLike): number {
    if (this.#raw.closed) throw closedFile();
    throw new UnsupportedOperation("readinto");
  }

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.#raw.closed;
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#raw.name;
  }

  /** The raw file's mode. */
  get mode(): string {
    return this.#raw.mode;
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

  /** `false`. */
  seekable(): boolean {
    return this.#raw.seekable();
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#raw.fileno();
  }

  /** Closes: `using f = sock.makefile("wb")`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Not readable: iterating raises `UnsupportedOperation`. */
  *[Symbol.iterator](): Iterator<Uint8Array> {
    yield this.read();
  }
}

/**
 * A reader and a writer over one raw file object (Python's
 * `io.BufferedRWPair`), for mode `"rwb"`.
 */
export class BufferedRWPair implements BinaryFile {
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
    this.#reader = new BufferedReader(reader, bufferSize);
    this.#writer = new BufferedWriter(writer, bufferSize);
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
   * Reads lines.
   *
   * @param hint Stop once this many bytes are read.
   * @returns The lines.
   */
  readlines(hint?: number | null): Uint8Array[] {
    return this.#reader.readlines(hint);
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

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.#writer.closed;
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#writer.name;
  }

  /** The raw file's mode. */
  get mode(): string {
    return this.#writer.mode;
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
  seekable(): boolean {
    return false;
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#reader.fileno();
  }

  /** Closes: `using f = sock.makefile("rwb")`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Iterates over lines until the end of the stream. */
  *[Symbol.iterator](): Iterator<Uint8Array> {
    yield* lines(this);
  }
}

// ---------------------------------------------------------------------------
// Text

function lookupCodec(encoding: string): Codec {
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
export class TextIOWrapper implements Disposable, Iterable<string> {
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

  /** The encoding's name, as given. */
  get encoding(): string {
    return this.#encoding;
  }

  /** The error handler. */
  get errors(): string {
    return this.#errors;
  }

  /** Whether the file is closed. */
  get closed(): boolean {
    return this.#buffer.closed;
  }

  /** The descriptor, or `-1` once closed. */
  get name(): number {
    return this.#buffer.name;
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
   * Reads lines until the end of the stream or until `hint` characters.
   *
   * @param hint Stop once this many characters are read (≤ 0 or omitted: no limit).
   * @returns The lines.
   */
  readlines(hint?: number | null): string[] {
    return readLines(this, sizeArg(hint));
  }

  /**
   * Encodes and buffers `s` (translating `\n` as `newline` says).
   *
   * @param s The text.
   * @returns Its length in code points, as Python's `len(s)`.
   */
  write(s: string): number {
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
    if (this.#buffer.closed) throw closedFile();
    this.#buffer.flush();
  }

  /** Flushes and closes the binary file. */
  close(): void {
    if (this.#buffer.closed) return;
    try {
      if (this.#buffer.writable()) this.#buffer.flush();
    } finally {
      this.#buffer.close();
    }
  }

  /** Whether reading is allowed. */
  readable(): boolean {
    if (this.#buffer.closed) throw closedFile();
    return this.#buffer.readable();
  }

  /** Whether writing is allowed. */
  writable(): boolean {
    if (this.#buffer.closed) throw closedFile();
    return this.#buffer.writable();
  }

  /** `false`. */
  seekable(): boolean {
    return false;
  }

  /** The socket's descriptor. */
  fileno(): number {
    return this.#buffer.fileno();
  }

  /** Closes: `using f = sock.makefile()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Iterates over lines until the end of the stream. */
  *[Symbol.iterator](): Iterator<string> {
    yield* lines(this);
  }

  /** Python's `repr()`. */
  toString(): string {
    return `<_io.TextIOWrapper name=${this.name} mode='${this.mode}' encoding='${this.#encoding}'>`;
  }
}

// ---------------------------------------------------------------------------
// makefile

/** A mode for a binary file object. */
export type BinaryMode = "rb" | "wb" | "rwb" | "b" | "br" | "bw" | "wrb";
/** A mode for a text file object. */
export type TextMode = "r" | "w" | "rw" | "wr";

/** Python's keyword arguments of `makefile`. */
export interface MakefileOptions {
  /** Characters from `r`, `w`, `b`. */
  mode?: string;
  /** Buffer size; `0` unbuffered (binary only); `null` or negative for 8192. */
  buffering?: number | null;
  /** Text encoding (default UTF-8). */
  encoding?: string | null;
  /** Python's error handler: `"strict"` (default), `"ignore"`, `"replace"`, `"backslashreplace"`, `"surrogateescape"`, … */
  errors?: string | null;
  /** Newline handling: `null` (default), `""`, `"\n"`, `"\r"`, `"\r\n"`. */
  newline?: string | null;
}

const MAKEFILE_PARAMS = ["mode", "buffering", "encoding", "errors", "newline"];

/**
 * `sock.makefile(mode?, buffering?, { encoding, errors, newline })`, as
 * `Lib/socket.py` builds it. Implements {@linkcode SocketType.makefile}.
 *
 * @param sock The socket.
 * @param args Python's arguments, the keyword ones as a trailing options object.
 * @returns The file object.
 */
export function makefile(sock: SocketType, args: readonly unknown[]): TextIOWrapper | BinaryFile {
  let values = [...args];
  if (values.length > 0 && isOptions(values[values.length - 1])) {
    values = params("makefile", MAKEFILE_PARAMS, values);
  } else if (values.length > 2) {
    throw new TypeError(`makefile() takes from 1 to 3 positional arguments but ${values.length + 1} were given`);
  }
  const [m, b, encoding, errors, newline] = values as [unknown, unknown, unknown, unknown, unknown];
  const mode = m === undefined ? "r" : m;
  if (typeof mode !== "string") throw new TypeError(`'${pyType(mode)}' object is not iterable`);
  if (![...mode].every((c) => c === "r" || c === "w" || c === "b")) {
    throw new ValueError(`invalid mode '${mode}' (only r, w, b allowed)`);
  }
  const writing = mode.includes("w");
  const reading = mode.includes("r") || !writing;
  const binary = mode.includes("b");
  const rawmode = (reading ? "r" : "") + (writing ? "w" : "");
  let buffering = b === undefined || b === null ? -1 : toInt(b);
  if (buffering < 0) buffering = DEFAULT_BUFFER_SIZE;
  if (buffering === 0 && !binary) throw new ValueError("unbuffered streams must be binary");
  const text = binary ? null : { encoding, errors, newline };
  if (text) {
    // Checked before the socket's count goes up, so a bad argument leaks nothing.
    for (const [k, v] of Object.entries(text)) {
      if (v !== undefined && v !== null && typeof v !== "string") {
        throw new TypeError(`makefile() argument '${k}' must be str or None, not ${pyType(v)}`);
      }
    }
    if (typeof newline === "string" && !["", "\n", "\r", "\r\n"].includes(newline)) {
      throw new ValueError(`illegal newline value: ${newline}`);
    }
    lookupCodec((encoding as string | null | undefined) ?? "utf-8");
  }
  const raw = new SocketIO(sock, rawmode);
  ioRefs(sock, 1);
  if (buffering === 0) return raw;
  const buffer = reading && writing
    ? new BufferedRWPair(raw, raw, buffering)
    : reading
    ? new BufferedReader(raw, buffering)
    : new BufferedWriter(raw, buffering);
  if (binary) return buffer;
  const wrapper = new TextIOWrapper(
    buffer,
    encoding as string | null | undefined,
    errors as string | null | undefined,
    newline as string | null | undefined,
  );
  wrapper.mode = mode;
  return wrapper;
}
