// Customer facts: every field of a hand-made database, step-wise reading equal to a
// one-shot read, and per-customer aggregates of a demo database equal to SQL's.
#include "store/customer_facts.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "store/demo_data.hpp"
#include "store/store.hpp"

using namespace rapport;
using namespace rapport::store;

namespace {

int32_t day(int y, int m, int d) { return static_cast<int32_t>(core::daysFromCivil({y, m, d})); }

bool isNan(double v) { return std::isnan(v); }

// Hand-made: customers inserted out of id order, id 4 missing, records imported out of
// day order and interleaved between customers, missing and impossible dates.
Store handMade() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    Db& db = store->db();
    REQUIRE(db.exec(
        "INSERT INTO customers (id, external_id, region, plan, channel, gender, signup_date, age, annual_income, "
        "churned, churned_at) VALUES"
        " (5, 'E', 'West', NULL, 'store', 'F', '2023-02-30', 22, NULL, 0, NULL),"
        " (1, 'A', 'North', 'Basic', 'web', 'F', '2024-01-15', 30, 50000, 0, NULL),"
        " (2, 'B', 'South', 'Premium', NULL, 'M', '2024-02-01T09:30:00', NULL, NULL, 1, '2024-06-30'),"
        " (3, 'C', 'North', 'Basic', 'web', '', NULL, 45, 70000.5, 0, NULL);"
        "INSERT INTO customer_attributes (customer_id, name, value) VALUES"
        " (1, 'Tier', 'Gold'), (2, 'Tier', 'Silver'), (3, 'Tier', 'Gold'), (5, 'Tier', ''),"
        " (1, 'Score', '12.5'), (2, 'Score', '1,000'), (5, 'Score', '-3'),"
        " (1, 'Mixed', '5'), (2, 'Mixed', 'n/a'),"
        " (1, 'Blank', '  ');"
        "INSERT INTO orders (id, external_id, customer_id, ordered_at, amount, returned) VALUES"
        " (10, 'o10', 2, '2024-03-01T10:00:00', 20, 0),"
        " (11, 'o11', 1, '2024-05-01', 30, 1),"
        " (12, 'o12', 1, '2024-02-01', 10, 0),"
        " (13, 'o13', 5, '2024-04-01', 5, 0),"
        " (14, 'o14', 1, '2024-05-01T08:00:00', 40, 0),"
        " (15, 'o15', 2, '2024-01-10', 15, 0),"
        " (16, 'o16', 5, 'someday', 7, 0);"
        "INSERT INTO interactions (id, external_id, customer_id, occurred_at, channel, complaint, resolved) VALUES"
        " (1, 'i1', 3, '2024-03-03', 'ticket', 1, 1),"
        " (2, 'i2', 1, '2024-01-20', 'email', 0, NULL),"
        " (3, 'i3', 3, '2024-02-02', 'phone', 1, 0);"
        "INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment, expected) "
        "VALUES"
        " (7, 'r7', 2, '2024-04-04', 'nps', 9, 'great', NULL),"
        " (8, 'r8', 2, '2024-03-03', 'csat', 4, NULL, '3.5'),"
        " (9, 'r9', 5, '2024-07-07', 'ces', 2, NULL, 'soon');"));
    // Records of a customer that does not exist (foreign keys switched off to make them).
    REQUIRE(db.exec(
        "PRAGMA foreign_keys = OFF;"
        "INSERT INTO orders (id, external_id, customer_id, ordered_at, amount) VALUES (17, 'o17', 99, '2020-01-01', "
        "1000);"
        "INSERT INTO interactions (id, external_id, customer_id, occurred_at) VALUES (4, 'i4', 4, '2030-01-01');"
        "INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score) VALUES (10, 'r10', 99, "
        "'2019-01-01', 'nps', 0);"
        "INSERT INTO customer_attributes (customer_id, name, value) VALUES (99, 'Ghost', 'x');"
        "PRAGMA foreign_keys = ON;"));
    return std::move(*store);
}

void checkCategorical(const Categorical& c, const std::vector<int32_t>& code, const std::vector<std::string>& values) {
    CHECK(c.code == code);
    CHECK(c.values == values);
}

// Every field equal (NaN equal to NaN).
template <class T>
bool sameBits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}
void checkSame(const CustomerFacts& a, const CustomerFacts& b) {
    CHECK(a.id == b.id);
    CHECK(a.signupDay == b.signupDay);
    CHECK(sameBits(a.age, b.age));
    CHECK(sameBits(a.income, b.income));
    CHECK(a.churned == b.churned);
    CHECK(a.churnedDay == b.churnedDay);
    for (auto [x, y] :
         {std::pair{&a.region, &b.region}, {&a.plan, &b.plan}, {&a.channel, &b.channel}, {&a.gender, &b.gender}}) {
        CHECK(x->code == y->code);
        CHECK(x->values == y->values);
    }
    REQUIRE(a.attributes.size() == b.attributes.size());
    for (size_t i = 0; i < a.attributes.size(); ++i) {
        CHECK(a.attributes[i].name == b.attributes[i].name);
        CHECK(a.attributes[i].numeric == b.attributes[i].numeric);
        CHECK(sameBits(a.attributes[i].number, b.attributes[i].number));
        CHECK(a.attributes[i].categorical.code == b.attributes[i].categorical.code);
        CHECK(a.attributes[i].categorical.values == b.attributes[i].categorical.values);
    }
    CHECK(a.orderStart == b.orderStart);
    CHECK(a.orderDay == b.orderDay);
    CHECK(sameBits(a.orderAmount, b.orderAmount));
    CHECK(a.orderReturned == b.orderReturned);
    CHECK(a.interactionStart == b.interactionStart);
    CHECK(a.interactionDay == b.interactionDay);
    CHECK(a.interactionFlags == b.interactionFlags);
    CHECK(a.responseStart == b.responseStart);
    CHECK(a.responseDay == b.responseDay);
    CHECK(a.responseKind == b.responseKind);
    CHECK(sameBits(a.responseScore, b.responseScore));
    CHECK(sameBits(a.responseExpected, b.responseExpected));
    CHECK(a.responseId == b.responseId);
    CHECK(a.firstDay == b.firstDay);
    CHECK(a.lastDay == b.lastDay);
}

}  // namespace

TEST_SUITE("store") {
    TEST_CASE("customer facts hold every field of a hand-made database") {
        Store store = handMade();
        auto read = readCustomerFacts(store.db());
        REQUIRE(read);
        const CustomerFacts& f = *read;
        CHECK(day(2024, 1, 1) == 19723);  // the scale every day below is on

        // Customers in id order.
        CHECK(f.id == std::vector<int64_t>{1, 2, 3, 5});
        CHECK(f.customers() == 4);
        CHECK(f.indexOf(5) == 3);
        CHECK(f.indexOf(4) == -1);
        CHECK(f.indexOf(99) == -1);
        CHECK(f.signupDay ==
              std::vector<int32_t>{day(2024, 1, 15), day(2024, 2, 1), kNoDay, kNoDay});  // 2023-02-30 is no day
        CHECK(f.age[0] == 30);
        CHECK(isNan(f.age[1]));
        CHECK(f.age[2] == 45);
        CHECK(f.age[3] == 22);
        CHECK(f.income[0] == 50000);
        CHECK(isNan(f.income[1]));
        CHECK(f.income[2] == 70000.5);
        CHECK(isNan(f.income[3]));
        CHECK(f.churned == std::vector<uint8_t>{0, 1, 0, 0});
        CHECK(f.churnedDay == std::vector<int32_t>{kNoDay, day(2024, 6, 30), kNoDay, kNoDay});

        // Categories most frequent first, ties by value; empty and NULL are -1.
        checkCategorical(f.region, {0, 1, 0, 2}, {"North", "South", "West"});
        checkCategorical(f.plan, {0, 1, 0, -1}, {"Basic", "Premium"});
        checkCategorical(f.channel, {0, -1, 0, 1}, {"web", "store"});
        checkCategorical(f.gender, {0, 1, -1, 0}, {"F", "M"});

        // Attributes by name; numeric only when every non-empty value is a number.
        REQUIRE(f.attributes.size() == 4);
        CHECK(f.attributes[0].name == "Blank");
        CHECK_FALSE(f.attributes[0].numeric);
        checkCategorical(f.attributes[0].categorical, {-1, -1, -1, -1}, {});
        CHECK(f.attributes[1].name == "Mixed");
        CHECK_FALSE(f.attributes[1].numeric);
        checkCategorical(f.attributes[1].categorical, {0, 1, -1, -1}, {"5", "n/a"});
        const AttributeColumn& score = f.attributes[2];
        CHECK(score.name == "Score");
        REQUIRE(score.numeric);
        REQUIRE(score.number.size() == 4);
        CHECK(score.number[0] == 12.5);
        CHECK(score.number[1] == 1000);
        CHECK(isNan(score.number[2]));
        CHECK(score.number[3] == -3);
        CHECK(score.categorical.values.empty());
        CHECK(f.attributes[3].name == "Tier");
        CHECK_FALSE(f.attributes[3].numeric);
        checkCategorical(f.attributes[3].categorical, {0, 1, 0, -1}, {"Gold", "Silver"});

        // Orders per customer by day; ties by rowid (o11 before o14); an unreadable date
        // (kNoDay) first; customer 3 has none; customer 99's order is skipped.
        CHECK(f.orderStart == std::vector<int64_t>{0, 3, 5, 5, 7});
        CHECK(f.orderDay == std::vector<int32_t>{day(2024, 2, 1), day(2024, 5, 1), day(2024, 5, 1), day(2024, 1, 10),
                                                 day(2024, 3, 1), kNoDay, day(2024, 4, 1)});
        CHECK(f.orderAmount == std::vector<double>{10, 30, 40, 15, 20, 7, 5});
        CHECK(f.orderReturned == std::vector<uint8_t>{0, 1, 0, 0, 0, 0, 0});

        CHECK(f.interactionStart == std::vector<int64_t>{0, 1, 1, 3, 3});
        CHECK(f.interactionDay == std::vector<int32_t>{day(2024, 1, 20), day(2024, 2, 2), day(2024, 3, 3)});
        CHECK(f.interactionFlags ==
              std::vector<uint8_t>{0, kInteractionComplaint,
                                   kInteractionComplaint | kInteractionTicket | kInteractionResolved});

        CHECK(f.responseStart == std::vector<int64_t>{0, 0, 2, 2, 3});
        CHECK(f.responseDay == std::vector<int32_t>{day(2024, 3, 3), day(2024, 4, 4), day(2024, 7, 7)});
        CHECK(f.responseKind == std::vector<SurveyKind>{SurveyKind::Csat, SurveyKind::Nps, SurveyKind::Ces});
        CHECK(f.responseScore == std::vector<float>{4, 9, 2});
        REQUIRE(f.responseExpected.size() == 3);
        CHECK(f.responseExpected[0] == 3.5f);
        CHECK(std::isnan(f.responseExpected[1]));  // not given
        CHECK(std::isnan(f.responseExpected[2]));  // "soon" is not a number
        CHECK(f.responseId == std::vector<int64_t>{8, 7, 9});

        // The span of the data: the skipped records (2019, 2020, 2030) do not count.
        CHECK(f.firstDay == day(2024, 1, 10));
        CHECK(f.lastDay == day(2024, 7, 7));
        CHECK(f.bytes() > 0);
    }

    TEST_CASE("customer facts read step by step equal a one-shot read") {
        Store store = handMade();
        const CustomerFacts once = readCustomerFacts(store.db()).value();
        const int64_t rows =
            store.db()
                .queryInt(
                    "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM customer_attributes)"
                    " + (SELECT count(*) FROM orders) + (SELECT count(*) FROM interactions)"
                    " + (SELECT count(*) FROM survey_responses)")
                .value();
        for (const int64_t maxRows : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{7}, int64_t{1000}}) {
            CAPTURE(maxRows);
            auto reader = CustomerFactsReader::begin(store.db());
            REQUIRE(reader);
            CHECK((*reader)->progress() == 0.0);
            CHECK(std::string((*reader)->stage()) == "customers");
            int64_t steps = 0;
            double last = 0;
            for (;;) {
                auto more = (*reader)->step(maxRows);
                REQUIRE(more);
                ++steps;
                CHECK((*reader)->progress() >= last);
                CHECK((*reader)->progress() <= 1.0);
                last = (*reader)->progress();
                if (!*more) break;
                REQUIRE(steps < 10000);
            }
            CHECK((*reader)->progress() == 1.0);
            // Each step reads at most maxRows rows, so reading every row takes this many.
            CHECK(steps >= (rows + maxRows - 1) / maxRows);
            checkSame((*reader)->take(), once);
        }
    }

    TEST_CASE("record counts given to begin() (right or stale) change the progress only, never the facts") {
        Store store = handMade();
        const CustomerFacts once = readCustomerFacts(store.db()).value();
        const RecordCounts right = store.counts().value();
        RecordCounts none, high = right;
        high.customers *= 10;
        high.orders = 1000000;
        high.surveyResponses += 3;
        for (const RecordCounts& known : {right, none, high}) {
            CAPTURE(known.orders);
            auto reader = CustomerFactsReader::begin(store.db(), &known);
            REQUIRE(reader);
            double last = 0;
            while ((*reader)->step(2).value()) {
                CHECK((*reader)->progress() >= last);
                CHECK((*reader)->progress() < 1.0);
                last = (*reader)->progress();
            }
            CHECK((*reader)->progress() == 1.0);
            checkSame((*reader)->take(), once);
        }
    }

    TEST_CASE("a step-wise read sees a stage at a time and resumes where it stopped") {
        Store store = handMade();
        auto reader = CustomerFactsReader::begin(store.db());
        REQUIRE(reader);
        REQUIRE((*reader)->step(2).value());
        CHECK(std::string((*reader)->stage()) == "customers");
        REQUIRE((*reader)->step(3).value());  // two more customers, then the first attribute
        CHECK(std::string((*reader)->stage()) == "attributes");
        // A customer added between steps, after the customers were read, is not there, and
        // an order of it is skipped like any record of an unknown customer.
        REQUIRE(
            store.db().exec("INSERT INTO customers (id, external_id) VALUES (6, 'F');"
                            "INSERT INTO orders (id, external_id, customer_id, ordered_at, amount) VALUES (18, 'o18', "
                            "6, '2024-01-01', 1)"));
        while ((*reader)->step(2).value()) {
        }
        const CustomerFacts f = (*reader)->take();
        CHECK(f.id == std::vector<int64_t>{1, 2, 3, 5});
        CHECK(f.orderStart.back() == 7);
    }

    TEST_CASE("customer facts of a demo database agree with SQL per customer") {
        auto store = Store::open(":memory:");
        REQUIRE(store);
        Db& db = store->db();
        REQUIRE(generateDemo(db, DemoOptions{1500, 21, DemoScenario::Subscription}));
        // Scramble the insertion order of some orders (as an import of an unsorted file would).
        REQUIRE(db.exec("UPDATE orders SET id = id + 10000000 WHERE id % 7 = 3"));
        const CustomerFacts f = readCustomerFacts(db).value();
        CHECK(f.customers() == 1500);
        CHECK(f.orderStart.back() == db.queryInt("SELECT count(*) FROM orders").value());
        CHECK(f.interactionStart.back() == db.queryInt("SELECT count(*) FROM interactions").value());
        CHECK(f.responseStart.back() == db.queryInt("SELECT count(*) FROM survey_responses").value());
        REQUIRE(f.attributes.size() == 1);
        CHECK(f.attributes[0].name == "loyalty_tier");
        const int64_t busiest =
            db.queryInt("SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1").value();
        for (const int64_t id : {int64_t{1}, int64_t{17}, int64_t{500}, int64_t{1499}, busiest}) {
            CAPTURE(id);
            const int64_t i = f.indexOf(id);
            REQUIRE(i >= 0);
            const size_t b = static_cast<size_t>(f.orderStart[static_cast<size_t>(i)]),
                         e = static_cast<size_t>(f.orderStart[static_cast<size_t>(i) + 1]);
            auto sql = Stmt::prepare(
                db, "SELECT count(*), total(amount), max(ordered_at), sum(returned) FROM orders WHERE customer_id = ?");
            REQUIRE(sql);
            sql->bind(1, id);
            REQUIRE(sql->step());
            CHECK(static_cast<int64_t>(e - b) == sql->columnInt(0));
            double sum = 0;
            int64_t returned = 0;
            for (size_t k = b; k < e; ++k) {
                sum += f.orderAmount[k];
                returned += f.orderReturned[k];
                if (k > b) CHECK(f.orderDay[k - 1] <= f.orderDay[k]);
            }
            CHECK(sum == doctest::Approx(sql->columnDouble(1)));
            CHECK(returned == sql->columnInt(3));
            if (e > b) {
                const auto last = core::parseIsoTimestamp(sql->columnText(2));
                REQUIRE(last);
                CHECK(f.orderDay[e - 1] == *last / core::kSecondsPerDay);
            }

            auto sql2 =
                Stmt::prepare(db,
                              "SELECT (SELECT count(*) FROM interactions WHERE customer_id = ?1),"
                              " (SELECT total(complaint) FROM interactions WHERE customer_id = ?1),"
                              " (SELECT count(*) FROM survey_responses WHERE customer_id = ?1 AND kind = 'nps'),"
                              " (SELECT total(score) FROM survey_responses WHERE customer_id = ?1 AND kind = 'nps')");
            REQUIRE(sql2);
            sql2->bind(1, id);
            REQUIRE(sql2->step());
            const size_t ib = static_cast<size_t>(f.interactionStart[static_cast<size_t>(i)]);
            const size_t ie = static_cast<size_t>(f.interactionStart[static_cast<size_t>(i) + 1]);
            int64_t complaints = 0;
            for (size_t k = ib; k < ie; ++k) complaints += (f.interactionFlags[k] & kInteractionComplaint) != 0;
            CHECK(static_cast<int64_t>(ie - ib) == sql2->columnInt(0));
            CHECK(complaints == static_cast<int64_t>(sql2->columnDouble(1)));
            int64_t nps = 0;
            double npsSum = 0;
            for (int64_t k = f.responseStart[static_cast<size_t>(i)]; k < f.responseStart[static_cast<size_t>(i) + 1];
                 ++k) {
                if (f.responseKind[static_cast<size_t>(k)] != SurveyKind::Nps) continue;
                ++nps;
                npsSum += f.responseScore[static_cast<size_t>(k)];
            }
            CHECK(nps == sql2->columnInt(2));
            CHECK(npsSum == doctest::Approx(sql2->columnDouble(3)));
        }
        CHECK(f.lastDay <= day(2026, 10, 31));  // the demo's end date
        CHECK(f.firstDay < f.lastDay);
    }

    TEST_CASE("customer facts of an empty database are empty") {
        auto store = Store::open(":memory:");
        REQUIRE(store);
        auto reader = CustomerFactsReader::begin(store->db());
        REQUIRE(reader);
        auto more = (*reader)->step(100);
        REQUIRE(more);
        CHECK_FALSE(*more);
        CHECK((*reader)->progress() == 1.0);
        const CustomerFacts f = (*reader)->take();
        CHECK(f.customers() == 0);
        CHECK(f.orderStart == std::vector<int64_t>{0});
        CHECK(f.interactionStart == std::vector<int64_t>{0});
        CHECK(f.responseStart == std::vector<int64_t>{0});
        CHECK(f.attributes.empty());
        CHECK(f.region.values.empty());
        CHECK(f.firstDay == kNoDay);
        CHECK(f.lastDay == kNoDay);
        CHECK(f.indexOf(1) == -1);
    }

    TEST_CASE("reading customer facts from a database without the tables is an error, not a crash") {
        auto db = Db::open(":memory:");
        REQUIRE(db);
        auto reader = CustomerFactsReader::begin(*db);
        REQUIRE_FALSE(reader);
        CHECK_FALSE(reader.error().message.empty());
    }

}  // TEST_SUITE
