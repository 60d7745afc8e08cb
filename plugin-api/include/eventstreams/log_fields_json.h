// How log fields (HostServices::log_fields) become JSON object members: the host's logger and
// the plugins' test double write them with this, so tests see what the log line will hold.
//
// Header-only and standard library only.
#pragma once

#include <span>
#include <string>

#include "eventstreams/host_services.h"
#include "eventstreams/json_escape.h"

namespace eventstreams::json {

// Appends `,"key":value` for each field: keys and string values escaped (json_escape.h),
// integers in decimal, booleans as true / false.
inline void append_log_fields(std::string& out, std::span<const LogField> fields) {
  for (const LogField& f : fields) {
    out.push_back(',');
    append_string(out, f.key);
    out.push_back(':');
    switch (f.type) {
      case LogField::Type::kString:
        append_string(out, f.text);
        break;
      case LogField::Type::kInteger:
        out += std::to_string(f.number);
        break;
      case LogField::Type::kBoolean:
        out += f.number != 0 ? "true" : "false";
        break;
    }
  }
}

}  // namespace eventstreams::json
