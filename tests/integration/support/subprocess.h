// Child processes for the tests: run one to completion capturing its output, or keep one
// running with its stdout+stderr collected in memory (and a file) by a reader thread.
//
// Exit statuses are encoded as an int: the exit code when the process exited, or minus the
// signal number when a signal killed it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/deadline.h"

namespace eventstreams::testing {

struct RunResult {
  int exit_code = -1;  // see above; -SIGKILL after a timeout
  std::string output;  // stdout and stderr, interleaved as written
  bool timed_out = false;
};

// Runs argv (argv[0] a path, or a name looked up in PATH) with stdin from /dev/null and
// `extra_env` ("NAME=value") added to the environment, until it exits. Past `timeout` the
// child is killed and timed_out is set. Throws std::runtime_error if it cannot be started.
RunResult run_capture(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30),
                      const std::vector<std::string>& extra_env = {});

class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> extra_env;  // "NAME=value"
    std::string log_file;                // also copy the output here, when set
  };

  // Starts argv. The child gets SIGKILL if the thread that started it ends (PR_SET_PDEATHSIG),
  // so a crashed test leaves nothing behind: start it from the test's main thread.
  ChildProcess(const std::vector<std::string>& argv, Options options);
  // Kills the child (SIGKILL) if it still runs, and reaps it.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Everything the child wrote so far.
  std::string output() const;
  // Waits until `match(output so far)`; false at the deadline, or once the child's output is
  // closed (it exited) without a match.
  bool wait_for_output(const std::function<bool(std::string_view)>& match,
                       Clock::time_point deadline) const;

  // Sends `sig` if the child has not been reaped.
  void signal(int sig);
  // Waits up to `timeout` for the child to exit; its status, or nullopt if it still runs. Once
  // it has exited, output() holds everything it wrote.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running() { return !wait(std::chrono::milliseconds(0)).has_value(); }
  // SIGTERM, up to `grace` to exit, then SIGKILL. Returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  std::optional<int> exit_status() const { return status_; }

 private:
  void read_loop();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;   // read end of the output pipe
  int stop_fd_ = -1;  // eventfd that ends read_loop
  int log_fd_ = -1;
  std::optional<int> status_;
  std::thread reader_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::string output_;
  bool output_closed_ = false;
};

}  // namespace eventstreams::testing
