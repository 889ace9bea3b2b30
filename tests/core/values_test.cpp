#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "core/text_format.hpp"

#include "core/values.hpp"

using namespace rapport::core;

TEST_SUITE("core") {

TEST_CASE("plain decimals parse to exactly the double strtod gives") {
    // parseNumber reads ordinary decimals without strtod (slow in wasm); it must agree
    // bit for bit with it, across digit counts, leading zeros and places.
    Random random(7);
    for (int i = 0; i < 20000; ++i) {
        char text[40];
        const int places = static_cast<int>(random.next() % 8);
        const double magnitude = std::pow(10.0, static_cast<double>(random.next() % 12));
        std::snprintf(text, sizeof text, "%.*f", places, random.uniform() * magnitude);
        CAPTURE(text);
        const auto parsed = parseNumber(text);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == std::strtod(text, nullptr));
    }
    for (const char* text : {"0", "000", "0.000123", "123456789012345", "1234567890123456789", "0.1234567890123456789",
                             "9007199254740993", "5.", ".5", "00012.500"}) {
        CAPTURE(text);
        REQUIRE(parseNumber(text).has_value());
        CHECK(*parseNumber(text) == std::strtod(text, nullptr));
    }
}

TEST_CASE("numbers as spreadsheets write them") {
    CHECK(parseNumber("1234.5") == 1234.5);
    CHECK(parseNumber(" -3 ") == -3.0);
    CHECK(parseNumber("+7") == 7.0);
    CHECK(parseNumber("1,234.50") == 1234.5);
    CHECK(parseNumber("1,234,567") == 1234567.0);
    CHECK(parseNumber("$ 1,234") == 1234.0);
    CHECK(parseNumber("-$12.00") == -12.0);
    CHECK(parseNumber("\xE2\x82\xAC" "12") == 12.0);  // €12
    CHECK(parseNumber("12 \xE2\x82\xAC") == 12.0);
    CHECK(parseNumber(".5") == 0.5);
    CHECK(parseNumber("1.5e3") == 1500.0);
    CHECK(parseNumber("12,50", true) == 12.5);
    CHECK(parseNumber("1.234,50", true) == 1234.5);
    for (const char* bad : {"", " ", "-", "abc", "12a", "1,23", "12,50", "1,2345", "12 %", "1.2.3", "1e", "--5", "0x10", "nan", "inf"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseNumber(bad).has_value());
    }
}

TEST_CASE("whole numbers and flags") {
    CHECK(parseInteger("42") == 42);
    CHECK(parseInteger("1,000") == 1000);
    CHECK(parseInteger("4.0") == 4);
    CHECK_FALSE(parseInteger("4.5").has_value());
    CHECK_FALSE(parseInteger("1e300").has_value());
    for (const char* yes : {"1", "yes", "Yes", "Y", "TRUE", "t"}) CHECK(parseFlag(yes) == true);
    for (const char* no : {"0", "no", "No", "n", "false", "F"}) CHECK(parseFlag(no) == false);
    CHECK_FALSE(parseFlag("maybe").has_value());
    CHECK_FALSE(parseFlag("").has_value());
}

TEST_CASE("dates in ISO, day-first and month-first order, with and without time") {
    const Timestamp march5 = daysFromCivil({2024, 3, 5}) * kSecondsPerDay;
    CHECK(parseDateTime("2024-03-05", DateOrder::Iso) == march5);
    CHECK(parseDateTime("2024/03/05", DateOrder::DayFirst) == march5);
    CHECK(parseDateTime("2024-03-05T08:26:00", DateOrder::Iso) == march5 + 8 * 3600 + 26 * 60);
    CHECK(parseDateTime("2024-03-05 08:26", DateOrder::Iso) == march5 + 8 * 3600 + 26 * 60);
    CHECK(parseDateTime("2024-03-05T08:26:00.123", DateOrder::Iso) == march5 + 8 * 3600 + 26 * 60);
    CHECK(parseDateTime("05/03/2024", DateOrder::DayFirst) == march5);
    CHECK(parseDateTime("5.3.2024", DateOrder::DayFirst) == march5);
    CHECK(parseDateTime("3/5/2024 8:26", DateOrder::MonthFirst) == march5 + 8 * 3600 + 26 * 60);
    CHECK_FALSE(parseDateTime("05/03/2024", DateOrder::Iso).has_value());
    for (const char* bad : {"", "2024-02-30", "31/02/2024", "5/3/24", "2024-03", "2024-03-05T25:00", "2024-03-05X", "12/13/2024 1:2",
                            "2024-03-05T08", "03-05", "2024/03-05"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseDateTime(bad, DateOrder::DayFirst).has_value());
    }
}

TEST_CASE("the date order of a column is detected from its values") {
    const std::vector<std::string> iso = {"2024-01-02", "", "2024-12-31T10:00:00"};
    const std::vector<std::string> us = {"12/1/2010 8:26", "12/13/2010 9:00", "1/2/2011 10:10"};
    const std::vector<std::string> eu = {"01/12/2010", "13/12/2010", "02/01/2011"};
    const std::vector<std::string> unclear = {"01/02/2010", "03/04/2010"};
    CHECK(detectDateOrder(iso) == DateOrder::Iso);
    CHECK(detectDateOrder(us) == DateOrder::MonthFirst);
    CHECK(detectDateOrder(eu) == DateOrder::DayFirst);
    CHECK(detectDateOrder(unclear) == DateOrder::DayFirst);
    CHECK(detectDateOrder({}) == DateOrder::Iso);
}

TEST_CASE("figures as text: percentages and fixed decimals, a dash when not a number") {
    CHECK(rapport::core::formatPercent(0.256) == "25.6%");
    CHECK(rapport::core::formatPercent(0.5, 0) == "50%");
    CHECK(rapport::core::formatPercent(NAN) == "-");
    CHECK(rapport::core::formatFixed(0.83446, 3) == "0.834");
    CHECK(rapport::core::formatFixed(-1.5, 0) == "-2");
    CHECK(rapport::core::formatFixed(INFINITY, 2) == "-");
}

}  // TEST_SUITE
