// Entry point of libeventstreams-ndjson-encoder.so: exports the descriptor, nothing else.
#include <memory>
#include <string>

#include "eventstreams/abi.h"
#include "ndjson_encoder.h"

namespace {

// create_factory catches everything, so nothing is thrown across the plugin boundary.
std::unique_ptr<eventstreams::EncoderFactory> create(const eventstreams::PluginContext& context,
                                                     std::string& error) noexcept {
  return eventstreams::ndjson::create_factory(context, error);
}

}  // namespace

EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG(kEncoder, "ndjson", "1.0", nullptr, nullptr, &create,
                                       &eventstreams::ndjson::kConfigTable);
