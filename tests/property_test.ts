/**
 * Property-based tests (fast-check): every address codec round-trips, and
 * decoding arbitrary bytes never throws; `inet_pton`/`inet_ntop`/`inet_aton`
 * agree with the C library's over arbitrary strings and bytes; the argument
 * converters raise only Python's argument errors; the ancillary-data parser
 * survives arbitrary control buffers.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as socket from "../mod.ts";
import { libc } from "../ffi/mod.ts";
import { LAYOUT } from "../ffi/gen/mod.ts";
import { codecFor, newSockaddr, type Sockaddr } from "../lib/addr/mod.ts";
import { ipv4Text } from "../lib/addr/inet.ts";
import { ipv6Text } from "../lib/addr/inet6.ts";
import { toBytes, toCInt, toCUInt, toInt, toWritableBytes } from "../lib/args.ts";
import * as msg from "../lib/msg.ts";

const RUNS = { numRuns: 2000 };
const ctx = (family: number) => ({ family, type: socket.SOCK_STREAM, proto: 0 });

/** Errors a decoder or converter may raise: Python's argument and OS errors. */
function documented(e: unknown): boolean {
  return e instanceof TypeError || e instanceof socket.ValueError || e instanceof socket.OverflowError ||
    e instanceof socket.OSError;
}

function encode(family: number, addr: unknown): [Sockaddr, number] {
  const sa = newSockaddr();
  const len = codecFor(family)!.encode(addr, sa, ctx(family), "bind");
  return [sa, len];
}

const u16 = fc.integer({ min: 0, max: 0xffff });

/** A printable form of any value (fast-check makes objects whose toString throws). */
function show(v: unknown): string {
  try {
    return fc.stringify(v);
  } catch {
    return typeof v;
  }
}

describe("address codecs", () => {
  test("AF_INET: [host, port] encodes and decodes to itself, bytes in network order", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), u16, (ip, port) => {
        const host = ipv4Text(ip, 0);
        const [sa, len] = encode(socket.AF_INET, [host, port]);
        assert.equal(len, LAYOUT.SIZEOF_SOCKADDR_IN);
        assert.deepEqual(sa.bytes.subarray(LAYOUT.OFF_SOCKADDR_IN_SIN_ADDR, LAYOUT.OFF_SOCKADDR_IN_SIN_ADDR + 4), ip);
        const p = LAYOUT.OFF_SOCKADDR_IN_SIN_PORT;
        assert.deepEqual([sa.bytes[p], sa.bytes[p + 1]], [port >> 8, port & 0xff], `port ${port} in network order`);
        assert.deepEqual(codecFor(socket.AF_INET)!.decode(sa, len, ctx(socket.AF_INET)), [host, port]);
      }),
      RUNS,
    );
  });

  test("AF_INET6: [host, port, flowinfo, scope_id] round-trips, the text as inet_ntop writes it", () => {
    const text = new Uint8Array(64);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        u16,
        fc.integer({ min: 0, max: 0xfffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (ip, port, flow, scope) => {
          const host = ipv6Text(ip, 0);
          assert.ok(!libc.inet_ntop(socket.AF_INET6, ip, text, text.length) === false);
          assert.equal(host, new TextDecoder().decode(text.subarray(0, text.indexOf(0))));
          const [sa, len] = encode(socket.AF_INET6, [host, port, flow, scope]);
          const off = LAYOUT.OFF_SOCKADDR_IN6_SIN6_ADDR;
          assert.deepEqual(sa.bytes.subarray(off, off + 16), ip);
          assert.deepEqual(codecFor(socket.AF_INET6)!.decode(sa, len, ctx(socket.AF_INET6)), [host, port, flow, scope]);
        },
      ),
      RUNS,
    );
  });

  test("AF_UNIX: paths and abstract names round-trip", () => {
    const path = fc.string({
      unit: fc.integer({ min: 1, max: 127 }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 107,
    });
    fc.assert(
      fc.property(path, (p) => {
        const [sa, len] = encode(socket.AF_UNIX, p);
        assert.equal(codecFor(socket.AF_UNIX)!.decode(sa, len, ctx(socket.AF_UNIX)), p);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 107 }), (rest) => {
        const name = new Uint8Array([0, ...rest]);
        const [sa, len] = encode(socket.AF_UNIX, name);
        assert.deepEqual(codecFor(socket.AF_UNIX)!.decode(sa, len, ctx(socket.AF_UNIX)), name);
      }),
      RUNS,
    );
  });

  test("AF_NETLINK and AF_VSOCK: integer pairs round-trip", () => {
    for (const family of [socket.AF_NETLINK, socket.AF_VSOCK]) {
      if (family === undefined || !codecFor(family)) continue;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b) => {
          const [sa, len] = encode(family, [a, b]);
          assert.deepEqual(codecFor(family)!.decode(sa, len, ctx(family)), [a, b]);
        }),
        { numRuns: 500 },
      );
    }
  });

  test("decoding arbitrary bytes never throws, but for CPython's two makesockaddr ValueErrors", () => {
    const families: number[] = [];
    for (let f = 0; f < 64; f++) if (codecFor(f)) families.push(f);
    assert.ok(families.length >= 3, `families: ${families}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...families),
        fc.uint8Array({ minLength: 0, maxLength: LAYOUT.SIZEOF_SOCKADDR_STORAGE }),
        fc.nat({ max: LAYOUT.SIZEOF_SOCKADDR_STORAGE }),
        fc.constantFrom(0, 1, 2, 3, 5, 6),
        (family, raw, lenSeed, proto) => {
          const sa = newSockaddr();
          sa.bytes.set(raw);
          const len = Math.max(2, Math.min(lenSeed, LAYOUT.SIZEOF_SOCKADDR_STORAGE));
          try {
            codecFor(family)!.decode(sa, len, { family, type: socket.SOCK_RAW, proto });
          } catch (e) {
            // makesockaddr raises only for an unknown TIPC address type or Bluetooth protocol.
            const allowed = family === socket.AF_TIPC
              ? "Invalid address type"
              : family === socket.AF_BLUETOOTH
              ? "Unknown Bluetooth protocol"
              : null;
            assert.ok(e instanceof socket.ValueError && e.message === allowed, `family ${family} decode threw ${e}`);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  test("encoding arbitrary values raises only Python's argument errors", () => {
    const families: number[] = [];
    for (let f = 0; f < 64; f++) if (codecFor(f)) families.push(f);
    const value = fc.oneof(
      fc.anything(),
      fc.array(fc.oneof(fc.integer(), fc.string(), fc.double(), fc.bigInt(), fc.uint8Array()), { maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...families), value, (family, addr) => {
        try {
          encode(family, addr);
        } catch (e) {
          assert.ok(documented(e), `family ${family} encode threw ${e}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/** libc's inet_pton: the bytes, or null when it refuses. */
function cPton(af: number, s: string): Uint8Array | null {
  const c = new TextEncoder().encode(s + "\0");
  const out = new Uint8Array(16);
  return libc.inet_pton(af, c, out) === 1 ? out.slice(0, af === socket.AF_INET ? 4 : 16) : null;
}

const ipChars = fc.string({
  unit: fc.constantFrom(..."0123456789abcdefABCDEFxX:.%/ -+g".split("")),
  maxLength: 45,
});
const ipText = fc.oneof(ipChars, fc.string({ maxLength: 45 }), fc.ipV4(), fc.ipV6(), fc.ipV4Extended());

describe("inet_* against the C library", () => {
  test("inet_pton agrees with libc's over arbitrary strings, for AF_INET and AF_INET6", () => {
    fc.assert(
      fc.property(fc.constantFrom(socket.AF_INET, socket.AF_INET6), ipText, (af, s) => {
        let ours: Uint8Array | null;
        try {
          ours = socket.inet_pton(af, s);
        } catch (e) {
          if (s.includes("\0")) {
            assert.ok(e instanceof socket.ValueError, `NUL: ${e}`);
            return;
          }
          assert.ok(e instanceof socket.OSError && e.errno === null, `${JSON.stringify(s)}: ${e}`);
          ours = null;
        }
        if (s.includes("\0")) return;
        assert.deepEqual(ours, cPton(af, s), JSON.stringify(s));
      }),
      { numRuns: 5000 },
    );
  });

  test("inet_ntop agrees with libc's over arbitrary bytes, and inet_pton inverts it", () => {
    const out = new Uint8Array(64);
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 })),
        (b) => {
          const af = b.length === 4 ? socket.AF_INET : socket.AF_INET6;
          const text = socket.inet_ntop(af, b);
          libc.inet_ntop(af, b, out, out.length);
          assert.equal(text, new TextDecoder().decode(out.subarray(0, out.indexOf(0))));
          assert.deepEqual(socket.inet_pton(af, text), b);
        },
      ),
      RUNS,
    );
  });

  test("inet_ntop refuses wrong lengths with ValueError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }).filter((b) => b.length !== 4 && b.length !== 16), (b) => {
        assert.throws(() => socket.inet_ntop(socket.AF_INET, b), socket.ValueError);
        assert.throws(() => socket.inet_ntop(socket.AF_INET6, b), socket.ValueError);
      }),
      { numRuns: 500 },
    );
  });

  test("inet_aton agrees with libc's over arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(ipChars, fc.ipV4Extended(), fc.string({ maxLength: 20 })), (s) => {
        if (s.includes("\0")) return;
        const c = new TextEncoder().encode(s + "\0");
        const out = new Uint8Array(4);
        const ok = libc.inet_aton(c, out) !== 0;
        let ours: Uint8Array | null = null;
        try {
          ours = socket.inet_aton(s);
        } catch (e) {
          assert.ok(e instanceof socket.OSError, `${JSON.stringify(s)}: ${e}`);
        }
        assert.deepEqual(ours, ok ? out : null, JSON.stringify(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("argument converters", () => {
  test("toInt, toCInt and toCUInt return in range or raise TypeError/OverflowError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.double(), fc.integer(), fc.bigInt(), fc.boolean()), (v) => {
        for (
          const [fn, lo, hi] of [[toInt, -Infinity, Infinity], [toCInt, -(2 ** 31), 2 ** 31 - 1], [
            toCUInt,
            0,
            2 ** 32 - 1,
          ]] as const
        ) {
          try {
            const n = fn(v);
            assert.ok(Number.isInteger(n) && n >= lo && n <= hi, `${show(v)} -> ${n}`);
          } catch (e) {
            assert.ok(e instanceof TypeError || e instanceof socket.OverflowError, `${show(v)}: ${e}`);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  test("toBytes and toWritableBytes view the same memory, or raise TypeError/ValueError", () => {
    const views = fc.oneof(
      fc.uint8Array(),
      fc.int32Array(),
      fc.float64Array(),
      fc.uint8Array({ minLength: 8 }).map((b) => new DataView(b.buffer, 3, b.length - 3)),
      fc.uint8Array({ minLength: 1 }).map((b) => b.subarray(1)),
      fc.nat({ max: 64 }).map((n) => new Uint8Array(new SharedArrayBuffer(n))),
      fc.nat({ max: 64 }).map((n) => new ArrayBuffer(n)),
    );
    fc.assert(
      fc.property(fc.oneof(views, fc.anything()), (v) => {
        for (const fn of [toBytes, toWritableBytes]) {
          try {
            const b = fn(v);
            const src = v as ArrayBufferView | ArrayBuffer;
            const len = src.byteLength;
            assert.equal(b.byteLength, len);
            if (len > 0) {
              assert.equal(b.buffer, ArrayBuffer.isView(src) ? src.buffer : src);
              if (ArrayBuffer.isView(src)) assert.equal(b.byteOffset, src.byteOffset);
            }
          } catch (e) {
            assert.ok(e instanceof TypeError || e instanceof socket.ValueError, `${e}`);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("ancillary data", () => {
  test("parseAncillary on arbitrary control buffers returns items inside the buffer, never throws", () => {
    const warnings: string[] = [];
    const saved = msg.msgHooks.warn;
    msg.msgHooks.warn = (m) => void warnings.push(m);
    try {
      const header = LAYOUT.SIZEOF_CMSGHDR;
      // Mostly well-formed-looking headers with random lengths, plus raw noise.
      const cmsg = fc.tuple(fc.nat({ max: 300 }), fc.integer(), fc.integer(), fc.uint8Array({ maxLength: 64 })).map(
        ([len, level, type, data]) => {
          const b = new Uint8Array(header + data.length);
          const v = new DataView(b.buffer);
          if (LAYOUT.SIZEOF_CMSGHDR_CMSG_LEN === 8) v.setBigUint64(LAYOUT.OFF_CMSGHDR_CMSG_LEN, BigInt(len), true);
          else v.setUint32(LAYOUT.OFF_CMSGHDR_CMSG_LEN, len, true);
          v.setInt32(LAYOUT.OFF_CMSGHDR_CMSG_LEVEL, level, true);
          v.setInt32(LAYOUT.OFF_CMSGHDR_CMSG_TYPE, type, true);
          b.set(data, header);
          return b;
        },
      );
      const control = fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        fc.array(cmsg, { maxLength: 5 }).map((parts) => {
          const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let o = 0;
          for (const p of parts) out.set(p, o), o += p.length;
          return out;
        }),
      );
      fc.assert(
        fc.property(control, fc.nat({ max: 600 }), (bytes, controllen) => {
          const items = msg.parseAncillary(bytes, controllen);
          let total = 0;
          for (const [level, type, data] of items) {
            assert.ok(Number.isInteger(level) && Number.isInteger(type));
            assert.ok(data instanceof Uint8Array);
            total += data.length;
          }
          assert.ok(total <= Math.min(controllen, bytes.length), `${total} bytes from ${bytes.length}`);
        }),
        { numRuns: 5000 },
      );
    } finally {
      msg.msgHooks.warn = saved;
    }
  });

  test("CMSG_LEN grows by one per byte, CMSG_SPACE is CMSG_LEN aligned up, both never shrink", () => {
    const align = LAYOUT.SIZEOF_CMSGHDR % 8 === 0 ? 8 : 4;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 << 20 }), (n) => {
        const l = socket.CMSG_LEN(n), l1 = socket.CMSG_LEN(n + 1);
        const s = socket.CMSG_SPACE(n), s1 = socket.CMSG_SPACE(n + 1);
        assert.equal(l, socket.CMSG_LEN(0) + n, `CMSG_LEN(${n})`);
        assert.equal(l1, l + 1, `CMSG_LEN(${n + 1})`);
        assert.ok(s1 >= s, `CMSG_SPACE(${n + 1}) = ${s1} < CMSG_SPACE(${n}) = ${s}`);
        assert.equal(s % align, 0, `CMSG_SPACE(${n}) = ${s} is not aligned`);
        assert.ok(s >= l, `CMSG_SPACE(${n}) = ${s} < CMSG_LEN(${n}) = ${l}`);
        assert.equal(s, socket.CMSG_SPACE(0) + Math.ceil(n / align) * align, `CMSG_SPACE(${n})`);
      }),
      { numRuns: 2000 },
    );
  });

  test("CMSG_LEN and CMSG_SPACE raise only argument errors", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.anything()), (n) => {
        try {
          const l = socket.CMSG_LEN(n as number), s = socket.CMSG_SPACE(n as number);
          assert.ok(l >= LAYOUT.SIZEOF_CMSGHDR && s >= l, `${show(n)}: ${l} ${s}`);
        } catch (e) {
          assert.ok(documented(e), `${show(n)}: ${e}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
