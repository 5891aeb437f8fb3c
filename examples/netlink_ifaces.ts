/**
 * Lists the network interfaces the way `ip link` learns them: an
 * `AF_NETLINK` socket on `NETLINK_ROUTE`, bound to `[0, 0]` (the kernel
 * picks the port id), sends an `RTM_GETLINK` dump request and reads the
 * `RTM_NEWLINK` replies up to `NLMSG_DONE`. Prints index, name, flags, MTU
 * and hardware address of each.
 *
 *     deno run --allow-ffi examples/netlink_ifaces.ts
 *     bun examples/netlink_ifaces.ts
 *
 * Needs no privileges: any user may read the link table. Linux only.
 *
 * @module
 */

import * as socket from "../mod.ts";
import { dumpLinks, flagNames, type Link } from "../lib/rtnetlink.ts";

export { flagNames };

/**
 * A hardware address as `aa:bb:cc:dd:ee:ff`.
 *
 * @param address The address bytes.
 * @returns The text, lower-case hexadecimal.
 */
export function macText(address: Uint8Array): string {
  return Array.from(address, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/**
 * Asks the kernel for its network interfaces over netlink.
 *
 * @returns Each interface: index, name, flags, hardware type, MTU, address.
 * @throws {OSError} If the netlink socket cannot be made or the kernel refuses the dump.
 *
 * @example
 * ```ts
 * import { listInterfaces } from "./netlink_ifaces.ts";
 * const lo = listInterfaces().find((link) => link.name === "lo");
 * console.assert(lo !== undefined);
 * ```
 */
export function listInterfaces(): Link[] {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  s.bind([0, 0]);
  s.settimeout(5);
  return dumpLinks(s);
}

/**
 * One line of output for `link`.
 *
 * @param link An interface.
 * @returns `index: name <FLAGS> mtu N link/ether aa:bb:...`.
 */
export function describe(link: Link): string {
  const mac = link.address ? ` addr ${macText(link.address)}` : "";
  const mtu = link.mtu !== null ? ` mtu ${link.mtu}` : "";
  return `${link.index}: ${link.name} <${flagNames(link.flags).join(",")}> flags 0x${
    link.flags.toString(16)
  }${mtu}${mac}`;
}

if (import.meta.main) {
  for (const link of listInterfaces()) console.log(describe(link));
}
