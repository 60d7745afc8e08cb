#!/usr/bin/env bash
# Idle SSE clients at the live head with heartbeats on (issue 13 item 6): our server on the
# embedded cluster with a stream that gets no event, CLIENTS connections from SOURCES loopback
# addresses (bench/es-idle.c), held for SECONDS. Prints the server's RSS per client, its
# threads, and the heartbeats' lateness.
#   bench/idle-clients.sh [CLIENTS=18000] [SECONDS=25]
# Env: BUILD_DIR (default build), SOURCES (8), HEARTBEAT_MS (5000), PORT (18097).
# Each side needs CLIENTS descriptors: the shell's hard RLIMIT_NOFILE bounds CLIENTS.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-18000}
seconds=${2:-25}
build=${BUILD_DIR:-build}
sources=${SOURCES:-8}
heartbeat=${HEARTBEAT_MS:-5000}
port=${PORT:-18097}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < clients + 100)); then
  echo "idle-clients: RLIMIT_NOFILE is $(ulimit -n) (hard); $clients clients need more" >&2
  exit 2
fi
gcc -O2 -Wall -Wextra -o "$work/es-idle" bench/es-idle.c
printf 'quiet:\n  topics: [idle.topic]\n' >"$work/streams.yaml"
cat >"$work/config.yaml" <<YAML
port: $port
interface: 127.0.0.1
stream_config_uri: streams.yaml
kafka: {embedded: true, embedded_events_per_second: 0}
heartbeat_interval_ms: $heartbeat
log_level: warn
YAML
"$build/eventstreams" --config "$work/config.yaml" >"$work/server.log" 2>&1 &
pid=$!
sleep 2
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
threads() { ls "/proc/$pid/task" | wc -l; }
rss0=$(rss)
threads0=$(threads)
"$work/es-idle" "$port" quiet "$clients" "$sources" "$seconds" "$heartbeat" >"$work/out.txt" \
  2>"$work/err.txt" &
client=$!
# Sample the server while every client is connected (past the connect burst).
sleep $((seconds / 2 + 3))
rss1=$(rss)
threads1=$(threads)
connected=$(curl -s "localhost:$port/metrics" | awk '/^eventstreams_connections /{print $2}')
wait "$client"
echo "clients=$clients sources=$sources heartbeat_ms=$heartbeat connected_server_side=$connected"
echo "server_rss_idle_kb=$rss0 server_rss_kb=$rss1 rss_per_client_bytes=$(((rss1 - rss0) * 1024 / clients))"
echo "server_threads_idle=$threads0 server_threads=$threads1"
cat "$work/out.txt"
