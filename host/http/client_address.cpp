#include "http/client_address.h"

#include <algorithm>

namespace eventstreams::http {

std::string client_address(const config::AppConfig& config,
                           const Poco::Net::HTTPServerRequest& request) {
  const std::string peer = request.clientAddress().host().toString();
  const auto& trusted = config.trusted_proxies;
  if (std::find(trusted.begin(), trusted.end(), peer) == trusted.end()) return peer;
  if (request.has("X-Client-IP")) return request.get("X-Client-IP");
  if (request.has("X-Forwarded-For")) {
    const std::string& xff = request.get("X-Forwarded-For");
    const std::string first = xff.substr(0, xff.find(','));
    const auto b = first.find_first_not_of(' ');
    const auto e = first.find_last_not_of(' ');
    if (b != std::string::npos) return first.substr(b, e - b + 1);
  }
  return peer;
}

}  // namespace eventstreams::http
