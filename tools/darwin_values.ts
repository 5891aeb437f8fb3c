/**
 * The macOS numbers, kept by hand because no macOS compiler runs here.
 * `tools/gen.ts` turns this file into `ffi/gen/darwin_x86_64.ts` and
 * `ffi/gen/darwin_aarch64.ts` (both Macs are LP64 with the same headers, so
 * the two files are the same).
 *
 * Sources: the headers of xnu-11417 (apple-oss-distributions/xnu `bsd/sys/
 * socket.h`, `un.h`, `errno.h`, `fcntl.h`, `filio.h`, `sockio.h`, `poll.h`,
 * `event.h`, `signal.h`, `resource.h`, `time.h`, `ucred.h`, `vsock.h`,
 * `sys_domain.h`, `kern_control.h`, `bsd/netinet/in.h`, `tcp.h`,
 * `bsd/netinet6/in6.h`, `bsd/net/if.h`) and Libinfo's `netdb.h`, read with
 * the macros CPython's build sets (`_DARWIN_C_SOURCE`, `__APPLE_USE_RFC_3542`,
 * no `_POSIX_C_SOURCE`, not `KERNEL`/`PRIVATE`). The values were
 * cross-checked against golang/sys `unix/zerrors_darwin_arm64.go` and
 * rust-lang/libc `src/unix/bsd/apple/mod.rs`, which are generated from or
 * tested against the SDK.
 *
 * CONSTANTS holds exactly the names CPython's socket module defines on macOS:
 * the `#ifdef`s of `socket_exec()` in Modules/socketmodule.c evaluated
 * against those headers, plus its unconditional fallbacks (SOL_IP, SOL_TCP,
 * SOL_UDP) and the AF_VSOCK block, whose values CPython writes as literals.
 * Struct layouts are computed by `tools/gen.ts` from the declarations in
 * STRUCTS, transcribed field by field from the same headers.
 *
 * @module
 */

/** A C struct or union, transcribed from a header, for `tools/gen.ts` to lay out. */
export interface StructDecl {
  /** The tag (`sockaddr_in`) or typedef name (`sigset_t`), as C spells it. */
  name: string;
  /**
   * Members in order, as `[name, type]`. A type is a key of PRIMITIVES or the
   * name of an earlier declaration (optionally written `struct x`/`union x`),
   * with an optional `[n]` array suffix. Members whose name starts with `_`
   * are laid out but not emitted.
   */
  fields: ReadonlyArray<readonly [string, string]>;
  /** A union: every member at offset 0. */
  union?: boolean;
  /** `__attribute__((packed))`: no padding, alignment 1. */
  packed?: boolean;
  /** Names C gives nested members by macro: `{ ifr_flags: "ifr_ifru.ifru_flags" }`. */
  aliases?: Readonly<Record<string, string>>;
  /** A helper type only: emit nothing for it. */
  internal?: boolean;
}

/** Sizes and alignments of the C types the declarations use, on both Macs (LP64). */
const PRIMITIVES: Readonly<Record<string, readonly [number, number]>> = {
  char: [1, 1],
  u_char: [1, 1],
  __uint8_t: [1, 1],
  uint8_t: [1, 1],
  u_int8_t: [1, 1],
  sa_family_t: [1, 1], // __uint8_t
  short: [2, 2],
  int16_t: [2, 2],
  uint16_t: [2, 2],
  __uint16_t: [2, 2],
  u_int16_t: [2, 2],
  in_port_t: [2, 2], // __uint16_t
  int: [4, 4],
  "unsigned int": [4, 4],
  u_int: [4, 4],
  __int32_t: [4, 4],
  __uint32_t: [4, 4],
  uint32_t: [4, 4],
  u_int32_t: [4, 4],
  socklen_t: [4, 4], // __uint32_t
  in_addr_t: [4, 4], // __uint32_t
  uid_t: [4, 4],
  gid_t: [4, 4],
  __darwin_suseconds_t: [4, 4], // __int32_t
  long: [8, 8],
  __int64_t: [8, 8],
  __darwin_time_t: [8, 8], // long
  rlim_t: [8, 8], // __uint64_t
  size_t: [8, 8],
  uintptr_t: [8, 8],
  intptr_t: [8, 8],
  "void *": [8, 8],
  "char *": [8, 8],
  "char **": [8, 8],
  caddr_t: [8, 8], // char *
};

/** The macOS tables, read by `tools/gen.ts`. */
export const DARWIN: {
  CONSTANTS: Readonly<Record<string, number>>;
  SYS: Readonly<Record<string, number>>;
  PRIMITIVES: Readonly<Record<string, readonly [number, number]>>;
  STRUCTS: readonly StructDecl[];
  LAYOUT_HEAD: Readonly<Record<string, number>>;
  LAYOUT_TAIL: Readonly<Record<string, number>>;
} = {
  CONSTANTS: {
    // <sys/socket.h> address families (AF_LOCAL and the AF_* CPython does
    // not list are left out)
    AF_UNSPEC: 0,
    AF_INET: 2,
    AF_UNIX: 1,
    AF_IPX: 23,
    AF_APPLETALK: 16,
    AF_INET6: 30,
    AF_DECnet: 12,
    AF_VSOCK: 40,
    AF_ROUTE: 17,
    AF_LINK: 18,
    AF_SNA: 11,
    PF_SYSTEM: 32,
    AF_SYSTEM: 32,

    // The AF_VSOCK block of socket_exec(): literals, and _IO(7, 0xb9) with
    // <sys/ioccom.h>'s _IO (IOC_VOID | 7 << 8 | 0xb9). <sys/vsock.h> has its
    // own IOCTL_VM_SOCKETS_GET_LOCAL_CID (_IOR('s', 209, uint32_t)); CPython
    // does not use it.
    SO_VM_SOCKETS_BUFFER_SIZE: 0,
    SO_VM_SOCKETS_BUFFER_MIN_SIZE: 1,
    SO_VM_SOCKETS_BUFFER_MAX_SIZE: 2,
    VMADDR_CID_ANY: 0xffffffff,
    VMADDR_PORT_ANY: 0xffffffff,
    VMADDR_CID_LOCAL: 1,
    VMADDR_CID_HOST: 2,
    VM_SOCKETS_INVALID_VERSION: 0xffffffff,
    IOCTL_VM_SOCKETS_GET_LOCAL_CID: 0x200007b9,

    // <sys/socket.h> socket types
    SOCK_STREAM: 1,
    SOCK_DGRAM: 2,
    SOCK_RAW: 3,
    SOCK_SEQPACKET: 5,
    SOCK_RDM: 4,

    // <sys/socket.h> SOL_SOCKET options (SO_LINGER is 0x80 without
    // _POSIX_C_SOURCE), <sys/un.h> LOCAL_PEERCRED
    SO_DEBUG: 0x0001,
    SO_ACCEPTCONN: 0x0002,
    SO_REUSEADDR: 0x0004,
    SO_KEEPALIVE: 0x0008,
    SO_DONTROUTE: 0x0010,
    SO_BROADCAST: 0x0020,
    SO_USELOOPBACK: 0x0040,
    SO_LINGER: 0x0080,
    SO_OOBINLINE: 0x0100,
    SO_REUSEPORT: 0x0200,
    SO_SNDBUF: 0x1001,
    SO_RCVBUF: 0x1002,
    SO_SNDLOWAT: 0x1003,
    SO_RCVLOWAT: 0x1004,
    SO_SNDTIMEO: 0x1005,
    SO_RCVTIMEO: 0x1006,
    SO_ERROR: 0x1007,
    SO_TYPE: 0x1008,
    LOCAL_PEERCRED: 0x001,
    SO_BINDTODEVICE: 0x1134, // macOS 14 SDK and later
    SOMAXCONN: 128,

    // ancillary data
    SCM_RIGHTS: 0x01,
    SCM_CREDS: 0x03,

    // send/recv flags
    MSG_OOB: 0x1,
    MSG_PEEK: 0x2,
    MSG_DONTROUTE: 0x4,
    MSG_DONTWAIT: 0x80,
    MSG_EOR: 0x8,
    MSG_TRUNC: 0x10,
    MSG_CTRUNC: 0x20,
    MSG_WAITALL: 0x40,
    MSG_NOSIGNAL: 0x80000,
    MSG_EOF: 0x100,

    // levels: SOL_IP, SOL_TCP and SOL_UDP are socketmodule.c's fallbacks
    SOL_SOCKET: 0xffff,
    SOL_IP: 0,
    SOL_TCP: 6,
    SOL_UDP: 17,

    // <netinet/in.h> protocols
    IPPROTO_IP: 0,
    IPPROTO_HOPOPTS: 0,
    IPPROTO_ICMP: 1,
    IPPROTO_IGMP: 2,
    IPPROTO_GGP: 3,
    IPPROTO_IPV4: 4,
    IPPROTO_IPV6: 41,
    IPPROTO_IPIP: 4,
    IPPROTO_TCP: 6,
    IPPROTO_EGP: 8,
    IPPROTO_PUP: 12,
    IPPROTO_UDP: 17,
    IPPROTO_IDP: 22,
    IPPROTO_HELLO: 63,
    IPPROTO_ND: 77,
    IPPROTO_TP: 29,
    IPPROTO_ROUTING: 43,
    IPPROTO_FRAGMENT: 44,
    IPPROTO_RSVP: 46,
    IPPROTO_GRE: 47,
    IPPROTO_ESP: 50,
    IPPROTO_AH: 51,
    IPPROTO_ICMPV6: 58,
    IPPROTO_NONE: 59,
    IPPROTO_DSTOPTS: 60,
    IPPROTO_XTP: 36,
    IPPROTO_EON: 80,
    IPPROTO_PIM: 103,
    IPPROTO_IPCOMP: 108,
    IPPROTO_SCTP: 132,
    IPPROTO_RAW: 255,
    IPPROTO_MAX: 256,
    // <sys/sys_domain.h>
    SYSPROTO_CONTROL: 2,

    // <netinet/in.h> ports and addresses
    IPPORT_RESERVED: 1024,
    IPPORT_USERRESERVED: 5000,
    INADDR_ANY: 0x00000000,
    INADDR_BROADCAST: 0xffffffff,
    INADDR_LOOPBACK: 0x7f000001,
    INADDR_UNSPEC_GROUP: 0xe0000000,
    INADDR_ALLHOSTS_GROUP: 0xe0000001,
    INADDR_MAX_LOCAL_GROUP: 0xe00000ff,
    INADDR_NONE: 0xffffffff,

    // <netinet/in.h> IPPROTO_IP options
    IP_OPTIONS: 1,
    IP_HDRINCL: 2,
    IP_TOS: 3,
    IP_TTL: 4,
    IP_RECVOPTS: 5,
    IP_RECVRETOPTS: 6,
    IP_RECVTOS: 27,
    IP_RECVTTL: 24,
    IP_RECVDSTADDR: 7,
    IP_RETOPTS: 8,
    IP_MULTICAST_IF: 9,
    IP_MULTICAST_TTL: 10,
    IP_MULTICAST_LOOP: 11,
    IP_ADD_MEMBERSHIP: 12,
    IP_DROP_MEMBERSHIP: 13,
    IP_DEFAULT_MULTICAST_TTL: 1,
    IP_DEFAULT_MULTICAST_LOOP: 1,
    IP_MAX_MEMBERSHIPS: 4095,
    IP_PKTINFO: 26,
    IP_UNBLOCK_SOURCE: 73,
    IP_BLOCK_SOURCE: 72,
    IP_ADD_SOURCE_MEMBERSHIP: 70,
    IP_DROP_SOURCE_MEMBERSHIP: 71,

    // <netinet6/in6.h> IPPROTO_IPV6 options (RFC 3542 names)
    IPV6_JOIN_GROUP: 12,
    IPV6_LEAVE_GROUP: 13,
    IPV6_MULTICAST_HOPS: 10,
    IPV6_MULTICAST_IF: 9,
    IPV6_MULTICAST_LOOP: 11,
    IPV6_UNICAST_HOPS: 4,
    IPV6_V6ONLY: 27,
    IPV6_CHECKSUM: 26,
    IPV6_DONTFRAG: 62,
    IPV6_DSTOPTS: 50,
    IPV6_HOPLIMIT: 47,
    IPV6_HOPOPTS: 49,
    IPV6_NEXTHOP: 48,
    IPV6_PATHMTU: 44,
    IPV6_PKTINFO: 46,
    IPV6_RECVDSTOPTS: 40,
    IPV6_RECVHOPLIMIT: 37,
    IPV6_RECVHOPOPTS: 39,
    IPV6_RECVPKTINFO: 61,
    IPV6_RECVRTHDR: 38,
    IPV6_RECVTCLASS: 35,
    IPV6_RTHDR: 51,
    IPV6_RTHDRDSTOPTS: 57,
    IPV6_RTHDR_TYPE_0: 0,
    IPV6_RECVPATHMTU: 43,
    IPV6_TCLASS: 36,
    IPV6_USE_MIN_MTU: 42,

    // <netinet/tcp.h>
    TCP_NODELAY: 0x01,
    TCP_MAXSEG: 0x02,
    TCP_KEEPALIVE: 0x10,
    TCP_KEEPINTVL: 0x101,
    TCP_KEEPCNT: 0x102,
    TCP_FASTOPEN: 0x105,
    TCP_CONNECTION_INFO: 0x106,
    TCP_NOTSENT_LOWAT: 0x201,

    // Libinfo <netdb.h>
    EAI_ADDRFAMILY: 1,
    EAI_AGAIN: 2,
    EAI_BADFLAGS: 3,
    EAI_FAIL: 4,
    EAI_FAMILY: 5,
    EAI_MEMORY: 6,
    EAI_NODATA: 7,
    EAI_NONAME: 8,
    EAI_OVERFLOW: 14,
    EAI_SERVICE: 9,
    EAI_SOCKTYPE: 10,
    EAI_SYSTEM: 11,
    EAI_BADHINTS: 12,
    EAI_PROTOCOL: 13,
    EAI_MAX: 15,
    AI_PASSIVE: 0x00000001,
    AI_CANONNAME: 0x00000002,
    AI_NUMERICHOST: 0x00000004,
    AI_NUMERICSERV: 0x00001000,
    AI_MASK: 0x00001407, // PASSIVE | CANONNAME | NUMERICHOST | NUMERICSERV | ADDRCONFIG
    AI_ALL: 0x00000100,
    AI_V4MAPPED_CFG: 0x00000200,
    AI_ADDRCONFIG: 0x00000400,
    AI_V4MAPPED: 0x00000800,
    AI_DEFAULT: 0x00000600, // V4MAPPED_CFG | ADDRCONFIG
    NI_MAXHOST: 1025,
    NI_MAXSERV: 32,
    NI_NOFQDN: 0x00000001,
    NI_NUMERICHOST: 0x00000002,
    NI_NAMEREQD: 0x00000004,
    NI_NUMERICSERV: 0x00000008,
    NI_DGRAM: 0x00000010,

    // <sys/socket.h> shutdown()
    SHUT_RD: 0,
    SHUT_WR: 1,
    SHUT_RDWR: 2,

    // <sys/errno.h>, re-exported by Lib/socket.py
    EBADF: 9,
    EAGAIN: 35,
    EWOULDBLOCK: 35,
  },

  SYS: {
    // <sys/errno.h> (with __DARWIN_UNIX03, EOPNOTSUPP is 102, not ENOTSUP)
    EPERM: 1,
    ENOENT: 2,
    ESRCH: 3,
    EINTR: 4,
    EIO: 5,
    ENXIO: 6,
    E2BIG: 7,
    ENOEXEC: 8,
    EBADF: 9,
    ECHILD: 10,
    EAGAIN: 35,
    EWOULDBLOCK: 35,
    ENOMEM: 12,
    EACCES: 13,
    EFAULT: 14,
    ENOTBLK: 15,
    EBUSY: 16,
    EEXIST: 17,
    EXDEV: 18,
    ENODEV: 19,
    ENOTDIR: 20,
    EISDIR: 21,
    EINVAL: 22,
    ENFILE: 23,
    EMFILE: 24,
    ENOTTY: 25,
    ETXTBSY: 26,
    EFBIG: 27,
    ENOSPC: 28,
    ESPIPE: 29,
    EROFS: 30,
    EMLINK: 31,
    EPIPE: 32,
    EDOM: 33,
    ERANGE: 34,
    EDEADLK: 11,
    ENAMETOOLONG: 63,
    ENOLCK: 77,
    ENOSYS: 78,
    ENOTEMPTY: 66,
    ELOOP: 62,
    ENOMSG: 91,
    EIDRM: 90,
    ENOSTR: 99,
    ENODATA: 96,
    ETIME: 101,
    ENOSR: 98,
    EREMOTE: 71,
    ENOLINK: 97,
    EPROTO: 100,
    EMULTIHOP: 95,
    EBADMSG: 94,
    EOVERFLOW: 84,
    EILSEQ: 92,
    EUSERS: 68,
    ENOTSOCK: 38,
    EDESTADDRREQ: 39,
    EMSGSIZE: 40,
    EPROTOTYPE: 41,
    ENOPROTOOPT: 42,
    EPROTONOSUPPORT: 43,
    ESOCKTNOSUPPORT: 44,
    EOPNOTSUPP: 102,
    ENOTSUP: 45,
    EPFNOSUPPORT: 46,
    EAFNOSUPPORT: 47,
    EADDRINUSE: 48,
    EADDRNOTAVAIL: 49,
    ENETDOWN: 50,
    ENETUNREACH: 51,
    ENETRESET: 52,
    ECONNABORTED: 53,
    ECONNRESET: 54,
    ENOBUFS: 55,
    EISCONN: 56,
    ENOTCONN: 57,
    ESHUTDOWN: 58,
    ETOOMANYREFS: 59,
    ETIMEDOUT: 60,
    ECONNREFUSED: 61,
    EHOSTDOWN: 64,
    EHOSTUNREACH: 65,
    EALREADY: 37,
    EINPROGRESS: 36,
    ESTALE: 70,
    EDQUOT: 69,
    ECANCELED: 89,
    EOWNERDEAD: 105,
    ENOTRECOVERABLE: 104,
    EPROCLIM: 67,
    EBADRPC: 72,
    ERPCMISMATCH: 73,
    EPROGUNAVAIL: 74,
    EPROGMISMATCH: 75,
    EPROCUNAVAIL: 76,
    EFTYPE: 79,
    EAUTH: 80,
    ENEEDAUTH: 81,
    EPWROFF: 82,
    EDEVERR: 83,
    EBADEXEC: 85,
    EBADARCH: 86,
    ESHLIBVERS: 87,
    EBADMACHO: 88,
    ENOATTR: 93,
    ENOPOLICY: 103,
    EQFULL: 106,

    // <sys/fcntl.h>
    F_GETFL: 3,
    F_SETFL: 4,
    F_GETFD: 1,
    F_SETFD: 2,
    F_DUPFD: 0,
    F_DUPFD_CLOEXEC: 67,
    FD_CLOEXEC: 1,
    O_NONBLOCK: 0x00000004,
    O_RDONLY: 0x0000,
    O_WRONLY: 0x0001,
    O_RDWR: 0x0002,
    O_CREAT: 0x00000200,
    O_TRUNC: 0x00000400,
    O_APPEND: 0x00000008,
    O_EXCL: 0x00000800,
    O_CLOEXEC: 0x01000000,
    O_NOCTTY: 0x00020000,

    // <sys/filio.h>, <sys/sockio.h> (_IOW('f', 126, int) and so on)
    FIONBIO: 0x8004667e,
    FIONREAD: 0x4004667f,
    SIOCGIFFLAGS: 0xc0206911,
    SIOCGIFCONF: 0xc00c6924,
    SIOCATMARK: 0x40047307,

    // <sys/poll.h>
    POLLIN: 0x0001,
    POLLPRI: 0x0002,
    POLLOUT: 0x0004,
    POLLERR: 0x0008,
    POLLHUP: 0x0010,
    POLLNVAL: 0x0020,
    POLLRDNORM: 0x0040,
    POLLWRNORM: 0x0004,

    // <sys/resource.h>, <sys/signal.h>
    RLIMIT_NOFILE: 8,
    SIGPIPE: 13,
    SIGINT: 2,
    SIGUSR1: 30,
    SIGUSR2: 31,
    SIGALRM: 14,
    SIGTERM: 15,
    SIGCHLD: 20,
    SIG_BLOCK: 1,
    SIG_UNBLOCK: 2,
    SIG_SETMASK: 3,

    // <net/if.h>, <netdb.h>, <netinet/in.h>, <netinet6/in6.h>, <sys/param.h>
    IFNAMSIZ: 16,
    IF_NAMESIZE: 16,
    NI_MAXHOST: 1025,
    NI_MAXSERV: 32,
    INET_ADDRSTRLEN: 16,
    INET6_ADDRSTRLEN: 46,
    MAXHOSTNAMELEN: 256,

    // <unistd.h>, <time.h>
    SEEK_SET: 0,
    SEEK_CUR: 1,
    SEEK_END: 2,
    CLOCK_REALTIME: 0,
    CLOCK_MONOTONIC: 6,

    // <sys/socket.h> extras the implementation uses on macOS
    SOCK_MAXADDRLEN: 255,
    SCM_TIMESTAMP: 0x02,
    SO_NOSIGPIPE: 0x1022,
    SO_NREAD: 0x1020,
    SO_NWRITE: 0x1024,

    // <sys/un.h>, <sys/sys_domain.h>, <sys/kern_control.h>: AF_SYSTEM
    // control sockets (CTLIOCGINFO is _IOWR('N', 3, struct ctl_info))
    SOL_LOCAL: 0,
    AF_SYS_CONTROL: 2,
    CTLIOCGINFO: 0xc0644e03,
    MAX_KCTL_NAME: 96,

    // <sys/event.h>: kqueue, macOS's readiness API (no epoll, no eventfd)
    EVFILT_READ: -1,
    EVFILT_WRITE: -2,
    EV_ADD: 0x0001,
    EV_DELETE: 0x0002,
    EV_ENABLE: 0x0004,
    EV_DISABLE: 0x0008,
    EV_ONESHOT: 0x0010,
    EV_CLEAR: 0x0020,
    EV_EOF: 0x8000,
    EV_ERROR: 0x4000,
  },

  PRIMITIVES,

  STRUCTS: [
    // <sys/socket.h>
    {
      name: "sockaddr",
      fields: [["sa_len", "__uint8_t"], ["sa_family", "sa_family_t"], ["sa_data", "char[14]"]],
    },
    {
      name: "sockaddr_storage",
      fields: [
        ["ss_len", "__uint8_t"],
        ["ss_family", "sa_family_t"],
        ["__ss_pad1", "char[6]"], // _SS_ALIGNSIZE - 2
        ["__ss_align", "__int64_t"],
        ["__ss_pad2", "char[112]"], // _SS_MAXSIZE - 16
      ],
    },
    // <netinet/in.h>
    { name: "in_addr", fields: [["s_addr", "in_addr_t"]] },
    {
      name: "sockaddr_in",
      fields: [
        ["sin_len", "__uint8_t"],
        ["sin_family", "sa_family_t"],
        ["sin_port", "in_port_t"],
        ["sin_addr", "struct in_addr"],
        ["sin_zero", "char[8]"],
      ],
    },
    // <netinet6/in6.h>
    {
      name: "in6_addr_u",
      union: true,
      internal: true,
      fields: [["__u6_addr8", "__uint8_t[16]"], ["__u6_addr16", "__uint16_t[8]"], ["__u6_addr32", "__uint32_t[4]"]],
    },
    {
      name: "in6_addr",
      fields: [["__u6_addr", "union in6_addr_u"]],
      aliases: { s6_addr: "__u6_addr.__u6_addr8" },
    },
    {
      name: "sockaddr_in6",
      fields: [
        ["sin6_len", "__uint8_t"],
        ["sin6_family", "sa_family_t"],
        ["sin6_port", "in_port_t"],
        ["sin6_flowinfo", "__uint32_t"],
        ["sin6_addr", "struct in6_addr"],
        ["sin6_scope_id", "__uint32_t"],
      ],
    },
    // <sys/un.h>
    {
      name: "sockaddr_un",
      fields: [["sun_len", "u_char"], ["sun_family", "sa_family_t"], ["sun_path", "char[104]"]],
    },
    // <sys/vsock.h>: packed, 12 bytes (Linux's is 16)
    {
      name: "sockaddr_vm",
      packed: true,
      fields: [
        ["svm_len", "__uint8_t"],
        ["svm_family", "sa_family_t"],
        ["svm_reserved1", "__uint16_t"],
        ["svm_port", "__uint32_t"],
        ["svm_cid", "__uint32_t"],
      ],
    },
    // <sys/kern_control.h>: AF_SYSTEM / SYSPROTO_CONTROL addresses
    {
      name: "sockaddr_ctl",
      fields: [
        ["sc_len", "u_char"],
        ["sc_family", "u_char"],
        ["ss_sysaddr", "u_int16_t"],
        ["sc_id", "u_int32_t"],
        ["sc_unit", "u_int32_t"],
        ["sc_reserved", "u_int32_t[5]"],
      ],
    },
    { name: "ctl_info", fields: [["ctl_id", "u_int32_t"], ["ctl_name", "char[96]"]] },
    // <sys/socket.h>, <sys/_types/_iovec_t.h>
    {
      name: "msghdr",
      fields: [
        ["msg_name", "void *"],
        ["msg_namelen", "socklen_t"],
        ["msg_iov", "void *"],
        ["msg_iovlen", "int"],
        ["msg_control", "void *"],
        ["msg_controllen", "socklen_t"],
        ["msg_flags", "int"],
      ],
    },
    { name: "iovec", fields: [["iov_base", "void *"], ["iov_len", "size_t"]] },
    {
      name: "cmsghdr",
      fields: [["cmsg_len", "socklen_t"], ["cmsg_level", "int"], ["cmsg_type", "int"]],
    },
    // Libinfo <netdb.h>: ai_canonname comes before ai_addr, unlike glibc
    {
      name: "addrinfo",
      fields: [
        ["ai_flags", "int"],
        ["ai_family", "int"],
        ["ai_socktype", "int"],
        ["ai_protocol", "int"],
        ["ai_addrlen", "socklen_t"],
        ["ai_canonname", "char *"],
        ["ai_addr", "void *"],
        ["ai_next", "void *"],
      ],
    },
    {
      name: "hostent",
      fields: [
        ["h_name", "char *"],
        ["h_aliases", "char **"],
        ["h_addrtype", "int"],
        ["h_length", "int"],
        ["h_addr_list", "char **"],
      ],
    },
    {
      name: "servent",
      fields: [["s_name", "char *"], ["s_aliases", "char **"], ["s_port", "int"], ["s_proto", "char *"]],
    },
    {
      name: "protoent",
      fields: [["p_name", "char *"], ["p_aliases", "char **"], ["p_proto", "int"]],
    },
    // <net/if.h>: the ifr_ifru union is 16 bytes, 8-aligned (ifru_kpi holds a pointer)
    { name: "if_nameindex", fields: [["if_index", "unsigned int"], ["if_name", "char *"]] },
    { name: "ifdevmtu", internal: true, fields: [["ifdm_current", "int"], ["ifdm_min", "int"], ["ifdm_max", "int"]] },
    { name: "ifkpi_data", internal: true, union: true, fields: [["ifk_ptr", "void *"], ["ifk_value", "int"]] },
    {
      name: "ifkpi",
      internal: true,
      fields: [["ifk_module_id", "unsigned int"], ["ifk_type", "unsigned int"], ["ifk_data", "union ifkpi_data"]],
    },
    {
      name: "ifreq_ifru",
      internal: true,
      union: true,
      fields: [
        ["ifru_addr", "struct sockaddr"],
        ["ifru_dstaddr", "struct sockaddr"],
        ["ifru_broadaddr", "struct sockaddr"],
        ["ifru_flags", "short"],
        ["ifru_metric", "int"],
        ["ifru_mtu", "int"],
        ["ifru_phys", "int"],
        ["ifru_media", "int"],
        ["ifru_intval", "int"],
        ["ifru_data", "caddr_t"],
        ["ifru_devmtu", "struct ifdevmtu"],
        ["ifru_kpi", "struct ifkpi"],
        ["ifru_wake_flags", "u_int32_t"],
        ["ifru_route_refcnt", "u_int32_t"],
        ["ifru_cap", "int[2]"],
        ["ifru_functional_type", "u_int32_t"],
        ["ifru_peer_egress_functional_type", "u_int32_t"],
        ["ifru_is_directlink", "u_int8_t"],
        ["ifru_is_vpn", "u_int8_t"],
      ],
    },
    {
      name: "ifreq",
      fields: [["ifr_name", "char[16]"], ["_ifr_ifru", "union ifreq_ifru"]],
      aliases: { ifr_flags: "_ifr_ifru.ifru_flags", ifr_addr: "_ifr_ifru.ifru_addr" },
    },
    // <sys/ucred.h>: LOCAL_PEERCRED's result (NGROUPS is 16)
    {
      name: "xucred",
      fields: [["cr_version", "u_int"], ["cr_uid", "uid_t"], ["cr_ngroups", "short"], ["cr_groups", "gid_t[16]"]],
    },
    // <netinet/in.h>, <netinet6/in6.h>
    {
      name: "in_pktinfo",
      fields: [["ipi_ifindex", "unsigned int"], ["ipi_spec_dst", "struct in_addr"], ["ipi_addr", "struct in_addr"]],
    },
    {
      name: "in6_pktinfo",
      fields: [["ipi6_addr", "struct in6_addr"], ["ipi6_ifindex", "unsigned int"]],
    },
    {
      name: "ip_mreq",
      fields: [["imr_multiaddr", "struct in_addr"], ["imr_interface", "struct in_addr"]],
    },
    {
      name: "ip_mreqn",
      fields: [["imr_multiaddr", "struct in_addr"], ["imr_address", "struct in_addr"], ["imr_ifindex", "int"]],
    },
    {
      name: "ipv6_mreq",
      fields: [["ipv6mr_multiaddr", "struct in6_addr"], ["ipv6mr_interface", "unsigned int"]],
    },
    { name: "linger", fields: [["l_onoff", "int"], ["l_linger", "int"]] },
    // <sys/_types/_timeval.h> (tv_usec is 32-bit, then 4 bytes of padding),
    // <sys/_types/_timespec.h>, <sys/poll.h>, <sys/event.h>, <sys/resource.h>
    {
      name: "timeval",
      fields: [["tv_sec", "__darwin_time_t"], ["tv_usec", "__darwin_suseconds_t"]],
    },
    { name: "timespec", fields: [["tv_sec", "__darwin_time_t"], ["tv_nsec", "long"]] },
    { name: "pollfd", fields: [["fd", "int"], ["events", "short"], ["revents", "short"]] },
    {
      name: "kevent",
      fields: [
        ["ident", "uintptr_t"],
        ["filter", "int16_t"],
        ["flags", "uint16_t"],
        ["fflags", "uint32_t"],
        ["data", "intptr_t"],
        ["udata", "void *"],
      ],
    },
    { name: "rlimit", fields: [["rlim_cur", "rlim_t"], ["rlim_max", "rlim_t"]] },
  ],

  LAYOUT_HEAD: {
    SIZEOF_INT: 4,
    SIZEOF_LONG: 8,
    SIZEOF_SHORT: 2,
    SIZEOF_POINTER: 8,
    SIZEOF_SIZE_T: 8,
    SIZEOF_SOCKLEN_T: 4,
    SIZEOF_SA_FAMILY_T: 1,
    SIZEOF_IN_PORT_T: 2,
    SIZEOF_TIME_T: 8,
    SIZEOF_SIGSET_T: 4, // __darwin_sigset_t is a __uint32_t
    SIZEOF_OFF_T: 8, // __darwin_off_t is a __int64_t
    SIZEOF_NFDS_T: 4, // <poll.h>: typedef unsigned int nfds_t
    HOST_LITTLE_ENDIAN: 1, // both Macs, x86_64 and arm64
    HAS_SA_LEN: 1,
  },

  LAYOUT_TAIL: {
    // CMSG_ALIGN() is __DARWIN_ALIGN32: 4-byte units, so CMSG_DATA() is at 12.
    CMSG_ALIGN_UNIT: 4,
    CMSG_DATA_OFFSET: 12,
  },
};
