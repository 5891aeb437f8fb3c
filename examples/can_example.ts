/**
 * CPython's `socket` documentation CAN example, ported: a raw CAN socket
 * (`AF_CAN`, `SOCK_RAW`, `CAN_RAW`) bound to `vcan0` receives frames,
 * prints each, sends it back, and sends one more frame with id 0x01 and
 * data 01 02 03. CPython's loop runs forever; this one stops after
 * `--count N` frames (default: forever, as in the original).
 *
 *     deno run --allow-ffi examples/can_example.ts [--count N] [--iface vcan0]
 *     bun examples/can_example.ts [--count N] [--iface vcan0]
 *
 * Needs a CAN interface: a virtual one is made (as root) with
 *
 *     modprobe vcan && ip link add dev vcan0 type vcan && ip link set up vcan0
 *
 * and fed with `cansend vcan0 123#DEADBEEF` (can-utils). Where the kernel has
 * no `AF_CAN`, or there is no such interface, the example says so and exits
 * with status 0.
 *
 * @module
 */

import * as socket from "../mod.ts";
import { LAYOUT } from "../ffi/gen/mod.ts";

// struct can_frame (<linux/can.h>), CPython's "=IB3x8s": offsets from the generated layout.
const {
  SIZEOF_CAN_FRAME: CAN_FRAME_SIZE,
  OFF_CAN_FRAME_CAN_ID: CAN_ID,
  OFF_CAN_FRAME_CAN_DLC: CAN_DLC,
  OFF_CAN_FRAME_DATA: DATA,
  SIZEOF_CAN_FRAME_DATA: DATA_SIZE,
} = LAYOUT;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A decoded CAN frame: `[can_id, can_dlc, data]`, as CPython's `dissect_can_frame` returns it. */
export type CanFrame = [canId: number, canDlc: number, data: Uint8Array];

/**
 * Packs a classic CAN frame (`build_can_frame` of the CPython example).
 *
 * @param canId The CAN identifier (with `CAN_EFF_FLAG` etc. as needed).
 * @param data Up to 8 data bytes.
 * @returns The 16-byte `struct can_frame`.
 */
export function buildCanFrame(canId: number, data: Uint8Array): Uint8Array {
  if (data.length > DATA_SIZE) throw new RangeError(`a CAN frame carries at most ${DATA_SIZE} bytes`);
  const frame = new Uint8Array(CAN_FRAME_SIZE);
  new DataView(frame.buffer).setUint32(CAN_ID, canId, HOST_LE);
  frame[CAN_DLC] = data.length;
  frame.set(data, DATA);
  return frame;
}

/**
 * Unpacks a classic CAN frame (`dissect_can_frame` of the CPython example).
 *
 * @param frame A `struct can_frame`.
 * @returns `[can_id, can_dlc, data]`, `data` cut to `can_dlc` bytes.
 */
export function dissectCanFrame(frame: Uint8Array): CanFrame {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const dlc = frame[CAN_DLC];
  return [v.getUint32(CAN_ID, HOST_LE), dlc, frame.slice(DATA, DATA + Math.min(dlc, DATA_SIZE))];
}

/**
 * Why the example cannot run here, or `null` if it can: probes for
 * `AF_CAN`/`CAN_RAW` sockets and for the interface.
 *
 * @param iface The CAN interface wanted.
 * @returns A sentence explaining what is missing, or `null`.
 */
export function unavailable(iface: string): string | null {
  if (socket.AF_CAN === undefined) return "this platform has no AF_CAN";
  try {
    socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW).close();
  } catch (e) {
    if (e instanceof socket.OSError) return `this kernel cannot make CAN_RAW sockets (${e})`;
    throw e;
  }
  try {
    using s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
    s.bind([iface]);
  } catch (e) {
    if (e instanceof socket.OSError) return `there is no CAN interface ${iface} (${e})`;
    throw e;
  }
  return null;
}

/** Options of {@linkcode canExample}. */
export interface CanExampleOptions {
  /** The CAN interface (default `"vcan0"`). */
  iface?: string;
  /** Stop after this many received frames (default: never, as in CPython's example). */
  count?: number;
  /** Called once the socket is bound, before the first receive. */
  onReady?: () => void;
  /** Where each line goes (default `console.log`). */
  print?: (line: string) => void;
}

/**
 * The CPython documentation's CAN loop: receive a frame, print it, echo it,
 * and send frame 0x01 with data 01 02 03.
 *
 * @param options Interface, frame count, ready hook, output.
 * @returns The frames received.
 * @throws {OSError} If `AF_CAN` or the interface is missing.
 *
 * @example
 * ```ts
 * import { canExample } from "./can_example.ts";
 * canExample({ iface: "vcan0", count: 1 });
 * ```
 */
export function canExample(options: CanExampleOptions = {}): CanFrame[] {
  const { iface = "vcan0", count = Infinity, onReady, print = console.log } = options;
  // create a raw socket and bind it to the interface
  using s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
  s.bind([iface]);
  onReady?.();
  const received: CanFrame[] = [];
  while (received.length < count) {
    const [cf] = s.recvfrom(CAN_FRAME_SIZE);
    const frame = dissectCanFrame(cf);
    received.push(frame);
    const [id, dlc, data] = frame;
    print(`Received: can_id=${id.toString(16)}, can_dlc=${dlc.toString(16)}, data=${Array.from(data).join(",")}`);
    try {
      s.send(cf);
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      print("Error sending CAN frame");
    }
    try {
      s.send(buildCanFrame(0x01, new Uint8Array([1, 2, 3])));
    } catch (e) {
      if (!(e instanceof socket.OSError)) throw e;
      print("Error sending CAN frame");
    }
  }
  return received;
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const iface = option("--iface") ?? "vcan0";
  const count = option("--count") !== undefined ? Number(option("--count")) : Infinity;
  const why = unavailable(iface);
  if (why !== null) {
    console.log(`The CAN example needs a CAN interface, and cannot run here: ${why}.`);
    console.log(
      "Make a virtual one (as root): modprobe vcan && ip link add dev vcan0 type vcan && ip link set up vcan0",
    );
  } else {
    console.log(`Listening on ${iface}; send frames with e.g. \`cansend ${iface} 123#DEADBEEF\``);
    canExample({ iface, count });
  }
}
