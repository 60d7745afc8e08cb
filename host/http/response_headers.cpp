#include "http/response_headers.h"

#include <utility>
#include <vector>

namespace eventstreams::http {
namespace {

std::vector<std::pair<std::string, std::string>> common_headers(const config::AppConfig& c) {
  std::vector<std::pair<std::string, std::string>> h = {
      {"Access-Control-Allow-Origin", c.cors},   {"Access-Control-Allow-Headers", kAllowHeaders},
      {"Access-Control-Expose-Headers", "etag"}, {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "SAMEORIGIN"},
  };
  if (!c.content_security_policy.empty()) {
    h.emplace_back("Content-Security-Policy", c.content_security_policy);
  }
  return h;
}

}  // namespace

void apply_common_headers(const config::AppConfig& config,
                          Poco::Net::HTTPServerResponse& response) {
  for (const auto& [name, value] : common_headers(config)) response.set(name, value);
}

std::string common_header_lines(const config::AppConfig& config) {
  std::string out;
  for (const auto& [name, value] : common_headers(config)) {
    out += name + ": " + value + "\r\n";
  }
  return out;
}

}  // namespace eventstreams::http
