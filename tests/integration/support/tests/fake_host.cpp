// A stand-in for the eventstreams binary, for ServerProcess's self-test. It logs JSON lines like
// the host: reads --config FILE (exit 2 if unreadable), listens on 127.0.0.1:--port, logs
// {"message":"listening","port":N}, answers every HTTP request with 200 "fake", and exits 0 on
// SIGTERM. --help prints usage and exits 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  std::string config;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help") {
      std::cout << "usage: fake_host --config FILE [--port N]\n";
      return 0;
    }
    if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::cerr << "{\"level\":\"error\",\"message\":\"unknown argument " << arg << "\"}\n";
      return 2;
    }
  }
  std::ifstream in(config);
  std::string first_line;
  if (!in || !std::getline(in, first_line)) {
    std::cerr << "{\"level\":\"error\",\"message\":\"cannot read config " << config << "\"}\n";
    return 2;
  }
  std::cout << "{\"level\":\"info\",\"message\":\"config\",\"first_line\":\"" << first_line << "\"}"
            << std::endl;

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(lfd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(lfd, 16) != 0 ||
      getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::cerr << "{\"level\":\"error\",\"message\":\"bind: " << std::strerror(errno) << "\"}\n";
    return 1;
  }
  // Written in two pieces, to check that a partial line is not taken as complete.
  std::cout << "{\"level\":\"info\",\"message\":\"listening\"," << std::flush;
  std::cout << "\"port\":" << ntohs(addr.sin_port) << "}" << std::endl;

  for (;;) {
    pollfd pfds[2] = {{lfd, POLLIN, 0}, {sfd, POLLIN, 0}};
    if (poll(pfds, 2, -1) < 0) continue;
    if (pfds[1].revents & POLLIN) {
      std::cout << "{\"level\":\"info\",\"message\":\"stopping\"}" << std::endl;
      return 0;
    }
    if (pfds[0].revents & POLLIN) {
      int c = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      std::cout << "{\"level\":\"info\",\"message\":\"request\",\"line\":\""
                << req.substr(0, req.find("\r\n")) << "\"}" << std::endl;
      static const char resp[] =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
          "Connection: close\r\n\r\nfake";
      [[maybe_unused]] auto w = write(c, resp, sizeof resp - 1);
      close(c);
    }
  }
}
