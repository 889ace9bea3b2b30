// Saved segments: members as given (only existing customers, once each), names that
// say what to change, renames, and members that go with their segment or customer.
#include "store/segments.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/customers.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {
// Customers with ids 1..n.
Store withCustomers(int n) {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    auto insert = Stmt::prepare(store->db(), "INSERT INTO customers (id, external_id) VALUES (?, ?)");
    REQUIRE(insert);
    for (int64_t id = 1; id <= n; ++id) {
        insert->reset();
        insert->bind(1, id).bind(2, std::string_view("C" + std::to_string(id)));
        REQUIRE(insert->run());
    }
    return std::move(*store);
}
}  // namespace

TEST_SUITE("store") {
    TEST_CASE("a segment keeps each existing customer once, in id order") {
        Store store = withCustomers(10);
        Db& db = store.db();
        const std::vector<int64_t> chosen = {9, 3, 3, 42, 1, -7, 9, 10};
        auto id = createSegment(db, "  Champions ", R"({"source":"rfm"})", chosen);
        REQUIRE(id);
        CHECK(segmentMembers(db, *id).value() == std::vector<int64_t>{1, 3, 9, 10});
        const SegmentInfo info = segmentInfo(db, *id).value();
        CHECK(info.id == *id);
        CHECK(info.name == "Champions");  // trimmed
        CHECK(info.definition == R"({"source":"rfm"})");
        CHECK(info.size == 4);
        CHECK(info.createdAt.size() == 20);

        auto empty = createSegment(db, "Nobody", "", std::vector<int64_t>{});
        REQUIRE(empty);
        CHECK(segmentMembers(db, *empty).value().empty());
        CHECK(segmentInfo(db, *empty).value().definition == "{}");
        CHECK(segmentInfo(db, *empty).value().size == 0);
    }

    TEST_CASE("segment names are checked and the message says what to change") {
        Store store = withCustomers(3);
        Db& db = store.db();
        const std::vector<int64_t> one = {1};
        const int64_t champions = createSegment(db, "Champions", "{}", one).value();
        auto message = [&](const std::string& name, int64_t ignore = 0) {
            auto s = checkSegmentName(db, name, ignore);
            return s ? std::string() : s.error().message;
        };
        CHECK(message("At risk") == "");
        CHECK(message("   ") == "Give the segment a name.");
        CHECK(message("") == "Give the segment a name.");
        CHECK(message("champions") == "A segment named \u201CChampions\u201D already exists. Choose another name.");
        CHECK(message(" CHAMPIONS  ") == "A segment named \u201CChampions\u201D already exists. Choose another name.");
        CHECK(message("champions", champions) == "");  // its own name, when renaming it
        CHECK(message(std::string(80, 'x')) == "");
        CHECK(message(std::string(81, 'x')).find("80 characters") != std::string::npos);
        std::string accented;
        for (int i = 0; i < 80; ++i) accented += "\u00E9";  // 80 characters in 160 bytes
        CHECK(message(accented) == "");
        CHECK(message(accented + "e").find("80 characters") != std::string::npos);
        CHECK(message("bad \xC3(").find("cannot be read") != std::string::npos);
        CHECK(message("two\nlines").find("one line") != std::string::npos);

        // Case folding beyond ASCII (SQLite's NOCASE folds ASCII only).
        REQUIRE(createSegment(db, "Élite", "{}", one));
        CHECK(message("éLITE").find("already exists") != std::string::npos);
        REQUIRE(createSegment(db, "Лояльные", "{}", one));
        CHECK(message("лояльные").find("already exists") != std::string::npos);

        // createSegment refuses the same names and creates nothing.
        auto clash = createSegment(db, "CHAMPIONS", "{}", one);
        REQUIRE_FALSE(clash);
        CHECK(clash.error().message.find("already exists") != std::string::npos);
        CHECK_FALSE(createSegment(db, "", "{}", one));
        CHECK(listSegments(db).value().size() == 3);
    }

    TEST_CASE("segments are listed by name and can be renamed and deleted") {
        Store store = withCustomers(5);
        Db& db = store.db();
        const std::vector<int64_t> some = {1, 2}, more = {1, 2, 3, 4, 5};
        const int64_t b = createSegment(db, "b segment", "{}", some).value();
        const int64_t a = createSegment(db, "A segment", "{}", more).value();
        auto list = listSegments(db).value();
        REQUIRE(list.size() == 2);
        CHECK(list[0].id == a);  // by name, ignoring case
        CHECK(list[0].size == 5);
        CHECK(list[1].id == b);
        CHECK(list[1].size == 2);

        REQUIRE(renameSegment(db, b, " Big spenders "));
        CHECK(segmentInfo(db, b).value().name == "Big spenders");
        REQUIRE(renameSegment(db, b, "big SPENDERS"));  // its own name in another case
        CHECK(segmentInfo(db, b).value().name == "big SPENDERS");
        auto clash = renameSegment(db, b, "a segment");
        REQUIRE_FALSE(clash);
        CHECK(clash.error().message == "A segment named \u201CA segment\u201D already exists. Choose another name.");
        CHECK_FALSE(renameSegment(db, 999, "Anything"));

        REQUIRE(deleteSegment(db, a));
        CHECK(db.queryInt("SELECT count(*) FROM segment_members WHERE segment_id = " + std::to_string(a)).value() == 0);
        CHECK(db.queryInt("SELECT count(*) FROM customers").value() == 5);  // customers stay
        auto gone = deleteSegment(db, a);
        REQUIRE_FALSE(gone);
        CHECK(gone.error().message == "This segment no longer exists.");
        CHECK_FALSE(segmentInfo(db, a));
        CHECK_FALSE(segmentMembers(db, a));
        CHECK(listSegments(db).value().size() == 1);
    }

    TEST_CASE("a deleted customer leaves the segments it was in") {
        Store store = withCustomers(4);
        Db& db = store.db();
        const std::vector<int64_t> members = {1, 2, 3};
        const int64_t id = createSegment(db, "Trio", "{}", members).value();
        REQUIRE(deleteCustomers(db, {2}));
        CHECK(segmentMembers(db, id).value() == std::vector<int64_t>{1, 3});
        CHECK(segmentInfo(db, id).value().size == 2);
    }

    TEST_CASE("a segment of many members is created in one go") {
        Store store = withCustomers(0);
        Db& db = store.db();
        REQUIRE(
            db.exec("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000)"
                    " INSERT INTO customers (id, external_id) SELECT x, 'C' || x FROM n"));
        std::vector<int64_t> ids;
        for (int64_t i = 60000; i >= 1; i -= 2) ids.push_back(i);  // descending; ids above 50,000 are no customer
        const int64_t id = createSegment(db, "Evens", "{}", ids).value();
        const std::vector<int64_t> members = segmentMembers(db, id).value();
        REQUIRE(members.size() == 25000);
        CHECK(members.front() == 2);
        CHECK(members.back() == 50000);
    }

}  // TEST_SUITE
