#include <doctest/doctest.h>

#include <vector>

#include "analytics/summary.hpp"

using namespace rapport::analytics;

TEST_SUITE("analytics") {

TEST_CASE("quantiles interpolate linearly between order statistics (type 7)") {
    const std::vector<double> v = {7, 1, 3, 5};  // sorted: 1 3 5 7
    CHECK(quantile(v, 0.0) == doctest::Approx(1));
    CHECK(quantile(v, 1.0) == doctest::Approx(7));
    CHECK(quantile(v, 0.5) == doctest::Approx(4));
    CHECK(quantile(v, 0.95) == doctest::Approx(6.7));  // h = 2.85 -> 5 + 0.85 * 2
    CHECK(quantile(v, 1.5) == doctest::Approx(7));     // clamped
}

TEST_CASE("summary of values") {
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i) v.push_back(i);
    const Summary s = summarize(v);
    CHECK(s.count == 100);
    CHECK(s.mean == doctest::Approx(50.5));
    CHECK(s.min == 1);
    CHECK(s.max == 100);
    CHECK(s.p50 == doctest::Approx(50.5));
    CHECK(s.p95 == doctest::Approx(95.05));
}

TEST_CASE("summary of nothing is all zero") {
    const Summary s = summarize({});
    CHECK(s.count == 0);
    CHECK(s.mean == 0);
    CHECK(s.p95 == 0);
    CHECK(quantile({}, 0.5) == 0);
}

}  // TEST_SUITE
