// Entry point of libeventstreams-text-plain.so: exports the descriptor, nothing else.
#include "eventstreams/abi.h"
#include "text_plain_encoder.h"

namespace {

std::unique_ptr<eventstreams::EncoderFactory> create(const eventstreams::PluginContext& context,
                                                     std::string& error) noexcept {
  return text_plain::create_factory(context, error);
}

}  // namespace

EVENTSTREAMS_EXPORT_PLUGIN(kEncoder, "text-plain", "1.0", nullptr, nullptr, &create);
