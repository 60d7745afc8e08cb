#include "http/http_server.h"

namespace eventstreams::http {

HttpServer::HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::ThreadPool& pool,
                       const Poco::Net::ServerSocket& socket,
                       Poco::Net::HTTPServerParams::Ptr params, const config::AppConfig& config,
                       services::MetricsRegistry& metrics)
    : HttpServer(std::make_shared<StopSignal>(), std::move(router), pool, socket, std::move(params),
                 config, metrics) {}

HttpServer::HttpServer(std::shared_ptr<StopSignal> stop,
                       Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::ThreadPool& pool,
                       const Poco::Net::ServerSocket& socket,
                       Poco::Net::HTTPServerParams::Ptr params, const config::AppConfig& config,
                       services::MetricsRegistry& metrics)
    : Poco::Net::TCPServer(new HttpConnectionFactory(ConnectionSettings{
                               params, std::move(router), stop,
                               std::make_shared<HeadWatchdog>(
                                   std::chrono::milliseconds(config.request_head_timeout_ms)),
                               &config, &metrics}),
                           pool, socket, params),
      stop_(std::move(stop)) {
  // Shown as 0 before the first refusal.
  metrics.counter("eventstreams_http_refused_requests_total",
                  "Requests whose head the HTTP parser refused (answered 4xx)");
}

HttpServer::~HttpServer() {
  try {
    stopAll();
  } catch (...) {  // a destructor must not throw
  }
}

void HttpServer::stopAll(bool abort_current) {
  stop();
  stop_->stopped(this, abort_current);
}

}  // namespace eventstreams::http
