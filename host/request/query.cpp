#include "request/query.h"

#include "request/stream_list.h"

namespace eventstreams::request {

std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query) {
  std::multimap<std::string, std::string> params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (param.empty()) continue;

    const std::size_t eq = param.find('=');
    auto name = url_decode(param.substr(0, eq), /*plus_is_space=*/true);
    if (!name) return std::nullopt;
    std::optional<std::string> value = std::string{};
    if (eq != std::string_view::npos) {
      value = url_decode(param.substr(eq + 1), /*plus_is_space=*/true);
      if (!value) return std::nullopt;
    }
    params.emplace(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace eventstreams::request
