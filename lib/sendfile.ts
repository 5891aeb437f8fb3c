/**
 * `socket.sendfile()` as `Lib/socket.py` has it: `sendfile(2)` when the
 * file has a descriptor and the platform has the call (Linux), else a loop
 * of read and `send`. Sources: a numeric descriptor (what Bun's and Node's
 * `fs.openSync` return), an object with a numeric `fd` (Node's
 * `FileHandle`) or a `fileno()` method, or a `Deno.FsFile`, which exposes no
 * descriptor and so always takes the read-and-send path.
 *
 * @module
 */

import { CONSTANTS, SYS } from "../ffi/gen/mod.ts";
import { libc } from "../ffi/mod.ts";
import { pyRepr } from "./repr.ts";
import { pyType, toInt } from "./args.ts";
import { BlockingIOError, check, OSError, TimeoutError, uninterrupted, ValueError } from "./errors.ts";
import { sockCall, type Syscall } from "./sock_call.ts";
import { held } from "./marshal.ts";
import { ctxOf, liveFd, type SocketObject, timeoutOf } from "./descriptor.ts";

const { SOCK_STREAM } = CONSTANTS;
const { SEEK_SET, SEEK_CUR, SEEK_END } = SYS;

/** A file that `Deno.FsFile` resembles: synchronous read and seek, no descriptor. */
export interface SyncFile {
  /** Reads into `p`; the count, or `null` at the end of the file. */
  readSync(p: Uint8Array): number | null;
  /** Moves the position; `whence` 0 is from the start. */
  seekSync(offset: number, whence: number): number;
}

/**
 * What `sendfile()` sends from: a descriptor, an object carrying one (`fd`
 * or `fileno()`), or a synchronous file object such as `Deno.FsFile`.
 */
export type SendfileSource = number | { readonly fd: number } | { fileno(): number } | SyncFile;

/** `sendfile(2)` sends at most this much per call, as CPython (bpo-38319). */
const MAX_BLOCK = 2 ** 30;
/** The read-and-send loop's block size. */
const READ_BLOCK = 64 * 1024;

const OFFSET = new Uint8Array(8);
const OFFSET_VIEW = new DataView(OFFSET.buffer);

/** Thrown inside the `sendfile(2)` path to fall back to read-and-send, as `_GiveupOnSendfile`. */
class GiveUp extends Error {}

function descriptorOf(file: unknown): number | undefined {
  if (typeof file === "number") return file;
  if (typeof file !== "object" || file === null) return undefined;
  const f = file as { fd?: unknown; fileno?: unknown };
  if (typeof f.fileno === "function") {
    try {
      const n = (f.fileno as () => unknown).call(file);
      return typeof n === "number" ? n : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof f.fd === "number" ? f.fd : undefined;
}

function isSyncFile(file: unknown): file is SyncFile {
  return typeof file === "object" && file !== null &&
    typeof (file as SyncFile).readSync === "function" && typeof (file as SyncFile).seekSync === "function";
}

/** `_check_sendfile_params`. */
function checkParams(sock: SocketObject, file: unknown, count: number | null): void {
  const mode = typeof file === "object" && file !== null ? (file as { mode?: unknown }).mode : undefined;
  if (typeof mode === "string" && !mode.includes("b")) throw new ValueError("file should be opened in binary mode");
  if (!(ctxOf(sock).type & SOCK_STREAM)) throw new ValueError("only SOCK_STREAM type sockets are supported");
  if (count !== null) {
    if (typeof count !== "number" || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${pyRepr(count)})`);
    }
    if (count <= 0) throw new ValueError(`count must be a positive integer (got ${count})`);
  }
}

function lseek(fd: number, offset: number, whence: number): number {
  return check(libc.lseek(fd, offset, whence));
}

/** The size of the file behind `fd` (`fstat`'s `st_size`), through `lseek`, position kept. */
function fileSize(fd: number): number {
  const here = lseek(fd, 0, SEEK_CUR);
  const end = lseek(fd, 0, SEEK_END);
  lseek(fd, here, SEEK_SET);
  return end;
}

/** One `sendfile(2)` of up to `blocksize` bytes from `offset` of `fd` to the socket `out`. */
const SENDFILE: Syscall<number, number, number, undefined> = (out, fd, offset, blocksize) => {
  OFFSET_VIEW.setUint32(0, offset % 2 ** 32, true);
  OFFSET_VIEW.setUint32(4, Math.floor(offset / 2 ** 32), true);
  return libc.sendfile!(out, fd, OFFSET, blocksize);
};

/** `_sendfile_use_sendfile`. */
function useSendfile(sock: SocketObject, fd: number, offset: number, count: number | null): number {
  let fsize: number;
  try {
    fsize = fileSize(fd);
  } catch (e) {
    throw new GiveUp("not a regular file", { cause: e });
  }
  if (fsize === 0) return 0;
  let blocksize = Math.min(count || fsize, MAX_BLOCK);
  const timeout = timeoutOf(sock);
  if (timeout === 0) throw new ValueError("non-blocking sockets are not supported");
  const out = liveFd(sock);
  let total = 0;
  try {
    for (;;) {
      if (count) {
        blocksize = count - total;
        if (blocksize <= 0) break;
      }
      let sent: number;
      try {
        // As Lib/socket.py: in timeout mode, wait for the socket first, the whole timeout each block; in
        // blocking mode, wait (with no limit) only when the socket would block.
        sent = sockCall(
          out,
          timeout ?? Infinity,
          true,
          SENDFILE,
          fd,
          offset,
          blocksize,
          undefined,
          undefined,
          !!timeout,
        );
      } catch (e) {
        if (total === 0 && e instanceof OSError && !(e instanceof TimeoutError)) {
          throw new GiveUp("sendfile(2) refused", { cause: e });
        }
        throw e;
      }
      if (sent === 0) break;
      offset += sent;
      total += sent;
    }
    return total;
  } finally {
    if (total > 0) lseek(fd, offset, SEEK_SET);
  }
}

/** Reads up to `n` bytes from `fd` at its position (retrying `EINTR`). */
function readFd(fd: number, buf: Uint8Array): number {
  return uninterrupted(() => libc.read(fd, buf, buf.length));
}

/** `_sendfile_use_send`: read a block, send it all, until `count` or the end. */
function useSend(
  sock: SocketObject,
  read: (buf: Uint8Array) => number,
  seek: ((pos: number) => void) | null,
  offset: number,
  count: number | null,
): number {
  if (timeoutOf(sock) === 0) throw new ValueError("non-blocking sockets are not supported");
  // API.md: `offset` counts from the start of the file, as in the sendfile(2) path.
  if (seek) seek(offset);
  let blocksize = count ? Math.min(count, READ_BLOCK) : READ_BLOCK;
  const buf = new Uint8Array(blocksize);
  let total = 0;
  try {
    for (;;) {
      if (count) {
        blocksize = Math.min(count - total, blocksize);
        if (blocksize <= 0) break;
      }
      // The file's read runs user code (a `readSync`): the count it reports is checked against the block.
      const got = read(buf.subarray(0, blocksize));
      if (!Number.isInteger(got) || got < 0 || got > blocksize) {
        throw new ValueError(`read() returned ${pyRepr(got)}, outside 0-${blocksize}`);
      }
      // A block detached by the read is an error, even when the read reports the end of the file.
      held(buf, blocksize);
      if (got === 0) break;
      let data = buf.subarray(0, got);
      for (;;) {
        let sent: number;
        try {
          sent = sock.send(data);
        } catch (e) {
          if (e instanceof BlockingIOError) continue;
          throw e;
        }
        total += sent;
        if (sent >= data.length) break;
        data = data.subarray(sent);
      }
    }
    return total;
  } finally {
    if (total > 0 && seek) seek(offset + total);
  }
}

/**
 * `sock.sendfile(file, offset?, count?)`. Implements
 * {@linkcode SocketType.sendfile}.
 *
 * @param sock A stream socket in blocking or timeout mode.
 * @param file The source.
 * @param offset Where to start, from the start of the file (default `0`).
 * @param count The most bytes to send (default: to the end).
 * @returns The number of bytes sent.
 */
export function sendfile(sock: SocketObject, file: SendfileSource, offset?: number, count?: number | null): number {
  const off = offset === undefined ? 0 : toInt(offset);
  const cnt = count === undefined ? null : count;
  checkParams(sock, file, cnt);
  const fd = descriptorOf(file);
  if (fd !== undefined) {
    if (libc.sendfile) {
      try {
        return useSendfile(sock, fd, off, cnt);
      } catch (e) {
        if (!(e instanceof GiveUp)) throw e;
      }
    }
    checkParams(sock, file, cnt);
    // A pipe or a socket cannot seek: it is read from where it is, and has no position to update.
    const seekable = libc.lseek(fd, 0, SEEK_CUR) >= 0;
    return useSend(sock, (b) => readFd(fd, b), seekable ? (pos) => lseek(fd, pos, SEEK_SET) : null, off, cnt);
  }
  if (isSyncFile(file)) {
    return useSend(sock, (b) => file.readSync(b) ?? 0, (pos) => file.seekSync(pos, 0), off, cnt);
  }
  throw new TypeError(`sendfile() argument 1 must be a descriptor or a file object, not ${pyType(file)}`);
}
