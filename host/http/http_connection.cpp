#include "http/http_connection.h"

#include <Poco/Delegate.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <chrono>
#include <memory>

#include "http/problem.h"
#include "http/response_headers.h"

namespace eventstreams::http {
namespace {

// After a refusal: how long, and how much, of what the client still sends is read and dropped
// before the close (a close with unread bytes sends a reset, which can destroy the answer).
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr std::size_t kDrainBytes = 4u << 20;

bool mentions(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

const char* reason_of(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

Problem refusal_problem(const std::string& message) {
  // POCO 1.11's words (HTTPRequest::read, MessageHeader::read). Its request line errors do not
  // tell a target over 16 KiB from a line cut short ("HTTP request URI invalid or too long"
  // for both), so they are all 400.
  if (mentions(message, "Field value too long") || mentions(message, "Field name too long") ||
      mentions(message, "Too many header fields")) {
    return {431, "request_header_fields_too_large", reason_of(431),
            "A request header is longer than 8,192 bytes, or there are more than 100 of them (" +
                message + ")",
            0};
  }
  return {400, "bad_request", reason_of(400),
          "The request head is not valid HTTP, or its request target is longer than 16 KiB (" +
              message + ")",
          0};
}

namespace {

// A head being waited for: registered with the watchdog for as long as it lives, so that the
// watchdog never touches a descriptor after the wait (or the connection) ended.
class HeadWait {
 public:
  HeadWait(HeadWatchdog& watchdog, int fd, bool& cut)
      : watchdog_(watchdog), ticket_(watchdog.start(fd)), cut_(cut) {}
  ~HeadWait() { done(); }
  HeadWait(const HeadWait&) = delete;
  HeadWait& operator=(const HeadWait&) = delete;
  void done() {
    if (ticket_ != 0) cut_ = watchdog_.finish(ticket_);
    ticket_ = 0;
  }

 private:
  HeadWatchdog& watchdog_;
  std::uint64_t ticket_;
  bool& cut_;
};

bool is_control(char c, bool tab_allowed) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && !(tab_allowed && c == '\t')) || u == 0x7F;
}

bool has_control(const std::string& s, bool tab_allowed) {
  for (const char c : s) {
    if (is_control(c, tab_allowed)) return true;
  }
  return false;
}

}  // namespace

std::string unclean_head(const Poco::Net::HTTPRequest& request) {
  if (has_control(request.getURI(), false)) return "The request target holds a control character";
  for (const auto& [name, value] : request) {
    if (has_control(name, false) || has_control(value, true)) {
      return "A request header holds a control character";
    }
  }
  return "";
}

bool is_stream_over_http10(const Poco::Net::HTTPRequest& request) {
  return request.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0 &&
         request.getURI().rfind("/v2/stream/", 0) == 0;
}

std::string refusal_response(const config::AppConfig& config, const Problem& p,
                             const std::string& method, const std::string& uri,
                             const std::string& extra_header_lines) {
  const std::string body = problem_json(p, method, uri);
  std::string out = "HTTP/1.1 " + std::to_string(p.status) + " " + reason_of(p.status) + "\r\n";
  out += common_header_lines(config);
  out += extra_header_lines;
  out += "Content-Type: application/json; charset=utf-8\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket,
                               const ConnectionSettings& settings)
    : Poco::Net::TCPServerConnection(socket), settings_(settings) {
  settings_.stop->stopped += Poco::delegate(this, &HttpConnection::on_server_stopped);
}

HttpConnection::~HttpConnection() {
  try {
    settings_.stop->stopped -= Poco::delegate(this, &HttpConnection::on_server_stopped);
  } catch (...) {  // a destructor must not throw; the event is going away with the server
  }
}

void HttpConnection::run() {
  const std::string server = settings_.params->getSoftwareVersion();
  Poco::Net::HTTPServerSession session(socket(), settings_.params);
  bool head_cut = false;  // the watchdog ended the wait for the current head
  while (!stopped_ && session.hasMoreRequests()) {
    try {
      Poco::FastMutex::ScopedLock lock(mutex_);
      if (stopped_) break;
      Poco::Net::HTTPServerResponseImpl response(session);
      HeadWait wait(*settings_.watchdog, socket().impl()->sockfd(), head_cut);
      Poco::Net::HTTPServerRequestImpl request(response, session,
                                               settings_.params);  // reads the head
      wait.done();
      if (head_cut) {  // came just as the watchdog cut it off: its read side is shut
        refuse_slow_head(session);
        break;
      }
      response.setDate(Poco::Timestamp());
      response.setVersion(request.getVersion());
      response.setKeepAlive(settings_.params->getKeepAlive() && request.getKeepAlive() &&
                            session.canKeepAlive());
      if (!server.empty()) response.set("Server", server);
      if (const std::string why = unclean_head(request); !why.empty()) {
        refuse(session, {400, "bad_request", reason_of(400), why, 0}, request.getMethod(),
               request.getURI());
        break;
      }
      if (is_stream_over_http10(request)) {
        refuse(session,
               {426, "upgrade_required", reason_of(426),
                "Streams are sent with chunked transfer coding, which needs HTTP/1.1", 0},
               request.getMethod(), request.getURI(), "Upgrade: HTTP/1.1\r\n");
        break;
      }
      try {
        const std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(
            settings_.router->createRequestHandler(request));
        if (!handler) {
          send_status(session, 501);
          break;
        }
        if (request.getExpectContinue() && response.getStatus() == 200) response.sendContinue();
        handler->handleRequest(request, response);
        session.setKeepAlive(settings_.params->getKeepAlive() && response.getKeepAlive() &&
                             session.canKeepAlive());
      } catch (const Poco::Exception&) {
        if (!response.sent()) {
          try {
            send_status(session, 500);
          } catch (...) {  // the connection is failing anyway: the original error is the news
          }
        }
        throw;
      }
    } catch (const Poco::Net::NoMessageException&) {
      if (head_cut) refuse_slow_head(session);
      break;  // the client closed (or went quiet) between requests
    } catch (const Poco::Net::MessageException& e) {
      if (head_cut) {
        refuse_slow_head(session);
      } else {
        refuse(session, refusal_problem(e.message()));
      }
      break;
    } catch (const Poco::Exception&) {
      if (head_cut) {
        refuse_slow_head(session);
        break;
      }
      if (session.networkException()) session.networkException()->rethrow();
      throw;
    }
  }
}

void HttpConnection::refuse_slow_head(Poco::Net::HTTPServerSession& session) {
  refuse(session, {408, "request_timeout", reason_of(408),
                   "The request head did not arrive within " +
                       std::to_string(settings_.config->request_head_timeout_ms) + " ms",
                   0});
}

void HttpConnection::send_status(Poco::Net::HTTPServerSession& session, int status) {
  refuse(session, {status, status == 501 ? "not_implemented" : "internal_error", reason_of(status),
                   "The server could not handle this request", 0});
}

void HttpConnection::refuse(Poco::Net::HTTPServerSession& session, const Problem& p,
                            const std::string& method, const std::string& uri,
                            const std::string& extra_header_lines) {
  session.setKeepAlive(false);
  if (settings_.refused != nullptr && p.status < 500) settings_.refused->add();
  if (settings_.metrics != nullptr) services::count_error(*settings_.metrics, p.type);
  std::string bytes = refusal_response(*settings_.config, p, method, uri, extra_header_lines);
  if (method == "HEAD") bytes.resize(bytes.find("\r\n\r\n") + 4);  // the head alone
  try {
    Poco::Net::StreamSocket& s = socket();
    for (std::size_t sent = 0; sent < bytes.size();) {
      const int n = s.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
    s.shutdownSend();
    s.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
    const auto deadline = std::chrono::steady_clock::now() + kDrainTime;
    char buf[16384];
    for (std::size_t drained = 0;
         drained < kDrainBytes && !stopped_ && std::chrono::steady_clock::now() < deadline;) {
      int n = 0;
      try {
        n = s.receiveBytes(buf, sizeof buf);
      } catch (const Poco::TimeoutException&) {
        continue;  // quiet for a moment: look at the deadline, then wait again
      }
      if (n <= 0) break;  // the client closed: done
      drained += static_cast<std::size_t>(n);
    }
  } catch (const Poco::Exception&) {
    // The client went away first: nothing left to tell it.
  }
}

void HttpConnection::on_server_stopped(const bool& abort_current) {
  stopped_ = true;
  try {
    if (abort_current) {
      socket().shutdown();
    } else {
      Poco::FastMutex::ScopedLock lock(mutex_);  // after the request being served
      socket().shutdown();
    }
  } catch (...) {  // already closed
  }
}

}  // namespace eventstreams::http
