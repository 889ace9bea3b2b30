#include "core/text_format.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rapport::core {

std::string formatCount(int64_t n) {
    const bool negative = n < 0;
    // Work on the unsigned magnitude so the most negative value is safe.
    uint64_t magnitude = negative ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
    std::string digits = std::to_string(magnitude);
    std::string out;
    const size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
    out.append(digits, 0, lead);
    for (size_t i = lead; i < digits.size(); i += 3) {
        out.push_back(',');
        out.append(digits, i, 3);
    }
    return negative ? "-" + out : out;
}

std::string formatNumber(double v) {
    char buf[40];
    if (std::floor(v) == v && std::fabs(v) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

std::string formatDuration(double seconds) {
    if (!(seconds >= 1.0)) return "less than a second";
    const auto total = static_cast<int64_t>(std::lround(seconds));
    if (total < 60) return std::to_string(total) + " s";
    if (total < 3600) return std::to_string(total / 60) + " min " + std::to_string(total % 60) + " s";
    return std::to_string(total / 3600) + " h " + std::to_string(total / 60 % 60) + " min";
}

std::string formatPercent(double fraction, int decimals) {
    if (!std::isfinite(fraction)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f%%", decimals, fraction * 100);
    return buf;
}

std::string formatFixed(double value, int decimals) {
    if (!std::isfinite(value)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    return buf;
}

}  // namespace rapport::core
