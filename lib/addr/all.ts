/**
 * Registers every address family codec beyond `AF_INET`, `AF_INET6` and
 * `AF_UNIX` (which `lib/socket.ts` imports itself): importing this module
 * fills the family table that `toSockaddr` and `fromSockaddr` consult.
 * Each codec registers only where the platform defines its family.
 *
 * @module
 */

import "./netlink.ts";
import "./packet.ts";
import "./vsock.ts";
import "./qipcrtr.ts";
import "./can.ts";
import "./tipc.ts";
import "./bluetooth.ts";
import "./alg.ts";
import "./rds.ts";
