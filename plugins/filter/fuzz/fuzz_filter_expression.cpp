// libFuzzer harness for the filter syntax (SPEC 2.3) as a request brings it: a raw query
// string, URL-decoded by the host's parse_query, then parse_filter. Checks that
//  - a refusal names a reason, an accepted filter keeps within the documented limits;
//  - clauses are sorted and unique by canonical text, each value list sorted and unique;
//  - the canonical key is deterministic: parsing the query again gives the same key;
//  - matching any field value (taken from the input's tail) never crashes, and a negated
//    clause matches exactly when its values do not.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "filter_expression.h"
#include "request/query.h"

namespace {

namespace filter = eventstreams::filter;

[[noreturn]] void fail(const char* what, const std::string& query) {
  std::fprintf(stderr, "check failed: %s\nquery: %s\n", what, query.c_str());
  std::abort();
}

#define CHECK(cond, query)           \
  do {                               \
    if (!(cond)) fail(#cond, query); \
  } while (false)

filter::FieldValue field_from(FuzzedDataProvider& input, std::string& storage) {
  filter::FieldValue field;
  field.kind = static_cast<filter::FieldValue::Kind>(input.ConsumeIntegralInRange(0, 5));
  field.boolean = input.ConsumeBool();
  storage = input.ConsumeRandomLengthString(256);
  if (auto n = filter::Number::parse(storage)) field.number = *n;
  field.string = storage;
  return field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string query = input.ConsumeRandomLengthString(8192);
  const auto params = eventstreams::request::parse_query(query);
  if (!params) return 0;
  std::string error;
  const auto parsed = filter::parse_filter(*params, filter::default_reserved_names(), error);
  if (!parsed) {
    CHECK(!error.empty(), query);
    return 0;
  }
  const filter::Filter& f = *parsed;
  CHECK(f.clauses.size() <= filter::kMaxClauses, query);
  std::size_t values = 0;
  for (std::size_t i = 0; i < f.clauses.size(); ++i) {
    const filter::Clause& c = f.clauses[i];
    if (i > 0) CHECK(f.clauses[i - 1].canonical < c.canonical, query);
    CHECK(!c.segments.empty() && c.segments.size() <= filter::kMaxPathSegments, query);
    CHECK(std::is_sorted(c.strings.begin(), c.strings.end()), query);
    CHECK(std::adjacent_find(c.strings.begin(), c.strings.end()) == c.strings.end(), query);
    values += c.strings.size() + c.numbers.size() + c.patterns.size() + c.accepts_null +
              c.accepts_true + c.accepts_false;
  }
  CHECK(values <= filter::kMaxValues, query);

  std::string error_again;
  const auto again = filter::parse_filter(*params, filter::default_reserved_names(), error_again);
  CHECK(again && again->canonical_key() == f.canonical_key(), query);

  std::string storage;
  const filter::FieldValue field = field_from(input, storage);
  for (const filter::Clause& c : f.clauses) {
    const bool equal = c.any_equal(field);
    CHECK(c.matches(field) == (c.negated ? !equal : equal), query);
    for (const filter::Pattern& p : c.patterns) (void)p.matches(field.string);
  }
  return 0;
}
