#include "core/date.hpp"

#include <cstdio>

namespace rapport::core {

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain).
int64_t daysFromCivil(CivilDate d) {
    const int64_t y = static_cast<int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t mp = (d.month + 9) % 12;
    const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

bool isValid(CivilDate d) {
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= daysInMonth(d.year, d.month);
}

namespace {

// Reads exactly `width` ASCII digits at text[pos]; false if any is not a digit.
bool readDigits(std::string_view text, size_t pos, size_t width, int& out) {
    if (pos + width > text.size()) return false;
    int value = 0;
    for (size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

}  // namespace

std::optional<CivilDate> parseIsoDate(std::string_view text) {
    CivilDate d;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!readDigits(text, 0, 4, d.year) || !readDigits(text, 5, 2, d.month) ||
        !readDigits(text, 8, 2, d.day) || !isValid(d))
        return std::nullopt;
    return d;
}

std::optional<Timestamp> parseIsoTimestamp(std::string_view text) {
    const auto date = parseIsoDate(text.substr(0, 10));
    if (!date) return std::nullopt;
    Timestamp seconds = daysFromCivil(*date) * kSecondsPerDay;
    if (text.size() == 10) return seconds;
    int hh = 0, mm = 0, ss = 0;
    if (text.size() != 19 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' ||
        text[16] != ':' || !readDigits(text, 11, 2, hh) || !readDigits(text, 14, 2, mm) ||
        !readDigits(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 59)
        return std::nullopt;
    return seconds + hh * 3600 + mm * 60 + ss;
}

namespace {

// Writes `value` as exactly `width` digits (zero-padded) at out; no printf: this runs
// once per date cell of an import.
char* putDigits(char* out, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

}  // namespace

std::string formatIsoDate(CivilDate d) {
    if (d.year < 0 || d.year > 9999) {  // outside what the app stores; never truncated
        char wide[32];
        std::snprintf(wide, sizeof wide, "%04d-%02d-%02d", d.year, d.month, d.day);
        return wide;
    }
    char buf[10];
    char* p = putDigits(buf, d.year, 4);
    *p++ = '-';
    p = putDigits(p, d.month, 2);
    *p++ = '-';
    putDigits(p, d.day, 2);
    return std::string(buf, sizeof buf);
}

std::string formatIsoDateOf(Timestamp seconds) {
    int64_t days = seconds / kSecondsPerDay;
    if (seconds % kSecondsPerDay < 0) --days;
    return formatIsoDate(civilFromDays(days));
}

std::string formatIsoTimestamp(Timestamp seconds) {
    int64_t days = seconds / kSecondsPerDay;
    int64_t rest = seconds % kSecondsPerDay;
    if (rest < 0) { rest += kSecondsPerDay; --days; }
    std::string out = formatIsoDate(civilFromDays(days));
    char buf[9];
    char* p = buf;
    *p++ = 'T';
    p = putDigits(p, rest / 3600, 2);
    *p++ = ':';
    p = putDigits(p, rest / 60 % 60, 2);
    *p++ = ':';
    putDigits(p, rest % 60, 2);
    return out.append(buf, sizeof buf);
}

}  // namespace rapport::core
