#include "plugin-loader/plugin_registry.h"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <filesystem>

#include "config/config_error.h"
#include "config/yaml_json.h"
#include "plugin-loader/plugin_config.h"

namespace eventstreams::plugin_loader {
namespace {

namespace fs = std::filesystem;

// The *.so files of `dir`, sorted; false when `dir` is not a directory.
bool plugin_files(const std::string& dir, std::vector<fs::path>& files) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return true;
}

}  // namespace

const char* PluginRegistry::kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::kSource:
      return "source";
    case PluginKind::kTransform:
      return "transform";
    case PluginKind::kEncoder:
      return "encoder";
  }
  return "unknown";
}

std::string PluginRegistry::plugin_config_json(const config::AppConfig& config,
                                               const std::string& name, bool is_source) {
  YAML::Node node(YAML::NodeType::Map);
  if (auto it = config.plugins.config.find(name); it != config.plugins.config.end()) {
    if (!it->second.IsMap()) {
      throw config::ConfigError("config key 'plugins.config." + name + "': expected a map");
    }
    node = YAML::Clone(it->second);
  }
  // The source gets the app's `kafka:` map as is (SPEC 1).
  if (is_source && config.kafka.IsDefined()) node["kafka"] = config.kafka;
  return config::yaml_to_json(node);
}

std::vector<std::string> PluginRegistry::default_directories() {
  std::vector<std::string> dirs;
  const fs::path exe_dir = boost::dll::program_location().parent_path();
  for (const fs::path& candidate : {exe_dir / "plugins", exe_dir / ".." / ES_PLUGIN_INSTALL_DIR_REL,
                                    fs::path(ES_PLUGIN_INSTALL_DIR_FULL)}) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) {
      dirs.push_back(fs::weakly_canonical(candidate).string());
      break;  // the first that exists: build tree, relocated install, then the prefix
    }
  }
  return dirs;
}

void PluginRegistry::scan(const std::vector<std::string>& directories) {
  directories_ = directories;
  for (const auto& dir : directories) {
    std::vector<fs::path> files;
    if (!plugin_files(dir, files)) {
      throw config::ConfigError("plugin directory '" + dir + "': not a directory");
    }
    for (const auto& file : files) {
      std::string error;
      auto lib = PluginLibrary::load(file.string(), error);
      if (!lib) throw config::ConfigError("plugin " + error);
      const std::string name = lib->name();
      if (auto it = by_name_.find(name); it != by_name_.end()) {
        throw config::ConfigError("plugin " + file.string() + ": name '" + name +
                                  "' is already provided by " + it->second->path());
      }
      by_name_[name] = std::move(lib);
    }
  }
}

std::vector<SurveyEntry> PluginRegistry::survey(const std::vector<std::string>& directories) {
  std::vector<SurveyEntry> out;
  std::map<std::string, std::string> seen;  // name -> path of the file that gave it
  for (const auto& dir : directories) {
    std::vector<fs::path> files;
    if (!plugin_files(dir, files)) {
      out.push_back({dir, nullptr, "no directory", "not a directory"});
      continue;
    }
    for (const auto& file : files) {
      SurveyEntry entry{file.string(), nullptr, "", ""};
      std::string error;
      LoadFailure failure = LoadFailure::kNone;
      entry.library = PluginLibrary::load(entry.path, error, &failure);
      if (!entry.library) {
        entry.refusal = describe(failure);
        // The loader's message is "<path>: <reason>".
        entry.reason =
            error.rfind(entry.path + ": ", 0) == 0 ? error.substr(entry.path.size() + 2) : error;
      } else if (auto it = seen.find(entry.library->name()); it != seen.end()) {
        entry.refusal = "duplicate name";
        entry.reason = "name '" + entry.library->name() + "' is already provided by " + it->second;
        entry.library.reset();
      } else {
        seen.emplace(entry.library->name(), entry.path);
      }
      out.push_back(std::move(entry));
    }
  }
  return out;
}

const PluginLibrary* PluginRegistry::library(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

std::vector<std::string> PluginRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, lib] : by_name_) out.push_back(name);
  return out;
}

std::shared_ptr<PluginLibrary> PluginRegistry::find(const std::string& name,
                                                    PluginKind kind) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    std::string dirs;
    for (const auto& d : directories_) dirs += (dirs.empty() ? "" : ", ") + d;
    std::string known;
    for (const auto& [n, lib] : by_name_) known += (known.empty() ? "" : ", ") + n;
    throw config::ConfigError("plugin '" + name + "' not found in [" + dirs +
                              "] (found: " + (known.empty() ? "none" : known) + ")");
  }
  if (it->second->descriptor().kind != kind) {
    throw config::ConfigError("plugin '" + name + "' (" + it->second->path() + ") is a " +
                              kind_name(it->second->descriptor().kind) + ", not a " +
                              kind_name(kind));
  }
  return it->second;
}

LoadedPlugins PluginRegistry::instantiate(const config::AppConfig& config,
                                          HostServices& host) const {
  LoadedPlugins out;
  const auto context = [&](const std::string& name, bool is_source) {
    PluginContext ctx;
    ctx.config_json = plugin_config_json(config, name, is_source);
    ctx.host = &host;
    ctx.config_dir = config.config_dir;
    return ctx;
  };
  const auto failed = [](const PluginLibrary& lib, const std::string& error) {
    return config::ConfigError("plugin '" + lib.name() + "' (" + lib.path() +
                               "): " + (error.empty() ? "factory failed" : error));
  };
  // The plugin's table of keys is checked before its factory runs (plugin_config.h), so the
  // config mistakes of every plugin with a table read alike.
  const auto check = [&](const PluginLibrary& lib, const PluginContext& ctx) {
    if (std::string problem = check_plugin_config(lib.descriptor(), ctx.config_json);
        !problem.empty()) {
      throw failed(lib, "plugins.config." + lib.name() + ": " + problem);
    }
  };

  {
    auto lib = find(config.plugins.source, PluginKind::kSource);
    std::string error;
    const PluginContext ctx = context(lib->name(), true);
    check(*lib, ctx);
    auto factory = lib->descriptor().create_source(ctx, error);
    if (!factory) throw failed(*lib, error);
    out.source = PluginObject<SourceFactory>(lib, std::move(factory));
    out.source_name = lib->name();
  }
  for (const auto& name : config.plugins.encoders) {
    auto lib = find(name, PluginKind::kEncoder);
    std::string error;
    const PluginContext ctx = context(name, false);
    check(*lib, ctx);
    auto factory = lib->descriptor().create_encoder(ctx, error);
    if (!factory) throw failed(*lib, error);
    out.encoders.emplace_back(lib, std::move(factory));
    out.encoder_names.push_back(name);
  }
  for (const auto& name : config.plugins.transforms) {
    auto lib = find(name, PluginKind::kTransform);
    std::string error;
    const PluginContext ctx = context(name, false);
    check(*lib, ctx);
    auto factory = lib->descriptor().create_transform(ctx, error);
    if (!factory) throw failed(*lib, error);
    out.transforms.emplace_back(lib, std::move(factory));
    out.transform_names.push_back(name);
  }
  for (const auto& [name, node] : config.plugins.config) {
    const bool used =
        name == config.plugins.source ||
        std::count(config.plugins.encoders.begin(), config.plugins.encoders.end(), name) ||
        std::count(config.plugins.transforms.begin(), config.plugins.transforms.end(), name);
    if (!used) {
      throw config::ConfigError("config key 'plugins.config." + name +
                                "': no configured plugin has that name");
    }
  }
  return out;
}

}  // namespace eventstreams::plugin_loader
