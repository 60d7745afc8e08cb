#!/usr/bin/env bash
# live-real-broker.sh: the live tail against a REAL Apache Kafka broker (issue 13 target 3:
# "Live tail, 1000 clients, 200 events/s: p99 <= 2x the one-client floor ... once against the
# real Kafka broker of the test suite with linger.ms: 0 on the producer (report that floor
# too)"). The other live figures (bench/run.sh) run on the peer's mock cluster, whose
# producer lingers 5 ms and whose broker holds every fetch for fetch.wait.max.ms.
#
# One command:
#   1. builds bench/es-produce.c (librdkafka) into $BUILD_DIR with cc;
#   2. starts a broker with scripts/kafka.sh (KRaft, the jars of the integration tests; it
#      dies with this script and its data dir is removed);
#   3. es-produce creates TOPIC (1 partition) and produces LIVE_RATE events/s to it with
#      linger.ms=0, message timestamp = produce time;
#   4. starts our server ($BUILD_DIR/eventstreams, built here if missing) through
#      bench/eventstreams-wrapper.sh with a stream of TOPIC only;
#   5. the peer's sseclient tails the live head: a WARMUP_SECS client (discarded: the live
#      hub's consumer starts), then 1 client for FLOOR_SECS (the floor: produce -> broker ->
#      server -> client with nothing to fan out), then LIVE_CLIENTS clients for LIVE_SECS,
#      opened RAMP_MS apart;
#   6. prints clients | events delivered | latency p50 / p99 / max | server CPU-s per 1000
#      delivered events (utime+stime of the server from /proc/PID/stat around each step),
#      and writes key=value results to $OUT/results.txt.
#
# Usage:
#   bench/live-real-broker.sh
#
# Env: BUILD_DIR (default <repo>/build-bench), OUT (/tmp/es-live-real-broker), PEER_WORK
#   (${XDG_CACHE_HOME:-$HOME/.cache}/eventstreams-peer: its build/sseclient), LIVE_RATE (200),
#   LIVE_CLIENTS (1000), LIVE_SECS (30), FLOOR_SECS (10), WARMUP_SECS (2), RAMP_MS (1), PORT
#   (18098), TOPIC (eqiad.mediawiki.recentchange), PAYLOAD_FILE (one-line JSON object; default
#   es-produce's built-in ~1.1 KB recentchange), CLIENT_OPTS (more sseclient options), and
#   the wrapper's ES_KAFKA_PROPS, ES_EVENT_LOOPS, ES_HTTP_THREADS, ES_LIVE_HUB_* ... (default:
#   the server's defaults: a real broker answers a fetch as soon as data is there, so no
#   fetch.wait.max.ms is needed). Needs LIVE_CLIENTS + ~100 descriptors (the soft
#   RLIMIT_NOFILE is raised to the hard one).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
: "${BUILD_DIR:=$REPO/build-bench}" "${OUT:=/tmp/es-live-real-broker}"
: "${PEER_WORK:=${XDG_CACHE_HOME:-$HOME/.cache}/eventstreams-peer}"
: "${LIVE_RATE:=200}" "${LIVE_CLIENTS:=1000}" "${LIVE_SECS:=30}" "${FLOOR_SECS:=10}"
: "${WARMUP_SECS:=2}" "${RAMP_MS:=1}" "${PORT:=18098}" "${TOPIC:=eqiad.mediawiki.recentchange}"
: "${PAYLOAD_FILE:=}" "${CLIENT_OPTS:=}"
STREAM_PATH=/v2/stream/recentchange
CLIENT=$PEER_WORK/build/sseclient
BIN=$BUILD_DIR/eventstreams
PRODUCER=$BUILD_DIR/es-produce
HZ=$(getconf CLK_TCK)
log() { echo "[$(date +%T)] live-real-broker: $*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$OUT" "$BUILD_DIR"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/es-live-rb.XXXXXX")
KDATA=$SCRATCH/kafka
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  exec 9>&- 2>/dev/null
  [ -f "$KDATA/pid" ] && "$REPO/scripts/kafka.sh" stop "$KDATA" >/dev/null 2>&1
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=wait-port.sh
source "$HERE/wait-port.sh"
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt $((LIVE_CLIENTS + 100)) ]; then
  die "ulimit -n is $(ulimit -Sn) (hard); $LIVE_CLIENTS clients need $((LIVE_CLIENTS + 100))"
fi
[ -x "$CLIENT" ] || die "no sseclient at $CLIENT (bench/run.sh builds it)"

# --- 1. build ---------------------------------------------------------------------------
cc -O2 -Wall -Wextra -o "$PRODUCER" "$HERE/es-produce.c" -lrdkafka || die "building es-produce failed"
if [ ! -x "$BIN" ]; then
  log "building the server into $BUILD_DIR"
  { cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release &&
    cmake --build "$BUILD_DIR" -j2 --target server; } > "$SCRATCH/build.log" 2>&1 ||
    die "building the server failed: $(tail -5 "$SCRATCH/build.log")"
fi

# --- 2. broker --------------------------------------------------------------------------
KAFKA_OWNER_PID=$$ KAFKA_OWNER_CLEANUP=1 "$REPO/scripts/kafka.sh" start "$KDATA" \
    > "$SCRATCH/kafka.out" 2> "$SCRATCH/kafka.err" < /dev/null ||
  die "the broker did not start: $(tail -5 "$SCRATCH/kafka.err")"
BROKERS=$(sed -n 's/^bootstrap=//p' "$SCRATCH/kafka.out")
[ -n "$BROKERS" ] || die "kafka.sh printed no bootstrap address"
BROKER_PID=$(cat "$KDATA/pid")
log "broker $BROKERS (pid $BROKER_PID)"

# --- 3. producer (stdin = fd 9 of this script: closing it stops the producer) ------------
mkfifo "$SCRATCH/produce.fifo"
"$PRODUCER" "$BROKERS" "$TOPIC" "$LIVE_RATE" 0 ${PAYLOAD_FILE:+"$PAYLOAD_FILE"} \
    < "$SCRATCH/produce.fifo" > "$SCRATCH/produce.out" 2> "$SCRATCH/produce.err" &
PRODUCER_PID=$!; PIDS+=("$PRODUCER_PID")
exec 9> "$SCRATCH/produce.fifo"
for ((i = 0; i < 600; i++)); do
  grep -q '^READY' "$SCRATCH/produce.out" 2>/dev/null && break
  kill -0 "$PRODUCER_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q '^READY' "$SCRATCH/produce.out" || die "es-produce failed: $(tail -3 "$SCRATCH/produce.err")"
log "producing $LIVE_RATE events/s to $TOPIC (linger.ms=0)"

# --- 4. server --------------------------------------------------------------------------
ES_BIN=$BIN ES_BENCH_TMP=$SCRATCH TOPICS=$TOPIC STREAM_PATH=$STREAM_PATH \
  "$HERE/eventstreams-wrapper.sh" "$BROKERS" "$PORT" \
    < /dev/null > "$SCRATCH/server.out" 2> "$OUT/server.err" 9>&- &
SERVER_PID=$!; PIDS+=("$SERVER_PID")
wait_port "$PORT" "$SERVER_PID" || die "the server did not start: $(tail -3 "$OUT/server.err")"
log "server pid $SERVER_PID on port $PORT"

# --- 5. clients -------------------------------------------------------------------------
URL=http://127.0.0.1:$PORT$STREAM_PATH
RES=$OUT/results.txt
{
  echo "date=$(date -u +%FT%TZ)"; echo "kernel=$(uname -r) cpus=$(nproc)"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"; echo "brokers=$BROKERS"; echo "topic=$TOPIC"; echo "rate=$LIVE_RATE"; echo "producer_linger_ms=0"
  echo "es_kafka_props=${ES_KAFKA_PROPS:-}"; echo "ramp_ms=$RAMP_MS"; echo "client_opts=$CLIENT_OPTS"
} > "$RES"
tail_step() { # name clients secs [sseclient options]
  local name=$1 conns=$2 secs=$3 s0 s1 out ev
  shift 3
  s0=$(cpu_ticks "$SERVER_PID")
  # shellcheck disable=SC2086  # CLIENT_OPTS is a list of options
  out=$(timeout $((secs + 90)) "$CLIENT" --url "$URL" -c "$conns" -n 0 --duration "$secs" \
        --timeout $((secs + 60)) --latency "$@" $CLIENT_OPTS 2> "$OUT/$name.client.err" 9>&-)
  s1=$(cpu_ticks "$SERVER_PID")
  echo "$out" > "$OUT/$name.client"
  [ "$name" = warmup ] && return 0
  ev=$(tr ' ' '\n' <<<"$out" | sed -n 's/^events=//p')
  {
    tr ' ' '\n' <<<"$out" |
      grep -E '^(conns|failed|headers|events|error_events|latency_samples|latency_ms_p50|latency_ms_p99|latency_ms_max|client_cpu_s|MB_per_s)=' |
      sed "s/^/${name}_/"
    echo "${name}_secs=$secs"
    echo "${name}_expected_max=$((LIVE_RATE * secs * conns))"
    echo "${name}_server_cpu_s=$(awk -v t=$((s1 - s0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')"
    echo "${name}_server_cpu_s_per_1000ev=$(awk -v t=$((s1 - s0)) -v hz="$HZ" -v e="${ev:-0}" \
          'BEGIN { if (e > 0) printf "%.4f", t / hz / e * 1000; else print "nan" }')"
  } >> "$RES"
  log "$name: $(grep -E "^${name}_(events|latency_ms_p50|latency_ms_p99|latency_ms_max|server_cpu_s_per_1000ev)=" "$RES" | paste -sd' ')"
}
[ "$WARMUP_SECS" -gt 0 ] && tail_step warmup 1 "$WARMUP_SECS"
tail_step floor 1 "$FLOOR_SECS"
tail_step live "$LIVE_CLIENTS" "$LIVE_SECS" --ramp-ms "$RAMP_MS"

# --- stop the producer (EOF on its stdin) and report -------------------------------------
exec 9>&-
for ((i = 0; i < 300; i++)); do kill -0 "$PRODUCER_PID" 2>/dev/null || break; sleep 0.1; done
wait "$PRODUCER_PID" 2>/dev/null
sed -n 's/^produced=\([0-9]*\) failed=\([0-9]*\)$/producer_produced=\1\nproducer_failed=\2/p' \
  "$SCRATCH/produce.out" >> "$RES"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" >> "$RES"
get() { sed -n "s/^$1=//p" "$RES" | head -1; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
ratio=$(div "$(get live_latency_ms_p99)" "$(get floor_latency_ms_p99)")
echo "live_p99_over_floor_p99=$ratio" >> "$RES"
echo "live_p99_over_floor_p50=$(div "$(get live_latency_ms_p99)" "$(get floor_latency_ms_p50)")" >> "$RES"
echo
echo "Live tail, real Kafka broker ($BROKERS), $LIVE_RATE events/s, producer linger.ms=0"
printf '%-8s | %-28s | %-24s | %s\n' clients "events delivered (max)" "latency ms p50/p99/max" "server CPU-s / 1000 ev"
for s in floor live; do
  printf '%-8s | %-28s | %-24s | %s\n' "$(get ${s}_conns)" \
    "$(get ${s}_events) ($(get ${s}_expected_max))" \
    "$(get ${s}_latency_ms_p50) / $(get ${s}_latency_ms_p99) / $(get ${s}_latency_ms_max)" \
    "$(get ${s}_server_cpu_s_per_1000ev)"
done
echo "load average (1/5/15 min) at the start $(get loadavg_start), at the end $(get loadavg_end)"
echo "live p99 / floor p99 = $ratio, / floor p50 = $(get live_p99_over_floor_p50) (target 3: <= 2); results in $RES"
