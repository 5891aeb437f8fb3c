// Type tests for the public types (issue 15 item 4): lib/addr/types.ts, the
// family constants (`Family<"AF_INET">`), `SocketType<F>`, `socket()`,
// `create_server()`, `create_connection()` and `getaddrinfo()`.
// `deno check tests/types_test.ts` and `tsc -p tsconfig.bun.json` are the
// real test: every line under `// @ts-expect-error` must fail to type-check
// (else the directive itself is an error), and every other line must check.
// The node:test cases run the idioms on real loopback sockets, so the file
// also runs under both runtimes; the misuses sit in functions never called.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("types: options-object forms name the family (socket, SocketType, socketpair, create_server)", () => {
  using six = socket.socket({ family: socket.AF_INET6, type: socket.SOCK_DGRAM });
  expectType<Same<typeof six, socket.SocketType<"AF_INET6">>>(true);
  assert.equal(six.family, socket.AF_INET6);
  assert.equal(six.type, socket.SOCK_DGRAM);
  using six2 = socket.socket(socket.AF_INET6, { type: socket.SOCK_DGRAM });
  expectType<Same<typeof six2, socket.SocketType<"AF_INET6">>>(true);
  using six3 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, { proto: 0 });
  expectType<Same<typeof six3, socket.SocketType<"AF_INET6">>>(true);
  using inet = socket.socket({ type: socket.SOCK_DGRAM });
  expectType<Same<typeof inet, socket.SocketType<"AF_INET">>>(true);
  assert.equal(inet.family, socket.AF_INET);
  using unix = new socket.SocketType({ family: socket.AF_UNIX, type: socket.SOCK_DGRAM });
  expectType<Same<typeof unix, socket.SocketType<"AF_UNIX">>>(true);
  const name: UnixAddressResult = unix.getsockname();
  assert.equal(name, "");
  const fam: number = socket.AF_INET;
  using loose = socket.socket({ family: fam });
  expectType<Same<typeof loose, socket.SocketType>>(true);
  using adopted = socket.socket({ fileno: inet.dup().detach() });
  expectType<Same<typeof adopted, socket.SocketType>>(true);
  assert.equal(adopted.family, socket.AF_INET);

  const [a, b] = socket.socketpair({ type: socket.SOCK_DGRAM });
  using _a = a, _b = b;
  expectType<Same<typeof a, socket.SocketType<"AF_UNIX">>>(true);
  assert.equal(a.type, socket.SOCK_DGRAM);
  const [c, d] = socket.socketpair({ family: socket.AF_UNIX, type: socket.SOCK_SEQPACKET });
  using _c = c, _d = d;
  expectType<Same<typeof c, socket.SocketType<"AF_UNIX">>>(true);
  assert.equal(d.type, socket.SOCK_SEQPACKET);
  const [e, f] = socket.socketpair(socket.AF_UNIX, { type: socket.SOCK_DGRAM });
  using _e = e, _f = f;
  expectType<Same<typeof e, socket.SocketType<"AF_UNIX">>>(true);
  assert.equal(f.type, socket.SOCK_DGRAM);
  const [g, h] = socket.socketpair(null, socket.SOCK_STREAM);
  using _g = g, _h = h;
  expectType<Same<typeof g, socket.SocketType<"AF_UNIX">>>(true);
  assert.equal(g.family, socket.AF_UNIX);

  using fromfd = socket.fromfd(inet.fileno(), socket.AF_INET, socket.SOCK_DGRAM);
  expectType<Same<typeof fromfd, socket.SocketType<"AF_INET">>>(true);
  using fromfdLoose = socket.fromfd(inet.fileno(), fam, socket.SOCK_DGRAM);
  expectType<Same<typeof fromfdLoose, socket.SocketType>>(true);

  const dir = mkdtempSync(join(tmpdir(), "types-"));
  using srv = socket.create_server(`${dir}/s`, { family: socket.AF_UNIX });
  expectType<Same<typeof srv, socket.SocketType<"AF_UNIX">>>(true);
  assert.equal(srv.getsockname(), `${dir}/s`);
  srv.close();
  rmSync(dir, { recursive: true });
  void sixServer;
});

/** Type-checked, never run (the host may lack IPv6): `create_server` with `family: AF_INET6`. */
function sixServer(): socket.SocketType<"AF_INET6"> {
  return socket.create_server(["::1", 0, 0, 0], { family: socket.AF_INET6, dualstack_ipv6: false });
}

test("types: the message, descriptor-passing and batch calls use the socket's family", async () => {
  const [a, b] = socket.socketpair();
  using _a = a, _b = b;
  assert.equal(socket.send_fds(a, [new Uint8Array([1])], [a.fileno()], 0, null), 1);
  const [data, fds, , from] = socket.recv_fds(b, 10, 1);
  expectType<Same<typeof from, UnixAddressResult | null>>(true);
  assert.equal(data[0], 1);
  fds.forEach((fd) => socket.close(fd));
  a.sendmsg([new Uint8Array([2])]);
  const [, , , from2] = b.recvmsg(10);
  expectType<Same<typeof from2, UnixAddressResult | null>>(true);

  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const to = rx.getsockname();
  assert.equal(tx.sendmmsg([[[new Uint8Array([3])], null, to], [[new Uint8Array([4])], [], to]]), 2);
  const [[d1, , , f1]] = rx.recvmmsg(1, 16);
  expectType<Same<typeof f1, InetAddressResult | null>>(true);
  assert.equal(d1[0], 3);
  assert.equal(f1?.[0], "127.0.0.1");
  const [[n2, , , f2]] = rx.recvmmsg_into([new Uint8Array(16)]);
  expectType<Same<typeof f2, InetAddressResult | null>>(true);
  assert.equal(n2, 1);
  tx.sendmsg([new Uint8Array([5])], [], 0, to);
  const [n3, , , f3] = rx.recvmsg_into([new Uint8Array(16)]);
  expectType<Same<typeof f3, InetAddressResult | null>>(true);
  assert.equal(n3, 1);

  rx.setblocking(false);
  tx.setblocking(false);
  assert.equal(await socket.sock_sendmmsg(tx, [[[new Uint8Array([6])], null, to]]), 1);
  const [[, , , f4]] = await socket.sock_recvmmsg(rx, 4, 16);
  expectType<Same<typeof f4, InetAddressResult | null>>(true);
  assert.equal(await socket.sock_sendmsg(tx, [new Uint8Array([7])], [], 0, to), 1);
  const [, , , f5] = await socket.sock_recvmsg(rx, 16);
  expectType<Same<typeof f5, InetAddressResult | null>>(true);
  await socket.sock_sendmsg(tx, [new Uint8Array([8])], [], 0, to);
  const [, , , f6] = await socket.sock_recvmsg_into(rx, [new Uint8Array(16)]);
  expectType<Same<typeof f6, InetAddressResult | null>>(true);
  await socket.sock_sendmmsg(tx, [[[new Uint8Array([9])], null, to]]);
  const [[, , , f7]] = await socket.sock_recvmmsg_into(rx, [new Uint8Array(16)]);
  expectType<Same<typeof f7, InetAddressResult | null>>(true);
  assert.deepEqual([f4?.[0], f5?.[0], f6?.[0], f7?.[0]], Array(4).fill("127.0.0.1"));

  a.setblocking(false);
  b.setblocking(false);
  await socket.sock_send_fds(a, [new Uint8Array([1])], [a.fileno()], 0, null);
  const [, fds2, , f8] = await socket.sock_recv_fds(b, 10, 1);
  expectType<Same<typeof f8, UnixAddressResult | null>>(true);
  fds2.forEach((fd) => socket.close(fd));
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
  familyMisuses();
}

/** Misuses of the family carried by options objects and by the message calls: type-checked, never run. */
function familyMisuses(): void {
  const b = new Uint8Array(1);
  // @ts-expect-error: an AF_UNIX socket made with options takes a path, not [host, port]
  socket.socket({ family: socket.AF_UNIX }).connect(["localhost", 80]);
  // @ts-expect-error: an AF_INET6 socket made with options returns four fields, not two
  const sixName: InetAddressResult = socket.socket({ family: socket.AF_INET6 }).getsockname();
  // @ts-expect-error: the family given by position is not given again by name
  socket.socket(socket.AF_INET, { family: socket.AF_INET6 });
  // @ts-expect-error: the family is a number, in options too
  socket.socket({ family: "AF_INET" });
  // @ts-expect-error: a socketpair made with options is AF_UNIX: no [host, port]
  socket.socketpair({ type: socket.SOCK_DGRAM })[0].connect(["localhost", 80]);
  // @ts-expect-error: the family given by position is not given again by name
  socket.socketpair(socket.AF_UNIX, { family: socket.AF_UNIX });
  // @ts-expect-error: fromfd with AF_INET is an AF_INET socket
  socket.fromfd(3, socket.AF_INET, socket.SOCK_STREAM).connect("/tmp/s");
  // @ts-expect-error: an AF_UNIX server binds a path
  socket.create_server(["127.0.0.1", 0], { family: socket.AF_UNIX });
  const [unix] = socket.socketpair();
  const inet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  // @ts-expect-error: send_fds on an AF_UNIX socket sends to a path
  socket.send_fds(unix, [b], [0], 0, ["127.0.0.1", 80]);
  // @ts-expect-error: recv_fds on an AF_UNIX socket returns a path, not [host, port]
  const [, , , [host, port]] = socket.recv_fds(unix, 1, 1);
  // @ts-expect-error: sendmmsg on an AF_INET socket sends to [host, port]
  inet.sendmmsg([[[b], null, "/tmp/s"]]);
  // @ts-expect-error: recvmmsg on an AF_INET socket returns [host, port]: no third field
  const flow: number = inet.recvmmsg(1, 1)[0][3]![2];
  // @ts-expect-error: recvmmsg_into on an AF_INET socket returns [host, port], not a path
  const path: string = inet.recvmmsg_into([b])[0][3]!;
  // @ts-expect-error: recvmsg_into on an AF_INET socket returns [host, port], not a path
  const path2: string = inet.recvmsg_into([b])[3]!;
  // @ts-expect-error: sendmsg on an AF_INET socket sends to [host, port]
  inet.sendmsg([b], [], 0, "/tmp/s");
  // @ts-expect-error: sock_sendmsg on an AF_INET socket sends to [host, port]
  void socket.sock_sendmsg(inet, [b], [], 0, "/tmp/s");
  // @ts-expect-error: sock_send_fds on an AF_UNIX socket sends to a path
  void socket.sock_send_fds(unix, [b], [0], 0, ["127.0.0.1", 80]);
  // @ts-expect-error: sock_sendmmsg on an AF_INET socket sends to [host, port]
  void socket.sock_sendmmsg(inet, [[[b], null, "/tmp/s"]]);
  void (async () => {
    // @ts-expect-error: sock_recvmsg on an AF_INET socket returns [host, port], not a path
    const p1: string = (await socket.sock_recvmsg(inet, 1))[3]!;
    // @ts-expect-error: sock_recvmmsg on an AF_INET socket returns [host, port], not a path
    const p2: string = (await socket.sock_recvmmsg(inet, 1, 1))[0][3]!;
    // @ts-expect-error: sock_recvmmsg_into on an AF_INET socket returns [host, port], not a path
    const p3: string = (await socket.sock_recvmmsg_into(inet, [b]))[0][3]!;
    // @ts-expect-error: sock_recvmsg_into on an AF_INET socket returns [host, port], not a path
    const p4: string = (await socket.sock_recvmsg_into(inet, [b]))[3]!;
    // @ts-expect-error: sock_recv_fds on an AF_UNIX socket returns a path, not [host, port]
    const [h2]: [string, number] = (await socket.sock_recv_fds(unix, 1, 1))[3]!;
    void [p1, p2, p3, p4, h2];
  });
  void [sixName, host, port, flow, path, path2];
}

test("types: the misuses above are never run", () => {
  assert.equal(typeof misuses, "function");
});
