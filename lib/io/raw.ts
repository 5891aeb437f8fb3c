/**
 * The raw layer (`Lib/socket.py`'s `SocketIO`, a `RawIOBase`): each
 * `readinto` is one `recv_into`, each `write` one `send`, nothing buffered.
 *
 * The socket's descriptor stays open while any file object made from it is
 * open, even after `sock.close()` (reference counting through `ioRefs`).
 *
 * @module
 */

import { arity, IO_METHODS } from "../signatures.ts";
import { SYS } from "../../ffi/gen/mod.ts";
import { type BytesLike, toBytes, toWritableBytes } from "../args.ts";
import { OSError, TimeoutError, ValueError } from "../errors.ts";
import { ioRefs, type SocketObject } from "../descriptor.ts";
import {
  type BinaryFile,
  closedFile,
  DEFAULT_BUFFER_SIZE,
  IOBase,
  readChunks,
  sizeArg,
  UnsupportedOperation,
} from "./base.ts";

const { EAGAIN, EWOULDBLOCK } = SYS;

/** Whether `e` says that a non-blocking socket would block. */
function wouldBlock(e: unknown): boolean {
  return e instanceof OSError && (e.errno === EAGAIN || e.errno === EWOULDBLOCK);
}

/** Closes `SocketIO` objects dropped without `close()`, so the socket's count drops. */
const DROPPED = new FinalizationRegistry<SocketObject>((sock) => ioRefs(sock, -1));

/**
 * The raw file object over a socket (`Lib/socket.py`'s `SocketIO`): each
 * `readinto` is one `recv_into`, each `write` one `send`. `makefile` returns
 * it for `buffering` `0`.
 */
export class SocketIO extends IOBase<Uint8Array> implements BinaryFile {
  #sock: SocketObject | null;
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
  constructor(sock: SocketObject, mode: string) {
    super();
    if (!["r", "w", "rw", "rb", "wb", "rwb"].includes(mode)) throw new ValueError(`invalid mode: '${mode}'`);
    this.#sock = sock;
    if (!mode.includes("b")) mode += "b";
    this.#mode = mode;
    this.#reading = mode.includes("r");
    this.#writing = mode.includes("w");
    DROPPED.register(this, sock, this);
  }

  #live(): SocketObject {
    if (this.#sock === null) throw closedFile();
    return this.#sock;
  }

  /** The socket, for `readable`, `writable` and `seekable`, whose closed error names the socket. */
  #open(): SocketObject {
    if (this.#sock === null) throw new ValueError("I/O operation on closed socket.");
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
    arity(IO_METHODS.SocketIO.readinto, arguments.length);
    const sock = this.#live();
    if (!this.#reading) throw new UnsupportedOperation("File or stream is not readable.");
    if (this.#timedOut) throw new OSError("cannot read from timed out object");
    const buf = toWritableBytes(b, "recv_into() argument 1");
    if (buf.length === 0) return 0;
    try {
      return sock.recv_into(buf);
    } catch (e) {
      if (e instanceof TimeoutError) this.#timedOut = true;
      else if (wouldBlock(e)) return null;
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
    arity(IO_METHODS.SocketIO.read, arguments.length);
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
    arity(IO_METHODS.SocketIO.readall, arguments.length);
    return readChunks([], -1, () => this.read(DEFAULT_BUFFER_SIZE));
  }

  /**
   * Reads a line one byte at a time (the raw object has no buffer).
   *
   * @param size The most bytes.
   * @returns The line with its `\n`.
   */
  readline(size?: number | null): Uint8Array {
    arity(IO_METHODS.SocketIO.readline, arguments.length);
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
   * Sends `b` (one `send`; may send part).
   *
   * @param b The bytes.
   * @returns The count sent, or `null` when a non-blocking socket cannot take any.
   */
  write(b: BytesLike): number | null {
    arity(IO_METHODS.SocketIO.write, arguments.length);
    const sock = this.#live();
    if (!this.#writing) throw new UnsupportedOperation("File or stream is not writable.");
    try {
      return sock.send(toBytes(b));
    } catch (e) {
      if (wouldBlock(e)) return null;
      throw e;
    }
  }

  /** Nothing to flush; checks that the file is open. */
  flush(): void {
    arity(IO_METHODS.SocketIO.flush, arguments.length);
    this.#live();
  }

  /** Whether the mode allows reading. */
  readable(): boolean {
    arity(IO_METHODS.SocketIO.readable, arguments.length);
    this.#open();
    return this.#reading;
  }

  /** Whether the mode allows writing. */
  writable(): boolean {
    arity(IO_METHODS.SocketIO.writable, arguments.length);
    this.#open();
    return this.#writing;
  }

  /** `false`: a socket cannot seek. */
  seekable(): boolean {
    arity(IO_METHODS.SocketIO.seekable, arguments.length);
    this.#open();
    return false;
  }

  /** The socket's descriptor. */
  fileno(): number {
    arity(IO_METHODS.SocketIO.fileno, arguments.length);
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
    arity(IO_METHODS.SocketIO.close, arguments.length);
    const sock = this.#sock;
    if (sock === null) return;
    this.#sock = null;
    DROPPED.unregister(this);
    ioRefs(sock, -1);
  }
}
