// The eventstreams host binary, run as a child process on a free port for end-to-end tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {

// A small app config; see ServerProcess::config_yaml for the YAML it becomes.
struct ServerConfig {
  std::string kafka_bootstrap;                              // kafka: metadata.broker.list
  std::map<std::string, std::vector<std::string>> streams;  // stream name -> topics
  std::map<std::string, std::string> kafka;                 // more kafka: settings
  std::string extra_yaml;  // appended at the top level verbatim (must not repeat the keys above)
  std::string interface = "127.0.0.1";  // interface: (omitted when empty)
};

struct ServerOptions {
  std::vector<std::string> extra_args;  // after --config FILE --port 0
  std::vector<std::string> env;         // "NAME=value" added to the environment
  std::chrono::milliseconds start_timeout = std::chrono::seconds(30);
  std::string binary;  // default: binary_path()
};

// The child gets SIGKILL if the thread that started it ends (so a crashed test leaves no
// server behind): construct it on the test's own thread, not on a short-lived helper thread.
// Tests using it should add_dependencies(<test> eventstreams) so the binary is built first.
class ServerProcess {
 public:
  // Writes `config` into a temporary directory (config.yaml, and streams.yaml for the streams),
  // starts `<binary> --config FILE --port 0`, and waits until it logs a JSON line with
  // "message":"listening" and "port":N. Throws std::runtime_error (with the output so far) if
  // it exits or does not listen within options.start_timeout (ES_KEEP_TEST_DIRS=1 keeps the
  // temporary directory then).
  explicit ServerProcess(const ServerConfig& config, ServerOptions options = {});
  // The same with a complete config file given as YAML text.
  explicit ServerProcess(std::string_view yaml, ServerOptions options = {});
  // Stops the server (see stop()) if it still runs.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return child_->pid(); }
  // stdout + stderr so far (also in log_path()).
  std::string log_text() const { return child_->output(); }
  const std::string& log_path() const { return log_path_; }
  const std::string& config_path() const { return config_path_; }
  const TempDir& dir() const { return dir_; }
  // Waits until the output contains `needle`; false on timeout or exit.
  bool wait_for_log(std::string_view needle,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Whether the process still runs.
  bool running() { return child_->running(); }
  // Sends a signal (e.g. SIGHUP).
  void signal(int sig) { child_->signal(sig); }
  // SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit code, or minus the signal
  // number if a signal ended it. Idempotent.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // The app config YAML for `config`, naming `streams_file` as stream_config_uri.
  static std::string config_yaml(const ServerConfig& config, const std::string& streams_file);
  // The stream config YAML: `name: {topics: [...]}` per stream.
  static std::string streams_yaml(const std::map<std::string, std::vector<std::string>>& streams);
  // A YAML double-quoted scalar.
  static std::string quote(std::string_view s);

  // The host binary: $ES_HOST_BINARY if set, else the one this build produces.
  static std::string binary_path();
  // Runs the host binary with `args` to completion (e.g. --help, --check-config FILE).
  static RunResult run_and_capture(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                   const std::vector<std::string>& env = {});

 private:
  void start(ServerOptions options);

  TempDir dir_{"es-server-"};
  std::string config_path_;
  std::string log_path_;
  std::unique_ptr<ChildProcess> child_;
  uint16_t port_ = 0;
  std::optional<int> exit_status_;
};

}  // namespace eventstreams::testing
