#include "http/simple_routes.h"

#include "http/response_headers.h"
#include "http/ui/ui_assets.h"
#include "services/json_text.h"

namespace eventstreams::http {

using services::json_string;

void SimpleHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response) {
  SimpleResponse r;
  try {
    r = route_(ctx_, request);
  } catch (const std::exception& e) {
    r.problem = Problem{500, "internal_error", "Internal Server Error", e.what(), 0};
  }
  if (r.problem) {
    if (ctx_.requests != nullptr) ctx_.requests->refused(name_, *r.problem, started_);
    return send_problem(*ctx_.config, request, response, *r.problem);
  }
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
  apply_common_headers(*ctx_.config, response);
  for (const auto& [name, value] : r.headers) response.set(name, value);
  if (!r.content_type.empty()) response.setContentType(r.content_type);
  if (request.getMethod() == "HEAD") {
    response.setContentLength(static_cast<std::streamsize>(r.body.size()));
    response.send();
  } else {
    response.sendBuffer(r.body.data(), r.body.size());
  }
  if (ctx_.requests != nullptr) ctx_.requests->answered(name_, r.status, started_);
}

SimpleResponse info_route(ServerContext& ctx, const std::string& path) {
  const config::AppConfig& c = *ctx.config;
  SimpleResponse r;
  r.content_type = "application/json; charset=utf-8";
  if (path == "/_info" || path == "/_info/") {
    r.body = "{\"name\":" + json_string(c.info_name) + ",\"version\":" + json_string(ctx.version) +
             ",\"description\":" + json_string(c.info_description) +
             ",\"home\":" + json_string(c.info_home) + "}";
  } else if (path == "/_info/name") {
    r.body = "{\"name\":" + json_string(c.info_name) + "}";
  } else if (path == "/_info/version") {
    r.body = "{\"version\":" + json_string(ctx.version) + "}";
  } else if (path == "/_info/description") {
    r.body = "{\"description\":" + json_string(c.info_description) + "}";
  } else if (path == "/_info/home") {
    r.body = "{\"home\":" + json_string(c.info_home) + "}";
  } else {
    r.problem = Problem{404, "not_found", "Not Found", "No route for " + path, 0};
  }
  return r;
}

SimpleResponse ui_route(const std::string& path) {
  const ui::Asset* asset = ui::find_asset(path == "/v2/ui/" ? "/v2/ui" : path);
  if (asset == nullptr)
    return {404, "", "", {}, Problem{404, "not_found", "Not Found", "No route for " + path, 0}};
  return {200,
          std::string(ui::content_type(*asset)),
          std::string(asset->body),
          {{"Cache-Control", "no-cache"}},
          {}};
}

SimpleResponse robots_route() {
  return {200, "text/plain; charset=utf-8", "User-agent: *\nDisallow: /\n", {}, {}};
}

SimpleResponse metrics_route(ServerContext& ctx) {
  return {
      200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics->render_prometheus(), {}, {}};
}

SimpleResponse healthz_route(ServerContext& ctx) {
  const bool ok = ctx.plugins->source->healthy(2000);
  SimpleResponse r;
  r.status = ok ? 200 : 503;
  r.content_type = "application/json; charset=utf-8";
  r.body = ok ? "{\"status\":\"ok\"}" : "{\"status\":\"kafka unreachable\"}";
  return r;
}

SimpleResponse preflight_route() {
  SimpleResponse r;
  r.status = 204;
  r.headers = {{"Access-Control-Allow-Methods", kAllowMethods},
               {"Access-Control-Max-Age", "86400"}};
  return r;
}

}  // namespace eventstreams::http
