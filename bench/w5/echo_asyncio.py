"""W5/W6 contender: CPython asyncio's loop.sock_* echo server. Prints its port, then serves until killed.

With `http` as its argument it is the W7 contender instead: a minimal HTTP/1.1 keep-alive server on loop.sock_*
answering every request with the same small response. `gc` on stdin runs gc.collect() and answers `gc`.
"""
import asyncio
import gc
import os
import socket
import sys

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"


async def echo(loop, conn):
    while True:
        data = await loop.sock_recv(conn, 4096)
        if not data:
            break
        await loop.sock_sendall(conn, data)


async def http(loop, conn):
    pending = b""
    while True:
        data = await loop.sock_recv(conn, 4096)
        if not data:
            break
        pending += data
        n = pending.count(b"\r\n\r\n")
        if n:
            pending = pending[pending.rindex(b"\r\n\r\n") + 4:]
            await loop.sock_sendall(conn, RESPONSE * n)


async def serve(loop, conn, handler):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        await handler(loop, conn)
    except OSError:
        pass
    finally:
        conn.close()


def control():
    line = os.read(0, 4096)
    if not line:
        asyncio.get_running_loop().remove_reader(0)
    elif b"gc" in line:
        gc.collect()
        print("gc", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    handler = http if sys.argv[1:] == ["http"] else echo
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)
    srv.setblocking(False)
    print(srv.getsockname()[1], flush=True)
    try:
        loop.add_reader(0, control)
    except (OSError, ValueError):
        pass  # stdin is not a pipe (run by hand): no control channel
    while True:
        conn, _ = await loop.sock_accept(srv)
        loop.create_task(serve(loop, conn, handler))


asyncio.run(main())
