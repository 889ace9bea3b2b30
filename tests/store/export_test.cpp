// Export, backup and restore: round trips, and refusing files that are not backups.
#include <doctest/doctest.h>

#include <string>

#include "store/demo_data.hpp"
#include "store/export.hpp"
#include "store/import.hpp"
#include "store/schema.hpp"
#include "store/segments.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {
Store freshStore() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    return std::move(*store);
}
// Import order: campaigns and customers before what refers to them.
constexpr Entity kOrder[] = {Entity::Customers, Entity::Campaigns, Entity::Orders, Entity::Surveys, Entity::Interactions,
                             Entity::CampaignContacts};
}  // namespace

TEST_SUITE("store") {

TEST_CASE("every entity exported and re-imported into an empty database gives identical data") {
    Store original = freshStore();
    REQUIRE(generateDemo(original.db(), DemoOptions{400, 11, DemoScenario::B2B}));
    Store copy = freshStore();
    for (const Entity e : kOrder) {
        CAPTURE(entityInfo(e).name);
        auto csv = exportCsv(original.db(), e);
        REQUIRE(csv);
        ImportOptions options;
        options.unknownCustomers = UnknownCustomers::Reject;
        auto report = importCsv(copy.db(), *csv, e, options);
        REQUIRE(report);
        CHECK(report->rejected.empty());
        auto again = exportCsv(copy.db(), e);
        REQUIRE(again);
        CHECK(*again == *csv);
    }
    auto header = exportCsv(copy.db(), Entity::Customers);
    REQUIRE(header);
    CHECK(header->rfind("customer_id,name,email,phone,company,region,channel,plan,signup_date,age,gender,annual_income,churned,churned_at,loyalty_tier\r\n", 0) == 0);
}

TEST_CASE("export can be limited to chosen customers") {
    Store store = freshStore();
    REQUIRE(generateDemo(store.db(), DemoOptions{50, 2}));
    auto csv = exportCsv(store.db(), Entity::Orders, ExportFilter{{3, 7}});
    REQUIRE(csv);
    const auto expected = store.db().queryInt("SELECT count(*) FROM orders WHERE customer_id IN (3, 7)").value();
    int64_t lines = 0;
    for (const char c : *csv) lines += c == '\n';
    CHECK(lines == expected + 1);
    auto customers = exportCsv(store.db(), Entity::Customers, ExportFilter{{3}});
    REQUIRE(customers);
    CHECK(customers->find("C0000003") != std::string::npos);
    CHECK(customers->find("C0000007") == std::string::npos);
}

TEST_CASE("a backup is a SQLite file that restores to the same data") {
    Store store = freshStore();
    REQUIRE(generateDemo(store.db(), DemoOptions{300, 4}));
    auto image = exportDatabase(store.db());
    REQUIRE(image);
    CHECK(image->rfind("SQLite format 3", 0) == 0);
    auto info = checkBackup(*image);
    REQUIRE(info);
    CHECK(info->customers == 300);
    CHECK(info->schemaVersion == currentSchemaVersion());

    Store other = freshStore();
    REQUIRE(other.db().exec("INSERT INTO customers (external_id) VALUES ('replaced')"));
    REQUIRE(restoreBackup(other.db(), *image));
    CHECK(other.db().queryInt("SELECT count(*) FROM customers").value() == 300);
    CHECK(other.db().queryInt("SELECT count(*) FROM customers WHERE external_id = 'replaced'").value() == 0);
    auto a = exportCsv(store.db(), Entity::Orders), b = exportCsv(other.db(), Entity::Orders);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == *b);
}

TEST_CASE("restore refuses what is not a Rapport backup and changes nothing") {
    Store store = freshStore();
    REQUIRE(store.db().exec("INSERT INTO customers (external_id) VALUES ('keep')"));
    auto refuse = [&](const std::string& bytes, const char* expected) {
        auto info = checkBackup(bytes);
        REQUIRE_FALSE(info);
        CHECK(info.error().message.find(expected) != std::string::npos);
        CHECK_FALSE(restoreBackup(store.db(), bytes));
        CHECK(store.db().queryInt("SELECT count(*) FROM customers WHERE external_id = 'keep'").value() == 1);
    };
    refuse("", "not a SQLite database");
    refuse(std::string(4096, 'x'), "not a SQLite database");
    refuse("customer_id,name\nC1,Ada\n", "not a SQLite database");

    // A SQLite file without Rapport's tables.
    auto foreign = Db::open(":memory:");
    REQUIRE(foreign);
    REQUIRE(foreign->exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('hello')"));
    refuse(exportDatabase(*foreign).value(), "not a Rapport backup");

    // A backup from a newer Rapport.
    Store newer = freshStore();
    REQUIRE(newer.db().exec("PRAGMA user_version = 99"));
    refuse(exportDatabase(newer.db()).value(), "newer version");

    // A damaged backup: pages overwritten in the middle.
    Store full = freshStore();
    REQUIRE(generateDemo(full.db(), DemoOptions{200, 1}));
    std::string damaged = exportDatabase(full.db()).value();
    for (size_t i = damaged.size() / 3; i < damaged.size() / 3 + 9000 && i < damaged.size(); ++i) damaged[i] = static_cast<char>(i * 7);
    auto info = checkBackup(damaged);
    CHECK_FALSE(info);
    CHECK_FALSE(restoreBackup(store.db(), damaged));
    CHECK(store.db().queryInt("SELECT count(*) FROM customers WHERE external_id = 'keep'").value() == 1);

    // Truncated.
    const std::string whole = exportDatabase(full.db()).value();
    CHECK_FALSE(restoreBackup(store.db(), whole.substr(0, whole.size() / 2)));
    CHECK(store.db().queryInt("SELECT count(*) FROM customers WHERE external_id = 'keep'").value() == 1);
}

}  // TEST_SUITE

TEST_SUITE("store") {
TEST_CASE("exporting a segment's customers gives exactly its members") {
    Store store = freshStore();
    REQUIRE(generateDemo(store.db(), DemoOptions{80, 3}));
    Db& db = store.db();
    const std::vector<int64_t> chosen = {70, 5, 12, 5, 999};  // a duplicate and an id of no customer
    const int64_t segment = createSegment(db, "Export me", "{}", chosen).value();
    const std::vector<int64_t> members = segmentMembers(db, segment).value();
    REQUIRE(members == std::vector<int64_t>{5, 12, 70});
    const std::string csv = exportCsv(db, Entity::Customers, ExportFilter{members}).value();
    std::vector<std::string> ids;  // the first field of each record after the header
    size_t line = csv.find('\n') + 1;
    while (line < csv.size()) {
        ids.push_back(csv.substr(line, csv.find(',', line) - line));
        line = csv.find('\n', line) + 1;
    }
    CHECK(ids == std::vector<std::string>{"C0000005", "C0000012", "C0000070"});
    // Their orders too, and only theirs.
    const std::string orders = exportCsv(db, Entity::Orders, ExportFilter{members}).value();
    int64_t lines = 0;
    for (const char c : orders) lines += c == '\n';
    CHECK(lines == 1 + db.queryInt("SELECT count(*) FROM orders WHERE customer_id IN (5, 12, 70)").value());
}
}  // TEST_SUITE
