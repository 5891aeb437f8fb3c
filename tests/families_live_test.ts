/**
 * Live tests of the address families beyond IP and Unix, where this kernel
 * has them (the codec tests in tests/addr/ run everywhere): netlink,
 * AF_PACKET on `lo`, vsock, and probes for CAN, TIPC, ALG, RDS, Bluetooth
 * and QIPCRTR that skip, printing why, when the kernel lacks the family.
 * Also runs the examples' main functions.
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as socket from "../mod.ts";
import { LAYOUT, SYS } from "../ffi/gen/mod.ts";
import { cstring, isNull, libc, OS, readPtr, view } from "../ffi/mod.ts";
import { dumpLinks } from "../lib/rtnetlink.ts";
import { describe as describeLink, listInterfaces } from "../examples/netlink_ifaces.ts";
import { describe as describeFrame, sniff } from "../examples/packet_sniffer.ts";
import { buildCanFrame, canExample, dissectCanFrame, unavailable } from "../examples/can_example.ts";
import { mutantEnv, raises, RUNTIME } from "./helpers.ts";

const LINUX = OS === "linux";
const ETH_P_EXPERIMENTAL = 0x88b5; // IEEE 802 local experimental EtherType: nobody else's traffic
const htons = (v: number) => ((v & 0xff) << 8) | (v >>> 8);
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Skips a test, printing why. */
function skip(t: { skip(message?: string): void }, reason: string): void {
  console.log(`skipped: ${reason}`);
  t.skip(reason);
}

/** Makes a socket, or returns why the kernel cannot (errno that means "no such family/protocol"). */
function probe(family: number | undefined, type: number, proto = 0): socket.SocketType | string {
  if (family === undefined) return "the platform does not define this family";
  try {
    return socket.socket(family, type, proto);
  } catch (e) {
    const unsupported = [SYS.EAFNOSUPPORT, SYS.EPROTONOSUPPORT, SYS.ESOCKTNOSUPPORT, SYS.EPFNOSUPPORT];
    if (e instanceof socket.OSError && unsupported.includes(e.errno ?? -1)) {
      return `the kernel does not support it: ${e}`;
    }
    throw e;
  }
}

/** The interface names libc's if_nameindex() reports, read through the FFI directly. */
function libcNameindex(): Set<string> {
  const p = libc.if_nameindex();
  assert.ok(!isNull(p));
  const names = new Set<string>();
  try {
    for (let at = 0;; at += LAYOUT.SIZEOF_IF_NAMEINDEX) {
      const entry = view(p, at, LAYOUT.SIZEOF_IF_NAMEINDEX);
      const index = new DataView(entry.buffer, entry.byteOffset, entry.byteLength)
        .getUint32(LAYOUT.OFF_IF_NAMEINDEX_IF_INDEX, HOST_LE);
      if (index === 0) break;
      names.add(cstring(readPtr(p, at + LAYOUT.OFF_IF_NAMEINDEX_IF_NAME)));
    }
  } finally {
    libc.if_freenameindex(p);
  }
  return names;
}

/**
 * Runs `examples/<file>` as a program under this runtime, calling `whileRunning`
 * every 100 ms until it exits; resolves with its status and output.
 */
function runExample(
  file: string,
  args: string[],
  whileRunning?: () => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const path = fileURLToPath(new URL(`../examples/${file}`, import.meta.url));
  const cmd = RUNTIME === "deno" ? ["run", "--allow-ffi", ...mutantEnv(), path, ...args] : [path, ...args];
  const child = spawn(process.execPath, cmd, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout!.on("data", (b: Uint8Array) => stdout += new TextDecoder().decode(b));
  child.stderr!.on("data", (b: Uint8Array) => stderr += new TextDecoder().decode(b));
  const timer = whileRunning ? setInterval(whileRunning, 100) : undefined;
  return new Promise((resolve, reject) => {
    child.on("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A 60-byte Ethernet frame to 00:..:00 (lo's address) from `src`, EtherType 0x88b5, carrying `marker`. */
function frame(src: number[], marker: Uint8Array): Uint8Array {
  const f = new Uint8Array(60);
  f.set(src, 6);
  f[12] = ETH_P_EXPERIMENTAL >> 8;
  f[13] = ETH_P_EXPERIMENTAL & 0xff;
  f.set(marker, 14);
  return f;
}

function randomMarker(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

function contains(data: Uint8Array, marker: Uint8Array): boolean {
  return data.length >= 14 + marker.length && marker.every((b, i) => data[14 + i] === b);
}

describe("AF_NETLINK (live)", { skip: !LINUX }, () => {
  test("bind([0, 0]) gets a port id; getsockname() returns [pid, 0]", () => {
    using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
    s.bind([0, 0]);
    const name = s.getsockname() as [number, number];
    assert.equal(name.length, 2);
    assert.equal(typeof name[0], "number");
    assert.notEqual(name[0], 0);
    assert.equal(name[1], 0);
  });

  test("an RTM_GETLINK dump names the interfaces if_nameindex() and /sys/class/net list", () => {
    using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
    s.bind([0, 0]);
    s.settimeout(10);
    const links = dumpLinks(s, 4242);
    const names = new Set(links.map((l) => l.name));
    assert.ok(names.has("lo"));
    assert.deepEqual(names, libcNameindex());
    if (existsSync("/sys/class/net")) assert.deepEqual(names, new Set(readdirSync("/sys/class/net")));
    const ifNameindex = (socket as unknown as { if_nameindex?: () => [number, string][] }).if_nameindex;
    if (typeof ifNameindex === "function") {
      assert.deepEqual(names, new Set(ifNameindex().map(([, n]) => n)));
      assert.deepEqual(new Set(links.map((l) => l.index)), new Set(ifNameindex().map(([i]) => i)));
    }
    const lo = links.find((l) => l.name === "lo")!;
    assert.equal(lo.type, SYS.ARPHRD_LOOPBACK);
    assert.ok((lo.flags & SYS.IFF_LOOPBACK) !== 0);
  });

  test("sendto() the kernel ([0, 0]) and recvfrom() report the kernel's address [0, 0]", () => {
    using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
    s.bind([0, 0]);
    s.settimeout(10);
    // A dump request with a zero-length ifinfomsg still gets NLMSG_DONE at least.
    const req = new Uint8Array(LAYOUT.SIZEOF_NLMSGHDR + LAYOUT.SIZEOF_IFINFOMSG);
    const v = new DataView(req.buffer);
    v.setUint32(LAYOUT.OFF_NLMSGHDR_NLMSG_LEN, req.length, HOST_LE);
    v.setUint16(LAYOUT.OFF_NLMSGHDR_NLMSG_TYPE, SYS.RTM_GETLINK, HOST_LE);
    v.setUint16(LAYOUT.OFF_NLMSGHDR_NLMSG_FLAGS, SYS.NLM_F_REQUEST | SYS.NLM_F_DUMP, HOST_LE);
    v.setUint32(LAYOUT.OFF_NLMSGHDR_NLMSG_SEQ, 7, HOST_LE);
    assert.equal(s.sendto(req, [0, 0]), req.length);
    const [data, address] = s.recvfrom(65536);
    assert.ok(data.length >= LAYOUT.SIZEOF_NLMSGHDR);
    assert.deepEqual(address, [0, 0]);
    // Drain the rest of the dump.
    s.setblocking(false);
    try {
      for (;;) s.recv(65536);
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError);
    }
  });

  test("examples/netlink_ifaces.ts: listInterfaces() finds lo, and describe() prints it", () => {
    const links = listInterfaces();
    const lo = links.find((l) => l.name === "lo");
    assert.ok(lo);
    const line = describeLink(lo);
    assert.match(line, /^\d+: lo <[A-Z,]*LOOPBACK[A-Z,]*> flags 0x[0-9a-f]+ mtu \d+/);
    assert.deepEqual(new Set(links.map((l) => l.name)), libcNameindex());
  });
});

describe("AF_PACKET (live)", { skip: !LINUX }, () => {
  test('bind(["lo", ETH_P_ALL]): getsockname() returns the five-field address', (t) => {
    const s = probe(socket.AF_PACKET, socket.SOCK_RAW, htons(socket.ETH_P_ALL));
    if (typeof s === "string") return skip(t, `AF_PACKET: ${s}`);
    using sock = s;
    sock.bind(["lo", socket.ETH_P_ALL]);
    const name = sock.getsockname() as [string, number, number, number, Uint8Array];
    assert.equal(name.length, 5);
    assert.deepEqual(name.slice(0, 4), ["lo", socket.ETH_P_ALL, socket.PACKET_HOST, SYS.ARPHRD_LOOPBACK]);
    assert.deepEqual(name[4], new Uint8Array(6)); // lo's hardware address: six zero bytes
  });

  // The sockets that receive are opened for the test's own EtherType: the kernel
  // then queues nothing else for them, so other traffic on lo cannot crowd the frame out.
  test("a raw socket bound to lo gets back the frame it sends, with the five-field address", (t) => {
    const s = probe(socket.AF_PACKET, socket.SOCK_RAW, htons(ETH_P_EXPERIMENTAL));
    if (typeof s === "string") return skip(t, `AF_PACKET: ${s}`);
    using sock = s;
    sock.bind(["lo", ETH_P_EXPERIMENTAL]);
    sock.settimeout(10);
    const marker = randomMarker();
    const src = [0x02, 0, 0x5e, 0x10, 0x20, 0x30];
    const sent = frame(src, marker);
    assert.equal(sock.send(sent), sent.length);
    for (;;) {
      const [data, address] = sock.recvfrom(65535);
      if (!contains(data, marker)) continue; // another run's frame
      assert.deepEqual(address, [
        "lo",
        ETH_P_EXPERIMENTAL,
        socket.PACKET_HOST,
        SYS.ARPHRD_LOOPBACK,
        new Uint8Array(src),
      ]);
      assert.deepEqual(data, sent);
      break;
    }
  });

  test('sendto(["lo", proto]) from an unbound socket reaches a socket bound to lo', (t) => {
    const r = probe(socket.AF_PACKET, socket.SOCK_RAW, htons(ETH_P_EXPERIMENTAL));
    if (typeof r === "string") return skip(t, `AF_PACKET: ${r}`);
    using receiver = r;
    receiver.bind(["lo", ETH_P_EXPERIMENTAL]);
    receiver.settimeout(10);
    using sender = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0);
    const marker = randomMarker();
    const src = [0x02, 0, 0x5e, 0x01, 0x02, 0x03];
    const sent = frame(src, marker);
    assert.equal(sender.sendto(sent, ["lo", ETH_P_EXPERIMENTAL]), sent.length);
    for (;;) {
      const [data, address] = receiver.recvfrom(65535);
      if (!contains(data, marker)) continue;
      assert.deepEqual(address, [
        "lo",
        ETH_P_EXPERIMENTAL,
        socket.PACKET_HOST,
        SYS.ARPHRD_LOOPBACK,
        new Uint8Array(src),
      ]);
      assert.deepEqual(data, sent);
      break;
    }
  });

  test("bind() to an unknown interface is OSError(ENODEV) and the socket stays usable", (t) => {
    const s = probe(socket.AF_PACKET, socket.SOCK_RAW, 0);
    if (typeof s === "string") return skip(t, `AF_PACKET: ${s}`);
    using sock = s;
    raises(socket.OSError, () => sock.bind(["nope0", 0]), { errno: SYS.ENODEV });
    sock.bind(["lo", 0]);
    assert.equal((sock.getsockname() as unknown[])[0], "lo");
  });

  test("examples/packet_sniffer.ts: sniff() captures a frame sent on lo", (t) => {
    const s = probe(socket.AF_PACKET, socket.SOCK_RAW, 0);
    if (typeof s === "string") return skip(t, `AF_PACKET: ${s}`);
    using sender = s;
    const marker = randomMarker();
    const src = [0x02, 0, 0x5e, 0xaa, 0xbb, 0xcc];
    const frames = sniff({
      iface: "lo",
      count: 1,
      ethertype: ETH_P_EXPERIMENTAL,
      timeout: 10,
      onReady: () => sender.sendto(frame(src, marker), ["lo", ETH_P_EXPERIMENTAL]),
    });
    assert.equal(frames.length, 1);
    const [f] = frames;
    assert.equal(f.src, "02:00:5e:aa:bb:cc");
    assert.equal(f.dst, "00:00:00:00:00:00");
    assert.equal(f.ethertype, ETH_P_EXPERIMENTAL);
    assert.equal(f.length, 60);
    assert.ok(contains(f.data, marker));
    assert.equal(f.address[0], "lo");
    assert.match(describeFrame(f), /^02:00:5e:aa:bb:cc > 00:00:00:00:00:00, ethertype 0x88b5, length 60 \(lo, /);
  });
});

describe("AF_VSOCK (live)", { skip: socket.AF_VSOCK === undefined }, () => {
  test("socket(AF_VSOCK, SOCK_STREAM) binds [VMADDR_CID_ANY, port]", (t) => {
    const s = probe(socket.AF_VSOCK, socket.SOCK_STREAM);
    if (typeof s === "string") return skip(t, `AF_VSOCK: ${s} (is the vsock module loaded?)`);
    using sock = s;
    try {
      sock.bind([socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY]);
    } catch (e) {
      if (e instanceof socket.OSError && e.errno === SYS.EADDRNOTAVAIL) {
        return skip(t, `AF_VSOCK: no vsock transport here: ${e}`);
      }
      throw e;
    }
    const [cid, port] = sock.getsockname() as [number, number];
    assert.equal(cid, socket.VMADDR_CID_ANY);
    assert.ok(port > 0 && port !== socket.VMADDR_PORT_ANY);
    // A second socket on the port chosen for the first is refused; another explicit port works.
    using again = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
    assert.throws(() => again.bind([socket.VMADDR_CID_ANY, port]), (e: unknown) => {
      return e instanceof socket.OSError && e.errno === SYS.EADDRINUSE;
    });
    const other = port === 0x7fffffff ? 0x7ffffffe : 0x7fffffff;
    again.bind([socket.VMADDR_CID_ANY, other]);
    assert.deepEqual(again.getsockname(), [socket.VMADDR_CID_ANY, other]);
  });
});

describe("families this kernel may lack (live part skipped when absent)", () => {
  test("AF_CAN: CAN_RAW socket; with vcan0, a frame sent by one socket reaches another", (t) => {
    const s = probe(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
    if (typeof s === "string") return skip(t, `AF_CAN: ${s}`);
    using sock = s;
    sock.bind([""]);
    assert.deepEqual(sock.getsockname(), [""]);
    if (!existsSync("/sys/class/net/vcan0")) return skip(t, "AF_CAN live send/recv: there is no vcan0 interface");
    using rx = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
    rx.bind(["vcan0"]);
    rx.settimeout(10);
    assert.deepEqual(rx.getsockname(), ["vcan0"]);
    using tx = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
    tx.bind(["vcan0"]);
    tx.send(buildCanFrame(0x123, new Uint8Array([0xde, 0xad, 0xbe, 0xef])));
    const [cf, address] = rx.recvfrom(LAYOUT.SIZEOF_CAN_FRAME);
    assert.deepEqual(dissectCanFrame(cf), [0x123, 4, new Uint8Array([0xde, 0xad, 0xbe, 0xef])]);
    assert.deepEqual(address, ["vcan0"]);
  });

  test("examples/can_example.ts: explains itself without vcan0, else echoes a frame", (t) => {
    const why = unavailable("vcan0");
    if (why !== null) {
      assert.match(why, /AF_CAN|CAN_RAW|vcan0/);
      return skip(t, `CAN example: ${why}`);
    }
    using tx = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
    tx.bind(["vcan0"]);
    tx.settimeout(10);
    const lines: string[] = [];
    const got = canExample({
      iface: "vcan0",
      count: 1,
      onReady: () => tx.send(buildCanFrame(0x42, new Uint8Array([1, 2]))),
      print: (l) => lines.push(l),
    });
    assert.deepEqual(got, [[0x42, 2, new Uint8Array([1, 2])]]);
    assert.deepEqual(lines, ["Received: can_id=42, can_dlc=2, data=1,2"]);
    // The example echoes the frame, then sends 0x01 [1, 2, 3].
    assert.deepEqual(dissectCanFrame(tx.recv(LAYOUT.SIZEOF_CAN_FRAME)), [0x42, 2, new Uint8Array([1, 2])]);
    assert.deepEqual(dissectCanFrame(tx.recv(LAYOUT.SIZEOF_CAN_FRAME)), [0x01, 3, new Uint8Array([1, 2, 3])]);
  });

  test("AF_TIPC: SOCK_RDM socket bound to a name sequence receives what is sent to a name in it", (t) => {
    const s = probe(socket.AF_TIPC, socket.SOCK_RDM);
    if (typeof s === "string") return skip(t, `AF_TIPC: ${s}`);
    using srv = s;
    // As CPython's TIPCTest.testRDM: bind (TIPC_ADDR_NAMESEQ, TIPC_STYPE, lower, upper), send to a name in it.
    srv.bind([socket.TIPC_ADDR_NAMESEQ, 2037, 20, 30]);
    assert.equal((srv.getsockname() as number[])[0], socket.TIPC_ADDR_ID);
    using cli = socket.socket(socket.AF_TIPC, socket.SOCK_RDM);
    cli.sendto(new TextEncoder().encode("tipc"), [socket.TIPC_ADDR_NAME, 2037, 25, 0]);
    srv.settimeout(10);
    const [data, from] = srv.recvfrom(64);
    assert.equal(new TextDecoder().decode(data), "tipc");
    assert.deepEqual(from, cli.getsockname());
  });

  test("AF_ALG: a sha256 hash socket digests 'abc'", (t) => {
    const s = probe(socket.AF_ALG, socket.SOCK_SEQPACKET);
    if (typeof s === "string") return skip(t, `AF_ALG: ${s}`);
    using sock = s;
    sock.bind(["hash", "sha256"]);
    const [op] = sock.accept();
    using opSock = op;
    opSock.sendall(new TextEncoder().encode("abc"));
    const digest = Array.from(opSock.recv(32), (b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("AF_RDS: SOCK_SEQPACKET socket binds an AF_INET address", (t) => {
    const s = probe(socket.AF_RDS, socket.SOCK_SEQPACKET);
    if (typeof s === "string") return skip(t, `AF_RDS: ${s}`);
    using sock = s;
    sock.bind(["127.0.0.1", 0]);
    const [host, port] = sock.getsockname() as [string, number];
    assert.equal(host, "127.0.0.1");
    assert.equal(typeof port, "number");
  });

  test("AF_BLUETOOTH: RFCOMM socket creation", (t) => {
    const s = probe(socket.AF_BLUETOOTH, socket.SOCK_STREAM, socket.BTPROTO_RFCOMM);
    if (typeof s === "string") return skip(t, `AF_BLUETOOTH: ${s}`);
    using sock = s;
    assert.equal(sock.proto, socket.BTPROTO_RFCOMM);
  });

  test("AF_QIPCRTR: SOCK_DGRAM socket creation and getsockname() as [node, port]", (t) => {
    const s = probe(socket.AF_QIPCRTR, socket.SOCK_DGRAM);
    if (typeof s === "string") return skip(t, `AF_QIPCRTR: ${s}`);
    using sock = s;
    const name = sock.getsockname() as number[];
    assert.equal(name.length, 2);
  });
});

describe("the examples as programs", { skip: !LINUX }, () => {
  test("examples/netlink_ifaces.ts prints one line per interface, lo among them", async () => {
    const { code, stdout, stderr } = await runExample("netlink_ifaces.ts", []);
    assert.equal(code, 0, stderr);
    const names = stdout.trim().split("\n").map((line) => line.split(" ")[1]);
    assert.deepEqual(new Set(names), libcNameindex());
  });

  test("examples/packet_sniffer.ts --count 1 --iface lo prints a frame", async (t) => {
    const s = probe(socket.AF_PACKET, socket.SOCK_RAW, 0);
    if (typeof s === "string") return skip(t, `AF_PACKET: ${s}`);
    using sender = s;
    const f = frame([0x02, 0, 0x5e, 0x0d, 0x0e, 0x0f], randomMarker());
    // The program binds after it starts: keep sending until it has caught a frame and exited.
    const { code, stdout, stderr } = await runExample(
      "packet_sniffer.ts",
      ["--count", "1", "--iface", "lo"],
      () => sender.sendto(f, ["lo", ETH_P_EXPERIMENTAL]),
    );
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split("\n");
    assert.equal(lines[0], "capturing 1 frame(s) on lo");
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^[0-9a-f:]{17} > [0-9a-f:]{17}, ethertype 0x[0-9a-f]{4}, length \d+ \(lo, \w+\)$/);
  });

  test("examples/can_example.ts exits 0, explaining itself where it cannot run", async () => {
    const { code, stdout, stderr } = await runExample("can_example.ts", ["--count", "0"]);
    assert.equal(code, 0, stderr);
    if (unavailable("vcan0") !== null) assert.match(stdout, /cannot run here/);
    else assert.match(stdout, /Listening on vcan0/);
  });
});
