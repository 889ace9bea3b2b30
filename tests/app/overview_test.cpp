// The Overview's figures on a hand-made store, computed by hand in the comments: the cards,
// the months (and the partial month), the segment counts, and a segment filter.
#include "app/overview.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "app/app_state.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
#include "store/store.hpp"

using namespace rapport;
using namespace rapport::app;
using analytics::RfmSegment;

namespace {

int32_t day(int y, int m, int d) { return static_cast<int32_t>(core::daysFromCivil({y, m, d})); }

// As of 2024-06-30. The last 12 months are the 365 days after 2023-07-01 (2024-02-29 is
// among them), the 12 before are the 365 days after 2022-07-01. The last 90 days are those
// after 2024-04-01.
//   1 (Champions): 2024-06-20 100, 2024-01-10 50, 2023-07-01 40 (the last day of the year
//     before), 2024-07-05 999 (after the as-of day)
//   2 (At risk):   2023-07-02 30 (the first day of the last 12 months), 2022-07-01 20 (in
//     neither year: the day before the previous 12 months)
//   3 (Lost):      2022-01-15 10, 2021-06-01 5 (before the 36 months of the chart)
//   4:             never ordered
//   5 (Champions): 2024-04-15 60
const char* kOrders =
    "INSERT INTO customers (id, external_id, signup_date) VALUES"
    " (1, 'A', '2021-01-01'), (2, 'B', '2021-01-01'), (3, 'C', '2021-01-01'), (4, 'D', '2024-05-01'), (5, 'E', NULL);"
    "INSERT INTO orders (id, external_id, customer_id, ordered_at, amount) VALUES"
    " (1, 'o1', 1, '2024-06-20', 100), (2, 'o2', 1, '2024-01-10', 50), (3, 'o3', 1, '2023-07-01', 40),"
    " (4, 'o4', 1, '2024-07-05', 999), (5, 'o5', 2, '2023-07-02', 30), (6, 'o6', 2, '2022-07-01', 20),"
    " (7, 'o7', 3, '2022-01-15', 10), (8, 'o8', 3, '2021-06-01', 5), (9, 'o9', 5, '2024-04-15', 60);";

store::CustomerFacts handMadeFacts() {
    auto store = store::Store::open(":memory:");
    REQUIRE(store);
    REQUIRE(store->db().exec(kOrders));
    auto facts = store::readCustomerFacts(store->db());
    REQUIRE(facts);
    REQUIRE(facts->customers() == 5);
    return std::move(*facts);
}

// Segments given by hand, so these tests do not depend on how RFM scores (the segmentation
// tests check that): only the recency (NaN: never ordered) and the segment matter here.
RfmRun handSegments() {
    RfmRun run;
    run.runId = 1;
    run.asOfDay = day(2024, 6, 30);
    run.customerIds = {1, 2, 3, 4, 5};
    run.recency = {10, 364, 897, NAN, 76};
    run.frequency = {3, 2, 2, 0, 1};
    run.monetary = {190, 50, 15, 0, 60};
    run.rfm.segment = {RfmSegment::Champions, RfmSegment::AtRisk, RfmSegment::Lost, RfmSegment::Lost,
                       RfmSegment::Champions};
    return run;
}

const MonthFigures& month(const OverviewStats& s, int year, int m) {
    for (const MonthFigures& f : s.months) {
        if (f.year == year && f.month == m) return f;
    }
    FAIL("no such month in the chart: " << year << "-" << m);
    return s.months.front();
}

size_t at(int segment) { return static_cast<size_t>(segment); }
int seg(RfmSegment s) { return static_cast<int>(s); }

}  // namespace

TEST_SUITE("app") {
    TEST_CASE("the overview's cards for everyone, computed by hand") {
        const auto facts = handMadeFacts();
        const RfmRun run = handSegments();
        const OverviewStats s = computeOverview(facts, &run, std::nullopt, day(2024, 6, 30));
        CHECK(s.asOfDay == day(2024, 6, 30));
        CHECK(s.customers == 5);
        CHECK(s.active90 == 2);                      // 1 (06-20) and 5 (04-15)
        CHECK(s.revenue12 == doctest::Approx(240));  // 100 + 50 + 30 + 60
        CHECK(s.orders12 == 4);
        CHECK(s.revenuePrevious12 == doctest::Approx(40));  // only 2023-07-01
        CHECK(s.averageOrderValue == doctest::Approx(60));  // 240 / 4
        CHECK(s.buyers == 4);
        CHECK(s.repeatBuyers == 3);  // 1, 2 and 3; the order after the as-of day does not count

        REQUIRE(s.months.size() == 36);
        CHECK(s.months.front().year == 2021);
        CHECK(s.months.front().month == 7);
        CHECK(s.months.back().year == 2024);
        CHECK(s.months.back().month == 6);
        CHECK_FALSE(s.months.back().partial);  // June 30 is June's last day
        for (size_t i = 0; i + 1 < s.months.size(); ++i) CHECK_FALSE(s.months[i].partial);
        CHECK(month(s, 2024, 6).revenue == doctest::Approx(100));
        CHECK(month(s, 2024, 4).revenue == doctest::Approx(60));
        CHECK(month(s, 2024, 1).revenue == doctest::Approx(50));
        CHECK(month(s, 2023, 7).revenue == doctest::Approx(70));
        CHECK(month(s, 2023, 7).orders == 2);
        CHECK(month(s, 2022, 7).revenue == doctest::Approx(20));
        CHECK(month(s, 2022, 1).revenue == doctest::Approx(10));
        double total = 0;
        int64_t orders = 0;
        for (const MonthFigures& m : s.months) {
            total += m.revenue;
            orders += m.orders;
        }
        CHECK(total == doctest::Approx(310));  // every order up to the as-of day but 2021-06-01's 5
        CHECK(orders == 7);

        REQUIRE(s.hasSegments);
        CHECK(s.segmentCustomers[at(seg(RfmSegment::Champions))] == 2);
        CHECK(s.segmentCustomers[at(seg(RfmSegment::AtRisk))] == 1);
        CHECK(s.segmentCustomers[at(seg(RfmSegment::Lost))] == 1);  // 3; not 4, who never ordered
        CHECK(s.segmentCustomers[at(kNeverOrdered)] == 1);
        int64_t everyone = 0;
        for (const int64_t c : s.segmentCustomers) everyone += c;
        CHECK(everyone == 5);
        CHECK(s.segmentRevenue12[at(seg(RfmSegment::Champions))] == doctest::Approx(210));
        CHECK(s.segmentRevenue12[at(seg(RfmSegment::AtRisk))] == doctest::Approx(30));
        CHECK(s.segmentRevenue12[at(seg(RfmSegment::Lost))] == 0);
        CHECK(s.segmentRevenue12[at(kNeverOrdered)] == 0);
    }

    TEST_CASE("a segment filter narrows every figure to the segment's customers and keeps the segment counts whole") {
        const auto facts = handMadeFacts();
        const RfmRun run = handSegments();
        const OverviewStats all = computeOverview(facts, &run, std::nullopt, day(2024, 6, 30));

        SUBCASE("Champions") {
            const OverviewStats s = computeOverview(facts, &run, seg(RfmSegment::Champions), day(2024, 6, 30));
            CHECK(s.customers == 2);
            CHECK(s.active90 == 2);
            CHECK(s.revenue12 == doctest::Approx(210));
            CHECK(s.orders12 == 3);
            CHECK(s.revenuePrevious12 == doctest::Approx(40));
            CHECK(s.averageOrderValue == doctest::Approx(70));
            CHECK(s.buyers == 2);
            CHECK(s.repeatBuyers == 1);
            CHECK(month(s, 2023, 7).revenue == doctest::Approx(40));  // 2's order in that month is left out
            CHECK(month(s, 2023, 7).orders == 1);
            CHECK(month(s, 2022, 7).revenue == 0);
            CHECK(s.segmentCustomers == all.segmentCustomers);
            CHECK(s.segmentRevenue12 == all.segmentRevenue12);
        }
        SUBCASE("At risk") {
            const OverviewStats s = computeOverview(facts, &run, seg(RfmSegment::AtRisk), day(2024, 6, 30));
            CHECK(s.customers == 1);
            CHECK(s.active90 == 0);
            CHECK(s.revenue12 == doctest::Approx(30));
            CHECK(s.orders12 == 1);
            CHECK(s.revenuePrevious12 == 0);
            CHECK(s.averageOrderValue == doctest::Approx(30));
            CHECK(s.buyers == 1);
            CHECK(s.repeatBuyers == 1);
            CHECK(month(s, 2023, 7).revenue == doctest::Approx(30));
            CHECK(month(s, 2022, 7).revenue == doctest::Approx(20));
            CHECK(month(s, 2024, 6).revenue == 0);
            CHECK(s.segmentCustomers == all.segmentCustomers);
        }
        SUBCASE("Lost holds only customers who ordered") {
            const OverviewStats s = computeOverview(facts, &run, seg(RfmSegment::Lost), day(2024, 6, 30));
            CHECK(s.customers == 1);
            CHECK(s.buyers == 1);
            CHECK(s.repeatBuyers == 1);
            CHECK(s.revenue12 == 0);
            CHECK(std::isnan(s.averageOrderValue));
            CHECK(month(s, 2022, 1).revenue == doctest::Approx(10));
        }
        SUBCASE("Never ordered is its own display segment") {
            const OverviewStats s = computeOverview(facts, &run, kNeverOrdered, day(2024, 6, 30));
            CHECK(s.customers == 1);
            CHECK(s.active90 == 0);
            CHECK(s.buyers == 0);
            CHECK(s.repeatBuyers == 0);
            CHECK(s.revenue12 == 0);
            CHECK(s.orders12 == 0);
            CHECK(std::isnan(s.averageOrderValue));
            for (const MonthFigures& m : s.months) CHECK(m.revenue == 0);
            CHECK(s.segmentCustomers == all.segmentCustomers);
        }
        SUBCASE("an empty segment") {
            const OverviewStats s = computeOverview(facts, &run, seg(RfmSegment::Loyal), day(2024, 6, 30));
            CHECK(s.customers == 0);
            CHECK(s.revenue12 == 0);
            CHECK(std::isnan(s.averageOrderValue));
            CHECK(s.segmentCustomers == all.segmentCustomers);
        }
    }

    TEST_CASE("the month of the as-of day is partial until its last day") {
        const auto facts = handMadeFacts();
        SUBCASE("mid-month") {
            const OverviewStats s = computeOverview(facts, nullptr, std::nullopt, day(2024, 6, 15));
            REQUIRE(s.months.size() == 36);
            CHECK(s.months.back().month == 6);
            CHECK(s.months.back().partial);
            CHECK(s.months.back().revenue == 0);                // 06-20 is after the as-of day
            CHECK(s.active90 == 1);                             // only 5 (04-15 is after 03-17)
            CHECK(s.revenue12 == doctest::Approx(180));         // 50 + 40 + 30 + 60: after 2023-06-16
            CHECK(s.revenuePrevious12 == doctest::Approx(20));  // 2022-07-01: after 2022-06-16
            CHECK(s.months.front().year == 2021);
            CHECK(s.months.front().month == 7);
        }
        SUBCASE("the last day of a leap February") {
            const OverviewStats s = computeOverview(facts, nullptr, std::nullopt, day(2024, 2, 29));
            CHECK(s.months.back().month == 2);
            CHECK_FALSE(s.months.back().partial);
        }
        SUBCASE("the 28th of a leap February") {
            const OverviewStats s = computeOverview(facts, nullptr, std::nullopt, day(2024, 2, 28));
            CHECK(s.months.back().partial);
        }
        SUBCASE("a year boundary: months run December back to January") {
            const OverviewStats s = computeOverview(facts, nullptr, std::nullopt, day(2024, 1, 31));
            CHECK(s.months.back().year == 2024);
            CHECK(s.months.back().month == 1);
            CHECK(s.months[34].year == 2023);
            CHECK(s.months[34].month == 12);
            CHECK(s.months.front().year == 2021);
            CHECK(s.months.front().month == 2);
            CHECK(month(s, 2024, 1).revenue == doctest::Approx(50));
        }
    }

    TEST_CASE("without RFM segments (or with segments of other customers) the figures cover everyone, unsegmented") {
        const auto facts = handMadeFacts();
        const OverviewStats s = computeOverview(facts, nullptr, std::nullopt, day(2024, 6, 30));
        CHECK_FALSE(s.hasSegments);
        CHECK(s.customers == 5);
        CHECK(s.revenue12 == doctest::Approx(240));
        for (const int64_t c : s.segmentCustomers) CHECK(c == 0);

        RfmRun stale = handSegments();  // computed before a customer was added
        stale.customerIds.pop_back();
        stale.recency.pop_back();
        stale.rfm.segment.pop_back();
        const OverviewStats t = computeOverview(facts, &stale, std::nullopt, day(2024, 6, 30));
        CHECK_FALSE(t.hasSegments);
        CHECK(t.customers == 5);
    }

    TEST_CASE("the Overview's figures start RFM when needed and follow the picked segment") {
        AppState app;
        REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
        REQUIRE(app.store->db().exec(kOrders));
        refreshCounts(app);
        CHECK(overviewStats(app) == nullptr);  // nothing read yet: the RFM job starts
        REQUIRE(app.runner.active != nullptr);
        for (int i = 0; i < 1000 && app.runner.active; ++i) runJobs(app, std::chrono::milliseconds(20));
        REQUIRE(app.runner.active == nullptr);
        REQUIRE(app.segmentation.rfm.has_value());

        const OverviewStats* s = overviewStats(app);
        REQUIRE(s != nullptr);
        // As of the last day with data, the order after the hand-made as-of day (2024-07-05).
        CHECK(s->asOfDay == day(2024, 7, 5));
        const auto facts = currentFacts(app);
        REQUIRE(facts);
        const OverviewStats direct = computeOverview(*facts, &*app.segmentation.rfm, std::nullopt, day(2024, 7, 5));
        CHECK(s->customers == 5);
        CHECK(s->revenue12 == doctest::Approx(direct.revenue12));
        CHECK(s->revenue12 == doctest::Approx(1209));        // 999 + 100 + 50 + 60: after 2023-07-06
        CHECK(s->revenuePrevious12 == doctest::Approx(70));  // 40 + 30: now in the year before
        CHECK(s->segmentCustomers == direct.segmentCustomers);
        CHECK(s->segmentCustomers[at(kNeverOrdered)] == 1);

        app.overview.filter = kNeverOrdered;
        s = overviewStats(app);
        REQUIRE(s != nullptr);
        CHECK(s->customers == 1);
        CHECK(s->buyers == 0);
        CHECK(s->segmentCustomers == direct.segmentCustomers);
        app.overview.filter.reset();
        CHECK(overviewStats(app)->customers == 5);
        CHECK(app.runner.active == nullptr);  // nothing more was started
    }

}  // TEST_SUITE
