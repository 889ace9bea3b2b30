#include "analytics/features.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace rapport::analytics;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

std::vector<FeatureSpec> specs(std::vector<std::string> names, FeatureTransform t = FeatureTransform::None) {
    std::vector<FeatureSpec> out;
    for (auto& name : names) out.push_back({name, t});
    return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("skewness is the population moment coefficient g1") {
        // {0, 0, 3}: mean 1, m2 = 6/3 = 2, m3 = (-1 - 1 + 8)/3 = 2, g1 = 2 / 2^1.5.
        CHECK(skewness(std::vector<double>{0, 0, 3}) == doctest::Approx(1 / std::sqrt(2.0)));
        CHECK(skewness(std::vector<double>{3, 0, 0}) == doctest::Approx(1 / std::sqrt(2.0)));  // order does not matter
        CHECK(skewness(std::vector<double>{0, 3, 3}) == doctest::Approx(-1 / std::sqrt(2.0)));
        CHECK(skewness(std::vector<double>{1, 2, 3, 4}) == doctest::Approx(0));
        CHECK(skewness(std::vector<double>{0, NaN, 0, 3}) == doctest::Approx(1 / std::sqrt(2.0)));  // NaN ignored
        CHECK(skewness(std::vector<double>{0.1, 0.1, 0.1, 0.1}) == 0);                              // equal values
        CHECK(skewness(std::vector<double>{1, 5}) == 0);                                            // too few values
    }

    TEST_CASE("standardization uses the mean and the population standard deviation") {
        Eigen::MatrixXd raw(4, 2);
        raw << 1, 10, 2, 10, 3, 30, 4, 30;
        const auto prepared = prepareFeatures(raw, specs({"a", "b"}));
        REQUIRE(prepared.ok());
        // a: mean 2.5, sd sqrt(1.25); b: mean 20, sd 10.
        const double sd = std::sqrt(1.25);
        CHECK(prepared->center[0] == doctest::Approx(2.5));
        CHECK(prepared->scale[0] == doctest::Approx(sd));
        CHECK(prepared->X(0, 0) == doctest::Approx(-1.5 / sd));
        CHECK(prepared->X(3, 0) == doctest::Approx(1.5 / sd));
        CHECK(prepared->center[1] == doctest::Approx(20));
        CHECK(prepared->scale[1] == doctest::Approx(10));
        CHECK(prepared->X(0, 1) == doctest::Approx(-1));
        CHECK(prepared->X(2, 1) == doctest::Approx(1));
        CHECK(prepared->names == std::vector<std::string>{"a", "b"});
        CHECK(prepared->warnings.empty());
        CHECK(prepared->missing == std::vector<int64_t>{0, 0});
    }

    TEST_CASE("Auto applies log1p to skewed non-negative features only") {
        Eigen::MatrixXd raw(10, 3);
        // spend: a long right tail (skewness about 2.7); even: symmetric; shifted: same tail but negative.
        raw.col(0) << 0, 1, 1, 2, 2, 3, 4, 5, 50, 400;
        raw.col(1) << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
        raw.col(2) = raw.col(0).array() - 1;
        std::vector<FeatureSpec> s = {{"spend"}, {"even"}, {"shifted"}};
        const auto prepared = prepareFeatures(raw, s);
        REQUIRE(prepared.ok());
        CHECK(prepared->applied ==
              std::vector<FeatureTransform>{FeatureTransform::Log1p, FeatureTransform::None, FeatureTransform::None});
        // The first column is the standardized log1p of the raw values.
        Eigen::VectorXd logged = raw.col(0).array().log1p();
        const double mean = logged.mean();
        const double sd = std::sqrt((logged.array() - mean).square().mean());
        CHECK(prepared->center[0] == doctest::Approx(mean));
        CHECK(prepared->scale[0] == doctest::Approx(sd));
        CHECK(prepared->X(9, 0) == doctest::Approx((std::log1p(400.0) - mean) / sd));

        SUBCASE("an explicit choice is kept") {
            s[0].transform = FeatureTransform::None;
            s[1].transform = FeatureTransform::Log1p;
            const auto chosen = prepareFeatures(raw, s);
            REQUIRE(chosen.ok());
            CHECK(chosen->applied[0] == FeatureTransform::None);
            CHECK(chosen->applied[1] == FeatureTransform::Log1p);
        }
    }

    TEST_CASE("missing values are filled by the chosen rule, counted and reported") {
        Eigen::MatrixXd raw(5, 1);
        raw << 1, NaN, 3, 10, std::numeric_limits<double>::infinity();
        const std::vector<FeatureSpec> s = {{"age", FeatureTransform::None}};

        SUBCASE("median") {
            const auto prepared = prepareFeatures(raw, s);
            REQUIRE(prepared.ok());
            CHECK(prepared->missing[0] == 2);
            CHECK(prepared->fill[0] == 3);
            REQUIRE(prepared->warnings.size() == 1);
            CHECK(prepared->warnings[0] == "age: 2 missing values set to the median (3)");
            // Filled column 1, 3, 3, 10, 3: mean 4.
            CHECK(prepared->center[0] == doctest::Approx(4));
            CHECK(prepared->X(1, 0) == doctest::Approx(prepared->X(2, 0)));
        }
        SUBCASE("mean") {
            const auto prepared = prepareFeatures(raw, s, MissingRule::Mean);
            REQUIRE(prepared.ok());
            CHECK(prepared->fill[0] == doctest::Approx(14.0 / 3));
            CHECK(prepared->warnings[0] == "age: 2 missing values set to the mean (4.67)");
        }
        SUBCASE("zero") {
            const auto prepared = prepareFeatures(raw, s, MissingRule::Zero);
            REQUIRE(prepared.ok());
            CHECK(prepared->fill[0] == 0);
            CHECK(prepared->warnings[0] == "age: 2 missing values set to 0");
            CHECK(prepared->center[0] == doctest::Approx(14.0 / 5));
        }
        SUBCASE("the median of an even count is the middle of the two middle values") {
            Eigen::MatrixXd even(5, 1);
            even << 4, 1, NaN, 2, 10;
            const auto prepared = prepareFeatures(even, s);
            REQUIRE(prepared.ok());
            CHECK(prepared->fill[0] == 3);
            CHECK(prepared->warnings[0] == "age: 1 missing value set to the median (3)");
        }
    }

    TEST_CASE("a constant feature is kept at zero with scale 1 and reported") {
        Eigen::MatrixXd raw(3, 2);
        raw << 1, 7, 2, 7, 3, 7;
        const auto prepared = prepareFeatures(raw, specs({"x", "plan"}, FeatureTransform::Auto));
        REQUIRE(prepared.ok());
        CHECK(prepared->scale[1] == 1);
        CHECK(prepared->center[1] == 7);
        CHECK(prepared->X.col(1).isZero(0));
        REQUIRE(prepared->warnings.size() == 1);
        CHECK(contains(prepared->warnings[0], "plan has the same value (7) for every customer"));
    }

    TEST_CASE("toOriginalUnits inverts the preparation, and applyPrepared repeats it") {
        Eigen::MatrixXd raw(6, 3);
        raw.col(0) << 0, 1, 2, 3, 80, 900;  // logged by Auto
        raw.col(1) << -2, 0.5, 3, 4, NaN, 7;
        raw.col(2) << 5, 5, 5, 5, 5, 5;  // constant
        const auto prepared = prepareFeatures(raw, specs({"spend", "score", "flat"}, FeatureTransform::Auto));
        REQUIRE(prepared.ok());
        CHECK(prepared->applied[0] == FeatureTransform::Log1p);

        const Eigen::MatrixXd back = toOriginalUnits(*prepared, prepared->X);
        Eigen::MatrixXd expected = raw;
        expected(4, 1) = prepared->fill[1];  // the missing value comes back as its fill (median 3)
        CHECK(prepared->fill[1] == 3);
        CHECK((back - expected).cwiseAbs().maxCoeff() < 1e-9);

        const Eigen::MatrixXd again = applyPrepared(*prepared, raw);
        CHECK((again - prepared->X).cwiseAbs().maxCoeff() < 1e-12);

        // New rows: missing filled the same way, negative values in a logged column taken as 0.
        Eigen::MatrixXd fresh(1, 3);
        fresh << -4, NaN, 5;
        const Eigen::MatrixXd z = applyPrepared(*prepared, fresh);
        CHECK(z(0, 0) == doctest::Approx(prepared->X(0, 0)));
        CHECK(z(0, 1) == doctest::Approx(prepared->X(4, 1)));
        CHECK(z(0, 2) == 0);
    }

    TEST_CASE("preparation errors are explained to the user") {
        SUBCASE("no customers") {
            const auto r = prepareFeatures(Eigen::MatrixXd(0, 2), specs({"a", "b"}));
            REQUIRE_FALSE(r.ok());
            CHECK(contains(r.error().message, "no customers"));
        }
        SUBCASE("no features") {
            const auto r = prepareFeatures(Eigen::MatrixXd(3, 0), {});
            REQUIRE_FALSE(r.ok());
            CHECK(contains(r.error().message, "Choose at least one feature"));
        }
        SUBCASE("a feature with no values") {
            Eigen::MatrixXd raw(2, 2);
            raw << 1, NaN, 2, NaN;
            const auto r = prepareFeatures(raw, specs({"a", "income"}));
            REQUIRE_FALSE(r.ok());
            CHECK(contains(r.error().message, "'income' has no value for any customer"));
        }
        SUBCASE("names not matching the columns") {
            const auto r = prepareFeatures(Eigen::MatrixXd::Ones(2, 2), specs({"a"}));
            REQUIRE_FALSE(r.ok());
            CHECK(contains(r.error().detail, "1 specs for 2 columns"));
        }
        SUBCASE("log of negative values") {
            Eigen::MatrixXd raw(3, 1);
            raw << -1, 0, 5;
            const auto r = prepareFeatures(raw, specs({"balance"}, FeatureTransform::Log1p));
            REQUIRE_FALSE(r.ok());
            CHECK(contains(r.error().message, "'balance' has negative values"));
        }
    }

}  // TEST_SUITE
