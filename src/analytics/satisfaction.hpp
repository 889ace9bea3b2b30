// satisfaction.hpp: the other survey measures and their intervals. CSAT is the share of
// satisfied answers (4 or 5 on a 1-5 scale) with a Wilson interval; CES (customer effort)
// is the mean answer with a Student t interval; the expectation gap is the mean of
// score - expected over answers that gave both, with a paired t interval. (NPS is in nps.hpp.)
//
// Like NPS answers, CSAT answers are rounded to the nearest whole answer (halves upwards)
// and NaN or numbers outside [1, 5] are left out and counted as ignored. CES is averaged as
// given: its scale differs between surveys (1-5, 1-7), so only NaN and infinities are
// left out.
//
// Why Wilson for CSAT: the textbook p +- z sqrt(p(1-p)/n) collapses to a zero-width
// interval at 0% or 100% satisfied and leaves [0, 100] near them; Wilson's interval is the
// set of shares a score test does not reject, stays inside [0, 100] and covers close to
// its nominal level from small n on.
#pragma once

#include <cstdint>
#include <span>

namespace rapport::analytics {

struct SatisfactionOptions {
    int64_t minN = 30;         // fewer answers: results are flagged tooFew
    double confidence = 0.95;  // in (0, 1)
};

// A share in percent (0..100) with its interval.
struct ProportionInterval {
    double percent = 0;        // NaN when n == 0
    double low = 0, high = 0;  // NaN when n == 0
    int64_t successes = 0;
    int64_t n = 0;
    int64_t ignored = 0;
    bool tooFew = true;
};

// A mean with its t interval (df = n - 1).
struct MeanInterval {
    double mean = 0;           // NaN when n == 0
    double low = 0, high = 0;  // NaN when n < 2
    double sd = 0;             // sample standard deviation (n - 1); NaN when n < 2
    int64_t n = 0;
    int64_t ignored = 0;
    bool tooFew = true;
};

// Wilson's score interval for `successes` out of `n`.
ProportionInterval wilsonInterval(int64_t successes, int64_t n, double confidence = 0.95);

// Share of answers 4-5 among answers 1-5.
ProportionInterval csat(std::span<const float> scores, const SatisfactionOptions& options = {});

// Mean effort score.
MeanInterval ces(std::span<const float> scores, const SatisfactionOptions& options = {});

// Mean of score[i] - expected[i] over the i where both are numbers (the others count as
// ignored). Positive: customers rated us above what they expected. Spans of equal length.
MeanInterval expectationGap(std::span<const float> score, std::span<const float> expected,
                            const SatisfactionOptions& options = {});

}  // namespace rapport::analytics
