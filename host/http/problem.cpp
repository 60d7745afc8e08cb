#include "http/problem.h"

#include "http/response_headers.h"
#include "services/json_text.h"

namespace eventstreams::http {

std::string problem_json(const Problem& p, const std::string& method, const std::string& uri) {
  using services::append_json_string;
  std::string out = "{\"status\":" + std::to_string(p.status) + ",\"type\":";
  append_json_string(out, p.type);
  out += ",\"title\":";
  append_json_string(out, p.title);
  out += ",\"detail\":";
  append_json_string(out, p.detail);
  out += ",\"method\":";
  append_json_string(out, method);
  out += ",\"uri\":";
  append_json_string(out, uri);
  out += "}";
  return out;
}

void send_problem(const config::AppConfig& config, Poco::Net::HTTPServerRequest& request,
                  Poco::Net::HTTPServerResponse& response, const Problem& p) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(p.status));
  apply_common_headers(config, response);
  response.setContentType("application/json; charset=utf-8");
  if (p.retry_after_s > 0) response.set("Retry-After", std::to_string(p.retry_after_s));
  const std::string body = problem_json(p, request.getMethod(), request.getURI());
  if (request.getMethod() == "HEAD") {
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send();
  } else {
    response.sendBuffer(body.data(), body.size());
  }
}

}  // namespace eventstreams::http
