// nps.hpp: the Net Promoter Score from 0-10 answers ("How likely are you to recommend
// us?"): counts of promoters (9-10), passives (7-8) and detractors (0-6), their shares,
// the score 100 * (promoter share - detractor share) in -100..100, its confidence
// interval, and the change between two periods or two groups with a p-value.
//
// Answers. A score is counted when it is a number in [0, 10]; it is rounded to the
// nearest whole answer first, halves upwards (6.5 counts as 7, a passive). NaN and
// numbers outside [0, 10] are not answers to this question: they are left out and
// counted in NpsCounts::ignored so the UI can say so.
//
// The interval. The margin of error is the normal (Wald) interval
//     NPS +- z * SE,   SE^2 = 100^2 * (p + d - (p - d)^2) / n
// (p, d the promoter and detractor shares), which can leave [-100, 100] and covers the
// true score far less often than it claims when answers pile up at one end: with 90%
// promoters and 2% detractors its "95%" interval covers the truth 84% of the time at
// n = 30, and still only 87% at n = 200 with 98% promoters. Below NpsOptions::smallN
// answers Rapport uses the score interval instead: every NPS value v (as a share
// difference) that the score test does not reject, |P - D - n v| <= z sqrt(n (p~ + d~ - v^2))
// with P, D the promoter and detractor counts and p~, d~ the maximum-likelihood shares
// under "NPS = v". It is Tango's interval for a difference of paired proportions (Stat.
// Med. 17:891, 1998; promoters and detractors are the two discordant cells): the
// constrained estimate has a closed form, the interval always lies inside [-100, 100],
// and it needs no random numbers.
//
// Exact coverage of the nominal 95% interval (summed over every possible survey), worst of
// 128 mixes of promoter and detractor shares from 1% to 98% (the simulated check is in
// tests/analytics/nps_test.cpp):
//     n                      30     50     100    200    500    800    1000
//     normal, worst mix     0.454  0.635  0.731  0.871  0.920  0.931  0.934
//     score,  worst mix     0.940  0.937  0.933  0.940  0.948  0.949  0.948
// Bounded alternatives did worse: the 2.5-97.5% quantiles of a Dirichlet posterior
// (4,000 draws) covered 0.929 at worst with a 1/3 prior per class and 0.80 with a uniform
// prior (n = 30, 12 typical mixes; the score interval: 0.947 there). The normal interval
// reaches 93% for every mix from n = 800 and agrees with the score interval within 0.4
// points at n = 1000, so smallN defaults to 1000: from there on the symmetric
// margin, below it the score interval.
//
// Differences. compareNps treats the two sets of answers as independent samples:
// Var(b - a) = Var(a) + Var(b) from the formula above, a normal interval and a two-sided
// z-test, so "significant" and "the interval excludes 0" always agree. Exact size of the
// 5% test for two samples of 30 from the same population is 5.3-5.9% for ordinary mixes
// (2.8% at 95% promoters); interval coverage at 30 answers per group is 93.3-94.2%.
// Customers who answer in both periods make the two samples positively correlated, which
// makes this test conservative (the true variance of the difference is smaller).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace rapport::analytics {

// ---- Counting ------------------------------------------------------------------------------

struct NpsCounts {
    int64_t promoters = 0;   // 9-10
    int64_t passives = 0;    // 7-8
    int64_t detractors = 0;  // 0-6
    int64_t ignored = 0;     // NaN or outside [0, 10]; not part of n()
    int64_t n() const { return promoters + passives + detractors; }
};

NpsCounts countNps(std::span<const float> scores);
// How many answers of each whole score 0..10 (same rounding and exclusions as countNps).
std::array<int64_t, 11> npsDistribution(std::span<const float> scores);
// The classes of a distribution from npsDistribution (ignored = 0).
NpsCounts npsCountsFromDistribution(const std::array<int64_t, 11>& distribution);

// ---- Shares that add up ---------------------------------------------------------------------

// Splits `total` units among the counts in proportion to them, in whole units, so that they
// add up to exactly `total` (largest-remainder or Hamilton method): each gets the floor of
// its exact quota, and the units left over go to the largest remainders (ties: the larger
// count, then the earlier one). Every result is within one unit of its exact quota. All
// zeros when the counts add up to 0. Counts must be >= 0 and sum * total must fit in int64.
std::vector<int64_t> largestRemainder(std::span<const int64_t> counts, int64_t total);
// Percentages with `decimals` decimals (0..6) that add up to exactly 100 once printed with
// that many decimals: largestRemainder(counts, 100 * 10^decimals) / 10^decimals.
std::vector<double> roundedPercents(std::span<const int64_t> counts, int decimals = 1);

// ---- The score and its interval ---------------------------------------------------------

enum class NpsIntervalMethod { Normal, Score };
const char* npsIntervalMethodName(NpsIntervalMethod method);  // "normal approximation", "score interval"

struct NpsOptions {
    int64_t minN = 30;         // fewer answers: results are flagged tooFew
    double confidence = 0.95;  // in (0, 1)
    int64_t smallN = 1000;     // fewer answers: the score interval (see the top of this file)
};

struct NpsResult {
    NpsCounts counts;
    double nps = 0;            // -100..100; NaN when n == 0
    double low = 0, high = 0;  // the interval, inside [-100, 100]; NaN when n == 0
    double standardError = 0;  // of the NPS in points, from the formula above; NaN when n == 0
    NpsIntervalMethod method = NpsIntervalMethod::Normal;
    bool tooFew = true;  // n < minN
    // Promoters, passives, detractors in percent: exact, and rounded to one decimal adding
    // up to exactly 100.0 (all 0 when n == 0). The NPS shown beside the rounded shares may
    // differ by 0.1 from their difference: it is rounded on its own.
    std::array<double, 3> sharesPct{};
    std::array<double, 3> sharesRounded{};
    double margin() const { return 0.5 * (high - low); }  // half the interval's width
};

NpsResult nps(const NpsCounts& counts, const NpsOptions& options = {});

// ---- Change between two periods or groups -------------------------------------------------

struct NpsDifference {
    double difference = 0;     // NPS(after) - NPS(before), in points; NaN if either is empty
    double low = 0, high = 0;  // normal interval of the difference
    double standardError = 0;
    double pValue = 1;         // two-sided, for "no change"
    bool significant = false;  // pValue < 1 - confidence
    bool tooFew = true;        // either group has fewer than minN answers
};

NpsDifference compareNps(const NpsCounts& before, const NpsCounts& after, const NpsOptions& options = {});

}  // namespace rapport::analytics
