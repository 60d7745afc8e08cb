#include "http/router.h"

#include "http/openapi/doc_page.h"
#include "http/openapi/spec_routes.h"
#include "http/simple_routes.h"
#include "http/stream_route.h"

namespace eventstreams::http {

Poco::Net::HTTPRequestHandler* Router::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
  const std::string& method = request.getMethod();
  const std::string& uri = request.getURI();
  const std::string path = uri.substr(0, uri.find('?'));
  if (method == "OPTIONS") {
    return new SimpleHandler(ctx_, "preflight", [](auto&, auto&) { return preflight_route(); });
  }
  if (method != "GET" && method != "HEAD") {
    return new SimpleHandler(ctx_, "other", [method](auto&, auto&) {
      SimpleResponse r;
      r.problem = Problem{405, "method_not_allowed", "Method Not Allowed",
                          "Method " + method + " is not allowed; use GET, HEAD or OPTIONS", 0};
      return r;
    });
  }
  if (path.rfind(kStreamPrefix, 0) == 0 || path == "/v2/stream") {
    if (path.size() <= kStreamPrefix.size()) {
      return new SimpleHandler(ctx_, "stream", [](auto&, auto&) {
        SimpleResponse r;
        r.problem = Problem{404, "not_found", "Stream Not Found", "Invalid streams: ", 0};
        return r;
      });
    }
    return new StreamRoute(ctx_);
  }
  if (path.rfind("/_info", 0) == 0) {
    return new SimpleHandler(ctx_, "info",
                             [path](ServerContext& c, auto&) { return info_route(c, path); });
  }
  if (path == "/v2/ui" || path.rfind("/v2/ui/", 0) == 0) {
    return new SimpleHandler(ctx_, "ui", [path](auto&, auto&) { return ui_route(path); });
  }
  if (path == "/robots.txt") {
    return new SimpleHandler(ctx_, "robots", [](auto&, auto&) { return robots_route(); });
  }
  if (path == "/metrics") {
    return new SimpleHandler(ctx_, "metrics",
                             [](ServerContext& c, auto&) { return metrics_route(c); });
  }
  if (path == "/") {
    const std::size_t qmark = uri.find('?');
    const std::string query = qmark == std::string::npos ? "" : uri.substr(qmark + 1);
    return new SimpleHandler(ctx_, "root",
                             [query](ServerContext& c, auto&) { return root_route(c, query); });
  }
  if (path == openapi::kDocStylesheetPath) {
    return new SimpleHandler(ctx_, "root", [](auto&, auto&) { return doc_stylesheet_route(); });
  }
  if (path == "/healthz") {
    return new SimpleHandler(ctx_, "healthz",
                             [](ServerContext& c, auto&) { return healthz_route(c); });
  }
  return new SimpleHandler(ctx_, "other", [path](auto&, auto&) {
    SimpleResponse r;
    r.problem = Problem{404, "not_found", "Not Found", "No route for " + path, 0};
    return r;
  });
}

}  // namespace eventstreams::http
