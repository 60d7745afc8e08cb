#include "support/chunked_decoder.h"

#include <algorithm>
#include <cstdio>

namespace eventstreams::testing {

namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxHexDigits = 15;  // keeps the size below 2^60

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

}  // namespace

bool ChunkedDecoder::fail(std::string message) {
  state_ = State::kError;
  error_ = std::move(message);
  return false;
}

bool ChunkedDecoder::finish_size_line() {
  // chunk-size [ chunk-ext ], chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
  std::string_view line = line_;
  size_t digits = 0;
  size_t size = 0;
  while (digits < line.size() && hex_value(line[digits]) >= 0) {
    size = size * 16 + static_cast<size_t>(hex_value(line[digits]));
    ++digits;
  }
  if (digits == 0) return fail("chunk size line without a hex size: \"" + printable(line) + "\"");
  if (digits > kMaxHexDigits) return fail("chunk size too large: \"" + printable(line) + "\"");
  std::string_view rest = line.substr(digits);
  size_t i = rest.find_first_not_of(" \t");
  if (i != std::string_view::npos && rest[i] != ';') {
    return fail("junk after chunk size: \"" + printable(line) + "\"");
  }
  if (std::any_of(rest.begin(), rest.end(), [](char c) {
        return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
      })) {
    return fail("control character in chunk extension: \"" + printable(line) + "\"");
  }
  line_.clear();
  if (size == 0) {
    state_ = State::kTrailerLine;
  } else {
    chunk_sizes_.push_back(size);
    remaining_ = size;
    state_ = State::kData;
  }
  return true;
}

size_t ChunkedDecoder::feed(std::string_view in, std::string& out) {
  size_t i = 0;
  while (i < in.size() && state_ != State::kDone && state_ != State::kError) {
    switch (state_) {
      case State::kSizeLine:
      case State::kTrailerLine: {
        char c = in[i++];
        if (line_cr_) {
          line_cr_ = false;
          if (c != '\n') {
            fail("CR not followed by LF in a chunk " +
                 std::string(state_ == State::kSizeLine ? "size" : "trailer") + " line");
            break;
          }
          if (state_ == State::kSizeLine) {
            finish_size_line();
          } else if (line_.empty()) {
            state_ = State::kDone;
          } else {
            line_.clear();  // a trailer field; ignored
          }
          break;
        }
        if (c == '\r') {
          line_cr_ = true;
        } else if (c == '\n') {
          fail("bare LF in a chunk " +
               std::string(state_ == State::kSizeLine ? "size" : "trailer") + " line");
        } else if (line_.size() >= kMaxLine) {
          fail("chunk size or trailer line too long");
        } else {
          line_ += c;
        }
        break;
      }
      case State::kData: {
        size_t n = std::min(remaining_, in.size() - i);
        out.append(in.substr(i, n));
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (in[i++] != '\r') {
          fail("chunk data not followed by CRLF (chunk of " + std::to_string(chunk_sizes_.back()) +
               " bytes is longer than its size says)");
        } else {
          state_ = State::kDataLf;
        }
        break;
      case State::kDataLf:
        if (in[i++] != '\n') {
          fail("chunk data followed by CR without LF");
        } else {
          state_ = State::kSizeLine;
        }
        break;
      case State::kDone:
      case State::kError:
        break;
    }
  }
  wire_bytes_ += i;
  return i;
}

}  // namespace eventstreams::testing
