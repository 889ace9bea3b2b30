#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include "analytics/satisfaction.hpp"
#include "core/random.hpp"

using namespace rapport::analytics;

namespace {
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
}

TEST_SUITE("analytics") {

// ---- CSAT ---------------------------------------------------------------------------------

TEST_CASE("Wilson interval against hand-computed values") {
    // centre = (p + z^2/2n) / (1 + z^2/n), half = z / (1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2)
    const ProportionInterval six = wilsonInterval(6, 10);
    CHECK(six.percent == doctest::Approx(60.0));
    CHECK(six.low == doctest::Approx(31.2673769733658));
    CHECK(six.high == doctest::Approx(83.1819670293764));

    // No successes: [0, z^2 / (n + z^2)]; all successes: the mirror image.
    const ProportionInterval none = wilsonInterval(0, 10);
    CHECK(none.low == 0.0);
    CHECK(none.high == doctest::Approx(27.7532799862889));
    const ProportionInterval all = wilsonInterval(10, 10);
    CHECK(all.low == doctest::Approx(72.2467200137111));
    CHECK(all.high == 100.0);

    const ProportionInterval big = wilsonInterval(81, 100);
    CHECK(big.low == doctest::Approx(72.2211546209356));
    CHECK(big.high == doctest::Approx(87.4852484902313));

    const ProportionInterval empty = wilsonInterval(0, 0);
    CHECK(std::isnan(empty.percent));
    CHECK(std::isnan(empty.low));
}

TEST_CASE("CSAT is the share of 4-5 among answers 1-5") {
    const std::vector<float> answers = {5, 4, 4, 3, 2, 5, 1, 4, 5, 3};
    const ProportionInterval r = csat(answers);
    CHECK(r.successes == 6);
    CHECK(r.n == 10);
    CHECK(r.percent == doctest::Approx(60.0));
    CHECK(r.low == doctest::Approx(31.2673769733658));
    CHECK(r.high == doctest::Approx(83.1819670293764));
    CHECK(r.tooFew);
}

TEST_CASE("CSAT rounds answers and ignores what is not an answer") {
    const std::vector<float> answers = {3.5f, 3.49f, 4.6f, 1.0f, 0.0f, 6.0f, kNaNf, 5.0f};
    const ProportionInterval r = csat(answers);
    CHECK(r.n == 5);          // 3.5, 3.49, 4.6, 1, 5
    CHECK(r.successes == 3);  // 3.5 -> 4, 4.6 -> 5, 5
    CHECK(r.ignored == 3);    // 0, 6, NaN
}

TEST_CASE("CSAT flags fewer than minN answers") {
    std::vector<float> answers(29, 5.0f);
    CHECK(csat(answers).tooFew);
    answers.push_back(1.0f);
    CHECK_FALSE(csat(answers).tooFew);
    SatisfactionOptions few;
    few.minN = 5;
    CHECK_FALSE(csat(std::vector<float>{5, 5, 5, 5, 5}, few).tooFew);
}

TEST_CASE("the Wilson interval covers the true CSAT about 95% of the time") {
    rapport::core::Random random(21);
    for (const double share : {0.5, 0.8, 0.95}) {
        for (const int n : {30, 200}) {
            int covered = 0;
            const int trials = 4000;
            for (int t = 0; t < trials; ++t) {
                int64_t satisfied = 0;
                for (int i = 0; i < n; ++i) satisfied += random.chance(share) ? 1 : 0;
                const ProportionInterval r = wilsonInterval(satisfied, n);
                if (r.low <= 100 * share && 100 * share <= r.high) ++covered;
            }
            const double c = static_cast<double>(covered) / trials;
            MESSAGE("Wilson coverage share=" << share << " n=" << n << ": " << c);
            CHECK(c >= 0.92);  // exact coverage for these six cases: 93.9% to 96.7%
            CHECK(c <= 0.98);
        }
    }
}

// ---- CES and the expectation gap ------------------------------------------------------------

TEST_CASE("CES: mean with a t interval") {
    // 1..5: mean 3, sd sqrt(2.5), half-width t(0.975, 4) sqrt(2.5) / sqrt(5) = 2.7764451 * 0.7071068
    const MeanInterval r = ces(std::vector<float>{1, 2, 3, 4, 5});
    CHECK(r.n == 5);
    CHECK(r.mean == doctest::Approx(3.0));
    CHECK(r.sd == doctest::Approx(std::sqrt(2.5)));
    CHECK(r.low == doctest::Approx(3.0 - 1.96324316147756));
    CHECK(r.high == doctest::Approx(3.0 + 1.96324316147756));
    CHECK(r.tooFew);
}

TEST_CASE("CES ignores NaN and infinities, keeps any scale") {
    const MeanInterval r = ces(std::vector<float>{7, 6, kNaNf, std::numeric_limits<float>::infinity(), 5});
    CHECK(r.n == 3);
    CHECK(r.ignored == 2);
    CHECK(r.mean == doctest::Approx(6.0));
    CHECK(r.sd == doctest::Approx(1.0));
}

TEST_CASE("CES of one answer has a mean but no interval; of none, nothing") {
    const MeanInterval one = ces(std::vector<float>{4});
    CHECK(one.mean == 4.0);
    CHECK(std::isnan(one.low));
    CHECK(std::isnan(one.sd));
    const MeanInterval none = ces(std::vector<float>{});
    CHECK(std::isnan(none.mean));
    CHECK(none.tooFew);
}

TEST_CASE("the mean is not thrown off by a large common offset") {
    // Answers near 1e6 that differ by 1: the spread must come out exact.
    std::vector<float> values;
    for (int i = 0; i < 100; ++i) values.push_back(1.0e6f + static_cast<float>(i % 2));
    const MeanInterval r = ces(values);
    CHECK(r.mean == doctest::Approx(1.0e6 + 0.5));
    CHECK(r.sd == doctest::Approx(std::sqrt(0.25 * 100 / 99)));
}

TEST_CASE("expectation gap: mean of score - expected where both were given") {
    const std::vector<float> score = {4, 5, 3, kNaNf, 2};
    const std::vector<float> expected = {3, 3, kNaNf, 4, 4};
    // Pairs (4,3) (5,3) (2,4): gaps 1, 2, -2, mean 1/3, sd sqrt(13/3).
    const MeanInterval r = expectationGap(score, expected);
    CHECK(r.n == 3);
    CHECK(r.ignored == 2);
    CHECK(r.mean == doctest::Approx(1.0 / 3.0));
    CHECK(r.sd == doctest::Approx(2.08166599946613));
    CHECK(r.low == doctest::Approx(1.0 / 3.0 - 5.17114501254226));  // t(0.975, 2) = 4.3026527
    CHECK(r.high == doctest::Approx(1.0 / 3.0 + 5.17114501254226));
}

TEST_CASE("the t interval of a mean covers the truth about 95% of the time, even at n = 5") {
    rapport::core::Random random(5);
    int covered = 0;
    const int trials = 4000;
    SatisfactionOptions options;
    options.minN = 0;
    std::vector<float> sample(5);
    for (int t = 0; t < trials; ++t) {
        for (float& x : sample) x = static_cast<float>(random.normal(4.0, 1.5));
        const MeanInterval r = ces(sample, options);
        if (r.low <= 4.0 && 4.0 <= r.high) ++covered;
    }
    const double c = static_cast<double>(covered) / trials;
    MESSAGE("t interval coverage n=5: " << c);
    CHECK(c >= 0.94);
    CHECK(c <= 0.96);
}

}  // TEST_SUITE
