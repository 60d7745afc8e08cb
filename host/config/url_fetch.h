// Fetches one document the config points at: the stream config (stream_config_uri) and the
// stream schemas of the spec (schema_base_uris). A local path, file://, http:// or https://
// (certificates verified against the system's CA store, plus `https_ca_file` when set).
// Bounded in time and size; never throws: the caller decides what a failure means.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace eventstreams::config {

struct FetchOptions {
  std::map<std::string, std::string> headers;  // sent with http(s) requests
  std::chrono::milliseconds timeout{10000};    // connect, send and each receive
  std::size_t max_bytes = 64 << 20;            // a larger answer is refused
  std::string ca_file;                         // PEM: more CAs to trust for https
};

struct FetchResult {
  bool ok = false;
  std::string body;   // the document, when ok
  std::string error;  // why not, when !ok: names the location
  // The location could not be reached at all (refused, timed out, TLS failed, unsupported
  // scheme), as opposed to an answer that was not the document (a 404, a missing file).
  bool unreachable = false;
};

FetchResult fetch_url(const std::string& location, const FetchOptions& options);

}  // namespace eventstreams::config
