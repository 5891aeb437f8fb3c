import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SYS } from "../../ffi/gen/mod.ts";
import { OS } from "../../ffi/mod.ts";
import { fdOf, ifIndex, ifName } from "../../lib/addr/ifindex.ts";
import * as socket from "../../mod.ts";
import { OSError } from "../../lib/errors.ts";
import { countCalls, raises } from "../helpers.ts";

const SYSFS = OS === "linux" && existsSync("/sys/class/net");

/** Every interface with its index, from sysfs (not through the code under test). */
function sysfsInterfaces(): [string, number][] {
  return readdirSync("/sys/class/net").map((name) => [
    name,
    Number(readFileSync(`/sys/class/net/${name}/ifindex`, "utf8")),
  ]);
}

describe("interface names and indexes", () => {
  test("ifIndex() and ifName() agree with /sys/class/net for every interface", { skip: !SYSFS }, () => {
    const all = sysfsInterfaces();
    assert.ok(all.length > 0);
    for (const [name, index] of all) {
      assert.equal(ifIndex(name, "bind"), index, name);
      assert.equal(ifIndex(new TextEncoder().encode(name), "bind"), index, name);
      assert.equal(ifName(index), name);
    }
  });

  test('ifName() gives "" for index 0 and for an index no interface has', () => {
    assert.equal(ifName(0), "");
    assert.equal(ifName(0x7ffffff0), "");
    assert.equal(ifName(-1), "");
  });

  test("ifIndex() of an unknown name is OSError with errno ENODEV, as CPython's ioctl gives", () => {
    for (const name of ["nope0", "", "x".repeat(40)]) {
      const e = raises(OSError, () => ifIndex(name, "bind"), { errno: SYS.ENODEV });
      assert.equal(e.strerror, "No such device");
    }
  });

  test("through a socket's descriptor (SIOCGIFINDEX/SIOCGIFNAME, as CPython) the answers are the same", {
    skip: !SYSFS,
  }, () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const fd = fdOf(s);
    assert.equal(fd, s.fileno());
    for (const [name, index] of sysfsInterfaces()) {
      assert.equal(ifIndex(name, "bind", fd), index, name);
      assert.equal(ifName(index, fd), name);
    }
    assert.equal(ifName(0x7ffffff0, fd), "");
    raises(OSError, () => ifIndex("nope0", "bind", fd), { errno: SYS.ENODEV });
    raises(OSError, () => ifIndex("", "bind", fd), { errno: SYS.ENODEV });
  });

  test("a descriptor asks the kernel through ioctl; without one, if_nametoindex and if_indextoname answer", {
    skip: !SYSFS,
  }, () => {
    using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    const withFd: string[] = [], without: string[] = [];
    countCalls(withFd, () => assert.equal(ifName(ifIndex("lo", "bind", s.fileno()), s.fileno()), "lo"));
    countCalls(without, () => assert.equal(ifName(ifIndex("lo", "bind")), "lo"));
    const ioctl = SYS.SIOCGIFINDEX !== undefined && SYS.SIOCGIFNAME !== undefined;
    if (ioctl) assert.deepEqual(withFd.filter((c) => c !== "__errno_location"), ["ioctl", "ioctl"]);
    assert.deepEqual(without.filter((c) => c !== "__errno_location"), ["if_nametoindex", "if_indextoname"]);
  });

  test("fdOf() is -1 for a plain context and for a closed socket", () => {
    assert.equal(fdOf({ family: 2, type: 1, proto: 0 }), -1);
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    s.close();
    assert.equal(fdOf(s), -1);
  });
});
