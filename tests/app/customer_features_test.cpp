// Customer features: one customer's summary and the feature matrix, as of a day, on a
// hand-made store whose every value is computed by hand in the comments.
#include "app/customer_features.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "store/store.hpp"

using namespace rapport;
using namespace rapport::app;

namespace {

int32_t day(int y, int m, int d) { return static_cast<int32_t>(core::daysFromCivil({y, m, d})); }

// As of 2024-06-30 (2024 is a leap year):
//   1: signed up 2024-01-01; orders 02-01 (10), 03-01 (30), 05-01 (20, returned), 08-01 (100, after);
//      interactions: 02-10 ticket complaint, 03-05 email complaint, 04-01 ticket, 07-01 ticket
//      complaint (after); NPS 02-02: 6, 04-04: 9, 07-07: 0 (after); CSAT 03-03: 4, 05-05: 5,
//      07-20: 1 (after); age 40, income 55,000, Score 12.5, Tier Gold.
//   2: signed up 2024-03-15, never ordered, no Score, Tier Silver.
//   3: no sign-up date; orders 06-01 (25), 06-30 (50, on the as-of day); two NPS answers on
//      06-10 (3, then 7 by rowid); Score -3.
//   4: signed up 2024-09-01 (after), one order 2024-09-02 (after): nothing as of 06-30.
store::Store handMade() {
    auto store = store::Store::open(":memory:");
    REQUIRE(store);
    REQUIRE(store->db().exec(
        "INSERT INTO customers (id, external_id, signup_date, age, annual_income) VALUES"
        " (1, 'A', '2024-01-01', 40, 55000), (2, 'B', '2024-03-15', NULL, NULL),"
        " (3, 'C', NULL, NULL, NULL), (4, 'D', '2024-09-01', 33, NULL);"
        "INSERT INTO customer_attributes (customer_id, name, value) VALUES"
        " (1, 'Score', '12.5'), (3, 'Score', '-3'), (1, 'Tier', 'Gold'), (2, 'Tier', 'Silver');"
        "INSERT INTO orders (id, external_id, customer_id, ordered_at, amount, returned) VALUES"
        " (1, 'o1', 1, '2024-08-01', 100, 0), (2, 'o2', 1, '2024-03-01', 30, 0), (3, 'o3', 1, '2024-02-01', 10, 0),"
        " (4, 'o4', 1, '2024-05-01', 20, 1), (5, 'o5', 3, '2024-06-30T18:00:00', 50, 0),"
        " (6, 'o6', 3, '2024-06-01', 25, 0), (7, 'o7', 4, '2024-09-02', 70, 0);"
        "INSERT INTO interactions (id, external_id, customer_id, occurred_at, channel, complaint) VALUES"
        " (1, 'i1', 1, '2024-02-10', 'ticket', 1), (2, 'i2', 1, '2024-03-05', 'email', 1),"
        " (3, 'i3', 1, '2024-04-01', 'ticket', 0), (4, 'i4', 1, '2024-07-01', 'ticket', 1);"
        "INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score) VALUES"
        " (1, 'r1', 1, '2024-04-04', 'nps', 9), (2, 'r2', 1, '2024-02-02', 'nps', 6), (3, 'r3', 1, '2024-07-07', "
        "'nps', 0),"
        " (4, 'r4', 1, '2024-03-03', 'csat', 4), (5, 'r5', 1, '2024-05-05', 'csat', 5), (6, 'r6', 1, '2024-07-20', "
        "'csat', 1),"
        " (7, 'r7', 3, '2024-06-10', 'nps', 3), (8, 'r8', 3, '2024-06-10', 'nps', 7);"));
    return std::move(*store);
}

store::CustomerFacts factsOf(store::Store& store) {
    auto facts = store::readCustomerFacts(store.db());
    REQUIRE(facts);
    REQUIRE(facts->customers() == 4);
    return std::move(*facts);
}

const int32_t kAsOf = day(2024, 6, 30);

}  // namespace

TEST_SUITE("app") {
    TEST_CASE("a customer's summary counts only the records up to the as-of day") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const CustomerSummary s = summarizeCustomer(facts, 0, kAsOf);
        CHECK(s.orders == 3);                         // the August order is after the as-of day
        CHECK(s.revenue == doctest::Approx(60));      // 10 + 30 + 20: the returned order counts
        CHECK(s.recencyDays == doctest::Approx(60));  // 05-01 to 06-30: 30 + 30
        CHECK(s.tenureDays == doctest::Approx(181));  // 01-01 to 06-30: 31 + 29 + 31 + 30 + 31 + 29
        CHECK(s.averageOrderValue == doctest::Approx(20));
        CHECK(s.daysBetweenOrders == doctest::Approx(45));  // 02-01 to 05-01 is 90 days over 2 gaps
        CHECK(s.complaints == 2);                           // the ticket and the email; not the July one
        CHECK(s.tickets == 2);                              // 02-10 and 04-01
        CHECK(s.lastNps == doctest::Approx(9));             // 04-04; the July 0 is after the as-of day
        CHECK(s.meanCsat == doctest::Approx(4.5));          // (4 + 5) / 2
        CHECK(s.firstOrderDay == day(2024, 2, 1));
        CHECK(s.lastOrderDay == day(2024, 5, 1));

        // A later as-of day takes in the later records.
        const CustomerSummary later = summarizeCustomer(facts, 0, day(2024, 12, 31));
        CHECK(later.orders == 4);
        CHECK(later.revenue == doctest::Approx(160));
        CHECK(later.recencyDays == doctest::Approx(152));  // 08-01 to 12-31
        CHECK(later.complaints == 3);
        CHECK(later.tickets == 3);
        CHECK(later.lastNps == doctest::Approx(0));
        CHECK(later.meanCsat == doctest::Approx(10.0 / 3.0));

        // Before the first record: nothing but the tenure.
        const CustomerSummary early = summarizeCustomer(facts, 0, day(2024, 1, 15));
        CHECK(early.orders == 0);
        CHECK(std::isnan(early.recencyDays));
        CHECK(early.tenureDays == doctest::Approx(14));
        CHECK(std::isnan(early.averageOrderValue));
        CHECK(std::isnan(early.lastNps));
        CHECK(std::isnan(early.meanCsat));
    }

    TEST_CASE("a customer who never ordered has no recency, value or order gap, and counts tenure from sign-up") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const CustomerSummary s = summarizeCustomer(facts, 1, kAsOf);
        CHECK(s.orders == 0);
        CHECK(s.revenue == 0);
        CHECK(std::isnan(s.recencyDays));
        CHECK(std::isnan(s.averageOrderValue));
        CHECK(std::isnan(s.daysBetweenOrders));
        CHECK(s.tenureDays == doctest::Approx(107));  // 03-15 to 06-30: 16 + 30 + 31 + 30
        CHECK(s.firstOrderDay == store::kNoDay);
        CHECK(s.lastOrderDay == store::kNoDay);
    }

    TEST_CASE("without a sign-up date the tenure counts from the first order; an order on the as-of day counts") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const CustomerSummary s = summarizeCustomer(facts, 2, kAsOf);
        CHECK(s.orders == 2);
        CHECK(s.revenue == doctest::Approx(75));
        CHECK(s.recencyDays == doctest::Approx(0));
        CHECK(s.tenureDays == doctest::Approx(29));  // from the first order, 06-01
        CHECK(s.averageOrderValue == doctest::Approx(37.5));
        CHECK(s.daysBetweenOrders == doctest::Approx(29));
        CHECK(s.lastNps == doctest::Approx(7));  // two answers on one day: the later row wins
        CHECK(std::isnan(s.meanCsat));
        CHECK(s.complaints == 0);
    }

    TEST_CASE("a customer who signed up after the as-of day has nothing yet") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const CustomerSummary s = summarizeCustomer(facts, 3, kAsOf);
        CHECK(s.orders == 0);
        CHECK(std::isnan(s.recencyDays));
        CHECK(std::isnan(s.tenureDays));
        // As of the end of the year: sign-up 09-01 and one order 09-02.
        const CustomerSummary later = summarizeCustomer(facts, 3, day(2024, 12, 31));
        CHECK(later.orders == 1);
        CHECK(later.tenureDays == doctest::Approx(121));  // 09-01 to 12-31: 29 + 31 + 30 + 31
        CHECK(later.recencyDays == doctest::Approx(120));
    }

    TEST_CASE("the feature catalogue has the built-in features and every numeric attribute, found by key") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const auto features = availableFeatures(facts);
        for (const char* key :
             {"recency_days", "orders", "revenue", "tenure_days", "average_order_value", "days_between_orders",
              "complaints", "tickets", "last_nps", "mean_csat", "age", "annual_income", "attr:Score"}) {
            CAPTURE(key);
            const FeatureInfo* f = findFeature(features, key);
            REQUIRE(f != nullptr);
            CHECK_FALSE(f->label.empty());
            CHECK_FALSE(f->description.empty());
        }
        CHECK(findFeature(features, "attr:Tier") == nullptr);  // categorical: not a number to cluster on
        CHECK(findFeature(features, "nope") == nullptr);
        CHECK(findFeature(features, "revenue")->money);
        CHECK_FALSE(findFeature(features, "orders")->money);
        CHECK(findFeature(features, "attr:Score")->label == "Score");
        // The default clustering features are all in the catalogue.
        for (const std::string& key : defaultClusterFeatures()) CHECK(findFeature(features, key) != nullptr);
        CHECK(defaultClusterFeatures() == std::vector<std::string>{"recency_days", "orders", "revenue", "tenure_days"});
    }

    TEST_CASE(
        "the feature matrix holds the summary, profile and attribute values; recency falls back to days since "
        "sign-up") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const std::vector<std::string> keys = {"recency_days",
                                               "orders",
                                               "revenue",
                                               "tenure_days",
                                               "average_order_value",
                                               "days_between_orders",
                                               "complaints",
                                               "tickets",
                                               "last_nps",
                                               "mean_csat",
                                               "age",
                                               "annual_income",
                                               "attr:Score",
                                               "attr:Tier",
                                               "nope"};
        Eigen::MatrixXd X = Eigen::MatrixXd::Constant(4, static_cast<Eigen::Index>(keys.size()), -7.0);
        fillFeatureRows(facts, keys, kAsOf, X, 0, 4);
        const double nan = NAN;
        const std::vector<std::vector<double>> expected = {
            {60, 3, 60, 181, 20, 45, 2, 2, 9, 4.5, 40, 55000, 12.5, nan, nan},
            // Never ordered: recency is the 107 days since sign-up.
            {107, 0, 0, 107, nan, nan, 0, 0, nan, nan, nan, nan, nan, nan, nan},
            {0, 2, 75, 29, 37.5, 29, 0, 0, 7, nan, nan, nan, -3, nan, nan},
            // Signed up after the as-of day: no sign-up to count from either.
            {nan, 0, 0, nan, nan, nan, 0, 0, nan, nan, 33, nan, nan, nan, nan},
        };
        for (Eigen::Index i = 0; i < 4; ++i) {
            for (Eigen::Index j = 0; j < X.cols(); ++j) {
                CAPTURE(i);
                CAPTURE(keys[static_cast<size_t>(j)]);
                const double want = expected[static_cast<size_t>(i)][static_cast<size_t>(j)];
                if (std::isnan(want))
                    CHECK(std::isnan(X(i, j)));
                else
                    CHECK(X(i, j) == doctest::Approx(want));
            }
        }
    }

    TEST_CASE("filling a range of rows leaves the other rows alone and matches a whole fill") {
        auto store = handMade();
        const auto facts = factsOf(store);
        const std::vector<std::string> keys = {"recency_days", "revenue", "attr:Score"};
        Eigen::MatrixXd whole(4, 3), part = Eigen::MatrixXd::Constant(4, 3, -7.0);
        fillFeatureRows(facts, keys, kAsOf, whole, 0, 4);
        fillFeatureRows(facts, keys, kAsOf, part, 1, 3);
        CHECK((part.row(0).array() == -7.0).all());
        CHECK((part.row(3).array() == -7.0).all());
        for (Eigen::Index i = 1; i < 3; ++i) {
            for (Eigen::Index j = 0; j < 3; ++j) {
                if (std::isnan(whole(i, j)))
                    CHECK(std::isnan(part(i, j)));
                else
                    CHECK(part(i, j) == whole(i, j));
            }
        }
    }

    TEST_CASE("analyses default to the last day with any record, or today without records") {
        auto store = handMade();
        const auto facts = factsOf(store);
        CHECK(facts.lastDay == day(2024, 9, 2));
        CHECK(defaultAsOfDay(facts) == day(2024, 9, 2));  // customer 4's order, the latest record

        const store::CustomerFacts empty;
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const auto today = static_cast<int32_t>(std::chrono::duration_cast<std::chrono::hours>(now).count() / 24);
        const int32_t got = defaultAsOfDay(empty);
        CHECK(got >= today - 1);  // the day may turn between the two reads
        CHECK(got <= today);
    }

}  // TEST_SUITE
