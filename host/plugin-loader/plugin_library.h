// One loaded plugin shared object and its checked descriptor.
#pragma once

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>

#include "eventstreams/abi.h"

namespace eventstreams::plugin_loader {

// Why a file was refused, for `eventstreams --list-plugins`.
enum class LoadFailure {
  kNone,
  kCannotLoad,     // dlopen failed: not a shared object, a missing dependency, ...
  kNotAPlugin,     // no descriptor symbol
  kWrongAbi,       // another descriptor version or size, or another ABI identity
  kBadDescriptor,  // no name, unknown kind, no factory for its kind
};

// "failed to load", "not a plugin", "wrong ABI", "bad descriptor".
const char* describe(LoadFailure failure);

class PluginLibrary {
 public:
  // Loads `path` and checks its descriptor (symbol, ABI version, size, ABI identity, kind,
  // name, factory). Returns null and sets `error` to "<path>: <reason>" (and `failure`, when
  // given) when the file cannot serve.
  //
  // A library that passes is never unmapped, even after the last reference to it is gone:
  // threads a plugin started (librdkafka's, a bounded teardown that left some closing in the
  // background) may still run its code after every object it made was destroyed.
  static std::shared_ptr<PluginLibrary> load(const std::string& path, std::string& error,
                                             LoadFailure* failure = nullptr);

  const PluginDescriptor& descriptor() const { return *descriptor_; }
  const std::string& path() const { return path_; }
  std::string name() const { return descriptor_->name; }

 private:
  PluginLibrary() = default;
  std::string path_;
  boost::dll::shared_library library_;
  const PluginDescriptor* descriptor_ = nullptr;
};

// An object made by a plugin, kept together with the library that made it: the object is
// destroyed first, then the library reference is dropped, so plugin code never runs after
// its library is unloaded.
template <class T>
class PluginObject {
 public:
  PluginObject() = default;
  PluginObject(std::shared_ptr<PluginLibrary> library, std::unique_ptr<T> object)
      : library_(std::move(library)), object_(std::move(object)) {}
  PluginObject(PluginObject&&) noexcept = default;
  PluginObject& operator=(PluginObject&& other) noexcept {
    object_.reset();
    library_ = std::move(other.library_);
    object_ = std::move(other.object_);
    return *this;
  }
  ~PluginObject() { object_.reset(); }

  T* get() const { return object_.get(); }
  T* operator->() const { return object_.get(); }
  T& operator*() const { return *object_; }
  explicit operator bool() const { return object_ != nullptr; }
  const PluginLibrary& library() const { return *library_; }

 private:
  std::shared_ptr<PluginLibrary> library_;  // declared first: destroyed last
  std::unique_ptr<T> object_;
};

}  // namespace eventstreams::plugin_loader
