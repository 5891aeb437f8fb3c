/**
 * `AF_TIPC` addresses: `[addr_type, v1, v2, v3, scope?]` ↔
 * `struct sockaddr_tipc`, as CPython maps them:
 *
 * | `addr_type`         | `v1`   | `v2`       | `v3`   |
 * | ------------------- | ------ | ---------- | ------ |
 * | `TIPC_ADDR_NAMESEQ` | type   | lower      | upper  |
 * | `TIPC_ADDR_NAME`    | type   | instance   | (unused) |
 * | `TIPC_ADDR_ID`      | node   | ref        | (unused) |
 *
 * `scope` defaults to `TIPC_CLUSTER_SCOPE`. Decoding gives five fields; like
 * CPython it repeats the instance as `v3` for `TIPC_ADDR_NAME` and gives 0
 * for `TIPC_ADDR_ID`.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { pyType } from "../args.ts";
import { ValueError } from "../errors.ts";
import { HOST_LE, U32_MAX, uintField } from "./fields.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const {
  OFF_SOCKADDR_TIPC_ADDRTYPE: ADDRTYPE,
  OFF_SOCKADDR_TIPC_SCOPE: SCOPE,
  OFF_SOCKADDR_TIPC_ADDR_NAMESEQ_TYPE: NAMESEQ_TYPE,
  OFF_SOCKADDR_TIPC_ADDR_NAMESEQ_LOWER: NAMESEQ_LOWER,
  OFF_SOCKADDR_TIPC_ADDR_NAMESEQ_UPPER: NAMESEQ_UPPER,
  OFF_SOCKADDR_TIPC_ADDR_NAME_NAME_TYPE: NAME_TYPE,
  OFF_SOCKADDR_TIPC_ADDR_NAME_NAME_INSTANCE: NAME_INSTANCE,
  OFF_SOCKADDR_TIPC_ADDR_ID_REF: ID_REF,
  OFF_SOCKADDR_TIPC_ADDR_ID_NODE: ID_NODE,
  SIZEOF_SOCKADDR_TIPC: SIZE,
} = LAYOUT;
const { AF_TIPC, TIPC_ADDR_NAMESEQ, TIPC_ADDR_NAME, TIPC_ADDR_ID, TIPC_CLUSTER_SCOPE } = CONSTANTS;

const ARITY = "AF_TIPC address must be a tuple (addr_type, v1, v2, v3[, scope])";

/** The `AF_TIPC` codec. */
export const tipc: Codec = {
  family: AF_TIPC,
  encode(addr: unknown, sa: Sockaddr, _ctx, caller): number {
    if (!Array.isArray(addr)) {
      throw new TypeError(`${caller}(): AF_TIPC address must be tuple, not ${pyType(addr)}`);
    }
    if (addr.length < 4 || addr.length > 5) throw new TypeError(ARITY);
    const atype = uintField(addr[0], U32_MAX, caller, "addr_type");
    const v1 = uintField(addr[1], U32_MAX, caller, "v1");
    const v2 = uintField(addr[2], U32_MAX, caller, "v2");
    const v3 = uintField(addr[3], U32_MAX, caller, "v3");
    const scope = addr.length > 4 ? uintField(addr[4], 0xff, caller, "scope") : TIPC_CLUSTER_SCOPE;
    const v = sa.view;
    if (atype === TIPC_ADDR_NAMESEQ) {
      v.setUint32(NAMESEQ_TYPE, v1, HOST_LE);
      v.setUint32(NAMESEQ_LOWER, v2, HOST_LE);
      v.setUint32(NAMESEQ_UPPER, v3, HOST_LE);
    } else if (atype === TIPC_ADDR_NAME) {
      v.setUint32(NAME_TYPE, v1, HOST_LE);
      v.setUint32(NAME_INSTANCE, v2, HOST_LE);
    } else if (atype === TIPC_ADDR_ID) {
      v.setUint32(ID_NODE, v1, HOST_LE);
      v.setUint32(ID_REF, v2, HOST_LE);
    } else {
      throw new TypeError("Invalid address type");
    }
    writeFamily(sa, AF_TIPC, SIZE);
    sa.bytes[ADDRTYPE] = atype;
    sa.bytes[SCOPE] = scope;
    return SIZE;
  },
  decode(sa: Sockaddr): [number, number, number, number, number] {
    const v = sa.view;
    const atype = sa.bytes[ADDRTYPE];
    const scope = sa.bytes[SCOPE];
    if (atype === TIPC_ADDR_NAMESEQ) {
      return [
        atype,
        v.getUint32(NAMESEQ_TYPE, HOST_LE),
        v.getUint32(NAMESEQ_LOWER, HOST_LE),
        v.getUint32(NAMESEQ_UPPER, HOST_LE),
        scope,
      ];
    }
    if (atype === TIPC_ADDR_NAME) {
      const instance = v.getUint32(NAME_INSTANCE, HOST_LE);
      return [atype, v.getUint32(NAME_TYPE, HOST_LE), instance, instance, scope];
    }
    if (atype === TIPC_ADDR_ID) {
      return [atype, v.getUint32(ID_NODE, HOST_LE), v.getUint32(ID_REF, HOST_LE), 0, scope];
    }
    throw new ValueError("Invalid address type");
  },
};
