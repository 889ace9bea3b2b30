#include "app/frame_stats.hpp"

#include <span>

namespace rapport::app {

void FrameStats::add(double milliseconds) {
    samples_[next_] = milliseconds;
    next_ = (next_ + 1) % kWindow;
    if (count_ < kWindow) ++count_;
    ++total_;
}

analytics::Summary FrameStats::summary() const {
    // Before the window fills, the samples sit at the start of the array.
    return analytics::summarize(std::span<const double>(samples_.data(), count_));
}

}  // namespace rapport::app
