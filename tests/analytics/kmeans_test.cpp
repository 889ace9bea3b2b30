#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "analytics/kmeans.hpp"
#include "core/random.hpp"

using namespace rapport;
using namespace rapport::analytics;

namespace {

// Gaussian blobs around the given centres, points interleaved (blob i % centres).
Eigen::MatrixXd blobs(const Eigen::MatrixXd& centres, int perBlob, double sd, uint64_t seed,
                      Eigen::VectorXi* truth = nullptr) {
    core::Random rng(seed);
    const Eigen::Index k = centres.rows(), d = centres.cols();
    Eigen::MatrixXd X(k * perBlob, d);
    if (truth) truth->resize(X.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const Eigen::Index c = i % k;
        for (Eigen::Index f = 0; f < d; ++f) X(i, f) = centres(c, f) + rng.normal(0, sd);
        if (truth) (*truth)(i) = static_cast<int>(c);
    }
    return X;
}

// Overlapping clusters with a skewed feature: many Lloyd iterations, several local optima.
Eigen::MatrixXd overlapping(Eigen::Index n, uint64_t seed) {
    core::Random rng(seed);
    Eigen::MatrixXd X(n, 3);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double c = static_cast<double>(i % 5);
        X(i, 0) = c + rng.normal(0, 1.2);
        X(i, 1) = 0.5 * c * c + rng.normal(0, 1.5);
        X(i, 2) = rng.lognormal(0.1 * c, 0.6);
    }
    return X;
}

// True when a and b are the same partition (labels equal up to renaming).
bool samePartition(const Eigen::VectorXi& a, const Eigen::VectorXi& b) {
    if (a.size() != b.size()) return false;
    std::map<int, int> forward, backward;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        const auto f = forward.emplace(a(i), b(i)).first;
        const auto g = backward.emplace(b(i), a(i)).first;
        if (f->second != b(i) || g->second != a(i)) return false;
    }
    return true;
}

double sumOfSquares(const Eigen::MatrixXd& X, const Eigen::VectorXi& labels, const Eigen::MatrixXd& centroids) {
    double total = 0;
    for (Eigen::Index i = 0; i < X.rows(); ++i) total += (X.row(i) - centroids.row(labels(i))).squaredNorm();
    return total;
}

KMeansModel runSteps(KMeansFit& fit) {
    while (fit.step()) {
    }
    return fit.result();
}

// Plain Lloyd, written for clarity: assign every point to its nearest centroid (lower
// number on ties), move each centroid to its points' mean, until no label changes.
Eigen::VectorXi plainLloyd(const Eigen::MatrixXd& X, Eigen::MatrixXd centroids) {
    Eigen::VectorXi labels = Eigen::VectorXi::Constant(X.rows(), -1);
    for (int iteration = 0; iteration < 1000; ++iteration) {
        bool changed = false;
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            int best = 0;
            double bestDistance = std::numeric_limits<double>::infinity();
            for (Eigen::Index c = 0; c < centroids.rows(); ++c) {
                const double distance = (X.row(i) - centroids.row(c)).squaredNorm();
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = static_cast<int>(c);
                }
            }
            changed = changed || labels(i) != best;
            labels(i) = best;
        }
        if (!changed) break;
        for (Eigen::Index c = 0; c < centroids.rows(); ++c) {
            Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(X.cols());
            int count = 0;
            for (Eigen::Index i = 0; i < X.rows(); ++i)
                if (labels(i) == c) {
                    sum += X.row(i);
                    ++count;
                }
            if (count > 0) centroids.row(c) = sum / count;
        }
    }
    return labels;
}

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("k-means recovers well-separated blobs exactly") {
    Eigen::MatrixXd centres(4, 3);
    centres << 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 20;
    Eigen::VectorXi truth;
    const Eigen::MatrixXd X = blobs(centres, 50, 1.0, 7, &truth);
    KMeansParams params;
    params.k = 4;
    const KMeansModel model = fitKMeans(X, params);
    REQUIRE(model.labels.size() == X.rows());
    CHECK(samePartition(model.labels, truth));
    CHECK(model.converged);
    // Each centroid is the mean of its blob, and the inertia is the sum of squares around them.
    for (int c = 0; c < 4; ++c) {
        const int blob = truth(std::find(model.labels.data(), model.labels.data() + X.rows(), c) - model.labels.data());
        Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(3);
        for (Eigen::Index i = 0; i < X.rows(); ++i)
            if (truth(i) == blob) mean += X.row(i);
        mean /= 50.0;
        CHECK((model.centroids.row(c) - mean).norm() < 1e-9);
        CHECK(model.sizes(c) == 50);
    }
    CHECK(model.inertia == doctest::Approx(sumOfSquares(X, model.labels, model.centroids)).epsilon(1e-12));
}

TEST_CASE("k-means finds the optimum of a small example worked by hand") {
    // Two groups on a line: {0, 1, 2} and {10, 11, 12}; centroids 1 and 11, inertia 2 + 2.
    Eigen::MatrixXd X(6, 1);
    X << 0, 10, 1, 11, 2, 12;
    KMeansParams params;
    params.k = 2;
    params.restarts = 3;
    const KMeansModel model = fitKMeans(X, params);
    const double low = std::min(model.centroids(0, 0), model.centroids(1, 0));
    const double high = std::max(model.centroids(0, 0), model.centroids(1, 0));
    CHECK(low == doctest::Approx(1));
    CHECK(high == doctest::Approx(11));
    CHECK(model.inertia == doctest::Approx(4));
    CHECK(model.restartInertia.size() == 3);
}

TEST_CASE("k-means inertia never increases between iterations") {
    const Eigen::MatrixXd X = overlapping(3000, 11);
    KMeansParams params;
    params.k = 7;
    params.restarts = 5;
    params.tolerance = 0;  // run each restart until no point moves
    KMeansFit fit(X, params);
    const KMeansModel model = runSteps(fit);
    const auto& history = fit.inertiaHistory();
    REQUIRE(history.size() == 5);
    size_t longest = 0;
    double scale = (X.rowwise() - X.colwise().mean()).squaredNorm();
    for (size_t r = 0; r < history.size(); ++r) {
        const std::vector<double>& h = history[r];
        REQUIRE(!h.empty());
        longest = std::max(longest, h.size());
        for (size_t t = 1; t < h.size(); ++t) CHECK(h[t] <= h[t - 1] + 1e-10 * scale);
        // The last pass only reassigns to the final centroids, which cannot raise the sum.
        CHECK(model.restartInertia[r] <= h.back() + 1e-10 * scale);
        CHECK(h.front() > h.back());
    }
    CHECK(longest >= 10);  // the data takes enough iterations for the check to mean something
    CHECK(model.inertia == doctest::Approx(sumOfSquares(X, model.labels, model.centroids)).epsilon(1e-10));
}

TEST_CASE("k-means with bounds gives the same clustering as plain Lloyd from the same start") {
    const Eigen::MatrixXd X = overlapping(1500, 5);
    Eigen::MatrixXd start(6, 3);
    for (int c = 0; c < 6; ++c) start.row(c) = X.row(c * 97);
    KMeansParams params;
    params.k = 6;
    params.tolerance = 0;
    KMeansFit fit(X, params, start);
    const KMeansModel model = runSteps(fit);
    const Eigen::VectorXi expected = plainLloyd(X, start);
    CHECK((model.labels.array() == expected.array()).all());
    CHECK(model.converged);
    CHECK(fit.inertiaHistory().size() == 1);
}

TEST_CASE("k-means is deterministic for a seed") {
    const Eigen::MatrixXd X = overlapping(2000, 3);
    KMeansParams params;
    params.k = 8;
    params.restarts = 3;
    params.seed = 42;
    const KMeansModel a = fitKMeans(X, params);
    const KMeansModel b = fitKMeans(X, params);
    CHECK(a.centroids == b.centroids);
    CHECK(a.labels == b.labels);
    CHECK(a.restartInertia == b.restartInertia);
    params.seed = 43;
    const KMeansModel c = fitKMeans(X, params);
    CHECK(c.restartInertia != a.restartInertia);
}

TEST_CASE("k-means keeps the restart with the lowest inertia") {
    const Eigen::MatrixXd X = overlapping(2000, 9);
    KMeansParams params;
    params.k = 9;
    params.restarts = 6;
    const KMeansModel model = fitKMeans(X, params);
    REQUIRE(model.restartInertia.size() == 6);
    const auto best = std::min_element(model.restartInertia.begin(), model.restartInertia.end());
    CHECK(model.bestRestart == best - model.restartInertia.begin());
    CHECK(model.inertia == *best);
}

TEST_CASE("k-means with one cluster gives the mean") {
    const Eigen::MatrixXd X = overlapping(500, 1);
    KMeansParams params;
    params.k = 1;
    const KMeansModel model = fitKMeans(X, params);
    const Eigen::RowVectorXd mean = X.colwise().mean();
    CHECK((model.centroids.row(0) - mean).norm() < 1e-12);
    CHECK((model.labels.array() == 0).all());
    CHECK(model.sizes(0) == 500);
    CHECK(model.inertia == doctest::Approx((X.rowwise() - mean).squaredNorm()).epsilon(1e-12));
}

TEST_CASE("k-means with as many clusters as points has zero inertia") {
    core::Random rng(5);
    Eigen::MatrixXd X(12, 2);
    for (Eigen::Index i = 0; i < X.rows(); ++i) X.row(i) << rng.uniform(), rng.uniform();
    KMeansParams params;
    params.k = 12;
    params.restarts = 2;
    const KMeansModel model = fitKMeans(X, params);
    CHECK(model.inertia == 0);
    CHECK((model.sizes.array() == 1).all());
    for (Eigen::Index i = 0; i < X.rows(); ++i) CHECK((model.centroids.row(model.labels(i)) - X.row(i)).norm() < 1e-12);
}

TEST_CASE("k-means handles duplicates and fewer distinct points than clusters") {
    // Three distinct points, five copies each, and five clusters.
    Eigen::MatrixXd X(15, 2);
    for (Eigen::Index i = 0; i < 15; ++i) X.row(i) << static_cast<double>(i % 3), static_cast<double>((i % 3) * 2);
    KMeansParams params;
    params.k = 5;
    params.restarts = 4;
    KMeansFit fit(X, params);
    const KMeansModel model = runSteps(fit);
    CHECK(model.centroids.allFinite());
    CHECK(model.inertia < 1e-20);
    CHECK(model.sizes.sum() == 15);
    CHECK((model.labels.array() >= 0).all());
    CHECK((model.labels.array() < 5).all());
    CHECK((model.sizes.array() > 0).count() == 3);  // two clusters have nothing to hold
    for (Eigen::Index i = 0; i < X.rows(); ++i) CHECK((model.centroids.row(model.labels(i)) - X.row(i)).norm() < 1e-12);
    for (const auto& h : fit.inertiaHistory())
        for (const double v : h) CHECK(std::isfinite(v));
}

TEST_CASE("an empty cluster is re-seeded with the point farthest from its centroid") {
    // Points 0, 1, 10, 11 and centroids -100, 0, 5: the first assignment leaves cluster 0
    // empty; the farthest point (11, at 6 from its centroid 5) re-seeds it, and the fit
    // ends at {0, 1}, {10}, {11} with inertia 0.5. Without re-seeding it would stop at
    // {0, 1}, {10, 11}: inertia 1.
    Eigen::MatrixXd X(4, 1);
    X << 0, 1, 10, 11;
    Eigen::MatrixXd start(3, 1);
    start << -100, 0, 5;
    KMeansParams params;
    params.k = 3;
    KMeansFit fit(X, params, start);
    const KMeansModel model = runSteps(fit);
    CHECK(fit.reseededClusters() == 1);
    CHECK(model.inertia == doctest::Approx(0.5));
    CHECK(model.centroids(0, 0) == doctest::Approx(11));
    CHECK(model.labels(3) == 0);
    CHECK((model.sizes.array() >= 1).all());
}

TEST_CASE("k-means step by step equals fitKMeans, with progress from 0 to 1") {
    const Eigen::MatrixXd X = overlapping(20000, 4);
    KMeansParams params;
    params.k = 5;
    params.restarts = 3;
    params.seed = 9;
    KMeansFit fit(X, params);
    CHECK(fit.progress() == 0);
    CHECK(fit.result().centroids.rows() == 0);  // nothing finished yet
    double last = 0;
    int steps = 0;
    bool monotone = true;
    while (fit.step()) {
        ++steps;
        const double now = fit.progress();
        monotone = monotone && now >= last && now <= 1;
        last = now;
        (void)fit.result();  // reading the best so far must not disturb the fit
    }
    CHECK(monotone);
    CHECK(fit.done());
    CHECK(fit.progress() == 1);
    CHECK(steps > 3 * (2 * params.k - 1));  // several steps per restart, not one call
    const KMeansModel stepped = fit.result();
    const KMeansModel direct = fitKMeans(X, params);
    CHECK(stepped.centroids == direct.centroids);
    CHECK(stepped.labels == direct.labels);
    CHECK(stepped.inertia == direct.inertia);
    CHECK(stepped.iterations == direct.iterations);
}

TEST_CASE("assign and inertia agree with the fitted model") {
    Eigen::MatrixXd centres(3, 2);
    centres << 0, 0, 10, 0, 0, 10;
    const Eigen::MatrixXd X = blobs(centres, 40, 1.0, 21);
    KMeansParams params;
    params.k = 3;
    const KMeansModel model = fitKMeans(X, params);
    CHECK(assign(model, X) == model.labels);
    CHECK(inertia(model, X) == doctest::Approx(model.inertia).epsilon(1e-12));
    // New points go to the centroid nearest to them.
    Eigen::MatrixXd fresh(3, 2);
    fresh << 9, 1, -1, 0.5, 0.5, 11;
    const Eigen::VectorXi labels = assign(model, fresh);
    for (Eigen::Index i = 0; i < 3; ++i) {
        Eigen::Index nearest;
        (model.centroids.rowwise() - fresh.row(i)).rowwise().squaredNorm().minCoeff(&nearest);
        CHECK(labels(i) == nearest);
    }
}

TEST_CASE("k-means stops at the iteration limit and says it did not converge") {
    const Eigen::MatrixXd X = overlapping(2000, 8);
    KMeansParams params;
    params.k = 6;
    params.restarts = 1;
    params.maxIterations = 2;
    params.tolerance = 0;
    const KMeansModel model = fitKMeans(X, params);
    CHECK(model.iterations == 2);
    CHECK_FALSE(model.converged);
    CHECK(model.inertia == doctest::Approx(sumOfSquares(X, model.labels, model.centroids)).epsilon(1e-10));
}

TEST_CASE("k-means parameters are validated with a clear message") {
    KMeansParams ok;
    CHECK(ok.validate(100).ok());
    KMeansParams p;
    p.k = 0;
    CHECK_FALSE(p.validate(100).ok());
    CHECK(p.validate(100).error().message.find("at least 1 cluster") != std::string::npos);
    p.k = 11;
    const core::Status tooMany = p.validate(10);
    REQUIRE_FALSE(tooMany.ok());
    CHECK(tooMany.error().message == "Cannot make 11 clusters from 10 customers: choose at most 10 clusters.");
    CHECK_FALSE(ok.validate(0).ok());
    p = ok;
    p.restarts = 0;
    CHECK(p.validate(100).error().message.find("restart") != std::string::npos);
    p = ok;
    p.maxIterations = 0;
    CHECK(p.validate(100).error().message.find("iteration") != std::string::npos);
    p = ok;
    p.tolerance = -1;
    CHECK(p.validate(100).error().message.find("tolerance") != std::string::npos);
    p.tolerance = std::numeric_limits<double>::quiet_NaN();
    CHECK_FALSE(p.validate(100).ok());
}

}  // TEST_SUITE
