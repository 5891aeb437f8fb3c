/**
 * Mutation-testing entry (addr_inet): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 * Order matters: Deno runs the files' tests in import order and --fail-fast stops at the first
 * failure, so the fast files that kill most mutants come first.
 *
 * @module
 */

import "../addr/inet_test.ts";
import "../addr/unix_test.ts";
import "../addr/edges_test.ts";
import "../addr/survivors_test.ts";
import "../addr/inet6_test.ts";
import "../convert_test.ts";
import "../addr/alg_test.ts";
import "../addr/bluetooth_test.ts";
import "../addr/can_test.ts";
import "../addr/ifindex_test.ts";
import "../addr/netlink_test.ts";
import "../addr/packet_test.ts";
import "../addr/qipcrtr_test.ts";
import "../addr/rds_test.ts";
import "../addr/tipc_test.ts";
import "../addr/vsock_test.ts";
import "../unix_path_test.ts";
import "../property_test.ts";
import "../socket_test.ts";
