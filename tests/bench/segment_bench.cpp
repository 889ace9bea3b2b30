// segment_bench.cpp: segmentation (k-means, silhouette, Ward) timed on the same matrices
// as scikit-learn (tests/bench/sklearn_reference.py), natively and as wasm under Node, so
// tests/bench/segment_compare.py can put speed and results side by side.
//   rapport_segment_bench --make-data [DIR]          natively, once: demo customers -> matrices
//   rapport_segment_bench --run [DIR] [--repeat 3]   the timed figures, one JSON line each
// DIR defaults to build/bench-data (relative to the working directory).
//
// Contents
//   1. Matrix files        a tiny header (rows, cols as int64) and row-major float64 values
//   2. Making the data     demo customers, four features by SQL, prepared for clustering
//   3. The timed figures   k-means on 100,000 and 1,000,000 rows, silhouette, Ward and its cut
//   4. main
#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "analytics/features.hpp"
#include "analytics/kmeans.hpp"
#include "analytics/silhouette.hpp"
#include "analytics/ward.hpp"
#include "core/json_writer.hpp"
#include "store/demo_data.hpp"
#include "store/store.hpp"

namespace {

using namespace rapport;
using Clock = std::chrono::steady_clock;

static_assert(std::endian::native == std::endian::little, "matrix files are little-endian, as x86 and wasm are");

#if defined(__EMSCRIPTEN__)
constexpr const char* kImpl = "wasm";
#else
constexpr const char* kImpl = "native";
#endif

// The two customer bases; fixed seeds, so every machine benchmarks the same matrices.
struct DataSet {
    int64_t customers;
    uint64_t seed;
};
constexpr DataSet kDataSets[] = {{100000, 1}, {1000000, 2}};
constexpr int64_t kSilhouetteRows = 10000;  // the first rows of the 100,000 (exact silhouette)
constexpr int64_t kWardRows = 5000;         // the first rows of the 100,000 (exact Ward)
constexpr int kClusters = 6;
constexpr int kLastHeights = 20;  // Ward heights compared with scikit-learn's distances_

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

bool fail(const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
    return false;
}

void printLine(const core::JsonWriter& json) {
    std::printf("%s\n", json.str().c_str());
    std::fflush(stdout);
}

core::JsonWriter& figure(core::JsonWriter& json, const char* what, int64_t rows) {
    return json.beginObject().field("what", what).field("impl", kImpl).field("rows", rows);
}

void arrayField(core::JsonWriter& json, const char* name, const std::vector<double>& values) {
    json.key(name).beginArray();
    for (double v : values) json.value(v);
    json.endArray();
}

// =======================================================================================
// 1. Matrix files
// =======================================================================================

std::string matrixPath(const std::string& dir, int64_t rows) {
    return dir + "/customers_" + std::to_string(rows) + ".f64";
}
std::string labelsPath(const std::string& dir, const char* what, int64_t rows) {
    return dir + "/labels_" + what + "_" + std::to_string(rows) + "." + kImpl + ".f64";
}

// Written to a temporary name and renamed, so an interrupted run leaves no file that a
// later --make-data would take as done.
bool writeMatrix(const std::string& path, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return false;
    const int64_t header[2] = {X.rows(), X.cols()};
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor = X;
    const size_t count = static_cast<size_t>(rowMajor.size());
    bool ok = std::fwrite(header, sizeof header, 1, f) == 1 &&
              std::fwrite(rowMajor.data(), sizeof(double), count, f) == count;
    ok = std::fclose(f) == 0 && ok;
    return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool writeLabels(const std::string& path, const Eigen::VectorXi& labels) {
    return writeMatrix(path, labels.cast<double>());
}

bool readMatrix(const std::string& path, Eigen::MatrixXd& X) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    int64_t header[2] = {0, 0};
    bool ok = std::fread(header, sizeof header, 1, f) == 1 && header[0] > 0 && header[1] > 0;
    if (ok) {
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor(header[0], header[1]);
        const size_t count = static_cast<size_t>(rowMajor.size());
        ok = std::fread(rowMajor.data(), sizeof(double), count, f) == count;
        if (ok) X = rowMajor;
    }
    std::fclose(f);
    return ok;
}

// =======================================================================================
// 2. Making the data
// =======================================================================================

// Four features per customer as of the last order date in the data: days since the last
// order (since signup for a customer who never ordered: inactive all along), orders,
// revenue, and days since signup.
constexpr const char* kFeatureSql = R"(
WITH ref AS (SELECT julianday(date(MAX(ordered_at))) AS day FROM orders),
     per AS (SELECT customer_id, COUNT(*) AS n, SUM(amount) AS revenue, MAX(ordered_at) AS last
             FROM orders GROUP BY customer_id)
SELECT MAX(0, ref.day - julianday(date(COALESCE(per.last, c.signup_date)))),
       COALESCE(per.n, 0), COALESCE(per.revenue, 0),
       MAX(0, ref.day - julianday(c.signup_date))
FROM customers AS c CROSS JOIN ref LEFT JOIN per ON per.customer_id = c.id
ORDER BY c.id)";

core::Result<Eigen::MatrixXd> rawFeatures(store::Db& db, int64_t customers) {
    auto stmt = store::Stmt::prepare(db, kFeatureSql);
    if (!stmt) return stmt.error();
    Eigen::MatrixXd raw(customers, 4);
    int64_t row = 0;
    while (stmt->step()) {
        if (row == customers) return core::makeError("more customers than generated");
        for (int c = 0; c < 4; ++c) raw(row, c) = stmt->columnIsNull(c) ? NAN : stmt->columnDouble(c);
        ++row;
    }
    if (auto s = stmt->status(); !s) return s.error();
    if (row != customers) return core::makeError("fewer customers than generated");
    return raw;
}

bool makeData(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (const DataSet& set : kDataSets) {
        const std::string path = matrixPath(dir, set.customers);
        core::JsonWriter json;
        figure(json, "data", set.customers).field("file", path.c_str());
        if (std::filesystem::exists(path)) {
            printLine(json.field("skipped", true).endObject());
            continue;
        }
        auto st = store::Store::open(":memory:");
        if (!st) return fail(st.error().message);
        store::DemoOptions options;
        options.customers = set.customers;
        options.seed = set.seed;
        options.scenario = store::DemoScenario::Retail;
        const auto t0 = Clock::now();
        auto counts = store::generateDemo(st->db(), options);
        if (!counts) return fail(counts.error().message);
        const double generated = secondsSince(t0);
        const auto t1 = Clock::now();
        auto raw = rawFeatures(st->db(), set.customers);
        if (!raw) return fail(raw.error().message);
        using analytics::FeatureTransform;
        auto prepared = analytics::prepareFeatures(*raw, {{"recency_days", FeatureTransform::Log1p},
                                                          {"orders", FeatureTransform::Log1p},
                                                          {"revenue", FeatureTransform::Log1p},
                                                          {"tenure_days", FeatureTransform::None}});
        if (!prepared) return fail(prepared.error().message);
        for (const std::string& w : prepared->warnings) std::fprintf(stderr, "features: %s\n", w.c_str());
        const double featured = secondsSince(t1);
        if (!writeMatrix(path, prepared->X)) return fail("cannot write " + path);
        json.field("seed", static_cast<int64_t>(set.seed))
            .field("orders", counts->orders)
            .field("generate_seconds", generated)
            .field("features_seconds", featured);
        printLine(json.endObject());
    }
    return true;
}

// =======================================================================================
// 3. The timed figures
// =======================================================================================

// k-means as the app runs it (KMeansFit step by step), k = 6, 10 restarts, seed 0. Returns
// the labels of the last repeat (every repeat gives the same bits).
Eigen::VectorXi benchKMeans(const Eigen::MatrixXd& X, int repeat) {
    analytics::KMeansParams params;
    params.k = kClusters;
    params.restarts = 10;
    params.seed = 0;
    std::vector<double> seconds;
    analytics::KMeansModel model;
    int64_t lloydIterations = 0;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = Clock::now();
        analytics::KMeansFit fit(X, params);
        while (fit.step()) {
        }
        model = fit.result();
        seconds.push_back(secondsSince(t0));
        lloydIterations = 0;
        for (const auto& history : fit.inertiaHistory()) lloydIterations += static_cast<int64_t>(history.size());
    }
    core::JsonWriter json;
    figure(json, "kmeans", X.rows())
        .field("cols", static_cast<int64_t>(X.cols()))
        .field("k", params.k)
        .field("restarts", params.restarts)
        .field("seconds", median(seconds));
    arrayField(json, "runs", seconds);
    json.field("inertia", model.inertia)
        .field("iterations", model.iterations)
        .field("converged", model.converged)
        .field("best_restart", model.bestRestart)
        .field("iterations_all_restarts", lloydIterations);
    arrayField(json, "restart_inertia", model.restartInertia);
    printLine(json.endObject());
    return model.labels;
}

void benchSilhouette(const Eigen::MatrixXd& X, const Eigen::VectorXi& labels, const std::string& labelsFile,
                     int repeat) {
    std::vector<double> seconds;
    analytics::SilhouetteResult result;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = Clock::now();
        result = analytics::silhouette(X, labels, kClusters);
        seconds.push_back(secondsSince(t0));
    }
    core::JsonWriter json;
    figure(json, "silhouette", X.rows()).field("labels", "ours").field("seconds", median(seconds));
    arrayField(json, "runs", seconds);
    json.field("score", result.mean).field("sampled", result.sampled).field("labels_file", labelsFile.c_str());
    printLine(json.endObject());
}

bool benchWard(const Eigen::MatrixXd& X, const std::string& dir, int repeat) {
    std::vector<double> seconds, fitSeconds;
    analytics::WardResult result;
    Eigen::VectorXi labels;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = Clock::now();
        auto fitted = analytics::fitWard(X);
        if (!fitted) return fail(fitted.error().message);
        fitSeconds.push_back(secondsSince(t0));
        labels = analytics::pointClusters(*fitted, kClusters);
        seconds.push_back(secondsSince(t0));
        result = std::move(fitted).value();
    }
    const std::string labelsFile = labelsPath(dir, "ward6", X.rows());
    if (!writeLabels(labelsFile, labels)) return fail("cannot write " + labelsFile);
    const auto& merges = result.tree.merges;
    std::vector<double> lastHeights;
    for (size_t i = merges.size() - std::min<size_t>(kLastHeights, merges.size()); i < merges.size(); ++i)
        lastHeights.push_back(merges[i].height);
    std::vector<double> sizes(kClusters, 0.0);
    for (Eigen::Index i = 0; i < labels.size(); ++i) sizes[static_cast<size_t>(labels[i])] += 1;
    core::JsonWriter json;
    figure(json, "ward", X.rows())
        .field("clusters", kClusters)
        .field("seconds", median(seconds))
        .field("fit_seconds", median(fitSeconds));
    arrayField(json, "runs", seconds);
    json.field("approximate", result.approximate);
    arrayField(json, "last_heights", lastHeights);
    arrayField(json, "sizes", sizes);
    json.field("labels_file", labelsFile.c_str());
    printLine(json.endObject());
    return true;
}

bool run(const std::string& dir, int repeat) {
    Eigen::MatrixXd small, large;
    for (auto [X, rows] : {std::pair{&small, kDataSets[0].customers}, std::pair{&large, kDataSets[1].customers}}) {
        const std::string path = matrixPath(dir, rows);
        if (!readMatrix(path, *X) || X->rows() != rows)
            return fail("cannot read " + path + ": make it with the native build's --make-data " + dir);
    }
    const Eigen::VectorXi labels = benchKMeans(small, repeat);
    const std::string kmeansFile = labelsPath(dir, "kmeans", small.rows());
    if (!writeLabels(kmeansFile, labels)) return fail("cannot write " + kmeansFile);
    benchKMeans(large, repeat);

    const Eigen::VectorXi silhouetteLabels = labels.head(kSilhouetteRows);
    const std::string silhouetteFile = labelsPath(dir, "silhouette", kSilhouetteRows);
    if (!writeLabels(silhouetteFile, silhouetteLabels)) return fail("cannot write " + silhouetteFile);
    benchSilhouette(small.topRows(kSilhouetteRows), silhouetteLabels, silhouetteFile, repeat);
    return benchWard(small.topRows(kWardRows), dir, repeat);
}

}  // namespace

// =======================================================================================
// 4. main
// =======================================================================================

int main(int argc, char** argv) {
    std::string dir = "build/bench-data";
    int repeat = 3;
    bool make = false, timed = false, understood = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0;
        if (a == "--make-data" || a == "--run") {
            (a == "--run" ? timed : make) = true;
            if (hasValue) dir = argv[++i];
        } else if (a == "--repeat" && hasValue) {
            repeat = std::max(1, std::atoi(argv[++i]));
        } else {
            understood = false;
        }
    }
    if (!understood || (!make && !timed)) {
        fail("usage: rapport_segment_bench --make-data [DIR] | --run [DIR] [--repeat R]");
        return 2;
    }
    if (make && !makeData(dir)) return 1;
    if (timed && !run(dir, repeat)) return 1;
    return 0;
}
