// satisfaction.cpp: see satisfaction.hpp.
#include "analytics/satisfaction.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "analytics/distributions.hpp"

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean, sd and t interval of value(i) for i < count, skipping non-finite values. Two passes
// (mean, then squared deviations) so that a large common offset costs no digits.
template <class Value>
MeanInterval meanInterval(size_t count, Value value, const SatisfactionOptions& options) {
    assert(options.confidence > 0 && options.confidence < 1);
    MeanInterval r;
    double sum = 0;
    for (size_t i = 0; i < count; ++i) {
        const double x = value(i);
        if (std::isfinite(x)) {
            sum += x;
            ++r.n;
        } else {
            ++r.ignored;
        }
    }
    r.tooFew = r.n < options.minN;
    if (r.n == 0) {
        r.mean = r.low = r.high = r.sd = kNaN;
        return r;
    }
    const double n = static_cast<double>(r.n);
    r.mean = sum / n;
    if (r.n < 2) {
        r.low = r.high = r.sd = kNaN;
        return r;
    }
    double squares = 0;
    for (size_t i = 0; i < count; ++i) {
        const double x = value(i);
        if (std::isfinite(x)) squares += (x - r.mean) * (x - r.mean);
    }
    r.sd = std::sqrt(squares / (n - 1.0));
    const double half = studentTQuantile(0.5 + 0.5 * options.confidence, n - 1.0) * r.sd / std::sqrt(n);
    r.low = r.mean - half;
    r.high = r.mean + half;
    return r;
}

}  // namespace

ProportionInterval wilsonInterval(int64_t successes, int64_t n, double confidence) {
    assert(successes >= 0 && successes <= n && confidence > 0 && confidence < 1);
    ProportionInterval r;
    r.successes = successes;
    r.n = n;
    if (n == 0) {
        r.percent = r.low = r.high = kNaN;
        return r;
    }
    const double z = normalQuantile(0.5 + 0.5 * confidence), z2 = z * z;
    const double N = static_cast<double>(n), p = static_cast<double>(successes) / N;
    const double scale = 1.0 + z2 / N;
    const double centre = (p + z2 / (2.0 * N)) / scale;
    const double half = z / scale * std::sqrt(p * (1.0 - p) / N + z2 / (4.0 * N * N));
    r.percent = 100.0 * p;
    // At 0 or n successes one end is exactly 0 or 100; rounding must not move it past.
    r.low = successes == 0 ? 0.0 : std::max(0.0, 100.0 * (centre - half));
    r.high = successes == n ? 100.0 : std::min(100.0, 100.0 * (centre + half));
    return r;
}

ProportionInterval csat(std::span<const float> scores, const SatisfactionOptions& options) {
    int64_t satisfied = 0, n = 0, ignored = 0;
    for (const float s : scores) {
        const double v = s;
        if (!(v >= 1.0 && v <= 5.0)) {  // also NaN
            ++ignored;
            continue;
        }
        ++n;
        if (std::floor(v + 0.5) >= 4.0) ++satisfied;
    }
    ProportionInterval r = wilsonInterval(satisfied, n, options.confidence);
    r.ignored = ignored;
    r.tooFew = n < options.minN;
    return r;
}

MeanInterval ces(std::span<const float> scores, const SatisfactionOptions& options) {
    return meanInterval(
        scores.size(), [&](size_t i) { return static_cast<double>(scores[i]); }, options);
}

MeanInterval expectationGap(std::span<const float> score, std::span<const float> expected,
                            const SatisfactionOptions& options) {
    assert(score.size() == expected.size());
    return meanInterval(
        std::min(score.size(), expected.size()),
        [&](size_t i) { return static_cast<double>(score[i]) - static_cast<double>(expected[i]); }, options);
}

}  // namespace rapport::analytics
