// The stream catalog new requests see, swapped whole when the stream config is reloaded
// (SPEC 1). A request takes one snapshot and uses it throughout, so a reload in the middle of
// it can never show it half the old catalog and half the new; clients already streaming keep
// their stream whatever the catalog says afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "config/stream_config.h"

namespace eventstreams::config {

class CatalogHolder {
 public:
  explicit CatalogHolder(std::shared_ptr<const StreamCatalog> initial)
      : current_(std::move(initial)) {}

  // Any thread: the catalog as it stands, kept alive for as long as the caller holds it.
  std::shared_ptr<const StreamCatalog> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  // Any thread: from now on requests see `next`.
  void replace(std::shared_ptr<const StreamCatalog> next) {
    std::shared_ptr<const StreamCatalog> old;  // released outside the lock
    std::lock_guard lock(mutex_);
    old = std::move(current_);
    current_ = std::move(next);
    ++generation_;
  }

  // How many times the catalog was replaced.
  std::uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const StreamCatalog> current_;
  std::uint64_t generation_ = 0;
};

}  // namespace eventstreams::config
