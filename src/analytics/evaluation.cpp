// evaluation.cpp: splits, metrics, curves, calibration, gains and threshold choice (see
// evaluation.hpp for the conventions). Every ranking figure is read from one list of
// score groups (distinct scores, highest first, with their counts of churned and staying
// customers), so ties are handled the same way everywhere and all counts are exact
// integers until the final division.
//
// Contents
//   1. Shared helpers: checks, score groups, curve thinning
//   2. Splits
//   3. Confusion matrix and metrics
//   4. Ranking metrics: ROC AUC, average precision, KS
//   5. Curves
//   6. Calibration and gains
//   7. Threshold choice and fold summaries

#include "analytics/evaluation.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

#include "analytics/distributions.hpp"
#include "core/random.hpp"

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// =======================================================================================
// 1. Shared helpers: checks, score groups, curve thinning
// =======================================================================================

// Programmer errors: the app builds y and p from the same rows, with 0/1 labels and
// finite scores (a NaN would break the sort's ordering).
[[maybe_unused]] bool validScores(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    if (y.size() != p.size()) return false;
    for (Eigen::Index i = 0; i < y.size(); ++i)
        if ((y(i) != 0 && y(i) != 1) || !std::isfinite(p(i))) return false;
    return true;
}

struct ScoreGroup {
    double score;
    int64_t positives, negatives;
};

struct Groups {
    std::vector<ScoreGroup> list;  // distinct scores, highest first
    int64_t positives = 0, negatives = 0;
};

Groups scoreGroups(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    assert(validScores(y, p));
    struct Row {
        double score;
        int label;
    };
    std::vector<Row> rows(static_cast<size_t>(y.size()));
    for (Eigen::Index i = 0; i < y.size(); ++i) rows[static_cast<size_t>(i)] = {p(i), y(i)};
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.score > b.score; });
    Groups g;
    for (const Row& r : rows) {
        if (g.list.empty() || g.list.back().score != r.score) g.list.push_back({r.score, 0, 0});
        (r.label ? g.list.back().positives : g.list.back().negatives) += 1;
    }
    for (const ScoreGroup& s : g.list) {
        g.positives += s.positives;
        g.negatives += s.negatives;
    }
    return g;
}

// Keeps a point when the curve has travelled 1/maxPoints of its length (|dx| + |dy|) since
// the last kept one; pointAt(k) gives the k-th of count points.
template <class PointAt>
std::vector<CurvePoint> thinnedCurve(size_t count, int maxPoints, PointAt pointAt) {
    std::vector<CurvePoint> out;
    if (count == 0) return out;
    if (count <= static_cast<size_t>(std::max(maxPoints, 2))) {
        out.reserve(count);
        for (size_t k = 0; k < count; ++k) out.push_back(pointAt(k));
        return out;
    }
    auto step = [](const CurvePoint& a, const CurvePoint& b) { return std::fabs(b.x - a.x) + std::fabs(b.y - a.y); };
    double length = 0;
    CurvePoint previous = pointAt(0);
    for (size_t k = 1; k < count; ++k) {
        const CurvePoint point = pointAt(k);
        length += step(previous, point);
        previous = point;
    }
    const double spacing = length / std::max(maxPoints, 2);
    previous = pointAt(0);
    out.push_back(previous);
    double travelled = 0;
    for (size_t k = 1; k + 1 < count; ++k) {
        const CurvePoint point = pointAt(k);
        travelled += step(previous, point);
        previous = point;
        if (travelled >= spacing) {
            out.push_back(point);
            travelled = 0;
        }
    }
    out.push_back(pointAt(count - 1));
    return out;
}

void shuffle(std::vector<int64_t>& v, core::Random& rng) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// The rows of each class, classes in increasing label order, rows in increasing order.
std::vector<std::vector<int64_t>> rowsByClass(const Eigen::VectorXi& y) {
    std::vector<int> labels(y.data(), y.data() + y.size());
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    std::vector<std::vector<int64_t>> rows(labels.size());
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        const auto at = std::lower_bound(labels.begin(), labels.end(), y(i)) - labels.begin();
        rows[static_cast<size_t>(at)].push_back(i);
    }
    return rows;
}

double ratio(int64_t a, int64_t b) { return b == 0 ? kNaN : static_cast<double>(a) / static_cast<double>(b); }
double ratioOrZero(int64_t a, int64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

}  // namespace

// =======================================================================================
// 2. Splits
// =======================================================================================

Split stratifiedSplit(const Eigen::VectorXi& y, double testShare, uint64_t seed) {
    assert(testShare > 0 && testShare < 1);
    core::Random rng(seed);
    std::vector<char> inTest(static_cast<size_t>(y.size()), 0);
    for (std::vector<int64_t>& rows : rowsByClass(y)) {
        const int64_t size = static_cast<int64_t>(rows.size());
        if (size < 2) continue;
        const int64_t take = std::clamp<int64_t>(std::llround(static_cast<double>(size) * testShare), 1, size - 1);
        shuffle(rows, rng);
        for (int64_t k = 0; k < take; ++k) inTest[static_cast<size_t>(rows[static_cast<size_t>(k)])] = 1;
    }
    Split split;
    for (Eigen::Index i = 0; i < y.size(); ++i)
        (inTest[static_cast<size_t>(i)] ? split.test : split.train).push_back(i);
    return split;
}

std::vector<Split> stratifiedKFold(const Eigen::VectorXi& y, int k, uint64_t seed) {
    assert(k >= 2 && k <= y.size());
    core::Random rng(seed);
    std::vector<int> fold(static_cast<size_t>(y.size()), 0);
    int64_t dealt = 0;
    for (std::vector<int64_t>& rows : rowsByClass(y)) {
        shuffle(rows, rng);
        for (const int64_t row : rows) fold[static_cast<size_t>(row)] = static_cast<int>(dealt++ % k);
    }
    std::vector<Split> splits(static_cast<size_t>(k));
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        const int f = fold[static_cast<size_t>(i)];
        for (int s = 0; s < k; ++s) (s == f ? splits[s].test : splits[s].train).push_back(i);
    }
    return splits;
}

// =======================================================================================
// 3. Confusion matrix and metrics
// =======================================================================================

ConfusionMatrix confusion(const Eigen::VectorXi& y, const Eigen::VectorXd& p, double threshold) {
    assert(y.size() == p.size());
    ConfusionMatrix c;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        const bool flagged = p(i) >= threshold;
        if (y(i) != 0) {
            (flagged ? c.tp : c.fn) += 1;
        } else {
            (flagged ? c.fp : c.tn) += 1;
        }
    }
    return c;
}

double brierScore(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    assert(y.size() == p.size());
    if (y.size() == 0) return kNaN;
    return (p - y.cast<double>()).squaredNorm() / static_cast<double>(y.size());
}

double logLoss(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    assert(y.size() == p.size());
    if (y.size() == 0) return kNaN;
    const double eps = std::numeric_limits<double>::epsilon();
    double sum = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        const double clipped = std::clamp(p(i), eps, 1 - eps);
        sum -= y(i) != 0 ? std::log(clipped) : std::log(1 - clipped);
    }
    return sum / static_cast<double>(y.size());
}

Metrics evaluate(const Eigen::VectorXi& y, const Eigen::VectorXd& p, double threshold) {
    Metrics m;
    m.threshold = threshold;
    m.confusion = confusion(y, p, threshold);
    const ConfusionMatrix& c = m.confusion;
    m.n = c.tp + c.fp + c.tn + c.fn;
    m.positives = c.tp + c.fn;
    m.accuracy = ratio(c.tp + c.tn, m.n);
    if (m.n == 0) {
        m.precision = m.recall = m.f1 = kNaN;
    } else {
        m.precision = ratioOrZero(c.tp, c.tp + c.fp);
        m.recall = ratioOrZero(c.tp, c.tp + c.fn);
        m.f1 = ratioOrZero(2 * c.tp, 2 * c.tp + c.fp + c.fn);
    }
    m.rocAuc = rocAuc(y, p);
    m.prAuc = averagePrecision(y, p);
    m.brier = brierScore(y, p);
    m.logLoss = logLoss(y, p);
    return m;
}

// =======================================================================================
// 4. Ranking metrics: ROC AUC, average precision, KS
// =======================================================================================

double rocAuc(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    const Groups g = scoreGroups(y, p);
    if (g.positives == 0 || g.negatives == 0) return kNaN;
    // Twice the Mann-Whitney U: each positive beats every negative scored lower (2) and ties
    // with every negative scored the same (1). Exact in int64 up to billions of rows.
    int64_t twiceU = 0, negativesAbove = 0;
    for (const ScoreGroup& s : g.list) {
        negativesAbove += s.negatives;
        twiceU += s.positives * (2 * (g.negatives - negativesAbove) + s.negatives);
    }
    return static_cast<double>(twiceU) / (2.0 * static_cast<double>(g.positives) * static_cast<double>(g.negatives));
}

double averagePrecision(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    const Groups g = scoreGroups(y, p);
    if (g.positives == 0) return kNaN;
    double sum = 0;
    int64_t tp = 0, flagged = 0;
    for (const ScoreGroup& s : g.list) {
        tp += s.positives;
        flagged += s.positives + s.negatives;
        if (s.positives > 0)
            sum += static_cast<double>(s.positives) * static_cast<double>(tp) / static_cast<double>(flagged);
    }
    return sum / static_cast<double>(g.positives);
}

double ksStatistic(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    const Groups g = scoreGroups(y, p);
    if (g.positives == 0 || g.negatives == 0) return kNaN;
    double best = 0;
    int64_t tp = 0, fp = 0;
    for (const ScoreGroup& s : g.list) {
        tp += s.positives;
        fp += s.negatives;
        best = std::max(best, std::fabs(static_cast<double>(tp) / static_cast<double>(g.positives) -
                                        static_cast<double>(fp) / static_cast<double>(g.negatives)));
    }
    return best;
}

// =======================================================================================
// 5. Curves
// =======================================================================================

std::vector<CurvePoint> rocCurve(const Eigen::VectorXi& y, const Eigen::VectorXd& p, int maxPoints) {
    const Groups g = scoreGroups(y, p);
    if (g.positives == 0 || g.negatives == 0) return {};
    // Cumulative counts after each group; point 0 is "nobody flagged".
    std::vector<int64_t> tp(g.list.size() + 1, 0), fp(g.list.size() + 1, 0);
    for (size_t k = 0; k < g.list.size(); ++k) {
        tp[k + 1] = tp[k] + g.list[k].positives;
        fp[k + 1] = fp[k] + g.list[k].negatives;
    }
    return thinnedCurve(tp.size(), maxPoints, [&](size_t k) {
        return CurvePoint{ratio(fp[k], g.negatives), ratio(tp[k], g.positives), k == 0 ? kInf : g.list[k - 1].score};
    });
}

std::vector<CurvePoint> prCurve(const Eigen::VectorXi& y, const Eigen::VectorXd& p, int maxPoints) {
    const Groups g = scoreGroups(y, p);
    if (g.positives == 0) return {};
    std::vector<int64_t> tp(g.list.size() + 1, 0), flagged(g.list.size() + 1, 0);
    for (size_t k = 0; k < g.list.size(); ++k) {
        tp[k + 1] = tp[k] + g.list[k].positives;
        flagged[k + 1] = flagged[k] + g.list[k].positives + g.list[k].negatives;
    }
    return thinnedCurve(tp.size(), maxPoints, [&](size_t k) {
        if (k == 0) return CurvePoint{0.0, 1.0, kInf};
        return CurvePoint{ratio(tp[k], g.positives), ratio(tp[k], flagged[k]), g.list[k - 1].score};
    });
}

// =======================================================================================
// 6. Calibration and gains
// =======================================================================================

std::vector<CalibrationBin> calibration(const Eigen::VectorXi& y, const Eigen::VectorXd& p, int bins) {
    assert(bins >= 1 && y.size() == p.size());
    // numpy.linspace(0, 1, bins + 1): i * step, the last edge exactly 1.
    const double width = 1.0 / bins;
    std::vector<double> edges(static_cast<size_t>(bins) + 1);
    for (int i = 0; i <= bins; ++i) edges[i] = i * width;
    edges[bins] = 1.0;
    std::vector<double> sums(bins, 0.0);
    std::vector<int64_t> counts(bins, 0), positives(bins, 0);
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        // The number of inner edges below the score (numpy.searchsorted, side="left").
        const int b =
            static_cast<int>(std::lower_bound(edges.begin() + 1, edges.end() - 1, p(i)) - (edges.begin() + 1));
        sums[b] += p(i);
        counts[b] += 1;
        positives[b] += y(i) != 0;
    }
    std::vector<CalibrationBin> out;
    for (int b = 0; b < bins; ++b) {
        if (counts[b] == 0) continue;
        out.push_back({edges[b], edges[b + 1], sums[b] / static_cast<double>(counts[b]), ratio(positives[b], counts[b]),
                       counts[b]});
    }
    return out;
}

std::vector<DecileRow> gainsTable(const Eigen::VectorXi& y, const Eigen::VectorXd& p) {
    assert(validScores(y, p));
    const int64_t n = y.size();
    const int64_t totalPositives = y.cast<int64_t>().sum();
    if (totalPositives == 0) return {};
    const int64_t totalNegatives = n - totalPositives;
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p(a) > p(b) || (p(a) == p(b) && a < b); });
    const double overallRate = static_cast<double>(totalPositives) / static_cast<double>(n);

    std::vector<DecileRow> out;
    int64_t cumulativeN = 0, cumulativePositives = 0;
    for (int d = 1; d <= 10; ++d) {
        const int64_t begin = (d - 1) * n / 10, end = d * n / 10;
        if (begin == end) continue;
        DecileRow row;
        row.decile = d;
        row.n = end - begin;
        for (int64_t k = begin; k < end; ++k) row.positives += y(order[static_cast<size_t>(k)]) != 0;
        cumulativeN += row.n;
        cumulativePositives += row.positives;
        row.rate = ratio(row.positives, row.n);
        row.cumulativeRecall = ratio(cumulativePositives, totalPositives);
        row.lift = row.rate / overallRate;
        row.cumulativeLift = ratio(cumulativePositives, cumulativeN) / overallRate;
        row.ks = row.cumulativeRecall - ratio(cumulativeN - cumulativePositives, totalNegatives);
        out.push_back(row);
    }
    return out;
}

// =======================================================================================
// 7. Threshold choice and fold summaries
// =======================================================================================

ThresholdChoice bestThreshold(const Eigen::VectorXi& y, const Eigen::VectorXd& p, double contactCost,
                              double savedValue) {
    const Groups g = scoreGroups(y, p);
    ThresholdChoice best;
    best.threshold = g.list.empty() ? kInf : std::nextafter(g.list.front().score, kInf);
    best.expectedValue = 0;
    best.confusion = {0, 0, g.negatives, g.positives};
    int64_t tp = 0, fp = 0;
    for (const ScoreGroup& s : g.list) {
        tp += s.positives;
        fp += s.negatives;
        const double value = static_cast<double>(tp) * savedValue - static_cast<double>(tp + fp) * contactCost;
        if (value > best.expectedValue) {
            best.threshold = s.score;
            best.expectedValue = value;
            best.confusion = {tp, fp, g.negatives - fp, g.positives - tp};
        }
    }
    return best;
}

MetricSummary summarizeFolds(std::span<const double> values, double confidence) {
    assert(confidence > 0 && confidence < 1);
    MetricSummary s;
    double sum = 0;
    for (const double v : values) {
        if (std::isnan(v)) continue;
        sum += v;
        ++s.count;
    }
    s.mean = s.count > 0 ? sum / s.count : kNaN;
    if (s.count < 2) {
        s.sd = s.low = s.high = kNaN;
        return s;
    }
    double squares = 0;
    for (const double v : values)
        if (!std::isnan(v)) squares += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(squares / (s.count - 1));
    const double half = studentTQuantile(1 - (1 - confidence) / 2, s.count - 1) * s.sd / std::sqrt(double(s.count));
    s.low = s.mean - half;
    s.high = s.mean + half;
    return s;
}

}  // namespace rapport::analytics
