// What GET /?spec and GET /?doc answer, built together from one catalog so that they never
// disagree. Immutable once built: a stream-config reload builds a new one and swaps the
// pointer in ServerContext (ServerContext::set_spec).
#pragma once

#include <memory>
#include <string>

#include "config/app_config.h"
#include "config/stream_config.h"
#include "http/openapi/openapi_spec.h"
#include "http/openapi/schema_fetch.h"
#include "plugin-loader/plugin_registry.h"
#include "services/json_logger.h"

namespace eventstreams::http::openapi {

struct SpecDocuments {
  std::string json;  // the OpenAPI 3.0 document
  std::string html;  // the page of /?doc
};

// What the loaded plugins add to the spec: the encoders' media types and whether a transform
// takes field filters from the query, with the names none of them takes (reserved).
SpecInputs plugin_spec_inputs(const plugin_loader::LoadedPlugins& plugins, std::string version);

// Resolves the stream schemas (schema_base_uris, bounded fetches; each one left out is logged
// as a warning), then builds both documents. Never throws for a schema; call it at start-up
// and after every stream-config reload.
std::shared_ptr<const SpecDocuments> build_spec_documents(
    const config::AppConfig& config, const config::StreamCatalog& catalog,
    const plugin_loader::LoadedPlugins& plugins, const std::string& version,
    services::JsonLogger& logger, const SchemaFetcher& fetch);

// The same with the server's fetcher (make_schema_fetcher with the config's headers).
std::shared_ptr<const SpecDocuments> build_spec_documents(
    const config::AppConfig& config, const config::StreamCatalog& catalog,
    const plugin_loader::LoadedPlugins& plugins, const std::string& version,
    services::JsonLogger& logger);

}  // namespace eventstreams::http::openapi
