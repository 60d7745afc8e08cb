// libFuzzer harness for a request head as the host reads it: POCO's HTTPRequest::read (what
// HTTPServerRequestImpl runs on the socket, with the same limits), then what the stream route
// does with the result: the stream list from the path, the query, `since`, Last-Event-ID and
// the Accept and Accept-Encoding headers. POCO refuses a bad head with a Poco::Exception (the
// server answers it with a problem body); anything else escaping, a crash or a sanitizer report is
// a bug.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "http/accept_encoding.h"
#include "http/accept_negotiation.h"
#include "request/last_event_id.h"
#include "request/query.h"
#include "request/since.h"
#include "request/stream_list.h"

namespace {

constexpr std::string_view kStreamPrefix = "/v2/stream/";

void parse_like_the_stream_route(const Poco::Net::HTTPRequest& req) {
  namespace request = eventstreams::request;
  const std::string& uri = req.getURI();
  const std::size_t qmark = uri.find('?');
  const std::string_view path = std::string_view(uri).substr(0, qmark);
  if (path.substr(0, kStreamPrefix.size()) == kStreamPrefix) {
    (void)request::parse_stream_list(path.substr(kStreamPrefix.size()));
  }
  if (qmark != std::string::npos) {
    if (const auto query = request::parse_query(std::string_view(uri).substr(qmark + 1))) {
      for (auto [it, end] = query->equal_range("since"); it != end; ++it) {
        (void)request::parse_since(it->second);
      }
    }
  }
  std::vector<request::LastEventIdEntry> entries;
  std::string error;
  if (!request::parse_last_event_id(req.get("Last-Event-ID", ""), entries, error) &&
      error.empty()) {
    std::abort();  // a refusal must say why
  }
  static const std::vector<std::vector<std::string>> kMediaTypes = {
      {"text/event-stream"}, {"application/json", "application/x-ndjson"}};
  if (eventstreams::http::choose_encoder(req.get("Accept", ""), kMediaTypes) >=
      kMediaTypes.size()) {
    std::abort();
  }
  (void)eventstreams::http::choose_content_coding(req.get("Accept-Encoding", ""));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  Poco::Net::HTTPRequest req;
  try {
    req.read(in);
  } catch (const Poco::Exception&) {
    return 0;  // refused by POCO: the server sends its 400 problem
  }
  parse_like_the_stream_route(req);
  return 0;
}
