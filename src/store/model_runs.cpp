// model_runs.cpp: saved analysis runs and their arrays (BLOBs of little-endian values).
#include "store/model_runs.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace rapport::store {

// The BLOBs hold the values as they sit in memory; both targets are little-endian.
static_assert(std::endian::native == std::endian::little, "model_run_arrays are stored little-endian");

namespace {

const char* typeName(ArrayType type) {
    switch (type) {
        case ArrayType::Int32:
            return "int32";
        case ArrayType::Int64:
            return "int64";
        case ArrayType::Float32:
            return "float32";
        case ArrayType::Float64:
            return "float64";
    }
    return "";
}

int64_t typeSize(ArrayType type) { return type == ArrayType::Int32 || type == ArrayType::Float32 ? 4 : 8; }

template <class T>
RunArray makeArray(std::string name, ArrayType type, std::span<const T> values) {
    RunArray a;
    a.name = std::move(name);
    a.type = type;
    a.bytes.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(a.bytes.data(), values.data(), a.bytes.size());
    return a;
}

core::Status bindRun(Stmt& stmt, const std::string& kind, const std::string& parameters, const std::string& metrics) {
    stmt.bind(1, std::string_view(kind))
        .bind(2, std::string_view(parameters.empty() ? "{}" : parameters))
        .bind(3, std::string_view(metrics.empty() ? "{}" : metrics));
    return stmt.run();
}

ModelRun runFrom(const Stmt& s) {
    return ModelRun{s.columnInt(0), s.columnText(1), s.columnText(2), s.columnText(3), s.columnText(4)};
}

constexpr const char* kRunColumns =
    "SELECT id, kind, coalesce(parameters, '{}'), coalesce(metrics, '{}'), created_at FROM model_runs";

template <class T>
core::Result<std::vector<T>> load(Db& db, int64_t runId, const std::string& name, ArrayType type) {
    auto stmt = Stmt::prepare(db, "SELECT type, data FROM model_run_arrays WHERE run_id = ? AND name = ?");
    if (!stmt) return stmt.error();
    stmt->bind(1, runId).bind(2, std::string_view(name));
    if (!stmt->step()) {
        if (auto s = stmt->status(); !s) return s.error();
        return core::makeError("This saved result is incomplete. Run the analysis again.",
                               "run " + std::to_string(runId) + " has no array '" + name + "'");
    }
    const std::string stored = stmt->columnText(0);
    if (stored != typeName(type)) {
        return core::makeError(
            "This saved result cannot be read by this version of Rapport. Run the analysis again.",
            "array '" + name + "' of run " + std::to_string(runId) + " is " + stored + ", not " + typeName(type));
    }
    const std::string bytes = stmt->columnBlob(1);
    if (bytes.size() % sizeof(T) != 0) {
        return core::makeError(
            "This saved result is damaged. Run the analysis again.",
            "array '" + name + "' of run " + std::to_string(runId) + " has " + std::to_string(bytes.size()) + " bytes");
    }
    std::vector<T> values(bytes.size() / sizeof(T));
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

}  // namespace

RunArray RunArray::ofInt32(std::string name, std::span<const int32_t> values) {
    return makeArray(std::move(name), ArrayType::Int32, values);
}
RunArray RunArray::ofInt64(std::string name, std::span<const int64_t> values) {
    return makeArray(std::move(name), ArrayType::Int64, values);
}
RunArray RunArray::ofFloat32(std::string name, std::span<const float> values) {
    return makeArray(std::move(name), ArrayType::Float32, values);
}
RunArray RunArray::ofFloat64(std::string name, std::span<const double> values) {
    return makeArray(std::move(name), ArrayType::Float64, values);
}
int64_t RunArray::count() const { return static_cast<int64_t>(bytes.size()) / typeSize(type); }

core::Result<int64_t> saveModelRun(Db& db, const std::string& kind, const std::string& parametersJson,
                                   const std::string& metricsJson, const std::vector<RunArray>& arrays, int keep) {
    for (size_t i = 0; i < arrays.size(); ++i) {
        if (static_cast<int64_t>(arrays[i].bytes.size()) % typeSize(arrays[i].type) != 0)
            return core::makeError("Internal error: an array's size does not match its type", arrays[i].name);
        for (size_t j = 0; j < i; ++j) {
            if (arrays[j].name == arrays[i].name)
                return core::makeError("Internal error: two arrays of a run have the same name", arrays[i].name);
        }
    }
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    auto run = Stmt::prepare(db,
                             "INSERT INTO model_runs (kind, parameters, metrics, created_at)"
                             " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
    if (!run) return run.error();
    if (auto s = bindRun(*run, kind, parametersJson, metricsJson); !s) return s.error();
    const int64_t runId = db.lastInsertRowId();

    auto insert = Stmt::prepare(db, "INSERT INTO model_run_arrays (run_id, name, type, data) VALUES (?, ?, ?, ?)");
    if (!insert) return insert.error();
    for (const RunArray& a : arrays) {
        insert->reset();
        insert->bind(1, runId)
            .bind(2, std::string_view(a.name))
            .bind(3, std::string_view(typeName(a.type)))
            .bindBlob(4, a.bytes);
        if (auto s = insert->run(); !s) return s.error();
    }
    // Older runs of this kind go, with their arrays and scores (foreign keys cascade).
    auto prune = Stmt::prepare(db,
                               "DELETE FROM model_runs WHERE kind = ?1 AND id NOT IN"
                               " (SELECT id FROM model_runs WHERE kind = ?1 ORDER BY id DESC LIMIT ?2)");
    if (!prune) return prune.error();
    prune->bind(1, std::string_view(kind)).bind(2, int64_t{std::max(keep, 1)});
    if (auto s = prune->run(); !s) return s.error();
    if (auto s = txn->commit(); !s) return s.error();
    return runId;
}

core::Result<std::optional<ModelRun>> latestModelRun(Db& db, const std::string& kind) {
    auto stmt = Stmt::prepare(db, std::string(kRunColumns) + " WHERE kind = ? ORDER BY id DESC LIMIT 1");
    if (!stmt) return stmt.error();
    stmt->bind(1, std::string_view(kind));
    if (stmt->step()) return std::optional<ModelRun>(runFrom(*stmt));
    if (auto s = stmt->status(); !s) return s.error();
    return std::optional<ModelRun>();
}

core::Result<std::vector<ModelRun>> modelRuns(Db& db, const std::string& kind) {
    auto stmt = Stmt::prepare(db, std::string(kRunColumns) + " WHERE kind = ? ORDER BY id DESC");
    if (!stmt) return stmt.error();
    stmt->bind(1, std::string_view(kind));
    std::vector<ModelRun> runs;
    while (stmt->step()) runs.push_back(runFrom(*stmt));
    if (auto s = stmt->status(); !s) return s.error();
    return runs;
}

core::Status deleteModelRun(Db& db, int64_t runId) {
    auto stmt = Stmt::prepare(db, "DELETE FROM model_runs WHERE id = ? RETURNING id");
    if (!stmt) return stmt.error();
    stmt->bind(1, runId);
    if (!stmt->step()) {
        if (auto s = stmt->status(); !s) return s;
        return core::makeError("This saved result no longer exists.");
    }
    return stmt->run();  // steps past the returned row, which finishes the delete
}

core::Status addCustomerScores(Db& db, int64_t runId, std::span<const int64_t> customerIds, std::span<const double> scores,
                               std::span<const std::string> extras) {
    if (customerIds.size() != scores.size() || (!extras.empty() && extras.size() != scores.size()))
        return core::makeError("Internal error: scores and customers do not match");
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    auto insert = Stmt::prepare(db, "INSERT OR REPLACE INTO customer_scores (run_id, customer_id, score, extra) VALUES (?, ?, ?, ?)");
    if (!insert) return insert.error();
    for (size_t i = 0; i < customerIds.size(); ++i) {
        insert->reset();
        insert->bind(1, runId).bind(2, customerIds[i]).bind(3, scores[i]);
        if (extras.empty() || extras[i].empty()) insert->bindNull(4);
        else insert->bindStatic(4, extras[i]);
        if (auto s = insert->run(); !s) return s;
    }
    return txn->commit();
}

core::Result<std::vector<CustomerScore>> customerScores(Db& db, int64_t runId, int64_t limit) {
    auto stmt = Stmt::prepare(db, "SELECT customer_id, score, coalesce(extra, '') FROM customer_scores WHERE run_id = ?"
                                  " ORDER BY score DESC, customer_id LIMIT ?");
    if (!stmt) return stmt.error();
    stmt->bind(1, runId).bind(2, limit > 0 ? limit : int64_t{-1});
    std::vector<CustomerScore> out;
    while (stmt->step()) out.push_back({stmt->columnInt(0), stmt->columnDouble(1), stmt->columnText(2)});
    if (auto s = stmt->status(); !s) return s.error();
    return out;
}

core::Result<std::vector<int32_t>> loadInt32(Db& db, int64_t runId, const std::string& name) {
    return load<int32_t>(db, runId, name, ArrayType::Int32);
}
core::Result<std::vector<int64_t>> loadInt64(Db& db, int64_t runId, const std::string& name) {
    return load<int64_t>(db, runId, name, ArrayType::Int64);
}
core::Result<std::vector<float>> loadFloat32(Db& db, int64_t runId, const std::string& name) {
    return load<float>(db, runId, name, ArrayType::Float32);
}
core::Result<std::vector<double>> loadFloat64(Db& db, int64_t runId, const std::string& name) {
    return load<double>(db, runId, name, ArrayType::Float64);
}

}  // namespace rapport::store
