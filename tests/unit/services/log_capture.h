// A JsonLogger writing to a temporary file, and the lines it wrote, for the services tests.
#pragma once

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "services/json_logger.h"

namespace eventstreams::services::testing {

class LogCapture {
 public:
  LogCapture() : file_(std::tmpfile(), &std::fclose), logger_(LogLevel::kDebug, file_.get()) {}

  JsonLogger& logger() { return logger_; }

  std::vector<std::string> lines() const {
    std::fflush(file_.get());
    std::rewind(file_.get());
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file_.get())) > 0;) text.append(buf, n);
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file_;
  JsonLogger logger_;
};

}  // namespace eventstreams::services::testing
