# libFuzzer targets (ES_BUILD_FUZZERS=ON, clang only). Each fuzzer compiles the sources it
# fuzzes itself, so that they carry the coverage instrumentation whatever the rest of the
# build is. Every fuzzer is registered with its seed corpus in <build>/fuzzers.txt, which
# scripts/fuzz.sh reads; `cmake --build <build> --target fuzzers` builds them all.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "ES_BUILD_FUZZERS needs clang (CXX=clang++), not ${CMAKE_CXX_COMPILER_ID}")
endif()
add_custom_target(fuzzers)

# es_register_fuzzer(<target> [CORPUS <dir>]): lists an existing fuzzer with its committed seed
# corpus, by default <current source dir>/corpus/<target>/.
function(es_register_fuzzer name)
  cmake_parse_arguments(PARSE_ARGV 1 F "" "CORPUS" "")
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
  if(F_CORPUS)
    set(corpus ${F_CORPUS})
  endif()
  if(NOT IS_DIRECTORY ${corpus})
    message(FATAL_ERROR "fuzzer ${name} has no seed corpus at ${corpus}")
  endif()
  set_property(GLOBAL APPEND PROPERTY ES_FUZZERS "$<TARGET_FILE:${name}> ${corpus}")
  add_dependencies(fuzzers ${name})
endfunction()

# es_add_fuzzer(<target> SOURCES <files...> [INCLUDES <dirs...>] [LIBRARIES <libs...>]
#               [OPTIONS <compile options...>])
# A fuzzer with ASan and UBSan, every report fatal, registered as above.
function(es_add_fuzzer name)
  cmake_parse_arguments(PARSE_ARGV 1 F "" "" "SOURCES;INCLUDES;LIBRARIES;OPTIONS")
  add_executable(${name} ${F_SOURCES})
  target_include_directories(${name} PRIVATE ${F_INCLUDES})
  if(RAPIDJSON_INCLUDE_DIRS)
    target_include_directories(${name} SYSTEM PRIVATE ${RAPIDJSON_INCLUDE_DIRS})
  endif()
  target_link_libraries(${name} PRIVATE ${F_LIBRARIES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer ${F_OPTIONS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  es_register_fuzzer(${name})
endfunction()

# Called once every fuzzer is defined.
function(es_write_fuzzer_list)
  get_property(fuzzers GLOBAL PROPERTY ES_FUZZERS)
  list(JOIN fuzzers "\n" text)
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/fuzzers.txt CONTENT "${text}\n")
endfunction()

# For fuzzers that parse with RapidJSON (plugin config): see the file.
set(ES_FUZZ_RAPIDJSON_IGNORELIST -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/sanitizers/ubsan_ignorelist.txt)
