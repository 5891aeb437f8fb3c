import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { CONSTANTS } from "../../ffi/gen/mod.ts";
import { gaierror, OverflowError } from "../../lib/errors.ts";
import { raises } from "../helpers.ts";
import { ctx, decode, encode, Expected, HOST_LE, skip } from "./util.ts";

const { AF_INET6, SOCK_STREAM } = CONSTANTS;
const IN6 = ctx(AF_INET6, SOCK_STREAM, 0);

/** A sockaddr_in6 from LAYOUT: port and flowinfo big-endian, scope_id in host order. */
function expected(addr: readonly number[], port: number, flowinfo = 0, scope = 0): Uint8Array {
  const e = new Expected("SOCKADDR_IN6", AF_INET6, "SIN6_FAMILY").u16("SIN6_PORT", port, true).set("SIN6_ADDR", addr);
  e.view.setUint32(e.off("SIN6_FLOWINFO"), flowinfo, false);
  e.view.setUint32(e.off("SIN6_SCOPE_ID"), scope, HOST_LE);
  return e.bytes;
}

/** 16 bytes from eight 16-bit groups. */
function groups(...g: number[]): number[] {
  return g.flatMap((n) => [n >> 8, n & 0xff]);
}

const LOOPBACK = groups(0, 0, 0, 0, 0, 0, 0, 1);

describe("AF_INET6 codec", () => {
  // [address given, bytes of sin6_addr, address decode() gives back]
  const cases: [unknown[], number[], [string, number, number, number]][] = [
    [["::1", 80], LOOPBACK, ["::1", 80, 0, 0]],
    [["::", 0], groups(0, 0, 0, 0, 0, 0, 0, 0), ["::", 0, 0, 0]],
    [["", 8080], groups(0, 0, 0, 0, 0, 0, 0, 0), ["::", 8080, 0, 0]],
    [["2001:db8::1", 443, 0, 0], groups(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), ["2001:db8::1", 443, 0, 0]],
    [["fe80::1", 1, 0xfffff, 7], groups(0xfe80, 0, 0, 0, 0, 0, 0, 1), ["fe80::1", 1, 0xfffff, 7]],
    [["::ffff:192.0.2.1", 65535, 1], groups(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201), ["::ffff:192.0.2.1", 65535, 1, 0]],
    [["1:2:3:4:5:6:7:8", 0x1234, 0, 0xffffffff], groups(1, 2, 3, 4, 5, 6, 7, 8), [
      "1:2:3:4:5:6:7:8",
      0x1234,
      0,
      0xffffffff,
    ]],
    // Upper-case hex and a non-canonical zero run are accepted and normalised.
    [["FE80:0:0::AB", 9], groups(0xfe80, 0, 0, 0, 0, 0, 0, 0xab), ["fe80::ab", 9, 0, 0]],
  ];

  test("encode() writes sockaddr_in6 from LAYOUT: port, flowinfo big-endian; scope_id in host order", () => {
    for (const [addr, bytes] of cases) {
      const [, port, flowinfo = 0, scope = 0] = addr as [string, number, number?, number?];
      assert.deepEqual(encode(IN6, addr), expected(bytes, port, flowinfo, scope), String(addr));
    }
  });

  test("decode() inverts encode(), returning all four fields", () => {
    for (const [addr, , back] of cases) assert.deepEqual(decode(IN6, encode(IN6, addr)), back, String(addr));
  });

  test("decode() writes the host as python3's inet_ntop does", (t) => {
    const patterns = [
      groups(0, 0, 0, 0, 0, 0, 0, 0),
      LOOPBACK,
      groups(0, 0, 0, 0, 0, 0, 0x0102, 0x0304), // ::1.2.3.4, IPv4-compatible
      groups(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304), // ::ffff:1.2.3.4, IPv4-mapped
      groups(0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304),
      groups(1, 0, 0, 1, 0, 0, 0, 1), // the longer zero run is the one that shrinks
      groups(1, 0, 0, 1, 0, 0, 1, 1), // equal runs: the first
      groups(1, 0, 1, 1, 1, 1, 1, 1), // a single zero group stays
      groups(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
      groups(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
      groups(0, 1, 0, 0, 0, 0, 0, 0),
    ];
    let want: string[];
    try {
      want = JSON.parse(execFileSync("python3", [
        "-c",
        "import json, socket, sys\n" +
        "print(json.dumps([socket.inet_ntop(socket.AF_INET6, bytes(p)) for p in json.loads(sys.argv[1])]))",
        JSON.stringify(patterns),
      ], { encoding: "utf8" }));
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") throw e;
      skip(t, "python3 not found: no inet_ntop oracle");
      return;
    }
    const got = patterns.map((p) => (decode(IN6, expected(p, 0)) as [string])[0]);
    assert.deepEqual(got, want);
  });

  test("argument errors have CPython's classes and messages", () => {
    // [address, class, message], as python3 3.11 raises them from bind().
    const bad: [unknown, typeof TypeError | typeof OverflowError, string][] = [
      ["::1", TypeError, "bind(): AF_INET6 address must be tuple, not str"],
      [["::1"], TypeError, "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])"],
      [["::1", 0, 0, 0, 0], TypeError, "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])"],
      [[1, 0], TypeError, "str, bytes or bytearray expected, not int"],
      [[null, 0], TypeError, "str, bytes or bytearray expected, not NoneType"],
      [["::1\0", 0], TypeError, "host name must not contain null character"],
      [["::1", "0"], TypeError, "'str' object cannot be interpreted as an integer"],
      [["::1", 0, 1.5], TypeError, "'float' object cannot be interpreted as an integer"],
      [["::1", 0, 0, "1"], TypeError, "'str' object cannot be interpreted as an integer"],
      [["::1", -1], OverflowError, "bind(): port must be 0-65535."],
      [["::1", 65536], OverflowError, "bind(): port must be 0-65535."],
      [["::1", 0, -1], OverflowError, "bind(): flowinfo must be 0-1048575."],
      [["::1", 0, 0x100000], OverflowError, "bind(): flowinfo must be 0-1048575."],
    ];
    for (const [addr, cls, message] of bad) raises(cls, () => encode(IN6, addr), { message });
  });

  test("a malformed numeric host is a gaierror from the resolver", () => {
    raises(gaierror, () => encode(IN6, ["1::2::3", 0]));
  });
});
