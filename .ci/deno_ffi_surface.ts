/**
 * Type check only (`deno check`): the `Deno` namespace satisfies the
 * interface `ffi/deno.ts` declares for the part of Deno's FFI it uses, so
 * that interface cannot drift from Deno's own types.
 *
 * @module
 */

import type { DenoFfi } from "../ffi/deno.ts";

/** `Deno`, seen through the module's interface. */
export const surface: DenoFfi = Deno;
