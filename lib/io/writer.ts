/**
 * Python's `io.BufferedWriter` over a raw `SocketIO`: `write` keeps bytes
 * until the buffer fills, `flush` sends them all.
 *
 * @module
 */

import { arity, IO_METHODS } from "../signatures.ts";
import { SYS } from "../../ffi/gen/mod.ts";
import { type BytesLike, toBytes } from "../args.ts";
import { BlockingIOError, ValueError } from "../errors.ts";
import { closedFile, concat, DEFAULT_BUFFER_SIZE, UnsupportedOperation } from "./base.ts";
import { BufferedIOBase, checkBufferSize, unsupported } from "./buffered.ts";
import type { SocketIO } from "./raw.ts";

const { EAGAIN } = SYS;

/**
 * A buffered writer over a raw file object (Python's `io.BufferedWriter`):
 * `write` keeps bytes until the buffer fills, `flush` sends them all.
 */
export class BufferedWriter extends BufferedIOBase {
  #raw: SocketIO;
  #size: number;
  /** The bytes written and not yet sent, and their count. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  /**
   * Creates the object.
   *
   * @param raw The raw file to write to.
   * @param bufferSize How many bytes to keep before sending (default 8192).
   */
  constructor(raw: SocketIO, bufferSize: number = DEFAULT_BUFFER_SIZE) {
    super(raw, "BufferedWriter");
    this.#size = checkBufferSize(bufferSize);
    this.#raw = raw;
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
    arity(IO_METHODS.BufferedWriter.write, arguments.length);
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
    arity(IO_METHODS.BufferedWriter.flush, arguments.length);
    if (this.#raw.closed) throw new ValueError("flush of closed file");
    if (this.#pendingBytes > 0) this.#flushUnlocked();
  }

  /** Flushes, then closes the raw file object (even if the flush fails). */
  close(): void {
    arity(IO_METHODS.BufferedWriter.close, arguments.length);
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
    arity(IO_METHODS.BufferedWriter.readline, arguments.length);
    return this.read();
  }

  /**
   * Not supported on a writer (the hint is not looked at).
   *
   * @param _hint Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  override readlines(_hint?: number | null): Uint8Array[] {
    arity(IO_METHODS.BufferedWriter.readlines, arguments.length);
    return [this.read()];
  }

  /**
   * Not supported on a writer.
   *
   * @param _b Ignored.
   * @throws {UnsupportedOperation} Always.
   */
  readinto(_b: BytesLike): number {
    arity(IO_METHODS.BufferedWriter.readinto, arguments.length);
    return unsupported(this.#raw, "readinto");
  }

  /** `false`. */
  readable(): boolean {
    arity(IO_METHODS.BufferedWriter.readable, arguments.length);
    if (this.#raw.closed) throw closedFile();
    return false;
  }

  /** `true`. */
  writable(): boolean {
    arity(IO_METHODS.BufferedWriter.writable, arguments.length);
    return this.#raw.writable();
  }
}
