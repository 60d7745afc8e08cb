#!/usr/bin/env bash
# Runs ui_test.mjs against a real server on the embedded demo config, in Debian's headless
# Chromium with playwright-core (pinned in package.json, installed once into the cache).
#   run_ui_test.sh EVENTSTREAMS_BINARY SOURCE_ROOT OUTPUT_DIR
set -euo pipefail
bin=$1 src=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cache=${EVENTSTREAMS_CACHE:-$HOME/.cache/eventstreams}/ui-test-npm
mkdir -p "$cache" "$out"
if ! cmp -s "$here/package.json" "$cache/package.json" || [ ! -d "$cache/node_modules/playwright-core" ]; then
  cp "$here/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
command -v chromium >/dev/null || { echo "chromium is not installed (scripts/install-deps.sh)"; exit 1; }

work=$(mktemp -d)
log=$work/server.log
sed -e "s|^stream_config_uri:.*|stream_config_uri: $src/streams.dev.yaml|" -e 's|^port:.*|port: 0|' \
  "$src/config.dev.yaml" > "$work/config.yaml"
"$bin" --config "$work/config.yaml" --port 0 > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
port=
for _ in $(seq 1 300); do
  port=$(grep -o '"message":"listening".*"port":[0-9]*' "$log" | grep -o '"port":[0-9]*' | head -1 | cut -d: -f2 || true)
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not listen"; cat "$log"; exit 1; }
# Run from the cache, beside its node_modules: ES modules resolve packages from their own folder.
cp "$here/ui_test.mjs" "$cache/ui_test.mjs"
node "$cache/ui_test.mjs" "http://127.0.0.1:$port" "$out" ||
  { echo "--- server log"; tail -20 "$log"; exit 1; }
echo "screenshot: $out/ui.png"
