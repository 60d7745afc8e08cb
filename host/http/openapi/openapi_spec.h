// The OpenAPI 3.0 document of GET /?spec (SPEC 5, issue 9): built from the app config, the
// stream catalog and what the loaded plugins can do, given here as plain values so that the
// builder needs no plugin, network or HTTP server.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/app_config.h"
#include "config/stream_config.h"

namespace eventstreams::http::openapi {

struct SpecInputs {
  std::string version;  // the server's, as /_info/version says it
  // Media types of the loaded encoders, in configured order (duplicates are fine).
  std::vector<std::string> encoder_media_types;
  // A loaded transform reads event-field filters from the query (SPEC 2.3).
  bool field_filters = false;
  // Query names that are never filters (since, lastEventId, _ ...), when field_filters.
  std::vector<std::string> reserved_parameters;
  // Stream name -> its JSON schema object text (see stream_schemas.h); streams without one
  // are documented without a response schema.
  std::map<std::string, std::string> schemas;
};

// The document as compact JSON text. Never throws on odd schemas: one that is not a JSON
// object is left out.
std::string build_openapi_spec(const config::AppConfig& config,
                               const config::StreamCatalog& catalog, const SpecInputs& inputs);

}  // namespace eventstreams::http::openapi
