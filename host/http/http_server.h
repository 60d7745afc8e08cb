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
// the pool, the params) stays POCO's.
//
// New connections go through the HeadGate (head_gate.h) before they reach the pool: a
// connection filter on POCO's acceptor admits each to the gate and keeps it from POCO's own
// queue; the gate passes it to this server's dispatcher (a TCPServerDispatcher on the same
// pool and factory) once its head is in, or to the OverloadResponder: 503 when that queue is
// full, 408 when the head did not come within request_head_timeout_ms.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <mutex>

#include "config/app_config.h"
#include "http/head_gate.h"
#include "http/http_connection.h"
#include "http/overload_responder.h"
#include "services/metrics_registry.h"

namespace eventstreams::http {

class HttpServer final : public Poco::Net::TCPServer {
 public:
  // As Poco::Net::HTTPServer's constructor; `config` gives the headers of refusals, which are
  // counted in eventstreams_http_refused_requests_total; `overload` answers what the pool
  // cannot take. All three must outlive the server.
  HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::ThreadPool& pool,
             const Poco::Net::ServerSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
             const config::AppConfig& config, services::MetricsRegistry& metrics,
             OverloadResponder& overload);
  ~HttpServer() override;

  // As Poco::Net::HTTPServer::stopAll(): stops accepting, then tells every connection to end
  // (at once, when `abort_current`).
  void stopAll(bool abort_current = false);

  // Connections waiting in the gate for their first head.
  std::size_t heads_awaited() const { return gate_.held(); }
  // Connections queued for a pool thread (what http_max_queued bounds).
  int queued() const { return dispatcher_->queuedConnections(); }

 private:
  class GateFilter;
  HttpServer(const ConnectionSettings& settings, Poco::ThreadPool& pool,
             const Poco::Net::ServerSocket& socket, OverloadResponder& overload);
  // The factory is POCO's queue's and this server's dispatcher's.
  HttpServer(const ConnectionSettings& settings, Poco::Net::TCPServerConnectionFactory::Ptr factory,
             Poco::ThreadPool& pool, const Poco::Net::ServerSocket& socket,
             OverloadResponder& overload);
  // To the pool, or to the responder when its queue is full (gate or acceptor thread).
  void pass(const Poco::Net::StreamSocket& socket);

  std::shared_ptr<StopSignal> stop_;
  OverloadResponder& overload_;
  const int max_queued_;
  Poco::AutoPtr<Poco::Net::TCPServerDispatcher> dispatcher_;
  std::mutex pass_mutex_;  // the queue check and the enqueue, as one step
  HeadGate gate_;
};

}  // namespace eventstreams::http
