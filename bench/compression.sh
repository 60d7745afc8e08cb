#!/usr/bin/env bash
# Compressed streams against uncompressed (issue 13 item 5): bytes on the wire per event and
# the server's CPU per client, at 1 and 1000 clients of one live stream (one group), on the
# embedded demo cluster. Not a test: it reports, it asserts nothing.
#
#   bench/compression.sh [SECONDS=20]
#
# Env: ES_BIN (default build/eventstreams), EPS (demo events per second, 50), CLIENTS
# ("1 1000"), ENCODINGS ("identity gzip"), CATCHUP (1: a last row per coding, one client
# draining from offset 0 what the demo produced at 5000 events/s in BACKLOG_S (10) seconds,
# so in batches of up to 512 events, counted for CATCHUP_S (2) seconds; 0: not). The server's CPU is utime + stime of its process
# (/proc/PID/stat) over the counting window, from after every client has its head; the wire
# bytes are what the clients read off their sockets (bench/compression_clients.py).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
bin=${ES_BIN:-$repo/build/eventstreams}
eps=${EPS:-50}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/streams.yaml" <<YAML
rc: {topics: [eqiad.mediawiki.recentchange]}
YAML
cat > "$work/config.yaml" <<YAML
interface: 127.0.0.1
stream_config_uri: $work/streams.yaml
kafka: {embedded: true, embedded_events_per_second: $eps}
event_loops: 2
log_level: info  # the "listening" line gives the port
live_hub_clients: 100000
YAML
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf '%-9s %-8s %8s %10s %14s %16s %18s\n' clients coding events wire_MB bytes/event \
  cpu_ms/s/client cpu_us/event/client
runs=()
for clients in ${CLIENTS:-1 1000}; do
  for enc in ${ENCODINGS:-identity gzip}; do runs+=("$clients $enc live"); done
done
if [ "${CATCHUP:-1}" = 1 ]; then
  for enc in ${ENCODINGS:-identity gzip}; do runs+=("1 $enc catchup"); done
fi
sed -e "s/embedded_events_per_second: $eps/embedded_events_per_second: 5000/" \
  "$work/config.yaml" > "$work/config-catchup.yaml"
from_start='[{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":-2}]'
for run in "${runs[@]}"; do
  read -r clients enc kind <<<"$run"
  {
    config=$work/config.yaml resume=()
    if [ "$kind" = catchup ]; then config=$work/config-catchup.yaml resume=("$from_start"); fi
    "$bin" --config "$config" --port 0 > "$work/server.log" 2>&1 &
    server=$!
    port=
    for _ in $(seq 1 100); do
      port=$(grep -o '"message":"listening".*"port":[0-9]*' "$work/server.log" |
        grep -o '"port":[0-9]*' | head -1 | cut -d: -f2 || true)
      [ -n "$port" ] && break
      sleep 0.1
    done
    [ -n "$port" ] || { echo "server did not listen"; cat "$work/server.log"; exit 1; }
    if [ "$kind" = catchup ]; then sleep "${BACKLOG_S:-10}"; fi
    python3 "$repo/bench/compression_clients.py" "$port" /v2/stream/rc "$clients" "$enc" \
      "$([ "$kind" = catchup ] && echo "${CATCHUP_S:-2}" || echo "$seconds")" "${resume[@]}" \
      > "$work/clients.out" &
    clients_pid=$!
    until grep -q connected "$work/clients.out" 2>/dev/null; do
      kill -0 $clients_pid 2>/dev/null || { cat "$work/clients.out"; tail "$work/server.log"; exit 1; }
      sleep 0.05
    done
    t0=$(cpu_ticks $server)
    wait $clients_pid
    t1=$(cpu_ticks $server)
    result=$(tail -1 "$work/clients.out")
    kill $server; wait $server 2>/dev/null || true
    python3 - "$result" "$((t1 - t0))" "$hz" "$kind" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); ticks = int(sys.argv[2]); hz = int(sys.argv[3])
kind = sys.argv[4]
if "error" in r:
    print(r); sys.exit(1)
cpu_ms = ticks * 1000 / hz
n, secs, ev = r["clients"], r["seconds"], max(1, r["events"])
print(f'{str(n) + (" (c)" if kind == "catchup" else ""):<9} {r["encoding"]:<8} {ev:>8} {r["wire_bytes"] / 1e6:>10.2f} '
      f'{r["wire_bytes_per_event"]:>14} {cpu_ms / secs / n:>16.3f} '
      f'{cpu_ms * 1000 / ev / n:>18.2f}')
PY
  }
done
