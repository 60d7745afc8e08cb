#include "demo_events.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <utility>
#include <vector>

#include "eventstreams/json_escape.h"

namespace eventstreams::kafka {
namespace {

// The fixture shapes, compact, with ${name} placeholders. A placeholder's value is JSON text
// (a quoted string, a number, an object, or a fragment such as `"key":value,`).

constexpr std::string_view kRecentChangeTemplate =
    R"json({"$schema":"/mediawiki/recentchange/1.0.1",)json"
    R"json("meta":{"uri":${title_url},"request_id":${request_id},"id":${meta_id},)json"
    R"json("dt":${dt},"domain":${domain},"stream":${stream}},)json"
    R"json("id":${rc_id},"type":${rc_type},"namespace":${namespace},"title":${title},)json"
    R"json("title_url":${title_url},"comment":${comment},"timestamp":${timestamp},)json"
    R"json("user":${user},"bot":${bot},${notify_url}"minor":${minor},)json"
    R"json("patrolled":${patrolled},"length":${length},"revision":${revision},)json"
    R"json("server_url":${server_url},"server_name":${server_name},)json"
    R"json("server_script_path":"/w","wiki":${wiki},"parsedcomment":${parsedcomment}})json";

constexpr std::string_view kRevisionCreateTemplate =
    R"json({"$schema":"/mediawiki/revision/create/2.0.0","database":${wiki},)json"
    R"json("dt":${dt},"meta":{"domain":${domain},"dt":${dt},"id":${meta_id},)json"
    R"json("request_id":${request_id},"stream":${stream},"uri":${title_url}},)json"
    R"json("page_id":${page_id},"page_is_redirect":false,"page_namespace":${namespace},)json"
    R"json("page_title":${page_title},"performer":${performer},)json"
    R"json("rev_content_changed":true,"rev_content_format":"text/x-wiki",)json"
    R"json("rev_content_model":"wikitext","rev_id":${rev_id},"rev_is_revert":false,)json"
    R"json("rev_len":${rev_len},"rev_minor_edit":${minor},${rev_parent_id})json"
    R"json("rev_sha1":${rev_sha1_b36},"rev_slots":{"main":{)json"
    R"json("rev_slot_content_model":"wikitext","rev_slot_origin_rev_id":${rev_id},)json"
    R"json("rev_slot_sha1":${rev_sha1_b36},"rev_slot_size":${rev_len}}},)json"
    R"json("rev_timestamp":${dt}})json";

constexpr std::string_view kPageChangeTemplate =
    R"json({"$schema":"/mediawiki/page/change/1.2.0","changelog_kind":${changelog_kind},)json"
    R"json("comment":${comment},"dt":${dt},"meta":{"domain":${domain},"dt":${dt},)json"
    R"json("id":${meta_id},"request_id":${request_id},"stream":${stream},)json"
    R"json("uri":${title_url}},"page":{"is_redirect":false,"namespace_id":${namespace},)json"
    R"json("page_id":${page_id},"page_title":${page_title},)json"
    R"json("revision_count":${revision_count}},"page_change_kind":${page_change_kind},)json"
    R"json("performer":${performer},"revision":{"comment":${comment},)json"
    R"json("content_slots":{"main":{"content_format":"text/x-wiki",)json"
    R"json("content_model":"wikitext","content_sha1":${rev_sha1_hex},)json"
    R"json("content_size":${rev_len},"origin_rev_id":${rev_id},"slot_role":"main"}},)json"
    R"json("editor":${editor},"is_comment_visible":true,"is_content_visible":true,)json"
    R"json("is_editor_visible":true,"is_minor_edit":${minor},"rev_dt":${dt},)json"
    R"json("rev_id":${rev_id},${rev_parent_id}"rev_sha1":${rev_sha1_hex},)json"
    R"json("rev_size":${rev_len}},${prior_state}"wiki_id":${wiki}})json";

struct Wiki {
  std::string_view domain;
  std::string_view dbname;
};

constexpr std::array<Wiki, 12> kWikis = {{
    {"en.wikipedia.org", "enwiki"},
    {"en.wikipedia.org", "enwiki"},
    {"de.wikipedia.org", "dewiki"},
    {"fr.wikipedia.org", "frwiki"},
    {"ru.wikipedia.org", "ruwiki"},
    {"ja.wikipedia.org", "jawiki"},
    {"es.wikipedia.org", "eswiki"},
    {"commons.wikimedia.org", "commonswiki"},
    {"www.wikidata.org", "wikidatawiki"},
    {"en.wiktionary.org", "enwiktionary"},
    {"it.wikipedia.org", "itwiki"},
    {"test.wikipedia.org", "testwiki"},
}};

constexpr std::array<std::string_view, 24> kTitles = {
    "Example article",
    "Albert Einstein",
    "Climate change",
    "List of highest mountains on Earth",
    "Москва",
    "東京都",
    "Ada Lovelace",
    "Photosynthesis",
    "2026 in music",
    "Rosalind Franklin",
    "Berlin",
    "São Paulo",
    "Python (programming language)",
    "Great Barrier Reef",
    "Marie Curie",
    "Kraków",
    "Quantum entanglement",
    "Nelson Mandela",
    "Café",
    "Mount Kilimanjaro",
    "Hubble Space Telescope",
    "Jazz",
    "Wikipedia:Sandbox",
    "Main Page",
};

struct Namespace {
  int id;
  std::string_view prefix;
};

// Weighted: mostly articles.
constexpr std::array<Namespace, 10> kNamespaces = {{
    {0, ""},
    {0, ""},
    {0, ""},
    {0, ""},
    {0, ""},
    {0, ""},
    {1, "Talk:"},
    {2, "User:"},
    {4, "Project:"},
    {14, "Category:"},
}};

struct User {
  std::string_view name;
  bool anonymous;
  bool bot;
};

constexpr std::array<User, 16> kUsers = {{
    {"ExampleEditor", false, false},
    {"Wikignome42", false, false},
    {"Ржевский", false, false},
    {"Rosiestep", false, false},
    {"学生編集者", false, false},
    {"MarkupFixer", false, false},
    {"Lena Schmidt", false, false},
    {"CitationBot", false, true},
    {"InternetArchiveBot", false, true},
    {"ExampleBot", false, true},
    {"192.0.2.17", true, false},
    {"198.51.100.4", true, false},
    {"2001:db8:85a3::8a2e:370:7334", true, false},
    {"Jmorales", false, false},
    {"Anna Kowalska", false, false},
    {"PatrollerPat", false, false},
}};

constexpr std::array<std::string_view, 10> kComments = {
    "/* History */ fixed a date",
    "copyedit",
    "Reverted edits by 192.0.2.17 (talk) to last version by Wikignome42",
    "Added citation",
    "/* Early life */ expanded section",
    "typo",
    "Updating population figures per 2026 census",
    "Bot: Fixing dead links",
    "Created page with \"'''Example''' is a page\"",
    "rm unsourced claim",
};

// JSON string literal for `s` (UTF-8 passes through).
std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  json::append_string(out, s);
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// MediaWiki URL form: spaces become underscores, the rest percent-encoded.
std::string url_title(std::string_view title) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ') {
      out.push_back('_');
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.' || c == ':' || c == '(' || c == ')' || c == ',' ||
               c == '/' || c == '~' || c == '!' || c == '*' || c == '\'') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string db_key(std::string_view title) {
  std::string out(title);
  for (char& c : out) {
    if (c == ' ') c = '_';
  }
  return out;
}

std::string iso8601(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class Vars {
 public:
  void str(std::string_view name, std::string_view value) {
    vars_.emplace_back(name, quote(value));
  }
  void raw(std::string_view name, std::string value) { vars_.emplace_back(name, std::move(value)); }
  void num(std::string_view name, std::int64_t value) {
    vars_.emplace_back(name, std::to_string(value));
  }
  void boolean(std::string_view name, bool value) {
    vars_.emplace_back(name, value ? "true" : "false");
  }

  std::string render(std::string_view tpl) const {
    std::string out;
    out.reserve(tpl.size() + 512);
    std::size_t pos = 0;
    while (pos < tpl.size()) {
      const std::size_t start = tpl.find("${", pos);
      if (start == std::string_view::npos) {
        out.append(tpl.substr(pos));
        break;
      }
      out.append(tpl.substr(pos, start - pos));
      const std::size_t end = tpl.find('}', start);
      const std::string_view name = tpl.substr(start + 2, end - start - 2);
      out.append(lookup(name));
      pos = end + 1;
    }
    return out;
  }

 private:
  std::string_view lookup(std::string_view name) const {
    for (const auto& [n, v] : vars_) {
      if (n == name) return v;
    }
    return "null";
  }
  std::vector<std::pair<std::string_view, std::string>> vars_;
};

template <typename T, std::size_t N>
const T& pick(std::mt19937_64& rng, const std::array<T, N>& items) {
  return items[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::int64_t between(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

bool chance(std::mt19937_64& rng, double p) {
  return std::bernoulli_distribution(p)(rng);
}

std::string random_chars(std::mt19937_64& rng, std::string_view alphabet, std::size_t n) {
  std::string out(n, '0');
  for (char& c : out) c = alphabet[between(rng, 0, static_cast<std::int64_t>(alphabet.size()) - 1)];
  return out;
}

std::string uuid4(std::mt19937_64& rng) {
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::string s = random_chars(rng, kHexDigits, 32);
  s[12] = '4';
  s[16] = "89ab"[between(rng, 0, 3)];
  return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) +
         "-" + s.substr(20);
}

std::string performer_json(const User& user, std::int64_t user_id, std::int64_t edit_count,
                           std::string_view registration_dt) {
  std::string groups = user.anonymous ? R"(["*"])"
                       : user.bot     ? R"(["bot","*","user","autoconfirmed"])"
                                      : R"(["*","user","autoconfirmed"])";
  std::string out = "{";
  if (!user.anonymous) {
    out += "\"user_edit_count\":" + std::to_string(edit_count) + ",";
  }
  out += "\"user_groups\":" + groups + ",";
  if (!user.anonymous) out += "\"user_id\":" + std::to_string(user_id) + ",";
  out += std::string("\"user_is_bot\":") + (user.bot ? "true" : "false") + ",";
  if (!user.anonymous) out += "\"user_registration_dt\":" + quote(registration_dt) + ",";
  out += "\"user_text\":" + quote(user.name) + "}";
  return out;
}

}  // namespace

DemoKind demo_kind_for_topic(std::string_view topic) noexcept {
  if (topic.find("recentchange") != std::string_view::npos) return DemoKind::kRecentChange;
  if (topic.find("revision-create") != std::string_view::npos) return DemoKind::kRevisionCreate;
  if (topic.find("page_change") != std::string_view::npos ||
      topic.find("page-change") != std::string_view::npos) {
    return DemoKind::kPageChange;
  }
  return DemoKind::kRecentChange;
}

std::string_view demo_stream_for_topic(std::string_view topic) noexcept {
  constexpr std::array<std::string_view, 7> kDatacenters = {"eqiad.", "codfw.", "esams.", "ulsfo.",
                                                            "eqsin.", "drmrs.", "magru."};
  for (const auto dc : kDatacenters) {
    if (topic.starts_with(dc) && topic.size() > dc.size()) return topic.substr(dc.size());
  }
  return topic;
}

std::string DemoEventGenerator::next(DemoKind kind, std::string_view topic, std::int64_t now_ms) {
  ++seq_;
  const bool canary = seq_ % 200 == 0;
  const Wiki& wiki = pick(rng_, kWikis);
  const Namespace& ns = pick(rng_, kNamespaces);
  const User& user = pick(rng_, kUsers);
  const std::string title = std::string(ns.prefix) + std::string(pick(rng_, kTitles));
  const std::string_view comment = pick(rng_, kComments);
  const std::string domain = canary ? "canary" : std::string(wiki.domain);
  const std::string server_url = "https://" + std::string(wiki.domain);
  const std::string title_url = server_url + "/wiki/" + url_title(title);
  const bool created = chance(rng_, 0.15);
  const bool minor = !created && chance(rng_, 0.2);
  const std::int64_t rev_id =
      1'400'000'000 + static_cast<std::int64_t>(seq_) * 7 + between(rng_, 0, 6);
  const std::int64_t rev_parent = rev_id - between(rng_, 1, 5000);
  const std::int64_t len_old = between(rng_, 200, 120'000);
  const std::int64_t len_new =
      created ? between(rng_, 80, 4'000)
              : std::max<std::int64_t>(0, len_old + between(rng_, -800, 2'500));
  const std::int64_t page_id = between(rng_, 1, 78'000'000);
  const std::int64_t user_id = between(rng_, 1, 48'000'000);
  const std::int64_t edit_count = between(rng_, 1, 250'000);
  const std::string dt = iso8601(now_ms);
  const std::string registration_dt =
      iso8601(now_ms - between(rng_, 86'400'000LL, 6'000 * 86'400'000LL));

  Vars v;
  v.str("dt", dt);
  v.str("domain", domain);
  v.str("stream", demo_stream_for_topic(topic));
  v.str("request_id", uuid4(rng_));
  v.str("meta_id", uuid4(rng_));
  v.str("title_url", title_url);
  v.str("wiki", wiki.dbname);
  v.str("comment", comment);
  v.num("namespace", ns.id);
  v.boolean("minor", minor);
  v.num("rev_id", rev_id);
  v.num("rev_len", len_new);
  v.num("page_id", page_id);

  switch (kind) {
    case DemoKind::kRecentChange: {
      v.num("rc_id", 1'834'000'000 + static_cast<std::int64_t>(seq_) * 3 + between(rng_, 0, 2));
      v.str("rc_type", created ? "new" : "edit");
      v.str("title", title);
      v.num("timestamp", now_ms / 1000);
      v.str("user", user.name);
      v.boolean("bot", user.bot);
      v.raw("notify_url",
            created ? std::string()
                    : "\"notify_url\":" +
                          quote(server_url + "/w/index.php?diff=" + std::to_string(rev_id) +
                                "&oldid=" + std::to_string(rev_parent)) +
                          ",");
      v.boolean("patrolled", user.bot || chance(rng_, 0.6));
      v.raw("length", created ? "{\"new\":" + std::to_string(len_new) + "}"
                              : "{\"old\":" + std::to_string(len_old) +
                                    ",\"new\":" + std::to_string(len_new) + "}");
      v.raw("revision", created ? "{\"new\":" + std::to_string(rev_id) + "}"
                                : "{\"old\":" + std::to_string(rev_parent) +
                                      ",\"new\":" + std::to_string(rev_id) + "}");
      v.str("server_url", server_url);
      v.str("server_name", wiki.domain);
      v.str("parsedcomment", html_escape(comment));
      return v.render(kRecentChangeTemplate);
    }
    case DemoKind::kRevisionCreate: {
      v.str("page_title", db_key(title));
      v.raw("performer", performer_json(user, user_id, edit_count, registration_dt));
      v.raw("rev_parent_id",
            created ? std::string() : "\"rev_parent_id\":" + std::to_string(rev_parent) + ",");
      v.str("rev_sha1_b36", random_chars(rng_, "0123456789abcdefghijklmnopqrstuvwxyz", 31));
      return v.render(kRevisionCreateTemplate);
    }
    case DemoKind::kPageChange: {
      const std::string performer = performer_json(user, user_id, edit_count, registration_dt);
      v.str("changelog_kind", created ? "insert" : "update");
      v.str("page_change_kind", created ? "create" : "edit");
      v.str("page_title", db_key(title));
      v.num("revision_count", created ? 1 : between(rng_, 2, 9'000));
      v.raw("performer", performer);
      v.raw("editor", performer);
      v.str("rev_sha1_hex", random_chars(rng_, "0123456789abcdef", 40));
      v.raw("rev_parent_id",
            created ? std::string() : "\"rev_parent_id\":" + std::to_string(rev_parent) + ",");
      if (created) {
        v.raw("prior_state", "");
      } else {
        const User& prior = pick(rng_, kUsers);
        const std::string prior_dt = iso8601(now_ms - between(rng_, 60'000, 400 * 86'400'000LL));
        v.raw("prior_state", "\"prior_state\":{\"revision\":{\"editor\":" +
                                 performer_json(prior, between(rng_, 1, 48'000'000),
                                                between(rng_, 1, 250'000), registration_dt) +
                                 ",\"is_minor_edit\":false,\"rev_dt\":" + quote(prior_dt) +
                                 ",\"rev_id\":" + std::to_string(rev_parent) + ",\"rev_sha1\":" +
                                 quote(random_chars(rng_, "0123456789abcdef", 40)) +
                                 ",\"rev_size\":" + std::to_string(len_old) + "}},");
      }
      return v.render(kPageChangeTemplate);
    }
  }
  return {};
}

}  // namespace eventstreams::kafka
