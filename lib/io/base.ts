/**
 * What every file object from `makefile()` shares, as Python's `io.IOBase`:
 * lines read until the end of the stream, `readlines`, iteration,
 * `using`; plus the small helpers of the layers above.
 *
 * @module
 */

import { arity, IO_METHODS } from "../signatures.ts";
import type { BytesLike } from "../args.ts";
import { toInt } from "../args.ts";
import { codePointLength } from "../codecs.ts";
import { OSError, ValueError } from "../errors.ts";

/** Python's `io.DEFAULT_BUFFER_SIZE`. */
export const DEFAULT_BUFFER_SIZE = 8192;

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

/** The error of every operation on a closed file. */
export function closedFile(): ValueError {
  return new ValueError("I/O operation on closed file.");
}

/** The `total` bytes of `parts`, joined (the part itself when there is one). */
export function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Joins `parts` and the chunks `next` returns, until `need` bytes (all of
 * them when `need` is negative), an empty chunk (the end of the stream), or
 * `null` (a non-blocking socket has nothing more).
 *
 * @param parts What is read already.
 * @param need How many bytes in all, or `-1` for all until the end.
 * @param next Reads the next chunk, given the count so far.
 * @returns The bytes, or `null` when nothing at all came.
 */
export function readChunks(
  parts: Uint8Array[],
  need: number,
  next: (total: number) => Uint8Array | null,
): Uint8Array | null {
  let total = 0;
  for (const p of parts) total += p.length;
  while (need < 0 || total < need) {
    const chunk = next(total);
    if (chunk === null) {
      if (total === 0) return null;
      break;
    }
    if (chunk.length === 0) break;
    parts.push(chunk);
    total += chunk.length;
  }
  return concat(parts, total);
}

/** A `size` or `hint` argument: `-1` for omitted or `null`. */
export function sizeArg(size: unknown): number {
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

/** The lines of `f` until the end of the stream (an empty line). */
function* lines<T extends { length: number }>(f: { readline(): T }): Generator<T> {
  for (;;) {
    const line = f.readline();
    if (line.length === 0) return;
    yield line;
  }
}

/**
 * The base of every file object from `makefile()` (Python's `io.IOBase`):
 * lines of bytes (`Uint8Array`) or of text (`string`), read by `readlines`
 * and by iteration; `using` closes.
 */
export abstract class IOBase<T extends string | Uint8Array> implements Disposable, Iterable<T> {
  /**
   * Reads a line, keeping its ending.
   *
   * @param size The most bytes or characters.
   * @returns The line; empty at the end of the stream.
   */
  abstract readline(size?: number | null): T;

  /** Closes the file object. */
  abstract close(): void;

  /**
   * Reads lines until the end of the stream or until `hint` bytes (characters for text).
   *
   * @param hint Stop once this many are read (≤ 0 or omitted: no limit).
   * @returns The lines.
   */
  readlines(hint?: number | null): T[] {
    // The same check in every class: `readlines expected at most 1 argument, got 2`.
    arity(IO_METHODS.SocketIO.readlines, arguments.length);
    const limit = sizeArg(hint);
    const out: T[] = [];
    let total = 0;
    for (const line of lines(this)) {
      out.push(line);
      // Python's len(): bytes, or code points for text.
      total += typeof line === "string" ? codePointLength(line) : line.length;
      if (limit > 0 && total > limit) break;
    }
    return out;
  }

  /** Closes: `using f = sock.makefile()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Iterates over lines until the end of the stream. */
  *[Symbol.iterator](): Iterator<T> {
    yield* lines(this);
  }
}
