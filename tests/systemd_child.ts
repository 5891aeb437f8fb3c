// The service that tests/systemd_test.ts starts as a service manager would:
// it adopts its passed sockets with listen_fds_with_names(), serves one
// connection and one datagram, tells the manager it is ready, and prints a
// JSON report on stdout.

import process from "node:process";
import * as socket from "../mod.ts";

const pairs = socket.listen_fds_with_names(true);
const report: Record<string, unknown> = {
  pid: process.pid,
  fds: pairs.map(([s, name]) => [s.fileno(), s.family, s.type, name, s.get_inheritable()]),
  env_after: ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"].map((n) => process.env[n] ?? null),
  again: socket.listen_fds().length,
};
for (const [s] of pairs) {
  if (s.type === socket.SOCK_STREAM) {
    const [conn] = s.accept();
    conn.sendall(conn.recv(100));
    conn.close();
  } else {
    const [data, addr] = s.recvfrom(100);
    s.sendto(data, addr!);
  }
}
report.notified = socket.sd_notify("READY=1\nSTATUS=serving", true);
report.notify_env_after = process.env.NOTIFY_SOCKET ?? null;
report.notified_again = socket.sd_notify("WATCHDOG=1");
console.log(JSON.stringify(report));
