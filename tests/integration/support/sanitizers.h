// Whether the tests (and so the server they start: one preset builds both) run under the
// ASan + UBSan build, for the few checks whose meaning that build changes.
#pragma once

namespace eventstreams::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitized = true;
#else
inline constexpr bool kAddressSanitized = false;
#endif
#else
inline constexpr bool kAddressSanitized = false;
#endif

}  // namespace eventstreams::testing
