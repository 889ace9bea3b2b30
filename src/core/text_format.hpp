// text_format.hpp: numbers as people read them: 1,234,567 and 2.5 s.
#pragma once

#include <cstdint>
#include <string>

namespace rapport::core {

// Thousands separated by commas: formatCount(1234567) == "1,234,567".
std::string formatCount(int64_t n);
// The shortest text that reads back to the same double, without an exponent for
// whole numbers below 10^15: 52000, 0.1, 12.5, 1e-07.
std::string formatNumber(double value);
// A fraction as a percentage with `decimals` decimals: formatPercent(0.256) == "25.6%";
// "-" when not finite.
std::string formatPercent(double fraction, int decimals = 1);
// A number with exactly `decimals` decimals: formatFixed(0.8344, 3) == "0.834"; "-" when
// not finite.
std::string formatFixed(double value, int decimals);
// A duration for progress: "less than a second", "12 s", "3 min 5 s".
std::string formatDuration(double seconds);

}  // namespace rapport::core
