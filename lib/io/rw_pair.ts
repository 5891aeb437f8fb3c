/**
 * Python's `io.BufferedRWPair`: a `BufferedReader` and a `BufferedWriter`,
 * for mode `"rwb"`; every method is one of theirs.
 *
 * @module
 */

import { arity, IO_METHODS } from "../signatures.ts";
import type { BytesLike } from "../args.ts";
import { DEFAULT_BUFFER_SIZE } from "./base.ts";
import { BufferedIOBase } from "./buffered.ts";
import type { SocketIO } from "./raw.ts";
import { BufferedReader } from "./reader.ts";
import { BufferedWriter } from "./writer.ts";

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
    super(w, "BufferedRWPair");
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
    arity(IO_METHODS.BufferedRWPair.read, arguments.length);
    return this.#reader.read(size);
  }

  /**
   * Reads as {@linkcode BufferedReader.read1}.
   *
   * @param size The most bytes.
   * @returns The bytes.
   */
  read1(size?: number | null): Uint8Array {
    arity(IO_METHODS.BufferedRWPair.read1, arguments.length);
    return this.#reader.read1(size);
  }

  /**
   * Peeks as {@linkcode BufferedReader.peek}.
   *
   * @param size Ignored.
   * @returns The buffered bytes.
   */
  peek(size?: number): Uint8Array {
    arity(IO_METHODS.BufferedRWPair.peek, arguments.length);
    return this.#reader.peek(size);
  }

  /**
   * Reads into `b` as {@linkcode BufferedReader.readinto}.
   *
   * @param b Where to write.
   * @returns The count.
   */
  readinto(b: BytesLike): number | null {
    arity(IO_METHODS.BufferedRWPair.readinto, arguments.length);
    return this.#reader.readinto(b);
  }

  /**
   * Reads a line, keeping its `\n`.
   *
   * @param size The most bytes.
   * @returns The line.
   */
  readline(size?: number | null): Uint8Array {
    arity(IO_METHODS.BufferedRWPair.readline, arguments.length);
    return this.#reader.readline(size);
  }

  /**
   * Buffers `b` for sending.
   *
   * @param b The bytes.
   * @returns Its length.
   */
  write(b: BytesLike): number {
    arity(IO_METHODS.BufferedRWPair.write, arguments.length);
    return this.#writer.write(b);
  }

  /** Sends everything buffered. */
  flush(): void {
    arity(IO_METHODS.BufferedRWPair.flush, arguments.length);
    this.#writer.flush();
  }

  /** Flushes and closes the writer, then closes the reader. */
  close(): void {
    arity(IO_METHODS.BufferedRWPair.close, arguments.length);
    try {
      this.#writer.close();
    } finally {
      this.#reader.close();
    }
  }

  /** Whether the reader may read. */
  readable(): boolean {
    arity(IO_METHODS.BufferedRWPair.readable, arguments.length);
    return this.#reader.readable();
  }

  /** Whether the writer may write. */
  writable(): boolean {
    arity(IO_METHODS.BufferedRWPair.writable, arguments.length);
    return this.#writer.writable();
  }

  /** `false`. */
  override seekable(): boolean {
    arity(IO_METHODS.BufferedRWPair.seekable, arguments.length);
    return false;
  }

  /** The socket's descriptor. */
  override fileno(): number {
    arity(IO_METHODS.BufferedRWPair.fileno, arguments.length);
    return this.#reader.fileno();
  }
}
