#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang 14, ASan + UBSan) and runs every one for a
# bounded time from its committed seed corpus. A crash, a sanitizer report, a leak, a timeout
# (one input over FUZZ_TIMEOUT s) or running out of memory fails the run; the input that did it
# is kept in $BUILD_DIR/fuzz-artifacts/ and its log printed.
#   scripts/fuzz.sh [seconds per target, default 30] [target name regex]
# Env: BUILD_DIR (build-fuzz), JOBS (2), FUZZ_TIMEOUT (10).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
only="${2:-.}"
BUILD_DIR="${BUILD_DIR:-build-fuzz}"
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake --preset fuzz -B "$BUILD_DIR" "${launcher[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target fuzzers

artifacts="$BUILD_DIR/fuzz-artifacts"
mkdir -p "$artifacts"
failed=()
while read -r binary corpus; do
  name="$(basename "$binary")"
  [[ "$name" =~ $only ]] || continue
  # New inputs go to a scratch copy: the committed corpus stays as it is.
  work="$BUILD_DIR/fuzz-corpus/$name"
  rm -rf "$work" && mkdir -p "$work"
  log="$artifacts/$name.log"
  start=$SECONDS
  if ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    "$binary" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
      "$work" "$corpus" >"$log" 2>&1; then
    echo "fuzz: $name ok in $((SECONDS - start)) s: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs, $(grep -c . <(ls "$work")) new inputs"
  else
    echo "fuzz: $name FAILED (log: $log)" >&2
    tail -n 60 "$log" >&2
    failed+=("$name")
  fi
done <"$BUILD_DIR/fuzzers.txt"
if ((${#failed[@]} > 0)); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
