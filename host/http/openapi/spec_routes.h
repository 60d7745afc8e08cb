// GET / with ?spec (the OpenAPI document) or ?doc (its page), and the page's stylesheet.
#pragma once

#include <string>

#include "http/simple_routes.h"

namespace eventstreams::http {

// `raw_query` is the URI's query without '?'. The original answers ?spec when the query has
// a `spec` parameter (any value, `?spec=true` as its spec test sends it), else ?doc for
// `doc`; anything else here is a 404 (issue 9 item 5 may redirect it to the UI).
SimpleResponse root_route(ServerContext& ctx, const std::string& raw_query);

SimpleResponse doc_stylesheet_route();

}  // namespace eventstreams::http
