/**
 * Address behaviour that the mutation runs of lib/addr/ showed untested:
 * each test asserts what CPython's `getsockaddrarg`/`setipaddr` do (checked
 * against python3 where this machine can run the family), never an
 * implementation detail. See tests/README.md, "Surviving mutants".
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as socket from "../../mod.ts";
import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { OSError, ValueError } from "../../lib/errors.ts";
import { raises, RUNTIME } from "../helpers.ts";
import { ctx, decode, encode, skip } from "./util.ts";

const C = CONSTANTS;
const utf8 = (s: string) => new TextEncoder().encode(s);

type Host = string | { bytes: string };

/** What python3 and this module do with `connect((host, 9, ...))` on a UDP socket: the peer, or the error. */
const CONNECT_SCRIPT = `
import json, socket, sys
out = []
for family, host, extra in json.loads(sys.argv[1]):
    if isinstance(host, dict): host = host["bytes"].encode("latin-1")
    s = socket.socket(family, socket.SOCK_DGRAM)
    try:
        s.connect((host, 9, *extra))
        out.append(list(s.getpeername()))
    except Exception as e:
        out.append([type(e).__name__, str(e), getattr(e, "errno", None)])
    finally:
        s.close()
print(json.dumps(out))`;

describe("host strings in address tuples (CPython's setipaddr), against python3", () => {
  const { AF_INET, AF_INET6 } = C;
  const V4: Host[] = [
    "",
    "<broadcast>",
    "255.255.255.255",
    "127.1.2.3",
    "127.0.0.255",
    "127.255.0.0",
    // Not inet_pton's form: the resolver's inet_aton takes them (octal, short forms, hex).
    "127.1.2.03",
    "127.1.2.010",
    "127.00.0.1",
    "127.1",
    "0x7f.1",
    "127.1.2.256",
    "127.1.2.3.4",
    "127.1.2.",
    "127..1",
    ".127.1.2",
    "1.2.3.4.",
    " 127.0.0.1",
    "127.0.0.1 ",
    "127.0.0.1%lo",
    "127-0-0-1",
    // Non-ASCII text goes through the idna codec (nameprep's NFKC, the ideographic full stop).
    "１２７.０.０.１",
    "127。0。0。2",
    "ü".repeat(64),
    "\ud800",
    "127x0x0x1",
    "localhost",
    "LOCALHOST",
    "::1",
    "::ffff:127.0.0.1",
    "a".repeat(1100),
    "b".repeat(1025),
    "b".repeat(1026),
    // Longer than the reused name buffer, and still an address: 0177 is octal for 127.
    "0".repeat(1100) + "177.0.0.1",
    "0".repeat(1016) + "177.0.0.1",
    "0".repeat(1017) + "177.0.0.1",
    "0".repeat(1018) + "177.0.0.1",
    { bytes: "127.0.0.2" },
    { bytes: "127.0.0.\xff" },
  ];
  const V6: Host[] = [
    "",
    "::",
    "::1",
    "0::1",
    "::ffff:127.0.0.1",
    "::127.0.0.1",
    "::1%1",
    "::1%lo",
    "::ffff:127.0.0.1%1",
    "::ffff:127.1.2.3%1",
    "：：１",
    "1::2::3",
    "::1 ",
    "127.0.0.1",
    "<broadcast>",
    "255.255.255.255",
    "localhost",
    "a".repeat(1100),
    { bytes: "::1" },
  ];
  const cases: [number, Host, number[]][] = [
    ...V4.map((h): [number, Host, number[]] => [AF_INET, h, []]),
    ...V6.map((h): [number, Host, number[]] => [AF_INET6, h, []]),
    // The scope id comes from the tuple, never from a %zone in the name.
    [AF_INET6, "fe80::1%lo", []],
    [AF_INET6, "fe80::1%lo", [0, 1]],
    [AF_INET6, "fe80::1", [0, 1]],
  ];

  test("connect() on a UDP socket reaches the peer python3 reaches, or fails as it does", (t) => {
    const py = spawnSync("python3", ["-c", CONNECT_SCRIPT, JSON.stringify(cases)], { encoding: "utf8" });
    if (py.error) return skip(t, `python3 is not available (${py.error.message})`);
    assert.equal(py.status, 0, py.stderr);
    const want = JSON.parse(py.stdout) as unknown[];
    const got = cases.map(([family, host, extra]) => {
      const s = socket.socket(family, socket.SOCK_DGRAM);
      try {
        const h = typeof host === "string" ? host : Uint8Array.from(host.bytes, (c) => c.charCodeAt(0));
        s.connect([h, 9, ...extra]);
        return s.getpeername();
      } catch (e) {
        const err = e as Error & { errno?: number | null };
        return [err.name, err.message, err.errno ?? null];
      } finally {
        s.close();
      }
    });
    cases.forEach((c, i) => assert.deepEqual(got[i], want[i], JSON.stringify(c).slice(0, 80)));
  });
});

describe(
  "AF_ALG: type and name are measured in UTF-8 bytes, as CPython's strlen",
  { skip: C.AF_ALG === undefined },
  () => {
    const ALG = ctx(C.AF_ALG, C.SOCK_SEQPACKET, 0);
    const TYPE_SIZE = LAYOUT.SIZEOF_SOCKADDR_ALG_SALG_TYPE;
    const NAME_SIZE = LAYOUT.SIZEOF_SOCKADDR_ALG_SALG_NAME;

    test("a last character that does not fit the field is 'too long', not dropped", () => {
      // 13 ASCII bytes and a 2-byte "é": 15 bytes, one more than salg_type holds with its NUL.
      raises(ValueError, () => encode(ALG, ["a".repeat(TYPE_SIZE - 1) + "é", "x"]), {
        message: "AF_ALG type too long.",
      });
      raises(ValueError, () => encode(ALG, ["a".repeat(TYPE_SIZE - 2) + "€", "x"]), {
        message: "AF_ALG type too long.",
      });
      raises(ValueError, () => encode(ALG, ["hash", "n".repeat(NAME_SIZE - 1) + "é"]), {
        message: "AF_ALG name too long.",
      });
      // What fits, fits: 11 ASCII bytes and "é" are 13 bytes.
      const type = "a".repeat(TYPE_SIZE - 3) + "é";
      assert.deepEqual(decode(ALG, encode(ALG, [type, "x"])), [type, "x", 0, 0]);
    });
  },
);

describe("AF_BLUETOOTH: a non-tuple address is CPython's OSError 'wrong format'", {
  skip: C.AF_BLUETOOTH === undefined,
}, () => {
  const L2 = ctx(C.AF_BLUETOOTH, C.SOCK_SEQPACKET, C.BTPROTO_L2CAP);
  const HCI = ctx(C.AF_BLUETOOTH, C.SOCK_RAW, C.BTPROTO_HCI);
  const SCO = ctx(C.AF_BLUETOOTH, C.SOCK_SEQPACKET, C.BTPROTO_SCO);
  const wrong = { message: "bind(): wrong format" };

  test("L2CAP and HCI: None, a number or a dict fail PyArg_ParseTuple: wrong format", () => {
    for (const addr of [null, undefined, { 0: "01:23:45:67:89:AB", 1: 1, length: 2 }]) {
      raises(OSError, () => encode(L2, addr), wrong);
      raises(OSError, () => encode(HCI, addr), wrong);
    }
    raises(OSError, () => encode(L2, 5), wrong);
  });

  test("SCO takes the bdaddr as bytes (an ArrayBuffer is bytes-like too)", () => {
    const text = "01:23:45:67:89:AB";
    assert.deepEqual(encode(SCO, utf8(text).buffer), encode(SCO, text));
    assert.deepEqual(decode(SCO, encode(SCO, utf8(text).buffer)), text);
  });
});

describe(
  "AF_CAN J1939: the address must be a tuple",
  { skip: C.AF_CAN === undefined || C.CAN_J1939 === undefined },
  () => {
    test("a string (even of four characters) is a TypeError naming its type, as for CAN_RAW", () => {
      // CPython 3.11 reports a non-tuple for J1939 as PyArg_ParseTuple's SystemError; this module gives
      // the TypeError its CAN_RAW/CAN_BCM branch gives (lib/addr/can.ts).
      const J1939 = ctx(C.AF_CAN, C.SOCK_DGRAM, C.CAN_J1939);
      for (const addr of ["abcd", "x"]) {
        raises(TypeError, () => encode(J1939, addr), { message: "bind(): AF_CAN address must be tuple, not str" });
      }
    });
  },
);

describe("AF_PACKET: interface names of IFNAMSIZ bytes or more, in a private network namespace", () => {
  // CPython copies the name with strncpy into ifr_name and forces the last byte to NUL: a name of 16
  // bytes or more is cut to its first 15. Only a namespace of our own can hold an interface with a name
  // that long: the child renames its loopback there; this host's network is never touched.
  const LONG = "loabcdefghijklm"; // 15 bytes, the longest name Linux allows
  const names = [LONG, LONG + "n", LONG + "XYZ", "loabcdefghijklx", "lo", "loabcdefghijk"];

  test("bind() and getsockname() give python3's results", (t) => {
    if (C.AF_PACKET === undefined) return skip(t, "no AF_PACKET here");
    const root = typeof process.getuid === "function" && process.getuid() === 0;
    const probe = root ? spawnSync("unshare", ["--net", "ip", "link", "set", "lo", "name", LONG]) : null;
    if (!root || probe?.error || probe?.status !== 0) {
      return skip(t, !root ? "not root" : "unshare --net with ip(8) is not available here");
    }
    const py = spawnSync("python3", ["--version"]);
    if (py.error || py.status !== 0) return skip(t, "python3 is not available");
    const pyScript = `
import json, socket, sys
out = []
for name in json.loads(sys.argv[1]):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    try:
        s.bind((name, 0))
        out.append(s.getsockname()[0])
    except OSError as e:
        out.append(e.errno)
    finally:
        s.close()
print(json.dumps(out))`;
    const mod = fileURLToPath(new URL("../../mod.ts", import.meta.url));
    const ourScript = `
      import * as socket from ${JSON.stringify(mod)};
      const out = [];
      for (const name of ${JSON.stringify(names)}) {
        const s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW);
        try {
          s.bind([name, 0]);
          out.push(s.getsockname()[0]);
        } catch (e) {
          out.push(e.errno);
        } finally {
          s.close();
        }
      }
      console.log(JSON.stringify(out));`;
    const runner = RUNTIME === "deno" ? `"${process.execPath}" eval "$2"` : `"${process.execPath}" -e "$2"`;
    const r = spawnSync("unshare", [
      "--net",
      "sh",
      "-c",
      `ip link set lo name ${LONG} && python3 -c "$1" '${JSON.stringify(names)}' && ${runner}`,
      "sh",
      pyScript,
      ourScript,
    ], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const [python, ours] = r.stdout.trim().split("\n").slice(-2).map((l) => JSON.parse(l));
    assert.deepEqual(python, [LONG, LONG, LONG, 19, 19, 19]);
    assert.deepEqual(ours, python);
  });
});

describe("address snapshots (lib/addr/mod.ts)", () => {
  test("a self-containing array is refused with the codec's TypeError, not a stack overflow", () => {
    using s = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    raises(TypeError, () => s.connect([cyclic, 9]), { message: "str, bytes or bytearray expected, not tuple" });
    raises(TypeError, () => s.connect(cyclic as never), { message: "AF_INET address must be a pair (host, port)" });
    raises(TypeError, () => s.connect([{} as never, 9]), { message: /^str, bytes or bytearray expected, not / });
  });

  test("a host given as a memoryview (DataView, ArrayBuffer) is refused as CPython's idna_converter does", () => {
    using s = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    const text = utf8("127.0.0.1");
    for (const host of [new DataView(text.buffer), text.buffer]) {
      raises(TypeError, () => s.connect([host as never, 9]), {
        message: "str, bytes or bytearray expected, not memoryview",
      });
    }
    s.connect([text, 9]);
    assert.deepEqual(s.getpeername(), ["127.0.0.1", 9]);
  });
});

describe("a sockaddr of a family without a codec (CPython's makesockaddr)", () => {
  test("decodes to [family, the 14 bytes of sa_data], whatever the length", () => {
    const UNKNOWN = 0x7ff0;
    const sa = new Uint8Array(16);
    new DataView(sa.buffer).setUint16(0, UNKNOWN, true);
    for (let i = 2; i < 16; i++) sa[i] = i;
    const data = sa.slice(2, 16);
    assert.deepEqual(decode(ctx(C.AF_INET, C.SOCK_DGRAM), sa), [UNKNOWN, data]);
    const short = sa.slice(0, 4);
    assert.deepEqual(decode(ctx(C.AF_INET, C.SOCK_DGRAM), short), [
      UNKNOWN,
      new Uint8Array([2, 3, ...new Uint8Array(12)]),
    ]);
    const long = new Uint8Array(40);
    long.set(sa);
    long.fill(0xee, 16);
    assert.deepEqual(decode(ctx(C.AF_INET, C.SOCK_DGRAM), long), [UNKNOWN, data]);
  });
});

describe("an address converted before other arguments (sendmsg)", () => {
  const text = (s: string) => utf8(s);
  function pair(): [socket.SocketType, socket.SocketType, number, number] {
    const a = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    const b = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    a.bind(["127.0.0.1", 0]);
    b.bind(["127.0.0.1", 0]);
    a.setblocking(false);
    b.setblocking(false);
    return [a, b, (a.getsockname() as [string, number])[1], (b.getsockname() as [string, number])[1]];
  }
  const drain = (s: socket.SocketType) => {
    const got: string[] = [];
    for (;;) {
      try {
        got.push(new TextDecoder().decode(s.recv(64)));
      } catch {
        return got;
      }
    }
  };

  test("a nested sendmsg() run by the ancdata iterable does not redirect the outer one", () => {
    const [a, b, pa, pb] = pair();
    using _a = a, _b = b, tx = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    function* ancdata() {
      tx.sendmsg([text("inner")], [], 0, ["127.0.0.1", pb]);
      yield* [];
    }
    assert.equal(tx.sendmsg([text("outer")], ancdata(), 0, ["127.0.0.1", pa]), 5);
    assert.deepEqual([drain(a), drain(b)], [["outer"], ["inner"]]);
  });

  test("a bytes host changed by the ancdata iterable does not redirect the message (its bytes are copied)", () => {
    using a = socket.socket(C.AF_INET, C.SOCK_DGRAM), b = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    a.bind(["127.0.0.1", 0]);
    const port = (a.getsockname() as [string, number])[1];
    b.bind(["127.0.0.2", port]);
    a.setblocking(false);
    b.setblocking(false);
    using tx = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    const host = text("127.0.0.1");
    function* ancdata() {
      host[8] = 0x32; // "127.0.0.2"
      yield* [];
    }
    tx.sendmsg([text("copied")], ancdata(), 0, [host, port]);
    assert.deepEqual([drain(a), drain(b)], [["copied"], []]);
  });

  test("each element of the address is read once, as from a Python tuple", () => {
    const [a, b, pa, pb] = pair();
    using _a = a, _b = b, tx = socket.socket(C.AF_INET, C.SOCK_DGRAM);
    let reads = 0;
    const address: unknown[] = ["127.0.0.1", 0];
    Object.defineProperty(address, 1, { get: () => reads++ === 0 ? pa : pb });
    tx.sendmsg([text("once")], [], 0, address as never);
    assert.deepEqual([drain(a), drain(b), reads], [["once"], [], 1]);
  });
});

test("an address for a socket of a family without a codec: CPython's OSError '<caller>(): bad family'", () => {
  raises(OSError, () => encode(ctx(0x7ff0, C.SOCK_DGRAM), ["127.0.0.1", 9]), { message: "bind(): bad family" });
  raises(OSError, () => encode(ctx(0x7ff0, C.SOCK_DGRAM), "/tmp/x", "connect"), { message: "connect(): bad family" });
});
