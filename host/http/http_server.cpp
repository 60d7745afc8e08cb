#include "http/http_server.h"

namespace eventstreams::http {

// Every accepted connection goes to the gate; none to POCO's own queue.
class HttpServer::GateFilter final : public Poco::Net::TCPServerConnectionFilter {
 public:
  explicit GateFilter(HeadGate& gate) : gate_(gate) {}
  bool accept(const Poco::Net::StreamSocket& socket) override {
    gate_.admit(socket);
    return false;  // POCO drops its reference; the gate (or the pool's queue) holds another
  }

 private:
  HeadGate& gate_;
};

HttpServer::HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::ThreadPool& pool,
                       const Poco::Net::ServerSocket& socket,
                       Poco::Net::HTTPServerParams::Ptr params, const config::AppConfig& config,
                       services::MetricsRegistry& metrics, OverloadResponder& overload)
    : HttpServer(ConnectionSettings{params, std::move(router), std::make_shared<StopSignal>(),
                                    std::make_shared<HeadWatchdog>(
                                        std::chrono::milliseconds(config.request_head_timeout_ms)),
                                    &config, &metrics,
                                    metrics.counter("eventstreams_http_refused_requests_total",
                                                    "Requests whose head the HTTP parser refused "
                                                    "(answered 4xx)")},
                 pool, socket, overload) {}

HttpServer::HttpServer(const ConnectionSettings& settings, Poco::ThreadPool& pool,
                       const Poco::Net::ServerSocket& socket, OverloadResponder& overload)
    : HttpServer(settings, new HttpConnectionFactory(settings), pool, socket, overload) {}

HttpServer::HttpServer(const ConnectionSettings& settings,
                       Poco::Net::TCPServerConnectionFactory::Ptr factory, Poco::ThreadPool& pool,
                       const Poco::Net::ServerSocket& socket, OverloadResponder& overload)
    : Poco::Net::TCPServer(factory, pool, socket, settings.params),
      stop_(settings.stop),
      overload_(overload),
      max_queued_(settings.config->http_max_queued),
      dispatcher_(new Poco::Net::TCPServerDispatcher(factory, pool, settings.params)),
      gate_(
          HeadGate::Options{std::chrono::milliseconds(settings.config->request_head_timeout_ms)},
          [this](const Poco::Net::StreamSocket& s) { pass(s); },
          [this](const Poco::Net::StreamSocket& s) {
            overload_.adopt(s.impl()->sockfd(), OverloadResponder::Refusal::kHeadTimeout);
          }) {
  gate_.start();
  setConnectionFilter(new GateFilter(gate_));
}

HttpServer::~HttpServer() {
  try {
    stopAll();
  } catch (...) {  // a destructor must not throw
  }
}

void HttpServer::pass(const Poco::Net::StreamSocket& socket) {
  Poco::Net::StreamSocket s(socket);
  s.setNoDelay(true);  // what POCO's acceptor does for what it queues itself
  std::lock_guard<std::mutex> lock(pass_mutex_);
  // POCO's dispatcher closes what it cannot queue without a word: the responder answers it.
  if (dispatcher_->queuedConnections() < max_queued_) {
    dispatcher_->enqueue(s);
  } else {
    overload_.adopt(s.impl()->sockfd());
  }
}

void HttpServer::stopAll(bool abort_current) {
  stop();        // no more accepts
  gate_.stop();  // what waits for a head is closed
  dispatcher_->stop();
  stop_->stopped(this, abort_current);
}

}  // namespace eventstreams::http
