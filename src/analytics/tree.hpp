// tree.hpp: CART classification trees for a binary label (1 = churned), as scikit-learn's
// DecisionTreeClassifier: Gini or entropy, maximum depth, minimum samples per split and per
// leaf, features tried per split (for forests), cost-complexity pruning. Also the
// per-customer risk drivers of a tree (Saabas path contributions) and the pruning path.
//
// Split search. Every feature is coded once into ordered bins (FeatureBinning), so that a
// node's best threshold comes from counting labels per bin instead of sorting the node's
// values. A single tree uses exact bins: every distinct value of a feature is a bin, so the
// candidate thresholds are the midpoints between neighbouring distinct values of the node,
// exactly scikit-learn's. Forests use at most 256 bins of about equal counts per feature
// (uint8 codes; thresholds are midpoints between neighbouring bins). A bitmap of the bins a
// node touches keeps small nodes from paying for empty bins, so deep trees stay cheap.
//
// Counts. `rows` (a bootstrap or a subset) may repeat a row: a row drawn k times weighs k,
// and every count (samples, minSamplesLeaf, minSamplesSplit) counts rows with repeats.
// Nodes are numbered depth-first (a parent before its children, left subtree first).
//
// Deterministic for a seed: the seed only orders the features tried at each node (which
// decides ties, as in scikit-learn) and draws them when maxFeatures < the feature count.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.hpp"

namespace rapport::analytics {

enum class SplitCriterion { Gini, Entropy };  // entropy in bits, as scikit-learn

struct TreeParams {
    SplitCriterion criterion = SplitCriterion::Gini;
    int maxDepth = 6;             // 0: unlimited (split until pure or too small)
    int64_t minSamplesLeaf = 1;   // rows a split must leave on each side
    int64_t minSamplesSplit = 2;  // rows a node needs to be split
    double ccpAlpha = 0;          // cost-complexity pruning after the fit (scikit-learn's ccp_alpha)
    int maxFeatures = 0;          // features tried per split; 0 (or >= the feature count): all
    uint64_t seed = 0;
    core::Status validate() const;
};

struct TreeNode {
    int feature = -1;      // -1 for a leaf
    double threshold = 0;  // rows with x[feature] <= threshold go left
    int left = -1, right = -1;
    double value = 0;     // share of label 1 among the node's training rows: P(y = 1)
    int64_t samples = 0;  // training rows in the node (with repeats)
    double impurity = 0;  // Gini or entropy of the node's labels
};

struct TreeModel {
    std::vector<TreeNode> nodes;  // nodes[0] is the root; children come after their parent
    int features = 0;
    std::vector<double> impurityImportance;  // per feature: weighted impurity decrease of its
                                             // splits, normalized to sum 1 (all 0 for a single leaf)
};

// Errors a user can cause with the training data: no rows, a label vector of another length,
// labels other than 0/1, a single label, values that are not finite.
core::Status checkTrainingData(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y);

// ---- Features coded into bins (shared by the trees of a forest) ---------------------------

struct FeatureBins;  // codes and bin edges; defined in tree.cpp

// Codes the columns of X into ordered bins, step by step (a radix sort of each column and two
// passes over it, in chunks of a quarter million values).
// maxBins 0: exact, one bin per distinct value; 2..256: at most that many bins of about
// equal counts (every distinct value its own bin when there are few enough).
class FeatureBinning {
public:
    FeatureBinning(const Eigen::Ref<const Eigen::MatrixXd>& X, int maxBins);  // copies X
    FeatureBinning(std::shared_ptr<const Eigen::MatrixXd> X, int maxBins);    // shares X
    FeatureBinning(FeatureBinning&&) noexcept;
    FeatureBinning& operator=(FeatureBinning&&) noexcept;
    ~FeatureBinning();

    bool step();
    double progress() const;
    bool done() const;
    std::shared_ptr<const FeatureBins> result() const;  // null until done

private:
    struct State;
    std::unique_ptr<State> state_;
};

// ---- Fitting ------------------------------------------------------------------------------

// Step-by-step fit. The constructor from X copies X and bins it exactly in the first steps;
// every later step() expands nodes for a bounded amount of work (about a million row
// visits: 1-2 ms natively or in wasm, never more than a few ms). X must be finite, y 0/1
// with y.size() == X.rows(), rows (if given) in 0..X.rows()-1, the parameters valid: with
// invalid parameters the fit is done at once and its result is empty.
class TreeFit {
public:
    TreeFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
            const TreeParams& params, const std::vector<int64_t>* rows = nullptr);
    // On features binned once (the trees of a forest share them).
    TreeFit(std::shared_ptr<const FeatureBins> bins, const Eigen::Ref<const Eigen::VectorXi>& y,
            const TreeParams& params, const std::vector<int64_t>* rows = nullptr);
    TreeFit(TreeFit&&) noexcept;
    TreeFit& operator=(TreeFit&&) noexcept;
    ~TreeFit();

    bool step();
    double progress() const;  // 0..1: bins coded, then training rows settled in leaves
    bool done() const;
    TreeModel result() const;  // the tree once done (pruned if ccpAlpha > 0); empty before
    // Once done, when `rows` was given: for each row left out of it, the tree's prediction
    // (NaN for the rows in it). Found during the fit, without walking the tree again.
    Eigen::VectorXd outOfBagPrediction() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

TreeModel fitTree(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
                  const TreeParams& params, const std::vector<int64_t>* rows = nullptr);

// ---- Using a tree -------------------------------------------------------------------------

// P(y = 1) for each row of X: the value of the leaf the row falls in.
Eigen::VectorXd predictTree(const TreeModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

// Path contributions (Saabas): each split on a row's path adds (child value - parent value)
// to its feature, so prediction = root value + the row's sum of contributions. n x features.
Eigen::MatrixXd treeContributions(const TreeModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

// ---- Cost-complexity pruning (scikit-learn's cost_complexity_pruning_path and ccp_alpha) --
// R(T) is the sum over leaves of (samples / root samples) * impurity. Weakest-link pruning
// repeatedly collapses the internal node with the smallest (R(node) - R(subtree)) /
// (leaves - 1); that ratio is the alpha at which the collapse happens.

// The alphas of the pruning path: 0 first, then the alpha of each collapse in order (the
// last one leaves only the root). Non-decreasing.
std::vector<double> ccpAlphas(const TreeModel& model);
// The tree after every collapse whose alpha is <= alpha; nodes renumbered depth-first,
// importance recomputed.
TreeModel prune(const TreeModel& model, double alpha);

}  // namespace rapport::analytics
