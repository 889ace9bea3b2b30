#include <doctest/doctest.h>

#include "store/db.hpp"

using namespace rapport::store;

TEST_SUITE("store") {

TEST_CASE("bound values round-trip, including text that looks like SQL") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT)"));
    auto insert = Stmt::prepare(*db, "INSERT INTO t VALUES (?, ?, ?, ?)");
    REQUIRE(insert);
    const std::string hostile = "x'); DROP TABLE t; --\0after";
    insert->bind(1, int64_t{1} << 40).bind(2, 2.5).bind(3, std::string_view(hostile.data(), hostile.size())).bindNull(4);
    REQUIRE(insert->run());
    auto select = Stmt::prepare(*db, "SELECT i, d, s, n FROM t");
    REQUIRE(select);
    REQUIRE(select->step());
    CHECK(select->columnInt(0) == (int64_t{1} << 40));
    CHECK(select->columnDouble(1) == doctest::Approx(2.5));
    CHECK(select->columnText(2) == hostile);
    CHECK(select->columnIsNull(3));
    CHECK_FALSE(select->step());
    CHECK(db->queryInt("SELECT count(*) FROM t").value() == 1);
}

TEST_CASE("BLOBs round-trip byte for byte; an empty BLOB is not NULL") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE b (k INTEGER, v BLOB)"));
    std::string bytes;
    for (int i = 0; i < 70000; ++i) bytes.push_back(static_cast<char>(i * 31));  // NULs and high bytes included
    auto insert = Stmt::prepare(*db, "INSERT INTO b VALUES (?, ?)");
    REQUIRE(insert);
    insert->bind(1, int64_t{1}).bindBlob(2, bytes);
    REQUIRE(insert->run());
    insert->reset();
    insert->bind(1, int64_t{2}).bindBlob(2, std::string_view());
    REQUIRE(insert->run());
    insert->reset();
    insert->bind(1, int64_t{3}).bindNull(2);
    REQUIRE(insert->run());
    auto select = Stmt::prepare(*db, "SELECT v, typeof(v), length(v) FROM b ORDER BY k");
    REQUIRE(select);
    REQUIRE(select->step());
    CHECK(select->columnBlob(0) == bytes);
    CHECK(select->columnType(0) == ColumnType::Blob);
    CHECK(select->columnInt(2) == 70000);
    REQUIRE(select->step());
    CHECK(select->columnBlob(0).empty());
    CHECK(select->columnText(1) == "blob");
    REQUIRE(select->step());
    CHECK(select->columnBlob(0).empty());
    CHECK(select->columnText(1) == "null");
}

TEST_CASE("a column's text can be read without a copy until the next step") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    auto select = Stmt::prepare(*db, "SELECT 'caf\u00e9', NULL, 42, ''");
    REQUIRE(select);
    REQUIRE(select->step());
    CHECK(select->columnView(0) == "caf\u00e9");
    CHECK(select->columnView(1).empty());
    CHECK(select->columnView(2) == "42");
    CHECK(select->columnView(3).empty());
}

TEST_CASE("a transaction rolls back unless committed") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (v INTEGER)"));
    {
        auto txn = Txn::begin(*db);
        REQUIRE(txn);
        REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    }  // destroyed without commit
    CHECK(db->queryInt("SELECT count(*) FROM t").value() == 0);
    {
        auto txn = Txn::begin(*db);
        REQUIRE(txn);
        REQUIRE(db->exec("INSERT INTO t VALUES (2)"));
        REQUIRE(txn->commit());
    }
    CHECK(db->queryInt("SELECT count(*) FROM t").value() == 1);
}

TEST_CASE("errors come back as values with a message for users") {
    auto db = Db::open(":memory:");
    REQUIRE(db);
    auto bad = Stmt::prepare(*db, "SELEC nonsense");
    REQUIRE_FALSE(bad);
    CHECK_FALSE(bad.error().message.empty());
    CHECK(bad.error().detail.find("syntax error") != std::string::npos);

    REQUIRE(db->exec("CREATE TABLE u (k TEXT UNIQUE)"));
    REQUIRE(db->exec("INSERT INTO u VALUES ('a')"));
    auto again = Stmt::prepare(*db, "INSERT INTO u VALUES (?)");
    REQUIRE(again);
    again->bind(1, std::string_view("a"));
    auto status = again->run();
    REQUIRE_FALSE(status);
    CHECK(status.error().message == "The change conflicts with existing data");
}

TEST_CASE("a file that is not a database is refused with a clear message") {
    // Write garbage where a database should be (in-memory file systems in wasm too).
    const char* path = "not-a-database.tmp";
    std::FILE* f = std::fopen(path, "wb");
    REQUIRE(f != nullptr);
    const char junk[] = "this is a text file, not SQLite, and it is long enough to have a header......";
    std::fwrite(junk, 1, sizeof junk, f);
    std::fclose(f);
    auto db = Db::open(path);
    REQUIRE(db);  // SQLite opens lazily; the first read notices
    auto n = db->queryInt("SELECT count(*) FROM sqlite_master");
    REQUIRE_FALSE(n);
    CHECK(n.error().message == "The database file is damaged or is not a Rapport database");
    std::remove(path);
}

}  // TEST_SUITE
