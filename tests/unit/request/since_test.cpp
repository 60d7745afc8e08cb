#include "request/since.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace {

using eventstreams::request::parse_since;

constexpr std::int64_t kSec = 1000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kDay = 24 * kHour;
// 1970-01-01 .. 2026-01-01: 56 years, 14 of them leap (1972..2024) -> 20454 days; Jan..Oct 2026
// hold 304 days; so 2026-11-20 is day 20454 + 304 + 19 = 20777.
constexpr std::int64_t kNov20 = 20777 * kDay;
static_assert(kNov20 == 1'795'132'800'000);
constexpr std::int64_t kNov20At120001 = kNov20 + 12 * kHour + 1 * kSec;
// 2026-01-01 is day 20454.
constexpr std::int64_t kJan1 = 20454 * kDay;
// 2024-01-01 is day 54 * 365 + 13 = 19723; Feb 29 is 59 days later.
constexpr std::int64_t kLeapDay2024 = (19723 + 59) * kDay;
static_assert(kLeapDay2024 == 1'709'164'800'000);
// 2000-01-01 is day 30 * 365 + 7 = 10957; Feb 29 is 59 days later.
constexpr std::int64_t kLeapDay2000 = (10957 + 59) * kDay;
// RFC 1123's example, Sun, 06 Nov 1994 08:49:37 GMT.
constexpr std::int64_t kRfcExample = 784'111'777'000;
constexpr std::int64_t kMaxDate = 8'640'000'000'000'000;

// --- integers -----------------------------------------------------------------------------------

TEST(Since, IntegerMilliseconds) {
  EXPECT_EQ(parse_since("0"), 0);
  EXPECT_EQ(parse_since("1700000000000"), 1'700'000'000'000);
  EXPECT_EQ(parse_since("1795176001000"), kNov20At120001);
}

TEST(Since, IntegerIsNeverAYear) {
  EXPECT_EQ(parse_since("2026"), 2026);
}

TEST(Since, NegativeInteger) {
  EXPECT_EQ(parse_since("-5"), -5);
  EXPECT_EQ(parse_since("-1000"), -1000);
  EXPECT_EQ(parse_since("-0"), 0);
}

TEST(Since, IntegerLimits) {
  EXPECT_EQ(parse_since("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_since("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_since("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_since("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_since("123456789012345678901234567890"), std::nullopt);
}

TEST(Since, IntegerWithSurroundingWhitespace) {
  EXPECT_EQ(parse_since(" 123\t"), 123);
}

TEST(Since, MalformedIntegers) {
  EXPECT_EQ(parse_since("+5"), std::nullopt);
  EXPECT_EQ(parse_since("-"), std::nullopt);
  EXPECT_EQ(parse_since("--5"), std::nullopt);
  EXPECT_EQ(parse_since("12abc"), std::nullopt);
  EXPECT_EQ(parse_since("0x10"), std::nullopt);
  EXPECT_EQ(parse_since("1.5"), std::nullopt);
  EXPECT_EQ(parse_since("1 2"), std::nullopt);
  EXPECT_EQ(parse_since("1e3"), std::nullopt);
}

// --- ISO 8601
// -------------------------------------------------------------------------------------

TEST(Since, IsoDateOnlyIsUtcMidnight) {
  EXPECT_EQ(parse_since("2026-11-20"), kNov20);
  EXPECT_EQ(parse_since("1970-01-01"), 0);
  EXPECT_EQ(parse_since("2026-01-01"), kJan1);
  EXPECT_EQ(parse_since("0001-01-01"), -62'135'596'800'000);
}

TEST(Since, IsoYearMonth) {
  EXPECT_EQ(parse_since("2026-11"), kNov20 - 19 * kDay);
}

TEST(Since, IsoWithoutZoneIsUtc) {
  EXPECT_EQ(parse_since("2026-11-20T12:00:01"), kNov20At120001);
  EXPECT_EQ(parse_since("2026-11-20T12:00"), kNov20 + 12 * kHour);
  EXPECT_EQ(parse_since("1969-12-31T23:59:59"), -1000);
}

TEST(Since, IsoSpaceAndLowerCaseSeparators) {
  EXPECT_EQ(parse_since("2026-11-20 12:00:01"), kNov20At120001);
  EXPECT_EQ(parse_since("2026-11-20t12:00:01z"), kNov20At120001);
}

TEST(Since, IsoZulu) {
  EXPECT_EQ(parse_since("2026-11-20T12:00:01Z"), kNov20At120001);
  EXPECT_EQ(parse_since("2026-11-20T12:00Z"), kNov20 + 12 * kHour);
}

TEST(Since, IsoFractionalSeconds) {
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.5Z"), kNov20At120001 + 500);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.12Z"), kNov20At120001 + 120);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.123Z"), kNov20At120001 + 123);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.123456789"), kNov20At120001 + 123);  // truncated
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.9999Z"), kNov20At120001 + 999);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.Z"), std::nullopt);
}

TEST(Since, IsoOffsets) {
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+01:00"), kNov20At120001 - kHour);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+0100"), kNov20At120001 - kHour);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+01"), kNov20At120001 - kHour);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01-05:30"), kNov20At120001 + 5 * kHour + 30 * kMin);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01.250+00:00"), kNov20At120001 + 250);
  EXPECT_EQ(parse_since("2026-11-20T00:30:00+01:00"), kNov20 - 30 * kMin);  // previous day UTC
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+23:59"), kNov20At120001 - 23 * kHour - 59 * kMin);
}

TEST(Since, IsoOffsetOutOfRange) {
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+24:00"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+01:60"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+01:0"), std::nullopt);
}

TEST(Since, IsoEndOfDay) {
  EXPECT_EQ(parse_since("2026-11-20T24:00:00Z"), kNov20 + kDay);
  EXPECT_EQ(parse_since("2026-11-20T24:00"), kNov20 + kDay);
  EXPECT_EQ(parse_since("2026-11-20T24:00:01Z"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T24:01"), std::nullopt);
}

TEST(Since, IsoExtendedYears) {
  EXPECT_EQ(parse_since("+002026-11-20"), kNov20);
  EXPECT_EQ(parse_since("+002026-11-20T12:00:01Z"), kNov20At120001);
  EXPECT_EQ(parse_since("-000000-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_since("+02026-11-20"), std::nullopt);
}

TEST(Since, DateRangeLimits) {
  EXPECT_EQ(parse_since("+275760-09-13T00:00:00Z"), kMaxDate);
  EXPECT_EQ(parse_since("+275760-09-13T00:00:00.001Z"), std::nullopt);
  EXPECT_EQ(parse_since("-271821-04-20T00:00:00Z"), -kMaxDate);
  EXPECT_EQ(parse_since("-271821-04-19T23:59:59.999Z"), std::nullopt);
  EXPECT_EQ(parse_since("+999999-12-31T23:59:59Z"), std::nullopt);
}

TEST(Since, LeapDays) {
  EXPECT_EQ(parse_since("2024-02-29"), kLeapDay2024);
  EXPECT_EQ(parse_since("2024-02-29T23:59:59.999Z"), kLeapDay2024 + kDay - 1);
  EXPECT_EQ(parse_since("2024-03-01"), kLeapDay2024 + kDay);
  EXPECT_EQ(parse_since("2000-02-29"), kLeapDay2000);
  EXPECT_EQ(parse_since("2026-02-29"), std::nullopt);
  EXPECT_EQ(parse_since("1900-02-29"), std::nullopt);  // divisible by 100, not by 400
  EXPECT_EQ(parse_since("2100-02-29"), std::nullopt);
  EXPECT_EQ(parse_since("Feb 29 2024"), kLeapDay2024);
  EXPECT_EQ(parse_since("Feb 29 2026"), std::nullopt);
}

TEST(Since, IsoOutOfRangeFields) {
  EXPECT_EQ(parse_since("2026-13-01"), std::nullopt);
  EXPECT_EQ(parse_since("2026-00-10"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-00"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-31"), std::nullopt);
  EXPECT_EQ(parse_since("2026-12-32"), std::nullopt);
  EXPECT_EQ(parse_since("2026-04-31"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T25:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:60:00Z"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:60Z"), std::nullopt);
  EXPECT_EQ(parse_since("2026-12-31"), kNov20 + 41 * kDay);  // the valid neighbour
}

// --- RFC 1123 / RFC 2822 ------------------------------------------------------------------------

TEST(Since, Rfc1123) {
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 GMT"), kNov20At120001);
  EXPECT_EQ(parse_since("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(parse_since("fri, 20 nov 2026 12:00:01 gmt"), kNov20At120001);
}

TEST(Since, Rfc2822WithoutWeekday) {
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 GMT"), kNov20At120001);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00 GMT"), kNov20 + 12 * kHour);
  EXPECT_EQ(parse_since("20 Nov 2026"), kNov20);
}

TEST(Since, Rfc2822NumericZones) {
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 +0000"), kNov20At120001);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 +0100"), kNov20At120001 - kHour);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 -0800"), kNov20At120001 + 8 * kHour);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 +0530"), kNov20At120001 - 5 * kHour - 30 * kMin);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 +2400"), std::nullopt);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 +0160"), std::nullopt);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 +01000"), std::nullopt);
}

TEST(Since, Rfc2822ZoneNames) {
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 UT"), kNov20At120001);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 UTC"), kNov20At120001);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 Z"), kNov20At120001);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 EST"), kNov20At120001 + 5 * kHour);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 EDT"), kNov20At120001 + 4 * kHour);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 PDT"), kNov20At120001 + 7 * kHour);
  EXPECT_EQ(parse_since("20 Nov 2026 12:00:01 PST"), kNov20At120001 + 8 * kHour);
}

TEST(Since, TwoDigitYears) {
  EXPECT_EQ(parse_since("Sun, 06 Nov 94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(parse_since("20 Nov 26 12:00:01 GMT"), kNov20At120001);
  EXPECT_EQ(parse_since("01 Jan 49"), 2'493'072'000'000);  // 2049
  EXPECT_EQ(parse_since("01 Jan 50"), -631'152'000'000);   // 1950
  EXPECT_EQ(parse_since("11/20/26"), kNov20);
}

// --- loose Date.parse() forms ------------------------------------------------------------------

TEST(Since, SlashedDates) {
  EXPECT_EQ(parse_since("2026/11/20 12:00:01"), kNov20At120001);
  EXPECT_EQ(parse_since("2026/11/20"), kNov20);
  EXPECT_EQ(parse_since("11/20/2026"), kNov20);
  EXPECT_EQ(parse_since("11/20/2026 12:00:01 GMT"), kNov20At120001);
  EXPECT_EQ(parse_since("20/11/2026"), std::nullopt);  // M/D/Y: month 20
}

TEST(Since, MonthNameForms) {
  EXPECT_EQ(parse_since("Nov 20 2026 12:00:01 GMT"), kNov20At120001);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00:01"), kNov20At120001);
  EXPECT_EQ(parse_since("November 20, 2026"), kNov20);
  EXPECT_EQ(parse_since("Nov. 20, 2026"), kNov20);
  EXPECT_EQ(parse_since("20-Nov-2026"), kNov20);
  EXPECT_EQ(parse_since("2026 Nov 20"), kNov20);
  EXPECT_EQ(parse_since("Friday, November 20, 2026 12:00:01 UTC"), kNov20At120001);
  EXPECT_EQ(parse_since("Sept 1 2026"), kJan1 + 243 * kDay);
}

TEST(Since, JavaScriptDateToString) {
  EXPECT_EQ(parse_since("Fri Nov 20 2026 12:00:01 GMT+0100 (Central European Standard Time)"),
            kNov20At120001 - kHour);
  EXPECT_EQ(parse_since("Fri Nov 20 2026 12:00:01 GMT-0500"), kNov20At120001 + 5 * kHour);
  EXPECT_EQ(parse_since("Fri Nov 20 2026 12:00:01 GMT+01:00"), kNov20At120001 - kHour);
  // Any bytes inside the comment, nested parentheses too.
  EXPECT_EQ(parse_since("Fri Nov 20 2026 12:00:01 GMT+0100 (Mitteleurop\xc3\xa4ische (x) Zeit)"),
            kNov20At120001 - kHour);
}

TEST(Since, AmPm) {
  EXPECT_EQ(parse_since("Nov 20 2026 12:00:01 PM"), kNov20At120001);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00:01 AM"), kNov20At120001 - 12 * kHour);
  EXPECT_EQ(parse_since("Nov 20 2026 1:00 pm"), kNov20 + 13 * kHour);
  EXPECT_EQ(parse_since("Nov 20 2026 1:00pm GMT"), kNov20 + 13 * kHour);
  EXPECT_EQ(parse_since("Nov 20 2026 13:00 PM"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 PM"), std::nullopt);
}

TEST(Since, IsoLikeFallbacks) {
  EXPECT_EQ(parse_since("2026-11-20T12:00:01 GMT"), kNov20At120001);
  EXPECT_EQ(parse_since("2026-11-20 12:00:01 +01:00"), kNov20At120001 - kHour);
  EXPECT_EQ(parse_since("2026-11-20 12:00:01 -0500"), kNov20At120001 + 5 * kHour);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+1:00"), kNov20At120001 - kHour);  // loose offset
  EXPECT_EQ(parse_since("2026-1-5"), kJan1 + 4 * kDay);
  EXPECT_EQ(parse_since("  2026-11-20T12:00:01Z\n"), kNov20At120001);
}

TEST(Since, LooseOutOfRangeFields) {
  EXPECT_EQ(parse_since("Nov 31 2026"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 25:00"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 12:60"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00:60"), std::nullopt);
  EXPECT_EQ(parse_since("13/20/2026"), std::nullopt);
  EXPECT_EQ(parse_since("2026/13/20"), std::nullopt);
}

// --- garbage ------------------------------------------------------------------------------------

TEST(Since, EmptyAndWhitespace) {
  EXPECT_EQ(parse_since(""), std::nullopt);
  EXPECT_EQ(parse_since("   "), std::nullopt);
  EXPECT_EQ(parse_since("\t\n"), std::nullopt);
}

TEST(Since, Garbage) {
  EXPECT_EQ(parse_since("garbage"), std::nullopt);
  EXPECT_EQ(parse_since("yesterday"), std::nullopt);
  EXPECT_EQ(parse_since("now"), std::nullopt);
  EXPECT_EQ(parse_since("null"), std::nullopt);
  EXPECT_EQ(parse_since("GMT"), std::nullopt);
  EXPECT_EQ(parse_since("Nov"), std::nullopt);
  EXPECT_EQ(parse_since("12:00:01"), std::nullopt);  // no date
  EXPECT_EQ(parse_since("Nov 20"), std::nullopt);    // no year
  EXPECT_EQ(parse_since("1 2 3 4"), std::nullopt);
  EXPECT_EQ(parse_since("2026\xe2\x88\x92"
                        "11\xe2\x88\x92"
                        "20"),
            std::nullopt);  // U+2212 minus signs
  EXPECT_EQ(parse_since(std::string_view("2026-11-20\0", 11)), std::nullopt);
}

TEST(Since, TrailingJunk) {
  EXPECT_EQ(parse_since("2026-11-20x"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01Zjunk"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01Z junk"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01+01:00:00"), std::nullopt);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 GMT junk"), std::nullopt);
  EXPECT_EQ(parse_since("Fri, 20 Nov 2026 12:00:01 GMT;"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00:01 XYZ"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20 (unbalanced"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12"), std::nullopt);
  EXPECT_EQ(parse_since("2026-11-20T12:00:01."), std::nullopt);
}

TEST(Since, RepeatedOrMisplacedParts) {
  EXPECT_EQ(parse_since("Nov Nov 20 2026"), std::nullopt);
  EXPECT_EQ(parse_since("Fri Fri Nov 20 2026"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 Fri"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00 13:00"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00 GMT UTC"), std::nullopt);
  EXPECT_EQ(parse_since("Nov 20 2026 12:00 EST+0100"), std::nullopt);
  EXPECT_EQ(parse_since("2026/11/20/5"), std::nullopt);
  EXPECT_EQ(parse_since("2026//11/20"), std::nullopt);
}

}  // namespace
