/**
 * The generated constants and struct layouts of the platform this process
 * runs on: `CONSTANTS` (the socket module's public integers), `SYS` (numbers
 * the implementation needs: errno, fcntl, poll, ...) and `LAYOUT` (sizes and
 * offsets of C structs, `SIZEOF_<STRUCT>`, `OFF_<STRUCT>_<FIELD>`).
 *
 * The per-platform files beside this one are written by `tools/gen.ts`
 * (`deno task gen`); this file only picks one. A name the platform lacks is
 * absent from its tables, so reading it gives `undefined`.
 *
 * @module
 */

import { ARCH, OS } from "../platform.ts";
import * as linuxX8664 from "./linux_x86_64.ts";
import * as linuxAarch64 from "./linux_aarch64.ts";
import * as darwinX8664 from "./darwin_x86_64.ts";
import * as darwinAarch64 from "./darwin_aarch64.ts";

interface PlatformTables {
  CONSTANTS: Readonly<Record<string, number>>;
  SYS: Readonly<Record<string, number>>;
  LAYOUT: Readonly<Record<string, number>>;
}

const PLATFORMS: Readonly<Record<string, PlatformTables>> = {
  linux_x86_64: linuxX8664,
  linux_aarch64: linuxAarch64,
  darwin_x86_64: darwinX8664,
  darwin_aarch64: darwinAarch64,
};

function pick(): PlatformTables {
  const key = `${OS}_${ARCH}`;
  const tables = PLATFORMS[key];
  if (tables === undefined) {
    throw new Error(
      `Cannot load socket constants: platform ${OS}/${ARCH} is not supported ` +
        `(supported: ${Object.keys(PLATFORMS).join(", ")})`,
    );
  }
  return tables;
}

const TABLES: PlatformTables = pick();

/** The socket module's public integer constants on this platform, by CPython name. */
export const CONSTANTS: Readonly<Record<string, number>> = TABLES.CONSTANTS;

/** Internal numbers of this platform (errno, fcntl, poll, epoll/kqueue, ioctl, ...), by C name. */
export const SYS: Readonly<Record<string, number>> = TABLES.SYS;

/** Sizes, offsets and flags of this platform's C types: `SIZEOF_<STRUCT>`, `OFF_<STRUCT>_<FIELD>`, `SIZEOF_<STRUCT>_<FIELD>`. */
export const LAYOUT: Readonly<Record<string, number>> = TABLES.LAYOUT;
