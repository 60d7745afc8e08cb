// Entry point of libeventstreams-redaction.so: exports the descriptor, nothing else.
#include <memory>
#include <string>

#include "eventstreams/abi.h"
#include "redaction_transform.h"

namespace {

// create_factory catches everything, so nothing is thrown across the plugin boundary.
std::unique_ptr<eventstreams::TransformFactory> create(const eventstreams::PluginContext& context,
                                                       std::string& error) noexcept {
  return eventstreams::redaction::create_factory(context, error);
}

}  // namespace

EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG(kTransform, "redaction", "1.0", nullptr, &create, nullptr,
                                       &eventstreams::redaction::kConfigTable);
