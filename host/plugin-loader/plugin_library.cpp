#include "plugin-loader/plugin_library.h"

#include <dlfcn.h>

#include <cstring>

namespace eventstreams::plugin_loader {

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::string& path, std::string& error) {
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  boost::dll::fs::error_code ec;
  // Local binding: plugins may carry their own copies of libraries without clashing.
  lib->library_.load(path, ec, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  if (ec) {
    error = path + ": cannot load: " + ec.message();
    if (const char* why = dlerror()) error += std::string(" (") + why + ")";
    return nullptr;
  }
  if (!lib->library_.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME)) {
    error = path + ": not an eventstreams plugin (no symbol " EVENTSTREAMS_PLUGIN_SYMBOL_NAME ")";
    return nullptr;
  }
  const auto* d = &lib->library_.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
  // Check the version before reading anything else: a different ABI may lay fields out
  // differently.
  if (d->abi_version != kAbiVersion) {
    error = path + ": plugin ABI version " + std::to_string(d->abi_version) + ", the host needs " +
            std::to_string(kAbiVersion);
    return nullptr;
  }
  if (d->descriptor_size != sizeof(PluginDescriptor)) {
    error = path + ": descriptor size " + std::to_string(d->descriptor_size) + ", expected " +
            std::to_string(sizeof(PluginDescriptor));
    return nullptr;
  }
  if (d->name == nullptr || std::strlen(d->name) == 0) {
    error = path + ": plugin has no name";
    return nullptr;
  }
  bool factory_ok = false;
  switch (d->kind) {
    case PluginKind::kSource:
      factory_ok = d->create_source != nullptr;
      break;
    case PluginKind::kTransform:
      factory_ok = d->create_transform != nullptr;
      break;
    case PluginKind::kEncoder:
      factory_ok = d->create_encoder != nullptr;
      break;
    default:
      error = path + ": unknown plugin kind " + std::to_string(static_cast<unsigned>(d->kind));
      return nullptr;
  }
  if (!factory_ok) {
    error = path + ": plugin '" + d->name + "' has no factory function for its kind";
    return nullptr;
  }
  lib->descriptor_ = d;
  return lib;
}

}  // namespace eventstreams::plugin_loader
