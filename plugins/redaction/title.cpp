#include "title.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>

#include "json_scan.h"

namespace eventstreams::redaction {
namespace {

// The C.UTF-8 locale, loaded once, for towlower_l (which, unlike towlower, does not depend on
// the process's global locale). Null when unavailable. Never freed: it lives as long as the
// process may call into this code.
locale_t utf8_locale() noexcept {
  static const locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0))
      l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(0));
    return l;
  }();
  return loc;
}

inline bool is_space_like(std::uint32_t cp) noexcept {
  switch (cp) {
    case ' ':
    case '_':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Decodes one UTF-8 sequence at s[i]; returns its length (0 when invalid) and sets `cp`.
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

bool unicode_lowercase_available() noexcept {
  return utf8_locale() != static_cast<locale_t>(0);
}

void normalize_title(std::string_view title, std::string& out) {
  out.clear();
  out.reserve(title.size());
  bool pending_separator = false;
  locale_t loc = static_cast<locale_t>(0);
  bool loc_loaded = false;
  std::size_t i = 0;
  while (i < title.size()) {
    const unsigned char c = static_cast<unsigned char>(title[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    bool raw_byte = false;
    if (c >= 0x80) {
      len = decode_utf8(title, i, cp);
      if (len == 0) {
        len = 1;
        raw_byte = true;
      }
    }
    if (!raw_byte && is_space_like(cp)) {
      pending_separator = !out.empty();
      i += len;
      continue;
    }
    if (pending_separator) {
      out.push_back('_');
      pending_separator = false;
    }
    if (raw_byte) {
      out.push_back(static_cast<char>(c));
    } else if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
    } else {
      if (!loc_loaded) {
        loc = utf8_locale();
        loc_loaded = true;
      }
      if (loc != static_cast<locale_t>(0)) {
        const wint_t lower = towlower_l(static_cast<wint_t>(cp), loc);
        if (lower != WEOF && lower != static_cast<wint_t>(cp) && lower <= 0x10FFFF) {
          cp = static_cast<std::uint32_t>(lower);
        }
      }
      json::append_utf8(cp, out);
    }
    i += len;
  }
}

}  // namespace eventstreams::redaction
