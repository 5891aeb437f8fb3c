/**
 * Type check only (`tsc -p tsconfig.bun.json`): `bun:ffi`, as bun-types
 * describes it, satisfies the interface `ffi/bun.ts` declares for the part
 * of it the module uses, so that interface cannot drift from Bun's types.
 *
 * @module
 */

import * as ffi from "bun:ffi";
import type { BunFfi } from "../ffi/bun.ts";

/** `bun:ffi`, seen through the module's interface. */
export const surface: BunFfi = ffi;
