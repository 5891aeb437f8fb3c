/**
 * Python's exception classes, as the socket module raises them: `OSError`
 * with the PEP 3151 subclasses chosen by errno, `herror`, `gaierror`, the
 * socket timeout, and the argument errors `ValueError` and `OverflowError`.
 *
 * @module
 */

import { CONSTANTS, SYS } from "../ffi/gen/mod.ts";
import { cstring, errno, libc, strerror } from "../ffi/mod.ts";
import { pyRepr, pyStr } from "./repr.ts";

/**
 * Python's `OSError`: a system call failed. `errno` is the C error number and
 * `strerror` its text, or both are `null` when the error was raised with a
 * plain message.
 *
 * As in Python, constructing it with an errno that PEP 3151 maps to a
 * subclass returns that subclass:
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError, OSError } from "@pysocket/socket";
 * const e = new OSError(111, "Connection refused");
 * console.assert(e instanceof ConnectionRefusedError);
 * console.assert(String(e) === "[Errno 111] Connection refused");
 * ```
 */
export class OSError extends Error {
  /** The C `errno` value, or `null`. */
  readonly errno!: number | null;
  /** The text of the error (`strerror(errno)`), or `null`. */
  readonly strerror!: string | null;
  /** The file name the error concerns, or `null`. */
  readonly filename: unknown;
  /** The second file name (of a rename, say), or `null`. */
  readonly filename2: unknown;

  /**
   * `new OSError(errno, strerror, filename?, winerror?, filename2?)` or
   * `new OSError(message)`, as Python's `OSError`.
   *
   * @param args Python's arguments: an errno and its text (and file names), or a message.
   */
  constructor(...args: unknown[]) {
    const [code, text, name, , name2] = args;
    const structured = args.length >= 2 && args.length <= 5 && typeof code === "number";
    const sub = new.target === OSError && structured ? SUBCLASS.get(code) : undefined;
    if (sub) return new sub(...args);
    const filename = structured && name !== undefined ? name : null;
    const filename2 = filename !== null && name2 !== undefined ? name2 : null;
    super(structured ? render(code, text, filename, filename2) : args.length === 1 ? pyStr(code) : plain(args));
    this.errno = structured ? code : null;
    this.strerror = structured ? pyStr(text) : null;
    this.filename = filename;
    this.filename2 = filename2;
  }

  /** Python's `str(e)`: `[Errno 111] Connection refused`, or the message. */
  override toString(): string {
    return this.message;
  }
}

/** Python's `str()` of an `OSError` with an errno: `[Errno 2] text: 'name' -> 'name2'`. */
function render(code: number, text: unknown, filename: unknown, filename2: unknown): string {
  const base = `[Errno ${code}] ${pyStr(text)}`;
  if (filename === null) return base;
  return filename2 === null ? `${base}: ${pyRepr(filename)}` : `${base}: ${pyRepr(filename)} -> ${pyRepr(filename2)}`;
}

/** Python's `str()` of an `OSError` without an errno: `""` for no argument, else the tuple's repr. */
function plain(args: unknown[]): string {
  return args.length === 0 ? "" : pyRepr(args);
}

Object.defineProperty(OSError.prototype, "name", { value: "OSError", writable: true, configurable: true });

/** Alias of {@linkcode OSError}, as `socket.error` is in Python. */
export const error: typeof OSError = OSError;

function named<T extends typeof OSError>(cls: T, name: string): T {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  return cls;
}

/** An operation would block on a non-blocking socket (EAGAIN, EWOULDBLOCK, EALREADY, EINPROGRESS). */
export class BlockingIOError extends OSError {}
/** A child process operation failed (ECHILD). */
export class ChildProcessError extends OSError {}
/** Base class of the connection errors. */
export class ConnectionError extends OSError {}
/** Writing to a pipe or socket whose other end is closed (EPIPE, ESHUTDOWN). */
export class BrokenPipeError extends ConnectionError {}
/** The peer aborted the connection (ECONNABORTED). */
export class ConnectionAbortedError extends ConnectionError {}
/** The peer refused the connection (ECONNREFUSED). */
export class ConnectionRefusedError extends ConnectionError {}
/** The peer reset the connection (ECONNRESET). */
export class ConnectionResetError extends ConnectionError {}
/** The file already exists (EEXIST). */
export class FileExistsError extends OSError {}
/** No such file or directory (ENOENT). */
export class FileNotFoundError extends OSError {}
/** A system call was interrupted by a signal (EINTR). */
export class InterruptedError extends OSError {}
/** The path is a directory (EISDIR). */
export class IsADirectoryError extends OSError {}
/** A path component is not a directory (ENOTDIR). */
export class NotADirectoryError extends OSError {}
/** Not permitted (EACCES, EPERM). */
export class PermissionError extends OSError {}
/** No such process (ESRCH). */
export class ProcessLookupError extends OSError {}
/**
 * A timeout expired: ETIMEDOUT from the system, or a socket's own timeout,
 * raised as `new TimeoutError("timed out")`.
 */
export class TimeoutError extends OSError {}
/** Alias of {@linkcode TimeoutError}, as `socket.timeout` is since Python 3.10. */
export const timeout: typeof TimeoutError = TimeoutError;

/** An error from the resolver's host database (`h_errno`), as raised by `gethostbyaddr`. */
export class herror extends OSError {}
/**
 * An error from `getaddrinfo` or `getnameinfo`: `errno` is the `EAI_*` code
 * and the text is `gai_strerror`'s.
 */
export class gaierror extends OSError {}

for (
  const [cls, name] of [
    [BlockingIOError, "BlockingIOError"],
    [ChildProcessError, "ChildProcessError"],
    [ConnectionError, "ConnectionError"],
    [BrokenPipeError, "BrokenPipeError"],
    [ConnectionAbortedError, "ConnectionAbortedError"],
    [ConnectionRefusedError, "ConnectionRefusedError"],
    [ConnectionResetError, "ConnectionResetError"],
    [FileExistsError, "FileExistsError"],
    [FileNotFoundError, "FileNotFoundError"],
    [InterruptedError, "InterruptedError"],
    [IsADirectoryError, "IsADirectoryError"],
    [NotADirectoryError, "NotADirectoryError"],
    [PermissionError, "PermissionError"],
    [ProcessLookupError, "ProcessLookupError"],
    [TimeoutError, "TimeoutError"],
    [herror, "herror"],
    [gaierror, "gaierror"],
  ] as const
) named(cls, name);

/** PEP 3151: the subclass `OSError(errno, …)` becomes. */
const SUBCLASS = new Map<number, typeof OSError>(
  ([
    ["EAGAIN", BlockingIOError],
    ["EWOULDBLOCK", BlockingIOError],
    ["EALREADY", BlockingIOError],
    ["EINPROGRESS", BlockingIOError],
    ["ECHILD", ChildProcessError],
    ["EPIPE", BrokenPipeError],
    ["ESHUTDOWN", BrokenPipeError],
    ["ECONNABORTED", ConnectionAbortedError],
    ["ECONNREFUSED", ConnectionRefusedError],
    ["ECONNRESET", ConnectionResetError],
    ["EEXIST", FileExistsError],
    ["ENOENT", FileNotFoundError],
    ["EINTR", InterruptedError],
    ["EISDIR", IsADirectoryError],
    ["ENOTDIR", NotADirectoryError],
    ["EACCES", PermissionError],
    ["EPERM", PermissionError],
    ["ESRCH", ProcessLookupError],
    ["ETIMEDOUT", TimeoutError],
  ] as const).map(([name, cls]) => [SYS[name], cls]),
);

/** The `OSError` (or subclass) for `errno`, with libc's text for it. */
export function osErrorFrom(errno: number, filename?: unknown): OSError {
  return new OSError(errno, strerror(errno), filename);
}

/**
 * The error of the system call that just failed: the `OSError` subclass for
 * the calling thread's `errno`. Call it straight after the call, before
 * anything else can change `errno`.
 */
export function lastError(): OSError {
  return osErrorFrom(errno());
}

/**
 * The one syscall wrapper (socket2's `syscall!`): `rc`, the result of a
 * system call that returns `-1` and sets `errno` on failure, or that failure
 * raised as the right `OSError` subclass. Wrap the call itself:
 * `check(libc.listen(fd, n))`.
 *
 * @returns `rc` when it is not negative.
 */
export function check(rc: number): number {
  if (rc < 0) throw osErrorFrom(errno());
  return rc;
}

/**
 * Runs `call` (a system call on a file, which returns `-1` and sets `errno`
 * on failure) again while a signal interrupts it (`EINTR`, PEP 475), and
 * {@linkcode check}s its result. Socket calls go through `sockCall` instead.
 *
 * @returns `call`'s result.
 */
export function uninterrupted(call: () => number): number {
  for (;;) {
    const rc = call();
    if (rc >= 0 || errno() !== SYS.EINTR) return check(rc);
  }
}

/** Python's `ValueError`: an argument has the right type but a wrong value. */
export class ValueError extends Error {}
Object.defineProperty(ValueError.prototype, "name", { value: "ValueError", writable: true, configurable: true });

/** Python's `OverflowError`: a number is out of the range its C type can hold (a port outside 0–65535). */
export class OverflowError extends RangeError {}
Object.defineProperty(OverflowError.prototype, "name", { value: "OverflowError", writable: true, configurable: true });

/**
 * Python's `MemoryError`: a buffer of the size asked for cannot be allocated
 * (`recvmsg(2**40)`). A `RangeError`, as the engine's own allocation failure is.
 */
export class MemoryError extends RangeError {}
Object.defineProperty(MemoryError.prototype, "name", { value: "MemoryError", writable: true, configurable: true });

/**
 * The error for a failed `getaddrinfo`/`getnameinfo` result `code`: an
 * `OSError` from `errno` for `EAI_SYSTEM`, else a `gaierror` with
 * `gai_strerror`'s text (CPython's `set_gaierror`).
 */
export function gaiErrorFrom(code: number, errnoValue: number): OSError {
  if (code === CONSTANTS.EAI_SYSTEM) return osErrorFrom(errnoValue);
  return new gaierror(code, cstring(libc.gai_strerror(code)));
}

/**
 * Python's `UnicodeError` (a `ValueError`): text could not be encoded or
 * decoded. The `idna` codec raises it plainly, as
 * `encoding with 'idna' codec failed (UnicodeError: label empty or too long)`.
 */
export class UnicodeError extends ValueError {
  /** Python's `str(e)`: the message alone. */
  override toString(): string {
    return this.message;
  }
}
Object.defineProperty(UnicodeError.prototype, "name", { value: "UnicodeError", writable: true, configurable: true });

/** Python's `repr` of one code point inside a `UnicodeEncodeError` message: `\xe9`, `\u20ac`, `\U0001f600`. */
function escapeCodePoint(cp: number): string {
  const [prefix, width] = cp <= 0xff ? ["\\x", 2] : cp <= 0xffff ? ["\\u", 4] : ["\\U", 8];
  return prefix + cp.toString(16).padStart(width, "0");
}

/**
 * What `UnicodeEncodeError` and `UnicodeDecodeError` share: CPython's
 * attributes (`encoding`, `object`, `start`, `end`, `reason`) and the form
 * of `str(e)`.
 */
export abstract class UnicodeCodecError<T extends string | Uint8Array> extends UnicodeError {
  /** The codec's name. */
  encoding: string;
  /** The text (encoding) or the bytes (decoding). */
  object: T;
  /** The first code point (encoding) or byte (decoding) that failed. */
  start: number;
  /** The one after the last that failed. */
  end: number;
  /** Why. */
  reason: string;

  /**
   * Creates the error, with Python's arguments.
   *
   * @param encoding The codec's name.
   * @param object The text or bytes.
   * @param start First failing position.
   * @param end Position after the last failing one.
   * @param reason Why.
   */
  constructor(encoding: string, object: T, start: number, end: number, reason: string) {
    super("");
    this.encoding = encoding;
    this.object = object;
    this.start = start;
    this.end = end;
    this.reason = reason;
    this.message = this.toString();
  }

  /** What could not be done: `encode character '\\ud800'`, `decode bytes`, … */
  protected abstract what(one: boolean): string;

  /** How many code points (encoding) or bytes (decoding) `object` holds. */
  protected abstract size(): number;

  /** Python's `str(e)`: it names the one character or byte only when `start` is inside `object`. */
  override toString(): string {
    const one = this.end === this.start + 1 && this.start < this.size();
    const where = one ? `${this.start}` : `${this.start}-${this.end - 1}`;
    return `'${this.encoding}' codec can't ${this.what(one)} in position ${where}: ${this.reason}`;
  }
}

/**
 * Python's `UnicodeEncodeError`: `object` (a string) has characters
 * `object[start:end]` (in code points, as Python counts) that `encoding`
 * cannot encode, for `reason`.
 *
 * @example
 * ```ts
 * import { UnicodeEncodeError } from "./errors.ts";
 * const e = new UnicodeEncodeError("utf-8", "a\ud800", 1, 2, "surrogates not allowed");
 * console.assert(String(e) === "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed");
 * ```
 */
export class UnicodeEncodeError extends UnicodeCodecError<string> {
  /** `encode character '\\ud800'` or `encode characters`. */
  protected what(one: boolean): string {
    if (!one) return "encode characters";
    return `encode character '${escapeCodePoint([...this.object][this.start].codePointAt(0) as number)}'`;
  }
  /** The number of code points. */
  protected size(): number {
    return [...this.object].length;
  }
}
Object.defineProperty(UnicodeEncodeError.prototype, "name", {
  value: "UnicodeEncodeError",
  writable: true,
  configurable: true,
});

/**
 * Python's `UnicodeDecodeError`: bytes `object[start:end]` are not valid
 * `encoding`, for `reason`.
 *
 * @example
 * ```ts
 * import { UnicodeDecodeError } from "./errors.ts";
 * const e = new UnicodeDecodeError("utf-8", new Uint8Array([0x41, 0xff]), 1, 2, "invalid start byte");
 * console.assert(String(e) === "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte");
 * ```
 */
export class UnicodeDecodeError extends UnicodeCodecError<Uint8Array> {
  /** `decode byte 0xff` or `decode bytes`. */
  protected what(one: boolean): string {
    return one ? `decode byte 0x${this.object[this.start].toString(16).padStart(2, "0")}` : "decode bytes";
  }
  /** The number of bytes. */
  protected size(): number {
    return this.object.length;
  }
}
Object.defineProperty(UnicodeDecodeError.prototype, "name", {
  value: "UnicodeDecodeError",
  writable: true,
  configurable: true,
});
