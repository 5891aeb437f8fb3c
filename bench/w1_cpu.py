"""W1 (64 B ping-pong over an AF_UNIX socketpair, both processes on CPU 0) by hand, with CPU per round trip; W2
(the same over TCP 127.0.0.1 with TCP_NODELAY) with `tcp` as the fifth argument.

usage: python3 bench/w1_cpu.py TREE KIND RUNTIME [SECS [tcp]]
  TREE     a checkout (its bench/KIND/work.ts runs, with its own lib/)
  KIND     lib (this module) or raw (the raw-FFI floor)
  RUNTIME  deno or bun

Prints one line: KIND RUNTIME round-trips/s CPU-us-per-round-trip. The CPU figure is user + system time of both
processes (from /proc/PID/stat), sampled after the warm-up and again before the end, over the round trips made in
between (at the rate the client reports). Other load on the machine lowers the rate but hardly the CPU per round trip,
which is why `bench/before_after.sh -c` compares trees with it.
"""

import json
import os
import socket
import subprocess
import sys
import time

tree, kind, runtime = sys.argv[1:4]
secs = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
tcp = len(sys.argv) > 5 and sys.argv[5] == "tcp"
prog = os.path.join(tree, "bench", kind, "work.ts")
cmd = ["deno", "run", "-A", prog] if runtime == "deno" else ["bun", prog]


def spawn(sock, args):
    """Runs the program pinned to CPU 0 with `sock` as descriptor 3."""
    fd = sock.fileno()

    def as_fd3():
        if fd == 3:
            os.set_inheritable(3, True)
        else:
            os.dup2(fd, 3)

    return subprocess.Popen(["taskset", "-c", "0", *cmd, *args], stdout=subprocess.PIPE, close_fds=False,
                            preexec_fn=as_fd3, cwd=tree)


def cpu(pid):
    """User + system seconds of process `pid`."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tcp_pair():
    """A connected TCP pair on 127.0.0.1 with TCP_NODELAY on both ends."""
    with socket.create_server(("127.0.0.1", 0)) as srv:
        a = socket.create_connection(srv.getsockname())
        b, _ = srv.accept()
    for s in (a, b):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return a, b


a, b = tcp_pair() if tcp else socket.socketpair()
pong = spawn(b, ["pong", "64"])
pong.stdout.readline()  # "ready"
ping = spawn(a, ["ping", "64", str(secs)])
time.sleep(0.4 + secs * 0.3)  # start-up and the client's 20% warm-up
c0, t0 = cpu(ping.pid) + cpu(pong.pid), time.monotonic()
time.sleep(secs * 0.7)
c1, t1 = cpu(ping.pid) + cpu(pong.pid), time.monotonic()
out = json.loads(ping.stdout.read().decode().strip().splitlines()[-1])
a.close()
b.close()
pong.kill()
pong.wait()
rate = out["ops"] / out["secs"]
print(kind, runtime, round(rate), round((c1 - c0) / (rate * (t1 - t0)) * 1e6, 2))
