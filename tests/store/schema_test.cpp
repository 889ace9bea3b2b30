#include <doctest/doctest.h>

#include "store/schema.hpp"
#include "store/store.hpp"

using namespace rapport::store;

TEST_SUITE("store") {

TEST_CASE("a new database is migrated to the current schema version") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    CHECK(store->db().queryInt("PRAGMA user_version").value() == currentSchemaVersion());
    for (const char* table : {"customers", "customer_attributes", "orders", "interactions", "survey_responses",
                              "campaigns", "campaign_contacts", "segments", "segment_members", "model_runs",
                              "customer_scores", "undo_log", "undo_rows", "import_mappings", "model_run_arrays"}) {
        CAPTURE(table);
        auto stmt = Stmt::prepare(store->db(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
        REQUIRE(stmt);
        stmt->bind(1, std::string_view(table));
        REQUIRE(stmt->step());
        CHECK(stmt->columnInt(0) == 1);
    }
    auto counts = store->counts();
    REQUIRE(counts);
    CHECK(counts->customers == 0);
    CHECK(counts->orders == 0);
}

TEST_CASE("migrating twice changes nothing") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    REQUIRE(migrate(*db));
    REQUIRE(db->exec("INSERT INTO customers (external_id, name) VALUES ('c1', 'Ada')"));
    REQUIRE(migrate(*db));
    CHECK(db->queryInt("SELECT count(*) FROM customers").value() == 1);
}

TEST_CASE("a database from a newer Rapport is refused and left untouched") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE future (x); PRAGMA user_version = 99"));
    auto status = migrate(*db);
    REQUIRE_FALSE(status);
    CHECK(status.error().message.find("newer version of Rapport") != std::string::npos);
    CHECK(db->queryInt("PRAGMA user_version").value() == 99);
    CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'customers'").value() == 0);
}

TEST_CASE("a failing migration leaves the database exactly as it was") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    // A table in the way of version 1 makes its CREATE TABLE fail half-way through.
    REQUIRE(db->exec("CREATE TABLE orders (x)"));
    auto status = migrate(*db);
    REQUIRE_FALSE(status);
    CHECK(db->queryInt("PRAGMA user_version").value() == 0);
    CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'customers'").value() == 0);
}

TEST_CASE("the schema enforces the data model's rules") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    Db& db = store->db();
    REQUIRE(db.exec("INSERT INTO customers (id, external_id) VALUES (1, 'c1')"));
    CHECK_FALSE(db.exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o1', 1, '2024-01-01', -5)"));
    CHECK_FALSE(db.exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o2', 42, '2024-01-01', 5)"));
    CHECK_FALSE(db.exec("INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score) VALUES ('r1', 1, '2024-01-01', 'stars', 5)"));
    REQUIRE(db.exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o3', 1, '2024-01-01', 5)"));
    REQUIRE(db.exec("DELETE FROM customers WHERE id = 1"));
    CHECK(db.queryInt("SELECT count(*) FROM orders").value() == 0);  // cascades
}

}  // TEST_SUITE

TEST_SUITE("store") {
TEST_CASE("clearing all data empties every table and keeps the schema") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    REQUIRE(store->db().exec("INSERT INTO customers (id, external_id) VALUES (1, 'c1');"
                             "INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o1', 1, '2024-01-01', 5);"
                             "INSERT INTO campaigns (external_id) VALUES ('k1'); INSERT INTO segments (name, created_at) VALUES ('s', '2024-01-01')"));
    REQUIRE(store->clearAll());
    auto counts = store->counts();
    REQUIRE(counts);
    CHECK(counts->customers + counts->orders + counts->campaigns + counts->segments == 0);
    CHECK(store->db().queryInt("PRAGMA user_version").value() == currentSchemaVersion());
}
}  // TEST_SUITE

TEST_SUITE("store") {
TEST_CASE("a version 1 database migrates to the current version with its data intact") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    // Build version 1 exactly as the first release did, with some data.
    REQUIRE(db->exec(std::string(migrations()[0]) + "; PRAGMA user_version = 1;"));
    REQUIRE(db->exec("INSERT INTO customers (id, external_id, name) VALUES (1, 'c1', 'Ada');"
                     "INSERT INTO undo_log (action, created_at, payload) VALUES ('edit', '2024-01-01', '{}')"));
    REQUIRE(migrate(*db));
    CHECK(db->queryInt("PRAGMA user_version").value() == currentSchemaVersion());
    CHECK(db->queryInt("SELECT count(*) FROM customers WHERE name = 'Ada'").value() == 1);
    CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE name IN ('undo_rows', 'import_mappings')").value() == 2);
    CHECK(db->queryInt("SELECT count(*) FROM undo_log").value() == 1);
}
}  // TEST_SUITE

TEST_SUITE("store") {
TEST_CASE("databases at versions 0 to 4 all migrate to version 5 with their data intact") {
    CHECK(currentSchemaVersion() == 5);
    for (int from = 0; from <= 4; ++from) {
        CAPTURE(from);
        auto db = Db::open(":memory:");
        REQUIRE(db);
        // Build the old version exactly as its release did.
        std::string sql;
        for (int v = 0; v < from; ++v) sql += std::string(migrations()[static_cast<size_t>(v)]) + ";";
        REQUIRE(db->exec(sql + "PRAGMA user_version = " + std::to_string(from)));
        if (from >= 1) {
            REQUIRE(db->exec("INSERT INTO customers (id, external_id, name) VALUES (1, 'c1', 'Ada');"
                             "INSERT INTO model_runs (id, kind, parameters, created_at) VALUES (7, 'rfm', '{\"a\":1}', '2024-01-01');"
                             "INSERT INTO segments (id, name, created_at) VALUES (1, 'Best', '2024-01-01');"
                             "INSERT INTO segment_members VALUES (1, 1);"
                             "INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment) VALUES"
                             " (1, 'r1', 1, '2024-01-01', 'nps', 9, 'Très bon café'), (2, 'r2', 1, '2024-01-02', 'csat', 4, NULL),"
                             " (3, 'r3', 1, '2024-01-03', 'nps', 3, '服务很差');"
                             "INSERT INTO orders (id, external_id, customer_id, ordered_at, amount, category) VALUES"
                             " (5, 'o5', 1, '2024-01-04', 12.5, 'Books'), (9, 'o9', 1, '2024-01-05', 3, NULL);"
                             "INSERT INTO interactions (id, external_id, customer_id, occurred_at, channel, complaint) VALUES"
                             " (4, 'i4', 1, '2024-01-06', 'phone', 1)"));
        }
        if (from >= 2) REQUIRE(db->exec("INSERT INTO import_mappings VALUES ('a,b', 'customers', '{}', '2024-01-01')"));
        REQUIRE(migrate(*db));
        CHECK(db->queryInt("PRAGMA user_version").value() == 5);
        CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE name IN ('undo_rows', 'import_mappings', 'model_run_arrays',"
                           " 'model_runs_kind', 'comment_words', 'comment_cjk', 'survey_responses_comments')").value() == 7);
        CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'survey_responses'").value() == 3);
        if (from >= 1) {
            CHECK(db->queryInt("SELECT count(*) FROM customers WHERE name = 'Ada'").value() == 1);
            CHECK(db->queryInt("SELECT count(*) FROM model_runs WHERE id = 7 AND parameters = '{\"a\":1}'").value() == 1);
            CHECK(db->queryInt("SELECT count(*) FROM segment_members").value() == 1);
            CHECK(db->queryInt("SELECT count(*) FROM survey_responses").value() == 3);
            // The comments that were there are in the index (the CJK one in both tables).
            CHECK(db->queryInt("SELECT rowid FROM comment_words WHERE comment_words MATCH 'cafe'").value() == 1);
            CHECK(db->queryInt("SELECT count(*) FROM comment_words WHERE comment_words MATCH 'kind : (nps OR csat OR ces)'").value() == 2);
            CHECK(db->queryInt("SELECT rowid FROM comment_cjk WHERE comment_cjk MATCH '\"服务很\"'").value() == 3);
            CHECK(db->queryInt("SELECT count(*) FROM comment_cjk WHERE comment_cjk MATCH 'kind : (nps OR csat OR ces)'").value() == 1);
        }
        if (from >= 2) CHECK(db->queryInt("SELECT count(*) FROM import_mappings").value() == 1);
        // v5: orders and interactions keep their rows and ids; their external ids are unique
        // through named indexes, and their foreign keys still cascade.
        CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                           " ('orders_external_id', 'orders_customer', 'interactions_external_id', 'interactions_customer')").value() == 4);
        CHECK(db->queryInt("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v5'").value() == 0);
        if (from >= 1) {
            CHECK(db->queryInt("SELECT count(*) FROM orders WHERE customer_id = 1 AND (id = 5 AND external_id = 'o5' AND amount = 12.5"
                               " AND category = 'Books' AND ordered_at = '2024-01-04' OR id = 9 AND external_id = 'o9' AND amount = 3"
                               " AND category IS NULL AND returned = 0)").value() == 2);
            CHECK(db->queryInt("SELECT id FROM interactions WHERE external_id = 'i4' AND complaint = 1 AND channel = 'phone'").value() == 4);
            CHECK_FALSE(db->exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o5', 1, '2024-02-01', 1)"));
            CHECK_FALSE(db->exec("INSERT INTO interactions (external_id, customer_id, occurred_at) VALUES ('i4', 1, '2024-02-01')"));
            CHECK_FALSE(db->exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o6', 1, '2024-02-01', -1)"));
            REQUIRE(db->exec("PRAGMA foreign_keys = ON; DELETE FROM customers WHERE id = 1"));
            CHECK(db->queryInt("SELECT count(*) FROM orders").value() == 0);
            CHECK(db->queryInt("SELECT count(*) FROM interactions").value() == 0);
        }
        // The new table works, and goes with its run.
        REQUIRE(db->exec("INSERT INTO model_runs (id, kind, created_at) VALUES (8, 'kmeans', '2024-01-02');"
                         "INSERT INTO model_run_arrays VALUES (8, 'labels', 'int32', x'01000000')"));
        REQUIRE(db->exec("DELETE FROM model_runs WHERE id = 8"));
        CHECK(db->queryInt("SELECT count(*) FROM model_run_arrays").value() == 0);
    }
}

TEST_CASE("finding a kind's latest run uses the index on model_runs(kind, id)") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    auto plan = Stmt::prepare(store->db(), "EXPLAIN QUERY PLAN SELECT id FROM model_runs WHERE kind = ? ORDER BY id DESC LIMIT 1");
    REQUIRE(plan);
    std::string text;
    while (plan->step()) text += plan->columnText(3) + "\n";
    CHECK(text.find("model_runs_kind") != std::string::npos);
    CHECK(text.find("TEMP B-TREE") == std::string::npos);  // no sort
}
}  // TEST_SUITE
