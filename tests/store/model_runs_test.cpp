// Saved model runs: arrays round-trip bit for bit, older runs are pruned with their
// arrays, wrong reads are errors, and runs survive a backup from before they existed.
#include "store/model_runs.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "store/export.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {
Store fresh() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    return std::move(*store);
}
}  // namespace

TEST_SUITE("store") {
    TEST_CASE("every array type round-trips exactly, empty and large ones too") {
        Store store = fresh();
        Db& db = store.db();
        const std::vector<int32_t> labels = {0, -1, 7, std::numeric_limits<int32_t>::max(),
                                             std::numeric_limits<int32_t>::min()};
        const std::vector<int64_t> ids = {1, int64_t{1} << 40, -5};
        const std::vector<float> xs = {0.5f, -0.0f, std::numeric_limits<float>::infinity(), std::nanf(""), 1e-40f};
        std::vector<double> big(1000000);
        for (size_t i = 0; i < big.size(); ++i) big[i] = std::sin(static_cast<double>(i)) * 1e6;
        const std::vector<int32_t> none;

        const RunArray bigArray = RunArray::ofFloat64("pca", big);
        CHECK(bigArray.count() == 1000000);
        CHECK(bigArray.bytes.size() == 8000000);
        CHECK(RunArray::ofInt32("labels", labels).count() == 5);
        CHECK(RunArray::ofInt32("none", none).count() == 0);

        auto run = saveModelRun(db, "kmeans", R"({"k":4})", R"({"inertia":12.5})",
                                {RunArray::ofInt32("labels", labels), RunArray::ofInt64("customer_id", ids),
                                 RunArray::ofFloat32("x", xs), bigArray, RunArray::ofInt32("none", none)});
        REQUIRE(run);
        CHECK(loadInt32(db, *run, "labels").value() == labels);
        CHECK(loadInt64(db, *run, "customer_id").value() == ids);
        const std::vector<float> xsBack = loadFloat32(db, *run, "x").value();
        REQUIRE(xsBack.size() == xs.size());
        CHECK(std::memcmp(xsBack.data(), xs.data(), xs.size() * sizeof(float)) ==
              0);  // -0, inf, NaN, denormal as they were
        CHECK(loadFloat64(db, *run, "pca").value() == big);
        auto empty = loadInt32(db, *run, "none");
        REQUIRE(empty);
        CHECK(empty->empty());
        // Stored as BLOBs of the raw values, with their type beside them.
        CHECK(db.queryInt("SELECT length(data) FROM model_run_arrays WHERE name = 'pca'").value() == 8000000);
        CHECK(db.queryInt("SELECT count(*) FROM model_run_arrays WHERE name = 'none' AND typeof(data) = 'blob'")
                  .value() == 1);
        CHECK(db.queryInt("SELECT count(*) FROM model_run_arrays WHERE type = 'float32' AND name = 'x'").value() == 1);

        auto latest = latestModelRun(db, "kmeans");
        REQUIRE(latest);
        REQUIRE(latest->has_value());
        const ModelRun& r = **latest;
        CHECK(r.id == *run);
        CHECK(r.kind == "kmeans");
        CHECK(r.parameters == R"({"k":4})");
        CHECK(r.metrics == R"({"inertia":12.5})");
        CHECK(r.createdAt.size() == 20);  // 2026-01-31T12:00:00Z
        CHECK(r.createdAt[10] == 'T');
        CHECK(r.createdAt.back() == 'Z');
    }

    TEST_CASE("saving keeps the newest runs of a kind and deletes older ones with their arrays") {
        Store store = fresh();
        Db& db = store.db();
        const std::vector<int32_t> values = {1, 2, 3};
        std::vector<int64_t> kmeans;
        for (int i = 0; i < 5; ++i) {
            auto run = saveModelRun(db, "kmeans", "{\"run\":" + std::to_string(i) + "}", "{}",
                                    {RunArray::ofInt32("labels", values)}, 3);
            REQUIRE(run);
            kmeans.push_back(*run);
        }
        auto rfm = saveModelRun(db, "rfm", "{}", "{}", {RunArray::ofInt32("scores", values)}, 3);
        REQUIRE(rfm);

        auto runs = modelRuns(db, "kmeans");
        REQUIRE(runs);
        REQUIRE(runs->size() == 3);
        CHECK((*runs)[0].id == kmeans[4]);  // newest first
        CHECK((*runs)[1].id == kmeans[3]);
        CHECK((*runs)[2].id == kmeans[2]);
        CHECK((*runs)[0].parameters == "{\"run\":4}");
        CHECK(db.queryInt("SELECT count(*) FROM model_run_arrays WHERE run_id IN (" + std::to_string(kmeans[0]) + ", " +
                          std::to_string(kmeans[1]) + ")")
                  .value() == 0);
        CHECK(db.queryInt("SELECT count(*) FROM model_run_arrays").value() == 4);  // 3 kmeans + 1 rfm
        CHECK(modelRuns(db, "rfm").value().size() == 1);                           // other kinds are not touched
        auto gone = loadInt32(db, kmeans[0], "labels");
        CHECK_FALSE(gone);

        // Scores saved under the oldest kept run go with it when a new run pushes it out.
        REQUIRE(db.exec("INSERT INTO customers (id, external_id) VALUES (1, 'c1')"));
        REQUIRE(db.exec("INSERT INTO customer_scores (run_id, customer_id, score) VALUES (" +
                        std::to_string(kmeans[2]) + ", 1, 0.5)"));
        REQUIRE(saveModelRun(db, "kmeans", "{}", "{}", {}, 3));
        CHECK(db.queryInt("SELECT count(*) FROM customer_scores").value() == 0);

        REQUIRE(deleteModelRun(db, kmeans[4]));
        CHECK(
            db.queryInt("SELECT count(*) FROM model_run_arrays WHERE run_id = " + std::to_string(kmeans[4])).value() ==
            0);
        auto again = deleteModelRun(db, kmeans[4]);
        REQUIRE_FALSE(again);
        CHECK(again.error().message == "This saved result no longer exists.");

        auto nothing = latestModelRun(db, "pca");
        REQUIRE(nothing);
        CHECK_FALSE(nothing->has_value());
        CHECK(modelRuns(db, "pca").value().empty());
    }

    TEST_CASE("reading a missing array or one of another type is an error") {
        Store store = fresh();
        Db& db = store.db();
        const std::vector<double> values = {1.5, 2.5};
        const int64_t run = saveModelRun(db, "pca", "{}", "{}", {RunArray::ofFloat64("x", values)}).value();
        auto wrongType = loadFloat32(db, run, "x");
        REQUIRE_FALSE(wrongType);
        CHECK(wrongType.error().detail.find("float64, not float32") != std::string::npos);
        CHECK_FALSE(loadInt64(db, run, "x"));
        auto missing = loadFloat64(db, run, "y");
        REQUIRE_FALSE(missing);
        CHECK(missing.error().message.find("Run the analysis again") != std::string::npos);
        CHECK_FALSE(loadFloat64(db, run + 1, "x"));
        // A BLOB whose length is not a whole number of values is damaged, not read.
        REQUIRE(db.exec("UPDATE model_run_arrays SET data = x'0102030405' WHERE name = 'x'"));
        auto damaged = loadFloat64(db, run, "x");
        REQUIRE_FALSE(damaged);
        CHECK(damaged.error().message.find("damaged") != std::string::npos);
    }

    TEST_CASE("a run whose arrays cannot be saved leaves nothing behind") {
        Store store = fresh();
        Db& db = store.db();
        const std::vector<int32_t> values = {1};
        auto twice =
            saveModelRun(db, "kmeans", "{}", "{}", {RunArray::ofInt32("a", values), RunArray::ofInt32("a", values)});
        CHECK_FALSE(twice);
        RunArray odd = RunArray::ofInt32("b", values);
        odd.type = ArrayType::Int64;  // 4 bytes cannot be int64 values
        CHECK_FALSE(saveModelRun(db, "kmeans", "{}", "{}", {odd}));
        CHECK(db.queryInt("SELECT count(*) FROM model_runs").value() == 0);
        CHECK(db.queryInt("SELECT count(*) FROM model_run_arrays").value() == 0);
    }

    TEST_CASE("a backup from schema version 2 restores, migrates, and then keeps runs") {
        // Version 2 exactly as the previous release left it, with data and a model run row.
        auto old = Db::open(":memory:");
        REQUIRE(old);
        REQUIRE(old->exec(std::string(migrations()[0]) + ";" + std::string(migrations()[1]) +
                          "; PRAGMA user_version = 2;"));
        REQUIRE(old->exec(
            "INSERT INTO customers (id, external_id, name) VALUES (1, 'c1', 'Ada');"
            "INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o1', 1, '2024-01-01', 5);"
            "INSERT INTO model_runs (kind, parameters, created_at) VALUES ('rfm', '{}', '2024-01-01T00:00:00Z')"));
        const std::string image = exportDatabase(*old).value();
        auto info = checkBackup(image);
        REQUIRE(info);
        CHECK(info->schemaVersion == 2);
        CHECK(info->customers == 1);

        Store store = fresh();
        REQUIRE(restoreBackup(store.db(), image));
        Db& db = store.db();
        CHECK(db.queryInt("PRAGMA user_version").value() == currentSchemaVersion());
        CHECK(db.queryInt("SELECT count(*) FROM customers WHERE name = 'Ada'").value() == 1);
        CHECK(db.queryInt("SELECT count(*) FROM orders").value() == 1);
        const auto before = latestModelRun(db, "rfm").value();
        REQUIRE(before.has_value());
        CHECK(before->createdAt == "2024-01-01T00:00:00Z");
        const std::vector<int32_t> values = {4, 5};
        const int64_t run = saveModelRun(db, "rfm", "{}", "{}", {RunArray::ofInt32("segment", values)}).value();
        CHECK(loadInt32(db, run, "segment").value() == values);
        CHECK(modelRuns(db, "rfm").value().size() == 2);
    }

}  // TEST_SUITE
