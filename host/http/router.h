// Maps each request to its route (POCO's handler factory: one handler per request).
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "http/server_context.h"

namespace eventstreams::http {

class Router final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Router(ServerContext& ctx) : ctx_(ctx) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ServerContext& ctx_;
};

}  // namespace eventstreams::http
