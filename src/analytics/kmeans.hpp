// kmeans.hpp: k-means clustering. k-means++ seeding, several restarts (the best by
// inertia is kept), Lloyd iterations until the centroids move less than a tolerance.
// Deterministic for a seed. Inertia never increases between iterations (asserted in
// debug builds). An empty cluster is re-seeded with the point farthest from its
// centroid. The fit can be run step by step (KMeansFit) so the app can spread it over
// frames; fitKMeans() runs it to the end.
//
// The Lloyd iterations use Hamerly's bounds (one upper and one lower bound per point),
// which skip most distance computations once the centroids settle and give the same
// assignments as plain Lloyd.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.hpp"

namespace rapport::analytics {

struct KMeansParams {
    int k = 6;
    int restarts = 10;        // independent k-means++ seedings; the lowest inertia wins
    int maxIterations = 300;  // Lloyd iterations per restart
    double tolerance = 1e-4;  // stop when the squared centroid shift, summed, is below
                              // tolerance * (mean per-feature variance of X), as scikit-learn
    uint64_t seed = 0;
    core::Status validate(int64_t points) const;  // k >= 1, k <= points, restarts >= 1, ...
};

struct KMeansModel {
    Eigen::MatrixXd centroids;  // k x d
    Eigen::VectorXi labels;     // one per point, 0..k-1
    Eigen::VectorXd sizes;      // points per cluster (double: weights may come later)
    double inertia = 0;         // sum of squared distances to the assigned centroid
    int iterations = 0;         // Lloyd iterations of the winning restart
    bool converged = false;     // the winning restart met the tolerance
    int bestRestart = 0;
    std::vector<double> restartInertia;  // final inertia of each restart
};

// Step-by-step fit. Each step() does a bounded piece of work (a chunk of points of one
// seeding pass or of one Lloyd iteration: about 2 million multiply-adds, a millisecond or
// so in wasm) and returns true while there is more to do. The constructor copies X once
// (O(n d): about 15 ms for a million rows of 4 features). X must be finite and the
// parameters valid (params.validate(X.rows())): with invalid parameters the fit is done at
// once and its result is empty.
class KMeansFit {
public:
    KMeansFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& params);
    // Starts from the given k x d centroids instead of k-means++. As scikit-learn does with
    // an explicit init, this runs a single restart (params.restarts is not used).
    KMeansFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& params,
              const Eigen::Ref<const Eigen::MatrixXd>& initialCentroids);
    KMeansFit(KMeansFit&&) noexcept;
    KMeansFit& operator=(KMeansFit&&) noexcept;
    ~KMeansFit();

    bool step();
    double progress() const;  // 0..1, by restarts and iterations done
    bool done() const;
    KMeansModel result() const;  // the best restart so far (the final model once done);
                                 // empty (no centroids) before the first restart ends

    // One list per restart begun: the inertia after each Lloyd iteration (points assigned
    // to their nearest centroid, centroids moved to the means of their points). Within a
    // restart it never increases beyond rounding, and the restart's final inertia is at
    // most its last entry.
    const std::vector<std::vector<double>>& inertiaHistory() const;
    // Empty clusters re-seeded so far, over all restarts.
    int64_t reseededClusters() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

KMeansModel fitKMeans(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& params);
// The nearest centroid of each row of X (ties go to the lower cluster number).
Eigen::VectorXi assign(const KMeansModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);
// Sum over the rows of X of the squared distance to the nearest centroid.
double inertia(const KMeansModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

}  // namespace rapport::analytics
