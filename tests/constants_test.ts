// Tests for lib/constants.ts and the generated tables of ffi/gen/.
// Runs under both runtimes: `deno test -A tests/constants_test.ts` and
// `bun test tests/constants_test.ts`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as socket from "../lib/constants.ts";
import { CONSTANTS, LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { ARCH, OS } from "../ffi/platform.ts";
import * as linuxShared from "../ffi/gen/linux.ts";
import * as linuxX8664Own from "../ffi/gen/linux_x86_64.ts";
import * as linuxAarch64Own from "../ffi/gen/linux_aarch64.ts";
import * as darwinShared from "../ffi/gen/darwin.ts";
import * as darwinX8664Own from "../ffi/gen/darwin_x86_64.ts";
import * as darwinAarch64Own from "../ffi/gen/darwin_aarch64.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const exported = socket as unknown as Record<string, unknown>;

type Part = { readonly [T in "CONSTANTS" | "SYS" | "LAYOUT"]: Readonly<Record<string, number>> };

/** One platform's tables as ffi/gen/mod.ts builds them: its OS's shared file, its own file over it. */
function merged(shared: Part, own: Part): Part {
  return {
    CONSTANTS: { ...shared.CONSTANTS, ...own.CONSTANTS },
    SYS: { ...shared.SYS, ...own.SYS },
    LAYOUT: { ...shared.LAYOUT, ...own.LAYOUT },
  };
}

const linuxX8664 = merged(linuxShared, linuxX8664Own);
const linuxAarch64 = merged(linuxShared, linuxAarch64Own);
const darwinX8664 = merged(darwinShared, darwinX8664Own);
const darwinAarch64 = merged(darwinShared, darwinAarch64Own);

const PLATFORMS = {
  linux_x86_64: linuxX8664,
  linux_aarch64: linuxAarch64,
  darwin_x86_64: darwinX8664,
  darwin_aarch64: darwinAarch64,
} as const;

/** Each OS's shared file and its architectures' own files, as tools/gen.ts merged them. */
const MERGES = [
  { os: "linux", shared: linuxShared, own: { x86_64: linuxX8664Own, aarch64: linuxAarch64Own } },
  { os: "darwin", shared: darwinShared, own: { x86_64: darwinX8664Own, aarch64: darwinAarch64Own } },
] as const;

/** Runs python3 with a script and parses its JSON output; null if python3 is absent. */
function python(script: string): unknown {
  try {
    const out = execFileSync("python3", ["-c", script], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw e;
  }
}

/** Skips a test, printing why (Deno's node:test reports a skip as "ok"). */
function skip(t: { skip(message?: string): void }, reason: string): void {
  console.log(`skipped: ${reason}`);
  t.skip(reason);
}

function have(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("constants: every uppercase int of python3's socket module equals our export", (t) => {
  const py = python(
    "import socket, json\n" +
      "print(json.dumps({n: getattr(socket, n) for n in dir(socket)\n" +
      "  if n.isupper() and isinstance(getattr(socket, n), int)\n" +
      "  and not isinstance(getattr(socket, n), bool)}))",
  ) as Record<string, number> | null;
  if (py === null) {
    skip(t, "python3 not found");
    return;
  }
  const wrong: string[] = [];
  for (const [name, value] of Object.entries(py)) {
    if (exported[name] !== value) {
      wrong.push(`${name}: python3 ${value}, ours ${exported[name]}`);
    }
  }
  assert.deepEqual(wrong, []);
  const extra = Object.keys(CONSTANTS).filter((n) => !(n in py));
  if (extra.length) {
    console.log(
      `constants: ${extra.length} names this python3 lacks (later CPython, BlueZ): ${extra.join(" ")}`,
    );
  }
});

test("constants: each export is this platform's CONSTANTS value, or undefined where it lacks the name", () => {
  for (const [name, value] of Object.entries(exported)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || name.startsWith("BDADDR_A") || name === "BDADDR_LOCAL") continue;
    assert.equal(value, (CONSTANTS as Readonly<Record<string, number>>)[name], name);
  }
  for (const name of Object.keys(CONSTANTS)) {
    assert.equal(typeof exported[name], "number", `${name} is not exported`);
  }
  assert.equal(socket.BDADDR_ANY, "00:00:00:00:00:00");
  assert.equal(socket.BDADDR_LOCAL, "00:00:00:FF:FF:FF");
  assert.equal(socket.has_ipv6, true);
  assert.equal(socket.EWOULDBLOCK, socket.EAGAIN);
  assert.equal(socket.EBADF, SYS.EBADF);
});

test("AddressFamily, SocketKind, MsgFlag, AddressInfo: reverse-map as CPython's str() names members", (t) => {
  assert.equal(socket.AddressFamily.AF_INET, socket.AF_INET);
  assert.equal(socket.AddressFamily[socket.AF_INET], "AF_INET");
  assert.equal(socket.AddressFamily[socket.AF_INET6], "AF_INET6");
  assert.equal(socket.AddressFamily[socket.AF_UNIX], "AF_UNIX");
  assert.equal(socket.SocketKind[socket.SOCK_STREAM], "SOCK_STREAM");
  assert.equal(socket.SocketKind[socket.SOCK_DGRAM], "SOCK_DGRAM");
  assert.equal(socket.MsgFlag[socket.MSG_PEEK], "MSG_PEEK");
  assert.equal(socket.AddressInfo[socket.AI_PASSIVE], "AI_PASSIVE");
  if (OS === "linux") {
    // AF_ROUTE is AF_NETLINK's alias: IntEnum keeps the name that sorts first.
    assert.equal(socket.AddressFamily.AF_ROUTE, 16);
    assert.equal(socket.AddressFamily[16], "AF_NETLINK");
    assert.equal(socket.SocketKind[socket.SOCK_CLOEXEC], "SOCK_CLOEXEC");
  }
  // Members the platform lacks are absent, and no "undefined" key is left.
  for (const e of [socket.AddressFamily, socket.SocketKind, socket.MsgFlag, socket.AddressInfo]) {
    const obj = e as unknown as Record<string, unknown>;
    assert.equal("undefined" in obj, false);
    for (const [k, v] of Object.entries(obj)) {
      if (/^\d+$/.test(k)) {
        assert.equal(obj[v as string], Number(k), `${k} -> ${v}`);
      } else {
        assert.equal(v, (CONSTANTS as Readonly<Record<string, number>>)[k], k);
      }
    }
  }

  const py = python(
    "import socket, json\n" +
      "print(json.dumps({c.__name__: {int(m): m.name for m in c.__members__.values()}\n" +
      "  for c in (socket.AddressFamily, socket.SocketKind, socket.MsgFlag, socket.AddressInfo)}))",
  ) as Record<string, Record<string, string>> | null;
  if (py === null) {
    skip(t, "python3 not found");
    return;
  }
  const ours: Record<string, Record<string, unknown>> = {
    AddressFamily: socket.AddressFamily as unknown as Record<string, unknown>,
    SocketKind: socket.SocketKind as unknown as Record<string, unknown>,
    MsgFlag: socket.MsgFlag as unknown as Record<string, unknown>,
    AddressInfo: socket.AddressInfo as unknown as Record<string, unknown>,
  };
  for (const [cls, members] of Object.entries(py)) {
    for (const [value, name] of Object.entries(members)) {
      assert.equal(ours[cls][value], name, `${cls}(${value}).name`);
    }
  }
});

/** Splits LAYOUT into struct sizes and fields, and checks every field lies inside its struct. */
function checkLayout(where: string, layout: Readonly<Record<string, number>>): void {
  const sizes = Object.keys(layout).filter((k) => k.startsWith("SIZEOF_") && !(`OFF_${k.slice(7)}` in layout)).map((
    k,
  ) => k.slice(7));
  for (const [key, offset] of Object.entries(layout)) {
    if (!key.startsWith("OFF_")) continue;
    const path = key.slice(4);
    const struct = sizes.filter((s) => path.startsWith(`${s}_`))
      .sort((a, b) => b.length - a.length)[0];
    assert.ok(struct !== undefined, `${where}: no SIZEOF_ for ${key}`);
    const size = layout[`SIZEOF_${struct}`];
    const fieldSize = layout[`SIZEOF_${path}`] ?? 0; // a flexible array has none
    assert.ok(Number.isInteger(offset) && offset >= 0, `${where}: ${key}`);
    assert.ok(offset + fieldSize <= size, `${where}: ${key} ${offset}+${fieldSize} > SIZEOF_${struct} ${size}`);
  }
}

test("LAYOUT: every field of every platform lies inside its struct", () => {
  for (const [where, p] of Object.entries(PLATFORMS)) checkLayout(where, p.LAYOUT);
});

test("LAYOUT: sockaddr sizes and the sa_len flag match each platform's ABI", () => {
  for (const [where, p] of Object.entries(PLATFORMS)) {
    const L = p.LAYOUT;
    const darwin = where.startsWith("darwin");
    assert.equal(L.HAS_SA_LEN, darwin ? 1 : 0, where);
    assert.equal(L.SIZEOF_SOCKADDR, 16, where);
    assert.equal(L.SIZEOF_SOCKADDR_IN, 16, where);
    assert.equal(L.SIZEOF_SOCKADDR_IN6, 28, where);
    assert.equal(L.SIZEOF_SOCKADDR_STORAGE, 128, where);
    assert.equal(L.SIZEOF_SOCKADDR_UN, darwin ? 106 : 110, where);
    assert.equal(L.OFF_SOCKADDR_UN_SUN_PATH, 2, where);
    assert.equal(L.OFF_SOCKADDR_IN_SIN_PORT, 2, where);
    assert.equal(L.OFF_SOCKADDR_IN_SIN_ADDR, 4, where);
    assert.equal(L.OFF_SOCKADDR_IN6_SIN6_ADDR, 8, where);
    assert.equal(L.SIZEOF_POINTER, 8, where);
    assert.equal(L.CMSG_ALIGN_UNIT, darwin ? 4 : 8, where);
    assert.equal(L.CMSG_DATA_OFFSET, darwin ? 12 : 16, where);
    assert.equal(L.OFF_ADDRINFO_AI_ADDR, darwin ? 32 : 24, where);
    assert.equal(L.OFF_ADDRINFO_AI_CANONNAME, darwin ? 24 : 32, where);
  }
  assert.equal(linuxX8664.LAYOUT.SIZEOF_EPOLL_EVENT, 12);
  assert.equal(linuxX8664.LAYOUT.OFF_EPOLL_EVENT_DATA, 4);
  assert.equal(linuxAarch64.LAYOUT.SIZEOF_EPOLL_EVENT, 16);
  assert.equal(linuxAarch64.LAYOUT.OFF_EPOLL_EVENT_DATA, 8);
  assert.equal(darwinAarch64.LAYOUT.SIZEOF_KEVENT, 32);
  assert.equal(darwinAarch64.LAYOUT.SIZEOF_SOCKADDR_VM, 12);
  assert.equal(linuxX8664.LAYOUT.SIZEOF_SOCKADDR_VM, 16);
  assert.equal(linuxX8664.LAYOUT.SIZEOF_SOCKADDR_L2, 14);
  assert.equal(linuxX8664.LAYOUT.SIZEOF_SOCKADDR_RC, 10);
  assert.equal(linuxX8664.LAYOUT.SIZEOF_SOCKADDR_HCI, 6);
  assert.equal(linuxX8664.LAYOUT.SIZEOF_SOCKADDR_SCO, 8);
  assert.equal(linuxX8664.LAYOUT.OFF_SOCKADDR_CAN_CAN_ADDR_J1939_NAME, 8);
});

test("platform tables: frozen, integers only, and macOS lacks the Linux-only names", () => {
  for (const table of [CONSTANTS, SYS, LAYOUT]) assert.ok(Object.isFrozen(table));
  for (const [where, p] of Object.entries(PLATFORMS)) {
    for (const table of [p.CONSTANTS, p.SYS, p.LAYOUT]) {
      for (const [k, v] of Object.entries(table)) assert.ok(Number.isSafeInteger(v), `${where} ${k}`);
    }
  }
  for (const d of [darwinX8664, darwinAarch64]) {
    for (const name of ["AF_NETLINK", "AF_PACKET", "SOCK_NONBLOCK", "MSG_CMSG_CLOEXEC", "TCP_KEEPIDLE", "AF_CAN"]) {
      assert.equal(name in d.CONSTANTS, false, name);
    }
    assert.equal(d.CONSTANTS.AF_INET6, 30);
    assert.equal(d.SYS.EAGAIN, 35);
    assert.equal("EPOLLIN" in d.SYS, false);
    assert.equal(d.SYS.EV_ADD, 1);
  }
  assert.deepEqual(darwinX8664.CONSTANTS, darwinAarch64.CONSTANTS);
  assert.deepEqual(linuxX8664.CONSTANTS, linuxAarch64.CONSTANTS);
  assert.deepEqual(linuxX8664.SYS, linuxAarch64.SYS);
  // ffi/gen/mod.ts picked this platform.
  const here = PLATFORMS[`${OS}_${ARCH}` as keyof typeof PLATFORMS];
  assert.deepEqual({ ...CONSTANTS }, here.CONSTANTS);
  assert.deepEqual({ ...SYS }, here.SYS);
  assert.deepEqual({ ...LAYOUT }, here.LAYOUT);
});

test("ffi/gen: <os>.ts holds every value all its architectures share, <os>_<arch>.ts only what differs", () => {
  for (const { os, shared, own } of MERGES) {
    const arches = Object.entries(own) as [string, Part][];
    for (const table of ["CONSTANTS", "SYS", "LAYOUT"] as const) {
      for (const [arch, part] of arches) {
        for (const [name, value] of Object.entries(part[table])) {
          const where = `${os}_${arch} ${table}.${name}`;
          assert.equal(name in shared[table], false, `${where} is also in ${os}.ts`);
          const everywhere = arches.every(([, other]) => other[table][name] === value);
          assert.equal(everywhere, false, `${where} = ${value} on every architecture: it belongs in ${os}.ts`);
        }
      }
    }
  }
  // What differs on Linux: glibc packs struct epoll_event on x86_64 only.
  assert.deepEqual(linuxX8664Own.LAYOUT, { SIZEOF_EPOLL_EVENT: 12, OFF_EPOLL_EVENT_DATA: 4 });
  assert.deepEqual(linuxAarch64Own.LAYOUT, { SIZEOF_EPOLL_EVENT: 16, OFF_EPOLL_EVENT_DATA: 8 });
  assert.deepEqual(linuxAarch64Own.CONSTANTS, {});
  assert.deepEqual(linuxAarch64Own.SYS, {});
});

test("CONSTANTS, SYS, LAYOUT: a name no platform defines is a type error", () => {
  // Each line fails `deno check` (and tsc) without its directive; at run time the value is undefined.
  // @ts-expect-error: AF_INTE is no constant's name
  assert.equal(CONSTANTS.AF_INTE, undefined);
  // @ts-expect-error: EINTER is no errno's name
  assert.equal(SYS.EINTER, undefined);
  // @ts-expect-error: OFF_POLLFD_EVENT misses its final S
  assert.equal(LAYOUT.OFF_POLLFD_EVENT, undefined);
  const n: number = LAYOUT.OFF_POLLFD_EVENTS;
  assert.equal(n, 4);
});

test("LAYOUT: pollfd, off_t, nfds_t and the host byte order, for the code that hard-coded them", () => {
  for (const [where, p] of Object.entries(PLATFORMS)) {
    const L = p.LAYOUT;
    assert.equal(L.SIZEOF_POLLFD, 8, where);
    assert.deepEqual([L.OFF_POLLFD_FD, L.OFF_POLLFD_EVENTS, L.OFF_POLLFD_REVENTS], [0, 4, 6], where);
    assert.deepEqual([L.SIZEOF_POLLFD_FD, L.SIZEOF_POLLFD_EVENTS, L.SIZEOF_POLLFD_REVENTS], [4, 2, 2], where);
    assert.equal(L.SIZEOF_OFF_T, 8, where);
    assert.equal(L.SIZEOF_NFDS_T, where.startsWith("darwin") ? 4 : 8, where);
    assert.equal(L.HOST_LITTLE_ENDIAN, 1, where);
  }
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  assert.equal(LAYOUT.HOST_LITTLE_ENDIAN, little ? 1 : 0);
});

test("tools/gen.ts --check: the committed generated files are up to date", (t) => {
  if (OS !== "linux") {
    skip(t, `the generator runs on Linux, not ${OS}`);
    return;
  }
  if (!have("cc", ["--version"])) {
    skip(t, "cc not found");
    return;
  }
  const g = globalThis as { Deno?: { execPath(): string } };
  const local = `${ROOT}node_modules/.bin/deno`;
  const deno = g.Deno?.execPath() ?? (existsSync(local) ? local : "deno");
  if (!have(deno, ["--version"])) {
    skip(t, "deno not found");
    return;
  }
  try {
    execFileSync(deno, ["run", "-A", "tools/gen.ts", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    assert.fail(`tools/gen.ts --check failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
});
