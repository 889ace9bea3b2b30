#include "analytics/ward.hpp"

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analytics/kmeans.hpp"
#include "core/random.hpp"

using namespace rapport::analytics;
using rapport::core::Random;

namespace {

Eigen::MatrixXd randomPoints(int n, int d, uint64_t seed) {
    Random random(seed);
    Eigen::MatrixXd X(n, d);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j) X(i, j) = random.normal();
    }
    return X;
}

Dendrogram unweighted(const Eigen::MatrixXd& X) { return wardLinkage(X, Eigen::VectorXd::Ones(X.rows())); }

// The same grouping of leaves, whatever the label numbers.
bool samePartition(const Eigen::VectorXi& a, const Eigen::VectorXi& b) {
    if (a.size() != b.size()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        for (Eigen::Index j = 0; j < a.size(); ++j) {
            if ((a[i] == a[j]) != (b[i] == b[j])) return false;
        }
    }
    return true;
}

int distinct(const Eigen::VectorXi& labels) {
    std::vector<int> v(labels.data(), labels.data() + labels.size());
    std::sort(v.begin(), v.end());
    return static_cast<int>(std::unique(v.begin(), v.end()) - v.begin());
}

// Ward as its definition reads, O(n^4): join the pair whose union raises the
// within-cluster sum of squares least; the height is sqrt(2 * that increase). Records
// the partition left after each merge.
struct BruteForceWard {
    std::vector<double> heights;
    std::vector<Eigen::VectorXi> partitions;  // partitions[i]: after merge i
};

double sumOfSquares(const Eigen::MatrixXd& X, const std::vector<int>& members) {
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(X.cols());
    for (const int i : members) mean += X.row(i);
    mean /= static_cast<double>(members.size());
    double ss = 0;
    for (const int i : members) ss += (X.row(i) - mean).squaredNorm();
    return ss;
}

BruteForceWard bruteForceWard(const Eigen::MatrixXd& X) {
    BruteForceWard out;
    std::vector<std::vector<int>> clusters;
    for (int i = 0; i < X.rows(); ++i) clusters.push_back({i});
    while (clusters.size() > 1) {
        double best = std::numeric_limits<double>::infinity();
        size_t bi = 0, bj = 0;
        for (size_t i = 0; i < clusters.size(); ++i) {
            for (size_t j = i + 1; j < clusters.size(); ++j) {
                std::vector<int> both = clusters[i];
                both.insert(both.end(), clusters[j].begin(), clusters[j].end());
                const double increase =
                    sumOfSquares(X, both) - sumOfSquares(X, clusters[i]) - sumOfSquares(X, clusters[j]);
                if (increase < best) {
                    best = increase;
                    bi = i;
                    bj = j;
                }
            }
        }
        out.heights.push_back(std::sqrt(2.0 * std::max(best, 0.0)));
        clusters[bi].insert(clusters[bi].end(), clusters[bj].begin(), clusters[bj].end());
        clusters.erase(clusters.begin() + static_cast<std::ptrdiff_t>(bj));
        Eigen::VectorXi labels(X.rows());
        for (size_t c = 0; c < clusters.size(); ++c) {
            for (const int i : clusters[c]) labels[i] = static_cast<int>(c);
        }
        out.partitions.push_back(labels);
    }
    return out;
}

// Structural checks every linkage must pass: children exist before their parent, each
// node is used once, sizes add up, heights never decrease.
void checkWellFormed(const Dendrogram& tree) {
    const int n = tree.leaves;
    REQUIRE(static_cast<int>(tree.merges.size()) == std::max(n - 1, 0));
    std::vector<int> used(static_cast<size_t>(std::max(2 * n - 1, 0)), 0);
    std::vector<int64_t> size(static_cast<size_t>(std::max(2 * n - 1, 0)));
    for (int i = 0; i < n; ++i) size[static_cast<size_t>(i)] = std::llround(tree.leafWeights[i]);
    for (int i = 0; i < n - 1; ++i) {
        const Merge& m = tree.merges[static_cast<size_t>(i)];
        CHECK(m.a < m.b);
        CHECK(m.a >= 0);
        CHECK(m.b < n + i);
        ++used[static_cast<size_t>(m.a)];
        ++used[static_cast<size_t>(m.b)];
        size[static_cast<size_t>(n + i)] = size[static_cast<size_t>(m.a)] + size[static_cast<size_t>(m.b)];
        CHECK(m.size == size[static_cast<size_t>(n + i)]);
        if (i > 0) CHECK(m.height >= tree.merges[static_cast<size_t>(i - 1)].height);
    }
    for (int node = 0; node < 2 * n - 2; ++node) CHECK(used[static_cast<size_t>(node)] == 1);
}

}  // namespace

TEST_SUITE("analytics") {

TEST_CASE("Ward heights for five points on a line match the hand-worked values") {
    // Points 0, 1, 4, 10, 12. Ward's distance is sqrt(2 |A||B| / (|A|+|B|)) * |cA - cB|.
    //   {0} + {1}:            sqrt(2*1*1/2) * 1            = 1            -> node 5, centroid 0.5
    //   {10} + {12}:          sqrt(2*1*1/2) * 2            = 2            -> node 6, centroid 11
    //   {0,1} + {4}:          sqrt(2*2*1/3) * 3.5 = 7/sqrt(3) = 4.0414519  -> node 7, centroid 5/3
    //     (the alternatives: {4}+{10,12} = sqrt(4/3)*7 = 8.08, {0,1}+{10,12} = sqrt(2)*10.5 = 14.85)
    //   {0,1,4} + {10,12}:    sqrt(2*3*2/5) * (11 - 5/3) = sqrt(2.4) * 28/3 = 14.4591378
    //     check: total SS 115.2 - (8.6667 + 2) = 104.5333 = d^2 / 2.
    Eigen::MatrixXd X(5, 1);
    X << 0, 1, 4, 10, 12;
    const Dendrogram tree = unweighted(X);
    REQUIRE(tree.merges.size() == 4);
    const int expected[4][2] = {{0, 1}, {3, 4}, {2, 5}, {6, 7}};
    const double heights[4] = {1.0, 2.0, 7.0 / std::sqrt(3.0), std::sqrt(2.4) * 28.0 / 3.0};
    const int64_t sizes[4] = {2, 2, 3, 5};
    for (size_t i = 0; i < 4; ++i) {
        CAPTURE(i);
        CHECK(tree.merges[i].a == expected[i][0]);
        CHECK(tree.merges[i].b == expected[i][1]);
        CHECK(tree.merges[i].height == doctest::Approx(heights[i]).epsilon(1e-12));
        CHECK(tree.merges[i].size == sizes[i]);
    }
    CHECK(tree.merges[3].height == doctest::Approx(14.4591378).epsilon(1e-8));

    // Root = {6 | 7}, 6 = {3 | 4}, 7 = {2 | 5}, 5 = {0 | 1}.
    CHECK(leafOrder(tree) == std::vector<int>{3, 4, 2, 0, 1});
    CHECK(cutTree(tree, 2) == (Eigen::VectorXi(5) << 0, 0, 0, 1, 1).finished());
    // Three clusters {0,1}, {3,4}, {2}: the two pairs tie on size, the lower leaf goes first.
    CHECK(cutTree(tree, 3) == (Eigen::VectorXi(5) << 0, 0, 2, 1, 1).finished());
}

TEST_CASE("Ward linkage matches scipy's reference linkage for its six-point test set") {
    // scipy/cluster/tests/hierarchy_test_data.py: X and linkage_X_ward.
    Eigen::MatrixXd X(6, 2);
    X << 1.43054825, -7.5693489, 6.95887839, 6.82293382, 2.87137846, -9.68248579, 7.87974764, -6.05485803, 8.24018364,
        -6.09495602, 7.39020262, 8.54004355;
    const double expected[5][4] = {{3, 4, 0.36265956, 2},
                                   {1, 5, 1.77045373, 2},
                                   {0, 2, 2.55760419, 2},
                                   {6, 8, 9.10208346, 4},
                                   {7, 9, 24.7784379, 6}};
    const Dendrogram tree = unweighted(X);
    REQUIRE(tree.merges.size() == 5);
    for (size_t i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(tree.merges[i].a == expected[i][0]);
        CHECK(tree.merges[i].b == expected[i][1]);
        CHECK(tree.merges[i].height == doctest::Approx(expected[i][2]).epsilon(1e-7));
        CHECK(tree.merges[i].size == expected[i][3]);
    }
}

TEST_CASE("the nearest-neighbour chain agrees with a brute-force Ward on random data") {
    for (const int n : {2, 3, 7, 20, 35}) {
        for (const int d : {1, 3}) {
            CAPTURE(n);
            CAPTURE(d);
            const Eigen::MatrixXd X = randomPoints(n, d, static_cast<uint64_t>(100 * n + d));
            const Dendrogram tree = unweighted(X);
            const BruteForceWard brute = bruteForceWard(X);
            checkWellFormed(tree);
            REQUIRE(tree.merges.size() == brute.heights.size());
            for (size_t i = 0; i < brute.heights.size(); ++i) {
                CAPTURE(i);
                CHECK(tree.merges[i].height == doctest::Approx(brute.heights[i]).epsilon(1e-9));
                CHECK(samePartition(cutTree(tree, n - 1 - static_cast<int>(i)), brute.partitions[i]));
            }
        }
    }
}

TEST_CASE("with many ties, every merge still joins a closest pair of the clusters present") {
    // Points on a small integer grid: many equal distances and duplicates, so the tree is
    // not unique and cannot be compared merge by merge; replaying it, each merge must cost
    // no more than any other pair available at that moment.
    Random random(17);
    const int n = 60;
    Eigen::MatrixXd X(n, 2);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < 2; ++j) X(i, j) = static_cast<double>(random.below(5));
    }
    const Dendrogram tree = unweighted(X);
    checkWellFormed(tree);
    std::vector<std::vector<int>> members(static_cast<size_t>(2 * n - 1));
    std::vector<int> present;
    for (int i = 0; i < n; ++i) {
        members[static_cast<size_t>(i)] = {i};
        present.push_back(i);
    }
    auto height = [&](int a, int b) {
        std::vector<int> both = members[static_cast<size_t>(a)];
        both.insert(both.end(), members[static_cast<size_t>(b)].begin(), members[static_cast<size_t>(b)].end());
        const double increase = sumOfSquares(X, both) - sumOfSquares(X, members[static_cast<size_t>(a)]) -
                                sumOfSquares(X, members[static_cast<size_t>(b)]);
        return std::sqrt(2.0 * std::max(increase, 0.0));
    };
    for (int i = 0; i < n - 1; ++i) {
        const Merge& m = tree.merges[static_cast<size_t>(i)];
        double closest = std::numeric_limits<double>::infinity();
        for (size_t p = 0; p < present.size(); ++p) {
            for (size_t q = p + 1; q < present.size(); ++q) closest = std::min(closest, height(present[p], present[q]));
        }
        CAPTURE(i);
        CHECK(m.height == doctest::Approx(height(m.a, m.b)).epsilon(1e-9));
        CHECK(m.height <= closest + 1e-9);
        members[static_cast<size_t>(n + i)] = members[static_cast<size_t>(m.a)];
        members[static_cast<size_t>(n + i)].insert(members[static_cast<size_t>(n + i)].end(),
                                                   members[static_cast<size_t>(m.b)].begin(),
                                                   members[static_cast<size_t>(m.b)].end());
        present.erase(std::remove_if(present.begin(), present.end(), [&](int c) { return c == m.a || c == m.b; }),
                      present.end());
        present.push_back(n + i);
    }
}

TEST_CASE("equal distances resolve to the lowest index, as scipy does") {
    // The corners of a unit square: four sides tie at 1. scipy joins 0+1, then 2+3, then both.
    Eigen::MatrixXd X(4, 2);
    X << 0, 0, 1, 0, 0, 1, 1, 1;
    const Dendrogram tree = unweighted(X);
    REQUIRE(tree.merges.size() == 3);
    CHECK(tree.merges[0].a == 0);
    CHECK(tree.merges[0].b == 1);
    CHECK(tree.merges[1].a == 2);
    CHECK(tree.merges[1].b == 3);
    CHECK(tree.merges[2].a == 4);
    CHECK(tree.merges[2].b == 5);
    CHECK(tree.merges[0].height == doctest::Approx(1.0));
    CHECK(tree.merges[1].height == doctest::Approx(1.0));
    CHECK(tree.merges[2].height == doctest::Approx(std::sqrt(2.0)));  // sqrt(2*2*2/4) * 1
}

TEST_CASE("a point of weight w behaves like w copies of the point") {
    const int n = 12;
    const Eigen::MatrixXd X = randomPoints(n, 2, 7);
    Random random(8);
    Eigen::VectorXd weights(n);
    std::vector<int> original;  // row of X behind each duplicated row
    for (int i = 0; i < n; ++i) {
        weights[i] = static_cast<double>(1 + random.below(4));
        for (int c = 0; c < weights[i]; ++c) original.push_back(i);
    }
    const auto m = static_cast<int>(original.size());
    Eigen::MatrixXd copies(m, 2);
    for (int r = 0; r < m; ++r) copies.row(r) = X.row(original[static_cast<size_t>(r)]);

    const Dendrogram weighted = wardLinkage(X, weights);
    const Dendrogram duplicated = unweighted(copies);
    checkWellFormed(weighted);
    checkWellFormed(duplicated);
    CHECK(weighted.merges.back().size == m);

    // Copies join first, at height 0; what follows is the weighted tree.
    const int zeros = m - n;
    for (int i = 0; i < zeros; ++i) CHECK(duplicated.merges[static_cast<size_t>(i)].height == doctest::Approx(0.0));
    for (int i = 0; i < n - 1; ++i) {
        CAPTURE(i);
        CHECK(duplicated.merges[static_cast<size_t>(zeros + i)].height ==
              doctest::Approx(weighted.merges[static_cast<size_t>(i)].height).epsilon(1e-9));
        CHECK(duplicated.merges[static_cast<size_t>(zeros + i)].size == weighted.merges[static_cast<size_t>(i)].size);
    }
    // Same clusters with the same numbers (by weight, then lowest leaf) at every k.
    for (int k = 1; k <= n; ++k) {
        const Eigen::VectorXi byWeight = cutTree(weighted, k);
        const Eigen::VectorXi byCopies = cutTree(duplicated, k);
        for (int r = 0; r < m; ++r) CHECK(byCopies[r] == byWeight[original[static_cast<size_t>(r)]]);
    }
}

TEST_CASE("merge heights never decrease and every node is used once") {
    // Three blobs with repeated points: many near-ties and exact zeros.
    Random random(11);
    Eigen::MatrixXd X(300, 4);
    for (int i = 0; i < 300; ++i) {
        for (int j = 0; j < 4; ++j) X(i, j) = std::round(4.0 * (3.0 * (i % 3) + random.normal())) / 4.0;
    }
    const Dendrogram tree = unweighted(X);
    checkWellFormed(tree);
    CHECK(tree.merges.front().height == 0.0);
    CHECK(tree.merges.back().size == 300);
}

TEST_CASE("cutting at k clusters or between merge heights gives the expected clusters") {
    const int n = 40;
    const Dendrogram tree = unweighted(randomPoints(n, 3, 21));
    for (int k = 1; k <= n; ++k) {
        CAPTURE(k);
        const Eigen::VectorXi labels = cutTree(tree, k);
        CHECK(labels.minCoeff() == 0);
        CHECK(labels.maxCoeff() == k - 1);
        CHECK(distinct(labels) == k);
        // Numbered by size descending.
        std::vector<int> size(static_cast<size_t>(k), 0);
        for (Eigen::Index i = 0; i < labels.size(); ++i) ++size[static_cast<size_t>(labels[i])];
        CHECK(std::is_sorted(size.rbegin(), size.rend()));
        // The height cutHeight() suggests gives the same clusters.
        CHECK(clustersAtHeight(tree, cutHeight(tree, k)) == k);
        CHECK(cutAtHeight(tree, cutHeight(tree, k)) == labels);
    }
    // Between merges i and i + 1 exactly i + 1 merges are kept.
    for (int i = 0; i + 1 < n - 1; ++i) {
        const double between =
            0.5 * (tree.merges[static_cast<size_t>(i)].height + tree.merges[static_cast<size_t>(i + 1)].height);
        CHECK(clustersAtHeight(tree, between) == n - (i + 1));
        CHECK(cutAtHeight(tree, between) == cutTree(tree, n - (i + 1)));
    }
    // A merge at exactly the cut height is kept (scipy's fcluster "distance").
    CHECK(clustersAtHeight(tree, tree.merges[5].height) == n - 6);
    CHECK(clustersAtHeight(tree, 0.5 * tree.merges[0].height) == n);
    CHECK(clustersAtHeight(tree, tree.merges.back().height) == 1);
    CHECK(distinct(cutAtHeight(tree, 1e9)) == 1);
    CHECK(cutTree(tree, 0) == cutTree(tree, 1));      // clamped
    CHECK(cutTree(tree, n + 5) == cutTree(tree, n));  // clamped
}

TEST_CASE("leaf order is a permutation and keeps every cut's clusters contiguous") {
    const int n = 60;
    const Dendrogram tree = unweighted(randomPoints(n, 2, 31));
    const std::vector<int> order = leafOrder(tree);
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> identity(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) identity[static_cast<size_t>(i)] = i;
    REQUIRE(sorted == identity);
    for (int k = 1; k <= n; ++k) {
        // Contiguous clusters: walking the order, the label changes exactly k - 1 times.
        const Eigen::VectorXi labels = cutTree(tree, k);
        int changes = 0;
        for (size_t i = 1; i < order.size(); ++i) changes += labels[order[i]] != labels[order[i - 1]];
        CHECK(changes == k - 1);
    }
}

TEST_CASE("the full dendrogram layout places leaves in leaf order and joins each pair at its midpoint") {
    const int n = 25;
    const Dendrogram tree = unweighted(randomPoints(n, 2, 41));
    const DendrogramLayout layout = layoutDendrogram(tree, 0);
    const std::vector<int> order = leafOrder(tree);
    CHECK_FALSE(layout.truncated);
    REQUIRE(layout.terminals.size() == static_cast<size_t>(n));
    REQUIRE(layout.links.size() == static_cast<size_t>(n - 1));
    for (int t = 0; t < n; ++t) {
        const DendrogramTerminal& terminal = layout.terminals[static_cast<size_t>(t)];
        CHECK(terminal.node == order[static_cast<size_t>(t)]);
        CHECK(terminal.x == t);
        CHECK(terminal.size == 1);
        CHECK(terminal.leafCount == 1);
        CHECK(terminal.height == 0.0);
    }
    for (int i = 0; i < n - 1; ++i) {
        const DendrogramLink& link = layout.links[static_cast<size_t>(i)];
        const Merge& m = tree.merges[static_cast<size_t>(i)];
        CHECK(link.node == n + i);
        CHECK(link.height == m.height);
        CHECK(link.leftX < link.rightX);
        CHECK(link.x == doctest::Approx(0.5 * (link.leftX + link.rightX)));
        CHECK(link.leftHeight == (m.a < n ? 0.0 : tree.merges[static_cast<size_t>(m.a - n)].height));
        CHECK(link.rightHeight == (m.b < n ? 0.0 : tree.merges[static_cast<size_t>(m.b - n)].height));
    }
    CHECK(layout.links.back().x > 0.0);
    CHECK(layout.links.back().x < n - 1.0);
    CHECK(layout.maxHeight == tree.merges.back().height);
}

TEST_CASE("a truncated layout draws the last p - 1 merges above p terminals that cover every leaf") {
    const int n = 50, p = 6;
    const Dendrogram tree = unweighted(randomPoints(n, 3, 51));
    const DendrogramLayout layout = layoutDendrogram(tree, p);
    CHECK(layout.truncated);
    REQUIRE(layout.terminals.size() == static_cast<size_t>(p));
    REQUIRE(layout.links.size() == static_cast<size_t>(p - 1));
    CHECK(layout.links.front().node == 2 * n - p);
    CHECK(layout.links.back().node == 2 * n - 2);

    const std::vector<int> order = leafOrder(tree);
    const Eigen::VectorXi labels = cutTree(tree, p);
    int leaves = 0;
    int64_t points = 0;
    std::vector<int> seenLabels;
    for (int t = 0; t < p; ++t) {
        const DendrogramTerminal& terminal = layout.terminals[static_cast<size_t>(t)];
        CHECK(terminal.node < 2 * n - p);
        CHECK(terminal.x == t);
        // Its leaves are the next leafCount leaves of the full leaf order, all in one cluster of the cut at p.
        CHECK(order[static_cast<size_t>(leaves)] == terminal.firstLeaf);
        for (int i = leaves; i < leaves + terminal.leafCount; ++i) {
            CHECK(labels[order[static_cast<size_t>(i)]] == labels[terminal.firstLeaf]);
        }
        seenLabels.push_back(labels[terminal.firstLeaf]);
        if (terminal.node >= n) {
            CHECK(terminal.height == tree.merges[static_cast<size_t>(terminal.node - n)].height);
        }
        leaves += terminal.leafCount;
        points += terminal.size;
    }
    CHECK(leaves == n);
    CHECK(points == n);
    std::sort(seenLabels.begin(), seenLabels.end());
    CHECK(std::unique(seenLabels.begin(), seenLabels.end()) - seenLabels.begin() == p);
    // Collapsed subtrees hang from height 0.
    for (const DendrogramLink& link : layout.links) {
        const Merge& m = tree.merges[static_cast<size_t>(link.node - n)];
        if (m.a < 2 * n - p) CHECK(link.leftHeight == 0.0);
        if (m.b < 2 * n - p) CHECK(link.rightHeight == 0.0);
    }
    // p at or above the number of leaves draws everything.
    CHECK_FALSE(layoutDendrogram(tree, n).truncated);
    CHECK(layoutDendrogram(tree, n + 10).terminals.size() == static_cast<size_t>(n));
}

TEST_CASE("degenerate inputs: nothing, one point, two points, identical points") {
    SUBCASE("no rows are refused with a message") {
        const auto result = fitWard(Eigen::MatrixXd(0, 3));
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().message.find("no customers") != std::string::npos);
    }
    SUBCASE("no features and non-finite values are refused") {
        CHECK_FALSE(fitWard(Eigen::MatrixXd(4, 0)).ok());
        Eigen::MatrixXd X = randomPoints(5, 2, 1);
        X(3, 1) = std::numeric_limits<double>::quiet_NaN();
        const auto result = fitWard(X);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().detail.find("row 3") != std::string::npos);
        X(3, 1) = std::numeric_limits<double>::infinity();
        CHECK_FALSE(fitWard(X).ok());
    }
    SUBCASE("one point is a tree without merges") {
        const auto result = fitWard(Eigen::MatrixXd::Constant(1, 2, 3.0));
        REQUIRE(result.ok());
        const Dendrogram& tree = result->tree;
        CHECK(tree.leaves == 1);
        CHECK(tree.merges.empty());
        CHECK(cutTree(tree, 1) == Eigen::VectorXi::Zero(1));
        CHECK(cutTree(tree, 4) == Eigen::VectorXi::Zero(1));
        CHECK(clustersAtHeight(tree, 0.0) == 1);
        CHECK(leafOrder(tree) == std::vector<int>{0});
        const DendrogramLayout layout = layoutDendrogram(tree);
        CHECK(layout.terminals.size() == 1);
        CHECK(layout.links.empty());
    }
    SUBCASE("two points merge at their distance") {
        Eigen::MatrixXd X(2, 2);
        X << 0, 0, 3, 4;
        const auto result = fitWard(X);
        REQUIRE(result.ok());
        REQUIRE(result->tree.merges.size() == 1);
        CHECK(result->tree.merges[0].height == doctest::Approx(5.0));
        CHECK(result->tree.merges[0].size == 2);
        CHECK(cutTree(result->tree, 2) == (Eigen::VectorXi(2) << 0, 1).finished());
        CHECK(layoutDendrogram(result->tree).links[0].x == 0.5);
    }
    SUBCASE("identical points merge at height 0 and can still be cut") {
        const Eigen::MatrixXd X = Eigen::MatrixXd::Constant(5, 3, 2.5);
        const auto result = fitWard(X);
        REQUIRE(result.ok());
        const Dendrogram& tree = result->tree;
        checkWellFormed(tree);
        for (const Merge& m : tree.merges) CHECK(m.height == 0.0);
        CHECK(distinct(cutTree(tree, 3)) == 3);
        CHECK(clustersAtHeight(tree, 0.0) == 1);
        CHECK(cutHeight(tree, 1) == 0.0);
    }
}

TEST_CASE("an exact fit maps each point to its own leaf") {
    const Eigen::MatrixXd X = randomPoints(30, 2, 61);
    const auto result = fitWard(X);
    REQUIRE(result.ok());
    CHECK_FALSE(result->approximate);
    CHECK(result->pointLeaf == Eigen::VectorXi::LinSpaced(30, 0, 29));
    CHECK(result->tree.leafWeights == Eigen::VectorXd::Ones(30));
    CHECK(pointClusters(*result, 4) == cutTree(result->tree, 4));
}

TEST_CASE("micro-clusters become weighted leaves, and empty ones are dropped") {
    KMeansModel model;
    model.centroids.resize(4, 1);
    model.centroids << 0.0, 100.0, 1.0, 10.0;
    model.sizes = (Eigen::VectorXd(4) << 2, 0, 1, 3).finished();
    model.labels = (Eigen::VectorXi(6) << 0, 3, 2, 0, 3, 3).finished();
    model.inertia = 0.5;
    const auto result = wardFromMicroClusters(model);
    REQUIRE(result.ok());
    CHECK(result->approximate);
    CHECK(result->microInertia == 0.5);
    const Dendrogram& tree = result->tree;
    CHECK(tree.leaves == 3);  // cluster 1 was empty
    CHECK(tree.leafWeights == (Eigen::VectorXd(3) << 2, 1, 3).finished());
    CHECK(result->pointLeaf == (Eigen::VectorXi(6) << 0, 2, 1, 0, 2, 2).finished());
    // {0 x2} + {1 x1}: sqrt(2*2*1/3) * 1; then + {10 x3}: sqrt(2*3*3/6) * (10 - 1/3).
    REQUIRE(tree.merges.size() == 2);
    CHECK(tree.merges[0].height == doctest::Approx(std::sqrt(4.0 / 3.0)));
    CHECK(tree.merges[1].height == doctest::Approx(std::sqrt(3.0) * (10.0 - 1.0 / 3.0)));
    CHECK(tree.merges[1].size == 6);
    // Two clusters of 3 points each: the one holding leaf 0 is numbered first.
    CHECK(pointClusters(*result, 2) == (Eigen::VectorXi(6) << 0, 1, 0, 0, 1, 1).finished());
}

TEST_CASE("above the exact limit, Ward on k-means micro-clusters still separates clear groups") {
    // Three tight, far-apart groups of 200 points: any sensible micro-clustering keeps them apart.
    Random random(71);
    const int n = 600;
    Eigen::MatrixXd X(n, 2);
    Eigen::VectorXi truth(n);
    for (int i = 0; i < n; ++i) {
        truth[i] = i % 3;
        X(i, 0) = 20.0 * truth[i] + random.normal();
        X(i, 1) = (truth[i] == 1 ? 20.0 : 0.0) + random.normal();
    }
    WardParams params;
    params.maxExact = 300;
    params.microClusters = 40;
    params.seed = 5;
    const auto result = fitWard(X, params);
    REQUIRE(result.ok());
    CHECK(result->approximate);
    CHECK(result->tree.leaves <= 40);
    CHECK(result->tree.leaves >= 3);
    CHECK(result->tree.leafWeights.sum() == doctest::Approx(n));
    CHECK(result->tree.merges.back().size == n);
    CHECK(result->pointLeaf.minCoeff() >= 0);
    CHECK(result->pointLeaf.maxCoeff() < result->tree.leaves);
    checkWellFormed(result->tree);
    CHECK(samePartition(pointClusters(*result, 3), truth));
    // Deterministic for a seed.
    const auto again = fitWard(X, params);
    REQUIRE(again.ok());
    CHECK(again->pointLeaf == result->pointLeaf);
}

TEST_CASE("a fit run step by step reports rising progress and ends with the one-call result") {
    Random random(81);
    Eigen::MatrixXd X(500, 3);
    for (int i = 0; i < 500; ++i) {
        for (int j = 0; j < 3; ++j) X(i, j) = 5.0 * (i % 4) + random.normal();
    }
    for (const bool approximate : {false, true}) {
        CAPTURE(approximate);
        WardParams params;
        if (approximate) {
            params.maxExact = 100;
            params.microClusters = 30;
        }
        REQUIRE(validateWardInput(X, params).ok());
        WardFit fit(X, params);
        double last = fit.progress();
        CHECK(last >= 0.0);
        int steps = 0;
        while (fit.step()) {
            ++steps;
            CHECK(fit.progress() >= last);
            last = fit.progress();
        }
        CHECK(fit.done());
        CHECK(fit.progress() == doctest::Approx(1.0));
        CHECK(steps >= (approximate ? 29 : 499) - 1);  // at least one step per merge
        const WardResult stepped = fit.result();
        const auto whole = fitWard(X, params);
        REQUIRE(whole.ok());
        CHECK(stepped.approximate == approximate);
        CHECK(stepped.pointLeaf == whole->pointLeaf);
        REQUIRE(stepped.tree.merges.size() == whole->tree.merges.size());
        for (size_t i = 0; i < stepped.tree.merges.size(); ++i) {
            CHECK(stepped.tree.merges[i].height == whole->tree.merges[i].height);
        }
    }
}

TEST_CASE("parameters that cannot work are refused") {
    const Eigen::MatrixXd X = randomPoints(10, 2, 91);
    WardParams params;
    params.microClusters = 1;
    CHECK_FALSE(fitWard(X, params).ok());
    params = {};
    params.maxExact = 0;
    CHECK_FALSE(validateWardInput(X, params).ok());
    params = {};
    params.microIterations = 0;
    CHECK_FALSE(validateWardInput(X, params).ok());
}

}  // TEST_SUITE
