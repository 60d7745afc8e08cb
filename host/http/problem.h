// Errors before a stream starts: JSON problem bodies (SPEC 4).
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

#include "common/problem.h"
#include "config/app_config.h"

namespace eventstreams::http {

using eventstreams::Problem;

// The JSON body: {"status","type","title","detail","method","uri"}.
std::string problem_json(const Problem& p, const std::string& method, const std::string& uri);

// Sends the problem as the whole response (also for HEAD, without body).
void send_problem(const config::AppConfig& config, Poco::Net::HTTPServerRequest& request,
                  Poco::Net::HTTPServerResponse& response, const Problem& p);

}  // namespace eventstreams::http
