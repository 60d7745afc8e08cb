// The one symbol every plugin exports, and the identity the host checks before touching it.
//
// Plugins are C++ shared objects: classes, virtual tables and std:: types cross the boundary,
// so a plugin must be built against the very headers the host was built with, and with the
// same C++ standard library ABI. Nobody has to remember to bump anything for that:
//
//   kAbiIdentity  derived, not written: the SHA-256 of the headers of this folder (generated
//                 at build time into abi_identity.h, see cmake/EventStreamsAbiIdentity.cmake)
//                 and the standard library's ABI tag, e.g.
//                 "headers=3f2a9c0d1e2b4a5c stdlib=libstdc++12/cxx11abi=1". Any edit of a
//                 header, even a comment, gives a new identity: rebuild the plugins.
//   kAbiVersion   the layout of PluginDescriptor itself; its first three fields never move,
//                 so any host can read them from any plugin, old or new.
//
// The host refuses a plugin whose version, descriptor size or identity differs from its own,
// before calling anything in it; the message names both identities. abi_layout.h pins the
// sizes of the structs that cross the boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <version>

#include "eventstreams/abi_identity.h"

#define EVENTSTREAMS_ABI_STR2(x) #x
#define EVENTSTREAMS_ABI_STR(x) EVENTSTREAMS_ABI_STR2(x)
#if defined(_LIBCPP_VERSION)
#define EVENTSTREAMS_ABI_STDLIB "libc++" EVENTSTREAMS_ABI_STR(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#define EVENTSTREAMS_ABI_STDLIB                                                         \
  "libstdc++" EVENTSTREAMS_ABI_STR(_GLIBCXX_RELEASE) "/cxx11abi=" EVENTSTREAMS_ABI_STR( \
      _GLIBCXX_USE_CXX11_ABI)
#else
#define EVENTSTREAMS_ABI_STDLIB "unknown"
#endif

namespace eventstreams {

// Version 3: the descriptor carries abi_identity (version 2 had only the number).
inline constexpr std::uint32_t kAbiVersion = 3;

// What a plugin was built against; compared as text by the host.
inline constexpr char kAbiIdentity[] =
    "headers=" EVENTSTREAMS_ABI_HEADERS_ID " stdlib=" EVENTSTREAMS_ABI_STDLIB;

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
  // These three stay where they are in every version (offsets 0, 4 and 8).
  std::uint32_t abi_version;      // kAbiVersion
  std::uint32_t descriptor_size;  // sizeof(PluginDescriptor)
  const char* abi_identity;       // kAbiIdentity as the plugin saw it
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
      ::eventstreams::kAbiIdentity,                                                       \
      ::eventstreams::PluginKind::kind,                                                   \
      name,                                                                               \
      version,                                                                            \
      src,                                                                                \
      tr,                                                                                 \
      enc,                                                                                \
      config}

// The sizes of what crosses the boundary, checked wherever a plugin is compiled.
#include "eventstreams/abi_layout.h"
