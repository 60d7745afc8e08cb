// Headers every response carries (SPEC 5): CORS and security headers.
#pragma once

#include <Poco/Net/HTTPServerResponse.h>

#include <string>

#include "config/app_config.h"

namespace eventstreams::http {

inline constexpr const char* kAllowHeaders =
    "accept, x-requested-with, content-type, last-event-id";
inline constexpr const char* kAllowMethods = "GET, HEAD, OPTIONS";

// Sets them on a POCO response.
void apply_common_headers(const config::AppConfig& config, Poco::Net::HTTPServerResponse& response);

// The same headers as raw "Name: value\r\n" lines, for responses written on a bare socket.
std::string common_header_lines(const config::AppConfig& config);

}  // namespace eventstreams::http
