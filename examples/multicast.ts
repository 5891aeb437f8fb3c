/**
 * IPv4 multicast: one socket joins a group (`IP_ADD_MEMBERSHIP`), another
 * sends to it with `IP_MULTICAST_IF` and `IP_MULTICAST_LOOP`, and the
 * member receives the datagram. By default everything stays on the
 * loopback interface, so it runs on any Linux machine without a network.
 *
 *     deno run --allow-ffi examples/multicast.ts [group] [interface-address]
 *     bun examples/multicast.ts [group] [interface-address]
 *
 * For mDNS-style discovery on a real network, pass the group and the
 * address of the interface to use, e.g. `224.0.0.251 192.168.1.20`.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** `struct ip_mreq`: the group, then the local interface's address. */
export function ipMreq(group: string, iface: string): Uint8Array {
  const mreq = new Uint8Array(8);
  mreq.set(socket.inet_aton(group), 0);
  mreq.set(socket.inet_aton(iface), 4);
  return mreq;
}

/**
 * A UDP socket bound to `group`:`port` (port 0 picks one) that has joined
 * `group` on the interface whose address is `iface`.
 *
 * @throws {OSError} When the kernel refuses the membership (no multicast route: `ENODEV`).
 */
export function joinGroup(group: string, port: number, iface = "127.0.0.1"): socket.SocketType {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    s.bind([group, port]);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, ipMreq(group, iface));
    return s;
  } catch (e) {
    s.close();
    throw e;
  }
}

/** A UDP socket that sends multicast out of `iface`, hearing its own datagrams (`IP_MULTICAST_LOOP`). */
export function multicastSender(iface = "127.0.0.1", ttl = 1): socket.SocketType {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface));
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1);
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl);
    return s;
  } catch (e) {
    s.close();
    throw e;
  }
}

/**
 * Joins `group` on `iface`, sends `message` to it, and returns what the
 * member received and from where. Waits at most `timeout` seconds.
 */
export function roundTrip(
  message: string,
  group = "239.255.42.99",
  iface = "127.0.0.1",
  timeout = 5,
): [text: string, from: socket.AnyAddress | null] {
  using member = joinGroup(group, 0, iface);
  using sender = multicastSender(iface);
  const [, port] = member.getsockname() as [string, number];
  member.settimeout(timeout);
  sender.sendto(new TextEncoder().encode(message), [group, port]);
  const [data, from] = member.recvfrom(65535);
  member.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, ipMreq(group, iface));
  return [new TextDecoder().decode(data), from];
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const [group = "239.255.42.99", iface = "127.0.0.1"] = args;
  const [text, from] = roundTrip("Hello, group", group, iface);
  console.log(`member of ${group} on ${iface} received ${JSON.stringify(text)} from ${JSON.stringify(from)}`);
}
