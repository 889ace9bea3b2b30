#include <doctest/doctest.h>

#include <string>

#include "store/customers.hpp"
#include "store/demo_data.hpp"
#include "store/export.hpp"
#include "store/import.hpp"
#include "store/segments.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {
Store withCustomers() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    auto report = importCsv(store->db(),
        "customer_id,name,email,company,region,plan,age,annual_income,churned,Tier\n"
        "A1,Ada Lovelace,ada@example.org,Analytical Engines,North,Premium,36,90000,0,Gold\n"
        "B2,Grace Hopper,grace@navy.example,US Navy,South,Basic,85,,1,Silver\n"
        "C3,alan turing,alan@example.org,,North,Basic,41,70000,0,Gold\n"
        "D4,Barbara Liskov,barbara@mit.example,MIT,West,,,120000,1,\n",
        Entity::Customers, {});
    REQUIRE(report);
    return std::move(*store);
}
std::vector<std::string> names(Db& db, const std::vector<int64_t>& ids) {
    std::vector<std::string> out;
    for (const CustomerRow& r : customerRows(db, ids).value()) out.push_back(r.values[1]);
    return out;
}
}  // namespace

TEST_SUITE("store") {

TEST_CASE("customers are searched, filtered and sorted by any column") {
    Store store = withCustomers();
    Db& db = store.db();
    CHECK(customerIds(db, {}, {}).value().size() == 4);
    CustomerFilter search;
    search.search = "EXAMPLE.ORG";
    CHECK(names(db, customerIds(db, search, {}).value()) == std::vector<std::string>{"Ada Lovelace", "alan turing"});
    search.search = "navy";  // company
    CHECK(names(db, customerIds(db, search, {}).value()) == std::vector<std::string>{"Grace Hopper"});
    search.search = "100%_";  // LIKE wildcards are literal
    CHECK(customerIds(db, search, {}).value().empty());

    CustomerFilter north;
    north.region = "North";
    north.plan = "Basic";
    CHECK(names(db, customerIds(db, north, {}).value()) == std::vector<std::string>{"alan turing"});
    CustomerFilter gold;
    gold.attribute = "Tier";
    gold.attributeValue = "Gold";
    CHECK(customerIds(db, gold, {}).value().size() == 2);

    CHECK(names(db, customerIds(db, {}, {1, false}).value()) ==
          std::vector<std::string>{"Ada Lovelace", "alan turing", "Barbara Liskov", "Grace Hopper"});  // case-insensitive
    CHECK(names(db, customerIds(db, {}, {9, true}).value()) ==
          std::vector<std::string>{"Grace Hopper", "alan turing", "Ada Lovelace", "Barbara Liskov"});  // age, empty last
    CHECK(names(db, customerIds(db, {}, {9, false}).value()).back() == "Barbara Liskov");
}

TEST_CASE("footer totals and filter choices") {
    Store store = withCustomers();
    Db& db = store.db();
    const CustomerTotals t = customerTotals(db, {}).value();
    CHECK(t.count == 4);
    CHECK(t.churned == 2);
    CHECK(t.churnRate == doctest::Approx(0.5));
    CHECK(t.averageAge == doctest::Approx((36 + 85 + 41) / 3.0));
    CHECK(t.averageIncome == doctest::Approx((90000 + 70000 + 120000) / 3.0));
    CHECK(distinctCustomerValues(db, "region").value() == std::vector<std::string>{"North", "South", "West"});
    CHECK_FALSE(distinctCustomerValues(db, "name; DROP TABLE customers"));
    CHECK(attributeNames(db).value() == std::vector<std::string>{"Tier"});
    CHECK(distinctAttributeValues(db, "Tier").value() == std::vector<std::string>{"Gold", "Silver"});
}

TEST_CASE("a customer's detail has key figures and a timeline, newest first") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    REQUIRE(generateDemo(store->db(), DemoOptions{200, 8}));
    const int64_t id = store->db().queryInt("SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1").value();
    const CustomerDetail d = customerDetail(store->db(), id).value();
    CHECK(d.orders == store->db().queryInt("SELECT count(*) FROM orders WHERE customer_id = " + std::to_string(id)).value());
    CHECK(d.revenue > 0);
    CHECK(d.firstOrder <= d.lastOrder);
    CHECK(d.attributes.size() == 1);
    REQUIRE(d.timeline.size() >= 2);
    for (size_t i = 1; i < d.timeline.size(); ++i) CHECK(d.timeline[i - 1].at >= d.timeline[i].at);
    CHECK_FALSE(customerDetail(store->db(), 999999).ok());
}

TEST_CASE("edits are validated and saved; ids stay unique") {
    Store store = withCustomers();
    Db& db = store.db();
    CHECK(validateCustomerValue(2, "ada@example.org").value() == "ada@example.org");
    for (const char* bad : {"ada", "ada@", "@example.org", "a@b", "a b@example.org", "a@@example.org"}) {
        CAPTURE(bad);
        CHECK_FALSE(validateCustomerValue(2, bad));
    }
    CHECK(validateCustomerValue(8, " 2024-02-29 ").value() == "2024-02-29");
    CHECK_FALSE(validateCustomerValue(8, "2023-02-29"));
    CHECK_FALSE(validateCustomerValue(9, "-3"));
    CHECK_FALSE(validateCustomerValue(9, "thirty"));
    CHECK(validateCustomerValue(11, "52,000").value() == "52000");
    CHECK(validateCustomerValue(12, "yes").value() == "1");
    CHECK_FALSE(validateCustomerValue(0, "  "));

    REQUIRE(updateCustomer(db, 1, {{1, "Augusta Ada King"}, {9, "37"}, {11, ""}}));
    const CustomerRow row = customerRows(db, {1}).value().front();
    CHECK(row.values[1] == "Augusta Ada King");
    CHECK(row.values[9] == "37");
    CHECK(row.values[11] == "");
    auto clash = updateCustomer(db, 1, {{0, "B2"}});
    REQUIRE_FALSE(clash);
    CHECK(clash.error().message == "Another customer already has this id.");

    std::vector<std::string> values(kCustomerColumnCount);
    values[0] = "E5";
    values[1] = "Edsger Dijkstra";
    values[12] = "0";
    auto added = addCustomer(db, values);
    REQUIRE(added);
    CHECK(customerRows(db, {*added}).value().front().values[1] == "Edsger Dijkstra");
    CHECK_FALSE(addCustomer(db, values));  // the same id again
}

TEST_CASE("deleted customers and everything about them come back on undo, also from a saved copy") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    Db& db = store->db();
    REQUIRE(generateDemo(db, DemoOptions{60, 5}));
    const std::string before = exportCsv(db, Entity::Orders).value() + exportCsv(db, Entity::Customers).value() +
                               exportCsv(db, Entity::Surveys).value() + exportCsv(db, Entity::CampaignContacts).value();
    auto undo = deleteCustomers(db, {3, 5, 8, 13});
    REQUIRE(undo);
    CHECK(db.queryInt("SELECT count(*) FROM customers").value() == 56);
    CHECK(db.queryInt("SELECT count(*) FROM orders WHERE customer_id IN (3, 5, 8, 13)").value() == 0);
    auto recent = recentDeletions(db);
    REQUIRE(recent);
    REQUIRE(recent->size() == 1);
    CHECK(recent->front().customers == 4);
    CHECK(recent->front().names.find("and 1 more") != std::string::npos);

    // The undo record is in the database itself, so it survives a reload: undo from a backup copy.
    auto image = exportDatabase(db);
    REQUIRE(image);
    auto reloaded = Store::open(":memory:");
    REQUIRE(reloaded);
    REQUIRE(restoreBackup(reloaded->db(), *image));
    REQUIRE(undoDeletion(reloaded->db(), *undo));
    const std::string after = exportCsv(reloaded->db(), Entity::Orders).value() + exportCsv(reloaded->db(), Entity::Customers).value() +
                              exportCsv(reloaded->db(), Entity::Surveys).value() + exportCsv(reloaded->db(), Entity::CampaignContacts).value();
    CHECK(after == before);
    CHECK(recentDeletions(reloaded->db()).value().empty());
    CHECK_FALSE(undoDeletion(reloaded->db(), *undo));  // only once
}

TEST_CASE("undo of a deletion is refused, changing nothing, when the id was reused") {
    Store store = withCustomers();
    Db& db = store.db();
    auto undo = deleteCustomers(db, {1});
    REQUIRE(undo);
    std::vector<std::string> values(kCustomerColumnCount);
    values[0] = "A1";
    values[12] = "0";
    REQUIRE(addCustomer(db, values));
    auto status = undoDeletion(db, *undo);
    REQUIRE_FALSE(status);
    CHECK(status.error().message.find("same id") != std::string::npos);
    CHECK(db.queryInt("SELECT count(*) FROM customers").value() == 4);
    CHECK(recentDeletions(db).value().size() == 1);
}

TEST_CASE("only the 20 most recent deletions are kept for undo") {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    REQUIRE(generateDemo(store->db(), DemoOptions{30, 1}));
    for (int64_t id = 1; id <= 25; ++id) REQUIRE(deleteCustomers(store->db(), {id}));
    CHECK(recentDeletions(store->db()).value().size() == 20);
    CHECK(store->db().queryInt("SELECT count(DISTINCT undo_id) FROM undo_rows").value() == 20);
}

}  // TEST_SUITE

TEST_SUITE("store") {
TEST_CASE("the customer filter can keep only a saved segment's members") {
    Store store = withCustomers();
    Db& db = store.db();
    const std::vector<int64_t> members = {1, 3, 4};
    const int64_t segment = createSegment(db, "Picked", "{}", members).value();
    CustomerFilter f;
    f.segmentId = segment;
    CHECK(customerIds(db, f, {}).value() == members);
    CHECK(customerTotals(db, f).value().count == 3);
    CHECK(customerTotals(db, f).value().churned == 1);  // Barbara

    // Combined with the other filters (their texts are bound before the segment id).
    f.region = "North";
    f.search = "a";
    CHECK(names(db, customerIds(db, f, {1, false}).value()) == std::vector<std::string>{"Ada Lovelace", "alan turing"});
    f.attribute = "Tier";
    f.attributeValue = "Gold";
    f.only = {3, 2};
    CHECK(customerIds(db, f, {}).value() == std::vector<int64_t>{3});
    CHECK(customerTotals(db, f).value().count == 1);

    CustomerFilter other;
    other.segmentId = segment + 1;  // no such segment: nobody
    CHECK(customerIds(db, other, {}).value().empty());
    CHECK(customerTotals(db, other).value().count == 0);
}
}  // TEST_SUITE
