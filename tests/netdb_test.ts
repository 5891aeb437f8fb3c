// Tests for lib/netdb.ts: getaddrinfo, getnameinfo, the host database,
// protocols, services and interfaces, differentially against python3 (one
// process for the whole table) and directly.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { type Call, oracle, type Outcome, outcome, unavailable } from "./oracle.ts";
import { raises, RUNTIME } from "./helpers.ts";

const {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AF_UNSPEC,
  SOCK_STREAM,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_SEQPACKET,
  IPPROTO_UDP,
  IPPROTO_SCTP,
  AI_PASSIVE,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_V4MAPPED,
  AI_ALL,
  AI_ADDRCONFIG,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  NI_NAMEREQD,
  NI_DGRAM,
} = socket;
const bytes = (s: string) => new TextEncoder().encode(s);

/** A case: the function, positional arguments, keyword arguments, and whether the message must match too. */
type Case = [fn: string, args: unknown[], kwargs?: Record<string, unknown> | null, message?: boolean];

const CASES: Case[] = [
  // getaddrinfo: hosts, ports, families, every AI_* flag, errors.
  ["getaddrinfo", ["127.0.0.1", 80]],
  ["getaddrinfo", ["::1", "http", AF_INET6, SOCK_STREAM]],
  ["getaddrinfo", ["localhost", null, AF_INET]],
  ["getaddrinfo", [null, 80, AF_INET, SOCK_STREAM]],
  ["getaddrinfo", [null, 80, AF_UNSPEC, SOCK_STREAM, 0, AI_PASSIVE]],
  ["getaddrinfo", [null, "http", AF_INET6, SOCK_STREAM, 0, AI_PASSIVE]],
  ["getaddrinfo", [null, null]],
  ["getaddrinfo", ["localhost", null, AF_INET, 0, 0, AI_CANONNAME]],
  ["getaddrinfo", ["localhost", "http", 0, SOCK_STREAM, 0, AI_CANONNAME]],
  ["getaddrinfo", ["LOCALHOST", 80, 0, SOCK_STREAM, 0, AI_CANONNAME]],
  ["getaddrinfo", ["127.0.0.1", 0, 0, SOCK_STREAM, 0, AI_CANONNAME]],
  ["getaddrinfo", [null, 80, 0, SOCK_STREAM, 0, AI_CANONNAME]],
  ["getaddrinfo", ["localhost", 80, 0, SOCK_STREAM, 0, AI_NUMERICHOST]],
  ["getaddrinfo", ["127.1", 80, 0, SOCK_STREAM, 0, AI_NUMERICHOST]],
  ["getaddrinfo", ["127.0.0.1", "http", 0, SOCK_STREAM, 0, AI_NUMERICSERV]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, SOCK_STREAM, 0, AI_V4MAPPED]],
  ["getaddrinfo", ["127.0.0.1", 80, AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED]],
  ["getaddrinfo", ["127.0.0.1", 80, AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED | AI_ALL]],
  ["getaddrinfo", ["localhost", 80, 0, SOCK_STREAM, 0, AI_ADDRCONFIG]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, SOCK_STREAM, 0, AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE | AI_CANONNAME]],
  ["getaddrinfo", ["::1", 80, 0, SOCK_STREAM, 0, AI_CANONNAME]],
  ["getaddrinfo", ["127.0.0.1", 80, 12345]],
  ["getaddrinfo", ["127.0.0.1", 80, AF_UNIX]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, 12345]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, 0, 0, 0x10000]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, 0, 0, -1]],
  ["getaddrinfo", ["fe80::1%lo", 80, AF_INET6, SOCK_STREAM]],
  ["getaddrinfo", ["fe80::1%1", 80, AF_INET6, SOCK_STREAM, 0, AI_NUMERICHOST]],
  ["getaddrinfo", ["fe80::1%nonexist", 80, AF_INET6, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", 80.5]],
  ["getaddrinfo", ["127.0.0.1", true]],
  ["getaddrinfo", ["127.0.0.1", -1]],
  ["getaddrinfo", ["127.0.0.1", 65536, 0, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", 2 ** 31]],
  ["getaddrinfo", ["127.0.0.1", 2n ** 64n, 0, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", "nosuchservice", 0, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", "", 0, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", " 80", 0, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", "8\0", 0, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", []]],
  ["getaddrinfo", [1, 80]],
  ["getaddrinfo", ["a\0b", 80]],
  ["getaddrinfo", ["127.0.0.1\0x", 80, 0, SOCK_STREAM]],
  ["getaddrinfo", [bytes("127.0.0.1"), bytes("80"), 0, SOCK_STREAM]],
  ["getaddrinfo", [new Uint8Array([0xff]), 80, 0, SOCK_STREAM]],
  ["getaddrinfo", ["a".repeat(64) + ".com", 80]],
  ["getaddrinfo", ["a..b", 80]],
  ["getaddrinfo", [".a", 80]],
  ["getaddrinfo", ["a".repeat(64), 80]],
  ["getaddrinfo", ["bücher.invalid", 80]],
  ["getaddrinfo", ["nonexistent.invalid", 80]],
  ["getaddrinfo", ["", 80, 0, SOCK_STREAM]],
  ["getaddrinfo", ["1", 80, 0, SOCK_STREAM]],
  ["getaddrinfo", ["0x7f.1", 80, 0, SOCK_STREAM]],
  ["getaddrinfo", ["::ffff:1.2.3.4", 80, 0, SOCK_STREAM]],
  ["getaddrinfo", ["::1", 80, AF_INET, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", 80, AF_INET6, SOCK_STREAM]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, SOCK_SEQPACKET]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, SOCK_RAW]],
  ["getaddrinfo", ["127.0.0.1", null, 0, SOCK_RAW, 255]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, SOCK_STREAM, 255]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, 0, IPPROTO_SCTP]],
  ["getaddrinfo", ["127.0.0.1", 80, 0, 0, IPPROTO_UDP]],
  ["getaddrinfo", ["127.0.0.1", 80, 2 ** 31]],
  ["getaddrinfo", ["127.0.0.1", 80, "x"]],
  ["getaddrinfo", ["127.0.0.1", 80], { family: AF_INET, proto: IPPROTO_UDP }],
  ["getaddrinfo", ["127.0.0.1", 80], { type: SOCK_STREAM, flags: AI_NUMERICHOST }],
  ["getaddrinfo", ["127.0.0.1", 80], { foo: 1 }],
  ["getaddrinfo", ["127.0.0.1", 80, 0], { family: 2 }],
  ["getaddrinfo", ["127.0.0.1", 80, 0, 0, 0, 0, 0]],
  ["getaddrinfo", ["127.0.0.1"]],
  // getnameinfo
  ["getnameinfo", [["127.0.0.1", 80], 0]],
  ["getnameinfo", [["127.0.0.1", 80], NI_NUMERICHOST | NI_NUMERICSERV]],
  ["getnameinfo", [["127.0.0.1", 80], NI_NUMERICHOST]],
  ["getnameinfo", [["127.0.0.1", 53], NI_DGRAM]],
  ["getnameinfo", [["127.0.0.1", 12345], 0]],
  ["getnameinfo", [["127.0.0.1", 0], NI_NUMERICSERV]],
  ["getnameinfo", [["::1", 80], NI_NUMERICHOST]],
  ["getnameinfo", [["::1", 80, 0, 0], 0]],
  ["getnameinfo", [["fe80::1", 80, 0, 1], NI_NUMERICHOST]],
  ["getnameinfo", [["fe80::1%lo", 80], NI_NUMERICHOST]],
  ["getnameinfo", [["fe80::1", 80, 0, 9999], NI_NUMERICHOST]],
  ["getnameinfo", [["ff02::1", 80, 0, 1], NI_NUMERICHOST]],
  ["getnameinfo", [["::ffff:127.0.0.1", 80], NI_NUMERICHOST]],
  ["getnameinfo", [["0x7f.1", 80], NI_NUMERICHOST]],
  ["getnameinfo", [["127.0.0.1", 80, 0, 0], 0]],
  ["getnameinfo", [["127.0.0.1"], 0]],
  ["getnameinfo", [["127.0.0.1", 80, 1, 2, 3], 0]],
  ["getnameinfo", [["127.0.0.1", "80"], 0]],
  ["getnameinfo", [["127.0.0.1", null], 0]],
  ["getnameinfo", [[1, 80], 0]],
  ["getnameinfo", [[bytes("127.0.0.1"), 80], 0]],
  ["getnameinfo", [["a\0b", 80], 0]],
  ["getnameinfo", [null, 0]],
  ["getnameinfo", [["127.0.0.1", 70000], 0]],
  ["getnameinfo", [["127.0.0.1", -1], 0]],
  ["getnameinfo", [["127.0.0.1", 2 ** 31], 0]],
  ["getnameinfo", [["127.0.0.1", true], 0]],
  ["getnameinfo", [["::1", 80, 0x100000], 0]],
  ["getnameinfo", [["::1", 80, -1], 0]],
  ["getnameinfo", [["::1", 80, 2 ** 33], 0]],
  ["getnameinfo", [["::1", 80, 0, -1], 0]],
  ["getnameinfo", [["::1", 80, 0, 2 ** 32], 0]],
  ["getnameinfo", [["::1", 80, "x"], 0]],
  ["getnameinfo", [["localhost", 80], 0]],
  ["getnameinfo", [["", 80], 0]],
  ["getnameinfo", [["127.0.0.1", 80], NI_NAMEREQD]],
  ["getnameinfo", [["10.1.2.3", 80], NI_NAMEREQD]],
  ["getnameinfo", [["127.0.0.1", 80], -1]],
  ["getnameinfo", [["127.0.0.1", 80], "x"]],
  ["getnameinfo", [["127.0.0.1", 80], 2 ** 31]],
  ["getnameinfo", [["127.0.0.1", 80]]],
  // The host database.
  ["gethostbyname", ["localhost"]],
  ["gethostbyname", [""]],
  ["gethostbyname", ["<broadcast>"]],
  ["gethostbyname", ["255.255.255.255"]],
  ["gethostbyname", ["1"]],
  ["gethostbyname", ["::1"]],
  ["gethostbyname", ["a\0b"]],
  ["gethostbyname", [bytes("a\0b")]],
  ["gethostbyname", [bytes("localhost")]],
  ["gethostbyname", [1]],
  ["gethostbyname", ["nonexistent.invalid"]],
  ["gethostbyname", ["a..b"]],
  ["gethostbyname", []],
  ["gethostbyname_ex", ["localhost"]],
  ["gethostbyname_ex", ["127.0.0.1"]],
  ["gethostbyname_ex", [""]],
  ["gethostbyname_ex", ["::1"]],
  ["gethostbyname_ex", ["nonexistent.invalid"]],
  ["gethostbyname_ex", ["<broadcast>"]],
  ["gethostbyname_ex", [1]],
  ["gethostbyaddr", ["127.0.0.1"]],
  ["gethostbyaddr", ["localhost"]],
  ["gethostbyaddr", ["::1"]],
  ["gethostbyaddr", ["10.1.2.3"]],
  ["gethostbyaddr", [""]],
  ["gethostbyaddr", ["nonexistent.invalid"]],
  ["gethostbyaddr", ["fe80::1%lo"]],
  ["gethostbyaddr", ["<broadcast>"]],
  ["gethostbyaddr", ["a\0b"]],
  ["gethostbyaddr", [1]],
  ["gethostname", []],
  ["gethostname", [1]],
  ["getfqdn", []],
  ["getfqdn", ["localhost"]],
  ["getfqdn", ["127.0.0.1"]],
  ["getfqdn", [""]],
  ["getfqdn", ["  "]],
  ["getfqdn", ["0.0.0.0"]],
  ["getfqdn", ["::"]],
  ["getfqdn", [" localhost\n"]],
  ["getfqdn", ["nonexistent.invalid"]],
  ["getfqdn", ["10.1.2.3"]],
  // Protocols and services.
  ["getprotobyname", ["tcp"]],
  ["getprotobyname", ["udp"]],
  ["getprotobyname", ["icmp"]],
  ["getprotobyname", ["TCP"]],
  ["getprotobyname", ["nope"]],
  ["getprotobyname", [bytes("tcp")]],
  ["getprotobyname", ["a\0b"]],
  ["getprotobyname", [1]],
  ["getprotobyname", []],
  ["getservbyname", ["http"]],
  ["getservbyname", ["http", "tcp"]],
  ["getservbyname", ["http", "udp"]],
  ["getservbyname", ["domain", "udp"]],
  ["getservbyname", ["nope"]],
  ["getservbyname", ["http", "nope"]],
  ["getservbyname", [bytes("http")]],
  ["getservbyname", ["ht\0tp"]],
  ["getservbyname", ["http", null]],
  ["getservbyname", [1]],
  ["getservbyname", []],
  ["getservbyname", ["http", "tcp", 1]],
  ["getservbyport", [80]],
  ["getservbyport", [80, "tcp"]],
  ["getservbyport", [53, "udp"]],
  ["getservbyport", [1]],
  ["getservbyport", [true]],
  ["getservbyport", [0]],
  ["getservbyport", [65535]],
  ["getservbyport", [65536]],
  ["getservbyport", [-1]],
  ["getservbyport", [2 ** 31]],
  ["getservbyport", [80.5]],
  ["getservbyport", ["80"]],
  ["getservbyport", [80, null]],
  ["getservbyport", [80, 1]],
  ["getservbyport", []],
  ["getservbyport", [80, "tcp", 1]],
  // Interfaces.
  ["if_nameindex", []],
  ["if_nameindex", [1]],
  ["if_nametoindex", ["lo"]],
  ["if_nametoindex", [bytes("lo")]],
  ["if_nametoindex", ["nope"]],
  ["if_nametoindex", [""]],
  ["if_nametoindex", ["x".repeat(100)]],
  ["if_nametoindex", ["l\0o"]],
  ["if_nametoindex", [1]],
  ["if_nametoindex", []],
  ["if_indextoname", [1]],
  ["if_indextoname", [true]],
  ["if_indextoname", [0]],
  ["if_indextoname", [9999]],
  ["if_indextoname", [-1]],
  ["if_indextoname", [2 ** 31]],
  ["if_indextoname", [2 ** 32]],
  ["if_indextoname", [2 ** 32 + 1]],
  ["if_indextoname", [2n ** 64n]],
  ["if_indextoname", ["1"]],
  ["if_indextoname", [1.5]],
  ["if_indextoname", []],
  // Argument checks of sethostname (no call reaches the kernel).
  ["sethostname", []],
  ["sethostname", [1]],
  ["sethostname", ["a\0b"]],
];

const ours = socket as unknown as Record<string, (...args: unknown[]) => unknown>;

function show(fn: string, args: unknown[], kwargs?: Record<string, unknown> | null): string {
  const text = (a: unknown): string =>
    typeof a === "bigint"
      ? `${a}n`
      : a instanceof Uint8Array
      ? `b${JSON.stringify(new TextDecoder().decode(a))}`
      : JSON.stringify(a);
  return `${fn}(${[...args.map(text), ...(kwargs ? [text(kwargs)] : [])].join(", ")})`;
}

function differences(cases: readonly Case[], expected: Outcome[]): string[] {
  const diffs: string[] = [];
  cases.forEach(([fn, args, kwargs, withMessage = true], i) => {
    const got = outcome(() => ours[fn](...args, ...(kwargs ? [kwargs] : [])));
    const want = expected[i];
    const call = show(fn, args, kwargs);
    if ("error" in want) {
      if (!("error" in got) || got.error !== want.error) {
        diffs.push(`${call}: python raised ${want.error}: ${want.message}; we gave ${JSON.stringify(got)}`);
      } else if (withMessage && (got.message !== want.message || got.errno !== want.errno)) {
        diffs.push(
          `${call}: message ${JSON.stringify(got.message)} (errno ${got.errno}), python ${
            JSON.stringify(want.message)
          } (errno ${want.errno})`,
        );
      }
    } else if (!("value" in got)) {
      diffs.push(`${call}: python returned ${JSON.stringify(want.value)}; we raised ${got.error}: ${got.message}`);
    } else {
      try {
        assert.deepEqual(got.value, want.value);
      } catch {
        diffs.push(`${call}: python returned ${JSON.stringify(want.value)}; we returned ${JSON.stringify(got.value)}`);
      }
    }
  });
  return diffs;
}

function skipWithoutPython(t: { skip(message?: string): void }): boolean {
  const why = unavailable();
  if (why === null) return false;
  console.log(`skipped: ${why}`);
  t.skip(why);
  return true;
}

test("name services: every case of the table behaves as python3's socket module", (t) => {
  if (skipWithoutPython(t)) return;
  const expected = oracle(CASES.map(([fn, args, kwargs]): Call => ({ fn, args, kwargs: kwargs ?? undefined })))!;
  assert.equal(expected.length, CASES.length);
  assert.deepEqual(differences(CASES, expected), []);
});

test("getaddrinfo() returns AddressFamily and SocketKind members and frees nothing twice", () => {
  const res = socket.getaddrinfo("127.0.0.1", 80, AF_INET, SOCK_STREAM);
  assert.deepEqual(res, [[AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]]]);
  assert.equal(socket.AddressFamily[res[0][0]], "AF_INET");
  assert.equal(socket.SocketKind[res[0][1]], "SOCK_STREAM");
  // Many calls in a row: results are independent arrays, every list freed.
  for (let i = 0; i < 2000; i++) socket.getaddrinfo("::1", i, AF_INET6, SOCK_DGRAM);
  assert.deepEqual(socket.getaddrinfo("::1", 7, AF_INET6, SOCK_DGRAM)[0][4], ["::1", 7, 0, 0]);
});

test("getaddrinfo() gives a scoped link-local address the interface's index as scope_id", () => {
  const lo = socket.if_nametoindex("lo");
  const [[family, , , , addr]] = socket.getaddrinfo("fe80::1%lo", 80, AF_INET6, SOCK_STREAM);
  assert.equal(family, AF_INET6);
  assert.deepEqual(addr, ["fe80::1", 80, 0, lo]);
  const [host] = socket.getnameinfo(["fe80::1", 80, 0, lo], socket.NI_NUMERICHOST);
  assert.equal(host, "fe80::1%lo");
});

test("getaddrinfo() with AI_CANONNAME fills canonname; AI_NUMERICHOST refuses names with EAI_NONAME", () => {
  const [[, , , canon]] = socket.getaddrinfo("localhost", 80, AF_INET, SOCK_STREAM, 0, AI_CANONNAME);
  assert.equal(canon, "localhost");
  raises(socket.gaierror, () => socket.getaddrinfo("localhost", 80, 0, 0, 0, AI_NUMERICHOST), {
    errno: socket.EAI_NONAME,
  });
  raises(socket.gaierror, () => socket.getaddrinfo("127.0.0.1", 80, 12345), { errno: socket.EAI_FAMILY });
});

test("gethostbyname_ex()/gethostbyaddr() return [name, aliases, addresses]; herror carries h_errno", () => {
  const [name, aliases, addrs] = socket.gethostbyname_ex("localhost");
  assert.equal(name, "localhost");
  assert.ok(Array.isArray(aliases));
  assert.ok(addrs.includes("127.0.0.1"));
  const [, , back] = socket.gethostbyaddr("127.0.0.1");
  assert.deepEqual(back, ["127.0.0.1"]);
  const e = raises(socket.herror, () => socket.gethostbyaddr("10.1.2.3"));
  assert.ok(e instanceof socket.OSError);
  assert.equal(typeof e.errno, "number");
  assert.equal(String(e), `[Errno ${e.errno}] ${e.strerror}`);
});

test("getservbyname()/getservbyport()/getprotobyname() read the system databases", () => {
  assert.equal(socket.getservbyname("http", "tcp"), 80);
  assert.equal(socket.getservbyport(socket.getservbyname("ssh")), "ssh");
  assert.equal(socket.getprotobyname("udp"), socket.IPPROTO_UDP);
  raises(socket.OverflowError, () => socket.getservbyport(65536), { message: "getservbyport: port must be 0-65535." });
  raises(socket.OSError, () => socket.getservbyname("no-such-service"), { message: "service/proto not found" });
});

test("if_nameindex(), if_nametoindex() and if_indextoname() agree", () => {
  const all = socket.if_nameindex();
  assert.ok(all.length > 0);
  for (const [index, name] of all) {
    assert.equal(socket.if_nametoindex(name), index);
    assert.equal(socket.if_indextoname(index), name);
  }
  raises(socket.OSError, () => socket.if_nametoindex("no-such-if"), { message: "no interface with this name" });
  raises(socket.OSError, () => socket.if_indextoname(0), { errno: SYS.ENXIO });
});

test("getfqdn() follows Lib/socket.py: this host for '', the first dotted alias, else the name", () => {
  assert.equal(socket.getfqdn(""), socket.getfqdn(socket.gethostname()));
  assert.equal(socket.getfqdn("nonexistent.invalid"), "nonexistent.invalid");
  assert.equal(socket.getfqdn("  nonexistent.invalid  "), "nonexistent.invalid");
});

test("sethostname() round trip inside a private UTS namespace (the real host name is never touched)", (t) => {
  // Changing the host name of this machine would affect every other process
  // (tests running in parallel read it): run the round trip in a child
  // process started by unshare(1) in a UTS namespace of its own.
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const probe = root ? spawnSync("unshare", ["--uts", "true"]) : null;
  if (!root || probe?.error || probe?.status !== 0) {
    const why = !root ? "not root" : "unshare --uts is not available here";
    console.log(`skipped: ${why}`);
    t.skip(why);
    return;
  }
  const mod = fileURLToPath(new URL("../mod.ts", import.meta.url));
  const script = `
    import * as socket from ${JSON.stringify(mod)};
    const original = socket.gethostname();
    let seen;
    try {
      socket.sethostname("pysocket-test");
      seen = socket.gethostname();
      socket.sethostname(new TextEncoder().encode("pysocket-bytes"));
      seen += "," + socket.gethostname();
    } finally {
      socket.sethostname(original);
    }
    let tooLong;
    try { socket.sethostname("x".repeat(100)); } catch (e) { tooLong = e.name + ":" + e.errno; }
    console.log(JSON.stringify({ seen, restored: socket.gethostname() === original, tooLong }));
  `;
  const runner = RUNTIME === "deno" ? [process.execPath, "eval", script] : [process.execPath, "-e", script];
  const before = socket.gethostname();
  const r = spawnSync("unshare", ["--uts", ...runner], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), {
    seen: "pysocket-test,pysocket-bytes",
    restored: true,
    tooLong: "OSError:22",
  });
  assert.equal(socket.gethostname(), before);
});
