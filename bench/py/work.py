"""CPython's socket module on every workload: the same roles, arguments and
JSON output as bench/c/work.c. Descriptor 3 is the inherited socket."""

import json
import os
import socket
import sys
import time

now = time.monotonic


def recv_exact(s, n):
    data = s.recv(n)
    if len(data) == n or not data:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        more = s.recv(n - got)
        if not more:
            raise EOFError("short message")
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "micro":
        n = 200000
        t0 = time.perf_counter()
        for _ in range(n):
            socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
        gai = (time.perf_counter() - t0) * 1e9 / n
        t0 = time.perf_counter()
        for _ in range(2000000):
            os.getpid()
        print(json.dumps({"getaddrinfo_ns": gai, "getpid_ns": (time.perf_counter() - t0) * 1e9 / 2000000}))
        return
    s = socket.socket(fileno=3)
    if mode == "ping":
        size, secs = int(args[0]), float(args[1])
        msg = bytes(size)
        s.sendall(msg)
        recv_exact(s, size)
        warm = now() + secs * 0.2
        while now() < warm:
            s.sendall(msg)
            recv_exact(s, size)
        ops = 0
        t0 = now()
        end = t0 + secs
        while True:
            s.sendall(msg)
            recv_exact(s, size)
            ops += 1
            if ops & 63 == 0:
                t1 = now()
                if t1 >= end:
                    break
        print(json.dumps({"ops": ops, "secs": t1 - t0}))
    elif mode == "pong":
        size = int(args[0])
        print("ready", flush=True)
        while True:
            m = recv_exact(s, size)
            if not m:
                break
            s.sendall(m)
        print("{}")
    elif mode == "bsend":
        chunk, total, secs = int(args[0]), float(args[1]), float(args[2])
        buf = bytes(chunk)
        sent = 0
        n = 0
        end = now() + secs
        while sent < total:
            s.sendall(buf)
            sent += chunk
            n += 1
            if n & 63 == 0 and now() >= end:
                break
        s.shutdown(socket.SHUT_WR)
        print(json.dumps({"sent": sent}))
    elif mode == "brecv":
        buf = bytearray(int(args[0]))
        print("ready", flush=True)
        total = 0
        t0 = 0
        while True:
            r = s.recv_into(buf)
            if r == 0:
                break
            if total == 0:
                t0 = now()
            total += r
        print(json.dumps({"bytes": total, "secs": now() - t0}))
    elif mode == "usend":
        port, size, secs = int(args[0]), int(args[1]), float(args[2])
        addr = ("127.0.0.1", port)
        buf = bytes(size)
        sent = 0
        end = now() + secs
        while True:
            s.sendto(buf, addr)
            sent += 1
            if sent & 63 == 0 and now() >= end:
                break
        print(json.dumps({"sent": sent}))
    elif mode == "urecv":
        size = int(args[0])
        print("ready", flush=True)
        received = 0
        t0 = t1 = 0
        give_up = now() + 10
        while True:
            try:
                s.recvfrom(size)
            except BlockingIOError:
                # SO_RCVTIMEO: the sender has stopped (or, before the first datagram, not started yet: wait up to 10 s).
                if received == 0 and now() < give_up:
                    continue
                break
            t1 = now()
            if received == 0:
                t0 = t1
            received += 1
        print(json.dumps({"received": received, "secs": t1 - t0}))
    s.detach()


main()
