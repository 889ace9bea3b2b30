#include "analytics/rfm.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace rapport::analytics;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// Twelve customers: ten with orders (with ties on every measure) and two without.
// Expected scores worked by hand with score = 1 + floor(5 * worse / 10):
//   recency 5,5 -> 8 worse -> 5; 10 -> 7 -> 4; 30,30,30 -> 4 -> 3; 60 -> 3 -> 2; 90 -> 2 -> 2;
//           200 -> 1 -> 1; 400 -> 0 -> 1
//   orders  1 x4 -> 0 -> 1; 2 -> 4 -> 3; 3 -> 5 -> 3; 5 -> 6 -> 4; 8 -> 7 -> 4; 12 -> 8 -> 5; 20 -> 9 -> 5
//   revenue 20 -> 1; 40,40 -> 1; 60 -> 3 worse -> 2; 75 -> 3; 150 -> 3; 300 -> 4; 500 -> 4; 900 -> 5; 2000 -> 5
const std::vector<double> kRecency = {5, 5, 10, 30, 30, 30, 60, 90, 200, 400, NaN, NaN};
const std::vector<double> kOrders = {12, 3, 1, 1, 1, 5, 1, 8, 2, 20, 0, 0};
const std::vector<double> kRevenue = {900, 150, 40, 40, 60, 300, 20, 500, 75, 2000, 0, 0};

std::vector<int> toVector(const Eigen::VectorXi& v) { return std::vector<int>(v.data(), v.data() + v.size()); }

}  // namespace

TEST_SUITE("analytics") {
    TEST_CASE("RFM scores of a hand-made table with ties") {
        const RfmResult rfm = computeRfm(kRecency, kOrders, kRevenue);
        CHECK(toVector(rfm.r) == std::vector<int>{5, 5, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1});
        CHECK(toVector(rfm.f) == std::vector<int>{5, 3, 1, 1, 1, 4, 1, 4, 3, 5, 1, 1});
        CHECK(toVector(rfm.m) == std::vector<int>{5, 3, 1, 1, 2, 4, 1, 4, 3, 5, 1, 1});
        CHECK(rfm.customersWithoutOrders == 2);

        using S = RfmSegment;
        CHECK(rfm.segment == std::vector<S>{S::Champions, S::PotentialLoyalist, S::Promising, S::AboutToSleep,
                                            S::AboutToSleep, S::Loyal, S::Hibernating, S::AtRisk, S::AtRisk,
                                            S::CannotLose, S::Lost, S::Lost});
    }

    TEST_CASE("RFM edges are the values from which each score starts") {
        const RfmResult rfm = computeRfm(kRecency, kOrders, kRevenue);
        // Recency: lower is better, so "at least s" means "at most this many days".
        CHECK(rfm.recencyEdges == std::array<double, 4>{90, 30, 10, 5});
        // F=2 is skipped (four customers tie at one order): the edges of 2 and 3 are both 2 orders.
        CHECK(rfm.frequencyEdges == std::array<double, 4>{2, 2, 5, 12});
        CHECK(rfm.monetaryEdges == std::array<double, 4>{60, 75, 300, 900});
    }

    TEST_CASE("equal values always get equal scores, whatever the row order") {
        const std::vector<double> values = {3, 1, 3, 3, 2, 5, 3, 1, 4, 3};
        const std::vector<int> scores = quintileScores(values, true);
        for (size_t i = 0; i < values.size(); ++i) {
            for (size_t j = 0; j < values.size(); ++j) {
                if (values[i] == values[j]) CHECK(scores[i] == scores[j]);
                if (values[i] > values[j]) CHECK(scores[i] >= scores[j]);
            }
        }
        // Reversed rows: the same score for the same value.
        const std::vector<double> reversed(values.rbegin(), values.rend());
        const std::vector<int> again = quintileScores(reversed, true);
        for (size_t i = 0; i < values.size(); ++i) CHECK(again[values.size() - 1 - i] == scores[i]);
    }

    TEST_CASE("quintile scores of distinct values fill the five scores equally") {
        std::vector<double> values;
        for (int i = 0; i < 100; ++i) values.push_back((i * 37) % 100);  // 0..99 shuffled
        const std::vector<int> high = quintileScores(values, true);
        const std::vector<int> low = quintileScores(values, false);
        std::vector<int> count(6, 0);
        for (size_t i = 0; i < values.size(); ++i) {
            ++count[high[i]];
            CHECK(high[i] == 1 + static_cast<int>(values[i]) / 20);
            CHECK(low[i] == 5 - static_cast<int>(values[i]) / 20);
        }
        CHECK(count == std::vector<int>{0, 20, 20, 20, 20, 20});
    }

    TEST_CASE("quintile scores: all equal values score 1, NaN scores 1 and is not counted") {
        CHECK(quintileScores(std::vector<double>{7, 7, 7}, true) == std::vector<int>{1, 1, 1});
        // Four numbers: worse counts 0, 1, 2, 3 -> 1, 2, 3, 4; the NaN does not make n = 5.
        CHECK(quintileScores(std::vector<double>{10, NaN, 20, 30, 40}, true) == std::vector<int>{1, 1, 2, 3, 4});
        CHECK(quintileScores(std::vector<double>{}, true).empty());
    }

    TEST_CASE("customers without orders score 1 on R, F and M and do not shift the others") {
        const std::vector<double> recency = {NaN, 10, 20, NaN};
        const std::vector<double> orders = {0, 4, 2, 0};
        const std::vector<double> revenue = {0, 100, 50, 0};
        const RfmResult rfm = computeRfm(recency, orders, revenue);
        CHECK(toVector(rfm.r) == std::vector<int>{1, 3, 1, 1});  // among two: worse 1 -> 1 + floor(5/2) = 3
        CHECK(toVector(rfm.f) == std::vector<int>{1, 3, 1, 1});
        CHECK(toVector(rfm.m) == std::vector<int>{1, 3, 1, 1});
        CHECK(rfm.segment[0] == RfmSegment::Lost);
        CHECK(rfm.customersWithoutOrders == 2);

        const RfmResult none = computeRfm(std::vector<double>{NaN}, std::vector<double>{0}, std::vector<double>{0});
        CHECK(none.r[0] == 1);
        CHECK(std::isnan(none.recencyEdges[0]));
    }

    TEST_CASE("every cell of the R x F grid maps to exactly one segment, and every segment is used") {
        std::vector<int> cells(kRfmSegmentCount, 0);
        for (int r = 1; r <= 5; ++r) {
            for (int f = 1; f <= 5; ++f) ++cells[static_cast<int>(rfmSegmentOf(r, f))];
        }
        int total = 0;
        for (int s = 0; s < kRfmSegmentCount; ++s) {
            CHECK(cells[s] > 0);
            total += cells[s];
        }
        CHECK(total == 25);
        CHECK(cells[static_cast<int>(RfmSegment::Hibernating)] == 3);
        CHECK(cells[static_cast<int>(RfmSegment::Loyal)] == 4);
        CHECK(rfmSegmentOf(5, 5) == RfmSegment::Champions);
        CHECK(rfmSegmentOf(1, 1) == RfmSegment::Lost);
        CHECK(rfmSegmentOf(3, 3) == RfmSegment::NeedAttention);
        CHECK(rfmSegmentOf(2, 5) == RfmSegment::CannotLose);
        CHECK(rfmSegmentOf(5, 1) == RfmSegment::New);
        CHECK(rfmSegmentOf(4, 1) == RfmSegment::Promising);
    }

    TEST_CASE("segment names, descriptions and rules are distinct and non-empty") {
        std::set<std::string> names, rules;
        for (int s = 0; s < kRfmSegmentCount; ++s) {
            const auto segment = static_cast<RfmSegment>(s);
            names.insert(rfmSegmentName(segment));
            rules.insert(rfmSegmentRule(segment));
            CHECK(std::string(rfmSegmentDescription(segment)).size() > 20);
        }
        CHECK(names.size() == kRfmSegmentCount);
        CHECK(rules.size() == kRfmSegmentCount);
        CHECK(std::string(rfmSegmentName(RfmSegment::PotentialLoyalist)) == "Potential loyalist");
        CHECK(std::string(rfmSegmentRule(RfmSegment::AtRisk)) == "R 1-2, F 3-4");
    }

    TEST_CASE("segment summary of the hand-made table") {
        const RfmResult rfm = computeRfm(kRecency, kOrders, kRevenue);
        const std::vector<RfmSegmentSummary> summary = summarizeRfmSegments(rfm, kRecency, kOrders, kRevenue);
        REQUIRE(summary.size() == kRfmSegmentCount);
        double share = 0, revenueShare = 0;
        int64_t customers = 0;
        for (int s = 0; s < kRfmSegmentCount; ++s) {
            CHECK(summary[s].segment == static_cast<RfmSegment>(s));
            share += summary[s].share;
            revenueShare += summary[s].revenueShare;
            customers += summary[s].customers;
        }
        CHECK(customers == 12);
        CHECK(share == doctest::Approx(1.0));
        CHECK(revenueShare == doctest::Approx(1.0));

        const RfmSegmentSummary& atRisk = summary[static_cast<int>(RfmSegment::AtRisk)];  // customers 7 and 8
        CHECK(atRisk.customers == 2);
        CHECK(atRisk.share == doctest::Approx(2.0 / 12));
        CHECK(atRisk.revenueShare == doctest::Approx(575.0 / 4085));
        CHECK(atRisk.averageOrderValue == doctest::Approx(57.5));  // 575 over 10 orders
        CHECK(atRisk.meanRecencyDays == doctest::Approx(145));

        const RfmSegmentSummary& lost = summary[static_cast<int>(RfmSegment::Lost)];  // the two without orders
        CHECK(lost.customers == 2);
        CHECK(lost.revenueShare == 0);
        CHECK(std::isnan(lost.averageOrderValue));
        CHECK(std::isnan(lost.meanRecencyDays));

        const RfmSegmentSummary& empty = summary[static_cast<int>(RfmSegment::NeedAttention)];
        CHECK(empty.customers == 0);
        CHECK(empty.share == 0);
    }

    TEST_CASE("R x F grid counts customers and averages revenue per cell") {
        const RfmResult rfm = computeRfm(kRecency, kOrders, kRevenue);
        const RfmGrid grid = rfmGrid(rfm, kRevenue);
        int64_t total = 0;
        for (const auto& row : grid.customers) {
            for (const int64_t c : row) total += c;
        }
        CHECK(total == 12);
        CHECK(grid.customers[0][0] == 2);  // the customers without orders
        CHECK(grid.meanMonetary[0][0] == 0);
        CHECK(grid.customers[2][0] == 2);  // R 3, F 1: customers 3 and 4
        CHECK(grid.meanMonetary[2][0] == doctest::Approx(50));
        CHECK(grid.customers[4][4] == 1);
        CHECK(grid.meanMonetary[4][4] == doctest::Approx(900));
        CHECK(grid.customers[2][2] == 0);
        CHECK(std::isnan(grid.meanMonetary[2][2]));
    }

}  // TEST_SUITE
