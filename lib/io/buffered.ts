/**
 * The base of Python's buffered `io` layer: what a `BufferedReader`, a
 * `BufferedWriter` and a `BufferedRWPair` share (`reader.ts`, `writer.ts`,
 * `rw_pair.ts`).
 *
 * @module
 */

import type { BytesLike } from "../args.ts";
import { ValueError } from "../errors.ts";
import { arity, IO_METHODS, type IoSigs } from "../signatures.ts";
import { type BinaryFile, closedFile, IOBase, UnsupportedOperation } from "./base.ts";

/** What a buffered file reports as its own state: its raw file's, or for a pair its writer's. */
export interface FileState {
  readonly closed: boolean;
  readonly name: number;
  readonly mode: string;
  seekable(): boolean;
  fileno(): number;
}

/** `bufferSize`, checked. */
export function checkBufferSize(bufferSize: number): number {
  if (bufferSize <= 0) throw new ValueError("buffer size must be strictly positive");
  return bufferSize;
}

/** The error of an operation a one-way file does not have: closed first, as Python checks. */
export function unsupported(file: FileState, operation: string): never {
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
  #sigs: IoSigs;

  /**
   * Creates the object.
   *
   * @param state The file whose state this one reports.
   * @param cls The class, whose name CPython's messages for a wrong argument count give.
   */
  constructor(state: FileState, cls: "BufferedReader" | "BufferedWriter" | "BufferedRWPair") {
    super();
    this.#state = state;
    this.#sigs = IO_METHODS[cls];
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
    arity(this.#sigs.seekable, arguments.length);
    return this.#state.seekable();
  }

  /** The socket's descriptor. */
  fileno(): number {
    arity(this.#sigs.fileno, arguments.length);
    return this.#state.fileno();
  }
}
