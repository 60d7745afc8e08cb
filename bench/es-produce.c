/*
 * es-produce: a paced producer for the live-tail benchmark against a real Kafka broker
 * (bench/live-real-broker.sh, issue 13 target 3).
 *
 *   es-produce BROKERS TOPIC RATE SECONDS [PAYLOAD_FILE]
 *
 * Creates TOPIC (1 partition, replication factor 1) with the admin API unless it exists,
 * waits until its partition has a leader, then produces RATE events/s for SECONDS seconds
 * (SECONDS 0: until stdin reaches EOF or SIGTERM / SIGINT). Production is paced in 1 ms
 * ticks: each tick produces what is due since the start, so the events are spread evenly
 * and a late tick catches up. The producer has linger.ms=0 (no batching delay: a message
 * goes to the broker as soon as it is produced), each message's timestamp is the wall
 * clock at produce time (CreateTime, what sseclient --latency measures from).
 *
 * Each value is PAYLOAD_FILE's content (one JSON object on one line; trailing newlines are
 * dropped) or, without it, a built-in ~1 KB MediaWiki recentchange-like object. The server
 * rewrites "meta", so it has to be a JSON object.
 *
 * stdout: "READY" (flushed) once the topic exists and the first message is produced;
 * "produced=N failed=M" at the end (N = messages the broker acknowledged). Exit status 0 if
 * nothing failed, 1 otherwise or on errors.
 *
 * Build: cc -O2 -Wall -Wextra -o es-produce bench/es-produce.c -lrdkafka
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char DEFAULT_PAYLOAD[] =
    "{\"$schema\":\"/mediawiki/recentchange/1.0.0\",\"meta\":{\"uri\":"
    "\"https://en.wikipedia.org/wiki/Special:Log/bench\",\"request_id\":"
    "\"00000000-0000-4000-8000-000000000000\",\"id\":\"00000000-0000-4000-8000-000000000001\","
    "\"dt\":\"2026-01-01T00:00:00Z\",\"domain\":\"en.wikipedia.org\",\"stream\":"
    "\"mediawiki.recentchange\",\"topic\":\"eqiad.mediawiki.recentchange\",\"partition\":0,"
    "\"offset\":0},\"id\":1234567890,\"type\":\"edit\",\"namespace\":0,\"title\":"
    "\"Benchmark article\",\"title_url\":\"https://en.wikipedia.org/wiki/Benchmark_article\","
    "\"comment\":\"/* History */ copyedit, fixed a typo in the second paragraph and "
    "added a reference to the 2019 annual report\",\"timestamp\":1767225600,\"user\":"
    "\"ExampleEditor\",\"bot\":false,\"notify_url\":"
    "\"https://en.wikipedia.org/w/index.php?diff=1234567891&oldid=1234567890\",\"minor\":"
    "false,\"patrolled\":false,\"length\":{\"old\":48213,\"new\":48260},\"revision\":{"
    "\"old\":1234567890,\"new\":1234567891},\"server_url\":\"https://en.wikipedia.org\","
    "\"server_name\":\"en.wikipedia.org\",\"server_script_path\":\"/w\",\"wiki\":\"enwiki\","
    "\"parsedcomment\":\"<span dir=\\\"auto\\\"><span class=\\\"autocomment\\\">History: </span> "
    "copyedit, fixed a typo</span>\",\"tags\":[\"visualeditor\"]}";

static volatile sig_atomic_t stop_flag;
static long long delivered, failed;

static void on_signal(int sig) {
        (void)sig;
        stop_flag = 1;
}

static void die(const char *fmt, const char *arg) {
        fprintf(stderr, "es-produce: ");
        fprintf(stderr, fmt, arg);
        fputc('\n', stderr);
        exit(1);
}

static double mono_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk;
        (void)opaque;
        if (m->err) {
                if (failed++ < 5)
                        fprintf(stderr, "es-produce: delivery failed: %s\n", rd_kafka_err2str(m->err));
        } else {
                delivered++;
        }
}

static char *read_payload(const char *path, size_t *len) {
        FILE *f = fopen(path, "rb");
        if (!f) die("cannot open %s", path);
        size_t cap = 4096, n = 0;
        char *buf = malloc(cap);
        size_t r;
        while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
                n += r;
                if (n == cap) buf = realloc(buf, cap *= 2);
        }
        if (!buf) die("out of memory reading %s", path);
        fclose(f);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
        size_t i = 0;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t')) i++;
        if (i == n || buf[i] != '{' || buf[n - 1] != '}') die("%s: not a one-line JSON object", path);
        if (memchr(buf, '\n', n)) die("%s: the JSON object must be on one line", path);
        *len = n;
        return buf;
}

/* Creates the topic (1 partition, replication 1); an existing topic is fine. */
static void create_topic(rd_kafka_t *rk, const char *topic) {
        char err[512];
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 1, 1, err, sizeof err);
        if (!nt) die("NewTopic: %s", err);
        rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, err, sizeof err);
        rd_kafka_AdminOptions_set_request_timeout(opts, 30000, err, sizeof err);
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 60000);
        if (!ev) die("CreateTopics %s: no answer within 60 s", topic);
        if (rd_kafka_event_error(ev)) die("CreateTopics: %s", rd_kafka_event_error_string(ev));
        const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
        size_t cnt = 0;
        const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &cnt);
        for (size_t i = 0; i < cnt; i++) {
                rd_kafka_resp_err_t e = rd_kafka_topic_result_error(tr[i]);
                if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                        fprintf(stderr, "es-produce: topic %s exists\n", topic);
                else if (e)
                        die("CreateTopics: %s", rd_kafka_topic_result_error_string(tr[i]));
                else
                        fprintf(stderr, "es-produce: created topic %s\n", topic);
        }
        rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(q);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_NewTopic_destroy(nt);
}

/* Waits (<= 30 s) until the topic's partition 0 has a leader in the metadata. */
static void wait_leader(rd_kafka_t *rk, const char *topic) {
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        double t0 = mono_s();
        for (;;) {
                const struct rd_kafka_metadata *md = NULL;
                int ok = 0;
                if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                        ok = md->topic_cnt == 1 && !md->topics[0].err && md->topics[0].partition_cnt >= 1 &&
                             md->topics[0].partitions[0].leader >= 0;
                        rd_kafka_metadata_destroy(md);
                }
                if (ok) break;
                if (mono_s() - t0 > 30) die("topic %s has no leader after 30 s", topic);
                usleep(100000);
        }
        rd_kafka_topic_destroy(rkt);
}

/* 1 if stdin reached EOF (or failed); never blocks. */
static int stdin_eof(void) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0) return 0;
        char buf[256];
        ssize_t r = read(0, buf, sizeof buf);
        return r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR);
}

int main(int argc, char **argv) {
        if (argc < 5 || argc > 6) {
                fprintf(stderr, "usage: %s BROKERS TOPIC RATE SECONDS [PAYLOAD_FILE]\n", argv[0]);
                return 1;
        }
        const char *brokers = argv[1], *topic = argv[2];
        double rate = atof(argv[3]), seconds = atof(argv[4]);
        if (rate <= 0 || seconds < 0) die("%s", "RATE must be > 0 and SECONDS >= 0");
        size_t plen = sizeof DEFAULT_PAYLOAD - 1;
        char *payload = argc == 6 ? read_payload(argv[5], &plen) : (char *)DEFAULT_PAYLOAD;

        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        const char *props[][2] = {
            {"bootstrap.servers", brokers},
            {"linger.ms", "0"},
            {"acks", "1"},
            {"enable.idempotence", "false"},
            {"compression.type", "none"},
            {"socket.nagle.disable", "true"},
        };
        for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
                if (rd_kafka_conf_set(conf, props[i][0], props[i][1], err, sizeof err) != RD_KAFKA_CONF_OK)
                        die("config: %s", err);
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!rk) die("rd_kafka_new: %s", err);

        create_topic(rk, topic);
        wait_leader(rk, topic);

        long long produced = 0;
        int ready = 0;
        const double t0 = mono_s();
        const struct timespec tick = {0, 1000000}; /* 1 ms */
        for (;;) {
                double el = mono_s() - t0;
                if (stop_flag) break;
                if (seconds > 0 && el >= seconds) break;
                if (seconds == 0 && stdin_eof()) break;
                if (seconds > 0 && el > seconds) el = seconds;
                long long due = (long long)(el * rate) + 1; /* the first one at t0 */
                if (seconds > 0 && due > (long long)(seconds * rate)) due = (long long)(seconds * rate);
                while (produced < due && !stop_flag) {
                        rd_kafka_resp_err_t e = rd_kafka_producev(
                            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                            RD_KAFKA_V_VALUE(payload, plen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_TIMESTAMP(wall_ms()), RD_KAFKA_V_END);
                        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                rd_kafka_poll(rk, 10);
                                continue;
                        }
                        if (e) die("produce: %s", rd_kafka_err2str(e));
                        produced++;
                }
                if (!ready && produced > 0) {
                        printf("READY\n");
                        fflush(stdout);
                        ready = 1;
                }
                rd_kafka_poll(rk, 0);
                nanosleep(&tick, NULL);
        }

        if (rd_kafka_flush(rk, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR)
                fprintf(stderr, "es-produce: %d messages not delivered at exit\n", rd_kafka_outq_len(rk));
        rd_kafka_poll(rk, 0);
        printf("produced=%lld failed=%lld\n", delivered, produced - delivered);
        fflush(stdout);
        rd_kafka_destroy(rk);
        if (payload != DEFAULT_PAYLOAD) free(payload);
        return failed || delivered != produced ? 1 : 0;
}
