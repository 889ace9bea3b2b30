// date.hpp: calendar dates as days since 1970-01-01 (proleptic Gregorian), with the
// ISO 8601 parsing and formatting the canonical CSV files use (YYYY-MM-DD and
// YYYY-MM-DDTHH:MM:SS). Pure arithmetic, no time zones: timestamps are local wall time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rapport::core {

struct CivilDate {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31
    friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 for a valid civil date (negative before 1970).
int64_t daysFromCivil(CivilDate date);
CivilDate civilFromDays(int64_t days);

bool isLeapYear(int year);
int daysInMonth(int year, int month);
bool isValid(CivilDate date);

// A point in time as seconds since 1970-01-01T00:00:00 (wall clock, no zone).
using Timestamp = int64_t;
inline constexpr int64_t kSecondsPerDay = 86400;

// Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (a space may stand for the T). Returns
// nothing for anything else, including impossible dates such as 2023-02-30.
std::optional<Timestamp> parseIsoTimestamp(std::string_view text);
std::optional<CivilDate> parseIsoDate(std::string_view text);

std::string formatIsoDate(CivilDate date);                  // "2024-03-05"
std::string formatIsoTimestamp(Timestamp seconds);          // "2024-03-05T14:07:00"
std::string formatIsoDateOf(Timestamp seconds);             // date part only

}  // namespace rapport::core
