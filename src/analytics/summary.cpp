#include "analytics/summary.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rapport::analytics {

namespace {

double quantileOfSorted(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    const double h = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

double quantile(std::span<const double> values, double q) {
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    return quantileOfSorted(sorted, q);
}

Summary summarize(std::span<const double> values) {
    Summary s;
    if (values.empty()) return s;
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    double sum = 0.0;
    for (const double v : sorted) sum += v;
    s.count = static_cast<long long>(sorted.size());
    s.mean = sum / static_cast<double>(sorted.size());
    s.min = sorted.front();
    s.max = sorted.back();
    s.p50 = quantileOfSorted(sorted, 0.5);
    s.p95 = quantileOfSorted(sorted, 0.95);
    return s;
}

}  // namespace rapport::analytics
