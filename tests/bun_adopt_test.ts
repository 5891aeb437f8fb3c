// Tests for examples/bun_adopt_tls.ts: a stream socket made by this module,
// handed to Bun.connect({ fd, tls, socket }), talks TLS to a local peer
// (python3's ssl) whose certificate is generated here with the openssl CLI.
// Bun only: under Deno the tests print why they skip.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

import * as socket from "../mod.ts";
import { adoptTls } from "../examples/bun_adopt_tls.ts";
import { RUNTIME, tempDir } from "./helpers.ts";

const PEER = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
for _ in range(int(sys.argv[3])):
    conn, _ = srv.accept()
    try:
        with ctx.wrap_socket(conn, server_side=True) as t:
            data = t.recv(1024)
            t.sendall(t.version().encode() + b" " + data)
    except (ssl.SSLError, OSError):
        pass
`;

function have(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why this file cannot run here, or null. */
function missing(): string | null {
  if (RUNTIME !== "bun") return "Bun.connect({ fd }) is Bun's API; this runtime is Deno";
  if (!have("openssl", ["version"])) return "the openssl CLI is not installed (needed to make the certificate)";
  if (!have("python3", ["-c", "import ssl"])) return "python3 with ssl is not installed (the TLS peer)";
  return null;
}

/** A self-signed certificate for localhost/127.0.0.1, and a TLS echo peer serving `connections` connections. */
async function peer(dir: ReturnType<typeof tempDir>, connections: number): Promise<{ port: number; ca: string }> {
  const cert = dir.join("cert.pem"), key = dir.join("key.pem");
  execFileSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  const p = spawn("python3", ["-c", PEER, cert, key, String(connections)], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    p.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
    p.once("error", reject);
  });
  return { port, ca: readFileSync(cert, "utf8") };
}

/**
 * Runs `body` with a TLS peer's port and CA, in a temporary directory; skips,
 * printing why, where Bun, openssl or python3 is missing.
 */
async function withPeer(t: { skip(m?: string): void }, body: (port: number, ca: string) => Promise<void>) {
  const why = missing();
  if (why) {
    console.log(`skipped: ${why}`);
    t.skip(why);
    return;
  }
  const dir = tempDir();
  try {
    const { port, ca } = await peer(dir, 1);
    await body(port, ca);
  } finally {
    dir.remove();
  }
}

test("Bun.connect({ fd, tls }) runs TLS over a socket this module made and configured", async (t) => {
  await withPeer(t, async (port, ca) => {
    const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
    sock.connect(["127.0.0.1", port]);
    assert.equal(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1);
    let received = "";
    const closed = new Promise<void>((resolve) => {
      adoptTls(sock, {
        ca,
        serverName: "localhost",
        onData: (d) => received += new TextDecoder().decode(d),
        onClose: resolve,
      }).then((tls) => {
        assert.equal(tls.authorized, true);
        tls.write("hello over Bun's loop");
      });
    });
    // The module's object gave the descriptor away: it no longer owns one.
    assert.equal(sock.fileno(), -1);
    await closed;
    assert.match(received, /^TLSv1\.[23] hello over Bun's loop$/);
  });
});

test("Bun.connect({ fd, tls }) verifies the peer's certificate against the name given", async (t) => {
  await withPeer(t, async (port, ca) => {
    const sock = socket.create_connection(["127.0.0.1", port]);
    await assert.rejects(adoptTls(sock, { ca, serverName: "not-the-certificate-name.example" }), (e: Error) => {
      assert.match(String((e as { code?: string }).code ?? e.message), /ALTNAME|HOST|name/i);
      return true;
    });
  });
});
