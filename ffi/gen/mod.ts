/**
 * The generated constants and struct layouts of the platform this process
 * runs on: `CONSTANTS` (the socket module's public integers), `SYS` (numbers
 * the implementation needs: errno, fcntl, poll, ...) and `LAYOUT` (sizes and
 * offsets of C structs, `SIZEOF_<STRUCT>`, `OFF_<STRUCT>_<FIELD>`).
 *
 * The files beside this one are written by `tools/gen.ts` (`deno task gen`),
 * as golang/sys's `mkmerge` lays out its tables: `<os>.ts` holds what every
 * architecture of that OS shares, `<os>_<arch>.ts` only what differs. This
 * file, written by hand, merges the two for the running platform.
 *
 * The key types are exact: a name no platform's table has (a misspelling) is
 * a type error, not `undefined` at run time. A name only some platforms have
 * (`AF_NETLINK`, `EPOLLIN`, `OFF_KEVENT_FILTER`) is typed `number` everywhere
 * but is `undefined` where the platform lacks it, so code that reads one must
 * run only on the platforms that define it.
 *
 * @module
 */

import { ARCH, OS } from "../platform.ts";
import * as linux from "./linux.ts";
import * as linuxX8664 from "./linux_x86_64.ts";
import * as linuxAarch64 from "./linux_aarch64.ts";
import * as darwin from "./darwin.ts";
import * as darwinX8664 from "./darwin_x86_64.ts";
import * as darwinAarch64 from "./darwin_aarch64.ts";

/** The generated files, shared and per-architecture. */
type File =
  | typeof linux
  | typeof linuxX8664
  | typeof linuxAarch64
  | typeof darwin
  | typeof darwinX8664
  | typeof darwinAarch64;

type TableName = "CONSTANTS" | "SYS" | "LAYOUT";

/** Every key that table `T` has in some generated file (distributes over the union `F`). */
type KeysOf<F, T extends TableName> = F extends { readonly [K in T]: infer R } ? keyof R & string : never;

/** A public constant's name, as any supported platform defines it (`AF_INET`, `SO_NOSIGPIPE`). */
export type ConstantName = KeysOf<File, "CONSTANTS">;
/** An internal number's C name, as any supported platform defines it (`EINTR`, `EPOLLIN`). */
export type SysName = KeysOf<File, "SYS">;
/** A layout entry's name, as any supported platform defines it (`OFF_POLLFD_EVENTS`). */
export type LayoutName = KeysOf<File, "LAYOUT">;

interface PlatformTables {
  CONSTANTS: Readonly<Record<ConstantName, number>>;
  SYS: Readonly<Record<SysName, number>>;
  LAYOUT: Readonly<Record<LayoutName, number>>;
}

type Part = { readonly [T in TableName]: Readonly<Record<string, number>> };

const PLATFORMS: Readonly<Record<string, readonly [shared: Part, own: Part]>> = {
  linux_x86_64: [linux, linuxX8664],
  linux_aarch64: [linux, linuxAarch64],
  darwin_x86_64: [darwin, darwinX8664],
  darwin_aarch64: [darwin, darwinAarch64],
};

/** The running platform's tables: its OS's shared values with its architecture's own over them. */
function pick(): PlatformTables {
  const key = `${OS}_${ARCH}`;
  const parts = PLATFORMS[key];
  if (parts === undefined) {
    throw new Error(
      `Cannot load socket constants: platform ${OS}/${ARCH} is not supported ` +
        `(supported: ${Object.keys(PLATFORMS).join(", ")})`,
    );
  }
  const [shared, own] = parts;
  const merge = (t: TableName) => Object.freeze({ ...shared[t], ...own[t] });
  // Each table holds the names of this platform only; the exact key types
  // above are the union over all platforms (see the module doc).
  return {
    CONSTANTS: merge("CONSTANTS") as PlatformTables["CONSTANTS"],
    SYS: merge("SYS") as PlatformTables["SYS"],
    LAYOUT: merge("LAYOUT") as PlatformTables["LAYOUT"],
  };
}

const TABLES: PlatformTables = pick();

/** The socket module's public integer constants on this platform, by CPython name. */
export const CONSTANTS: Readonly<Record<ConstantName, number>> = TABLES.CONSTANTS;

/** Internal numbers of this platform (errno, fcntl, poll, epoll/kqueue, ioctl, ...), by C name. */
export const SYS: Readonly<Record<SysName, number>> = TABLES.SYS;

/** Sizes, offsets and flags of this platform's C types: `SIZEOF_<STRUCT>`, `OFF_<STRUCT>_<FIELD>`, `SIZEOF_<STRUCT>_<FIELD>`. */
export const LAYOUT: Readonly<Record<LayoutName, number>> = TABLES.LAYOUT;
