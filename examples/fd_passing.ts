/**
 * Handing an accepted TCP connection to another process with `SCM_RIGHTS`,
 * as a front end passes connections to its workers (nginx, systemd socket
 * activation, Wayland): the parent accepts, sends the connection's
 * descriptor over a Unix socket with `send_fds`, and closes its own copy;
 * the child receives it with `recv_fds`, wraps it in a socket object and
 * serves the client, which never knows it changed hands.
 *
 * Run it (the script starts its own child with the same runtime):
 *
 * ```sh
 * deno run -A examples/fd_passing.ts
 * bun examples/fd_passing.ts
 * ```
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as socket from "../mod.ts";

const encoder = new TextEncoder();

/**
 * The parent's half: sends `conn`'s descriptor (and a greeting) over the
 * Unix socket `channel`, then closes the parent's copy of the connection.
 *
 * @param channel A connected `AF_UNIX` stream socket to the worker.
 * @param conn The accepted connection to hand over.
 */
export function handOff(channel: socket.SocketType, conn: socket.SocketType): void {
  socket.send_fds(channel, [encoder.encode("conn")], [conn.fileno()]);
  conn.close();
}

/**
 * The worker's half: connects to the parent's Unix socket at `path`,
 * receives one connection, and answers each line the client sends in upper
 * case until the client shuts down its side.
 *
 * @param path The parent's Unix socket.
 * @returns The number of lines served.
 */
export function serve(path: string): number {
  using channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  channel.settimeout(30);
  channel.connect(path);
  const [, fds] = socket.recv_fds(channel, 16, 1);
  using conn = socket.socket({ fileno: fds[0] });
  using file = conn.makefile("rw", null, { newline: "\n" });
  let lines = 0;
  for (const line of file) {
    file.write(`${line.trimEnd().toUpperCase()} (served by pid ${process.pid})\n`);
    file.flush();
    lines++;
  }
  return lines;
}

/** How to run this script again under the current runtime. */
function selfCommand(args: string[]): [string, string[]] {
  const script = fileURLToPath(import.meta.url);
  return "Bun" in globalThis
    ? [process.execPath, [script, ...args]]
    : [process.execPath, ["run", "-A", script, ...args]];
}

/**
 * The whole demonstration: a TCP server that accepts a client, hands the
 * connection to a child process, and lets the client talk to the child.
 *
 * @param lines What the client sends, one line each.
 * @returns The replies the client received, and the child's exit code.
 */
export async function main(lines: string[] = ["hello", "fd passing"]): Promise<{ replies: string[]; code: number }> {
  const dir = mkdtempSync(join(tmpdir(), "fd-passing-"));
  try {
    const path = join(dir, "worker.sock");
    using unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    unix.bind(path);
    unix.listen(1);
    unix.settimeout(30);
    const [cmd, args] = selfCommand(["--worker", path]);
    const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
    const exited = new Promise<number>((resolve, reject) => {
      child.on("exit", (code) => resolve(code ?? -1));
      child.on("error", reject);
    });
    const [channel] = unix.accept();

    using server = socket.create_server(["127.0.0.1", 0]);
    // The kernel completes the handshake from the listen queue: no thread needed.
    using client = socket.create_connection(server.getsockname() as [string, number], 30);
    const [conn] = server.accept();
    handOff(channel, conn);
    channel.close();

    const file = client.makefile("rw", null, { newline: "\n" });
    const replies: string[] = [];
    for (const line of lines) {
      file.write(line + "\n");
      file.flush();
      replies.push(file.readline().trimEnd());
    }
    file.close();
    client.shutdown(socket.SHUT_WR);
    return { replies, code: await exited };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const at = process.argv.indexOf("--worker");
  if (at >= 0) {
    serve(process.argv[at + 1]);
  } else {
    const { replies, code } = await main();
    for (const r of replies) console.log(r);
    console.log(`worker exited with code ${code}`);
  }
}
