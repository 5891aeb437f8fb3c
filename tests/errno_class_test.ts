/**
 * The errno -> exception class mapping (PEP 3151), against python3: for
 * every errno from 1 to 133 that the platform defines, the class of
 * `OSError(errno, "x")` in CPython must be the class of our
 * `new OSError(errno, "x")` and of `osErrorFrom(errno)`, which also carries
 * libc's text, as `os.strerror` does. A live EPIPE, written on a Unix
 * socket whose peer has gone, is BrokenPipeError with errno EPIPE.
 *
 * @module
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as socket from "../mod.ts";
import { CONSTANTS, SYS, type SysName } from "../ffi/gen/mod.ts";
import { gaiErrorFrom, osErrorFrom } from "../lib/errors.ts";
import { bytes, raises } from "./helpers.ts";
import { unavailable } from "./oracle.ts";

/** `[errno, class name, os.strerror(errno)]` for every errno 1..133 python3 knows here. */
function pythonTable(): [number, string, string][] {
  const script = `
import errno, json, os
print(json.dumps([[e, type(OSError(e, "x")).__name__, os.strerror(e)]
                  for e in sorted(errno.errorcode) if 1 <= e <= 133]))`;
  const r = spawnSync("python3", ["-c", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Our exception classes by Python name. */
const CLASSES = new Map<string, typeof socket.OSError>(
  Object.entries(socket).filter(([, v]) =>
    v === socket.OSError || (v as { prototype?: unknown })?.prototype instanceof socket.OSError
  )
    .map(([, v]) => [(v as typeof socket.OSError).prototype.name, v as typeof socket.OSError]),
);

/** The PEP 3151 rows, written out, for machines without python3. */
const PEP3151: [SysName, string][] = [
  ["EAGAIN", "BlockingIOError"],
  ["EALREADY", "BlockingIOError"],
  ["EINPROGRESS", "BlockingIOError"],
  ["EPIPE", "BrokenPipeError"],
  ["ESHUTDOWN", "BrokenPipeError"],
  ["ECONNABORTED", "ConnectionAbortedError"],
  ["ECONNREFUSED", "ConnectionRefusedError"],
  ["ECONNRESET", "ConnectionResetError"],
  ["EEXIST", "FileExistsError"],
  ["ENOENT", "FileNotFoundError"],
  ["EINTR", "InterruptedError"],
  ["EISDIR", "IsADirectoryError"],
  ["ENOTDIR", "NotADirectoryError"],
  ["EACCES", "PermissionError"],
  ["EPERM", "PermissionError"],
  ["ESRCH", "ProcessLookupError"],
  ["ETIMEDOUT", "TimeoutError"],
  ["ECHILD", "ChildProcessError"],
  ["ENOTCONN", "OSError"],
  ["EBADF", "OSError"],
  ["EADDRINUSE", "OSError"],
];

/** Asserts that `e` is exactly the class `name` (not a subclass of it), with `errno`. */
function isExactly(e: unknown, name: string, errno: number, where: string): void {
  assert.ok(e instanceof socket.OSError, `${where}: not an OSError: ${e}`);
  assert.equal(e.name, name, `${where}: class`);
  const cls = CLASSES.get(name);
  assert.ok(cls, `${where}: ${name} is not exported`);
  assert.equal(Object.getPrototypeOf(e), cls.prototype, `${where}: prototype of ${name}`);
  assert.equal(e.errno, errno, `${where}: errno`);
}

describe("errno -> exception class (PEP 3151)", () => {
  test("new OSError(errno, 'x') and osErrorFrom(errno) have CPython's class for every errno 1..133", (t) => {
    const why = unavailable();
    if (why !== null) {
      console.log(`skipped: ${why}`);
      return t.skip(why);
    }
    const table = pythonTable();
    assert.ok(table.length >= 100, `python3 listed only ${table.length} errnos`);
    for (const [errno, name, strerror] of table) {
      assert.ok(CLASSES.has(name), `errno ${errno}: ${name} is not exported`);
      const ours = name;
      const made = new socket.OSError(errno, "x");
      isExactly(made, ours, errno, `new OSError(${errno}, "x")`);
      assert.equal(made.strerror, "x");
      assert.equal(String(made), `[Errno ${errno}] x`);
      const from = osErrorFrom(errno);
      isExactly(from, ours, errno, `osErrorFrom(${errno})`);
      assert.equal(from.strerror, strerror, `osErrorFrom(${errno}).strerror`);
      assert.equal(String(from), `[Errno ${errno}] ${strerror}`);
    }
  });

  test("the PEP 3151 rows, without python3", () => {
    for (const [name, cls] of PEP3151) {
      const errno = SYS[name];
      assert.ok(errno !== undefined, `${name} is not in the generated table`);
      isExactly(new socket.OSError(errno, "x"), cls, errno, name);
      isExactly(osErrorFrom(errno), cls, errno, `osErrorFrom(${name})`);
    }
  });

  test("a subclass constructed directly keeps its class, whatever the errno", () => {
    isExactly(new socket.ConnectionResetError(SYS.EPIPE, "x"), "ConnectionResetError", SYS.EPIPE, "reset/EPIPE");
    isExactly(new socket.OSError("plain"), "OSError", null as unknown as number, "message only");
  });

  test("new OSError(...args) is CPython's OSError(*args): class, str(), errno, strerror, filename, filename2", (t) => {
    // [args, class, str, errno, strerror, filename, filename2], as python3 3.11 gives them.
    const rows: [unknown[], string, string, number | null, string | null, unknown, unknown][] = [
      [[], "OSError", "", null, null, null, null],
      [["plain"], "OSError", "plain", null, null, null, null],
      [[1], "OSError", "1", null, null, null, null],
      [[2, "x"], "FileNotFoundError", "[Errno 2] x", 2, "x", null, null],
      [[2, "x", null], "FileNotFoundError", "[Errno 2] x", 2, "x", null, null],
      [[2, "x", "f"], "FileNotFoundError", "[Errno 2] x: 'f'", 2, "x", "f", null],
      [[2, "x", "it's"], "FileNotFoundError", `[Errno 2] x: "it's"`, 2, "x", "it's", null],
      [[2, "x", 5], "FileNotFoundError", "[Errno 2] x: 5", 2, "x", 5, null],
      [[1, "x", "f", "w"], "PermissionError", "[Errno 1] x: 'f'", 1, "x", "f", null],
      [[1, "x", "f", null, "g"], "PermissionError", "[Errno 1] x: 'f' -> 'g'", 1, "x", "f", "g"],
      [[1, "x", null, null, "g"], "PermissionError", "[Errno 1] x", 1, "x", null, null],
      [[1, 2, 3, 4, 5, 6], "OSError", "(1, 2, 3, 4, 5, 6)", null, null, null, null],
      [[999, "x"], "OSError", "[Errno 999] x", 999, "x", null, null],
    ];
    for (const [args, cls, str, errno, strerror, filename, filename2] of rows) {
      const e = new socket.OSError(...args);
      const where = `OSError(${args.map((a) => JSON.stringify(a)).join(", ")})`;
      assert.equal(e.name, cls, `${where}: class`);
      assert.equal(Object.getPrototypeOf(e), CLASSES.get(cls)!.prototype, `${where}: prototype`);
      assert.deepEqual(
        [String(e), e.message, e.errno, e.strerror, e.filename, e.filename2],
        [str, str, errno, strerror, filename, filename2],
        where,
      );
    }
    if (unavailable() !== null) return t.skip(String(unavailable()));
    const script = `
import json, sys
out = []
for args in json.load(sys.stdin):
    e = OSError(*args)
    out.append([type(e).__name__, str(e), e.errno, e.strerror, e.filename, e.filename2])
print(json.dumps(out))`;
    const r = spawnSync("python3", ["-c", script], {
      input: JSON.stringify(rows.map((row) => row[0])),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), rows.map(([, ...rest]) => rest));
  });

  test("differs from CPython: an errno that is not a number makes a plain message, errno null", () => {
    // Python keeps OSError("a", "b").errno == "a"; here errno is a number or null (README: deliberate differences).
    const e = new socket.OSError("a", "b");
    isExactly(e, "OSError", null as unknown as number, 'OSError("a", "b")');
    assert.deepEqual([String(e), e.strerror, e.filename], ["('a', 'b')", null, null]);
  });

  test("osErrorFrom(errno, filename) names the file; gaiErrorFrom(EAI_SYSTEM) is the errno's OSError", () => {
    const e = osErrorFrom(SYS.ENOENT, "/nope");
    isExactly(e, "FileNotFoundError", SYS.ENOENT, "osErrorFrom(ENOENT, '/nope')");
    assert.equal(String(e), `[Errno ${SYS.ENOENT}] No such file or directory: '/nope'`);
    assert.equal(e.filename, "/nope");
    isExactly(
      gaiErrorFrom(CONSTANTS.EAI_SYSTEM, SYS.ECONNREFUSED),
      "ConnectionRefusedError",
      SYS.ECONNREFUSED,
      "EAI_SYSTEM",
    );
    const g = gaiErrorFrom(CONSTANTS.EAI_NONAME, 0);
    isExactly(g, "gaierror", CONSTANTS.EAI_NONAME, "EAI_NONAME");
    assert.equal(String(g), `[Errno ${CONSTANTS.EAI_NONAME}] Name or service not known`);
  });

  test("the classes' names are writable and configurable, as a Python class attribute", () => {
    const classes = [
      socket.OSError,
      socket.ConnectionResetError,
      socket.ValueError,
      socket.OverflowError,
      socket.MemoryError,
    ];
    for (const cls of classes) {
      const d = Object.getOwnPropertyDescriptor(cls.prototype, "name")!;
      assert.deepEqual([d.value, d.writable, d.configurable, d.enumerable], [cls.name, true, true, false], cls.name);
      assert.equal(new cls("x").name, cls.name);
    }
  });

  test("EPIPE from send() on a Unix stream whose peer closed is BrokenPipeError with errno EPIPE", () => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
    using _a = a;
    b.close();
    const e = raises(socket.BrokenPipeError, () => a.send(bytes("x")), { errno: SYS.EPIPE });
    assert.equal(e.name, "BrokenPipeError");
    assert.ok(!(e instanceof socket.ConnectionResetError));
    raises(socket.BrokenPipeError, () => a.sendall(bytes("more")), { errno: SYS.EPIPE });
  });
});
