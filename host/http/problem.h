// Errors before a stream starts: JSON problem bodies (SPEC 4).
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

#include "config/app_config.h"

namespace eventstreams::http {

struct Problem {
  int status = 500;
  std::string type;
  std::string title;
  std::string detail;
  int retry_after_s = 0;  // adds Retry-After when > 0
};

// The JSON body: {"status","type","title","detail","method","uri"}.
std::string problem_json(const Problem& p, const std::string& method, const std::string& uri);

// Sends the problem as the whole response (also for HEAD, without body).
void send_problem(const config::AppConfig& config, Poco::Net::HTTPServerRequest& request,
                  Poco::Net::HTTPServerResponse& response, const Problem& p);

}  // namespace eventstreams::http
