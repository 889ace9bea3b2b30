// ticks.cpp: locators and label formats for chart axes (see ticks.hpp).
//
// Contents
//   [1] Linear and log locators
//   [2] Calendar locator
//   [3] Formats
//   [4] Label thinning
#include "ui/charts/ticks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/date.hpp"

namespace rapport::ui::charts {

namespace {

bool finite(double v) { return std::isfinite(v); }

// The fewest decimals (0..10) that write `step` exactly enough that every multiple of it
// reads differently from its neighbours.
int decimalsFor(double step) {
    step = std::fabs(step);
    if (!(step > 0) || !finite(step)) return 0;
    double scaled = step;
    for (int d = 0; d <= 15; ++d) {
        if (scaled >= 0.5 && std::fabs(scaled - std::round(scaled)) <= 1e-6 * scaled) return d;
        scaled *= 10;
    }
    return 15;
}

// Rounds to the decimal grid of `step`, so 3 x 0.1 is 0.3 and not 0.30000000000000004.
double snapToStep(double value, double step) {
    const int d = decimalsFor(step);
    const double scale = std::pow(10.0, d);
    const double snapped = std::round(value * scale) / scale;
    return std::fabs(snapped) < std::fabs(step) * 1e-9 ? 0.0 : snapped;
}

}  // namespace

// =======================================================================================
// [1] Linear and log locators
// =======================================================================================

double niceNumber(double x, bool round) {
    if (!(x > 0) || !finite(x)) return 0;
    double exponent = std::floor(std::log10(x));
    double fraction = x / std::pow(10.0, exponent);
    // log10 can land a hair off at exact powers of ten.
    if (fraction < 1.0 - 1e-9) {
        exponent -= 1;
        fraction *= 10;
    } else if (fraction >= 10.0 - 1e-9) {
        exponent += 1;
        fraction /= 10;
    }
    double nice;
    if (round) {
        nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
    } else {
        const double eps = 1e-9;
        nice = fraction <= 1 + eps ? 1 : fraction <= 2 + eps ? 2 : fraction <= 5 + eps ? 5 : 10;
    }
    return nice * std::pow(10.0, exponent);
}

double niceStep(double lo, double hi, int target) {
    const double range = hi - lo;
    if (!finite(lo) || !finite(hi) || !(range > 0) || !finite(range)) return 0;
    return niceNumber(range / std::max(1, target), false);
}

double linearTicks(double lo, double hi, int target, std::vector<double>& out) {
    out.clear();
    // A nice step can leave a short axis with one tick or none (e.g. [0.5, 4.5] and a step
    // of 5): refine until there are two, or one for a target of one.
    const size_t wanted = target >= 2 ? 2 : 1;
    double step = 0;
    for (int attempt = 0; attempt < 4; ++attempt, target *= 2) {
        step = niceStep(lo, hi, target);
        if (step == 0) return 0;
        const double first = std::ceil(lo / step - 1e-9);
        const double last = std::floor(hi / step + 1e-9);
        if (!(last - first < kMaxTicks)) break;
        out.clear();
        for (double k = first; k <= last; k += 1) out.push_back(snapToStep(k * step, step));
        if (out.size() >= wanted) return step;
    }
    return out.empty() ? 0 : step;
}

bool logTicks(double lo, double hi, int target, std::vector<double>& out) {
    out.clear();
    if (!(lo > 0) || !(hi > lo) || !finite(lo) || !finite(hi)) return false;
    const double decades = std::log10(hi) - std::log10(lo);
    const int firstDecade = static_cast<int>(std::floor(std::log10(lo)));
    const int lastDecade = static_cast<int>(std::ceil(std::log10(hi)));
    if (lastDecade - firstDecade > 4 * kMaxTicks) return false;
    auto keep = [&](double v) {
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && static_cast<int>(out.size()) < kMaxTicks) out.push_back(v);
    };
    if (decades > 2.5) {
        const int every = std::max(1, static_cast<int>(std::ceil(decades / std::max(1, target))));
        for (int d = firstDecade; d <= lastDecade; ++d) {
            if (d % every == 0) keep(std::pow(10.0, d));
        }
    } else {
        static const double kFew[] = {1, 2, 5};
        static const double kMany[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        const bool many = decades < 1.0;
        const double* mantissas = many ? kMany : kFew;
        const int count = many ? 9 : 3;
        for (int d = firstDecade; d <= lastDecade; ++d) {
            for (int i = 0; i < count; ++i) {
                const double v = mantissas[i] * std::pow(10.0, d);
                keep(d < 0 ? snapToStep(v, std::pow(10.0, d)) : v);
            }
        }
    }
    // A narrow range inside one decade: linear ticks sit fine on a log axis too.
    if (out.size() < 2) linearTicks(lo, hi, target, out);
    return !out.empty();
}

// =======================================================================================
// [2] Calendar locator
// =======================================================================================

namespace {

struct TimeCandidate {
    TimeUnit unit;
    int count;
    double days;  // typical length
};

constexpr double kDaysPerYear = 365.2425;
constexpr TimeCandidate kTimeCandidates[] = {
    {TimeUnit::Day, 1, 1},
    {TimeUnit::Day, 2, 2},
    {TimeUnit::Week, 1, 7},
    {TimeUnit::Week, 2, 14},
    {TimeUnit::Month, 1, kDaysPerYear / 12},
    {TimeUnit::Month, 2, kDaysPerYear / 6},
    {TimeUnit::Quarter, 1, kDaysPerYear / 4},
    {TimeUnit::Month, 6, kDaysPerYear / 2},
};

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
int64_t floorMod(int64_t a, int64_t b) { return a - floorDiv(a, b) * b; }

}  // namespace

TimeStep chooseTimeStep(double spanDays, int target) {
    target = std::max(1, target);
    if (!(spanDays > 0) || !finite(spanDays)) return {TimeUnit::Day, 1};
    for (const TimeCandidate& c : kTimeCandidates) {
        if (spanDays / c.days <= target) return {c.unit, c.count};
    }
    const double years = niceNumber(spanDays / kDaysPerYear / target, false);
    return {TimeUnit::Year, static_cast<int>(std::clamp(years, 1.0, 1e6))};
}

TimeStep timeTicks(double lo, double hi, int target, std::vector<double>& out) {
    out.clear();
    const TimeStep step = chooseTimeStep(hi - lo, target);
    if (!finite(lo) || !finite(hi) || !(hi > lo)) return step;
    // Dates far outside any calendar (|days| > ~27 million years) are not worth ticks.
    if (std::fabs(lo) > 1e10 || std::fabs(hi) > 1e10) return step;
    const int64_t first = static_cast<int64_t>(std::ceil(lo - 1e-9));
    const int64_t last = static_cast<int64_t>(std::floor(hi + 1e-9));
    auto push = [&](int64_t day) {
        if (static_cast<int>(out.size()) < kMaxTicks) out.push_back(static_cast<double>(day));
    };
    switch (step.unit) {
        case TimeUnit::Day:
        case TimeUnit::Week: {
            const int64_t period = step.unit == TimeUnit::Day ? step.count : 7 * step.count;
            const int64_t anchor = step.unit == TimeUnit::Day ? 0 : 4;  // 1970-01-05 was a Monday
            int64_t day = first + floorMod(anchor - first, period);
            for (; day <= last && static_cast<int>(out.size()) < kMaxTicks; day += period) push(day);
            break;
        }
        case TimeUnit::Month:
        case TimeUnit::Quarter:
        case TimeUnit::Year: {
            const int64_t months = step.unit == TimeUnit::Month     ? step.count
                                   : step.unit == TimeUnit::Quarter ? 3
                                                                    : 12 * static_cast<int64_t>(step.count);
            const core::CivilDate start = core::civilFromDays(first);
            int64_t index = static_cast<int64_t>(start.year) * 12 + (start.month - 1);
            index += floorMod(-index, months);
            for (;; index += months) {
                const core::CivilDate date{static_cast<int>(floorDiv(index, 12)),
                                           static_cast<int>(floorMod(index, 12)) + 1, 1};
                const int64_t day = core::daysFromCivil(date);
                if (day < first) continue;
                if (day > last || static_cast<int>(out.size()) >= kMaxTicks) break;
                push(day);
            }
            break;
        }
    }
    return step;
}

// =======================================================================================
// [3] Formats
// =======================================================================================

namespace {

const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Inserts thousands separators into the integer digits of a plain decimal number.
std::string groupDigits(const char* text) {
    std::string out;
    const char* digits = text;
    if (*digits == '-') {
        out.push_back('-');
        ++digits;
    }
    const char* end = digits;
    while (*end >= '0' && *end <= '9') ++end;
    const int n = static_cast<int>(end - digits);
    for (int i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    out += end;
    return out;
}

void trimZeros(std::string& text) {
    const size_t dot = text.find('.');
    if (dot == std::string::npos) return;
    size_t end = text.size();
    while (end > dot + 1 && text[end - 1] == '0') --end;
    if (end == dot + 1) --end;
    text.erase(end);
}

bool allZeroDigits(const char* text) {
    for (; *text != '\0'; ++text) {
        if (*text >= '1' && *text <= '9') return false;
    }
    return true;
}

struct CompactUnit {
    double scale;
    const char* suffix;
};
constexpr CompactUnit kUnits[] = {{1, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}};
constexpr int kUnitCount = 5;

int unitIndexFor(double magnitude) {
    int u = 0;
    while (u + 1 < kUnitCount && magnitude >= kUnits[u + 1].scale) ++u;
    return u;
}

// |value| scaled by a unit with `decimals` digits, zeros trimmed; moves up a unit when
// rounding reaches 1000 (999,999 -> "1M", not "1000k").
std::string compactMagnitude(double magnitude, int decimals, bool trim, int forcedUnit = -1) {
    int u = forcedUnit >= 0 ? forcedUnit : unitIndexFor(magnitude);
    char buf[64];
    for (;;) {
        std::snprintf(buf, sizeof buf, "%.*f", decimals, magnitude / kUnits[u].scale);
        if (u > 0 && u + 1 < kUnitCount && std::fabs(std::strtod(buf, nullptr)) >= 1000) {
            ++u;
            continue;
        }
        break;
    }
    std::string text = u == 0 ? groupDigits(buf) : std::string(buf);
    if (trim) trimZeros(text);
    return text + kUnits[u].suffix;
}

}  // namespace

std::string formatGrouped(double value, int decimals) {
    if (!finite(value)) return std::isnan(value) ? "n/a" : (value > 0 ? "inf" : "-inf");
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 12), std::fabs(value));
    std::string text = groupDigits(buf);
    return value < 0 && !allZeroDigits(buf) ? "-" + text : text;
}

std::string formatCompact(double value, int decimals) {
    if (!finite(value)) return formatGrouped(value, 0);
    const double magnitude = std::fabs(value);
    std::string text = compactMagnitude(magnitude, std::clamp(decimals, 0, 12), true);
    return value < 0 && text.find_first_of("123456789") != std::string::npos ? "-" + text : text;
}

std::string formatDateTick(double days, TimeStep step, bool withYear) {
    if (!finite(days) || std::fabs(days) > 1e10) return "";
    const core::CivilDate d = core::civilFromDays(static_cast<int64_t>(std::floor(days + 1e-9)));
    char buf[48];
    switch (step.unit) {
        case TimeUnit::Day:
        case TimeUnit::Week:
            if (withYear) {
                std::snprintf(buf, sizeof buf, "%s %d, %d", kMonths[d.month - 1], d.day, d.year);
            } else {
                std::snprintf(buf, sizeof buf, "%s %d", kMonths[d.month - 1], d.day);
            }
            break;
        case TimeUnit::Month:
            if (withYear || d.month == 1) {
                std::snprintf(buf, sizeof buf, "%s %d", kMonths[d.month - 1], d.year);
            } else {
                std::snprintf(buf, sizeof buf, "%s", kMonths[d.month - 1]);
            }
            break;
        case TimeUnit::Quarter:
            std::snprintf(buf, sizeof buf, "Q%d %d", (d.month - 1) / 3 + 1, d.year);
            break;
        case TimeUnit::Year:
            std::snprintf(buf, sizeof buf, "%d", d.year);
            break;
    }
    return buf;
}

LabelStyle chooseLabelStyle(AxisFormat format, double lo, double hi, double step, const char* currency) {
    LabelStyle style;
    style.format = format;
    style.currency = currency != nullptr ? currency : "";
    const double magnitude = std::max(std::fabs(lo), std::fabs(hi));
    switch (format) {
        case AxisFormat::Number:
        case AxisFormat::Currency:
        case AxisFormat::Integer:
            style.compact = magnitude >= 10000 && finite(magnitude);
            style.decimals = format == AxisFormat::Integer ? 0 : decimalsFor(step);
            break;
        case AxisFormat::Percent:
            style.decimals = decimalsFor(step * 100);
            break;
        case AxisFormat::Date:
            style.time = chooseTimeStep(hi - lo, 8);
            break;
        case AxisFormat::Category:
            break;
    }
    style.step = step;
    return style;
}

std::string formatTick(double value, const LabelStyle& style, bool first) {
    if (!finite(value)) return formatGrouped(value, 0);
    const double step = style.step;
    if (step > 0 && std::fabs(value) < step * 1e-9) value = 0;
    auto number = [&](double v) -> std::string {
        if (style.compact && std::fabs(v) >= 1000) {
            const int u = unitIndexFor(std::fabs(v));
            const int decimals = step > 0 ? std::min(decimalsFor(step / kUnits[u].scale), 3) : 1;
            return compactMagnitude(std::fabs(v), decimals, true, u);
        }
        return formatGrouped(std::fabs(v), style.decimals);
    };
    switch (style.format) {
        case AxisFormat::Number:
        case AxisFormat::Integer:
        case AxisFormat::Category: {
            std::string text = number(value);
            return value < 0 && text.find_first_of("123456789") != std::string::npos ? "-" + text : text;
        }
        case AxisFormat::Currency: {
            std::string text = std::string(style.currency) + number(value);
            return value < 0 && text.find_first_of("123456789") != std::string::npos ? "-" + text : text;
        }
        case AxisFormat::Percent:
            return formatGrouped(value * 100, style.decimals) + "%";
        case AxisFormat::Date:
            return formatDateTick(value, style.time, first);
    }
    return {};
}

std::string formatExact(double value, AxisFormat format, const char* currency) {
    if (!finite(value)) return formatGrouped(value, 0);
    switch (format) {
        case AxisFormat::Number:
        case AxisFormat::Category: {
            if (std::floor(value) == value && std::fabs(value) < 1e15) return formatGrouped(value, 0);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.10g", value);
            if (std::strchr(buf, 'e') != nullptr) return buf;
            return groupDigits(buf);
        }
        case AxisFormat::Integer:
            return formatGrouped(std::round(value), 0);
        case AxisFormat::Currency: {
            // Cents only when there are any: "$395,000" but "$1,234.50".
            const double cents = std::round(std::fabs(value) * 100);
            const int decimals = std::fmod(cents, 100) == 0 && cents < 1e17 ? 0 : 2;
            std::string text =
                std::string(currency != nullptr ? currency : "") + formatGrouped(std::fabs(value), decimals);
            return value < 0 && std::round(std::fabs(value) * 100) > 0 ? "-" + text : text;
        }
        case AxisFormat::Percent: {
            std::string text = formatGrouped(value * 100, 2);
            trimZeros(text);
            return text + "%";
        }
        case AxisFormat::Date: {
            if (std::fabs(value) > 1e10) return formatGrouped(value, 0);
            return core::formatIsoDate(core::civilFromDays(static_cast<int64_t>(std::floor(value + 1e-9))));
        }
    }
    return {};
}

// =======================================================================================
// [4] Label thinning
// =======================================================================================

int labelStride(const float* centres, const float* widths, int n, float gap) {
    if (n <= 1) return 1;
    for (int stride = 1; stride < n; ++stride) {
        bool fits = true;
        for (int i = 0; i + stride < n && fits; i += stride) {
            const float rightEdge = centres[i] + widths[i] * 0.5f;
            const float leftEdge = centres[i + stride] - widths[i + stride] * 0.5f;
            fits = leftEdge - rightEdge >= gap;
        }
        if (fits) return stride;
    }
    return n;
}

}  // namespace rapport::ui::charts
