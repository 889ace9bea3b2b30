// ward.cpp: Ward's hierarchical clustering (nearest-neighbour chain), cuts and layout.
//
// Contents
//   1. Linkage: the nearest-neighbour chain on centroids, then scipy's order and numbering
//   2. Fitting: exact, or k-means micro-clusters then Ward; step by step
//   3. Cuts
//   4. Leaf order and layout
#include "analytics/ward.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>

#include "analytics/kmeans.hpp"

namespace rapport::analytics {

// =====================================================================================
// 1. Linkage
// =====================================================================================

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A merge as the chain finds it: slots are leaf indices (the merged cluster keeps the
// higher slot, as scipy's nn_chain does), cost is the squared Ward distance.
struct RawMerge {
    int x = 0;
    int y = 0;
    double cost = 0.0;
};

// The clusters still active, packed at positions 0..count-1 in ascending slot order so
// the distance loop runs over contiguous memory and ties resolve to the lowest slot.
class ActiveClusters {
public:
    ActiveClusters(const Eigen::Ref<const Eigen::MatrixXd>& points, const Eigen::VectorXd& weights)
        : centroids_(points),
          weights_(weights),
          slots_(static_cast<size_t>(points.rows())),
          cost_(points.rows()),
          count_(static_cast<int>(points.rows())) {
        std::iota(slots_.begin(), slots_.end(), 0);
    }

    int count() const { return count_; }
    int slot(int position) const { return slots_[static_cast<size_t>(position)]; }
    int position(int slot) const {
        const auto end = slots_.begin() + count_;
        const auto it = std::lower_bound(slots_.begin(), end, slot);
        assert(it != end && *it == slot);
        return static_cast<int>(it - slots_.begin());
    }

    // Squared Ward distance from the cluster at `from` to every active cluster (infinite
    // to itself). The expression is symmetric in the two clusters bit for bit, which the
    // chain relies on to recognise reciprocal nearest neighbours.
    const Eigen::ArrayXd& costsFrom(int from) {
        auto cost = cost_.head(count_);
        cost.setZero();
        for (Eigen::Index j = 0; j < centroids_.cols(); ++j) {
            cost += (centroids_.col(j).head(count_).array() - centroids_(from, j)).square();
        }
        const double w = weights_[from];
        const auto others = weights_.head(count_).array();
        cost *= (2.0 * w) * others / (w + others);
        cost_[from] = kInfinity;
        return cost_;
    }

    // Joins the clusters at positions p and q into the one with the higher slot.
    void merge(int p, int q) {
        if (p > q) std::swap(p, q);
        const double wp = weights_[p], wq = weights_[q];
        // As a step from q towards p, so that merging identical points leaves the centroid
        // exactly where it was and their copies stay at distance 0.
        centroids_.row(q) += (wp / (wp + wq)) * (centroids_.row(p) - centroids_.row(q));
        weights_[q] = wp + wq;
        for (Eigen::Index j = 0; j < centroids_.cols(); ++j) {
            double* column = centroids_.col(j).data();
            std::copy(column + p + 1, column + count_, column + p);
        }
        std::copy(weights_.data() + p + 1, weights_.data() + count_, weights_.data() + p);
        std::copy(slots_.begin() + p + 1, slots_.begin() + count_, slots_.begin() + p);
        --count_;
    }

private:
    Eigen::MatrixXd centroids_;  // column-major: one feature's values for all clusters are contiguous
    Eigen::VectorXd weights_;
    std::vector<int> slots_;
    Eigen::ArrayXd cost_;
    int count_;
};

// scipy's LinkageUnionFind: turns slot pairs into cluster ids in merge order.
class MergeLabels {
public:
    explicit MergeLabels(int leaves) : parent_(static_cast<size_t>(2 * leaves - 1)), next_(leaves) {
        std::iota(parent_.begin(), parent_.end(), 0);
    }
    int find(int node) {
        int root = node;
        while (parent_[static_cast<size_t>(root)] != root) root = parent_[static_cast<size_t>(root)];
        while (parent_[static_cast<size_t>(node)] != root) {
            const int up = parent_[static_cast<size_t>(node)];
            parent_[static_cast<size_t>(node)] = root;
            node = up;
        }
        return root;
    }
    int join(int rootA, int rootB) {
        parent_[static_cast<size_t>(rootA)] = next_;
        parent_[static_cast<size_t>(rootB)] = next_;
        return next_++;
    }

private:
    std::vector<int> parent_;
    int next_;
};

int64_t roundedSize(double weight) { return static_cast<int64_t>(std::llround(weight)); }

// The nearest-neighbour chain: follow nearest neighbours until two clusters are each
// other's nearest, merge them, and carry on from what is left of the chain. Ward's
// distance is reducible, so this finds the same merges as always joining the globally
// closest pair. Preferring the previous chain element on ties keeps the chain from
// cycling; otherwise the lowest slot wins, as in scipy.
class NearestNeighbourChain {
public:
    NearestNeighbourChain(const Eigen::Ref<const Eigen::MatrixXd>& points, const Eigen::VectorXd& weights)
        : active_(points, weights), leafWeights_(weights), lastMergeOfSlot_(static_cast<size_t>(points.rows()), -1) {
        assert(weights.size() == points.rows());
        assert((weights.array() > 0.0).all());
        chain_.reserve(static_cast<size_t>(points.rows()));
        raw_.reserve(static_cast<size_t>(std::max<Eigen::Index>(points.rows() - 1, 0)));
    }

    int leaves() const { return static_cast<int>(leafWeights_.size()); }
    bool done() const { return active_.count() <= 1; }
    // Share of the work done: a merge scans the clusters still active, so work left goes
    // as the square of their number.
    double progress() const {
        if (leaves() <= 1) return 1.0;
        const double left = static_cast<double>(active_.count() - 1) / static_cast<double>(leaves() - 1);
        return 1.0 - left * left;
    }

    // One merge; returns true while more remain.
    bool step() {
        if (done()) return false;
        if (chain_.empty()) chain_.push_back(active_.slot(0));
        int px = 0, py = 0;
        double best = 0.0;
        for (;;) {
            px = active_.position(chain_.back());
            const Eigen::ArrayXd& cost = active_.costsFrom(px);
            const bool hasPrevious = chain_.size() > 1;
            py = hasPrevious ? active_.position(chain_[chain_.size() - 2]) : (px == 0 ? 1 : 0);
            best = cost[py];
            for (int p = 0; p < active_.count(); ++p) {
                if (cost[p] < best) {
                    best = cost[p];
                    py = p;
                }
            }
            if (hasPrevious && active_.slot(py) == chain_[chain_.size() - 2]) break;
            chain_.push_back(active_.slot(py));
        }
        chain_.resize(chain_.size() - 2);

        int x = active_.slot(px), y = active_.slot(py);
        if (x > y) std::swap(x, y);
        // Rounding can leave a merge a hair below one of its children; lifting it to the
        // child's cost keeps the order topological after sorting by height.
        for (const int slot : {x, y}) {
            const int previous = lastMergeOfSlot_[static_cast<size_t>(slot)];
            if (previous >= 0) best = std::max(best, raw_[static_cast<size_t>(previous)].cost);
        }
        lastMergeOfSlot_[static_cast<size_t>(y)] = static_cast<int>(raw_.size());
        raw_.push_back({x, y, best});
        active_.merge(px, py);
        return !done();
    }

    // scipy's order and numbering: stable by height, then clusters numbered leaves,
    // leaves + 1, ... in that order through a union-find over the slots.
    Dendrogram tree() const {
        assert(done());
        Dendrogram tree;
        tree.leaves = leaves();
        tree.leafWeights = leafWeights_;
        const int n = tree.leaves;
        if (n <= 1) return tree;
        std::vector<int> order(raw_.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int i, int j) {
            return raw_[static_cast<size_t>(i)].cost < raw_[static_cast<size_t>(j)].cost;
        });
        MergeLabels labels(n);
        std::vector<double> nodeWeight(static_cast<size_t>(2 * n - 1));
        for (int i = 0; i < n; ++i) nodeWeight[static_cast<size_t>(i)] = leafWeights_[i];
        tree.merges.reserve(raw_.size());
        for (const int i : order) {
            const RawMerge& m = raw_[static_cast<size_t>(i)];
            const int rx = labels.find(m.x), ry = labels.find(m.y);
            const int node = labels.join(rx, ry);
            const double weight = nodeWeight[static_cast<size_t>(rx)] + nodeWeight[static_cast<size_t>(ry)];
            nodeWeight[static_cast<size_t>(node)] = weight;
            tree.merges.push_back({std::min(rx, ry), std::max(rx, ry), std::sqrt(m.cost), roundedSize(weight)});
        }
        return tree;
    }

private:
    ActiveClusters active_;
    Eigen::VectorXd leafWeights_;
    std::vector<int> chain_;  // slots
    std::vector<RawMerge> raw_;
    std::vector<int> lastMergeOfSlot_;
};

}  // namespace

Dendrogram wardLinkage(const Eigen::Ref<const Eigen::MatrixXd>& points, const Eigen::VectorXd& weights) {
    NearestNeighbourChain chain(points, weights);
    while (chain.step()) {
    }
    return chain.tree();
}

// =====================================================================================
// 2. Fitting
// =====================================================================================

core::Status WardParams::validate() const {
    if (maxExact < 1) return core::makeError("The exact-clustering limit must be at least 1 customer.");
    if (microClusters < 2) return core::makeError("Use at least 2 micro-clusters for large data.");
    if (microRestarts < 1 || microIterations < 1) {
        return core::makeError("The micro-cluster k-means needs at least one restart and one iteration.");
    }
    return {};
}

namespace {

bool needsMicroClusters(int64_t points, const WardParams& params) {
    return points > params.maxExact && points > params.microClusters;
}

// Micro-clusters as weighted leaves: empty clusters are dropped and labels renumbered.
struct MicroLeaves {
    Eigen::MatrixXd centroids;
    Eigen::VectorXd weights;
    Eigen::VectorXi pointLeaf;
};

MicroLeaves microLeaves(const KMeansModel& model) {
    const auto clusters = static_cast<int>(model.centroids.rows());
    std::vector<int> leafOfCluster(static_cast<size_t>(clusters), -1);
    int leaves = 0;
    for (int c = 0; c < clusters; ++c) {
        if (model.sizes[c] > 0) leafOfCluster[static_cast<size_t>(c)] = leaves++;
    }
    MicroLeaves out;
    out.centroids.resize(leaves, model.centroids.cols());
    out.weights.resize(leaves);
    for (int c = 0; c < clusters; ++c) {
        const int leaf = leafOfCluster[static_cast<size_t>(c)];
        if (leaf < 0) continue;
        out.centroids.row(leaf) = model.centroids.row(c);
        out.weights[leaf] = model.sizes[c];
    }
    out.pointLeaf.resize(model.labels.size());
    for (Eigen::Index i = 0; i < model.labels.size(); ++i) {
        out.pointLeaf[i] = leafOfCluster[static_cast<size_t>(model.labels[i])];
        assert(out.pointLeaf[i] >= 0);
    }
    return out;
}

KMeansParams microClusterParams(const WardParams& params) {
    KMeansParams km;
    km.k = params.microClusters;
    km.restarts = params.microRestarts;
    km.maxIterations = params.microIterations;
    km.seed = params.seed;
    return km;
}

}  // namespace

core::Status validateWardInput(const Eigen::Ref<const Eigen::MatrixXd>& X, const WardParams& params) {
    if (core::Status valid = params.validate(); !valid) return valid;
    if (X.rows() == 0) {
        return core::makeError("There are no customers to cluster. Load or import customer data first.");
    }
    if (X.cols() == 0) return core::makeError("Choose at least one feature to cluster customers on.");
    if (!X.allFinite()) {
        for (Eigen::Index i = 0; i < X.rows(); ++i) {
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
                if (std::isfinite(X(i, j))) continue;
                return core::makeError(
                    "Some feature values are missing or not finite numbers; clustering needs a number for every "
                    "customer and feature.",
                    "first at row " + std::to_string(i) + ", column " + std::to_string(j));
            }
        }
    }
    if (needsMicroClusters(X.rows(), params)) return microClusterParams(params).validate(X.rows());
    return {};
}

struct WardFit::State {
    std::optional<KMeansFit> kmeans;  // the approximate path's first phase
    std::optional<NearestNeighbourChain> chain;
    Eigen::VectorXi pointLeaf;
    double microInertia = 0.0;
    bool microConverged = true;
    // Rough operation counts of the two phases, to weigh their progress.
    double kmeansWork = 0.0;
    double chainWork = 0.0;
};

WardFit::WardFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const WardParams& params)
    : state_(std::make_unique<State>()) {
    assert(validateWardInput(X, params).ok());
    const int64_t n = X.rows();
    const double d = static_cast<double>(X.cols());
    if (needsMicroClusters(n, params)) {
        const KMeansParams km = microClusterParams(params);
        state_->kmeans.emplace(X, km);
        state_->kmeansWork = static_cast<double>(n) * km.k * d * km.restarts * (km.maxIterations + 1);
        state_->chainWork = 1.5 * km.k * static_cast<double>(km.k) * d;
        return;
    }
    state_->chain.emplace(X, Eigen::VectorXd::Ones(n));
    state_->pointLeaf = Eigen::VectorXi::LinSpaced(n, 0, static_cast<int>(n - 1));
    state_->chainWork = 1.0;
}

WardFit::~WardFit() = default;
WardFit::WardFit(WardFit&&) noexcept = default;
WardFit& WardFit::operator=(WardFit&&) noexcept = default;

bool WardFit::step() {
    State& s = *state_;
    if (!s.chain) {
        if (!s.kmeans->done()) s.kmeans->step();
        if (!s.kmeans->done()) return true;
        const KMeansModel model = s.kmeans->result();
        MicroLeaves leaves = microLeaves(model);
        s.pointLeaf = std::move(leaves.pointLeaf);
        s.microInertia = model.inertia;
        s.microConverged = model.converged;
        s.chain.emplace(leaves.centroids, leaves.weights);
        return !s.chain->done();
    }
    return s.chain->step();
}

bool WardFit::done() const { return state_->chain && state_->chain->done(); }

double WardFit::progress() const {
    const State& s = *state_;
    const double kmeans = s.kmeans ? s.kmeans->progress() : 1.0;
    const double chain = s.chain ? s.chain->progress() : 0.0;
    return (kmeans * s.kmeansWork + chain * s.chainWork) / (s.kmeansWork + s.chainWork);
}

WardResult WardFit::result() const {
    assert(done());
    WardResult result;
    result.tree = state_->chain->tree();
    result.pointLeaf = state_->pointLeaf;
    result.approximate = state_->kmeans.has_value();
    result.microInertia = state_->microInertia;
    result.microConverged = state_->microConverged;
    return result;
}

core::Result<WardResult> fitWard(const Eigen::Ref<const Eigen::MatrixXd>& X, const WardParams& params) {
    if (core::Status valid = validateWardInput(X, params); !valid) return valid.error();
    WardFit fit(X, params);
    while (fit.step()) {
    }
    return fit.result();
}

core::Result<WardResult> wardFromMicroClusters(const KMeansModel& model) {
    MicroLeaves leaves = microLeaves(model);
    if (leaves.weights.size() == 0) {
        return core::makeError("There are no customers to cluster. Load or import customer data first.");
    }
    WardResult result;
    result.tree = wardLinkage(leaves.centroids, leaves.weights);
    result.pointLeaf = std::move(leaves.pointLeaf);
    result.approximate = true;
    result.microInertia = model.inertia;
    result.microConverged = model.converged;
    return result;
}

// =====================================================================================
// 3. Cuts
// =====================================================================================

namespace {

// Leaf labels after keeping only the first `kept` merges.
Eigen::VectorXi labelsKeeping(const Dendrogram& tree, int kept) {
    const int n = tree.leaves;
    if (n == 0) return {};
    kept = std::clamp(kept, 0, n - 1);
    // Top-down: a node below the cut whose parent is above it starts a cluster; the rest
    // inherit their parent's cluster. Parents have higher ids, so one descending pass does.
    std::vector<int> top(static_cast<size_t>(2 * n - 1), -1);
    const int root = 2 * n - 2;
    top[static_cast<size_t>(root)] = root;
    for (int i = n - 2; i >= 0; --i) {
        const int node = n + i;
        const bool above = i >= kept;
        for (const int child : {tree.merges[static_cast<size_t>(i)].a, tree.merges[static_cast<size_t>(i)].b}) {
            top[static_cast<size_t>(child)] = above ? child : top[static_cast<size_t>(node)];
        }
    }

    // Number clusters by weight descending, then by their lowest leaf.
    struct Cluster {
        int top;
        double weight;
        int lowestLeaf;
    };
    std::vector<int> clusterOfTop(static_cast<size_t>(2 * n - 1), -1);
    std::vector<Cluster> clusters;
    for (int leaf = 0; leaf < n; ++leaf) {
        const int t = top[static_cast<size_t>(leaf)];
        int& c = clusterOfTop[static_cast<size_t>(t)];
        if (c < 0) {
            c = static_cast<int>(clusters.size());
            clusters.push_back({t, 0.0, leaf});
        }
        clusters[static_cast<size_t>(c)].weight += tree.leafWeights[leaf];
    }
    std::vector<int> rank(clusters.size());
    std::iota(rank.begin(), rank.end(), 0);
    std::sort(rank.begin(), rank.end(), [&](int i, int j) {
        const Cluster &ci = clusters[static_cast<size_t>(i)], &cj = clusters[static_cast<size_t>(j)];
        if (ci.weight != cj.weight) return ci.weight > cj.weight;
        return ci.lowestLeaf < cj.lowestLeaf;
    });
    std::vector<int> label(clusters.size());
    for (size_t r = 0; r < rank.size(); ++r) label[static_cast<size_t>(rank[r])] = static_cast<int>(r);

    Eigen::VectorXi labels(n);
    for (int leaf = 0; leaf < n; ++leaf) {
        labels[leaf] = label[static_cast<size_t>(clusterOfTop[static_cast<size_t>(top[static_cast<size_t>(leaf)])])];
    }
    return labels;
}

int mergesAtOrBelow(const Dendrogram& tree, double height) {
    const auto it = std::upper_bound(tree.merges.begin(), tree.merges.end(), height,
                                     [](double h, const Merge& m) { return h < m.height; });
    return static_cast<int>(it - tree.merges.begin());
}

}  // namespace

Eigen::VectorXi cutTree(const Dendrogram& tree, int k) {
    if (tree.leaves == 0) return {};
    k = std::clamp(k, 1, tree.leaves);
    return labelsKeeping(tree, tree.leaves - k);
}

Eigen::VectorXi cutAtHeight(const Dendrogram& tree, double height) {
    return labelsKeeping(tree, mergesAtOrBelow(tree, height));
}

int clustersAtHeight(const Dendrogram& tree, double height) { return tree.leaves - mergesAtOrBelow(tree, height); }

double cutHeight(const Dendrogram& tree, int k) {
    if (tree.leaves <= 1) return 0.0;
    const auto& merges = tree.merges;
    if (k >= tree.leaves) return 0.5 * merges.front().height;
    k = std::max(k, 1);
    const size_t lastKept = static_cast<size_t>(tree.leaves - k - 1);
    // For one cluster there is no merge above: go a little over the root.
    const double above = k == 1 ? merges.back().height * 1.05 : merges[lastKept + 1].height;
    return 0.5 * (merges[lastKept].height + above);
}

Eigen::VectorXi pointClusters(const WardResult& result, int k) {
    const Eigen::VectorXi leafCluster = cutTree(result.tree, k);
    Eigen::VectorXi labels(result.pointLeaf.size());
    for (Eigen::Index i = 0; i < labels.size(); ++i) labels[i] = leafCluster[result.pointLeaf[i]];
    return labels;
}

// =====================================================================================
// 4. Leaf order and layout
// =====================================================================================

namespace {

// Depth-first from the root, left child first, stopping at nodes below `firstDrawn`
// (those are emitted as they are). An explicit stack: a chain-shaped tree of 5,000
// leaves would be too deep for recursion on wasm's small stack.
std::vector<int> terminalsLeftToRight(const Dendrogram& tree, int firstDrawn) {
    std::vector<int> out;
    if (tree.leaves == 0) return out;
    std::vector<int> stack = {2 * tree.leaves - 2};
    while (!stack.empty()) {
        const int node = stack.back();
        stack.pop_back();
        if (node < firstDrawn) {
            out.push_back(node);
            continue;
        }
        const Merge& m = tree.merges[static_cast<size_t>(node - tree.leaves)];
        stack.push_back(m.b);
        stack.push_back(m.a);
    }
    return out;
}

}  // namespace

std::vector<int> leafOrder(const Dendrogram& tree) { return terminalsLeftToRight(tree, tree.leaves); }

DendrogramLayout layoutDendrogram(const Dendrogram& tree, int lastP) {
    DendrogramLayout layout;
    const int n = tree.leaves;
    if (n == 0) return layout;
    const int shown = (lastP <= 0 || lastP >= n) ? n : lastP;  // terminals
    const int firstDrawn = 2 * n - shown;                      // nodes at or above are drawn merges
    layout.truncated = shown < n;

    // Per node: leaves under it, its leftmost leaf, and its height.
    const size_t nodes = static_cast<size_t>(2 * n - 1);
    std::vector<int> leafCount(nodes, 1), firstLeaf(nodes);
    std::vector<double> height(nodes, 0.0), x(nodes, 0.0);
    std::iota(firstLeaf.begin(), firstLeaf.begin() + n, 0);
    for (int i = 0; i < n - 1; ++i) {
        const Merge& m = tree.merges[static_cast<size_t>(i)];
        const size_t node = static_cast<size_t>(n + i);
        leafCount[node] = leafCount[static_cast<size_t>(m.a)] + leafCount[static_cast<size_t>(m.b)];
        firstLeaf[node] = firstLeaf[static_cast<size_t>(m.a)];
        height[node] = m.height;
    }

    const std::vector<int> terminals = terminalsLeftToRight(tree, firstDrawn);
    layout.terminals.reserve(terminals.size());
    for (size_t t = 0; t < terminals.size(); ++t) {
        const int node = terminals[t];
        const size_t i = static_cast<size_t>(node);
        x[i] = static_cast<double>(t);
        const int64_t size =
            node < n ? roundedSize(tree.leafWeights[node]) : tree.merges[static_cast<size_t>(node - n)].size;
        layout.terminals.push_back({node, x[i], height[i], size, leafCount[i], firstLeaf[i]});
    }

    // Merge order puts children before parents, so each x is known when needed. Collapsed
    // subtrees hang from height 0 like leaves.
    auto drawnHeight = [&](int node) { return node < firstDrawn ? 0.0 : height[static_cast<size_t>(node)]; };
    for (int node = std::max(firstDrawn, n); node < 2 * n - 1; ++node) {
        const Merge& m = tree.merges[static_cast<size_t>(node - n)];
        const double left = x[static_cast<size_t>(m.a)], right = x[static_cast<size_t>(m.b)];
        x[static_cast<size_t>(node)] = 0.5 * (left + right);
        layout.links.push_back(
            {node, x[static_cast<size_t>(node)], m.height, left, drawnHeight(m.a), right, drawnHeight(m.b)});
    }
    layout.maxHeight = n > 1 ? tree.merges.back().height : 0.0;
    return layout;
}

}  // namespace rapport::analytics
