#include "http/openapi/schema_fetch.h"

namespace eventstreams::http::openapi {

SchemaFetcher make_schema_fetcher(FetchOptions options) {
  return [options = std::move(options)](const std::string& uri) -> FetchResult {
    return config::fetch_url(uri, options);
  };
}

}  // namespace eventstreams::http::openapi
