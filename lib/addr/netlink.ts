/**
 * `AF_NETLINK` addresses: `[pid, groups]` ↔ `struct sockaddr_nl`.
 *
 * `pid` is the port id (0 lets the kernel pick one at `bind`, and is the
 * kernel's own address); `groups` is the multicast group bit mask.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType } from "../args.ts";
import { HOST_LE, U32_MAX, uintField } from "./fields.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const { OFF_SOCKADDR_NL_NL_PID: PID, OFF_SOCKADDR_NL_NL_GROUPS: GROUPS, SIZEOF_SOCKADDR_NL: SIZE } = LAYOUT;

/** The `AF_NETLINK` codec. */
export const netlink: Codec = {
  family: CONSTANTS.AF_NETLINK,
  encode(addr: unknown, sa: Sockaddr, _ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`${caller}(): AF_NETLINK address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length !== 2) throw new TypeError("AF_NETLINK address must be a pair (pid, groups)");
    const pid = uintField(addr[0], U32_MAX, caller, "pid");
    const groups = uintField(addr[1], U32_MAX, caller, "groups");
    writeFamily(sa, CONSTANTS.AF_NETLINK, SIZE);
    sa.view.setUint32(PID, pid, HOST_LE);
    sa.view.setUint32(GROUPS, groups, HOST_LE);
    return SIZE;
  },
  decode(sa: Sockaddr): [number, number] {
    return [sa.view.getUint32(PID, HOST_LE), sa.view.getUint32(GROUPS, HOST_LE)];
  },
};
