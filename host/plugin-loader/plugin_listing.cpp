#include "plugin-loader/plugin_listing.h"

#include <ostream>

#include "config/config_error.h"
#include "plugin-loader/plugin_registry.h"
#include "services/host_services_impl.h"

namespace eventstreams::plugin_loader {
namespace {

// One field of a line: tabs and line breaks would split it.
std::string field(std::string_view text) {
  std::string out(text.empty() ? std::string_view("-") : text);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

void line(std::ostream& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (const auto f : fields) {
    if (!first) out << '\t';
    out << field(f);
    first = false;
  }
  out << '\n';
}

// The media types of an encoder, comma-separated, or why they are unknown.
std::string media_types(const PluginLibrary& lib, const config::AppConfig* config,
                        HostServices& host) {
  PluginContext ctx;
  ctx.host = &host;
  std::string error;
  try {
    ctx.config_json =
        config ? PluginRegistry::plugin_config_json(*config, lib.name(), false) : "{}";
    if (config) ctx.config_dir = config->config_dir;
  } catch (const config::ConfigError& e) {
    return std::string("(config: ") + e.what() + ")";
  }
  auto factory = lib.descriptor().create_encoder(ctx, error);
  if (!factory) return "(factory failed: " + (error.empty() ? "no reason" : error) + ")";
  std::string joined;
  try {
    for (const auto& type : factory->media_types()) joined += (joined.empty() ? "" : ",") + type;
  } catch (const std::exception& e) {
    return std::string("(media_types() threw: ") + e.what() + ")";
  }
  return joined;
}

struct Wanted {
  std::string name;
  PluginKind kind;
  const char* key;  // where the config names it
};

}  // namespace

int list_plugins(const std::vector<std::string>& directories, const config::AppConfig* config,
                 std::ostream& out) {
  // What the encoders' factories log while they are made goes to stderr, not into the list.
  services::JsonLogger logger(LogLevel::kInfo, stderr);
  services::MetricsRegistry metrics;
  services::HostServicesImpl host(logger, metrics);
  const auto entries = PluginRegistry::survey(directories);
  for (const auto& e : entries) {
    if (!e.library) {
      line(out, {"-", "refused", "-", e.path, e.refusal + ": " + e.reason});
      continue;
    }
    const PluginDescriptor& d = e.library->descriptor();
    const std::string media =
        d.kind == PluginKind::kEncoder ? media_types(*e.library, config, host) : "-";
    line(out,
         {d.name, PluginRegistry::kind_name(d.kind), d.version ? d.version : "-", e.path, media});
  }
  if (!config) return 0;

  std::vector<Wanted> wanted{{config->plugins.source, PluginKind::kSource, "plugins.source"}};
  for (const auto& n : config->plugins.encoders) {
    wanted.push_back({n, PluginKind::kEncoder, "plugins.encoders"});
  }
  for (const auto& n : config->plugins.transforms) {
    wanted.push_back({n, PluginKind::kTransform, "plugins.transforms"});
  }
  std::string dirs;
  for (const auto& d : directories) dirs += (dirs.empty() ? "" : ", ") + d;
  int status = 0;
  for (const auto& w : wanted) {
    const SurveyEntry* found = nullptr;
    for (const auto& e : entries) {
      if (e.library && e.library->name() == w.name) found = &e;
    }
    if (found && found->library->descriptor().kind == w.kind) continue;
    const std::string reason =
        found ? std::string("named in ") + w.key + ", but " + found->path + " is of kind " +
                    PluginRegistry::kind_name(found->library->descriptor().kind)
              : std::string("named in ") + w.key + ", not found in [" + dirs + "]";
    line(out, {w.name, "missing", "-", "-", reason});
    status = 1;
  }
  return status;
}

}  // namespace eventstreams::plugin_loader
