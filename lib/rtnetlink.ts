/**
 * An rtnetlink message builder and parser (`netlink(7)`, `rtnetlink(7)`):
 * enough to ask the kernel for its network interfaces over an
 * `AF_NETLINK`/`NETLINK_ROUTE` socket (an `RTM_GETLINK` dump) and read the
 * answers. Not part of CPython's `socket` module, which leaves message
 * formats to the caller; the live tests and `examples/netlink_ifaces.ts`
 * use it. Every size and offset comes from the generated `LAYOUT`.
 *
 * Netlink headers and attributes are in host byte order.
 *
 * @module
 */

import { LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { osErrorFrom } from "./errors.ts";

const {
  SIZEOF_NLMSGHDR: NLMSGHDR_SIZE,
  OFF_NLMSGHDR_NLMSG_LEN: NLMSG_LEN,
  OFF_NLMSGHDR_NLMSG_TYPE: NLMSG_TYPE,
  OFF_NLMSGHDR_NLMSG_FLAGS: NLMSG_FLAGS,
  OFF_NLMSGHDR_NLMSG_SEQ: NLMSG_SEQ,
  OFF_NLMSGHDR_NLMSG_PID: NLMSG_PID,
  SIZEOF_IFINFOMSG: IFINFOMSG_SIZE,
  OFF_IFINFOMSG_IFI_FAMILY: IFI_FAMILY,
  OFF_IFINFOMSG_IFI_TYPE: IFI_TYPE,
  OFF_IFINFOMSG_IFI_INDEX: IFI_INDEX,
  OFF_IFINFOMSG_IFI_FLAGS: IFI_FLAGS,
  SIZEOF_RTATTR: RTATTR_SIZE,
  OFF_RTATTR_RTA_LEN: RTA_LEN,
  OFF_RTATTR_RTA_TYPE: RTA_TYPE,
} = LAYOUT;

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const decoder = new TextDecoder();

/** `NLMSG_ALIGN`: `n` rounded up to the netlink alignment (4). */
export function nlmsgAlign(n: number): number {
  const a = SYS.NLMSG_ALIGNTO;
  return (n + a - 1) & ~(a - 1);
}

/** `RTA_ALIGN`: `n` rounded up to the attribute alignment (4). */
function rtaAlign(n: number): number {
  const a = SYS.RTA_ALIGNTO;
  return (n + a - 1) & ~(a - 1);
}

/** One netlink message: the `nlmsghdr` fields and the bytes after the header. */
export interface NetlinkMessage {
  /** `nlmsg_type`: `NLMSG_DONE`, `NLMSG_ERROR`, `RTM_NEWLINK`, ... */
  readonly type: number;
  /** `nlmsg_flags`. */
  readonly flags: number;
  /** `nlmsg_seq`: the request's sequence number, echoed by the kernel. */
  readonly seq: number;
  /** `nlmsg_pid`: the sender's port id (0 for the kernel). */
  readonly pid: number;
  /** The payload, `nlmsg_len` minus the header (a view into the received buffer). */
  readonly payload: Uint8Array;
}

/**
 * A netlink message: an `nlmsghdr` followed by `payload`, with `nlmsg_len`
 * filled in and the total padded to the netlink alignment.
 *
 * @param type `nlmsg_type` (`RTM_GETLINK`, ...).
 * @param flags `nlmsg_flags` (`NLM_F_REQUEST | NLM_F_DUMP`, ...).
 * @param seq `nlmsg_seq`.
 * @param payload The bytes after the header.
 * @returns The message, ready to `send`.
 */
export function nlmsg(type: number, flags: number, seq: number, payload: Uint8Array): Uint8Array {
  const len = NLMSGHDR_SIZE + payload.length;
  const out = new Uint8Array(nlmsgAlign(len));
  const v = new DataView(out.buffer);
  v.setUint32(NLMSG_LEN, len, HOST_LE);
  v.setUint16(NLMSG_TYPE, type, HOST_LE);
  v.setUint16(NLMSG_FLAGS, flags, HOST_LE);
  v.setUint32(NLMSG_SEQ, seq, HOST_LE);
  v.setUint32(NLMSG_PID, 0, HOST_LE);
  out.set(payload, NLMSGHDR_SIZE);
  return out;
}

/**
 * The request for a dump of every network interface: `RTM_GETLINK` with
 * `NLM_F_REQUEST | NLM_F_DUMP` and a zeroed `ifinfomsg` (`AF_UNSPEC`).
 *
 * @param seq The sequence number the replies will carry.
 * @returns The message.
 */
export function getLinkRequest(seq: number): Uint8Array {
  const ifi = new Uint8Array(IFINFOMSG_SIZE);
  ifi[IFI_FAMILY] = 0; // AF_UNSPEC: every family's links
  return nlmsg(SYS.RTM_GETLINK, SYS.NLM_F_REQUEST | SYS.NLM_F_DUMP, seq, ifi);
}

/**
 * Splits a datagram received from a netlink socket into its messages
 * (`NLMSG_OK` / `NLMSG_NEXT`). A truncated trailing message is dropped.
 *
 * @param buf The bytes of one `recv`.
 * @returns The messages, with payloads viewing `buf`.
 */
export function parseMessages(buf: Uint8Array): NetlinkMessage[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: NetlinkMessage[] = [];
  let at = 0;
  while (at + NLMSGHDR_SIZE <= buf.length) {
    const len = v.getUint32(at + NLMSG_LEN, HOST_LE);
    if (len < NLMSGHDR_SIZE || at + len > buf.length) break;
    out.push({
      type: v.getUint16(at + NLMSG_TYPE, HOST_LE),
      flags: v.getUint16(at + NLMSG_FLAGS, HOST_LE),
      seq: v.getUint32(at + NLMSG_SEQ, HOST_LE),
      pid: v.getUint32(at + NLMSG_PID, HOST_LE),
      payload: buf.subarray(at + NLMSGHDR_SIZE, at + len),
    });
    at += nlmsgAlign(len);
  }
  return out;
}

/**
 * The error an `NLMSG_ERROR` message carries: its payload starts with a
 * negative `errno` (0 is an acknowledgement).
 *
 * @param msg An `NLMSG_ERROR` message.
 * @returns The positive `errno`, or 0.
 */
export function messageErrno(msg: NetlinkMessage): number {
  const p = msg.payload;
  if (p.length < 4) return 0;
  return -new DataView(p.buffer, p.byteOffset, 4).getInt32(0, HOST_LE);
}

/**
 * The route attributes (`rtattr`) in `buf` from `offset` on, by type; a
 * later attribute of a type replaces an earlier one.
 *
 * @param buf The bytes holding the attributes.
 * @param offset Where the first attribute starts.
 * @returns Each attribute's payload, viewing `buf`.
 */
export function parseAttributes(buf: Uint8Array, offset: number): Map<number, Uint8Array> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Map<number, Uint8Array>();
  let at = offset;
  while (at + RTATTR_SIZE <= buf.length) {
    const len = v.getUint16(at + RTA_LEN, HOST_LE);
    if (len < RTATTR_SIZE || at + len > buf.length) break;
    out.set(v.getUint16(at + RTA_TYPE, HOST_LE), buf.subarray(at + RTATTR_SIZE, at + len));
    at += rtaAlign(len);
  }
  return out;
}

/** A network interface, as an `RTM_NEWLINK` message describes it. */
export interface Link {
  /** `ifi_index`. */
  readonly index: number;
  /** `IFLA_IFNAME`. */
  readonly name: string;
  /** `ifi_flags`: `IFF_UP`, `IFF_LOOPBACK`, ... */
  readonly flags: number;
  /** `ifi_type`: the `ARPHRD_*` hardware type. */
  readonly type: number;
  /** `IFLA_MTU`, or `null` if absent. */
  readonly mtu: number | null;
  /** `IFLA_ADDRESS` (the hardware address), or `null` if absent. */
  readonly address: Uint8Array | null;
}

/**
 * Reads an `RTM_NEWLINK` message: `ifinfomsg` and its attributes.
 *
 * @param msg A message of type `RTM_NEWLINK`.
 * @returns The interface it describes.
 */
export function parseLink(msg: NetlinkMessage): Link {
  const p = msg.payload;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const attrs = parseAttributes(p, nlmsgAlign(IFINFOMSG_SIZE));
  const name = attrs.get(SYS.IFLA_IFNAME);
  const mtu = attrs.get(SYS.IFLA_MTU);
  const address = attrs.get(SYS.IFLA_ADDRESS);
  let nameEnd = name ? name.indexOf(0) : -1;
  if (name && nameEnd < 0) nameEnd = name.length;
  return {
    index: v.getInt32(IFI_INDEX, HOST_LE),
    name: name ? decoder.decode(name.subarray(0, nameEnd)) : "",
    flags: v.getUint32(IFI_FLAGS, HOST_LE),
    type: v.getUint16(IFI_TYPE, HOST_LE),
    mtu: mtu && mtu.length >= 4 ? new DataView(mtu.buffer, mtu.byteOffset, 4).getUint32(0, HOST_LE) : null,
    address: address ? address.slice() : null,
  };
}

/** What {@linkcode dumpLinks} needs of a socket: `send` and `recv`, as `SocketType` has them. */
export interface NetlinkSocket {
  /** Sends bytes, returning the count sent. */
  send(data: Uint8Array): number;
  /** Receives at most `bufsize` bytes. */
  recv(bufsize: number): Uint8Array;
}

/**
 * Asks the kernel for every network interface (an `RTM_GETLINK` dump) over
 * a bound `NETLINK_ROUTE` socket and collects the replies up to
 * `NLMSG_DONE`.
 *
 * @param sock A bound `AF_NETLINK`, `NETLINK_ROUTE` socket.
 * @param seq The request's sequence number.
 * @returns The interfaces, in the kernel's order.
 * @throws {OSError} If the kernel answers with `NLMSG_ERROR`.
 */
export function dumpLinks(sock: NetlinkSocket, seq = 1): Link[] {
  sock.send(getLinkRequest(seq));
  const links: Link[] = [];
  for (;;) {
    // The kernel fills dump datagrams up to 32 KiB at most: 64 KiB never truncates one.
    const data = sock.recv(65536).slice();
    for (const msg of parseMessages(data)) {
      if (msg.seq !== seq) continue;
      if (msg.type === SYS.NLMSG_DONE) return links;
      if (msg.type === SYS.NLMSG_ERROR) {
        const e = messageErrno(msg);
        if (e !== 0) throw osErrorFrom(e);
        continue;
      }
      if (msg.type === SYS.RTM_NEWLINK) links.push(parseLink(msg));
    }
  }
}

/** The `IFF_*` names `ip link` shows, by bit. */
const FLAG_NAMES: [number, string][] = [
  [SYS.IFF_UP, "UP"],
  [SYS.IFF_BROADCAST, "BROADCAST"],
  [SYS.IFF_LOOPBACK, "LOOPBACK"],
  [SYS.IFF_POINTOPOINT, "POINTOPOINT"],
  [SYS.IFF_RUNNING, "RUNNING"],
  [SYS.IFF_NOARP, "NOARP"],
  [SYS.IFF_PROMISC, "PROMISC"],
  [SYS.IFF_MULTICAST, "MULTICAST"],
];

/**
 * The names of the `IFF_*` bits set in `flags`.
 *
 * @param flags An interface's `ifi_flags`.
 * @returns The flag names, e.g. `["UP", "LOOPBACK", "RUNNING"]`.
 */
export function flagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}
