#include "analytics/evaluation.hpp"

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "core/random.hpp"

using namespace rapport;
using namespace rapport::analytics;

namespace {

Eigen::VectorXi labels(std::initializer_list<int> values) {
    Eigen::VectorXi v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const int x : values) v(i++) = x;
    return v;
}

Eigen::VectorXd scores(std::initializer_list<double> values) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const double x : values) v(i++) = x;
    return v;
}

// Scores that carry some signal, rounded to `levels` steps so that many are tied.
void randomScores(Eigen::Index n, int levels, double positiveRate, core::Random& rng, Eigen::VectorXi& y,
                  Eigen::VectorXd& p) {
    y.resize(n);
    p.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        y(i) = rng.chance(positiveRate) ? 1 : 0;
        const double raw = std::clamp(0.5 + 0.2 * (y(i) ? 1 : -1) + rng.normal(0, 0.25), 0.0, 1.0);
        p(i) = std::round(raw * levels) / levels;
    }
}

// Mann-Whitney by its definition: every (churned, stayed) pair, ties one half.
double bruteForceAuc(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    double wins = 0;
    int64_t pairs = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        if (y(i) != 1) continue;
        for (Eigen::Index j = 0; j < y.size(); ++j) {
            if (y(j) != 0) continue;
            ++pairs;
            wins += p(i) > p(j) ? 1.0 : p(i) == p(j) ? 0.5 : 0.0;
        }
    }
    return wins / static_cast<double>(pairs);
}

// Every threshold that changes the confusion matrix: each distinct score, and one above all.
std::vector<double> candidateThresholds(const Eigen::VectorXd& p) {
    std::set<double> distinct(p.data(), p.data() + p.size());
    std::vector<double> out(distinct.rbegin(), distinct.rend());
    out.insert(out.begin(), std::numeric_limits<double>::infinity());
    return out;
}

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("ROC AUC equals the brute-force pair count, ties counted as half") {
        core::Random rng(1);
        for (int trial = 0; trial < 60; ++trial) {
            CAPTURE(trial);
            Eigen::VectorXi y;
            Eigen::VectorXd p;
            randomScores(2 + static_cast<Eigen::Index>(rng.below(300)), 1 + static_cast<int>(rng.below(20)),
                         rng.uniform(0.05, 0.6), rng, y, p);
            if (y.sum() == 0 || y.sum() == y.size()) continue;
            CHECK(rocAuc(y, p) == doctest::Approx(bruteForceAuc(y, p)).epsilon(1e-14));
        }
        CHECK(rocAuc(labels({0, 0, 1, 1}), scores({0.1, 0.4, 0.35, 0.8})) == doctest::Approx(0.75));
        CHECK(rocAuc(labels({0, 1}), scores({0.5, 0.5})) == doctest::Approx(0.5));
        CHECK(rocAuc(labels({0, 1}), scores({0.2, 0.9})) == 1.0);
        CHECK(std::isnan(rocAuc(labels({1, 1}), scores({0.2, 0.9}))));
    }

    TEST_CASE("average precision matches hand-worked examples") {
        // scikit-learn's documented example.
        CHECK(averagePrecision(labels({0, 0, 1, 1}), scores({0.1, 0.4, 0.35, 0.8})) ==
              doctest::Approx(0.8333333333333333));
        // Ties enter together: thresholds 0.9 (1 of 2 flagged churned), 0.5 (2 of 4), 0.1 (3
        // of 5), each adding a third of the recall: (0.5 + 0.5 + 0.6) / 3.
        CHECK(averagePrecision(labels({1, 0, 1, 0, 1}), scores({0.9, 0.9, 0.5, 0.5, 0.1})) == doctest::Approx(1.6 / 3));
        CHECK(averagePrecision(labels({1, 1, 0}), scores({0.9, 0.8, 0.1})) == 1.0);
        CHECK(std::isnan(averagePrecision(labels({0, 0}), scores({0.2, 0.9}))));
    }

    TEST_CASE("without ties, average precision is the mean precision at each churner's rank") {
        core::Random rng(2);
        for (int trial = 0; trial < 20; ++trial) {
            const Eigen::Index n = 50 + static_cast<Eigen::Index>(rng.below(200));
            Eigen::VectorXi y(n);
            Eigen::VectorXd p(n);
            for (Eigen::Index i = 0; i < n; ++i) {
                y(i) = rng.chance(0.3) ? 1 : 0;
                p(i) = rng.uniform() + 0.3 * y(i);  // distinct with probability 1
            }
            if (y.sum() == 0) continue;
            std::vector<Eigen::Index> order(static_cast<size_t>(n));
            for (Eigen::Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
            std::sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return p(a) > p(b); });
            double sum = 0;
            int hits = 0;
            for (size_t rank = 0; rank < order.size(); ++rank) {
                if (y(order[rank]) == 1) sum += static_cast<double>(++hits) / static_cast<double>(rank + 1);
            }
            CHECK(averagePrecision(y, p) == doctest::Approx(sum / hits).epsilon(1e-13));
        }
    }

    TEST_CASE("metrics match scikit-learn 1.2.1 on a generated dataset") {
        // The same y and p written to a file and scored with sklearn.metrics (roc_auc_score,
        // average_precision_score, log_loss, brier_score_loss) by a throwaway script.
        core::Random rng(3);
        Eigen::VectorXi y;
        Eigen::VectorXd p;
        randomScores(1000, 100, 0.25, rng, y, p);
        const Metrics m = evaluate(y, p, 0.5);
        CHECK(m.rocAuc == doctest::Approx(0.88674805156814807).epsilon(1e-12));
        CHECK(m.prAuc == doctest::Approx(0.76112902574240449).epsilon(1e-12));
        CHECK(m.logLoss == doctest::Approx(0.46981023637296643).epsilon(1e-12));
        CHECK(m.brier == doctest::Approx(0.14302390000000004).epsilon(1e-12));
        CHECK(m.f1 == doctest::Approx(0.68181818181818177).epsilon(1e-12));
    }

    TEST_CASE("the confusion matrix and the metrics agree with each other") {
        core::Random rng(4);
        for (int trial = 0; trial < 200; ++trial) {
            CAPTURE(trial);
            Eigen::VectorXi y;
            Eigen::VectorXd p;
            randomScores(1 + static_cast<Eigen::Index>(rng.below(400)), 10, rng.uniform(0, 0.7), rng, y, p);
            const double threshold = std::round(rng.uniform() * 10) / 10;  // often equal to some scores
            const Metrics m = evaluate(y, p, threshold);
            const ConfusionMatrix& c = m.confusion;
            int64_t tp = 0, fp = 0, tn = 0, fn = 0;
            for (Eigen::Index i = 0; i < y.size(); ++i) {
                const bool flagged = p(i) >= threshold;
                tp += y(i) == 1 && flagged;
                fp += y(i) == 0 && flagged;
                tn += y(i) == 0 && !flagged;
                fn += y(i) == 1 && !flagged;
            }
            CHECK(c.tp == tp);
            CHECK(c.fp == fp);
            CHECK(c.tn == tn);
            CHECK(c.fn == fn);
            CHECK(m.n == y.size());
            CHECK(m.positives == y.sum());
            CHECK(m.threshold == threshold);
            CHECK(m.accuracy == doctest::Approx(static_cast<double>(tp + tn) / static_cast<double>(y.size())));
            CHECK(m.precision == doctest::Approx(tp + fp == 0 ? 0.0 : static_cast<double>(tp) / (tp + fp)));
            CHECK(m.recall == doctest::Approx(tp + fn == 0 ? 0.0 : static_cast<double>(tp) / (tp + fn)));
            if (m.precision + m.recall > 0)
                CHECK(m.f1 == doctest::Approx(2 * m.precision * m.recall / (m.precision + m.recall)));
            else
                CHECK(m.f1 == 0.0);
            const bool bothClasses = tp + fn > 0 && tn + fp > 0;
            CHECK(std::isnan(m.rocAuc) == !bothClasses);
            if (bothClasses) CHECK(m.rocAuc == rocAuc(y, p));
            if (tp + fn > 0) CHECK(m.prAuc == averagePrecision(y, p));
        }
    }

    TEST_CASE("log loss and Brier score by hand") {
        const Eigen::VectorXi y = labels({1, 0});
        CHECK(logLoss(y, scores({0.8, 0.4})) == doctest::Approx(-(std::log(0.8) + std::log(0.6)) / 2));
        CHECK(brierScore(y, scores({0.8, 0.4})) == doctest::Approx(0.1));
        // A certain mistake costs -log(2^-52), not infinity.
        CHECK(logLoss(labels({0}), scores({1.0})) == doctest::Approx(36.04365338911715));
        CHECK(std::isfinite(logLoss(labels({1}), scores({0.0}))));
        const Metrics empty = evaluate(Eigen::VectorXi(0), Eigen::VectorXd(0));
        CHECK(empty.n == 0);
        CHECK(std::isnan(empty.accuracy));
        CHECK(std::isnan(empty.logLoss));
    }

    TEST_CASE("stratified split takes the rounded test share of every class exactly") {
        core::Random rng(5);
        Eigen::VectorXi y(1003);
        for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = rng.chance(0.27) ? 1 : (rng.chance(0.1) ? 2 : 0);
        y(1002) = 7;  // a class of one row stays in training
        const Split split = stratifiedSplit(y, 0.2, 42);
        CHECK(static_cast<Eigen::Index>(split.train.size() + split.test.size()) == y.size());
        CHECK(std::is_sorted(split.train.begin(), split.train.end()));
        CHECK(std::is_sorted(split.test.begin(), split.test.end()));
        std::vector<int> seen(static_cast<size_t>(y.size()), 0);
        for (const int64_t i : split.train) ++seen[static_cast<size_t>(i)];
        for (const int64_t i : split.test) ++seen[static_cast<size_t>(i)];
        CHECK(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
        for (const int label : {0, 1, 2, 7}) {
            CAPTURE(label);
            const int64_t total = (y.array() == label).count();
            int64_t inTest = 0;
            for (const int64_t i : split.test) inTest += y(i) == label;
            const int64_t expected = total < 2 ? 0 : std::clamp<int64_t>(std::llround(total * 0.2), 1, total - 1);
            CHECK(inTest == expected);
        }
        // Deterministic for a seed, different for another.
        CHECK(stratifiedSplit(y, 0.2, 42).test == split.test);
        CHECK(stratifiedSplit(y, 0.2, 43).test != split.test);
        // Halves round up: 5 rows of each class at 30% -> 1.5 -> 2.
        const Split small = stratifiedSplit(labels({0, 0, 0, 0, 0, 1, 1, 1, 1, 1}), 0.3, 1);
        CHECK(small.test.size() == 4);
    }

    TEST_CASE("stratified k-fold puts every row in exactly one test fold, classes spread evenly") {
        core::Random rng(6);
        Eigen::VectorXi y(517);
        for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = rng.chance(0.2) ? 1 : 0;
        const int k = 5;
        const std::vector<Split> folds = stratifiedKFold(y, k, 9);
        REQUIRE(folds.size() == static_cast<size_t>(k));
        std::vector<int> inTest(static_cast<size_t>(y.size()), 0);
        std::vector<int64_t> sizes, positives;
        for (const Split& f : folds) {
            CHECK(static_cast<Eigen::Index>(f.train.size() + f.test.size()) == y.size());
            CHECK(std::is_sorted(f.test.begin(), f.test.end()));
            std::vector<int64_t> both = f.train;
            both.insert(both.end(), f.test.begin(), f.test.end());
            std::sort(both.begin(), both.end());
            CHECK(std::adjacent_find(both.begin(), both.end()) == both.end());  // train and test disjoint
            for (const int64_t i : f.test) ++inTest[static_cast<size_t>(i)];
            sizes.push_back(static_cast<int64_t>(f.test.size()));
            int64_t pos = 0;
            for (const int64_t i : f.test) pos += y(i);
            positives.push_back(pos);
        }
        CHECK(std::all_of(inTest.begin(), inTest.end(), [](int s) { return s == 1; }));
        CHECK(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()) <= 1);
        CHECK(*std::max_element(positives.begin(), positives.end()) -
                  *std::min_element(positives.begin(), positives.end()) <=
              1);
        CHECK(stratifiedKFold(y, k, 9)[2].test == folds[2].test);
    }

    TEST_CASE("calibration bins are equal-width, with edges as scikit-learn's calibration_curve") {
        // scikit-learn 1.2.1 gives prob_true [0, 0.5, 1, 0, 1], prob_pred [0.025, 0.135, 0.5, 0.55, 0.975].
        const Eigen::VectorXi y = labels({0, 0, 1, 0, 1, 0, 1, 1});
        const Eigen::VectorXd p = scores({0.0, 0.05, 0.15, 0.12, 0.5, 0.55, 0.95, 1.0});
        const std::vector<CalibrationBin> bins = calibration(y, p, 10);
        REQUIRE(bins.size() == 5);  // empty bins are left out
        CHECK(bins[0].low == 0.0);
        CHECK(bins[0].n == 2);
        CHECK(bins[0].meanPredicted == doctest::Approx(0.025));
        CHECK(bins[0].observedRate == 0.0);
        CHECK(bins[1].low == doctest::Approx(0.1));
        CHECK(bins[1].meanPredicted == doctest::Approx(0.135));
        CHECK(bins[1].observedRate == 0.5);
        CHECK(bins[2].high == doctest::Approx(0.5));  // 0.5 sits on an edge: the bin below
        CHECK(bins[2].n == 1);
        CHECK(bins[2].observedRate == 1.0);
        CHECK(bins[3].low == doctest::Approx(0.5));
        CHECK(bins[3].meanPredicted == doctest::Approx(0.55));
        CHECK(bins[3].observedRate == 0.0);
        CHECK(bins[4].high == 1.0);  // 1.0 is in the last bin
        CHECK(bins[4].n == 2);
        CHECK(bins[4].meanPredicted == doctest::Approx(0.975));
        CHECK(bins[4].observedRate == 1.0);
        int64_t total = 0;
        for (const CalibrationBin& b : bins) total += b.n;
        CHECK(total == 8);
        // Three bins: 0.5 is inside the middle one.
        const std::vector<CalibrationBin> three = calibration(labels({1}), scores({0.5}), 3);
        REQUIRE(three.size() == 1);
        CHECK(three[0].low == doctest::Approx(1.0 / 3));
    }

    TEST_CASE("gains table by decile from a hand-worked ranking") {
        // 20 distinct scores, 2 rows per decile; by rank the churners are 1, 2, 3, 6, 9, 16.
        const int churnedRanks[] = {1, 2, 3, 6, 9, 16};
        Eigen::VectorXi y = Eigen::VectorXi::Zero(20);
        Eigen::VectorXd p(20);
        for (int i = 0; i < 20; ++i) p(i) = 0.01 * (i + 1);  // row i has rank 20 - i
        for (const int rank : churnedRanks) y(20 - rank) = 1;
        const std::vector<DecileRow> t = gainsTable(y, p);
        REQUIRE(t.size() == 10);
        CHECK(t[0].decile == 1);
        CHECK(t[0].n == 2);
        CHECK(t[0].positives == 2);
        CHECK(t[0].rate == 1.0);
        CHECK(t[0].cumulativeRecall == doctest::Approx(2.0 / 6));
        CHECK(t[0].lift == doctest::Approx(1.0 / 0.3));
        CHECK(t[0].ks == doctest::Approx(2.0 / 6));
        CHECK(t[1].positives == 1);
        CHECK(t[1].lift == doctest::Approx(0.5 / 0.3));
        CHECK(t[1].cumulativeLift == doctest::Approx(0.75 / 0.3));
        CHECK(t[1].ks == doctest::Approx(0.5 - 1.0 / 14));
        CHECK(t[2].cumulativeRecall == doctest::Approx(4.0 / 6));
        CHECK(t[2].cumulativeLift == doctest::Approx((4.0 / 6) / 0.3));
        CHECK(t[2].ks == doctest::Approx(4.0 / 6 - 2.0 / 14));
        CHECK(t[3].positives == 0);
        CHECK(t[3].lift == 0.0);
        CHECK(t[9].cumulativeRecall == doctest::Approx(1.0));
        CHECK(t[9].cumulativeLift == doctest::Approx(1.0));
        CHECK(t[9].ks == doctest::Approx(0.0).scale(1));
        // The largest decile KS is at most the exact KS over all thresholds (0.548, after rank 9).
        double best = 0;
        for (const DecileRow& r : t) best = std::max(best, r.ks);
        CHECK(best <= ksStatistic(y, p) + 1e-15);

        // 23 rows: decile d holds rows floor((d-1) 23 / 10) .. floor(d 23 / 10) - 1.
        Eigen::VectorXi y23 = Eigen::VectorXi::Zero(23);
        y23(0) = 1;
        const std::vector<DecileRow> uneven = gainsTable(y23, Eigen::VectorXd::LinSpaced(23, 0, 1));
        const int64_t expectedSizes[] = {2, 2, 2, 3, 2, 2, 3, 2, 2, 3};
        REQUIRE(uneven.size() == 10);
        for (int d = 0; d < 10; ++d) CHECK(uneven[d].n == expectedSizes[d]);
        // Tied scores keep their row order: all tied, so the first two rows make decile 1.
        const std::vector<DecileRow> tied = gainsTable(y23, Eigen::VectorXd::Constant(23, 0.5));
        CHECK(tied[0].positives == 1);
    }

    TEST_CASE("KS statistic equals the largest gap between the classes' score distributions") {
        core::Random rng(7);
        for (int trial = 0; trial < 40; ++trial) {
            Eigen::VectorXi y;
            Eigen::VectorXd p;
            randomScores(2 + static_cast<Eigen::Index>(rng.below(200)), 8, 0.3, rng, y, p);
            const int64_t positives = y.sum(), negatives = y.size() - positives;
            if (positives == 0 || negatives == 0) continue;
            double best = 0;
            for (const double t : candidateThresholds(p)) {
                const ConfusionMatrix c = confusion(y, p, t);
                best = std::max(
                    best, std::fabs(static_cast<double>(c.tp) / positives - static_cast<double>(c.fp) / negatives));
            }
            CHECK(ksStatistic(y, p) == doctest::Approx(best).epsilon(1e-14));
        }
        CHECK(ksStatistic(labels({0, 0, 1, 1}), scores({0.1, 0.2, 0.8, 0.9})) == 1.0);
    }

    TEST_CASE("the best threshold is the brute-force best over every distinct score") {
        core::Random rng(8);
        for (int trial = 0; trial < 60; ++trial) {
            CAPTURE(trial);
            Eigen::VectorXi y;
            Eigen::VectorXd p;
            randomScores(1 + static_cast<Eigen::Index>(rng.below(200)), 20, rng.uniform(0.05, 0.5), rng, y, p);
            const double cost = rng.uniform(1, 20), saved = rng.uniform(0, 100);
            double bestValue = 0, bestThresholdSeen = std::numeric_limits<double>::infinity();
            for (const double t : candidateThresholds(p)) {
                const ConfusionMatrix c = confusion(y, p, t);
                const double value = static_cast<double>(c.tp) * saved - static_cast<double>(c.tp + c.fp) * cost;
                if (value > bestValue) {
                    bestValue = value;
                    bestThresholdSeen = t;
                }
            }
            const ThresholdChoice choice = bestThreshold(y, p, cost, saved);
            CHECK(choice.expectedValue == doctest::Approx(bestValue));
            const ConfusionMatrix c = confusion(y, p, choice.threshold);
            CHECK(c.tp == choice.confusion.tp);
            CHECK(c.fp == choice.confusion.fp);
            CHECK(c.tn == choice.confusion.tn);
            CHECK(c.fn == choice.confusion.fn);
            if (std::isfinite(bestThresholdSeen)) {
                CHECK(choice.threshold == bestThresholdSeen);
            } else {
                CHECK(choice.threshold > p.maxCoeff());  // flag nobody
                CHECK(c.tp + c.fp == 0);
            }
        }
        // Contacting is free and saving pays: flag everyone who could churn.
        const ThresholdChoice all = bestThreshold(labels({1, 0, 1, 0}), scores({0.9, 0.8, 0.3, 0.1}), 0.0, 10.0);
        CHECK(all.threshold == 0.3);
        CHECK(all.expectedValue == 20.0);
    }

    TEST_CASE("ROC and precision-recall curves agree with the exact areas and are thinned for drawing") {
        core::Random rng(9);
        Eigen::VectorXi y;
        Eigen::VectorXd p;
        randomScores(300, 30, 0.3, rng, y, p);
        const std::vector<CurvePoint> roc = rocCurve(y, p, 100000);  // no thinning
        REQUIRE(roc.size() == candidateThresholds(p).size());
        CHECK(roc.front().x == 0.0);
        CHECK(roc.front().y == 0.0);
        CHECK(std::isinf(roc.front().threshold));
        CHECK(roc.back().x == 1.0);
        CHECK(roc.back().y == 1.0);
        double trapezoid = 0;
        for (size_t k = 1; k < roc.size(); ++k) trapezoid += (roc[k].x - roc[k - 1].x) * (roc[k].y + roc[k - 1].y) / 2;
        CHECK(trapezoid == doctest::Approx(rocAuc(y, p)).epsilon(1e-12));

        const std::vector<CurvePoint> pr = prCurve(y, p, 100000);
        REQUIRE(pr.size() == roc.size());
        CHECK(pr.front().x == 0.0);
        CHECK(pr.front().y == 1.0);
        CHECK(pr.back().x == 1.0);
        CHECK(pr.back().y == doctest::Approx(static_cast<double>(y.sum()) / y.size()));
        double stepArea = 0;
        for (size_t k = 1; k < pr.size(); ++k) stepArea += (pr[k].x - pr[k - 1].x) * pr[k].y;
        CHECK(stepArea == doctest::Approx(averagePrecision(y, p)).epsilon(1e-12));

        // 100,000 distinct scores: at most about 500 points, still from (0, 0) to (1, 1),
        // monotone, thresholds decreasing.
        Eigen::VectorXi bigY(100000);
        Eigen::VectorXd bigP(100000);
        for (Eigen::Index i = 0; i < bigY.size(); ++i) {
            bigY(i) = rng.chance(0.2) ? 1 : 0;
            bigP(i) = rng.uniform() * 0.7 + 0.3 * bigY(i);
        }
        for (const auto& curve : {rocCurve(bigY, bigP), prCurve(bigY, bigP)}) {
            CHECK(curve.size() <= 502);
            CHECK(curve.size() >= 400);
            CHECK(curve.back().x == 1.0);
            for (size_t k = 1; k < curve.size(); ++k) {
                CHECK(curve[k].x >= curve[k - 1].x);
                CHECK(curve[k].threshold < curve[k - 1].threshold);
            }
        }
        CHECK(rocCurve(labels({1, 1}), scores({0.2, 0.3})).empty());
    }

    TEST_CASE("a metric over folds gets a t interval") {
        const double values[] = {0.80, 0.82, 0.78, 0.81, 0.79, std::nan("")};  // the NaN fold is left out
        const MetricSummary s = summarizeFolds(values);
        CHECK(s.count == 5);
        CHECK(s.mean == doctest::Approx(0.80));
        CHECK(s.sd == doctest::Approx(std::sqrt(0.001 / 4)));
        // t(0.975, 4) = 2.7764451051977987
        const double half = 2.7764451051977987 * std::sqrt(0.001 / 4) / std::sqrt(5.0);
        CHECK(s.low == doctest::Approx(0.80 - half).epsilon(1e-12));
        CHECK(s.high == doctest::Approx(0.80 + half).epsilon(1e-12));
        const double one[] = {0.7};
        const MetricSummary single = summarizeFolds(one);
        CHECK(single.mean == doctest::Approx(0.7));
        CHECK(std::isnan(single.sd));
        CHECK(std::isnan(single.low));
    }
}
