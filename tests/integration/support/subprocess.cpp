#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace eventstreams::testing {

namespace {

// Direct system calls: Debian 12's <sys/pidfd.h> lacks C linkage for C++.
int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}
int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

struct SpawnedChild {
  pid_t pid;
  int pidfd;
  int out_fd;  // read end, non-blocking
};

// Forks and execs argv with stdout+stderr into a new pipe. Only async-signal-safe calls happen
// between fork and exec (the test binary has threads).
SpawnedChild spawn(const std::vector<std::string>& argv,
                   const std::vector<std::string>& extra_env) {
  if (argv.empty()) throw std::runtime_error("spawn: empty argv");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : extra_env) {
      if (std::string_view(x).substr(0, x.find('=')) == name) overridden = true;
    }
    if (!overridden) env_storage.emplace_back(entry);
  }
  for (const auto& x : extra_env) env_storage.push_back(x);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  const bool search_path = argv[0].find('/') == std::string::npos;

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(pipe_fds[1], 1) < 0 ||
        ::dup2(pipe_fds[1], 2) < 0) {
      ::_exit(127);
    }
    ::close_range(3, ~0U, 0);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    if (search_path) {
      ::execvpe(args[0], args.data(), envp.data());
    } else {
      ::execve(args[0], args.data(), envp.data());
    }
    static const char msg[] = "exec failed\n";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  ::fcntl(pipe_fds[0], F_SETFL, ::fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
  int pidfd = pidfd_open(pid);
  if (pidfd < 0) {
    int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(pipe_fds[0]);
    throw std::runtime_error(std::string("pidfd_open: ") + std::strerror(err));
  }
  return {pid, pidfd, pipe_fds[0]};
}

// Reads what is available without blocking; false once the write ends are all closed.
bool drain(int fd, std::string& out) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// Waits (poll on the pidfd) up to `timeout_ms` (-1: forever) and reaps.
std::optional<int> wait_pid(pid_t pid, int pidfd, int timeout_ms) {
  pollfd pfd{pidfd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&pfd, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return std::nullopt;
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got != pid) return std::nullopt;
  return decode_status(status);
}

}  // namespace

RunResult run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::vector<std::string>& extra_env) {
  const auto deadline = deadline_after(timeout);
  SpawnedChild child = spawn(argv, extra_env);
  RunResult result;
  bool pipe_open = true;
  std::optional<int> status;
  while (!status) {
    pollfd pfds[2] = {{child.pidfd, POLLIN, 0}, {pipe_open ? child.out_fd : -1, POLLIN, 0}};
    int r = ::poll(pfds, 2, poll_timeout_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      result.timed_out = true;
      ::kill(child.pid, SIGKILL);
      status = wait_pid(child.pid, child.pidfd, -1);
      break;
    }
    if (pipe_open && (pfds[1].revents & (POLLIN | POLLHUP))) {
      pipe_open = drain(child.out_fd, result.output);
    }
    if (pfds[0].revents & POLLIN) status = wait_pid(child.pid, child.pidfd, -1);
  }
  // The child has exited: take what is left in the pipe, without waiting for descendants that
  // may still hold its write end.
  if (pipe_open) drain(child.out_fd, result.output);
  ::close(child.out_fd);
  ::close(child.pidfd);
  result.exit_code = status.value_or(-1);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, Options options) {
  if (!options.log_file.empty()) {
    log_fd_ = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd_ < 0) {
      throw std::runtime_error("open " + options.log_file + ": " + std::strerror(errno));
    }
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  SpawnedChild child = spawn(argv, options.extra_env);
  pid_ = child.pid;
  pidfd_ = child.pidfd;
  out_fd_ = child.out_fd;
  reader_ = std::thread([this] { read_loop(); });
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    status_ = wait_pid(pid_, pidfd_, -1);
  }
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
  if (reader_.joinable()) reader_.join();
  ::close(out_fd_);
  ::close(stop_fd_);
  ::close(pidfd_);
  if (log_fd_ >= 0) ::close(log_fd_);
}

void ChildProcess::read_loop() {
  std::string chunk;
  for (;;) {
    pollfd pfds[2] = {{out_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int r = ::poll(pfds, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    chunk.clear();
    bool open = r > 0 ? drain(out_fd_, chunk) : false;
    if (!chunk.empty() && log_fd_ >= 0) {
      size_t off = 0;
      while (off < chunk.size()) {
        ssize_t w = ::write(log_fd_, chunk.data() + off, chunk.size() - off);
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
    }
    const bool stop = r < 0 || (pfds[1].revents & POLLIN);
    {
      std::lock_guard lock(mu_);
      output_ += chunk;
      if (!open || stop) output_closed_ = true;
    }
    cv_.notify_all();
    if (!open || stop) return;
  }
}

std::string ChildProcess::output() const {
  std::lock_guard lock(mu_);
  return output_;
}

bool ChildProcess::wait_for_output(const std::function<bool(std::string_view)>& match,
                                   Clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  for (;;) {
    if (match(output_)) return true;
    if (output_closed_) return false;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return match(output_);
  }
}

void ChildProcess::signal(int sig) {
  if (!status_) pidfd_send_signal(pidfd_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (!status_) {
    status_ = wait_pid(pid_, pidfd_, static_cast<int>(timeout.count()));
    if (status_) {
      // Let the reader take the child's last output (bounded: a descendant may hold the pipe).
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return output_closed_; });
    }
  }
  return status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (status_) return *status_;
  signal(SIGTERM);
  if (auto s = wait(grace)) return *s;
  signal(SIGKILL);
  return *wait(std::chrono::milliseconds(-1));
}

}  // namespace eventstreams::testing
