#include "http/accept_encoding.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace eventstreams::http {
namespace {

using pipeline::ContentCoding;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A qvalue in thousandths: "0", "0.5", "1", "1.000"; nullopt when malformed.
std::optional<int> parse_qvalue(std::string_view s) {
  if (s.empty() || (s[0] != '0' && s[0] != '1')) return std::nullopt;
  int value = (s[0] - '0') * 1000;
  if (s.size() == 1) return value;
  if (s[1] != '.' || s.size() > 5) return std::nullopt;
  int scale = 100;
  for (std::size_t i = 2; i < s.size(); ++i, scale /= 10) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    value += (s[i] - '0') * scale;
  }
  return value > 1000 ? std::nullopt : std::optional<int>(value);
}

// The q of one element's parameters (";q=0.5"); 1000 without one, 0 when malformed.
int element_q(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semi = params.find(';');
    const std::string_view param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "q")) continue;
    return parse_qvalue(trim(param.substr(eq + 1))).value_or(0);
  }
  return 1000;
}

}  // namespace

ContentCoding choose_content_coding(std::string_view header) {
  std::optional<int> gzip, deflate, identity, any;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view element = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const std::size_t semi = element.find(';');
    const std::string_view name = trim(element.substr(0, semi));
    const int q = element_q(semi == std::string_view::npos ? "" : element.substr(semi + 1));
    if (iequals(name, "gzip") || iequals(name, "x-gzip")) {
      gzip = q;
    } else if (iequals(name, "deflate")) {
      deflate = q;
    } else if (iequals(name, "identity")) {
      identity = q;
    } else if (name == "*") {
      any = q;
    }
  }
  const int gzip_q = gzip.value_or(any.value_or(0));
  const int deflate_q = deflate.value_or(any.value_or(0));
  const int best = std::max(gzip_q, deflate_q);
  if (best == 0 || (identity && *identity > best)) return ContentCoding::kIdentity;
  return gzip_q >= deflate_q ? ContentCoding::kGzip : ContentCoding::kDeflate;
}

}  // namespace eventstreams::http
