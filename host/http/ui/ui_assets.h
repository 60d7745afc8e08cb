// The files of the UI page (GET /v2/ui), compiled into the host from assets/ so an installed
// server needs nothing beside its binary.
#pragma once

#include <string_view>

namespace eventstreams::http::ui {

struct Asset {
  std::string_view path;          // e.g. "/v2/ui/ui.js"
  std::string_view file;          // its file in assets/, e.g. "ui.js"
  std::string_view body;
};

// Null when no asset has that path.
const Asset* find_asset(std::string_view path);

// The Content-Type of an asset, by its file's extension.
std::string_view content_type(const Asset& asset);

}  // namespace eventstreams::http::ui
