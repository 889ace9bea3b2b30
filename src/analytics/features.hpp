// features.hpp: turns raw customer features (one row per customer, NaN = missing) into
// the standardized matrix that clustering and PCA use, and back: missing values filled,
// skewed non-negative features log1p-transformed, every column centred and scaled to unit
// (population) standard deviation, as scikit-learn's StandardScaler does. Everything done
// is recorded in PreparedFeatures, so new data can be prepared the same way and centroids
// can be shown in original units.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rapport::analytics {

enum class FeatureTransform {
    None,
    Log1p,  // log(1 + x): for counts and amounts with a long right tail; needs x >= 0
    Auto,   // Log1p when every value is >= 0 and the skewness is above kAutoLogSkewness
};
constexpr double kAutoLogSkewness = 1.0;

struct FeatureSpec {
    std::string name;
    FeatureTransform transform = FeatureTransform::Auto;
};

enum class MissingRule { Median, Mean, Zero };

struct PreparedFeatures {
    Eigen::MatrixXd X;                      // n x d, standardized
    std::vector<std::string> names;         // d
    std::vector<FeatureTransform> applied;  // None or Log1p per column (never Auto)
    Eigen::VectorXd center, scale;          // of the transformed column: z = (t - center) / scale
    Eigen::VectorXd fill;                   // the value used for missing ones, original units
    std::vector<int64_t> missing;           // missing values per column
    // Shown to the user beside the result, e.g. "age: 312 missing values set to the
    // median (41)" or "plan_code has the same value for every customer, so it cannot tell
    // customers apart". A constant column is kept (all zeros after centring, scale 1) so
    // columns keep matching names; it adds nothing to distances.
    std::vector<std::string> warnings;
};

// raw: n x d; NaN and infinities are missing. specs: one per column.
// Errors (for the user): no rows, no columns, a column with no values at all, Log1p asked
// for a column with negative values, and specs not matching the columns.
// Missing values are filled in original units (the median, mean or zero of the values
// present), before the transform. The transform is decided on the values present.
core::Result<PreparedFeatures> prepareFeatures(const Eigen::Ref<const Eigen::MatrixXd>& raw,
                                               const std::vector<FeatureSpec>& specs,
                                               MissingRule missing = MissingRule::Median);

// Prepares new rows exactly as the fitted ones were: same fill, transform, centre and
// scale. Values below 0 in a Log1p column are taken as 0.
Eigen::MatrixXd applyPrepared(const PreparedFeatures& prepared, const Eigen::Ref<const Eigen::MatrixXd>& raw);

// Back from standardized units to original ones (inverse scaling, then expm1 for Log1p
// columns): used to show centroids as customers would read them.
Eigen::MatrixXd toOriginalUnits(const PreparedFeatures& prepared,
                                const Eigen::Ref<const Eigen::MatrixXd>& standardized);

// Moment coefficient of skewness g1 = m3 / m2^1.5 with population moments (scipy.stats.skew's
// default, bias=True; pandas' skew() is the adjusted G1 = g1 * sqrt(n(n-1)) / (n-2)).
// NaN and infinite values are ignored. 0 when fewer than 3 values or when all values are equal.
double skewness(std::span<const double> values);

}  // namespace rapport::analytics
