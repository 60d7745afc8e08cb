#include "pipeline/shared_chunk.h"

#include "http/chunked.h"

namespace eventstreams::pipeline {

SharedBytes shared_chunk(std::string_view payload) {
  return std::make_shared<const std::string>(http::make_chunk(payload));
}

}  // namespace eventstreams::pipeline
