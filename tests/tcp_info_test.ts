// Tests for lib/tcp_info.ts: tcp_info() and peercred(), live on loopback,
// with python3's struct.unpack of the same getsockopt bytes as the oracle.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";

import * as socket from "../mod.ts";
import { decodeTcpInfo } from "../lib/tcp_info.ts";
import { LAYOUT } from "../ffi/gen/mod.ts";
import { raises } from "./helpers.ts";

function connected(): [socket.SocketType, socket.SocketType, socket.SocketType] {
  const server = socket.create_server(["127.0.0.1", 0]);
  const client = socket.create_connection(server.getsockname() as [string, number]);
  const [conn] = server.accept();
  return [server, client, conn];
}

function python(script: string, input: string): string | null {
  try {
    return execFileSync("python3", ["-c", script], { input, encoding: "utf8" });
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw e;
  }
}

test("tcp_info() reports an established loopback connection with a measured RTT", () => {
  const [server, client, conn] = connected();
  try {
    // A round trip, so the sender has an RTT sample and counted bytes.
    client.sendall(new Uint8Array(1000));
    let got = 0;
    while (got < 1000) got += conn.recv(4096).length;
    conn.sendall(new Uint8Array([1]));
    client.recv(1);
    const info = socket.tcp_info(client);
    assert.equal(info.tcpi_state, socket.TCP_ESTABLISHED);
    assert.ok((info.tcpi_rtt as number) > 0, `tcpi_rtt ${info.tcpi_rtt}`);
    assert.ok((info.tcpi_snd_cwnd as number) > 0);
    assert.ok((info.tcpi_snd_mss as number) > 0);
    assert.equal(info.tcpi_total_retrans, 0);
    assert.equal(typeof info.tcpi_bytes_acked, "bigint");
    assert.ok((info.tcpi_bytes_acked as bigint) >= 1000n);
    assert.ok((info.tcpi_segs_out as number) > 0);
    const server_side = socket.tcp_info(conn);
    assert.equal(server_side.tcpi_state, socket.TCP_ESTABLISHED);
    assert.ok((server_side.tcpi_bytes_received as bigint) >= 1000n);
    assert.equal(socket.tcp_info(server).tcpi_state, socket.TCP_LISTEN);
  } finally {
    client.close();
    conn.close();
    server.close();
  }
});

test("tcp_info() names every field the kernel returned, by the returned length", () => {
  const [server, client, conn] = connected();
  try {
    const raw = client.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1024);
    const info = socket.tcp_info(client);
    // The kernel's length bounds what is decoded: the last field present ends within it.
    const known = Object.keys(info).map((k) =>
      (LAYOUT as Readonly<Record<string, number | undefined>>)[`OFF_TCP_INFO_${k.toUpperCase()}`]
    ).filter((o) => o !== undefined);
    assert.ok(Math.max(...known) < raw.length);
    if (raw.length >= LAYOUT.SIZEOF_TCP_INFO) {
      assert.ok("tcpi_snd_wnd" in info && "tcpi_rcv_wnd" in info, "a kernel this new returns the newer fields");
    }
    // A shorter struct (an older kernel) yields only the fields that fit.
    const short = decodeTcpInfo(raw, LAYOUT.OFF_TCP_INFO_TCPI_PACING_RATE);
    assert.ok("tcpi_total_retrans" in short);
    assert.ok(!("tcpi_pacing_rate" in short));
    assert.ok("tcpi_rcv_wscale" in short);
  } finally {
    client.close();
    conn.close();
    server.close();
  }
});

test("tcp_info() decodes the same bytes as python3's struct.unpack", (t) => {
  // One getsockopt's bytes, decoded twice: by us and by python3 with the
  // linux/tcp.h format, bit-fields split by hand as C lays them out.
  const [server, client, conn] = connected();
  let raw: Uint8Array;
  try {
    client.sendall(new Uint8Array(10));
    conn.recv(10);
    raw = client.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, LAYOUT.SIZEOF_TCP_INFO);
  } finally {
    client.close();
    conn.close();
    server.close();
  }
  const script = `
import json, struct, sys
raw = bytes.fromhex(sys.stdin.read())
names = """state ca_state retransmits probes backoff options wscale flags
rto ato snd_mss rcv_mss unacked sacked lost retrans fackets
last_data_sent last_ack_sent last_data_recv last_ack_recv
pmtu rcv_ssthresh rtt rttvar snd_ssthresh snd_cwnd advmss reordering rcv_rtt rcv_space total_retrans
pacing_rate max_pacing_rate bytes_acked bytes_received segs_out segs_in
notsent_bytes min_rtt data_segs_in data_segs_out delivery_rate busy_time rwnd_limited sndbuf_limited
delivered delivered_ce bytes_sent bytes_retrans dsack_dups reord_seen rcv_ooopack snd_wnd""".split()
fmt = "<8B24I4Q6IQ3Q2I2Q4I"
size = struct.calcsize(fmt)
vals = dict(zip(names, struct.unpack(fmt, raw[:size])))
w, f = vals.pop("wscale"), vals.pop("flags")
vals.update(snd_wscale=w & 15, rcv_wscale=w >> 4, delivery_rate_app_limited=f & 1, fastopen_client_fail=(f >> 1) & 3)
print(json.dumps({"tcpi_" + k: str(v) for k, v in vals.items()}))
`;
  const out = python(script, Buffer.from(raw).toString("hex"));
  if (out === null) {
    console.log("skipped: python3 not found");
    t.skip("python3 not found");
    return;
  }
  const expected = JSON.parse(out) as Record<string, string>;
  const ours = decodeTcpInfo(raw);
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(String(ours[name]), value, name);
  }
  assert.equal(Object.keys(expected).length, 56);
});

test("tcp_info() and peercred() check their argument and refuse a closed socket", () => {
  raises(TypeError, () => socket.tcp_info(3 as unknown as socket.SocketType));
  raises(TypeError, () => socket.peercred(null as unknown as socket.SocketType));
  const s = socket.socket();
  s.close();
  raises(socket.OSError, () => socket.tcp_info(s), { errno: socket.EBADF });
  raises(socket.OSError, () => socket.peercred(s), { errno: socket.EBADF });
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  raises(socket.OSError, () => socket.tcp_info(u));
});

test("peercred() returns this process's pid, uid and gid for a socketpair", () => {
  const [a, b] = socket.socketpair();
  try {
    assert.deepEqual(socket.peercred(a), [process.pid, process.getuid!(), process.getgid!()]);
    assert.deepEqual(socket.peercred(b), [process.pid, process.getuid!(), process.getgid!()]);
  } finally {
    a.close();
    b.close();
  }
});
