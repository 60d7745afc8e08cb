#!/usr/bin/env bash
# Installs what is missing, builds, fetches Kafka (cached), and runs every test: unit tests,
# plugin tests and the integration tests against a real Kafka broker, which ctest starts and
# stops itself. Extra arguments go to ctest (e.g. -L kafka, -R Resume).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/kafka.sh fetch >/dev/null
BUILD_DIR="${BUILD_DIR:-build}" scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "${JOBS:-2}" --timeout 600 "$@"
