// The server's lifecycle: config -> plugins -> source -> engine -> HTTP; and back down in
// reverse order on SIGTERM / SIGINT, every step bounded in time. SIGHUP re-reads the stream
// config and never ends the process. --list-plugins and --help-plugin start nothing.
#pragma once

#include <string>

#include "command_line.h"

namespace eventstreams::app {

// Returns the process exit code. With --help-plugin, prints the plugin's config keys instead.
int run_server(const CommandLine& cl);

// --help-plugin NAME: the plugin's keys, types, defaults and help on stdout (0), or why not
// on stderr (2).
int print_plugin_help(const CommandLine& cl);

}  // namespace eventstreams::app
