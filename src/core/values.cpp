#include "core/values.hpp"

#include <cmath>
#include <cstdlib>

namespace rapport::core {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

namespace {

// Removes a currency sign (ASCII $ or a UTF-8 £ € ¥) at either end.
std::string_view stripCurrency(std::string_view t) {
    static constexpr std::string_view kSigns[] = {"$", "\xC2\xA3", "\xE2\x82\xAC", "\xC2\xA5"};
    for (const std::string_view sign : kSigns) {
        if (t.substr(0, sign.size()) == sign) return trim(t.substr(sign.size()));
        if (t.size() >= sign.size() && t.substr(t.size() - sign.size()) == sign) return trim(t.substr(0, t.size() - sign.size()));
    }
    return t;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "123.45" with at most 15 significant digits and no exponent: the digits as an integer
// and the power of ten are both exact doubles, so one division gives the correctly
// rounded value, the same double strtod returns (Clinger's fast path). strtod does the
// rest; in wasm it is slow, since it works in 128-bit long doubles emulated in software.
std::optional<double> parsePlainDecimal(std::string_view t) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    int64_t mantissa = 0;
    int digits = 0, fraction = -1;  // fraction: digits after the point, -1 before it
    for (const char c : t) {
        if (c == '.') {
            if (fraction >= 0) return std::nullopt;
            fraction = 0;
            continue;
        }
        if (!isDigit(c)) return std::nullopt;
        if (mantissa == 0 && c == '0') {
            if (fraction >= 0) ++fraction;  // leading zeros count only as places
            continue;
        }
        if (++digits > 15) return std::nullopt;
        mantissa = mantissa * 10 + (c - '0');
        if (fraction >= 0) ++fraction;
    }
    if (fraction > 15) return std::nullopt;
    const double value = static_cast<double>(mantissa);
    return fraction > 0 ? value / kPow10[fraction] : value;
}

}  // namespace

std::optional<double> parseNumber(std::string_view text, bool decimalComma) {
    std::string_view t = trim(text);
    // Most cells are plain ("12.50", "3"): read them without the general path's copy.
    if (!decimalComma && !t.empty() && isDigit(t.front())) {
        if (const auto fast = parsePlainDecimal(t)) return fast;
    }
    bool negative = false;
    if (!t.empty() && t.front() == '-') { negative = true; t = trim(t.substr(1)); }
    t = stripCurrency(t);
    if (!t.empty() && t.front() == '-' && !negative) { negative = true; t = trim(t.substr(1)); }
    if (!t.empty() && t.front() == '+' && !negative) t = t.substr(1);
    if (t.empty()) return std::nullopt;
    const char decimal = decimalComma ? ',' : '.';
    const char group = decimalComma ? '.' : ',';
    std::string clean;
    clean.reserve(t.size());
    bool seenDecimal = false, seenDigit = false;
    int digitsSinceGroup = -1;  // -1: no group separator yet
    for (size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (isDigit(c)) {
            clean.push_back(c);
            seenDigit = true;
            if (digitsSinceGroup >= 0 && !seenDecimal) ++digitsSinceGroup;
        } else if (c == group && !seenDecimal && seenDigit) {
            if (digitsSinceGroup >= 0 && digitsSinceGroup != 3) return std::nullopt;
            digitsSinceGroup = 0;
        } else if (c == decimal && !seenDecimal) {
            if (digitsSinceGroup >= 0 && digitsSinceGroup != 3) return std::nullopt;
            seenDecimal = true;
            clean.push_back('.');
        } else if ((c == 'e' || c == 'E') && seenDigit && i + 1 < t.size()) {
            // Scientific notation: the rest must be an exponent.
            clean.push_back('e');
            size_t j = i + 1;
            if (t[j] == '+' || t[j] == '-') clean.push_back(t[j++]);
            if (j >= t.size()) return std::nullopt;
            for (; j < t.size(); ++j) {
                if (!isDigit(t[j])) return std::nullopt;
                clean.push_back(t[j]);
            }
            break;
        } else {
            return std::nullopt;
        }
    }
    if (!seenDigit) return std::nullopt;
    if (digitsSinceGroup >= 0 && !seenDecimal && digitsSinceGroup != 3) return std::nullopt;
    if (const auto fast = parsePlainDecimal(clean)) return negative ? -*fast : *fast;
    char* end = nullptr;
    const double value = std::strtod(clean.c_str(), &end);
    if (end == clean.c_str() || *end != '\0' || !std::isfinite(value)) return std::nullopt;
    return negative ? -value : value;
}

std::optional<int64_t> parseInteger(std::string_view text) {
    const auto value = parseNumber(text);
    if (!value || std::floor(*value) != *value || std::fabs(*value) > 9.0e15) return std::nullopt;
    return static_cast<int64_t>(*value);
}

std::optional<bool> parseFlag(std::string_view text) {
    const std::string_view t = trim(text);
    auto is = [t](std::string_view word) {
        if (t.size() != word.size()) return false;
        for (size_t i = 0; i < t.size(); ++i) {
            const char c = t[i] >= 'A' && t[i] <= 'Z' ? static_cast<char>(t[i] - 'A' + 'a') : t[i];
            if (c != word[i]) return false;
        }
        return true;
    };
    if (is("1") || is("yes") || is("y") || is("true") || is("t")) return true;
    if (is("0") || is("no") || is("n") || is("false") || is("f")) return false;
    return std::nullopt;
}

namespace {

// Reads 1..max digits; returns the count read (0 if none).
size_t readNumber(std::string_view t, size_t pos, size_t max, int& out) {
    size_t n = 0;
    int value = 0;
    while (pos + n < t.size() && n < max && isDigit(t[pos + n])) value = value * 10 + (t[pos + n++] - '0');
    out = value;
    return n;
}

// H:MM or H:MM:SS (hours 0-23) from pos to the end; optional fractional seconds ignored.
std::optional<int64_t> readTime(std::string_view t, size_t pos) {
    int h = 0, m = 0, s = 0;
    size_t n = readNumber(t, pos, 2, h);
    if (n == 0 || pos + n >= t.size() || t[pos + n] != ':') return std::nullopt;
    pos += n + 1;
    if (readNumber(t, pos, 2, m) != 2) return std::nullopt;
    pos += 2;
    if (pos < t.size() && t[pos] == ':') {
        if (readNumber(t, pos + 1, 2, s) != 2) return std::nullopt;
        pos += 3;
        if (pos < t.size() && t[pos] == '.') {
            ++pos;
            while (pos < t.size() && isDigit(t[pos])) ++pos;
        }
    }
    if (pos != t.size() || h > 23 || m > 59 || s > 59) return std::nullopt;
    return h * 3600 + m * 60 + s;
}

}  // namespace

std::optional<Timestamp> parseDateTime(std::string_view text, DateOrder order) {
    const std::string_view t = trim(text);
    int a = 0, b = 0, c = 0;
    size_t pos = 0;
    const size_t na = readNumber(t, pos, 4, a);
    if (na == 0 || na >= t.size()) return std::nullopt;
    const char sep = t[na];
    if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
    pos = na + 1;
    const size_t nb = readNumber(t, pos, 2, b);
    if (nb == 0 || pos + nb >= t.size() || t[pos + nb] != sep) return std::nullopt;
    pos += nb + 1;
    const size_t nc = readNumber(t, pos, 4, c);
    if (nc == 0) return std::nullopt;
    pos += nc;

    CivilDate date;
    if (na == 4) {  // year first: always Y-M-D
        if (nc > 2) return std::nullopt;
        date = {a, b, c};
    } else {
        if (nc != 4 || na > 2) return std::nullopt;
        if (order == DateOrder::MonthFirst) date = {c, a, b};
        else if (order == DateOrder::DayFirst) date = {c, b, a};
        else return std::nullopt;
    }
    if (!isValid(date)) return std::nullopt;
    Timestamp seconds = daysFromCivil(date) * kSecondsPerDay;
    if (pos == t.size()) return seconds;
    if (t[pos] != 'T' && t[pos] != ' ') return std::nullopt;
    size_t timeAt = pos + 1;
    while (timeAt < t.size() && t[timeAt] == ' ') ++timeAt;
    const auto time = readTime(t, timeAt);
    if (!time) return std::nullopt;
    return seconds + *time;
}

DateOrder detectDateOrder(std::span<const std::string> samples) {
    // Values no order can read (typos, impossible dates) do not vote.
    bool allIso = true, dayFirstOk = true, monthFirstOk = true, anyRead = false;
    for (const std::string& sample : samples) {
        const bool iso = parseDateTime(sample, DateOrder::Iso).has_value();
        const bool day = parseDateTime(sample, DateOrder::DayFirst).has_value();
        const bool month = parseDateTime(sample, DateOrder::MonthFirst).has_value();
        if (!iso && !day && !month) continue;
        anyRead = true;
        allIso = allIso && iso;
        dayFirstOk = dayFirstOk && day;
        monthFirstOk = monthFirstOk && month;
    }
    if (!anyRead || allIso) return DateOrder::Iso;
    if (monthFirstOk && !dayFirstOk) return DateOrder::MonthFirst;
    return DateOrder::DayFirst;
}

const char* dateOrderName(DateOrder order) {
    switch (order) {
        case DateOrder::Iso: return "YYYY-MM-DD";
        case DateOrder::DayFirst: return "DD/MM/YYYY";
        case DateOrder::MonthFirst: return "MM/DD/YYYY";
    }
    return "";
}

}  // namespace rapport::core
