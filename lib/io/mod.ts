/**
 * `socket.makefile()`: the file objects of `Lib/socket.py`, built from the
 * layers of Python's `io` module, each in its own file: `raw.ts`
 * (`SocketIO`, one system call per operation); `reader.ts`
 * (`BufferedReader`), `writer.ts` (`BufferedWriter`) and `rw_pair.ts` (the
 * `BufferedRWPair` made of one of each), over `buffered.ts`
 * (`BufferedIOBase`); `text.ts` (`TextIOWrapper`); what they all share is in
 * `base.ts` (`IOBase`). The codecs are in `lib/codecs.ts`.
 *
 * @module
 */

import { isOptions, params, pyType, toInt } from "../args.ts";
import { ValueError } from "../errors.ts";
import { ioRefs, type SocketObject } from "../descriptor.ts";
import { type BinaryFile, DEFAULT_BUFFER_SIZE } from "./base.ts";
import { BufferedReader } from "./reader.ts";
import { BufferedRWPair } from "./rw_pair.ts";
import { BufferedWriter } from "./writer.ts";
import { SocketIO } from "./raw.ts";
import { lookupCodec, TextIOWrapper } from "./text.ts";
import { METHODS } from "../signatures.ts";

export { LookupError } from "../codecs.ts";
export { UnicodeCodecError, UnicodeDecodeError, UnicodeEncodeError } from "../errors.ts";
export { type BinaryFile, IOBase, UnsupportedOperation } from "./base.ts";
export { BufferedIOBase } from "./buffered.ts";
export { BufferedReader } from "./reader.ts";
export { BufferedRWPair } from "./rw_pair.ts";
export { BufferedWriter } from "./writer.ts";
export { SocketIO } from "./raw.ts";
export { type TextBuffer, TextIOWrapper } from "./text.ts";

/** A mode for a binary file object. */
export type BinaryMode = "rb" | "wb" | "rwb" | "b" | "br" | "bw" | "wrb";
/** A mode for a text file object. */
export type TextMode = "r" | "w" | "rw" | "wr";

/** Python's keyword arguments of `makefile`. */
export interface MakefileOptions {
  /** Characters from `r`, `w`, `b`. */
  mode?: string;
  /** Buffer size; `0` unbuffered (binary only); `null` or negative for 8192. */
  buffering?: number | null;
  /** Text encoding (default UTF-8). */
  encoding?: string | null;
  /** Python's error handler: `"strict"` (default), `"ignore"`, `"replace"`, `"backslashreplace"`, `"surrogateescape"`, … */
  errors?: string | null;
  /** Newline handling: `null` (default), `""`, `"\n"`, `"\r"`, `"\r\n"`. */
  newline?: string | null;
}

const MAKEFILE_PARAMS = ["mode", "buffering", "encoding", "errors", "newline"];

/**
 * `sock.makefile(mode?, buffering?, { encoding, errors, newline })`, as
 * `Lib/socket.py` builds it. Implements {@linkcode SocketType.makefile}.
 *
 * @param sock The socket.
 * @param args Python's arguments, the keyword ones as a trailing options object.
 * @returns The file object.
 */
export function makefile(sock: SocketObject, args: readonly unknown[]): TextIOWrapper | BinaryFile {
  let values = [...args];
  // The count and the keywords are checked by the method (lib/signatures.ts).
  if (values.length > 0 && isOptions(values[values.length - 1])) {
    values = params(METHODS.makefile, MAKEFILE_PARAMS, values);
  }
  const [m, b, encoding, errors, newline] = values as [unknown, unknown, unknown, unknown, unknown];
  const mode = m === undefined ? "r" : m;
  if (typeof mode !== "string") throw new TypeError(`'${pyType(mode)}' object is not iterable`);
  if (![...mode].every((c) => c === "r" || c === "w" || c === "b")) {
    throw new ValueError(`invalid mode '${mode}' (only r, w, b allowed)`);
  }
  const writing = mode.includes("w");
  const reading = mode.includes("r") || !writing;
  const binary = mode.includes("b");
  const rawmode = (reading ? "r" : "") + (writing ? "w" : "");
  let buffering = b === undefined || b === null ? -1 : toInt(b);
  if (buffering < 0) buffering = DEFAULT_BUFFER_SIZE;
  if (buffering === 0 && !binary) throw new ValueError("unbuffered streams must be binary");
  const text = binary ? null : { encoding, errors, newline };
  if (text) {
    // Checked before the socket's count goes up, so a bad argument leaks nothing.
    for (const [k, v] of Object.entries(text)) {
      if (v !== undefined && v !== null && typeof v !== "string") {
        throw new TypeError(`makefile() argument '${k}' must be str or None, not ${pyType(v)}`);
      }
    }
    if (typeof newline === "string" && !["", "\n", "\r", "\r\n"].includes(newline)) {
      throw new ValueError(`illegal newline value: ${newline}`);
    }
    lookupCodec((encoding as string | null | undefined) ?? "utf-8");
  }
  const raw = new SocketIO(sock, rawmode);
  ioRefs(sock, 1);
  if (buffering === 0) return raw;
  const buffer = reading && writing
    ? new BufferedRWPair(raw, raw, buffering)
    : reading
    ? new BufferedReader(raw, buffering)
    : new BufferedWriter(raw, buffering);
  if (binary) return buffer;
  const wrapper = new TextIOWrapper(
    buffer,
    encoding as string | null | undefined,
    errors as string | null | undefined,
    newline as string | null | undefined,
  );
  wrapper.mode = mode;
  return wrapper;
}
