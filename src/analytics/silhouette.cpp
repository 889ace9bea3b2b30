// silhouette.cpp: the silhouette by sums of distances per (point, cluster), and the loop
// over k that chooses the number of clusters.
//
// Contents
//   1. SilhouetteFit: points sorted by cluster, each pair's distance computed once
//   2. ChooseKFit: a k-means fit, then a silhouette, for each k

#include "analytics/silhouette.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>

#include "core/random.hpp"
#include "core/text_format.hpp"

namespace rapport::analytics {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Work per step, counted in (pair, feature) units plus the square root of each pair:
// about a millisecond natively.
constexpr int64_t kStepWork = int64_t{1} << 22;

// The feature count as a compile-time constant for small counts (the distance loop
// unrolls), or a run-time value.
template <int D>
struct FixedDims {
    static constexpr int count() { return D; }
    static FixedDims make(int) { return {}; }
};
struct DynamicDims {
    int d;
    int count() const { return d; }
    static DynamicDims make(int d) { return {d}; }
};

}  // namespace

// =======================================================================================
// 1. SilhouetteFit: points sorted by cluster, each pair's distance computed once
// =======================================================================================

// The scored points are copied row-major in cluster order, so the distances from one point
// to a whole cluster are a contiguous run. sums[c * m + j] collects the distances from
// sorted point j to the points of cluster c. Row i adds its distances to the later points
// j > i twice: to its own sums by cluster, and to the later points' sums for its cluster.
struct SilhouetteFit::State {
    int64_t m = 0;  // points scored
    int d = 0;
    int k = 0;
    std::vector<double> points;     // m x d, sorted by cluster
    std::vector<int> cluster;       // of each sorted point
    std::vector<int64_t> start;     // k + 1: where each cluster's run begins
    std::vector<int64_t> position;  // sorted point -> position in sampleIndex
    std::vector<double> sums;       // k x m
    int64_t row = 0;                // next row to process
    int64_t pairsDone = 0;
    bool finished = false;
    SilhouetteResult result;

    // Rows [row, ...) until the budget is spent; specialised for the feature count and
    // called through a pointer so it stays a small function of its own in wasm (as in
    // kmeans.cpp).
    using Rows = void (*)(State&, int64_t budget);
    Rows rows = nullptr;
    template <class Dims>
    static void processRows(State& s, int64_t budget);
    static Rows rowsFor(int d);
    template <class Dims>
    void processRow(int64_t i, Dims dims);
    void finish();
};

SilhouetteFit::SilhouetteFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& labels, int k,
                             const SilhouetteOptions& options)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    const int64_t n = X.rows();
    assert(labels.size() == X.rows() && k >= 1);
    assert(labels.size() == 0 || (labels.minCoeff() >= 0 && labels.maxCoeff() < k));
    s.d = static_cast<int>(X.cols());
    s.k = k;

    // Which rows to score: all, or a uniform sample without replacement (a partial
    // Fisher-Yates shuffle, as scikit-learn's permutation(n)[:sample_size]).
    std::vector<int> index(static_cast<size_t>(n));
    std::iota(index.begin(), index.end(), 0);
    if (n > options.maxExact && options.sampleSize < n) {
        const int64_t m = std::max<int64_t>(1, options.sampleSize);
        core::Random rng(options.seed);
        for (int64_t t = 0; t < m; ++t) {
            const int64_t j = t + static_cast<int64_t>(rng.below(static_cast<uint64_t>(n - t)));
            std::swap(index[static_cast<size_t>(t)], index[static_cast<size_t>(j)]);
        }
        index.resize(static_cast<size_t>(m));
        std::sort(index.begin(), index.end());
        s.result.sampled = true;
    }
    s.m = static_cast<int64_t>(index.size());
    s.result.sampleIndex = Eigen::Map<const Eigen::VectorXi>(index.data(), static_cast<Eigen::Index>(s.m));

    // Sort by cluster (counting sort, stable: by row within a cluster).
    s.start.assign(static_cast<size_t>(k) + 1, 0);
    for (const int i : index) ++s.start[static_cast<size_t>(labels(i)) + 1];
    for (int c = 0; c < k; ++c) s.start[c + 1] += s.start[c];
    std::vector<int64_t> fill(s.start.begin(), s.start.end() - 1);
    s.points.resize(static_cast<size_t>(s.m * s.d));
    s.cluster.resize(static_cast<size_t>(s.m));
    s.position.resize(static_cast<size_t>(s.m));
    for (int64_t p = 0; p < s.m; ++p) {
        const int i = index[static_cast<size_t>(p)];
        const int c = labels(i);
        const int64_t at = fill[c]++;
        s.cluster[static_cast<size_t>(at)] = c;
        s.position[static_cast<size_t>(at)] = p;
        for (int f = 0; f < s.d; ++f) s.points[static_cast<size_t>(at * s.d + f)] = X(i, f);
    }
    s.sums.assign(static_cast<size_t>(k * s.m), 0.0);
    s.rows = State::rowsFor(s.d);
    if (s.m == 0) s.finish();
}

SilhouetteFit::SilhouetteFit(SilhouetteFit&&) noexcept = default;
SilhouetteFit& SilhouetteFit::operator=(SilhouetteFit&&) noexcept = default;
SilhouetteFit::~SilhouetteFit() = default;

template <class Dims>
void SilhouetteFit::State::processRow(int64_t i, Dims dims) {
    const double* xi = points.data() + i * dims.count();
    const int own = cluster[static_cast<size_t>(i)];
    double* ownSums = sums.data() + static_cast<int64_t>(own) * m;
    // Later points belong to this cluster or to later ones.
    for (int c = own; c < k; ++c) {
        const int64_t from = std::max(i + 1, start[c]), to = start[c + 1];
        double total = 0;
        for (int64_t j = from; j < to; ++j) {
            const double* xj = points.data() + j * dims.count();
            double squared = 0;
            for (int f = 0; f < dims.count(); ++f) {
                const double t = xi[f] - xj[f];
                squared += t * t;
            }
            const double distance = std::sqrt(squared);
            total += distance;
            ownSums[j] += distance;
        }
        sums[static_cast<size_t>(c * m + i)] += total;
    }
}

template <class Dims>
void SilhouetteFit::State::processRows(State& s, int64_t budget) {
    const int64_t pairCost = s.d + 8;  // the square root costs about as much as 8 features
    while (s.row < s.m && budget > 0) {
        const int64_t pairs = s.m - s.row - 1;
        s.processRow(s.row, Dims::make(s.d));
        s.pairsDone += pairs;
        budget -= std::max<int64_t>(1, pairs) * pairCost;
        ++s.row;
    }
}

SilhouetteFit::State::Rows SilhouetteFit::State::rowsFor(int d) {
    switch (d) {
        case 1:
            return processRows<FixedDims<1>>;
        case 2:
            return processRows<FixedDims<2>>;
        case 3:
            return processRows<FixedDims<3>>;
        case 4:
            return processRows<FixedDims<4>>;
        case 5:
            return processRows<FixedDims<5>>;
        case 6:
            return processRows<FixedDims<6>>;
        case 7:
            return processRows<FixedDims<7>>;
        case 8:
            return processRows<FixedDims<8>>;
        default:
            return processRows<DynamicDims>;
    }
}

bool SilhouetteFit::step() {
    State& s = *state_;
    if (s.finished) return false;
    s.rows(s, kStepWork);
    if (s.row == s.m) s.finish();
    return !s.finished;
}

void SilhouetteFit::State::finish() {
    const auto size = [&](int c) { return start[c + 1] - start[c]; };
    int nonEmpty = 0;
    for (int c = 0; c < k; ++c) nonEmpty += size(c) > 0;
    result.perPoint = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(m));
    result.perCluster = Eigen::VectorXd::Zero(k);
    double total = 0;
    for (int64_t i = 0; i < m; ++i) {
        const int own = cluster[static_cast<size_t>(i)];
        double score = 0;
        if (size(own) > 1 && nonEmpty >= 2) {
            const double a = sums[static_cast<size_t>(own * m + i)] / static_cast<double>(size(own) - 1);
            double b = kInf;
            for (int c = 0; c < k; ++c)
                if (c != own && size(c) > 0)
                    b = std::min(b, sums[static_cast<size_t>(c * m + i)] / static_cast<double>(size(c)));
            const double scale = std::max(a, b);
            score = scale > 0 ? (b - a) / scale : 0.0;
        }
        result.perPoint(static_cast<Eigen::Index>(position[static_cast<size_t>(i)])) = score;
        result.perCluster(own) += score;
        total += score;
    }
    for (int c = 0; c < k; ++c)
        if (size(c) > 0) result.perCluster(c) /= static_cast<double>(size(c));
    result.mean = m > 0 ? total / static_cast<double>(m) : 0.0;
    sums.clear();
    sums.shrink_to_fit();
    points.clear();
    points.shrink_to_fit();
    finished = true;
}

double SilhouetteFit::progress() const {
    const State& s = *state_;
    if (s.finished) return 1.0;
    const double allPairs = 0.5 * static_cast<double>(s.m) * static_cast<double>(s.m - 1);
    return allPairs > 0 ? std::min(0.99, static_cast<double>(s.pairsDone) / allPairs) : 0.0;
}

bool SilhouetteFit::done() const { return state_->finished; }

const SilhouetteResult& SilhouetteFit::result() const { return state_->result; }

SilhouetteResult silhouette(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::VectorXi& labels, int k,
                            const SilhouetteOptions& options) {
    SilhouetteFit fit(X, labels, k, options);
    while (fit.step()) {
    }
    return fit.result();
}

// =======================================================================================
// 2. ChooseKFit: a k-means fit, then a silhouette, for each k
// =======================================================================================

core::Status ChooseKParams::validate(int64_t points) const {
    if (points < 2) return core::makeError("Choosing the number of clusters needs at least 2 customers.");
    if (kMin < 2)
        return core::makeError("Compare at least 2 clusters: the silhouette needs two clusters to compare.",
                               "kMin = " + std::to_string(kMin));
    if (kMax < kMin)
        return core::makeError("The largest number of clusters to try must not be below the smallest.",
                               "kMin = " + std::to_string(kMin) + ", kMax = " + std::to_string(kMax));
    if (kMax > points)
        return core::makeError("Cannot try " + core::formatCount(kMax) + " clusters with " + core::formatCount(points) +
                                   " customers: try at most " + core::formatCount(points) + ".",
                               "kMax = " + std::to_string(kMax) + ", points = " + std::to_string(points));
    KMeansParams probe = kmeans;
    probe.k = kMax;
    return probe.validate(points);
}

struct ChooseKFit::State {
    Eigen::MatrixXd X;
    ChooseKParams params;
    int k = 0;  // the k being fitted
    bool finished = false;
    std::optional<KMeansFit> kmeans;
    std::optional<SilhouetteFit> scores;
    std::vector<KChoice> results;
    std::vector<KMeansModel> models;  // one per finished k

    void startK() {
        KMeansParams p = params.kmeans;
        p.k = k;
        kmeans.emplace(X, p);
    }
};

ChooseKFit::ChooseKFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const ChooseKParams& params)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    const bool valid = params.validate(X.rows()).ok();
    assert(valid && "ChooseKFit: validate the parameters first");
    s.params = params;
    if (!valid) {
        s.finished = true;
        return;
    }
    s.X = X;
    s.k = params.kMin;
    s.startK();
}

ChooseKFit::ChooseKFit(ChooseKFit&&) noexcept = default;
ChooseKFit& ChooseKFit::operator=(ChooseKFit&&) noexcept = default;
ChooseKFit::~ChooseKFit() = default;

bool ChooseKFit::step() {
    State& s = *state_;
    if (s.finished) return false;
    if (s.kmeans) {
        if (!s.kmeans->step()) {
            s.models.push_back(s.kmeans->result());
            s.kmeans.reset();
            s.scores.emplace(s.X, s.models.back().labels, s.k, s.params.silhouette);
        }
        return true;
    }
    if (!s.scores->step()) {
        s.results.push_back({s.k, s.models.back().inertia, s.scores->result().mean});
        s.scores.reset();
        if (++s.k > s.params.kMax) {
            s.finished = true;
            s.X.resize(0, 0);
            return false;
        }
        s.startK();
    }
    return true;
}

double ChooseKFit::progress() const {
    const State& s = *state_;
    if (s.finished) return 1.0;
    const double count = s.params.kMax - s.params.kMin + 1;
    const double within = s.kmeans ? 0.8 * s.kmeans->progress() : 0.8 + 0.2 * s.scores->progress();
    return (s.k - s.params.kMin + within) / count;
}

bool ChooseKFit::done() const { return state_->finished; }

std::vector<KChoice> ChooseKFit::results() const { return state_->results; }

int ChooseKFit::bestK() const {
    int best = 0;
    double bestScore = -kInf;
    for (const KChoice& choice : state_->results) {
        if (choice.silhouette > bestScore) {
            bestScore = choice.silhouette;
            best = choice.k;
        }
    }
    return best;
}

KMeansModel ChooseKFit::model(int k) const {
    const State& s = *state_;
    const int64_t at = static_cast<int64_t>(k) - s.params.kMin;
    if (at < 0 || at >= static_cast<int64_t>(s.models.size())) return {};
    return s.models[static_cast<size_t>(at)];
}

std::vector<KChoice> chooseK(const Eigen::Ref<const Eigen::MatrixXd>& X, const ChooseKParams& params) {
    ChooseKFit fit(X, params);
    while (fit.step()) {
    }
    return fit.results();
}

}  // namespace rapport::analytics
