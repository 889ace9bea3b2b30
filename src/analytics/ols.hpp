// ols.hpp: satisfaction drivers. Ordinary least squares of a score (NPS, CSAT, CES) on
// customer features, with what a reader needs to judge it: coefficients per standard
// deviation and per unit, standard errors, t and p values, confidence intervals, R^2 and
// adjusted R^2, the F test of the whole model, and warnings about overlapping features.
//
// Method: one pass for the means and standard deviations, then a tall-skinny QR (TSQR) of
// [1, z-scored X, centred y], block of rows by block of rows: each block is stacked under
// the running (p+2) x (p+2) triangle and reduced with Householder QR. That costs O(n p^2)
// like the normal equations, but keeps their accuracy (the condition number is not
// squared) and needs no n x p copy of X: a million answers with 20 features take about
// 0.12 s natively, 0.3-0.45 s in wasm, and a few hundred kilobytes. The rank is read
// from a column-pivoted QR of the small triangle (same singular values as the design),
// with R's lm tolerance (1e-7), and standard errors come from sigma^2 (R^T R)^-1 =
// sigma^2 R^-1 R^-T. Errors a user can cause (too few answers, a constant feature, features that
// overlap completely, missing values) are returned as messages that name the features.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rapport::analytics {

// Pivots below this share of the largest one count as zero: the tolerance of R's lm.
constexpr double kOlsRankTolerance = 1e-7;
// Above this variance inflation factor a feature gets a warning (a common rule of thumb).
constexpr double kOlsVifWarning = 10.0;

struct OlsOptions {
    bool standardize = true;         // report coefficients per standard deviation of each feature
    int64_t minRowsPerFeature = 10;  // refuse with fewer answers than this per feature
    double confidence = 0.95;        // of the intervals [low, high]; p below 1 - confidence is "clear"
};

struct OlsTerm {
    std::string name;  // "Intercept" for the first term
    // In the units asked for: per standard deviation of the feature when standardized, per
    // unit otherwise. The intercept is the expected score at the mean of every feature
    // when standardized, at zero for every feature otherwise.
    double coefficient = 0, standardError = 0, t = 0, pValue = 1, low = 0, high = 0;
    double coefficientOriginal = 0;  // per unit of the feature in original units (intercept: at zero features)
    double coefficientPerSd = 0;     // per (population) standard deviation of the feature (intercept: at the means)
    double vif = 1;                  // variance inflation factor (1 = no overlap with the other features; intercept: 1)
};

struct OlsResult {
    std::vector<OlsTerm> terms;  // intercept first, then the features in the order given
    double rSquared = 0, adjustedRSquared = 0, residualStdError = 0;
    int64_t n = 0;  // answers
    int p = 0;      // features (the intercept not counted)
    double fStatistic = 0, fPValue = 1;
    bool standardized = true;
    double confidence = 0.95;
    std::vector<std::string> warnings;  // for the user, shown beside the result
};

// X: n x p (one row per answer, no missing values), y: n scores, names: p feature names.
// Errors (for the user): no features, missing or infinite values, too few answers
// (n <= p + 1 or n < minRowsPerFeature * p), the same score in every answer, a feature
// with the same value in every answer, features that overlap completely (a copy, a
// multiple, or a sum of others), each naming the features concerned.
core::Result<OlsResult> fitOls(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXd>& y,
                               const std::vector<std::string>& names, const OlsOptions& options = {});

// One plain-language line about the strongest clear driver (largest effect per standard
// deviation among the features with p < 1 - confidence), e.g. "Complaints lower the NPS
// score most: each standard deviation more goes with 1.3 points less (p < 0.001); the
// features explain 24% of the differences between customers."
std::string describeDrivers(const OlsResult& result, const std::string& outcome);

}  // namespace rapport::analytics
