/**
 * The child process of the descriptor-passing tests (`msg_test.ts`): run
 * as `<runtime> tests/fd_pass_child.ts <unix socket path>`, it connects to
 * the parent over the Unix socket, receives one descriptor with
 * `SCM_RIGHTS` (`recv_fds`) and a word saying what it is, uses it, and
 * reports back:
 *
 * - `listen`: a listening TCP socket. The child accepts one connection on it
 *   and answers the line it reads in upper case, with its pid.
 * - `file`: an open file. The child sends the file back to the parent with
 *   `sendfile` over the Unix socket.
 *
 * @module
 */

import process from "node:process";
import * as socket from "../mod.ts";

const path = process.argv[process.argv.length - 1];
using parent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
parent.settimeout(60);
parent.connect(path);
const [what, fds] = socket.recv_fds(parent, 64, 4);
const word = new TextDecoder().decode(what);
if (fds.length !== 1) throw new Error(`expected one descriptor, got ${fds.length}`);
if (word === "listen") {
  using listener = socket.socket({ fileno: fds[0] });
  listener.settimeout(60);
  const [conn] = listener.accept();
  using f = conn.makefile("rw", null, { newline: "\n" });
  const line = f.readline();
  f.write(`${line.trim().toUpperCase()} from ${process.pid} (family ${listener.family}, type ${listener.type})\n`);
  f.flush();
  conn.close();
  parent.sendall(new TextEncoder().encode("done"));
} else if (word === "file") {
  const sent = parent.sendfile(fds[0]);
  socket.close(fds[0]);
  parent.shutdown(socket.SHUT_WR);
  console.error(`child sent ${sent} bytes`);
} else {
  throw new Error(`unknown job ${word}`);
}
