#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <vector>

#include "analytics/nps.hpp"
#include "core/random.hpp"

using namespace rapport::analytics;

namespace {

NpsCounts counts(int64_t promoters, int64_t passives, int64_t detractors) {
    NpsCounts c;
    c.promoters = promoters;
    c.passives = passives;
    c.detractors = detractors;
    return c;
}

// One simulated survey of n answers with the given true promoter and detractor shares.
NpsCounts survey(rapport::core::Random& random, int64_t n, double promoterShare, double detractorShare) {
    NpsCounts c;
    for (int64_t i = 0; i < n; ++i) {
        const double u = random.uniform();
        if (u < promoterShare)
            ++c.promoters;
        else if (u < promoterShare + detractorShare)
            ++c.detractors;
        else
            ++c.passives;
    }
    return c;
}

// Share of `surveys` simulated surveys whose interval contains the true NPS.
double coverage(double promoterShare, double detractorShare, int64_t n, int surveys, const NpsOptions& options,
                uint64_t seed) {
    rapport::core::Random random(seed);
    const double truth = 100.0 * (promoterShare - detractorShare);
    int covered = 0;
    for (int s = 0; s < surveys; ++s) {
        const NpsResult r = nps(survey(random, n, promoterShare, detractorShare), options);
        if (r.low <= truth && truth <= r.high) ++covered;
    }
    return static_cast<double>(covered) / surveys;
}

NpsOptions normalOnly() {
    NpsOptions o;
    o.smallN = 0;
    return o;
}
NpsOptions scoreOnly() {
    NpsOptions o;
    o.smallN = std::numeric_limits<int64_t>::max();
    return o;
}

}  // namespace

TEST_SUITE("analytics") {

// ---- Counting ------------------------------------------------------------------------------

TEST_CASE("20% promoters and 50% detractors give an NPS of -30") {
    const std::vector<float> answers = {10, 9, 8, 7, 7, 6, 5, 3, 0, 1};
    const NpsCounts c = countNps(answers);
    CHECK(c.promoters == 2);
    CHECK(c.passives == 3);
    CHECK(c.detractors == 5);
    CHECK(c.ignored == 0);
    CHECK(c.n() == 10);

    const NpsResult r = nps(c);
    CHECK(r.nps == doctest::Approx(-30.0));
    CHECK(r.sharesPct[0] == doctest::Approx(20.0));
    CHECK(r.sharesPct[1] == doctest::Approx(30.0));
    CHECK(r.sharesPct[2] == doctest::Approx(50.0));
    // SE = 100 sqrt((0.2 + 0.5 - 0.3^2) / 10) = 100 sqrt(0.061)
    CHECK(r.standardError == doctest::Approx(24.698178070456937));
    CHECK(r.tooFew);
}

TEST_CASE("answers are rounded to the nearest whole score and the rest are ignored") {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> answers = {8.5f, 6.5f,  6.49f, 0.0f,  10.0f,
                                        9.2f, -0.2f, 10.2f, 11.0f, std::numeric_limits<float>::quiet_NaN(),
                                        inf,  -inf};
    const NpsCounts c = countNps(answers);
    CHECK(c.promoters == 3);   // 8.5 -> 9, 10, 9.2 -> 9
    CHECK(c.passives == 1);    // 6.5 -> 7
    CHECK(c.detractors == 2);  // 6.49 -> 6, 0
    CHECK(c.ignored == 6);     // -0.2, 10.2, 11, NaN, +-inf

    const std::array<int64_t, 11> distribution = npsDistribution(answers);
    const std::array<int64_t, 11> expected = {1, 0, 0, 0, 0, 0, 1, 1, 0, 2, 1};
    CHECK(distribution == expected);
    const NpsCounts fromDistribution = npsCountsFromDistribution(distribution);
    CHECK(fromDistribution.promoters == c.promoters);
    CHECK(fromDistribution.passives == c.passives);
    CHECK(fromDistribution.detractors == c.detractors);
}

TEST_CASE("no answers give no score, and fewer than minN are flagged") {
    const NpsResult empty = nps(NpsCounts{});
    CHECK(std::isnan(empty.nps));
    CHECK(std::isnan(empty.low));
    CHECK(std::isnan(empty.high));
    CHECK(empty.tooFew);
    CHECK(empty.sharesRounded[0] + empty.sharesRounded[1] + empty.sharesRounded[2] == 0.0);

    CHECK(nps(counts(10, 10, 9)).tooFew);         // 29
    CHECK_FALSE(nps(counts(10, 10, 10)).tooFew);  // 30
    NpsOptions strict;
    strict.minN = 100;
    CHECK(nps(counts(40, 30, 29), strict).tooFew);
    CHECK_FALSE(nps(counts(40, 30, 30), strict).tooFew);
}

// ---- Shares that add up ---------------------------------------------------------------------

TEST_CASE("rounded shares add up to exactly 100.0 on awkward splits") {
    SUBCASE("thirds: the leftover tenth goes to the first") {
        const std::vector<double> p = roundedPercents(std::vector<int64_t>{1, 1, 1});
        CHECK(p == std::vector<double>{33.4, 33.3, 33.3});
    }
    SUBCASE("sixths: ties go to the larger count, then the earlier one") {
        // Quotas 166.67, 166.67, 666.67 tenths: floors add up to 998, two tenths are left.
        const std::vector<int64_t> units = largestRemainder(std::vector<int64_t>{1, 1, 4}, 1000);
        CHECK(units == std::vector<int64_t>{167, 166, 667});
    }
    SUBCASE("a larger remainder wins over a larger count") {
        // 1/7 = 142.86, 2/7 = 285.71, 4/7 = 571.43 tenths: floors add up to 998, and the two
        // tenths left go to the remainders .86 and .71, not to the largest count.
        CHECK(largestRemainder(std::vector<int64_t>{1, 2, 4}, 1000) == std::vector<int64_t>{143, 286, 571});
    }
    SUBCASE("whole percents") {
        CHECK(roundedPercents(std::vector<int64_t>{1, 1, 1}, 0) == std::vector<double>{34, 33, 33});
    }
    SUBCASE("one class, and nothing at all") {
        CHECK(roundedPercents(std::vector<int64_t>{5, 0, 0}) == std::vector<double>{100, 0, 0});
        CHECK(roundedPercents(std::vector<int64_t>{0, 0, 0}) == std::vector<double>{0, 0, 0});
    }
    SUBCASE("the NPS result carries them") {
        const NpsResult r = nps(counts(1, 1, 1));
        CHECK(r.sharesRounded == std::array<double, 3>{33.4, 33.3, 33.3});
    }
}

TEST_CASE("largest remainder: random counts always give exactly 1000 tenths, each within one tenth") {
    rapport::core::Random random(7);
    for (int trial = 0; trial < 20000; ++trial) {
        const size_t k = trial % 2 == 0 ? 3 : 11;  // NPS classes, or the 0-10 distribution
        std::vector<int64_t> c(k);
        const uint64_t scale = trial % 3 == 0 ? 10 : trial % 3 == 1 ? 1000 : 10000000;
        for (int64_t& x : c) x = static_cast<int64_t>(random.below(scale));
        int64_t sum = 0;
        for (const int64_t x : c) sum += x;
        if (sum == 0) continue;

        const std::vector<double> p = roundedPercents(c, 1);
        int64_t tenths = 0;
        for (size_t i = 0; i < k; ++i) {
            tenths += std::llround(p[i] * 10);
            const double exact = 100.0 * static_cast<double>(c[i]) / static_cast<double>(sum);
            REQUIRE(std::fabs(p[i] - exact) < 0.1 + 1e-9);
        }
        REQUIRE(tenths == 1000);
    }
}

// ---- The interval -------------------------------------------------------------------------

TEST_CASE("normal interval: NPS +- z * SE, from smallN answers on") {
    const NpsResult r = nps(counts(200, 300, 500));  // n = 1000 = smallN
    CHECK(r.method == NpsIntervalMethod::Normal);
    CHECK(r.nps == doctest::Approx(-30.0));
    CHECK(r.standardError == doctest::Approx(2.4698178070456938));  // 100 sqrt(0.61 / 1000)
    CHECK(r.low == doctest::Approx(-34.840753950185));
    CHECK(r.high == doctest::Approx(-25.159246049815));
    CHECK(r.margin() == doctest::Approx(1.959963984540054 * 2.4698178070456938));

    CHECK(nps(counts(200, 299, 500)).method == NpsIntervalMethod::Score);  // 999

    NpsOptions ninety;
    ninety.confidence = 0.90;
    const NpsResult narrower = nps(counts(200, 300, 500), ninety);
    CHECK(narrower.high - narrower.nps == doctest::Approx(1.6448536269514722 * 2.4698178070456938));
}

TEST_CASE("score interval: known answers computed independently (mpmath, numerical likelihood maximum)") {
    struct Case {
        int64_t promoters, detractors, n;
        double low, high;
    };
    const Case cases[] = {
        {2, 5, 10, -67.5277887988257, 21.659219749038},  {10, 0, 10, 44.4934400274221, 100.0},
        {27, 1, 30, 60.3297809365896, 95.4733419723374}, {0, 0, 20, -16.1125158052819, 16.1125158052819},
        {6, 3, 12, -23.3117584421349, 62.6930271544876}, {1, 0, 1, -58.6901371245525, 100.0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.promoters);
        CAPTURE(c.detractors);
        CAPTURE(c.n);
        const NpsResult r = nps(counts(c.promoters, c.n - c.promoters - c.detractors, c.detractors));
        CHECK(r.method == NpsIntervalMethod::Score);
        CHECK(r.low == doctest::Approx(c.low).epsilon(1e-9));
        CHECK(r.high == doctest::Approx(c.high).epsilon(1e-9));
    }
}

TEST_CASE("score interval: inside [-100, 100], around the estimate, mirrored when classes swap") {
    for (int64_t n = 1; n <= 40; ++n) {
        for (int64_t P = 0; P <= n; ++P) {
            for (int64_t D = 0; P + D <= n; ++D) {
                const NpsResult r = nps(counts(P, n - P - D, D));
                const NpsResult mirror = nps(counts(D, n - P - D, P));
                REQUIRE(r.low >= -100.0);
                REQUIRE(r.high <= 100.0);
                REQUIRE(r.low <= r.nps);
                REQUIRE(r.nps <= r.high);
                REQUIRE(r.low < r.high);
                REQUIRE(mirror.low == doctest::Approx(-r.high).epsilon(1e-12));
                REQUIRE(mirror.high == doctest::Approx(-r.low).epsilon(1e-12));
                if (P > 0) {  // one detractor turned promoter moves both ends up
                    const NpsResult fewer = nps(counts(P - 1, n - P - D, D + 1));
                    REQUIRE(fewer.low < r.low);
                    REQUIRE(fewer.high < r.high);
                }
            }
        }
    }
    // Unanimous surveys reach the end of the scale exactly.
    CHECK(nps(counts(12, 0, 0)).high == 100.0);
    CHECK(nps(counts(0, 0, 12)).low == -100.0);
}

TEST_CASE("both intervals cover the true NPS about 95% of the time") {
    // Exact coverages (summing over every possible survey) are 93.5-95.4% for these mixes
    // at n = 30 and 94.5-95.1% from n = 100; 10,000 surveys where they are cheap keep the
    // simulation's own noise (0.2 points) small against the 93-97% window.
    struct Mix {
        double promoters, detractors;
    };
    const Mix mixes[] = {{0.2, 0.5}, {0.4, 0.1}, {0.5, 0.4}, {0.3, 0.3}};
    uint64_t seed = 100;
    for (const Mix& mix : mixes) {
        for (const int64_t n : {30, 100, 1000}) {
            const int surveys = n <= 100 ? 10000 : 2000;
            const double normal = coverage(mix.promoters, mix.detractors, n, surveys, normalOnly(), seed);
            const double score = coverage(mix.promoters, mix.detractors, n, surveys, scoreOnly(), seed);
            ++seed;
            CAPTURE(mix.promoters);
            CAPTURE(mix.detractors);
            CAPTURE(n);
            MESSAGE("coverage p=" << mix.promoters << " d=" << mix.detractors << " n=" << n << ": normal " << normal
                                  << ", score " << score);
            CHECK(normal >= 0.93);
            CHECK(normal <= 0.97);
            CHECK(score >= 0.93);
            CHECK(score <= 0.97);
        }
    }
}

TEST_CASE("with answers piled at one end, only the score interval keeps its coverage at small n") {
    // 90% promoters, 2% detractors, 30 answers: exact coverage 84.1% (normal), 96.1% (score).
    const double normal = coverage(0.9, 0.02, 30, 10000, normalOnly(), 3);
    const double score = coverage(0.9, 0.02, 30, 10000, scoreOnly(), 3);
    MESSAGE("coverage p=0.9 d=0.02 n=30: normal " << normal << ", score " << score);
    CHECK(normal < 0.90);
    CHECK(score >= 0.93);
    CHECK(score <= 0.97);
    // And the default switches to the score interval there.
    CHECK(nps(counts(27, 2, 1)).method == NpsIntervalMethod::Score);
}

// ---- Differences ----------------------------------------------------------------------------

TEST_CASE("compareNps on hand-computed cases") {
    SUBCASE("identical groups: no difference, p = 1") {
        const NpsDifference d = compareNps(counts(40, 30, 30), counts(40, 30, 30));
        CHECK(d.difference == doctest::Approx(0.0));
        CHECK(d.pValue == doctest::Approx(1.0));
        CHECK_FALSE(d.significant);
        CHECK(d.low == doctest::Approx(-d.high));
        CHECK_FALSE(d.tooFew);
    }
    SUBCASE("-30 to +30 with 100 answers each") {
        // Var = 61 + 61 points^2 (each 100^2 (0.7 - 0.09) / 100); z = 60 / sqrt(122).
        const NpsDifference d = compareNps(counts(20, 30, 50), counts(50, 30, 20));
        CHECK(d.difference == doctest::Approx(60.0));
        CHECK(d.standardError == doctest::Approx(11.045361017187261));
        CHECK(d.pValue == doctest::Approx(5.56807221964558e-8).epsilon(1e-9));
        CHECK(d.low == doctest::Approx(38.3514902100703));
        CHECK(d.significant);
    }
    SUBCASE("very different big groups: p tiny") {
        const NpsDifference d = compareNps(counts(2000, 3000, 5000), counts(5000, 3000, 2000));
        CHECK(d.pValue < 1e-100);
        CHECK(d.significant);
    }
    SUBCASE("unanimous groups: the difference is exact") {
        const NpsDifference d = compareNps(counts(40, 0, 0), counts(0, 0, 40));
        CHECK(d.difference == doctest::Approx(-200.0));
        CHECK(d.pValue == 0.0);
        CHECK(d.low == d.high);
    }
    SUBCASE("small and empty groups") {
        CHECK(compareNps(counts(10, 10, 9), counts(40, 30, 30)).tooFew);
        const NpsDifference d = compareNps(NpsCounts{}, counts(40, 30, 30));
        CHECK(d.tooFew);
        CHECK(std::isnan(d.difference));
        CHECK_FALSE(d.significant);
    }
}

TEST_CASE("compareNps p-values are calibrated when nothing changed") {
    // 2,000 pairs of surveys from one population: about 5% should reach p < 0.05 (exact size
    // of the test for 100 + 100 answers: 5.3%). The interval must agree with the p-value.
    struct Pair {
        int64_t before, after;
        double promoters, detractors;
    };
    const Pair pairs[] = {{100, 100, 0.4, 0.3}, {60, 300, 0.6, 0.1}, {500, 500, 0.3, 0.45}};
    uint64_t seed = 900;
    for (const Pair& pair : pairs) {
        rapport::core::Random random(seed++);
        int rejected = 0, disagreements = 0;
        const int trials = 2000;
        for (int t = 0; t < trials; ++t) {
            const NpsCounts a = survey(random, pair.before, pair.promoters, pair.detractors);
            const NpsCounts b = survey(random, pair.after, pair.promoters, pair.detractors);
            const NpsDifference d = compareNps(a, b);
            if (d.pValue < 0.05) ++rejected;
            if (d.significant != (d.low > 0 || d.high < 0)) ++disagreements;
        }
        const double share = static_cast<double>(rejected) / trials;
        MESSAGE("null rejections " << pair.before << " vs " << pair.after << ": " << share);
        CHECK(share >= 0.03);
        CHECK(share <= 0.07);
        CHECK(disagreements == 0);
    }
}

TEST_CASE("a single answer still gets a proper interval") {
    const NpsResult r = nps(counts(1, 0, 0));
    CHECK(r.nps == 100.0);
    CHECK(r.low == doctest::Approx(-58.6901371245525).epsilon(1e-9));
    CHECK(r.high == 100.0);
    CHECK(r.standardError == 0.0);  // why the normal interval is useless here: zero width
}

}  // TEST_SUITE
