// Picks the encoder for a request by its Accept header (SPEC 2: application/json gives
// NDJSON, anything else SSE): the first media range, in the header's order, that an encoder
// declares by prefix; otherwise the default (first configured) encoder.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::http {

std::size_t choose_encoder(std::string_view accept,
                           const std::vector<std::vector<std::string>>& media_types);

}  // namespace eventstreams::http
