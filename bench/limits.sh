#!/usr/bin/env bash
# limits.sh: what bounds the drain and live figures on this machine whatever the server (the
# "limits" step of bench/run.sh; see bench/README.md).
#
# Client ceiling. Records our server's SSE stream of the N_SINGLE-event backlog once (the exact bytes a drain
# client gets), then replays that recording with bench/sse-replay (sendfile from the page
# cache: next to no server CPU) to the same sseclient, with the same options and sizes as
# run-peer.sh's drain steps: 1 client x N_SINGLE, then c x N_MULTI for c in CONC_LIST, RUNS
# times. The events/s reached here bound what any server can show in those steps on this
# machine: above it the client, not the server, is the bottleneck.
#
# Latency floor. While the recording server is up, the mock produces LIVE_RATE events/s and
# ONE client tails for FLOOR_SECS (no poll delay): produce -> client latency with nothing to
# fan out, i.e. the mock producer's linger.ms (5) plus one fetch (FLOOR_KAFKA_PROPS, by
# default run.sh's SCALE_KAFKA_PROPS) plus the 1 ms rounding of the client.
#
# Env (run.sh sets them): PEER_WORK, OUT (results dir), PORT, RUNS, N_SINGLE, N_MULTI,
# CONC_LIST, LIVE_RATE (200), FLOOR_SECS (10), FLOOR_KAFKA_PROPS, CLIENT_OPTS (default as run-peer.sh's: --poll-delay-us 1000), REPLAY_BIN,
# TOPICS / STREAM_PATH, ES_BENCH_TMP (scratch; the recording goes there and is removed).
# Writes $OUT/runN/metrics.txt (key=value) and $OUT/summary.tsv / summary.txt (medians).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
: "${PEER_WORK:?}" "${OUT:?}" "${PORT:?}" "${REPLAY_BIN:?}"
: "${RUNS:=3}" "${N_SINGLE:=200000}" "${N_MULTI:=20000}" "${CONC_LIST:=10 100}"
: "${CLIENT_OPTS:=--poll-delay-us 1000}" "${LIVE_RATE:=200}" "${FLOOR_SECS:=10}"
TOPICS=${TOPICS:-eqiad.mediawiki.recentchange,codfw.mediawiki.recentchange}
TOPIC=${TOPICS%%,*}
STREAM_PATH=${STREAM_PATH:-/v2/stream/recentchange}
PEER_DIR=${PEER_DIR:-$HERE/../../shared/bench/peer}
CLIENT=$PEER_WORK/build/sseclient
SCRATCH=${ES_BENCH_TMP:-${TMPDIR:-/tmp}}/limits.$$
mkdir -p "$OUT" "$SCRATCH"
HZ=$(getconf CLK_TCK)
log() { echo "[$(date +%T)] limits: $*" >&2; }

PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; exec 9>&- 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT
# shellcheck source=wait-port.sh
source "$HERE/wait-port.sh"

# --- 1. record: mock cluster with the backlog, our server, one client from offset 0 ------
body=$SCRATCH/body.sse
mkfifo "$SCRATCH/mock.fifo"
"$PEER_WORK/build/mockkafka" -n "$N_SINGLE" --partitions 1 --topics "$TOPICS" \
    < "$SCRATCH/mock.fifo" > "$SCRATCH/mock.out" 2> "$SCRATCH/mock.err" &
PIDS+=($!)
exec 9> "$SCRATCH/mock.fifo"  # its stdin: EOF (our exit) stops it
for ((i = 0; i < 600; i++)); do grep -q '^READY' "$SCRATCH/mock.out" 2>/dev/null && break; sleep 0.2; done
grep -q '^READY' "$SCRATCH/mock.out" || { log "mock failed: $(cat "$SCRATCH/mock.err")"; exit 1; }
ES_KAFKA_PROPS=${FLOOR_KAFKA_PROPS:-${ES_KAFKA_PROPS:-}} \
  "$HERE/eventstreams-wrapper.sh" "$(head -1 "$SCRATCH/mock.out")" "$PORT" \
    < /dev/null > "$SCRATCH/server.out" 2> "$SCRATCH/server.err" 9>&- &
server=$!; PIDS+=("$server")
wait_port "$PORT" "$server" || { log "server did not start: $(tail -3 "$SCRATCH/server.err")"; exit 1; }
curl -sN -H "Last-Event-ID: [{\"topic\":\"$TOPIC\",\"partition\":0,\"offset\":0}]" \
    "http://127.0.0.1:$PORT$STREAM_PATH" -o "$body" 9>&- &
curl_pid=$!; PIDS+=("$curl_pid")
# The backlog is done when the recording stops growing (the next bytes would be a heartbeat,
# 15 s away); bounded by STEP_TIMEOUT.
prev=-1 still=0
for ((i = 0; i < ${STEP_TIMEOUT:-900} * 2; i++)); do
  sleep 0.5
  size=$(stat -c %s "$body" 2>/dev/null || echo 0)
  if [ "$size" -gt 0 ] && [ "$size" = "$prev" ]; then still=$((still + 1)); [ $still -ge 3 ] && break; else still=0; fi
  prev=$size
done
kill "$curl_pid" 2>/dev/null; wait "$curl_pid" 2>/dev/null
events=$(grep -c '^data:' "$body")
log "recorded $events events, $(stat -c %s "$body") bytes of our stream"
[ "$events" -ge "$N_SINGLE" ] || { log "the recording has $events of $N_SINGLE events"; exit 1; }

# --- 2. latency floor: one live client on the same server ---------------------------------
floor=$OUT/floor.metrics
: > "$floor"
if [ "$LIVE_RATE" -gt 0 ] && [ "$FLOOR_SECS" -gt 0 ]; then
  echo "rate $LIVE_RATE" >&9
  sleep 1
  out=$(timeout $((FLOOR_SECS + 60)) "$CLIENT" --url "http://127.0.0.1:$PORT$STREAM_PATH" -c 1 -n 0 \
        --duration "$FLOOR_SECS" --timeout $((FLOOR_SECS + 30)) --latency 2> "$OUT/floor.client.err")
  echo "rate 0" >&9
  echo "$out" > "$OUT/floor.client"
  tr ' ' '\n' <<<"$out" | grep -E '^(events|latency_ms_p50|latency_ms_p99|latency_ms_max)=' |
    sed 's/^/floor_/' > "$floor"
  log "latency floor (1 live client): $(paste -sd' ' "$floor")"
fi
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
exec 9>&-

# --- 3. replay to the drain steps' client ------------------------------------------------
"$REPLAY_BIN" --file "$body" --port "$PORT" --ready-file "$SCRATCH/replay.ready" \
    > "$SCRATCH/replay.out" 2>&1 &
replay=$!; PIDS+=("$replay")
wait_port "$PORT" "$replay" || { log "sse-replay did not start: $(cat "$SCRATCH/replay.out")"; exit 1; }
cat "$body" > /dev/null  # in the page cache before the first measurement
url=http://127.0.0.1:$PORT$STREAM_PATH
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
for ((run = 1; run <= RUNS; run++)); do
  dir=$OUT/run$run; mkdir -p "$dir"; : > "$dir/metrics.txt"
  drain() { # name conns n
    local s0 s1 out
    s0=$(cpu_ticks "$replay")
    # shellcheck disable=SC2086  # CLIENT_OPTS is a list of options
    out=$(timeout $((${STEP_TIMEOUT:-900} + 30)) "$CLIENT" --url "$url" -c "$2" -n "$3" \
          --timeout "${STEP_TIMEOUT:-900}" $CLIENT_OPTS 2> "$dir/$1.client.err")
    s1=$(cpu_ticks "$replay")
    echo "$out" > "$dir/$1.client"
    tr ' ' '\n' <<<"$out" | grep -E '^(events_per_s|MB_per_s|client_cpu_s|complete|events)=' |
      sed "s/^/$1_/" >> "$dir/metrics.txt"
    echo "$1_server_cpu_s=$(awk -v t=$((s1 - s0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" >> "$dir/metrics.txt"
  }
  drain single 1 "$N_SINGLE"
  for c in $CONC_LIST; do drain "c$c" "$c" "$N_MULTI"; done
  log "run $run: $(grep -E '_events_per_s=' "$dir/metrics.txt" | paste -sd' ')"
done
cat "$floor" >> "$OUT/run1/metrics.txt"  # measured once
bash "$PEER_DIR/run-peer.sh" --summarize "$OUT" > /dev/null 2>&1
[ -s "$OUT/summary.tsv" ] || { log "no summary"; exit 1; }
exit 0
