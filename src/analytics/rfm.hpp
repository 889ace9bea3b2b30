// rfm.hpp: RFM analysis. Each customer gets Recency, Frequency and Monetary scores from
// 1 to 5 (5 best: bought recently, often, for much) and a named segment from the R x F
// grid, plus the summaries the Segments view shows (per segment, and the 5 x 5 grid).
//
// Scoring rule. A value's score is 1 + floor(5 * w / n), where n is the number of scored
// customers and w the number of them whose value is strictly worse. Equal values always get
// equal scores, and the result does not depend on row order. The common recipe, pandas'
// qcut(rank(method='first'), 5), splits a run of equal values across two scores by row
// order: two customers with the same 3 orders could get F=2 and F=3 depending on how the
// table happened to be sorted, which no one can explain. The price is that a value shared by
// many customers keeps all of them in one score (when 60% of customers ordered once, they
// all get F=1 and the next value jumps to F=4), so scores are not always equally filled.
//
// Customers without orders (recency NaN) are not scored: they get R=F=M=1 (so segment
// "Lost") and do not count in n. Scores use only the customers with orders.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace rapport::analytics {

// ---- Segments ---------------------------------------------------------------------------

// The widely used RFM segment map, on the R x F grid only (so the heatmap of R x F and the
// segments agree; M is shown beside them, not used to name them):
//
//          F=1            F=2            F=3            F=4         F=5
//   R=5    New            Pot. loyalist  Pot. loyalist  Champions   Champions
//   R=4    Promising      Pot. loyalist  Pot. loyalist  Loyal       Loyal
//   R=3    About to sleep About to sleep Need attention Loyal       Loyal
//   R=2    Hibernating    Hibernating    At risk        At risk     Cannot lose
//   R=1    Lost           Hibernating    At risk        At risk     Cannot lose
enum class RfmSegment {
    Champions,
    Loyal,
    PotentialLoyalist,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CannotLose,
    Hibernating,
    Lost
};
constexpr int kRfmSegmentCount = 11;

const char* rfmSegmentName(RfmSegment segment);         // "Champions", "Potential loyalist", ...
const char* rfmSegmentDescription(RfmSegment segment);  // who they are and what to do, one sentence
const char* rfmSegmentRule(RfmSegment segment);         // the grid cells, e.g. "R 1-2, F 3-4"
RfmSegment rfmSegmentOf(int r, int f);                  // r, f in 1..5

// ---- Scores -----------------------------------------------------------------------------

// Scores 1..5 by the rule above. NaN values get score 1 and do not count in n.
// higherIsBetter: true for frequency and monetary, false for recency.
std::vector<int> quintileScores(std::span<const double> values, bool higherIsBetter);

struct RfmResult {
    Eigen::VectorXi r, f, m;          // 1..5 per customer
    std::vector<RfmSegment> segment;  // per customer
    // Where the scores change, for the UI to explain them: edges[s - 2] is the value from
    // which a customer scores at least s (s = 2..5). Frequency and monetary: values >= edge;
    // recency: days <= edge. NaN when no customer reaches that score. Two equal edges mean
    // a score was skipped because of ties.
    std::array<double, 4> recencyEdges{}, frequencyEdges{}, monetaryEdges{};
    int64_t customersWithoutOrders = 0;  // scored R=F=M=1, counted in "Lost"
};

// Per customer: recency in days since the last order as of the caller's date (NaN for a
// customer without orders), number of orders, revenue. The three spans have equal length.
// NaN frequency or monetary of a customer with orders scores 1 on that measure.
RfmResult computeRfm(std::span<const double> recencyDays, std::span<const double> frequency,
                     std::span<const double> monetary);

// ---- Summaries --------------------------------------------------------------------------

struct RfmSegmentSummary {
    RfmSegment segment;
    int64_t customers = 0;
    double share = 0;              // of all customers (shares sum to 1)
    double revenueShare = 0;       // of all revenue (0 for every segment when there is none)
    double averageOrderValue = 0;  // segment revenue / segment orders; NaN without orders
    double meanRecencyDays = 0;    // over the segment's customers with orders; NaN without
};

// One row per segment in enum order (kRfmSegmentCount rows, empty segments included), so
// the UI can index it by segment. The inputs are those given to computeRfm.
std::vector<RfmSegmentSummary> summarizeRfmSegments(const RfmResult& rfm, std::span<const double> recencyDays,
                                                    std::span<const double> frequency,
                                                    std::span<const double> monetary);

// The R x F heatmap: cell [r - 1][f - 1].
struct RfmGrid {
    std::array<std::array<int64_t, 5>, 5> customers{};
    std::array<std::array<double, 5>, 5> meanMonetary{};  // NaN for an empty cell
};
RfmGrid rfmGrid(const RfmResult& rfm, std::span<const double> monetary);

}  // namespace rapport::analytics
