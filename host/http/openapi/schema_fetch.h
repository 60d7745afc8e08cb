// Fetches one schema document for the OpenAPI spec, as the stream config is fetched
// (config/url_fetch.h). Bounded in time, never throws: the spec is documentation and must not
// fail start-up.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "config/url_fetch.h"

namespace eventstreams::http::openapi {

using config::FetchOptions;
using config::FetchResult;

using SchemaFetcher = std::function<FetchResult(const std::string& uri)>;

// The fetcher the server uses: config::fetch_url (paths, file://, http://, https://).
SchemaFetcher make_schema_fetcher(FetchOptions options);

}  // namespace eventstreams::http::openapi
