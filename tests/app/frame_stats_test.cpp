#include <doctest/doctest.h>

#include "app/frame_stats.hpp"

using rapport::app::FrameStats;

TEST_SUITE("app") {

TEST_CASE("frame statistics cover only the last 120 frames") {
    FrameStats stats;
    CHECK(stats.summary().count == 0);
    for (int i = 0; i < 100; ++i) stats.add(50.0);  // slow frames that will age out
    for (int i = 0; i < 120; ++i) stats.add(i < 114 ? 1.0 : 10.0);
    const auto s = stats.summary();
    CHECK(s.count == 120);
    CHECK(stats.totalFrames() == 220);
    CHECK(s.max == doctest::Approx(10.0));
    CHECK(s.mean == doctest::Approx((114 * 1.0 + 6 * 10.0) / 120));
    CHECK(s.p95 > 1.0);
}

TEST_CASE("frame statistics before the window fills") {
    FrameStats stats;
    stats.add(2.0);
    stats.add(4.0);
    const auto s = stats.summary();
    CHECK(s.count == 2);
    CHECK(s.mean == doctest::Approx(3.0));
    CHECK(s.max == doctest::Approx(4.0));
}

}  // TEST_SUITE
