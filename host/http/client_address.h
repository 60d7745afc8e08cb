// Which address a request comes from, for the per-address connection limit and the logs
// (SPEC 6): the peer, or the address a trusted proxy reports for it.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/app_config.h"

namespace eventstreams::http {

// True when `entry` is an IPv4 / IPv6 address or a CIDR block ("10.0.0.0/8", "fd00::/8"):
// what trusted_proxies may hold.
bool is_address_or_block(std::string_view entry);

// True when `address` is one of the `trusted` addresses or inside one of its blocks.
bool is_trusted(std::string_view address, const std::vector<std::string>& trusted);

// The client's address, given what the connection and the request say. Unless the peer is a
// trusted proxy, the peer: what clients write in X-Client-IP and X-Forwarded-For is ignored.
// From a trusted proxy: its X-Client-IP when that is an address; else, as nginx's
// real_ip_recursive, the rightmost X-Forwarded-For entry that is not itself a trusted proxy
// (the one our proxy appended: entries to its left are written by the client), or the
// leftmost when all are trusted. `forwarded_for` is every X-Forwarded-For value of the
// request, in order, joined by commas. An entry that is not an address ends the walk at the
// hop to its right.
std::string client_address(std::string_view peer, const std::vector<std::string>& trusted,
                           std::optional<std::string_view> client_ip,
                           std::string_view forwarded_for);

// The same for a POCO request.
std::string client_address(const config::AppConfig& config,
                           const Poco::Net::HTTPServerRequest& request);

}  // namespace eventstreams::http
