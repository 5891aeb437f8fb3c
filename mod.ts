/**
 * CPython's `socket` module for Deno and Bun: BSD sockets through the C
 * library, over FFI, with Python's names, arguments, results and errors.
 *
 * Everything the runtimes' own networking leaves out is here: raw and packet
 * sockets, netlink, Unix datagram and seqpacket sockets, abstract names,
 * descriptor passing, every socket option, multicast, and adopting a
 * descriptor someone else opened. Addresses are Python's tuples as arrays.
 *
 * Under Deno, run with `--allow-ffi` (which, in practice, allows anything:
 * see the README).
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 *
 * using server = socket.create_server(["127.0.0.1", 0]);
 * using client = socket.create_connection(server.getsockname());
 * const [conn] = server.accept();
 * client.sendall(new TextEncoder().encode("hello"));
 * console.assert(new TextDecoder().decode(conn.recv(1024)) === "hello");
 * conn.close();
 * ```
 *
 * @module
 */

// Constants and enums (generated per platform).
export * from "./lib/constants.ts";

// Exceptions.
export {
  BlockingIOError,
  BrokenPipeError,
  ChildProcessError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  error,
  FileExistsError,
  FileNotFoundError,
  gaierror,
  herror,
  InterruptedError,
  IsADirectoryError,
  MemoryError,
  NotADirectoryError,
  OSError,
  OverflowError,
  PermissionError,
  ProcessLookupError,
  timeout,
  TimeoutError,
  ValueError,
} from "./lib/errors.ts";

// The socket object.
export type {
  Address,
  AddressFor,
  AddressIn,
  AddressInOf,
  AddressOf,
  AddressOut,
  AddressOutOf,
  AddressResult,
  AlgAddress,
  AlgAddressResult,
  AnyAddress,
  AnyCanAddress,
  BluetoothAddress,
  BluetoothAddressResult,
  Bytes,
  CanAddress,
  CanAddressResult,
  CanIsotpAddress,
  Family,
  FamilyName,
  HciAddress,
  Inet6Address,
  Inet6AddressResult,
  InetAddress,
  InetAddressResult,
  J1939Address,
  L2capAddress,
  NetlinkAddress,
  NetlinkAddressResult,
  OfFamily,
  OtherAddressResult,
  PacketAddress,
  PacketAddressResult,
  PlainFamily,
  QipcrtrAddress,
  QipcrtrAddressResult,
  RfcommAddress,
  ScoAddress,
  SocketFamily,
  TipcAddress,
  TipcAddressResult,
  UnixAddress,
  UnixAddressResult,
  VsockAddress,
  VsockAddressResult,
} from "./lib/addr/types.ts";
export type { BytesLike } from "./lib/args.ts";
export type { SocketObject } from "./lib/descriptor.ts";
export {
  close,
  fromfd,
  getdefaulttimeout,
  type RecvIntoOptions,
  setdefaulttimeout,
  socket,
  type SocketArgs,
  type SocketConstructor,
  type SocketOptions,
  type SocketOptionsInet,
  type SocketOptionsOf,
  socketpair,
  type SocketpairArgs,
  type SocketpairOptions,
  type SocketpairRest,
  type SocketRest,
  SocketType,
} from "./lib/socket.ts";

// Helpers from Lib/socket.py.
export {
  create_connection,
  create_server,
  type CreateConnectionOptions,
  type CreateServerOptions,
  has_dualstack_ipv6,
} from "./lib/helpers.ts";

// Name services and conversions.
export {
  type AddrInfo,
  getaddrinfo,
  type GetaddrinfoArgs,
  type GetaddrinfoOptions,
  getfqdn,
  gethostbyaddr,
  gethostbyname,
  gethostbyname_ex,
  gethostname,
  getnameinfo,
  getprotobyname,
  getservbyname,
  getservbyport,
  type HostInfo,
  if_indextoname,
  if_nameindex,
  if_nametoindex,
  sethostname,
  UnicodeError,
} from "./lib/netdb.ts";
export { htonl, htons, inet_aton, inet_ntoa, inet_ntop, inet_pton, ntohl, ntohs } from "./lib/convert.ts";

// Ancillary data, files and streams.
export {
  type AncillaryItem,
  CMSG_LEN,
  CMSG_SPACE,
  recv_fds,
  type RecvFdsResult,
  type RecvmsgIntoResult,
  type RecvmsgResult,
  send_fds,
  type SendmsgAfalgOptions,
} from "./lib/msg.ts";
export type { SendfileSource, SyncFile } from "./lib/sendfile.ts";
export {
  type BinaryFile,
  type BinaryMode,
  BufferedIOBase,
  BufferedReader,
  BufferedRWPair,
  BufferedWriter,
  IOBase,
  LookupError,
  type MakefileOptions,
  SocketIO,
  type TextBuffer,
  TextIOWrapper,
  type TextMode,
  UnicodeCodecError,
  UnicodeDecodeError,
  UnicodeEncodeError,
  UnsupportedOperation,
} from "./lib/io/mod.ts";
export {
  readable_stream,
  type ReadableStreamOptions,
  writable_stream,
  type WritableStreamOptions,
} from "./lib/streams.ts";

// Without blocking the event loop.
export {
  type AsyncFile,
  type AsyncSendfileSource,
  getaddrinfo_async,
  type GetaddrinfoAsyncOptions,
  sock_accept,
  sock_connect,
  sock_recv,
  sock_recv_into,
  sock_recvfrom,
  sock_recvfrom_into,
  sock_sendall,
  sock_sendfile,
  sock_sendto,
  type SockOptions,
} from "./lib/async.ts";
export { sock_recv_fds, sock_recvmsg, sock_recvmsg_into, sock_send_fds, sock_sendmsg } from "./lib/async_msg.ts";

// Beyond CPython: decoded kernel structures, ancillary items, socket activation, batched datagrams.
export { peercred, tcp_info, type TcpInfo } from "./lib/tcp_info.ts";
export {
  type AncillaryInput,
  type AncillaryValue,
  type Credentials,
  decode_ancdata,
  type DecodedAncillaryItem,
  encode_ancdata,
  type ExtendedErr,
  type In6Pktinfo,
  type InPktinfo,
  type Timespec,
  type Timeval,
} from "./lib/ancdata.ts";
export { listen_fds, listen_fds_with_names, sd_notify } from "./lib/systemd.ts";
export {
  type MmsgOptions,
  type OutgoingMessage,
  sock_recvmmsg,
  sock_recvmmsg_into,
  sock_sendmmsg,
} from "./lib/mmsg.ts";
