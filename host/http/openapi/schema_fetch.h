// Fetches one schema document for the OpenAPI spec: a local path, a file:// or an http://
// URL. Bounded in time, never throws: the spec is documentation and must not fail start-up.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace eventstreams::http::openapi {

struct FetchResult {
  bool ok = false;
  std::string body;   // the document, when ok
  std::string error;  // why not, when !ok
  // The location could not be reached at all (connection refused, timed out, unsupported
  // scheme): a resolver skips that base for the rest of its build instead of waiting on it
  // once per schema.
  bool unreachable = false;
};

using SchemaFetcher = std::function<FetchResult(const std::string& uri)>;

struct FetchOptions {
  std::map<std::string, std::string> headers;  // sent with http requests
  std::chrono::milliseconds timeout{5000};     // connect, send and each receive
  std::size_t max_bytes = 16 << 20;            // a larger answer is refused
};

// The fetcher the server uses. https:// is not supported yet (issue 9 item 3 brings TLS for
// stream_config_uri and schema_base_uris): such a location is reported unreachable.
SchemaFetcher make_schema_fetcher(FetchOptions options);

}  // namespace eventstreams::http::openapi
