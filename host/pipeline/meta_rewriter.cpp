// One pass over the message: a validating JSON scanner that never builds a DOM and never
// copies byte by byte. Output is produced lazily: the bytes between `pending_` and the scan
// position are known to belong to the output unchanged, and they are appended in one piece
// only when something that must not be copied comes up (whitespace to drop, a meta value to
// replace, a member to insert). For the usual compact Kafka payload the whole event is a
// handful of appends.

#include "pipeline/meta_rewriter.h"

#include <array>
#include <bit>
#include <bitset>
#include <charconv>
#include <cstring>

#include "eventstreams/json_escape.h"
#include "pipeline/json_string_scan.h"

namespace eventstreams::pipeline {
namespace {

// RFC 8259 has no depth limit; ours bounds the fixed nesting stack. The top-level object
// counts as depth 1.
constexpr int kMaxDepth = 256;

// Room reserved beyond the input size: enough for an added "meta":{...} with a usual topic.
constexpr std::size_t kReserveSlack = 128;

// What a byte means inside a JSON string. Plain bytes are copied without a second look.
enum StringByte : std::uint8_t { kPlain, kQuote, kBackslash, kControl, kNonAscii };

constexpr std::array<std::uint8_t, 256> make_string_byte_table() {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if (c < 0x20) {
      table[c] = kControl;
    } else if (c >= 0x80) {
      table[c] = kNonAscii;
    } else if (c == '"') {
      table[c] = kQuote;
    } else if (c == '\\') {
      table[c] = kBackslash;
    } else {
      table[c] = kPlain;
    }
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kStringByte = make_string_byte_table();

inline std::uint8_t string_byte(char c) {
  return kStringByte[static_cast<unsigned char>(c)];
}

inline bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Non-zero in each byte of `w` that is not an ASCII digit: '0'..'9' are exactly the bytes with
// high nibble 3 that keep it when 6 is added. A carry out of a byte (only from 0xFA..0xFF,
// themselves flagged) can flag bytes above it but never below, so the lowest flag is exact.
inline std::uint64_t non_digit_bytes(std::uint64_t w) {
  constexpr std::uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0;
  constexpr std::uint64_t kThrees = 0x3030303030303030;
  constexpr std::uint64_t kSixes = 0x0606060606060606;
  return ((w & kHighNibbles) ^ kThrees) | (((w + kSixes) & kHighNibbles) ^ kThrees);
}

// Value of a hex digit, or -1.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Value of the four hex digits at p (already validated).
unsigned hex4(const char* p) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) v = v * 16 + static_cast<unsigned>(hex_value(p[i]));
  return v;
}

// Topic names and Kafka keys (arbitrary bytes) are written by the project's one escaper, and
// the scanner below accepts exactly the UTF-8 that escaper lets through (Unicode table 3-7:
// no overlong forms, surrogates or code points past U+10FFFF), so the output is always valid
// UTF-8, hence valid JSON text. Where the escaper replaces an invalid byte with \ufffd, the
// scanner rejects the event instead: an event is the producer's data, not ours to alter.
using json::utf8_sequence_length;

template <typename Int>
void append_integer(Int value, std::string& out) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, static_cast<std::size_t>(result.ptr - buf));
}

// A member name as it appears between the quotes, escapes not yet decoded.
struct Name {
  std::string_view raw;
  bool escaped = false;

  // Compares with a literal: its length is a compile-time constant, so for the usual
  // unescaped name the compare is a length check and a load or two, not a memcmp call.
  template <std::size_t N>
  bool operator==(const char (&target)[N]) const {
    constexpr std::size_t kLength = N - 1;  // without the NUL
    if (!escaped) return raw.size() == kLength && std::memcmp(raw.data(), target, kLength) == 0;
    return decoded_equals(std::string_view(target, kLength));
  }

  // Compares the decoded name with `target` (ASCII) without decoding into a buffer: escaped
  // names are rare but must match, since "me\u0074a" is the meta member for any JSON parser.
  bool decoded_equals(std::string_view target) const {
    std::size_t t = 0;
    for (std::size_t i = 0; i < raw.size(); ++t) {
      if (t == target.size()) return false;
      unsigned c = static_cast<unsigned char>(raw[i]);
      if (c != '\\') {
        ++i;
      } else {
        const char e = raw[i + 1];  // the scanner validated every escape
        i += 2;
        switch (e) {
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'n':
            c = '\n';
            break;
          case 'r':
            c = '\r';
            break;
          case 't':
            c = '\t';
            break;
          case 'u':
            c = hex4(raw.data() + i);  // >= 0x80 never equals an ASCII target
            i += 4;
            break;
          default:
            c = static_cast<unsigned char>(e);  // '"', '\\' or '/'
        }
      }
      if (c != static_cast<unsigned char>(target[t])) return false;
    }
    return t == target.size();
  }
};

class Rewriter {
 public:
  Rewriter(std::string_view input, const MetaFields& meta, std::string& out)
      : p_(input.data()),
        end_(input.data() + input.size()),
        pending_(input.data()),
        out_(out),
        meta_(meta) {}

  // Scans the whole input; on success everything has been appended to `out_`. On failure
  // `out_` holds a partial result the caller throws away.
  bool run() {
    skip_ws();
    if (!scan_top_object()) return false;
    skip_ws();
    if (p_ != end_) return false;  // trailing garbage, or a second value
    emit_pending();
    return true;
  }

 private:
  // The meta members we set, in the order missing ones are appended.
  enum Field : unsigned { kTopic, kPartition, kOffset, kKey, kFieldCount, kNoField = kFieldCount };
  static constexpr std::string_view kFieldNames[kFieldCount] = {"topic", "partition", "offset",
                                                                "key"};

  enum class MetaState { kAbsent, kObject, kNotObject };

  bool at(char c) const { return p_ != end_ && *p_ == c; }

  // Output bookkeeping: [pending_, p_) is input that goes to the output as is.
  // (pointer, count) is the cheap append overload; (first, last) goes through replace().
  void emit_pending() {
    out_.append(pending_, static_cast<std::size_t>(p_ - pending_));
    pending_ = p_;
  }
  void drop_pending() { pending_ = p_; }

  // Whitespace is the one thing dropped from otherwise copied input: flush what precedes it.
  void skip_ws() {
    // The common case for compact input: one compare, as every whitespace byte is <= ' '.
    if (p_ == end_ || static_cast<unsigned char>(*p_) > ' ' || !is_ws(*p_)) return;
    emit_pending();
    do {
      ++p_;
    } while (p_ != end_ && is_ws(*p_));
    drop_pending();
  }

  // --- Scalars ---------------------------------------------------------------------------

  // Most string bytes are plain ASCII: skip them a block at a time (json_string_scan.h).
  void skip_plain_string_bytes() { p_ = json_string_scan::skip_plain(p_, end_); }

  // p_ is at the opening quote. Leaves p_ past the closing quote, `name` (if given) holding
  // the raw contents.
  bool scan_string(Name* name) {
    const char* const start = ++p_;
    bool escaped = false;
    for (;;) {
      skip_plain_string_bytes();
      if (p_ == end_) return false;  // unterminated
      switch (string_byte(*p_)) {
        case kQuote:
          if (name != nullptr) *name = Name{std::string_view(start, p_ - start), escaped};
          ++p_;
          return true;
        case kBackslash:
          escaped = true;
          if (!scan_escape()) return false;
          break;
        case kControl:
          return false;  // must be escaped in JSON
        default:         // kNonAscii
          // Text in most scripts but Latin is a run of such sequences: validate the whole run
          // before going back to the block scan, which would stop again at once.
          do {
            if (!skip_utf8_sequence()) return false;
          } while (p_ != end_ && string_byte(*p_) == kNonAscii);
      }
    }
  }

  // p_ is at a byte >= 0x80: steps over the UTF-8 sequence there, or fails if it is not valid.
  bool skip_utf8_sequence() {
    // Inline the two-byte case (Cyrillic, Greek, Arabic, Hebrew, Latin accents, ...).
    const auto b0 = static_cast<unsigned char>(p_[0]);
    if (b0 >= 0xC2 && b0 <= 0xDF && end_ - p_ >= 2 &&
        (static_cast<unsigned char>(p_[1]) & 0xC0) == 0x80) {
      p_ += 2;
      return true;
    }
    const std::size_t len = utf8_sequence_length(p_, end_);
    p_ += len;
    return len != 0;
  }

  // p_ is at a backslash. Lone surrogates such as \ud800 are fine: the JSON grammar allows
  // any four hex digits, and we pass them through untouched.
  bool scan_escape() {
    ++p_;
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        ++p_;
        return true;
      case 'u':
        if (end_ - p_ < 5) return false;
        for (int i = 1; i <= 4; ++i) {
          if (hex_value(p_[i]) < 0) return false;
        }
        p_ += 5;
        return true;
      default:
        return false;
    }
  }

  // RFC 8259: number = [ "-" ] int [ frac ] [ exp ]     int = "0" / ( digit1-9 *DIGIT )
  //                                   frac = "." 1*DIGIT  exp = ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT
  bool scan_number() {
    if (at('-')) ++p_;
    if (at('0')) {
      ++p_;  // no leading zeros: a digit after this fails at the caller's next token
    } else if (!scan_digits()) {
      return false;
    }
    if (at('.')) {
      ++p_;
      if (!scan_digits()) return false;
    }
    if (at('e') || at('E')) {
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (!scan_digits()) return false;
    }
    return true;
  }

  // One or more digits.
  bool scan_digits() {
    const char* const start = p_;
    // Event numbers (ids, timestamps, revisions, offsets) run to 10 digits and more: test 8
    // bytes at a time where the lowest byte of a word is the first one.
    if constexpr (std::endian::native == std::endian::little) {
      while (end_ - p_ >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p_, sizeof word);
        if (const std::uint64_t flags = non_digit_bytes(word)) {
          p_ += std::countr_zero(flags) / 8;  // the first byte that is not a digit
          return p_ != start;
        }
        p_ += 8;
      }
    }
    while (p_ != end_ && is_digit(*p_)) ++p_;
    return p_ != start;
  }

  bool scan_literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool scan_scalar() {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        return scan_string(nullptr);
      case 't':
        return scan_literal("true");
      case 'f':
        return scan_literal("false");
      case 'n':
        return scan_literal("null");
      default:
        return (*p_ == '-' || is_digit(*p_)) && scan_number();
    }
  }

  // A member name, the ':' after it, and the whitespace around the ':'.
  bool scan_member_name(Name* name) {
    if (!at('"') || !scan_string(name)) return false;
    skip_ws();
    if (!at(':')) return false;
    ++p_;
    skip_ws();
    return true;
  }

  // --- Containers ------------------------------------------------------------------------

  // Any JSON value, nested `depth` containers deep (the containers around it). Most member
  // values are scalars: they skip the container machinery and its stack.
  bool scan_value(int depth) {
    skip_ws();
    if (p_ != end_ && (*p_ == '{' || *p_ == '[')) return scan_container(depth);
    return scan_scalar();
  }

  // A value at p_ that starts with '{' or '['. Iterative, so hostile nesting costs a bit per
  // level in a fixed stack instead of a call frame.
  bool scan_container(int depth) {
    std::bitset<kMaxDepth> is_object;  // kind of each container this value has opened
    int open = 0;
    for (;;) {
      // Here a value must start.
      skip_ws();
      if (at('{') || at('[')) {
        if (depth + open >= kMaxDepth) return false;
        const bool object = *p_ == '{';
        is_object[open++] = object;
        ++p_;
        skip_ws();
        if (at(object ? '}' : ']')) {
          ++p_;
          --open;
        } else {
          if (object && !scan_member_name(nullptr)) return false;
          continue;  // the first element or member value
        }
      } else if (!scan_scalar()) {
        return false;
      }
      // A value just ended: close containers until one wants another value after a ','.
      for (;;) {
        if (open == 0) return true;
        skip_ws();
        const bool object = is_object[open - 1];
        if (at(',')) {
          ++p_;
          if (object) {
            skip_ws();
            if (!scan_member_name(nullptr)) return false;
          }
          break;
        }
        if (!at(object ? '}' : ']')) return false;
        ++p_;
        --open;
      }
    }
  }

  // Scans '{' members '}' at p_ (an object nested at depth 1 or 2, so no depth check), calling
  // on_member(name) after each member's name and ':' to scan its value. Stops with p_ AT the
  // closing '}' so the caller can insert members before it. Tells whether there were members.
  template <typename OnMember>
  bool scan_members(OnMember&& on_member, bool* has_members) {
    ++p_;
    skip_ws();
    *has_members = !at('}');
    if (!*has_members) return true;
    for (;;) {
      Name name;
      if (!scan_member_name(&name) || !on_member(name)) return false;
      skip_ws();
      if (at('}')) return true;
      if (!at(',')) return false;
      ++p_;
      skip_ws();
    }
  }

  bool scan_top_object() {
    if (!at('{')) return false;  // arrays, strings, numbers, ... are not events
    MetaState meta = MetaState::kAbsent;
    bool has_members = false;
    const bool ok = scan_members(
        [&](const Name& name) {
          if (name != "meta") return scan_value(1);
          // A later duplicate overrides an earlier one for most parsers (JSON.parse included).
          if (at('{')) {
            meta = MetaState::kObject;
            return scan_meta_object();
          }
          meta = MetaState::kNotObject;
          return scan_value(1);
        },
        &has_members);
    if (!ok || meta == MetaState::kNotObject) return false;
    if (meta == MetaState::kAbsent) {
      emit_pending();
      if (has_members) out_.push_back(',');
      out_.append("\"meta\":{");
      append_missing_fields(0, false);
      out_.push_back('}');
    }
    ++p_;  // the '}' goes out with the next pending bytes
    return true;
  }

  // The meta object (depth 2): replaces the values of our fields where they are, then appends
  // the ones it lacked.
  bool scan_meta_object() {
    unsigned seen = 0;  // bit per Field
    bool has_members = false;
    const bool ok = scan_members(
        [&](const Name& name) {
          const Field field = match_field(name);
          if (field == kNoField) return scan_value(2);
          // The old value is still validated, but none of it may reach the output: whitespace
          // inside it makes skip_ws() flush parts of it, so cut back to where it started.
          emit_pending();  // everything up to the value
          const std::size_t value_start = out_.size();
          if (!scan_value(2)) return false;
          out_.resize(value_start);
          drop_pending();
          append_field_value(field);
          seen |= 1u << field;
          return true;
        },
        &has_members);
    if (!ok) return false;
    emit_pending();
    append_missing_fields(seen, has_members);
    ++p_;  // the '}' goes out with the next pending bytes
    return true;
  }

  Field match_field(const Name& name) const {
    // The names of kFieldNames, spelled out so that each compare is against a literal.
    if (name == "topic") return kTopic;
    if (name == "partition") return kPartition;
    if (name == "offset") return kOffset;
    if (meta_.key != nullptr && name == "key") return kKey;  // no key: leave meta.key alone
    return kNoField;
  }

  // --- Output of our own values ----------------------------------------------------------

  void append_field_value(Field field) {
    switch (field) {
      case kTopic:
        json::append_string(out_, meta_.topic);
        break;
      case kPartition:
        append_integer(meta_.partition, out_);
        break;
      case kOffset:
        append_integer(meta_.offset, out_);
        break;
      case kKey:
        json::append_string(out_, *meta_.key);
        break;
      default:
        break;
    }
  }

  // Appends `"name":value` for every field not in `seen`, in Field order.
  void append_missing_fields(unsigned seen, bool need_comma) {
    const unsigned count = meta_.key != nullptr ? kFieldCount : kKey;
    for (unsigned f = 0; f < count; ++f) {
      if ((seen & (1u << f)) != 0) continue;
      if (need_comma) out_.push_back(',');
      need_comma = true;
      out_.push_back('"');
      out_.append(kFieldNames[f]);
      out_.append("\":");
      append_field_value(static_cast<Field>(f));
    }
  }

  const char* p_;  // scan position
  const char* const end_;
  const char* pending_;  // start of the scanned input not yet appended to out_
  std::string& out_;
  const MetaFields& meta_;
};

}  // namespace

bool rewrite_event(std::string_view input, const MetaFields& meta, std::string& out) {
  const std::size_t original_size = out.size();
  out.reserve(original_size + input.size() + kReserveSlack + meta.topic.size() +
              (meta.key != nullptr ? meta.key->size() : 0));
  try {
    if (Rewriter(input, meta, out).run()) return true;
  } catch (...) {  // bad_alloc: still leave `out` as it was
    out.resize(original_size);
    throw;
  }
  out.resize(original_size);
  return false;
}

}  // namespace eventstreams::pipeline
