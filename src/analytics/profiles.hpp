// profiles.hpp: what the customers of each cluster look like, in original units (size,
// share, mean and median of each feature, revenue), and a short name in plain words such
// as "High spend, frequent, recent" or "Low spend, lapsed".
//
// Naming: for each feature, the percentile of the cluster's median among all customers
// (the share below it, counting ties as half). Above kHighPercentile is "high", below
// kLowPercentile "low"; the (at most kMaxNameTerms) features farthest from the middle are
// named, in a fixed order (spend, frequency, recency, tenure, age, then the others in
// column order) so names read alike across clusters. Known features have their own words
// (low recency_days is "recent"); others read "High <name>" / "Low <name>". A cluster with
// no such feature is "Typical". Names are unique within one clustering: when two collide,
// the feature on which they differ most is appended, and failing that a number.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rapport::analytics {

constexpr double kHighPercentile = 0.67;
constexpr double kLowPercentile = 0.33;
constexpr int kMaxNameTerms = 3;

struct ClusterProfile {
    int cluster = 0;
    int64_t size = 0;
    double share = 0;                  // of all customers
    std::vector<double> mean, median;  // per feature, original units; NaN when no value
    std::vector<double> percentile;    // per feature: where the median sits among all customers, 0..1 (NaN: none)
    double revenue = 0;                // summed over the cluster; 0 when no revenue was given
    double revenueShare = 0;           // of all revenue; NaN when no revenue was given or the total is not > 0
    std::string name;
};

// original: n x d in original units (NaN = missing, ignored). labels: n values in 0..k-1.
// revenue: one value per customer, or empty. One profile per cluster 0..k-1, empty
// clusters included (size 0, NaN statistics, named "Empty").
std::vector<ClusterProfile> profileClusters(const Eigen::Ref<const Eigen::MatrixXd>& original,
                                            const std::vector<std::string>& names, const Eigen::VectorXi& labels, int k,
                                            std::span<const double> revenue);

// The name of one cluster from its percentiles (one per feature, NaN = unknown) and the
// feature names, before names are made unique across clusters.
std::string describeCluster(std::span<const double> percentile, const std::vector<std::string>& names);

}  // namespace rapport::analytics
