/**
 * Every C library function the module calls, declared once, in a small
 * vocabulary that both runtime adapters (`deno.ts`, `bun.ts`) translate.
 *
 * The vocabulary:
 *
 * | type    | C                                   | JavaScript value               |
 * | ------- | ----------------------------------- | ------------------------------ |
 * | `i32`   | `int`                               | number                         |
 * | `u32`   | `unsigned`, `socklen_t`             | number                         |
 * | `size`  | `size_t`, `nfds_t`, `unsigned long` | number (≤ 2⁵³)                 |
 * | `ssize` | `ssize_t`, `off_t`, `long`          | number                         |
 * | `buf`   | `void *` into JavaScript memory     | `Uint8Array` (or other view), or `null` |
 * | `ptr`   | `void *` owned by C                 | opaque {@linkcode Ptr}          |
 * | `void`  | `void`                              | undefined                      |
 *
 * `size` and `ssize` are 64 bits wide on every supported platform; the
 * adapters make them plain numbers in JavaScript, so hot calls never return
 * bigints.
 *
 * @module
 */

/** A C type in the adapters' vocabulary. */
export type CType = "void" | "i32" | "u32" | "size" | "ssize" | "buf" | "ptr";

/** One C function: its argument types, its result type, and where it exists. */
export interface SymbolSpec {
  /** Argument types, in order. */
  readonly args: readonly CType[];
  /** Result type. */
  readonly ret: CType;
  /** Bound only on this operating system (`"linux"` or `"darwin"`); absent elsewhere. */
  readonly os?: "linux" | "darwin";
  /** Not every C library has it (old glibc, musl): bound when present, else `undefined`. */
  readonly optional?: true;
  /**
   * Also bound, where the runtime can (Deno), as `<name>_nb`: the same call
   * run on a thread of the runtime's pool, returning a Promise. The default
   * binding stays the fast synchronous one. Never read `errno` after an
   * `_nb` call: it ran on another thread.
   */
  readonly nonblocking?: true;
}

/** The table of every symbol, by its C name, with the C prototype beside it. */
export const SYMBOLS = {
  // errno is thread-local: these return the calling thread's `int *errno`.
  __errno_location: { args: [], ret: "ptr", os: "linux" }, // int *__errno_location(void)
  __error: { args: [], ret: "ptr", os: "darwin" }, // int *__error(void)
  strerror: { args: ["i32"], ret: "ptr" }, // char *strerror(int)

  // Sockets: sys/socket.h
  socket: { args: ["i32", "i32", "i32"], ret: "i32" }, // int socket(int, int, int)
  socketpair: { args: ["i32", "i32", "i32", "buf"], ret: "i32" }, // int socketpair(int, int, int, int[2])
  bind: { args: ["i32", "buf", "u32"], ret: "i32" }, // int bind(int, const struct sockaddr *, socklen_t)
  connect: { args: ["i32", "buf", "u32"], ret: "i32" }, // int connect(int, const struct sockaddr *, socklen_t)
  listen: { args: ["i32", "i32"], ret: "i32" }, // int listen(int, int)
  accept: { args: ["i32", "buf", "buf"], ret: "i32" }, // int accept(int, struct sockaddr *, socklen_t *)
  accept4: { args: ["i32", "buf", "buf", "i32"], ret: "i32", os: "linux" }, // int accept4(int, struct sockaddr *, socklen_t *, int)
  getsockname: { args: ["i32", "buf", "buf"], ret: "i32" }, // int getsockname(int, struct sockaddr *, socklen_t *)
  getpeername: { args: ["i32", "buf", "buf"], ret: "i32" }, // int getpeername(int, struct sockaddr *, socklen_t *)
  getsockopt: { args: ["i32", "i32", "i32", "buf", "buf"], ret: "i32" }, // int getsockopt(int, int, int, void *, socklen_t *)
  setsockopt: { args: ["i32", "i32", "i32", "buf", "u32"], ret: "i32" }, // int setsockopt(int, int, int, const void *, socklen_t)
  recv: { args: ["i32", "buf", "size", "i32"], ret: "ssize" }, // ssize_t recv(int, void *, size_t, int)
  recvfrom: { args: ["i32", "buf", "size", "i32", "buf", "buf"], ret: "ssize" }, // ssize_t recvfrom(int, void *, size_t, int, struct sockaddr *, socklen_t *)
  recvmsg: { args: ["i32", "buf", "i32"], ret: "ssize" }, // ssize_t recvmsg(int, struct msghdr *, int)
  send: { args: ["i32", "buf", "size", "i32"], ret: "ssize" }, // ssize_t send(int, const void *, size_t, int)
  sendto: { args: ["i32", "buf", "size", "i32", "buf", "u32"], ret: "ssize" }, // ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t)
  sendmsg: { args: ["i32", "buf", "i32"], ret: "ssize" }, // ssize_t sendmsg(int, const struct msghdr *, int)
  shutdown: { args: ["i32", "i32"], ret: "i32" }, // int shutdown(int, int)

  // Descriptors: unistd.h, fcntl.h, poll.h, sys/ioctl.h
  close: { args: ["i32"], ret: "i32" }, // int close(int)
  dup: { args: ["i32"], ret: "i32" }, // int dup(int)
  // int fcntl(int, int, ...) and int ioctl(int, unsigned long, ...) are
  // variadic: see VARIADIC below.
  fcntl: { args: ["i32", "i32", "i32"], ret: "i32" },
  ioctl: { args: ["i32", "size", "buf"], ret: "i32" },
  poll: { args: ["buf", "size", "i32"], ret: "i32" }, // int poll(struct pollfd *, nfds_t, int)
  read: { args: ["i32", "buf", "size"], ret: "ssize" }, // ssize_t read(int, void *, size_t)
  write: { args: ["i32", "buf", "size"], ret: "ssize" }, // ssize_t write(int, const void *, size_t)
  pread: { args: ["i32", "buf", "size", "ssize"], ret: "ssize" }, // ssize_t pread(int, void *, size_t, off_t)
  lseek: { args: ["i32", "ssize", "i32"], ret: "ssize" }, // off_t lseek(int, off_t, int)
  pipe: { args: ["buf"], ret: "i32" }, // int pipe(int[2])
  unlink: { args: ["buf"], ret: "i32" }, // int unlink(const char *)
  sendfile: { args: ["i32", "i32", "buf", "size"], ret: "ssize", os: "linux" }, // ssize_t sendfile(int, int, off_t *, size_t)

  // Processes and limits
  getpid: { args: [], ret: "i32" }, // pid_t getpid(void)
  kill: { args: ["i32", "i32"], ret: "i32" }, // int kill(pid_t, int)
  getrlimit: { args: ["i32", "buf"], ret: "i32" }, // int getrlimit(int, struct rlimit *)
  setrlimit: { args: ["i32", "buf"], ret: "i32" }, // int setrlimit(int, const struct rlimit *)

  // Readiness: sys/epoll.h, sys/eventfd.h (Linux), sys/event.h (macOS)
  epoll_create1: { args: ["i32"], ret: "i32", os: "linux" }, // int epoll_create1(int)
  epoll_ctl: { args: ["i32", "i32", "i32", "buf"], ret: "i32", os: "linux" }, // int epoll_ctl(int, int, int, struct epoll_event *)
  epoll_wait: { args: ["i32", "buf", "i32", "i32"], ret: "i32", os: "linux", nonblocking: true }, // int epoll_wait(int, struct epoll_event *, int, int)
  eventfd: { args: ["u32", "i32"], ret: "i32", os: "linux" }, // int eventfd(unsigned, int)
  kqueue: { args: [], ret: "i32", os: "darwin" }, // int kqueue(void)
  kevent: { args: ["i32", "buf", "i32", "buf", "i32", "buf"], ret: "i32", os: "darwin", nonblocking: true }, // int kevent(int, const struct kevent *, int, struct kevent *, int, const struct timespec *)

  // Names: netdb.h, net/if.h, arpa/inet.h, unistd.h
  getaddrinfo: { args: ["buf", "buf", "buf", "buf"], ret: "i32", nonblocking: true }, // int getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **)
  freeaddrinfo: { args: ["ptr"], ret: "void" }, // void freeaddrinfo(struct addrinfo *)
  gai_strerror: { args: ["i32"], ret: "ptr" }, // const char *gai_strerror(int)
  getnameinfo: { args: ["buf", "u32", "buf", "u32", "buf", "u32", "i32"], ret: "i32" }, // int getnameinfo(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int)
  gethostname: { args: ["buf", "size"], ret: "i32" }, // int gethostname(char *, size_t)
  sethostname: { args: ["buf", "size"], ret: "i32" }, // int sethostname(const char *, size_t)
  // int gethostbyname2_r(const char *, int, struct hostent *, char *, size_t, struct hostent **, int *)
  gethostbyname2_r: {
    args: ["buf", "i32", "buf", "buf", "size", "buf", "buf"],
    ret: "i32",
    os: "linux",
    optional: true,
  },
  // int gethostbyaddr_r(const void *, socklen_t, int, struct hostent *, char *, size_t, struct hostent **, int *)
  gethostbyaddr_r: {
    args: ["buf", "u32", "i32", "buf", "buf", "size", "buf", "buf"],
    ret: "i32",
    os: "linux",
    optional: true,
  },
  gethostbyname2: { args: ["buf", "i32"], ret: "ptr" }, // struct hostent *gethostbyname2(const char *, int)
  gethostbyaddr: { args: ["buf", "u32", "i32"], ret: "ptr" }, // struct hostent *gethostbyaddr(const void *, socklen_t, int)
  hstrerror: { args: ["i32"], ret: "ptr" }, // const char *hstrerror(int)
  // int getprotobyname_r(const char *, struct protoent *, char *, size_t, struct protoent **)
  getprotobyname_r: { args: ["buf", "buf", "buf", "size", "buf"], ret: "i32", os: "linux", optional: true },
  getprotobyname: { args: ["buf"], ret: "ptr" }, // struct protoent *getprotobyname(const char *)
  // int getservbyname_r(const char *, const char *, struct servent *, char *, size_t, struct servent **)
  getservbyname_r: { args: ["buf", "buf", "buf", "buf", "size", "buf"], ret: "i32", os: "linux", optional: true },
  // int getservbyport_r(int, const char *, struct servent *, char *, size_t, struct servent **)
  getservbyport_r: { args: ["i32", "buf", "buf", "buf", "size", "buf"], ret: "i32", os: "linux", optional: true },
  getservbyname: { args: ["buf", "buf"], ret: "ptr" }, // struct servent *getservbyname(const char *, const char *)
  getservbyport: { args: ["i32", "buf"], ret: "ptr" }, // struct servent *getservbyport(int, const char *)
  if_nametoindex: { args: ["buf"], ret: "u32" }, // unsigned if_nametoindex(const char *)
  if_indextoname: { args: ["u32", "buf"], ret: "ptr" }, // char *if_indextoname(unsigned, char *)
  if_nameindex: { args: [], ret: "ptr" }, // struct if_nameindex *if_nameindex(void)
  if_freenameindex: { args: ["ptr"], ret: "void" }, // void if_freenameindex(struct if_nameindex *)
  inet_pton: { args: ["i32", "buf", "buf"], ret: "i32" }, // int inet_pton(int, const char *, void *)
  inet_ntop: { args: ["i32", "buf", "buf", "u32"], ret: "ptr" }, // const char *inet_ntop(int, const void *, char *, socklen_t)
  inet_aton: { args: ["buf", "buf"], ret: "i32" }, // int inet_aton(const char *, struct in_addr *)

  // Batched datagrams (Linux; glibc >= 2.10/2.14, musl): lib/mmsg.ts loops over sendmsg/recvmsg where absent.
  sendmmsg: { args: ["i32", "buf", "u32", "i32"], ret: "i32", os: "linux", optional: true }, // int sendmmsg(int, struct mmsghdr *, unsigned int, int)
  recvmmsg: { args: ["i32", "buf", "u32", "i32", "buf"], ret: "i32", os: "linux", optional: true }, // int recvmmsg(int, struct mmsghdr *, unsigned int, int, struct timespec *)
} as const satisfies Record<string, SymbolSpec>;

/** The names of every declared symbol. */
export type SymbolName = keyof typeof SYMBOLS;

/**
 * Variadic functions, and the index of their first variadic argument. On
 * Apple arm64 the variadic part of a call is passed on the stack, so the
 * adapter there pads the named arguments out to the eight argument
 * registers; elsewhere (x86_64, Linux arm64) variadic arguments travel like
 * named ones.
 */
export const VARIADIC: Readonly<Partial<Record<SymbolName, number>>> = { fcntl: 2, ioctl: 2 };

function padsVariadic(name: SymbolName, os: string, arch: string): number | undefined {
  return os === "darwin" && arch === "aarch64" ? VARIADIC[name] : undefined;
}

/** The declaration to bind for `name` on `os`/`arch`: padded where variadic arguments go on the stack. */
export function declaration(name: SymbolName, spec: SymbolSpec, os: string, arch: string): SymbolSpec {
  const at = padsVariadic(name, os, arch);
  if (at === undefined) return spec;
  const pad = new Array<CType>(8 - at).fill("size");
  return { ...spec, args: [...spec.args.slice(0, at), ...pad, ...spec.args.slice(at)] };
}

/** Wraps the bound `fn` so callers pass the unpadded arguments of the table. */
export function unpadded<F extends (...args: never[]) => unknown>(
  fn: F,
  name: SymbolName,
  os: string,
  arch: string,
): F {
  const at = padsVariadic(name, os, arch);
  if (at === undefined) return fn;
  const pad = new Array(8 - at).fill(0);
  return ((...v: never[]) => fn(...v.slice(0, at) as never[], ...pad as never[], ...v.slice(at))) as F;
}
