// silhouette.hpp: how well each point sits in its cluster (the silhouette, with Euclidean
// distances), and choosing the number of k-means clusters by inertia (the elbow) and by
// the mean silhouette. Both run step by step like KMeansFit, so the app can spread them
// over frames.
//
// The silhouette of point i is s = (b - a) / max(a, b), where a is its mean distance to
// the other points of its cluster and b its mean distance to the points of the nearest
// other cluster. As in scikit-learn, a point alone in its cluster scores 0, and so does a
// point with a = b = 0 (duplicates). With fewer than two non-empty clusters there is no
// b: every point scores 0.
//
// Exact up to options.maxExact points: all n^2 / 2 distances, memory O(n k). Above that,
// like scikit-learn's silhouette_score(sample_size=...), a uniform random sample of
// options.sampleSize points (fixed by options.seed) is scored against the sample only,
// as if it were the whole data. The sample is not stratified by cluster, so a small
// cluster may be missed or be a singleton in it.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "analytics/kmeans.hpp"
#include "core/result.hpp"

namespace rapport::analytics {

struct SilhouetteOptions {
    int64_t maxExact = 10000;    // score every point up to this many points
    int64_t sampleSize = 10000;  // above, score a random sample of this many
    uint64_t seed = 0;
};

struct SilhouetteResult {
    double mean = 0;              // mean over the points scored
    Eigen::VectorXd perPoint;     // one per scored point, in the order of sampleIndex
    Eigen::VectorXi sampleIndex;  // rows scored, increasing (all rows when exact)
    Eigen::VectorXd perCluster;   // k: mean over the scored points of each cluster (0 if none)
    bool sampled = false;
};

// Step-by-step silhouette. Each step() scores a block of rows (a bounded number of
// distances) and returns true while there is more to do. labels are 0..k-1, one per row.
class SilhouetteFit {
public:
    SilhouetteFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& labels, int k,
                  const SilhouetteOptions& options = {});
    SilhouetteFit(SilhouetteFit&&) noexcept;
    SilhouetteFit& operator=(SilhouetteFit&&) noexcept;
    ~SilhouetteFit();

    bool step();
    double progress() const;  // 0..1, by distances computed
    bool done() const;
    const SilhouetteResult& result() const;  // complete once done(); empty before

private:
    struct State;
    std::unique_ptr<State> state_;
};

SilhouetteResult silhouette(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& labels, int k,
                            const SilhouetteOptions& options = {});

// ---- Choosing k ----------------------------------------------------------------------

struct KChoice {
    int k;
    double inertia;     // of the best restart: look for the elbow
    double silhouette;  // mean silhouette: higher is better
};

struct ChooseKParams {
    int kMin = 2;
    int kMax = 10;
    KMeansParams kmeans;  // k is set for each candidate
    SilhouetteOptions silhouette;
    core::Status validate(int64_t points) const;  // 2 <= kMin <= kMax <= points, kmeans valid
};

// For each k from kMin to kMax: a k-means fit, then the silhouette of its labels (the
// same sample for every k when sampling). The constructor copies X; the parameters must be
// valid (params.validate(X.rows())), otherwise the fit is done at once with no results.
class ChooseKFit {
public:
    ChooseKFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const ChooseKParams& params);
    ChooseKFit(ChooseKFit&&) noexcept;
    ChooseKFit& operator=(ChooseKFit&&) noexcept;
    ~ChooseKFit();

    bool step();
    double progress() const;
    bool done() const;
    std::vector<KChoice> results() const;  // the ks finished so far, increasing
    int bestK() const;                     // highest silhouette (the smaller k on ties); 0 before any
    KMeansModel model(int k) const;        // the fit for a finished k; empty otherwise

private:
    struct State;
    std::unique_ptr<State> state_;
};

std::vector<KChoice> chooseK(const Eigen::Ref<const Eigen::MatrixXd>& X, const ChooseKParams& params);

}  // namespace rapport::analytics
