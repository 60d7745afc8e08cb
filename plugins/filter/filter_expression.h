// Server-side filters (SPEC 2.3): the query parameters of a request, parsed into clauses, and
// the canonical text that lets equal filters share one transform.
//
// Syntax, per query parameter (names and values arrive URL-decoded):
//   name    a dotted path into the event (`meta.domain`, `length.new`): segments of
//           [A-Za-z0-9_$-], separated by single dots; a trailing `!` negates the clause
//           (`?bot!=true` is name `bot!`, value `true`).
//   value   a comma-separated list of accepted values, any of which matches. Each is
//             true | false         a JSON boolean
//             null                 JSON null
//             a JSON number        compared numerically (100 matches 100 and 100.0)
//             "..."                a string; inside quotes `\` escapes the next character, so
//                                  `\"`, `\\`, `\,` and `\*` (a literal asterisk) can be written
//             anything else        a string
//           An unescaped `*` in a string matches any run of characters (also none).
// Several parameters must all match (AND), also when a name repeats. A negated clause matches
// when the field equals none of the values, including when the field is missing. A field that
// is an object or an array equals no value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::filter {

// Parameter names that keep their meaning and are never filters (see README.md).
const std::set<std::string, std::less<>>& default_reserved_names();

inline constexpr std::size_t kMaxClauses = 64;
inline constexpr std::size_t kMaxValues = 1024;  // over all clauses of a request
inline constexpr std::size_t kMaxPathSegments = 32;

// A JSON number as compared by a filter: integral values within int64 are held exactly.
struct Number {
  bool is_int = true;
  std::int64_t i = 0;
  double d = 0;

  // Parses JSON number text (RFC 8259 grammar). nullopt when it is not one, or out of range.
  static std::optional<Number> parse(std::string_view text);
  bool operator==(const Number& other) const noexcept;
  std::string canonical() const;  // "100", "0.5", "1e+300"
};

// A string value with `*` wildcards, held as the literal parts between them.
struct Pattern {
  std::vector<std::string> parts;  // at least two (one wildcard)
  bool matches(std::string_view s) const noexcept;
};

// One value of a clause's list.
struct FilterValue {
  enum class Kind { kNull, kBool, kNumber, kString, kPattern };
  Kind kind = Kind::kString;
  bool boolean = false;
  Number number;
  std::string string;  // kString
  Pattern pattern;     // kPattern
  // Canonical text: null, true, false, a canonical number, or a double-quoted string in
  // which `\`, `"`, `|` and literal `*` are backslash-escaped and a wildcard is a bare `*`.
  std::string canonical;
};

// What a clause sees of the event at its path.
struct FieldValue {
  enum class Kind { kMissing, kNull, kBool, kNumber, kString, kComposite };
  Kind kind = Kind::kMissing;
  bool boolean = false;
  Number number;
  std::string_view string;
};

// One parameter: path, negation, accepted values (kept sorted for lookup).
struct Clause {
  std::string path;
  std::vector<std::string> segments;
  bool negated = false;
  bool accepts_null = false;
  bool accepts_true = false;
  bool accepts_false = false;
  std::vector<Number> numbers;
  std::vector<std::string> strings;  // sorted, unique
  std::vector<Pattern> patterns;
  std::string canonical;  // path[!]=v1,v2 with values sorted and unique

  // Whether the field satisfies the clause (negation applied).
  bool matches(const FieldValue& field) const noexcept;
  // Whether the field equals one of the values (negation not applied).
  bool any_equal(const FieldValue& field) const noexcept;
};

struct Filter {
  std::vector<Clause> clauses;  // sorted by canonical text, unique
  bool empty() const noexcept { return clauses.empty(); }
  // The clauses' canonical texts joined with '&' ("" for no clause): equal for filters that
  // accept the same values at the same paths, however they were written or ordered.
  std::string canonical_key() const;
};

// Parses one value list (the raw, URL-decoded parameter value). On error returns nullopt and
// sets `error` to a message without the parameter's name.
std::optional<std::vector<FilterValue>> parse_values(std::string_view raw, std::string& error);

// Checks a parameter name (with its optional trailing '!'). On error returns false and sets
// `error` to a message without the name itself.
bool check_name(std::string_view name, std::string& error);

// Builds a clause from a checked name and parsed values (sorting and deduplicating them).
Clause make_clause(std::string_view name, std::vector<FilterValue> values);

// Parses every query parameter whose name is not reserved into a filter. On error returns
// nullopt and sets `error` to a message naming the parameter.
std::optional<Filter> parse_filter(const std::multimap<std::string, std::string>& query,
                                   const std::set<std::string, std::less<>>& reserved,
                                   std::string& error);

}  // namespace eventstreams::filter
