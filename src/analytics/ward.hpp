// ward.hpp: hierarchical clustering with Ward's linkage, and what a dendrogram view needs
// from the tree (cuts, a leaf order without crossings, a drawable layout).
//
// The tree is built with the nearest-neighbour chain algorithm on cluster centroids and
// sizes, so memory stays O(n d) (no n x n distance matrix, which a wasm tab cannot afford
// for thousands of customers) and time O(n^2 d). Heights are Ward's distances as scipy
// and scikit-learn report them:
//     d(A, B) = sqrt(2 |A| |B| / (|A| + |B|)) * ||cA - cB||,
// so two single points merge at their Euclidean distance, and d^2 / 2 is the increase in
// the within-cluster sum of squares caused by the merge.
//
// Up to WardParams::maxExact points the tree is exact. Above that, the points are first
// grouped into micro-clusters by k-means and Ward runs on their centroids weighted by
// their sizes; the result says it is approximate, and each point keeps its micro-cluster.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.hpp"

namespace rapport::analytics {

struct KMeansModel;

struct WardParams {
    int64_t maxExact = 5000;   // up to this many points the tree is exact (time grows as n^2)
    int microClusters = 1000;  // above both limits, k-means micro-clusters become the leaves
    int microRestarts = 1;     // k-means restarts for the micro-clusters (they need not be optimal)
    int microIterations = 20;  // Lloyd iterations per restart
    uint64_t seed = 0;
    core::Status validate() const;
};

// One row of scipy's linkage matrix: clusters a < b joined at `height` into cluster
// leaves + (index of this merge). Leaves are 0..leaves-1.
struct Merge {
    int a = 0;
    int b = 0;
    double height = 0.0;
    int64_t size = 0;  // points under the new cluster (the rounded sum of its leaves' weights)
};

struct Dendrogram {
    int leaves = 0;
    std::vector<Merge> merges;    // leaves - 1 merges, heights non-decreasing
    Eigen::VectorXd leafWeights;  // points per leaf (all 1 for an exact fit)
};

struct WardResult {
    Dendrogram tree;
    Eigen::VectorXi pointLeaf;   // the leaf of each point (the identity when exact)
    bool approximate = false;    // leaves are k-means micro-clusters, not points
    double microInertia = 0.0;   // within-micro-cluster sum of squares (0 when exact)
    bool microConverged = true;  // the micro-cluster k-means met its tolerance
};

// Whether fitWard can run on X: refuses bad parameters, no rows, no features and
// non-finite values, with a message for the user.
core::Status validateWardInput(const Eigen::Ref<const Eigen::MatrixXd>& X, const WardParams& params);

// Ward clustering of the rows of X (one row per customer), run to the end.
core::Result<WardResult> fitWard(const Eigen::Ref<const Eigen::MatrixXd>& X, const WardParams& params = {});

// The same fit step by step, so the app can spread it over frames: each step() runs one
// k-means step (approximate path) or one merge, and returns true while there is more to
// do. X must have passed validateWardInput; it is copied, so it need not outlive the fit.
class WardFit {
public:
    WardFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const WardParams& params);
    ~WardFit();
    WardFit(WardFit&&) noexcept;
    WardFit& operator=(WardFit&&) noexcept;

    bool step();
    bool done() const;
    double progress() const;    // 0..1, by estimated work (early merges cost the most)
    WardResult result() const;  // once done()

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The approximate path's second half, for callers that already have a k-means model of
// the points: Ward on its centroids weighted by their sizes. Empty clusters are dropped.
core::Result<WardResult> wardFromMicroClusters(const KMeansModel& microClusters);

// Exact Ward linkage of weighted points, run to the end: weights are initial cluster
// sizes (> 0), so a point of weight 3 behaves exactly like three copies of it. Ties are
// broken as scipy does (the nearest neighbour with the lowest index), so the tree is
// deterministic and, for unit weights, row for row scipy's linkage(X, "ward").
Dendrogram wardLinkage(const Eigen::Ref<const Eigen::MatrixXd>& points, const Eigen::VectorXd& weights);

// ---- Cutting the tree ---------------------------------------------------------------
// Labels are per leaf, 0..clusters-1, numbered by total weight descending (ties: the
// cluster holding the lowest leaf first).

// k clusters (k is clamped to 1..leaves): the last k - 1 merges are undone.
Eigen::VectorXi cutTree(const Dendrogram& tree, int k);
// Every merge at a height <= height is kept (scipy's fcluster criterion "distance").
Eigen::VectorXi cutAtHeight(const Dendrogram& tree, double height);
int clustersAtHeight(const Dendrogram& tree, double height);
// A height that cuts the tree into k clusters, for drawing the cut line: halfway between
// the merge heights on either side of the cut (below the first merge for k >= leaves, a
// little above the root for k = 1). When merges tie at the cut no height separates them;
// cutTree still gives k clusters.
double cutHeight(const Dendrogram& tree, int k);
// Per point (through WardResult::pointLeaf): the cluster of each point for k clusters.
Eigen::VectorXi pointClusters(const WardResult& result, int k);

// ---- Drawing ------------------------------------------------------------------------

// Leaves left to right as scipy's dendrogram draws them (merge.a left of merge.b): no
// crossings, and the leaves of every cluster of every cut are contiguous.
std::vector<int> leafOrder(const Dendrogram& tree);

// One drawn merge: a U from (leftX, leftHeight) up to height, across, and down to
// (rightX, rightHeight). Terminals sit at height 0. For colouring by a cut into k
// clusters: a link with node < 2 * leaves - k lies inside one cluster of cutTree(tree, k).
struct DendrogramLink {
    int node = 0;  // leaves + merge index
    double x = 0.0;
    double height = 0.0;
    double leftX = 0.0;
    double leftHeight = 0.0;
    double rightX = 0.0;
    double rightHeight = 0.0;
};

// What hangs at the bottom of the drawing: a leaf, or (when truncated) a whole subtree
// drawn as one terminal, labelled with its size as scipy's "(n)".
struct DendrogramTerminal {
    int node = 0;         // a leaf (< leaves) or a collapsed merged cluster
    double x = 0.0;       // 0, 1, 2, ... left to right
    double height = 0.0;  // the collapsed subtree's own height (0 for a leaf)
    int64_t size = 0;     // points under it
    int leafCount = 0;    // dendrogram leaves under it
    int firstLeaf = 0;    // its leftmost leaf; with k <= the number of terminals, every leaf
                          // under it is in cutTree(tree, k)[firstLeaf]
};

struct DendrogramLayout {
    std::vector<DendrogramLink> links;          // children before parents (merge order)
    std::vector<DendrogramTerminal> terminals;  // left to right
    double maxHeight = 0.0;
    bool truncated = false;  // subtrees were collapsed into terminals
};

// Coordinates in leaf-order units. With 0 < lastP < leaves only the last lastP - 1 merges
// are drawn, above lastP terminals (scipy's truncate_mode="lastp"); lastP <= 0 draws all.
DendrogramLayout layoutDendrogram(const Dendrogram& tree, int lastP = 30);

}  // namespace rapport::analytics
