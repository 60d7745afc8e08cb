#include "filter_matcher.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace eventstreams::filter {
namespace {

// Numbers come as their text and are converted only where a clause looks at them, with the
// same conversion as the filter's values.
constexpr unsigned kParseFlags = rapidjson::kParseNumbersAsStringsFlag;
// RapidJSON's recursive parser costs about 12% fewer instructions per event than its iterative
// one (bench_filter's fixture mix), but uses stack per nesting level (about 200 bytes). A
// payload of n bytes nests at most n/2 deep, so up to this size recursion needs at most about
// 1 MiB of stack; larger payloads take the iterative parser, whose depth costs heap.
constexpr std::size_t kRecursiveParseMaxBytes = 8 * 1024;

struct Node {
  std::vector<std::pair<std::string, int>> children;  // member name -> node
  std::vector<int> clauses;                           // clauses judging this path
};

struct CompiledClause {
  Clause clause;
  bool canary = false;
  int terminal = 0;  // the node of its path
};

Clause canary_clause() {
  FilterValue canary;
  canary.kind = FilterValue::Kind::kString;
  canary.string = "canary";
  canary.canonical = "\"canary\"";
  return make_clause("meta.domain!", {canary});
}

}  // namespace

struct Matcher::State {
  std::vector<Node> nodes{1};  // [0]: the document
  std::vector<CompiledClause> clauses;
  int terminals = 0;

  // Per evaluation.
  std::vector<std::uint32_t> seen;  // per node: the generation that saw its value
  std::uint32_t generation = 0;
  int seen_terminals = 0;
  int failed = -1;         // the clause that failed
  std::vector<int> stack;  // per open object/array: its node, or -1 when no path goes on
  int pending = -1;        // the node of the value about to come, or -1
  rapidjson::Reader reader;

  void add(Clause clause, bool canary) {
    int node = 0;
    for (const std::string& segment : clause.segments) {
      auto& children = nodes[static_cast<std::size_t>(node)].children;
      const auto it = std::find_if(children.begin(), children.end(),
                                   [&](const auto& c) { return c.first == segment; });
      if (it != children.end()) {
        node = it->second;
        continue;
      }
      const int child = static_cast<int>(nodes.size());
      children.emplace_back(segment, child);  // `children` is used before nodes grows
      nodes.emplace_back();
      node = child;
    }
    auto& judges = nodes[static_cast<std::size_t>(node)].clauses;
    if (judges.empty()) ++terminals;
    judges.push_back(static_cast<int>(clauses.size()));
    clauses.push_back(CompiledClause{std::move(clause), canary, node});
  }

  int child(int node, std::string_view name) const noexcept {
    for (const auto& [segment, index] : nodes[static_cast<std::size_t>(node)].children) {
      if (segment == name) return index;
    }
    return -1;
  }

  // The first value of a node in this pass: later ones (duplicate members, at this or any
  // enclosing level) are ignored.
  bool first(int node) noexcept {
    const auto n = static_cast<std::size_t>(node);
    if (seen[n] == generation) return false;
    seen[n] = generation;
    return true;
  }

  bool is_terminal(int node) const noexcept {
    return !nodes[static_cast<std::size_t>(node)].clauses.empty();
  }

  // The value of a path's terminal node passed by: judges its clauses. False stops the pass
  // (a clause failed, or every path was seen).
  bool judge(int node, const FieldValue& value) noexcept {
    ++seen_terminals;
    for (const int c : nodes[static_cast<std::size_t>(node)].clauses) {
      if (!clauses[static_cast<std::size_t>(c)].clause.matches(value)) {
        failed = c;
        return false;
      }
    }
    return seen_terminals < terminals;
  }

  bool scalar(const FieldValue& value) noexcept {
    const int node = pending;
    pending = -1;
    if (node < 0 || !first(node) || !is_terminal(node)) return true;
    return judge(node, value);
  }

  bool open(bool object) noexcept {
    int node = pending;
    pending = -1;
    if (node >= 0) {
      if (!first(node)) {
        node = -1;
      } else {
        if (is_terminal(node)) {
          FieldValue composite;
          composite.kind = FieldValue::Kind::kComposite;
          if (!judge(node, composite)) return false;
        }
        // Arrays are not indexed by paths; objects only matter when a path goes deeper.
        if (!object || nodes[static_cast<std::size_t>(node)].children.empty()) node = -1;
      }
    }
    stack.push_back(node);
    return true;
  }
};

namespace {

// The RapidJSON SAX handler: follows the paths and hands their values to State.
struct Handler {
  Matcher::State* s;

  bool Null() {
    if (s->pending < 0) return true;
    FieldValue v;
    v.kind = FieldValue::Kind::kNull;
    return s->scalar(v);
  }
  bool Bool(bool b) {
    if (s->pending < 0) return true;
    FieldValue v;
    v.kind = FieldValue::Kind::kBool;
    v.boolean = b;
    return s->scalar(v);
  }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    if (s->pending < 0) return true;
    FieldValue v;
    v.kind = FieldValue::Kind::kNumber;
    if (auto n = Number::parse(std::string_view(str, length))) {
      v.number = *n;
    } else {  // out of range: equal to no number
      v.number.is_int = false;
      v.number.d = std::numeric_limits<double>::quiet_NaN();
    }
    return s->scalar(v);
  }
  // Not called under kParseNumbersAsStringsFlag; required by the handler concept.
  bool Int(int) { return number(); }
  bool Uint(unsigned) { return number(); }
  bool Int64(std::int64_t) { return number(); }
  bool Uint64(std::uint64_t) { return number(); }
  bool Double(double) { return number(); }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (s->pending < 0) return true;
    FieldValue v;
    v.kind = FieldValue::Kind::kString;
    v.string = std::string_view(str, length);
    return s->scalar(v);
  }
  bool StartObject() { return s->open(true); }
  bool Key(const char* str, rapidjson::SizeType length, bool) {
    const int top = s->stack.back();
    s->pending = top < 0 ? -1 : s->child(top, std::string_view(str, length));
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    s->stack.pop_back();
    s->pending = -1;
    return true;
  }
  bool StartArray() { return s->open(false); }
  bool EndArray(rapidjson::SizeType) {
    s->stack.pop_back();
    s->pending = -1;
    return true;
  }

 private:
  bool number() {
    s->pending = -1;
    return true;
  }
};

}  // namespace

Matcher::Matcher(const Filter& filter, bool drop_canary) : state_(std::make_unique<State>()) {
  if (drop_canary) state_->add(canary_clause(), true);
  for (const Clause& c : filter.clauses) state_->add(c, false);
  state_->seen.assign(state_->nodes.size(), 0);
  state_->stack.reserve(16);
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

Matcher::Verdict Matcher::evaluate(std::string_view json) {
  State& s = *state_;
  if (s.clauses.empty()) return Verdict::kPass;
  if (++s.generation == 0) {  // wrapped: forget every old mark
    std::fill(s.seen.begin(), s.seen.end(), 0);
    s.generation = 1;
  }
  s.seen_terminals = 0;
  s.failed = -1;
  s.stack.clear();
  s.pending = 0;  // the document itself is the root node's value
  rapidjson::MemoryStream stream(json.data(), json.size());
  Handler handler{&s};
  // Stops early (kParseErrorTermination) when a clause fails or every path was seen. On
  // malformed JSON the paths not reached count as missing.
  if (json.size() <= kRecursiveParseMaxBytes) {
    s.reader.Parse<kParseFlags>(stream, handler);
  } else {
    s.reader.Parse<kParseFlags | rapidjson::kParseIterativeFlag>(stream, handler);
  }
  if (s.failed >= 0) {
    return s.clauses[static_cast<std::size_t>(s.failed)].canary ? Verdict::kCanary
                                                                : Verdict::kFiltered;
  }
  for (const CompiledClause& c : s.clauses) {
    if (s.seen[static_cast<std::size_t>(c.terminal)] != s.generation && !c.clause.negated) {
      return c.canary ? Verdict::kCanary : Verdict::kFiltered;
    }
  }
  return Verdict::kPass;
}

}  // namespace eventstreams::filter
