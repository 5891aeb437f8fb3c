/**
 * Helpers shared by the tests of the `sock_*` functions that came with the
 * boundary work (boundary_async_test.ts, async_msg_test.ts).
 *
 * @module
 */

import * as socket from "../mod.ts";

/** A non-blocking Unix socketpair, closed by `using`. */
export function pair(type: number = socket.SOCK_STREAM): [socket.SocketType, socket.SocketType] & Disposable {
  const [a, b] = socket.socketpair(socket.AF_UNIX, type);
  a.setblocking(false);
  b.setblocking(false);
  return Object.assign([a, b] as [socket.SocketType, socket.SocketType], {
    [Symbol.dispose]() {
      a.close();
      b.close();
    },
  });
}

/** Settles to "pending" if `p` has not settled after a few turns of the loop. */
export async function state(p: Promise<unknown>): Promise<"pending" | "settled"> {
  let s: "pending" | "settled" = "pending";
  p.then(() => s = "settled", () => s = "settled");
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 1));
  return s;
}
