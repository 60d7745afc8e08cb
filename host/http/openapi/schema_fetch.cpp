#include "http/openapi/schema_fetch.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

#include <fstream>
#include <sstream>

namespace eventstreams::http::openapi {
namespace {

FetchResult failure(std::string error, bool unreachable) {
  FetchResult r;
  r.error = std::move(error);
  r.unreachable = unreachable;
  return r;
}

FetchResult fetch_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure("cannot open " + path, false);
  std::string body;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (body.size() > max_bytes) return failure(path + " is larger than the schema limit", false);
  }
  if (in.bad()) return failure("cannot read " + path, false);
  FetchResult r;
  r.ok = true;
  r.body = std::move(body);
  return r;
}

FetchResult fetch_http(const std::string& uri, const FetchOptions& options) {
  try {
    const Poco::URI u(uri);
    Poco::Net::HTTPClientSession session(u.getHost(), u.getPort());
    session.setTimeout(Poco::Timespan(options.timeout.count() * 1000));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, u.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5");
    for (const auto& [name, value] : options.headers) request.set(name, value);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      return failure(uri + ": HTTP " + std::to_string(response.getStatus()), false);
    }
    std::string body;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (body.size() > options.max_bytes) {
        return failure(uri + " is larger than the schema limit", false);
      }
    }
    FetchResult r;
    r.ok = true;
    r.body = std::move(body);
    return r;
  } catch (const Poco::TimeoutException& e) {
    return failure(uri + ": " + e.displayText(), true);
  } catch (const Poco::Net::NetException& e) {
    // Refused, unreachable host, reset before an answer.
    return failure(uri + ": " + e.displayText(), true);
  } catch (const Poco::Exception& e) {
    return failure(uri + ": " + e.displayText(), true);
  } catch (const std::exception& e) {
    return failure(uri + ": " + e.what(), true);
  }
}

}  // namespace

SchemaFetcher make_schema_fetcher(FetchOptions options) {
  return [options = std::move(options)](const std::string& uri) -> FetchResult {
    if (uri.rfind("http://", 0) == 0) return fetch_http(uri, options);
    if (uri.rfind("file://", 0) == 0) return fetch_file(uri.substr(7), options.max_bytes);
    if (uri.rfind("https://", 0) == 0) {
      return failure(uri + ": https is not supported for schemas yet", true);
    }
    if (!uri.empty() && uri.front() == '/') return fetch_file(uri, options.max_bytes);
    return failure(uri + ": not a path, file:// or http:// URL", true);
  };
}

}  // namespace eventstreams::http::openapi
