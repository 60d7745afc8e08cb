#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace eventstreams::request {

// Parses the `since` query parameter (SPEC section 2): an integer ms UTC epoch (ASCII digits with
// an optional leading '-', any value that fits an int64), or a date-time string in the forms
// JavaScript's Date.parse() accepts:
//   - ISO 8601 / ECMAScript date-time: 2026-11-20, 2026-11, +002026-11-20, 2026-11-20T12:00,
//     2026-11-20T12:00:01.123 (any number of fraction digits, truncated to ms), with Z or
//     +hh:mm / +hhmm / +hh offsets; 'T' may be 't' or a space;
//   - RFC 1123 / RFC 2822: "Fri, 20 Nov 2026 12:00:01 GMT", "20 Nov 2026 12:00 +0000" (weekday
//     optional; UT, UTC, GMT, Z, EST/EDT/CST/CDT/MST/MDT/PST/PDT zones; two-digit years 00-49 are
//     20xx and 50-99 are 19xx);
//   - loose forms: "2026/11/20 12:00:01", "11/20/2026", "Nov 20 2026 12:00:01 GMT",
//     "November 20, 2026 12:00 PM", "20-Nov-2026", JavaScript's Date.toString() output
//     "Fri Nov 20 2026 12:00:01 GMT+0100 (Central European Standard Time)" (parenthesised
//     comments are ignored).
// Surrounding whitespace is ignored. A string without a zone is UTC (unlike JavaScript, which
// reads date-times without a zone as local time). Returns ms since the epoch, or nullopt if the
// text is unparseable: garbage, empty, trailing junk, out-of-range fields (month 13, hour 25,
// minute 60, second 60, Feb 29 of a non-leap year, day 31 of a 30-day month), a loose form
// without a year, or an instant outside JavaScript's Date range (+-8.64e15 ms).
std::optional<std::int64_t> parse_since(std::string_view text);

}  // namespace eventstreams::request
