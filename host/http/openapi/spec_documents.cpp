#include "http/openapi/spec_documents.h"

#include <algorithm>

#include "http/openapi/doc_page.h"
#include "http/openapi/stream_schemas.h"
#include "services/json_text.h"

namespace eventstreams::http::openapi {
namespace {

// A dotted event path every field filter must take: if a transform accepts it as a query
// parameter, that transform filters by field (SPEC 2.3). The plugin API says which names a
// transform reads, not what it does with them, so the spec asks with a representative name.
constexpr const char* kFieldProbe = "meta.domain";
// Names SPEC 2 and 2.3 keep out of filtering; documented as reserved when no transform
// takes them.
constexpr const char* kReservedCandidates[] = {"since", "lastEventId", "_"};

}  // namespace

SpecInputs plugin_spec_inputs(const plugin_loader::LoadedPlugins& plugins, std::string version) {
  SpecInputs inputs;
  inputs.version = std::move(version);
  for (const auto& encoder : plugins.encoders) {
    for (auto& type : encoder->media_types()) inputs.encoder_media_types.push_back(type);
  }
  inputs.field_filters =
      std::any_of(plugins.transforms.begin(), plugins.transforms.end(),
                  [](const auto& t) { return t->accepts_parameter(kFieldProbe); });
  if (inputs.field_filters) {
    for (const char* name : kReservedCandidates) {
      const bool taken = std::any_of(plugins.transforms.begin(), plugins.transforms.end(),
                                     [name](const auto& t) { return t->accepts_parameter(name); });
      if (!taken) inputs.reserved_parameters.emplace_back(name);
    }
  }
  return inputs;
}

std::shared_ptr<const SpecDocuments> build_spec_documents(
    const config::AppConfig& config, const config::StreamCatalog& catalog,
    const plugin_loader::LoadedPlugins& plugins, const std::string& version,
    services::JsonLogger& logger, const SchemaFetcher& fetch) {
  SpecInputs inputs = plugin_spec_inputs(plugins, version);
  ResolvedSchemas schemas = resolve_stream_schemas(config, catalog, fetch);
  for (const auto& problem : schemas.problems) {
    logger.log(LogLevel::kWarn, "stream schema left out of the OpenAPI spec",
               "{\"detail\":" + services::json_string(problem) + "}");
  }
  inputs.schemas = std::move(schemas.by_stream);
  auto docs = std::make_shared<SpecDocuments>();
  docs->json = build_openapi_spec(config, catalog, inputs);
  docs->html = render_doc_page(docs->json);
  logger.log(LogLevel::kInfo, "OpenAPI spec built",
             "{\"streams\":" + std::to_string(catalog.streams.size()) +
                 ",\"schemas\":" + std::to_string(inputs.schemas.size()) +
                 ",\"bytes\":" + std::to_string(docs->json.size()) + "}");
  return docs;
}

std::shared_ptr<const SpecDocuments> build_spec_documents(
    const config::AppConfig& config, const config::StreamCatalog& catalog,
    const plugin_loader::LoadedPlugins& plugins, const std::string& version,
    services::JsonLogger& logger) {
  FetchOptions options;
  options.headers = config.schema_uri_headers;
  options.ca_file = config.https_ca_file;
  options.timeout = std::chrono::seconds(5);  // per fetch: the spec must not hold start-up long
  options.max_bytes = 16 << 20;
  return build_spec_documents(config, catalog, plugins, version, logger,
                              make_schema_fetcher(std::move(options)));
}

}  // namespace eventstreams::http::openapi
