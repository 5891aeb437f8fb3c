/**
 * Mutation-testing entry (addr_codecs): the test files that cover the mutated code, loaded in one
 * isolate so that each mutant costs one runtime start. See stryker.config.mjs and tests/README.md.
 *
 * @module
 */

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
import "../addr/survivors_test.ts";
import "../property_test.ts";
import "../addr/edges_test.ts";
