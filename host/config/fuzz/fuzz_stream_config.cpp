// libFuzzer harness for the stream config (SPEC 1), which may come from an HTTP URL: the
// document, an object path, defaults and an allowed list, built into the catalog as the host
// does. A bad document must end in ConfigError (or yaml-cpp's exception, which the loader
// turns into one). An accepted catalog names only streams with topics, and every alias
// names a stream of the catalog.
#include <fuzzer/FuzzedDataProvider.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/stream_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string object_path = input.ConsumeRandomLengthString(32);
  std::optional<std::vector<std::string>> allowed;
  if (input.ConsumeBool()) {
    allowed.emplace();
    const int n = input.ConsumeIntegralInRange(0, 4);
    for (int i = 0; i < n; ++i) allowed->push_back(input.ConsumeRandomLengthString(32));
  }
  const std::string defaults_text = input.ConsumeRandomLengthString(256);
  const std::string document_text = input.ConsumeRemainingBytesAsString();
  try {
    const YAML::Node defaults = YAML::Load(defaults_text);
    const YAML::Node document = YAML::Load(document_text);
    const auto catalog = eventstreams::config::build_stream_catalog(document, object_path, defaults,
                                                                    allowed, "fuzz");
    if (catalog.streams.empty()) std::abort();  // documented: ConfigError when nothing remains
    for (const auto& [name, def] : catalog.streams) {
      if (def.topics.empty()) std::abort();
      if (def.alias_of && catalog.find(*def.alias_of) == nullptr) std::abort();
    }
    (void)catalog.all_topics();
  } catch (const eventstreams::config::ConfigError&) {
  } catch (const YAML::Exception&) {
  }
  return 0;
}
