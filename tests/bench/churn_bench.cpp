// churn_bench.cpp: the churn models (issue 6) timed on the same 100,000 x 20 data as
// scikit-learn (tests/bench/churn_sklearn.py --speed), natively and as wasm under Node, so
// tests/bench/churn_compare.py can put speed and results side by side.
//   rapport_churn_bench --make-data [DIR]          natively, once: the synthetic data set
//   rapport_churn_bench --run [DIR] [--repeat 5] [--forest-repeat 3]
//                                                  the timed figures, one JSON line each
// DIR defaults to build/bench-data (relative to the working directory).
//
// Contents
//   1. Data files        the CSV scikit-learn reads and a matrix file with the same values
//   2. Making the data   20 features of several shapes, the label drawn from a logistic model
//   3. The timed figures logistic regression (L2 = 1, standardized), a depth-6 tree, a forest
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
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "analytics/evaluation.hpp"
#include "analytics/forest.hpp"
#include "analytics/logistic.hpp"
#include "analytics/tree.hpp"
#include "core/json_writer.hpp"
#include "core/random.hpp"

namespace {

using namespace rapport;
using Clock = std::chrono::steady_clock;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

static_assert(std::endian::native == std::endian::little, "matrix files are little-endian, as x86 and wasm are");

#if defined(__EMSCRIPTEN__)
constexpr const char* kImpl = "wasm";
#else
constexpr const char* kImpl = "native";
#endif

// Fixed sizes and seed, so every machine benchmarks the same data. Bump kGenerator when
// the data below changes: --make-data then writes the files again.
constexpr int64_t kRows = 100000;
constexpr int kFeatures = 20;
constexpr uint64_t kSeed = 6;  // issue 6
constexpr int kGenerator = 1;
constexpr int kTrees = 100;
constexpr int kTreeDepth = 6;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Wall time, and natively the process's CPU time too: the machine may be busy, and CPU time
// is what scikit-learn's lines report beside their wall time. (Under Emscripten clock() is
// not CPU time, so the wasm lines leave it out.)
struct Timer {
    Clock::time_point wall = Clock::now();
    std::clock_t cpu = std::clock();
    double seconds() const { return secondsSince(wall); }
    double cpuSeconds() const { return static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC; }
};

void cpuField(core::JsonWriter& json, const std::vector<double>& cpu) {
#if !defined(__EMSCRIPTEN__)
    std::vector<double> sorted = cpu;
    std::sort(sorted.begin(), sorted.end());
    json.field("cpu_seconds", sorted[sorted.size() / 2]);
#else
    (void)json, (void)cpu;
#endif
}

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

core::JsonWriter& figure(core::JsonWriter& json, const char* task, const Eigen::MatrixXd& X) {
    return json.beginObject()
        .field("impl", kImpl)
        .field("task", task)
        .field("rows", static_cast<int64_t>(X.rows()))
        .field("cols", static_cast<int64_t>(X.cols()));
}

void arrayField(core::JsonWriter& json, const char* name, const std::vector<double>& values) {
    json.key(name).beginArray();
    for (double v : values) json.value(v);
    json.endArray();
}

// =======================================================================================
// 1. Data files
// =======================================================================================

std::string stem(const std::string& dir) {
    return dir + "/churn_" + std::to_string(kRows) + "x" + std::to_string(kFeatures) + ".g" +
           std::to_string(kGenerator);
}
std::string csvPath(const std::string& dir) { return stem(dir) + ".csv"; }
std::string matrixPath(const std::string& dir) { return stem(dir) + ".f64"; }

// The matrix file: a tiny header (rows, cols as int64) and row-major float64 values, the
// label in the last column. Written to a temporary name and renamed, so an interrupted run
// leaves no file that a later --make-data would take as done.
bool writeMatrix(const std::string& path, const RowMajor& M) {
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return false;
    const int64_t header[2] = {M.rows(), M.cols()};
    const size_t count = static_cast<size_t>(M.size());
    bool ok = std::fwrite(header, sizeof header, 1, f) == 1 && std::fwrite(M.data(), sizeof(double), count, f) == count;
    ok = std::fclose(f) == 0 && ok;
    return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool readMatrix(const std::string& path, RowMajor& M) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    int64_t header[2] = {0, 0};
    bool ok = std::fread(header, sizeof header, 1, f) == 1 && header[0] > 0 && header[1] > 0;
    if (ok) {
        M.resize(header[0], header[1]);
        const size_t count = static_cast<size_t>(M.size());
        ok = std::fread(M.data(), sizeof(double), count, f) == count;
    }
    std::fclose(f);
    return ok;
}

// One header line (f01..f20, churned) and a row per customer. Values are written with 7
// significant digits, and the matrix file holds those same values read back, so both files
// describe the same numbers exactly.
bool writeCsv(const std::string& path, const RowMajor& M) {
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return false;
    for (int j = 0; j < kFeatures; ++j) std::fprintf(f, "f%02d,", j + 1);
    std::fprintf(f, "churned\n");
    char text[40];
    for (Eigen::Index i = 0; i < M.rows(); ++i) {
        for (Eigen::Index j = 0; j < M.cols(); ++j) {
            std::snprintf(text, sizeof text, "%.7g", M(i, j));
            std::fputs(text, f);
            std::fputc(j + 1 < M.cols() ? ',' : '\n', f);
        }
    }
    const bool ok = std::fclose(f) == 0;
    return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

// =======================================================================================
// 2. Making the data
// =======================================================================================

double roundTo7(double v) {
    char text[40];
    std::snprintf(text, sizeof text, "%.7g", v);
    return std::strtod(text, nullptr);
}

// Shapes a churn table has: bell-shaped and correlated measures, skewed amounts, yes/no
// flags, counts, and uniform durations. Each feature's effect on the log-odds is fixed
// (four do nothing); the intercept gives a churned share of about a quarter.
RowMajor simulate() {
    static constexpr double kWeights[kFeatures] = {
        0.8,   -0.5,  0.3, 0.0, 0.15, -0.25, 0.0, 0.4,  // normal (f02 correlated with f01)
        0.35,  -0.3,  0.0, 0.2,                         // log-normal amounts (log-odds per log unit)
        0.9,   -0.7,  0.4, 0.0,                         // yes/no flags
        0.25,  -0.15,                                   // counts
        -0.02, 0.01};                                   // durations 0..72 and 0..100
    core::Random random(kSeed);
    RowMajor M(kRows, kFeatures + 1);
    for (int64_t i = 0; i < kRows; ++i) {
        double x[kFeatures];
        for (int j = 0; j < 8; ++j) x[j] = random.normal();
        x[1] = 0.6 * x[0] + 0.8 * x[1];
        x[5] = 0.5 * x[4] + 0.866 * x[5];
        for (int j = 8; j < 12; ++j) x[j] = random.lognormal(3.0 + 0.5 * (j - 8), 0.8);
        for (int j = 12; j < 16; ++j) x[j] = random.chance(0.2 + 0.1 * (j - 12)) ? 1.0 : 0.0;
        x[16] = static_cast<double>(random.poisson(1.5));
        x[17] = static_cast<double>(random.poisson(4.0));
        x[18] = std::floor(random.uniform(0, 73));
        x[19] = random.uniform(0, 100);
        for (double& v : x) v = roundTo7(v);
        double eta = -0.9;
        for (int j = 0; j < kFeatures; ++j) {
            const double v = j >= 8 && j < 12 ? std::log(x[j]) - (3.0 + 0.5 * (j - 8)) : x[j];
            eta += kWeights[j] * v;
        }
        const double p = 1.0 / (1.0 + std::exp(-eta));
        for (int j = 0; j < kFeatures; ++j) M(i, j) = x[j];
        M(i, kFeatures) = random.chance(p) ? 1.0 : 0.0;
    }
    return M;
}

bool makeData(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    core::JsonWriter json;
    json.beginObject().field("impl", kImpl).field("task", "data").field("rows", kRows).field("cols", kFeatures);
    json.field("csv", csvPath(dir).c_str()).field("matrix", matrixPath(dir).c_str());
    if (std::filesystem::exists(csvPath(dir)) && std::filesystem::exists(matrixPath(dir))) {
        printLine(json.field("skipped", true).endObject());
        return true;
    }
    const auto t0 = Clock::now();
    const RowMajor M = simulate();
    if (!writeMatrix(matrixPath(dir), M)) return fail("cannot write " + matrixPath(dir));
    if (!writeCsv(csvPath(dir), M)) return fail("cannot write " + csvPath(dir));
    json.field("seed", static_cast<int64_t>(kSeed)).field("churned_share", M.col(kFeatures).mean());
    printLine(json.field("seconds", secondsSince(t0)).endObject());
    return true;
}

// =======================================================================================
// 3. The timed figures
// =======================================================================================

// Logistic regression as the app fits it: L2 = 1 on standardized features (scikit-learn's
// LogisticRegression(C=1) after StandardScaler).
bool benchLogistic(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int repeat) {
    analytics::LogisticParams params;
    params.l2 = 1.0;
    params.standardize = true;
    std::vector<double> seconds, cpu;
    analytics::LogisticModel model;
    for (int r = 0; r < repeat; ++r) {
        const Timer timer;
        auto fitted = analytics::fitLogistic(X, y, params);
        seconds.push_back(timer.seconds());
        cpu.push_back(timer.cpuSeconds());
        if (!fitted) return fail(fitted.error().message);
        model = std::move(*fitted);
    }
    const double auc = analytics::rocAuc(y, analytics::predictProba(model, X));
    core::JsonWriter json;
    figure(json, "logistic", X).field("seconds", median(seconds));
    arrayField(json, "runs", seconds);
    cpuField(json, cpu);
    json.field("train_auc", auc)
        .field("objective", model.objective)
        .field("iterations", model.iterations)
        .field("converged", model.converged)
        .field("intercept", model.intercept);
    arrayField(json, "weights", std::vector<double>(model.weights.data(), model.weights.data() + model.weights.size()));
    printLine(json.endObject());
    return true;
}

int64_t leaves(const analytics::TreeModel& tree) {
    return std::count_if(tree.nodes.begin(), tree.nodes.end(),
                         [](const analytics::TreeNode& n) { return n.feature < 0; });
}

// A single CART tree of depth 6 on every feature (exact thresholds, as scikit-learn's).
bool benchTree(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int repeat) {
    analytics::TreeParams params;
    params.maxDepth = kTreeDepth;
    params.seed = 1;
    std::vector<double> seconds, cpu;
    analytics::TreeModel model;
    for (int r = 0; r < repeat; ++r) {
        const Timer timer;
        model = analytics::fitTree(X, y, params);
        seconds.push_back(timer.seconds());
        cpu.push_back(timer.cpuSeconds());
    }
    if (model.nodes.empty()) return fail("the tree fit returned no nodes");
    core::JsonWriter json;
    figure(json, "tree", X).field("max_depth", kTreeDepth).field("seconds", median(seconds));
    arrayField(json, "runs", seconds);
    cpuField(json, cpu);
    json.field("train_auc", analytics::rocAuc(y, analytics::predictTree(model, X)))
        .field("nodes", static_cast<int64_t>(model.nodes.size()))
        .field("leaves", leaves(model));
    printLine(json.endObject());
    return true;
}

// A forest of 100 fully grown trees, sqrt(20) = 4 features tried per split, bootstrap.
bool benchForest(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int repeat) {
    analytics::ForestParams params;
    params.trees = kTrees;
    params.seed = 1;
    std::vector<double> seconds, cpu;
    analytics::ForestModel model;
    for (int r = 0; r < repeat; ++r) {
        model = {};  // the previous forest's memory is freed before the next fit
        const Timer timer;
        model = analytics::fitForest(X, y, params);
        seconds.push_back(timer.seconds());
        cpu.push_back(timer.cpuSeconds());
    }
    if (static_cast<int>(model.trees.size()) != kTrees) return fail("the forest fit returned too few trees");
    int64_t nodes = 0, leafCount = 0;
    for (const analytics::TreeModel& t : model.trees) {
        nodes += static_cast<int64_t>(t.nodes.size());
        leafCount += leaves(t);
    }
    core::JsonWriter json;
    figure(json, "forest", X).field("trees", kTrees).field("seconds", median(seconds));
    arrayField(json, "runs", seconds);
    cpuField(json, cpu);
    json.field("train_auc", analytics::rocAuc(y, analytics::predictForest(model, X)))
        .field("oob_auc", model.oobAuc)
        .field("oob_error", model.oobError)
        .field("nodes", nodes)
        .field("leaves", leafCount);
    printLine(json.endObject());
    return true;
}

bool run(const std::string& dir, int repeat, int forestRepeat) {
    RowMajor M;
    if (!readMatrix(matrixPath(dir), M) || M.rows() != kRows || M.cols() != kFeatures + 1)
        return fail("cannot read " + matrixPath(dir) + ": make it with the native build's --make-data " + dir);
    const Eigen::MatrixXd X = M.leftCols(kFeatures);  // column-major, one row per customer
    const Eigen::VectorXi y = M.col(kFeatures).cast<int>();
    M.resize(0, 0);
    return benchLogistic(X, y, repeat) && benchTree(X, y, repeat) && benchForest(X, y, forestRepeat);
}

}  // namespace

// =======================================================================================
// 4. main
// =======================================================================================

int main(int argc, char** argv) {
    std::string dir = "build/bench-data";
    int repeat = 5, forestRepeat = 3;
    bool make = false, timed = false, understood = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0;
        if (a == "--make-data" || a == "--run") {
            (a == "--run" ? timed : make) = true;
            if (hasValue) dir = argv[++i];
        } else if (a == "--repeat" && hasValue) {
            repeat = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--forest-repeat" && hasValue) {
            forestRepeat = std::max(1, std::atoi(argv[++i]));
        } else {
            understood = false;
        }
    }
    if (!understood || (!make && !timed)) {
        fail("usage: rapport_churn_bench --make-data [DIR] | --run [DIR] [--repeat R] [--forest-repeat F]");
        return 2;
    }
    if (make && !makeData(dir)) return 1;
    if (timed && !run(dir, repeat, forestRepeat)) return 1;
    return 0;
}
