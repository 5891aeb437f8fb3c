/*
 * bench/c/mmsg.c: the C reference for batched UDP (bench/mmsg/run.ts), on
 * the descriptor passed as fd 3:
 *
 *   mmsg usend PORT SIZE SECS BATCH   sendmmsg() BATCH datagrams a call to 127.0.0.1:PORT, prints {"sent"}
 *   mmsg urecv SIZE BATCH             recvmmsg(MSG_WAITFORONE) until SO_RCVTIMEO, prints {"received","secs"}
 *   mmsg micro                        in one process, no fd 3: µs per datagram of sendmmsg and of
 *                                     recvmmsg at batches 1, 8, 32, 64, and of sendto + recvfrom
 *
 * The per-datagram C loop is bench/c/work.c (usend/urecv).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

/* In one process: the cost per datagram of each call, without a second process's scheduling. */
static void micro(void) {
  int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0), big = 4 << 20;
  struct sockaddr_in to = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  socklen_t tolen = sizeof to;
  if (bind(rx, (struct sockaddr *)&to, sizeof to) < 0 || getsockname(rx, (struct sockaddr *)&to, &tolen) < 0) die("bind");
  setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  static char buf[64 * 64];
  struct sockaddr_storage from[64];
  struct iovec iov[64];
  struct mmsghdr out[64], in[64];
  const int batches[] = {1, 8, 32, 64};
  printf("{");
  for (int k = 0; k < 4; k++) {
    int b = batches[k];
    double send_s = 0, recv_s = 0;
    long n = 0;
    for (int it = 0; it < 20000 / b + 300; it++) {
      for (int i = 0; i < b; i++) {
        iov[i] = (struct iovec){.iov_base = buf + i * 64, .iov_len = 64};
        out[i].msg_hdr = (struct msghdr){.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov[i], .msg_iovlen = 1};
      }
      double t0 = now();
      int sent = sendmmsg(tx, out, b, MSG_NOSIGNAL);
      double t1 = now();
      for (int i = 0; i < b; i++) {
        in[i].msg_hdr = (struct msghdr){.msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1};
      }
      int got = recvmmsg(rx, in, b, MSG_WAITFORONE, NULL);
      double t2 = now();
      if (sent != b || got != b) die("micro");
      if (it >= 300) send_s += t1 - t0, recv_s += t2 - t1, n += b;
    }
    printf("\"send_%d\":%.3f,\"recv_%d\":%.3f,", b, send_s * 1e6 / n, b, recv_s * 1e6 / n);
  }
  const long m = 20000;
  double t0 = now();
  for (long i = 0; i < m; i++) {
    socklen_t fl = sizeof from[0];
    sendto(tx, buf, 64, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to);
    recvfrom(rx, buf, 64, 0, (struct sockaddr *)&from[0], &fl);
  }
  printf("\"sendto_recvfrom\":%.3f}\n", (now() - t0) * 1e6 / m);
}

int main(int argc, char **argv) {
  const int fd = 3;
  if (argc >= 2 && !strcmp(argv[1], "micro")) {
    micro();
  } else if (argc >= 6 && !strcmp(argv[1], "usend")) {
    int port = atoi(argv[2]), batch = atoi(argv[5]);
    size_t size = strtoul(argv[3], 0, 10);
    double secs = atof(argv[4]);
    char *buf = calloc(1, size);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    struct iovec iov = {.iov_base = buf, .iov_len = size};
    struct mmsghdr *msgs = calloc(batch, sizeof *msgs);
    for (int i = 0; i < batch; i++) {
      msgs[i].msg_hdr.msg_name = &to;
      msgs[i].msg_hdr.msg_namelen = sizeof to;
      msgs[i].msg_hdr.msg_iov = &iov;
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    long sent = 0, calls = 0;
    double end = now() + secs;
    for (;;) {
      int r = sendmmsg(fd, msgs, batch, MSG_NOSIGNAL);
      if (r < 0) {
        if (errno == EINTR) continue;
        die("sendmmsg");
      }
      sent += r;
      if ((++calls & 7) == 0 && now() >= end) break;
    }
    printf("{\"sent\":%ld}\n", sent);
  } else if (argc >= 4 && !strcmp(argv[1], "urecv")) {
    size_t size = strtoul(argv[2], 0, 10);
    int batch = atoi(argv[3]);
    char *bufs = calloc(batch, size);
    struct sockaddr_storage *from = calloc(batch, sizeof *from);
    struct iovec *iov = calloc(batch, sizeof *iov);
    struct mmsghdr *msgs = calloc(batch, sizeof *msgs);
    long received = 0;
    double t0 = 0, t1 = 0;
    puts("ready");
    fflush(stdout);
    for (;;) {
      for (int i = 0; i < batch; i++) {
        iov[i] = (struct iovec){.iov_base = bufs + i * size, .iov_len = size};
        msgs[i].msg_hdr = (struct msghdr){
            .msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1};
      }
      int r = recvmmsg(fd, msgs, batch, MSG_WAITFORONE, NULL);
      if (r < 0) {
        if (errno == EINTR) continue;
        /* SO_RCVTIMEO: the sender has stopped (or, before the first datagram, not started yet). */
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && received > 0) break;
        if (errno == EAGAIN || errno == EWOULDBLOCK) continue;
        die("recvmmsg");
      }
      t1 = now();
      if (received == 0) t0 = t1;
      received += r;
    }
    printf("{\"received\":%ld,\"secs\":%.6f}\n", received, t1 - t0);
  } else {
    fprintf(stderr, "usage: mmsg usend PORT SIZE SECS BATCH | mmsg urecv SIZE BATCH\n");
    return 2;
  }
  return 0;
}
