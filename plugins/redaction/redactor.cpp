#include "redactor.h"

#include <algorithm>
#include <utility>

#include "json_scan.h"
#include "title.h"

namespace eventstreams::redaction {
namespace {

using json::at;
using json::kNone;
using json::Member;

// Body (between the quotes) of the string value of `m`; false when the value is not a string.
bool string_body(std::string_view text, const Member& m, std::string_view& body) {
  if (at(text, m.value_begin) != '"') return false;
  body = text.substr(m.value_begin + 1, m.value_end - m.value_begin - 2);
  return true;
}

// `body` decoded, in `scratch` when it has escapes.
std::string_view decoded(std::string_view body, std::string& scratch) {
  if (!json::has_escape(body)) return body;
  scratch.clear();
  if (!json::decode_string(body, scratch)) return body;
  return scratch;
}

// Calls fn(body) for every string value at `path` (from path[index] on) in the object at `pos`.
template <typename Fn>
void for_each_string_at(std::string_view text, std::size_t pos, const Path& path, std::size_t index,
                        Fn& fn) {
  json::for_each_member(text, pos, [&](const Member& m) {
    if (!json::key_equals(m, path[index])) return;
    if (index + 1 == path.size()) {
      std::string_view body;
      if (string_body(text, m, body)) fn(body);
    } else if (at(text, m.value_begin) == '{') {
      for_each_string_at(text, m.value_begin, path, index + 1, fn);
    }
  });
}

// Writes the object at `pos` to `out` with the edits of `tree.nodes[node]`. False when the
// object is malformed.
bool rewrite_object(std::string_view text, std::size_t pos, const EditTree& tree, std::size_t node,
                    std::string& out) {
  const auto& entries = tree.nodes[node].entries;
  bool ok = true;
  bool first = true;
  out.push_back('{');
  const auto separate = [&] {
    if (!first) out.push_back(',');
    first = false;
  };
  const std::size_t end = json::for_each_member(text, pos, [&](const Member& m) {
    const EditTree::Entry* edit = nullptr;
    for (const auto& e : entries) {
      if (json::key_equals(m, e.name)) {
        edit = &e;
        break;
      }
    }
    if (edit == nullptr) {
      separate();
      out.append(text.substr(m.begin, m.value_end - m.begin));
      return;
    }
    switch (edit->action) {
      case EditTree::Action::kRemove:
        return;
      case EditTree::Action::kEmpty:
        separate();
        out.append(text.substr(m.begin, m.key_end - m.begin));
        out.append(":{}");
        return;
      case EditTree::Action::kDescend:
        separate();
        if (at(text, m.value_begin) != '{') {
          out.append(text.substr(m.begin, m.value_end - m.begin));
          return;
        }
        out.append(text.substr(m.begin, m.value_begin - m.begin));
        if (!rewrite_object(text, m.value_begin, tree, edit->child, out)) ok = false;
        return;
    }
  });
  out.push_back('}');
  return ok && end != kNone;
}

}  // namespace

void EditTree::add(const Path& path, Action action) {
  std::size_t node = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const bool last = i + 1 == path.size();
    auto& entries = nodes[node].entries;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Entry& e) { return e.name == path[i]; });
    if (it == entries.end()) {
      Entry e;
      e.name = path[i];
      e.action = last ? action : Action::kDescend;
      if (!last) {
        e.child = nodes.size();
        nodes.emplace_back();  // invalidates `entries`
      }
      const std::size_t child = e.child;
      nodes[node].entries.push_back(std::move(e));
      if (last) return;
      node = child;
      continue;
    }
    if (it->action != Action::kDescend) return;  // the whole member is already edited
    if (last) {
      it->action = action;  // removing or emptying the member makes its inner edits moot
      return;
    }
    node = it->child;
  }
}

EditTree build_edit_tree(const Rule& rule) {
  EditTree tree;
  for (const Path& p : rule.empty) tree.add(p, EditTree::Action::kEmpty);
  for (const Path& p : rule.remove) tree.add(p, EditTree::Action::kRemove);
  return tree;
}

Redactor::Redactor(std::shared_ptr<const RedactionConfig> config) : config_(std::move(config)) {
  for (const Rule& rule : config_->rules) trees_.push_back(build_edit_tree(rule));
}

bool Redactor::title_matches(std::string_view body, Match& match) {
  const std::string_view title = decoded(body, decoded_);
  normalize_title(title, normalised_);
  if (normalised_.empty()) return false;
  for (const Listed& l : listed_) {
    if (l.titles->find(std::string_view(normalised_)) != l.titles->end()) {
      match.domain = l.domain;
      match.title = title;
      return true;
    }
  }
  return false;
}

Redactor::Outcome Redactor::process(std::string_view payload, std::string& out, Match& match) {
  const std::size_t root = json::skip_ws(payload, 0);
  if (at(payload, root) != '{' || config_->pages.empty()) return Outcome::kUntouched;

  // 1. One pass over the top-level members, values skipped, not parsed: every meta.domain
  // looked up, every meta.stream and every member noted for step 2.
  listed_.clear();
  streams_.clear();
  members_.clear();
  const auto& pages = config_->pages;
  json::for_each_member(payload, root, [&](const Member& m) {
    members_.push_back(m);
    if (at(payload, m.value_begin) != '{' || !json::key_equals(m, "meta")) return;
    json::for_each_member(payload, m.value_begin, [&](const Member& d) {
      std::string_view body;
      if (!string_body(payload, d, body)) return;
      if (json::key_equals(d, "domain")) {
        const auto it = pages.find(decoded(body, decoded_));
        if (it != pages.end()) listed_.push_back({it->first, &it->second});
      } else if (json::key_equals(d, "stream")) {
        streams_.push_back(body);
      }
    });
  });
  if (listed_.empty()) return Outcome::kUntouched;

  // 2. The first rule that applies.
  for (std::size_t r = 0; r < config_->rules.size(); ++r) {
    const Rule& rule = config_->rules[r];
    std::string_view stream;
    if (!streams_.empty()) stream = decoded(streams_.front(), stream_);
    if (rule.stream) {
      bool found = false;
      for (std::string_view body : streams_) {
        if (decoded(body, decoded_) == *rule.stream) found = true;
      }
      if (!found) continue;
      stream = *rule.stream;
    }
    bool matched = false;
    auto check = [&](std::string_view body) {
      if (!matched) matched = title_matches(body, match);
    };
    for (const Path& path : rule.title_paths) {
      for (const Member& m : members_) {
        if (!json::key_equals(m, path[0])) continue;
        if (path.size() == 1) {
          std::string_view body;
          if (string_body(payload, m, body)) check(body);
        } else if (at(payload, m.value_begin) == '{') {
          for_each_string_at(payload, m.value_begin, path, 1, check);
        }
      }
      if (matched) break;
    }
    if (!matched) continue;
    match.rule = r;
    match.stream = stream;
    out.clear();
    out.reserve(payload.size());
    return rewrite_object(payload, root, trees_[r], 0, out) ? Outcome::kRedacted
                                                            : Outcome::kMalformed;
  }
  return Outcome::kUntouched;
}

}  // namespace eventstreams::redaction
