/*
 * es-cycles: connect / disconnect cycles against an SSE server on loopback (issue 4, target 5).
 *
 * One cycle: connect, send a GET for the stream, read the response head and the first body
 * chunk (the ":ok" comment an SSE stream starts with), close. C cycles run at once (one epoll
 * thread, non-blocking sockets); N cycles in all. Prints one line of key=value pairs:
 *
 *   cycles= ok= failed= fail_connect= fail_status= status_503= fail_closed= fail_timeout=
 *   not_comment= seconds= cycles_per_s= p50_ms= p90_ms= p99_ms= max_ms=
 *
 * cycle time = from socket() to the first chunk (the close is not waited for: the server sees
 * it afterwards). fail_status: a head other than 200 (503s counted apart as well);
 * fail_closed: the server closed before the first chunk; fail_timeout: no first chunk within
 * --timeout; not_comment: a first chunk that was not an SSE comment (counted, still ok).
 *
 * --hold: open N connections at once (C = N), wait for every first chunk, then close them all
 * together and print closed_at_ms= (CLOCK_REALTIME, ms) so that the caller can time the
 * server's teardown from that instant.
 *
 * Usage: es-cycles --url http://127.0.0.1:PORT/path [-n N] [-c C] [--timeout S]
 *                  [--accept TYPE] [--rst] [--hold]
 */
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
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUF = 16384 };
enum state { IDLE, CONNECTING, SENDING, READING, HELD };

struct slot {
  int fd;
  enum state st;
  double t0; /* cycle start, s (monotonic) */
  size_t sent;
  size_t len;
  char buf[BUF];
};

static const char* g_host = "127.0.0.1";
static int g_port = 8092;
static char g_path[2048] = "/";
static char g_req[4096];
static size_t g_req_len;
static long g_n = 1000, g_c = 10;
static double g_timeout = 10;
static int g_rst = 0, g_hold = 0;
static const char* g_accept = "text/event-stream";

static long started, finished, ok, fail_connect, fail_status, status_503, fail_closed, fail_timeout,
    not_comment, held;
static double* times_ms;
static long ntimes;
static int epfd;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr,
          "usage: es-cycles --url http://127.0.0.1:PORT/path [-n N] [-c C] [--timeout S]\n"
          "                 [--accept TYPE] [--rst] [--hold]\n");
  exit(2);
}

static void parse_url(const char* url) {
  static char host[256];
  const char* p = url;
  if (strncmp(p, "http://", 7) != 0) usage();
  p += 7;
  const char* slash = strchr(p, '/');
  const char* colon = strchr(p, ':');
  size_t hl = slash ? (size_t)(slash - p) : strlen(p);
  if (colon && (!slash || colon < slash)) {
    hl = (size_t)(colon - p);
    g_port = atoi(colon + 1);
  } else {
    g_port = 80;
  }
  if (hl == 0 || hl >= sizeof host) usage();
  memcpy(host, p, hl);
  host[hl] = 0;
  g_host = host;
  snprintf(g_path, sizeof g_path, "%s", slash ? slash : "/");
}

static void finish(struct slot* s, int good, long* counter) {
  if (good) {
    ok++;
    times_ms[ntimes++] = (now_s() - s->t0) * 1000.0;
  } else if (counter) {
    (*counter)++;
  }
  if (s->fd >= 0) {
    if (g_rst) {
      struct linger l = {1, 0};
      setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(s->fd); /* also leaves the epoll set */
  }
  s->fd = -1;
  s->st = IDLE;
  finished++;
}

static void start(struct slot* s) {
  s->t0 = now_s();
  s->sent = s->len = 0;
  started++;
  s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0) {
    finish(s, 0, &fail_connect);
    return;
  }
  int one = 1;
  setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)g_port);
  inet_pton(AF_INET, g_host, &a.sin_addr);
  int r = connect(s->fd, (struct sockaddr*)&a, sizeof a);
  if (r < 0 && errno != EINPROGRESS) {
    finish(s, 0, &fail_connect);
    return;
  }
  s->st = CONNECTING;
  struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = s};
  epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev);
}

/* 1: the first chunk (or, without chunked coding, the first "\n\n") is complete. */
static int first_chunk(struct slot* s, const char* body, size_t blen, int chunked) {
  if (!chunked) {
    const char* e = memmem(body, blen, "\n\n", 2);
    if (!e) return 0;
    if (blen == 0 || body[0] != ':') not_comment++;
    return 1;
  }
  const char* crlf = memmem(body, blen, "\r\n", 2);
  if (!crlf) return 0;
  unsigned long size = strtoul(body, NULL, 16);
  size_t hdr = (size_t)(crlf - body) + 2;
  if (size == 0) return -1; /* the stream ended at once */
  if (blen < hdr + size + 2) return 0;
  if (body[hdr] != ':') not_comment++;
  (void)s;
  return 1;
}

static void on_readable(struct slot* s) {
  int eof = 0;
  for (;;) {
    if (s->len >= BUF - 1) {
      finish(s, 0, &fail_status); /* a head this big is not ours */
      return;
    }
    ssize_t n = recv(s->fd, s->buf + s->len, BUF - 1 - s->len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) { /* what came before the close still counts (a 503 comes with one) */
      eof = 1;
      break;
    }
    s->len += (size_t)n;
  }
  s->buf[s->len] = 0;
  char* end = memmem(s->buf, s->len, "\r\n\r\n", 4);
  if (!end) {
    if (eof) finish(s, 0, &fail_closed);
    return;
  }
  int status = 0;
  if (sscanf(s->buf, "HTTP/%*d.%*d %d", &status) != 1 || status != 200) {
    if (status == 503) status_503++;
    finish(s, 0, &fail_status);
    return;
  }
  /* Transfer-Encoding: chunked, case-insensitively */
  int chunked = 0;
  for (char* p = s->buf; p < end; p++) {
    if ((p == s->buf || p[-1] == '\n') && strncasecmp(p, "transfer-encoding:", 18) == 0) {
      char* eol = strstr(p, "\r\n");
      for (char* q = p + 18; q + 7 <= eol; q++) {
        if (strncasecmp(q, "chunked", 7) == 0) chunked = 1;
      }
    }
  }
  char* body = end + 4;
  int r = first_chunk(s, body, s->len - (size_t)(body - s->buf), chunked);
  if (r == 0 && !eof) return;
  if (r <= 0) {
    finish(s, 0, &fail_closed);
    return;
  }
  if (g_hold) {
    times_ms[ntimes++] = (now_s() - s->t0) * 1000.0;
    s->st = HELD;
    held++;
    epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, NULL);
    return;
  }
  finish(s, 1, NULL);
}

static void on_event(struct slot* s, uint32_t events) {
  if (s->st == CONNECTING) {
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err || (events & (EPOLLERR | EPOLLHUP))) {
      finish(s, 0, &fail_connect);
      return;
    }
    s->st = SENDING;
  }
  if (s->st == SENDING) {
    while (s->sent < g_req_len) {
      ssize_t n = send(s->fd, g_req + s->sent, g_req_len - s->sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n < 0) {
        finish(s, 0, &fail_closed);
        return;
      }
      s->sent += (size_t)n;
    }
    s->st = READING;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = s};
    epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &ev);
    return;
  }
  if (s->st == READING) on_readable(s);
}

static int cmp_d(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double pct(double p) {
  if (ntimes == 0) return 0;
  long i = (long)(p * (ntimes - 1) + 0.5);
  return times_ms[i];
}

int main(int argc, char** argv) {
  const char* url = NULL;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    if (!strcmp(a, "--url") && i + 1 < argc)
      url = argv[++i];
    else if (!strcmp(a, "-n") && i + 1 < argc)
      g_n = atol(argv[++i]);
    else if (!strcmp(a, "-c") && i + 1 < argc)
      g_c = atol(argv[++i]);
    else if (!strcmp(a, "--timeout") && i + 1 < argc)
      g_timeout = atof(argv[++i]);
    else if (!strcmp(a, "--accept") && i + 1 < argc)
      g_accept = argv[++i];
    else if (!strcmp(a, "--rst"))
      g_rst = 1;
    else if (!strcmp(a, "--hold"))
      g_hold = 1;
    else
      usage();
  }
  if (!url || g_n <= 0 || g_c <= 0) usage();
  parse_url(url);
  if (g_hold) g_c = g_n;
  if (g_c > g_n) g_c = g_n;
  g_req_len = (size_t)snprintf(g_req, sizeof g_req,
                               "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: %s\r\n"
                               "User-Agent: es-cycles\r\n\r\n",
                               g_path, g_host, g_port, g_accept);

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  times_ms = calloc((size_t)g_n, sizeof *times_ms);
  struct slot* slots = calloc((size_t)g_c, sizeof *slots);
  if (!times_ms || !slots) return 1;
  epfd = epoll_create1(EPOLL_CLOEXEC);

  const double t_start = now_s();
  for (long i = 0; i < g_c; i++) {
    slots[i].fd = -1;
    start(&slots[i]);
  }
  struct epoll_event evs[512];
  double next_scan = now_s() + 0.1;
  while (finished + held < g_n) {
    int n = epoll_wait(epfd, evs, 512, 100);
    for (int i = 0; i < n; i++) on_event(evs[i].data.ptr, evs[i].events);
    double t = now_s();
    if (t >= next_scan) {
      next_scan = t + 0.1;
      for (long i = 0; i < g_c; i++) {
        struct slot* s = &slots[i];
        if (s->st != IDLE && s->st != HELD && t - s->t0 > g_timeout) finish(s, 0, &fail_timeout);
      }
    }
    if (!g_hold) {
      for (long i = 0; i < g_c && started < g_n; i++) {
        if (slots[i].st == IDLE) start(&slots[i]);
      }
    }
  }
  const double seconds = now_s() - t_start;
  long long closed_at_ms = 0;
  if (g_hold) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    closed_at_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    for (long i = 0; i < g_c; i++) {
      if (slots[i].st != HELD) continue;
      if (g_rst) {
        struct linger l = {1, 0};
        setsockopt(slots[i].fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      }
      close(slots[i].fd);
      ok++;
    }
  }
  qsort(times_ms, (size_t)ntimes, sizeof *times_ms, cmp_d);
  const long failed = fail_connect + fail_status + fail_closed + fail_timeout;
  printf(
      "cycles=%ld ok=%ld failed=%ld fail_connect=%ld fail_status=%ld status_503=%ld "
      "fail_closed=%ld fail_timeout=%ld not_comment=%ld seconds=%.3f cycles_per_s=%.1f "
      "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f",
      g_n, ok, failed, fail_connect, fail_status, status_503, fail_closed, fail_timeout,
      not_comment, seconds, seconds > 0 ? ok / seconds : 0.0, pct(0.50), pct(0.90), pct(0.99),
      ntimes ? times_ms[ntimes - 1] : 0.0);
  if (g_hold) printf(" closed_at_ms=%lld", closed_at_ms);
  printf("\n");
  return failed > 0 ? 1 : 0;
}
