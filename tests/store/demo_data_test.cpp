#include <doctest/doctest.h>

#include <string>

#include "store/demo_data.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {
double queryDouble(Db& db, const char* sql) {
    auto stmt = Stmt::prepare(db, sql);
    REQUIRE(stmt);
    REQUIRE(stmt->step());
    return stmt->columnDouble(0);
}
Store freshStore() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    return std::move(*store);
}
}  // namespace

TEST_SUITE("store") {

TEST_CASE("demo data is deterministic for a seed and differs between seeds") {
    auto fingerprint = [](uint64_t seed) {
        Store store = freshStore();
        REQUIRE(generateDemo(store.db(), DemoOptions{300, seed}));
        return std::to_string(queryDouble(store.db(), "SELECT total(amount) FROM orders")) + "/" +
               std::to_string(store.db().queryInt("SELECT count(*) FROM survey_responses").value()) + "/" +
               std::to_string(store.db().queryInt("SELECT sum(churned) FROM customers").value());
    };
    CHECK(fingerprint(7) == fingerprint(7));
    CHECK(fingerprint(7) != fingerprint(8));
}

TEST_CASE("demo data has the shape the analyses need, in every scenario") {
    for (const DemoScenario scenario : {DemoScenario::Retail, DemoScenario::Subscription, DemoScenario::B2B}) {
        CAPTURE(scenarioName(scenario));
        Store store = freshStore();
        Db& db = store.db();
        auto counts = generateDemo(db, DemoOptions{2000, 42, scenario});
        REQUIRE(counts);
        CHECK(counts->customers == 2000);
        CHECK(db.queryInt("SELECT count(*) FROM customers").value() == 2000);
        CHECK(db.queryInt("SELECT count(*) FROM orders").value() == counts->orders);
        const double ordersPerCustomer = static_cast<double>(counts->orders) / 2000.0;
        CHECK(ordersPerCustomer > 2.0);
        CHECK(ordersPerCustomer < 40.0);
        const double churnRate = queryDouble(db, "SELECT avg(churned) FROM customers");
        CHECK(churnRate > 0.10);
        CHECK(churnRate < 0.60);
        CHECK(counts->campaigns == 12);
        CHECK(counts->campaignContacts > 1000);
        CHECK(db.queryInt("SELECT count(*) FROM survey_responses WHERE kind = 'nps'").value() > 1000);
        CHECK(db.queryInt("SELECT count(*) FROM survey_responses WHERE kind = 'csat'").value() > 100);
        CHECK(db.queryInt("SELECT count(*) FROM interactions WHERE complaint = 1").value() > 200);
        CHECK(db.queryInt("SELECT count(*) FROM customer_attributes WHERE name = 'loyalty_tier'").value() == 2000);
        // Every order falls inside its customer's life, within the three years.
        CHECK(db.queryInt("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                          " WHERE o.ordered_at < c.signup_date OR (c.churned = 1 AND substr(o.ordered_at, 1, 10) > c.churned_at)"
                          " OR o.ordered_at > '2026-10-31T23:59:59'").value() == 0);
        CHECK(db.queryInt("SELECT count(*) FROM pragma_foreign_key_check").value() == 0);
        CHECK(db.queryInt("SELECT min(score) >= 0 AND max(score) <= 10 FROM survey_responses WHERE kind = 'nps'").value() == 1);
    }
}

TEST_CASE("in demo data, churn goes with complaints, low NPS and infrequent buying") {
    Store store = freshStore();
    Db& db = store.db();
    REQUIRE(generateDemo(db, DemoOptions{5000, 3}));
    const double npsChurned = queryDouble(db, "SELECT avg(s.score) FROM survey_responses s JOIN customers c ON c.id = s.customer_id WHERE s.kind = 'nps' AND c.churned = 1");
    const double npsRetained = queryDouble(db, "SELECT avg(s.score) FROM survey_responses s JOIN customers c ON c.id = s.customer_id WHERE s.kind = 'nps' AND c.churned = 0");
    CHECK(npsChurned < npsRetained - 0.7);
    const double complaintsChurned = queryDouble(db,
        "SELECT avg(n) FROM (SELECT count(i.id) AS n FROM customers c LEFT JOIN interactions i ON i.customer_id = c.id AND i.complaint = 1 WHERE c.churned = 1 GROUP BY c.id)");
    const double complaintsRetained = queryDouble(db,
        "SELECT avg(n) FROM (SELECT count(i.id) AS n FROM customers c LEFT JOIN interactions i ON i.customer_id = c.id AND i.complaint = 1 WHERE c.churned = 0 GROUP BY c.id)");
    CHECK(complaintsChurned > 0);
    CHECK(complaintsRetained > 0);
    // Per year of activity, churned customers complain more.
    const double rateChurned = queryDouble(db,
        "SELECT sum(n) / sum(julianday(churned_at) - julianday(signup_date) + 1) FROM (SELECT c.churned_at, c.signup_date, count(i.id) AS n FROM customers c LEFT JOIN interactions i ON i.customer_id = c.id AND i.complaint = 1 WHERE c.churned = 1 GROUP BY c.id)");
    const double rateRetained = queryDouble(db,
        "SELECT sum(n) / sum(julianday('2026-10-31') - julianday(signup_date) + 1) FROM (SELECT c.signup_date, count(i.id) AS n FROM customers c LEFT JOIN interactions i ON i.customer_id = c.id AND i.complaint = 1 WHERE c.churned = 0 GROUP BY c.id)");
    CHECK(rateChurned > rateRetained * 1.3);
    // Not trivial: churned customers are found across every loyalty tier.
    CHECK(db.queryInt("SELECT count(DISTINCT a.value) FROM customer_attributes a JOIN customers c ON c.id = a.customer_id WHERE c.churned = 1").value() == 3);
}

TEST_CASE("a cancelled demo generation leaves the database as it was") {
    Store store = freshStore();
    auto gen = DemoGenerator::begin(store.db(), DemoOptions{1000, 1});
    REQUIRE(gen);
    auto more = (*gen)->step(400);
    REQUIRE(more);
    CHECK(*more);
    CHECK((*gen)->progress() == doctest::Approx(0.4));
    (*gen)->cancel();
    gen->reset();
    CHECK(store.db().queryInt("SELECT count(*) FROM customers").value() == 0);
    CHECK(store.db().queryInt("SELECT count(*) FROM campaigns").value() == 0);
}

TEST_CASE("demo data refuses bad options and a database that already has customers") {
    Store store = freshStore();
    CHECK_FALSE(DemoOptions{0}.validate());
    CHECK_FALSE(DemoOptions{2000000}.validate());
    DemoOptions badDate;
    badDate.endDate = "31/10/2026";
    CHECK_FALSE(badDate.validate());
    REQUIRE(store.db().exec("INSERT INTO customers (external_id) VALUES ('mine')"));
    auto gen = DemoGenerator::begin(store.db(), DemoOptions{10});
    REQUIRE_FALSE(gen);
    CHECK(gen.error().message.find("empty database") != std::string::npos);
    CHECK(scenarioFromName("telecom") == DemoScenario::Subscription);
    CHECK_FALSE(scenarioFromName("space").has_value());
}

}  // TEST_SUITE
