#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "analytics/tree.hpp"
#include "core/random.hpp"

using namespace rapport::analytics;

namespace {

// The hand-worked set: x0 = 1..9, x1 constant, labels 0 0 0 1 0 | 1 1 1 1.
//
// Root: 9 rows, 5 ones, Gini 1 - (5/9)^2 - (4/9)^2 = 40/81. Weighted child Gini of the
// cuts of x0 after the k-th value (left: k rows with c ones):
//   k=1: 8/9 * (1 - (5/8)^2 - (3/8)^2)          = 0.4167
//   k=2: 7/9 * (1 - (5/7)^2 - (2/7)^2)          = 0.3175
//   k=3: 6/9 * (1 - (5/6)^2 - (1/6)^2)          = 0.1852
//   k=4: 4/9 * 0.375 + 5/9 * 0.32               = 0.3444
//   k=5: 5/9 * (1 - 0.2^2 - 0.8^2) + 4/9 * 0    = 0.1778  <- best: threshold (5 + 6) / 2 = 5.5
//   k=6: 6/9 * 4/9 + 0                          = 0.2963
//   k=7: 7/9 * 24/49 + 0                        = 0.3810
//   k=8: 8/9 * 0.5 + 0                          = 0.4444
// The right child (6..9, all ones) is pure: a leaf. The left child (1..5, one 1, Gini
// 0.32): k=1: 4/5 * 0.375 = 0.3; k=2: 3/5 * 4/9 = 0.2667; k=3: 2/5 * 0.5 = 0.2 <- best,
// threshold 3.5; k=4: 4/5 * 0.375 = 0.3. Its left (1..3) is pure; its right (4, 5: labels
// 1, 0) splits at 4.5 into two pure leaves.
// Depth-first numbering: 0 root, 1 x0<=3.5, 2 leaf{1,2,3}, 3 x0<=4.5, 4 leaf{4}, 5 leaf{5}, 6 leaf{6..9}.
struct Toy {
    Eigen::MatrixXd X{9, 2};
    Eigen::VectorXi y{9};
    Toy() {
        const int labels[9] = {0, 0, 0, 1, 0, 1, 1, 1, 1};
        for (int i = 0; i < 9; ++i) {
            X(i, 0) = i + 1;
            X(i, 1) = 7;
            y[i] = labels[i];
        }
    }
};

int depthOf(const TreeModel& m, int node = 0) {
    const TreeNode& n = m.nodes[node];
    return n.feature < 0 ? 0 : 1 + std::max(depthOf(m, n.left), depthOf(m, n.right));
}

// Rows from a noisy rule on a few features, with ties and a constant column.
void simulate(int64_t n, uint64_t seed, Eigen::MatrixXd& X, Eigen::VectorXi& y) {
    rapport::core::Random rng(seed);
    X.resize(n, 5);
    y.resize(n);
    for (int64_t i = 0; i < n; ++i) {
        X(i, 0) = rng.normal();
        X(i, 1) = static_cast<double>(rng.below(5));  // few distinct values
        X(i, 2) = rng.uniform();
        X(i, 3) = 1.0;  // constant
        X(i, 4) = std::round(rng.normal() * 10) / 10;
        const double z = 1.5 * X(i, 0) - 0.6 * X(i, 1) + 1.2 + 2 * (X(i, 2) > 0.7) + 0.3 * X(i, 4);
        y[i] = rng.chance(1 / (1 + std::exp(-z))) ? 1 : 0;
    }
}

bool sameTree(const TreeModel& a, const TreeModel& b) {
    if (a.nodes.size() != b.nodes.size() || a.features != b.features) return false;
    for (size_t i = 0; i < a.nodes.size(); ++i) {
        const TreeNode &p = a.nodes[i], &q = b.nodes[i];
        if (p.feature != q.feature || p.threshold != q.threshold || p.left != q.left || p.right != q.right ||
            p.value != q.value || p.samples != q.samples || p.impurity != q.impurity)
            return false;
    }
    return a.impurityImportance == b.impurityImportance;
}

// R(T) + alpha * leaves over the leaves of the pruning that keeps `internal` nodes split.
double costOf(const TreeModel& m, const std::vector<char>& split, double alpha, int& leaves) {
    double cost = 0;
    leaves = 0;
    std::vector<int> stack{0};
    while (!stack.empty()) {
        const int i = stack.back();
        stack.pop_back();
        const TreeNode& n = m.nodes[i];
        if (n.feature >= 0 && split[i]) {
            stack.push_back(n.left);
            stack.push_back(n.right);
        } else {
            ++leaves;
            cost += static_cast<double>(n.samples) / static_cast<double>(m.nodes[0].samples) * n.impurity + alpha;
        }
    }
    return cost;
}

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("a tree on the hand-worked set finds the Gini splits worked out by hand") {
    const Toy toy;
    const TreeModel m = fitTree(toy.X, toy.y, TreeParams{});
    REQUIRE(m.nodes.size() == 7);
    CHECK(m.features == 2);
    const TreeNode& root = m.nodes[0];
    CHECK(root.feature == 0);
    CHECK(root.threshold == 5.5);
    CHECK(root.samples == 9);
    CHECK(root.value == doctest::Approx(5.0 / 9));
    CHECK(root.impurity == doctest::Approx(40.0 / 81));
    CHECK(root.left == 1);
    CHECK(root.right == 6);
    CHECK(m.nodes[1].threshold == 3.5);
    CHECK(m.nodes[1].impurity == doctest::Approx(0.32));
    CHECK(m.nodes[1].value == doctest::Approx(0.2));
    CHECK(m.nodes[2].feature == -1);
    CHECK(m.nodes[2].samples == 3);
    CHECK(m.nodes[2].value == 0);
    CHECK(m.nodes[3].threshold == 4.5);
    CHECK(m.nodes[3].impurity == doctest::Approx(0.5));
    CHECK(m.nodes[4].value == 1);
    CHECK(m.nodes[5].value == 0);
    CHECK(m.nodes[6].feature == -1);  // pure: never split although depth allows
    CHECK(m.nodes[6].samples == 4);
    CHECK(m.nodes[6].value == 1);
    // Every split is on x0: all of the importance.
    CHECK(m.impurityImportance[0] == doctest::Approx(1));
    CHECK(m.impurityImportance[1] == 0);

    const Eigen::VectorXd p = predictTree(m, toy.X);
    for (int i = 0; i < 9; ++i) CHECK(p[i] == toy.y[i]);
}

TEST_CASE("entropy scores the hand-worked set in bits") {
    const Toy toy;
    TreeParams params;
    params.criterion = SplitCriterion::Entropy;
    const TreeModel m = fitTree(toy.X, toy.y, params);
    // -(5/9) log2(5/9) - (4/9) log2(4/9); the best cut is again after 5: 5/9 * H(0.2) = 0.4011
    // against 6/9 * H(1/6) = 0.4333 after 3.
    CHECK(m.nodes[0].impurity == doctest::Approx(0.9910760598));
    CHECK(m.nodes[0].threshold == 5.5);
    CHECK(m.nodes[1].impurity == doctest::Approx(0.7219280949));
}

TEST_CASE("maximum depth and minimum samples per leaf and per split are honoured") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(3000, 1, X, y);
    for (const int depth : {1, 2, 4, 7}) {
        TreeParams params;
        params.maxDepth = depth;
        const TreeModel m = fitTree(X, y, params);
        CHECK(depthOf(m) <= depth);
        if (depth <= 4) CHECK(depthOf(m) == depth);  // plenty of rows and noise: every level splits
    }
    for (const int64_t leaf : {1, 10, 75}) {
        TreeParams params;
        params.maxDepth = 0;
        params.minSamplesLeaf = leaf;
        const TreeModel m = fitTree(X, y, params);
        int64_t smallest = X.rows();
        for (const TreeNode& n : m.nodes)
            if (n.feature < 0) smallest = std::min(smallest, n.samples);
        CHECK(smallest >= leaf);
        if (leaf == 1) CHECK(smallest == 1);
    }
    TreeParams params;
    params.maxDepth = 0;
    params.minSamplesSplit = 200;
    const TreeModel m = fitTree(X, y, params);
    for (const TreeNode& n : m.nodes)
        if (n.feature >= 0) CHECK(n.samples >= 200);
}

TEST_CASE("an unlimited tree stops only at pure nodes or rows it cannot separate") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(1500, 2, X, y);
    TreeParams params;
    params.maxDepth = 0;
    const TreeModel m = fitTree(X, y, params);
    for (const TreeNode& n : m.nodes) {
        if (n.feature >= 0) CHECK(n.impurity > 0);
        if (n.feature < 0 && n.impurity > 0) CHECK(n.samples >= 2);  // mixed leaves hold identical rows
    }
    // Fully grown, it reproduces the training labels wherever rows differ.
    const Eigen::VectorXd p = predictTree(m, X);
    int wrong = 0;
    for (Eigen::Index i = 0; i < X.rows(); ++i) wrong += (p[i] > 0.5) != (y[i] == 1);
    CHECK(wrong < 5);
}

TEST_CASE("a constant feature is never split, and all-constant data make a single leaf") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(2000, 3, X, y);
    TreeParams params;
    params.maxDepth = 0;
    const TreeModel m = fitTree(X, y, params);
    for (const TreeNode& n : m.nodes) CHECK(n.feature != 3);
    CHECK(m.impurityImportance[3] == 0);

    const Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(50, 3, 2.0);
    Eigen::VectorXi labels(50);
    for (int i = 0; i < 50; ++i) labels[i] = i % 3 == 0;
    const TreeModel leaf = fitTree(flat, labels, params);
    REQUIRE(leaf.nodes.size() == 1);
    CHECK(leaf.nodes[0].value == doctest::Approx(17.0 / 50));
    CHECK(leaf.impurityImportance == std::vector<double>(3, 0.0));
}

TEST_CASE("path contributions add up to the prediction minus the root value") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(1000, 4, X, y);
    TreeParams params;
    params.maxDepth = 5;
    const TreeModel m = fitTree(X, y, params);
    const Eigen::VectorXd p = predictTree(m, X);
    const Eigen::MatrixXd c = treeContributions(m, X);
    REQUIRE(c.rows() == X.rows());
    REQUIRE(c.cols() == X.cols());
    for (Eigen::Index i = 0; i < X.rows(); ++i) CHECK(c.row(i).sum() == doctest::Approx(p[i] - m.nodes[0].value));
    CHECK(c.col(3).cwiseAbs().maxCoeff() == 0);  // the constant feature drives nothing

    // On the toy: row 4 (x0 = 4) goes left at 5.5 (5/9 -> 1/5), right at 3.5 (1/5 -> 1/2),
    // left at 4.5 (1/2 -> 1): all on x0.
    const Toy toy;
    const TreeModel t = fitTree(toy.X, toy.y, TreeParams{});
    const Eigen::MatrixXd tc = treeContributions(t, toy.X);
    CHECK(tc(3, 0) == doctest::Approx(1 - 5.0 / 9));
    CHECK(tc(3, 1) == 0);
}

TEST_CASE("the pruning path of the hand-worked tree") {
    // R(t) = samples / 9 * Gini. Internal nodes: root R = 40/81 over 4 leaves of impurity 0;
    // node 1: R = 5/9 * 0.32 = 8/45 over 3 leaves; node 3: R = 2/9 * 0.5 = 1/9 over 2 leaves.
    // Alphas: root (40/81) / 3 = 0.1646, node 1 (8/45) / 2 = 4/45 = 0.0889, node 3 1/9 = 0.111:
    // node 1 goes first (taking node 3 with it); then the root's is 40/81 - 8/45 = 128/405.
    const Toy toy;
    const TreeModel m = fitTree(toy.X, toy.y, TreeParams{});
    const std::vector<double> alphas = ccpAlphas(m);
    REQUIRE(alphas.size() == 3);
    CHECK(alphas[0] == 0);
    CHECK(alphas[1] == doctest::Approx(4.0 / 45));
    CHECK(alphas[2] == doctest::Approx(128.0 / 405));

    CHECK(prune(m, 0.05).nodes.size() == 7);
    const TreeModel mid = prune(m, 0.1);
    REQUIRE(mid.nodes.size() == 3);
    CHECK(mid.nodes[0].threshold == 5.5);
    CHECK(mid.nodes[1].feature == -1);
    CHECK(mid.nodes[1].value == doctest::Approx(0.2));
    CHECK(mid.nodes[2].value == 1);
    CHECK(prune(m, 0.4).nodes.size() == 1);
    CHECK(prune(m, alphas[1]).nodes.size() == 3);  // a collapse happens at its own alpha

    TreeParams params;
    params.ccpAlpha = 0.1;
    CHECK(sameTree(fitTree(toy.X, toy.y, params), mid));
}

TEST_CASE("pruning at any alpha keeps the subtree of least cost-complexity (brute force)") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(400, 5, X, y);
    TreeParams params;
    params.maxDepth = 4;
    params.minSamplesLeaf = 10;
    const TreeModel m = fitTree(X, y, params);
    std::vector<int> internal;
    for (int i = 0; i < static_cast<int>(m.nodes.size()); ++i)
        if (m.nodes[i].feature >= 0) internal.push_back(i);
    REQUIRE(internal.size() >= 6);
    REQUIRE(internal.size() <= 15);

    const std::vector<double> alphas = ccpAlphas(m);
    REQUIRE(alphas.size() >= 3);
    CHECK(alphas.front() == 0);
    for (size_t i = 1; i < alphas.size(); ++i) CHECK(alphas[i] >= alphas[i - 1]);
    CHECK(prune(m, alphas.back()).nodes.size() == 1);

    // Every alpha between and beyond the path's: the pruned tree's cost equals the least
    // cost over all 2^k choices of which internal nodes stay split, and it is the smallest
    // tree with that cost.
    std::vector<double> probes;
    for (size_t i = 0; i + 1 < alphas.size(); ++i)
        if (alphas[i + 1] > alphas[i]) probes.push_back((alphas[i] + alphas[i + 1]) / 2);
    probes.push_back(alphas.back() * 1.5);
    for (const double alpha : probes) {
        const TreeModel pruned = prune(m, alpha);
        double prunedCost = 0;
        for (const TreeNode& n : pruned.nodes)
            if (n.feature < 0)
                prunedCost += static_cast<double>(n.samples) / m.nodes[0].samples * n.impurity + alpha;
        const int prunedLeaves = static_cast<int>((pruned.nodes.size() + 1) / 2);

        double best = 1e300;
        int bestLeaves = 0;
        std::vector<char> split(m.nodes.size(), 0);
        for (uint32_t mask = 0; mask < (1u << internal.size()); ++mask) {
            for (size_t k = 0; k < internal.size(); ++k) split[internal[k]] = (mask >> k) & 1;
            int leaves;
            const double cost = costOf(m, split, alpha, leaves);
            if (cost < best - 1e-12 || (std::abs(cost - best) <= 1e-12 && leaves < bestLeaves)) {
                best = cost;
                bestLeaves = leaves;
            }
        }
        CHECK(prunedCost == doctest::Approx(best).epsilon(1e-12));
        CHECK(prunedLeaves == bestLeaves);
    }
}

TEST_CASE("rows drawn several times weigh as repeated rows, and left-out rows are predicted") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(600, 6, X, y);
    rapport::core::Random rng(9);
    std::vector<int64_t> rows(600);
    for (int64_t& r : rows) r = static_cast<int64_t>(rng.below(600));

    Eigen::MatrixXd repeated(600, X.cols());
    Eigen::VectorXi repeatedY(600);
    for (int i = 0; i < 600; ++i) {
        repeated.row(i) = X.row(rows[i]);
        repeatedY[i] = y[rows[i]];
    }
    TreeParams params;
    params.maxDepth = 0;
    params.minSamplesLeaf = 3;
    TreeFit fit(X, y, params, &rows);
    while (fit.step()) {
    }
    const TreeModel weighted = fit.result();
    const TreeModel copied = fitTree(repeated, repeatedY, params);
    CHECK(weighted.nodes.size() == copied.nodes.size());
    CHECK(predictTree(weighted, X).isApprox(predictTree(copied, X)));
    CHECK(weighted.nodes[0].samples == 600);

    // The rows never drawn were followed through the splits during the fit.
    std::vector<char> drawn(600, 0);
    for (const int64_t r : rows) drawn[r] = 1;
    const Eigen::VectorXd outside = fit.outOfBagPrediction();
    const Eigen::VectorXd p = predictTree(weighted, X);
    REQUIRE(outside.size() == 600);
    int left = 0;
    for (int i = 0; i < 600; ++i) {
        if (drawn[i]) {
            CHECK(std::isnan(outside[i]));
        } else {
            ++left;
            CHECK(outside[i] == p[i]);
        }
    }
    CHECK(left > 150);  // about 600 / e
}

TEST_CASE("left-out rows follow the pruned tree when the fit prunes") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(800, 7, X, y);
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < 800; i += 2) rows.push_back(i);
    TreeParams params;
    params.maxDepth = 6;
    params.ccpAlpha = 0.004;
    TreeFit fit(X, y, params, &rows);
    while (fit.step()) {
    }
    const TreeModel m = fit.result();
    const Eigen::VectorXd outside = fit.outOfBagPrediction();
    const Eigen::VectorXd p = predictTree(m, X);
    for (int i = 1; i < 800; i += 2) CHECK(outside[i] == p[i]);
}

TEST_CASE("a tree is deterministic for a seed; the seed only matters when features are drawn") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(1500, 8, X, y);
    TreeParams params;
    params.maxDepth = 8;
    params.maxFeatures = 2;
    params.seed = 11;
    const TreeModel a = fitTree(X, y, params);
    CHECK(sameTree(a, fitTree(X, y, params)));
    params.seed = 12;
    CHECK_FALSE(sameTree(a, fitTree(X, y, params)));
}

TEST_CASE("a tree fitted step by step reports progress and ends as the one-call fit") {
    Eigen::MatrixXd X;
    Eigen::VectorXi y;
    simulate(20000, 9, X, y);
    TreeParams params;
    params.maxDepth = 0;
    params.minSamplesLeaf = 5;
    TreeFit fit(X, y, params);
    double last = fit.progress();
    CHECK(last == 0);
    int steps = 0;
    CHECK(fit.result().nodes.empty());
    while (fit.step()) {
        ++steps;
        CHECK(fit.progress() >= last);
        CHECK(fit.progress() <= 1);
        last = fit.progress();
    }
    CHECK(steps > 3);
    CHECK(fit.done());
    CHECK(fit.progress() == 1);
    CHECK_FALSE(fit.step());
    CHECK(sameTree(fit.result(), fitTree(X, y, params)));
}

TEST_CASE("binning codes values into ordered bins") {
    Eigen::MatrixXd X(1000, 2);
    for (int i = 0; i < 1000; ++i) {
        X(i, 0) = (i * 7919) % 1000;  // 1,000 distinct values
        X(i, 1) = i % 3 == 0 ? -0.0 : 0.0;
    }
    FeatureBinning exact(X, 0), coarse(X, 16);
    while (exact.step()) {
    }
    while (coarse.step()) {
    }
    REQUIRE(exact.result());
    REQUIRE(coarse.result());
    // On exact bins a tree splits exactly where scikit-learn would; on 16 bins only at
    // boundaries between bins of about 1000 / 16 rows, here midway between whole numbers.
    Eigen::VectorXi y(1000);
    for (int i = 0; i < 1000; ++i) y[i] = X(i, 0) > 500.5 ? 1 : 0;
    TreeParams params;
    const TreeModel fine = [&] {
        TreeFit fit(exact.result(), y, params);
        while (fit.step()) {
        }
        return fit.result();
    }();
    CHECK(fine.nodes[0].threshold == 500.5);
    CHECK(fine.nodes.size() == 3);
    const TreeModel rough = [&] {
        TreeFit fit(coarse.result(), y, params);
        while (fit.step()) {
        }
        return fit.result();
    }();
    const double t = rough.nodes[0].threshold;
    CHECK(t == std::floor(t) + 0.5);
    CHECK(std::abs(t - 500.5) < 1000.0 / 16);
    CHECK(predictTree(rough, X).size() == 1000);
    // -0 and +0 are one value: the second column is constant.
    for (const TreeNode& n : rough.nodes) CHECK(n.feature != 1);
}

TEST_CASE("training data and parameters a user can get wrong are refused in words") {
    const Toy toy;
    CHECK(checkTrainingData(toy.X, toy.y).ok());
    const Eigen::VectorXi ones = Eigen::VectorXi::Ones(9);
    const auto same = checkTrainingData(toy.X, ones);
    REQUIRE_FALSE(same.ok());
    CHECK(same.error().message ==
          "All customers in the training set have the same label: there is nothing to learn.");
    Eigen::VectorXi two = toy.y;
    two[0] = 2;
    CHECK_FALSE(checkTrainingData(toy.X, two).ok());
    CHECK_FALSE(checkTrainingData(toy.X, toy.y.head(5)).ok());
    Eigen::MatrixXd missing = toy.X;
    missing(3, 1) = std::nan("");
    CHECK_FALSE(checkTrainingData(missing, toy.y).ok());
    CHECK_FALSE(checkTrainingData(Eigen::MatrixXd(0, 2), Eigen::VectorXi(0)).ok());

    CHECK(TreeParams{}.validate().ok());
    TreeParams bad;
    bad.minSamplesLeaf = 0;
    CHECK_FALSE(bad.validate().ok());
    bad = {};
    bad.minSamplesSplit = 1;
    CHECK_FALSE(bad.validate().ok());
    bad = {};
    bad.maxDepth = -1;
    CHECK_FALSE(bad.validate().ok());
    bad = {};
    bad.ccpAlpha = -0.1;
    CHECK_FALSE(bad.validate().ok());
    bad = {};
    bad.maxFeatures = -2;
    CHECK_FALSE(bad.validate().ok());
}

}  // TEST_SUITE
