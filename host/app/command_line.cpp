#include "command_line.h"

#include <stdexcept>

namespace eventstreams::app {

std::string usage() {
  return "Usage: eventstreams --config FILE [--port N] [--check-config]\n"
         "       eventstreams --list-plugins [--config FILE]\n"
         "       eventstreams --help | --version\n"
         "       eventstreams --help-plugin NAME [--config FILE]\n"
         "\n"
         "Streams Kafka topics to HTTP clients as Server-Sent Events and NDJSON.\n"
         "\n"
         "  --config FILE    the YAML config (see README: Configuration)\n"
         "  --port N         listen on port N instead of the config's port (0: any free port)\n"
         "  --check-config   validate the config, the stream config and the plugins, then exit\n"
         "  --list-plugins   print each plugin the plugin directories hold (name, kind, version,\n"
         "                   file, media types; tab-separated), each file refused and why, and\n"
         "                   each plugin the config names that is missing (then exit 1)\n"
         "  --help           this text\n"
         "  --help-plugin NAME\n"
         "                   the config keys of plugin NAME (types, defaults, help), found in\n"
         "                   the config's plugin directories (default: the built-in ones)\n"
         "  --version        the version\n";
}

std::optional<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                              std::string& error) {
  CommandLine cl;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        error = std::string(name) + " needs a value";
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      cl.help = true;
    } else if (a == "--version") {
      cl.version = true;
    } else if (a == "--help-plugin") {
      auto v = value("--help-plugin");
      if (!v) return std::nullopt;
      cl.help_plugin = *v;
    } else if (a == "--check-config") {
      cl.check_config = true;
    } else if (a == "--list-plugins") {
      cl.list_plugins = true;
    } else if (a == "--config" || a == "-c") {
      auto v = value("--config");
      if (!v) return std::nullopt;
      cl.config_path = *v;
    } else if (a == "--port" || a == "-p") {
      auto v = value("--port");
      if (!v) return std::nullopt;
      try {
        std::size_t used = 0;
        const int port = std::stoi(*v, &used);
        if (used != v->size() || port < 0 || port > 65535) throw std::out_of_range("port");
        cl.port = port;
      } catch (const std::exception&) {
        error = "--port needs a number from 0 to 65535, got '" + *v + "'";
        return std::nullopt;
      }
    } else {
      error = "unknown argument '" + a + "'";
      return std::nullopt;
    }
  }
  if (!cl.help && !cl.version && cl.help_plugin.empty() && !cl.list_plugins &&
      cl.config_path.empty()) {
    error = "--config FILE is required";
    return std::nullopt;
  }
  return cl;
}

}  // namespace eventstreams::app
