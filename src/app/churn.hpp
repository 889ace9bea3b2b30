// churn.hpp: churn risk: training a model (logistic regression, decision tree, random
// forest) on the labelled population of churn_data.hpp, evaluating it honestly (a held-out
// test set, cross-validation intervals on the training set, or a time split), scoring every
// current customer with the reasons for their risk, and keeping runs to compare.
//
// A run is a job: read the facts, build the dataset(s), split, cross-validate, fit, evaluate
// on the test set, score current customers, save (model_runs 'churn', its arrays, and one
// customer_scores row per scored customer so scores can be exported and filtered).
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/evaluation.hpp"
#include "analytics/forest.hpp"
#include "analytics/logistic.hpp"
#include "analytics/tree.hpp"
#include "app/churn_data.hpp"
#include "core/result.hpp"

namespace rapport::app {

struct AppState;

enum class ChurnModelKind { Logistic, Tree, Forest };
const char* churnModelName(ChurnModelKind kind);  // "logistic", "tree", "forest"
const char* churnModelLabel(ChurnModelKind kind); // "Logistic regression", ...
enum class ChurnValidation { Holdout, CrossValidation, TimeSplit };
const char* churnValidationName(ChurnValidation v);  // "holdout", "cv", "time"

struct ChurnParams {
    ChurnLabelSpec label;
    ChurnFeatureSpec features;  // empty: defaultChurnFeatures()
    ChurnModelKind model = ChurnModelKind::Logistic;
    analytics::LogisticParams logistic;
    analytics::TreeParams tree;
    analytics::ForestParams forest;
    // Holdout: a stratified test share of the population. CrossValidation: k folds over the
    // whole population (the metrics are their mean; scores come from a fit on everyone).
    // TimeSplit: train on features and labels as of the cut-off minus the window, test on
    // the cut-off's population. Cross-validation intervals are also computed on the
    // training set of the other two when crossValidate is on.
    ChurnValidation validation = ChurnValidation::Holdout;
    double testShare = 0.2;
    int folds = 5;
    bool crossValidate = true;
    uint64_t seed = 0;
    // Customer value for "value at risk": "revenue_12m" (revenue in the last 12 months), or
    // "attr:<name>" times valueMultiplier (e.g. a monthly charge times 12). Empty: chosen
    // from the data.
    std::string valueKey;
    double valueMultiplier = 1;
    // The hook's {split: true}: the result lists the test customers (external ids), so a
    // reference can be computed on exactly the same split. Not saved with the run.
    bool reportSplit = false;
    // Let the data decide (the hook without a label or validation): see chooseChurnDefaults.
    bool autoLabel = false, autoValidation = false;
    core::Status validate() const;
};

// Sensible choices for these data: the label (the churned column when anyone is marked,
// else inactivity when there are orders, else an attribute named like churn) and the
// validation (a time split when the label has dates, else a stratified test set).
void chooseChurnLabel(const store::CustomerFacts& facts, ChurnLabelSpec& label);
void chooseChurnValidation(const store::CustomerFacts& facts, ChurnParams& params);

struct ChurnImportance {
    std::string feature;
    double importance = 0;   // logistic: |weight| per standard deviation, normalized; trees: impurity decrease, normalized
    double permutation = 0;  // drop of the test AUC when the feature is shuffled
};

struct ChurnRun {
    int64_t runId = 0;
    std::string createdAt;
    uint64_t dataVersion = 0;
    ChurnParams params;
    int32_t cutoffDay = 0, trainCutoffDay = 0;
    int64_t nTrain = 0, nTest = 0, excluded = 0;
    double baseRate = 0;  // churned share in the training set
    std::vector<std::string> columns;
    std::vector<std::string> notes;     // missing values, rare categories, left-out features
    std::vector<std::string> warnings;  // from the fit

    analytics::Metrics test;                            // at 0.5
    std::vector<std::pair<std::string, analytics::MetricSummary>> cv;  // metric name -> over folds
    std::vector<analytics::CurvePoint> roc, pr;
    std::vector<analytics::CalibrationBin> calibrationBins;
    std::vector<analytics::DecileRow> gains;
    std::vector<ChurnImportance> importance;  // by importance, largest first
    Eigen::VectorXi testY;                    // for the threshold control: confusion at any threshold
    Eigen::VectorXd testP;
    double oobError = NAN;                    // forest
    double fitMillis = 0;                     // the final fit's wall time (its slices summed)

    // Logistic: coefficients per standard deviation and per unit, with their columns.
    Eigen::VectorXd weights, weightsOriginal;
    double intercept = 0;

    // Current customers, by value at risk (largest first).
    std::vector<int64_t> scoredIds;
    std::vector<float> scoredP;
    std::vector<double> value;
    std::vector<std::array<int32_t, 3>> driverColumn;  // the columns that raise the risk most (-1: none)
    std::vector<std::array<float, 3>> driverEffect;    // their contributions (log-odds or probability points)
    // Which side of the training mean the customer is on for each driver column (1 above:
    // "high", or has the category; 0 below). Empty for runs saved before it was kept.
    std::vector<std::array<int8_t, 3>> driverHigh;
    int32_t scoredAsOf = 0;
    std::string valueLabel;                             // what "value" is
};

// Saved runs of the current database, newest first (id, when, model, validation, AUC, F1).
struct ChurnRunSummary {
    int64_t id = 0;
    std::string createdAt, model, validation, label;
    double rocAuc = NAN, prAuc = NAN, f1 = NAN, accuracy = NAN, brier = NAN, logLoss = NAN;
    double rocAucLow = NAN, rocAucHigh = NAN;  // cross-validation interval, when there was one
    double fitMillis = 0;
    int64_t nTrain = 0, nTest = 0, features = 0;
    std::vector<analytics::CurvePoint> roc;      // for drawing runs over each other
};

// A row of the at-risk list as the view shows it.
struct ChurnAtRiskRow {
    int64_t id = 0;
    std::string customer, name, email;  // external id, name, email ("" when the customer is gone)
    float probability = 0;
    double value = 0;
    std::array<int32_t, 3> driverColumn{-1, -1, -1};
    std::array<float, 3> driverEffect{0, 0, 0};
};

struct ChurnState {
    ChurnParams draft;
    bool draftInitialised = false;
    std::optional<ChurnRun> run;  // shown
    bool restored = false;
    double threshold = 0.5;
    double contactCost = 10, savedValue = 100;  // for the threshold suggestion
    std::vector<int64_t> compareIds;            // runs picked for side-by-side comparison
    std::string error;
    std::string message;
    std::string segmentName = "At risk";
    int tab = -1;  // a tab of the view to open on the next frame (0 set-up, 1 results, 2 risk, 3 runs), -1 none

    // Caches for the view (kept here so a frame never reads the database).
    std::vector<ChurnFeatureInfo> catalog;
    const store::CustomerFacts* catalogFacts = nullptr;
    std::vector<ChurnRunSummary> runs;
    uint64_t runsVersion = 0;
    int64_t runsForRun = -1;
    bool runsStale = true;
    std::vector<ChurnAtRiskRow> atRisk;
    int64_t atRiskRunId = -1;
    size_t atRiskCount = 0;
    uint64_t atRiskVersion = 0;
    uint64_t factsRequestedVersion = 0;
};

// What the Churn view needs each frame: the facts (null while they are read: reading is
// started here), the feature catalog, and the saved runs. Restores the last run and sets
// the draft's defaults from the data the first time.
struct ChurnContext {
    const store::CustomerFacts* facts = nullptr;
    const std::vector<ChurnFeatureInfo>* catalog = nullptr;
    const std::vector<ChurnRunSummary>* runs = nullptr;
};
ChurnContext churnContext(AppState& app);
// The draft's label, validation and features chosen again from the data.
void resetChurnDraft(AppState& app, const store::CustomerFacts& facts);
// The first `count` customers of the shown run's at-risk list, with names (cached).
const std::vector<ChurnAtRiskRow>& churnAtRisk(AppState& app, size_t count);
// Deletes a saved run (and its scores); the shown run too when it is that one.
core::Status deleteChurnRun(AppState& app, int64_t runId);

core::Result<uint64_t> startChurn(AppState& app, const ChurnParams& params);
// The run as the hook returns it: {runId, model, validation, metrics, cv, importance,
// n_train, n_test, baseRate, cutoff, columns, notes}.
std::string churnJson(const ChurnRun& run);
std::vector<ChurnRunSummary> churnRuns(AppState& app);
// Loads a saved run (to show it again); the newest at start-up.
bool loadChurnRun(AppState& app, int64_t runId);
void restoreChurn(AppState& app);
// The per-customer scores of a run as JSON for rapport.scores(runId, limit): by value at risk.
core::Result<std::string> churnScoresJson(AppState& app, int64_t runId, int64_t limit);
// A driver in words: "tenure low", "MonthlyCharges high", "Contract = Month-to-month",
// "not Partner = Yes", "Income missing" (the bare column name when the side is unknown).
std::string churnDriverText(const ChurnRun& run, size_t customer, size_t driver);
// The at-risk list as CSV (customer_id, name, email, churn_probability, value, value_at_risk,
// driver_1..3), for download; and the top customers as a saved segment.
void exportAtRisk(AppState& app, int64_t limit);
bool saveAtRiskSegment(AppState& app, const std::string& name, double minProbability);

}  // namespace rapport::app
