#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::request {

// The {streams} path segment of /v2/stream/{streams}: one trailing '/' (literal, not %2F) is
// dropped, then the segment is URL-decoded (so %2C splits), then split on ','. Empty names are
// kept (as "") so the caller can answer 404 for them; "" gives {""}. Duplicates are removed,
// keeping the order of first occurrences. Invalid percent-encoding returns nullopt.
// Decoded bytes are not validated (may be any byte, including NUL or invalid UTF-8).
std::optional<std::vector<std::string>> parse_stream_list(std::string_view segment);

// Percent-decoding: "%hh" (either case hex) becomes that byte; a '%' not followed by two hex
// digits returns nullopt. '+' stays '+' unless plus_is_space (query strings), then it is ' '.
std::optional<std::string> url_decode(std::string_view in, bool plus_is_space);

}  // namespace eventstreams::request
