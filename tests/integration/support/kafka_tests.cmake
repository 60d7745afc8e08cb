# Registers gtest binaries whose tests need Kafka, so that under ctest they share one broker.
#
#   include(${CMAKE_SOURCE_DIR}/tests/integration/support/kafka_tests.cmake)
#   es_discover_kafka_tests(my_test_binary [more gtest_discover_tests arguments])
#
# gtest_discover_tests runs every test case as its own process, so a broker per process would
# cost a JVM start per test case. Instead a ctest fixture starts one broker
# (kafka.broker.start, FIXTURES_SETUP es_kafka) and stops it after the last test that needs it
# (kafka.broker.stop); the tests find it through ES_KAFKA_BOOTSTRAP_FILE, which
# KafkaBroker::shared() reads. Run directly, a test binary starts a broker of its own. The
# tests get the label "kafka" (ctest -L kafka / -LE kafka).
# Set before the guard: every directory that includes this file needs the variable.
set(ES_KAFKA_FIXTURE_DIR "${CMAKE_BINARY_DIR}/kafka-fixture")
include_guard(GLOBAL)
include(GoogleTest)

get_filename_component(ES_KAFKA_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/../../../scripts/kafka.sh"
                       ABSOLUTE)

function(es_kafka_fixture)
  get_property(defined GLOBAL PROPERTY ES_KAFKA_FIXTURE_DEFINED)
  if(defined)
    return()
  endif()
  set_property(GLOBAL PROPERTY ES_KAFKA_FIXTURE_DEFINED TRUE)
  # KAFKA_OWNER_PID=$PPID (ctest): the broker goes away with ctest even if ctest is killed.
  add_test(NAME kafka.broker.start
    COMMAND sh -c "rm -rf \"$1\" && KAFKA_OWNER_PID=$PPID KAFKA_OWNER_CLEANUP=1 exec \"$0\" start \"$1\" 0"
            "${ES_KAFKA_SCRIPT}" "${ES_KAFKA_FIXTURE_DIR}")
  set_tests_properties(kafka.broker.start PROPERTIES
    FIXTURES_SETUP es_kafka LABELS kafka TIMEOUT 300)
  add_test(NAME kafka.broker.stop
    COMMAND sh -c "\"$0\" stop \"$1\" && rm -rf \"$1\""
            "${ES_KAFKA_SCRIPT}" "${ES_KAFKA_FIXTURE_DIR}")
  set_tests_properties(kafka.broker.stop PROPERTIES
    FIXTURES_CLEANUP es_kafka LABELS kafka TIMEOUT 60)
endfunction()

function(es_discover_kafka_tests target)
  es_kafka_fixture()
  gtest_discover_tests(${target} ${ARGN}
    PROPERTIES
      LABELS kafka
      FIXTURES_REQUIRED es_kafka
      ENVIRONMENT "ES_KAFKA_BOOTSTRAP_FILE=${ES_KAFKA_FIXTURE_DIR}/bootstrap"
      TIMEOUT 300)
endfunction()
