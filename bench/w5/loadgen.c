/*
 * Load generator for W5, W6 and W7: one thread, epoll, non-blocking sockets
 * to 127.0.0.1:PORT. Compiled on the fly by run.ts (never committed).
 *
 *   loadgen echo PORT N SECONDS  W5: N connections, one 64-byte round trip in flight on each
 *   loadgen conn PORT N SECONDS  W6: N loops of connect, 64-byte request, 64-byte reply, close
 *   loadgen http PORT N SECONDS  W7: N HTTP/1.1 keep-alive connections, one GET in flight on each
 *   loadgen PORT N SECONDS       the same as `echo` (the old form)
 *
 * Prints {"mode": M, "conns": N, "rate": per second in the timed part,
 * "ops": every operation made, warm-up included (for CPU per operation),
 * "errors": failed connects or resets}. A warm-up of 0.2 s (0.5 s for runs
 * over 2 s) comes before the timed part.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64
#define BUF 4096

enum mode { ECHO, CONN, HTTP };

static const char REQUEST[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

struct slot {
  int fd;
  int got;       /* bytes buffered */
  int connected; /* conn mode: the connect has completed */
  char *buf;     /* http mode: the response so far */
};

static struct sockaddr_in server;
static int ep;
static long errors;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Sends the request of this mode on slot i. */
static void request(enum mode m, struct slot *s) {
  static char msg[MSG];
  if (m == HTTP) send(s->fd, REQUEST, sizeof REQUEST - 1, MSG_NOSIGNAL);
  else send(s->fd, msg, MSG, MSG_NOSIGNAL);
}

/* Opens slot i's connection (blocking for echo and http, non-blocking for conn). */
static int open_slot(enum mode m, struct slot *s, int i) {
  int fd = socket(AF_INET, SOCK_STREAM | (m == CONN ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  int r = connect(fd, (struct sockaddr *)&server, sizeof server);
  if (r < 0 && !(m == CONN && errno == EINPROGRESS)) {
    close(fd);
    return -1;
  }
  nodelay(fd);
  s->fd = fd;
  s->got = 0;
  s->connected = r == 0;
  struct epoll_event ev = {.events = EPOLLIN | (s->connected ? 0 : EPOLLOUT), .data.u32 = i};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  if (s->connected || m != CONN) request(m, s);
  return 0;
}

/* A new connection on slot i for conn mode, retrying while the kernel is out of ports. */
static void reopen(struct slot *s, int i) {
  while (open_slot(CONN, s, i) < 0) {
    errors++;
    usleep(1000);
  }
}

/* http mode: how many complete responses the buffer holds at its start; 0 if none yet. -1 on a bad response. */
static int response_length(struct slot *s) {
  char *end = memmem(s->buf, s->got, "\r\n\r\n", 4);
  if (!end) return s->got >= BUF ? -1 : 0;
  int head = end - s->buf + 4;
  long body = -1;
  for (char *p = s->buf; p && p < end; p = memchr(p, '\n', end - p), p = p ? p + 1 : p) {
    if (strncasecmp(p, "content-length:", 15) == 0) body = strtol(p + 15, NULL, 10);
  }
  if (body < 0 || head + body > BUF) return -1;
  return s->got >= head + body ? head + body : 0;
}

/* Handles readiness on slot i; returns the operations completed. */
static long ready(enum mode m, struct slot *s, int i, unsigned events) {
  if (m == CONN && !s->connected) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
      errors++;
      close(s->fd);
      reopen(s, i);
      return 0;
    }
    s->connected = 1;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
    request(m, s);
    if (!(events & EPOLLIN)) return 0;
  }
  char scratch[BUF];
  char *into = m == HTTP ? s->buf + s->got : scratch;
  ssize_t r = recv(s->fd, into, m == HTTP ? BUF - s->got : BUF, 0);
  if (r < 0 && errno == EAGAIN) return 0;
  if (r <= 0) {
    fprintf(stderr, "loadgen: connection %d closed by the server\n", i);
    exit(1);
  }
  s->got += r;
  long done = 0;
  if (m == HTTP) {
    int n;
    while ((n = response_length(s)) > 0) {
      memmove(s->buf, s->buf + n, s->got - n);
      s->got -= n;
      done++;
      request(m, s);
    }
    if (n < 0) {
      fprintf(stderr, "loadgen: response without Content-Length, or over %d bytes\n", BUF);
      exit(1);
    }
    return done;
  }
  for (; s->got >= MSG; s->got -= MSG) {
    done++;
    if (m == ECHO) request(m, s);
  }
  if (m == CONN && done) {
    close(s->fd);
    reopen(s, i);
  }
  return done;
}

int main(int argc, char **argv) {
  enum mode m = ECHO;
  if (argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9')) {
    m = strcmp(argv[1], "conn") == 0 ? CONN : strcmp(argv[1], "http") == 0 ? HTTP : ECHO;
    if (m == ECHO && strcmp(argv[1], "echo") != 0) argc = 0;
    argv++;
    argc--;
  }
  if (argc < 4) {
    fprintf(stderr, "usage: loadgen [echo|conn|http] PORT N SECONDS\n");
    return 2;
  }
  int port = atoi(argv[1]), n = atoi(argv[2]);
  double secs = atof(argv[3]);
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < (rlim_t)n + 64) {
    rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  ep = epoll_create1(0);
  struct slot *slots = calloc(n, sizeof *slots);
  for (int i = 0; i < n; i++) {
    if (m == HTTP) slots[i].buf = malloc(BUF);
    if (open_slot(m, &slots[i], i) < 0) {
      perror("loadgen: connect");
      return 1;
    }
  }
  long done = 0, all = 0;
  struct epoll_event evs[1024];
  double start = now(), warm = start + (secs > 2 ? 0.5 : 0.2), end = warm + secs;
  int counting = 0;
  for (;;) {
    int k = epoll_wait(ep, evs, 1024, 100);
    double t = now();
    if (!counting && t >= warm) {
      counting = 1;
      done = 0;
      start = t;
    }
    if (t >= end) break;
    for (int j = 0; j < k; j++) {
      long d = ready(m, &slots[evs[j].data.u32], evs[j].data.u32, evs[j].events);
      done += d;
      all += d;
    }
  }
  double el = now() - start;
  const char *name = m == CONN ? "conn" : m == HTTP ? "http" : "echo";
  printf("{\"mode\": \"%s\", \"conns\": %d, \"rate\": %.0f, \"ops\": %ld, \"errors\": %ld}\n", name, n, done / el,
         all, errors);
  for (int i = 0; i < n; i++) close(slots[i].fd);
  return 0;
}
