// forest.hpp: random forests of CART trees for a binary label, as scikit-learn's
// RandomForestClassifier: bootstrap rows per tree, a random subset of features tried at each
// split, probabilities averaged over the trees. Out-of-bag error and AUC, impurity and
// permutation importance, per-customer path contributions (the mean of the trees').
//
// Speed: every feature is coded once per forest into at most 256 bins of about equal counts
// (one byte per value), and every split is searched on those codes (tree.hpp), so a split
// threshold is a midpoint between neighbouring bins rather than between any two distinct
// values. A bootstrap row drawn k times is one row of weight k. Deterministic for a seed:
// tree t's bootstrap and feature draws come from the t-th number of the seed's stream.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "analytics/tree.hpp"
#include "core/result.hpp"

namespace rapport::analytics {

struct ForestParams {
    int trees = 100;
    int maxFeatures = 0;  // features tried per split; 0: sqrt(feature count), at least 1
    int maxDepth = 0;     // 0: unlimited
    int64_t minSamplesLeaf = 1;
    bool bootstrap = true;  // false: every tree sees every row once (no out-of-bag rows)
    SplitCriterion criterion = SplitCriterion::Gini;
    uint64_t seed = 0;
    core::Status validate() const;
};

struct ForestModel {
    std::vector<TreeModel> trees;
    int features = 0;
    // Over the training rows out of at least one tree's bootstrap, each predicted by the
    // mean of those trees: 1 - accuracy at 0.5 (a tie counts as 0, as scikit-learn), and
    // the AUC. NaN without bootstrap, or without such rows or both labels among them.
    double oobError = 0;
    double oobAuc = 0;
    std::vector<double> impurityImportance;  // mean of the trees' normalized importance, sums to 1
};

// Step-by-step fit. The constructor copies X (the copy is freed once binned); the first
// steps bin the features, then every step() grows part of a tree, the step that finishes a
// tree also adding its out-of-bag predictions. On 100,000 x 20 a step takes about 2 ms in
// wasm and at most 5. X must be finite, y 0/1 of X.rows(), the parameters valid: with
// invalid parameters the fit is done at once and its result is empty.
//
// Fully grown trees are large: 100 of them on 100,000 noisy rows hold about 2.7 million
// nodes (some 130 MB); maxDepth or minSamplesLeaf keep a forest small.
class ForestFit {
public:
    ForestFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
              const ForestParams& params);
    ForestFit(ForestFit&&) noexcept;
    ForestFit& operator=(ForestFit&&) noexcept;
    ~ForestFit();

    bool step();
    double progress() const;  // 0..1, by binning and trees grown
    bool done() const;
    int treesDone() const;
    ForestModel result() const;  // the trees finished so far (all of them once done)
    ForestModel takeResult();    // the same, moving the trees out (the fit keeps none)

private:
    ForestModel summary() const;
    struct State;
    std::unique_ptr<State> state_;
};

ForestModel fitForest(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
                      const ForestParams& params);

// P(y = 1) for each row: the mean of the trees' probabilities, as scikit-learn.
Eigen::VectorXd predictForest(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

// The mean of the trees' path contributions (n x features): each row's sum is its
// prediction minus the mean of the trees' root values.
Eigen::MatrixXd forestContributions(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X);

// Permutation importance on the given data: for each feature, the mean drop in ROC AUC over
// `repeats` shuffles of its column (accuracy at 0.5 when y holds a single label). Near 0 or
// negative for a feature the forest does not use. Deterministic for a seed.
std::vector<double> permutationImportance(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X,
                                          const Eigen::Ref<const Eigen::VectorXi>& y, int repeats, uint64_t seed);

// The same step by step: (1 + features * repeats) predictions of every row, each step a
// bounded part of one (a few ms in wasm). Copies X and y; keeps a reference to the model,
// which must outlive it. repeats >= 1.
class PermutationImportanceFit {
public:
    PermutationImportanceFit(const ForestModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X,
                             const Eigen::Ref<const Eigen::VectorXi>& y, int repeats, uint64_t seed);
    PermutationImportanceFit(PermutationImportanceFit&&) noexcept;
    PermutationImportanceFit& operator=(PermutationImportanceFit&&) noexcept;
    ~PermutationImportanceFit();

    bool step();
    double progress() const;
    bool done() const;
    std::vector<double> result() const;  // per feature once done; all 0 before

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace rapport::analytics
