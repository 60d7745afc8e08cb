// The one symbol every plugin exports, and the version the host checks before touching it.
//
// Plugins are C++ shared objects built with the same compiler family as the host; the ABI
// version below changes whenever any header in this folder changes in a way that alters
// object layout or virtual tables. The host refuses a plugin whose version or descriptor size
// differs, before calling anything else in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace eventstreams {

inline constexpr std::uint32_t kAbiVersion = 2;

enum class PluginKind : std::uint32_t { kSource = 1, kTransform = 2, kEncoder = 3 };

class HostServices;
struct ConfigTable;
class SourceFactory;
class TransformFactory;
class EncoderFactory;

// What the host hands a plugin's factory function.
struct PluginContext {
  // The plugin's configuration as a JSON object text (converted from the YAML config).
  std::string config_json;
  // Logging, metrics and clock; valid for as long as the factory lives.
  HostServices* host = nullptr;
  // Folder of the main config file, to resolve relative paths in plugin config.
  std::string config_dir;
};

// Factory functions never throw: on failure they return null and put the reason in `error`.
using CreateSourceFn = std::unique_ptr<SourceFactory> (*)(const PluginContext&,
                                                          std::string& error) noexcept;
using CreateTransformFn = std::unique_ptr<TransformFactory> (*)(const PluginContext&,
                                                                std::string& error) noexcept;
using CreateEncoderFn = std::unique_ptr<EncoderFactory> (*)(const PluginContext&,
                                                            std::string& error) noexcept;

// Exported by every plugin under the name EVENTSTREAMS_PLUGIN_SYMBOL. Exactly one of the
// create functions is set, the one matching `kind`.
struct PluginDescriptor {
  std::uint32_t abi_version;
  std::uint32_t descriptor_size;
  PluginKind kind;
  const char* name;     // how configs refer to the plugin, e.g. "sse"
  const char* version;  // the plugin's own version, for logs
  CreateSourceFn create_source;
  CreateTransformFn create_transform;
  CreateEncoderFn create_encoder;
  // The plugin's config keys (config_keys.h), or null when it declares none: then the host
  // passes its config unchecked and --help-plugin says so.
  const ConfigTable* config;
};

}  // namespace eventstreams

#define EVENTSTREAMS_PLUGIN_SYMBOL eventstreams_plugin_descriptor
#define EVENTSTREAMS_PLUGIN_SYMBOL_NAME "eventstreams_plugin_descriptor"

// Use once in a plugin's entry file:
//   EVENTSTREAMS_EXPORT_PLUGIN(kEncoder, "sse", "1.0", nullptr, nullptr, &create_sse);
// or, with a table of config keys (a `const ConfigTable*`, see config_keys.h):
//   EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG(kEncoder, "sse", "1.0", nullptr, nullptr,
//                                          &create_sse, &kSseConfig);
#define EVENTSTREAMS_EXPORT_PLUGIN(kind, name, version, src, tr, enc) \
  EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG(kind, name, version, src, tr, enc, nullptr)

#define EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG(kind, name, version, src, tr, enc, config) \
  extern "C" __attribute__((visibility("default")))                                       \
  const ::eventstreams::PluginDescriptor EVENTSTREAMS_PLUGIN_SYMBOL = {                   \
      ::eventstreams::kAbiVersion,                                                        \
      sizeof(::eventstreams::PluginDescriptor),                                           \
      ::eventstreams::PluginKind::kind,                                                   \
      name,                                                                               \
      version,                                                                            \
      src,                                                                                \
      tr,                                                                                 \
      enc,                                                                                \
      config}
