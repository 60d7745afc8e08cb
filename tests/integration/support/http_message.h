// HTTP/1.1 message pieces shared by the clients: case-insensitive headers, the response head
// parser and the request serialiser.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::testing {

struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

// Header fields; names compare case-insensitively, repeated fields keep their order.
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

// The first value of `name`, if present.
std::optional<std::string> header_value(const Headers& headers, std::string_view name);
// Every value of `name`, in order.
std::vector<std::string> header_values(const Headers& headers, std::string_view name);

struct ResponseHead {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::string reason;
  Headers headers;
};

// Parses a status line and header fields (`head` without the final empty line). Strict: lines
// end in CRLF, field names are tokens. Returns nullopt and sets `error` when malformed.
std::optional<ResponseHead> parse_response_head(std::string_view head, std::string* error);

// Offset just past the CRLFCRLF that ends a response head in `buffer`, if present.
std::optional<size_t> find_head_end(std::string_view buffer);

// True when the last transfer coding is "chunked".
bool is_chunked(const Headers& headers);
// The Content-Length, if present and valid.
std::optional<size_t> content_length(const Headers& headers);

// "METHOD target HTTP/1.1" + headers; adds Host (and Content-Length when there is a body)
// unless given.
std::string build_request(std::string_view method, std::string_view target, uint16_t port,
                          const Headers& headers, std::string_view body = {});

}  // namespace eventstreams::testing
