/**
 * The Linux poller: one epoll instance, descriptors registered
 * edge-triggered (`EPOLLET`) for input and output, and an eventfd to end a
 * wait from another thread.
 *
 * See epoll(7), epoll_ctl(2), epoll_wait(2), eventfd(2).
 *
 * @module
 */

import { LAYOUT, SYS } from "../../ffi/gen/mod.ts";
import { errno, libc } from "../../ffi/mod.ts";
import { check, osErrorFrom } from "../errors.ts";
import { CLOSED, type Poller, READABLE, WAKE_FD, WRITABLE } from "./poller.ts";

const { EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR, EPOLLPRI, EPOLLET } = SYS;
const { EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL, EPOLL_CLOEXEC, EFD_CLOEXEC, EFD_NONBLOCK, EINTR, EEXIST } = SYS;
const SIZE = LAYOUT.SIZEOF_EPOLL_EVENT;
const OFF_EVENTS = LAYOUT.OFF_EPOLL_EVENT_EVENTS;
const OFF_DATA = LAYOUT.OFF_EPOLL_EVENT_DATA;
// Events are read as 32-bit words: every field of epoll_event is 4-byte aligned.
const WORDS = SIZE / 4;
const EVENTS_WORD = OFF_EVENTS / 4;
const DATA_WORD = OFF_DATA / 4;
const INTEREST = EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDHUP | EPOLLET;
const IN = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR | EPOLLPRI;
const OUT = EPOLLOUT | EPOLLHUP | EPOLLERR;
const HUP = EPOLLRDHUP | EPOLLHUP | EPOLLERR | EPOLLPRI;

/** An epoll instance. */
export class Epoll implements Poller {
  readonly fd: number;
  readonly eventSize: number = SIZE;
  readonly waitAsync: ((buf: Uint8Array, max: number) => Promise<number>) | undefined;
  #ev = new Uint8Array(SIZE);
  #evView = new DataView(this.#ev.buffer);
  #eventfd: number;
  #one = new BigUint64Array([1n]);
  #sink = new BigUint64Array(1);

  /** Creates the instance, or adopts `fd` (a Worker waiting on the owner's instance). */
  constructor(fd?: number) {
    if (fd !== undefined) {
      this.fd = fd;
      this.#eventfd = -1;
    } else {
      this.fd = check(libc.epoll_create1!(EPOLL_CLOEXEC));
      this.#eventfd = libc.eventfd!(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (this.#eventfd < 0) {
        const e = errno();
        libc.close(this.fd);
        throw osErrorFrom(e);
      }
      this.#ctl(EPOLL_CTL_ADD, this.#eventfd, EPOLLIN | EPOLLET, WAKE_FD, 0);
    }
    const nb = libc.epoll_wait_nb;
    const epfd = this.fd;
    this.waitAsync = nb ? (buf, max) => nb(epfd, buf, max, -1) : undefined;
  }

  #ctl(op: number, fd: number, events: number, lo: number, hi: number): number {
    const v = this.#evView;
    v.setUint32(OFF_EVENTS, events, true);
    v.setInt32(OFF_DATA, lo, true);
    v.setInt32(OFF_DATA + 4, hi, true);
    return libc.epoll_ctl!(this.fd, op, fd, this.#ev) < 0 ? errno() : 0;
  }

  add(fd: number, gen: number): void {
    let e = this.#ctl(EPOLL_CTL_ADD, fd, INTEREST, fd, gen);
    if (e === EEXIST) e = this.#ctl(EPOLL_CTL_MOD, fd, INTEREST, fd, gen);
    if (e !== 0) throw osErrorFrom(e);
  }

  remove(fd: number): void {
    this.#ctl(EPOLL_CTL_DEL, fd, 0, 0, 0);
  }

  wait(buf: Uint8Array, max: number, timeoutMs: number): number {
    const n = libc.epoll_wait!(this.fd, buf, max, timeoutMs);
    if (n >= 0) return n;
    const e = errno();
    if (e === EINTR) return 0;
    throw osErrorFrom(e);
  }

  decode(words: Int32Array, i: number, out: Int32Array): void {
    const at = i * WORDS;
    const events = words[at + EVENTS_WORD];
    out[0] = words[at + DATA_WORD];
    out[1] = words[at + DATA_WORD + 1];
    out[2] = (events & IN ? READABLE : 0) | (events & OUT ? WRITABLE : 0) | (events & HUP ? CLOSED : 0);
  }

  wake(): void {
    libc.write(this.#eventfd, this.#one, 8);
  }

  drain(): void {
    libc.read(this.#eventfd, this.#sink, 8);
  }
}
