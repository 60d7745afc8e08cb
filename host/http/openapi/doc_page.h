// GET /?doc: the OpenAPI spec as a page a person reads, rendered on the server from the
// spec's JSON. No script: the default Content-Security-Policy forbids inline code, and a
// static page needs none. The stylesheet is served by the host too (GET /doc.css).
#pragma once

#include <string>

namespace eventstreams::http::openapi {

// The HTML page of `spec_json` (a document made by build_openapi_spec). A document that does
// not parse gives a page that says so.
std::string render_doc_page(const std::string& spec_json);

// The page's stylesheet.
const std::string& doc_stylesheet();

inline constexpr const char* kDocStylesheetPath = "/doc.css";

}  // namespace eventstreams::http::openapi
