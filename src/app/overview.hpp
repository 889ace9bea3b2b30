// overview.hpp: the Overview view's figures, computed from the customer facts and the
// RFM segments: customers, customers active in the last 90 days, revenue in the last 12
// months against the 12 before, average order value, repeat-purchase rate, revenue by
// month, and customers by segment. A segment picked on the segment chart narrows every
// other figure to that segment's customers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "analytics/rfm.hpp"
#include "store/customer_facts.hpp"

namespace rapport::app {

struct AppState;
struct RfmRun;

struct MonthFigures {
    int year = 0, month = 0;  // calendar month
    double revenue = 0;
    int64_t orders = 0;
    bool partial = false;     // the month of the as-of day, not over yet
};

struct OverviewStats {
    int32_t asOfDay = 0;
    int64_t customers = 0;          // in the filter
    int64_t active90 = 0;           // with an order in the 90 days up to the as-of day
    double revenue12 = 0;           // orders in the 365 days up to the as-of day
    double revenuePrevious12 = 0;   // in the 365 days before those
    int64_t orders12 = 0;
    double averageOrderValue = NAN; // revenue12 / orders12
    int64_t buyers = 0;             // customers with at least one order (up to the as-of day)
    int64_t repeatBuyers = 0;       // ... with at least two
    std::vector<MonthFigures> months;  // the last 36 calendar months, oldest first
    // All customers (never filtered): the segment chart stays as it is when clicked. By
    // display segment: the 11 RFM segments, then those who never ordered (kNeverOrdered).
    std::array<int64_t, analytics::kRfmSegmentCount + 1> segmentCustomers{};
    std::array<double, analytics::kRfmSegmentCount + 1> segmentRevenue12{};
    bool hasSegments = false;
};

// filterSegment: a display segment (an RfmSegment's index or kNeverOrdered), or nothing for everyone.
OverviewStats computeOverview(const store::CustomerFacts& facts, const RfmRun* rfm, std::optional<int> filterSegment,
                              int32_t asOfDay);

struct OverviewState {
    std::optional<int> filter;  // the display segment picked on the segment chart
    std::optional<OverviewStats> stats;
    // What `stats` were computed for.
    uint64_t version = 0;
    int64_t rfmRunId = -1;
    std::optional<int> statsFilter;
    // The data versions for which reading the facts and RFM were started automatically.
    uint64_t factsRequestedVersion = 0;
    uint64_t rfmRequestedVersion = 0;
};

// The stats for the current data and filter, recomputed when either changed; nullptr while
// the facts or the RFM segments are not ready (then it starts the RFM job, which reads the
// facts too, when no other job runs).
const OverviewStats* overviewStats(AppState& app);

}  // namespace rapport::app
