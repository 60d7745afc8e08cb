#include "support/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace eventstreams::testing {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::optional<std::string> header_value(const Headers& headers, std::string_view name) {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> header_values(const Headers& headers, std::string_view name) {
  std::vector<std::string> out;
  auto [begin, end] = headers.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::optional<ResponseHead> parse_response_head(std::string_view head, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<ResponseHead> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  ResponseHead out;
  bool first = true;
  while (!head.empty()) {
    size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
      return fail("bare CR or LF in response head");
    }
    if (first) {
      first = false;
      // HTTP-version SP status-code SP [reason-phrase]
      if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || line[8] != ' ') {
        return fail("bad status line: " + std::string(line));
      }
      out.version = std::string(line.substr(0, 8));
      std::string_view code = line.substr(9, 3);
      if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return fail("bad status code: " + std::string(line));
      }
      std::from_chars(code.data(), code.data() + 3, out.status);
      if (line.size() > 12) {
        if (line[12] != ' ') return fail("bad status line: " + std::string(line));
        out.reason = std::string(line.substr(13));
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail("bad header line: " + std::string(line));
    }
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_tchar)) {
      return fail("bad header name: " + std::string(name));
    }
    out.headers.emplace(std::string(name), std::string(trim_ows(line.substr(colon + 1))));
  }
  if (first) return fail("empty response head");
  return out;
}

std::optional<size_t> find_head_end(std::string_view buffer) {
  size_t pos = buffer.find("\r\n\r\n");
  if (pos == std::string_view::npos) return std::nullopt;
  return pos + 4;
}

bool is_chunked(const Headers& headers) {
  auto values = header_values(headers, "Transfer-Encoding");
  if (values.empty()) return false;
  std::string_view last = values.back();
  size_t comma = last.rfind(',');
  if (comma != std::string_view::npos) last = last.substr(comma + 1);
  return iequals(trim_ows(last), "chunked");
}

std::optional<size_t> content_length(const Headers& headers) {
  auto value = header_value(headers, "Content-Length");
  if (!value || value->empty()) return std::nullopt;
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
  if (ec != std::errc() || ptr != value->data() + value->size()) return std::nullopt;
  return n;
}

std::string build_request(std::string_view method, std::string_view target, uint16_t port,
                          const Headers& headers, std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  if (headers.find("Host") == headers.end()) {
    out.append("Host: 127.0.0.1:").append(std::to_string(port)).append("\r\n");
  }
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  if (!body.empty() && headers.find("Content-Length") == headers.end()) {
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
  return out;
}

}  // namespace eventstreams::testing
