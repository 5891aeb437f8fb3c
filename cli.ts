/**
 * `pysocket`: a small netcat built on this package, in one file. It speaks
 * every family the module supports that makes sense from a shell: TCP and UDP
 * over IPv4 and IPv6, Unix stream, datagram and seqpacket sockets (paths, or
 * abstract names written with a leading `@`), and AF_PACKET for sniffing.
 *
 * ```sh
 * deno run -A jsr:@pysocket/socket/cli connect example.org 80
 * deno run -A cli.ts listen -k -U /tmp/echo.sock -e cat
 * bun cli.ts listen -u 127.0.0.1 9000
 * bun cli.ts connect -z -v 127.0.0.1 22
 * bun cli.ts resolve localhost http
 * sudo bun cli.ts sniff --iface lo --count 10
 * ```
 *
 * Commands:
 *
 * - `connect HOST PORT` / `connect -U PATH`: connect, then copy stdin to the
 *   socket and the socket to stdout until both directions reach their end.
 *   `-z` only probes, `-s`/`-p` choose the source address and port, `-w`
 *   limits the connect, `-i` ends the copy after a silence, `-e`/`-c` put a
 *   program on the connection instead of stdin and stdout.
 * - `listen [HOST] PORT` / `listen -U PATH`: wait for a peer (a connection,
 *   or the first datagram), then copy as `connect` does. `-k` serves one
 *   client after another (with `-e`, at once); `--broker` relays what each
 *   client sends to the others. The bound address is printed on stderr
 *   (`listening on 127.0.0.1:40123`). A stale Unix socket file is removed
 *   first, and the file is removed at the end, also after SIGINT or SIGTERM.
 * - `resolve HOST [PORT]`: print `getaddrinfo()`'s table.
 * - `ifaces`: list the network interfaces (`if_nameindex()`).
 * - `sniff [--iface IF] [--count N]`: print one line per link-layer frame
 *   (AF_PACKET; needs root or CAP_NET_RAW).
 *
 * Every command takes `--help`. Data goes to stdout and nothing else does:
 * messages, errors and `--progress` reports go to stderr. Exit status: 0
 * when done (also when stdout's reader goes away, as in `| head -c 10`),
 * 1 for a runtime error, which names what failed
 * (`pysocket: connect 127.0.0.1:9: [Errno 111] Connection refused`), 2 for
 * a usage error, 128 + N after signal N; with `-e`, the program's status.
 *
 * The copy waits with the module's `sock_*` functions and the runtime's
 * asynchronous stdin and stdout, so the event loop keeps turning: signals
 * are handled, and a slow reader on one side never stalls the other.
 * Under Deno, `listen -U PATH` needs `--allow-read` besides `--allow-ffi`
 * (to see what is at the path), and `-e`/`-c` need `--allow-run`.
 *
 * @module
 */

import { lstatSync } from "node:fs";
import process from "node:process";
import { isatty } from "node:tty";
import * as socket from "./mod.ts";
import { SYS } from "./ffi/gen/mod.ts";
import { errno, libc } from "./ffi/mod.ts";
import { osErrorFrom } from "./lib/errors.ts";
import { dumpLinks, flagNames, type Link } from "./lib/rtnetlink.ts";
import { pyRepr } from "./lib/repr.ts";

const PROG = "pysocket";
const { EAGAIN, EINTR, EPIPE, ECONNRESET, ECONNREFUSED, ENOTCONN } = SYS;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---------------------------------------------------------------------------
// Errors.

/** A mistake in the command line: reported with a hint, exit status 2. */
class UsageError extends Error {}

/** Stdout's reader has gone (EPIPE): the command ends quietly, with status 0. */
class StdoutClosed extends Error {}

/** A runtime error, naming what failed: `connect 127.0.0.1:9: [Errno 111] Connection refused`. */
class Failure extends Error {}

/** Python's `str(e)` for the module's errors; the message for anything else. */
function reason(e: unknown): string {
  if (e instanceof socket.OSError) return String(e);
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** `e` as a {@linkcode Failure} of `what` (errors that already say what failed pass through). */
function failure(what: string, e: unknown): Error {
  if (e instanceof Failure || e instanceof StdoutClosed || e instanceof UsageError) return e;
  return new Failure(`${what}: ${reason(e)}`, { cause: e });
}

/** Runs `fn`; an error it throws becomes a {@linkcode Failure} of `what`. */
function naming<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw failure(what, e);
  }
}

function isPeerGone(e: unknown): boolean {
  return e instanceof socket.OSError && (e.errno === EPIPE || e.errno === ECONNRESET || e.errno === ENOTCONN);
}

// ---------------------------------------------------------------------------
// Messages and tables: written at once, straight to the descriptor, so
// nothing is lost at exit.

/** One write() of `data` to `fd`: the count written, or -1 for EAGAIN; EPIPE on stdout is {@linkcode StdoutClosed}. */
function writeSome(fd: number, data: Uint8Array): number {
  for (;;) {
    const n = libc.write(fd, data, data.length);
    if (n >= 0) return n;
    const e = errno();
    if (e === EINTR) continue;
    if (e === EAGAIN) return -1;
    if (e === EPIPE && fd === 1) throw new StdoutClosed();
    throw osErrorFrom(e);
  }
}

const NO_FDS = new Uint8Array(8);

/** Writes all of `data` to `fd` now (a descriptor a runtime made non-blocking is waited for). */
function writeAllNow(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.length;) {
    const n = writeSome(fd, data.subarray(off));
    if (n >= 0) off += n;
    else libc.poll(NO_FDS, 0, 10);
  }
}

function out(text: string): void {
  writeAllNow(1, encoder.encode(text));
}

/** A message on stderr; if stderr itself has gone, nothing. */
function say(text: string): void {
  try {
    writeAllNow(2, encoder.encode(text + "\n"));
  } catch {
    // Nowhere left to report to.
  }
}

/** Resolves after `ms`. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `p`, or a rejection with the signal's reason if it aborts first (`p` goes on). */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

// ---------------------------------------------------------------------------
// The local ends of a copy: stdin and stdout, or a program's pipes (-e),
// through the runtime's own asynchronous I/O, so the event loop never
// blocks on them.

/** Bun's globals used here (`Bun` is absent from Deno's types). */
interface BunGlobal {
  spawn(argv: string[], options: Record<string, string>): BunProcess;
  stdin: { stream(): ReadableStream<Uint8Array> };
  stdout: { writer(): BunSink };
}
interface BunSink {
  write(data: Uint8Array): unknown;
  flush(): unknown;
  end(): unknown;
}
interface BunProcess {
  stdin: BunSink;
  stdout: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  kill(): void;
}
const BUN = (globalThis as { Bun?: BunGlobal }).Bun;

/** Deno's globals used here (`Deno` is absent from Bun's types); present whenever `BUN` is not. */
interface DenoGlobal {
  stdin: { read(p: Uint8Array): Promise<number | null> };
  stdout: { write(p: Uint8Array): Promise<number> };
  Command: new (
    cmd: string,
    options: { args: string[]; stdin: "piped"; stdout: "piped"; stderr: "inherit" },
  ) => { spawn(): DenoProcess };
}
interface DenoProcess {
  stdin: WritableStream<Uint8Array>;
  stdout: ReadableStream<Uint8Array>;
  status: Promise<{ code: number }>;
  kill(signal: string): void;
}
const DENO = (globalThis as { Deno?: DenoGlobal }).Deno!;

/** Where a copy reads from: chunks until `null` at the end; an abort rejects with the signal's reason. */
interface Source {
  /** The next chunk, or `null` at the end. */
  read(signal: AbortSignal): Promise<Uint8Array | null>;
}

/** Where a copy writes to. */
interface Sink {
  /** Writes all of `data`; an abort rejects with the signal's reason. */
  write(data: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** No more data: closes a program's stdin; nothing for stdout. */
  end(): Promise<void>;
}

/**
 * A {@linkcode Source} over `pull`, which resolves with the next chunk, or
 * `null` at the end. An abort loses nothing: the pending pull is kept for
 * the next read (stdin serves one `-k` client after another). Chunks are
 * cut to at most `max` bytes (one datagram each); empty ones are skipped.
 */
function pulled(pull: () => Promise<Uint8Array | null>, max: number): Source {
  let pending: Promise<Uint8Array | null> | null = null;
  let rest: Uint8Array | null = null;
  let ended = false;
  return {
    async read(signal) {
      while (rest === null && !ended) {
        pending ??= pull();
        try {
          rest = await abortable(pending, signal);
        } catch (e) {
          if (e !== signal.reason) pending = null; // failed, rather than left for the next read
          throw e;
        }
        pending = null;
        if (rest === null) ended = true;
        else if (rest.length === 0) rest = null;
      }
      signal.throwIfAborted();
      const piece = rest?.subarray(0, max) ?? null;
      rest = rest !== null && rest.length > max ? rest.subarray(max) : null;
      return piece;
    },
  };
}

/** Reads a web `ReadableStream` (Bun's stdin, a program's stdout). */
function streamPull(stream: () => ReadableStream<Uint8Array>): () => Promise<Uint8Array | null> {
  let reader: { read(): Promise<{ value?: Uint8Array; done?: boolean }> } | null = null;
  return async () => {
    reader ??= stream().getReader();
    const { value, done } = await reader.read();
    return done || !value ? null : value;
  };
}

/** Stdin, read in chunks of at most `max` bytes. */
function stdinSource(max: number): Source {
  const pull = BUN ? streamPull(() => BUN.stdin.stream()) : async () => {
    const buf = new Uint8Array(1 << 18);
    const n = await DENO.stdin.read(buf);
    return n === null ? null : buf.subarray(0, n);
  };
  return pulled(async () => {
    try {
      return await pull();
    } catch (e) {
      throw failure("read stdin", e);
    }
  }, max);
}

/** Stdout; when its reader has gone (EPIPE), writes throw {@linkcode StdoutClosed}. */
function stdoutSink(): Sink {
  let writer: BunSink | null = null;
  const write = BUN
    ? async (data: Uint8Array) => {
      writer ??= BUN.stdout.writer();
      await writer.write(data);
      await writer.flush();
    }
    : async (data: Uint8Array) => {
      for (let off = 0; off < data.length;) off += await DENO.stdout.write(data.subarray(off));
    };
  return {
    async write(data, signal) {
      try {
        await abortable(write(data), signal);
      } catch (e) {
        if (signal?.aborted) throw e;
        if ((e as { code?: unknown })?.code === "EPIPE") throw new StdoutClosed();
        throw failure("write stdout", e);
      }
    },
    end: () => Promise.resolve(),
  };
}

/** A program run by `-e`/`-c`: its stdin and stdout are piped to the copy, its stderr is ours. */
interface Child {
  stdin: Sink;
  stdout: Source;
  /** Resolves with the exit status (128 + N after signal N). */
  status: Promise<number>;
  /** Sends SIGTERM, unless the program has ended. */
  kill(): void;
}

/** Starts `argv` with Bun.spawn or Deno.Command; `max` as for {@linkcode pulled}. */
function spawnChild(argv: string[], max: number): Child {
  return naming(`exec ${argv.join(" ")}`, () => BUN ? bunChild(argv, max) : denoChild(argv, max));
}

function bunChild(argv: string[], max: number): Child {
  const p = BUN!.spawn(argv, { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  return {
    stdin: programInput(async (data) => {
      await p.stdin.write(data);
      await p.stdin.flush();
    }, async () => void await p.stdin.end()),
    stdout: pulled(streamPull(() => p.stdout), max),
    status: p.exited,
    kill: () => p.kill(),
  };
}

function denoChild(argv: string[], max: number): Child {
  const piped = { stdin: "piped", stdout: "piped", stderr: "inherit" } as const;
  const p = new DENO.Command(argv[0], { args: argv.slice(1), ...piped }).spawn();
  const writer = p.stdin.getWriter();
  let ended = false;
  p.status.then(() => ended = true);
  return {
    stdin: programInput((data) => writer.write(data), () => writer.close()),
    stdout: pulled(streamPull(() => p.stdout), max),
    status: p.status.then((s) => s.code),
    kill: () => {
      if (!ended) p.kill("SIGTERM");
    },
  };
}

/**
 * A program's stdin. Once the program stops reading (its pipe is broken),
 * what the peer sends is dropped, as it would be if the program had read and
 * ignored it: the copy goes on until the program's output ends.
 */
function programInput(write: (data: Uint8Array) => Promise<unknown>, close: () => Promise<unknown>): Sink {
  let broken = false;
  return {
    async write(data) {
      if (broken) return;
      try {
        await write(data);
      } catch {
        broken = true;
      }
    },
    async end() {
      if (broken) return;
      broken = true;
      await close().catch(() => {});
    },
  };
}

/** The program's command line: `-e` splits CMD at spaces (no shell), `-c` runs it with `/bin/sh -c`. */
function commandLine(opts: Opts): string[] | null {
  const exec = opts.get("exec"), sh = opts.get("sh-exec");
  if (exec !== undefined && sh !== undefined) throw new UsageError("-e and -c exclude each other");
  if (typeof sh === "string") return ["/bin/sh", "-c", sh];
  if (typeof exec !== "string") return null;
  const argv = exec.split(/\s+/).filter((w) => w !== "");
  if (argv.length === 0) throw new UsageError("--exec wants a command");
  return argv;
}

// ---------------------------------------------------------------------------
// Cleaning up when a signal ends the command.

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
const atSignal = new Set<() => void>();
let signalsTrapped = false;

/**
 * Runs `fn` if SIGINT, SIGTERM or SIGHUP ends the command (which then exits
 * with 128 + the signal's number). The handlers are installed on first use,
 * so that a command with nothing to clean up dies of the signal as usual.
 * Returns a function that cancels the registration.
 */
function onSignal(fn: () => void): () => void {
  if (!signalsTrapped) {
    signalsTrapped = true;
    for (const [name, n] of Object.entries(SIGNALS)) {
      process.on(name, () => {
        for (const f of atSignal) {
          try {
            f();
          } catch {
            // Clean up what can be; the exit must happen.
          }
        }
        process.exit(128 + n);
      });
    }
  }
  atSignal.add(fn);
  return () => atSignal.delete(fn);
}

// ---------------------------------------------------------------------------
// Command lines.

type Opts = Map<string, string | true>;

interface Option {
  name: string;
  short?: string;
  /** The value's placeholder, for options that take one. */
  value?: string;
  help: string;
  /** One command line that uses the option. */
  example: string;
}

interface Command {
  synopsis: string[];
  summary: string;
  details?: string;
  options: Option[];
  run(opts: Opts, args: string[]): number | Promise<number>;
}

const HELP: Option = { name: "help", short: "h", help: "show this help and exit", example: `${PROG} listen --help` };
const IDLE: Option = {
  name: "idle-timeout",
  short: "i",
  value: "SECONDS",
  help: "end the copy when no data has passed either way for SECONDS",
  example: `${PROG} connect -i 30 127.0.0.1 8080`,
};
const TIMEOUT: Option = {
  name: "timeout",
  value: "SECONDS",
  help: "-w and -i together (the option of earlier versions)",
  example: `${PROG} connect -u --timeout 2 127.0.0.1 53`,
};
const FAMILY_OPTIONS: Option[] = [
  { name: "ipv4", short: "4", help: "IPv4 only", example: `${PROG} connect -4 localhost 8080` },
  { name: "ipv6", short: "6", help: "IPv6 only", example: `${PROG} listen -6 ::1 8080` },
  {
    name: "udp",
    short: "u",
    help: "UDP; with -U, a Unix datagram socket",
    example: `${PROG} listen -u 127.0.0.1 5353`,
  },
  {
    name: "unix",
    short: "U",
    help: "a Unix socket: PATH, or @NAME for an abstract name",
    example: `${PROG} connect -U /run/app.sock`,
  },
  { name: "seqpacket", help: "with -U, a SOCK_SEQPACKET socket", example: `${PROG} listen -U --seqpacket @sp` },
];
const COPY_OPTIONS: Option[] = [
  IDLE,
  TIMEOUT,
  {
    name: "exec",
    short: "e",
    value: "CMD",
    help: "run CMD (split at spaces, no shell) with its stdin and stdout on the connection; exit with its status",
    example: `${PROG} listen -k 127.0.0.1 7007 -e cat`,
  },
  {
    name: "sh-exec",
    short: "c",
    value: "CMD",
    help: "as -e, but run CMD with /bin/sh -c",
    example: `${PROG} connect -c 'tr a-z A-Z' 127.0.0.1 7007`,
  },
  {
    name: "count",
    value: "N",
    help: "datagram sockets: end after receiving N datagrams",
    example: `${PROG} connect -u --count 1 127.0.0.1 5353`,
  },
  {
    name: "progress",
    help: "report bytes sent and received, and the rate, every second (stderr)",
    example: `${PROG} connect --progress 127.0.0.1 8080 < big.iso`,
  },
  {
    name: "verbose",
    short: "v",
    help: "report addresses, probes and idle ends (stderr)",
    example: `${PROG} connect -v 127.0.0.1 8080`,
  },
  HELP,
];
const CONNECT_OPTIONS: Option[] = [
  ...FAMILY_OPTIONS,
  {
    name: "zero",
    short: "z",
    help: "probe: connect and close without sending; status 0 if the port is open, 1 if not",
    example: `${PROG} connect -z -v 127.0.0.1 22`,
  },
  {
    name: "source",
    short: "s",
    value: "ADDR",
    help: "bind to the source address ADDR before connecting (with -U: a PATH or @NAME)",
    example: `${PROG} connect -s 127.0.0.2 127.0.0.1 8080`,
  },
  {
    name: "source-port",
    short: "p",
    value: "PORT",
    help: "bind to the source port PORT before connecting",
    example: `${PROG} connect -p 40000 127.0.0.1 8080`,
  },
  {
    name: "wait",
    short: "w",
    value: "SECONDS",
    help: "give up connecting after SECONDS (the connect timeout)",
    example: `${PROG} connect -w 3 192.0.2.1 80`,
  },
  ...COPY_OPTIONS,
];
const LISTEN_OPTIONS: Option[] = [
  ...FAMILY_OPTIONS,
  {
    name: "keep-open",
    short: "k",
    help: "serve clients one after another (with -e or -c: at once) until interrupted",
    example: `${PROG} listen -k 127.0.0.1 8080`,
  },
  {
    name: "broker",
    help: "serve clients at once and send what each one sends to all the others",
    example: `${PROG} listen --broker 127.0.0.1 4000`,
  },
  {
    name: "source",
    short: "s",
    value: "ADDR",
    help: "the address to listen on (as the HOST argument)",
    example: `${PROG} listen -s 127.0.0.1 -p 8080`,
  },
  {
    name: "source-port",
    short: "p",
    value: "PORT",
    help: "the port to listen on (as the PORT argument)",
    example: `${PROG} listen -p 8080`,
  },
  {
    name: "wait",
    short: "w",
    value: "SECONDS",
    help: "give up if no peer comes within SECONDS",
    example: `${PROG} listen -w 10 127.0.0.1 8080`,
  },
  ...COPY_OPTIONS,
];

function parse(cmd: Command, argv: string[]): { opts: Opts; args: string[] } {
  const opts: Opts = new Map();
  const args: string[] = [];
  const byName = new Map(cmd.options.map((o) => [o.name, o]));
  const byShort = new Map(cmd.options.filter((o) => o.short).map((o) => [o.short!, o]));
  const set = (o: Option, inline: string | undefined, i: number): number => {
    if (o.value === undefined) {
      if (inline !== undefined) throw new UsageError(`option '--${o.name}' takes no value`);
      opts.set(o.name, true);
      return i;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new UsageError(`option '--${o.name}' needs a value (${o.value})`);
    opts.set(o.name, v);
    return i;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const o = byName.get(a.slice(2, eq < 0 ? undefined : eq));
      if (!o) throw new UsageError(`unknown option '${a}'`);
      i = set(o, eq >= 0 ? a.slice(eq + 1) : undefined, i);
    } else if (a.startsWith("-") && a.length > 1) {
      // A cluster of short options; one that takes a value takes the rest (`-w5`) or the next argument.
      for (let j = 1; j < a.length; j++) {
        const o = byShort.get(a[j]);
        if (!o) throw new UsageError(`unknown option '-${a[j]}'`);
        const rest = a.slice(j + 1);
        i = set(o, o.value !== undefined && rest !== "" ? rest : undefined, i);
        if (o.value !== undefined) break;
      }
    } else {
      args.push(a);
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
  cmd.options.forEach((o, i) => {
    lines.push(`  ${left[i].padEnd(width)}${o.help}`);
    lines.push(`  ${"".padEnd(width)}e.g. ${o.example}`);
  });
  return lines.join("\n") + "\n";
}

function positiveNumber(opts: Opts, name: string, integer: boolean): number | null {
  const v = opts.get(name);
  if (v === undefined) return null;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} wants a positive ${integer ? "integer" : "number"}, not '${v}'`);
  }
  return n;
}

/** A number of seconds from option `name`, or else from `--timeout`. */
function seconds(opts: Opts, name: string): number | null {
  return positiveNumber(opts, name, false) ?? positiveNumber(opts, "timeout", false);
}

function family(opts: Opts): number {
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

function portArg(p: string): string {
  if (p === "") throw new UsageError("the port must not be empty");
  if (/^\d+$/.test(p) && Number(p) > 65535) throw new UsageError(`port ${p} is out of range (0-65535)`);
  return p;
}

// ---------------------------------------------------------------------------
// The copy.

interface Endpoint {
  unix: boolean;
  type: number;
  family: number;
  /** `-w`: the connect timeout (listen: how long to wait for the first peer). */
  wait: number | null;
  /** `-i`: the idle timeout of a copy. */
  idle: number | null;
  count: number | null;
  progress: boolean;
  verbose: boolean;
  /** `-e`/`-c`: the program to run on each connection. */
  exec: string[] | null;
}

function endpoint(opts: Opts): Endpoint {
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
    wait: seconds(opts, "wait"),
    idle: seconds(opts, "idle-timeout"),
    count,
    progress: opts.has("progress"),
    verbose: opts.has("verbose"),
    exec: commandLine(opts),
  };
}

/**
 * When a copy ends: once both directions have ended, once the peer has
 * (serving stdin to one client of `-k` after another, or reading a
 * terminal), or once the local side has (a program's output, with `-e`).
 */
type Until = "both" | "net" | "local";

/** The local side of a copy. */
interface Local {
  /** What is sent to the peer; `null` sends nothing. */
  source: Source | null;
  /** Where what the peer sends goes. */
  sink: Sink;
  until: Until;
}

/** The largest chunk sent at once: a datagram's payload (65507 for UDP); for a stream, any. */
function chunkLimit(s: socket.SocketType, ep: Endpoint): number {
  if (ep.type !== socket.SOCK_DGRAM) return Infinity;
  return s.family === socket.AF_UNIX ? 65536 : 65507;
}

/** Stdin and stdout: one of each per process, read and written by each `-k` client in turn. */
let stdin: Source | null = null, stdout: Sink | null = null;

/** Stdin and stdout, as the local side of a copy of `s`. */
function stdio(s: socket.SocketType, ep: Endpoint, until?: Until): Local {
  return {
    source: stdin ??= stdinSource(chunkLimit(s, ep)),
    sink: stdout ??= stdoutSink(),
    // At the peer's end, a terminal on stdin is not waited for.
    until: until ?? (ep.type !== socket.SOCK_DGRAM && isatty(0) ? "net" : "both"),
  };
}

function human(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) [n, i] = [n / 1024, i + 1];
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** Counts a copy's bytes, reports them each second with `--progress`, and ends the copy after `-i` idle. */
class Meter {
  sent = 0;
  got = 0;
  #last = performance.now();
  #start = this.#last;
  #lastTotal = 0;
  #lastTime = this.#start;
  #progress?: ReturnType<typeof setInterval>;
  #idle?: ReturnType<typeof setTimeout>;

  constructor(readonly ep: Endpoint, stop: AbortController) {
    if (ep.progress) this.#progress = setInterval(() => this.report(false), 1000);
    const idle = ep.idle;
    if (idle === null) return;
    const check = () => {
      const left = this.#last + idle * 1000 - performance.now();
      if (left > 0) return void (this.#idle = setTimeout(check, left));
      if (ep.verbose) say(`idle for ${idle} s: closing`);
      stop.abort();
    };
    this.#idle = setTimeout(check, idle * 1000);
  }

  /** Data moved: `n` bytes out (`up`) or in. */
  moved(n: number, up: boolean): void {
    if (up) this.sent += n;
    else this.got += n;
    this.#last = performance.now();
  }

  /** Bytes/s over the last interval, or over the whole copy at the end. */
  report(final: boolean): void {
    const now = performance.now(), total = this.sent + this.got;
    const rate = final
      ? total / Math.max(now - this.#start, 1) * 1000
      : (total - this.#lastTotal) / Math.max(now - this.#lastTime, 1) * 1000;
    [this.#lastTotal, this.#lastTime] = [total, now];
    const done = final ? "done: " : "";
    say(`${done}sent ${human(this.sent)}, received ${human(this.got)}, ${human(Math.round(rate))}/s`);
  }

  stop(): void {
    clearInterval(this.#progress);
    clearTimeout(this.#idle);
    if (this.ep.progress) this.report(true);
  }
}

/** The peer of `s` for messages; an unconnected datagram socket's own address. */
function peerName(s: socket.SocketType): string {
  try {
    return show(s.getpeername());
  } catch {
    return show(s.getsockname());
  }
}

/**
 * Copies `local.source` to `s` and `s` to `local.sink` until `local.until`
 * says the copy is over, or `-i` finds it idle. At the end of the source, a
 * connection is shut down for writing; at the peer's end, the sink is ended.
 * `first` is a datagram already received, written to the sink first.
 * A peer that resets or goes away ends its direction, not the command.
 */
async function relay(s: socket.SocketType, local: Local, ep: Endpoint, first: Uint8Array | null = null): Promise<void> {
  const stream = ep.type !== socket.SOCK_DGRAM;
  const peer = peerName(s);
  const stop = new AbortController();
  const { signal } = stop;
  const meter = new Meter(ep, stop);

  const down = async () => {
    const buf = new Uint8Array(1 << 18);
    let received = 0;
    if (first !== null) {
      received++;
      meter.moved(first.length, false);
      await local.sink.write(first, signal);
    }
    while (ep.count === null || received < ep.count) {
      let n: number;
      try {
        n = await socket.sock_recv_into(s, buf, { signal });
      } catch (e) {
        if (signal.aborted) return;
        if (!stream || !isPeerGone(e)) throw failure(`recv ${peer}`, e); // a connected UDP socket: ECONNREFUSED
        n = 0;
      }
      if (n === 0 && stream) break;
      received++;
      meter.moved(n, false);
      await local.sink.write(buf.subarray(0, n), signal);
    }
    await local.sink.end();
  };

  const up = async () => {
    if (local.source === null) return;
    for (;;) {
      const chunk = await local.source.read(signal);
      if (chunk === null) break;
      try {
        await socket.sock_sendall(s, chunk, { signal });
      } catch (e) {
        if (signal.aborted || isPeerGone(e)) return; // Gone: nothing more can be sent.
        throw failure(`send ${peer}`, e);
      }
      meter.moved(chunk.length, true);
    }
    if (!stream) return;
    try {
      s.shutdown(socket.SHUT_WR);
    } catch (e) {
      if (!isPeerGone(e)) throw failure(`shutdown ${peer}`, e);
    }
  };

  let error: unknown = null;
  const run = (pump: () => Promise<void>) =>
    pump().catch((e) => {
      if (!signal.aborted || e !== signal.reason) error ??= e;
      stop.abort();
    });
  const [d, u] = [run(down), run(up)];
  await Promise.all(local.until === "both" ? [d, u] : local.until === "net" ? [d] : [u]);
  stop.abort(); // the other direction, if it is still going
  await Promise.all([d, u]);
  meter.stop();
  if (error !== null) throw error;
}

/**
 * Runs the `-e`/`-c` program on `s` until its output ends; the program is
 * stopped (SIGTERM) if the command is interrupted, if the copy fails, or if
 * it is still running a second after the copy ends. Returns its status.
 */
async function execSession(s: socket.SocketType, ep: Endpoint, first: Uint8Array | null = null): Promise<number> {
  const child = spawnChild(ep.exec!, chunkLimit(s, ep));
  const forget = onSignal(() => child.kill());
  try {
    await relay(s, { source: child.stdout, sink: child.stdin, until: "local" }, ep, first);
    await child.stdin.end();
    const late = await Promise.race([child.status, sleep(1000).then(() => null)]);
    if (late !== null) return late;
    child.kill();
    return await child.status;
  } catch (e) {
    child.kill();
    throw e;
  } finally {
    forget();
  }
}

/** Runs `fn` with a signal that aborts after `seconds`; an error it throws becomes a Failure of `what`. */
async function within<T>(seconds: number | null, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const timer = seconds === null
    ? undefined
    : setTimeout(() => ac.abort(new socket.timeout("timed out")), seconds * 1000);
  try {
    return await fn(ac.signal);
  } catch (e) {
    // sock_connect words a failure as asyncio does ("Connect call failed ..."); say it as connect() would.
    const plain = e instanceof socket.OSError && !(e instanceof socket.gaierror) && e.errno !== null;
    throw failure(what, plain ? osErrorFrom(e.errno!) : e);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------
// connect and listen.

/** Opens a non-blocking socket for each `getaddrinfo` result until `use` succeeds; raises the last error. */
async function firstOf(
  host: string | null,
  port: string,
  ep: Endpoint,
  passive: boolean,
  use: (s: socket.SocketType, sa: socket.Address) => void | Promise<void>,
): Promise<socket.SocketType> {
  const flags = passive ? socket.AI_PASSIVE : 0;
  const infos = naming(
    `getaddrinfo ${host ?? "*"} ${port}`,
    () => socket.getaddrinfo(host, port, ep.family, ep.type, 0, flags),
  );
  let last: unknown = new Failure(`getaddrinfo ${host} ${port}: no address`);
  for (const [af, type, proto, , sa] of infos) {
    let s: socket.SocketType;
    try {
      s = socket.socket(af, type, proto);
      s.setblocking(false);
    } catch (e) {
      last = failure(`socket ${socket.AddressFamily[af]}`, e);
      continue;
    }
    try {
      await use(s, sa);
      return s;
    } catch (e) {
      s.close();
      last = e;
    }
  }
  throw last;
}

/** `-s ADDR` and `-p PORT`. */
interface Origin {
  host: string | null;
  port: string | null;
}

function sourceOf(opts: Opts): Origin {
  const host = opts.get("source"), port = opts.get("source-port");
  if (host === "") throw new UsageError("--source wants an address");
  return { host: typeof host === "string" ? host : null, port: typeof port === "string" ? portArg(port) : null };
}

/** Binds `s` to the source address and port of `-s`/`-p` (a port given: with SO_REUSEADDR, as nc does). */
function bindSource(s: socket.SocketType, src: Origin): void {
  const host = src.host ?? (s.family === socket.AF_INET6 ? "::" : "0.0.0.0");
  const port = src.port ?? "0";
  const [[, , , , sa]] = naming(
    `getaddrinfo ${host} ${port}`,
    () => socket.getaddrinfo(host, port, s.family, s.type, 0, socket.AI_PASSIVE),
  );
  naming(`bind ${show(sa)}`, () => {
    if (src.port !== null) s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    s.bind(sa);
  });
}

/** Connects `s` within `-w`; a failure names the peer. */
function connectWithin(s: socket.SocketType, addr: socket.Address, ep: Endpoint): Promise<void> {
  return within(ep.wait, `connect ${show(addr)}`, (signal) => socket.sock_connect(s, addr, { signal }));
}

/** The connected, non-blocking socket of `connect`. */
async function dial(ep: Endpoint, args: string[], src: Origin): Promise<socket.SocketType> {
  if (!ep.unix) {
    if (args.length !== 2) throw new UsageError("connect wants two arguments: HOST PORT");
    return await firstOf(args[0], portArg(args[1]), ep, false, async (s, sa) => {
      if (src.host !== null || src.port !== null) bindSource(s, src);
      await connectWithin(s, sa, ep);
    });
  }
  if (args.length !== 1) throw new UsageError("connect -U wants one argument: PATH or @NAME");
  if (src.port !== null) throw new UsageError("-p does not apply to Unix sockets (-U); -s names the source");
  const name = unixName(args[0]);
  // A datagram client binds an autobound (abstract) name, so the peer can reply.
  const from = src.host !== null ? unixName(src.host) : ep.type === socket.SOCK_DGRAM ? "" : null;
  const s = socket.socket(socket.AF_UNIX, ep.type);
  try {
    s.setblocking(false);
    if (from !== null) naming(`bind ${from === "" ? "(autobind)" : show(from)}`, () => s.bind(from));
    await connectWithin(s, name, ep);
    return s;
  } catch (e) {
    s.close();
    throw e;
  }
}

async function connectCmd(opts: Opts, args: string[]): Promise<number> {
  const ep = endpoint(opts);
  const probe = opts.has("zero");
  if (probe && ep.type === socket.SOCK_DGRAM) {
    throw new UsageError("-z probes stream sockets: a datagram socket cannot tell without sending");
  }
  if (probe && ep.exec) throw new UsageError("-z and -e exclude each other");
  using s = await dial(ep, args, sourceOf(opts));
  if (probe) {
    if (ep.verbose) say(`${show(s.getpeername())} is open`);
    return 0;
  }
  if (ep.verbose) say(`connected to ${show(s.getpeername())} from ${show(s.getsockname())}`);
  if (ep.exec) return await execSession(s, ep);
  await relay(s, stdio(s, ep), ep);
  return 0;
}

/**
 * Prepares `path` for bind(): a socket file there that nobody accepts on
 * (connect() is refused) is stale and removed. Any other kind of file is
 * refused and left alone; a live socket is left for bind() to report.
 */
function clearStale(path: string, type: number, verbose: boolean): void {
  const st = naming(`listen ${path}`, () => lstatSync(path, { throwIfNoEntry: false }));
  if (st === undefined) return;
  if (!st.isSocket()) {
    const kind = st.isFile()
      ? "a regular file"
      : st.isDirectory()
      ? "a directory"
      : st.isSymbolicLink()
      ? "a symbolic link"
      : st.isFIFO()
      ? "a FIFO"
      : "a device file";
    throw new Failure(`listen ${path}: [Errno 98] Address already in use (${kind}, not a socket: left alone)`);
  }
  using probe = socket.socket(socket.AF_UNIX, type);
  probe.setblocking(false);
  try {
    probe.connect(path);
  } catch (e) {
    if (!(e instanceof socket.OSError) || e.errno !== ECONNREFUSED) return;
    libc.unlink(encoder.encode(path + "\0"));
    if (verbose) say(`removed the stale socket ${path}`);
  }
}

/**
 * Removes the socket file `path` made by bind(), if it is still that file
 * (another listener may have replaced it), now or when a signal ends the
 * command. Returns the function that removes it.
 */
function removeAtEnd(path: string): () => void {
  const made = lstatSync(path, { throwIfNoEntry: false });
  const remove = () => {
    const now = lstatSync(path, { throwIfNoEntry: false });
    // Through libc, so that the CLI needs no --allow-write; a file already gone is fine.
    if (now?.isSocket() && now.ino === made?.ino && now.dev === made.dev) libc.unlink(encoder.encode(path + "\0"));
  };
  const forget = onSignal(remove);
  return () => {
    forget();
    remove();
  };
}

/** Binds (and for streams, listens on) the address of `listen`; returns the socket and what to do at the end. */
async function openListener(
  ep: Endpoint,
  opts: Opts,
  args: string[],
  backlog: number,
): Promise<{ listener: socket.SocketType; cleanup: () => void }> {
  const stream = ep.type !== socket.SOCK_DGRAM;
  if (!ep.unix) {
    const [host, port] = listenAddress(opts, args);
    const listener = await firstOf(host, portArg(port), ep, true, (s, sa) =>
      naming(`listen ${show(sa)}`, () => {
        if (ep.type === socket.SOCK_STREAM) s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
        s.bind(sa);
        if (stream) s.listen(backlog);
      }));
    return { listener, cleanup: () => {} };
  }
  if (args.length !== 1) throw new UsageError("listen -U wants one argument: PATH or @NAME");
  if (opts.has("source") || opts.has("source-port")) throw new UsageError("-s and -p do not apply to -U");
  const name = unixName(args[0]);
  const path = name.startsWith("\0") ? null : name;
  if (path !== null) clearStale(path, ep.type, ep.verbose);
  const listener = socket.socket(socket.AF_UNIX, ep.type);
  let cleanup = () => {};
  try {
    listener.setblocking(false);
    naming(`listen ${show(name)}`, () => listener.bind(name));
    if (path !== null) cleanup = removeAtEnd(path);
    if (stream) naming(`listen ${show(name)}`, () => listener.listen(backlog));
    return { listener, cleanup };
  } catch (e) {
    listener.close();
    cleanup();
    throw e;
  }
}

/** `[HOST] PORT`, or `-s HOST` and `-p PORT` as ncat takes them. */
function listenAddress(opts: Opts, args: string[]): [string | null, string] {
  const { host, port } = sourceOf(opts);
  if (host === null && port === null) {
    if (args.length < 1 || args.length > 2) throw new UsageError("listen wants [HOST] PORT");
    return args.length === 2 ? [args[0], args[1]] : [null, args[0]];
  }
  if (args.length !== 0) throw new UsageError("give the address as [HOST] PORT or with -s/-p, not both");
  return [host, port ?? "0"];
}

async function listenCmd(opts: Opts, args: string[]): Promise<number> {
  const ep = endpoint(opts);
  const keep = opts.has("keep-open"), broker = opts.has("broker");
  if (broker && ep.exec) throw new UsageError("--broker and -e exclude each other");
  if ((keep || broker) && ep.type === socket.SOCK_DGRAM) {
    throw new UsageError("-k and --broker serve connections: not for datagram sockets (-u)");
  }
  const { listener, cleanup } = await openListener(ep, opts, args, keep || broker ? 64 : 1);
  try {
    const here = show(listener.getsockname());
    say(`listening on ${here}`);
    if (ep.type === socket.SOCK_DGRAM) return await answerFirst(listener, ep, here);
    const accept = (wait: number | null) =>
      within(wait, `accept ${here}`, (signal) => socket.sock_accept(listener, { signal }));
    if (broker) return await runBroker(accept, ep);
    if (keep) return await keepOpen(accept, ep);
    const [conn, from] = await accept(ep.wait);
    using _conn = conn;
    listener.close(); // one peer: others are refused from now on
    if (ep.verbose) say(`connection from ${show(from)}`);
    if (ep.exec) return await execSession(conn, ep);
    await relay(conn, stdio(conn, ep), ep);
    return 0;
  } finally {
    listener.close();
    cleanup();
  }
}

type Accept = (wait: number | null) => Promise<[socket.SocketType, socket.AnyAddress | null]>;

/**
 * `-k`: serves one client after another with stdin and stdout (each copy
 * ends with its client), or, with `-e`, every client at once, each with its
 * own program. A client's failure is reported and ends that client only.
 */
async function keepOpen(accept: Accept, ep: Endpoint): Promise<number> {
  for (let first = true;; first = false) {
    const [conn, from] = await accept(first ? ep.wait : null);
    if (ep.verbose) say(`connection from ${show(from)}`);
    if (ep.exec) {
      void serveOne(conn, () => execSession(conn, ep));
      continue;
    }
    await serveOne(conn, () => relay(conn, stdio(conn, ep, "net"), ep));
  }
}

/** Runs one client of `-k` or `--broker`; its errors are reported, only stdout's end goes further. */
async function serveOne(conn: socket.SocketType, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof StdoutClosed) throw e;
    say(`${PROG}: ${reason(e)}`);
  } finally {
    conn.close();
  }
}

/** `--broker`: every client at once; what one sends goes to all the others, each in order. */
async function runBroker(accept: Accept, ep: Endpoint): Promise<number> {
  const clients = new Map<socket.SocketType, Promise<unknown>>(); // each client's queue of sends
  const fanOut = (from: socket.SocketType, data: Uint8Array) =>
    Promise.all(
      [...clients].filter(([c]) => c !== from).map(([c, queue]) => {
        const next = queue.then(() => socket.sock_sendall(c, data)).catch(() => {}); // a gone client leaves
        clients.set(c, next);
        return next;
      }),
    );
  for (let first = true;; first = false) {
    const [conn, from] = await accept(first ? ep.wait : null);
    if (ep.verbose) say(`connection from ${show(from)}`);
    clients.set(conn, Promise.resolve());
    void serveOne(conn, async () => {
      const buf = new Uint8Array(1 << 16);
      try {
        for (let n; (n = await socket.sock_recv_into(conn, buf)) > 0;) await fanOut(conn, buf.slice(0, n));
      } catch (e) {
        if (!isPeerGone(e)) throw failure(`recv ${show(from)}`, e);
      } finally {
        clients.delete(conn);
        if (ep.verbose) say(`${show(from)} left`);
      }
    });
  }
}

/** A datagram listener answers the sender of the first datagram (and only it). */
async function answerFirst(listener: socket.SocketType, ep: Endpoint, here: string): Promise<number> {
  const [data, from] = await within(
    ep.wait,
    `recvfrom ${here}`,
    (signal) => socket.sock_recvfrom(listener, 65536, { signal }),
  );
  if (ep.verbose) say(`datagram from ${show(from)}`);
  const canReply = from !== null && from !== "" && !(from instanceof Uint8Array && from.length === 0);
  if (canReply) naming(`connect ${show(from)}`, () => listener.connect(from));
  else if (ep.verbose) say("the sender has no address: nothing is sent back");
  if (ep.exec && canReply) return await execSession(listener, ep, data);
  const local = stdio(listener, ep);
  await relay(listener, canReply ? local : { ...local, source: null }, ep, data);
  return 0;
}

// ---------------------------------------------------------------------------
// resolve, ifaces, sniff.

function resolveCmd(opts: Opts, args: string[]): number {
  if (args.length < 1 || args.length > 2) throw new UsageError("resolve wants HOST [PORT]");
  if (opts.has("udp") && opts.has("tcp")) throw new UsageError("--tcp and -u exclude each other");
  const type = opts.has("udp") ? socket.SOCK_DGRAM : opts.has("tcp") ? socket.SOCK_STREAM : 0;
  const flags = opts.has("canonname") ? socket.AI_CANONNAME : 0;
  const infos = naming(
    `getaddrinfo ${args[0]} ${args[1] ?? ""}`.trimEnd(),
    () => socket.getaddrinfo(args[0], args[1] ?? null, family(opts), type, 0, flags),
  );
  const rows = infos.map((
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

function ifacesCmd(_opts: Opts, args: string[]): number {
  if (args.length !== 0) throw new UsageError("ifaces takes no arguments");
  const links = netlinkLinks();
  const rows = naming("if_nameindex", () => socket.if_nameindex()).map(([index, name]) => {
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

function sniffCmd(opts: Opts, args: string[]): number {
  if (args.length !== 0) throw new UsageError("sniff takes no arguments (use --iface IF)");
  const count = positiveNumber(opts, "count", true);
  const timeout = positiveNumber(opts, "timeout", false);
  const iface = opts.get("iface");
  if (iface === "") throw new UsageError("--iface wants an interface name");
  const ETH_P_ALL = socket.ETH_P_ALL;
  using s = naming("socket AF_PACKET", () => {
    try {
      return socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL));
    } catch (e) {
      const denied = e instanceof socket.OSError && (e.errno === SYS.EPERM || e.errno === SYS.EACCES);
      throw denied ? new Failure(`${reason(e)} (AF_PACKET needs root or CAP_NET_RAW)`) : e;
    }
  });
  if (typeof iface === "string") naming(`bind ${iface}`, () => s.bind([iface, ETH_P_ALL]));
  s.settimeout(timeout);
  for (let n = 0; count === null || n < count; n++) {
    const [frame, addr] = naming(`recvfrom ${iface ?? "(every interface)"}`, () => s.recvfrom(65536));
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
      "until --count datagrams arrived, -i found them idle, or they are interrupted.\n" +
      "-w limits the connect only; -i ends the copy after a silence in both directions.",
    options: CONNECT_OPTIONS,
    run: connectCmd,
  },
  listen: {
    synopsis: ["[options] [HOST] PORT", "[options] -s HOST -p PORT", "[options] -U PATH|@NAME"],
    summary: "Wait for a peer, then copy stdin to it and what it sends to stdout.",
    details: "The bound address goes to stderr first (`listening on 127.0.0.1:40123`), so port 0 works.\n" +
      "Streams accept one connection (-k: one after another); datagram sockets answer the sender of\n" +
      "the first datagram. A stale Unix socket file at PATH (nobody accepts on it) is removed first;\n" +
      "any other file there is left alone and reported. The socket file is removed when listen\n" +
      "ends, also on SIGINT, SIGTERM and SIGHUP.",
    options: LISTEN_OPTIONS,
    run: listenCmd,
  },
  resolve: {
    synopsis: ["[options] HOST [PORT]"],
    summary: "Print the table getaddrinfo() returns for HOST (and PORT, a number or a service name).",
    options: [
      { name: "ipv4", short: "4", help: "IPv4 addresses only", example: `${PROG} resolve -4 localhost` },
      { name: "ipv6", short: "6", help: "IPv6 addresses only", example: `${PROG} resolve -6 localhost` },
      { name: "tcp", short: "t", help: "SOCK_STREAM rows only", example: `${PROG} resolve -t localhost http` },
      { name: "udp", short: "u", help: "SOCK_DGRAM rows only", example: `${PROG} resolve -u localhost domain` },
      {
        name: "canonname",
        help: "ask for the canonical name (AI_CANONNAME)",
        example: `${PROG} resolve --canonname localhost`,
      },
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
      {
        name: "iface",
        value: "IF",
        help: "capture on IF only (default: every interface)",
        example: "sniff --iface lo",
      },
      { name: "count", value: "N", help: "stop after N frames", example: `${PROG} sniff --count 10` },
      {
        name: "timeout",
        value: "SECONDS",
        help: "fail if no frame arrives for SECONDS",
        example: `${PROG} sniff --timeout 5`,
      },
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
    "Exit status: 0 done (also when stdout's reader has gone), 1 runtime error, 2 usage error,",
    "128+N after signal N; with -e or -c, the program's status.",
    "",
    helpText("connect", COMMANDS.connect),
    helpText("listen", COMMANDS.listen),
  ].join("\n");
}

/**
 * Runs the command line `argv` (without the program name) and resolves to
 * the exit status: 0 when done (also when stdout's reader has gone away),
 * 1 after a runtime error, 2 after a usage error, or the status of the
 * `-e` program. Data goes to stdout; messages and errors go to stderr,
 * without stack traces, each error naming what failed
 * (`pysocket: connect 127.0.0.1:9: [Errno 111] Connection refused`).
 *
 * @param argv The arguments, e.g. `["connect", "127.0.0.1", "8080"]`.
 * @returns The exit status.
 *
 * @example
 * ```ts ignore
 * import { main } from "@pysocket/socket/cli";
 * const status = await main(["resolve", "localhost", "80"]);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof StdoutClosed) return 0; // as cat and nc do when the reader goes away
    throw e;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) out(helpText(topic, COMMANDS[topic]));
    else if (topic !== undefined) return usage(`unknown command '${topic}'`);
    else if (name === undefined) {
      writeAllNow(2, encoder.encode(mainHelp()));
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
    return await cmd.run(opts, args);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message, name);
    if (e instanceof StdoutClosed) throw e;
    say(`${PROG}: ${reason(e)}`);
    return 1;
  }
}

function usage(message: string, cmd?: string): number {
  say(`${PROG}${cmd ? ` ${cmd}` : ""}: ${message}`);
  say(`Try '${PROG} ${cmd ? `${cmd} --help` : "--help"}'.`);
  return 2;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
