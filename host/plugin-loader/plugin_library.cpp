#include "plugin-loader/plugin_library.h"

#include <dlfcn.h>

#include <cstring>

namespace eventstreams::plugin_loader {
namespace {

// The longest ABI identity read from a plugin; a longer one is not ours.
constexpr std::size_t kMaxIdentity = 256;

// Keeps the library mapped until the process exits: dlopen with RTLD_NOLOAD | RTLD_NODELETE
// marks an already loaded object as never to be unloaded; the extra reference it takes is
// given back at once.
void pin(const std::string& path) {
  if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD | RTLD_NODELETE)) {
    dlclose(handle);
  }
}

}  // namespace

const char* describe(LoadFailure failure) {
  switch (failure) {
    case LoadFailure::kNone:
      return "loaded";
    case LoadFailure::kCannotLoad:
      return "failed to load";
    case LoadFailure::kNotAPlugin:
      return "not a plugin";
    case LoadFailure::kWrongAbi:
      return "wrong ABI";
    case LoadFailure::kBadDescriptor:
      return "bad descriptor";
  }
  return "refused";
}

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::string& path, std::string& error,
                                                   LoadFailure* failure) {
  const auto refuse = [&](LoadFailure why, std::string reason) -> std::shared_ptr<PluginLibrary> {
    error = path + ": " + std::move(reason);
    if (failure) *failure = why;
    return nullptr;
  };
  if (failure) *failure = LoadFailure::kNone;
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  boost::dll::fs::error_code ec;
  // Local binding: plugins may carry their own copies of libraries without clashing.
  lib->library_.load(path, ec, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  if (ec) {
    std::string reason = "cannot load: " + ec.message();
    if (const char* why = dlerror()) reason += std::string(" (") + why + ")";
    return refuse(LoadFailure::kCannotLoad, std::move(reason));
  }
  if (!lib->library_.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME)) {
    return refuse(LoadFailure::kNotAPlugin,
                  "not an eventstreams plugin (no symbol " EVENTSTREAMS_PLUGIN_SYMBOL_NAME ")");
  }
  const auto* d = &lib->library_.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
  // The version first: it says how the rest is laid out. Then the size, then the identity
  // (whose offset every version shares), before anything else is read.
  if (d->abi_version != kAbiVersion) {
    return refuse(LoadFailure::kWrongAbi, "plugin ABI version " + std::to_string(d->abi_version) +
                                              ", the host needs " + std::to_string(kAbiVersion));
  }
  if (d->descriptor_size != sizeof(PluginDescriptor)) {
    return refuse(LoadFailure::kWrongAbi, "descriptor size " + std::to_string(d->descriptor_size) +
                                              ", expected " +
                                              std::to_string(sizeof(PluginDescriptor)));
  }
  const std::string_view identity =
      d->abi_identity == nullptr
          ? std::string_view()
          : std::string_view(d->abi_identity, strnlen(d->abi_identity, kMaxIdentity));
  if (identity != kAbiIdentity) {
    return refuse(LoadFailure::kWrongAbi,
                  "plugin ABI identity '" + std::string(identity) + "', the host's is '" +
                      kAbiIdentity +
                      "': it was built against other plugin API headers or another C++ "
                      "standard library; rebuild it against this host's SDK");
  }
  if (d->name == nullptr || std::strlen(d->name) == 0) {
    return refuse(LoadFailure::kBadDescriptor, "plugin has no name");
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
      return refuse(LoadFailure::kBadDescriptor,
                    "unknown plugin kind " + std::to_string(static_cast<unsigned>(d->kind)));
  }
  if (!factory_ok) {
    return refuse(LoadFailure::kBadDescriptor,
                  std::string("plugin '") + d->name + "' has no factory function for its kind");
  }
  lib->descriptor_ = d;
  pin(path);
  return lib;
}

}  // namespace eventstreams::plugin_loader
