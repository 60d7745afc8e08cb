// Which address a request comes from, for the per-address connection limit and the logs
// (SPEC 6): the peer, or the address a trusted proxy reports for it.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <string>

#include "config/app_config.h"

namespace eventstreams::http {

// The client's address: the peer, or the proxy-supplied address when the peer is a trusted
// proxy.
std::string client_address(const config::AppConfig& config,
                           const Poco::Net::HTTPServerRequest& request);

}  // namespace eventstreams::http
