// A blocking HTTP/1.1 client for ordinary (non-streaming) responses from 127.0.0.1.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_message.h"

namespace eventstreams::testing {

struct HttpResponse {
  std::string version;
  int status = 0;
  std::string reason;
  Headers headers;  // case-insensitive names
  std::string body;
  bool chunked = false;  // the body came with chunked transfer coding

  std::optional<std::string> header(std::string_view name) const {
    return header_value(headers, name);
  }
  std::vector<std::string> header_all(std::string_view name) const {
    return header_values(headers, name);
  }
};

// Sends one request to 127.0.0.1:port and reads the whole response (Content-Length, chunked,
// or close-delimited body; none for HEAD, 1xx, 204 and 304). Adds `Host` and
// `Connection: close` unless given. Throws std::runtime_error on connection errors, timeout,
// a malformed response or broken chunk framing.
HttpResponse request(uint16_t port, std::string_view method, std::string_view target,
                     const Headers& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10),
                     std::string_view body = {});

// Shorthand for request(port, "GET", target, headers, timeout).
inline HttpResponse get(uint16_t port, std::string_view target, const Headers& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return request(port, "GET", target, headers, timeout);
}

}  // namespace eventstreams::testing
