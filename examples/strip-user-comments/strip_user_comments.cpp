// strip-user-comments: removes `comment` and `parsedcomment` from events by listed users.
// Built out of tree against plugin-api/ only; everything it needs from the host comes through
// the plugin API (config as JSON text, host services for logs and counters).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <unordered_set>

#include "eventstreams/eventstreams.h"

namespace {

using namespace eventstreams;

// Whether `json` may name one of `users` at all: a cheap test before any parse, so events by
// other users are not parsed.
bool mentions_any(std::string_view json, const std::unordered_set<std::string>& users) {
  for (const auto& u : users) {
    if (json.find(u) != std::string_view::npos) return true;
  }
  return false;
}

class StripUserComments final : public Transform {
 public:
  StripUserComments(const std::unordered_set<std::string>& users, Counter* stripped)
      : users_(users), stripped_(stripped) {}

  void apply(EventBatch& batch) noexcept override {
    for (Event& e : batch.events) {
      if (e.dropped || !mentions_any(batch.value(e), users_)) continue;
      try {
        strip(batch, e);
      } catch (...) {
        // Leave the event as it was: a transform never throws into the host.
      }
    }
  }

 private:
  void strip(EventBatch& batch, Event& e) {
    const std::string text(batch.value(e));
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) return;
    std::string user;
    if (doc.HasMember("user") && doc["user"].IsString()) user = doc["user"].GetString();
    if (doc.HasMember("performer") && doc["performer"].IsObject() &&
        doc["performer"].HasMember("user_text") && doc["performer"]["user_text"].IsString()) {
      user = doc["performer"]["user_text"].GetString();
    }
    if (!users_.count(user)) return;
    // Both removed, whichever is there (no short circuit).
    const bool removed_comment = doc.RemoveMember("comment");
    const bool removed_parsed = doc.RemoveMember("parsedcomment");
    if (!removed_comment && !removed_parsed) return;
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    doc.Accept(writer);
    e.value = batch.store({out.GetString(), out.GetSize()});
    stripped_->add();
  }

  const std::unordered_set<std::string>& users_;
  Counter* stripped_;
};

class StripUserCommentsFactory final : public TransformFactory {
 public:
  StripUserCommentsFactory(std::unordered_set<std::string> users, Counter* stripped)
      : users_(std::move(users)), stripped_(stripped) {}

  bool accepts_parameter(const std::string&) const noexcept override { return false; }

  std::unique_ptr<Transform> create(const RequestInfo&, std::string& group_key,
                                    std::string&) noexcept override {
    group_key.clear();  // the same for every request
    try {
      return std::make_unique<StripUserComments>(users_, stripped_);
    } catch (...) {
      return nullptr;
    }
  }

 private:
  std::unordered_set<std::string> users_;
  Counter* stripped_;
};

std::unique_ptr<TransformFactory> create(const PluginContext& ctx, std::string& error) noexcept {
  try {
    rapidjson::Document config;
    config.Parse(ctx.config_json.c_str(), ctx.config_json.size());
    if (config.HasParseError() || !config.IsObject()) {
      error = "config must be a map";
      return nullptr;
    }
    // Read through a const view: RapidJSON 1.1's non-const member iterators compare
    // ambiguously in C++20 (clang's -Wambiguous-reversed-operator), its const ones do not.
    const rapidjson::Value& map = config;
    for (auto it = map.MemberBegin(); it != map.MemberEnd(); ++it) {
      if (std::string(it->name.GetString()) != "users") {
        error = std::string("unknown config key '") + it->name.GetString() + "'";
        return nullptr;
      }
    }
    if (!config.HasMember("users") || !config["users"].IsArray()) {
      error = "'users' must be a list of user names";
      return nullptr;
    }
    std::unordered_set<std::string> users;
    for (const auto& u : config["users"].GetArray()) {
      if (!u.IsString()) {
        error = "'users' must be a list of user names";
        return nullptr;
      }
      users.insert(u.GetString());
    }
    Counter* stripped =
        ctx.host->counter("strip_user_comments_total", "Events whose comments were stripped");
    return std::make_unique<StripUserCommentsFactory>(std::move(users), stripped);
  } catch (...) {
    error = "out of memory";
    return nullptr;
  }
}

}  // namespace

EVENTSTREAMS_EXPORT_PLUGIN(kTransform, "strip-user-comments", "1.0", nullptr, &create, nullptr);
