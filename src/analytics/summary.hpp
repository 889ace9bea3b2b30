// analytics: pure functions and small model types (metrics, statistics, segmentation,
// models, evaluation, CLV, survival). May use: core, Eigen, LBFGS++. No SQLite, no
// ImGui, no I/O.
//
// summary.hpp: descriptive statistics over a span of doubles.
#pragma once

#include <span>

namespace rapport::analytics {

struct Summary {
    long long count = 0;
    double mean = 0.0;
    double min = 0.0;
    double max = 0.0;
    double p50 = 0.0;
    double p95 = 0.0;
};

// Linear-interpolation quantile (type 7, as R's default and numpy's "linear"):
// q in [0, 1]. Returns 0 for an empty span. Does not need sorted input.
double quantile(std::span<const double> values, double q);

// Count, mean, min, max, median and 95th percentile. All zero for an empty span.
Summary summarize(std::span<const double> values);

}  // namespace rapport::analytics
