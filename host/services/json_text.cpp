#include "services/json_text.h"

#include <charconv>

namespace eventstreams::services {

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

}  // namespace eventstreams::services
