#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analytics/silhouette.hpp"
#include "core/random.hpp"

using namespace rapport;
using namespace rapport::analytics;

namespace {

// The silhouette of every point, straight from its definition.
Eigen::VectorXd bruteForce(const Eigen::MatrixXd& X, const Eigen::VectorXi& labels, int k) {
    const Eigen::Index n = X.rows();
    std::vector<int> size(k, 0);
    for (Eigen::Index i = 0; i < n; ++i) ++size[labels(i)];
    Eigen::VectorXd s(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        std::vector<double> total(k, 0.0);
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) total[labels(j)] += (X.row(i) - X.row(j)).norm();
        const int own = labels(i);
        if (size[own] == 1) {
            s(i) = 0;
            continue;
        }
        const double a = total[own] / (size[own] - 1);
        double b = std::numeric_limits<double>::infinity();
        for (int c = 0; c < k; ++c)
            if (c != own && size[c] > 0) b = std::min(b, total[c] / size[c]);
        s(i) = (b - a) / std::max(a, b);
    }
    return s;
}

Eigen::MatrixXd blobs(int perBlob, int blobCount, double spacing, double sd, uint64_t seed, Eigen::VectorXi& truth) {
    core::Random rng(seed);
    Eigen::MatrixXd X(perBlob * blobCount, 2);
    truth.resize(X.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        const int c = static_cast<int>(i % blobCount);
        X(i, 0) = spacing * (c % 2) + rng.normal(0, sd);
        X(i, 1) = spacing * (c / 2) + rng.normal(0, sd);
        truth(i) = c;
    }
    return X;
}

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("silhouette of a tiny example worked by hand") {
    // 0 and 1 in one cluster, 4 and 5 in the other. Point 0: a = 1, b = (4 + 5) / 2 = 4.5,
    // s = 1 - 1 / 4.5 = 7/9. Point 1: a = 1, b = (3 + 4) / 2 = 3.5, s = 1 - 1 / 3.5 = 5/7.
    // Points 5 and 4 mirror 0 and 1.
    Eigen::MatrixXd X(4, 1);
    X << 0, 1, 4, 5;
    Eigen::VectorXi labels(4);
    labels << 0, 0, 1, 1;
    const SilhouetteResult r = silhouette(X, labels, 2);
    CHECK_FALSE(r.sampled);
    REQUIRE(r.perPoint.size() == 4);
    CHECK(r.perPoint(0) == doctest::Approx(7.0 / 9));
    CHECK(r.perPoint(1) == doctest::Approx(5.0 / 7));
    CHECK(r.perPoint(2) == doctest::Approx(5.0 / 7));
    CHECK(r.perPoint(3) == doctest::Approx(7.0 / 9));
    CHECK(r.mean == doctest::Approx((7.0 / 9 + 5.0 / 7) / 2));
    CHECK(r.perCluster(0) == doctest::Approx((7.0 / 9 + 5.0 / 7) / 2));
    CHECK(r.sampleIndex == Eigen::Vector4i(0, 1, 2, 3));
}

TEST_CASE("a point alone in its cluster has silhouette 0") {
    // 0 and 1 together, 10 alone. Point 0: a = 1, b = 10, s = 0.9; point 1: a = 1, b = 9,
    // s = 8/9; point 10: 0.
    Eigen::MatrixXd X(3, 1);
    X << 0, 1, 10;
    Eigen::VectorXi labels(3);
    labels << 0, 0, 1;
    const SilhouetteResult r = silhouette(X, labels, 2);
    CHECK(r.perPoint(0) == doctest::Approx(0.9));
    CHECK(r.perPoint(1) == doctest::Approx(8.0 / 9));
    CHECK(r.perPoint(2) == 0);
    CHECK(r.mean == doctest::Approx((0.9 + 8.0 / 9) / 3));
    CHECK(r.perCluster(1) == 0);
}

TEST_CASE("silhouette matches a brute-force computation") {
    core::Random rng(3);
    const int n = 80, k = 5;
    Eigen::MatrixXd X(n, 3);
    Eigen::VectorXi labels(n);
    for (int i = 0; i < n; ++i) {
        // Clusters 0..3 by a random draw, one singleton in cluster 4, in scrambled order.
        labels(i) = i == 37 ? 4 : static_cast<int>(rng.below(4));
        for (int f = 0; f < 3; ++f) X(i, f) = labels(i) * 0.7 + rng.normal(0, 1);
    }
    const Eigen::VectorXd expected = bruteForce(X, labels, k);
    const SilhouetteResult r = silhouette(X, labels, k);
    REQUIRE(r.perPoint.size() == n);
    for (int i = 0; i < n; ++i) CHECK(r.perPoint(i) == doctest::Approx(expected(i)).epsilon(1e-12));
    CHECK(r.perPoint(37) == 0);
    CHECK(r.mean == doctest::Approx(expected.mean()).epsilon(1e-12));
    for (int c = 0; c < k; ++c) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; ++i)
            if (labels(i) == c) {
                sum += expected(i);
                ++count;
            }
        CHECK(r.perCluster(c) == doctest::Approx(sum / count).epsilon(1e-12));
    }
}

TEST_CASE("silhouette ignores empty clusters and scores duplicates 0, never NaN") {
    // Cluster 1 is empty; cluster 0 and 2 are each one repeated point.
    Eigen::MatrixXd X(4, 2);
    X << 1, 1, 1, 1, 5, 5, 5, 5;
    Eigen::VectorXi labels(4);
    labels << 0, 0, 2, 2;
    SilhouetteResult r = silhouette(X, labels, 3);
    CHECK((r.perPoint.array() == 1).all());  // a = 0, b > 0
    CHECK(r.perCluster(1) == 0);
    // Everything in one place: a = b = 0.
    X.setConstant(2);
    r = silhouette(X, labels, 3);
    CHECK(r.perPoint.allFinite());
    CHECK(r.mean == 0);
    // A single non-empty cluster has no neighbour: all 0.
    labels.setZero();
    X << 0, 0, 1, 0, 2, 0, 3, 0;
    r = silhouette(X, labels, 2);
    CHECK(r.mean == 0);
}

TEST_CASE("sampled silhouette is deterministic for a seed and close to exact on blobs") {
    Eigen::VectorXi truth;
    const Eigen::MatrixXd X = blobs(750, 4, 6.0, 1.0, 17, truth);  // 3000 points
    SilhouetteOptions exactOptions;
    const SilhouetteResult exact = silhouette(X, truth, 4, exactOptions);
    CHECK_FALSE(exact.sampled);
    CHECK(exact.sampleIndex.size() == 3000);

    SilhouetteOptions options;
    options.maxExact = 1000;
    options.sampleSize = 600;
    options.seed = 5;
    const SilhouetteResult a = silhouette(X, truth, 4, options);
    const SilhouetteResult b = silhouette(X, truth, 4, options);
    CHECK(a.sampled);
    REQUIRE(a.sampleIndex.size() == 600);
    CHECK(a.sampleIndex == b.sampleIndex);
    CHECK(a.perPoint == b.perPoint);
    CHECK(std::is_sorted(a.sampleIndex.data(), a.sampleIndex.data() + 600));
    CHECK(std::adjacent_find(a.sampleIndex.data(), a.sampleIndex.data() + 600) == a.sampleIndex.data() + 600);
    CHECK(a.mean == doctest::Approx(exact.mean).epsilon(0.03));
    options.seed = 6;
    const SilhouetteResult c = silhouette(X, truth, 4, options);
    CHECK(c.sampleIndex != a.sampleIndex);
    CHECK(c.mean == doctest::Approx(exact.mean).epsilon(0.03));
}

TEST_CASE("silhouette step by step gives the same result in bounded steps") {
    Eigen::VectorXi truth;
    const Eigen::MatrixXd X = blobs(1000, 4, 5.0, 1.0, 2, truth);
    SilhouetteFit fit(X, truth, 4);
    int steps = 0;
    double last = 0;
    bool monotone = true;
    while (fit.step()) {
        ++steps;
        monotone = monotone && fit.progress() >= last;
        last = fit.progress();
    }
    CHECK(steps > 1);
    CHECK(monotone);
    CHECK(fit.done());
    CHECK(fit.progress() == 1);
    const SilhouetteResult direct = silhouette(X, truth, 4);
    CHECK(fit.result().perPoint == direct.perPoint);
    CHECK(fit.result().mean == direct.mean);
}

TEST_CASE("chooseK picks the true number of clusters on separated blobs") {
    Eigen::VectorXi truth;
    const Eigen::MatrixXd X = blobs(100, 4, 10.0, 1.0, 8, truth);
    ChooseKParams params;
    params.kMin = 2;
    params.kMax = 7;
    params.kmeans.restarts = 4;
    ChooseKFit fit(X, params);
    CHECK(fit.bestK() == 0);
    double last = 0;
    bool monotone = true;
    while (fit.step()) {
        monotone = monotone && fit.progress() >= last;
        last = fit.progress();
    }
    CHECK(monotone);
    const std::vector<KChoice> results = fit.results();
    REQUIRE(results.size() == 6);
    for (size_t i = 0; i < results.size(); ++i) CHECK(results[i].k == 2 + static_cast<int>(i));
    CHECK(fit.bestK() == 4);
    CHECK(results[2].silhouette > 0.7);
    // The elbow: going from 3 to 4 clusters removes far more inertia than from 4 to 5.
    CHECK(results[1].inertia - results[2].inertia > 10 * (results[2].inertia - results[3].inertia));
    const KMeansModel four = fit.model(4);
    CHECK(four.centroids.rows() == 4);
    CHECK(four.inertia == results[2].inertia);
    CHECK(fit.model(9).centroids.rows() == 0);
    // The one-call form gives the same table.
    const std::vector<KChoice> direct = chooseK(X, params);
    REQUIRE(direct.size() == results.size());
    for (size_t i = 0; i < direct.size(); ++i) {
        CHECK(direct[i].inertia == results[i].inertia);
        CHECK(direct[i].silhouette == results[i].silhouette);
    }
}

TEST_CASE("chooseK parameters are validated with a clear message") {
    ChooseKParams params;
    CHECK(params.validate(100).ok());
    params.kMin = 1;
    CHECK(params.validate(100).error().message.find("at least 2 clusters") != std::string::npos);
    params.kMin = 5;
    params.kMax = 4;
    CHECK_FALSE(params.validate(100).ok());
    params.kMax = 20;
    CHECK(params.validate(10).error().message == "Cannot try 20 clusters with 10 customers: try at most 10.");
    params.kMax = 8;
    params.kmeans.restarts = 0;
    CHECK(params.validate(100).error().message.find("restart") != std::string::npos);
}

}  // TEST_SUITE
