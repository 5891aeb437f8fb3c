// File-system paths in AF_UNIX addresses are UTF-8 with surrogateescape both
// ways, as CPython's PyUnicode_EncodeFSDefault/DecodeFSDefault; other names
// (interfaces, services, protocols, address strings, ports) are encoded as
// CPython encodes them, with UnicodeEncodeError where it raises that.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { hasPython, tempDir } from "./helpers.ts";

/** The raw names in `dir`, as hex of their bytes. */
function rawNames(dir: string): string[] {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  if (hasPython()) {
    const r = spawnSync("python3", [
      "-c",
      "import os, sys; print(' '.join(sorted(n.hex() for n in os.listdir(os.fsencode(sys.argv[1])))))",
      dir,
    ]);
    return r.stdout.toString().trim().split(" ").filter(Boolean);
  }
  return (readdirSync(dir, { encoding: "buffer" }) as unknown as Uint8Array[]).map(hex).sort();
}

/** `dir/name` by concatenation (Bun's path.join replaces lone surrogates with U+FFFD). */
function inDir(dir: { path: string }, name: string): string {
  return `${dir.path}/${name}`;
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

describe("AF_UNIX paths with bytes that are not UTF-8", () => {
  it("bind('s\\udcff') creates the file 's\\xff' and getsockname() gives the same string back", () => {
    const dir = tempDir();
    try {
      using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const path = inDir(dir, "s\udcff");
      s.bind(path);
      assert.deepEqual(rawNames(dir.path), ["73ff"]);
      assert.equal(s.getsockname(), path);
      s.listen();
      // The same file, named by its bytes.
      using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const raw = new Uint8Array([...utf8(dir.path + "/s"), 0xff]);
      c.connect(raw);
      assert.equal(c.getpeername(), path);
    } finally {
      dir.remove();
    }
  });

  it("accept() and getpeername() return the peer's non-UTF-8 path as surrogates", () => {
    const dir = tempDir();
    try {
      using srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const srvPath = inDir(dir, "srv\udce9\udc80");
      srv.bind(srvPath);
      srv.listen();
      using c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      const cliPath = inDir(dir, "cli-é-\udcfe");
      c.bind(cliPath);
      c.connect(srvPath);
      const [conn, addr] = srv.accept();
      using _conn = conn;
      assert.equal(addr, cliPath);
      assert.equal(conn.getpeername(), cliPath);
      assert.equal(conn.getsockname(), srvPath);
      assert.deepEqual(
        rawNames(dir.path),
        [
          Array.from(utf8("cli-é-"), (x) => x.toString(16).padStart(2, "0")).join("") + "fe",
          "737276e980",
        ].sort(),
      );
    } finally {
      dir.remove();
    }
  });

  it("recvfrom() on a datagram socket gives the sender's non-UTF-8 path, which sendto() reaches", () => {
    const dir = tempDir();
    try {
      using rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      using tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      const rxPath = inDir(dir, "r\udcfe");
      const txPath = inDir(dir, "t\udcff\udc80x");
      rx.bind(rxPath);
      tx.bind(txPath);
      tx.sendto(utf8("ping"), rxPath);
      const [data, from] = rx.recvfrom(16);
      assert.deepEqual(data, utf8("ping"));
      assert.equal(from, txPath);
      rx.sendto(utf8("pong"), from as string);
      assert.deepEqual(tx.recvfrom(16), [utf8("pong"), rxPath]);
    } finally {
      dir.remove();
    }
  });

  it("a bytes path that is not UTF-8 comes back as a string with surrogates", () => {
    const dir = tempDir();
    try {
      using s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
      s.bind(new Uint8Array([...utf8(dir.path + "/b"), 0xc3, 0x28, 0xe2, 0x82]));
      assert.equal(s.getsockname(), dir.path + "/b\udcc3(\udce2\udc82");
    } finally {
      dir.remove();
    }
  });

  it("a lone surrogate outside U+DC80–U+DCFF is a UnicodeEncodeError before any file is made", () => {
    const dir = tempDir();
    try {
      using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
      for (const name of ["a\ud800", "\udc7f", "x\udbff"]) {
        assert.throws(() => s.bind(inDir(dir, name)), socket.UnicodeEncodeError);
      }
      assert.deepEqual(rawNames(dir.path), []);
    } finally {
      dir.remove();
    }
  });
});

// CPython's exact outcome for each call, from python3 3.11 (checked by the differential test below).
const SURROGATE = "'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed";
const NAMES: [string, () => unknown, string, string][] = [
  ["if_nametoindex('\\ud800')", () => socket.if_nametoindex("\ud800"), "UnicodeEncodeError", SURROGATE],
  ["if_nametoindex('\\udcff')", () => socket.if_nametoindex("\udcff"), "OSError", "no interface with this name"],
  ["getservbyname('\\ud800')", () => socket.getservbyname("\ud800"), "UnicodeEncodeError", SURROGATE],
  [
    "getservbyname('http', '\\udcff')",
    () => socket.getservbyname("http", "\udcff"),
    "UnicodeEncodeError",
    "'utf-8' codec can't encode character '\\udcff' in position 0: surrogates not allowed",
  ],
  ["getservbyport(80, '\\ud800')", () => socket.getservbyport(80, "\ud800"), "UnicodeEncodeError", SURROGATE],
  ["getprotobyname('\\ud800')", () => socket.getprotobyname("\ud800"), "UnicodeEncodeError", SURROGATE],
  ["inet_aton('\\ud800')", () => socket.inet_aton("\ud800"), "UnicodeEncodeError", SURROGATE],
  ["inet_pton(AF_INET, '\\ud800')", () => socket.inet_pton(socket.AF_INET, "\ud800"), "UnicodeEncodeError", SURROGATE],
  [
    "inet_pton(AF_INET6, '\\ud800')",
    () => socket.inet_pton(socket.AF_INET6, "\ud800"),
    "UnicodeEncodeError",
    SURROGATE,
  ],
  [
    "inet_pton(AF_INET, '\\ud800\\x00')",
    () => socket.inet_pton(socket.AF_INET, "\ud800\0"),
    "UnicodeEncodeError",
    SURROGATE,
  ],
  [
    "getaddrinfo('127.0.0.1', 'a\\ud800')",
    () => socket.getaddrinfo("127.0.0.1", "a\ud800"),
    "UnicodeEncodeError",
    "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed",
  ],
  ["sethostname('\\ud800')", () => socket.sethostname("\ud800"), "UnicodeEncodeError", SURROGATE],
  ["inet_aton('é')", () => socket.inet_aton("é"), "OSError", "illegal IP address string passed to inet_aton"],
  ["getservbyname('é')", () => socket.getservbyname("é"), "OSError", "service/proto not found"],
];

describe("names are encoded as CPython encodes them", () => {
  for (const [call, f, cls, message] of NAMES) {
    it(`${call} raises ${cls}: ${message}`, () => {
      assert.throws(f, (e: Error) => {
        assert.equal(e.name, cls);
        assert.equal(String(e.message), message);
        return true;
      });
    });
  }

  it("the table above is CPython's", { skip: hasPython() ? false : "python3 is absent" }, () => {
    const script = String.raw`
import json, socket, sys
out = []
for call in json.load(sys.stdin):
    try:
        eval("socket." + call.replace("AF_INET", "socket.AF_INET"))
        out.append(None)
    except Exception as e:
        out.append([type(e).__name__, str(e)])
json.dump(out, sys.stdout)
`;
    const calls = NAMES.filter(([c]) => !c.startsWith("sethostname")).map(([c]) => c);
    const r = spawnSync("python3", ["-c", script], { input: JSON.stringify(calls) });
    const got = JSON.parse(r.stdout.toString());
    const want = NAMES.filter(([c]) => !c.startsWith("sethostname")).map(([, , cls, msg]) => [cls, msg]);
    assert.deepEqual(got, want);
  });
});
