#!/usr/bin/env bash
# eventstreams-wrapper.sh BROKERS PORT: runs our server the way run-peer.sh runs a server
# (SERVER_CMD='bench/eventstreams-wrapper.sh {BROKERS} {PORT}'): writes a config for the
# peer's mock cluster into a temp dir, then execs the binary (so the measured process tree
# is the server alone).
#
# Env: ES_BIN (default <repo>/build-bench/eventstreams), ES_BENCH_TMP (parent of the temp
# dir; run.sh points it at a folder it removes at exit), ES_EVENT_LOOPS (2),
# ES_HTTP_THREADS (16), ES_LOG_LEVEL (warn, like the peer's logger), ES_HEARTBEAT_MS (15000),
# ES_CLIENT_BUFFER_BYTES, ES_LIVE_HUB_CLIENTS, ES_LIVE_HUB_LINGER_MS (defaults of the server), ES_KAFKA_PROPS (more librdkafka properties
# in YAML flow style, e.g. 'fetch.wait.max.ms: 2'), ES_CONFIG_EXTRA (more top-level config
# lines, e.g. $'http_max_queued: 1024\n'), TOPICS / STREAM_PATH (as run-peer.sh's).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BROKERS PORT" >&2; exit 1; }
brokers=$1 port=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${ES_BIN:-$repo/build-bench/eventstreams}
[ -x "$bin" ] || { echo "eventstreams-wrapper: no server binary at $bin" >&2; exit 1; }
parent=${ES_BENCH_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$parent"
dir=$(mktemp -d "$parent/es-wrapper.XXXXXX")

topics=${TOPICS:-eqiad.mediawiki.recentchange,codfw.mediawiki.recentchange}
stream=${STREAM_PATH:-/v2/stream/recentchange}
stream=${stream##*/}
topic_list=$(printf '%s' "$topics" | sed 's/,/, /g')

cat > "$dir/streams.yaml" <<YAML
$stream:
  topics: [$topic_list]
YAML
{
  echo "port: $port"
  echo "interface: 127.0.0.1"
  echo "stream_config_uri: streams.yaml"
  echo "kafka: {metadata.broker.list: \"$brokers\"${ES_KAFKA_PROPS:+, $ES_KAFKA_PROPS}}"
  echo "heartbeat_interval_ms: ${ES_HEARTBEAT_MS:-15000}"
  echo "event_loops: ${ES_EVENT_LOOPS:-2}"
  [ -n "${ES_LIVE_HUB_CLIENTS:-}" ] && echo "live_hub_clients: $ES_LIVE_HUB_CLIENTS"
  [ -n "${ES_LIVE_HUB_LINGER_MS:-}" ] && echo "live_hub_linger_ms: $ES_LIVE_HUB_LINGER_MS"
  echo "http_threads: ${ES_HTTP_THREADS:-16}"
  echo "log_level: ${ES_LOG_LEVEL:-warn}"
  [ -n "${ES_CLIENT_BUFFER_BYTES:-}" ] && echo "client_buffer_bytes: $ES_CLIENT_BUFFER_BYTES"
  [ -n "${ES_CONFIG_EXTRA:-}" ] && printf '%s\n' "$ES_CONFIG_EXTRA"
  true
} > "$dir/config.yaml"
exec "$bin" --config "$dir/config.yaml"
