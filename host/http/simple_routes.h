// Small routes answered in one response: /_info*, /robots.txt, /metrics, /healthz, OPTIONS
// preflights and the errors for unknown paths and methods (SPEC 4, 5).
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <functional>

#include "http/problem.h"
#include "http/server_context.h"

namespace eventstreams::http {

struct SimpleResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<Problem> problem;  // set: answer with this problem instead
};

using SimpleRoute = std::function<SimpleResponse(ServerContext&, Poco::Net::HTTPServerRequest&)>;

class SimpleHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  // `name` labels the route's request-duration series (request_metrics.h).
  SimpleHandler(ServerContext& ctx, std::string_view name, SimpleRoute route)
      : ctx_(ctx), name_(name), route_(std::move(route)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  ServerContext& ctx_;
  std::string_view name_;
  SimpleRoute route_;
  const RequestMetrics::Clock::time_point started_ = RequestMetrics::Clock::now();
};

SimpleResponse info_route(ServerContext& ctx, const std::string& path);
SimpleResponse robots_route();
SimpleResponse metrics_route(ServerContext& ctx);
SimpleResponse healthz_route(ServerContext& ctx);
SimpleResponse preflight_route();
// GET /v2/ui and its files (issue 9 item 5).
SimpleResponse ui_route(const std::string& path);

}  // namespace eventstreams::http
