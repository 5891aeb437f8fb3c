/**
 * `AF_UNIX` addresses: a path (`string` or bytes) ↔ `struct sockaddr_un`.
 * Strings are paths in the file-system encoding (UTF-8, with bytes that are
 * not UTF-8 as the lone surrogates U+DC80–U+DCFF), both ways.
 * On Linux a name starting with a NUL byte is in the abstract namespace and
 * comes back as bytes; an unbound socket's name is `""`.
 *
 * @module
 */

import { CONSTANTS, LAYOUT } from "../../ffi/gen/mod.ts";
import { OS } from "../../ffi/mod.ts";
import { bytesView, pyType } from "../args.ts";
import { fsDecode, fsEncode } from "../codecs.ts";
import { OSError, ValueError } from "../errors.ts";
import { type Codec, type Sockaddr, writeFamily } from "./codec.ts";

const { OFF_SOCKADDR_UN_SUN_PATH: PATH, SIZEOF_SOCKADDR_UN_SUN_PATH: PATH_MAX } = LAYOUT;
const ABSTRACT = OS === "linux";

/** The `AF_UNIX` codec. */
export const unix: Codec = {
  family: CONSTANTS.AF_UNIX,
  encode(addr: unknown, sa: Sockaddr, ctx): number {
    // The file-system encoding, as CPython's PyUnicode_EncodeFSDefault: "s\udcff" is the bytes "s\xff".
    const path = typeof addr === "string" ? fsEncode(addr) : bytesView(addr);
    if (path === null) throw new TypeError(`a bytes-like object is required, not '${pyType(addr)}'`);
    if (ABSTRACT && (path.length === 0 || path[0] === 0)) {
      // Abstract name (or "" for autobind): every byte counts, no terminator.
      if (path.length > PATH_MAX) throw new OSError("AF_UNIX path too long");
    } else {
      if (path.length >= PATH_MAX) throw new OSError("AF_UNIX path too long");
      if (path.includes(0)) throw new ValueError("embedded null byte");
    }
    const len = PATH + path.length;
    sa.bytes.set(path, PATH);
    writeFamily(sa, ctx.family, len);
    return len;
  },
  decode(sa: Sockaddr, len: number): string | Uint8Array {
    const n = len - PATH;
    if (ABSTRACT && n > 0 && sa.bytes[PATH] === 0) return sa.bytes.slice(PATH, len);
    const end = sa.bytes.indexOf(0, PATH);
    return fsDecode(sa.bytes.subarray(PATH, end < 0 || end > len ? Math.max(PATH, len) : end));
  },
};
