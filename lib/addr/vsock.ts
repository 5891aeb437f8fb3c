/**
 * `AF_VSOCK` addresses: `[cid, port]` ↔ `struct sockaddr_vm` (Linux
 * `vsock(7)`): the context id of a virtual machine or the host
 * (`VMADDR_CID_ANY`, `VMADDR_CID_HOST`, `VMADDR_CID_LOCAL`) and a port
 * (`VMADDR_PORT_ANY` for any).
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType } from "../args.ts";
import { arityError, HOST_LE, U32_MAX, uintField } from "./fields.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const { OFF_SOCKADDR_VM_SVM_PORT: PORT, OFF_SOCKADDR_VM_SVM_CID: CID, SIZEOF_SOCKADDR_VM: SIZE } = LAYOUT;

/** The `AF_VSOCK` codec. */
export const vsock: Codec = {
  family: CONSTANTS.AF_VSOCK,
  encode(addr: unknown, sa: Sockaddr, ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`getsockaddrarg: AF_VSOCK address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length !== 2) throw arityError("getsockaddrarg", 2, addr.length);
    const cid = uintField(addr[0], U32_MAX, caller, "cid");
    const port = uintField(addr[1], U32_MAX, caller, "port");
    writeFamily(sa, ctx.family, SIZE);
    sa.view.setUint32(PORT, port, HOST_LE);
    sa.view.setUint32(CID, cid, HOST_LE);
    return SIZE;
  },
  decode(sa: Sockaddr): [number, number] {
    return [sa.view.getUint32(CID, HOST_LE), sa.view.getUint32(PORT, HOST_LE)];
  },
};
