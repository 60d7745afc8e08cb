// libFuzzer harness: parse_stream_list, url_decode and parse_query must never crash, and
// parse_stream_list must return a non-empty list without duplicates.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "request/query.h"
#include "request/stream_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace req = eventstreams::request;

  if (const auto names = req::parse_stream_list(text)) {
    if (names->empty()) std::abort();
    for (std::size_t i = 0; i < names->size(); ++i) {
      if ((*names)[i].find(',') != std::string_view::npos) std::abort();
      if (std::find(names->begin() + i + 1, names->end(), (*names)[i]) != names->end()) {
        std::abort();
      }
    }
  }
  const auto path = req::url_decode(text, false);
  const auto form = req::url_decode(text, true);
  if (path.has_value() != form.has_value()) std::abort();
  if (path && path->size() != form->size()) std::abort();
  (void)req::parse_query(text);
  return 0;
}
