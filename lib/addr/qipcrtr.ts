/**
 * `AF_QIPCRTR` addresses (Qualcomm IPC router): `[node, port]` ↔
 * `struct sockaddr_qrtr`.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType } from "../args.ts";
import { arityError, HOST_LE, U32_MAX, uintField } from "./fields.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const { OFF_SOCKADDR_QRTR_SQ_NODE: NODE, OFF_SOCKADDR_QRTR_SQ_PORT: PORT, SIZEOF_SOCKADDR_QRTR: SIZE } = LAYOUT;

/** The `AF_QIPCRTR` codec. */
export const qipcrtr: Codec = {
  family: CONSTANTS.AF_QIPCRTR,
  encode(addr: unknown, sa: Sockaddr, _ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`getsockaddrarg: AF_QIPCRTR address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length !== 2) throw arityError("getsockaddrarg", 2, addr.length);
    const node = uintField(addr[0], U32_MAX, caller, "node");
    const port = uintField(addr[1], U32_MAX, caller, "port");
    writeFamily(sa, CONSTANTS.AF_QIPCRTR, SIZE);
    sa.view.setUint32(NODE, node, HOST_LE);
    sa.view.setUint32(PORT, port, HOST_LE);
    return SIZE;
  },
  decode(sa: Sockaddr): [number, number] {
    return [sa.view.getUint32(NODE, HOST_LE), sa.view.getUint32(PORT, HOST_LE)];
  },
};
