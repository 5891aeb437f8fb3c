/**
 * The socket object: CPython's `_socket.socket` and the parts of
 * `socket.socket` in `Lib/socket.py` that every program uses. One method per
 * system call, each a thin call through {@linkcode sockCall}.
 *
 * @module
 */

import { CONSTANTS, LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { errno, libc, OS, setErrno } from "../ffi/mod.ts";
import { type Address, type Ctx, encodeAddress, fromSockaddr, newSockaddr } from "./addr/mod.ts";
import type { AddressFor, AddressOf, Family, OfFamily, SocketFamily } from "./addr/types.ts";
import {
  type BytesLike,
  intValue,
  isOptions,
  params,
  pyType,
  toBytes,
  toCInt,
  toInt,
  toWritableBytes,
} from "./args.ts";
import { closeHooks, installState } from "./descriptor.ts";
import { held, heldInto, lengthOf, span } from "./marshal.ts";
import { arity, arityError, arityKw, FUNCTIONS, METHODS } from "./signatures.ts";
import { check, lastError, OSError, osErrorFrom, OverflowError, ValueError } from "./errors.ts";
import { roomFor, take } from "./pool.ts";
import { pyStr } from "./repr.ts";
import { monotonic, sockCall, type Syscall } from "./sock_call.ts";
import * as msg from "./msg.ts";
import * as mmsg from "./mmsg.ts";
import { sendfile as sendfileImpl, type SendfileSource } from "./sendfile.ts";
import {
  type BinaryFile,
  type BinaryMode,
  makefile as makefileImpl,
  type MakefileOptions,
  type TextIOWrapper,
  type TextMode,
} from "./io/mod.ts";

const { AF_INET, AF_UNIX, SOCK_STREAM, SOL_SOCKET, SO_ERROR, SOMAXCONN } = CONSTANTS;
const { EBADF, EINTR, EINPROGRESS, EISCONN, EWOULDBLOCK, ECONNRESET, ENOTSOCK } = SYS;
const { F_GETFL, F_SETFL, F_GETFD, F_SETFD, FD_CLOEXEC, O_NONBLOCK, F_DUPFD_CLOEXEC } = SYS;
/** Flags that `socket()` accepts in `type` but `.type` never shows (Linux). */
const SOCK_NONBLOCK = CONSTANTS.SOCK_NONBLOCK ?? 0;
const SOCK_CLOEXEC = CONSTANTS.SOCK_CLOEXEC ?? 0;
/** Sends never raise SIGPIPE: Linux has a flag for it, macOS a socket option. */
const MSG_NOSIGNAL = CONSTANTS.MSG_NOSIGNAL ?? 0;
const SO_NOSIGPIPE = OS === "darwin" ? SYS.SO_NOSIGPIPE : undefined;

const SO_DOMAIN = CONSTANTS.SO_DOMAIN;
const SO_TYPE = CONSTANTS.SO_TYPE;
const SO_PROTOCOL = CONSTANTS.SO_PROTOCOL;

/** Received addresses land here; `OUTLEN` holds their length. */
const OUT = newSockaddr();
const OUTLEN = new Uint32Array(1);
/**
 * Each address-taking method's own `sockaddr`: written in phase 2
 * (`encodeAddress`, the method's last conversion) and read by the system
 * call right after it, with no user code between.
 */
const BIND_NAME = newSockaddr();
const CONNECT_NAME = newSockaddr();
const SENDTO_NAME = newSockaddr();
/** `int` option values and their length. */
const OPT = new Int32Array(1);
const OPTLEN = new Uint32Array(1);

let defaultTimeout: number | null = null;

/** The most whole seconds whose nanoseconds fit in CPython's `_PyTime_t` (an int64). */
const MAX_INT_SECONDS = 9223372036;
const TWO_63 = 2 ** 63;

/**
 * Timeouts as CPython parses them into its `_PyTime_t` of nanoseconds:
 * `null`, or seconds ≥ 0; an int exactly, a float rounded away from zero to
 * a whole nanosecond (so `1e-10` is `1e-9`). Internal to the module.
 */
export function parseTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number") {
    if (typeof v === "boolean") return v ? 1 : 0;
    throw new TypeError("Timeout value must be int, float or None");
  }
  if (Number.isNaN(v)) throw new ValueError("Invalid value NaN (not a number)");
  let t = v + 0; // -0 is 0
  if (Number.isInteger(v)) {
    if (Math.abs(v) > MAX_INT_SECONDS) throw new OverflowError("timestamp too large to convert to C _PyTime_t");
  } else {
    const ns = Math.sign(v) * Math.ceil(Math.abs(v) * 1e9);
    if (!(ns >= -TWO_63 && ns < TWO_63)) throw new OverflowError("timestamp out of range for platform time_t");
    t = ns / 1e9;
  }
  if (t < 0) throw new ValueError("Timeout value out of range");
  return t;
}

/**
 * The default timeout, in seconds, of new socket objects; `null` means they
 * start in blocking mode.
 *
 * @returns The current default.
 */
export function getdefaulttimeout(): number | null {
  arity(FUNCTIONS.getdefaulttimeout, arguments.length);
  return defaultTimeout;
}

/**
 * Sets the timeout of socket objects created from now on (`null` for
 * blocking, `0` for non-blocking).
 *
 * @param timeout Seconds, or `null`.
 * @throws {ValueError} For a negative value or NaN.
 */
export function setdefaulttimeout(timeout: number | null): void {
  if (arguments.length !== 1) throw arityError(FUNCTIONS.setdefaulttimeout, arguments.length);
  defaultTimeout = parseTimeout(timeout);
}

function ebadf(): OSError {
  return osErrorFrom(EBADF);
}

function setNonBlocking(fd: number, on: boolean): void {
  const flags = check(libc.fcntl(fd, F_GETFL, 0));
  const want = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (want !== flags) check(libc.fcntl(fd, F_SETFL, want));
}

function setCloexec(fd: number, on: boolean): void {
  const flags = check(libc.fcntl(fd, F_GETFD, 0));
  const want = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (want !== flags) check(libc.fcntl(fd, F_SETFD, want));
}

/**
 * Closes descriptors whose socket object was dropped without `close()`.
 *
 * "Dropped" is the engine's judgement, and both engines judge by liveness,
 * not by scope: a `const` at the top of a module that no later code reads is
 * collectable (JSC keeps only the live variables of a module with top-level
 * await across each `await`; V8 keeps a module's non-captured bindings in
 * registers once its body has run). A listening socket is still in use while
 * no code refers to it (the kernel completes connections into its backlog),
 * so it is held in {@linkcode LISTENING} until `close()` or `detach()`: it is
 * never closed behind the program's back.
 */
const REGISTRY = new FinalizationRegistry<number>((fd) => {
  libc.close(fd);
});

/** Listening sockets: kept reachable until closed or detached (see {@linkcode REGISTRY}). */
const LISTENING = new Set<SocketType>();

const SO_ACCEPTCONN = CONSTANTS.SO_ACCEPTCONN;

/** Adds `sock` to {@linkcode LISTENING} when its descriptor listens (one adopted with `fileno`, `dup()` or `fromfd()`). */
function keepIfListening(sock: SocketType, fd: number): void {
  if (SO_ACCEPTCONN === undefined) return;
  OPT[0] = 0;
  OPTLEN[0] = 4;
  if (libc.getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, OPT, OPTLEN) === 0 && OPT[0] !== 0) LISTENING.add(sock);
}

const inspect = Symbol.for("Deno.customInspect");
const nodeInspect = Symbol.for("nodejs.util.inspect.custom");

/** Set only while {@linkcode acceptedSocket} constructs: the descriptor is not probed. */
let trusted = false;

/**
 * A socket for `fd`, a descriptor fresh from `accept4`/`accept` on a socket
 * of this family, type and protocol: the constructor's `getsockname` probe,
 * which could only confirm what is known, is skipped. Internal to the module.
 */
export function acceptedSocket(family: number, type: number, proto: number, fd: number): SocketType {
  trusted = true;
  try {
    return new SocketType(family, type, proto, fd);
  } finally {
    trusted = false;
  }
}

/** Options for {@linkcode SocketType.recv_into} and {@linkcode SocketType.recvfrom_into}. */
export interface RecvIntoOptions {
  /** How many bytes to receive at most; `0` means the buffer's length. */
  nbytes?: number;
  /** `MSG_*` flags. */
  flags?: number;
}

/** Python's keyword arguments for {@linkcode socket}. */
export interface SocketOptions {
  /** Address family (`AF_INET` by default). */
  family?: number;
  /** Socket type (`SOCK_STREAM` by default). */
  type?: number;
  /** Protocol (`0` by default). */
  proto?: number;
  /** An existing descriptor to wrap, or `null`. */
  fileno?: number | null;
}

/**
 * The arguments of {@linkcode socket}: `family?, type?, proto?, fileno?`,
 * positional, or some of them followed by an options object.
 */
export type SocketArgs =
  | [family?: number | null, type?: number | null, proto?: number | null, fileno?: number | null]
  | [options: SocketOptions]
  | [family: number | null, options: Omit<SocketOptions, "family">]
  | [family: number | null, type: number | null, options: Omit<SocketOptions, "family" | "type">]
  | [family: number | null, type: number | null, proto: number | null, options: Pick<SocketOptions, "fileno">];

/**
 * The arguments of {@linkcode socket} after a family given by position:
 * `type?, proto?, fileno?`, positional, or some of them followed by an
 * options object naming the rest.
 */
export type SocketRest =
  | [type?: number | null, proto?: number | null, fileno?: number | null]
  | [options: Omit<SocketOptions, "family">]
  | [type: number | null, options: Omit<SocketOptions, "family" | "type">]
  | [type: number | null, proto: number | null, options: Pick<SocketOptions, "fileno">];

/** {@linkcode SocketOptions} that name the family with its constant (`{ family: AF_INET6 }`). */
export type SocketOptionsOf<F extends SocketFamily> = SocketOptions & { family: Family<F> };

/** {@linkcode SocketOptions} without a family or a descriptor: an `AF_INET` socket, as in Python. */
export type SocketOptionsInet = SocketOptions & { family?: null; fileno?: null };

/**
 * A socket object: CPython's `socket.socket`. Create one with
 * {@linkcode socket}, {@linkcode socketpair}, `accept()` or the helpers.
 *
 * Each socket is in one of three modes: blocking (`timeout === null`, the
 * default), non-blocking (`timeout === 0`: operations that would wait raise
 * `BlockingIOError`), or timeout (`timeout > 0`: operations wait at most that
 * long, then raise `TimeoutError("timed out")`). The descriptor is
 * non-blocking underneath in the last two modes.
 *
 * Methods wait by blocking the calling thread, as Python's do; to wait
 * without blocking the event loop, use the `sock_*` functions.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * const [a, b] = socket.socketpair();
 * a.sendall(new TextEncoder().encode("ping"));
 * console.assert(new TextDecoder().decode(b.recv(4)) === "ping");
 * a.close();
 * b.close();
 * ```
 */
export class SocketType<F extends SocketFamily = SocketFamily> implements Disposable, OfFamily<F> {
  /** The socket's family, as a type only (see `OfFamily`): no socket has this property at run time. */
  declare readonly __family?: F;
  #fd: number;
  #family: number;
  #type: number;
  #proto: number;
  #timeout: number | null;
  #closed = false;
  #ioRefs = 0;
  /** Family, type and protocol as plain data: codecs read these, never the overridable getters. */
  #ctx: Ctx;

  /**
   * `socket(family?, type?, proto?, fileno?)`. Without `fileno`, creates a
   * close-on-exec socket (`AF_INET`, `SOCK_STREAM` by default). With one,
   * wraps that descriptor; family, type and protocol left out are read from
   * it. `SOCK_NONBLOCK` in `type` makes the socket non-blocking.
   *
   * @param family The address family, such as `AF_INET6`.
   * @param rest `type?, proto?, fileno?`, positional or as a trailing options object.
   * @throws {OSError} When the system refuses, or `fileno` is not a socket.
   */
  constructor(family: Family<F>, ...rest: SocketRest);
  /**
   * `socket({ family, type?, proto?, fileno? })`: Python's keyword
   * arguments, the family named by its constant.
   *
   * @param options The arguments by name.
   * @throws {OSError} When the system refuses, or `fileno` is not a socket.
   */
  constructor(options: SocketOptionsOf<F>);
  /**
   * `socket(family?, type?, proto?, fileno?)` with a family that is a plain
   * `number`, or none: a socket over every family (see `Family`).
   *
   * @param args Python's arguments, positional or as a trailing options object.
   * @throws {OSError} When the system refuses, or `fileno` is not a socket.
   */
  constructor(...args: SocketArgs);
  constructor(...args: unknown[]) {
    arityKw(FUNCTIONS.socket, args);
    const [f, t, p, fileno] = params(FUNCTIONS.socket, ["family", "type", "proto", "fileno"], args);
    let family = f === undefined || f === null ? -1 : toCInt(f);
    let type = t === undefined || t === null ? -1 : toCInt(t);
    let proto = p === undefined || p === null ? -1 : toCInt(p);
    let fd: number;
    if (fileno === undefined || fileno === null) {
      if (family === -1) family = AF_INET;
      if (type === -1) type = SOCK_STREAM;
      if (proto === -1) proto = 0;
      fd = openDescriptor(family, type, proto);
    } else if (trusted) {
      fd = fileno as number;
    } else {
      fd = toCInt(fileno);
      if (fd < 0) throw new ValueError("negative file descriptor");
      [family, type, proto] = probeDescriptor(fd, family, type, proto);
      // An adopted descriptor may be a listener already (socket activation, a parent's socket, a dup()).
      keepIfListening(this, fd);
    }
    this.#family = family;
    this.#type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    this.#proto = proto;
    this.#ctx = Object.freeze({ family, type: this.#type, proto });
    this.#fd = fd;
    REGISTRY.register(this, fd, this);
    if (SOCK_NONBLOCK && type & SOCK_NONBLOCK) {
      this.#timeout = 0;
    } else {
      this.#timeout = defaultTimeout;
      if (defaultTimeout !== null) setNonBlocking(fd, true);
    }
  }

  /** The address family, such as `AF_INET` (read-only). */
  get family(): number {
    return this.#family;
  }
  /** The socket type, such as `SOCK_STREAM`, without `SOCK_NONBLOCK`/`SOCK_CLOEXEC` (read-only). */
  get type(): number {
    return this.#type;
  }
  /** The protocol number (read-only). */
  get proto(): number {
    return this.#proto;
  }
  /** The timeout in seconds, `0` for non-blocking, `null` for blocking (read-only). */
  get timeout(): number | null {
    return this.#timeout;
  }

  /** The descriptor, or `OSError(EBADF)` once closed: never a number that may since be reused. */
  #live(): number {
    if (this.#fd < 0) throw ebadf();
    return this.#fd;
  }

  /** The file descriptor, or `-1` once the socket is closed or detached. */
  fileno(): number {
    arity(METHODS.fileno, arguments.length);
    return this.#fd;
  }

  /**
   * Accepts a connection.
   *
   * @returns `[conn, address]`: a new socket for the connection and the peer's address.
   */
  accept(): [SocketType<F>, AddressOf<F>];
  accept(): [SocketType, Address | null] {
    arity(METHODS.accept, arguments.length);
    const fd = this.#live();
    const nfd = sockCall(fd, this.#timeout, false, ACCEPT);
    try {
      const address = fromSockaddr(OUT, OUTLEN[0], this.#ctx);
      if (!libc.accept4) setCloexec(nfd, true);
      // Fresh from accept4 on this socket: family, type and protocol are this socket's, nothing to probe.
      const conn = acceptedSocket(this.#family, this.#type, this.#proto, nfd);
      // As Lib/socket.py: with no default timeout, a listener's timeout does not pass on.
      if (defaultTimeout === null && this.#timeout !== null) conn.setblocking(true);
      return [conn, address];
    } catch (e) {
      libc.close(nfd);
      throw e;
    }
  }

  /**
   * Binds the socket to `address`.
   *
   * @param address The family's address, e.g. `["127.0.0.1", 0]` or a path.
   */
  bind(address: AddressFor<F>): void;
  bind(address: Address): void {
    arity(METHODS.bind, arguments.length);
    // As CPython: the address is checked before the descriptor.
    const len = encodeAddress(this.#ctx, address, BIND_NAME, "bind");
    const fd = this.#live();
    check(libc.bind(fd, BIND_NAME.bytes, len));
  }

  /**
   * Closes the socket. Idempotent. The descriptor closes once the socket and
   * every file object from `makefile()` are closed.
   */
  close(): void {
    arity(METHODS.close, arguments.length);
    this.#closed = true;
    if (this.#ioRefs <= 0) this.#realClose();
  }

  #realClose(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    REGISTRY.unregister(this);
    LISTENING.delete(this);
    for (const hook of closeHooks) hook(fd);
    closeFd(fd);
  }

  /**
   * Connects to `address`. In timeout mode, waits at most the timeout;
   * in blocking mode, until the connection is made or fails.
   *
   * @param address The peer's address.
   */
  connect(address: AddressFor<F>): void;
  connect(address: Address): void {
    arity(METHODS.connect, arguments.length);
    this.#connect(address, true, "connect");
  }

  /**
   * Like {@linkcode SocketType.connect}, but returns the error number
   * instead of raising it (`0` on success; `EWOULDBLOCK` when timed out).
   *
   * @param address The peer's address.
   * @returns `0`, or an `errno` value.
   */
  connect_ex(address: AddressFor<F>): number;
  connect_ex(address: Address): number {
    arity(METHODS.connect_ex, arguments.length);
    return this.#connect(address, false, "connect_ex");
  }

  #connect(address: Address, raise: boolean, caller: string): number {
    const len = encodeAddress(this.#ctx, address, CONNECT_NAME, caller);
    const fd = this.#fd;
    const err = fd < 0 ? EBADF : libc.connect(fd, CONNECT_NAME.bytes, len) === 0 ? 0 : errno();
    if (err === 0) return 0;
    const timeout = this.#timeout;
    // Interrupted, or in progress in timeout mode: the connection goes on; wait for it (CPython's internal_connect).
    // A closed socket's EBADF is neither.
    const wait = err === EINTR ? timeout !== 0 : !!timeout && err === EINPROGRESS;
    if (!wait) {
      if (raise) throw osErrorFrom(err);
      return err;
    }
    try {
      sockCall(fd, timeout, true, CONNECTED, undefined, undefined, undefined, undefined, undefined, true);
      return 0;
    } catch (e) {
      // connect_ex: the error number; EWOULDBLOCK for the timeout, which has none (CPython's SOCK_TIMEOUT_ERR).
      if (raise || !(e instanceof OSError)) throw e;
      return e.errno ?? EWOULDBLOCK;
    }
  }

  /**
   * Gives up the descriptor without closing it: the socket object becomes
   * closed, and the caller owns the returned descriptor.
   *
   * @returns The descriptor.
   */
  detach(): number {
    arity(METHODS.detach, arguments.length);
    const fd = this.#fd;
    this.#fd = -1;
    this.#closed = true;
    REGISTRY.unregister(this);
    LISTENING.delete(this);
    // The object is closed: whatever waits on it (a sock_* call) fails with EBADF, as after close().
    for (const hook of closeHooks) hook(fd);
    return fd;
  }

  /**
   * A new socket object on a duplicate of the descriptor, with the same
   * family, type, protocol and timeout.
   *
   * @returns The duplicate.
   */
  dup(): SocketType<F>;
  dup(): SocketType {
    arity(METHODS.dup, arguments.length);
    const fd = this.#live();
    const nfd = check(libc.fcntl(fd, F_DUPFD_CLOEXEC, 0));
    try {
      const sock = new SocketType(this.#family, this.#type, this.#proto, nfd);
      sock.settimeout(this.#timeout);
      return sock;
    } catch (e) {
      libc.close(nfd);
      throw e;
    }
  }

  /** Whether child processes inherit the descriptor (it is close-on-exec when not). */
  get_inheritable(): boolean {
    arity(METHODS.get_inheritable, arguments.length);
    const flags = check(libc.fcntl(this.#live(), F_GETFD, 0));
    return (flags & FD_CLOEXEC) === 0;
  }

  /**
   * Sets whether child processes inherit the descriptor.
   *
   * @param inheritable `true` to clear close-on-exec.
   */
  set_inheritable(inheritable: boolean): void {
    arity(METHODS.set_inheritable, arguments.length);
    const on = toInt(inheritable);
    setCloexec(this.#live(), !on);
  }

  /** The address of the connected peer. */
  getpeername(): AddressOf<F>;
  getpeername(): Address | null {
    arity(METHODS.getpeername, arguments.length);
    OUTLEN[0] = OUT.bytes.length;
    OUT.bytes.fill(0);
    check(libc.getpeername(this.#live(), OUT.bytes, OUTLEN));
    return fromSockaddr(OUT, OUTLEN[0], this.#ctx);
  }

  /** The socket's own address (`""` for an unbound Unix socket). */
  getsockname(): AddressOf<F>;
  getsockname(): Address | null {
    arity(METHODS.getsockname, arguments.length);
    OUTLEN[0] = OUT.bytes.length;
    OUT.bytes.fill(0);
    check(libc.getsockname(this.#live(), OUT.bytes, OUTLEN));
    return fromSockaddr(OUT, OUTLEN[0], this.#ctx);
  }

  /**
   * Reads a socket option: an `int` without `buflen`, else up to `buflen`
   * bytes (1–1024).
   *
   * @param level `SOL_SOCKET`, `IPPROTO_TCP`, …
   * @param optname The option.
   * @param buflen The size of the value in bytes, for options that are not `int`.
   */
  getsockopt(level: number, optname: number): number;
  /**
   * Reads a socket option that is not an `int`: up to `buflen` bytes (1–1024).
   *
   * @param level `SOL_SOCKET`, `IPPROTO_TCP`, …
   * @param optname The option.
   * @param buflen The most bytes to read.
   */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array;
  getsockopt(level: number, optname: number, buflen?: number): number | bigint | Uint8Array {
    arity(METHODS.getsockopt, arguments.length);
    const lv = toCInt(level), name = toCInt(optname);
    const vsock = this.#family === AF_VSOCK_FAMILY;
    const n = buflen === undefined ? 0 : toCInt(buflen);
    // As CPython: a buflen of 0 reads an int (a 64-bit one on AF_VSOCK).
    if (n === 0) return vsock ? getVsockOpt(this.#live(), lv, name) : getIntOpt(this.#live(), lv, name);
    if (vsock) throw new OSError("getsockopt string buffer not allowed");
    if (n < 0 || n > 1024) throw new OSError("getsockopt buflen out of range");
    const buf = new Uint8Array(n);
    OPTLEN[0] = n;
    check(libc.getsockopt(this.#live(), lv, name, buf, OPTLEN));
    return buf.slice(0, OPTLEN[0]);
  }

  /**
   * Sets a socket option to an integer, to bytes, or (with `value` `null`)
   * to `optlen` bytes from a null pointer, as `AF_ALG` keys need.
   *
   * @param level `SOL_SOCKET`, `IPPROTO_TCP`, …
   * @param optname The option.
   * @param value An integer, a bytes-like value, or `null` with `optlen`.
   * @param optlen With `null`: the option length.
   */
  setsockopt(level: number, optname: number, value: number | boolean | BytesLike): void;
  /**
   * Sets a socket option to `optlen` bytes from a null pointer, as `AF_ALG`
   * (`ALG_SET_AEAD_AUTHSIZE`) needs.
   *
   * @param level The option's level.
   * @param optname The option.
   * @param value `null`.
   * @param optlen The option length.
   */
  setsockopt(level: number, optname: number, value: null, optlen: number): void;
  setsockopt(level: number, optname: number, value: unknown, optlen?: number): void {
    arity(METHODS.setsockopt, arguments.length);
    const lv = toCInt(level), name = toCInt(optname);
    let rc: number;
    if (this.#family === AF_VSOCK_FAMILY) {
      rc = setVsockOpt(this.#live(), lv, name, arguments.length, value);
    } else if (arguments.length === 4) {
      // CPython's "iiO!I": None and an int, wrapped to 32 bits (the kernel judges the length); anything else
      // falls through to "iiy*", which takes 3 arguments.
      const len = intValue(optlen);
      if (value !== null || len === null) throw new TypeError("setsockopt() takes exactly 3 arguments (4 given)");
      rc = libc.setsockopt(this.#live(), lv, name, null, Number(BigInt.asUintN(32, BigInt(len))));
    } else if (typeof value === "number" || typeof value === "boolean") {
      // CPython tries "iii", then "iiy*": a value that is no C int is then refused as not bytes-like.
      if (typeof value === "number" && !(Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff)) {
        throw new TypeError(`a bytes-like object is required, not '${Number.isInteger(value) ? "int" : "float"}'`);
      }
      OPT[0] = toCInt(value);
      rc = libc.setsockopt(this.#live(), lv, name, OPT, 4);
    } else {
      const b = toBytes(value);
      const n = lengthOf(b);
      rc = libc.setsockopt(this.#live(), lv, name, b, held(b, n));
    }
    check(rc);
  }

  /** `false` in non-blocking mode; `true` in blocking and in timeout mode. */
  getblocking(): boolean {
    arity(METHODS.getblocking, arguments.length);
    return this.#timeout !== 0;
  }

  /** The timeout in seconds, `0` for non-blocking, `null` for blocking. */
  gettimeout(): number | null {
    arity(METHODS.gettimeout, arguments.length);
    return this.#timeout;
  }

  /**
   * `setblocking(true)` is `settimeout(null)`; `setblocking(false)` is `settimeout(0)`.
   *
   * @param flag Whether to block.
   */
  setblocking(flag: boolean): void {
    arity(METHODS.setblocking, arguments.length);
    this.settimeout(toInt(flag) ? null : 0);
  }

  /**
   * Sets the mode: `null` blocks, `0` never waits, a positive number of
   * seconds waits at most that long.
   *
   * @param value Seconds, or `null`.
   * @throws {ValueError} For a negative timeout or NaN.
   */
  settimeout(value: number | null): void {
    if (arguments.length !== 1) throw arityError(METHODS.settimeout, arguments.length);
    const t = parseTimeout(value);
    setNonBlocking(this.#live(), t !== null);
    this.#timeout = t;
  }

  /**
   * Listens for connections.
   *
   * @param backlog Pending connections to queue (default `min(SOMAXCONN, 128)`).
   */
  listen(backlog?: number): void {
    arity(METHODS.listen, arguments.length);
    let n = backlog === undefined ? Math.min(SOMAXCONN, 128) : toCInt(backlog);
    if (n < 0) n = 0;
    check(libc.listen(this.#live(), n));
    LISTENING.add(this);
  }

  /**
   * Receives up to `bufsize` bytes. An empty result means the peer closed
   * the connection (stream sockets) or sent an empty datagram. `recv(0)`
   * returns an empty result at once, without a system call, as CPython does.
   * Each result owns its memory. With `MSG_TRUNC`, a datagram longer than
   * `bufsize` gives a result of its full length, as CPython's does, whose
   * bytes past `bufsize` are zeros (CPython leaves them uninitialised).
   *
   * @param bufsize The most bytes to receive.
   * @param flags `MSG_*` flags.
   * @returns The bytes received.
   */
  recv(bufsize: number, flags = 0): Uint8Array {
    arity(METHODS.recv, arguments.length);
    const n = sizeArg(bufsize, "recv"), f = toCInt(flags);
    if (n === 0) return new Uint8Array(0);
    const fd = this.#live();
    const buf = roomFor(n, f);
    return take(buf, sockCall(fd, this.#timeout, false, RECV, buf, n, f));
  }

  /**
   * Receives up to `bufsize` bytes and the sender's address. With
   * `MSG_TRUNC`, as {@linkcode recv}: the datagram's full length, zeros past
   * `bufsize`.
   *
   * @param bufsize The most bytes to receive.
   * @param flags `MSG_*` flags.
   * @returns `[bytes, address]`; the address is `null` when the sender has none.
   */
  recvfrom(bufsize: number, flags?: number): [Uint8Array, AddressOf<F> | null];
  recvfrom(bufsize: number, flags = 0): [Uint8Array, Address | null] {
    arity(METHODS.recvfrom, arguments.length);
    const n = sizeArg(bufsize, "recvfrom"), f = toCInt(flags);
    const fd = this.#live();
    const buf = roomFor(n, f);
    const got = sockCall(fd, this.#timeout, false, RECVFROM, buf, n, f);
    const data = take(buf, got);
    return [data, fromSockaddr(OUT, OUTLEN[0], this.#ctx)];
  }

  /**
   * Receives into `buffer`. With nothing to receive into (an empty buffer),
   * returns `0` at once, without a system call, as CPython does.
   *
   * @param buffer Where to write.
   * @param nbytes The most bytes to receive; `0` means `buffer`'s length.
   * @param flags `MSG_*` flags.
   * @returns The number of bytes received.
   * @throws {ValueError} When `nbytes` is negative or larger than the buffer,
   *   or the buffer shrank before the call.
   * @throws {TypeError} When the buffer is detached (as CPython refuses a released `memoryview`).
   */
  recv_into(buffer: BytesLike, nbytes?: number | RecvIntoOptions, flags?: number): number {
    arityKw(METHODS.recv_into, arguments);
    const [buf, n, f] = intoArgs("recv_into", arguments, buffer, nbytes, flags, "buffer too small for requested bytes");
    if (n === 0) return 0;
    return sockCall(this.#live(), this.#timeout, false, RECV, buf, n, f);
  }

  /**
   * Receives into `buffer`, with the sender's address.
   *
   * @param buffer Where to write.
   * @param nbytes The most bytes to receive; `0` means `buffer`'s length.
   * @param flags `MSG_*` flags.
   * @returns `[nbytes, address]`.
   * @throws {ValueError} As {@linkcode SocketType.recv_into}.
   */
  recvfrom_into(
    buffer: BytesLike,
    nbytes?: number | RecvIntoOptions,
    flags?: number,
  ): [number, AddressOf<F> | null];
  recvfrom_into(
    buffer: BytesLike,
    nbytes?: number | RecvIntoOptions,
    flags?: number,
  ): [number, Address | null] {
    arityKw(METHODS.recvfrom_into, arguments);
    const [buf, n, f] = intoArgs(
      "recvfrom_into",
      arguments,
      buffer,
      nbytes,
      flags,
      "nbytes is greater than the length of the buffer",
    );
    const fd = this.#live();
    const got = sockCall(fd, this.#timeout, false, RECVFROM, buf, n, f);
    return [got, fromSockaddr(OUT, OUTLEN[0], this.#ctx)];
  }

  /**
   * Sends bytes; may send fewer than given.
   *
   * @param data The bytes.
   * @param flags `MSG_*` flags.
   * @returns The number of bytes sent.
   */
  send(data: BytesLike, flags = 0): number {
    arity(METHODS.send, arguments.length);
    const b = toBytes(data);
    const f = toCInt(flags) | MSG_NOSIGNAL;
    const n = lengthOf(b);
    return sockCall(this.#live(), this.#timeout, true, SEND, b, 0, n, f);
  }

  /**
   * Sends all of `data`, calling `send` until it is gone. In timeout mode
   * the timeout bounds the whole call, not each send.
   *
   * @param data The bytes.
   * @param flags `MSG_*` flags.
   */
  sendall(data: BytesLike, flags = 0): void {
    arity(METHODS.sendall, arguments.length);
    const b = toBytes(data);
    const f = toCInt(flags) | MSG_NOSIGNAL;
    const n = lengthOf(b);
    const fd = this.#live();
    const timeout = this.#timeout;
    const deadline = timeout ? monotonic() + timeout : undefined;
    let sent = 0;
    do sent += sockCall(fd, timeout, true, SEND, b, sent, n, f, deadline); while (sent < n);
  }

  /**
   * Sends a datagram to `address`: `sendto(data, address)` or
   * `sendto(data, flags, address)`.
   *
   * @param data The bytes.
   * @param address The destination.
   * @returns The number of bytes sent.
   */
  sendto(data: BytesLike, address: AddressFor<F>): number;
  /**
   * Sends a datagram to `address` with `MSG_*` flags.
   *
   * @param data The bytes.
   * @param flags `MSG_*` flags.
   * @param address The destination.
   * @returns The number of bytes sent.
   */
  sendto(data: BytesLike, flags: number, address: AddressFor<F>): number;
  sendto(data: BytesLike, ...rest: unknown[]): number {
    arity(METHODS.sendto, arguments.length);
    const b = toBytes(data);
    const f = (rest.length === 2 ? toCInt(rest[0]) : 0) | MSG_NOSIGNAL;
    const n = lengthOf(b);
    // As CPython: the address is checked before the descriptor. Its getters, if any, run last of all.
    const len = encodeAddress(this.#ctx, rest[rest.length - 1], SENDTO_NAME, "sendto");
    const fd = this.#live();
    return sockCall(fd, this.#timeout, true, SENDTO, b, n, f, len);
  }

  /**
   * Sends `buffers`, concatenated, as one message, with ancillary data
   * (`SCM_RIGHTS` descriptors, `IP_TTL`, ...) given as `[level, type, data]`
   * items: CPython's `socket.sendmsg`, with the control messages laid out
   * with the platform's `CMSG_*` alignment. Never raises `SIGPIPE`.
   *
   * @param buffers An iterable of bytes-like objects.
   * @param ancdata An iterable of `[cmsg_level, cmsg_type, cmsg_data]`.
   * @param flags `MSG_*` flags.
   * @param address The destination, or `null` (connected sockets).
   * @returns The number of bytes of data sent.
   * @throws {TypeError} For a non-iterable argument or an item that is not `[int, int, bytes-like]`.
   * @throws {OSError} When the system refuses.
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = socket.socketpair();
   * a.sendmsg([new Uint8Array([1, 2]), new Uint8Array([3])]);
   * console.assert(b.recv(3).length === 3);
   * a.close();
   * b.close();
   * ```
   */
  sendmsg(
    buffers: Iterable<BytesLike>,
    ancdata?: Iterable<readonly [number, number, BytesLike]>,
    flags?: number,
    address?: AddressFor<F> | null,
  ): number;
  sendmsg(
    buffers: Iterable<BytesLike>,
    ancdata?: Iterable<readonly [number, number, BytesLike]>,
    flags?: number,
    address?: Address | null,
  ): number {
    arity(METHODS.sendmsg, arguments.length);
    return msg.sendmsg(this, buffers, ancdata, flags, address);
  }

  /**
   * Receives up to `bufsize` bytes of data and up to `ancbufsize` bytes of
   * ancillary data (size it with `CMSG_SPACE`/`CMSG_LEN`). Received
   * descriptors are close-on-exec. A truncated item raises a
   * `RuntimeWarning` (process warning) and comes back with the data there
   * is, as in CPython; `MSG_CTRUNC` in `msg_flags` tells of truncation.
   *
   * @param bufsize The most bytes of data to receive.
   * @param ancbufsize The size of the ancillary data buffer (default `0`: none).
   * @param flags `MSG_*` flags.
   * @returns `[data, ancdata, msg_flags, address]`, `ancdata` a list of `[level, type, data]`.
   * @throws {ValueError} For a negative `bufsize` or an invalid `ancbufsize`.
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = socket.socketpair();
   * a.send(new Uint8Array([7]));
   * const [data, ancdata, flags] = b.recvmsg(16, socket.CMSG_SPACE(4));
   * console.assert(data[0] === 7 && ancdata.length === 0 && flags === 0);
   * a.close();
   * b.close();
   * ```
   */
  recvmsg(bufsize: number, ancbufsize?: number, flags?: number): msg.RecvmsgResult<F>;
  recvmsg(bufsize: number, ancbufsize?: number, flags?: number): msg.RecvmsgResult {
    arity(METHODS.recvmsg, arguments.length);
    return msg.recvmsg(this, bufsize, ancbufsize, flags);
  }

  /**
   * Like {@linkcode SocketType.recvmsg}, but scatters the data into
   * `buffers` (filled in order) instead of returning it.
   *
   * @param buffers An iterable of writable bytes-like objects.
   * @param ancbufsize The size of the ancillary data buffer (default `0`: none).
   * @param flags `MSG_*` flags.
   * @returns `[nbytes, ancdata, msg_flags, address]`.
   * @throws {TypeError} When `buffers` is not an iterable of writable buffers.
   * @throws {ValueError} For an invalid `ancbufsize`.
   */
  recvmsg_into(buffers: Iterable<BytesLike>, ancbufsize?: number, flags?: number): msg.RecvmsgIntoResult<F>;
  recvmsg_into(buffers: Iterable<BytesLike>, ancbufsize?: number, flags?: number): msg.RecvmsgIntoResult {
    arity(METHODS.recvmsg_into, arguments.length);
    return msg.recvmsg_into(this, buffers, ancbufsize, flags);
  }

  /**
   * `sendmsg` for `AF_ALG` operation sockets: `sendmsg_afalg(msg?, { op,
   * iv, assoclen, flags })` sends the data with `ALG_SET_OP`, `ALG_SET_IV`
   * and `ALG_SET_AEAD_ASSOCLEN` control messages, as CPython builds them.
   *
   * @param args `msg` (an iterable of bytes-like objects), then Python's
   *   keyword-only arguments as an options object: `op` (required), `iv`,
   *   `assoclen`, `flags`.
   * @returns The number of bytes sent.
   * @throws {OSError} `algset is only supported for AF_ALG` on other sockets.
   * @throws {TypeError} `Invalid or missing argument 'op'`, `assoclen must be positive`, wrong types.
   */
  sendmsg_afalg(...args: [Iterable<BytesLike>?, msg.SendmsgAfalgOptions?] | [msg.SendmsgAfalgOptions]): number {
    return msg.sendmsg_afalg(this, args);
  }

  /**
   * Sends a file: with `sendfile(2)` where the file has a descriptor (a
   * numeric fd, as Bun's and Node's `fs.openSync` return, or an object with
   * `fd` or `fileno()`), else by reading and sending (a `Deno.FsFile`).
   * `offset` counts from the start of the file; afterwards a file object's
   * position (or a numeric fd's, with `lseek`) is `offset + sent`.
   *
   * @param file The file.
   * @param offset Where to start (default `0`).
   * @param count How many bytes at most (default: to the end).
   * @returns The number of bytes sent.
   * @throws {ValueError} On non-blocking sockets, non-stream sockets, or a `count` ≤ 0.
   * @example
   * ```ts ignore
   * import * as socket from "@pysocket/socket";
   * using f = Deno.openSync("README.md");
   * const sent = conn.sendfile(f);
   * ```
   */
  sendfile(file: SendfileSource, offset?: number, count?: number | null): number {
    arity(METHODS.sendfile, arguments.length);
    return sendfileImpl(this, file, offset, count);
  }

  /**
   * A file object over the socket, as `Lib/socket.py`'s `makefile`: text
   * (`string`) in modes `r`, `w`, `rw`; bytes with `b`. Buffered unless
   * `buffering` is `0` (binary only). The descriptor stays open until the
   * socket and every file object from it are closed.
   *
   * @param mode Characters from `r`, `w`, `b` (default `"r"`).
   * @param buffering Buffer size; `0` unbuffered; `null` or negative for the default (8192).
   * @param options `{ encoding, errors, newline }` for text files (and `mode`, `buffering` as keywords).
   * @returns The file object.
   * @throws {ValueError} For an invalid mode, or text without buffering.
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * const [a, b] = socket.socketpair();
   * const w = a.makefile("w");
   * w.write("hello\nworld\n");
   * w.flush();
   * const r = b.makefile("r");
   * console.assert(r.readline() === "hello\n");
   * w.close(); r.close(); a.close(); b.close();
   * ```
   */
  makefile(mode: BinaryMode, buffering?: number | null, options?: MakefileOptions): BinaryFile;
  /**
   * A text file object over the socket (modes `r`, `w`, `rw`).
   *
   * @param mode `"r"`, `"w"` or `"rw"` (default `"r"`).
   * @param buffering Buffer size; `null` or negative for the default.
   * @param options `{ encoding, errors, newline }`.
   * @returns The text file object.
   */
  makefile(mode?: TextMode, buffering?: number | null, options?: MakefileOptions): TextIOWrapper;
  /**
   * A file object over the socket, with the mode and buffering in an options object.
   *
   * @param options `{ mode, buffering, encoding, errors, newline }`.
   * @returns The file object.
   */
  makefile(options: MakefileOptions): TextIOWrapper | BinaryFile;
  /**
   * A file object over the socket, for a mode known only at run time.
   *
   * @param mode Characters from `r`, `w`, `b`.
   * @param buffering Buffer size.
   * @param options `{ encoding, errors, newline }`.
   * @returns The file object: binary with `b`, else text.
   */
  makefile(mode: string, buffering?: number | null, options?: MakefileOptions): TextIOWrapper | BinaryFile;
  makefile(...args: unknown[]): TextIOWrapper | BinaryFile {
    arityKw(METHODS.makefile, arguments);
    return makefileImpl(this, args);
  }

  /**
   * Shuts down one or both halves of the connection.
   *
   * @param how `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
   */
  shutdown(how: number): void {
    arity(METHODS.shutdown, arguments.length);
    const h = toCInt(how);
    check(libc.shutdown(this.#live(), h));
  }

  /** Closes the socket: `using s = socket.socket()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Python's `repr()`: `<socket.socket fd=3, family=2, type=1, proto=0, laddr=('127.0.0.1', 8080)>`. */
  toString(): string {
    arity(METHODS.toString, arguments.length);
    // As CPython: closed by close() is "[closed]" even while a makefile() object keeps the descriptor open.
    const closed = this.#closed;
    let s = `<socket.socket${closed ? " [closed]" : ""} fd=${this.#fd}, family=${this.#family}, ` +
      `type=${this.#type}, proto=${this.#proto}`;
    // An open socket has its descriptor (the constructor sets it or throws).
    if (!closed) {
      for (const [label, get] of [["laddr", () => this.getsockname()], ["raddr", () => this.getpeername()]] as const) {
        try {
          const a = get();
          if (a !== null && a !== "" && !(a instanceof Uint8Array && a.length === 0)) s += `, ${label}=${pyStr(a)}`;
        } catch {
          // Not bound or not connected: Python leaves the field out.
        }
      }
    }
    return s + ">";
  }

  /** Deno's inspect form: the Python `repr()`. */
  [inspect](): string {
    return this.toString();
  }

  /** Node's and Bun's inspect form: the Python `repr()`. */
  [nodeInspect](): string {
    return this.toString();
  }

  static {
    installState({
      ioRefs: (s, delta) => {
        const sock = s as SocketType;
        sock.#ioRefs += delta;
        if (delta < 0 && sock.#closed && sock.#ioRefs <= 0) sock.#realClose();
      },
      liveFd: (sock) => (sock as SocketType).#live(),
      timeoutOf: (sock) => (sock as SocketType).#timeout,
      ctxOf: (sock) => (sock as SocketType).#ctx,
      isSocket: (v): v is SocketType => typeof v === "object" && v !== null && #fd in v,
    });
  }

  // Beyond CPython: batched datagrams (lib/mmsg.ts).

  /**
   * Sends many datagrams in one system call (`sendmmsg(2)`; a loop of
   * `sendmsg` where the platform lacks it). Beyond CPython.
   *
   * @param messages An iterable of `[buffers, ancdata?, address?]`, each as {@linkcode sendmsg} takes them.
   * @param flags `MSG_*` flags, for every message.
   * @returns The number of messages sent: the first ones, fewer when the send buffer fills.
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * const to = rx.getsockname()!;
   * console.assert(tx.sendmmsg([[[new Uint8Array([1])], null, to], [[new Uint8Array([2])], null, to]]) === 2);
   * ```
   */
  sendmmsg(messages: Iterable<mmsg.OutgoingMessage<F>>, flags?: number): number;
  sendmmsg(messages: Iterable<mmsg.OutgoingMessage>, flags?: number): number {
    arity(METHODS.sendmmsg, arguments.length);
    return mmsg.sendmmsg(this, messages, flags);
  }

  /**
   * Receives up to `vlen` datagrams in one system call (`recvmmsg(2)` with
   * `MSG_WAITFORONE`). In blocking and timeout modes it waits for the first
   * datagram (the timeout honoured as by {@linkcode recvmsg}), then returns at
   * once with what is queued; in non-blocking mode it raises
   * `BlockingIOError` when nothing is. Beyond CPython.
   *
   * @param vlen The most datagrams to return (at most 1024).
   * @param bufsize The most bytes of each.
   * @param ancbufsize The ancillary data buffer size of each (`0`: none).
   * @param flags `MSG_*` flags.
   * @returns `[data, ancdata, msg_flags, address]` for each datagram, as {@linkcode recvmsg} returns them.
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * for (const b of [1, 2, 3]) tx.sendto(new Uint8Array([b]), rx.getsockname()!);
   * console.assert(rx.recvmmsg(32, 1500).length === 3);
   * ```
   */
  recvmmsg(vlen: number, bufsize: number, ancbufsize?: number, flags?: number): msg.RecvmsgResult<F>[];
  recvmmsg(vlen: number, bufsize: number, ancbufsize?: number, flags?: number): msg.RecvmsgResult[] {
    arity(METHODS.recvmmsg, arguments.length);
    return mmsg.recvmmsg(this, vlen, bufsize, ancbufsize, flags);
  }

  /**
   * Like {@linkcode recvmmsg}, into the caller's buffers: datagram `i` goes
   * into `buffers[i]`. Beyond CPython.
   *
   * @param buffers An iterable of writable bytes-like objects, one per datagram.
   * @param ancbufsize The ancillary data buffer size of each (`0`: none).
   * @param flags `MSG_*` flags.
   * @returns `[nbytes, ancdata, msg_flags, address]` for each datagram received.
   * @example
   * ```ts
   * import * as socket from "@pysocket/socket";
   * using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
   * tx.sendto(new Uint8Array([5, 6]), rx.getsockname()!);
   * const bufs = [new Uint8Array(64), new Uint8Array(64)];
   * const [[nbytes]] = rx.recvmmsg_into(bufs);
   * console.assert(nbytes === 2 && bufs[0][0] === 5);
   * ```
   */
  recvmmsg_into(buffers: Iterable<BytesLike>, ancbufsize?: number, flags?: number): msg.RecvmsgIntoResult<F>[];
  recvmmsg_into(buffers: Iterable<BytesLike>, ancbufsize?: number, flags?: number): msg.RecvmsgIntoResult[] {
    arity(METHODS.recvmmsg_into, arguments.length);
    return mmsg.recvmmsg_into(this, buffers, ancbufsize, flags);
  }
}

/**
 * Phase 1 of `recv_into` and `recvfrom_into`: `[buffer, nbytes, flags]`,
 * with `nbytes` resolved against the buffer's length (`too` is the message
 * when it exceeds it).
 */
function intoArgs(
  fn: "recv_into" | "recvfrom_into",
  args: IArguments,
  buffer: unknown,
  nbytes: unknown,
  flags: unknown,
  too: string,
): [Uint8Array, number, number] {
  if (args.length > 1 && isOptions(args[args.length - 1])) {
    [, nbytes, flags] = params(METHODS[fn], ["buffer", "nbytes", "flags"], Array.from(args));
  }
  const buf = toWritableBytes(buffer, `${fn}() argument 1`);
  let n = nbytes === undefined ? 0 : toSsize(nbytes);
  const f = flags === undefined ? 0 : toCInt(flags);
  if (n < 0) throw new ValueError(`negative buffersize in ${fn}`);
  const len = lengthOf(buf);
  if (n === 0) n = len;
  if (n > len) throw new ValueError(too);
  return [buf, n, f];
}

/** A `Py_ssize_t` argument (CPython's `"n"`): any integer below 2**63 in magnitude. */
function toSsize(v: unknown): number {
  const n = toInt(v);
  if (n >= 2 ** 63 || n < -(2 ** 63)) throw new OverflowError("Python int too large to convert to C ssize_t");
  return n;
}

/**
 * `recv`'s `bufsize`: negative is CPython's `ValueError`. One receive is
 * capped at 2**31-1 bytes (CPython would try to allocate the whole size).
 */
function sizeArg(v: unknown, fn: string): number {
  const n = toSsize(v);
  if (n < 0) throw new ValueError(`negative buffersize in ${fn}`);
  if (n > 0x7fffffff) throw new OverflowError(`${fn}() bufsize is too large: at most 2**31-1 bytes`);
  return n;
}

function getIntOpt(fd: number, level: number, name: number): number {
  OPT[0] = 0;
  OPTLEN[0] = 4;
  check(libc.getsockopt(fd, level, name, OPT, OPTLEN));
  return OPT[0];
}

function setIntOpt(fd: number, level: number, name: number, value: number): void {
  OPT[0] = value;
  check(libc.setsockopt(fd, level, name, OPT, 4));
}

// AF_VSOCK options: CPython passes every value as a uint64_t (socketmodule.c), as the kernel requires.
const AF_VSOCK_FAMILY = CONSTANTS.AF_VSOCK;
const OPT64 = new BigUint64Array(1);

/** `getsockopt` on an `AF_VSOCK` socket: a 64-bit value, a `bigint` when it does not fit a double. */
function getVsockOpt(fd: number, level: number, name: number): number | bigint {
  OPT64[0] = 0n;
  OPTLEN[0] = 8;
  check(libc.getsockopt(fd, level, name, OPT64, OPTLEN));
  const v = OPT64[0];
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** `setsockopt` on an `AF_VSOCK` socket: CPython's `"iiK"`, an int taken modulo 2⁶⁴; returns the call's result. */
function setVsockOpt(fd: number, level: number, name: number, given: number, value: unknown): number {
  if (given !== 3) throw new TypeError(`setsockopt() takes exactly 3 arguments (${given} given)`);
  const int = typeof value === "boolean" ? Number(value) : value;
  if (!(typeof int === "bigint" || (typeof int === "number" && Number.isInteger(int)))) {
    throw new TypeError(`setsockopt() argument 3 must be int, not ${pyType(value)}`);
  }
  OPT64[0] = BigInt.asUintN(64, BigInt(int));
  return libc.setsockopt(fd, level, name, OPT64, 8);
}

// The system calls of the methods, for `sockCall`: each one attempt (phases 2 and 3), made once, so that a call
// allocates no closure.

/** `accept4` (or `accept`), the peer's address into `OUT`. */
const ACCEPT: Syscall<undefined, undefined, undefined, undefined> = (fd) => {
  OUTLEN[0] = OUT.bytes.length;
  return libc.accept4 ? libc.accept4(fd, OUT.bytes, OUTLEN, SOCK_CLOEXEC) : libc.accept(fd, OUT.bytes, OUTLEN);
};

/**
 * A connection in progress, once the descriptor is writable (CPython's
 * `sock_connect_impl`): `0` when made, else `-1` with its `SO_ERROR` in `errno`.
 */
const CONNECTED: Syscall<undefined, undefined, undefined, undefined> = (fd) => {
  OPT[0] = 0;
  OPTLEN[0] = 4;
  if (libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, OPT, OPTLEN) < 0) return -1;
  const err = OPT[0];
  if (err === 0 || err === EISCONN) return 0;
  setErrno(err);
  return -1;
};

/** `recv` of up to `n` bytes into `buf`, its `n` bytes taken again (`held`). */
const RECV: Syscall<Uint8Array, number, number, undefined> = (fd, buf, n, f) => libc.recv(fd, buf, heldInto(buf, n), f);

/** `recvfrom` of up to `n` bytes into `buf`, the sender's address into `OUT`. */
const RECVFROM: Syscall<Uint8Array, number, number, undefined> = (fd, buf, n, f) => {
  OUTLEN[0] = OUT.bytes.length;
  return libc.recvfrom(fd, buf, heldInto(buf, n), f, OUT.bytes, OUTLEN);
};

/** `send` of bytes `from` to `n` of `b`, taken as it is now. */
const SEND: Syscall<Uint8Array, number, number, number> = (fd, b, from, n, f) => {
  const end = held(b, n);
  return libc.send(fd, from === 0 ? b : span(b, from, end), end - from, f);
};

/** `sendto` of the `n` bytes of `b` to the `len`-byte address that `sendto()` encoded into `SENDTO_NAME`. */
const SENDTO: Syscall<Uint8Array, number, number, number> = (fd, b, n, f, len) =>
  libc.sendto(fd, b, held(b, n), f, SENDTO_NAME.bytes, len);

/** A new socket descriptor, close-on-exec, and with `SO_NOSIGPIPE` where the platform has it (`socket(2)`). */
function openDescriptor(family: number, type: number, proto: number): number {
  const fd = check(libc.socket(family, type | SOCK_CLOEXEC, proto));
  try {
    if (!SOCK_CLOEXEC) setCloexec(fd, true);
    if (SO_NOSIGPIPE !== undefined) setIntOpt(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
  } catch (e) {
    libc.close(fd);
    throw e;
  }
  return fd;
}

/**
 * The family, type and protocol of an adopted descriptor (`socket(fileno=)`),
 * each as given, or read from the kernel where given as `-1` (CPython's
 * `socket.__init__` with a `fileno`): `EBADF` or `ENOTSOCK` raise.
 */
function probeDescriptor(fd: number, family: number, type: number, proto: number): [number, number, number] {
  OUTLEN[0] = OUT.bytes.length;
  OUT.bytes.fill(0);
  if (libc.getsockname(fd, OUT.bytes, OUTLEN) === 0) {
    if (family === -1) family = LAYOUT.HAS_SA_LEN === 1 ? OUT.bytes[1] : OUT.view.getUint16(0, true);
  } else {
    const e = errno();
    if (e === EBADF || e === ENOTSOCK) throw osErrorFrom(e);
  }
  if (family === -1 && SO_DOMAIN !== undefined) family = getIntOpt(fd, SOL_SOCKET, SO_DOMAIN);
  if (type === -1) type = getIntOpt(fd, SOL_SOCKET, SO_TYPE);
  if (proto === -1) proto = SO_PROTOCOL === undefined ? 0 : getIntOpt(fd, SOL_SOCKET, SO_PROTOCOL);
  return [family, type, proto];
}

/** The signature of {@linkcode socket}: callable with or without `new`. */
export interface SocketConstructor {
  /** Creates an `AF_INET` socket, as `socket.socket()` in Python. */
  new (family?: null, type?: number | null, proto?: number | null, fileno?: null): SocketType<"AF_INET">;
  /** Creates a socket of the family `family` names, as `socket.socket(AF_INET6, ...)` in Python. */
  new <F extends SocketFamily>(family: Family<F>, ...rest: SocketRest): SocketType<F>;
  /** Creates a socket of the family `options.family` names, as `socket.socket(family=AF_INET6, ...)`. */
  new <F extends SocketFamily>(options: SocketOptionsOf<F>): SocketType<F>;
  /** Creates an `AF_INET` socket with keyword arguments, as `socket.socket(type=SOCK_DGRAM)`. */
  new (options: SocketOptionsInet): SocketType<"AF_INET">;
  /** Creates a socket, as `socket.socket(...)` in Python: a family that is a plain `number` may be any. */
  new (...args: SocketArgs): SocketType;
  /** Creates an `AF_INET` socket, as `socket.socket()` in Python. */
  (family?: null, type?: number | null, proto?: number | null, fileno?: null): SocketType<"AF_INET">;
  /** Creates a socket of the family `family` names, as `socket.socket(AF_INET6, ...)` in Python. */
  <F extends SocketFamily>(family: Family<F>, ...rest: SocketRest): SocketType<F>;
  /** Creates a socket of the family `options.family` names, as `socket.socket(family=AF_INET6, ...)`. */
  <F extends SocketFamily>(options: SocketOptionsOf<F>): SocketType<F>;
  /** Creates an `AF_INET` socket with keyword arguments, as `socket.socket(type=SOCK_DGRAM)`. */
  (options: SocketOptionsInet): SocketType<"AF_INET">;
  /** Creates a socket, as `socket.socket(...)` in Python: a family that is a plain `number` may be any. */
  (...args: SocketArgs): SocketType;
  /** `SocketType.prototype`: `s instanceof socket` holds. */
  readonly prototype: SocketType;
}

/**
 * Creates a socket: `socket(family?, type?, proto?, fileno?)`, callable with
 * or without `new`. Defaults to `AF_INET`, `SOCK_STREAM`.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
 * s.bind(["127.0.0.1", 0]);
 * const [host] = s.getsockname();
 * console.assert(host === "127.0.0.1");
 * ```
 */
export const socket: SocketConstructor = function socket(...args: unknown[]): SocketType {
  return new SocketType(...args as []);
} as unknown as SocketConstructor;
(socket as unknown as { prototype: SocketType }).prototype = SocketType.prototype;

/** Python's keyword arguments for {@linkcode socketpair}. */
export interface SocketpairOptions {
  /** Address family (`AF_UNIX` by default). */
  family?: number | null;
  /** Socket type (`SOCK_STREAM` by default). */
  type?: number;
  /** Protocol (`0` by default). */
  proto?: number;
}

/**
 * The arguments of {@linkcode socketpair} after a family given by position:
 * `type?, proto?`, or some of them followed by an options object.
 */
export type SocketpairRest =
  | [type?: number, proto?: number]
  | [options: Omit<SocketpairOptions, "family">]
  | [type: number, options: Pick<SocketpairOptions, "proto">];

/** The arguments of {@linkcode socketpair}: `family?, type?, proto?`, or some of them followed by an options object. */
export type SocketpairArgs =
  | [family?: number | null, type?: number, proto?: number]
  | [options: SocketpairOptions]
  | [family: number | null, options: Omit<SocketpairOptions, "family">]
  | [family: number | null, type: number, options: Pick<SocketpairOptions, "proto">];

/**
 * A connected pair of sockets (`AF_UNIX`, `SOCK_STREAM` by default).
 *
 * @param family Address family.
 * @param type Socket type.
 * @param proto Protocol.
 * @returns The two sockets.
 */
export function socketpair(
  family?: null,
  type?: number,
  proto?: number,
): [SocketType<"AF_UNIX">, SocketType<"AF_UNIX">];
/**
 * A connected pair of sockets of the family `family` names.
 *
 * @param family Address family, such as `AF_UNIX`.
 * @param rest `type?, proto?`, positional or as a trailing options object.
 * @returns The two sockets.
 */
export function socketpair<F extends SocketFamily>(
  family: Family<F>,
  ...rest: SocketpairRest
): [SocketType<F>, SocketType<F>];
/**
 * A connected pair of sockets of the family `options.family` names, as
 * `socketpair(family=AF_UNIX, type=SOCK_DGRAM)` in Python.
 *
 * @param options The arguments by name.
 * @returns The two sockets.
 */
export function socketpair<F extends SocketFamily>(
  options: SocketpairOptions & { family: Family<F> },
): [SocketType<F>, SocketType<F>];
/**
 * A connected `AF_UNIX` pair, with keyword arguments: `socketpair(type=SOCK_DGRAM)`.
 *
 * @param options `type`, `proto`.
 * @returns The two sockets.
 */
export function socketpair(
  options: SocketpairOptions & { family?: null },
): [SocketType<"AF_UNIX">, SocketType<"AF_UNIX">];
/**
 * A connected pair of sockets, of a family given as a plain `number`.
 *
 * @param args `family?, type?, proto?`, positional or as a trailing options object.
 * @returns The two sockets.
 */
export function socketpair(...args: SocketpairArgs): [SocketType, SocketType];
export function socketpair(...args: unknown[]): [SocketType, SocketType] {
  arityKw(FUNCTIONS.socketpair, args);
  const [family, type, proto] = params(FUNCTIONS.socketpair, ["family", "type", "proto"], args);
  // As Lib/socket.py: a family of None is AF_UNIX.
  const f = family === undefined || family === null ? AF_UNIX : toCInt(family);
  const t = type === undefined ? SOCK_STREAM : toCInt(type), p = proto === undefined ? 0 : toCInt(proto);
  const fds = new Int32Array(2);
  check(libc.socketpair(f, t | SOCK_CLOEXEC, p, fds));
  try {
    if (!SOCK_CLOEXEC) fds.forEach((fd) => setCloexec(fd, true));
    const a = new SocketType(f, t, p, fds[0]);
    try {
      return [a, new SocketType(f, t, p, fds[1])];
    } catch (e) {
      a.detach();
      throw e;
    }
  } catch (e) {
    libc.close(fds[0]);
    libc.close(fds[1]);
    throw e;
  }
}

/**
 * A socket object on a duplicate of `fd` (the caller keeps `fd`), of the
 * family `family` names.
 *
 * @param fd A socket descriptor.
 * @param family Address family, such as `AF_INET`.
 * @param type Socket type.
 * @param proto Protocol.
 * @returns The socket.
 */
export function fromfd<F extends SocketFamily>(
  fd: number,
  family: Family<F>,
  type: number,
  proto?: number,
): SocketType<F>;
/**
 * A socket object on a duplicate of `fd` (the caller keeps `fd`).
 *
 * @param fd A socket descriptor.
 * @param family Address family.
 * @param type Socket type.
 * @param proto Protocol.
 * @returns The socket.
 */
export function fromfd(fd: number, family: number, type: number, proto?: number): SocketType;
export function fromfd(fd: number, family: number, type: number, proto = 0): SocketType {
  arity(FUNCTIONS.fromfd, arguments.length);
  const f = toCInt(fd);
  // Every argument is checked before the descriptor is duplicated, so a bad one leaks nothing.
  toCInt(family), toCInt(type), toCInt(proto);
  // dup(-1) is EBADF, as in CPython (no system call for it).
  if (f < 0) throw ebadf();
  const nfd = check(libc.fcntl(f, F_DUPFD_CLOEXEC, 0));
  try {
    const sock = new SocketType(family, type, proto, nfd);
    keepIfListening(sock, nfd);
    return sock;
  } catch (e) {
    libc.close(nfd);
    throw e;
  }
}

/**
 * Closes a descriptor, as `socket.close(fd)`.
 *
 * @param fd The descriptor.
 */
export function close(fd: number): void {
  arity(FUNCTIONS.close, arguments.length);
  const f = toInt(fd);
  // No descriptor lies outside a C int: never truncate (CPython would close fd 3 for 2**32+3).
  if (f > 0x7fffffff || f < -0x80000000) throw ebadf();
  closeFd(f);
}

/** `close(2)`. The peer may have reset the connection already: Python ignores `ECONNRESET` here. */
function closeFd(fd: number): void {
  if (libc.close(fd) < 0 && errno() !== ECONNRESET) throw lastError();
}
