// eventstreams --config FILE [--port N] | --check-config | --help | --version
//              | --help-plugin NAME [--config FILE] | --list-plugins [--config FILE]
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace eventstreams::app {

struct CommandLine {
  std::string config_path;
  std::optional<int> port;
  bool check_config = false;
  bool help = false;
  bool version = false;
  std::string help_plugin;  // --help-plugin NAME: list the plugin's config keys and exit
  bool list_plugins = false;  // --list-plugins: --config is optional
};

// Returns nullopt and sets `error` on bad arguments.
std::optional<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                              std::string& error);

std::string usage();

}  // namespace eventstreams::app
