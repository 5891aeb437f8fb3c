/**
 * One declaration of every public signature: how many positional arguments
 * each function and method takes, which keywords its options object names,
 * and how CPython words the `TypeError` for too many or an unknown one.
 * {@linkcode arity} and {@linkcode arityKw}, called first in each function,
 * check a call against it; `tests/arity_test.ts` is generated from it.
 *
 * @module
 */

/**
 * How CPython words a call with too many positional arguments:
 * - `none`: `f() takes no arguments (2 given)` (a C `METH_NOARGS` function);
 * - `one`: `f() takes exactly one argument (2 given)` (`METH_O`);
 * - `exactly`: `f() takes exactly 1 argument (2 given)` (`PyArg_ParseTuple`, `min` counted);
 * - `atmost`: `f() takes at most 2 arguments (3 given)` (`PyArg_ParseTuple` with optional ones);
 * - `or`: `f() takes 2 or 3 arguments (4 given)` (`sendto`);
 * - `atmostpos`: `f() takes at most 1 positional argument (2 given)` (keyword-only ones follow);
 * - `py`: `f() takes from 1 to 3 positional arguments but 4 were given` (a Python function);
 * - `pyself`: as `py`, for a Python method: `self` is counted;
 * - `expected`: `read expected at most 1 argument, got 2` (Argument Clinic's positional-only check, `io`).
 *
 * The C styles report an unknown keyword as `'x' is an invalid keyword
 * argument for f()`, the Python ones as `f() got an unexpected keyword
 * argument 'x'`.
 */
export type Style = "none" | "one" | "exactly" | "atmost" | "or" | "atmostpos" | "py" | "pyself" | "expected";

/** A public function's or method's signature. */
export interface Sig {
  /** The name CPython's messages give (`socket.bind`, `_socket.htonl`, `recv`). */
  readonly name: string;
  /** Required positional arguments. */
  readonly min: number;
  /** Most positional arguments (an options object not counted). */
  readonly max: number;
  /** The message style. */
  readonly style: Style;
  /** The keys a trailing options object may have; absent where none is accepted. */
  readonly kw?: readonly string[];
  /**
   * Fewer positional arguments than this are refused by {@linkcode arity}:
   * `min` where CPython's message for too few has the same shape as for too
   * many (the C styles without keywords), else `0` (the function's own
   * checks name the missing argument).
   */
  readonly least: number;
}

function sig(name: string, min: number, max: number, style: Style, kw?: readonly string[]): Sig {
  const least = kw || style === "py" || style === "pyself" || style === "atmostpos" ? 0 : min;
  return Object.freeze({ name, min, max, style, kw, least });
}

const SIGNAL = ["signal"] as const;
const GAI = ["family", "type", "proto", "flags"] as const;

/** The module's functions, by export name. */
export const FUNCTIONS = {
  // Modules/socketmodule.c
  close: sig("_socket.close", 1, 1, "one"),
  getdefaulttimeout: sig("_socket.getdefaulttimeout", 0, 0, "none"),
  setdefaulttimeout: sig("_socket.setdefaulttimeout", 1, 1, "one"),
  gethostbyaddr: sig("gethostbyaddr", 1, 1, "exactly"),
  gethostbyname: sig("gethostbyname", 1, 1, "exactly"),
  gethostbyname_ex: sig("gethostbyname_ex", 1, 1, "exactly"),
  gethostname: sig("_socket.gethostname", 0, 0, "none"),
  sethostname: sig("sethostname", 1, 1, "exactly"),
  getnameinfo: sig("getnameinfo", 2, 2, "exactly"),
  getprotobyname: sig("getprotobyname", 1, 1, "exactly"),
  getservbyname: sig("getservbyname", 1, 2, "atmost"),
  getservbyport: sig("getservbyport", 1, 2, "atmost"),
  if_nameindex: sig("_socket.if_nameindex", 0, 0, "none"),
  if_nametoindex: sig("if_nametoindex", 1, 1, "exactly"),
  if_indextoname: sig("_socket.if_indextoname", 1, 1, "one"),
  htons: sig("htons", 1, 1, "exactly"),
  ntohs: sig("ntohs", 1, 1, "exactly"),
  htonl: sig("_socket.htonl", 1, 1, "one"),
  ntohl: sig("_socket.ntohl", 1, 1, "one"),
  inet_aton: sig("inet_aton", 1, 1, "exactly"),
  inet_ntoa: sig("inet_ntoa", 1, 1, "exactly"),
  inet_pton: sig("inet_pton", 2, 2, "exactly"),
  inet_ntop: sig("inet_ntop", 2, 2, "exactly"),
  CMSG_LEN: sig("CMSG_LEN", 1, 1, "exactly"),
  CMSG_SPACE: sig("CMSG_SPACE", 1, 1, "exactly"),
  socket: sig("socket.__init__", 0, 4, "pyself", ["family", "type", "proto", "fileno"]),
  // Lib/socket.py
  fromfd: sig("fromfd", 3, 4, "py"),
  socketpair: sig("socketpair", 0, 3, "py", ["family", "type", "proto"]),
  create_connection: sig("create_connection", 1, 3, "py", ["timeout", "source_address", "all_errors"]),
  create_server: sig("create_server", 1, 1, "py", ["family", "backlog", "reuse_port", "dualstack_ipv6"]),
  has_dualstack_ipv6: sig("has_dualstack_ipv6", 0, 0, "py"),
  getaddrinfo: sig("getaddrinfo", 2, 6, "py", GAI),
  getfqdn: sig("getfqdn", 0, 1, "py"),
  send_fds: sig("send_fds", 3, 5, "py"),
  recv_fds: sig("recv_fds", 3, 4, "py"),
  // asyncio's loop methods as functions, plus `{ signal }`.
  sock_accept: sig("sock_accept", 1, 1, "py", SIGNAL),
  sock_connect: sig("sock_connect", 2, 2, "py", SIGNAL),
  sock_recv: sig("sock_recv", 2, 2, "py", SIGNAL),
  sock_recv_into: sig("sock_recv_into", 2, 2, "py", SIGNAL),
  sock_recvfrom: sig("sock_recvfrom", 2, 2, "py", SIGNAL),
  sock_recvfrom_into: sig("sock_recvfrom_into", 2, 3, "py", SIGNAL),
  sock_sendall: sig("sock_sendall", 2, 2, "py", SIGNAL),
  sock_sendto: sig("sock_sendto", 3, 3, "py", SIGNAL),
  sock_sendfile: sig("sock_sendfile", 2, 4, "py", SIGNAL),
  // Takes what the synchronous one takes (family, type, proto, flags by position too), and a signal.
  getaddrinfo_async: sig("getaddrinfo", 2, 6, "py", [...GAI, "signal"]),
  // Beyond asyncio: the message functions and batches, awaitable.
  sock_sendmsg: sig("sock_sendmsg", 2, 5, "py", SIGNAL),
  sock_recvmsg: sig("sock_recvmsg", 2, 4, "py", SIGNAL),
  sock_recvmsg_into: sig("sock_recvmsg_into", 2, 4, "py", SIGNAL),
  sock_send_fds: sig("sock_send_fds", 3, 5, "py", SIGNAL),
  sock_recv_fds: sig("sock_recv_fds", 3, 4, "py", SIGNAL),
  sock_sendmmsg: sig("sock_sendmmsg", 2, 3, "py", SIGNAL),
  sock_recvmmsg: sig("sock_recvmmsg", 3, 5, "py", SIGNAL),
  sock_recvmmsg_into: sig("sock_recvmmsg_into", 2, 4, "py", SIGNAL),
  // Beyond CPython.
  tcp_info: sig("tcp_info", 1, 1, "py"),
  peercred: sig("peercred", 1, 1, "py"),
  encode_ancdata: sig("encode_ancdata", 1, 1, "py"),
  decode_ancdata: sig("decode_ancdata", 1, 1, "py"),
  listen_fds: sig("listen_fds", 0, 1, "py"),
  listen_fds_with_names: sig("listen_fds_with_names", 0, 1, "py"),
  sd_notify: sig("sd_notify", 1, 2, "py"),
  readable_stream: sig("readable_stream", 1, 1, "py", ["chunkSize", "close"]),
  writable_stream: sig("writable_stream", 1, 1, "py", ["close", "shutdown"]),
} as const satisfies Record<string, Sig>;

/** `SocketType`'s methods, by name. */
export const METHODS = {
  fileno: sig("socket.fileno", 0, 0, "none"),
  getpeername: sig("socket.getpeername", 0, 0, "none"),
  getsockname: sig("socket.getsockname", 0, 0, "none"),
  getblocking: sig("socket.getblocking", 0, 0, "none"),
  gettimeout: sig("socket.gettimeout", 0, 0, "none"),
  bind: sig("socket.bind", 1, 1, "one"),
  connect: sig("socket.connect", 1, 1, "one"),
  connect_ex: sig("socket.connect_ex", 1, 1, "one"),
  setblocking: sig("socket.setblocking", 1, 1, "one"),
  settimeout: sig("socket.settimeout", 1, 1, "one"),
  shutdown: sig("socket.shutdown", 1, 1, "one"),
  getsockopt: sig("getsockopt", 2, 3, "atmost"),
  setsockopt: sig("setsockopt", 3, 4, "exactly"),
  listen: sig("listen", 0, 1, "atmost"),
  recv: sig("recv", 1, 2, "atmost"),
  recvfrom: sig("recvfrom", 1, 2, "atmost"),
  recv_into: sig("recv_into", 1, 3, "atmost", ["nbytes", "flags"]),
  recvfrom_into: sig("recvfrom_into", 1, 3, "atmost", ["nbytes", "flags"]),
  send: sig("send", 1, 2, "atmost"),
  sendall: sig("sendall", 1, 2, "atmost"),
  sendto: sig("sendto", 2, 3, "or"),
  sendmsg: sig("sendmsg", 1, 4, "atmost"),
  recvmsg: sig("recvmsg", 1, 3, "atmost"),
  recvmsg_into: sig("recvmsg_into", 1, 3, "atmost"),
  sendmsg_afalg: sig("sendmsg_afalg", 0, 1, "atmostpos", ["op", "iv", "assoclen", "flags"]),
  // Lib/socket.py's methods.
  accept: sig("socket.accept", 0, 0, "pyself"),
  close: sig("socket.close", 0, 0, "pyself"),
  detach: sig("socket.detach", 0, 0, "pyself"),
  dup: sig("socket.dup", 0, 0, "pyself"),
  get_inheritable: sig("socket.get_inheritable", 0, 0, "pyself"),
  set_inheritable: sig("socket.set_inheritable", 1, 1, "pyself"),
  sendfile: sig("socket.sendfile", 1, 3, "pyself"),
  makefile: sig("socket.makefile", 0, 2, "pyself", ["mode", "buffering", "encoding", "errors", "newline"]),
  toString: sig("socket.__repr__", 0, 0, "pyself"),
  // Beyond CPython: batched datagrams.
  sendmmsg: sig("sendmmsg", 1, 2, "atmost"),
  recvmmsg: sig("recvmmsg", 2, 4, "atmost"),
  recvmmsg_into: sig("recvmmsg_into", 1, 3, "atmost"),
} as const satisfies Record<string, Sig>;

/**
 * The methods of a file object from `makefile()` (`lib/io/`) named `cls`, as
 * `_io`'s C methods check their arguments: the `size` and `hint` ones
 * positional-only (`read expected at most 1 argument, got 2`), the others
 * named after the class (`BufferedReader.flush() takes no arguments (1 given)`).
 */
function ioMethods(cls: string) {
  const size = (name: string) => sig(name, 0, 1, "expected");
  const none = (name: string) => sig(`${cls}.${name}`, 0, 0, "none");
  return {
    read: size("read"),
    read1: size("read1"),
    peek: size("peek"),
    readline: size("readline"),
    readlines: size("readlines"),
    readinto: sig(`${cls}.readinto`, 1, 1, "one"),
    write: sig(`${cls}.write`, 1, 1, "one"),
    readall: none("readall"),
    flush: none("flush"),
    close: none("close"),
    fileno: none("fileno"),
    readable: none("readable"),
    writable: none("writable"),
    seekable: none("seekable"),
  };
}

/** The signatures of one file class's methods. */
export type IoSigs = ReturnType<typeof ioMethods>;

const BUFFERED_READER = ioMethods("BufferedReader");
const BUFFERED_WRITER = ioMethods("BufferedWriter");
const SOCKET_IO = ioMethods("SocketIO");

/**
 * The file objects' methods, by class. `SocketIO` is `Lib/socket.py`'s
 * Python class over `_io._RawIOBase`: its own methods count `self`; a
 * `BufferedRWPair` reads and writes through a `BufferedReader` and a
 * `BufferedWriter`, whose names CPython's messages give.
 */
export const IO_METHODS: Record<
  "SocketIO" | "BufferedReader" | "BufferedWriter" | "BufferedRWPair" | "TextIOWrapper",
  IoSigs
> = {
  SocketIO: {
    ...SOCKET_IO,
    readinto: sig("SocketIO.readinto", 1, 1, "pyself"),
    write: sig("SocketIO.write", 1, 1, "pyself"),
    close: sig("SocketIO.close", 0, 0, "pyself"),
    fileno: sig("SocketIO.fileno", 0, 0, "pyself"),
    readable: sig("SocketIO.readable", 0, 0, "pyself"),
    writable: sig("SocketIO.writable", 0, 0, "pyself"),
    seekable: sig("SocketIO.seekable", 0, 0, "pyself"),
  },
  BufferedReader: BUFFERED_READER,
  BufferedWriter: BUFFERED_WRITER,
  BufferedRWPair: { ...ioMethods("BufferedRWPair"), readinto: BUFFERED_READER.readinto, write: BUFFERED_WRITER.write },
  TextIOWrapper: ioMethods("TextIOWrapper"),
};

/**
 * Raises CPython's `TypeError` when `given` positional arguments are more
 * than `s` takes (or fewer than {@linkcode Sig.least}). Two integer
 * compares when they are not.
 */
export function arity(s: Sig, given: number): void {
  if (given > s.max || given < s.least) throw arityError(s, given);
}

/**
 * {@linkcode arity} for a signature that accepts a trailing options object:
 * that object is not counted, and a key it has that `s` does not name is
 * CPython's `TypeError` for an unexpected keyword. A plain object in a
 * required position is an argument (a file-like object), never options.
 */
export function arityKw(s: Sig, args: ArrayLike<unknown>): void {
  let given = args.length;
  if (given > s.min && isOptions(args[given - 1])) {
    const kw = s.kw ?? [];
    const keys = Object.keys(args[given - 1] as object);
    given--;
    // PyArg_ParseTupleAndKeywords counts keywords with the positional arguments, before naming them.
    if (s.style === "atmost" && given + keys.length > s.max) throw arityError(s, given + keys.length);
    for (const k of keys) if (!kw.includes(k)) throw unknownKeyword(s, k);
  }
  if (given > s.max) throw arityError(s, given);
}

/** Whether `v` is an options object standing for Python's keyword arguments. */
export function isOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
    !(v instanceof ArrayBuffer) && Object.getPrototypeOf(v) === Object.prototype;
}

/** CPython's message for the keyword `key` given for the argument at `position` (from 1) too. */
export function multipleValues(s: Sig, key: string, position: number): TypeError {
  return s.style === "py" || s.style === "pyself"
    ? new TypeError(`${s.name}() got multiple values for argument '${key}'`)
    : new TypeError(`argument for ${s.name}() given by name ('${key}') and position (${position})`);
}

/** CPython's message for an unknown keyword `key`. */
export function unknownKeyword(s: Sig, key: string): TypeError {
  return s.style === "py" || s.style === "pyself"
    ? new TypeError(`${s.name}() got an unexpected keyword argument '${key}'`)
    : new TypeError(`'${key}' is an invalid keyword argument for ${s.name}()`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** CPython's message for `given` positional arguments, a number `s` does not take. */
export function arityError(s: Sig, given: number): TypeError {
  const f = `${s.name}() takes`;
  switch (s.style) {
    case "none":
      return new TypeError(`${f} no arguments (${given} given)`);
    case "one":
      return new TypeError(`${f} exactly one argument (${given} given)`);
    case "exactly":
      return new TypeError(`${f} exactly ${plural(s.min, "argument")} (${given} given)`);
    case "atmost":
      return given < s.min
        ? new TypeError(`${f} at least ${plural(s.min, "argument")} (${given} given)`)
        : new TypeError(`${f} at most ${plural(s.max, "argument")} (${given} given)`);
    case "or":
      return new TypeError(`${f} ${s.min} or ${s.max} arguments (${given} given)`);
    case "atmostpos":
      return new TypeError(`${f} at most ${plural(s.max, "positional argument")} (${given} given)`);
    case "expected":
      return given < s.min
        ? new TypeError(`${s.name} expected at least ${plural(s.min, "argument")}, got ${given}`)
        : new TypeError(`${s.name} expected at most ${plural(s.max, "argument")}, got ${given}`);
  }
  const self = s.style === "pyself" ? 1 : 0;
  const [min, max, n] = [s.min + self, s.max + self, given + self];
  const takes = min === max ? plural(max, "positional argument") : `from ${min} to ${max} positional arguments`;
  return new TypeError(`${f} ${takes} but ${n} ${n === 1 ? "was" : "were"} given`);
}
