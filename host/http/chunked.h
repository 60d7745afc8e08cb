// HTTP/1.1 chunked transfer coding, written by hand because stream sockets leave POCO once
// their headers are out.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace eventstreams::http {

// The chunk-size line "<hex>\r\n" for a chunk of `size` bytes.
std::string chunk_size_line(std::size_t size);

// One complete chunk: size line, payload, CRLF.
std::string make_chunk(std::string_view payload);

}  // namespace eventstreams::http
