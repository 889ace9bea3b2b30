#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "analytics/forest.hpp"
#include "core/random.hpp"

using namespace rapport::analytics;

namespace {

// Customers from a logistic model in which only features 0 (continuous) and 1 (four
// levels) matter; 2..5 are noise of several kinds (continuous, uniform, binary, skewed).
void simulate(int64_t n, uint64_t seed, Eigen::MatrixXd& X, Eigen::VectorXi& y) {
    rapport::core::Random rng(seed);
    X.resize(n, 6);
    y.resize(n);
    for (int64_t i = 0; i < n; ++i) {
        X(i, 0) = rng.normal();
        X(i, 1) = static_cast<double>(rng.below(4));
        X(i, 2) = rng.normal();
        X(i, 3) = rng.uniform();
        X(i, 4) = static_cast<double>(rng.below(2));
        X(i, 5) = std::round(rng.exponential(0.1));
        const double z = 1.8 * X(i, 0) - 1.0 * (X(i, 1) - 1.5);
        y[i] = rng.chance(1 / (1 + std::exp(-z))) ? 1 : 0;
    }
}

// AUC by counting pairs: P(score of a 1 > score of a 0) + half the ties.
double pairAuc(const Eigen::VectorXd& s, const Eigen::VectorXi& y) {
    double wins = 0, pairs = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        if (y[i] != 1) continue;
        for (Eigen::Index j = 0; j < y.size(); ++j) {
            if (y[j] != 0) continue;
            wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
            pairs += 1;
        }
    }
    return wins / pairs;
}

double errorAt(const Eigen::VectorXd& p, const Eigen::VectorXi& y) {
    int64_t wrong = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) wrong += (p[i] > 0.5 ? 1 : 0) != y[i];
    return static_cast<double>(wrong) / static_cast<double>(y.size());
}

bool sameForest(const ForestModel& a, const ForestModel& b) {
    if (a.trees.size() != b.trees.size()) return false;
    for (size_t t = 0; t < a.trees.size(); ++t) {
        const auto &p = a.trees[t].nodes, &q = b.trees[t].nodes;
        if (p.size() != q.size()) return false;
        for (size_t i = 0; i < p.size(); ++i)
            if (p[i].feature != q[i].feature || p[i].threshold != q[i].threshold || p[i].value != q[i].value ||
                p[i].samples != q[i].samples)
                return false;
    }
    return a.oobError == b.oobError && a.oobAuc == b.oobAuc && a.impurityImportance == b.impurityImportance;
}

int topIndex(const std::vector<double>& v, int rank) {
    std::vector<int> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return v[a] > v[b]; });
    return order[rank];
}

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("out-of-bag error and AUC come close to the error and AUC on held-out data") {
    Eigen::MatrixXd X, Xt;
    Eigen::VectorXi y, yt;
    simulate(3000, 1, X, y);
    simulate(3000, 2, Xt, yt);
    ForestParams params;
    params.trees = 60;
    params.minSamplesLeaf = 3;
    params.seed = 4;
    const ForestModel m = fitForest(X, y, params);
    REQUIRE(m.trees.size() == 60);
    const Eigen::VectorXd p = predictForest(m, Xt);
    const double heldOutError = errorAt(p, yt), heldOutAuc = pairAuc(p, yt);
    CHECK(heldOutError > 0.1);  // a noisy problem: the comparison means something
    CHECK(std::abs(m.oobError - heldOutError) < 0.03);
    CHECK(std::abs(m.oobAuc - heldOutAuc) < 0.03);
    CHECK(heldOutAuc > 0.8);
}

TEST_CASE("impurity and permutation importance find the informative features") {
    Eigen::MatrixXd X, Xt;
    Eigen::VectorXi y, yt;
    simulate(2000, 3, X, y);
    simulate(1000, 4, Xt, yt);
    ForestParams params;
    params.trees = 40;
    params.minSamplesLeaf = 5;
    const ForestModel m = fitForest(X, y, params);
    REQUIRE(m.impurityImportance.size() == 6);
    CHECK(std::accumulate(m.impurityImportance.begin(), m.impurityImportance.end(), 0.0) == doctest::Approx(1));
    CHECK(topIndex(m.impurityImportance, 0) == 0);

    const std::vector<double> perm = permutationImportance(m, Xt, yt, 3, 7);
    REQUIRE(perm.size() == 6);
    CHECK(topIndex(perm, 0) == 0);
    CHECK(topIndex(perm, 1) == 1);
    CHECK(perm[0] > 0.1);
    CHECK(perm[1] > 0.03);
    for (int f = 2; f < 6; ++f) CHECK(std::abs(perm[f]) < 0.02);
    CHECK(perm == permutationImportance(m, Xt, yt, 3, 7));  // deterministic for a seed
    CHECK(perm != permutationImportance(m, Xt, yt, 3, 8));

    // Step by step: the same figures, with progress.
    PermutationImportanceFit fit(m, Xt, yt, 3, 7);
    double last = fit.progress();
    int steps = 0;
    while (fit.step()) {
        ++steps;
        CHECK(fit.progress() >= last);
        last = fit.progress();
    }
    CHECK(steps > 10);
    CHECK(fit.result() == perm);

    // With a single label AUC is undefined and the change is in accuracy at 0.5: near 0 for
    // noise, and exactly 0 for a column whose shuffle changes nothing (all values equal).
    const Eigen::VectorXi zeros = Eigen::VectorXi::Zero(Xt.rows());
    Eigen::MatrixXd flat = Xt;
    flat.col(5).setConstant(3.0);
    const std::vector<double> byAccuracy = permutationImportance(m, flat, zeros, 2, 7);
    for (int f = 2; f < 5; ++f) CHECK(std::abs(byAccuracy[f]) < 0.02);
    CHECK(byAccuracy[5] == 0);
    CHECK(permutationImportance(m, flat, yt, 2, 7)[5] == 0);
}

TEST_CASE("forest predictions are the mean of the trees', and contributions add up") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(800, 5, X, y);
    ForestParams params;
    params.trees = 15;
    params.maxDepth = 6;
    const ForestModel m = fitForest(X, y, params);
    const Eigen::VectorXd p = predictForest(m, X);
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(X.rows());
    double rootMean = 0;
    for (const TreeModel& t : m.trees) {
        mean += predictTree(t, X);
        rootMean += t.nodes[0].value;
    }
    mean /= 15;
    rootMean /= 15;
    CHECK(p.isApprox(mean));
    const Eigen::MatrixXd c = forestContributions(m, X);
    REQUIRE(c.cols() == 6);
    for (Eigen::Index i = 0; i < X.rows(); ++i) CHECK(c.row(i).sum() + rootMean == doctest::Approx(p[i]));
    // Feature 0 drives risk up where it is high, down where it is low.
    double high = 0, low = 0;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        if (X(i, 0) > 1) high += c(i, 0);
        if (X(i, 0) < -1) low += c(i, 0);
    }
    CHECK(high > 0);
    CHECK(low < 0);
}

TEST_CASE("a forest is deterministic for a seed and differs across seeds") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(1000, 6, X, y);
    ForestParams params;
    params.trees = 10;
    params.seed = 21;
    const ForestModel a = fitForest(X, y, params);
    CHECK(sameForest(a, fitForest(X, y, params)));
    params.seed = 22;
    const ForestModel b = fitForest(X, y, params);
    CHECK_FALSE(sameForest(a, b));
    CHECK_FALSE(predictForest(a, X).isApprox(predictForest(b, X)));
}

TEST_CASE("a forest fitted step by step reports progress and ends as the one-call fit") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(6000, 7, X, y);
    ForestParams params;
    params.trees = 8;
    ForestFit fit(X, y, params);
    double last = fit.progress();
    int steps = 0;
    while (fit.step()) {
        ++steps;
        CHECK(fit.progress() >= last);
        last = fit.progress();
        if (fit.treesDone() == 3) CHECK(fit.result().trees.size() == 3);
    }
    CHECK(fit.done());
    CHECK(fit.progress() == 1);
    CHECK(fit.treesDone() == 8);
    CHECK(steps >= 8);
    const ForestModel copy = fit.result();
    CHECK(sameForest(copy, fitForest(X, y, params)));
    CHECK(sameForest(fit.takeResult(), copy));
}

TEST_CASE("without bootstrap every tree sees every row and there is no out-of-bag figure") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(500, 8, X, y);
    ForestParams params;
    params.trees = 3;
    params.bootstrap = false;
    params.maxFeatures = 6;
    const ForestModel m = fitForest(X, y, params);
    CHECK(std::isnan(m.oobError));
    CHECK(std::isnan(m.oobAuc));
    for (const TreeModel& t : m.trees) CHECK(t.nodes[0].samples == 500);
    // All features tried at every split, grown until pure: whatever ties decide, each
    // training row lands in a leaf of the rows it cannot be told apart from, so every tree
    // predicts the training rows alike.
    CHECK(predictForest(m, X).isApprox(predictTree(m.trees[0], X), 1e-9));
}

TEST_CASE("forest parameters a user can get wrong are refused in words") {
    CHECK(ForestParams{}.validate().ok());
    ForestParams bad;
    bad.trees = 0;
    REQUIRE_FALSE(bad.validate().ok());
    CHECK(bad.validate().error().message == "A forest needs at least 1 tree.");
    bad = {};
    bad.maxFeatures = -1;
    CHECK_FALSE(bad.validate().ok());
    bad = {};
    bad.minSamplesLeaf = 0;
    CHECK_FALSE(bad.validate().ok());
    bad = {};
    bad.maxDepth = -3;
    CHECK_FALSE(bad.validate().ok());
}

}  // TEST_SUITE
