// Page title normalisation (SPEC 3), applied to configured titles and to event titles alike.
#pragma once

#include <string>
#include <string_view>

namespace eventstreams::redaction {

// Writes the normalised form of `title` into `out` (replacing its contents):
// - every run of spaces or underscores becomes one `_`, and runs at either end are trimmed.
//   "Spaces" are ASCII whitespace plus the Unicode spaces MediaWiki also folds into `_` in
//   titles (U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000);
// - letters are lower-cased: ASCII always, other code points by Unicode simple lower-case
//   mapping (glibc's C.UTF-8 tables; ASCII only if that locale is unavailable).
// Bytes that are not valid UTF-8 are copied unchanged. So "  Redact__this " and "redact this"
// both become "redact_this".
void normalize_title(std::string_view title, std::string& out);

inline std::string normalized_title(std::string_view title) {
  std::string out;
  normalize_title(title, out);
  return out;
}

// Whether non-ASCII letters are lower-cased (the C.UTF-8 locale could be loaded).
bool unicode_lowercase_available() noexcept;

}  // namespace eventstreams::redaction
