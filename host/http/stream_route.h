// GET / HEAD /v2/stream/{streams} (SPEC 2): validates the request, resolves where every
// partition starts, sends the headers, then hands the socket to the streaming engine.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include "http/server_context.h"

namespace eventstreams::http {

inline constexpr std::string_view kStreamPrefix = "/v2/stream/";

class StreamRoute final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit StreamRoute(ServerContext& ctx) : ctx_(ctx) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  // Answers a problem, counted and timed.
  void refuse(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              const Problem& problem);

  ServerContext& ctx_;
  const RequestMetrics::Clock::time_point started_ = RequestMetrics::Clock::now();
};

}  // namespace eventstreams::http
