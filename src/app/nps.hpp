// nps.hpp: the NPS view's figures, computed from the customer facts: NPS with its interval
// (overall, by period, by group), the 0-10 distribution, CSAT, CES and the expectation gap,
// comparisons of two periods or two groups, the drivers of the score (OLS on customer
// features), and comment topics. Filters (dates, a saved or RFM segment, the counting rule)
// apply to all of them. The comment search itself is in the store (store/comments.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analytics/nps.hpp"
#include "analytics/ols.hpp"
#include "analytics/satisfaction.hpp"
#include "analytics/topics.hpp"
#include "core/result.hpp"
#include "store/comments.hpp"
#include "store/customer_facts.hpp"

namespace rapport::app {

struct AppState;
struct RfmRun;

// ---- Filters and groups ------------------------------------------------------------------

struct NpsFilter {
    int32_t fromDay = store::kNoDay;  // inclusive; kNoDay: open
    int32_t toDay = store::kNoDay;
    int64_t segmentId = 0;            // only customers of this saved segment; 0: any
    int rfmSegment = -1;              // only this display segment of the RFM run; -1: any
    bool latestOnly = false;          // only each customer's latest answer in the window
    bool operator==(const NpsFilter&) const = default;
};

enum class NpsGroupBy { None, Week, Month, Quarter, Region, Plan, Channel, RfmSegment, SavedSegment, Attribute };
const char* npsGroupByName(NpsGroupBy by);  // "month", "region", ... (the hook's names)
std::optional<NpsGroupBy> npsGroupByFromName(const std::string& name);
bool isPeriod(NpsGroupBy by);

// What groups refer to besides the facts: the RFM run (for RfmSegment) and saved segments'
// members (for SavedSegment and for NpsFilter::segmentId).
struct NpsContext {
    const store::CustomerFacts* facts = nullptr;
    const RfmRun* rfm = nullptr;  // must be on the same customers as facts (or null)
    struct Segment { int64_t id; std::string name; std::vector<uint8_t> member; /* per facts index */ };
    std::vector<Segment> segments;
    std::string attribute;  // for NpsGroupBy::Attribute: a categorical attribute's name
};

struct NpsGroupRow {
    std::string label;
    int64_t key = 0;                    // period start day, category code, segment id or index
    int32_t fromDay = store::kNoDay;    // periods: first and last day
    int32_t toDay = store::kNoDay;
    analytics::NpsResult result;
    analytics::ProportionInterval csat;  // CSAT answers of the same group
    // Crossed reports (computeNpsCrossed): the outer group of this row.
    int64_t outerKey = 0;
    std::string outerLabel;
};

struct NpsReport {
    int64_t responses = 0;  // NPS answers counted
    analytics::NpsResult overall;
    std::array<int64_t, 11> distribution{};
    std::vector<NpsGroupRow> groups;  // periods in time order; other groups by NPS, highest first
    analytics::ProportionInterval csat;
    analytics::MeanInterval ces;
    analytics::MeanInterval gap;  // mean of (score - expected) where an expected score was given
};

// The report for a filter, grouped by `by` (None: no groups).
NpsReport computeNps(const NpsContext& context, const NpsFilter& filter, NpsGroupBy by,
                     const analytics::NpsOptions& options = {});
// NPS for every pair of groups with answers: `then` (e.g. the RFM segment) outside, `by`
// (e.g. the month) inside; rows ordered by outer then inner key. NPS only (no CSAT).
NpsReport computeNpsCrossed(const NpsContext& context, const NpsFilter& filter, NpsGroupBy by, NpsGroupBy then,
                            const analytics::NpsOptions& options = {});
// The NPS counts of the answers in [fromDay, toDay] (other filters as given) and of a
// group's answers: for comparisons.
analytics::NpsCounts npsCounts(const NpsContext& context, const NpsFilter& filter);

// Ids of the customers in a group of a breakdown (NpsGroupRow::key of `by`).
std::vector<int64_t> npsGroupCustomers(const NpsContext& context, NpsGroupBy by, int64_t key);

// Indices of the NPS answers (into facts.response*) that pass the filter.
std::vector<int64_t> selectNpsResponses(const NpsContext& context, const NpsFilter& filter);

// ---- Drivers -----------------------------------------------------------------------------

// OLS of each customer's latest NPS score in the window on customer features as of the
// window's end (features: keys of customer_features.hpp). Customers with a missing value
// in any feature are left out (and counted in a warning).
core::Result<analytics::OlsResult> npsDrivers(const NpsContext& context, const NpsFilter& filter,
                                              const std::vector<std::string>& features);
std::vector<std::string> defaultDriverFeatures();

// ---- View state ---------------------------------------------------------------------------

enum class NpsCompareMode { Periods, Groups };

struct NpsState {
    NpsFilter filter;
    bool filterInitialised = false;
    NpsGroupBy trendBy = NpsGroupBy::Month;
    NpsGroupBy breakdownBy = NpsGroupBy::Region;
    std::string breakdownAttribute;
    bool distributionByGroup = false;  // three groups instead of the 0-10 answers

    NpsCompareMode compareMode = NpsCompareMode::Periods;
    int32_t compareAFrom = store::kNoDay, compareATo = store::kNoDay;  // periods
    int32_t compareBFrom = store::kNoDay, compareBTo = store::kNoDay;
    int compareGroupA = 0, compareGroupB = 1;  // rows of the breakdown
    // The two periods' counts: two passes over every answer, too slow for every frame at a
    // million answers, so kept until the data, the filter or a period changes.
    std::optional<std::pair<analytics::NpsCounts, analytics::NpsCounts>> comparePeriodCounts;
    NpsFilter compareCachedA, compareCachedB;
    uint64_t compareCachedVersion = 0;
    int64_t compareCachedRfmRunId = -2;

    // Cached results, recomputed when the data, the filter or a setting changes.
    std::optional<NpsReport> overall, trend, breakdown;
    uint64_t factsRequestedVersion = 0;
    uint64_t cachedVersion = 0;
    NpsFilter cachedFilter;
    NpsGroupBy cachedTrendBy = NpsGroupBy::None, cachedBreakdownBy = NpsGroupBy::None;
    std::string cachedAttribute;
    int64_t cachedRfmRunId = -2;

    // Comments: the search, its page, and what the page shows (a label when it was set by
    // a click on a chart).
    store::CommentQuery comments = [] { store::CommentQuery q; q.limit = 20; return q; }();
    std::string commentsInput;
    std::string commentsLabel;
    std::optional<store::CommentPage> commentPage;
    bool commentsDirty = true;
    uint64_t commentsVersion = 0;
    std::string commentsError;

    // Topics: automatic terms per group and user topics with their impact.
    std::vector<analytics::Topic> userTopics;
    bool topicsLoaded = false;
    std::vector<analytics::TermCount> terms;
    std::vector<analytics::TopicImpact> impacts;
    uint64_t topicsVersion = 0;
    NpsFilter topicsFilter;
    std::string newTopicName, newTopicKeywords;
    std::string topicsError;

    // Drivers.
    std::vector<std::string> driverFeatures = defaultDriverFeatures();
    std::optional<analytics::OlsResult> drivers;
    std::string driversReading;
    std::string driversError;
    uint64_t driversVersion = 0;
    NpsFilter driversFilter;

    // Saved segments' members as masks over the facts (npsContext), and what they were made
    // for: the facts, the data version, and each segment's id, size, name and creation time.
    struct SegmentMasks {
        const store::CustomerFacts* facts = nullptr;
        uint64_t version = 0;
        std::vector<std::tuple<int64_t, int64_t, std::string, std::string>> listed;
        std::vector<NpsContext::Segment> segments;
    } segmentMasks;
};

// The context for the current data: facts, the RFM run when it matches, saved segments'
// members (cached per data version). Null facts when they must be read first (then a
// job reading them is started when no other job runs).
NpsContext npsContext(AppState& app);
// Recomputes what is stale; the view calls it every frame.
void refreshNps(AppState& app);
// Runs the comment search again when its query or the data changed.
void refreshComments(AppState& app);
// Starts counting topics over the filtered comments (a job).
core::Result<uint64_t> startTopics(AppState& app);
void addUserTopic(AppState& app, const std::string& name, const std::string& keywords);
void removeUserTopic(AppState& app, size_t index);
// Fits the drivers now (fast enough for a frame at typical sizes; a job above).
void fitDrivers(AppState& app);

// The hook: rapport.run('nps' | 'csat', {from, to, by, latestOnly, segment}); `then` is the
// second grouping of by: [by, then] (NPS only).
core::Result<uint64_t> startNpsReport(AppState& app, const std::string& kind, const NpsFilter& filter, NpsGroupBy by,
                                      NpsGroupBy then = NpsGroupBy::None);

}  // namespace rapport::app
