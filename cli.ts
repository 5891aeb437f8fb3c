/**
 * `pysocket`: a small netcat built on this package, in one file. It speaks
 * every family the module supports that makes sense from a shell: TCP and UDP
 * over IPv4 and IPv6, Unix stream, datagram and seqpacket sockets (paths, or
 * abstract names written with a leading `@`), and AF_PACKET for sniffing.
 *
 * ```sh
 * deno run --allow-ffi jsr:@pysocket/socket/cli connect example.org 80
 * deno run --allow-ffi cli.ts listen -U @my-abstract-name
 * bun cli.ts listen -u 127.0.0.1 9000
 * bun cli.ts resolve localhost http
 * bun cli.ts ifaces
 * sudo bun cli.ts sniff --iface lo --count 10
 * ```
 *
 * Commands:
 *
 * - `connect HOST PORT` / `connect -U PATH`: connect, then copy stdin to the
 *   socket and the socket to stdout until both directions reach their end.
 * - `listen [HOST] PORT` / `listen -U PATH`: wait for one peer (a connection,
 *   or the first datagram), then copy as `connect` does. The bound address
 *   is printed on stderr (`listening on 127.0.0.1:40123`).
 * - `resolve HOST [PORT]`: print `getaddrinfo()`'s table.
 * - `ifaces`: list the network interfaces (`if_nameindex()`).
 * - `sniff [--iface IF] [--count N]`: print one line per link-layer frame
 *   (AF_PACKET; needs root or CAP_NET_RAW).
 *
 * Every command takes `--help`. Data goes to stdout and nothing else does:
 * messages, errors and `--progress` reports go to stderr. Exit status: 0
 * when done, 1 for a runtime error (`pysocket connect: [Errno 111]
 * Connection refused`), 2 for a usage error.
 *
 * The copy loop waits with `poll()` on stdin and the socket, which is
 * non-blocking, so a slow reader on one side never stalls the other.
 *
 * @module
 */

import process from "node:process";
import { isatty } from "node:tty";
import * as socket from "./mod.ts";
import { SYS } from "./ffi/gen/mod.ts";
import { errno, libc } from "./ffi/mod.ts";
import { osErrorFrom } from "./lib/errors.ts";
import { dumpLinks, flagNames, type Link } from "./lib/rtnetlink.ts";
import { pyRepr } from "./lib/repr.ts";

const PROG = "pysocket";
const { EAGAIN, EINTR, EPIPE, ECONNRESET, ENOTCONN, POLLIN, POLLOUT } = SYS;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---------------------------------------------------------------------------
// Output goes straight to the descriptors, synchronously: nothing is lost at
// exit, and nothing queues behind the copy loop (which blocks in poll()).

const POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }
const POLLFDS = new Uint8Array(POLLFD_SIZE * 2);
const POLLFDS_VIEW = new DataView(POLLFDS.buffer);

function setPollFd(i: number, fd: number, events: number): void {
  POLLFDS_VIEW.setInt32(i * POLLFD_SIZE, fd, true);
  POLLFDS_VIEW.setInt16(i * POLLFD_SIZE + 4, events, true);
  POLLFDS_VIEW.setInt16(i * POLLFD_SIZE + 6, 0, true);
}

function revents(i: number): number {
  return POLLFDS_VIEW.getInt16(i * POLLFD_SIZE + 6, true);
}

/** `poll()` over the first `n` entries of `POLLFDS`; retries EINTR (returning 0). */
function pollFds(n: number, timeoutMs: number): number {
  const r = libc.poll(POLLFDS, n, timeoutMs);
  if (r >= 0) return r;
  const e = errno();
  if (e === EINTR) return 0;
  throw osErrorFrom(e);
}

/** Writes every byte of `data` to `fd`, waiting while the descriptor is full. */
function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    const part = data.subarray(off);
    const n = libc.write(fd, part, part.length);
    if (n >= 0) {
      off += n;
      continue;
    }
    const e = errno();
    if (e === EINTR) continue;
    if (e !== EAGAIN) throw osErrorFrom(e);
    setPollFd(0, fd, POLLOUT);
    pollFds(1, -1);
  }
}

function out(text: string): void {
  writeAll(1, encoder.encode(text));
}

function say(text: string): void {
  writeAll(2, encoder.encode(text + "\n"));
}

// ---------------------------------------------------------------------------
// Command lines.

/** A mistake in the command line: reported with a hint, exit status 2. */
class UsageError extends Error {}

interface Option {
  name: string;
  short?: string;
  /** The value's placeholder, for options that take one. */
  value?: string;
  help: string;
}

interface Command {
  synopsis: string[];
  summary: string;
  details?: string;
  options: Option[];
  run(opts: Map<string, string | true>, args: string[]): number;
}

const HELP: Option = { name: "help", short: "h", help: "show this help and exit" };
const TIMEOUT: Option = {
  name: "timeout",
  value: "SECONDS",
  help: "give up connecting or waiting after SECONDS; end the copy after SECONDS idle",
};
const NET_OPTIONS: Option[] = [
  { name: "ipv4", short: "4", help: "IPv4 only" },
  { name: "ipv6", short: "6", help: "IPv6 only" },
  { name: "udp", short: "u", help: "UDP; with -U, a Unix datagram socket" },
  { name: "unix", short: "U", help: "a Unix socket: PATH, or @NAME for an abstract name" },
  { name: "seqpacket", help: "with -U, a SOCK_SEQPACKET socket" },
  TIMEOUT,
  { name: "count", value: "N", help: "datagram sockets: end after receiving N datagrams" },
  { name: "progress", help: "report bytes sent and received, and the rate, every second (stderr)" },
  { name: "verbose", short: "v", help: "report the peer's address (stderr)" },
  HELP,
];

function parse(cmd: Command, argv: string[]): { opts: Map<string, string | true>; args: string[] } {
  const opts = new Map<string, string | true>();
  const args: string[] = [];
  const byName = new Map(cmd.options.map((o) => [o.name, o]));
  const byShort = new Map(cmd.options.filter((o) => o.short).map((o) => [o.short!, o]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    let found: Option[];
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const o = byName.get(a.slice(2, eq < 0 ? undefined : eq));
      if (!o) throw new UsageError(`unknown option '${a}'`);
      if (eq >= 0) inline = a.slice(eq + 1);
      found = [o];
    } else if (a.startsWith("-") && a.length > 1) {
      found = [...a.slice(1)].map((c) => {
        const o = byShort.get(c);
        if (!o) throw new UsageError(`unknown option '-${c}'`);
        return o;
      });
    } else {
      args.push(a);
      continue;
    }
    for (const o of found) {
      if (o.value === undefined) {
        if (inline !== undefined) throw new UsageError(`option '--${o.name}' takes no value`);
        opts.set(o.name, true);
      } else if (found.length > 1) {
        throw new UsageError(`option '--${o.name}' takes a value and cannot be combined`);
      } else {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`option '--${o.name}' needs a value (${o.value})`);
        opts.set(o.name, v);
      }
    }
  }
  return { opts, args };
}

function helpText(name: string, cmd: Command): string {
  const lines = cmd.synopsis.map((s, i) => `${i === 0 ? "usage:" : "      "} ${PROG} ${name} ${s}`);
  lines.push("", cmd.summary);
  if (cmd.details) lines.push("", cmd.details);
  lines.push("", "options:");
  const left = cmd.options.map((o) =>
    `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.value ? ` ${o.value}` : ""}`
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  cmd.options.forEach((o, i) => lines.push(`  ${left[i].padEnd(width)}${o.help}`));
  return lines.join("\n") + "\n";
}

function positiveNumber(opts: Map<string, string | true>, name: string, integer: boolean): number | null {
  const v = opts.get(name);
  if (v === undefined) return null;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} wants a positive ${integer ? "integer" : "number"}, not '${v}'`);
  }
  return n;
}

function family(opts: Map<string, string | true>): number {
  if (opts.has("ipv4") && opts.has("ipv6")) throw new UsageError("-4 and -6 exclude each other");
  return opts.has("ipv4") ? socket.AF_INET : opts.has("ipv6") ? socket.AF_INET6 : socket.AF_UNSPEC;
}

// ---------------------------------------------------------------------------
// Addresses.

/** A Unix socket name from the command line: `@name` is abstract. */
function unixName(arg: string): string {
  if (arg === "" || arg === "@") throw new UsageError("a Unix socket name must not be empty");
  return arg.startsWith("@") ? "\0" + arg.slice(1) : arg;
}

/** An address, as a person reads it: `127.0.0.1:80`, `[::1]:80`, `/run/x.sock`, `@name`. */
function show(addr: unknown): string {
  if (addr === null || addr === "" || addr === undefined) return "(unnamed)";
  if (typeof addr === "string") return addr.startsWith("\0") ? "@" + addr.slice(1) : addr;
  if (addr instanceof Uint8Array) {
    return addr[0] === 0 ? "@" + decoder.decode(addr.subarray(1)) : decoder.decode(addr);
  }
  if (Array.isArray(addr) && addr.length >= 2 && typeof addr[0] === "string" && typeof addr[1] === "number") {
    return addr.length >= 4 ? `[${addr[0]}]:${addr[1]}` : `${addr[0]}:${addr[1]}`;
  }
  return pyRepr(addr);
}

// ---------------------------------------------------------------------------
// connect and listen.

interface Endpoint {
  unix: boolean;
  type: number;
  family: number;
  timeout: number | null;
  count: number | null;
  progress: boolean;
  verbose: boolean;
}

function endpoint(opts: Map<string, string | true>): Endpoint {
  const unix = opts.has("unix");
  const udp = opts.has("udp");
  const fam = family(opts);
  if (unix && fam !== socket.AF_UNSPEC) throw new UsageError("-4 and -6 do not apply to Unix sockets (-U)");
  if (opts.has("seqpacket") && !unix) throw new UsageError("--seqpacket needs -U (SOCK_SEQPACKET is for Unix sockets)");
  if (opts.has("seqpacket") && udp) throw new UsageError("--seqpacket and -u exclude each other");
  const type = udp ? socket.SOCK_DGRAM : opts.has("seqpacket") ? socket.SOCK_SEQPACKET : socket.SOCK_STREAM;
  const count = positiveNumber(opts, "count", true);
  if (count !== null && type !== socket.SOCK_DGRAM) throw new UsageError("--count applies to datagram sockets (-u)");
  return {
    unix,
    type,
    family: unix ? socket.AF_UNIX : fam,
    timeout: positiveNumber(opts, "timeout", false),
    count,
    progress: opts.has("progress"),
    verbose: opts.has("verbose"),
  };
}

/** Opens a socket for each `getaddrinfo` result until `use` succeeds; raises the last error. */
function firstOf(
  host: string | null,
  port: string,
  ep: Endpoint,
  passive: boolean,
  use: (s: socket.SocketType, sa: socket.Address) => void,
): socket.SocketType {
  const infos = socket.getaddrinfo(host, port, ep.family, ep.type, 0, passive ? socket.AI_PASSIVE : 0);
  let last: unknown = new socket.OSError(`getaddrinfo returned no address for ${host}`);
  for (const [af, type, proto, , sa] of infos) {
    let s: socket.SocketType;
    try {
      s = socket.socket(af, type, proto);
    } catch (e) {
      last = e;
      continue;
    }
    try {
      use(s, sa);
      return s;
    } catch (e) {
      s.close();
      last = e;
    }
  }
  throw last;
}

function portArg(p: string): string {
  if (p === "") throw new UsageError("the port must not be empty");
  if (/^\d+$/.test(p) && Number(p) > 65535) throw new UsageError(`port ${p} is out of range (0-65535)`);
  return p;
}

function connectCmd(opts: Map<string, string | true>, args: string[]): number {
  const ep = endpoint(opts);
  let s: socket.SocketType;
  if (ep.unix) {
    if (args.length !== 1) throw new UsageError("connect -U wants one argument: PATH or @NAME");
    const name = unixName(args[0]);
    s = socket.socket(socket.AF_UNIX, ep.type);
    try {
      // A datagram client binds an autobound (abstract) name, so the peer can reply.
      if (ep.type === socket.SOCK_DGRAM) s.bind("");
      s.settimeout(ep.timeout);
      s.connect(name);
    } catch (e) {
      s.close();
      throw e;
    }
  } else {
    if (args.length !== 2) throw new UsageError("connect wants two arguments: HOST PORT");
    s = firstOf(args[0], portArg(args[1]), ep, false, (s, sa) => {
      s.settimeout(ep.timeout);
      s.connect(sa);
    });
  }
  using _s = s;
  if (ep.verbose) say(`connected to ${show(s.getpeername())} from ${show(s.getsockname())}`);
  copy(s, ep, true);
  return 0;
}

function listenCmd(opts: Map<string, string | true>, args: string[]): number {
  const ep = endpoint(opts);
  let listener: socket.SocketType;
  let unlinkPath: string | null = null;
  if (ep.unix) {
    if (args.length !== 1) throw new UsageError("listen -U wants one argument: PATH or @NAME");
    const name = unixName(args[0]);
    listener = socket.socket(socket.AF_UNIX, ep.type);
    try {
      listener.bind(name);
      if (!name.startsWith("\0")) unlinkPath = name;
      if (ep.type !== socket.SOCK_DGRAM) listener.listen(1);
    } catch (e) {
      listener.close();
      throw e;
    }
  } else {
    if (args.length < 1 || args.length > 2) throw new UsageError("listen wants [HOST] PORT");
    const [host, port] = args.length === 2 ? args : [null, args[0]];
    listener = firstOf(host, portArg(port), ep, true, (s, sa) => {
      if (ep.type === socket.SOCK_STREAM) s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
      s.bind(sa);
      if (ep.type === socket.SOCK_STREAM) s.listen(1);
    });
  }
  try {
    say(`listening on ${show(listener.getsockname())}`);
    listener.settimeout(ep.timeout);
    if (ep.type === socket.SOCK_DGRAM) {
      // The first datagram chooses the peer: print it, then talk to its sender only.
      const [data, from] = listener.recvfrom(65536);
      if (ep.verbose) say(`datagram from ${show(from)}`);
      writeAll(1, data);
      const canReply = from !== null && from !== "" && !(from instanceof Uint8Array && from.length === 0);
      if (canReply) listener.connect(from);
      else if (ep.verbose) say("the sender has no address: stdin is not sent");
      copy(listener, ep, canReply, 1);
      return 0;
    }
    const [conn, from] = listener.accept();
    using _conn = conn;
    listener.close();
    if (ep.verbose) say(`connection from ${show(from)}`);
    copy(conn, ep, true);
    return 0;
  } finally {
    listener.close();
    // Through libc, so that --allow-ffi is all the CLI needs; a file already gone is fine.
    if (unlinkPath !== null) libc.unlink(encoder.encode(unlinkPath + "\0"));
  }
}

function isPeerGone(e: unknown): boolean {
  return e instanceof socket.OSError && (e.errno === EPIPE || e.errno === ECONNRESET || e.errno === ENOTCONN);
}

function human(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) [n, i] = [n / 1024, i + 1];
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/**
 * Copies stdin to `s` and `s` to stdout until both directions end: stdin at
 * end of file (then, on a connection, `shutdown(SHUT_WR)`), and the peer's
 * end of stream or `--count` datagrams. At the peer's end, a terminal on
 * stdin is not waited for. `--timeout` ends the copy after that long idle.
 */
function copy(s: socket.SocketType, ep: Endpoint, sending: boolean, received = 0): void {
  const stream = ep.type !== socket.SOCK_DGRAM;
  const inet = s.family !== socket.AF_UNIX;
  const inBuf = new Uint8Array(inet && !stream ? 65507 : 65536); // the largest UDP payload
  const netBuf = new Uint8Array(1 << 16);
  const stdinTty = isatty(0);
  const fd = s.fileno();
  s.setblocking(false);
  let stdinOpen = sending, netOpen = ep.count === null || received < ep.count;
  let pending: Uint8Array | null = null;
  let sent = 0, got = 0;
  const start = performance.now();
  let nextReport = start + 1000;
  let idleSince = start;
  let lastTotal = 0, lastTime = start;

  // Bytes/s over the last interval, or over the whole copy at the end.
  const report = (final: boolean) => {
    const now = performance.now(), total = sent + got;
    const rate = final
      ? total / Math.max(now - start, 1) * 1000
      : (total - lastTotal) / Math.max(now - lastTime, 1) * 1000;
    [lastTotal, lastTime] = [total, now];
    say(`${final ? "done: " : ""}sent ${human(sent)}, received ${human(got)}, ${human(Math.round(rate))}/s`);
  };

  const trySend = () => {
    try {
      const n = s.send(pending!);
      sent += n;
      pending = n === pending!.length ? null : pending!.subarray(n);
    } catch (e) {
      if (e instanceof socket.BlockingIOError) return;
      if (!isPeerGone(e)) throw e;
      // The peer has gone: nothing more can be sent.
      pending = null;
      stdinOpen = false;
    }
  };

  for (;;) {
    if (!netOpen && pending === null && (!stdinOpen || (stream && stdinTty))) break;
    let n = 0;
    const readStdin = stdinOpen && pending === null;
    if (readStdin) setPollFd(n++, 0, POLLIN);
    const netEvents = (netOpen ? POLLIN : 0) | (pending !== null ? POLLOUT : 0);
    const sockAt = n;
    if (netEvents) setPollFd(n++, fd, netEvents);
    const now = performance.now();
    let wait = -1;
    if (ep.timeout !== null) wait = Math.max(0, idleSince + ep.timeout * 1000 - now);
    if (ep.progress) wait = wait < 0 ? Math.max(0, nextReport - now) : Math.min(wait, Math.max(0, nextReport - now));
    const ready = pollFds(n, wait < 0 ? -1 : Math.ceil(wait));
    const after = performance.now();
    if (ep.progress && after >= nextReport) {
      report(false);
      nextReport = after + 1000;
    }
    if (ready === 0) {
      if (ep.timeout !== null && after - idleSince >= ep.timeout * 1000) {
        if (ep.verbose) say(`idle for ${ep.timeout} s: closing`);
        break;
      }
      continue;
    }
    idleSince = after;
    if (readStdin && revents(0) !== 0) {
      const r = libc.read(0, inBuf, inBuf.length);
      if (r > 0) {
        pending = inBuf.subarray(0, r);
        trySend();
      } else if (r === 0) {
        stdinOpen = false;
        if (stream) {
          try {
            s.shutdown(socket.SHUT_WR);
          } catch (e) {
            if (!isPeerGone(e)) throw e;
          }
        }
      } else {
        const e = errno();
        if (e !== EAGAIN && e !== EINTR) throw osErrorFrom(e);
      }
    }
    if (!netEvents) continue;
    const re = revents(sockAt);
    if (pending !== null && re !== 0) trySend();
    if (netOpen && re !== 0) {
      let r: number;
      try {
        r = s.recv_into(netBuf);
      } catch (e) {
        if (e instanceof socket.BlockingIOError) continue;
        if (stream && isPeerGone(e)) r = 0;
        else throw e; // a connected datagram socket reports ECONNREFUSED when no one listens
      }
      if (r === 0 && stream) netOpen = false;
      else {
        got += r;
        writeAll(1, netBuf.subarray(0, r));
        if (!stream && ep.count !== null && ++received >= ep.count) netOpen = false;
      }
    }
  }
  if (ep.progress) report(true);
}

// ---------------------------------------------------------------------------
// resolve, ifaces, sniff.

function resolveCmd(opts: Map<string, string | true>, args: string[]): number {
  if (args.length < 1 || args.length > 2) throw new UsageError("resolve wants HOST [PORT]");
  if (opts.has("udp") && opts.has("tcp")) throw new UsageError("--tcp and -u exclude each other");
  const type = opts.has("udp") ? socket.SOCK_DGRAM : opts.has("tcp") ? socket.SOCK_STREAM : 0;
  const flags = opts.has("canonname") ? socket.AI_CANONNAME : 0;
  const rows = socket.getaddrinfo(args[0], args[1] ?? null, family(opts), type, 0, flags).map((
    [af, t, proto, canon, sa],
  ) => [socket.AddressFamily[af] ?? String(af), socket.SocketKind[t] ?? String(t), String(proto), canon, pyRepr(sa)]);
  table(["family", "type", "proto", "canonname", "sockaddr"], rows);
  return 0;
}

/** Prints `rows` under `head` in aligned columns. */
function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd();
  out([head.map((h) => h.toUpperCase()), ...rows].map(line).join("\n") + "\n");
}

/** The interfaces with flags, MTU and hardware address, from a netlink `RTM_GETLINK` dump (Linux). */
function netlinkLinks(): Map<number, Link> | null {
  if (socket.AF_NETLINK === undefined) return null;
  try {
    using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
    s.bind([0, 0]);
    s.settimeout(5);
    return new Map(dumpLinks(s).map((l) => [l.index, l]));
  } catch {
    return null; // No netlink here (or refused): if_nameindex() alone still answers.
  }
}

function ifacesCmd(_opts: Map<string, string | true>, args: string[]): number {
  if (args.length !== 0) throw new UsageError("ifaces takes no arguments");
  const links = netlinkLinks();
  const rows = socket.if_nameindex().map(([index, name]) => {
    const l = links?.get(index);
    if (!l) return [String(index), name];
    const flags = flagNames(l.flags);
    return [String(index), name, flags.join(","), l.mtu === null ? "" : String(l.mtu), l.address ? mac(l.address) : ""];
  });
  table(
    links ? ["index", "name", "flags", "mtu", "address"] : ["index", "name"],
    rows.map((r) => r.concat(["", "", ""]).slice(0, links ? 5 : 2)),
  );
  return 0;
}

const PKTTYPE = ["In", "B", "M", "P", "Out"]; // PACKET_HOST, BROADCAST, MULTICAST, OTHERHOST, OUTGOING
const ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
const IPPROTO_NAMES: Record<number, string> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMP6", 132: "SCTP" };

function mac(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** One line about a frame: time, interface, direction, then what the headers say. */
function describe(frame: Uint8Array, addr: socket.Address | null): string {
  const [ifname, proto, pkttype, hatype] = (addr ?? ["?", 0, 0, 0]) as [string, number, number, number];
  const time = new Date().toISOString().slice(11, 23);
  const head = `${time} ${ifname} ${PKTTYPE[pkttype] ?? pkttype}`;
  let ethertype = proto, p = frame, link = "";
  if ((hatype === ARPHRD_ETHER || hatype === ARPHRD_LOOPBACK) && frame.length >= 14) {
    ethertype = (frame[12] << 8) | frame[13];
    link = hatype === ARPHRD_ETHER ? ` ${mac(frame.subarray(6, 12))} > ${mac(frame.subarray(0, 6))}` : "";
    p = frame.subarray(14);
  }
  let what: string;
  let ipProto = -1, l4 = p, src = "", dst = "";
  if (ethertype === 0x0800 && p.length >= 20) {
    src = socket.inet_ntop(socket.AF_INET, p.subarray(12, 16));
    dst = socket.inet_ntop(socket.AF_INET, p.subarray(16, 20));
    ipProto = p[9];
    l4 = p.subarray((p[0] & 0x0f) * 4);
    what = "IPv4";
  } else if (ethertype === 0x86dd && p.length >= 40) {
    src = socket.inet_ntop(socket.AF_INET6, p.subarray(8, 24));
    dst = socket.inet_ntop(socket.AF_INET6, p.subarray(24, 40));
    ipProto = p[6];
    l4 = p.subarray(40);
    what = "IPv6";
  } else if (ethertype === 0x0806 && p.length >= 28) {
    const op = (p[6] << 8) | p[7];
    const spa = socket.inet_ntop(socket.AF_INET, p.subarray(14, 18));
    const tpa = socket.inet_ntop(socket.AF_INET, p.subarray(24, 28));
    return `${head}${link} ARP ${op === 1 ? `who-has ${tpa} tell ${spa}` : op === 2 ? `reply ${spa}` : `op ${op}`}`;
  } else {
    return `${head}${link} ethertype 0x${ethertype.toString(16).padStart(4, "0")} length ${frame.length}`;
  }
  const name = IPPROTO_NAMES[ipProto] ?? `proto ${ipProto}`;
  if ((ipProto === 6 || ipProto === 17) && l4.length >= 4) {
    src += "." + ((l4[0] << 8) | l4[1]);
    dst += "." + ((l4[2] << 8) | l4[3]);
  }
  return `${head}${link} ${what} ${src} > ${dst} ${name} length ${frame.length}`;
}

function sniffCmd(opts: Map<string, string | true>, args: string[]): number {
  if (args.length !== 0) throw new UsageError("sniff takes no arguments (use --iface IF)");
  const count = positiveNumber(opts, "count", true);
  const timeout = positiveNumber(opts, "timeout", false);
  const iface = opts.get("iface");
  if (iface === "") throw new UsageError("--iface wants an interface name");
  const ETH_P_ALL = socket.ETH_P_ALL;
  using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL));
  if (typeof iface === "string") s.bind([iface, ETH_P_ALL]);
  s.settimeout(timeout);
  for (let n = 0; count === null || n < count; n++) {
    const [frame, addr] = s.recvfrom(65536);
    out(describe(frame, addr) + "\n");
  }
  return 0;
}

// ---------------------------------------------------------------------------
// The table of commands, and main.

const COMMANDS: Record<string, Command> = {
  connect: {
    synopsis: ["[options] HOST PORT", "[options] -U PATH|@NAME"],
    summary: "Connect, then copy stdin to the socket and the socket to stdout.",
    details: "At the end of stdin a connection is shut down for writing; the command ends when the peer\n" +
      "closes too. UDP and Unix datagram sockets send one datagram per read from stdin and run\n" +
      "until --count datagrams arrived, --timeout passed idle, or they are interrupted.",
    options: NET_OPTIONS,
    run: connectCmd,
  },
  listen: {
    synopsis: ["[options] [HOST] PORT", "[options] -U PATH|@NAME"],
    summary: "Wait for one peer, then copy stdin to it and what it sends to stdout.",
    details: "The bound address goes to stderr first (`listening on 127.0.0.1:40123`), so port 0 works.\n" +
      "Streams accept one connection; datagram sockets answer the sender of the first datagram.\n" +
      "A Unix socket file made by listen is removed when it ends.",
    options: NET_OPTIONS,
    run: listenCmd,
  },
  resolve: {
    synopsis: ["[options] HOST [PORT]"],
    summary: "Print the table getaddrinfo() returns for HOST (and PORT, a number or a service name).",
    options: [
      { name: "ipv4", short: "4", help: "IPv4 addresses only" },
      { name: "ipv6", short: "6", help: "IPv6 addresses only" },
      { name: "tcp", short: "t", help: "SOCK_STREAM rows only" },
      { name: "udp", short: "u", help: "SOCK_DGRAM rows only" },
      { name: "canonname", help: "ask for the canonical name (AI_CANONNAME)" },
      HELP,
    ],
    run: resolveCmd,
  },
  ifaces: {
    synopsis: [""],
    summary: "List the network interfaces: if_nameindex(), with flags, MTU and address from netlink.",
    options: [HELP],
    run: ifacesCmd,
  },
  sniff: {
    synopsis: ["[--iface IF] [--count N] [--timeout SECONDS]"],
    summary: "Print one line per link-layer frame seen (an AF_PACKET socket: needs root or CAP_NET_RAW).",
    details: "On the loopback interface every packet shows twice: once going out, once coming in.",
    options: [
      { name: "iface", value: "IF", help: "capture on IF only (default: every interface)" },
      { name: "count", value: "N", help: "stop after N frames" },
      { name: "timeout", value: "SECONDS", help: "fail if no frame arrives for SECONDS" },
      HELP,
    ],
    run: sniffCmd,
  },
};

function mainHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return [
    `usage: ${PROG} COMMAND [options] [arguments]`,
    "",
    "A small netcat on CPython's socket module for Deno and Bun.",
    "",
    "commands:",
    ...names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n].summary}`),
    "",
    `Run '${PROG} COMMAND --help' for a command's options.`,
    "Exit status: 0 done, 1 runtime error, 2 usage error.",
    "",
  ].join("\n");
}

/**
 * Runs the command line `argv` (without the program name) and returns the
 * exit status: 0 when done, 1 after a runtime error, 2 after a usage error.
 * Data goes to stdout; messages and errors go to stderr, without stack
 * traces.
 *
 * @param argv The arguments, e.g. `["connect", "127.0.0.1", "8080"]`.
 * @returns The exit status.
 *
 * @example
 * ```ts ignore
 * import { main } from "@pysocket/socket/cli";
 * const status = main(["resolve", "localhost", "80"]);
 * ```
 */
export function main(argv: string[]): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) out(helpText(topic, COMMANDS[topic]));
    else if (topic !== undefined) return usage(`unknown command '${topic}'`);
    else if (name === undefined) {
      writeAll(2, encoder.encode(mainHelp()));
      return 2;
    } else out(mainHelp());
    return 0;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) return usage(`unknown command '${name}'`);
  try {
    const { opts, args } = parse(cmd, rest);
    if (opts.has("help")) {
      out(helpText(name, cmd));
      return 0;
    }
    return cmd.run(opts, args);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message, name);
    say(`${PROG} ${name}: ${describeError(name, e)}`);
    return 1;
  }
}

function usage(message: string, cmd?: string): number {
  say(`${PROG}${cmd ? ` ${cmd}` : ""}: ${message}`);
  say(`Try '${PROG} ${cmd ? `${cmd} --help` : "--help"}'.`);
  return 2;
}

/** Python's `str(e)` for the module's errors; the message for anything else. */
function describeError(cmd: string, e: unknown): string {
  if (e instanceof socket.OSError) {
    const denied = e.errno === SYS.EPERM || e.errno === SYS.EACCES;
    return String(e) + (cmd === "sniff" && denied ? " (AF_PACKET needs root or CAP_NET_RAW)" : "");
  }
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

if (import.meta.main) {
  process.exit(main(process.argv.slice(2)));
}
