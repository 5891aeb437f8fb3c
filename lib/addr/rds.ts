/**
 * `AF_RDS` addresses (Reliable Datagram Sockets): RDS sockets are addressed
 * with `struct sockaddr_in`, so the address is AF_INET's `[host, port]`.
 * As in CPython, the encoded `sin_family` is `AF_INET` (the kernel checks
 * it), and addresses the kernel returns carry `AF_INET`, so they decode
 * through the `AF_INET` codec.
 *
 * @module
 */

import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { inet } from "./inet.ts";
import type { Codec, Ctx, Sockaddr } from "./codec.ts";

/** What the `AF_INET` codec is told about the socket: only the family matters to it. */
const INET_CTX: Ctx = { family: CONSTANTS.AF_INET, type: 0, proto: 0 };

/** The `AF_RDS` codec: `AF_INET`'s, with `AF_INET` as the family written. */
export const rds: Codec = {
  family: CONSTANTS.AF_RDS,
  encode(addr: unknown, sa: Sockaddr, _ctx, caller): number {
    return inet.encode(addr, sa, INET_CTX, caller);
  },
  decode(sa: Sockaddr, len: number): [string, number] {
    return inet.decode(sa, len, INET_CTX) as [string, number];
  },
};
