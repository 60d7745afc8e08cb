// `eventstreams --list-plugins`: what the plugin directories hold and whether the configured
// plugins are among it, one tab-separated line per file, for operators and scripts.
//
//   NAME  KIND     VERSION  PATH  MEDIA_TYPES   a plugin that loads: KIND is source, transform or
//                                               encoder; MEDIA_TYPES (comma-separated) for
//                                               encoders, "-" for the others
//   -     refused  -        PATH  WHY: REASON   a file the host would refuse; WHY is one of
//                                               "wrong ABI", "not a plugin", "failed to load",
//                                               "bad descriptor", "duplicate name", "no directory"
//   NAME  missing  -        -     REASON        a plugin the config names that no file provides
//                                               (or that is of another kind)
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "config/app_config.h"

namespace eventstreams::plugin_loader {

// Surveys `directories` and prints the lines above to `out`; what the encoders' factories log
// while they are made (to ask their media types) goes to stderr as JSON lines. `config` (may be null) names
// the plugins to look for and their settings. Returns 0, or 1 when the config names a plugin
// that is missing.
int list_plugins(const std::vector<std::string>& directories, const config::AppConfig* config,
                 std::ostream& out);

}  // namespace eventstreams::plugin_loader
