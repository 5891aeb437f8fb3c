"""W5 contender: CPython asyncio's loop.sock_* echo server. Prints its port, then serves until killed."""
import asyncio
import socket


async def serve(loop, conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                break
            await loop.sock_sendall(conn, data)
    except OSError:
        pass
    finally:
        conn.close()


async def main():
    loop = asyncio.get_running_loop()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)
    srv.setblocking(False)
    print(srv.getsockname()[1], flush=True)
    while True:
        conn, _ = await loop.sock_accept(srv)
        loop.create_task(serve(loop, conn))


asyncio.run(main())
