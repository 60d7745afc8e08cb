#include "services/host_services_impl.h"

#include <chrono>

namespace eventstreams::services {

void HostServicesImpl::log(LogLevel level, std::string_view message,
                           std::string_view fields_json) noexcept {
  logger_.log(level, message, fields_json);
}

Counter* HostServicesImpl::counter(std::string_view name, std::string_view help,
                                   std::string_view labels) noexcept {
  try {
    return metrics_.counter(name, help, labels);
  } catch (...) {
    // Only allocation can fail here; a plugin must still get a usable counter.
    static class : public Counter {
     public:
      void add(std::uint64_t) noexcept override {}
      std::uint64_t value() const noexcept override { return 0; }
    } sink;
    return &sink;
  }
}

std::int64_t HostServicesImpl::now_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace eventstreams::services
