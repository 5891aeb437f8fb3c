// Bun's own sockets on the workloads they can do: Bun.connect / Bun.listen
// (TCP with no-delay, and Unix stream sockets) and Bun.udpSocket. Same roles
// and JSON output as bench/c/work.c; the argument after the mode is
// tcp:PORT or unix:PATH. Servers print "ready" once listening. Plain
// JavaScript so that `deno check bench/` never meets Bun's globals.
const argv = process.argv.slice(2);
const [mode, where, ...rest] = argv;
const kind = where.slice(0, where.indexOf(":")), place = where.slice(where.indexOf(":") + 1);
const HOST = "127.0.0.1";
const now = () => performance.now() / 1000;
const target = () => (kind === "unix" ? { unix: place } : { hostname: HOST, port: Number(place) });
const done = (out) => {
  console.log(JSON.stringify(out));
  process.exit(0);
};

/** Collects `size`-byte messages from stream data; calls onMessage for each whole one. */
function framer(size, onMessage) {
  let have = 0;
  return (data) => {
    have += data.length;
    while (have >= size) {
      have -= size;
      onMessage();
    }
  };
}

/** Writes all of buf, waiting for drain when the kernel buffer is full. */
function writer() {
  let pending = null, resume = null;
  return {
    write(sock, buf) {
      const n = sock.write(buf);
      if (n === buf.length) return null;
      pending = buf.subarray(Math.max(n, 0));
      return new Promise((r) => (resume = r));
    },
    drain(sock) {
      while (pending) {
        const n = sock.write(pending);
        if (n < pending.length) {
          pending = pending.subarray(Math.max(n, 0));
          return;
        }
        pending = null;
        const r = resume;
        resume = null;
        r();
      }
    },
  };
}

if (mode === "ping") {
  const size = Number(rest[0]), secs = Number(rest[1]);
  const buf = new Uint8Array(size);
  const w = writer();
  let phase = 0, ops = 0, t0 = 0, end = 0, t1 = 0;
  const warm = now() + secs * 0.2;
  // deno-lint-ignore prefer-const
  let sock;
  const onMessage = () => {
    if (phase === 0) {
      if (now() >= warm) {
        phase = 1;
        t0 = now();
        end = t0 + secs;
      }
    } else if ((++ops & 63) === 0 && (t1 = now()) >= end) {
      sock.end();
      done({ ops, secs: t1 - t0 });
      return;
    }
    w.write(sock, buf);
  };
  sock = await Bun.connect({
    ...target(),
    socket: {
      data: (_s, d) => feed(d),
      drain: (s) => w.drain(s),
      error: (_s, e) => {
        throw e;
      },
    },
  });
  const feed = framer(size, onMessage);
  sock.setNoDelay?.(true);
  w.write(sock, buf);
} else if (mode === "pong") {
  const size = Number(rest[0]);
  const buf = new Uint8Array(size);
  const w = writer();
  let feed;
  Bun.listen({
    ...target(),
    socket: {
      open(s) {
        s.setNoDelay?.(true);
        feed = framer(size, () => w.write(s, buf));
      },
      data: (_s, d) => feed(d),
      drain: (s) => w.drain(s),
      close: () => done({}),
    },
  });
  console.log("ready");
} else if (mode === "bsend") {
  const chunk = Number(rest[0]), total = Number(rest[1]), secs = Number(rest[2]);
  const buf = new Uint8Array(chunk);
  const w = writer();
  const sock = await Bun.connect({ ...target(), socket: { data() {}, drain: (s) => w.drain(s) } });
  let sent = 0, k = 0;
  const end = now() + secs;
  while (sent < total) {
    const p = w.write(sock, buf);
    if (p) await p;
    sent += chunk;
    if ((++k & 63) === 0 && now() >= end) break;
  }
  sock.end();
  done({ sent });
} else if (mode === "brecv") {
  let bytes = 0, t0 = 0;
  Bun.listen({
    ...target(),
    socket: {
      data(_s, d) {
        if (bytes === 0) t0 = now();
        bytes += d.length;
      },
      close: () => done({ bytes, secs: now() - t0 }),
    },
  });
  console.log("ready");
} else if (mode === "usend") {
  const size = Number(rest[0]), secs = Number(rest[1]), port = Number(place);
  const buf = new Uint8Array(size);
  let resume = null;
  const sock = await Bun.udpSocket({ hostname: HOST, socket: { drain: () => resume?.() } });
  let sent = 0;
  const end = now() + secs;
  for (;;) {
    while (!sock.send(buf, port, HOST)) await new Promise((r) => (resume = r));
    if ((++sent & 63) === 0) {
      if (now() >= end) break;
      await null;
    }
  }
  sock.close();
  done({ sent });
} else if (mode === "urecv") {
  let received = 0, t0 = 0, t1 = 0;
  const sock = await Bun.udpSocket({
    hostname: HOST,
    port: Number(place),
    socket: {
      data() {
        t1 = now();
        if (received++ === 0) t0 = t1;
      },
    },
  });
  console.log("ready");
  setInterval(() => {
    if (received > 0 && now() - t1 > 0.3) {
      sock.close();
      done({ received, secs: t1 - t0 });
    }
  }, 50);
} else {
  throw new Error(`unknown mode ${mode}`);
}
