// frame_stats.hpp: the time the C++ side spends per frame, over the last 120 frames.
#pragma once

#include <array>
#include <cstddef>

#include "analytics/summary.hpp"

namespace rapport::app {

class FrameStats {
public:
    static constexpr size_t kWindow = 120;

    void add(double milliseconds);
    size_t count() const { return count_; }
    long long totalFrames() const { return total_; }
    // mean, p95, max (and the rest) over the frames in the window.
    analytics::Summary summary() const;

private:
    std::array<double, kWindow> samples_{};
    size_t next_ = 0;
    size_t count_ = 0;
    long long total_ = 0;
};

}  // namespace rapport::app
