// Server-wide and per-address connection limits (SPEC 6). A slot is taken once and given
// back exactly once, whenever and however its connection ends.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace eventstreams::http {

class ConnectionLimiter;

class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(ConnectionSlot&& other) noexcept { *this = std::move(other); }
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }
  void release() noexcept;
  explicit operator bool() const { return limiter_ != nullptr; }

 private:
  friend class ConnectionLimiter;
  ConnectionLimiter* limiter_ = nullptr;
  std::string address_;
};

class ConnectionLimiter {
 public:
  enum class Result { kOk, kPerClientLimit, kServerLimit };
  // 0 means no limit.
  ConnectionLimiter(int max_connections, int per_client_limit)
      : max_connections_(max_connections), per_client_limit_(per_client_limit) {}

  Result acquire(const std::string& address, ConnectionSlot& slot);
  int total() const;
  int for_address(const std::string& address) const;

 private:
  friend class ConnectionSlot;
  void release(const std::string& address) noexcept;

  mutable std::mutex mutex_;
  const int max_connections_;
  const int per_client_limit_;
  int total_ = 0;
  std::map<std::string, int> per_address_;
};

}  // namespace eventstreams::http
