#!/usr/bin/env bash
# reconnect-storm.sh [CLIENTS] [BEHIND]: CLIENTS clients reconnect at once with a Last-Event-ID
# BEHIND events behind the head of a stream whose live hub runs (what follows a network blip
# or a proxy restart), first with the live hubs' replay ring (live_replay_bytes, the default),
# then without it (live_replay_bytes: 0, a Kafka consumer per resuming client).
#
# Per run: a fresh mock cluster (../shared/bench/peer's mockkafka, LIVE_RATE events/s live),
# our server (bench/eventstreams-wrapper.sh, `fetch.wait.max.ms: 2`), WATCHERS (100) live
# clients that keep the live hub and measure their latency, then the storm: sseclient -c
# CLIENTS, each from the same offset, each reading BEHIND events (half replayed, half live).
# Prints the storm client's summary (all complete? seconds until the last one had its events,
# first event p50 / max), the watchers' latency around it (what the storm costs the clients
# already there), the server's peak threads and RSS, and what /metrics says about replayed
# resumes and Kafka readers.
#
# Env: PEER_WORK (where the peer tools were built; bench/run.sh builds them), ES_BIN (default
# build-bench/eventstreams), PORT (18095), LIVE_RATE (200), WATCHERS (100).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CLIENTS=${1:-1000} BEHIND=${2:-100}
PEER_WORK=${PEER_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/eventstreams-peer}
PORT=${PORT:-18095} LIVE_RATE=${LIVE_RATE:-200} WATCHERS=${WATCHERS:-100}
CLIENT=$PEER_WORK/build/sseclient MOCK=$PEER_WORK/build/mockkafka
[ -x "$CLIENT" ] && [ -x "$MOCK" ] || { echo "no peer tools in $PEER_WORK/build (run bench/run.sh once)" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
TOPIC=eqiad.mediawiki.recentchange BACKLOG=1000
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/es-storm.XXXXXX")
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; exec 9>&- 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT

storm() { # label, extra config lines
  local label=$1 i server live sampler head
  mkfifo "$SCRATCH/mock.fifo"
  "$MOCK" -n "$BACKLOG" --partitions 1 --topics "$TOPIC,codfw.mediawiki.recentchange" \
      < "$SCRATCH/mock.fifo" > "$SCRATCH/mock.out" 2> "$SCRATCH/mock.err" &
  PIDS+=($!)
  exec 9> "$SCRATCH/mock.fifo"
  for ((i = 0; i < 300; i++)); do grep -q '^READY' "$SCRATCH/mock.out" 2>/dev/null && break; sleep 0.2; done
  ES_KAFKA_PROPS='fetch.wait.max.ms: 2' ES_CONFIG_EXTRA=$2 ES_BENCH_TMP=$SCRATCH \
    "$HERE/eventstreams-wrapper.sh" "$(head -1 "$SCRATCH/mock.out")" "$PORT" \
    < /dev/null > "$SCRATCH/server.out" 2> "$SCRATCH/server.err" 9>&- &
  server=$!; PIDS+=("$server")
  for ((i = 0; i < 300; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  # The head moves at LIVE_RATE; the storm starts BEHIND/2 events behind it, so half of what
  # each client reads is in the past and half is live.
  local secs=$(( (BEHIND + LIVE_RATE - 1) / LIVE_RATE + 2 ))
  "$CLIENT" --url "http://127.0.0.1:$PORT/v2/stream/recentchange" -c "$WATCHERS" -n 0 --latency \
      --duration $((secs + 15)) --timeout $((secs + 60)) > "$SCRATCH/watchers.out" 2>/dev/null 9>&- &
  live=$!; PIDS+=("$live")
  sleep 1
  echo "rate $LIVE_RATE" >&9
  sleep "$secs"
  head=$((BACKLOG + LIVE_RATE * secs))
  ( while :; do echo "$(awk '/^Threads/ {print $2}' "/proc/$server/status") $(awk '/^VmRSS/ {print $2}' "/proc/$server/status")"; sleep 0.2; done ) \
      > "$SCRATCH/samples" 2>/dev/null &
  sampler=$!; PIDS+=("$sampler")
  local out
  out=$("$CLIENT" --url "http://127.0.0.1:$PORT/v2/stream/recentchange" -c "$CLIENTS" -n "$BEHIND" \
        --from-offset $((head - BEHIND / 2)) --topic "$TOPIC" --partitions 1 --timeout 120 2>/dev/null 9>&-)
  kill "$sampler" 2>/dev/null
  wait "$live"  # the watchers end on their own, a few seconds after the storm
  local peak; peak=$(sort -n "$SCRATCH/samples" | tail -1)
  local metrics; metrics=$(curl -s "http://127.0.0.1:$PORT/metrics")
  printf '%-28s %s\n' "$label" "$(tr ' ' '\n' <<<"$out" | grep -E '^(complete|failed|seconds|first_event_ms_p50|first_event_ms_max)=' | paste -sd' ')"
  printf '%-28s %s live watchers meanwhile: latency ms %s\n' "" "$WATCHERS" \
    "$(tr ' ' '\n' < "$SCRATCH/watchers.out" | grep -E '^latency_ms_(p50|p99|max)=' | sed 's/latency_ms_//' | paste -sd' ')"
  printf '%-28s peak threads %s, peak RSS %s KB; replayed resumes %s, Kafka readers after %s\n' "" \
    "${peak%% *}" "${peak##* }" \
    "$(awk '$1 == "eventstreams_resumes_replayed_total" {print $2}' <<<"$metrics")" \
    "$(awk '$1 == "eventstreams_source_readers" {print $2}' <<<"$metrics")"
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
  exec 9>&-
  rm -f "$SCRATCH/mock.fifo"
  sleep 1
}

echo "$CLIENTS clients reconnect at once, $((BEHIND / 2)) events behind the head, $BEHIND events each:"
storm "replay ring (default)" ""
storm "no ring (a reader each)" "live_replay_bytes: 0"
