#include <doctest/doctest.h>

#include "core/date.hpp"

using namespace rapport::core;

TEST_SUITE("core") {

TEST_CASE("days from civil date match known values") {
    CHECK(daysFromCivil({1970, 1, 1}) == 0);
    CHECK(daysFromCivil({2000, 3, 1}) == 11017);
    CHECK(daysFromCivil({1969, 12, 31}) == -1);
    CHECK(daysFromCivil({2024, 2, 29}) == 19782);
}

TEST_CASE("civil date round-trips through days for every day of four centuries") {
    // 1900-01-01 to 2299-12-31 covers the 100- and 400-year leap rules.
    for (int64_t d = daysFromCivil({1900, 1, 1}); d <= daysFromCivil({2299, 12, 31}); ++d) {
        const CivilDate c = civilFromDays(d);
        REQUIRE(isValid(c));
        REQUIRE(daysFromCivil(c) == d);
    }
}

TEST_CASE("leap years follow the Gregorian rules") {
    CHECK(isLeapYear(2024));
    CHECK_FALSE(isLeapYear(1900));
    CHECK(isLeapYear(2000));
    CHECK(daysInMonth(2023, 2) == 28);
    CHECK(daysInMonth(2024, 2) == 29);
    CHECK(daysInMonth(2024, 13) == 0);
}

TEST_CASE("ISO dates parse and format") {
    SUBCASE("date only") {
        auto t = parseIsoTimestamp("2024-03-05");
        REQUIRE(t.has_value());
        CHECK(formatIsoTimestamp(*t) == "2024-03-05T00:00:00");
        CHECK(formatIsoDateOf(*t) == "2024-03-05");
    }
    SUBCASE("date and time, with T or a space") {
        auto t = parseIsoTimestamp("2024-03-05T14:07:09");
        REQUIRE(t.has_value());
        CHECK(formatIsoTimestamp(*t) == "2024-03-05T14:07:09");
        CHECK(parseIsoTimestamp("2024-03-05 14:07:09") == t);
    }
    SUBCASE("years outside 0000-9999 are written whole") {
        CHECK(formatIsoDate({12345, 1, 2}) == "12345-01-02");
        CHECK(formatIsoDate({987, 11, 30}) == "0987-11-30");
    }
    SUBCASE("before 1970") {
        auto t = parseIsoTimestamp("1965-07-01T06:30:00");
        REQUIRE(t.has_value());
        CHECK(*t < 0);
        CHECK(formatIsoTimestamp(*t) == "1965-07-01T06:30:00");
        CHECK(formatIsoDateOf(*t) == "1965-07-01");
    }
}

TEST_CASE("malformed and impossible dates are rejected") {
    const char* bad[] = {"", "2024", "2024-1-05", "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10",
                         "24-03-05", "2024/03/05", "2024-03-05T24:00:00", "2024-03-05T12:60:00",
                         "2024-03-05T12:00", "2024-03-05X12:00:00", "２０２４-03-05", "2024-03-05T12:00:00Z",
                         "0000-01-01", "2024-03-0a"};
    for (const char* text : bad) {
        CAPTURE(text);
        CHECK_FALSE(parseIsoTimestamp(text).has_value());
    }
    CHECK_FALSE(parseIsoDate("2024-03-05T00:00:00").has_value());
}

}  // TEST_SUITE
