// Default UBSan options for the request fuzzers, so they run without any environment setup:
// every UBSan report is fatal except the suppressed, known RapidJSON 1.1.0 one (see ubsan.supp).
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:suppressions=" ES_UBSAN_SUPPRESSIONS;
}
