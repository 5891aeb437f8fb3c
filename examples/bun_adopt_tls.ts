/**
 * Make a socket with any option this module offers, then run it on Bun's own
 * event loop, with TLS: the module creates and connects the socket (here
 * with `SO_BINDTODEVICE` and `TCP_NODELAY`, which `Bun.connect` cannot set;
 * equally `IP_FREEBIND`, `SO_MARK`, a source address, or a descriptor adopted
 * with `listen_fds()`), `detach()` hands the descriptor over, and
 * `Bun.connect({ fd, tls, socket })` wraps it in Bun's native socket, TLS
 * handshake included. From then on Bun owns and closes the descriptor.
 *
 *     bun examples/bun_adopt_tls.ts HOST PORT [--device IFNAME] [--ca FILE] [--servername NAME]
 *
 * sends `GET / HTTP/1.0` over TLS and prints the reply. Bun only.
 *
 * @module
 */

import * as socket from "../mod.ts";

/** What {@linkcode adoptTls} needs besides the socket. */
export interface AdoptTlsOptions {
  /** PEM certificate(s) to trust instead of the system store. */
  ca?: string;
  /** The name to verify the server's certificate against (and send as SNI). */
  serverName?: string;
  /** Called with each chunk Bun reads. */
  onData?: (data: Uint8Array) => void;
  /** Called once the connection ends. */
  onClose?: () => void;
}

/** The part of Bun's native socket the example uses. */
export interface NativeSocket {
  /** Queues bytes; returns how many were written now. */
  write(data: string | Uint8Array): number;
  /** Flushes and half-closes (TLS close_notify, then FIN). */
  end(): void;
  /** Whether the peer's certificate verified. */
  readonly authorized: boolean;
}

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

/**
 * Hands a connected stream socket made by this module to Bun's event loop
 * with TLS: `sock` is detached (it no longer owns the descriptor; Bun does)
 * and the promise resolves once the TLS handshake has succeeded. Write only
 * after that: bytes written before the handshake completes may be lost.
 *
 * @param sock A connected `SOCK_STREAM` socket (TCP or Unix).
 * @param options Trust anchors, server name and callbacks.
 * @returns Bun's socket, handshake done and certificate verified.
 */
export function adoptTls(sock: socket.SocketType, options: AdoptTlsOptions = {}): Promise<NativeSocket> {
  if (!Bun) throw new Error("adoptTls() needs Bun's native sockets (Bun.connect)");
  const fd = sock.detach();
  return new Promise((resolve, reject) => {
    Bun.connect({
      fd,
      tls: { ca: options.ca, serverName: options.serverName },
      socket: {
        handshake(s: NativeSocket, ok: boolean, error: Error | null) {
          if (ok && s.authorized) resolve(s);
          else {
            reject(error ?? new Error("TLS handshake failed"));
            s.end();
          }
        },
        data(_s: NativeSocket, data: Uint8Array) {
          options.onData?.(data);
        },
        close() {
          options.onClose?.();
        },
        error(_s: NativeSocket, error: Error) {
          reject(error);
        },
      },
    }).catch(reject);
  });
}

if (import.meta.main) {
  const args = Bun ? Bun.argv.slice(2) : [];
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const device = flag("--device"), caFile = flag("--ca"), serverName = flag("--servername");
  const [host, port] = args;
  if (!Bun || !host || !port) {
    console.error("usage: bun examples/bun_adopt_tls.ts HOST PORT [--device IFNAME] [--ca FILE] [--servername NAME]");
  } else {
    const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    if (device) sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, new TextEncoder().encode(device));
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    sock.connect([host, Number(port)]);
    const decoder = new TextDecoder();
    const tls = await adoptTls(sock, {
      ca: caFile ? await Bun.file(caFile).text() : undefined,
      serverName: serverName ?? host,
      onData: (d) => Bun.write(Bun.stdout, decoder.decode(d, { stream: true })),
    });
    tls.write(`GET / HTTP/1.0\r\nHost: ${serverName ?? host}\r\n\r\n`);
  }
}
