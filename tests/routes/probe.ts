/**
 * The program each route test runs (`tests/routes_test.ts`), importing the
 * package the way that route's users do: the test writes a copy with the
 * specifier below replaced (a URL, `@jsr/pysocket__socket`, …). It checks an
 * async echo that parks the reactor (Bun: its poller Worker), a
 * `getaddrinfo_async` lookup and failure (Bun: its resolver Worker; the
 * failure must be this package's `gaierror`), and a blocking connection;
 * then prints one JSON line of results and exits by itself (nothing may
 * keep the process alive).
 *
 * @module
 */

import * as socket from "@pysocket/socket";

const text = new TextEncoder();
const results: Record<string, unknown> = {};

async function asyncEcho(): Promise<string> {
  using srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  srv.setblocking(false);
  const port = (srv.getsockname() as [string, number])[1];
  // The accept and the first receive wait with nothing ready: the reactor parks.
  const accepting = socket.sock_accept(srv);
  await new Promise((r) => setTimeout(r, 20));
  using cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  cli.setblocking(false);
  await socket.sock_connect(cli, ["127.0.0.1", port]);
  const [conn] = await accepting;
  using c = conn;
  c.setblocking(false);
  const echoing = (async () => {
    const got = await socket.sock_recv(c, 100);
    await socket.sock_sendall(c, got);
  })();
  await new Promise((r) => setTimeout(r, 20));
  await socket.sock_sendall(cli, text.encode("ping"));
  const back = await socket.sock_recv(cli, 100);
  await echoing;
  return new TextDecoder().decode(back);
}

async function lookups(): Promise<[unknown, string]> {
  const [[family, , , , addr]] = await socket.getaddrinfo_async("127.0.0.1", 8080, { type: socket.SOCK_STREAM });
  let failure = "none";
  try {
    await socket.getaddrinfo_async("not a numeric host", 0, { flags: socket.AI_NUMERICHOST });
  } catch (e) {
    failure = e instanceof socket.gaierror && e instanceof socket.OSError ? "gaierror" : `other: ${e}`;
  }
  return [[family === socket.AF_INET, addr], failure];
}

function syncConnection(): string {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as [string, number])[1];
  using cli = socket.create_connection(["127.0.0.1", port]);
  const [conn] = srv.accept();
  using c = conn;
  cli.sendall(text.encode("sync"));
  return new TextDecoder().decode(c.recv(100));
}

results.echo = await asyncEcho();
[results.lookup, results.failure] = await lookups();
results.sync = syncConnection();
console.log(JSON.stringify(results));
