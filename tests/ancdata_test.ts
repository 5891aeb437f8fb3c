// Tests for lib/ancdata.ts: encode_ancdata() and decode_ancdata(), live over
// loopback and socketpairs, byte layouts checked against python3's struct.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";

import * as socket from "../mod.ts";
import { SYS } from "../ffi/gen/mod.ts";
import { hasIPv6Loopback, raises } from "./helpers.ts";

const { IPPROTO_IP, IPPROTO_IPV6, SOL_SOCKET, SOL_UDP } = socket;

function valueOf(items: socket.DecodedAncillaryItem[], level: number, type: number): unknown {
  const found = items.find(([l, t]) => l === level && t === type);
  assert.ok(found, `no item [${level}, ${type}] in ${JSON.stringify(items.map(([l, t]) => [l, t]))}`);
  return found[2];
}

function udpPair(family: number, host: string): [socket.SocketType, socket.SocketType] {
  const rx = socket.socket(family, socket.SOCK_DGRAM);
  rx.bind([host, 0]);
  const tx = socket.socket(family, socket.SOCK_DGRAM);
  return [rx, tx];
}

test("encode_ancdata()/decode_ancdata(): IP_PKTINFO, IP_TTL and IP_TOS sent and received on IPv4", () => {
  const [rx, tx] = udpPair(socket.AF_INET, "127.0.0.1");
  try {
    rx.setsockopt(IPPROTO_IP, socket.IP_PKTINFO, 1);
    rx.setsockopt(IPPROTO_IP, socket.IP_RECVTTL, 1);
    rx.setsockopt(IPPROTO_IP, socket.IP_RECVTOS, 1);
    const anc = socket.encode_ancdata([
      [IPPROTO_IP, socket.IP_TTL, 7],
      [IPPROTO_IP, socket.IP_TOS, 0x20],
      [IPPROTO_IP, socket.IP_PKTINFO, { ipi_ifindex: 0, ipi_spec_dst: "127.0.0.1", ipi_addr: "0.0.0.0" }],
    ]);
    assert.equal(tx.sendmsg([new Uint8Array([42])], anc, 0, rx.getsockname()), 1);
    const [data, ancdata] = rx.recvmsg(16, 1024);
    assert.deepEqual([...data], [42]);
    const items = socket.decode_ancdata(ancdata);
    assert.equal(valueOf(items, IPPROTO_IP, socket.IP_TTL), 7);
    assert.equal(valueOf(items, IPPROTO_IP, socket.IP_TOS), 0x20);
    const info = valueOf(items, IPPROTO_IP, socket.IP_PKTINFO) as socket.InPktinfo;
    assert.equal(info.ipi_addr, "127.0.0.1");
    assert.equal(info.ipi_spec_dst, "127.0.0.1");
    assert.equal(info.ipi_ifindex, socket.if_nametoindex("lo"));
  } finally {
    rx.close();
    tx.close();
  }
});

test("decode_ancdata(): SO_TIMESTAMP and SO_TIMESTAMPNS lie between the send and the receive", () => {
  for (
    const [opt, frac, scale] of [[socket.SO_TIMESTAMP, "tv_usec", 1e6], [
      socket.SO_TIMESTAMPNS,
      "tv_nsec",
      1e9,
    ]] as const
  ) {
    const [rx, tx] = udpPair(socket.AF_INET, "127.0.0.1");
    try {
      rx.setsockopt(SOL_SOCKET, opt, 1);
      const before = Math.floor(Date.now() / 1000);
      tx.sendto(new Uint8Array([1]), rx.getsockname()!);
      const [, ancdata] = rx.recvmsg(16, 256);
      const after = Math.ceil(Date.now() / 1000);
      const t = valueOf(socket.decode_ancdata(ancdata), SOL_SOCKET, opt) as Record<string, number>;
      assert.ok(t.tv_sec >= before && t.tv_sec <= after, `${t.tv_sec} not in [${before}, ${after}]`);
      assert.ok(t[frac] >= 0 && t[frac] < scale);
    } finally {
      rx.close();
      tx.close();
    }
  }
});

test("encode_ancdata()/decode_ancdata(): SCM_RIGHTS and SCM_CREDENTIALS over a Unix socketpair", () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  const [x, y] = socket.socketpair();
  try {
    b.setsockopt(SOL_SOCKET, socket.SO_PASSCRED, 1);
    const creds = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() };
    a.sendmsg(
      [new Uint8Array([9])],
      socket.encode_ancdata([
        [SOL_SOCKET, socket.SCM_RIGHTS, [x.fileno()]],
        [SOL_SOCKET, socket.SCM_CREDENTIALS, creds],
      ]),
    );
    const [, ancdata] = b.recvmsg(16, socket.CMSG_SPACE(4) + socket.CMSG_SPACE(12));
    const items = socket.decode_ancdata(ancdata);
    assert.deepEqual(valueOf(items, SOL_SOCKET, socket.SCM_CREDENTIALS), creds);
    const fds = valueOf(items, SOL_SOCKET, socket.SCM_RIGHTS) as number[];
    assert.equal(fds.length, 1);
    // The received descriptor is a new one for the same socket: data sent through it arrives at y.
    const got = socket.socket(undefined, undefined, undefined, fds[0]);
    got.sendall(new Uint8Array([5]));
    assert.deepEqual([...y.recv(1)], [5]);
    got.close();
  } finally {
    for (const s of [a, b, x, y]) s.close();
  }
});

test("encode_ancdata()/decode_ancdata(): IPV6_PKTINFO, IPV6_HOPLIMIT and IPV6_TCLASS on ::1", (t) => {
  if (!hasIPv6Loopback(socket)) {
    console.log("skipped: no IPv6 loopback");
    t.skip("no IPv6 loopback");
    return;
  }
  const [rx, tx] = udpPair(socket.AF_INET6, "::1");
  try {
    rx.setsockopt(IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1);
    rx.setsockopt(IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1);
    rx.setsockopt(IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1);
    const anc = socket.encode_ancdata([
      [IPPROTO_IPV6, socket.IPV6_HOPLIMIT, 9],
      [IPPROTO_IPV6, socket.IPV6_TCLASS, 0x40],
      [IPPROTO_IPV6, socket.IPV6_PKTINFO, { ipi6_addr: "::1", ipi6_ifindex: 0 }],
    ]);
    tx.sendmsg([new Uint8Array([1])], anc, 0, rx.getsockname());
    const [, ancdata] = rx.recvmsg(16, 1024);
    const items = socket.decode_ancdata(ancdata);
    assert.equal(valueOf(items, IPPROTO_IPV6, socket.IPV6_HOPLIMIT), 9);
    assert.equal(valueOf(items, IPPROTO_IPV6, socket.IPV6_TCLASS), 0x40);
    assert.deepEqual(valueOf(items, IPPROTO_IPV6, socket.IPV6_PKTINFO), {
      ipi6_addr: "::1",
      ipi6_ifindex: socket.if_nametoindex("lo"),
    });
  } finally {
    rx.close();
    tx.close();
  }
});

test("encode_ancdata()/decode_ancdata(): UDP_SEGMENT sends segments, UDP_GRO reports their size", (t) => {
  const [rx, tx] = udpPair(socket.AF_INET, "127.0.0.1");
  try {
    try {
      rx.setsockopt(SOL_UDP, socket.UDP_GRO, 1);
    } catch (e) {
      console.log(`skipped: UDP_GRO unsupported here (${e})`);
      t.skip("UDP_GRO unsupported");
      return;
    }
    const payload = new Uint8Array(3000).map((_, i) => i & 0xff);
    tx.sendmsg([payload], socket.encode_ancdata([[SOL_UDP, socket.UDP_SEGMENT, 1000]]), 0, rx.getsockname());
    // The receiver gets the 3000 bytes, coalesced (with UDP_GRO giving the
    // segment size) or as 1000-byte datagrams, as the kernel chooses.
    const received: number[] = [];
    while (received.length < 3000) {
      const [data, ancdata] = rx.recvmsg(65536, 256);
      const items = socket.decode_ancdata(ancdata);
      if (data.length > 1000) assert.equal(valueOf(items, SOL_UDP, socket.UDP_GRO), 1000);
      else assert.equal(data.length, 1000);
      received.push(...data);
    }
    assert.deepEqual(received, [...payload]);
  } finally {
    rx.close();
    tx.close();
  }
});

test("decode_ancdata(): IP_RECVERR gives ECONNREFUSED from ICMP with the offender's address", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  using closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  closed.bind(["127.0.0.1", 0]);
  const port = (closed.getsockname() as [string, number])[1];
  closed.close();
  s.setsockopt(IPPROTO_IP, socket.IP_RECVERR, 1);
  s.connect(["127.0.0.1", port]);
  s.send(new Uint8Array([1]));
  // The ICMP error is queued by the time send() returns on loopback; poll
  // the error queue until it shows (no upper bound on how long that takes).
  let result: socket.RecvmsgResult | undefined;
  s.settimeout(0);
  while (result === undefined) {
    try {
      result = s.recvmsg(16, 512, socket.MSG_ERRQUEUE);
    } catch (e) {
      if (!(e instanceof socket.BlockingIOError)) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  const ee = valueOf(socket.decode_ancdata(result[1]), IPPROTO_IP, socket.IP_RECVERR) as socket.ExtendedErr;
  assert.equal(ee.ee_errno, SYS.ECONNREFUSED);
  assert.equal(ee.ee_origin, socket.SO_EE_ORIGIN_ICMP);
  assert.equal(ee.ee_type, 3); // ICMP destination unreachable
  assert.equal(ee.ee_code, 3); // port unreachable
  assert.deepEqual(ee.offender, ["127.0.0.1", 0]);
});

test("encode_ancdata(): byte layouts equal python3's struct.pack", (t) => {
  const items = socket.encode_ancdata([
    [SOL_SOCKET, socket.SCM_CREDENTIALS, { pid: 1234, uid: 1000, gid: 100 }],
    [IPPROTO_IP, socket.IP_PKTINFO, { ipi_ifindex: 3, ipi_spec_dst: "10.0.0.1", ipi_addr: "192.168.1.2" }],
    [IPPROTO_IPV6, socket.IPV6_PKTINFO, { ipi6_addr: "fe80::1", ipi6_ifindex: 5 }],
    [SOL_SOCKET, socket.SO_TIMESTAMP, { tv_sec: 1700000000, tv_usec: 123456 }],
    [SOL_SOCKET, socket.SO_TIMESTAMPNS, { tv_sec: 1700000000, tv_nsec: 987654321 }],
    [SOL_UDP, socket.UDP_SEGMENT, 1400],
    [IPPROTO_IP, socket.IP_TTL, 64],
    [SOL_SOCKET, socket.SCM_RIGHTS, [3, 4]],
  ]);
  let out: string;
  try {
    out = execFileSync("python3", [
      "-c",
      `import socket, struct
print(" ".join(b.hex() for b in [
  struct.pack("=iII", 1234, 1000, 100),
  struct.pack("=i", 3) + socket.inet_aton("10.0.0.1") + socket.inet_aton("192.168.1.2"),
  socket.inet_pton(socket.AF_INET6, "fe80::1") + struct.pack("=I", 5),
  struct.pack("=qq", 1700000000, 123456),
  struct.pack("=qq", 1700000000, 987654321),
  struct.pack("=H", 1400),
  struct.pack("=i", 64),
  struct.pack("=2i", 3, 4),
]))`,
    ], { encoding: "utf8" }).trim();
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw e;
    console.log("skipped: python3 not found");
    t.skip("python3 not found");
    return;
  }
  assert.deepEqual(items.map(([, , b]) => Buffer.from(b).toString("hex")), out.split(" "));
});

test("decode_ancdata() inverts encode_ancdata() and leaves unknown items as bytes", () => {
  const typed: [number, number, socket.AncillaryValue][] = [
    [SOL_SOCKET, socket.SCM_RIGHTS, [7, 8, 9]],
    [SOL_SOCKET, socket.SCM_CREDENTIALS, { pid: 1, uid: 2, gid: 3 }],
    [IPPROTO_IP, socket.IP_PKTINFO, { ipi_ifindex: 2, ipi_spec_dst: "1.2.3.4", ipi_addr: "5.6.7.8" }],
    [IPPROTO_IPV6, socket.IPV6_PKTINFO, { ipi6_addr: "2001:db8::5", ipi6_ifindex: 4 }],
    [SOL_SOCKET, socket.SO_TIMESTAMP, { tv_sec: 5, tv_usec: 6 }],
    [SOL_SOCKET, socket.SO_TIMESTAMPNS, { tv_sec: 5, tv_nsec: 6 }],
    [IPPROTO_IP, socket.IP_TTL, 1],
    [IPPROTO_IP, socket.IP_TOS, 0xb8],
    [IPPROTO_IPV6, socket.IPV6_HOPLIMIT, 255],
    [IPPROTO_IPV6, socket.IPV6_TCLASS, 3],
    [SOL_UDP, socket.UDP_SEGMENT, 1200],
    [SOL_UDP, socket.UDP_GRO, 1200],
  ];
  assert.deepEqual(socket.decode_ancdata(socket.encode_ancdata(typed)), typed);
  const unknown: [number, number, Uint8Array] = [9999, 1, new Uint8Array([1, 2, 3])];
  assert.deepEqual(socket.decode_ancdata([unknown]), [unknown]);
  assert.deepEqual(socket.encode_ancdata([unknown]), [unknown]);
  // Bytes for a known item pass through encode, and a truncated one decodes to its bytes.
  const raw = new Uint8Array([1, 0, 0, 0]);
  assert.deepEqual(socket.encode_ancdata([[IPPROTO_IP, socket.IP_TTL, raw]]), [[IPPROTO_IP, socket.IP_TTL, raw]]);
  const short = new Uint8Array([1, 2]);
  assert.deepEqual(socket.decode_ancdata([[SOL_SOCKET, socket.SCM_CREDENTIALS, short]]), [
    [SOL_SOCKET, socket.SCM_CREDENTIALS, short],
  ]);
});

test("encode_ancdata() and decode_ancdata() raise CPython-style argument errors", () => {
  raises(TypeError, () => socket.encode_ancdata(5 as never));
  raises(TypeError, () => socket.encode_ancdata([[1, 2]] as never));
  raises(TypeError, () => socket.encode_ancdata([["1", 2, 3]] as never));
  raises(TypeError, () => socket.encode_ancdata([[SOL_SOCKET, socket.SCM_RIGHTS, 3]] as never));
  raises(TypeError, () => socket.encode_ancdata([[SOL_SOCKET, socket.SCM_CREDENTIALS, [1, 2, 3]]] as never));
  raises(TypeError, () => socket.encode_ancdata([[IPPROTO_IP, socket.IP_PKTINFO, { ipi_spec_dst: 5 }]] as never));
  raises(TypeError, () => socket.encode_ancdata([[9999, 1, "text"]] as never));
  raises(socket.OverflowError, () => socket.encode_ancdata([[IPPROTO_IP, socket.IP_TTL, 256]]));
  raises(socket.OverflowError, () => socket.encode_ancdata([[SOL_UDP, socket.UDP_SEGMENT, 70000]]));
  raises(socket.OSError, () => socket.encode_ancdata([[IPPROTO_IP, socket.IP_PKTINFO, { ipi_addr: "nope" }]]));
  raises(TypeError, () => socket.decode_ancdata([[1, 2, "x"]] as never));
  raises(TypeError, () => socket.decode_ancdata(null as never));
});
