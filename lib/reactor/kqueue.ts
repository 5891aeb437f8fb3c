/**
 * The macOS poller: one kqueue, each descriptor registered with an
 * `EVFILT_READ` and an `EVFILT_WRITE` filter, both `EV_CLEAR`
 * (edge-triggered, like `EPOLLET`), and a pipe to end a wait from another
 * thread.
 *
 * Written from kqueue(2) (`struct kevent`: ident, filter, flags, fflags,
 * data, udata; `EV_ADD`, `EV_DELETE`, `EV_CLEAR`, `EV_EOF`, `EV_ERROR`);
 * the layout comes from `ffi/gen/darwin_*.ts`. It cannot run on the Linux
 * machines that test this project.
 *
 * @module
 */

import { LAYOUT, SYS } from "../../ffi/gen/mod.ts";
import { errno, libc } from "../../ffi/mod.ts";
import { check, osErrorFrom } from "../errors.ts";
import { CLOSED, type Poller, READABLE, WAKE_FD, WRITABLE } from "./poller.ts";

const { EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_DELETE, EV_CLEAR, EV_EOF, EV_ERROR, EINTR } = SYS;
const { F_GETFL, F_SETFL, F_SETFD, FD_CLOEXEC, O_NONBLOCK } = SYS;
const SIZE = LAYOUT.SIZEOF_KEVENT;
const WORDS = SIZE / 4;
// 32-bit word positions (little-endian: the low half of each 64-bit field comes first).
const IDENT = LAYOUT.OFF_KEVENT_IDENT / 4;
const FILTER_FLAGS = LAYOUT.OFF_KEVENT_FILTER / 4; // i16 filter, then u16 flags, in one word
const UDATA = LAYOUT.OFF_KEVENT_UDATA / 4;

/** A kqueue. */
export class Kqueue implements Poller {
  readonly fd: number;
  readonly eventSize: number = SIZE;
  readonly waitAsync: ((buf: Uint8Array, max: number) => Promise<number>) | undefined;
  #changes = new Uint8Array(SIZE * 2);
  #changeView = new DataView(this.#changes.buffer);
  #zero = new Uint8Array(LAYOUT.SIZEOF_TIMESPEC);
  #pipe = new Int32Array([-1, -1]);
  #byte = new Uint8Array(1);
  #sink = new Uint8Array(64);

  /** Creates the kqueue, or adopts `fd` (a Worker waiting on the owner's kqueue). */
  constructor(fd?: number) {
    if (fd !== undefined) {
      this.fd = fd;
    } else {
      this.fd = check(libc.kqueue!());
      try {
        check(libc.fcntl(this.fd, F_SETFD, FD_CLOEXEC));
        check(libc.pipe(this.#pipe));
        for (const p of this.#pipe) {
          check(libc.fcntl(p, F_SETFD, FD_CLOEXEC));
          check(libc.fcntl(p, F_SETFL, check(libc.fcntl(p, F_GETFL, 0)) | O_NONBLOCK));
        }
        this.#change(0, this.#pipe[0], EVFILT_READ, EV_ADD | EV_CLEAR, WAKE_FD, 0);
        check(libc.kevent!(this.fd, this.#changes, 1, null, 0, null));
      } catch (e) {
        for (const p of this.#pipe) if (p >= 0) libc.close(p);
        libc.close(this.fd);
        throw e;
      }
    }
    const nb = libc.kevent_nb;
    const kq = this.fd;
    this.waitAsync = nb ? (buf, max) => nb(kq, null, 0, buf, max, null) : undefined;
  }

  #change(slot: number, fd: number, filter: number, flags: number, lo: number, hi: number): void {
    const v = this.#changeView, at = slot * SIZE;
    v.setBigUint64(at + LAYOUT.OFF_KEVENT_IDENT, BigInt(fd), true);
    v.setInt16(at + LAYOUT.OFF_KEVENT_FILTER, filter, true);
    v.setUint16(at + LAYOUT.OFF_KEVENT_FLAGS, flags, true);
    v.setUint32(at + LAYOUT.OFF_KEVENT_FFLAGS, 0, true);
    v.setBigInt64(at + LAYOUT.OFF_KEVENT_DATA, 0n, true);
    v.setInt32(at + LAYOUT.OFF_KEVENT_UDATA, lo, true);
    v.setInt32(at + LAYOUT.OFF_KEVENT_UDATA + 4, hi, true);
  }

  add(fd: number, gen: number): void {
    // EV_ADD on a registered filter updates it (udata included).
    this.#change(0, fd, EVFILT_READ, EV_ADD | EV_CLEAR, fd, gen);
    this.#change(1, fd, EVFILT_WRITE, EV_ADD | EV_CLEAR, fd, gen);
    check(libc.kevent!(this.fd, this.#changes, 2, null, 0, null));
  }

  remove(fd: number): void {
    // One call per filter, so that a missing one (ENOENT) does not skip the other.
    this.#change(0, fd, EVFILT_READ, EV_DELETE, 0, 0);
    libc.kevent!(this.fd, this.#changes, 1, null, 0, null);
    this.#change(0, fd, EVFILT_WRITE, EV_DELETE, 0, 0);
    libc.kevent!(this.fd, this.#changes, 1, null, 0, null);
  }

  wait(buf: Uint8Array, max: number, timeoutMs: number): number {
    let n: number;
    if (timeoutMs === 0) n = libc.kevent!(this.fd, null, 0, buf, max, this.#zero);
    else if (timeoutMs < 0) n = libc.kevent!(this.fd, null, 0, buf, max, null);
    else {
      const ts = new DataView(new ArrayBuffer(LAYOUT.SIZEOF_TIMESPEC));
      ts.setBigInt64(LAYOUT.OFF_TIMESPEC_TV_SEC, BigInt(Math.floor(timeoutMs / 1000)), true);
      ts.setBigInt64(LAYOUT.OFF_TIMESPEC_TV_NSEC, BigInt((timeoutMs % 1000) * 1e6), true);
      n = libc.kevent!(this.fd, null, 0, buf, max, new Uint8Array(ts.buffer));
    }
    if (n >= 0) return n;
    const e = errno();
    if (e === EINTR) return 0;
    throw osErrorFrom(e);
  }

  decode(words: Int32Array, i: number, out: Int32Array): void {
    const at = i * WORDS;
    const ff = words[at + FILTER_FLAGS];
    const filter = (ff << 16) >> 16; // the low 16 bits, signed
    const flags = ff >>> 16;
    const lo = words[at + UDATA];
    out[0] = lo === WAKE_FD ? WAKE_FD : words[at + IDENT];
    out[1] = words[at + UDATA + 1];
    out[2] = flags & (EV_EOF | EV_ERROR)
      ? READABLE | WRITABLE | CLOSED
      : filter === EVFILT_READ
      ? READABLE
      : filter === EVFILT_WRITE
      ? WRITABLE
      : 0;
  }

  wake(): void {
    libc.write(this.#pipe[1], this.#byte, 1);
  }

  drain(): void {
    while (libc.read(this.#pipe[0], this.#sink, this.#sink.length) > 0) {
      // Empty the pipe.
    }
  }
}
