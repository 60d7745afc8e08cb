// Idle SSE clients at the live head (issue 13 item 6): opens N connections to
// GET /v2/stream/STREAM from loopback source addresses 127.0.0.2 .. 127.0.0.(1+SOURCES) (each
// source address has its own ephemeral ports, so N can pass the ~28k of one address), keeps
// them open for SECONDS, and measures when each heartbeat comment arrives.
//
//   es-idle PORT STREAM N SOURCES SECONDS HEARTBEAT_MS
//
// Prints one line of key=value: connected, failed, heartbeats, the lateness of heartbeats
// (gap between two of one connection minus HEARTBEAT_MS) p50 / p99 / max in ms, and events
// (data lines: there should be none on an idle stream).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

struct conn {
  int fd;
  double last_heartbeat;  // 0: none yet
  int head_done;
  char tail[4];  // the last bytes seen, to find "\n:" across reads
};

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: es-idle PORT STREAM N SOURCES SECONDS HEARTBEAT_MS\n");
    return 2;
  }
  const int port = atoi(argv[1]);
  const char* stream = argv[2];
  const int n = atoi(argv[3]);
  const int sources = atoi(argv[4]);
  const double seconds = atof(argv[5]);
  const double heartbeat_ms = atof(argv[6]);
  struct rlimit rl = {(rlim_t)n + 1024, (rlim_t)n + 1024};
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) perror("setrlimit");

  char request[512];
  const int request_len = snprintf(request, sizeof request,
                                   "GET /v2/stream/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Accept: text/event-stream\r\n\r\n",
                                   stream);
  struct conn* conns = calloc((size_t)n, sizeof *conns);
  const int ep = epoll_create1(0);
  int connected = 0, failed = 0;
  for (int i = 0; i < n; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      ++failed;
      conns[i].fd = -1;
      continue;
    }
    struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
    src.sin_addr.s_addr = htonl(0x7F000002u + (uint32_t)(i % sources));
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    dst.sin_addr.s_addr = htonl(0x7F000001u);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Small buffers: what an idle client needs, and what keeps 100k of them in memory.
    const int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    if (bind(fd, (struct sockaddr*)&src, sizeof src) != 0 ||
        connect(fd, (struct sockaddr*)&dst, sizeof dst) != 0 ||
        write(fd, request, (size_t)request_len) != request_len) {
      close(fd);
      ++failed;
      conns[i].fd = -1;
      continue;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    conns[i].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    ++connected;
    if (i % 10000 == 9999) fprintf(stderr, "es-idle: %d connected\n", i + 1);
  }

  const size_t max_gaps = 1 << 22;
  double* lateness = malloc(max_gaps * sizeof *lateness);
  size_t gaps = 0;
  long heartbeats = 0, events = 0, closed = 0;
  const double end = now_ms() + seconds * 1e3;
  struct epoll_event evs[1024];
  char buf[65536];
  while (now_ms() < end) {
    const int k = epoll_wait(ep, evs, 1024, 200);
    const double t = now_ms();
    for (int e = 0; e < k; ++e) {
      struct conn* c = &conns[evs[e].data.u32];
      for (;;) {
        const ssize_t r = read(c->fd, buf, sizeof buf);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
          ++closed;
          epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
          close(c->fd);
          c->fd = -1;
          break;
        }
        if (r < 0) break;
        // A heartbeat is an SSE comment line (":...\n"); events have "data:" lines. Chunk
        // framing lines never start with ':' or "data:".
        for (ssize_t p = 0; p < r; ++p) {
          const char prev = p > 0 ? buf[p - 1] : c->tail[3];
          if (prev != '\n') continue;
          if (buf[p] == ':' ) {
            if (!c->head_done) {
              c->head_done = 1;  // ":ok", the preamble
              c->last_heartbeat = t;
              continue;
            }
            ++heartbeats;
            if (c->last_heartbeat > 0 && gaps < max_gaps) {
              lateness[gaps++] = t - c->last_heartbeat - heartbeat_ms;
            }
            c->last_heartbeat = t;
          } else if (r - p >= 5 && memcmp(buf + p, "data:", 5) == 0) {
            ++events;
          }
        }
        memcpy(c->tail, buf + (r >= 4 ? r - 4 : 0), 4);
      }
    }
  }
  qsort(lateness, gaps, sizeof *lateness, cmp_double);
  const double p50 = gaps ? lateness[gaps / 2] : -1;
  const double p99 = gaps ? lateness[(size_t)(gaps * 0.99)] : -1;
  const double mx = gaps ? lateness[gaps - 1] : -1;
  printf("connected=%d failed=%d closed=%ld heartbeats=%ld gaps=%zu late_p50_ms=%.1f "
         "late_p99_ms=%.1f late_max_ms=%.1f events=%ld\n",
         connected, failed, closed, heartbeats, gaps, p50, p99, mx, events);
  return 0;
}
