#include "analytics/rfm.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace rapport::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SegmentInfo {
    const char* name;
    const char* description;
    const char* rule;
};

// Indexed by RfmSegment.
constexpr SegmentInfo kSegments[kRfmSegmentCount] = {
    {"Champions", "Bought recently and buy often: reward them, ask for reviews and referrals, and offer early access.",
     "R 5, F 4-5"},
    {"Loyal", "Buy often and fairly recently: keep them engaged with a loyalty programme and upsell offers.",
     "R 3-4, F 4-5"},
    {"Potential loyalist",
     "Recent customers with a few orders: offer membership or recommendations to make them regulars.", "R 4-5, F 2-3"},
    {"New", "Made their first purchase very recently: welcome them and help them get value early.", "R 5, F 1"},
    {"Promising", "Bought fairly recently but only once or twice: build interest with targeted offers and trials.",
     "R 4, F 1"},
    {"Need attention",
     "Average on both recency and frequency: reach out with personal, limited-time offers before they slip away.",
     "R 3, F 3"},
    {"About to sleep",
     "Have not bought for a while and bought rarely: reactivate them with relevant offers before they are lost.",
     "R 3, F 1-2"},
    {"At risk", "Used to buy often but not for a long time: send personal messages to win them back.", "R 1-2, F 3-4"},
    {"Cannot lose",
     "Were among the most frequent buyers but have not come back for a long time: contact them personally.",
     "R 1-2, F 5"},
    {"Hibernating",
     "Last bought long ago and rarely: offer other relevant products or discounts, without spending much.",
     "R 1-2, F 1-2, except R 1, F 1"},
    {"Lost",
     "Lowest recency and frequency, and customers with no orders: try one reactivation campaign, then let them go.",
     "R 1, F 1"},
};

// kGrid[r - 1][f - 1]: the map drawn in rfm.hpp.
using S = RfmSegment;
constexpr RfmSegment kGrid[5][5] = {
    {S::Lost, S::Hibernating, S::AtRisk, S::AtRisk, S::CannotLose},
    {S::Hibernating, S::Hibernating, S::AtRisk, S::AtRisk, S::CannotLose},
    {S::AboutToSleep, S::AboutToSleep, S::NeedAttention, S::Loyal, S::Loyal},
    {S::Promising, S::PotentialLoyalist, S::PotentialLoyalist, S::Loyal, S::Loyal},
    {S::New, S::PotentialLoyalist, S::PotentialLoyalist, S::Champions, S::Champions},
};

const SegmentInfo& info(RfmSegment segment) {
    const int i = static_cast<int>(segment);
    assert(i >= 0 && i < kRfmSegmentCount);
    return kSegments[i];
}

struct Entry {
    double value;
    int32_t index;
};

// Writes scores[i] for the rows whose value is not NaN and, when `scoredOnly` is given,
// whose scoredOnly[i] is not NaN either; leaves the other rows untouched. One sort, then one
// pass over runs of equal values: every member of a run has the same count of strictly worse
// values.
void scoreValues(std::span<const double> values, bool higherIsBetter, std::span<const double> scoredOnly, int* scores,
                 std::array<double, 4>& edges) {
    std::vector<Entry> entries;
    entries.reserve(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i]) || (!scoredOnly.empty() && std::isnan(scoredOnly[i]))) continue;
        entries.push_back({values[i], static_cast<int32_t>(i)});
    }
    // Worst first: ascending when higher is better, descending otherwise.
    if (higherIsBetter) {
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.value < b.value; });
    } else {
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.value > b.value; });
    }
    edges.fill(kNaN);
    const auto n = static_cast<int64_t>(entries.size());
    int nextScore = 2;  // the lowest score whose edge is still unknown
    for (int64_t start = 0; start < n;) {
        int64_t end = start + 1;
        while (end < n && entries[end].value == entries[start].value) ++end;
        // `start` entries come before this run, all strictly worse.
        const int s = 1 + static_cast<int>(5 * start / n);
        for (int64_t j = start; j < end; ++j) scores[entries[j].index] = s;
        for (; nextScore <= s; ++nextScore) edges[nextScore - 2] = entries[start].value;
        start = end;
    }
}

}  // namespace

const char* rfmSegmentName(RfmSegment segment) { return info(segment).name; }
const char* rfmSegmentDescription(RfmSegment segment) { return info(segment).description; }
const char* rfmSegmentRule(RfmSegment segment) { return info(segment).rule; }

RfmSegment rfmSegmentOf(int r, int f) {
    assert(r >= 1 && r <= 5 && f >= 1 && f <= 5);
    return kGrid[r - 1][f - 1];
}

std::vector<int> quintileScores(std::span<const double> values, bool higherIsBetter) {
    std::vector<int> scores(values.size(), 1);
    std::array<double, 4> edges;
    scoreValues(values, higherIsBetter, {}, scores.data(), edges);
    return scores;
}

RfmResult computeRfm(std::span<const double> recencyDays, std::span<const double> frequency,
                     std::span<const double> monetary) {
    assert(recencyDays.size() == frequency.size() && recencyDays.size() == monetary.size());
    // Customer indices are int32 (Eigen::VectorXi); a browser tab holds far fewer customers.
    assert(recencyDays.size() < static_cast<size_t>(std::numeric_limits<int32_t>::max()));
    const auto n = static_cast<Eigen::Index>(recencyDays.size());
    RfmResult out;
    out.r = Eigen::VectorXi::Ones(n);
    out.f = Eigen::VectorXi::Ones(n);
    out.m = Eigen::VectorXi::Ones(n);
    // Recency is NaN exactly for the customers without orders: they keep their 1s.
    scoreValues(recencyDays, false, {}, out.r.data(), out.recencyEdges);
    scoreValues(frequency, true, recencyDays, out.f.data(), out.frequencyEdges);
    scoreValues(monetary, true, recencyDays, out.m.data(), out.monetaryEdges);
    out.segment.resize(recencyDays.size());
    for (Eigen::Index i = 0; i < n; ++i) {
        out.segment[i] = rfmSegmentOf(out.r[i], out.f[i]);
        if (std::isnan(recencyDays[i])) ++out.customersWithoutOrders;
    }
    return out;
}

std::vector<RfmSegmentSummary> summarizeRfmSegments(const RfmResult& rfm, std::span<const double> recencyDays,
                                                    std::span<const double> frequency,
                                                    std::span<const double> monetary) {
    const size_t n = rfm.segment.size();
    assert(recencyDays.size() == n && frequency.size() == n && monetary.size() == n);
    struct Totals {
        int64_t customers = 0, withOrders = 0;
        double revenue = 0, orders = 0, recency = 0;
    };
    std::array<Totals, kRfmSegmentCount> totals{};
    double revenue = 0;
    for (size_t i = 0; i < n; ++i) {
        Totals& t = totals[static_cast<int>(rfm.segment[i])];
        ++t.customers;
        if (!std::isnan(monetary[i])) {
            t.revenue += monetary[i];
            revenue += monetary[i];
        }
        if (!std::isnan(frequency[i])) t.orders += frequency[i];
        if (!std::isnan(recencyDays[i])) {
            t.recency += recencyDays[i];
            ++t.withOrders;
        }
    }
    std::vector<RfmSegmentSummary> out;
    out.reserve(kRfmSegmentCount);
    for (int s = 0; s < kRfmSegmentCount; ++s) {
        const Totals& t = totals[s];
        RfmSegmentSummary row{static_cast<RfmSegment>(s)};
        row.customers = t.customers;
        row.share = n > 0 ? static_cast<double>(t.customers) / static_cast<double>(n) : 0.0;
        row.revenueShare = revenue > 0 ? t.revenue / revenue : 0.0;
        row.averageOrderValue = t.orders > 0 ? t.revenue / t.orders : kNaN;
        row.meanRecencyDays = t.withOrders > 0 ? t.recency / static_cast<double>(t.withOrders) : kNaN;
        out.push_back(row);
    }
    return out;
}

RfmGrid rfmGrid(const RfmResult& rfm, std::span<const double> monetary) {
    assert(monetary.size() == static_cast<size_t>(rfm.r.size()));
    RfmGrid grid;
    std::array<std::array<double, 5>, 5> sum{};
    std::array<std::array<int64_t, 5>, 5> counted{};
    for (Eigen::Index i = 0; i < rfm.r.size(); ++i) {
        const int r = rfm.r[i] - 1, f = rfm.f[i] - 1;
        ++grid.customers[r][f];
        if (!std::isnan(monetary[i])) {
            sum[r][f] += monetary[i];
            ++counted[r][f];
        }
    }
    for (int r = 0; r < 5; ++r) {
        for (int f = 0; f < 5; ++f) {
            grid.meanMonetary[r][f] = counted[r][f] > 0 ? sum[r][f] / static_cast<double>(counted[r][f]) : kNaN;
        }
    }
    return grid;
}

}  // namespace rapport::analytics
