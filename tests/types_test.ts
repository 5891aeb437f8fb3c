// Type tests for the public types (issue 15 item 4): lib/addr/types.ts, the
// family constants (`Family<"AF_INET">`), `SocketType<F>`, `socket()`,
// `create_server()`, `create_connection()` and `getaddrinfo()`.
// `deno check tests/types_test.ts` and `tsc -p tsconfig.bun.json` are the
// real test: every line under `// @ts-expect-error` must fail to type-check
// (else the directive itself is an error), and every other line must check.
// The node:test cases run the idioms on real loopback sockets, so the file
// also runs under both runtimes; the misuses sit in functions never called.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { CONSTANTS, LAYOUT, SYS } from "../ffi/gen/mod.ts";
import type {
  Address,
  AlgAddress,
  CanIsotpAddress,
  HciAddress,
  Inet6Address,
  Inet6AddressResult,
  InetAddress,
  InetAddressResult,
  J1939Address,
  NetlinkAddress,
  PacketAddress,
  PacketAddressResult,
  TipcAddress,
  UnixAddress,
  UnixAddressResult,
  VsockAddress,
} from "../mod.ts";

/** `T` and `U` are the same type: `true`, else `false`. */
type Same<T, U> = (<V>() => V extends T ? 1 : 2) extends (<V>() => V extends U ? 1 : 2) ? true : false;
/** Compiles only when given `true`. */
function expectType<T extends true>(_ok: T): void {}

test("types: socket(AF_INET, SOCK_STREAM) infers its family; Python's idioms check and run", () => {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  expectType<Same<typeof srv, socket.SocketType<"AF_INET">>>(true);
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  const [host, port] = srv.getsockname();
  const h: string = host, p: number = port;
  assert.equal(h, "127.0.0.1");
  using cli = socket.create_connection(srv.getsockname());
  const [conn, [ch, cp]] = srv.accept();
  using _conn = conn;
  expectType<Same<typeof conn, socket.SocketType<"AF_INET">>>(true);
  assert.deepEqual([ch, cp], cli.getsockname().slice(0, 2));
  assert.equal(cli.getpeername()[1], p);
  const back: InetAddressResult = conn.getsockname();
  const again: InetAddress = back;
  assert.deepEqual(again, ["127.0.0.1", p]);
});

test("types: socket() with no family is AF_INET; a plain number family gives the loose socket", () => {
  using s = socket.socket();
  expectType<Same<typeof s, socket.SocketType<"AF_INET">>>(true);
  using s2 = socket.socket(undefined, socket.SOCK_DGRAM);
  expectType<Same<typeof s2, socket.SocketType<"AF_INET">>>(true);
  const fam: number = socket.AF_INET;
  using loose = socket.socket(fam, socket.SOCK_DGRAM);
  expectType<Same<typeof loose, socket.SocketType>>(true);
  loose.bind(["127.0.0.1", 0]);
  const name = loose.getsockname();
  assert.ok(Array.isArray(name));
  using e = socket.socket(socket.AddressFamily.AF_INET, socket.SocketKind.SOCK_DGRAM);
  expectType<Same<typeof e, socket.SocketType>>(true);
  assert.equal(e.family, socket.AddressFamily.AF_INET);
  using k = socket.socket({ family: socket.AF_INET, type: socket.SOCK_DGRAM });
  assert.equal(k.type, socket.SOCK_DGRAM);
  // A typed socket is a SocketType wherever one is taken.
  const any: socket.SocketType = s;
  assert.equal(any.family, socket.AF_INET);
});

test("types: AF_INET6, AF_UNIX and UDP results carry their family's shape", () => {
  using six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  expectType<Same<ReturnType<typeof six.getsockname>, Inet6AddressResult>>(true);
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.sendto(new Uint8Array([1]), rx.getsockname());
  const [data, from] = rx.recvfrom(16);
  assert.equal(data[0], 1);
  assert.ok(from !== null);
  const [fromHost] = from;
  assert.equal(fromHost, "127.0.0.1");
  const [a, b] = socket.socketpair();
  using _a = a, _b = b;
  expectType<Same<typeof a, socket.SocketType<"AF_UNIX">>>(true);
  const pairName: UnixAddressResult = b.getpeername();
  assert.equal(pairName, "");
  const fam: number = socket.AF_UNIX;
  const [la, lb] = socket.socketpair(fam);
  using _la = la, _lb = lb;
  expectType<Same<typeof la, socket.SocketType>>(true);
  using u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const name: UnixAddressResult = u.getsockname();
  assert.equal(name, "");
});

test("types: create_server and getaddrinfo results feed create_connection", () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  expectType<Same<typeof srv, socket.SocketType<"AF_INET">>>(true);
  using c = socket.create_connection(srv.getsockname(), { timeout: 5 });
  expectType<Same<typeof c, socket.SocketType<"AF_INET" | "AF_INET6">>>(true);
  const [peerHost, peerPort] = c.getpeername();
  assert.deepEqual([peerHost, peerPort], srv.getsockname());
  const [[family, , , , sa]] = socket.getaddrinfo(
    "127.0.0.1",
    srv.getsockname()[1],
    socket.AF_INET,
    socket.SOCK_STREAM,
  );
  assert.equal(family, socket.AF_INET);
  using c2 = socket.create_connection([sa[0], sa[1]]);
  assert.equal(c2.getpeername()[1], srv.getsockname()[1]);
  srv.accept()[0].close();
  srv.accept()[0].close();
  assert.ok(socket.getaddrinfo("127.0.0.1", 80, { type: socket.SOCK_STREAM }).length > 0);
  assert.ok(socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, { type: socket.SOCK_STREAM }).length > 0);
});

test("types: every family's address tuple", () => {
  const j1939: J1939Address = ["can0", 0x1234_5678_9abc_def0n, 0x0ef00, 0x80];
  const isotp: CanIsotpAddress = ["vcan0", 0x123, 0x456];
  const nl: NetlinkAddress = [0, 0];
  const vm: VsockAddress = [2, 1234];
  const tipc: TipcAddress = [2, 1000, 1, 0];
  const alg: AlgAddress = ["hash", "sha256"];
  const hci: HciAddress = [0];
  const packet: PacketAddress = ["lo", 0x0800];
  const packetBack: PacketAddressResult = ["lo", 0x0800, 0, 772, new Uint8Array(6)];
  const asInput: PacketAddress = packetBack;
  const six: Inet6Address = ["fe80::1", 80, 0, 2];
  const path: UnixAddress = new Uint8Array([0, 97]);
  const all: Address[] = [j1939, isotp, nl, vm, tipc, alg, hci, packet, asInput, six, path, "/tmp/s"];
  assert.equal(all.length, 12);
});

test("types: the sock_* functions keep the socket's family", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  srv.setblocking(false);
  using c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.setblocking(false);
  const accepting = socket.sock_accept(srv);
  await socket.sock_connect(c, srv.getsockname());
  const [conn, [h, p]] = await accepting;
  using _conn = conn;
  expectType<Same<typeof conn, socket.SocketType<"AF_INET">>>(true);
  assert.deepEqual([h, p], c.getsockname());
});

test("types: the generated tables have exact keys", () => {
  const n: number = CONSTANTS.AF_INET + LAYOUT.SIZEOF_SOCKADDR_IN + SYS.EBADF;
  assert.ok(n > 0);
});

/** Misuses: type-checked, never run. */
export function misuses(): void {
  const cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  // @ts-expect-error: an AF_INET address is a pair, not [host]
  cli.connect(["127.0.0.1"]);
  // @ts-expect-error: host first, then port
  cli.connect([8080, "127.0.0.1"]);
  // @ts-expect-error: the port is a number
  cli.bind(["127.0.0.1", "80"]);
  // @ts-expect-error: an AF_INET socket takes no AF_UNIX path
  cli.connect("/tmp/s");
  // @ts-expect-error: an AF_INET socket sends to [host, port]
  cli.sendto(new Uint8Array(1), ["::1", 80, 0, 0]);
  // @ts-expect-error: AF_INET's result has two fields, not four
  const [, , flowinfo] = cli.getsockname();
  // @ts-expect-error: the family is a number
  socket.socket("AF_INET");
  // @ts-expect-error: only numbers come before the options object
  socket.getaddrinfo("h", 80, "x", {});
  // @ts-expect-error: the family is a number
  socket.getaddrinfo("h", 80, "AF_INET");
  // @ts-expect-error: the J1939 NAME is 64 bits, so a bigint, not a number
  const j1939: J1939Address = ["can0", 1, 0, 0];
  const can = socket.socket(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_J1939);
  // @ts-expect-error: the J1939 NAME is a bigint
  can.bind(["can0", 1, 0, 0]);
  // @ts-expect-error: AF_INET6 takes at most four fields
  const six: Inet6Address = ["::1", 0, 0, 0, 0];
  // @ts-expect-error: a result has every field; ["::1", 80] is only an input
  const sixBack: Inet6AddressResult = ["::1", 80];
  // @ts-expect-error: [pid, groups]
  const nl: NetlinkAddress = [1];
  // @ts-expect-error: a path is text or bytes
  const unix: UnixAddress = 5;
  // @ts-expect-error: AF_PACKET's addr is bytes
  const packet: PacketAddress = ["lo", 0, 0, 0, "aa:bb"];
  // @ts-expect-error: a PacketAddressResult carries all five fields
  const packetBack: PacketAddressResult = ["lo", 0];
  // @ts-expect-error: a plain number is not a Family
  const fam: socket.Family<"AF_INET"> = 2;
  // @ts-expect-error: constants that are not families stay plain numbers
  const notFam: socket.Family<"AF_INET"> = socket.SOCK_STREAM;
  // @ts-expect-error: a misspelled constant
  socket.AF_INTE;
  // @ts-expect-error: a misspelled key of the generated constants
  CONSTANTS.AF_INTE;
  // @ts-expect-error: a misspelled layout key
  LAYOUT.SIZEOF_SOCKADDR_INN;
  // @ts-expect-error: a misspelled system constant
  SYS.EBADFF;
  // @ts-expect-error: sock_connect on an AF_INET socket takes [host, port]
  socket.sock_connect(cli, "/tmp/s");
  void [flowinfo, j1939, six, sixBack, nl, unix, packet, packetBack, fam, notFam];
}

test("types: the misuses above are never run", () => {
  assert.equal(typeof misuses, "function");
});
