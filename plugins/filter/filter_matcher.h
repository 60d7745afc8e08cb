// Evaluates a filter against event payloads.
//
// The clauses' paths form a small tree; one streaming (SAX) pass over the payload follows only
// the members on those paths and evaluates each clause as soon as its field's value passes by.
// The pass stops early as soon as a clause fails, or once every path was seen. Nothing is
// allocated per event once the matcher is warm. Where an object repeats a member name, the
// first occurrence counts, for the objects along a path as for the field at its end (as with
// a DOM lookup).
#pragma once

#include <memory>
#include <string_view>

#include "filter_expression.h"

namespace eventstreams::filter {

class Matcher {
 public:
  enum class Verdict { kPass, kFiltered, kCanary };

  // `drop_canary` adds the clause meta.domain != "canary", judged before the others.
  Matcher(const Filter& filter, bool drop_canary);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // The verdict for one JSON payload: kPass, or the reason to drop it (the canary clause, or
  // the request's filter). Not thread-safe: one matcher per thread. Throws only bad_alloc.
  Verdict evaluate(std::string_view json);

  struct State;  // opaque (defined in the .cpp, next to the parser)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace eventstreams::filter
