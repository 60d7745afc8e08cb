#!/usr/bin/env bash
# bench/run.sh: EventStreams C++ against the original KafkaSSE, side by side (issue 4).
#
# One command: builds our server (Release, $BUILD_DIR), builds the peer benchmark
# (../shared/bench/peer/build.sh into $PEER_WORK, cached), then runs the peer's run-peer.sh
# scenarios in this order, each on a fresh mock Kafka cluster:
#   1. kafkasse   the Node.js peer (npm kafka-sse 0.4.2 on node-rdkafka)
#   2. cpp        our server, same steps, same sizes
#   3. cpp-scale  our server only: SCALE_IDLE_CLIENTS idle clients at the live head (KafkaSSE
#                 would need 4 threads and a consumer per client), then the live tail with
#                 SCALE_LIVE_CLIENTS clients
#   4. cycles     (STEP "cycles", kafkasse and cpp) connect / disconnect cycles with
#                 es-cycles (bench/es-cycles.c): CYCLES for ours, PEER_CYCLES for KafkaSSE
#                 (each of its connections creates a Kafka consumer), then CYCLES_HOLD
#                 clients closed at once and the time until the server has let them go
#   5. since      (STEP "since", ours only) SINCE_CYCLES `?since=` requests with es-cycles, on
#                 a server without replay ring (live_replay_bytes: 0), so that each one needs
#                 a catch-up reader of its own: RSS growth per 1000 after a warm-up, Kafka
#                 consumers created / reused (/metrics)
#   6. limits     (STEP "limits", bench/limits.sh) what bounds the figures whatever the
#                 server: the client's ceiling (our recorded stream replayed by
#                 bench/sse-replay.c with sendfile to the same client, same drain sizes) and
#                 the latency floor (1 live client, no fan-out)
# and prints one table (metric | KafkaSSE | EventStreams C++ | ratio | issue target) from the
# summary.tsv files run-peer.sh and the cycles step write.
#
# Usage:
#   bench/run.sh                  full run (RUNS=3 medians, ~50 min on 2 cores)
#   bench/run.sh --smoke          tiny sizes of every step (~3 min; exits 1 if a step failed)
#   bench/run.sh --table DIR      print the table of an earlier run again
#   bench/run.sh --no-build ...   skip both builds (binaries must exist)
#
# Knobs (env): RUNS N_SINGLE N_MULTI CONC_LIST IDLE_CLIENTS LIVE_CLIENTS LIVE_RATE LIVE_SECS
#   STEPS (subset of "idle100 single conc live cycles since limits"), SERVERS ("kafkasse cpp
#   cpp-scale"), CYCLES (100000), PEER_CYCLES (1000), CYCLES_CONC (10 cycles at once),
#   CYCLES_HOLD (100), SINCE_CYCLES (10000), SINCE (the `since` value, default 2020-01-01T00:00:00Z),
#   SINCE_WARMUP (5000: since cycles before the measured ones),
#   SCALE_IDLE_CLIENTS (10000; 0 skips cpp-scale), SCALE_LIVE_CLIENTS (1000; 0: no live step
#   there), SCALE_RAMP_MS (1: clients opened 1 ms apart), SCALE_KAFKA_PROPS (librdkafka
#   properties for cpp-scale, default 'fetch.wait.max.ms: 2': the mock broker holds a fetch
#   with no data for the whole fetch.wait.max.ms, which a real broker cuts short when data
#   arrives; the default 500 ms would make the live latency a mock artefact),
#   SCALE_CLIENT_OPTS (sseclient options there; default none: no --poll-delay-us), FLOOR_SECS
#   (10: the limits step's 1-client live tail), SETTLE_LOAD / SETTLE_MAX_S (1.0 / 90: before
#   each phase, wait up to that long for the 1-minute load average to drop below that),
#   PROFILE=1
#   (perf record our server during its single-client drain; perturbs that step), PEER_WORK,
#   BUILD_DIR, OUT, PORT,
#   ES_EVENT_LOOPS, ES_HTTP_THREADS, ES_LOG_LEVEL, ES_LIVE_HUB_CLIENTS, ES_LIVE_HUB_LINGER_MS (0
#   here; see eventstreams-wrapper.sh).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PEER_DIR=${PEER_DIR:-$REPO/../shared/bench/peer}
PEER_DIR=$(cd "$PEER_DIR" && pwd) || { echo "no peer benchmark at $PEER_DIR" >&2; exit 1; }
export PEER_WORK=${PEER_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/eventstreams-peer}
BUILD_DIR=${BUILD_DIR:-$REPO/build-bench}
# absolute (relative to the caller's directory): run-peer.sh runs the wrapper from elsewhere
BUILD_DIR=$(mkdir -p "$BUILD_DIR" && cd "$BUILD_DIR" && pwd) || exit 1

SMOKE=0 TABLE_ONLY= NO_BUILD=0
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1 ;;
    --table) TABLE_ONLY=${2:?--table DIR}; shift ;;
    --no-build) NO_BUILD=1 ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 1 ;;
  esac
  shift
done

if [ "$SMOKE" = 1 ]; then
  : "${RUNS:=1}" "${N_SINGLE:=5000}" "${N_MULTI:=500}" "${CONC_LIST:=10}"
  : "${IDLE_CLIENTS:=10}" "${LIVE_CLIENTS:=10}" "${LIVE_RATE:=50}" "${LIVE_SECS:=5}"
  : "${SCALE_IDLE_CLIENTS:=300}" "${SCALE_LIVE_CLIENTS:=50}" "${TEARDOWN_MAX:=60}"
  : "${CYCLES:=2000}" "${PEER_CYCLES:=50}" "${CYCLES_HOLD:=20}" "${SINCE_CYCLES:=500}"
  : "${SINCE_WARMUP:=100}"
  : "${STEP_TIMEOUT:=120}" "${FLOOR_SECS:=3}" "${SETTLE_MAX_S:=5}"
fi
# The peer's defaults (the KafkaSSE baseline in the issue was measured with these).
: "${RUNS:=3}" "${N_SINGLE:=200000}" "${N_MULTI:=20000}" "${CONC_LIST:=10 100}"
: "${IDLE_CLIENTS:=100}" "${LIVE_CLIENTS:=100}" "${LIVE_RATE:=200}" "${LIVE_SECS:=30}"
# Our server keeps an empty live hub's reader for live_hub_linger_ms (5000 by default); the
# teardown rows compare the release of every Kafka resource, so the bench turns it off unless
# ES_LIVE_HUB_LINGER_MS says otherwise (the cycles step is the one it changes).
: "${ES_LIVE_HUB_LINGER_MS:=0}"; export ES_LIVE_HUB_LINGER_MS
: "${STEPS:=idle100 single conc live cycles since limits}" "${SERVERS:=kafkasse cpp cpp-scale}"
: "${CYCLES:=100000}" "${PEER_CYCLES:=1000}" "${CYCLES_CONC:=10}" "${CYCLES_HOLD:=100}"
: "${SINCE_CYCLES:=10000}" "${SINCE:=2020-01-01T00:00:00Z}" "${SINCE_WARMUP:=5000}"
: "${SCALE_IDLE_CLIENTS:=10000}" "${SCALE_LIVE_CLIENTS:=1000}" "${SCALE_RAMP_MS:=1}"
: "${SCALE_KAFKA_PROPS=fetch.wait.max.ms: 2}"
# No --poll-delay-us for the scale step: that sleep (1 ms after every epoll wakeup of at most
# 256 sockets) alone adds 4+ ms per round over 1000 sockets to the latency it measures.
: "${SCALE_CLIENT_OPTS=}"
: "${PROFILE:=0}" "${STEP_TIMEOUT:=900}" "${TEARDOWN_MAX:=240}"
: "${SETTLE_LOAD:=1.0}" "${SETTLE_MAX_S:=90}"
export RUNS N_SINGLE N_MULTI CONC_LIST IDLE_CLIENTS LIVE_CLIENTS LIVE_RATE LIVE_SECS STEPS
export STEP_TIMEOUT TEARDOWN_MAX

# the steps run-peer.sh runs (cycles, since and limits are run.sh's own)
peer_steps_of() { for s in $1; do case $s in cycles | since | limits) ;; *) echo "$s" ;; esac; done | paste -sd' '; }

# ---------------------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------------------
print_table() { # results dir
  local dir=$1
  awk -F'\t' -v conc="${CONC_LIST_USED:-$CONC_LIST}" '
    FILENAME ~ /\/kafkasse\/summary.tsv$/  { P[$1] = $2; next }
    FILENAME ~ /\/cpp\/summary.tsv$/       { C[$1] = $2; next }
    FILENAME ~ /\/cpp-scale\/summary.tsv$/ { S[$1] = $2; next }
    FILENAME ~ /\/limits\/summary.tsv$/    { LM[$1] = $2; next }
    # (server_alive: the lowest of the runs, so that one death shows)
    FILENAME ~ /\/kafkasse-cycles\/summary.tsv$/ { PY[$1] = $1 == "server_alive" ? lowest($3) : $2; next }
    FILENAME ~ /\/cpp-cycles\/summary.tsv$/ { CY[$1] = $1 == "server_alive" ? lowest($3) : $2; next }
    FILENAME ~ /\/cpp-since\/summary.tsv$/ { SN[$1] = $1 == "server_alive" ? lowest($3) : $2; next }
    FILENAME ~ /\/es-metrics.cpp-scale$/   { split($0, a, " "); if (a[1] + 0 > sc) { sc = a[1] + 0; sr = a[2] } if (a[2] + 0 > sm) sm = a[2] + 0; next }
    FILENAME ~ /\/es-metrics.cpp$/         { split($0, a, " "); if (a[2] + 0 > cm) cm = a[2] + 0; next }
    FILENAME ~ /\/params$/                 { split($0, a, "="); V[a[1]] = substr($0, length(a[1]) + 2); next }
    function num(x) { return x != "" && x ~ /^-?[0-9.]+$/ }
    function lowest(list,   a, k, m, lo) { m = split(list, a, " "); lo = a[1]; for (k = 2; k <= m; k++) if (a[k] + 0 < lo + 0) lo = a[k]; return lo }
    function fmt(x) {
      if (x == "") return "-"
      if (!num(x)) return x
      if (x + 0 == int(x + 0)) return sprintf("%d", x)
      if (x + 0 >= 100) return sprintf("%.0f", x)
      if (x + 0 >= 10) return sprintf("%.1f", x)
      if (x + 0 >= 0.1) return sprintf("%.2f", x)
      return sprintf("%.4f", x)
    }
    function mb(x) { return x == "" ? "" : sprintf("%.1f", x / 1024) }
    function pair(a, b) { return (a == "" && b == "") ? "" : (a == "" ? "-" : a) " / " (b == "" ? "-" : b) }
    function grow(A) { return (num(A["after_rss_kb"]) && num(A["warm_rss_kb"]) && A["cycles_cycles"] > 0) ? sprintf("%.1f", (A["after_rss_kb"] - A["warm_rss_kb"]) / A["cycles_cycles"] * 1000) : "" }
    # better: hi (C/P) or lo (P/C); ratio = how many times better C++ is
    function ratio(p, c, better) {
      if (!num(p) || !num(c)) return "-"
      if (better == "hi") { if (p + 0 <= 0) return "-"; return sprintf("%.1fx", c / p) }
      if (better == "lo") { if (c + 0 <= 0) return (p + 0 > 0 ? "inf" : "-"); return sprintf("%.1fx", p / c) }
      return "-"
    }
    function row(label, p, c, better, target) {
      n++; L[n] = label; PV[n] = fmt(p); CV[n] = fmt(c); R[n] = ratio(p, c, better); T[n] = target
    }
    function sec(label) { n++; L[n] = "## " label; PV[n] = ""; CV[n] = ""; R[n] = ""; T[n] = "" }
    function chk(ok) { return ok ? "  [ok]" : "  [MISS]" }
    function pct(a, b) { return (num(a) && num(b) && b + 0 > 0) ? sprintf("%.0f%%", 100 * a / b) : "" }
    # the limits step: the same client fed our recorded stream by a sendfile server
    function ceiling(k, ours) {
      if (!((k "_events_per_s") in LM)) return
      row("client ceiling: events/s it reads from a replay", "", LM[k "_events_per_s"], "", "")
      row("  ours as a share of that ceiling", "", pct(ours, LM[k "_events_per_s"]), "", "")
    }
    END {
      if ("single_events_per_s" in P || "single_events_per_s" in C) {
      sec("1 client drains " V["n_single"] " backlog events (from offset 0)")
      # issue 13: >= 100x KafkaSSE and >= 40% of the client ceiling of the same run
      tgt = ">= 100x and >= 40% of the ceiling"
      if (num(C["single_events_per_s"]) && num(P["single_events_per_s"]) && num(LM["single_events_per_s"]))
        tgt = tgt chk(C["single_events_per_s"] >= 100 * P["single_events_per_s"] && C["single_events_per_s"] >= 0.4 * LM["single_events_per_s"])
      row("events/s", P["single_events_per_s"], C["single_events_per_s"], "hi", tgt)
      row("MB/s", P["single_MB_per_s"], C["single_MB_per_s"], "hi", "")
      row("server CPU-s per 1000 events", P["single_server_cpu_s_per_1000ev"], C["single_server_cpu_s_per_1000ev"], "lo", "")
      row("server peak RSS MB", mb(P["single_peak_rss_kb"]), mb(C["single_peak_rss_kb"]), "lo", "")
      row("mock broker CPU-s", P["single_mock_cpu_s"], C["single_mock_cpu_s"], "", "")
      row("client CPU-s", P["single_client_cpu_s"], C["single_client_cpu_s"], "", "")
      row("complete (1 = all events)", P["single_complete"], C["single_complete"], "", "")
      ceiling("single", C["single_events_per_s"])
      }
      m = split(conc, cs, " ")
      for (i = 1; i <= m; i++) {
        k = "c" cs[i]
        if (!((k "_events_per_s") in P || (k "_events_per_s") in C)) continue
        sec(cs[i] " clients drain " V["n_multi"] " events each")
        tgt = ""
        if (cs[i] == 100) tgt = ">= 1M" (num(C[k "_events_per_s"]) ? chk(C[k "_events_per_s"] >= 1000000) : "")
        row("aggregate events/s", P[k "_events_per_s"], C[k "_events_per_s"], "hi", tgt)
        row("server CPU-s per 1000 events", P[k "_server_cpu_s_per_1000ev"], C[k "_server_cpu_s_per_1000ev"], "lo", "")
        row("server peak RSS MB", mb(P[k "_peak_rss_kb"]), mb(C[k "_peak_rss_kb"]), "lo", cs[i] == 100 ? "bounded by config" : "")
        row("server peak threads", P[k "_peak_threads"], C[k "_peak_threads"], "lo", "")
        row("peak broker connections", P[k "_peak_broker_conns"], C[k "_peak_broker_conns"], "lo", "")
        row("first event ms p50", P[k "_first_event_ms_p50"], C[k "_first_event_ms_p50"], "lo", "")
        row("teardown s (after clients left)", P[k "_teardown_s"], C[k "_teardown_s"], "lo", "")
        row("complete clients", P[k "_complete"], C[k "_complete"], "", "")
        ceiling(k, C[k "_events_per_s"])
      }
      if ("idle_rss_kb" in P || "idle_rss_kb" in C) {
      sec("no client")
      row("server RSS MB", mb(P["idle_rss_kb"]), mb(C["idle_rss_kb"]), "lo", "")
      row("server threads", P["idle_threads"], C["idle_threads"], "lo", "")
      row("broker connections", P["idle_broker_conns"], C["idle_broker_conns"], "lo", "")
      }
      if ("idle100_connected" in P || "idle100_connected" in C) {
      sec(V["idle_clients"] " idle clients at the live head")
      row("connected", P["idle100_connected"], C["idle100_connected"], "", "")
      row("RSS per connection KB", P["rss_per_conn_kb"], C["rss_per_conn_kb"], "lo", "")
      row("server threads with " V["idle_clients"] " clients", P["idle100_threads"], C["idle100_threads"], "lo", "")
      row("threads per connection", P["threads_per_conn"], C["threads_per_conn"], "lo", "")
      row("broker connections", P["idle100_broker_conns"], C["idle100_broker_conns"], "lo", "")
      row("server CPU % while idle", P["idle100_cpu_pct"], C["idle100_cpu_pct"], "lo", "")
      # Ours keeps the consumer of the live hub in its pool for kafka.consumer_pool_idle_ms (30 s):
      # its broker connections go with it, not with the clients.
      tgt = V["idle_clients"] + 0 == 100 ? "<= 32 s (pooled consumer, 30 s)" (num(C["idle100_teardown_s"]) ? chk(C["idle100_teardown_s"] + 0 <= 32) : "") : ""
      row("teardown s (1 s resolution)", P["idle100_teardown_s"], C["idle100_teardown_s"], "lo", tgt)
      }
      if ("idle100_connected" in S) {
        sec(V["scale_idle"] " idle clients at the live head (C++ only)")
        # The client counts a connection the server closed before its headers as "connected"
        # in hold mode: the peak count of the server is the one to trust.
        row("connected (per the client)", "", S["idle100_connected"], "", "")
        row("connections the server held (peak, /metrics)", "", (sc > 0 ? sc : ""), "", V["scale_idle"] (sc > 0 ? chk(sc >= V["scale_idle"] + 0) : ""))
        row("RSS per connection KB", "", S["rss_per_conn_kb"], "", "<= 32" chk(num(S["rss_per_conn_kb"]) && S["rss_per_conn_kb"] <= 32))
        # Bounded by configuration: the HTTP pool (http_threads, grown on demand) and one
        # live consumer (librdkafka: ~5 threads) come on top of the idle count.
        row("server threads: none / " V["idle_clients"] " / " V["scale_idle"] " clients", "",
            S["idle_threads"] " / " C["idle100_threads"] " / " S["idle100_threads"], "",
            "<= idle+http_threads+6" chk(num(S["idle100_threads"]) && S["idle100_threads"] - S["idle_threads"] <= V["http_threads"] + 6))
        row("threads per connection", "", S["threads_per_conn"], "", "")
        row("broker connections", "", S["idle100_broker_conns"], "", "")
        row("Kafka consumers (at peak clients)", "", (sc > 0 ? sr : ""), "", "<= event loops (" V["event_loops"] "), not per client" (sc > 0 ? chk(sr + 0 <= V["event_loops"] + 0) : ""))
        row("server CPU % while idle", "", S["idle100_cpu_pct"], "", "")
        row("teardown s (1 s resolution)", "", S["idle100_teardown_s"], "", "")
      }
      if ("live_events" in P || "live_events" in C) {
        sec("live tail: " V["live_rate"] " events/s for " V["live_secs"] " s, " V["live_clients"] " clients")
        row("events delivered (max " (C["live_expected_max"] != "" ? C["live_expected_max"] : P["live_expected_max"]) ")", P["live_events"], C["live_events"], "hi", "")
        row("latency ms p50", P["live_latency_ms_p50"], C["live_latency_ms_p50"], "lo", "")
        row("latency ms p99", P["live_latency_ms_p99"], C["live_latency_ms_p99"], "lo", "")
        row("latency ms max", P["live_latency_ms_max"], C["live_latency_ms_max"], "lo", "")
        row("server CPU-s per 1000 events", P["live_server_cpu_s_per_1000ev"], C["live_server_cpu_s_per_1000ev"], "lo", "")
        row("server peak RSS MB", mb(P["live_peak_rss_kb"]), mb(C["live_peak_rss_kb"]), "lo", "")
      }
      if ("live_events" in S) {
        sec("live tail: " V["live_rate"] " events/s for " V["live_secs"] " s, " V["scale_live"] " clients (C++ only" (V["scale_kafka_props"] != "" ? "; kafka " V["scale_kafka_props"] : "") "; client options: " (V["scale_client_opts"] != "" ? V["scale_client_opts"] : "none") ")")
        row("events delivered (max " S["live_expected_max"] ")", "", S["live_events"], "", "")
        row("latency ms p50", "", S["live_latency_ms_p50"], "", "")
        # issue 13: p99 <= 2x the 1-client floor of the same run (limits step)
        tgt = "<= 2x the floor p99"
        if (num(S["live_latency_ms_p99"]) && num(LM["floor_latency_ms_p99"]))
          tgt = "<= 2x the floor p99 (" 2 * LM["floor_latency_ms_p99"] ")" chk(S["live_latency_ms_p99"] <= 2 * LM["floor_latency_ms_p99"])
        row("latency ms p99", "", S["live_latency_ms_p99"], "", tgt)
        row("server CPU-s per 1000 events", "", S["live_server_cpu_s_per_1000ev"], "", "")
        if ("floor_latency_ms_p99" in LM)
          row("floor: 1 client, nothing to fan out: ms p50 / p99", "", LM["floor_latency_ms_p50"] " / " LM["floor_latency_ms_p99"], "", "")
      }
      if ("cycles_cycles" in PY || "cycles_cycles" in CY) {
        sec("connect / disconnect cycles (head, first chunk, close; " V["cycles_conc"] " at once): C++ " CY["cycles_cycles"] ", KafkaSSE " PY["cycles_cycles"] " (a Kafka consumer per connection)")
        row("cycles/s", PY["cycles_cycles_per_s"], CY["cycles_cycles_per_s"], "hi", "")
        row("cycle ms p50", PY["cycles_p50_ms"], CY["cycles_p50_ms"], "lo", "")
        row("cycle ms p99", PY["cycles_p99_ms"], CY["cycles_p99_ms"], "lo", "")
        row("server alive after the cycles (0 = died)", PY["server_alive"], CY["server_alive"], "", num(CY["server_alive"]) ? "1" chk(CY["server_alive"] == 1) : "")
        row("failed cycles", PY["cycles_failed"], CY["cycles_failed"], "", num(CY["cycles_cycles"]) ? "100k, none failed" chk(CY["cycles_ok"] == CY["cycles_cycles"] && CY["cycles_cycles"] >= 100000) : "")
        row("server CPU-s per 1000 cycles", PY["cycles_server_cpu_s_per_1000"], CY["cycles_server_cpu_s_per_1000"], "lo", "")
        row("server RSS MB: idle / after warm-up", mb(PY["idle_rss_kb"]) " / " mb(PY["warm_rss_kb"]), mb(CY["idle_rss_kb"]) " / " mb(CY["warm_rss_kb"]), "", "")
        row("server RSS MB after the cycles", mb(PY["after_rss_kb"]), mb(CY["after_rss_kb"]), "lo", "")
        # after warm-up -> after the cycles, per 1000 cycles: a leak shows here
        row("server RSS growth KB per 1000 cycles", grow(PY), grow(CY), "lo", num(grow(CY)) ? "< 50 (issue 13)" chk(grow(CY) + 0 < 50) : "")
        row("server threads: idle / warm-up / after", PY["idle_threads"] " / " PY["warm_threads"] " / " PY["after_threads"], CY["idle_threads"] " / " CY["warm_threads"] " / " CY["after_threads"], "", "")
        row("connections the server counts after", PY["after_connections"], CY["after_connections"], "", "0" (num(CY["after_connections"]) ? chk(CY["after_connections"] == 0) : ""))
        row("Kafka readers after (ours, /metrics)", "", CY["after_readers"], "", "")
        row("Kafka consumers created / reused in the cycles (ours, /metrics)", "", pair(CY["consumers_created"], CY["consumers_reused"]), "", "")
        row("broker connections before / after", PY["idle_broker_conns"] " / " PY["after_broker_conns"], CY["idle_broker_conns"] " / " CY["after_broker_conns"], "", "")
        row("ms until idle after the last cycle", PY["cycles_teardown_ms"], CY["cycles_teardown_ms"], "lo", "")
        row("teardown ms of " V["cycles_hold"] " clients closed at once", PY["hold_teardown_ms"], CY["hold_teardown_ms"], "lo", V["cycles_hold"] + 0 == 100 ? "< 1 s" (num(CY["hold_teardown_ms"]) ? chk(CY["hold_teardown_ms"] < 1000) : "") : "")
      }
      if ("cycles_cycles" in SN) {
        sec("since cycles (?since=" V["since"] ", no replay ring: a catch-up reader each; head, first chunk, close; " V["cycles_conc"] " at once): C++ " SN["cycles_cycles"] " after a warm-up of " SN["warmup_cycles"] " (C++ only)")
        row("cycles/s", "", SN["cycles_cycles_per_s"], "", "")
        row("cycle ms p50 / p99", "", SN["cycles_p50_ms"] " / " SN["cycles_p99_ms"], "", "")
        row("failed cycles", "", SN["cycles_failed"], "", "none" chk(SN["cycles_failed"] == 0))
        row("server CPU-s per 1000 cycles", "", SN["cycles_server_cpu_s_per_1000"], "", "")
        row("server RSS MB: idle / after warm-up / after", "", mb(SN["idle_rss_kb"]) " / " mb(SN["warm_rss_kb"]) " / " mb(SN["after_rss_kb"]), "", "")
        row("server RSS growth KB per 1000 cycles", "", grow(SN), "", num(grow(SN)) ? "< 50 (issue 13)" chk(grow(SN) + 0 < 50) : "")
        row("server threads: idle / warm-up / after", "", SN["idle_threads"] " / " SN["warm_threads"] " / " SN["after_threads"], "", "")
        row("Kafka consumers created / reused in the cycles (/metrics)", "", pair(SN["consumers_created"], SN["consumers_reused"]), "", "")
        row("connections the server counts after", "", SN["after_connections"], "", "0" (num(SN["after_connections"]) ? chk(SN["after_connections"] == 0) : ""))
        row("ms until idle after the last cycle", "", SN["cycles_teardown_ms"], "", "")
      }
      w = 0; for (i = 1; i <= n; i++) if (L[i] !~ /^## / && length(L[i]) + 2 > w) w = length(L[i]) + 2
      fmtl = "%-" w "s | %14s | %16s | %8s | %s\n"
      printf fmtl, "metric", "KafkaSSE", "EventStreams C++", "ratio", "target (issue 13, else 4)"
      s = ""; for (i = 0; i < w + 62; i++) s = s "-"; print s
      for (i = 1; i <= n; i++) {
        if (L[i] ~ /^## /) { printf "%s\n", substr(L[i], 4); continue }
        printf fmtl, "  " L[i], PV[i], CV[i], R[i], T[i]
      }
    }' $(for f in params kafkasse/summary.tsv cpp/summary.tsv cpp-scale/summary.tsv limits/summary.tsv es-metrics.cpp \
                 es-metrics.cpp-scale kafkasse-cycles/summary.tsv cpp-cycles/summary.tsv cpp-since/summary.tsv; do [ -s "$dir/$f" ] && echo "$dir/$f"; done)
  echo
  echo "ratio = how many times better EventStreams C++ is (C++/KafkaSSE for rates, KafkaSSE/C++ for"
  echo "costs). Medians over RUNS=$(sed -n 's/^runs=//p' "$dir/params") run(s). Per-run values: <dir>/<server>/summary.txt."
  [ -f "$dir/loadavg.log" ] && awk '{ if (NR == 1 || $2 < lo) lo = $2; if ($2 > hi) hi = $2; s += $2; n++ }
      END { if (n) printf "load average (1 min) during the run: min %.2f, mean %.2f, max %.2f (%d samples, %s cores)\n", lo, s / n, hi, n, cpus }' \
      cpus="$(nproc)" "$dir/loadavg.log"
  echo "results: $dir"
}

# Checks for --smoke (and a hint after a full run): did every step deliver?
check_results() { # dir -> prints problems, returns 1 if any
  local dir=$1 s f bad=0 c peer_steps
  peer_steps=$(peer_steps_of "$STEPS")
  if [[ " $STEPS " == *" cycles "* ]]; then
    for s in $SERVERS; do
      [ "$s" = kafkasse ] || [ "$s" = cpp ] || continue
      f=$dir/$s-cycles/summary.tsv
      [ -s "$f" ] || { echo "CHECK FAILED: $s cycles produced no summary ($dir/$s-cycles)"; bad=1; continue; }
      get() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$f"; }
      if grep -qx 'server_alive=0' "$dir/$s-cycles"/run*/metrics.txt 2>/dev/null; then
        echo "CHECK FAILED: $s: the server died during the cycles ($(grep -l -x 'server_alive=0' "$dir/$s-cycles"/run*/metrics.txt | sed 's|/metrics.txt|/server.err|' | paste -sd' '))"; bad=1
      fi
      [ "$(get cycles_ok)" -gt 0 ] 2>/dev/null || { echo "CHECK FAILED: $s: no cycle completed"; bad=1; }
      [ "$(get hold_ok)" -gt 0 ] 2>/dev/null || { echo "CHECK FAILED: $s: no held client connected"; bad=1; }
      if [ "$s" = cpp ]; then
        [ "$(get cycles_failed)" = 0 ] || { echo "CHECK FAILED: cpp: $(get cycles_failed) cycles failed"; bad=1; }
        [ "$(get after_connections)" = 0 ] || { echo "CHECK FAILED: cpp: $(get after_connections) connections left after the cycles"; bad=1; }
        [ "$(get hold_teardown_ms)" != timeout ] || { echo "CHECK FAILED: cpp: not idle after the held clients left"; bad=1; }
      fi
    done
  fi
  if [[ " $STEPS " == *" since "* ]] && [[ " $SERVERS " == *" cpp "* ]] && [ "$SINCE_CYCLES" -gt 0 ]; then
    f=$dir/cpp-since/summary.tsv
    if [ ! -s "$f" ]; then echo "CHECK FAILED: cpp since cycles produced no summary ($dir/cpp-since)"; bad=1
    else
      get() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$f"; }
      [ "$(get cycles_ok)" -gt 0 ] 2>/dev/null || { echo "CHECK FAILED: cpp: no since cycle completed"; bad=1; }
      [ "$(get cycles_failed)" = 0 ] || { echo "CHECK FAILED: cpp: $(get cycles_failed) since cycles failed"; bad=1; }
      [ "$(get after_connections)" = 0 ] || { echo "CHECK FAILED: cpp: $(get after_connections) connections left after the since cycles"; bad=1; }
    fi
  fi
  if [[ " $STEPS " == *" limits "* ]]; then
    f=$dir/limits/summary.tsv
    if [ ! -s "$f" ]; then echo "CHECK FAILED: limits produced no summary"; bad=1
    elif [ "$(awk -F'\t' '$1 == "single_complete" { print $2 }' "$f")" != 1 ]; then
      echo "CHECK FAILED: limits: the replayed single drain is incomplete"; bad=1
    fi
  fi
  for s in $SERVERS; do
    f=$dir/$s/summary.tsv
    [ "$s" = cpp-scale ] && [ "$SCALE_IDLE_CLIENTS" -le 0 ] && continue
    [ "$s" != cpp-scale ] && [ -z "$peer_steps" ] && continue
    [ -s "$f" ] || { echo "CHECK FAILED: $s produced no summary ($dir/$s/run.log)"; bad=1; continue; }
    get() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$f"; }
    if [ "$s" = cpp-scale ]; then
      [ "$SCALE_IDLE_CLIENTS" -gt 0 ] || continue
      [ "$(get idle100_connected)" = "$SCALE_IDLE_CLIENTS" ] || { echo "CHECK FAILED: $s: $(get idle100_connected) of $SCALE_IDLE_CLIENTS idle clients connected"; bad=1; }
      local held
      held=$(awk '$1 + 0 > m { m = $1 + 0 } END { print m + 0 }' "$dir/es-metrics.cpp-scale" 2>/dev/null)
      [ "${held:-0}" -ge "$SCALE_IDLE_CLIENTS" ] || { echo "CHECK FAILED: $s: the server held at most ${held:-0} of $SCALE_IDLE_CLIENTS connections (/metrics)"; bad=1; }
      if [ "$SCALE_LIVE_CLIENTS" -gt 0 ] && [ "${LIVE_RATE}" -gt 0 ]; then
        [ "$(get live_events)" -gt 0 ] 2>/dev/null || { echo "CHECK FAILED: $s: live tail delivered nothing"; bad=1; }
      fi
      continue
    fi
    if [[ " $STEPS " == *" idle100 "* ]]; then
      [ "$(get idle100_connected)" = "$IDLE_CLIENTS" ] || { echo "CHECK FAILED: $s: $(get idle100_connected) of $IDLE_CLIENTS idle clients connected"; bad=1; }
    fi
    if [[ " $STEPS " == *" single "* ]]; then
      [ "$(get single_complete)" = 1 ] || { echo "CHECK FAILED: $s: single drain incomplete"; bad=1; }
    fi
    if [[ " $STEPS " == *" conc "* ]]; then
      for c in $CONC_LIST; do
        [ "$(get "c${c}_complete")" = "$c" ] || { echo "CHECK FAILED: $s: c$c: $(get "c${c}_complete") of $c clients complete"; bad=1; }
      done
    fi
    if [[ " $STEPS " == *" live "* ]] && [ "$LIVE_RATE" -gt 0 ]; then
      [ "$(get live_events)" -gt 0 ] 2>/dev/null || { echo "CHECK FAILED: $s: live tail delivered nothing"; bad=1; }
      [ "$(get live_latency_samples)" -gt 0 ] 2>/dev/null || { echo "CHECK FAILED: $s: no latency samples (ids without timestamp?)"; bad=1; }
    fi
  done
  return $bad
}

if [ -n "$TABLE_ONLY" ]; then
  [ -f "$TABLE_ONLY/params" ] && CONC_LIST_USED=$(sed -n 's/^conc=//p' "$TABLE_ONLY/params")
  print_table "$TABLE_ONLY"
  exit 0
fi

# ---------------------------------------------------------------------------------------
# set-up
# ---------------------------------------------------------------------------------------
log() { echo "[$(date +%T)] bench: $*" >&2; }

# File descriptors: 10k clients need 10k+ on both sides (the client raises its own limit).
ulimit -Hn 65536 2>/dev/null || true
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
need_fds=$((SCALE_IDLE_CLIENTS + 1000))
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$need_fds" ]; then
  log "warning: ulimit -n is $(ulimit -Sn), the ${SCALE_IDLE_CLIENTS}-client step needs ~$need_fds"
fi

if [ "$NO_BUILD" = 0 ]; then
  log "building the server (Release) in $BUILD_DIR"
  { cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target server; } > "${TMPDIR:-/tmp}/es-bench-build.$$.log" 2>&1 ||
    { tail -30 "${TMPDIR:-/tmp}/es-bench-build.$$.log"; log "server build failed"; exit 1; }
  rm -f "${TMPDIR:-/tmp}/es-bench-build.$$.log"
  log "building the peer benchmark into $PEER_WORK (cached after the first time)"
  bash "$PEER_DIR/build.sh" || { log "peer build failed"; exit 1; }
fi
# the cycles client (C, no dependencies): rebuilt when its source is newer
CYCLES_BIN=$BUILD_DIR/es-cycles
if [[ " $STEPS " == *" cycles "* || " $STEPS " == *" since "* ]] && { [ ! -x "$CYCLES_BIN" ] || [ "$HERE/es-cycles.c" -nt "$CYCLES_BIN" ]; }; then
  mkdir -p "$BUILD_DIR"
  ${CC:-cc} -O2 -Wall -Wextra -Werror -std=gnu11 -o "$CYCLES_BIN" "$HERE/es-cycles.c" ||
    { log "es-cycles build failed"; exit 1; }
fi
# the replay server of the limits step, likewise
REPLAY_BIN=$BUILD_DIR/sse-replay
if [[ " $STEPS " == *" limits "* ]] && { [ ! -x "$REPLAY_BIN" ] || [ "$HERE/sse-replay.c" -nt "$REPLAY_BIN" ]; }; then
  mkdir -p "$BUILD_DIR"
  ${CC:-cc} -O2 -Wall -Wextra -Werror -std=gnu11 -pthread -o "$REPLAY_BIN" "$HERE/sse-replay.c" ||
    { log "sse-replay build failed"; exit 1; }
fi
HZ=$(getconf CLK_TCK)
export ES_BIN=${ES_BIN:-$BUILD_DIR/eventstreams}
[ -x "$ES_BIN" ] || { log "no server binary at $ES_BIN"; exit 1; }
[ -x "$PEER_WORK/build/mockkafka" ] && [ -x "$PEER_WORK/build/sseclient" ] ||
  { log "peer tools missing in $PEER_WORK/build (run without --no-build)"; exit 1; }

# A free port (8092 may be a developer's server).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${PORT:-}" ]; then
  for PORT in $(seq 18092 18192); do port_free "$PORT" && break; done
fi
export PORT

OUT=${OUT:-$PEER_WORK/results/side-by-side-$( [ "$SMOKE" = 1 ] && echo smoke- )$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
export ES_BENCH_TMP=$OUT/tmp
{
  echo "runs=$RUNS"; echo "n_single=$N_SINGLE"; echo "n_multi=$N_MULTI"; echo "conc=$CONC_LIST"
  echo "idle_clients=$IDLE_CLIENTS"; echo "live_clients=$LIVE_CLIENTS"; echo "live_rate=$LIVE_RATE"
  echo "live_secs=$LIVE_SECS"; echo "steps=$STEPS"; echo "servers=$SERVERS"
  echo "scale_idle=$SCALE_IDLE_CLIENTS"; echo "scale_live=$SCALE_LIVE_CLIENTS"; echo "smoke=$SMOKE"
  echo "scale_kafka_props=$SCALE_KAFKA_PROPS"; echo "scale_client_opts=$SCALE_CLIENT_OPTS"; echo "http_threads=${ES_HTTP_THREADS:-16}"; echo "event_loops=${ES_EVENT_LOOPS:-2}"
  echo "cycles=$CYCLES"; echo "peer_cycles=$PEER_CYCLES"; echo "cycles_conc=$CYCLES_CONC"
  echo "cycles_hold=$CYCLES_HOLD"; echo "since_cycles=$SINCE_CYCLES"; echo "since=$SINCE"
  echo "since_warmup=$SINCE_WARMUP"
  echo "git=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet 2>/dev/null || echo -dirty)"
  echo "started=$(date -Is)"; echo "cpus=$(nproc)"; echo "kernel=$(uname -r)"
} > "$OUT/params"
CONC_LIST_USED=$CONC_LIST

BG=()
cleanup() { local p; for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$ES_BENCH_TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# load average every 10 s (the machine is shared: other work shows up here)
( while :; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done ) > "$OUT/loadavg.log" &
BG+=($!)

# our server's /metrics every second: "connections source_readers live_hubs private_hubs"
es_metrics_sampler() { # outfile
  while :; do
    curl -s -m 2 "http://127.0.0.1:$PORT/metrics" 2>/dev/null | awk '
      $1 == "eventstreams_connections" { c = $2 } $1 == "eventstreams_source_readers" { r = $2 }
      $1 == "eventstreams_live_hubs" { l = $2 } $1 == "eventstreams_private_hubs" { p = $2 }
      END { if (c != "") print c, r, l, p }'
    sleep 1
  done >> "$1"
}

# PROFILE=1: perf record our server during its single-client drain (run 1)
profiler() { # server results dir
  local dir=$1 pid i
  for ((i = 0; i < 36000; i++)); do [ -e "$dir/run1/single.samples" ] && break; sleep 0.1; done
  [ -e "$dir/run1/single.samples" ] || return 0
  sleep 0.5  # the client's catch-up consumer (and its librdkafka threads) exists by now
  pid=$(ss -ltnpH "sport = :$PORT" | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -1)
  [ -n "$pid" ] || return 0
  perf record -F 999 --call-graph dwarf,16384 -p "$pid" -o "$dir/perf.data" > "$dir/perf.log" 2>&1 &
  local perf_pid=$!
  for ((i = 0; i < 36000; i++)); do [ -e "$dir/run1/single.client" ] && break; sleep 0.1; done
  kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid"
  perf report -i "$dir/perf.data" --no-children --sort comm,dso,symbol --stdio -g none 2>/dev/null |
    grep -v '^$' | head -150 > "$dir/perf-self.txt"
  perf report -i "$dir/perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
    grep -v '^$' | head -120 > "$dir/perf-children.txt"
}

# Before each phase: wait (<= SETTLE_MAX_S) until the 1-minute load average is below
# SETTLE_LOAD, so that one phase's aftermath (KafkaSSE's 100-client step leaves ~9 GB to
# free) does not slow the next one down. The wait goes to phases.log.
settle() { # phase name
  local t0=$SECONDS
  while [ $((SECONDS - t0)) -lt "$SETTLE_MAX_S" ] &&
        awk -v max="$SETTLE_LOAD" '{ exit !($1 >= max) }' /proc/loadavg; do sleep 2; done
  echo "$1 settled $((SECONDS - t0)) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
}

run_server() { # name
  local name=$1 status
  settle "$name"
  local -a envs=(OUT="$OUT/$name" PORT="$PORT")
  case $name in
    kafkasse) envs+=(SERVER_NAME=kafkasse) ;;
    cpp) envs+=(SERVER_NAME=cpp "SERVER_CMD=$HERE/eventstreams-wrapper.sh {BROKERS} {PORT}") ;;
    cpp-scale)
      local steps="idle100"
      [ "$SCALE_LIVE_CLIENTS" -gt 0 ] && steps="idle100 live"
      envs+=(SERVER_NAME=cpp-scale "SERVER_CMD=$HERE/eventstreams-wrapper.sh {BROKERS} {PORT}"
             RUNS=1 N_SINGLE=1000 STEPS="$steps" IDLE_CLIENTS="$SCALE_IDLE_CLIENTS"
             LIVE_CLIENTS="$SCALE_LIVE_CLIENTS"
             CLIENT_OPTS="$SCALE_CLIENT_OPTS --ramp-ms $SCALE_RAMP_MS"
             ES_KAFKA_PROPS="$SCALE_KAFKA_PROPS") ;;
    *) log "unknown server $name"; return 1 ;;
  esac
  log "== $name: $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$name start $(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
  local sampler= prof=
  if [ "$name" != kafkasse ]; then
    es_metrics_sampler "$OUT/es-metrics.$name" & sampler=$!; BG+=("$sampler")
    if [ "$PROFILE" = 1 ] && [ "$name" = cpp ]; then profiler "$OUT/$name" & prof=$!; BG+=("$prof"); fi
  fi
  env "${envs[@]}" bash "$PEER_DIR/run-peer.sh" 2>&1 | grep --line-buffered -v '^metric \|^[a-zA-Z0-9_]*  ' >&2
  status=${PIPESTATUS[0]}
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  [ -n "$prof" ] && wait "$prof"
  echo "$name end $(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
  return "$status"
}

# ---------------------------------------------------------------------------------------
# the cycles step (ours, not run-peer.sh's): connect / disconnect cycles, then a teardown
# ---------------------------------------------------------------------------------------
tree_pids() { # pid and all its descendants
  local p=$1 c
  echo "$p"
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do tree_pids "$c"; done
}
cpu_ticks() { # utime + stime over the tree of $1
  local p t=0 v
  for p in $(tree_pids "$1"); do
    v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    t=$((t + ${v:-0}))
  done
  echo $t
}
status_sum() { # field pid: sum of a /proc/PID/status field over the tree
  local p t=0 v
  for p in $(tree_pids "$2"); do
    v=$(awk -v f="$1:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null)
    t=$((t + ${v:-0}))
  done
  echo $t
}
broker_conns() { # pid broker_port: established connections from the tree to the broker
  local pids
  pids=$(tree_pids "$1" | paste -sd'|')
  ss -tnpH state established "( dport = :$2 )" 2>/dev/null | grep -cE "pid=($pids),"
}
# "connections readers" as the server counts them: ours from /metrics
# (eventstreams_connections, eventstreams_source_readers), KafkaSSE's clients from /_info
# (it has no reader count; "-").
server_counts() { # name
  if [ "$1" = kafkasse ]; then
    curl -s -m 2 "http://127.0.0.1:$PORT/_info" | sed -n 's/.*"clients":\([0-9]*\).*/\1 -/p'
  else
    curl -s -m 2 "http://127.0.0.1:$PORT/metrics" | awk '
      $1 == "eventstreams_connections" { c = $2 } $1 == "eventstreams_source_readers" { r = $2 }
      END { if (c != "") print c, r }'
  fi
}
now_ms() { date +%s%3N; }
# "created reused idle" of our Kafka consumer pool (/metrics), "- - -" before it existed
pool_counts() {
  curl -s -m 2 "http://127.0.0.1:$PORT/metrics" | awk '
    $1 == "eventstreams_kafka_consumers_created_total" { c = $2 }
    $1 == "eventstreams_kafka_consumers_reused_total" { r = $2 }
    $1 == "eventstreams_kafka_consumers_idle" { i = $2 }
    END { print (c == "" ? "-" : c), (r == "" ? "-" : r), (i == "" ? "-" : i) }'
}
minus() { [ "$1" = - ] || [ "$2" = - ] && { echo -; return; }; awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", a - b }'; }

# Waits (<= TEARDOWN_MAX s) until the server counts no connection, its readers (ours) and its
# broker connections are back to the idle ones (ours: plus 2 per idle pooled Kafka consumer,
# eventstreams_kafka_consumers_idle, which keeps its bootstrap and broker connections). Prints
# the ms from $2 (epoch ms) to the first sample where that held, or "timeout".
wait_idle_ms() { # name since_ms
  local name=$1 since=$2 end=$(($(date +%s) + TEARDOWN_MAX)) counts pooled allowed
  while [ "$(date +%s)" -lt "$end" ]; do
    kill -0 "$CY_PID" 2>/dev/null || { echo died; return 1; }
    counts=$(server_counts "$name")
    allowed=$CY_IDLE_CONNS
    if [ "$name" != kafkasse ]; then
      pooled=$(pool_counts); pooled=${pooled##* }
      [ "$pooled" != - ] && allowed=$((CY_IDLE_CONNS + 2 * pooled))
    fi
    if [ "${counts%% *}" = 0 ] && { [ "$name" = kafkasse ] || [ "${counts##* }" = "$CY_IDLE_READERS" ]; } &&
       [ "$(broker_conns "$CY_PID" "$CY_BROKER_PORT")" -le "$allowed" ]; then
      echo $(($(now_ms) - since)); return 0
    fi
    sleep 0.01
  done
  echo timeout
}

# mode "head" (the cycles step): GET the stream at the live head; "since" (the since step,
# ours only): GET it with ?since=$SINCE on a server without replay ring, so that every request
# needs a catch-up reader; no held clients afterwards.
cycles_once() { # name run [mode] -> $OUT/<name>-cycles/run<N>/metrics.txt (since: <name>-since)
  local name=$1 run=$2 mode=${3:-head} dir n out c0 c1 i t0 counts hold pool0 pool1
  dir=$OUT/$name-cycles/run$run
  [ "$mode" = since ] && dir=$OUT/$name-since/run$run
  mkdir -p "$dir"
  n=$CYCLES; [ "$name" = kafkasse ] && n=$PEER_CYCLES; [ "$mode" = since ] && n=$SINCE_CYCLES
  local res=$dir/metrics.txt; : > "$res"
  emit() { echo "$*" | tr ' ' '\n' | grep = >> "$res"; }
  kv() { tr ' ' '\n' <<<"$2" | grep = | sed "s/^/$1_/" | paste -sd' '; }

  rm -f "$dir/mock.fifo"; mkfifo "$dir/mock.fifo"
  "$PEER_WORK/build/mockkafka" -n 100 --partitions 1 \
      --topics "eqiad.mediawiki.recentchange,codfw.mediawiki.recentchange" \
      < "$dir/mock.fifo" > "$dir/mock.out" 2> "$dir/mock.err" &
  local mock=$!; BG+=("$mock")
  exec 8> "$dir/mock.fifo"
  for ((i = 0; i < 600; i++)); do grep -q '^READY' "$dir/mock.out" 2>/dev/null && break; sleep 0.1; done
  grep -q '^READY' "$dir/mock.out" || { log "cycles: mock failed: $(cat "$dir/mock.err")"; exec 8>&-; return 1; }
  local brokers; brokers=$(head -1 "$dir/mock.out"); CY_BROKER_PORT=${brokers##*:}
  if [ "$name" = kafkasse ]; then
    node "$PEER_WORK/kafkasse-server.js" --brokers "$brokers" --port "$PORT" \
        < /dev/null > "$dir/server.out" 2> "$dir/server.err" 8>&- &
  else
    local extra=${ES_CONFIG_EXTRA:-}
    [ "$mode" = since ] && extra="${extra:+$extra$'\n'}live_replay_bytes: 0"
    ES_CONFIG_EXTRA=$extra "$HERE/eventstreams-wrapper.sh" "$brokers" "$PORT" \
        < /dev/null > "$dir/server.out" 2> "$dir/server.err" 8>&- &
  fi
  CY_PID=$!; BG+=("$CY_PID")
  for ((i = 0; i < 600; i++)); do port_free "$PORT" || break; kill -0 "$CY_PID" 2>/dev/null || break; sleep 0.1; done
  sleep 3
  CY_IDLE_CONNS=$(broker_conns "$CY_PID" "$CY_BROKER_PORT")
  counts=$(server_counts "$name"); CY_IDLE_READERS=${counts##* }
  emit "idle_rss_kb=$(status_sum VmRSS "$CY_PID") idle_threads=$(status_sum Threads "$CY_PID")" \
       "idle_broker_conns=$CY_IDLE_CONNS"
  local url="http://127.0.0.1:$PORT/v2/stream/recentchange"
  [ "$mode" = since ] && url+="?since=$SINCE"
  # warm-up (not measured): the first clients start what stays (our live hub, Node's JIT; in
  # the since step our pooled Kafka consumers and their threads)
  local warmup=$(( n / 20 < 5 ? 5 : (n / 20 > 200 ? 200 : n / 20) ))
  [ "$mode" = since ] && warmup=$SINCE_WARMUP
  emit "warmup_cycles=$warmup"
  [ "$warmup" -gt 0 ] &&
    "$CYCLES_BIN" --url "$url" -n "$warmup" -c "$CYCLES_CONC" --timeout 30 > "$dir/warmup.out" 2>&1 8>&-
  wait_idle_ms "$name" "$(now_ms)" > /dev/null
  emit "warm_rss_kb=$(status_sum VmRSS "$CY_PID") warm_threads=$(status_sum Threads "$CY_PID")"
  [ "$name" = kafkasse ] || pool0=$(pool_counts)

  log "cycles: $name run $run: $n $mode cycles, $CYCLES_CONC at once"
  c0=$(cpu_ticks "$CY_PID")
  out=$("$CYCLES_BIN" --url "$url" -n "$n" -c "$CYCLES_CONC" --timeout 30 2> "$dir/cycles.err" 8>&-)
  t0=$(now_ms)
  c1=$(cpu_ticks "$CY_PID")
  echo "$out" > "$dir/cycles.out"
  emit "$(kv cycles "$out")"
  if ! kill -0 "$CY_PID" 2>/dev/null; then
    # It died under the cycles: say so (exit status, its last words), measure nothing more.
    wait "$CY_PID" 2>/dev/null; local status=$?
    emit "server_alive=0 server_exit=$status"
    log "cycles: $name run $run: THE SERVER DIED (exit $status) after $(sed -n 's/.* ok=\([0-9]*\) .*/\1/p' <<<"$out") cycles: $(tail -2 "$dir/server.err" | tr '\n' ' ')"
    exec 8>&-
    kill -TERM "$mock" 2>/dev/null; wait "$mock" 2>/dev/null
    return 1
  fi
  emit "cycles_server_cpu_s=$(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" \
       "cycles_server_cpu_s_per_1000=$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v n="$n" 'BEGIN { printf "%.4f", t / hz / n * 1000 }')"
  emit "cycles_teardown_ms=$(wait_idle_ms "$name" "$t0")"
  counts=$(server_counts "$name")
  emit "after_rss_kb=$(status_sum VmRSS "$CY_PID") after_threads=$(status_sum Threads "$CY_PID")" \
       "after_broker_conns=$(broker_conns "$CY_PID" "$CY_BROKER_PORT")" \
       "after_connections=${counts%% *} after_readers=${counts##* }"
  if [ "$name" != kafkasse ]; then
    pool1=$(pool_counts)
    # shellcheck disable=SC2086
    set -- $pool0 $pool1
    emit "consumers_created=$(minus "$4" "$1") consumers_reused=$(minus "$5" "$2") after_idle_consumers=$6"
  fi

  if [ "$mode" = since ]; then
    if kill -0 "$CY_PID" 2>/dev/null; then emit "server_alive=1"; else emit "server_alive=0"; fi
    log "cycles: $name run $run: $(grep -E '^(cycles_(ok|failed|cycles_per_s|p50_ms|p99_ms|server_cpu_s_per_1000|teardown_ms)|(warm|after)_rss_kb|after_(threads|connections|readers)|consumers_(created|reused))=' "$res" | paste -sd' ')"
  else
  # CYCLES_HOLD clients at the live head, closed at once: how long until the server is idle
  hold=$("$CYCLES_BIN" --url "$url" -n "$CYCLES_HOLD" --hold --timeout 60 2> "$dir/hold.err" 8>&-)
  echo "$hold" > "$dir/hold.out"
  local closed_at; closed_at=$(sed -n 's/.*closed_at_ms=\([0-9]*\).*/\1/p' <<<"$hold")
  emit "$(kv hold "$hold")" "hold_teardown_ms=$(wait_idle_ms "$name" "${closed_at:-$(now_ms)}")"
  if kill -0 "$CY_PID" 2>/dev/null; then emit "server_alive=1"; else emit "server_alive=0"; fi
  log "cycles: $name run $run: $(grep -E '^(cycles_(ok|failed|cycles_per_s|p50_ms|p99_ms|server_cpu_s_per_1000|teardown_ms)|after_(rss_kb|threads|connections|readers)|hold_teardown_ms|consumers_(created|reused))=' "$res" | paste -sd' ')"
  fi

  kill -TERM "$CY_PID" 2>/dev/null
  for ((i = 0; i < 100; i++)); do kill -0 "$CY_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$CY_PID" 2>/dev/null; wait "$CY_PID" 2>/dev/null
  exec 8>&-
  kill -TERM "$mock" 2>/dev/null; wait "$mock" 2>/dev/null
  sleep 1
}

run_cycles() { # name [mode: head (the cycles step) | since]
  local name=$1 mode=${2:-head} r phase
  phase=$name-cycles; [ "$mode" = since ] && phase=$name-since
  settle "$phase"
  log "== $phase: $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$phase start $(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
  for ((r = 1; r <= RUNS; r++)); do cycles_once "$name" "$r" "$mode" || log "$phase run $r failed"; done
  bash "$PEER_DIR/run-peer.sh" --summarize "$OUT/$phase" > /dev/null 2>&1
  echo "$phase end $(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
}

log "results in $OUT (port $PORT, ulimit -n $(ulimit -Sn))"
PEER_STEPS=$(peer_steps_of "$STEPS")
for s in $SERVERS; do
  if [ "$s" = cpp-scale ] && [ "$SCALE_IDLE_CLIENTS" -le 0 ]; then continue; fi
  # cpp-scale has steps of its own; kafkasse and cpp run run-peer.sh only for its steps
  if [ "$s" != cpp-scale ] && [ -z "$PEER_STEPS" ]; then continue; fi
  run_server "$s" || log "$s: run-peer.sh exited with $?"
done
if [[ " $STEPS " == *" cycles "* ]]; then
  for s in $SERVERS; do
    case $s in kafkasse | cpp) run_cycles "$s" ;; esac
  done
fi
if [[ " $STEPS " == *" since "* ]] && [[ " $SERVERS " == *" cpp "* ]] && [ "$SINCE_CYCLES" -gt 0 ]; then
  run_cycles cpp since
fi
if [[ " $STEPS " == *" limits "* ]]; then
  settle limits
  log "== limits: $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "limits start $(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
  OUT=$OUT/limits PEER_DIR=$PEER_DIR REPLAY_BIN=$REPLAY_BIN FLOOR_KAFKA_PROPS=$SCALE_KAFKA_PROPS \
    FLOOR_SECS=${FLOOR_SECS:-10} bash "$HERE/limits.sh" || log "limits: exited with $?"
  echo "limits end $(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/phases.log"
fi
echo "finished=$(date -Is)" >> "$OUT/params"

echo
print_table "$OUT"
echo
if check_results "$OUT"; then
  echo "all steps delivered"
else
  [ "$SMOKE" = 1 ] && exit 1
fi
[ "$PROFILE" = 1 ] && [ -s "$OUT/cpp/perf-self.txt" ] && echo "profile: $OUT/cpp/perf-self.txt, perf-children.txt"
exit 0
