// tree.cpp: CART trees over binned features. The fit is a resumable loop over nodes in
// depth-first order (a stack of pending nodes, as scikit-learn's DepthFirstTreeBuilder);
// a node's split search visits its features one at a time, so a step can stop between two
// features of a large node. The training rows live in one array, each node owning a
// contiguous range of it, and a split partitions its range in place: no allocation per node.
//
// Contents
//   1. Binned features (FeatureBinning)
//   2. Impurity and the split scan
//   3. Fit state: node expansion
//   4. TreeFit and fitTree
//   5. Prediction and path contributions
//   6. Cost-complexity pruning
//   7. Parameters, data checks, importance

#include "analytics/tree.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/random.hpp"
#include "core/text_format.hpp"

namespace rapport::analytics {

// =======================================================================================
// 1. Binned features (FeatureBinning)
// =======================================================================================

struct FeatureBins {
    int64_t rows = 0;
    int features = 0;
    bool wide = false;                           // codes in codes32 (exact bins, some feature past 256 values)
    std::vector<uint8_t> codes8;                 // rows x features, column-major: bin of each value
    std::vector<uint32_t> codes32;               //   (one of the two is used)
    std::vector<std::vector<double>> low, high;  // per feature and bin: smallest and largest value
    std::vector<char> exact;                     // per feature: one value per bin
    int64_t mostBins = 0;                        // the largest bin count of a feature
};

// Each feature is sorted by an LSD radix sort on the bits of its values (8 passes of one
// byte, skipping bytes all values share), then walked in order twice: to count distinct
// values, and to form the bins and write every row's code. Every pass is O(n) and runs in
// chunks, so a step stays short whatever n is, and no comparison sort is needed.
struct FeatureBinning::State {
    enum class Phase { Keys, Scatter, Count, Assign, Narrow, Done };

    std::shared_ptr<const Eigen::MatrixXd> X;
    int maxBins = 0;
    std::shared_ptr<FeatureBins> bins;
    std::vector<uint32_t> codes;  // column-major while coding; narrowed at the end if they fit

    int feature = 0;
    Phase phase = Phase::Keys;
    int64_t position = 0;  // within the current pass
    std::vector<uint64_t> keys, keysOut;
    std::vector<int32_t> rows, rowsOut;
    int64_t digitCounts[8][256];
    int64_t offsets[256];
    int digit = 0;
    int64_t distinct = 0;
    int64_t binned = 0, inBin = 0;  // rows in closed bins, rows in the open bin

    bool runChunk(int64_t& budget);
    void nextDigit(int from);
};

namespace {

// Unsigned keys that sort like the doubles (no NaN; -0 is made +0 first, so equal values
// have equal keys).
inline uint64_t orderKey(double value) {
    value += 0.0;
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}
inline double fromOrderKey(uint64_t key) {
    const uint64_t bits = (key >> 63) ? key & ~(uint64_t{1} << 63) : ~key;
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

constexpr int64_t kBinningWork = int64_t{1} << 18;  // elements per step: well under 1 ms natively

}  // namespace

FeatureBinning::FeatureBinning(const Eigen::Ref<const Eigen::MatrixXd>& X, int maxBins)
    : FeatureBinning(std::make_shared<const Eigen::MatrixXd>(X), maxBins) {}

FeatureBinning::FeatureBinning(std::shared_ptr<const Eigen::MatrixXd> X, int maxBins) : state_(new State) {
    assert(X && (maxBins == 0 || (maxBins >= 2 && maxBins <= 256)));
    assert(X->rows() <= std::numeric_limits<int32_t>::max() && "rows are numbered with 32 bits");
    State& s = *state_;
    s.X = std::move(X);
    s.maxBins = maxBins;
    s.bins = std::make_shared<FeatureBins>();
    const int64_t n = s.X->rows();
    s.bins->rows = n;
    s.bins->features = static_cast<int>(s.X->cols());
    s.bins->low.resize(s.X->cols());
    s.bins->high.resize(s.X->cols());
    s.bins->exact.resize(s.X->cols());
    s.codes.resize(static_cast<size_t>(n * s.X->cols()));
    s.keys.resize(static_cast<size_t>(n));
    s.keysOut.resize(static_cast<size_t>(n));
    s.rows.resize(static_cast<size_t>(n));
    s.rowsOut.resize(static_cast<size_t>(n));
    s.phase = s.X->cols() == 0 || n == 0 ? State::Phase::Narrow : State::Phase::Keys;
}

FeatureBinning::FeatureBinning(FeatureBinning&&) noexcept = default;
FeatureBinning& FeatureBinning::operator=(FeatureBinning&&) noexcept = default;
FeatureBinning::~FeatureBinning() = default;

// The next byte, from `from` on, in which the keys differ, with its bucket offsets; or on
// to counting when the keys are sorted.
void FeatureBinning::State::nextDigit(int from) {
    const int64_t n = bins->rows;
    for (digit = from; digit < 8; ++digit) {
        bool shared = false;
        for (int b = 0; b < 256; ++b) shared = shared || digitCounts[digit][b] == n;
        if (!shared) break;
    }
    position = 0;
    if (digit == 8) {
        phase = Phase::Count;
        distinct = 0;
        return;
    }
    phase = Phase::Scatter;
    int64_t sum = 0;
    for (int b = 0; b < 256; ++b) {
        offsets[b] = sum;
        sum += digitCounts[digit][b];
    }
}

// Runs the current pass until it ends or the budget does; false once everything is coded.
bool FeatureBinning::State::runChunk(int64_t& budget) {
    FeatureBins& b = *bins;
    const int64_t n = b.rows;
    const int64_t stop = std::min(n, position + std::max<int64_t>(budget, 1));
    budget -= stop - position;
    switch (phase) {
        case Phase::Keys: {
            if (position == 0) std::memset(digitCounts, 0, sizeof digitCounts);
            const double* column = X->data() + feature * n;
            for (int64_t i = position; i < stop; ++i) {
                const uint64_t key = orderKey(column[i]);
                keys[i] = key;
                rows[i] = static_cast<int32_t>(i);
                for (int d = 0; d < 8; ++d) ++digitCounts[d][(key >> (8 * d)) & 0xFF];
            }
            position = stop;
            if (position == n) nextDigit(0);
            return true;
        }
        case Phase::Scatter: {
            const int shift = 8 * digit;
            for (int64_t i = position; i < stop; ++i) {
                const uint64_t key = keys[i];
                const int64_t to = offsets[(key >> shift) & 0xFF]++;
                keysOut[to] = key;
                rowsOut[to] = rows[i];
            }
            position = stop;
            if (position == n) {
                keys.swap(keysOut);
                rows.swap(rowsOut);
                nextDigit(digit + 1);
            }
            return true;
        }
        case Phase::Count: {
            for (int64_t i = position; i < stop; ++i) distinct += i == 0 || keys[i] != keys[i - 1];
            position = stop;
            if (position == n) {
                phase = Phase::Assign;
                position = binned = inBin = 0;
            }
            return true;
        }
        case Phase::Assign: {
            // Bins of about equal counts: a bin closes once it holds its share of the rows
            // not yet binned, so a value that alone holds many rows (zeros, say) does not
            // starve the rest. A value is never split across bins. Exact, or few distinct
            // values: one bin each.
            const bool exact = maxBins == 0 || distinct <= maxBins;
            b.exact[feature] = exact;
            std::vector<double>& low = b.low[feature];
            std::vector<double>& high = b.high[feature];
            uint32_t* featureCodes = codes.data() + feature * n;
            int64_t i = position;
            while (i < stop) {
                int64_t j = i + 1;
                while (j < n && keys[j] == keys[i]) ++j;
                if (inBin == 0) low.push_back(fromOrderKey(keys[i]));
                const uint32_t code = static_cast<uint32_t>(high.size());  // a value's rows stay together
                for (int64_t k = i; k < j; ++k) featureCodes[rows[k]] = code;
                inBin += j - i;
                const int64_t binsLeft = maxBins - static_cast<int64_t>(high.size());
                if (j == n || exact || (binsLeft > 1 && inBin * binsLeft >= n - binned)) {
                    high.push_back(fromOrderKey(keys[j - 1]));
                    binned += inBin;
                    inBin = 0;
                }
                i = j;
            }
            position = i;
            if (position == n) {
                b.mostBins = std::max<int64_t>(b.mostBins, static_cast<int64_t>(high.size()));
                position = 0;
                phase = ++feature == b.features ? Phase::Narrow : Phase::Keys;
            }
            return true;
        }
        case Phase::Narrow: {
            b.wide = b.mostBins > 256;
            if (b.wide) {
                b.codes32 = std::move(codes);
            } else {
                b.codes8.assign(codes.begin(), codes.end());
            }
            budget -= static_cast<int64_t>(b.codes8.size());
            codes = {};
            keys = keysOut = {};
            rows = rowsOut = {};
            X.reset();
            phase = Phase::Done;
            return false;
        }
        case Phase::Done:
            return false;
    }
    return false;
}

bool FeatureBinning::step() {
    State& s = *state_;
    int64_t budget = kBinningWork;
    while (budget > 0 && s.phase != State::Phase::Done) s.runChunk(budget);
    return s.phase != State::Phase::Done;
}

double FeatureBinning::progress() const {
    const State& s = *state_;
    if (s.phase == State::Phase::Done) return 1.0;
    return static_cast<double>(s.feature) / std::max(1, s.bins->features);
}

bool FeatureBinning::done() const { return state_->phase == State::Phase::Done; }

std::shared_ptr<const FeatureBins> FeatureBinning::result() const { return done() ? state_->bins : nullptr; }

namespace {

// =======================================================================================
// 2. Impurity and the split scan
// =======================================================================================

// Rows visited per step: on 100,000 x 20, about 1.5 ms natively and 2 ms in wasm, 5 at most.
constexpr int64_t kStepWork = int64_t{1} << 20;

double impurityOf(SplitCriterion criterion, int64_t weight, int64_t positives) {
    if (weight <= 0) return 0;
    const double p = static_cast<double>(positives) / static_cast<double>(weight), q = 1.0 - p;
    if (criterion == SplitCriterion::Gini) return 1.0 - p * p - q * q;
    double h = 0;
    if (p > 0) h -= p * std::log2(p);
    if (q > 0) h -= q * std::log2(q);
    return h;
}

inline double xlogx(double x) { return x > 0 ? x * std::log(x) : 0.0; }

// The best split of a node seen so far. Ranked by a proxy that orders splits as the
// weighted child impurity does (scikit-learn's proxy_impurity_improvement): for Gini the
// sum over both sides and labels of count^2 / side count, for entropy of c ln c - n ln n.
struct Split {
    int feature = -1;
    uint32_t leftBin = 0, rightBin = 0;  // the last non-empty bin going left, the first going right
    int64_t weight = 0, positives = 0;   // of the left side
    double proxy = -std::numeric_limits<double>::infinity();
};

// Walks one feature's non-empty bins of a node in order and scores the boundary before
// each of them. A feature with a single non-empty bin is constant in the node.
struct SplitScan {
    SplitCriterion criterion;
    int64_t total, totalPositives, minLeaf;
    int feature;
    Split* best;
    int64_t weight = 0, positives = 0;  // left of the boundary
    uint32_t previous = 0;
    int64_t nonEmpty = 0;

    void add(uint32_t bin, int64_t binWeight, int64_t binPositives) {
        if (nonEmpty++ > 0 && weight >= minLeaf && total - weight >= minLeaf) score(bin);
        weight += binWeight;
        positives += binPositives;
        previous = bin;
    }

    void score(uint32_t bin) {
        const double nl = static_cast<double>(weight), pl = static_cast<double>(positives), ql = nl - pl;
        const double nr = static_cast<double>(total - weight), pr = static_cast<double>(totalPositives - positives),
                     qr = nr - pr;
        double proxy;
        if (criterion == SplitCriterion::Gini) {
            proxy = (pl * pl + ql * ql) / nl + (pr * pr + qr * qr) / nr;
        } else {
            proxy = xlogx(pl) + xlogx(ql) + xlogx(pr) + xlogx(qr) - xlogx(nl) - xlogx(nr);
        }
        if (proxy > best->proxy) *best = Split{feature, previous, bin, weight, positives, proxy};
    }
};

// =======================================================================================
// 3. Fit state: node expansion
// =======================================================================================

struct Pending {
    int32_t start = 0, end = 0;        // the node's range of State::order
    int32_t outStart = 0, outEnd = 0;  // and of State::outside
    int depth = 0;
    int parent = -1;
    bool isLeft = false;
    int64_t weight = 0, positives = 0;
};

// Packed per-row counts: weight in the high 32 bits, weight * label in the low 32, so one
// 64-bit add counts both into a histogram bin (totals stay below 2^32).
inline uint64_t packCounts(int64_t weight, int label) {
    return (static_cast<uint64_t>(weight) << 32) | static_cast<uint64_t>(label ? weight : 0);
}

}  // namespace

struct TreeFit::State {
    TreeParams params;
    std::unique_ptr<FeatureBinning> binning;  // exact binning of X, when built from X
    std::shared_ptr<const FeatureBins> bins;
    int p = 0;
    int tryFeatures = 0;
    bool finished = false;
    double binningShare = 0;  // of the progress bar

    // Rows in the tree grouped by node, with their packed counts alongside.
    std::vector<int32_t> order;
    std::vector<uint64_t> counts;
    std::vector<int32_t> spareRows;  // the right side of a partition, before it is copied back
    std::vector<uint64_t> spareCounts;
    // Rows left out of `rows` follow the splits too (partitioned, never counted), so their
    // leaves are known without walking the tree again: the forest's out-of-bag rows.
    std::vector<int32_t> outside;
    std::vector<int32_t> leafOf;  // per row: the leaf of an outside row
    Eigen::VectorXd outOfBag;
    std::vector<Pending> stack;
    std::vector<TreeNode> nodes;
    core::Random rng{0};
    std::vector<int> featureOrder;            // partially shuffled per node to draw features
    std::vector<uint64_t> histogram, bitmap;  // per bin, all zero between features
    std::vector<uint64_t> keys;
    int64_t rootWeight = 0, settled = 0;

    // The node whose split is being searched.
    bool searching = false;
    Pending node;
    int nodeId = -1;
    int drawn = 0, nonConstant = 0;
    Split best;

    TreeModel model;

    void setUp(const Eigen::Ref<const Eigen::VectorXi>& y, int64_t n, const std::vector<int64_t>* rows) {
        std::vector<int32_t> weight(static_cast<size_t>(n), rows ? 0 : 1);
        if (rows) {
            for (const int64_t r : *rows) {
                assert(r >= 0 && r < n);
                ++weight[static_cast<size_t>(r)];
            }
        }
        for (int64_t r = 0; r < n; ++r) {
            if (weight[r] == 0) {
                outside.push_back(static_cast<int32_t>(r));
                continue;
            }
            order.push_back(static_cast<int32_t>(r));
            counts.push_back(packCounts(weight[r], y[r]));
            rootWeight += weight[r];
        }
        int64_t positives = 0;
        for (const uint64_t c : counts) positives += static_cast<int64_t>(c & 0xFFFFFFFFu);
        if (!outside.empty()) leafOf.assign(static_cast<size_t>(n), -1);
        spareRows.resize(std::max(order.size(), outside.size()));
        spareCounts.resize(order.size());
        stack.push_back(Pending{0, static_cast<int32_t>(order.size()), 0, static_cast<int32_t>(outside.size()), 0, -1,
                                false, rootWeight, positives});
        featureOrder.resize(static_cast<size_t>(p));
        for (int f = 0; f < p; ++f) featureOrder[f] = f;
        rng = core::Random(params.seed);
        tryFeatures = params.maxFeatures <= 0 ? p : std::min(params.maxFeatures, p);
    }

    void useBins(std::shared_ptr<const FeatureBins> ready) {
        bins = std::move(ready);
        histogram.assign(static_cast<size_t>(bins->mostBins), 0);
        bitmap.assign(static_cast<size_t>((bins->mostBins + 63) / 64), 0);
    }

    int64_t advance();
    bool isLeaf(const Pending& pending) const;
    int addNode(const Pending& pending);
    void settle();
    template <class Code>
    int64_t evaluate(const Code* codes, int feature);
    template <class Code>
    void split(const Code* codes);
    void finish();
};

bool TreeFit::State::isLeaf(const Pending& pending) const {
    return (params.maxDepth > 0 && pending.depth >= params.maxDepth) || pending.weight < params.minSamplesSplit ||
           pending.weight < 2 * params.minSamplesLeaf || pending.positives == 0 || pending.positives == pending.weight;
}

// The current node is a leaf: its rows are settled, its outside rows end here.
void TreeFit::State::settle() {
    settled += node.weight;
    for (int32_t k = node.outStart; k < node.outEnd; ++k) leafOf[outside[k]] = nodeId;
}

int TreeFit::State::addNode(const Pending& pending) {
    TreeNode n;
    n.samples = pending.weight;
    n.value = pending.weight > 0 ? static_cast<double>(pending.positives) / static_cast<double>(pending.weight) : 0.0;
    n.impurity = impurityOf(params.criterion, pending.weight, pending.positives);
    const int id = static_cast<int>(nodes.size());
    nodes.push_back(n);
    if (pending.parent >= 0) (pending.isLeft ? nodes[pending.parent].left : nodes[pending.parent].right) = id;
    return id;
}

// One unit of work: take the next node, try one feature on the current node, or split it.
// Returns the rows visited.
int64_t TreeFit::State::advance() {
    if (!searching) {
        if (stack.empty()) {
            finish();
            return 1;
        }
        node = stack.back();
        stack.pop_back();
        nodeId = addNode(node);
        if (isLeaf(node)) {
            settle();
            return 1 + node.outEnd - node.outStart;
        }
        searching = true;
        drawn = nonConstant = 0;
        best = Split{};
        return 1;
    }
    // As scikit-learn: draw features without replacement until tryFeatures are visited, and
    // past that while every feature visited was constant in the node.
    if (drawn < p && (drawn < tryFeatures || nonConstant == 0)) {
        const int pick = drawn + static_cast<int>(rng.below(static_cast<uint64_t>(p - drawn)));
        std::swap(featureOrder[drawn], featureOrder[pick]);
        const int feature = featureOrder[drawn++];
        const int64_t f = feature;
        return bins->wide ? evaluate(bins->codes32.data() + f * bins->rows, feature)
                          : evaluate(bins->codes8.data() + f * bins->rows, feature);
    }
    searching = false;
    if (best.feature < 0) {
        settle();
        return 1 + node.outEnd - node.outStart;
    }
    const int64_t f = best.feature;
    if (bins->wide) {
        split(bins->codes32.data() + f * bins->rows);
    } else {
        split(bins->codes8.data() + f * bins->rows);
    }
    return node.end - node.start + node.outEnd - node.outStart;
}

// Scores every boundary between the node's non-empty bins of one feature. Labels are
// counted per bin, and a bitmap of the bins touched lists the non-empty ones in order, so
// neither clearing nor scanning costs anything per empty bin (the histogram is left all
// zero for the next feature). A node of a few rows against very many bins (exact bins of
// a continuous feature) sorts its codes instead.
template <class Code>
int64_t TreeFit::State::evaluate(const Code* codes, int feature) {
    const int64_t bincount = static_cast<int64_t>(bins->high[feature].size());
    if (bincount < 2) return 1;  // constant in the data: never split
    const int32_t start = node.start, end = node.end;
    const int64_t m = end - start;
    SplitScan scan{params.criterion, node.weight, node.positives, params.minSamplesLeaf, feature, &best};

    const int64_t words = (bincount + 63) / 64;
    int64_t log2m = 1;
    while ((int64_t{1} << log2m) < m) ++log2m;
    const int64_t sortCost = 2 * m * log2m, countCost = 2 * m + words;
    if (sortCost < countCost) {
        if (static_cast<int64_t>(keys.size()) < m) keys.resize(static_cast<size_t>(m));
        // Key: bin in the high 32 bits, then weight and label, so one sort groups the bins.
        for (int64_t i = 0; i < m; ++i) {
            const uint64_t c = counts[start + i];
            keys[i] = (static_cast<uint64_t>(codes[order[start + i]]) << 32) | ((c >> 32) << 1) |
                      ((c & 0xFFFFFFFFu) != 0 ? 1u : 0u);
        }
        std::sort(keys.begin(), keys.begin() + m);
        uint32_t bin = static_cast<uint32_t>(keys[0] >> 32);
        int64_t weight = 0, positives = 0;
        for (int64_t i = 0; i < m; ++i) {
            const uint64_t key = keys[i];
            const uint32_t b = static_cast<uint32_t>(key >> 32);
            if (b != bin) {
                scan.add(bin, weight, positives);
                bin = b;
                weight = positives = 0;
            }
            const int64_t w = static_cast<int64_t>((key & 0xFFFFFFFFu) >> 1);
            weight += w;
            positives += (key & 1) ? w : 0;
        }
        scan.add(bin, weight, positives);
    } else if (m > 4 * bincount) {
        // Many rows per bin: most bins are touched anyway, so skip the bitmap.
        uint64_t* h = histogram.data();
        const int32_t* rows = order.data();
        const uint64_t* c = counts.data();
        for (int32_t i = start; i < end; ++i) h[codes[rows[i]]] += c[i];
        for (int64_t b = 0; b < bincount; ++b) {
            const uint64_t v = h[b];
            if (!v) continue;
            h[b] = 0;
            scan.add(static_cast<uint32_t>(b), static_cast<int64_t>(v >> 32), static_cast<int64_t>(v & 0xFFFFFFFFu));
        }
    } else {
        uint64_t* h = histogram.data();
        uint64_t* touched = bitmap.data();
        const int32_t* rows = order.data();
        const uint64_t* c = counts.data();
        for (int32_t i = start; i < end; ++i) {
            const uint32_t b = codes[rows[i]];
            h[b] += c[i];
            touched[b >> 6] |= uint64_t{1} << (b & 63);
        }
        for (int64_t w = 0; w < words; ++w) {
            uint64_t bits = touched[w];
            touched[w] = 0;
            while (bits) {
                const uint32_t b = static_cast<uint32_t>(w * 64 + std::countr_zero(bits));
                bits &= bits - 1;
                const uint64_t v = h[b];
                h[b] = 0;
                scan.add(b, static_cast<int64_t>(v >> 32), static_cast<int64_t>(v & 0xFFFFFFFFu));
            }
        }
    }
    nonConstant += scan.nonEmpty > 1;
    return std::min(sortCost, countCost);
}

// Partitions the node's rows by the best split and queues both children (left on top, so
// it is numbered first).
template <class Code>
void TreeFit::State::split(const Code* codes) {
    // Exact bins: the threshold is the midpoint between the two sides' nearest values, as
    // scikit-learn's. Wider bins: the boundary between two bins, the middle one of those
    // between the sides, so every training value (in the node or not) is on the side its
    // bin says. Either way rows go left when their bin is at most `cut`.
    const std::vector<double>& high = bins->high[best.feature];
    const std::vector<double>& low = bins->low[best.feature];
    auto midpoint = [](double left, double right) {  // the left value if it rounds onto the right one
        const double m = left / 2.0 + right / 2.0;
        return m == right || !std::isfinite(m) ? left : m;
    };
    uint32_t cut;
    double threshold;
    if (bins->exact[best.feature]) {
        threshold = midpoint(high[best.leftBin], low[best.rightBin]);
        cut = static_cast<uint32_t>(
            std::upper_bound(high.begin() + best.leftBin, high.begin() + best.rightBin, threshold) - high.begin() - 1);
    } else {
        cut = best.leftBin + (best.rightBin - best.leftBin - 1) / 2;
        threshold = midpoint(high[cut], low[cut + 1]);
    }
    // Stable and branch-free (the side of a row is a coin toss to the branch predictor):
    // every row is written to both the left run and the spare, and only one of the two
    // positions advances. Stable keeps each node's rows in increasing order, so reading
    // their codes walks memory forwards.
    int32_t i = node.start, right = 0;
    for (int32_t k = node.start; k < node.end; ++k) {
        const int32_t row = order[k];
        const uint64_t c = counts[k];
        const bool left = codes[row] <= cut;
        order[i] = row;
        counts[i] = c;
        spareRows[right] = row;
        spareCounts[right] = c;
        i += left;
        right += !left;
    }
    std::copy(spareRows.begin(), spareRows.begin() + right, order.begin() + i);
    std::copy(spareCounts.begin(), spareCounts.begin() + right, counts.begin() + i);
    int32_t oi = node.outStart;
    right = 0;
    for (int32_t k = node.outStart; k < node.outEnd; ++k) {
        const int32_t row = outside[k];
        const bool left = codes[row] <= cut;
        outside[oi] = row;
        spareRows[right] = row;
        oi += left;
        right += !left;
    }
    std::copy(spareRows.begin(), spareRows.begin() + right, outside.begin() + oi);
    TreeNode& n = nodes[nodeId];
    n.feature = best.feature;
    n.threshold = threshold;
    stack.push_back(Pending{i, node.end, oi, node.outEnd, node.depth + 1, nodeId, false, node.weight - best.weight,
                            node.positives - best.positives});
    stack.push_back(
        Pending{node.start, i, node.outStart, oi, node.depth + 1, nodeId, true, best.weight, best.positives});
}

namespace {
void computeImportance(TreeModel& model);
std::vector<char> weakestLinks(const TreeModel& model, double limit, std::vector<double>* alphas);
}  // namespace

void TreeFit::State::finish() {
    finished = true;
    model.features = p;
    model.nodes = std::move(nodes);
    // An outside row's leaf after pruning is the highest collapsed node above its grown
    // leaf (node values do not change with pruning).
    std::vector<int> leafIn;
    if (!leafOf.empty()) {
        leafIn.resize(model.nodes.size());
        for (size_t i = 0; i < leafIn.size(); ++i) leafIn[i] = static_cast<int>(i);
    }
    if (params.ccpAlpha > 0 && !leafIn.empty()) {
        const std::vector<char> kept = weakestLinks(model, params.ccpAlpha, nullptr);
        for (size_t i = 0; i < leafIn.size(); ++i) {  // parents come before their children
            const TreeNode& n = model.nodes[i];
            if (n.feature >= 0 && (!kept[n.left] || leafIn[i] != static_cast<int>(i)))
                leafIn[n.left] = leafIn[n.right] = leafIn[i];
        }
    }
    if (!leafOf.empty()) {
        outOfBag.setConstant(static_cast<Eigen::Index>(leafOf.size()), std::numeric_limits<double>::quiet_NaN());
        for (size_t r = 0; r < leafOf.size(); ++r)
            if (leafOf[r] >= 0) outOfBag[static_cast<Eigen::Index>(r)] = model.nodes[leafIn[leafOf[r]]].value;
    }
    if (params.ccpAlpha > 0) {
        model = prune(model, params.ccpAlpha);
    } else {
        computeImportance(model);
    }
    order = spareRows = {};
    counts = spareCounts = {};
    outside = {};
    leafOf = {};
    histogram = {};
    bitmap = {};
    keys = {};
    stack = {};
    bins.reset();
}

// =======================================================================================
// 4. TreeFit and fitTree
// =======================================================================================

TreeFit::TreeFit(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
                 const TreeParams& params, const std::vector<int64_t>* rows)
    : state_(new State) {
    State& s = *state_;
    s.params = params;
    s.p = static_cast<int>(X.cols());
    const bool valid = params.validate().ok() && y.size() == X.rows();
    assert(valid && "TreeFit: validate the parameters first");
    if (!valid) {
        s.finished = true;
        return;
    }
    s.binning = std::make_unique<FeatureBinning>(X, 0);
    s.binningShare = 0.5;
    s.setUp(y, X.rows(), rows);
}

TreeFit::TreeFit(std::shared_ptr<const FeatureBins> bins, const Eigen::Ref<const Eigen::VectorXi>& y,
                 const TreeParams& params, const std::vector<int64_t>* rows)
    : state_(new State) {
    State& s = *state_;
    s.params = params;
    const bool valid = params.validate().ok() && bins && y.size() == bins->rows;
    assert(valid && "TreeFit: validate the parameters first");
    if (!valid) {
        s.finished = true;
        return;
    }
    s.p = bins->features;
    s.useBins(std::move(bins));
    s.setUp(y, s.bins->rows, rows);
}

TreeFit::TreeFit(TreeFit&&) noexcept = default;
TreeFit& TreeFit::operator=(TreeFit&&) noexcept = default;
TreeFit::~TreeFit() = default;

bool TreeFit::step() {
    State& s = *state_;
    if (s.finished) return false;
    if (s.binning) {
        s.binning->step();
        if (s.binning->done()) {
            s.useBins(s.binning->result());
            s.binning.reset();
        }
        return true;
    }
    int64_t budget = kStepWork;
    while (budget > 0 && !s.finished) budget -= s.advance();
    return !s.finished;
}

double TreeFit::progress() const {
    const State& s = *state_;
    if (s.finished) return 1.0;
    if (s.binning) return s.binningShare * s.binning->progress();
    const double grown = s.rootWeight > 0 ? static_cast<double>(s.settled) / static_cast<double>(s.rootWeight) : 0.0;
    return s.binningShare + (1.0 - s.binningShare) * grown;
}

bool TreeFit::done() const { return state_->finished; }

TreeModel TreeFit::result() const { return state_->finished ? state_->model : TreeModel{}; }

Eigen::VectorXd TreeFit::outOfBagPrediction() const { return state_->finished ? state_->outOfBag : Eigen::VectorXd(); }

TreeModel fitTree(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y,
                  const TreeParams& params, const std::vector<int64_t>* rows) {
    TreeFit fit(X, y, params, rows);
    while (fit.step()) {
    }
    return fit.result();
}

// =======================================================================================
// 5. Prediction and path contributions
// =======================================================================================

namespace {

inline int leafOf(const std::vector<TreeNode>& nodes, const Eigen::Ref<const Eigen::MatrixXd>& X, Eigen::Index row) {
    int i = 0;
    while (nodes[i].feature >= 0) i = X(row, nodes[i].feature) <= nodes[i].threshold ? nodes[i].left : nodes[i].right;
    return i;
}

}  // namespace

Eigen::VectorXd predictTree(const TreeModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    Eigen::VectorXd out(X.rows());
    if (model.nodes.empty()) return out.setZero();
    assert(X.cols() == model.features);
    for (Eigen::Index r = 0; r < X.rows(); ++r) out[r] = model.nodes[leafOf(model.nodes, X, r)].value;
    return out;
}

Eigen::MatrixXd treeContributions(const TreeModel& model, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(X.rows(), model.features);
    if (model.nodes.empty()) return out;
    assert(X.cols() == model.features);
    const std::vector<TreeNode>& nodes = model.nodes;
    for (Eigen::Index r = 0; r < X.rows(); ++r) {
        int i = 0;
        while (nodes[i].feature >= 0) {
            const int next = X(r, nodes[i].feature) <= nodes[i].threshold ? nodes[i].left : nodes[i].right;
            out(r, nodes[i].feature) += nodes[next].value - nodes[i].value;
            i = next;
        }
    }
    return out;
}

// =======================================================================================
// 6. Cost-complexity pruning
// =======================================================================================

namespace {

// Weakest-link pruning as scikit-learn's _cost_complexity_prune: collapses nodes while the
// smallest alpha is <= limit, appending each alpha to `alphas` if given. Returns which
// nodes remain (a collapsed node remains, as a leaf).
std::vector<char> weakestLinks(const TreeModel& model, double limit, std::vector<double>* alphas) {
    const std::vector<TreeNode>& nodes = model.nodes;
    const int count = static_cast<int>(nodes.size());
    std::vector<int> parent(count, -1);
    std::vector<double> own(count), branch(count, 0.0);  // R(node) and R(subtree)
    std::vector<int64_t> leaves(count, 0);
    std::vector<char> kept(count, 1), candidate(count, 0);
    const double total = static_cast<double>(nodes[0].samples);
    for (int i = 0; i < count; ++i) {
        own[i] = total > 0 ? static_cast<double>(nodes[i].samples) / total * nodes[i].impurity : 0.0;
        if (nodes[i].feature >= 0) {
            assert(nodes[i].left > i && nodes[i].right > i);
            parent[nodes[i].left] = parent[nodes[i].right] = i;
            candidate[i] = 1;
        }
    }
    for (int i = count - 1; i >= 0; --i) {  // children come after their parent
        if (nodes[i].feature < 0) {
            leaves[i] = 1;
            branch[i] = own[i];
        }
        if (parent[i] >= 0) {
            leaves[parent[i]] += leaves[i];
            branch[parent[i]] += branch[i];
        }
    }
    std::vector<int> stack;
    while (candidate[0]) {
        double alpha = std::numeric_limits<double>::max();
        int weakest = -1;
        for (int i = 0; i < count; ++i) {
            if (!candidate[i]) continue;
            const double a = (own[i] - branch[i]) / static_cast<double>(leaves[i] - 1);
            if (a < alpha) {
                alpha = a;
                weakest = i;
            }
        }
        if (alpha > limit) break;
        if (alphas) alphas->push_back(alpha);
        stack.assign({nodes[weakest].left, nodes[weakest].right});
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            kept[i] = candidate[i] = 0;
            if (nodes[i].feature >= 0) {
                stack.push_back(nodes[i].left);
                stack.push_back(nodes[i].right);
            }
        }
        candidate[weakest] = 0;
        const int64_t removed = leaves[weakest] - 1;
        const double rise = own[weakest] - branch[weakest];
        leaves[weakest] = 1;
        branch[weakest] = own[weakest];
        for (int i = parent[weakest]; i >= 0; i = parent[i]) {
            leaves[i] -= removed;
            branch[i] += rise;
        }
    }
    return kept;
}

}  // namespace

std::vector<double> ccpAlphas(const TreeModel& model) {
    std::vector<double> alphas{0.0};
    if (model.nodes.empty()) return alphas;
    weakestLinks(model, std::numeric_limits<double>::infinity(), &alphas);
    return alphas;
}

TreeModel prune(const TreeModel& model, double alpha) {
    TreeModel out;
    out.features = model.features;
    if (model.nodes.empty()) return out;
    const std::vector<char> kept = weakestLinks(model, alpha, nullptr);
    // Rebuild depth-first (left subtree first) with the collapsed nodes as leaves.
    struct Item {
        int old, parent;
        bool isLeft;
    };
    std::vector<Item> stack{{0, -1, false}};
    while (!stack.empty()) {
        const Item item = stack.back();
        stack.pop_back();
        TreeNode n = model.nodes[item.old];
        const bool internal = n.feature >= 0 && kept[n.left];
        const int oldLeft = n.left, oldRight = n.right;
        n.left = n.right = -1;
        if (!internal) {
            n.feature = -1;
            n.threshold = 0;
        }
        const int id = static_cast<int>(out.nodes.size());
        out.nodes.push_back(n);
        if (item.parent >= 0) (item.isLeft ? out.nodes[item.parent].left : out.nodes[item.parent].right) = id;
        if (internal) {
            stack.push_back({oldRight, id, false});
            stack.push_back({oldLeft, id, true});
        }
    }
    computeImportance(out);
    return out;
}

// =======================================================================================
// 7. Parameters, data checks, importance
// =======================================================================================

namespace {

void computeImportance(TreeModel& model) {
    std::vector<double>& importance = model.impurityImportance;
    importance.assign(static_cast<size_t>(model.features), 0.0);
    for (const TreeNode& n : model.nodes) {
        if (n.feature < 0) continue;
        const TreeNode& l = model.nodes[n.left];
        const TreeNode& r = model.nodes[n.right];
        importance[n.feature] += static_cast<double>(n.samples) * n.impurity -
                                 static_cast<double>(l.samples) * l.impurity -
                                 static_cast<double>(r.samples) * r.impurity;
    }
    double sum = 0;
    for (const double v : importance) sum += v;
    if (sum > 0)
        for (double& v : importance) v /= sum;
}

}  // namespace

core::Status TreeParams::validate() const {
    if (maxDepth < 0)
        return core::makeError("The maximum depth cannot be negative (0 means no limit).",
                               "maxDepth = " + std::to_string(maxDepth));
    if (minSamplesLeaf < 1)
        return core::makeError("Each leaf needs at least 1 customer.",
                               "minSamplesLeaf = " + std::to_string(minSamplesLeaf));
    if (minSamplesSplit < 2)
        return core::makeError("A group needs at least 2 customers to be split.",
                               "minSamplesSplit = " + std::to_string(minSamplesSplit));
    if (!(ccpAlpha >= 0) || !std::isfinite(ccpAlpha))
        return core::makeError("The pruning strength (alpha) must be 0 or more.",
                               "ccpAlpha = " + core::formatNumber(ccpAlpha));
    if (maxFeatures < 0)
        return core::makeError("The number of features tried per split cannot be negative (0 means all).",
                               "maxFeatures = " + std::to_string(maxFeatures));
    return {};
}

core::Status checkTrainingData(const Eigen::Ref<const Eigen::MatrixXd>& X, const Eigen::Ref<const Eigen::VectorXi>& y) {
    if (X.rows() == 0) return core::makeError("There are no customers to learn from. Add or import customers first.");
    if (X.cols() == 0) return core::makeError("There are no features to learn from. Choose at least one feature.");
    if (y.size() != X.rows())
        return core::makeError("The churn labels do not match the customers.",
                               std::to_string(y.size()) + " labels for " + std::to_string(X.rows()) + " rows");
    int64_t ones = 0;
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        if (y[i] != 0 && y[i] != 1)
            return core::makeError("Churn labels must be 0 (stayed) or 1 (churned).",
                                   "y[" + std::to_string(i) + "] = " + std::to_string(y[i]));
        ones += y[i];
    }
    if (ones == 0 || ones == y.size())
        return core::makeError("All customers in the training set have the same label: there is nothing to learn.");
    for (Eigen::Index f = 0; f < X.cols(); ++f) {
        if (!X.col(f).allFinite())
            return core::makeError("Some feature values are missing or not numbers. Fill them in before fitting.",
                                   "column " + std::to_string(f));
    }
    return {};
}

}  // namespace rapport::analytics
