/*
 * W5 load generator: opens N connections to 127.0.0.1:PORT, keeps one
 * 64-byte request in flight on each (send 64 bytes, wait for the 64-byte
 * echo, repeat) for a fixed time, and prints the round trips per second.
 * One thread, epoll, non-blocking sockets. Compiled on the fly by run.ts.
 *
 *   loadgen PORT CONNS SECONDS   ->  prints {"rtps": N, "conns": N, "rts": N}
 *
 * rts counts every round trip made, warm-up included (for CPU per round trip).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: loadgen PORT CONNS SECONDS\n");
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
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  int ep = epoll_create1(0);
  int *fds = calloc(n, sizeof(int));
  int *got = calloc(n, sizeof(int));
  char msg[MSG], buf[4096];
  memset(msg, 'x', MSG);
  for (int i = 0; i < n; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
      perror("connect");
      return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fds[i] = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  /* Warm-up, then the timed run: every connection starts one round trip. */
  long done = 0, all = 0;
  struct epoll_event evs[1024];
  double start = now(), warm = start + (secs > 2 ? 0.5 : 0.2), end = warm + secs;
  int counting = 0;
  for (int i = 0; i < n; i++) send(fds[i], msg, MSG, MSG_NOSIGNAL);
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
      int i = evs[j].data.u32;
      ssize_t r = recv(fds[i], buf, sizeof buf, 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        fprintf(stderr, "connection %d closed\n", i);
        return 1;
      }
      got[i] += r;
      while (got[i] >= MSG) {
        got[i] -= MSG;
        done++;
        all++;
        send(fds[i], msg, MSG, MSG_NOSIGNAL);
      }
    }
  }
  double el = now() - start;
  printf("{\"rtps\": %.0f, \"conns\": %d, \"rts\": %ld}\n", done / el, n, all);
  for (int i = 0; i < n; i++) close(fds[i]);
  return 0;
}
