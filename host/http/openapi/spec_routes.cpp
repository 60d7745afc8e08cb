#include "http/openapi/spec_routes.h"

#include "http/openapi/doc_page.h"
#include "request/query.h"

namespace eventstreams::http {

SimpleResponse root_route(ServerContext& ctx, const std::string& raw_query) {
  SimpleResponse r;
  const auto query = request::parse_query(raw_query);
  const auto docs = ctx.spec();
  const bool spec = query && query->count("spec");
  const bool doc = query && !spec && query->count("doc");
  if (docs && spec) {
    r.content_type = "application/json; charset=utf-8";
    r.body = docs->json;
  } else if (docs && doc) {
    r.content_type = "text/html; charset=utf-8";
    r.body = docs->html;
  } else if (raw_query.empty()) {
    // A first-time visitor gets the live page (the original sent them to /?doc).
    r.status = 303;
    r.headers = {{"Location", "/v2/ui"}};
  } else {
    r.problem = Problem{404, "not_found", "Not Found", "No route for /", 0};
  }
  return r;
}

SimpleResponse doc_stylesheet_route() {
  SimpleResponse r;
  r.content_type = "text/css; charset=utf-8";
  r.body = openapi::doc_stylesheet();
  r.headers = {{"Cache-Control", "max-age=3600"}};
  return r;
}

}  // namespace eventstreams::http
