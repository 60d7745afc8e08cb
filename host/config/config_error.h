// A start-up configuration error; its message names the key or the file.
#pragma once

#include <stdexcept>
#include <string>

namespace eventstreams::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace eventstreams::config
