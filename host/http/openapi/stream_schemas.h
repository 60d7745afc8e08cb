// Finds each stream's JSON schema for the OpenAPI spec, the way the original service does:
// the stream config's inline `schema`; else its `$schema`; else
// `/<schema_title>/<schema_latest_version>` when the app config sets schema_latest_version.
// A relative location is tried against each of schema_base_uris in turn and the first that
// answers with a schema object wins. A schema that cannot be had is reported and left out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/app_config.h"
#include "config/stream_config.h"
#include "http/openapi/schema_fetch.h"

namespace eventstreams::http::openapi {

struct ResolvedSchemas {
  std::map<std::string, std::string> by_stream;  // stream name -> JSON schema object text
  std::vector<std::string> problems;             // one line per schema left out, for the log
};

// Fetches each distinct location at most once (aliases share their stream's schema), and
// skips a base for the rest of the call once it proved unreachable.
ResolvedSchemas resolve_stream_schemas(const config::AppConfig& config,
                                       const config::StreamCatalog& catalog,
                                       const SchemaFetcher& fetch);

// The location a stream's schema is looked up at ("" for none): its `$schema`, else the one
// made of schema_title and schema_latest_version.
std::string schema_location(const config::AppConfig& config, const config::StreamDef& stream);

// `relative` appended to `base` with exactly one '/' between them.
std::string join_location(const std::string& base, const std::string& relative);

// A JSON or YAML document as JSON object text; "" when it is neither or not an object.
std::string schema_object_json(const std::string& text);

}  // namespace eventstreams::http::openapi
