// eventstreams: streams Kafka topics to HTTP clients as Server-Sent Events and NDJSON.
#include <iostream>
#include <string>
#include <vector>

#include "command_line.h"
#include "composition_root.h"

int main(int argc, char** argv) {
  using namespace eventstreams::app;
  std::string error;
  const auto cl = parse_command_line(std::vector<std::string>(argv + 1, argv + argc), error);
  if (!cl) {
    std::cerr << "eventstreams: " << error << "\n\n" << usage();
    return 64;
  }
  if (cl->help) {
    std::cout << usage();
    return 0;
  }
  if (cl->version) {
    std::cout << "eventstreams " ES_VERSION "\n";
    return 0;
  }
  try {
    return run_server(*cl);
  } catch (const std::exception& e) {
    std::cerr << "eventstreams: fatal: " << e.what() << "\n";
    return 1;
  }
}
