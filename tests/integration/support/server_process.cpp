#include "support/server_process.h"

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/deadline.h"

#ifndef ES_HOST_BINARY
#error "ES_HOST_BINARY must be defined (the path of the eventstreams binary)"
#endif

namespace eventstreams::testing {

namespace {

// The first JSON log line saying the server listens, and its port.
std::optional<uint16_t> listening_port(std::string_view output) {
  static const std::regex message(R"re("message"\s*:\s*"listening")re");
  static const std::regex port(R"re("port"\s*:\s*(\d+))re");
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) break;  // only complete lines
    std::string line(output.substr(start, end - start));
    start = end + 1;
    std::smatch m;
    if (std::regex_search(line, message) && std::regex_search(line, m, port)) {
      unsigned long n = std::stoul(m[1].str());
      if (n > 0 && n < 65536) return static_cast<uint16_t>(n);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string ServerProcess::quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string ServerProcess::streams_yaml(
    const std::map<std::string, std::vector<std::string>>& streams) {
  std::ostringstream out;
  for (const auto& [name, topics] : streams) {
    out << quote(name) << ":\n  topics: [";
    for (size_t i = 0; i < topics.size(); ++i) out << (i ? ", " : "") << quote(topics[i]);
    out << "]\n";
  }
  return out.str();
}

std::string ServerProcess::config_yaml(const ServerConfig& config,
                                       const std::string& streams_file) {
  std::ostringstream kafka;
  if (!config.kafka_bootstrap.empty()) {
    kafka << "  metadata.broker.list: " << quote(config.kafka_bootstrap) << "\n";
  }
  for (const auto& [k, v] : config.kafka) kafka << "  " << quote(k) << ": " << quote(v) << "\n";
  std::ostringstream out;
  out << (kafka.str().empty() ? "kafka: {}\n" : "kafka:\n" + kafka.str());
  if (!config.interface.empty()) out << "interface: " << quote(config.interface) << "\n";
  out << "stream_config_uri: " << quote(streams_file) << "\n";
  if (!config.extra_yaml.empty()) {
    out << config.extra_yaml;
    if (config.extra_yaml.back() != '\n') out << "\n";
  }
  return out.str();
}

ServerProcess::ServerProcess(const ServerConfig& config, ServerOptions options) {
  std::string streams = dir_.write("streams.yaml", streams_yaml(config.streams));
  config_path_ = dir_.write("config.yaml", config_yaml(config, streams));
  start(std::move(options));
}

ServerProcess::ServerProcess(std::string_view yaml, ServerOptions options) {
  config_path_ = dir_.write("config.yaml", yaml);
  start(std::move(options));
}

void ServerProcess::start(ServerOptions options) {
  const auto deadline = deadline_after(options.start_timeout);
  log_path_ = dir_.path() + "/server.log";
  std::vector<std::string> argv = {options.binary.empty() ? binary_path() : options.binary,
                                   "--config", config_path_, "--port", "0"};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  child_ = std::make_unique<ChildProcess>(argv, ChildProcess::Options{options.env, log_path_});
  std::optional<uint16_t> port;
  child_->wait_for_output(
      [&](std::string_view out) { return (port = listening_port(out)).has_value(); }, deadline);
  if (!port) {
    std::string why = child_->running() ? "did not log \"listening\" in time" : "exited";
    int status = stop(std::chrono::seconds(2));
    std::string kept;
    if (const char* keep = std::getenv("ES_KEEP_TEST_DIRS"); keep && *keep == '1') {
      dir_.keep();
      kept = "; files kept in " + dir_.path();
    }
    throw std::runtime_error("server " + why + " (status " + std::to_string(status) + kept +
                             "); output:\n" + log_text());
  }
  port_ = *port;
}

ServerProcess::~ServerProcess() {
  if (child_) stop();
}

bool ServerProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) const {
  return child_->wait_for_output(
      [needle](std::string_view out) { return out.find(needle) != std::string_view::npos; },
      deadline_after(timeout));
}

int ServerProcess::stop(std::chrono::milliseconds grace) {
  if (!exit_status_) exit_status_ = child_->stop(grace);
  return *exit_status_;
}

std::string ServerProcess::binary_path() {
  if (const char* env = std::getenv("ES_HOST_BINARY"); env && *env) return env;
  return ES_HOST_BINARY;
}

RunResult ServerProcess::run_and_capture(const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout,
                                         const std::vector<std::string>& env) {
  std::vector<std::string> argv = {binary_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_capture(argv, timeout, env);
}

}  // namespace eventstreams::testing
