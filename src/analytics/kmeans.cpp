// kmeans.cpp: k-means as a resumable phase machine. Every phase is one pass over the
// points (seeding passes of greedy k-means++, Lloyd assignment passes with Hamerly's
// bounds, the re-seeding of empty clusters, the exact final pass of a restart), and
// KMeansFit::step() runs a chunk of the current pass. Running a pass in chunks or in one
// go gives the same bits: every accumulator lives in the state and is summed in point
// order.
//
// Contents
//   1. Distance kernels, specialised for small feature counts
//   2. Fit state
//   3. Phases: set-up and transitions
//   4. Passes: dispatch by feature count, seeding
//   5. Passes: Lloyd with Hamerly's bounds, re-seeding, the update step
//   6. Passes: the final assignment of a restart
//   7. KMeansFit
//   8. Parameters and the one-call helpers

#include "analytics/kmeans.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "core/random.hpp"
#include "core/text_format.hpp"

namespace rapport::analytics {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Work per step, counted in (point, centroid, feature) triples: about a millisecond
// natively, a few in wasm, so the app can run several steps per 10 ms frame.
constexpr int64_t kStepWork = int64_t{1} << 21;

// =======================================================================================
// 1. Distance kernels, specialised for small feature counts
// =======================================================================================

// The feature count as a compile-time constant (the distance loop unrolls; customer
// features are few) or, past 8, a run-time value. Both sum in the same order, so they
// give the same bits.
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

template <class Dims>
inline double squaredDistance(const double* a, const double* b, Dims dims) {
    double sum = 0;
    for (int f = 0; f < dims.count(); ++f) {
        const double t = a[f] - b[f];
        sum += t * t;
    }
    return sum;
}

// In wasm, min, max and the nearest-centroid search compare doubles through their bit
// patterns: V8 compiles f64 min, max and select into branches, which mispredict on the
// unordered distances of overlapping clusters, while an integer select becomes a
// conditional move (3x faster). The patterns of non-negative doubles order like their
// values, and every negative double has a negative pattern, so this is exact whenever one
// operand is non-negative, as everywhere below. Natively minsd/maxsd are branch-free
// already and faster than the round trip.
inline int64_t bitsOf(double v) {
    int64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}
inline double fromBits(int64_t b) {
    double v;
    std::memcpy(&v, &b, sizeof v);
    return v;
}
#if defined(__wasm__)
inline double minOf(double a, double b) {
    const int64_t x = bitsOf(a), y = bitsOf(b);
    return fromBits(y < x ? y : x);
}
inline double maxOf(double a, double b) {
    const int64_t x = bitsOf(a), y = bitsOf(b);
    return fromBits(y > x ? y : x);
}
#else
inline double minOf(double a, double b) { return std::min(a, b); }
inline double maxOf(double a, double b) { return std::max(a, b); }
#endif

// The nearest and second-nearest centroid of x (squared distances; ties go to the lower
// cluster number, as in scikit-learn). Branch-free: with overlapping clusters the order
// of the distances is unpredictable.
template <class Dims>
inline int nearestTwo(const double* x, const double* centers, int k, Dims dims, double& first, double& second) {
    int best = 0;
#if defined(__wasm__)
    int64_t a = bitsOf(kInf), b = bitsOf(kInf);
    for (int c = 0; c < k; ++c) {
        const int64_t v = bitsOf(squaredDistance(x, centers + static_cast<int64_t>(c) * dims.count(), dims));
        const bool closer = v < a;
        const int64_t displaced = closer ? a : v;
        b = displaced < b ? displaced : b;
        best = closer ? c : best;
        a = closer ? v : a;
    }
    first = fromBits(a);
    second = fromBits(b);
#else
    double a = kInf, b = kInf;
    for (int c = 0; c < k; ++c) {
        const double v = squaredDistance(x, centers + static_cast<int64_t>(c) * dims.count(), dims);
        b = std::min(b, std::max(a, v));
        best = v < a ? c : best;
        a = std::min(a, v);
    }
    first = a;
    second = b;
#endif
    return best;
}

// Moves point p between the running sums of two clusters. An emptied cluster's sums become
// exactly zero, not the rounding left by adding and removing its points.
template <class Dims>
inline void moveSums(const double* p, int from, int to, double* sums, double* squares, int64_t* counts, Dims dims) {
    double* source = sums + static_cast<int64_t>(from) * dims.count();
    double* target = sums + static_cast<int64_t>(to) * dims.count();
    double norm = 0;
    for (int f = 0; f < dims.count(); ++f) {
        source[f] -= p[f];
        target[f] += p[f];
        norm += p[f] * p[f];
    }
    squares[from] -= norm;
    squares[to] += norm;
    ++counts[to];
    if (--counts[from] == 0) {
        std::fill_n(source, dims.count(), 0.0);
        squares[from] = 0;
    }
}

enum class Phase {
    SeedFirst,     // squared distance of every point to the first seed
    SeedSample,    // fold in the latest seed, draw candidates for the next one
    SeedEvaluate,  // the potential each candidate would leave; the best becomes a seed
    AssignFirst,   // every distance: assignment, bounds and cluster sums from scratch
    Assign,        // assignment with Hamerly's bounds, sums updated by the moves
    Reseed,        // find the points farthest from their centroids for empty clusters
    Finish,        // final assignment and exact inertia of the restart
    Done,
};

// Distances computed per point in a pass, in units of one point-to-centroid distance.
int64_t distancesPerPoint(Phase phase, int k, int trials) {
    switch (phase) {
        case Phase::SeedEvaluate:
            return trials;
        case Phase::AssignFirst:
        case Phase::Assign:
            return k;
        case Phase::Finish:
            return k + 1;
        default:
            return 1;
    }
}

}  // namespace

// =======================================================================================
// 2. Fit state
// =======================================================================================

struct KMeansFit::State {
    // Input: X centred on its column means (k-means does not care, and sums of squares
    // lose less to cancellation), row-major so a point's features are contiguous.
    int64_t n = 0;
    int d = 0;
    int k = 0;
    KMeansParams params;
    std::vector<double> x;
    std::vector<double> mean;
    double tolerance = 0;     // absolute: params.tolerance times the mean feature variance
    double totalSquares = 0;  // sum of squared norms of the centred points: the scale of inertia
    core::Random rng;
    bool fixedStart = false;
    int restarts = 0;

    // Phase machine.
    Phase phase = Phase::Done;
    int64_t cursor = 0;  // next point of the current pass
    int restart = 0;
    int passesThisRestart = 0;
    int iteration = 0;  // Lloyd iterations completed in this restart
    bool converged = false;

    // Seeding (greedy k-means++, as scikit-learn: 2 + floor(ln k) candidates per seed).
    int trials = 0;
    int seeded = 0;
    std::vector<double> closest;   // squared distance of each point to its nearest seed
    double potential = 0;          // their sum
    std::vector<double> targets;   // candidate draws: uniform * potential
    std::vector<int> targetOrder;  // the draws in increasing order
    int nextTarget = 0;
    double running = 0;
    int64_t lastPositive = -1;
    std::vector<int64_t> candidates;
    std::vector<double> candidatePoints;  // trials x d
    std::vector<double> candidatePotential;

    // Lloyd with Hamerly's bounds, kept lazily: a point's bounds are stored relative to
    // running totals of centroid movement, so a point whose bounds still hold costs three
    // reads and no write. With a = the point's cluster,
    //   bound on the distance to its own centroid    = upper[i] + drift[a],
    //   bound on the distance to any other centroid  = lower[i] - otherDrift[a],
    // where drift[c] sums how far centroid c moved and otherDrift[c] sums, update by update,
    // the largest move of any other centroid.
    std::vector<double> centers;     // k x d
    std::vector<double> sums;        // k x d, sum of the points of each cluster
    std::vector<double> squares;     // k, sum of squared norms of the points of each cluster
    std::vector<int64_t> counts;     // k
    std::vector<double> shift;       // k, how far each centroid moved in the last update
    std::vector<double> drift;       // k
    std::vector<double> otherDrift;  // k
    std::vector<double> halfGap;     // k, half the distance to the nearest other centroid
    std::vector<int> labels;
    std::vector<double> upper;
    std::vector<double> lower;

    // Re-seeding empty clusters: the farthest points, farthest first.
    std::vector<std::pair<double, int64_t>> far;
    size_t farCapacity = 0;
    int64_t reseeded = 0;

    // The final pass.
    double finalInertia = 0;
    std::vector<int64_t> finalCounts;

    // Results.
    std::vector<std::vector<double>> history;
    std::vector<double> restartInertia;
    std::vector<int> restartIterations;
    int bestRestart = -1;
    double bestInertia = kInf;
    std::vector<double> bestCenters;
    std::vector<int> bestLabels;
    std::vector<int64_t> bestCounts;
    int bestIterations = 0;
    bool bestConverged = false;

    State(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& p);

    void enter(Phase next);
    void startRestart();
    void endPass();
    void afterAssignment();
    void update();
    void finishRestart();
    void move(int64_t i, int from, int to);
    void setBounds(int64_t i, int label, double up, double low) {
        upper[static_cast<size_t>(i)] = up - drift[label];
        lower[static_cast<size_t>(i)] = low + otherDrift[label];
    }
    int64_t chunk() const;
    double progress() const;

    // The current pass, specialised for the feature count. Called through a pointer on
    // purpose: Binaryen (wasm-opt) would otherwise inline every pass into step(), and V8
    // compiles the loops of one huge function about 25% slower than those of small ones.
    using Pass = void (*)(State&, int64_t begin, int64_t end);
    Pass pass = nullptr;
    template <class Dims>
    static Pass passFor(Phase phase);
    Pass choosePass(Phase phase) const;
    template <class Dims>
    void seedFirstPass(int64_t begin, int64_t end, Dims dims);
    template <class Dims>
    void seedSamplePass(int64_t begin, int64_t end, Dims dims);
    template <class Dims>
    void seedEvaluatePass(int64_t begin, int64_t end, Dims dims);
    template <class Dims>
    void assignFirstPass(int64_t begin, int64_t end, Dims dims);
    template <class Dims>
    void assignPass(int64_t begin, int64_t end, Dims dims);
    template <class Dims>
    void reseedPass(int64_t begin, int64_t end, Dims dims);
    template <class Dims>
    void finishPass(int64_t begin, int64_t end, Dims dims);

    const double* point(int64_t i) const { return x.data() + i * d; }
    double* center(int c) { return centers.data() + static_cast<int64_t>(c) * d; }
};

KMeansFit::State::State(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& p)
    : n(X.rows()), d(static_cast<int>(X.cols())), k(p.k), params(p), rng(p.seed) {
    assert(X.allFinite());
    x.resize(static_cast<size_t>(n * d));
    mean.assign(d, 0.0);
    double varianceSum = 0;
    for (int f = 0; f < d; ++f) {
        double sum = 0;
        for (int64_t i = 0; i < n; ++i) sum += X(i, f);
        mean[f] = n > 0 ? sum / static_cast<double>(n) : 0.0;
        double squaresF = 0;
        for (int64_t i = 0; i < n; ++i) {
            const double v = X(i, f) - mean[f];
            x[static_cast<size_t>(i * d + f)] = v;
            squaresF += v * v;
        }
        totalSquares += squaresF;
        varianceSum += n > 0 ? squaresF / static_cast<double>(n) : 0.0;
    }
    tolerance = d > 0 ? params.tolerance * varianceSum / d : 0.0;
    trials = 2 + static_cast<int>(std::log(static_cast<double>(std::max(k, 1))));
    restarts = params.restarts;
}

// =======================================================================================
// 3. Phases: set-up and transitions
// =======================================================================================

int64_t KMeansFit::State::chunk() const {
    const int64_t perPoint = std::max(1, d) * distancesPerPoint(phase, k, trials);
    return std::max<int64_t>(64, kStepWork / perPoint);
}

void KMeansFit::State::startRestart() {
    history.emplace_back();
    iteration = 0;
    converged = false;
    passesThisRestart = 0;
    centers.assign(static_cast<size_t>(k) * d, 0.0);
    if (fixedStart) return;  // the constructor sets the given centroids
    const int64_t first = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
    std::copy_n(point(first), d, center(0));
    seeded = 1;
}

void KMeansFit::State::enter(Phase next) {
    phase = next;
    cursor = 0;
    pass = choosePass(next);
    switch (next) {
        case Phase::SeedFirst:
            closest.resize(static_cast<size_t>(n));
            potential = 0;
            if (k == 1) enter(Phase::AssignFirst);
            break;
        case Phase::SeedSample:
            if (potential <= 0) {
                // Every point sits on a seed (fewer distinct points than k): the remaining
                // seeds can only repeat points, and their clusters stay empty.
                for (; seeded < k; ++seeded) {
                    const int64_t i = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
                    std::copy_n(point(i), d, center(seeded));
                }
                enter(Phase::AssignFirst);
                break;
            }
            targets.resize(trials);
            targetOrder.resize(trials);
            candidates.assign(trials, -1);
            for (int t = 0; t < trials; ++t) targets[t] = rng.uniform() * potential;
            std::iota(targetOrder.begin(), targetOrder.end(), 0);
            std::stable_sort(targetOrder.begin(), targetOrder.end(),
                             [&](int a, int b) { return targets[a] < targets[b]; });
            nextTarget = 0;
            running = 0;
            lastPositive = -1;
            break;
        case Phase::SeedEvaluate:
            candidatePoints.resize(static_cast<size_t>(trials) * d);
            for (int t = 0; t < trials; ++t) std::copy_n(point(candidates[t]), d, candidatePoints.data() + t * d);
            candidatePotential.assign(trials, 0.0);
            break;
        case Phase::AssignFirst:
            labels.resize(static_cast<size_t>(n));
            upper.resize(static_cast<size_t>(n));
            lower.resize(static_cast<size_t>(n));
            sums.assign(static_cast<size_t>(k) * d, 0.0);
            squares.assign(k, 0.0);
            counts.assign(k, 0);
            shift.assign(k, 0.0);
            halfGap.assign(k, 0.0);
            drift.assign(k, 0.0);
            otherDrift.assign(k, 0.0);
            break;
        case Phase::Assign:
            break;
        case Phase::Reseed:
            far.clear();
            farCapacity = static_cast<size_t>(std::min<int64_t>(n, 2 * static_cast<int64_t>(k)));
            break;
        case Phase::Finish:
            finalInertia = 0;
            finalCounts.assign(k, 0);
            break;
        case Phase::Done:
            break;
    }
}

void KMeansFit::State::endPass() {
    ++passesThisRestart;
    switch (phase) {
        case Phase::SeedFirst:
            enter(Phase::SeedSample);
            break;
        case Phase::SeedSample:
            // Rounding can leave the largest draw at or above the summed potential.
            for (int t = 0; t < trials; ++t)
                if (candidates[t] < 0) candidates[t] = lastPositive;
            enter(Phase::SeedEvaluate);
            break;
        case Phase::SeedEvaluate: {
            const int best = static_cast<int>(std::min_element(candidatePotential.begin(), candidatePotential.end()) -
                                              candidatePotential.begin());
            std::copy_n(point(candidates[best]), d, center(seeded));
            potential = candidatePotential[best];
            ++seeded;
            enter(seeded == k ? Phase::AssignFirst : Phase::SeedSample);
            break;
        }
        case Phase::AssignFirst:
        case Phase::Assign:
            afterAssignment();
            break;
        case Phase::Reseed: {
            // Each empty cluster takes the farthest remaining point whose own cluster keeps
            // at least one point. A point at distance 0 would gain nothing: with fewer
            // distinct points than clusters some clusters stay empty.
            size_t next = 0;
            for (int c = 0; c < k; ++c) {
                if (counts[c] > 0) continue;
                while (next < far.size() &&
                       (far[next].first <= 0 || counts[labels[static_cast<size_t>(far[next].second)]] <= 1))
                    ++next;
                if (next == far.size()) break;
                const int64_t i = far[next++].second;
                move(i, labels[static_cast<size_t>(i)], c);
                setBounds(i, c, kInf, -kInf);  // its centroid jumps onto it: recompute next time
                ++reseeded;
            }
            update();
            break;
        }
        case Phase::Finish:
            finishRestart();
            break;
        case Phase::Done:
            break;
    }
}

void KMeansFit::State::afterAssignment() {
    const bool anyEmpty = std::find(counts.begin(), counts.end(), int64_t{0}) != counts.end();
    if (anyEmpty)
        enter(Phase::Reseed);
    else
        update();
}

void KMeansFit::State::finishRestart() {
    restartInertia.push_back(finalInertia);
    restartIterations.push_back(iteration);
    if (bestRestart < 0 || finalInertia < bestInertia) {
        bestRestart = restart;
        bestInertia = finalInertia;
        bestCenters = centers;
        bestLabels = labels;
        bestCounts = finalCounts;
        bestIterations = iteration;
        bestConverged = converged;
    }
    ++restart;
    if (restart >= restarts) {
        enter(Phase::Done);
        return;
    }
    startRestart();
    enter(Phase::SeedFirst);
}

double KMeansFit::State::progress() const {
    if (phase == Phase::Done) return 1.0;
    const int seedingPasses = (fixedStart || k == 1) ? 0 : 2 * k - 1;
    double expectedIterations = std::min(params.maxIterations, 30);
    if (!restartIterations.empty()) {
        const double average = std::accumulate(restartIterations.begin(), restartIterations.end(), 0.0) /
                               static_cast<double>(restartIterations.size());
        expectedIterations = std::clamp(1.25 * average, 1.0, static_cast<double>(params.maxIterations));
    }
    const double expectedPasses = seedingPasses + expectedIterations + 1;
    const double passes = passesThisRestart + static_cast<double>(cursor) / static_cast<double>(n);
    const double within = std::min(0.99, passes / expectedPasses);
    return (restart + within) / restarts;
}

// =======================================================================================
// 4. Passes: dispatch by feature count, seeding
// =======================================================================================

template <class Dims>
KMeansFit::State::Pass KMeansFit::State::passFor(Phase phase) {
    switch (phase) {
        case Phase::SeedFirst:
            return [](State& s, int64_t b, int64_t e) { s.seedFirstPass(b, e, Dims::make(s.d)); };
        case Phase::SeedSample:
            return [](State& s, int64_t b, int64_t e) { s.seedSamplePass(b, e, Dims::make(s.d)); };
        case Phase::SeedEvaluate:
            return [](State& s, int64_t b, int64_t e) { s.seedEvaluatePass(b, e, Dims::make(s.d)); };
        case Phase::AssignFirst:
            return [](State& s, int64_t b, int64_t e) { s.assignFirstPass(b, e, Dims::make(s.d)); };
        case Phase::Assign:
            return [](State& s, int64_t b, int64_t e) { s.assignPass(b, e, Dims::make(s.d)); };
        case Phase::Reseed:
            return [](State& s, int64_t b, int64_t e) { s.reseedPass(b, e, Dims::make(s.d)); };
        case Phase::Finish:
            return [](State& s, int64_t b, int64_t e) { s.finishPass(b, e, Dims::make(s.d)); };
        case Phase::Done:
            break;
    }
    return nullptr;
}

KMeansFit::State::Pass KMeansFit::State::choosePass(Phase next) const {
    switch (d) {
        case 1:
            return passFor<FixedDims<1>>(next);
        case 2:
            return passFor<FixedDims<2>>(next);
        case 3:
            return passFor<FixedDims<3>>(next);
        case 4:
            return passFor<FixedDims<4>>(next);
        case 5:
            return passFor<FixedDims<5>>(next);
        case 6:
            return passFor<FixedDims<6>>(next);
        case 7:
            return passFor<FixedDims<7>>(next);
        case 8:
            return passFor<FixedDims<8>>(next);
        default:
            return passFor<DynamicDims>(next);
    }
}

// The passes copy what they use into locals: stores through the label and bound arrays
// could otherwise alias the state's members and force reloads in the inner loops.

template <class Dims>
void KMeansFit::State::seedFirstPass(int64_t begin, int64_t end, Dims dims) {
    const double* xs = x.data();
    const double* seed = center(0);
    double* near = closest.data();
    double sum = potential;
    for (int64_t i = begin; i < end; ++i) {
        const double v = squaredDistance(xs + i * dims.count(), seed, dims);
        near[i] = v;
        sum += v;
    }
    potential = sum;
}

// Candidates are drawn with probability proportional to the squared distance to the
// nearest seed: candidate t is the first point whose running sum passes targets[t].
// The latest seed is folded into `closest` here rather than in a pass of its own.
template <class Dims>
void KMeansFit::State::seedSamplePass(int64_t begin, int64_t end, Dims dims) {
    const bool fold = seeded >= 2;  // the first seed was folded in by SeedFirst
    const double* xs = x.data();
    const double* latest = center(seeded - 1);
    double* near = closest.data();
    double sum = running;
    int64_t positive = lastPositive;
    int next = nextTarget;
    double target = next < trials ? targets[targetOrder[next]] : kInf;
    for (int64_t i = begin; i < end; ++i) {
        double v = near[i];
        if (fold) {
            v = minOf(v, squaredDistance(xs + i * dims.count(), latest, dims));
            near[i] = v;
        }
        sum += v;
        if (v > 0) positive = i;
        while (sum > target) {
            candidates[targetOrder[next++]] = i;
            target = next < trials ? targets[targetOrder[next]] : kInf;
        }
    }
    running = sum;
    lastPositive = positive;
    nextTarget = next;
}

template <class Dims>
void KMeansFit::State::seedEvaluatePass(int64_t begin, int64_t end, Dims dims) {
    const double* xs = x.data();
    const double* near = closest.data();
    const double* cand = candidatePoints.data();
    const int count = trials;
    double* pot = candidatePotential.data();
    for (int64_t i = begin; i < end; ++i) {
        const double v = near[i];
        const double* p = xs + i * dims.count();
        for (int t = 0; t < count; ++t) pot[t] += minOf(v, squaredDistance(p, cand + t * dims.count(), dims));
    }
}

// =======================================================================================
// 5. Passes: Lloyd with Hamerly's bounds, re-seeding, the update step
// =======================================================================================

template <class Dims>
void KMeansFit::State::assignFirstPass(int64_t begin, int64_t end, Dims dims) {
    const double* xs = x.data();
    const double* cs = centers.data();
    const int clusters = k;
    int* lab = labels.data();
    double* ups = upper.data();
    double* lows = lower.data();
    double* sum = sums.data();
    double* sq = squares.data();
    int64_t* count = counts.data();
    for (int64_t i = begin; i < end; ++i) {
        const double* p = xs + i * dims.count();
        double nearest, next;
        const int best = nearestTwo(p, cs, clusters, dims, nearest, next);
        lab[i] = best;
        ups[i] = std::sqrt(nearest);  // the drifts are zero
        lows[i] = std::sqrt(next);
        double* s = sum + static_cast<int64_t>(best) * dims.count();
        double norm = 0;
        for (int f = 0; f < dims.count(); ++f) {
            s[f] += p[f];
            norm += p[f] * p[f];
        }
        sq[best] += norm;
        ++count[best];
    }
}

void KMeansFit::State::move(int64_t i, int from, int to) {
    moveSums(point(i), from, to, sums.data(), squares.data(), counts.data(), DynamicDims{d});
    labels[static_cast<size_t>(i)] = to;
}

// A point keeps its cluster without computing any distance when its upper bound is below
// both half the gap to the nearest other centroid and its lower bound; otherwise the
// upper bound is made exact, and only if the test still fails are all k distances computed.
//
// The points that fail the test are scattered through X, and with a branch per point each
// of them costs a mispredicted branch and then a cache miss that nothing overlaps (on a
// million points, most of the pass). So a block of points is tested without branches,
// collecting the failures; their distances to their own centroids are computed next, as
// independent loads the processor overlaps; only then are the branches taken. The result
// is the same as point by point.
template <class Dims>
void KMeansFit::State::assignPass(int64_t begin, int64_t end, Dims dims) {
    constexpr int kBlock = 256;
    int64_t index[kBlock];
    double limit[kBlock], own[kBlock];
    const double* xs = x.data();
    const double* cs = centers.data();
    const double* gap = halfGap.data();
    const double* up = drift.data();
    const double* down = otherDrift.data();
    const int clusters = k;
    int* lab = labels.data();
    double* ups = upper.data();
    double* lows = lower.data();
    double* sum = sums.data();
    double* sq = squares.data();
    int64_t* count = counts.data();
    for (int64_t block = begin; block < end; block += kBlock) {
        const int64_t stop = std::min(end, block + kBlock);
        int found = 0;
        for (int64_t i = block; i < stop; ++i) {
            const int label = lab[i];
            const double bound = maxOf(gap[label], lows[i] - down[label]);
            index[found] = i;
            limit[found] = bound;
            found += ups[i] + up[label] > bound;
        }
        for (int j = 0; j < found; ++j) {
            const int64_t i = index[j];
            own[j] = squaredDistance(xs + i * dims.count(), cs + static_cast<int64_t>(lab[i]) * dims.count(), dims);
        }
        for (int j = 0; j < found; ++j) {
            const int64_t i = index[j];
            const int label = lab[i];
            const double bound = limit[j];
            if (own[j] <= bound * bound) {
                ups[i] = std::sqrt(own[j]) - up[label];
                continue;
            }
            const double* p = xs + i * dims.count();
            double first, second;
            const int best = nearestTwo(p, cs, clusters, dims, first, second);
            ups[i] = std::sqrt(first) - up[best];
            lows[i] = std::sqrt(second) + down[best];
            if (best == label) continue;
            // The sums follow the moves, so the update step needs no pass of its own.
            lab[i] = best;
            moveSums(p, label, best, sum, sq, count, dims);
        }
    }
}

template <class Dims>
void KMeansFit::State::reseedPass(int64_t begin, int64_t end, Dims dims) {
    const double* xs = x.data();
    const double* cs = centers.data();
    const int* lab = labels.data();
    for (int64_t i = begin; i < end; ++i) {
        const double v = squaredDistance(xs + i * dims.count(), cs + static_cast<int64_t>(lab[i]) * dims.count(), dims);
        if (far.size() == farCapacity && !(v > far.back().first)) continue;
        // Farthest first; among equal distances the earlier point first.
        auto at = std::upper_bound(far.begin(), far.end(), v,
                                   [](double value, const std::pair<double, int64_t>& e) { return value > e.first; });
        far.insert(at, {v, i});
        if (far.size() > farCapacity) far.pop_back();
    }
}

// Centroids move to the means of their points; the bounds learn how far they moved.
void KMeansFit::State::update() {
    double shiftTotal = 0;
    double inertiaNow = 0;
    for (int c = 0; c < k; ++c) {
        double* centroid = center(c);
        if (counts[c] == 0) {
            shift[c] = 0;
            continue;
        }
        const double size = static_cast<double>(counts[c]);
        const double* sum = sums.data() + static_cast<int64_t>(c) * d;
        double squaredShift = 0, norm = 0;
        for (int f = 0; f < d; ++f) {
            const double m = sum[f] / size;
            const double t = m - centroid[f];
            squaredShift += t * t;
            norm += m * m;
            centroid[f] = m;
        }
        shift[c] = std::sqrt(squaredShift);
        shiftTotal += squaredShift;
        // Sum of squared distances to the mean: sum |x|^2 - n |mean|^2.
        inertiaNow += std::max(0.0, squares[c] - size * norm);
    }
    std::vector<double>& h = history.back();
    // Inertia never increases: an assignment can only lower each point's distance, and
    // the mean is the point nearest on average to a cluster's points. The slack covers
    // the rounding of the running sums.
    assert(h.empty() || inertiaNow <= h.back() + 1e-9 * totalSquares);
    h.push_back(inertiaNow);
    ++iteration;

    double most = 0, secondMost = 0;
    int mostCluster = -1;
    for (int c = 0; c < k; ++c) {
        if (shift[c] > most) {
            secondMost = most;
            most = shift[c];
            mostCluster = c;
        } else if (shift[c] > secondMost) {
            secondMost = shift[c];
        }
    }
    for (int c = 0; c < k; ++c) {
        drift[c] += shift[c];
        otherDrift[c] += c == mostCluster ? secondMost : most;
    }
    for (int c = 0; c < k; ++c) {
        double nearest = kInf;
        for (int o = 0; o < k; ++o)
            if (o != c) nearest = std::min(nearest, squaredDistance(center(c), center(o), DynamicDims{d}));
        halfGap[c] = 0.5 * std::sqrt(nearest);
    }

    converged = shiftTotal <= tolerance;
    enter(converged || iteration >= params.maxIterations ? Phase::Finish : Phase::Assign);
}

// =======================================================================================
// 6. Passes: the final assignment of a restart
// =======================================================================================

// Like scikit-learn, a restart ends with one more assignment to the final centroids, so the
// labels are the nearest centroids of the model; the inertia is summed exactly here.
template <class Dims>
void KMeansFit::State::finishPass(int64_t begin, int64_t end, Dims dims) {
    const double* xs = x.data();
    const double* cs = centers.data();
    const double* gap = halfGap.data();
    const double* lows = lower.data();
    const double* down = otherDrift.data();
    const int clusters = k;
    int* lab = labels.data();
    int64_t* count = finalCounts.data();
    double total = finalInertia;
    for (int64_t i = begin; i < end; ++i) {
        int label = lab[i];
        const double* p = xs + i * dims.count();
        double v = squaredDistance(p, cs + static_cast<int64_t>(label) * dims.count(), dims);
        const double bound = maxOf(gap[label], lows[i] - down[label]);
        if (v > bound * bound) {
            double first, second;
            const int best = nearestTwo(p, cs, clusters, dims, first, second);
            if (best != label) {
                label = best;
                lab[i] = best;
                v = first;
            }
        }
        total += v;
        ++count[label];
    }
    finalInertia = total;
}

// =======================================================================================
// 7. KMeansFit
// =======================================================================================

KMeansFit::KMeansFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& params)
    : state_(std::make_unique<State>(X, params)) {
    State& s = *state_;
    const bool valid = params.validate(X.rows()).ok();
    assert(valid && "KMeansFit: validate the parameters first");
    if (!valid) return;  // phase stays Done
    s.startRestart();
    s.enter(Phase::SeedFirst);
}

KMeansFit::KMeansFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& params,
                     const Eigen::Ref<const Eigen::MatrixXd>& initialCentroids)
    : state_(std::make_unique<State>(X, params)) {
    State& s = *state_;
    const bool valid = params.validate(X.rows()).ok() && initialCentroids.rows() == params.k &&
                       initialCentroids.cols() == X.cols() && initialCentroids.allFinite();
    assert(valid && "KMeansFit: validate the parameters; initial centroids must be k x d");
    if (!valid) return;
    s.fixedStart = true;
    s.restarts = 1;
    s.startRestart();
    for (int c = 0; c < s.k; ++c)
        for (int f = 0; f < s.d; ++f) s.center(c)[f] = initialCentroids(c, f) - s.mean[f];
    s.enter(Phase::AssignFirst);
}

KMeansFit::KMeansFit(KMeansFit&&) noexcept = default;
KMeansFit& KMeansFit::operator=(KMeansFit&&) noexcept = default;
KMeansFit::~KMeansFit() = default;

bool KMeansFit::step() {
    State& s = *state_;
    if (s.phase == Phase::Done) return false;
    const int64_t end = std::min(s.n, s.cursor + s.chunk());
    s.pass(s, s.cursor, end);
    s.cursor = end;
    if (s.cursor == s.n) s.endPass();
    return s.phase != Phase::Done;
}

double KMeansFit::progress() const { return state_->progress(); }

bool KMeansFit::done() const { return state_->phase == Phase::Done; }

KMeansModel KMeansFit::result() const {
    const State& s = *state_;
    KMeansModel model;
    model.restartInertia = s.restartInertia;
    if (s.bestRestart < 0) {
        model.centroids.resize(0, s.d);
        return model;
    }
    model.centroids.resize(s.k, s.d);
    model.sizes.resize(s.k);
    for (int c = 0; c < s.k; ++c) {
        for (int f = 0; f < s.d; ++f)
            model.centroids(c, f) = s.bestCenters[static_cast<size_t>(c) * s.d + f] + s.mean[f];
        model.sizes(c) = static_cast<double>(s.bestCounts[c]);
    }
    model.labels = Eigen::Map<const Eigen::VectorXi>(s.bestLabels.data(), static_cast<Eigen::Index>(s.n));
    model.inertia = s.bestInertia;
    model.iterations = s.bestIterations;
    model.converged = s.bestConverged;
    model.bestRestart = s.bestRestart;
    return model;
}

const std::vector<std::vector<double>>& KMeansFit::inertiaHistory() const { return state_->history; }

int64_t KMeansFit::reseededClusters() const { return state_->reseeded; }

// =======================================================================================
// 8. Parameters and the one-call helpers
// =======================================================================================

core::Status KMeansParams::validate(int64_t points) const {
    if (points < 1) return core::makeError("There are no customers to cluster. Add or import customers first.");
    if (k < 1) return core::makeError("Choose at least 1 cluster.", "k = " + std::to_string(k));
    if (k > points)
        return core::makeError("Cannot make " + core::formatCount(k) + " clusters from " + core::formatCount(points) +
                                   (points == 1 ? " customer" : " customers") + ": choose at most " +
                                   core::formatCount(points) + (points == 1 ? " cluster." : " clusters."),
                               "k = " + std::to_string(k) + ", points = " + std::to_string(points));
    if (restarts < 1)
        return core::makeError("Use at least 1 restart for k-means.", "restarts = " + std::to_string(restarts));
    if (maxIterations < 1)
        return core::makeError("Allow k-means at least 1 iteration.",
                               "maxIterations = " + std::to_string(maxIterations));
    if (!(tolerance >= 0) || !std::isfinite(tolerance))
        return core::makeError("The k-means tolerance must be zero or a positive number.",
                               "tolerance = " + core::formatNumber(tolerance));
    return {};
}

KMeansModel fitKMeans(const Eigen::Ref<const Eigen::MatrixXd>& X, const KMeansParams& params) {
    KMeansFit fit(X, params);
    while (fit.step()) {
    }
    return fit.result();
}

namespace {

// Nearest centroid of each row, in blocks of rows so the column-major X is read along
// its columns. Calls sink(row, cluster, squared distance).
template <class Sink>
void forEachNearest(const KMeansModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X, Sink&& sink) {
    constexpr Eigen::Index kBlock = 256;
    const Eigen::Index n = X.rows(), d = X.cols(), k = model.centroids.rows();
    assert(model.centroids.cols() == d && k >= 1);
    double best[kBlock], dist[kBlock];
    int label[kBlock];
    for (Eigen::Index b = 0; b < n; b += kBlock) {
        const Eigen::Index m = std::min(kBlock, n - b);
        std::fill_n(best, m, kInf);
        std::fill_n(label, m, 0);
        for (Eigen::Index c = 0; c < k; ++c) {
            std::fill_n(dist, m, 0.0);
            for (Eigen::Index f = 0; f < d; ++f) {
                const double cf = model.centroids(c, f);
                for (Eigen::Index i = 0; i < m; ++i) {
                    const double t = X(b + i, f) - cf;
                    dist[i] += t * t;
                }
            }
            for (Eigen::Index i = 0; i < m; ++i) {
                if (dist[i] < best[i]) {
                    best[i] = dist[i];
                    label[i] = static_cast<int>(c);
                }
            }
        }
        for (Eigen::Index i = 0; i < m; ++i) sink(b + i, label[i], best[i]);
    }
}

}  // namespace

Eigen::VectorXi assign(const KMeansModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    Eigen::VectorXi labels(X.rows());
    if (model.centroids.rows() == 0) return labels.setZero();
    forEachNearest(model, X, [&](Eigen::Index i, int label, double) { labels(i) = label; });
    return labels;
}

double inertia(const KMeansModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    if (model.centroids.rows() == 0) return 0.0;
    double total = 0;
    forEachNearest(model, X, [&](Eigen::Index, int, double squared) { total += squared; });
    return total;
}

}  // namespace rapport::analytics
