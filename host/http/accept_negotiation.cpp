#include "http/accept_negotiation.h"

#include <cctype>

namespace eventstreams::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::size_t choose_encoder(std::string_view accept,
                           const std::vector<std::vector<std::string>>& media_types) {
  while (!accept.empty()) {
    const std::size_t comma = accept.find(',');
    const std::string_view range = trim(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    for (std::size_t i = 0; i < media_types.size(); ++i) {
      for (const auto& type : media_types[i]) {
        if (starts_with_ci(range, type)) return i;
      }
    }
  }
  return 0;
}

}  // namespace eventstreams::http
