/**
 * A raw packet sniffer, the Linux way: CPython's documentation shows a raw
 * sniffer for Windows (`SIO_RCVALL`); on Linux the tool is an `AF_PACKET`
 * socket. This one binds to one interface with `ETH_P_ALL`, so it sees every
 * Ethernet frame there, in both directions, and prints N of them: source
 * and destination MAC, EtherType, length, and the packet type CPython's
 * `recvfrom` reports in the five-field address.
 *
 *     deno run --allow-ffi examples/packet_sniffer.ts --count 5 --iface lo
 *     bun examples/packet_sniffer.ts --count 5 --iface lo
 *
 * Needs root (or `CAP_NET_RAW`). Linux only. Generate some traffic on the
 * interface meanwhile, e.g. `ping -c 3 127.0.0.1` for `lo`.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** An Ethernet header: two MAC addresses and the EtherType. */
const ETH_HLEN = 14;

/** `htons` for the `proto` argument of `socket()`, which `AF_PACKET` takes in network byte order. */
function htons(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** One captured frame. */
export interface Frame {
  /** Destination MAC, `aa:bb:cc:dd:ee:ff`. */
  readonly dst: string;
  /** Source MAC. */
  readonly src: string;
  /** The EtherType field (`0x0800` IPv4, `0x86dd` IPv6, ...). */
  readonly ethertype: number;
  /** The frame's length in bytes. */
  readonly length: number;
  /** What `recvfrom` returned as the address: `[ifname, proto, pkttype, hatype, addr]`. */
  readonly address: [string, number, number, number, Uint8Array];
  /** The frame. */
  readonly data: Uint8Array;
}

/** Options of {@linkcode sniff}. */
export interface SniffOptions {
  /** The interface to listen on (default `"lo"`). */
  iface?: string;
  /** How many frames to capture (default 10). */
  count?: number;
  /**
   * Capture only frames with this EtherType (default: every frame). The
   * socket is then opened and bound for this protocol, so the kernel does the
   * filtering; such a socket sees received frames only, not outgoing ones.
   */
  ethertype?: number;
  /** Give up after this many seconds without a frame (default: wait forever). */
  timeout?: number | null;
  /** Called once the socket is bound, before the first receive: a place to start traffic. */
  onReady?: () => void;
}

function mac(b: Uint8Array, at: number): string {
  return Array.from(b.subarray(at, at + 6), (x) => x.toString(16).padStart(2, "0")).join(":");
}

/**
 * Captures frames on one interface with an `AF_PACKET` raw socket.
 *
 * @param options Interface, count, EtherType filter, timeout, ready hook.
 * @returns The frames, in arrival order.
 * @throws {PermissionError} Without `CAP_NET_RAW`.
 * @throws {OSError} `ENODEV` for an unknown interface.
 * @throws {TimeoutError} If `timeout` passes without a frame.
 *
 * @example
 * ```ts
 * import { sniff } from "./packet_sniffer.ts";
 * for (const f of sniff({ iface: "lo", count: 1 })) console.log(f.src, f.dst, f.ethertype);
 * ```
 */
export function sniff(options: SniffOptions = {}): Frame[] {
  const { iface = "lo", count = 10, ethertype, timeout = null, onReady } = options;
  const proto = ethertype ?? socket.ETH_P_ALL;
  // socket() takes the protocol in network byte order; the address takes it as a number.
  using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(proto));
  s.bind([iface, proto]);
  s.settimeout(timeout);
  onReady?.();
  const frames: Frame[] = [];
  while (frames.length < count) {
    const [view, address] = s.recvfrom(65535);
    if (view.length < ETH_HLEN) continue;
    const type = (view[12] << 8) | view[13];
    if (ethertype !== undefined && type !== ethertype) continue;
    const data = view.slice();
    frames.push({
      dst: mac(data, 0),
      src: mac(data, 6),
      ethertype: type,
      length: data.length,
      address: address as Frame["address"],
      data,
    });
  }
  return frames;
}

const PKTTYPE: Record<number, string> = {
  [socket.PACKET_HOST]: "host",
  [socket.PACKET_BROADCAST]: "broadcast",
  [socket.PACKET_MULTICAST]: "multicast",
  [socket.PACKET_OTHERHOST]: "otherhost",
  [socket.PACKET_OUTGOING]: "outgoing",
};

/**
 * One line of output for `frame`.
 *
 * @param frame A captured frame.
 * @returns `src > dst, ethertype 0x0800, length 98 (lo, outgoing)`.
 */
export function describe(frame: Frame): string {
  const [ifname, , pkttype] = frame.address;
  const kind = PKTTYPE[pkttype] ?? `pkttype ${pkttype}`;
  return `${frame.src} > ${frame.dst}, ethertype 0x${frame.ethertype.toString(16).padStart(4, "0")}, ` +
    `length ${frame.length} (${ifname}, ${kind})`;
}

if (import.meta.main) {
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const count = Number(option("--count") ?? 10);
  const iface = option("--iface") ?? "lo";
  console.log(`capturing ${count} frame(s) on ${iface}`);
  sniff({ iface, count }).forEach((f) => console.log(describe(f)));
}
