/**
 * Precise address types, one per family, as the codecs of `lib/addr/` take
 * and return them (API.md, "Addresses"); `tests/types_test.ts` pins what
 * they accept and reject.
 *
 * Two types per family where they differ: what a call takes (`...Address`,
 * readonly, optional fields optional, any bytes-like object where CPython
 * takes bytes) and what a call returns (`...AddressResult`, every field
 * present, as `getsockname()` and `accept()` give it). A result is always
 * assignable to its family's input, so `create_connection(srv.getsockname())`
 * and `const [host, port] = s.getsockname()` check.
 *
 * {@linkcode AddressIn} and {@linkcode AddressOut} map a family's name to its
 * types, for a `SocketType` generic in its family. The family constants carry
 * their name in their type ({@linkcode Family}: `AF_INET` is a
 * `Family<"AF_INET">`, a plain number at run time), so
 * `socket(AF_INET, SOCK_STREAM)` is a `SocketType<"AF_INET">`, whose
 * `connect()` takes an {@linkcode InetAddress} and whose `getsockname()`
 * returns an {@linkcode InetAddressResult}. A socket whose family is a plain
 * `number` (`fromfd`, an enum member, a computed value) is a `SocketType`
 * over every family: it takes any {@linkcode Address} and returns any
 * {@linkcode AddressResult}.
 *
 * @module
 */

/** Bytes as CPython's bytes-like arguments take them. */
export type Bytes = ArrayBuffer | ArrayBufferView;

/** `AF_INET`: `[host, port]`; `""` is INADDR_ANY, `"<broadcast>"` INADDR_BROADCAST, a name is resolved. */
export type InetAddress = readonly [host: string | Bytes, port: number];
/** `AF_INET` as returned: the host in dotted-quad form. */
export type InetAddressResult = [host: string, port: number];

/** `AF_INET6`: `[host, port, flowinfo?, scope_id?]`. */
export type Inet6Address =
  | readonly [host: string | Bytes, port: number]
  | readonly [host: string | Bytes, port: number, flowinfo: number]
  | readonly [host: string | Bytes, port: number, flowinfo: number, scope_id: number];
/** `AF_INET6` as returned: all four fields. */
export type Inet6AddressResult = [host: string, port: number, flowinfo: number, scope_id: number];

/** `AF_UNIX`: a path as text or bytes; a leading NUL makes an abstract name (Linux). */
export type UnixAddress = string | Bytes;
/** `AF_UNIX` as returned: a path as text, an abstract name as bytes, `""` for an unbound socket. */
export type UnixAddressResult = string | Uint8Array;

/** `AF_NETLINK`: `[pid, groups]`. */
export type NetlinkAddress = readonly [pid: number, groups: number];
/** `AF_NETLINK` as returned. */
export type NetlinkAddressResult = [pid: number, groups: number];

/** `AF_PACKET`: `[ifname, proto, pkttype?, hatype?, addr?]`. */
export type PacketAddress =
  | readonly [ifname: string, proto: number]
  | readonly [ifname: string, proto: number, pkttype: number]
  | readonly [ifname: string, proto: number, pkttype: number, hatype: number]
  | readonly [ifname: string, proto: number, pkttype: number, hatype: number, addr: Bytes];
/** `AF_PACKET` as returned: all five fields. */
export type PacketAddressResult = [ifname: string, proto: number, pkttype: number, hatype: number, addr: Uint8Array];

/** `AF_VSOCK`: `[cid, port]`. */
export type VsockAddress = readonly [cid: number, port: number];
/** `AF_VSOCK` as returned. */
export type VsockAddressResult = [cid: number, port: number];

/** `AF_QIPCRTR`: `[node, port]`. */
export type QipcrtrAddress = readonly [node: number, port: number];
/** `AF_QIPCRTR` as returned. */
export type QipcrtrAddressResult = [node: number, port: number];

/** `AF_CAN` with `CAN_RAW` or `CAN_BCM`: `[interface]`. */
export type CanAddress = readonly [iface: string];
/** `AF_CAN` with `CAN_ISOTP`: `[interface, rx_addr, tx_addr]`. */
export type CanIsotpAddress = readonly [iface: string, rx_addr: number, tx_addr: number];
/** `AF_CAN` with `CAN_J1939`: `[interface, name, pgn, addr]`; the 64-bit NAME is a `bigint`. */
export type J1939Address = readonly [iface: string, name: bigint, pgn: number, addr: number];
/** Any `AF_CAN` address; the socket's protocol picks the shape. */
export type AnyCanAddress = CanAddress | CanIsotpAddress | J1939Address;
/** `AF_CAN` as returned. */
export type CanAddressResult =
  | [iface: string]
  | [iface: string, rx_addr: number, tx_addr: number]
  | [iface: string, name: bigint, pgn: number, addr: number];

/** `AF_TIPC`: `[addr_type, v1, v2, v3, scope?]`. */
export type TipcAddress =
  | readonly [addr_type: number, v1: number, v2: number, v3: number]
  | readonly [addr_type: number, v1: number, v2: number, v3: number, scope: number];
/** `AF_TIPC` as returned: all five fields. */
export type TipcAddressResult = [addr_type: number, v1: number, v2: number, v3: number, scope: number];

/** `AF_BLUETOOTH` with `BTPROTO_L2CAP`: `[bdaddr, psm, cid?, bdaddr_type?]`. */
export type L2capAddress =
  | readonly [bdaddr: string, psm: number]
  | readonly [bdaddr: string, psm: number, cid: number]
  | readonly [bdaddr: string, psm: number, cid: number, bdaddr_type: number];
/** `AF_BLUETOOTH` with `BTPROTO_RFCOMM`: `[bdaddr, channel]`. */
export type RfcommAddress = readonly [bdaddr: string, channel: number];
/** `AF_BLUETOOTH` with `BTPROTO_HCI`: `[device_id]` or `[device_id, channel]`. */
export type HciAddress = readonly [device_id: number] | readonly [device_id: number, channel: number];
/** `AF_BLUETOOTH` with `BTPROTO_SCO`: a `bdaddr`, as text or bytes. */
export type ScoAddress = string | Bytes;
/** Any `AF_BLUETOOTH` address; the socket's protocol picks the shape. */
export type BluetoothAddress = L2capAddress | RfcommAddress | HciAddress | ScoAddress;
/** `AF_BLUETOOTH` as returned. */
export type BluetoothAddressResult =
  | [bdaddr: string, psm: number]
  | [bdaddr: string, psm: number, cid: number]
  | [bdaddr: string, psm: number, cid: number, bdaddr_type: number]
  | [bdaddr: string, channel: number]
  | [device_id: number]
  | [device_id: number, channel: number]
  | string;

/** `AF_ALG`: `[type, name, feat?, mask?]`. */
export type AlgAddress =
  | readonly [type: string, name: string]
  | readonly [type: string, name: string, feat: number]
  | readonly [type: string, name: string, feat: number, mask: number];
/** `AF_ALG` as returned: all four fields. */
export type AlgAddressResult = [type: string, name: string, feat: number, mask: number];

/** What each family's calls take, by the family's constant name. */
export interface AddressIn {
  /** `[host, port]`. */
  AF_INET: InetAddress;
  /** `[host, port, flowinfo?, scope_id?]`. */
  AF_INET6: Inet6Address;
  /** A path or an abstract name. */
  AF_UNIX: UnixAddress;
  /** `[pid, groups]`. */
  AF_NETLINK: NetlinkAddress;
  /** `[ifname, proto, pkttype?, hatype?, addr?]`. */
  AF_PACKET: PacketAddress;
  /** `[cid, port]`. */
  AF_VSOCK: VsockAddress;
  /** `[node, port]`. */
  AF_QIPCRTR: QipcrtrAddress;
  /** By protocol: `[interface]`, ISO-TP or J1939. */
  AF_CAN: AnyCanAddress;
  /** `[addr_type, v1, v2, v3, scope?]`. */
  AF_TIPC: TipcAddress;
  /** By protocol: L2CAP, RFCOMM, HCI or SCO. */
  AF_BLUETOOTH: BluetoothAddress;
  /** `[type, name, feat?, mask?]`. */
  AF_ALG: AlgAddress;
  /** `[host, port]`, as `AF_INET`. */
  AF_RDS: InetAddress;
}

/** What each family's calls return (`getsockname()`, `accept()`, `recvfrom()`), by the family's constant name. */
export interface AddressOut {
  /** `[host, port]`. */
  AF_INET: InetAddressResult;
  /** `[host, port, flowinfo, scope_id]`. */
  AF_INET6: Inet6AddressResult;
  /** A path as text, an abstract name as bytes. */
  AF_UNIX: UnixAddressResult;
  /** `[pid, groups]`. */
  AF_NETLINK: NetlinkAddressResult;
  /** `[ifname, proto, pkttype, hatype, addr]`. */
  AF_PACKET: PacketAddressResult;
  /** `[cid, port]`. */
  AF_VSOCK: VsockAddressResult;
  /** `[node, port]`. */
  AF_QIPCRTR: QipcrtrAddressResult;
  /** By protocol. */
  AF_CAN: CanAddressResult;
  /** `[addr_type, v1, v2, v3, scope]`. */
  AF_TIPC: TipcAddressResult;
  /** By protocol. */
  AF_BLUETOOTH: BluetoothAddressResult;
  /** `[type, name, feat, mask]`. */
  AF_ALG: AlgAddressResult;
  /** `[host, port]`, as `AF_INET`. */
  AF_RDS: InetAddressResult;
}

/** The name of a family with an address codec. */
export type FamilyName = keyof AddressIn;

/** The family names that have a codec, at run time (the generator brands these constants). */
export const FAMILY_NAMES: readonly FamilyName[] = [
  "AF_INET",
  "AF_INET6",
  "AF_UNIX",
  "AF_NETLINK",
  "AF_PACKET",
  "AF_VSOCK",
  "AF_QIPCRTR",
  "AF_CAN",
  "AF_TIPC",
  "AF_BLUETOOTH",
  "AF_ALG",
  "AF_RDS",
] satisfies readonly (keyof AddressIn & keyof AddressOut)[];

/**
 * The type of a family constant: a `number` at run time that also names its
 * family, so that `socket(AF_INET)` knows which addresses it takes. A plain
 * `number` is not a `Family`: it makes a socket over every family.
 */
export type Family<F extends SocketFamily> = number & { readonly __family: F };

/**
 * A family given as a plain `number` (a computed value, an enum member),
 * not as a constant that names its family: where a call has an overload
 * for each, a `Family` never falls through to the loose one.
 */
export type PlainFamily = number & { readonly __family?: never };

/** Any address a call takes: the union over the families. */
export type Address = AddressIn[FamilyName];

/** What a socket of a family without a codec returns: `[family, bytes]`, as CPython's `makesockaddr`. */
export type OtherAddressResult = [family: number, data: Uint8Array];

/** Any address a call returns: the union over the families. */
export type AddressResult = AddressOut[FamilyName] | OtherAddressResult;

/**
 * The type parameter of a `SocketType`: its family's name, or `"unknown"`
 * for a socket whose family is a plain `number` (`fromfd()`, an enum
 * member, a family without a codec). `SocketType` alone is
 * `SocketType<SocketFamily>`, a socket over every family.
 */
export type SocketFamily = FamilyName | "unknown";

/**
 * What a socket of unknown family takes and returns: any tuple, path or
 * bytes; its codec, if any, checks an address at run time.
 */
export type AnyAddress = string | Bytes | readonly unknown[];

/** {@linkcode AddressIn}, and what a socket of unknown family takes. */
export interface AddressInOf extends AddressIn {
  /** Any tuple, path or bytes. */
  unknown: AnyAddress;
}

/** {@linkcode AddressOut}, and what a socket of unknown family returns. */
export interface AddressOutOf extends AddressOut {
  /** Any tuple, path or bytes, or `null`. */
  unknown: AnyAddress | null;
}

/** What `connect()`, `bind()` and `sendto()` take on a socket of family `F`. */
export type AddressFor<F extends SocketFamily> = AddressInOf[F];

/**
 * What `getsockname()`, `getpeername()` and `accept()` return on a socket of
 * family `F`: its family's result, never `null`; on a socket of unknown
 * family, any address or `null`.
 */
export type AddressOf<F extends SocketFamily> = AddressOutOf[F];

/**
 * What ties a socket object to its family in the type system: a
 * `SocketType<F>` is an `OfFamily<F>`, so that the functions beside the
 * class (`send_fds`, `recv_fds`, `sock_sendmmsg`, ...) take and return `F`'s
 * addresses. The property is a type only: no socket has it at run time.
 */
export interface OfFamily<F extends SocketFamily> {
  /** The socket's family, as a type (absent at run time). */
  readonly __family?: F;
}
