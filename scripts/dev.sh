#!/usr/bin/env bash
# Installs what is missing, builds, and runs the server on config.dev.yaml: an in-process mock
# Kafka cluster with demo events, nothing else needed. Extra arguments go to the server
# (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}" scripts/build.sh server
exec "${BUILD_DIR:-build}/eventstreams" --config config.dev.yaml "$@"
