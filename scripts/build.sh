#!/usr/bin/env bash
# Configures and builds into build/ (or $BUILD_DIR) with warnings as errors.
#   scripts/build.sh [cmake build targets...]     (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DES_WERROR=ON ${CMAKE_ARGS:-} >/dev/null
if (($# > 0)); then
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target "$@"
else
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
fi
