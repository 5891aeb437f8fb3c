/*
 * The C reference for every workload: the same roles, arguments and JSON
 * output as the other contenders (see bench/README.md). Built by
 * bench/run.ts with `cc -O2` into a temporary directory.
 *
 *   work ping  SIZE SECONDS      round trips on fd 3, prints {"ops","secs"}
 *   work pong  SIZE              echoes SIZE-byte messages on fd 3 until EOF
 *   work bsend CHUNK TOTAL SECS  sends CHUNK-byte writes on fd 3, then shuts down
 *   work brecv CHUNK             recv into one reused buffer until EOF, prints {"bytes","secs"}
 *   work usend PORT SIZE SECS    sendto 127.0.0.1:PORT from fd 3, prints {"sent"}
 *   work urecv SIZE              recvfrom on fd 3 until SO_RCVTIMEO, prints {"received","secs"}
 *   work micro                   prints {"getpid_ns"}
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("send");
    }
    p += r;
    n -= (size_t)r;
  }
}

/* Receives exactly n bytes; 0 on EOF before the first byte. */
static int recv_all(int fd, char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, p + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recv");
    }
    if (r == 0) {
      if (got == 0) return 0;
      die("short message");
    }
    got += (size_t)r;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *mode = argv[1];
  const int fd = 3;
  if (!strcmp(mode, "ping")) {
    size_t size = strtoul(argv[2], 0, 10);
    double secs = atof(argv[3]);
    char *buf = calloc(1, size);
    send_all(fd, buf, size);
    recv_all(fd, buf, size);
    double warm = now() + secs * 0.2;
    while (now() < warm) {
      send_all(fd, buf, size);
      recv_all(fd, buf, size);
    }
    long ops = 0;
    double t0 = now(), end = t0 + secs, t1;
    for (;;) {
      send_all(fd, buf, size);
      recv_all(fd, buf, size);
      if ((++ops & 63) == 0 && (t1 = now()) >= end) break;
    }
    printf("{\"ops\":%ld,\"secs\":%.6f}\n", ops, t1 - t0);
  } else if (!strcmp(mode, "pong")) {
    size_t size = strtoul(argv[2], 0, 10);
    char *buf = calloc(1, size);
    puts("ready");
    fflush(stdout);
    while (recv_all(fd, buf, size)) send_all(fd, buf, size);
    printf("{}\n");
  } else if (!strcmp(mode, "bsend")) {
    size_t chunk = strtoul(argv[2], 0, 10);
    double total = atof(argv[3]), secs = atof(argv[4]);
    char *buf = calloc(1, chunk);
    double sent = 0, end = now() + secs;
    long n = 0;
    while (sent < total) {
      send_all(fd, buf, chunk);
      sent += chunk;
      if ((++n & 63) == 0 && now() >= end) break;
    }
    shutdown(fd, SHUT_WR);
    printf("{\"sent\":%.0f}\n", sent);
  } else if (!strcmp(mode, "brecv")) {
    size_t chunk = strtoul(argv[2], 0, 10);
    char *buf = calloc(1, chunk);
    double bytes = 0, t0 = 0;
    puts("ready");
    fflush(stdout);
    for (;;) {
      ssize_t r = recv(fd, buf, chunk, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        die("recv");
      }
      if (r == 0) break;
      if (bytes == 0) t0 = now();
      bytes += r;
    }
    printf("{\"bytes\":%.0f,\"secs\":%.6f}\n", bytes, now() - t0);
  } else if (!strcmp(mode, "usend")) {
    int port = atoi(argv[2]);
    size_t size = strtoul(argv[3], 0, 10);
    double secs = atof(argv[4]);
    char *buf = calloc(1, size);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    long sent = 0;
    double end = now() + secs;
    for (;;) {
      ssize_t r = sendto(fd, buf, size, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to);
      if (r < 0) {
        if (errno == EINTR) continue;
        die("sendto");
      }
      if ((++sent & 63) == 0 && now() >= end) break;
    }
    printf("{\"sent\":%ld}\n", sent);
  } else if (!strcmp(mode, "urecv")) {
    size_t size = strtoul(argv[2], 0, 10);
    char *buf = calloc(1, size);
    struct sockaddr_storage from;
    long received = 0;
    double t0 = 0, t1 = 0, give_up = now() + 10;
    puts("ready");
    fflush(stdout);
    for (;;) {
      socklen_t len = sizeof from;
      ssize_t r = recvfrom(fd, buf, size, 0, (struct sockaddr *)&from, &len);
      if (r < 0) {
        if (errno == EINTR) continue;
        /* SO_RCVTIMEO: the sender has stopped (or, before the first datagram, not started yet: wait up to 10 s). */
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && (received > 0 || now() > give_up)) break;
        if (errno == EAGAIN || errno == EWOULDBLOCK) continue;
        die("recvfrom");
      }
      t1 = now();
      if (received++ == 0) t0 = t1;
    }
    printf("{\"received\":%ld,\"secs\":%.6f}\n", received, t1 - t0);
  } else if (!strcmp(mode, "micro")) {
    const long n = 2000000;
    for (long i = 0; i < n / 10; i++) getpid();
    double t0 = now();
    for (long i = 0; i < n; i++) getpid();
    double pid_ns = (now() - t0) * 1e9 / n;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    const long m = 200000;
    t0 = now();
    for (long i = 0; i < m; i++) {
      if (getaddrinfo("127.0.0.1", "80", &hints, &res) != 0) die("getaddrinfo");
      freeaddrinfo(res);
    }
    printf("{\"getpid_ns\":%.2f,\"getaddrinfo_ns\":%.2f}\n", pid_ns, (now() - t0) * 1e9 / m);
  } else {
    return 2;
  }
  return 0;
}
