// The server's lifecycle: config -> plugins -> source -> engine -> HTTP; and back down in
// reverse order on SIGTERM / SIGINT, every step bounded in time. SIGHUP is logged and leaves
// the server as it is (the stream config reload is to come). --list-plugins starts nothing.
#pragma once

#include <string>

#include "command_line.h"

namespace eventstreams::app {

// Returns the process exit code.
int run_server(const CommandLine& cl);

}  // namespace eventstreams::app
