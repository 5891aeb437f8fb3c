// The IDNA encoder and every host path against CPython: `host.encode("idna")`,
// `getaddrinfo`, `sendto` on an address tuple, `gethostbyname`,
// `getnameinfo`, `create_connection`; the oracle table comes from python3.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as socket from "../mod.ts";
import { hasPython, prng, python } from "./helpers.ts";
import { idnaEncode } from "../lib/idna.ts";
import { hostArg } from "../lib/addr/host.ts";

if (!hasPython()) console.log("idna_test: python3 is absent, the differential tables are skipped");

const URL_SPECIAL = ["@", "#", "/", "?", ":", "%", "[", "]", "\\"];

/** The host strings: hand-picked classes, every URL-special character in every position, and seeded random ones. */
function hosts(): string[] {
  const out = [
    // ASCII and mixed case
    "localhost",
    "LocalHost",
    "127.0.0.1",
    "0.0.0.0",
    "::1",
    "example",
    "a.b.c",
    "A.B.C.",
    "a".repeat(63),
    "a".repeat(64),
    `${"a".repeat(63)}.${"b".repeat(63)}`,
    `${"a".repeat(64)}.b`,
    `b.${"a".repeat(64)}`,
    "",
    ".",
    "a.",
    ".a",
    "a..b",
    "xn--abc",
    "XN--abc.de",
    // scripts
    "ελληνικά.gr",
    "пример.рф",
    "ПРИМЕР.РФ",
    "مثال.اختبار",
    "בדיקה.טעסט",
    "例え.テスト",
    "उदाहरण.परीक्षा",
    "실례.테스트",
    "ตัวอย่าง.ไทย",
    "bücher.example",
    "BÜCHER.example",
    "😀.com",
    "a😀b",
    // ß, ς and compatibility characters
    "straße.de",
    "STRASSE.de",
    "ς.gr",
    "σς.gr",
    "℡.jp",
    "ﬁ.com",
    "①.com",
    "Ⅻ",
    "㍿",
    "１２７.０.０.１",
    "１.２.３.４",
    "ｌｏｃａｌｈｏｓｔ",
    "127.0.0.1。",
    "a。b．c｡d",
    "İstanbul",
    "ǅ",
    "ŉ",
    "ẞ",
    "ᾳ",
    "µ",
    "\u{1d400}bc",
    // empty and over-long labels
    "ü".repeat(63),
    "ü".repeat(64),
    "ü".repeat(20),
    "ü..invalid",
    "ü.",
    "。ü",
    "ü。",
    ".ü",
    "ü" + "a".repeat(58),
    "ü" + "a".repeat(57),
    "xn--ü",
    "XN--ü",
    // lone surrogates
    "\ud800",
    "\ud800.invalid",
    "\udcff",
    "a\ud83d",
    "\ude00b",
    "ü\udc80",
    // bidi and prohibited characters
    "\u05d0a",
    "a\u05d0",
    "\u0627\u0031",
    "\u05d0\u05d1",
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u00a0x",
    "\u3000a",
    "\ue000",
    "\ufffd",
    "\ufffc",
    "\u2ff0",
    "a\u200b",
    "a\u00ad",
    "\u1680",
    "\u06dd",
    "a\u180e",
    "\u{e0001}",
    // NUL
    "a\0b",
    "ü\0",
    // the five host-confusion inputs of issue 14
    "ü@127.0.0.1",
    "127.0.0.1#ü",
    "127.0.0.1/ü",
    "127.0.0.1?ü",
    "ü:x@127.0.0.1",
    "[ü]",
  ];
  for (const c of URL_SPECIAL) {
    out.push(
      `${c}127.0.0.1`,
      `127.0.0.1${c}`,
      `127.0${c}0.1`,
      `ü${c}127.0.0.1`,
      `127.0.0.1${c}ü`,
      `ü${c}`,
      `${c}ü`,
      `a${c}ü.b`,
      `localhost${c}ü`,
    );
  }
  const rnd = prng(14);
  const pools = [
    [0x20, 0x7e],
    [0xa0, 0x24f],
    [0x370, 0x4ff],
    [0x590, 0x6ff],
    [0x900, 0xdff],
    [0x1e00, 0x2bff],
    [0x3000, 0x30ff],
    [0x4e00, 0x9fff],
    [0xac00, 0xd7a3],
    [0xf900, 0xffef],
    [0x10000, 0x1ffff],
  ];
  for (let i = 0; i < 150; i++) {
    let s = "";
    const n = 1 + Math.floor(rnd() * 8);
    for (let k = 0; k < n; k++) {
      const [lo, hi] = pools[Math.floor(rnd() * pools.length)];
      s += String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));
    }
    out.push(rnd() < 0.3 ? `${s}.${s}` : s);
  }
  return out;
}

const HOSTS = hosts();

/** What our call did: a value, or the error's class name. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

const ENCODE = String.raw`
import json, sys
out = []
for h in json.load(sys.stdin):
    try:
        out.append({"value": list(h.encode("idna"))})
    except Exception as e:
        out.append({"error": type(e).__name__, "message": str(e)})
json.dump(out, sys.stdout)
`;

describe("idnaEncode()", () => {
  it("gives exactly what CPython's idna codec gives", { skip: !hasPython() }, () => {
    assert.ok(HOSTS.length >= 200);
    const expected = python(ENCODE, HOSTS) as unknown[];
    const got = HOSTS.map((h) =>
      outcome(() => Array.from(idnaEncode(h), (c) => c.charCodeAt(0))) as Record<string, unknown>
    );
    HOSTS.forEach((h, i) => assert.deepEqual(got[i], expected[i], `host ${JSON.stringify(h)}`));
  });

  it("maps ß to ss, ℡ to tel, and never confuses a host with an address", () => {
    assert.equal(idnaEncode("straße.de"), "strasse.de");
    assert.equal(idnaEncode("℡.jp"), "tel.jp");
    assert.equal(idnaEncode("ü@127.0.0.1"), "xn--@127-zra.0.0.1");
    assert.equal(idnaEncode("１２７.０.０.１"), "127.0.0.1");
    assert.equal(idnaEncode("bücher.example"), "xn--bcher-kva.example");
  });
});

// CPython's socket calls for each host. Name lookups that reach DNS are slow
// here (there is no network), so getaddrinfo runs with AI_NUMERICHOST (the
// codec and the numeric parsing are what differ), and sendto and
// gethostbyname run live only for hosts that never reach DNS (the codec
// fails, or the name is numeric or "localhost") plus the host-confusion
// inputs; for the others the bytes handed to the resolver are compared
// (CPython's idna_converter: ASCII as it is, else the idna codec).
const SOCKET = String.raw`
import json, socket, sys
hosts, port, confusion = json.load(sys.stdin)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def run(f):
    try:
        return {"value": f()}
    except Exception as e:
        return {"error": type(e).__name__}
def converter(h):
    if h.isascii():
        b = h.encode("ascii")
    else:
        try:
            b = h.encode("idna")
        except UnicodeError:
            raise TypeError("encoding of hostname failed")
    if b"\0" in b:
        raise TypeError("host name must not contain null character")
    return list(b)
def no_dns(h):
    try:
        b = bytes(converter(h)).decode("ascii")
    except Exception:
        return True
    try:
        socket.getaddrinfo(b, None, socket.AF_INET, 0, 0, socket.AI_NUMERICHOST)
        return True
    except Exception:
        return b.lower() in ("", "localhost", "<broadcast>")
out = []
for h in hosts:
    r = {
        "gai": run(lambda: [a[4] for a in socket.getaddrinfo(h, port, socket.AF_INET, socket.SOCK_DGRAM, 0, socket.AI_NUMERICHOST)]),
        "getnameinfo": run(lambda: socket.getnameinfo((h, port), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)),
        "converter": run(lambda: converter(h)),
    }
    if no_dns(h) or h in confusion:
        r["sendto"] = run(lambda: u.sendto(b"x", (h, port)))
        r["gethostbyname"] = run(lambda: socket.gethostbyname(h)) if no_dns(h) else None
    out.append(r)
json.dump(out, sys.stdout)
`;

const CONFUSION = ["ü@127.0.0.1", "127.0.0.1#ü", "127.0.0.1/ü", "127.0.0.1?ü", "ü:x@127.0.0.1"];

/** A class name, or the value with tuples as arrays. */
function ours(f: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).name };
  }
}

type Row = Record<string, { value?: unknown; error?: string } | null | undefined>;

describe("host strings through the socket module", () => {
  it("getaddrinfo, sendto, gethostbyname, getnameinfo and address tuples: CPython's results and classes", {
    skip: !hasPython(),
  }, () => {
    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    rx.bind(["127.0.0.1", 0]);
    rx.setblocking(false);
    const port = (rx.getsockname() as [string, number])[1];
    const expected = python(SOCKET, [HOSTS, port, CONFUSION]) as Row[];
    const drain = () => {
      let n = 0;
      for (;;) {
        try {
          rx.recv(16);
          n++;
        } catch {
          return n;
        }
      }
    };
    const pythonReceived = drain();
    using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    let live = 0;
    HOSTS.forEach((h, i) => {
      const want = expected[i];
      const got: Row = {
        gai: ours(() =>
          socket.getaddrinfo(h, port, socket.AF_INET, socket.SOCK_DGRAM, 0, socket.AI_NUMERICHOST).map((a) => a[4])
        ),
        getnameinfo: ours(() => socket.getnameinfo([h, port], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)),
        converter: ours(() => Array.from(hostArg(h), (c) => c.charCodeAt(0))),
      };
      if (want.sendto !== undefined) {
        live++;
        got.sendto = ours(() => tx.sendto(new Uint8Array([120]), [h, port]));
        got.gethostbyname = want.gethostbyname === null ? null : ours(() => socket.gethostbyname(h));
      }
      for (const [k, w] of Object.entries(want)) {
        const g = got[k];
        if (w?.error !== undefined) {
          assert.equal(g?.error, w.error, `${k}(${JSON.stringify(h)}): CPython raises ${w.error}`);
        } else assert.deepEqual(g, w, `${k}(${JSON.stringify(h)})`);
      }
    });
    assert.ok(live >= 80, `${live} hosts compared live`);
    // What CPython delivered to the port, we delivered; nothing else.
    assert.equal(drain(), pythonReceived);
  });

  it("the five host-confusion inputs never reach 127.0.0.1", () => {
    using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    rx.bind(["127.0.0.1", 0]);
    rx.setblocking(false);
    const port = (rx.getsockname() as [string, number])[1];
    using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    for (const h of ["ü@127.0.0.1", "127.0.0.1#ü", "127.0.0.1/ü", "127.0.0.1?ü", "ü:x@127.0.0.1"]) {
      assert.throws(() => tx.sendto(new Uint8Array([1]), [h, port]), socket.gaierror, h);
      assert.throws(() => socket.getaddrinfo(h, port), socket.gaierror, h);
    }
    assert.throws(() => rx.recv(16), socket.BlockingIOError);
  });

  it("a bytes host goes to the resolver byte for byte, as in CPython", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const ascii = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));
    assert.equal(s.sendto(new Uint8Array([1]), [ascii("127.0.0.1"), 9]), 1);
    assert.throws(() => s.sendto(new Uint8Array([1]), [new Uint8Array([0x80, 0x41]), 9]), socket.gaierror);
    assert.throws(() => s.sendto(new Uint8Array([1]), [ascii("127.0.0.1\0"), 9]), {
      name: "TypeError",
      message: "host name must not contain null character",
    });
  });

  it("address tuples raise TypeError('encoding of hostname failed') where the codec fails", () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    for (const h of ["\ud800.invalid", "ü".repeat(64), "ü..invalid", "xn--ü", "\u0627\u0031"]) {
      assert.throws(() => s.sendto(new Uint8Array([1]), [h, 9]), (e: Error) => {
        assert.ok(e instanceof TypeError, h);
        assert.equal(e.message, "encoding of hostname failed");
        return true;
      });
      // getaddrinfo lets the codec's UnicodeError through, as CPython does.
      assert.throws(() => socket.getaddrinfo(h, 9), socket.UnicodeError, h);
      assert.throws(() => socket.create_connection([h, 9]), socket.UnicodeError, h);
    }
    assert.throws(() => socket.getaddrinfo("a..b", 9), (e: unknown) => {
      assert.ok(e instanceof socket.UnicodeError && e instanceof socket.ValueError);
      assert.equal(String(e), "encoding with 'idna' codec failed (UnicodeError: label empty or too long)");
      return true;
    });
  });

  it("getaddrinfo's port and getnameinfo's host are strict UTF-8 (UnicodeEncodeError)", () => {
    assert.throws(() => socket.getaddrinfo("127.0.0.1", "a\ud800b"), (e: unknown) => {
      assert.ok(e instanceof socket.UnicodeEncodeError);
      assert.equal(e.encoding, "utf-8");
      assert.equal(e.object, "a\ud800b");
      assert.equal(e.start, 1);
      assert.equal(e.end, 2);
      assert.equal(e.reason, "surrogates not allowed");
      assert.equal(String(e), "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed");
      return true;
    });
    assert.throws(() => socket.getnameinfo(["\udcff", 80], 0), socket.UnicodeEncodeError);
  });

  it("getaddrinfo_async raises the same classes as getaddrinfo", async () => {
    await assert.rejects(socket.getaddrinfo_async("127.0.0.1", "a\ud800"), (e: unknown) => {
      assert.ok(e instanceof socket.UnicodeEncodeError);
      assert.equal(e.start, 1);
      return true;
    });
    await assert.rejects(socket.getaddrinfo_async("ü..invalid", 80), socket.UnicodeError);
    await assert.rejects(socket.getaddrinfo_async("ü@127.0.0.1", 80), socket.gaierror);
  });
});
