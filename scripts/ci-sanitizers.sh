#!/usr/bin/env bash
# The sanitizer builds of CI, each a CMake preset (CMakePresets.json), with clang 14:
#   scripts/ci-sanitizers.sh asan   ASan + UBSan: builds everything, runs the whole suite
#   scripts/ci-sanitizers.sh tsan   TSan: builds and runs the tests that exercise threads (the
#                                   streaming engine, hubs, client connections, replay ring and
#                                   event loop; the plugin loader; the Kafka source and its
#                                   consumer pool on librdkafka's mock cluster; the stream-config
#                                   reload and catalog swaps)
# Extra arguments go to ctest. Any sanitizer report fails the test that printed it.
set -euo pipefail
cd "$(dirname "$0")/.."
stage="${1:?usage: scripts/ci-sanitizers.sh asan|tsan [ctest args...]}"
shift
supp="$PWD/scripts/sanitizers"
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD"  # cache hits across clones of the tree
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
jobs="${JOBS:-2}"
case "$stage" in
  asan)
    scripts/kafka.sh fetch >/dev/null
    cmake --preset asan "${launcher[@]}" >/dev/null
    cmake --build --preset asan -j "$jobs"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    ctest --preset asan -j "$jobs" "$@"
    ;;
  tsan)
    targets=(streaming_test plugin_loader_test es_kafka_source_tests config_test)
    cmake --preset tsan "${launcher[@]}" >/dev/null
    cmake --build --preset tsan -j "$jobs" --target "${targets[@]}"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
    # Only the tests of those binaries: the rest of the suite is not built here.
    suites="EventLoop[A-Za-z]*|EngineTest|HubTest|ClientConnectionTest|Place|ReplayRing|ResumeIds"
    suites+="|PluginLoader|PluginLibrary|ClientConfig|ConsumerPoolTest|CatalogHolder|StreamConfigReloadTest"
    suites+="|DemoEvents|FetchRefill|HandleReaper|KafkaConfig|KafkaErrors|KafkaSourceFactory[A-Za-z]*"
    suites+="|MockClusterTest"
    ctest --preset tsan -j "$jobs" -R "^($suites)\\." -E _NOT_BUILT "$@"
    ;;
  *)
    echo "unknown stage: $stage (asan|tsan)" >&2
    exit 2
    ;;
esac
