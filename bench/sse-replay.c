/* sse-replay: serves a recorded SSE body to every client, as fast as the kernel moves it.
 *
 *   sse-replay --file BODY --port PORT [--ready-file F]
 *
 * The "client ceiling" step of bench/run.sh records our own server's stream of a backlog
 * (the exact bytes: `:ok`, ids, data lines) and replays it with this server to the same
 * sseclient the other steps use. The server's cost is close to nothing (the page cache and
 * sendfile(2)), so the events/s the client reaches here is what that client can read on this
 * machine at all: the ceiling of any server in the drain steps.
 *
 * Every connection: read the request head (whatever it says), answer 200 with
 * `Content-Type: text/event-stream` and `Connection: close`, sendfile the whole body, close.
 * One thread per connection (the steps open at most a few hundred); the client closes early
 * once it has its events, which ends the thread with EPIPE. Loopback only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int g_body = -1;
static off_t g_size;

static void die(const char *what) {
        fprintf(stderr, "sse-replay: %s: %s\n", what, strerror(errno));
        exit(1);
}

static void *serve(void *arg) {
        int fd = (int)(long)arg;
        char req[8192];
        size_t got = 0;
        /* the request head: up to the blank line (or give up on a full buffer / EOF) */
        while (got < sizeof(req) - 1) {
                ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);
                if (r <= 0)
                        break;
                got += (size_t)r;
                req[got] = 0;
                if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
                        break;
        }
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                   "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
        if (write(fd, head, sizeof(head) - 1) == (ssize_t)(sizeof(head) - 1)) {
                off_t off = 0;
                while (off < g_size) {
                        ssize_t n = sendfile(fd, g_body, &off, (size_t)(g_size - off));
                        if (n <= 0 && errno != EINTR)
                                break; /* the client has what it wanted and closed */
                }
        }
        close(fd);
        return NULL;
}

int main(int argc, char **argv) {
        const char *file = NULL, *ready = NULL;
        int port = 0;
        for (int i = 1; i + 1 < argc; i += 2) {
                if (!strcmp(argv[i], "--file"))
                        file = argv[i + 1];
                else if (!strcmp(argv[i], "--port"))
                        port = atoi(argv[i + 1]);
                else if (!strcmp(argv[i], "--ready-file"))
                        ready = argv[i + 1];
        }
        if (!file || port <= 0) {
                fprintf(stderr, "usage: sse-replay --file BODY --port PORT [--ready-file F]\n");
                return 2;
        }
        signal(SIGPIPE, SIG_IGN);
        g_body = open(file, O_RDONLY);
        if (g_body < 0)
                die(file);
        struct stat st;
        if (fstat(g_body, &st) < 0)
                die("fstat");
        g_size = st.st_size;

        int ls = socket(AF_INET, SOCK_STREAM, 0);
        if (ls < 0)
                die("socket");
        int one = 1;
        setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        struct sockaddr_in sa = {0};
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                die("bind");
        if (listen(ls, 1024) < 0)
                die("listen");
        if (ready) {
                FILE *f = fopen(ready, "w");
                if (f) {
                        fprintf(f, "%lld\n", (long long)g_size);
                        fclose(f);
                }
        }
        for (;;) {
                int fd = accept(ls, NULL, NULL);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        die("accept");
                }
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                pthread_t t;
                pthread_attr_t attr;
                pthread_attr_init(&attr);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                pthread_attr_setstacksize(&attr, 64 * 1024);
                if (pthread_create(&t, &attr, serve, (void *)(long)fd) != 0)
                        close(fd);
                pthread_attr_destroy(&attr);
        }
}
