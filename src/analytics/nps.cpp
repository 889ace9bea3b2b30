// nps.cpp: see nps.hpp.
#include "analytics/nps.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

#include "analytics/distributions.hpp"

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The whole answer 0..10 of a score, or -1 when it is not an answer.
int wholeAnswer(float score) {
    const double v = score;
    if (!(v >= 0.0 && v <= 10.0)) return -1;  // also NaN
    return static_cast<int>(std::floor(v + 0.5));
}

double zFor(double confidence) {
    assert(confidence > 0 && confidence < 1);
    return normalQuantile(0.5 + 0.5 * confidence);
}

// ---- The score interval ---------------------------------------------------------------------

// The score statistic for "promoter share - detractor share = v", v in (-1, 1), given P
// promoters and D detractors among n answers. Under that hypothesis the likelihood is
// largest at detractor share d~, the positive root of 2n d^2 + B d + C = 0 (Tango 1998, with
// promoters and detractors as the discordant cells of a paired table), and the variance of
// P - D is n (p~ + d~ - v^2) with p~ = d~ + v.
double scoreStatistic(double P, double D, double n, double v) {
    const double B = 2.0 * n * v - P * (1.0 + v) - D * (1.0 - v);
    const double C = -D * v * (1.0 - v);
    const double root = std::sqrt(std::max(0.0, B * B - 8.0 * n * C));
    // (-B + root) / 4n, written to avoid cancellation when B > 0.
    const double dTilde = B <= 0 ? (-B + root) / (4.0 * n) : -2.0 * C / (B + root);
    const double variance = n * (2.0 * dTilde + v - v * v);
    const double deviation = P - D - n * v;
    if (!(variance > 0)) return deviation == 0 ? 0.0 : std::copysign(kInf, deviation);
    return deviation / std::sqrt(variance);
}

// The v in (lo, hi) where the (decreasing) statistic crosses `target`, by bisection: 64
// halvings of an interval of width <= 2 reach the resolution of a double.
double crossing(double P, double D, double n, double target, double lo, double hi) {
    for (int i = 0; i < 64; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (scoreStatistic(P, D, n, mid) > target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

}  // namespace

// ---- Counting ----------------------------------------------------------------------------

NpsCounts countNps(std::span<const float> scores) {
    NpsCounts counts;
    for (const float s : scores) {
        const int answer = wholeAnswer(s);
        if (answer < 0)
            ++counts.ignored;
        else if (answer >= 9)
            ++counts.promoters;
        else if (answer >= 7)
            ++counts.passives;
        else
            ++counts.detractors;
    }
    return counts;
}

std::array<int64_t, 11> npsDistribution(std::span<const float> scores) {
    std::array<int64_t, 11> distribution{};
    for (const float s : scores) {
        const int answer = wholeAnswer(s);
        if (answer >= 0) ++distribution[answer];
    }
    return distribution;
}

NpsCounts npsCountsFromDistribution(const std::array<int64_t, 11>& distribution) {
    NpsCounts counts;
    for (int answer = 0; answer <= 10; ++answer) {
        (answer >= 9 ? counts.promoters : answer >= 7 ? counts.passives : counts.detractors) += distribution[answer];
    }
    return counts;
}

// ---- Shares that add up ---------------------------------------------------------------------

std::vector<int64_t> largestRemainder(std::span<const int64_t> counts, int64_t total) {
    assert(total >= 0);
    std::vector<int64_t> units(counts.size(), 0);
    int64_t sum = 0;
    for (const int64_t c : counts) {
        assert(c >= 0);
        sum += c;
    }
    if (sum == 0) return units;
    assert(total == 0 || sum <= std::numeric_limits<int64_t>::max() / total);

    std::vector<int64_t> remainder(counts.size());
    int64_t given = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        units[i] = counts[i] * total / sum;
        remainder[i] = counts[i] * total % sum;
        given += units[i];
    }
    std::vector<size_t> order(counts.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (remainder[a] != remainder[b]) return remainder[a] > remainder[b];
        if (counts[a] != counts[b]) return counts[a] > counts[b];
        return a < b;
    });
    // Fewer units are left than there are non-zero remainders (each is < one unit).
    for (int64_t left = total - given, k = 0; left > 0; --left, ++k) ++units[order[static_cast<size_t>(k)]];
    return units;
}

std::vector<double> roundedPercents(std::span<const int64_t> counts, int decimals) {
    assert(decimals >= 0 && decimals <= 6);
    int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    const std::vector<int64_t> units = largestRemainder(counts, 100 * scale);
    std::vector<double> percents(units.size());
    for (size_t i = 0; i < units.size(); ++i) percents[i] = static_cast<double>(units[i]) / static_cast<double>(scale);
    return percents;
}

// ---- The score and its interval ---------------------------------------------------------

const char* npsIntervalMethodName(NpsIntervalMethod method) {
    return method == NpsIntervalMethod::Normal ? "normal approximation" : "score interval";
}

NpsResult nps(const NpsCounts& counts, const NpsOptions& options) {
    NpsResult r;
    r.counts = counts;
    const int64_t n = counts.n();
    r.tooFew = n < options.minN;
    r.method = n < options.smallN ? NpsIntervalMethod::Score : NpsIntervalMethod::Normal;
    if (n == 0) {
        r.nps = r.low = r.high = r.standardError = kNaN;
        return r;
    }

    const double P = static_cast<double>(counts.promoters), D = static_cast<double>(counts.detractors);
    const double N = static_cast<double>(n);
    const double p = P / N, d = D / N, v = p - d;
    r.nps = 100.0 * v;
    r.standardError = 100.0 * std::sqrt(std::max(0.0, p + d - v * v) / N);

    const double z = zFor(options.confidence);
    if (r.method == NpsIntervalMethod::Normal) {
        r.low = std::max(-100.0, r.nps - z * r.standardError);
        r.high = std::min(100.0, r.nps + z * r.standardError);
    } else {
        // Everything from -1 (all detractors) up to v is a candidate for the lower end;
        // the statistic is +inf at -1 unless every answer is a detractor.
        r.low = counts.detractors == n ? -100.0 : 100.0 * crossing(P, D, N, z, -1.0, v);
        r.high = counts.promoters == n ? 100.0 : 100.0 * crossing(P, D, N, -z, v, 1.0);
    }

    const std::array<int64_t, 3> classes = {counts.promoters, counts.passives, counts.detractors};
    const std::vector<double> rounded = roundedPercents(classes, 1);
    for (int i = 0; i < 3; ++i) {
        r.sharesPct[i] = 100.0 * static_cast<double>(classes[i]) / N;
        r.sharesRounded[i] = rounded[i];
    }
    return r;
}

// ---- Change between two periods or groups -------------------------------------------------

NpsDifference compareNps(const NpsCounts& before, const NpsCounts& after, const NpsOptions& options) {
    NpsDifference r;
    r.tooFew = before.n() < options.minN || after.n() < options.minN;
    if (before.n() == 0 || after.n() == 0) {
        r.difference = r.low = r.high = r.standardError = r.pValue = kNaN;
        return r;
    }
    const NpsResult a = nps(before, {0, options.confidence, 0});
    const NpsResult b = nps(after, {0, options.confidence, 0});
    r.difference = b.nps - a.nps;
    r.standardError = std::sqrt(a.standardError * a.standardError + b.standardError * b.standardError);
    if (r.standardError == 0) {
        // Both groups answered unanimously: the difference is known exactly.
        r.low = r.high = r.difference;
        r.pValue = r.difference == 0 ? 1.0 : 0.0;
    } else {
        const double z = zFor(options.confidence);
        r.low = std::max(-200.0, r.difference - z * r.standardError);
        r.high = std::min(200.0, r.difference + z * r.standardError);
        r.pValue = 2.0 * normalSurvival(std::fabs(r.difference) / r.standardError);
    }
    r.significant = r.pValue < 1.0 - options.confidence;
    return r;
}

}  // namespace rapport::analytics
