// forest.cpp: a forest is a loop of tree fits over features binned once. Each tree's step
// runs inside ForestFit::step(); a finished tree adds its out-of-bag predictions to running
// sums, so the out-of-bag figures need no second pass.
//
// Contents
//   1. Scores (AUC, accuracy)
//   2. ForestFit
//   3. Prediction, contributions, permutation importance
//   4. Parameters

#include "analytics/forest.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/random.hpp"

namespace rapport::analytics {

namespace {

constexpr int kForestBins = 256;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// =======================================================================================
// 1. Scores (AUC, accuracy)
// =======================================================================================

// ROC AUC by ranks (Mann-Whitney), ties counted half; NaN without both labels. Only the
// rows with keep[i] (all when keep is empty).
double aucOf(const Eigen::VectorXd& score, const Eigen::Ref<const Eigen::VectorXi>& y, const std::vector<char>& keep) {
    std::vector<int64_t> rows;
    rows.reserve(static_cast<size_t>(y.size()));
    for (Eigen::Index i = 0; i < y.size(); ++i)
        if (keep.empty() || keep[i]) rows.push_back(i);
    std::sort(rows.begin(), rows.end(), [&](int64_t a, int64_t b) { return score[a] < score[b]; });
    double positiveRanks = 0;
    int64_t positives = 0;
    const int64_t n = static_cast<int64_t>(rows.size());
    for (int64_t i = 0; i < n;) {
        int64_t j = i + 1;
        while (j < n && score[rows[j]] == score[rows[i]]) ++j;
        const double rank = 0.5 * static_cast<double>(i + 1 + j);  // mean of ranks i+1..j
        for (int64_t k = i; k < j; ++k) {
            if (y[rows[k]] == 1) {
                positiveRanks += rank;
                ++positives;
            }
        }
        i = j;
    }
    const int64_t negatives = n - positives;
    if (positives == 0 || negatives == 0) return kNaN;
    const double p = static_cast<double>(positives);
    return (positiveRanks - p * (p + 1) / 2) / (p * static_cast<double>(negatives));
}

double accuracyOf(const Eigen::VectorXd& score, const Eigen::Ref<const Eigen::VectorXi>& y) {
    int64_t right = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) right += (score[i] > 0.5 ? 1 : 0) == y[i];
    return y.size() > 0 ? static_cast<double>(right) / static_cast<double>(y.size()) : kNaN;
}

}  // namespace

// =======================================================================================
// 2. ForestFit
// =======================================================================================

struct ForestFit::State {
    ForestParams params;
    int features = 0;
    Eigen::VectorXi y;
    std::unique_ptr<FeatureBinning> binning;
    std::shared_ptr<const FeatureBins> bins;
    core::Random rng{0};
    int tryFeatures = 1;

    std::unique_ptr<TreeFit> tree;  // the tree being grown
    std::vector<int64_t> draws;     // its bootstrap
    std::vector<TreeModel> trees;
    std::vector<double> oobSum;  // per row: sum of the probabilities of trees it was out of
    std::vector<int32_t> oobCount;
    bool finished = false;

    void startTree() {
        const uint64_t seed = rng.next();
        const int64_t n = y.size();
        TreeParams tp;
        tp.criterion = params.criterion;
        tp.maxDepth = params.maxDepth;
        tp.minSamplesLeaf = params.minSamplesLeaf;
        tp.maxFeatures = tryFeatures;
        tp.seed = seed ^ 0xA5A5A5A5A5A5A5A5ull;
        if (params.bootstrap) {
            core::Random draw(seed);
            draws.resize(static_cast<size_t>(n));
            for (int64_t& row : draws) row = static_cast<int64_t>(draw.below(static_cast<uint64_t>(n)));
            tree = std::make_unique<TreeFit>(bins, y, tp, &draws);
        } else {
            tree = std::make_unique<TreeFit>(bins, y, tp);
        }
    }

    void finishTree() {
        trees.push_back(tree->result());
        if (params.bootstrap) {
            const Eigen::VectorXd outside = tree->outOfBagPrediction();
            for (Eigen::Index r = 0; r < outside.size(); ++r) {
                if (std::isnan(outside[r])) continue;
                oobSum[r] += outside[r];
                ++oobCount[r];
            }
        }
        tree.reset();
    }
};

ForestFit::ForestFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
                     const ForestParams& params)
    : state_(new State) {
    State& s = *state_;
    s.params = params;
    const bool valid = params.validate().ok() && y.size() == X.rows();
    assert(valid && "ForestFit: validate the parameters first");
    if (!valid) {
        s.finished = true;
        return;
    }
    s.features = static_cast<int>(X.cols());
    s.y = y;
    s.binning = std::make_unique<FeatureBinning>(X, kForestBins);
    s.rng = core::Random(params.seed);
    const int p = static_cast<int>(X.cols());
    s.tryFeatures = params.maxFeatures > 0 ? std::min(params.maxFeatures, p)
                                           : std::max(1, static_cast<int>(std::sqrt(static_cast<double>(p))));
    s.oobSum.assign(static_cast<size_t>(X.rows()), 0.0);
    s.oobCount.assign(static_cast<size_t>(X.rows()), 0);
    s.trees.reserve(static_cast<size_t>(params.trees));
}

ForestFit::ForestFit(ForestFit&&) noexcept = default;
ForestFit& ForestFit::operator=(ForestFit&&) noexcept = default;
ForestFit::~ForestFit() = default;

bool ForestFit::step() {
    State& s = *state_;
    if (s.finished) return false;
    if (s.binning) {
        s.binning->step();
        if (s.binning->done()) {
            s.bins = s.binning->result();
            s.binning.reset();
        }
        return true;
    }
    if (!s.tree) s.startTree();
    if (!s.tree->step()) {
        s.finishTree();
        if (static_cast<int>(s.trees.size()) == s.params.trees) {
            s.finished = true;
            s.bins.reset();
            s.draws = {};
        }
    }
    return !s.finished;
}

double ForestFit::progress() const {
    const State& s = *state_;
    if (s.finished) return 1.0;
    // Binning costs about as much as one tree.
    const double binned = s.binning ? s.binning->progress() : 1.0;
    const double grown = static_cast<double>(s.trees.size()) + (s.tree ? s.tree->progress() : 0.0);
    return (binned + grown) / (s.params.trees + 1.0);
}

bool ForestFit::done() const { return state_->finished; }

int ForestFit::treesDone() const { return static_cast<int>(state_->trees.size()); }

ForestModel ForestFit::result() const {
    ForestModel model = summary();
    model.trees = state_->trees;
    return model;
}

ForestModel ForestFit::takeResult() {
    ForestModel model = summary();
    model.trees = std::move(state_->trees);
    state_->trees.clear();
    return model;
}

// Everything but the trees: importance and the out-of-bag figures.
ForestModel ForestFit::summary() const {
    const State& s = *state_;
    ForestModel model;
    model.features = s.features;
    model.oobError = model.oobAuc = kNaN;

    model.impurityImportance.assign(static_cast<size_t>(model.features), 0.0);
    int64_t counted = 0;  // as scikit-learn, single-leaf trees do not take part
    for (const TreeModel& t : s.trees) {
        if (t.nodes.size() < 2) continue;
        ++counted;
        for (int f = 0; f < model.features; ++f) model.impurityImportance[f] += t.impurityImportance[f];
    }
    const double sum = std::accumulate(model.impurityImportance.begin(), model.impurityImportance.end(), 0.0);
    if (counted > 0 && sum > 0)
        for (double& v : model.impurityImportance) v /= sum;

    if (s.params.bootstrap && !s.oobCount.empty()) {
        const Eigen::Index n = s.y.size();
        Eigen::VectorXd probability = Eigen::VectorXd::Zero(n);
        std::vector<char> seen(static_cast<size_t>(n), 0);
        int64_t rows = 0, right = 0;
        for (Eigen::Index r = 0; r < n; ++r) {
            if (s.oobCount[r] == 0) continue;
            seen[r] = 1;
            probability[r] = s.oobSum[r] / s.oobCount[r];
            ++rows;
            right += (probability[r] > 0.5 ? 1 : 0) == s.y[r];
        }
        if (rows > 0) {
            model.oobError = 1.0 - static_cast<double>(right) / static_cast<double>(rows);
            model.oobAuc = aucOf(probability, s.y, seen);
        }
    }
    return model;
}

ForestModel fitForest(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
                      const ForestParams& params) {
    ForestFit fit(X, y, params);
    while (fit.step()) {
    }
    return fit.takeResult();
}

// =======================================================================================
// 3. Prediction, contributions, permutation importance
// =======================================================================================

namespace {

// A tree laid out for walking: 16 bytes a node (a quarter of TreeNode), siblings side by
// side, breadth-first so the top levels share cache lines. A leaf holds its value in
// `threshold` and has feature -1.
struct WalkNode {
    double threshold;
    int32_t feature;
    int32_t left;  // the right child is left + 1
};

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void layOut(const TreeModel& tree, std::vector<WalkNode>& out) {
    out.assign(tree.nodes.size(), WalkNode{0, -1, 0});
    std::vector<std::pair<int, int>> queue{{0, 0}};  // (tree node, walk node)
    queue.reserve(tree.nodes.size());
    int next = 1;
    for (size_t k = 0; k < queue.size(); ++k) {
        const auto [from, to] = queue[k];
        const TreeNode& n = tree.nodes[from];
        if (n.feature < 0) {
            out[to] = WalkNode{n.value, -1, 0};
            continue;
        }
        out[to] = WalkNode{n.threshold, n.feature, next};
        queue.push_back({n.left, next});
        queue.push_back({n.right, next + 1});
        next += 2;
    }
}

// Adds the tree's prediction for rows [begin, end) to sums[row]. Rows are row-major, so a
// walk reads one or two cache lines of a row's features, and eight rows walk together:
// each level's eight loads are independent, so their cache misses overlap instead of
// queueing one behind the other.
void walkRows(const std::vector<WalkNode>& tree, const RowMajor& rows, Eigen::Index begin, Eigen::Index end,
              double* sums) {
    const WalkNode* nodes = tree.data();
    constexpr int kLanes = 8;
    Eigen::Index r = begin;
    for (; r + kLanes <= end; r += kLanes) {
        int at[kLanes] = {};
        for (bool moving = true; moving;) {
            moving = false;
            for (int l = 0; l < kLanes; ++l) {
                const WalkNode& n = nodes[at[l]];
                if (n.feature < 0) continue;
                at[l] = n.left + (rows(r + l, n.feature) > n.threshold);
                moving = true;
            }
        }
        for (int l = 0; l < kLanes; ++l) sums[r + l] += nodes[at[l]].threshold;
    }
    for (; r < end; ++r) {
        int i = 0;
        while (nodes[i].feature >= 0) i = nodes[i].left + (rows(r, nodes[i].feature) > nodes[i].threshold);
        sums[r] += nodes[i].threshold;
    }
}

// Row walks per permutation-importance step: a few ms in wasm.
constexpr int64_t kWalksPerStep = int64_t{1} << 16;

}  // namespace

Eigen::VectorXd predictForest(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    Eigen::VectorXd out = Eigen::VectorXd::Zero(X.rows());
    if (model.trees.empty()) return out;
    assert(X.cols() == model.features);
    // Tree by tree, so each tree's nodes stay in cache while every row walks it.
    const RowMajor rows = X;
    std::vector<WalkNode> walk;
    for (const TreeModel& tree : model.trees) {
        layOut(tree, walk);
        walkRows(walk, rows, 0, rows.rows(), out.data());
    }
    return out / static_cast<double>(model.trees.size());
}

Eigen::MatrixXd forestContributions(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(X.rows(), model.features);
    if (model.trees.empty()) return out;
    assert(X.cols() == model.features);
    for (const TreeModel& tree : model.trees) {
        const std::vector<TreeNode>& nodes = tree.nodes;
        for (Eigen::Index r = 0; r < X.rows(); ++r) {
            int i = 0;
            while (nodes[i].feature >= 0) {
                const int next = X(r, nodes[i].feature) <= nodes[i].threshold ? nodes[i].left : nodes[i].right;
                out(r, nodes[i].feature) += nodes[next].value - nodes[i].value;
                i = next;
            }
        }
    }
    return out / static_cast<double>(model.trees.size());
}

// A pass predicts every row with every tree: first on the data as given (the baseline),
// then once per (feature, repeat) with that feature's column shuffled. A step walks part
// of one tree's rows.
struct PermutationImportanceFit::State {
    const ForestModel* model = nullptr;
    RowMajor rows;
    Eigen::VectorXd original;  // the shuffled feature's own column
    Eigen::VectorXi y;
    bool byAuc = true;
    int repeats = 0;
    core::Random rng{0};
    int64_t passes = 0, pass = 0;  // 1 + features * repeats
    size_t tree = 0;
    Eigen::Index row = 0;
    std::vector<WalkNode> walk;
    Eigen::VectorXd sums;
    double baseline = 0;
    std::vector<double> drops;

    double score() const {
        const Eigen::VectorXd p = sums / static_cast<double>(model->trees.size());
        return byAuc ? aucOf(p, y, {}) : accuracyOf(p, y);
    }

    // Shuffles the column of the pass's feature (Fisher-Yates on the original column, so
    // every repeat is a fresh permutation), restoring the previous feature's first.
    void startPass() {
        const int previous = pass >= 2 ? static_cast<int>((pass - 2) / repeats) : -1;
        const int feature = static_cast<int>((pass - 1) / repeats);
        if (previous >= 0 && previous != feature) rows.col(previous) = original;
        if (previous != feature) original = rows.col(feature);
        rows.col(feature) = original;
        for (Eigen::Index i = rows.rows() - 1; i > 0; --i) {
            const Eigen::Index j = static_cast<Eigen::Index>(rng.below(static_cast<uint64_t>(i + 1)));
            std::swap(rows(i, feature), rows(j, feature));
        }
    }
};

PermutationImportanceFit::PermutationImportanceFit(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X,
                                                   const Eigen::Ref<const Eigen::VectorXi>& y, int repeats,
                                                   uint64_t seed)
    : state_(new State) {
    State& s = *state_;
    s.model = &model;
    s.drops.assign(static_cast<size_t>(model.features), 0.0);
    const bool valid = X.cols() == model.features && y.size() == X.rows() && repeats >= 1;
    assert(valid && "PermutationImportanceFit: X must have the model's features, y one label per row");
    if (!valid || model.trees.empty() || X.rows() == 0) return;  // passes == 0: done, all zero
    s.rows = X;
    s.y = y;
    const int64_t ones = y.sum();
    s.byAuc = ones > 0 && ones < y.size();
    s.repeats = repeats;
    s.rng = core::Random(seed);
    s.passes = 1 + static_cast<int64_t>(model.features) * repeats;
    s.sums = Eigen::VectorXd::Zero(X.rows());
}

PermutationImportanceFit::PermutationImportanceFit(PermutationImportanceFit&&) noexcept = default;
PermutationImportanceFit& PermutationImportanceFit::operator=(PermutationImportanceFit&&) noexcept = default;
PermutationImportanceFit::~PermutationImportanceFit() = default;

bool PermutationImportanceFit::step() {
    State& s = *state_;
    const std::vector<TreeModel>& trees = s.model->trees;
    const Eigen::Index n = s.rows.rows();
    int64_t budget = kWalksPerStep;
    while (budget > 0 && s.pass < s.passes) {
        if (s.row == 0) layOut(trees[s.tree], s.walk);
        const Eigen::Index end = std::min<Eigen::Index>(n, s.row + budget);
        walkRows(s.walk, s.rows, s.row, end, s.sums.data());
        budget -= end - s.row;
        s.row = end;
        if (s.row < n) continue;
        s.row = 0;
        if (++s.tree < trees.size()) continue;
        // A pass is complete: score it and set up the next.
        s.tree = 0;
        const double score = s.score();
        if (s.pass == 0) {
            s.baseline = score;
        } else {
            s.drops[static_cast<size_t>((s.pass - 1) / s.repeats)] += (s.baseline - score) / s.repeats;
        }
        s.sums.setZero();
        if (++s.pass < s.passes) s.startPass();
    }
    return s.pass < s.passes;
}

double PermutationImportanceFit::progress() const {
    const State& s = *state_;
    if (s.pass >= s.passes) return 1.0;
    const double trees = static_cast<double>(s.model->trees.size());
    return (static_cast<double>(s.pass) + static_cast<double>(s.tree) / trees) / static_cast<double>(s.passes);
}

bool PermutationImportanceFit::done() const { return state_->pass >= state_->passes; }

std::vector<double> PermutationImportanceFit::result() const {
    return done() ? state_->drops : std::vector<double>(state_->drops.size(), 0.0);
}

std::vector<double> permutationImportance(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X,
                                          const Eigen::Ref<const Eigen::VectorXi>& y, int repeats, uint64_t seed) {
    PermutationImportanceFit fit(model, X, y, repeats, seed);
    while (fit.step()) {
    }
    return fit.result();
}

// =======================================================================================
// 4. Parameters
// =======================================================================================

core::Status ForestParams::validate() const {
    if (trees < 1) return core::makeError("A forest needs at least 1 tree.", "trees = " + std::to_string(trees));
    if (maxFeatures < 0)
        return core::makeError("The number of features tried per split cannot be negative (0 means automatic).",
                               "maxFeatures = " + std::to_string(maxFeatures));
    if (maxDepth < 0)
        return core::makeError("The maximum depth cannot be negative (0 means no limit).",
                               "maxDepth = " + std::to_string(maxDepth));
    if (minSamplesLeaf < 1)
        return core::makeError("Each leaf needs at least 1 customer.",
                               "minSamplesLeaf = " + std::to_string(minSamplesLeaf));
    return {};
}

}  // namespace rapport::analytics
