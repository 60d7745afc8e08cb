// Picks a stream's content coding by its Accept-Encoding header (RFC 9110 12.5.3): gzip or
// deflate when the client accepts one with a q-value above 0 (named, or through `*`), the
// one with the higher q (gzip on a tie), unless it prefers identity by a higher q; identity
// otherwise (no header, q=0 on both, codings this server lacks such as br).
#pragma once

#include <string_view>

#include "pipeline/content_coding.h"

namespace eventstreams::http {

pipeline::ContentCoding choose_content_coding(std::string_view accept_encoding);

}  // namespace eventstreams::http
