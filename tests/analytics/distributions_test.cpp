#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <limits>

#include "analytics/distributions.hpp"

using namespace rapport::analytics;

// Reference values: mpmath 1.3 at 50 digits (ncdf, betainc and gammainc with
// regularized=True; quantiles by 400 bisection steps on those), printed to 17 digits.

namespace {

double relativeError(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

struct Point {
    double x, want;
};

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("normal CDF against table values, tails included") {
    const Point points[] = {
        {-37, 5.7255712225245768e-300}, {-20, 2.7536241186062337e-89}, {-8, 6.2209605742717841e-16},
        {-5, 2.8665157187919391e-7},    {-1, 0.15865525393145705},     {0.5, 0.6914624612740131},
        {1, 0.84134474606854295},       {3, 0.99865010196836991},
    };
    for (const Point& p : points) {
        CAPTURE(p.x);
        CHECK(relativeError(normalCdf(p.x), p.want) < 1e-12);
        CHECK(relativeError(normalSurvival(-p.x), p.want) < 1e-12);
    }
    CHECK(normalCdf(0) == 0.5);
    CHECK(normalPdf(0) == doctest::Approx(0.3989422804014327));
}

TEST_CASE("normal quantile against table values, to 1e-13") {
    const Point points[] = {
        {1e-300, -37.047096299361199}, {1e-100, -21.273453560965324},
        {1e-20, -9.2623400897984076},  {1e-10, -6.3613409024040562},
        {0.001, -3.0902323061678135},  {0.02425, -1.9729610513118849},  // the approximation's break
        {0.025, -1.9599639845400542},  {0.3, -0.52440051270804078},
        {0.75, 0.67448975019608174},   {0.975, 1.9599639845400542},
        {0.995, 2.5758293035489008},   {0.999999, 4.7534243088170878},  // p as the double nearest 0.999999
    };
    for (const Point& p : points) {
        CAPTURE(p.x);
        CHECK(relativeError(normalQuantile(p.x), p.want) < 1e-13);
    }
    CHECK(normalQuantile(0.5) == 0.0);
    CHECK(normalQuantile(0.0) == -std::numeric_limits<double>::infinity());
    CHECK(normalQuantile(1.0) == std::numeric_limits<double>::infinity());
    CHECK(std::isnan(normalQuantile(std::numeric_limits<double>::quiet_NaN())));
}

TEST_CASE("normal quantile inverts the CDF") {
    for (double p = 1e-6; p < 1; p += 0.0137) {
        CAPTURE(p);
        CHECK(relativeError(normalCdf(normalQuantile(p)), p) < 1e-13);
    }
}

TEST_CASE("Student t CDF against table values") {
    struct Case {
        double df, t, want;
    };
    const Case cases[] = {
        {1, -50, 0.0063653491009727967},   {1, 0.5, 0.64758361765043327},   {1, 10, 0.96827448256944643},
        {2, -3, 0.047732983133354566},     {2, 0.5, 0.66666666666666667},   {2.5, -1, 0.20203051363913673},
        {2.5, 2, 0.92130425212101701},     {5, -50, 3.0238788133006126e-8}, {5, 2, 0.94903026058507082},
        {10, -50, 1.23715516465134e-13},   {10, -3, 0.0066718275112847886}, {10, 2, 0.96330598261462982},
        {30, -50, 9.3577088296113563e-31}, {30, 0.5, 0.68963849755743636},  {1000, -50, 1.3793362061625825e-274},
        {1000, -3, 0.0013833545221190962}, {1000, 2, 0.97711482675337418},
    };
    for (const Case& c : cases) {
        CAPTURE(c.df);
        CAPTURE(c.t);
        CHECK(relativeError(studentTCdf(c.t, c.df), c.want) < 1e-12);
    }
    // Survival is computed directly: the small upper tail keeps its digits.
    CHECK(relativeError(studentTSurvival(50, 10), 1.23715516465134e-13) < 1e-12);
    CHECK(studentTCdf(0, 7) == 0.5);
}

TEST_CASE("Student t CDF with very many degrees of freedom stays accurate and tends to the normal") {
    CHECK(relativeError(studentTCdf(-3, 1e6), 0.0013499312707108985) < 1e-10);
    CHECK(relativeError(studentTCdf(-1, 1e6), 0.15865537491678906) < 1e-12);
    CHECK(relativeError(studentTCdf(2, 1e6), 0.9772497330743404) < 1e-12);
    CHECK(studentTCdf(1.5, std::numeric_limits<double>::infinity()) == normalCdf(1.5));
}

TEST_CASE("Student t quantile against table values") {
    struct Case {
        double df, p, want;
    };
    const Case cases[] = {
        {1, 0.975, 12.706204736174705},   {1, 0.995, 63.656741162871581},   {1, 1e-8, -31830988.618379057},
        {2, 0.975, 4.3026527297494639},   {2, 0.6, 0.28867513459481288},    {2, 1e-8, -7071.0677057994576},
        {3, 0.975, 3.1824463052837096},   {3, 1e-8, -479.52506957973828},   {4, 0.975, 2.7764451051977944},
        {5, 0.975, 2.5705818356363155},   {5, 0.9, 1.4758840488244811},     {10, 0.975, 2.2281388519862747},
        {10, 0.995, 3.1692726726169512},  {10, 1e-8, -15.895687652513545},  {30, 0.975, 2.0422724563012383},
        {30, 0.6, 0.25560536495191277},   {120, 0.975, 1.9799304050824408}, {120, 0.9, 1.2886462336563779},
        {2.5, 0.975, 3.5746548420036832}, {0.5, 0.975, 164.55767348048853}, {0.5, 1e-8, -1028491156316340.0},
        {1e4, 0.975, 1.9602012398906263}, {1e4, 1e-8, -5.6165634289168673},
    };
    for (const Case& c : cases) {
        CAPTURE(c.df);
        CAPTURE(c.p);
        CHECK(relativeError(studentTQuantile(c.p, c.df), c.want) < 1e-12);
    }
    CHECK(studentTQuantile(0.5, 3) == 0.0);
    CHECK(studentTQuantile(0.975, std::numeric_limits<double>::infinity()) == normalQuantile(0.975));
}

TEST_CASE("Student t quantile inverts the CDF for whole and fractional degrees of freedom") {
    for (const double df : {0.7, 1.0, 1.5, 3.0, 7.0, 29.0, 250.0, 5e4}) {
        for (const double p : {1e-12, 1e-4, 0.01, 0.2, 0.49, 0.51, 0.8, 0.999}) {
            CAPTURE(df);
            CAPTURE(p);
            const double t = studentTQuantile(p, df);
            CHECK(relativeError(studentTCdf(t, df), p) < 1e-11);
        }
    }
}

TEST_CASE("chi-square CDF and survival against table values") {
    struct Case {
        double df, x, cdf, survival;
    };
    const Case cases[] = {
        {1, 0.01, 0.079655674554057964, 0.92034432544594204},
        {1, 3.841458820694124, 0.94999999999999994, 0.050000000000000057},
        {2, 1, 0.39346934028736658, 0.60653065971263342},
        {3, 10, 0.98143386453695677, 0.018566135463043233},
        {10, 0.01, 2.5933391898395397e-14, 0.99999999999997407},
        {10, 10, 0.55950671493478759, 0.44049328506521241},
        {100, 1, 1.7887765104351363e-80, 1.0},
        {100, 150, 0.99909606795764599, 0.00090393204235400909},
        {3, 150, 1.0, 2.6349139284880436e-32},
    };
    for (const Case& c : cases) {
        CAPTURE(c.df);
        CAPTURE(c.x);
        CHECK(relativeError(chiSquareCdf(c.x, c.df), c.cdf) < 1e-12);
        CHECK(relativeError(chiSquareSurvival(c.x, c.df), c.survival) < 1e-12);
    }
    CHECK(chiSquareCdf(0, 4) == 0.0);
    CHECK(chiSquareSurvival(0, 4) == 1.0);
}

TEST_CASE("F survival against table values") {
    CHECK(relativeError(fSurvival(4.964602743730711, 1, 10), 0.050000000000000065) < 1e-12);  // F(0.95; 1, 10)
    CHECK(relativeError(fSurvival(2.5, 3, 20), 0.088843751937689212) < 1e-12);
    CHECK(relativeError(fSurvival(1.2, 5, 1000), 0.30709222134975847) < 1e-12);
    CHECK(relativeError(fSurvival(19, 2, 2), 0.05) < 1e-12);
    CHECK(fCdf(2.5, 3, 20) + fSurvival(2.5, 3, 20) == doctest::Approx(1.0));
    // F(1, df) is the square of a t(df): P(F > t^2) = 2 P(T > t).
    CHECK(relativeError(fSurvival(2.5 * 2.5, 1, 12), 2 * studentTSurvival(2.5, 12)) < 1e-12);
}

TEST_CASE("incomplete beta against table values, and its symmetry") {
    CHECK(relativeError(regularizedBeta(0.3, 0.5, 0.5), 0.36901011956554538) < 1e-13);  // = 2/pi asin(sqrt 0.3)
    CHECK(relativeError(regularizedBeta(0.4, 2, 3), 0.5248) < 1e-13);
    CHECK(relativeError(regularizedBeta(0.2, 10, 20), 0.049263517304212517) < 1e-12);
    CHECK(relativeError(regularizedBeta(0.41, 200, 300), 0.67762816477217895) < 1e-12);
    CHECK(relativeError(regularizedBeta(0.5, 1e-3, 2), 0.99980674653694775) < 1e-13);
    for (const double x : {0.01, 0.3, 0.5, 0.77, 0.999}) {
        CHECK(regularizedBeta(x, 3.5, 0.7) + regularizedBeta(1 - x, 0.7, 3.5) ==
              doctest::Approx(1.0).epsilon(1e-14));
    }
    CHECK(regularizedBeta(0, 2, 3) == 0.0);
    CHECK(regularizedBeta(1, 2, 3) == 1.0);
}

TEST_CASE("log B(a, b) keeps its digits when an argument is large") {
    CHECK(relativeError(logBeta(5e5, 0.5), -5.9888164957774643) < 1e-14);
    CHECK(relativeError(logBeta(5000, 0.5), -3.6862066527834603) < 1e-14);
    CHECK(relativeError(logBeta(30, 40), -48.301749095916125) < 1e-14);
    CHECK(relativeError(logBeta(2, 3), std::log(1.0 / 12)) < 1e-14);
}

}  // TEST_SUITE
