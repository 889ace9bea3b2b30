// evaluation.hpp: honest evaluation of a churn model's scores. Stratified train/test
// splits and k-fold cross-validation; the confusion matrix at a threshold and the metrics
// read from it; threshold-free metrics (ROC AUC, average precision, Brier score, log loss);
// ROC and precision-recall curves for drawing; calibration; gains, lift and KS by decile;
// the threshold with the best expected value of a retention campaign; and a summary of a
// metric over folds.
//
// Conventions shared by every function:
// - y holds 0/1 labels (1 = churned, the positive class); p holds one finite score per row,
//   usually a probability. Rows are flagged (predicted 1) when p >= threshold.
// - Ranking metrics treat equal scores as one threshold: tied rows enter together, so no
//   figure depends on the order of the rows (except the deciles of gainsTable, see there).
// - A metric that is not defined for the data (an AUC when only one class is present, a
//   rate of an empty group) is NaN, for the UI to show as "n/a".
// - Every figure of a report comes from the same counts, so they agree with each other:
//   accuracy = (tp + tn) / n, precision = tp / (tp + fp), and so on.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

namespace rapport::analytics {

// ---- Splits ---------------------------------------------------------------------------

struct Split {
    std::vector<int64_t> train, test;  // row numbers, each list in increasing order
};

// Each class (label value) is split on its own: of its n_c rows, drawn at random,
// llround(n_c * testShare) go to the test set (the nearest whole number, halves up), kept
// between 1 and n_c - 1 so that both sets see every class that has at least two rows; a
// class of one row stays in training. So each class's share of the test set is as close to
// testShare as whole rows allow, and both sets have the same class proportions up to
// rounding. testShare in (0, 1). Deterministic for a seed.
Split stratifiedSplit(const Eigen::VectorXi& y, double testShare, uint64_t seed);

// k splits whose test sets partition the rows: every row is in exactly one test set. Each
// class's rows are shuffled and dealt to the folds in turn (continuing from one class to the
// next), so per class the folds differ by at most one row, and in total by at most one.
// A class with fewer than k rows is missing from some folds. 2 <= k <= number of rows.
std::vector<Split> stratifiedKFold(const Eigen::VectorXi& y, int k, uint64_t seed);

// ---- The confusion matrix and the metrics ----------------------------------------------

struct ConfusionMatrix {
    int64_t tp = 0, fp = 0, tn = 0, fn = 0;
};

// Rows with p >= threshold are predicted churned.
ConfusionMatrix confusion(const Eigen::VectorXi& y, const Eigen::VectorXd& p, double threshold);

struct Metrics {
    double accuracy = 0;   // (tp + tn) / n
    double precision = 0;  // tp / (tp + fp); 0 when nobody is flagged (scikit-learn's zero_division)
    double recall = 0;     // tp / (tp + fn); 0 when there are no positives
    double f1 = 0;         // 2 tp / (2 tp + fp + fn); 0 when that is 0 / 0
    double rocAuc = 0;     // rocAuc() below
    double prAuc = 0;      // averagePrecision() below
    double brier = 0;      // mean of (p - y)^2
    double logLoss = 0;    // mean of -[y log p + (1 - y) log(1 - p)], p clipped as scikit-learn 1.2
    ConfusionMatrix confusion;
    double threshold = 0.5;
    int64_t n = 0, positives = 0;
};

// All of the above at one threshold. For an empty y every rate is NaN.
Metrics evaluate(const Eigen::VectorXi& y, const Eigen::VectorXd& p, double threshold = 0.5);

// Probabilities are clipped to [eps, 1 - eps] with eps = 2^-52 (scikit-learn 1.2's "auto"
// for doubles) before the logarithms, so a confident mistake costs about 36, not infinity.
double logLoss(const Eigen::VectorXi& y, const Eigen::VectorXd& p);
double brierScore(const Eigen::VectorXi& y, const Eigen::VectorXd& p);

// The probability that a random churned customer scores above a random staying one, ties
// counting one half (the Mann-Whitney U statistic over n1 n0). O(n log n). NaN unless both
// classes are present.
double rocAuc(const Eigen::VectorXi& y, const Eigen::VectorXd& p);

// As sklearn.metrics.average_precision_score: sum over distinct thresholds, from the highest,
// of (R_k - R_{k-1}) P_k, where P_k and R_k are the precision and recall when every row
// scoring at least the k-th threshold is flagged (no interpolation). NaN without positives.
double averagePrecision(const Eigen::VectorXi& y, const Eigen::VectorXd& p);

// The Kolmogorov-Smirnov statistic between the scores of churned and staying customers:
// the largest |TPR - FPR| over all thresholds, in [0, 1]. NaN unless both classes are present.
double ksStatistic(const Eigen::VectorXi& y, const Eigen::VectorXd& p);

// ---- Curves for drawing ------------------------------------------------------------------

struct CurvePoint {
    double x = 0, y = 0, threshold = 0;
};

// Curves have one point per distinct score, from the highest threshold down, thinned to at
// most about maxPoints: a point is kept when the curve has travelled at least 1/maxPoints of
// its total length (|dx| + |dy|) since the last kept point; the first and last points are
// always kept. Thinning only drops points where the curve is nearly straight at the scale
// of a chart; compute AUCs with rocAuc() and averagePrecision(), not from these points.
constexpr int kCurvePoints = 500;

// x = false positive rate, y = true positive rate; starts at (0, 0) with threshold +inf
// and ends at (1, 1). Empty unless both classes are present.
std::vector<CurvePoint> rocCurve(const Eigen::VectorXi& y, const Eigen::VectorXd& p, int maxPoints = kCurvePoints);
// x = recall, y = precision; starts at recall 0, precision 1 (threshold +inf, as scikit-learn
// draws it) and ends with every row flagged. Empty without positives.
std::vector<CurvePoint> prCurve(const Eigen::VectorXi& y, const Eigen::VectorXd& p, int maxPoints = kCurvePoints);

// ---- Calibration and gains ------------------------------------------------------------------

struct CalibrationBin {
    double low = 0, high = 0;  // the bin's edges: (low, high], the first bin [0, high]
    double meanPredicted = 0;  // mean score of the rows in the bin
    double observedRate = 0;   // share of them that churned
    int64_t n = 0;
};

// Equal-width bins over [0, 1], exactly as sklearn.calibration.calibration_curve(
// strategy="uniform") in scikit-learn 1.2: edges i * (1 / bins) (numpy's linspace), a score
// on an inner edge goes to the bin below (so 0.5 is in (0.4, 0.5]), scores outside [0, 1]
// to the first or last bin. Empty bins are left out, so the list can be shorter than bins.
// bins >= 1.
std::vector<CalibrationBin> calibration(const Eigen::VectorXi& y, const Eigen::VectorXd& p, int bins = 10);

struct DecileRow {
    int decile = 0;  // 1 = highest scores
    int64_t n = 0, positives = 0;
    double rate = 0;              // positives / n
    double cumulativeRecall = 0;  // gains: share of all positives in deciles 1..d
    double lift = 0;              // rate / overall rate
    double cumulativeLift = 0;    // rate of deciles 1..d / overall rate
    double ks = 0;                // share of positives minus share of negatives in deciles 1..d
};

// Rows sorted by descending score; decile d (1..10) holds rows floor((d-1) n / 10) to
// floor(d n / 10) - 1 of that order, so sizes differ by at most one. Ties: rows with equal
// scores keep their row order, so a tie that straddles a boundary is split by row number
// (deterministic, but a different row order could move a few rows between two deciles).
// Deciles with no rows (n < 10) are left out. Empty without positives.
std::vector<DecileRow> gainsTable(const Eigen::VectorXi& y, const Eigen::VectorXd& p);

// ---- Choosing a threshold ----------------------------------------------------------------------

struct ThresholdChoice {
    double threshold = 0;  // flag rows with p >= threshold
    double expectedValue = 0;
    ConfusionMatrix confusion;
};

// A retention campaign that contacts every flagged customer: contactCost per customer
// flagged, savedValue per churner flagged (the value kept times the campaign's success rate,
// folded in by the caller): value = tp * savedValue - (tp + fp) * contactCost. The best over
// every distinct score as threshold and over flagging nobody (value 0, threshold just above
// the highest score). Ties go to the higher threshold (fewer contacts).
ThresholdChoice bestThreshold(const Eigen::VectorXi& y, const Eigen::VectorXd& p, double contactCost,
                              double savedValue);

// ---- A metric over folds -------------------------------------------------------------------------

struct MetricSummary {
    double mean = 0, sd = 0;   // sd: sample standard deviation (n - 1)
    double low = 0, high = 0;  // t interval for the mean: mean -/+ t(1 - (1 - confidence) / 2, k - 1) sd / sqrt(k)
    int count = 0;             // folds with a defined value
};

// Over the folds' values of one metric; NaN values (a fold where the metric is undefined)
// are left out. With fewer than 2 values sd, low and high are NaN.
MetricSummary summarizeFolds(std::span<const double> values, double confidence = 0.95);

}  // namespace rapport::analytics
