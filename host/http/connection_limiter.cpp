#include "http/connection_limiter.h"

namespace eventstreams::http {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = other.limiter_;
    address_ = std::move(other.address_);
    other.limiter_ = nullptr;
  }
  return *this;
}

void ConnectionSlot::release() noexcept {
  if (limiter_) {
    limiter_->release(address_);
    limiter_ = nullptr;
  }
}

ConnectionLimiter::Result ConnectionLimiter::acquire(const std::string& address,
                                                     ConnectionSlot& slot) {
  std::lock_guard lock(mutex_);
  if (max_connections_ > 0 && total_ >= max_connections_) return Result::kServerLimit;
  int& mine = per_address_[address];
  if (per_client_limit_ > 0 && mine >= per_client_limit_) {
    if (mine == 0) per_address_.erase(address);
    return Result::kPerClientLimit;
  }
  ++mine;
  ++total_;
  slot.release();
  slot.limiter_ = this;
  slot.address_ = address;
  return Result::kOk;
}

void ConnectionLimiter::release(const std::string& address) noexcept {
  std::lock_guard lock(mutex_);
  --total_;
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

int ConnectionLimiter::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

int ConnectionLimiter::for_address(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace eventstreams::http
