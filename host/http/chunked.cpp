#include "http/chunked.h"

#include <charconv>

namespace eventstreams::http {

std::string chunk_size_line(std::size_t size) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + 20, size, 16);
  *end++ = '\r';
  *end++ = '\n';
  return std::string(buf, end);
}

std::string make_chunk(std::string_view payload) {
  std::string out = chunk_size_line(payload.size());
  out.reserve(out.size() + payload.size() + 2);
  out.append(payload).append("\r\n");
  return out;
}

}  // namespace eventstreams::http
