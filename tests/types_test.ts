// Type tests for lib/addr/types.ts (issue 15 item 4, a draft not yet wired
// into lib/socket.ts). `deno check tests/types_test.ts` is the real test:
// every line under `// @ts-expect-error` must fail to type-check (else the
// directive itself is an error), and every other line must check. The
// node:test cases run the same idioms against a stand-in socket, generic in
// its family as SocketType would be, so the file also runs under both
// runtimes.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import type {
  Address,
  AddressIn,
  AddressOut,
  AlgAddress,
  CanIsotpAddress,
  FamilyName,
  HciAddress,
  Inet6Address,
  Inet6AddressResult,
  InetAddress,
  J1939Address,
  NetlinkAddress,
  PacketAddress,
  PacketAddressResult,
  TipcAddress,
  UnixAddress,
  UnixAddressResult,
  VsockAddress,
} from "../lib/addr/types.ts";

/** The part of SocketType that addresses flow through, generic in the family. */
interface Sock<F extends FamilyName> {
  connect(address: AddressIn[F]): void;
  getsockname(): AddressOut[F];
}

/** A stand-in socket that remembers where it "connected" and names itself `name`. */
function fake<F extends FamilyName>(name: AddressOut[F]): Sock<F> & { peer?: AddressIn[F] } {
  const s: Sock<F> & { peer?: AddressIn[F] } = {
    connect(address) {
      s.peer = address;
    },
    getsockname: () => name,
  };
  return s;
}

/** Stands in for create_connection(address): takes any AF_INET or AF_INET6 address. */
function createConnection(address: InetAddress | Inet6Address): InetAddress | Inet6Address {
  return address;
}

test("types: Python's address idioms type-check and run", () => {
  const srv = fake<"AF_INET">(["127.0.0.1", 8080]);
  const [host, port] = srv.getsockname();
  const h: string = host;
  const p: number = port;
  assert.deepEqual([h, p], ["127.0.0.1", 8080]);
  assert.deepEqual(createConnection(srv.getsockname()), ["127.0.0.1", 8080]);

  const cli = fake<"AF_INET">(["127.0.0.1", 5000]);
  cli.connect(srv.getsockname());
  cli.connect(["localhost", 80] as const);
  cli.connect([new TextEncoder().encode("127.0.0.1"), 80]);

  const six = fake<"AF_INET6">(["::1", 80, 0, 0]);
  const [h6, p6, flowinfo, scope] = six.getsockname();
  assert.deepEqual([h6, p6, flowinfo, scope], ["::1", 80, 0, 0]);
  six.connect(["::1", 80]);
  six.connect(["fe80::1", 80, 0, 2]);
  const full: Inet6Address = six.getsockname();
  assert.equal(full.length, 4);

  const unix = fake<"AF_UNIX">("/tmp/s");
  unix.connect("/run/x.sock");
  unix.connect(new Uint8Array([0, 97]));
  const name: UnixAddressResult = unix.getsockname();
  assert.equal(name, "/tmp/s");

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
  const any: Address[] = [j1939, isotp, nl, vm, tipc, alg, hci, packet, asInput, "/tmp/s"];
  assert.equal(any.length, 10);
});

test("types: misuse fails to type-check (each line carries @ts-expect-error)", () => {
  const cli = fake<"AF_INET">(["127.0.0.1", 5000]);
  // @ts-expect-error: an AF_INET address is a pair, not [host]
  cli.connect(["127.0.0.1"]);
  // @ts-expect-error: host first, then port
  cli.connect([8080, "127.0.0.1"]);
  // @ts-expect-error: the port is a number
  cli.connect(["127.0.0.1", "80"]);
  // @ts-expect-error: an AF_INET socket takes no AF_UNIX path
  cli.connect("/tmp/s");
  // @ts-expect-error: AF_INET's result has two fields, not four
  const [, , flowinfo] = cli.getsockname();

  // @ts-expect-error: the J1939 NAME is 64 bits, so a bigint, not a number
  const j1939: J1939Address = ["can0", 1, 0, 0];
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
  assert.deepEqual([flowinfo, j1939, six, sixBack, nl, unix, packet, packetBack].length, 8);
});

test('types: the Address union alone cannot reject ["127.0.0.1"], which is why sockets must be generic', () => {
  // ["127.0.0.1"] is a valid AF_CAN address ([interface]), so only a socket
  // that knows its family (Sock<"AF_INET"> above) can refuse it.
  const a: Address = ["127.0.0.1"];
  assert.deepEqual(a, ["127.0.0.1"]);
});
