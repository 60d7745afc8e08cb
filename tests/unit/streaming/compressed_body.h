// Reading a compressed stream body in the streaming tests: de-chunk it, then inflate it with
// zlib, strictly (the whole gzip member, trailer verified).
#pragma once

#include <zlib.h>

#include <string>

namespace eventstreams::streaming::testing_support {

// The payload of a complete chunked body ("" when its framing is broken or it has no end).
inline std::string dechunk(const std::string& body) {
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t nl = body.find("\r\n", at);
    if (nl == std::string::npos) return "";
    const std::size_t size = std::stoul(body.substr(at, nl - at), nullptr, 16);
    if (size == 0) return body.size() == nl + 4 ? out : "";
    out += body.substr(nl + 2, size);
    at = nl + 2 + size + 2;
  }
}

// A whole gzip member inflated; "" unless it ends, trailer verified, at the end of `gz`.
inline std::string gunzip(const std::string& gz) {
  z_stream z{};
  inflateInit2(&z, 31);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out(1 << 20, '\0');
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole ? out : "";
}

}  // namespace eventstreams::streaming::testing_support
