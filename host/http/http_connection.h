// One HTTP connection on a POCO pool thread: Poco::Net::HTTPServerConnection's request loop,
// with the one difference http_server.h is for. A request head POCO refuses (its parser throws
// Poco::Net::MessageException) is answered with a problem body (SPEC 4: 400 bad_request or 431
// request_header_fields_too_large) and the common headers (SPEC 5), then
// the connection is closed without a reset: our side is shut down and what the client still
// sends is read and dropped for a bounded time, so the client reads the answer instead of
// ECONNRESET. Method and URI in that body are empty: POCO keeps no part of a head it refused.
// A head POCO reads but that holds control bytes (unclean_head()) is refused the same way,
// with its method and URI, and so is a stream request over HTTP/1.0 (426 upgrade_required:
// streams need chunked coding, which HTTP/1.0 lacks). A head that does not arrive within
// request_head_timeout_ms (head_watchdog.h) is answered 408 request_timeout.
#pragma once

#include <Poco/BasicEvent.h>
#include <Poco/Mutex.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>
#include <memory>
#include <string>

#include "common/problem.h"
#include "config/app_config.h"
#include "http/head_watchdog.h"
#include "services/metrics_registry.h"

namespace eventstreams::http {

// The problem for what POCO's parser said (MessageException::message()).
Problem refusal_problem(const std::string& parser_message);

// What POCO's parser lets through but no route should see: a control byte (NUL, CR, DEL, ...)
// in the request target, a header name or a header value (RFC 9110 5.5: only HTAB is allowed).
// Empty when the head is clean, else the problem's detail.
std::string unclean_head(const Poco::Net::HTTPRequest& request);

// A request for a stream (/v2/stream/...) in HTTP/1.0.
bool is_stream_over_http10(const Poco::Net::HTTPRequest& request);

// The whole raw response for `p` on a connection about to close.
std::string refusal_response(const config::AppConfig& config, const Problem& p,
                             const std::string& method = "", const std::string& uri = "",
                             const std::string& extra_header_lines = "");

// Tells the connections that the server stops (HTTPRequestHandlerFactory::serverStopped, which
// is POCO's, is only for POCO's own server). Shared: connections may outlive the server object.
struct StopSignal {
  Poco::BasicEvent<const bool> stopped;  // the argument: abort the current request
};

// What every connection of one server shares.
struct ConnectionSettings {
  Poco::Net::HTTPServerParams::Ptr params;
  Poco::Net::HTTPRequestHandlerFactory::Ptr router;
  std::shared_ptr<StopSignal> stop;
  std::shared_ptr<HeadWatchdog> watchdog;
  const config::AppConfig* config = nullptr;
  // Refusals are counted by type in eventstreams_errors_total and, those answered 4xx, in
  // `refused` (eventstreams_http_refused_requests_total); null: not counted.
  services::MetricsRegistry* metrics = nullptr;
  Counter* refused = nullptr;
};

class HttpConnection final : public Poco::Net::TCPServerConnection {
 public:
  HttpConnection(const Poco::Net::StreamSocket& socket, const ConnectionSettings& settings);
  ~HttpConnection() override;

  void run() override;

 private:
  void on_server_stopped(const bool& abort_current);
  // Answers a request POCO could not read (or one of unclean_head()); the connection ends
  // after it.
  void refuse(Poco::Net::HTTPServerSession& session, const Problem& p,
              const std::string& method = "", const std::string& uri = "",
              const std::string& extra_header_lines = "");
  // 408: the head did not arrive within request_head_timeout_ms.
  void refuse_slow_head(Poco::Net::HTTPServerSession& session);
  // A plain POCO-style answer on an error of ours (no handler, a handler that threw early).
  void send_status(Poco::Net::HTTPServerSession& session, int status);

  // A copy: the settings' pointers are shared, the connection holds its own references.
  ConnectionSettings settings_;
  std::atomic<bool> stopped_{false};
  Poco::FastMutex mutex_;  // held while a request is served; a graceful stop waits for it
};

class HttpConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit HttpConnectionFactory(ConnectionSettings settings) : settings_(std::move(settings)) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    // POCO owns the connection.
    return new HttpConnection(socket, settings_);
  }

 private:
  ConnectionSettings settings_;
};

}  // namespace eventstreams::http
