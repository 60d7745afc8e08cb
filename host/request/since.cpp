#include "request/since.h"

#include <charconv>
#include <cstddef>
#include <string>
#include <vector>

namespace eventstreams::request {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr std::int64_t kMaxTimeMs = 8'640'000'000'000'000;  // ECMAScript Date range, both ways

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int days_in_month(std::int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct DateTime {
  std::int64_t year = 0;  // at most 6 digits, so no arithmetic below can overflow
  std::int64_t month = 1;
  std::int64_t day = 1;
  std::int64_t hour = 0;
  std::int64_t minute = 0;
  std::int64_t second = 0;
  std::int64_t millisecond = 0;
  std::int64_t offset_minutes = 0;  // east of UTC
};

std::optional<std::int64_t> to_epoch_ms(const DateTime& t) {
  if (t.month < 1 || t.month > 12) return std::nullopt;
  const int month = static_cast<int>(t.month);
  if (t.day < 1 || t.day > days_in_month(t.year, month)) return std::nullopt;
  if (t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 59 || t.millisecond < 0 ||
      t.millisecond > 999) {
    return std::nullopt;
  }
  // 24:00 (end of day) is allowed, as ECMAScript does.
  if (t.hour < 0 || t.hour > 24 || (t.hour == 24 && (t.minute || t.second || t.millisecond))) {
    return std::nullopt;
  }
  if (t.offset_minutes < -(23 * 60 + 59) || t.offset_minutes > 23 * 60 + 59) return std::nullopt;
  const std::int64_t ms = days_from_civil(t.year, month, static_cast<int>(t.day)) * kMsPerDay +
                          ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.millisecond -
                          t.offset_minutes * 60'000;
  if (ms < -kMaxTimeMs || ms > kMaxTimeMs) return std::nullopt;
  return ms;
}

// Value of a run of fraction digits in ms: the first three digits count, the rest are dropped
// (truncation, as V8 does).
std::int64_t fraction_ms(std::string_view digits) {
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  return ms;
}

// ---------------------------------------------------------------------------------------------
// ISO 8601 / ECMAScript date-time string format, with the relaxations V8 and our SPEC allow.

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  void advance() { ++pos_; }
  bool eat(char c) {
    if (at_end() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // Reads exactly n digits.
  bool digits(std::size_t n, std::int64_t& value) {
    if (s_.size() - pos_ < n) return false;
    std::int64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    value = v;
    return true;
  }
  // Reads one or more digits, returning them as text.
  std::string_view digit_run() {
    const std::size_t start = pos_;
    while (!at_end() && is_digit(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

enum class IsoMatch { kNoMatch, kInvalid, kMatch };

// YYYY[-MM[-DD[(T|t|' ')HH:mm[:ss[.f+]][Z|z|(+|-)HH[[:]mm]]]]], or a signed six-digit year.
// kNoMatch means "not this format, try the loose one"; kInvalid means this format but impossible.
IsoMatch parse_iso(std::string_view s, DateTime& t) {
  Cursor c(s);
  std::int64_t v = 0;
  if (c.peek() == '+' || c.peek() == '-') {
    const bool negative = c.peek() == '-';
    c.advance();
    if (!c.digits(6, v)) return IsoMatch::kNoMatch;
    if (negative && v == 0) return IsoMatch::kInvalid;  // -000000 is not a year (ECMAScript)
    t.year = negative ? -v : v;
  } else {
    if (!c.digits(4, v)) return IsoMatch::kNoMatch;
    t.year = v;
  }
  if (c.at_end()) return IsoMatch::kMatch;

  if (!c.eat('-') || !c.digits(2, t.month)) return IsoMatch::kNoMatch;
  if (c.at_end()) return IsoMatch::kMatch;
  if (!c.eat('-') || !c.digits(2, t.day)) return IsoMatch::kNoMatch;
  if (c.at_end()) return IsoMatch::kMatch;

  if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return IsoMatch::kNoMatch;
  if (!c.digits(2, t.hour) || !c.eat(':') || !c.digits(2, t.minute)) return IsoMatch::kNoMatch;
  if (c.eat(':')) {
    if (!c.digits(2, t.second)) return IsoMatch::kNoMatch;
    if (c.eat('.')) {
      const std::string_view fraction = c.digit_run();
      if (fraction.empty()) return IsoMatch::kNoMatch;
      t.millisecond = fraction_ms(fraction);
    }
  }
  if (c.eat('Z') || c.eat('z')) {
    // UTC
  } else if (c.peek() == '+' || c.peek() == '-') {
    const std::int64_t sign = c.peek() == '-' ? -1 : 1;
    c.advance();
    std::int64_t hours = 0;
    std::int64_t minutes = 0;
    if (!c.digits(2, hours)) return IsoMatch::kNoMatch;
    if (c.eat(':')) {
      if (!c.digits(2, minutes)) return IsoMatch::kNoMatch;
    } else if (!c.at_end() && !c.digits(2, minutes)) {
      return IsoMatch::kNoMatch;
    }
    if (hours > 23 || minutes > 59) return IsoMatch::kInvalid;
    t.offset_minutes = sign * (hours * 60 + minutes);
  }
  return c.at_end() ? IsoMatch::kMatch : IsoMatch::kNoMatch;
}

// ---------------------------------------------------------------------------------------------
// The loose ("legacy") format of Date.parse(), modelled on V8's legacy date parser, but strict
// about words: only month names, weekday names (before the first number), zone names, AM/PM and
// 'T' are accepted, so trailing junk is an error.

struct Token {
  enum class Kind { kNumber, kWord, kSymbol, kSpace, kEnd };
  Kind kind = Kind::kEnd;
  std::string_view text;     // digits of a number
  std::string word;          // lower-cased word
  std::int64_t number = -1;  // value of a number of at most 9 digits, else -1
  char symbol = '\0';

  bool is_symbol(char c) const { return kind == Kind::kSymbol && symbol == c; }
  bool is_number() const { return kind == Kind::kNumber; }
};

bool tokenize(std::string_view s, std::vector<Token>& tokens) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    Token tok;
    if (is_digit(c)) {
      std::size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      tok.kind = Token::Kind::kNumber;
      tok.text = s.substr(i, j - i);
      if (tok.text.size() <= 9) {
        std::int64_t v = 0;
        for (const char d : tok.text) v = v * 10 + (d - '0');
        tok.number = v;
      }
      i = j;
    } else if (is_alpha(c)) {
      std::size_t j = i;
      while (j < s.size() && is_alpha(s[j])) ++j;
      if (j - i > 16) return false;  // longer than any keyword
      tok.kind = Token::Kind::kWord;
      for (std::size_t k = i; k < j; ++k) tok.word.push_back(to_lower(s[k]));
      i = j;
    } else if (is_space(c) || c == '(') {
      // Whitespace and parenthesised comments (nesting allowed, any bytes inside) separate tokens.
      while (i < s.size() && (is_space(s[i]) || s[i] == '(')) {
        if (s[i] == '(') {
          int depth = 0;
          do {
            if (i >= s.size()) return false;  // unbalanced '('
            if (s[i] == '(') ++depth;
            if (s[i] == ')') --depth;
            ++i;
          } while (depth > 0);
        } else {
          ++i;
        }
      }
      tok.kind = Token::Kind::kSpace;
    } else if (c == ':' || c == '.' || c == ',' || c == '/' || c == '-' || c == '+') {
      tok.kind = Token::Kind::kSymbol;
      tok.symbol = c;
      ++i;
    } else {
      return false;
    }
    tokens.push_back(std::move(tok));
  }
  tokens.push_back(Token{});  // kEnd
  return true;
}

int month_from_name(const std::string& w) {
  static constexpr std::string_view kShort[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::string_view kLong[] = {"january",   "february", "march",    "april",
                                               "may",       "june",     "july",     "august",
                                               "september", "october",  "november", "december"};
  for (int m = 0; m < 12; ++m) {
    if (w == kShort[m] || w == kLong[m]) return m + 1;
  }
  return w == "sept" ? 9 : 0;
}

bool is_weekday_name(const std::string& w) {
  static constexpr std::string_view kNames[] = {
      "mon", "tue",    "tues",    "wed",       "thu",      "thur",   "thurs",    "fri",   "sat",
      "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  for (const auto name : kNames) {
    if (w == name) return true;
  }
  return false;
}

// Offset in minutes east of UTC of a zone name; nullopt if not a zone name.
std::optional<std::int64_t> zone_from_name(const std::string& w) {
  if (w == "z" || w == "ut" || w == "utc" || w == "gmt") return 0;
  if (w == "est") return -5 * 60;
  if (w == "edt") return -4 * 60;
  if (w == "cst") return -6 * 60;
  if (w == "cdt") return -5 * 60;
  if (w == "mst") return -7 * 60;
  if (w == "mdt") return -6 * 60;
  if (w == "pst") return -8 * 60;
  if (w == "pdt") return -7 * 60;
  return std::nullopt;
}

std::optional<std::int64_t> parse_loose(std::string_view s) {
  std::vector<Token> tokens;
  if (!tokenize(s, tokens)) return std::nullopt;
  const auto at = [&tokens](std::size_t k) -> const Token& {
    return k < tokens.size() ? tokens[k] : tokens.back();
  };

  struct Num {
    std::int64_t value;
    std::size_t length;
  };
  Num parts[3] = {};  // date numbers, in order
  std::size_t part_count = 0;
  int named_month = 0;
  std::size_t last_date_token = static_cast<std::size_t>(-1);  // index of last date number/month
  bool read_number = false;
  bool have_weekday = false;
  bool have_time = false;
  bool have_zone = false;
  bool zone_is_utc_name = false;  // "GMT" etc., which a "+hhmm" may follow
  bool have_offset = false;
  int am_pm = -1;  // 0 for AM, 12 for PM
  DateTime t;

  for (std::size_t i = 0; at(i).kind != Token::Kind::kEnd; ++i) {
    const Token& tok = at(i);
    const Token& next = at(i + 1);
    switch (tok.kind) {
      case Token::Kind::kEnd:
      case Token::Kind::kSpace:
        break;

      case Token::Kind::kNumber:
        read_number = true;
        if (next.is_symbol(':')) {
          // H[H]:MM[:SS[.f+]]
          if (have_time || tok.text.size() > 2) return std::nullopt;
          have_time = true;
          t.hour = tok.number;
          i += 2;
          if (!at(i).is_number() || at(i).text.size() != 2) return std::nullopt;
          t.minute = at(i).number;
          if (at(i + 1).is_symbol(':')) {
            i += 2;
            if (!at(i).is_number() || at(i).text.size() != 2) return std::nullopt;
            t.second = at(i).number;
            if (at(i + 1).is_symbol('.')) {
              i += 2;
              if (!at(i).is_number()) return std::nullopt;
              t.millisecond = fraction_ms(at(i).text);
            }
          }
          if (at(i + 1).is_symbol(':') || at(i + 1).is_symbol('.')) return std::nullopt;
        } else {
          if (part_count == 3 || tok.text.size() > 6) return std::nullopt;
          parts[part_count++] = Num{tok.number, tok.text.size()};
          last_date_token = i;
        }
        break;

      case Token::Kind::kSymbol:
        if (tok.symbol == ',') break;
        if ((tok.symbol == '+' || tok.symbol == '-') && (have_time || zone_is_utc_name) &&
            !have_offset && next.is_number()) {
          // UTC offset: +H, +HH, +HHMM, +HMM or +HH:MM, after a time or after "GMT"/"UTC".
          if (have_zone && !zone_is_utc_name) return std::nullopt;  // "EST+0100"
          std::int64_t hours = 0;
          std::int64_t minutes = 0;
          const std::size_t len = next.text.size();
          if (len <= 2) {
            hours = next.number;
            if (at(i + 2).is_symbol(':')) {
              if (!at(i + 3).is_number() || at(i + 3).text.size() != 2) return std::nullopt;
              minutes = at(i + 3).number;
              i += 2;
            }
          } else if (len <= 4) {
            hours = next.number / 100;
            minutes = next.number % 100;
          } else {
            return std::nullopt;
          }
          ++i;
          if (hours > 23 || minutes > 59) return std::nullopt;
          t.offset_minutes = (tok.symbol == '-' ? -1 : 1) * (hours * 60 + minutes);
          have_offset = true;
          have_zone = true;
          break;
        }
        if (tok.symbol == '-' || tok.symbol == '/' || tok.symbol == '.') {
          // Separator inside the date: 2026/11/20, 20-Nov-2026, 11.20.2026, "Nov. 20".
          if (i == 0 || last_date_token != i - 1) return std::nullopt;
          const bool after_month = at(i - 1).kind == Token::Kind::kWord;
          const bool ok = next.is_number() || next.kind == Token::Kind::kWord ||
                          (tok.symbol == '.' && after_month && next.kind == Token::Kind::kSpace);
          if (!ok) return std::nullopt;
          break;
        }
        return std::nullopt;

      case Token::Kind::kWord: {
        const std::string& w = tok.word;
        if (const int month = month_from_name(w); month != 0) {
          if (named_month != 0) return std::nullopt;
          named_month = month;
          last_date_token = i;
        } else if (is_weekday_name(w)) {
          if (read_number || have_weekday || named_month != 0) return std::nullopt;
          have_weekday = true;
        } else if (w == "t") {
          // 2026-11-20T12:00:01 followed by something the ISO format does not take.
          if (part_count == 0 || have_time || last_date_token != i - 1 || !next.is_number()) {
            return std::nullopt;
          }
        } else if (w == "am" || w == "pm") {
          if (!have_time || am_pm >= 0) return std::nullopt;
          am_pm = w == "pm" ? 12 : 0;
        } else if (const auto zone = zone_from_name(w)) {
          if (!read_number || have_zone) return std::nullopt;
          have_zone = true;
          zone_is_utc_name = *zone == 0;
          t.offset_minutes = *zone;
        } else {
          return std::nullopt;
        }
        break;
      }
    }
  }

  // Assign the date numbers to year, month and day, as V8 does: with a month name, the number
  // that cannot be a day is the year; without one, Y/M/D when the first number cannot be a day,
  // else M/D/Y. A year is required.
  const auto can_be_day = [](const Num& n) {
    return n.length <= 2 && n.value >= 1 && n.value <= 31;
  };
  Num year{};
  Num month{};
  Num day{};
  if (named_month == 0) {
    if (part_count != 3) return std::nullopt;
    if (can_be_day(parts[0])) {
      month = parts[0];
      day = parts[1];
      year = parts[2];
    } else {
      year = parts[0];
      month = parts[1];
      day = parts[2];
    }
  } else {
    if (part_count != 2) return std::nullopt;
    month = Num{named_month, 2};
    if (can_be_day(parts[0])) {
      day = parts[0];
      year = parts[1];
    } else {
      year = parts[0];
      day = parts[1];
    }
  }
  if (month.length > 2 || day.length > 2) return std::nullopt;
  t.year = year.value;
  if (year.length <= 2) t.year += year.value < 50 ? 2000 : 1900;
  t.month = month.value;
  t.day = day.value;
  if (am_pm >= 0) {
    if (t.hour > 12) return std::nullopt;
    t.hour = t.hour % 12 + am_pm;
  }
  return to_epoch_ms(t);
}

}  // namespace

std::optional<std::int64_t> parse_since(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;

  // An integer is a ms epoch, never a year.
  const std::size_t first_digit = text.front() == '-' ? 1 : 0;
  bool all_digits = text.size() > first_digit;
  for (std::size_t i = first_digit; i < text.size() && all_digits; ++i) {
    all_digits = is_digit(text[i]);
  }
  if (all_digits) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
  }

  DateTime t;
  switch (parse_iso(text, t)) {
    case IsoMatch::kMatch:
      return to_epoch_ms(t);
    case IsoMatch::kInvalid:
      return std::nullopt;
    case IsoMatch::kNoMatch:
      break;
  }
  return parse_loose(text);
}

}  // namespace eventstreams::request
