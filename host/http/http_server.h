// POCO's HTTPServer, except for what it answers by itself: a request POCO cannot read (a
// header value over 8,192 bytes, more than 100 headers, a bad or 16 KiB+ request line) gets
// the SPEC 4 JSON problem body with the CORS and security headers (SPEC 5) instead of POCO's
// bare "400 Bad Request" (issue 12).
//
// POCO 1.11 catches the MessageException its request parser throws inside
// HTTPServerConnection::run() and writes its own response there, with no hook to change it.
// So this server runs its own connection class (HttpConnection), which serves requests the
// way HTTPServerConnection does (same session, request and response objects, same keep-alive
// rules, same stop behaviour) and differs only in that refusal. Everything else (the Router,
// the pool, the params, the connection filter of overload_responder.h) stays POCO's.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

#include "config/app_config.h"
#include "http/http_connection.h"
#include "services/metrics_registry.h"

namespace eventstreams::http {

class HttpServer final : public Poco::Net::TCPServer {
 public:
  // As Poco::Net::HTTPServer's constructor; `config` gives the headers of refusals, which are
  // counted in eventstreams_http_refused_requests_total. Both must outlive the server.
  HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::ThreadPool& pool,
             const Poco::Net::ServerSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
             const config::AppConfig& config, services::MetricsRegistry& metrics);
  ~HttpServer() override;

  // As Poco::Net::HTTPServer::stopAll(): stops accepting, then tells every connection to end
  // (at once, when `abort_current`).
  void stopAll(bool abort_current = false);

 private:
  HttpServer(std::shared_ptr<StopSignal> stop, Poco::Net::HTTPRequestHandlerFactory::Ptr router,
             Poco::ThreadPool& pool, const Poco::Net::ServerSocket& socket,
             Poco::Net::HTTPServerParams::Ptr params, const config::AppConfig& config,
             services::MetricsRegistry& metrics);

  std::shared_ptr<StopSignal> stop_;
};

}  // namespace eventstreams::http
