#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace eventstreams::request {

// Splits a raw query string (without the leading '?') on '&', then each parameter on its first
// '=', and URL-decodes names and values ('+' as space). A parameter without '=' has value "".
// Empty parameters (from "&&", a leading or trailing '&') are skipped. Repeated names are all
// kept, in order. nullopt on invalid percent-encoding.
std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query);

}  // namespace eventstreams::request
