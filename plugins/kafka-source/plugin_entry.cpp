// Exports the Kafka source plugin ("kafka"). The logic lives in es_kafka_source_core.
#include <memory>
#include <string>

#include "eventstreams/abi.h"
#include "eventstreams/source.h"
#include "kafka_config.h"
#include "kafka_source_factory.h"

#ifndef ES_KAFKA_SOURCE_VERSION
#define ES_KAFKA_SOURCE_VERSION "0.0.0"
#endif

namespace {

std::unique_ptr<eventstreams::SourceFactory> create_kafka_source(
    const eventstreams::PluginContext& context, std::string& error) noexcept {
  return eventstreams::kafka::KafkaSourceFactory::create(context, error);
}

}  // namespace

EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG(kSource, "kafka", ES_KAFKA_SOURCE_VERSION,
                                       &create_kafka_source, nullptr, nullptr,
                                       &eventstreams::kafka::kConfigTable);
