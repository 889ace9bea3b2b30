// model_runs.hpp: saved results of analyses (RFM, clustering, and later churn models), so
// a view shows the last run again after a reload without recomputing it.
//
// A run is a row of model_runs (kind, parameters and metrics as JSON, created_at) plus
// named arrays stored as BLOBs in model_run_arrays (migration 3): per-customer results
// such as cluster labels or PCA coordinates, keyed by the customer ids saved beside
// them. Arrays are little-endian, as wasm and x86 are. (customer_scores, one row per
// customer, is for scores a user filters and exports, such as churn risk; a million
// rows there take seconds to write, a BLOB milliseconds.)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace rapport::store {

struct ModelRun {
    int64_t id = 0;
    std::string kind;        // "rfm", "kmeans", ...
    std::string parameters;  // JSON object
    std::string metrics;     // JSON object
    std::string createdAt;   // ISO timestamp (UTC)
};

enum class ArrayType { Int32, Int64, Float32, Float64 };

struct RunArray {
    std::string name;
    ArrayType type = ArrayType::Float64;
    std::string bytes;  // the raw little-endian values

    static RunArray ofInt32(std::string name, std::span<const int32_t> values);
    static RunArray ofInt64(std::string name, std::span<const int64_t> values);
    static RunArray ofFloat32(std::string name, std::span<const float> values);
    static RunArray ofFloat64(std::string name, std::span<const double> values);
    int64_t count() const;  // number of values
};

// Saves a run with its arrays in one transaction and returns its id. Keeps the newest
// `keep` runs of the same kind and deletes older ones (with their arrays).
core::Result<int64_t> saveModelRun(Db& db, const std::string& kind, const std::string& parametersJson,
                                   const std::string& metricsJson, const std::vector<RunArray>& arrays, int keep = 5);

core::Result<std::optional<ModelRun>> latestModelRun(Db& db, const std::string& kind);
core::Result<std::vector<ModelRun>> modelRuns(Db& db, const std::string& kind);  // newest first
core::Status deleteModelRun(Db& db, int64_t runId);

// Per-customer scores of a run (customer_scores), added in slices by a job: each call is
// its own transaction (a job that is cancelled deletes the run, which takes its scores).
// extras: JSON text per row (may be empty, then NULL).
core::Status addCustomerScores(Db& db, int64_t runId, std::span<const int64_t> customerIds, std::span<const double> scores,
                               std::span<const std::string> extras);
struct CustomerScore {
    int64_t customerId = 0;
    double score = 0;
    std::string extra;
};
// A run's scores, highest first, at most `limit` (0: all).
core::Result<std::vector<CustomerScore>> customerScores(Db& db, int64_t runId, int64_t limit = 0);

// A saved array; an error when it is missing or not of the asked type.
core::Result<std::vector<int32_t>> loadInt32(Db& db, int64_t runId, const std::string& name);
core::Result<std::vector<int64_t>> loadInt64(Db& db, int64_t runId, const std::string& name);
core::Result<std::vector<float>> loadFloat32(Db& db, int64_t runId, const std::string& name);
core::Result<std::vector<double>> loadFloat64(Db& db, int64_t runId, const std::string& name);

}  // namespace rapport::store
