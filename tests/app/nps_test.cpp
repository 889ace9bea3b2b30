// The NPS view's figures (app/nps.hpp) on data whose answers are known: a hand-made store
// where every count below is worked out in the comments, data simulated with a known
// relation for the drivers, and demo data for the comment search, topics and the hook's
// report job (checked against the store and analytics functions they are built on).
//   0. The hand-made store, its context (RFM and saved segments by hand) and helpers
//   1. computeNps: overall, distribution, CSAT, CES, gap
//   2. Groups: region, plan, channel, attribute, RFM, saved segment
//   3. Periods: week, month, quarter
//   4. Filters: dates, segments, latest answer only; npsCounts, selectNpsResponses
//   5. Crossed reports, group customers, tooFew
//   6. Drivers
//   7. The view's state: comments, topics, user topics
//   8. The hook's report job
#include "app/nps.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "analytics/ols.hpp"
#include "analytics/topics.hpp"
#include "app/app_state.hpp"
#include "app/customer_features.hpp"
#include "app/facts.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "core/random.hpp"
#include "store/comments.hpp"
#include "store/demo_data.hpp"
#include "store/export.hpp"
#include "store/model_runs.hpp"
#include "store/segments.hpp"
#include "store/store.hpp"

using namespace rapport;
using namespace rapport::app;
using analytics::RfmSegment;

namespace {

// ---- 0. The hand-made store ------------------------------------------------------------------

int32_t day(int y, int m, int d) { return static_cast<int32_t>(core::daysFromCivil({y, m, d})); }
std::string isoDay(int32_t d) { return core::formatIsoDate(core::civilFromDays(d)); }

// Seven customers. Region: 1-3 North, 4-6 South, 7 none. Plan: Basic 1 2 5 7, Pro 3 4 6.
// Channel: Web 1 2 5 6, Store 3 4, Phone 7. Attribute Tier: Gold 1 2 6, Silver 3 4.
// NPS answers (id: customer, day, score):
//   r1: 1, 2024-01-03 (Wed), 10, expected 8      r7:  7, 2024-02-29 23:59:59, 2
//   r2: 2, 2024-01-08 (Mon), 9, expected "10"    r8:  3, 2024-03-05, 6
//   r3: 3, 2024-01-14 (Sun), 7                   r9:  6, 2024-03-15, 12 (not an answer: ignored)
//   r4: 4, 2024-01-15 (Mon), 8                   r10: 6, 2024-03-31, 8
//   r5: 5, 2024-02-01, 0, expected "high"        r11: 5, 2024-06-10 (Mon), 5
//   r6: 1, 2024-02-20, 3
// Ten answers: promoters 10 9 (20%), passives 7 8 8, detractors 0 3 2 6 5 (50%): NPS -30.
// CSAT (customer, day, score): r12 1 01-05 5 (expected 4), r13 2 01-20 4, r14 3 02-10 2,
// r15 4 03-01 3, r16 5 03-02 4, r17 6 05-01 5: 4 of 6 satisfied.
// CES: r18 1 01-10 2, r19 2 02-15 4, r20 4 03-20 3: mean 3, sd 1.
// Gap (score - expected where both are numbers): r1 +2, r2 -1, r12 +1: mean 2/3.
const char* kHandMade =
    "INSERT INTO customers (id, external_id, name, region, plan, channel, signup_date, age) VALUES"
    " (1, 'C1', 'Ann', 'North', 'Basic', 'Web', '2023-01-01', 30),"
    " (2, 'C2', 'Bob', 'North', 'Basic', 'Web', '2023-01-01', 40),"
    " (3, 'C3', 'Cem', 'North', 'Pro', 'Store', '2023-01-01', 50),"
    " (4, 'C4', 'Dee', 'South', 'Pro', 'Store', '2023-01-01', 35),"
    " (5, 'C5', 'Eve', 'South', 'Basic', 'Web', '2023-01-01', 45),"
    " (6, 'C6', 'Fay', 'South', 'Pro', 'Web', '2023-01-01', 55),"
    " (7, 'C7', 'Gus', NULL, 'Basic', 'Phone', '2023-01-01', 60);"
    "INSERT INTO customer_attributes (customer_id, name, value) VALUES"
    " (1, 'Tier', 'Gold'), (2, 'Tier', 'Gold'), (3, 'Tier', 'Silver'), (4, 'Tier', 'Silver'), (6, 'Tier', 'Gold');"
    "INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment, expected) VALUES"
    " (1, 'r1', 1, '2024-01-03', 'nps', 10, 'Fast delivery and great support', '8'),"
    " (2, 'r2', 2, '2024-01-08', 'nps', 9, 'Great price', '10'),"
    " (3, 'r3', 3, '2024-01-14', 'nps', 7, 'Delivery was fine', NULL),"
    " (4, 'r4', 4, '2024-01-15', 'nps', 8, NULL, NULL),"
    " (5, 'r5', 5, '2024-02-01', 'nps', 0, 'Late delivery and a broken item', 'high'),"
    " (6, 'r6', 1, '2024-02-20', 'nps', 3, 'Support never answered', NULL),"
    " (7, 'r7', 7, '2024-02-29T23:59:59', 'nps', 2, 'Too expensive', NULL),"
    " (8, 'r8', 3, '2024-03-05', 'nps', 6, 'Slow delivery', NULL),"
    " (9, 'r9', 6, '2024-03-15', 'nps', 12, 'Out of range', NULL),"
    " (10, 'r10', 6, '2024-03-31', 'nps', 8, 'Good quality', NULL),"
    " (11, 'r11', 5, '2024-06-10', 'nps', 5, 'Price too high', NULL),"
    " (12, 'r12', 1, '2024-01-05', 'csat', 5, 'Happy', '4'),"
    " (13, 'r13', 2, '2024-01-20', 'csat', 4, NULL, NULL),"
    " (14, 'r14', 3, '2024-02-10', 'csat', 2, NULL, NULL),"
    " (15, 'r15', 4, '2024-03-01', 'csat', 3, NULL, NULL),"
    " (16, 'r16', 5, '2024-03-02', 'csat', 4, NULL, NULL),"
    " (17, 'r17', 6, '2024-05-01', 'csat', 5, NULL, NULL),"
    " (18, 'r18', 1, '2024-01-10', 'ces', 2, NULL, NULL),"
    " (19, 'r19', 2, '2024-02-15', 'ces', 4, NULL, NULL),"
    " (20, 'r20', 4, '2024-03-20', 'ces', 3, NULL, NULL);";

store::CustomerFacts factsFrom(const char* sql) {
    auto store = store::Store::open(":memory:");
    REQUIRE(store);
    REQUIRE(store->db().exec(sql));
    auto facts = store::readCustomerFacts(store->db());
    REQUIRE(facts);
    return std::move(*facts);
}

// RFM by hand (how RFM scores is the segmentation tests' business): 1 and 2 Champions,
// 3 and 4 At risk, 5 Lost, 6 and 7 never ordered (no recency).
RfmRun handRfm(const store::CustomerFacts& facts) {
    RfmRun run;
    run.runId = 1;
    run.customerIds = facts.id;
    run.recency = {10, 12, 200, 250, 400, NAN, NAN};
    run.frequency = {5, 4, 2, 2, 1, 0, 0};
    run.monetary = {500, 400, 200, 150, 50, 0, 0};
    run.rfm.segment = {RfmSegment::Champions, RfmSegment::Champions, RfmSegment::AtRisk, RfmSegment::AtRisk,
                       RfmSegment::Lost,      RfmSegment::Lost,      RfmSegment::Lost};
    return run;
}

constexpr int kChampions = static_cast<int>(RfmSegment::Champions);
constexpr int kAtRisk = static_cast<int>(RfmSegment::AtRisk);
constexpr int kLost = static_cast<int>(RfmSegment::Lost);

NpsContext::Segment segment(const store::CustomerFacts& facts, int64_t id, const char* name,
                            std::vector<int64_t> members) {
    NpsContext::Segment s{id, name, std::vector<uint8_t>(static_cast<size_t>(facts.customers()), 0)};
    for (const int64_t m : members) s.member[static_cast<size_t>(facts.indexOf(m))] = 1;
    return s;
}

// The facts, the RFM run and three saved segments: VIP (1, 4, 7), Pair (1, 2), Silent (nobody).
struct Hand {
    store::CustomerFacts facts = factsFrom(kHandMade);
    RfmRun rfm = handRfm(facts);
    NpsContext context() const {
        NpsContext c;
        c.facts = &facts;
        c.rfm = &rfm;
        c.segments = {segment(facts, 21, "VIP", {1, 4, 7}), segment(facts, 22, "Pair", {1, 2}),
                      segment(facts, 23, "Silent", {})};
        c.attribute = "Tier";
        return c;
    }
};

void checkCounts(const analytics::NpsResult& r, int64_t promoters, int64_t passives, int64_t detractors,
                 int64_t ignored = 0) {
    CHECK(r.counts.promoters == promoters);
    CHECK(r.counts.passives == passives);
    CHECK(r.counts.detractors == detractors);
    CHECK(r.counts.ignored == ignored);
    const int64_t n = promoters + passives + detractors;
    if (n == 0) {
        CHECK(std::isnan(r.nps));
    } else {
        CHECK(r.nps == doctest::Approx(100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(n)));
    }
}

// A group row and what it should hold.
struct Want {
    std::string label;
    int64_t key, promoters, passives, detractors, ignored = 0;
};

void checkGroups(const NpsReport& r, const std::vector<Want>& want) {
    REQUIRE(r.groups.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        CAPTURE(i);
        CAPTURE(want[i].label);
        CHECK(r.groups[i].label == want[i].label);
        CHECK(r.groups[i].key == want[i].key);
        checkCounts(r.groups[i].result, want[i].promoters, want[i].passives, want[i].detractors, want[i].ignored);
    }
}

const NpsGroupRow& row(const NpsReport& r, const std::string& label) {
    for (const NpsGroupRow& g : r.groups) {
        if (g.label == label) return g;
    }
    FAIL("no group " << label);
    return r.groups.front();
}

// The response ids of the answers selectNpsResponses picks.
std::vector<int64_t> selectedIds(const NpsContext& c, const NpsFilter& f) {
    std::vector<int64_t> ids;
    for (const int64_t k : selectNpsResponses(c, f)) ids.push_back(c.facts->responseId[static_cast<size_t>(k)]);
    std::sort(ids.begin(), ids.end());
    return ids;
}

NpsFilter window(int32_t from, int32_t to) {
    NpsFilter f;
    f.fromDay = from;
    f.toDay = to;
    return f;
}

// ---- Demo data (sections 7 and 8) -------------------------------------------------------------------

// 3,000 demo customers as a database image, made once; each test restores it.
const std::string& demoImage() {
    static const std::string image = [] {
        auto store = store::Store::open(":memory:");
        if (!store || !store::generateDemo(store->db(), store::DemoOptions{3000, 7})) return std::string();
        auto bytes = store::exportDatabase(store->db());
        return bytes ? std::move(*bytes) : std::string();
    }();
    return image;
}

void openImage(AppState& app, const std::string& image) {
    REQUIRE_FALSE(image.empty());
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    REQUIRE(store::restoreBackup(app.store->db(), image));
    refreshCounts(app);
}

const JobRecord& runToEnd(AppState& app) {
    for (int i = 0; i < 100000 && app.runner.active; ++i) runJobs(app, std::chrono::milliseconds(50));
    REQUIRE(app.runner.active == nullptr);
    REQUIRE_FALSE(app.runner.records.empty());
    return app.runner.records.rbegin()->second;
}

// Reads the facts as the view does: refreshNps starts the reading job, which runs to its end.
void readFacts(AppState& app) {
    refreshNps(app);
    if (app.runner.active) {
        const JobRecord& record = runToEnd(app);
        REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
    }
    refreshNps(app);
    REQUIRE(currentFacts(app));
    REQUIRE(app.nps.overall.has_value());
}

// Comments of NPS answers counted straight from the table (an independent check of searches).
int64_t countComments(store::Db& db, const std::string& where) {
    auto n = db.queryInt(
        "SELECT count(*) FROM survey_responses WHERE kind = 'nps' AND comment IS NOT NULL AND "
        "comment <> '' AND " +
        where);
    REQUIRE(n);
    return *n;
}

}  // namespace

TEST_SUITE("app") {
    // ---- 1. computeNps: overall ------------------------------------------------------------------------

    TEST_CASE("computeNps counts every NPS answer: 20% promoters and 50% detractors give -30") {
        const Hand h;
        const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::None);
        CHECK(r.responses == 10);
        checkCounts(r.overall, 2, 3, 5, 1);  // r9's 12 is no answer
        CHECK(r.overall.nps == doctest::Approx(-30.0));
        CHECK(r.overall.sharesRounded[0] == doctest::Approx(20.0));
        CHECK(r.overall.sharesRounded[1] == doctest::Approx(30.0));
        CHECK(r.overall.sharesRounded[2] == doctest::Approx(50.0));
        CHECK(r.overall.tooFew);  // 10 < 30
        CHECK(r.groups.empty());
        // The interval is analytics::nps's on the same counts.
        const analytics::NpsResult same = analytics::nps(r.overall.counts);
        CHECK(r.overall.low == same.low);
        CHECK(r.overall.high == same.high);
        CHECK(r.overall.method == analytics::NpsIntervalMethod::Score);
        CHECK(r.overall.low < -30.0);
        CHECK(r.overall.high > -30.0);
    }

    TEST_CASE("computeNps's distribution has one count per whole score, without the ignored answer") {
        const Hand h;
        const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::None);
        const std::array<int64_t, 11> want{1, 0, 1, 1, 0, 1, 1, 1, 2, 1, 1};  // 0 2 3 5 6 7 8 8 9 10
        CHECK(r.distribution == want);
    }

    TEST_CASE("scores between whole answers round halves up; answers outside 0-10 are ignored") {
        // 6.5 is a passive (7), 8.5 a promoter (9), 6.49 a detractor (6); 10.2 and -1 no answers.
        const store::CustomerFacts f = factsFrom(
            "INSERT INTO customers (id, external_id) VALUES (1, 'a');"
            "INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score) VALUES"
            " ('x1', 1, '2024-01-01', 'nps', 6.5), ('x2', 1, '2024-01-02', 'nps', 8.5),"
            " ('x3', 1, '2024-01-03', 'nps', 6.49), ('x4', 1, '2024-01-04', 'nps', 10.2),"
            " ('x5', 1, '2024-01-05', 'nps', -1)");
        NpsContext c;
        c.facts = &f;
        const NpsReport r = computeNps(c, NpsFilter{}, NpsGroupBy::None);
        checkCounts(r.overall, 1, 1, 1, 2);
        const std::array<int64_t, 11> want{0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0};
        CHECK(r.distribution == want);
    }

    TEST_CASE("computeNps's CSAT share with its Wilson interval, CES mean with its t interval, and the gap") {
        const Hand h;
        const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::None);
        // CSAT: 5 4 2 3 4 5, satisfied (4-5): 4 of 6.
        CHECK(r.csat.n == 6);
        CHECK(r.csat.successes == 4);
        CHECK(r.csat.percent == doctest::Approx(400.0 / 6));
        const double z = 1.959963984540054, n = 6, p = 4.0 / 6;
        const double scale = 1 + z * z / n, centre = (p + z * z / (2 * n)) / scale;
        const double half = z / scale * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        CHECK(r.csat.low == doctest::Approx(100 * (centre - half)).epsilon(1e-9));
        CHECK(r.csat.high == doctest::Approx(100 * (centre + half)).epsilon(1e-9));
        CHECK(r.csat.tooFew);
        // CES: 2 4 3, mean 3, sd 1, t(0.975, 2) = 4.302652729911275.
        CHECK(r.ces.n == 3);
        CHECK(r.ces.mean == doctest::Approx(3.0));
        CHECK(r.ces.sd == doctest::Approx(1.0));
        const double t2 = 4.302652729911275;
        CHECK(r.ces.low == doctest::Approx(3.0 - t2 / std::sqrt(3.0)).epsilon(1e-9));
        CHECK(r.ces.high == doctest::Approx(3.0 + t2 / std::sqrt(3.0)).epsilon(1e-9));
        // Gap: r1 10 - 8, r2 9 - 10, r12 5 - 4 ("high" is not a number): 2, -1, 1.
        CHECK(r.gap.n == 3);
        CHECK(r.gap.mean == doctest::Approx(2.0 / 3));
        const double sd = std::sqrt((16.0 / 9 + 25.0 / 9 + 1.0 / 9) / 2);
        CHECK(r.gap.sd == doctest::Approx(sd));
        CHECK(r.gap.low == doctest::Approx(2.0 / 3 - t2 * sd / std::sqrt(3.0)).epsilon(1e-9));
        CHECK(r.gap.high == doctest::Approx(2.0 / 3 + t2 * sd / std::sqrt(3.0)).epsilon(1e-9));
    }

    TEST_CASE("computeNps without facts or answers is empty, not an error") {
        const NpsReport none = computeNps(NpsContext{}, NpsFilter{}, NpsGroupBy::Month);
        CHECK(none.responses == 0);
        CHECK(none.groups.empty());
        const Hand h;
        const NpsReport r = computeNps(h.context(), window(day(2025, 1, 1), day(2025, 12, 31)), NpsGroupBy::Month);
        CHECK(r.responses == 0);
        CHECK(std::isnan(r.overall.nps));
        CHECK(r.groups.empty());  // no period has an answer of either kind
        CHECK(r.csat.n == 0);
        CHECK(r.ces.n == 0);
        CHECK(r.gap.n == 0);
    }

    // ---- 2. Groups -----------------------------------------------------------------------------------

    TEST_CASE("NPS by region, plan, channel and attribute: exact counts, highest NPS first") {
        const Hand h;
        const NpsContext c = h.context();
        SUBCASE("region") {
            // North 10 3 9 7 6: 0. South 8 0 5 8 (+12): -50. Not recorded (7): 2: -100.
            const NpsReport r = computeNps(c, NpsFilter{}, NpsGroupBy::Region);
            checkGroups(r, {{"North", 0, 2, 1, 2}, {"South", 1, 0, 2, 2, 1}, {"(not recorded)", -1, 0, 0, 1}});
            // CSAT of the same groups: North 5 4 2, South 3 4 5; customer 7 gave none.
            CHECK(r.groups[0].csat.successes == 2);
            CHECK(r.groups[0].csat.n == 3);
            CHECK(r.groups[1].csat.successes == 2);
            CHECK(r.groups[1].csat.n == 3);
            CHECK(r.groups[2].csat.n == 0);
            CHECK(r.groups[0].fromDay == store::kNoDay);
            // The overall figures do not depend on the grouping.
            CHECK(r.responses == 10);
            CHECK(r.overall.nps == doctest::Approx(-30.0));
        }
        SUBCASE("plan") {
            // Basic (1 2 5 7): 10 3 9 0 5 2: -33.3. Pro (3 4 6): 7 6 8 8 (+12): -25.
            checkGroups(computeNps(c, NpsFilter{}, NpsGroupBy::Plan), {{"Pro", 1, 0, 3, 1, 1}, {"Basic", 0, 2, 0, 4}});
        }
        SUBCASE("channel") {
            // Web (1 2 5 6): 10 3 9 0 5 8 (+12): -16.7. Store (3 4): 7 6 8: -33.3. Phone (7): 2.
            checkGroups(computeNps(c, NpsFilter{}, NpsGroupBy::Channel),
                        {{"Web", 0, 2, 1, 3, 1}, {"Store", 1, 0, 2, 1}, {"Phone", 2, 0, 0, 1}});
        }
        SUBCASE("a categorical attribute") {
            // Gold (1 2 6): 10 3 9 8 (+12): +25. Silver (3 4): 7 6 8: -33.3. None (5 7): 0 5 2.
            checkGroups(computeNps(c, NpsFilter{}, NpsGroupBy::Attribute),
                        {{"Gold", 0, 2, 1, 1, 1}, {"Silver", 1, 0, 2, 1}, {"(not recorded)", -1, 0, 0, 3}});
        }
        SUBCASE("an attribute that does not exist gives no groups") {
            NpsContext other = c;
            other.attribute = "Nope";
            CHECK(computeNps(other, NpsFilter{}, NpsGroupBy::Attribute).groups.empty());
        }
    }

    TEST_CASE("NPS by RFM segment shows never-ordered customers apart; without a run there are no groups") {
        const Hand h;
        NpsContext c = h.context();
        // Champions (1 2): 10 3 9: +33.3. At risk (3 4): 7 6 8: -33.3. Never ordered (6 7): 8 2 (+12): -50.
        // Lost (5): 0 5: -100.
        checkGroups(computeNps(c, NpsFilter{}, NpsGroupBy::RfmSegment),
                    {{displaySegmentName(kChampions), kChampions, 2, 0, 1},
                     {displaySegmentName(kAtRisk), kAtRisk, 0, 2, 1},
                     {"Never ordered", kNeverOrdered, 0, 1, 1, 1},
                     {displaySegmentName(kLost), kLost, 0, 0, 2}});
        c.rfm = nullptr;
        CHECK(computeNps(c, NpsFilter{}, NpsGroupBy::RfmSegment).groups.empty());
        // A run on other customers is not used.
        RfmRun other = h.rfm;
        other.customerIds.pop_back();
        c.rfm = &other;
        CHECK(computeNps(c, NpsFilter{}, NpsGroupBy::RfmSegment).groups.empty());
    }

    TEST_CASE("NPS by saved segment: every segment is a row (keyed by its id), even one without answers") {
        const Hand h;
        // Pair (1 2): 10 3 9: +33.3. VIP (1 4 7): 10 3 8 2: -25. Silent: nobody, last.
        const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::SavedSegment);
        checkGroups(r, {{"Pair", 22, 2, 0, 1}, {"VIP", 21, 1, 1, 2}, {"Silent", 23, 0, 0, 0}});
        CHECK(r.groups[2].result.tooFew);
        CHECK(r.groups[2].csat.n == 0);
        // A customer in two segments counts in both; the overall counts them once.
        CHECK(r.responses == 10);
    }

    // ---- 3. Periods ---------------------------------------------------------------------------------

    TEST_CASE("NPS by month: every month from the first answer to the last, empty ones with n 0") {
        const Hand h;
        const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::Month);
        // Jan 10 9 7 8: +50. Feb 0 3 2: -100. Mar 6 8 (+12): -50. Apr nothing. May: a CSAT
        // answer only. Jun 5: -100.
        checkGroups(r, {{"Jan 2024", day(2024, 1, 1), 2, 2, 0},
                        {"Feb 2024", day(2024, 2, 1), 0, 0, 3},
                        {"Mar 2024", day(2024, 3, 1), 0, 1, 1, 1},
                        {"Apr 2024", day(2024, 4, 1), 0, 0, 0},
                        {"May 2024", day(2024, 5, 1), 0, 0, 0},
                        {"Jun 2024", day(2024, 6, 1), 0, 0, 1}});
        const int32_t ends[] = {day(2024, 1, 31), day(2024, 2, 29), day(2024, 3, 31),
                                day(2024, 4, 30), day(2024, 5, 31), day(2024, 6, 30)};
        for (size_t i = 0; i < r.groups.size(); ++i) {
            CAPTURE(i);
            CHECK(r.groups[i].fromDay == r.groups[i].key);
            CHECK(r.groups[i].toDay == ends[i]);
        }
        CHECK(r.groups[3].result.tooFew);
        CHECK(r.groups[3].csat.n == 0);
        CHECK(r.groups[4].csat.n == 1);  // May's CSAT answer keeps the month in the chart
        CHECK(r.groups[4].csat.successes == 1);
        CHECK(r.groups[0].csat.n == 2);  // 5 and 4 in January
    }

    TEST_CASE("NPS by quarter and by week (weeks start on Monday)") {
        const Hand h;
        SUBCASE("quarter") {
            const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::Quarter);
            checkGroups(r, {{"Q1 2024", day(2024, 1, 1), 2, 3, 4, 1}, {"Q2 2024", day(2024, 4, 1), 0, 0, 1}});
            CHECK(r.groups[0].toDay == day(2024, 3, 31));
            CHECK(r.groups[1].fromDay == day(2024, 4, 1));
            CHECK(r.groups[1].toDay == day(2024, 6, 30));
            CHECK(r.groups[1].csat.n == 1);  // May
        }
        SUBCASE("week") {
            const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::Week);
            // From the week of Monday 2024-01-01 to the week of Monday 2024-06-10: 24 weeks.
            REQUIRE(r.groups.size() == 24);
            for (size_t i = 0; i < r.groups.size(); ++i) {
                CAPTURE(i);
                const int32_t monday = day(2024, 1, 1) + 7 * static_cast<int32_t>(i);
                CHECK(r.groups[i].key == monday);
                CHECK(r.groups[i].fromDay == monday);
                CHECK(r.groups[i].toDay == monday + 6);
            }
            CHECK(r.groups[0].label == "Jan 1, 2024");
            CHECK(r.groups[1].label == "Jan 8, 2024");
            checkCounts(r.groups[0].result, 1, 0, 0);      // Wednesday 01-03: 10
            checkCounts(r.groups[1].result, 1, 1, 0);      // Monday 01-08: 9, Sunday 01-14: 7
            checkCounts(r.groups[2].result, 0, 1, 0);      // Monday 01-15: 8
            CHECK(r.groups[2].csat.n == 1);                // Saturday 01-20
            checkCounts(r.groups[3].result, 0, 0, 0);      // nothing in the week of 01-22
            checkCounts(r.groups[8].result, 0, 0, 1);      // Thursday 02-29 at 23:59:59 (week of 02-26)
            checkCounts(r.groups[10].result, 0, 0, 0, 1);  // week of 03-11: 03-15's 12, no answer
            checkCounts(r.groups[12].result, 0, 1, 0);     // week of 03-25: 03-31 (Sunday)
            checkCounts(r.groups[23].result, 0, 0, 1);     // Monday 06-10
        }
    }

    TEST_CASE("periods across a year end: weeks, months and quarters") {
        // 2023-11-15 (Wed), 2023-12-31 (Sun), 2024-01-01 (Mon).
        const store::CustomerFacts f = factsFrom(
            "INSERT INTO customers (id, external_id) VALUES (1, 'a');"
            "INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score) VALUES"
            " ('x1', 1, '2023-11-15', 'nps', 10), ('x2', 1, '2023-12-31', 'nps', 0), ('x3', 1, '2024-01-01', 'nps', "
            "7)");
        NpsContext c;
        c.facts = &f;
        const NpsReport weeks = computeNps(c, NpsFilter{}, NpsGroupBy::Week);
        REQUIRE(weeks.groups.size() == 8);  // Mondays 2023-11-13 ... 2024-01-01
        CHECK(weeks.groups.front().label == "Nov 13, 2023");
        CHECK(weeks.groups[6].label == "Dec 25, 2023");
        checkCounts(weeks.groups[6].result, 0, 0, 1);
        CHECK(weeks.groups[7].key == day(2024, 1, 1));
        checkCounts(weeks.groups[7].result, 0, 1, 0);
        const NpsReport months = computeNps(c, NpsFilter{}, NpsGroupBy::Month);
        checkGroups(months, {{"Nov 2023", day(2023, 11, 1), 1, 0, 0},
                             {"Dec 2023", day(2023, 12, 1), 0, 0, 1},
                             {"Jan 2024", day(2024, 1, 1), 0, 1, 0}});
        CHECK(months.groups[1].toDay == day(2023, 12, 31));
        const NpsReport quarters = computeNps(c, NpsFilter{}, NpsGroupBy::Quarter);
        checkGroups(quarters, {{"Q4 2023", day(2023, 10, 1), 1, 0, 1}, {"Q1 2024", day(2024, 1, 1), 0, 1, 0}});
        CHECK(quarters.groups[0].toDay == day(2023, 12, 31));
    }

    // ---- 4. Filters ---------------------------------------------------------------------------------------

    TEST_CASE("the date window includes both of its days") {
        const Hand h;
        const NpsContext c = h.context();
        // 2024-01-08 to 2024-02-29: r2 9, r3 7, r4 8, r5 0, r6 3, r7 2 (at 23:59:59 on the last day).
        const NpsFilter f = window(day(2024, 1, 8), day(2024, 2, 29));
        const NpsReport r = computeNps(c, f, NpsGroupBy::Month);
        checkCounts(r.overall, 1, 2, 3);
        CHECK(selectedIds(c, f) == std::vector<int64_t>{2, 3, 4, 5, 6, 7});
        checkGroups(r, {{"Jan 2024", day(2024, 1, 1), 1, 2, 0}, {"Feb 2024", day(2024, 2, 1), 0, 0, 3}});
        CHECK(r.csat.n == 2);  // 01-20 4, 02-10 2
        CHECK(r.csat.successes == 1);
        CHECK(r.ces.n == 2);  // 01-10 2, 02-15 4
        CHECK(r.ces.mean == doctest::Approx(3.0));
        CHECK(r.gap.n == 1);  // r2 only
        CHECK(r.gap.mean == doctest::Approx(-1.0));
        // One day less at either end drops r2, then r7.
        CHECK(selectedIds(c, window(day(2024, 1, 9), day(2024, 2, 29))) == std::vector<int64_t>{3, 4, 5, 6, 7});
        CHECK(selectedIds(c, window(day(2024, 1, 8), day(2024, 2, 28))) == std::vector<int64_t>{2, 3, 4, 5, 6});
        // Open ends.
        CHECK(selectedIds(c, window(store::kNoDay, day(2024, 1, 8))) == std::vector<int64_t>{1, 2});
        CHECK(selectedIds(c, window(day(2024, 3, 31), store::kNoDay)) == std::vector<int64_t>{10, 11});
        // Weeks of a window that starts on a Wednesday begin with that week's Monday.
        const NpsReport weeks = computeNps(c, window(day(2024, 1, 10), day(2024, 1, 31)), NpsGroupBy::Week);
        REQUIRE_FALSE(weeks.groups.empty());
        CHECK(weeks.groups.front().fromDay == day(2024, 1, 8));
        checkCounts(weeks.groups.front().result, 0, 1, 0);  // 01-14's 7; 01-08 is before the window
    }

    TEST_CASE("the segment and RFM filters keep only those customers' answers, CSAT included") {
        const Hand h;
        const NpsContext c = h.context();
        NpsFilter f;
        f.segmentId = 21;  // VIP: 1 4 7
        NpsReport r = computeNps(c, f, NpsGroupBy::None);
        checkCounts(r.overall, 1, 1, 2);
        CHECK(r.csat.n == 2);  // 1's 5 and 4's 3
        CHECK(r.csat.successes == 1);
        CHECK(selectedIds(c, f) == std::vector<int64_t>{1, 4, 6, 7});

        f.segmentId = 999;  // no such segment: nothing, not everyone
        r = computeNps(c, f, NpsGroupBy::Month);
        CHECK(r.responses == 0);
        CHECK(r.csat.n == 0);

        f = NpsFilter{};
        f.rfmSegment = kAtRisk;  // 3 4
        CHECK(selectedIds(c, f) == std::vector<int64_t>{3, 4, 8});
        checkCounts(computeNps(c, f, NpsGroupBy::None).overall, 0, 2, 1);
        f.rfmSegment = kNeverOrdered;  // 6 7
        CHECK(selectedIds(c, f) == std::vector<int64_t>{7, 9, 10});
        // Both filters: customers in both.
        f.segmentId = 21;
        CHECK(selectedIds(c, f) == std::vector<int64_t>{7});
        // An RFM filter without an RFM run keeps nobody.
        NpsContext noRfm = c;
        noRfm.rfm = nullptr;
        f = NpsFilter{};
        f.rfmSegment = kChampions;
        CHECK(selectNpsResponses(noRfm, f).empty());
    }

    TEST_CASE("latestOnly counts only each customer's latest answer in the window") {
        const Hand h;
        const NpsContext c = h.context();
        NpsFilter f;
        f.latestOnly = true;
        // 1: r6 3 (not r1), 2: r2 9, 3: r8 6, 4: r4 8, 5: r11 5, 6: r10 8 (not r9), 7: r7 2.
        CHECK(selectedIds(c, f) == std::vector<int64_t>{2, 4, 6, 7, 8, 10, 11});
        const NpsReport r = computeNps(c, f, NpsGroupBy::None);
        checkCounts(r.overall, 1, 2, 4);
        CHECK(r.overall.nps == doctest::Approx(-300.0 / 7));
        // In a window, the latest answer in the window: 1's r6 (02-20), 3's r3 (01-14, r8 is later).
        f.fromDay = day(2024, 1, 1);
        f.toDay = day(2024, 2, 29);
        CHECK(selectedIds(c, f) == std::vector<int64_t>{2, 3, 4, 5, 6, 7});
        f.latestOnly = false;
        CHECK(selectedIds(c, f) == std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7});
        // npsCounts follows the same rule.
        f.latestOnly = true;
        const analytics::NpsCounts counts = npsCounts(c, f);
        CHECK(counts.promoters == 1);   // 9
        CHECK(counts.passives == 2);    // 7 8
        CHECK(counts.detractors == 3);  // 0 3 2
    }

    TEST_CASE("npsCounts gives the counts computeNps reports for the same filter") {
        const Hand h;
        const NpsContext c = h.context();
        for (const NpsFilter& f :
             {NpsFilter{}, window(day(2024, 1, 8), day(2024, 2, 29)), window(day(2024, 3, 1), store::kNoDay)}) {
            const analytics::NpsCounts counts = npsCounts(c, f);
            const NpsReport r = computeNps(c, f, NpsGroupBy::None);
            CHECK(counts.promoters == r.overall.counts.promoters);
            CHECK(counts.passives == r.overall.counts.passives);
            CHECK(counts.detractors == r.overall.counts.detractors);
            CHECK(counts.ignored == r.overall.counts.ignored);
        }
        CHECK(npsCounts(NpsContext{}, NpsFilter{}).n() == 0);
    }

    // ---- 5. Crossed reports, group customers, tooFew ----------------------------------------------------

    TEST_CASE("computeNpsCrossed month x RFM segment: one row per pair with answers, by segment then month") {
        const Hand h;
        const NpsReport r = computeNpsCrossed(h.context(), NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::RfmSegment);
        // Champions: Jan 10 9, Feb 3. At risk: Jan 7 8, Mar 6. Lost: Feb 0, Jun 5.
        // Never ordered: Feb 2, Mar 8 (+12).
        struct Cell {
            int outer;
            const char* month;
            int32_t from;
            int64_t p, pa, d, ignored;
        };
        const Cell want[] = {
            {kChampions, "Jan 2024", day(2024, 1, 1), 2, 0, 0, 0},
            {kChampions, "Feb 2024", day(2024, 2, 1), 0, 0, 1, 0},
            {kAtRisk, "Jan 2024", day(2024, 1, 1), 0, 2, 0, 0},
            {kAtRisk, "Mar 2024", day(2024, 3, 1), 0, 0, 1, 0},
            {kLost, "Feb 2024", day(2024, 2, 1), 0, 0, 1, 0},
            {kLost, "Jun 2024", day(2024, 6, 1), 0, 0, 1, 0},
            {kNeverOrdered, "Feb 2024", day(2024, 2, 1), 0, 0, 1, 0},
            {kNeverOrdered, "Mar 2024", day(2024, 3, 1), 0, 1, 0, 1},
        };
        REQUIRE(r.groups.size() == std::size(want));
        for (size_t i = 0; i < std::size(want); ++i) {
            CAPTURE(i);
            const NpsGroupRow& g = r.groups[i];
            CHECK(g.outerKey == want[i].outer);
            CHECK(g.outerLabel == displaySegmentName(want[i].outer));
            CHECK(g.label == want[i].month);
            CHECK(g.key == want[i].from);
            CHECK(g.fromDay == want[i].from);
            checkCounts(g.result, want[i].p, want[i].pa, want[i].d, want[i].ignored);
        }
        CHECK(r.groups[0].toDay == day(2024, 1, 31));
        CHECK(r.responses == 10);
        checkCounts(r.overall, 2, 3, 5, 1);
        CHECK(r.distribution == computeNps(h.context(), NpsFilter{}, NpsGroupBy::None).distribution);
    }

    TEST_CASE("computeNpsCrossed month x region, in a window") {
        const Hand h;
        NpsReport r = computeNpsCrossed(h.context(), NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::Region);
        // Not recorded (7): Feb 2. North (1 2 3): Jan 10 9 7, Feb 3, Mar 6.
        // South (4 5 6): Jan 8, Feb 0, Mar 8 (+12), Jun 5.
        struct Cell {
            int64_t outer;
            const char* outerLabel;
            const char* month;
            int64_t p, pa, d;
        };
        const Cell want[] = {{-1, "(not recorded)", "Feb 2024", 0, 0, 1}, {0, "North", "Jan 2024", 2, 1, 0},
                             {0, "North", "Feb 2024", 0, 0, 1},           {0, "North", "Mar 2024", 0, 0, 1},
                             {1, "South", "Jan 2024", 0, 1, 0},           {1, "South", "Feb 2024", 0, 0, 1},
                             {1, "South", "Mar 2024", 0, 1, 0},           {1, "South", "Jun 2024", 0, 0, 1}};
        REQUIRE(r.groups.size() == std::size(want));
        for (size_t i = 0; i < std::size(want); ++i) {
            CAPTURE(i);
            CHECK(r.groups[i].outerKey == want[i].outer);
            CHECK(r.groups[i].outerLabel == want[i].outerLabel);
            CHECK(r.groups[i].label == want[i].month);
            CHECK(r.groups[i].result.counts.promoters == want[i].p);
            CHECK(r.groups[i].result.counts.passives == want[i].pa);
            CHECK(r.groups[i].result.counts.detractors == want[i].d);
        }
        CHECK(r.groups[1].result.nps == doctest::Approx(200.0 / 3));
        // The window applies: February only.
        r = computeNpsCrossed(h.context(), window(day(2024, 2, 1), day(2024, 2, 29)), NpsGroupBy::Month,
                              NpsGroupBy::Region);
        REQUIRE(r.groups.size() == 3);
        for (const NpsGroupRow& g : r.groups) CHECK(g.label == "Feb 2024");
        CHECK(r.responses == 3);
    }

    TEST_CASE("npsGroupCustomers lists the customers of a breakdown's group") {
        const Hand h;
        const NpsContext c = h.context();
        CHECK(npsGroupCustomers(c, NpsGroupBy::Region, 0) == std::vector<int64_t>{1, 2, 3});
        CHECK(npsGroupCustomers(c, NpsGroupBy::Region, 1) == std::vector<int64_t>{4, 5, 6});
        CHECK(npsGroupCustomers(c, NpsGroupBy::Region, -1) == std::vector<int64_t>{7});
        CHECK(npsGroupCustomers(c, NpsGroupBy::Plan, 0) == std::vector<int64_t>{1, 2, 5, 7});
        CHECK(npsGroupCustomers(c, NpsGroupBy::Channel, 2) == std::vector<int64_t>{7});
        CHECK(npsGroupCustomers(c, NpsGroupBy::Attribute, 1) == std::vector<int64_t>{3, 4});
        CHECK(npsGroupCustomers(c, NpsGroupBy::RfmSegment, kChampions) == std::vector<int64_t>{1, 2});
        CHECK(npsGroupCustomers(c, NpsGroupBy::RfmSegment, kNeverOrdered) == std::vector<int64_t>{6, 7});
        CHECK(npsGroupCustomers(c, NpsGroupBy::SavedSegment, 21) == std::vector<int64_t>{1, 4, 7});
        CHECK(npsGroupCustomers(c, NpsGroupBy::SavedSegment, 23).empty());
        CHECK(npsGroupCustomers(c, NpsGroupBy::SavedSegment, 999).empty());
        // Every row of a breakdown: its customers are exactly those whose answers it counts.
        for (const NpsGroupBy by : {NpsGroupBy::Region, NpsGroupBy::Plan, NpsGroupBy::Channel, NpsGroupBy::Attribute,
                                    NpsGroupBy::RfmSegment, NpsGroupBy::SavedSegment}) {
            CAPTURE(npsGroupByName(by));
            for (const NpsGroupRow& g : computeNps(c, NpsFilter{}, by).groups) {
                CAPTURE(g.label);
                const std::vector<int64_t> ids = npsGroupCustomers(c, by, g.key);
                analytics::NpsCounts counts;
                for (const int64_t k : selectNpsResponses(c, NpsFilter{})) {
                    const auto r = static_cast<size_t>(k);
                    int64_t customer = 0;
                    for (size_t i = 0; i < h.facts.id.size(); ++i) {
                        if (h.facts.responseStart[i] <= k && k < h.facts.responseStart[i + 1]) customer = h.facts.id[i];
                    }
                    if (std::find(ids.begin(), ids.end(), customer) == ids.end()) continue;
                    const float s = h.facts.responseScore[r];
                    if (s > 10)
                        ++counts.ignored;
                    else if (s >= 9)
                        ++counts.promoters;
                    else if (s >= 7)
                        ++counts.passives;
                    else
                        ++counts.detractors;
                }
                CHECK(counts.promoters == g.result.counts.promoters);
                CHECK(counts.passives == g.result.counts.passives);
                CHECK(counts.detractors == g.result.counts.detractors);
                CHECK(counts.ignored == g.result.counts.ignored);
            }
        }
    }

    TEST_CASE("tooFew marks groups and periods with fewer answers than minN") {
        const Hand h;
        analytics::NpsOptions options;
        options.minN = 4;
        const NpsReport r = computeNps(h.context(), NpsFilter{}, NpsGroupBy::Region, options);
        CHECK_FALSE(r.overall.tooFew);                  // 10
        CHECK_FALSE(row(r, "North").result.tooFew);     // 5
        CHECK_FALSE(row(r, "South").result.tooFew);     // 4
        CHECK(row(r, "(not recorded)").result.tooFew);  // 1
        CHECK(row(r, "North").csat.tooFew);             // 3 CSAT answers
        CHECK(r.csat.tooFew == false);                  // 6
        CHECK(r.ces.tooFew);                            // 3
        const NpsReport months = computeNps(h.context(), NpsFilter{}, NpsGroupBy::Month, options);
        CHECK_FALSE(row(months, "Jan 2024").result.tooFew);  // 4
        CHECK(row(months, "Feb 2024").result.tooFew);        // 3
        CHECK(row(months, "Apr 2024").result.tooFew);        // 0
        // With the default (30) everything here is too few.
        for (const NpsGroupRow& g : computeNps(h.context(), NpsFilter{}, NpsGroupBy::Region).groups)
            CHECK(g.result.tooFew);
    }

    TEST_CASE("group names for the hook read back, and periods are periods") {
        for (const NpsGroupBy by : {NpsGroupBy::None, NpsGroupBy::Week, NpsGroupBy::Month, NpsGroupBy::Quarter,
                                    NpsGroupBy::Region, NpsGroupBy::Plan, NpsGroupBy::Channel, NpsGroupBy::RfmSegment,
                                    NpsGroupBy::SavedSegment, NpsGroupBy::Attribute}) {
            CHECK(npsGroupByFromName(npsGroupByName(by)) == by);
        }
        CHECK(std::string(npsGroupByName(NpsGroupBy::RfmSegment)) == "rfm");
        CHECK_FALSE(npsGroupByFromName("Month").has_value());
        CHECK_FALSE(npsGroupByFromName("").has_value());
        CHECK(isPeriod(NpsGroupBy::Week));
        CHECK(isPeriod(NpsGroupBy::Quarter));
        CHECK_FALSE(isPeriod(NpsGroupBy::Region));
    }
}

// ---- 6. Drivers ---------------------------------------------------------------------------------------------

namespace {

// 300 customers, one NPS answer each on 2024-06-01 with score 9 - complaints + noise
// (uniform in +-0.5): complaints (0-4, before the answer) lower the score by 1 each, orders
// (1-3) do nothing. Customers 1-30 have no age. Customers 286-300 answer on 2024-05-01.
std::string driversSql(bool constantTickets) {
    core::Random random(17);
    std::string sql = "INSERT INTO customers (id, external_id, signup_date, age) VALUES ";
    for (int i = 1; i <= 300; ++i) {
        sql += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + ", 'c" + std::to_string(i) +
               "', '2022-01-01', " + (i <= 30 ? std::string("NULL") : std::to_string(20 + random.below(50))) + ")";
    }
    std::string orders = ";INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ";
    std::string interactions =
        ";INSERT INTO interactions (external_id, customer_id, occurred_at, channel, complaint) VALUES ";
    std::string answers = ";INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score) VALUES ";
    int orderId = 0, interactionId = 0;
    auto addInteraction = [&](int customer, const std::string& when, const char* channel, int complaint) {
        interactions += interactionId++ > 0 ? "," : "";
        interactions += "('i" + std::to_string(interactionId) + "', " + std::to_string(customer) + ", '" + when +
                        "', '" + channel + "', " + std::to_string(complaint) + ")";
    };
    for (int i = 1; i <= 300; ++i) {
        const int complaints = static_cast<int>(random.below(5));
        const int count = 1 + static_cast<int>(random.below(3));
        for (int k = 0; k < count; ++k) {
            orders += orderId++ > 0 ? "," : "";
            orders += "('o" + std::to_string(orderId) + "', " + std::to_string(i) + ", '2023-0" +
                      std::to_string(k + 1) + "-10', 50)";
        }
        for (int k = 0; k < complaints; ++k) addInteraction(i, "2024-0" + std::to_string(k + 1) + "-15", "email", 1);
        if (!constantTickets && i % 3 == 0) addInteraction(i, "2024-02-20", "ticket", 0);
        const double score = 9.0 - complaints + random.uniform(-0.5, 0.5);
        answers += (i > 1 ? "," : "") + std::string("('a") + std::to_string(i) + "', " + std::to_string(i) + ", '" +
                   (i > 285 ? "2024-05-01" : "2024-06-01") + "', 'nps', " + std::to_string(score) + ")";
    }
    return sql + orders + interactions + answers;
}

}  // namespace

TEST_SUITE("app") {
    TEST_CASE("npsDrivers recovers a known effect: each complaint lowers the score by 1, orders do nothing") {
        const store::CustomerFacts f = factsFrom(driversSql(false).c_str());
        NpsContext c;
        c.facts = &f;
        auto result = npsDrivers(c, NpsFilter{}, {"complaints", "orders"});
        REQUIRE_MESSAGE(result, (result ? "" : result.error().message));
        const analytics::OlsResult& r = *result;
        CHECK(r.n == 300);
        CHECK(r.p == 2);
        REQUIRE(r.terms.size() == 3);
        CHECK(r.terms[1].name == "Complaints");
        CHECK(r.terms[2].name == "Orders");
        CHECK(r.terms[1].coefficientOriginal == doctest::Approx(-1.0).epsilon(0.05));
        CHECK(r.terms[1].coefficient < 0);  // per standard deviation
        CHECK(r.terms[1].pValue < 1e-6);
        CHECK(std::fabs(r.terms[2].coefficientOriginal) < 0.1);
        CHECK(r.terms[0].coefficientOriginal == doctest::Approx(9.0).epsilon(0.05));  // no complaints, no orders
        CHECK(r.rSquared > 0.9);
        CHECK(r.warnings.empty());
        CHECK(analytics::describeDrivers(r, "NPS score").find("Complaints") != std::string::npos);
    }

    TEST_CASE("npsDrivers fits the customers' answers on their features as analytics::fitOls does") {
        const store::CustomerFacts f = factsFrom(driversSql(false).c_str());
        NpsContext c;
        c.facts = &f;
        // A window without answers has nothing to fit.
        CHECK_FALSE(npsDrivers(c, window(store::kNoDay, day(2024, 2, 1)), {"complaints", "orders"}));
        // The same rows (every customer answered once) fitted with the analytics layer.
        auto full = npsDrivers(c, NpsFilter{}, {"complaints", "tickets"});
        REQUIRE(full);
        Eigen::MatrixXd X(static_cast<Eigen::Index>(f.customers()), 2);
        fillFeatureRows(f, {"complaints", "tickets"}, defaultAsOfDay(f), X, 0, f.customers());
        Eigen::VectorXd y(f.customers());
        for (int64_t i = 0; i < f.customers(); ++i)
            y(i) = f.responseScore[static_cast<size_t>(f.responseStart[static_cast<size_t>(i)])];
        auto direct = analytics::fitOls(X, y, {"Complaints", "Support tickets"});
        REQUIRE(direct);
        CHECK(full->n == direct->n);
        for (size_t t = 0; t < 3; ++t) {
            CHECK(full->terms[t].coefficient == doctest::Approx(direct->terms[t].coefficient).epsilon(1e-9));
            CHECK(full->terms[t].standardError == doctest::Approx(direct->terms[t].standardError).epsilon(1e-9));
        }
    }

    TEST_CASE("npsDrivers refuses too few answers and a constant feature with the analytics' messages") {
        const store::CustomerFacts f = factsFrom(driversSql(true).c_str());
        NpsContext c;
        c.facts = &f;
        // 15 answers on 2024-05-01 for two features: fewer than 10 per feature.
        auto few = npsDrivers(c, window(day(2024, 5, 1), day(2024, 5, 1)), {"complaints", "orders"});
        REQUIRE_FALSE(few);
        Eigen::MatrixXd X15 = Eigen::MatrixXd::Random(15, 2);
        Eigen::VectorXd y15 = Eigen::VectorXd::Random(15);
        auto expected = analytics::fitOls(X15, y15, {"Complaints", "Orders"});
        REQUIRE_FALSE(expected);
        CHECK(few.error().message == expected.error().message);
        CHECK(few.error().message.find("15") != std::string::npos);

        // Nobody had a support ticket: the feature is the same for everyone.
        auto constant = npsDrivers(c, NpsFilter{}, {"complaints", "tickets"});
        REQUIRE_FALSE(constant);
        Eigen::MatrixXd X(300, 2);
        X.col(0) = Eigen::VectorXd::LinSpaced(300, 0, 4);
        X.col(1).setZero();
        auto same = analytics::fitOls(X, Eigen::VectorXd::LinSpaced(300, 0, 10), {"Complaints", "Support tickets"});
        REQUIRE_FALSE(same);
        CHECK(constant.error().message == same.error().message);
        CHECK(constant.error().message.find("Support tickets") != std::string::npos);

        // Unknown features and no features are the app's own refusals.
        auto unknown = npsDrivers(c, NpsFilter{}, {"complaints", "shoe_size"});
        REQUIRE_FALSE(unknown);
        CHECK(unknown.error().message == "There is no feature called \"shoe_size\" in this data.");
        auto none = npsDrivers(c, NpsFilter{}, {});
        REQUIRE_FALSE(none);
        CHECK(none.error().message == "Choose at least one feature.");
        CHECK_FALSE(npsDrivers(NpsContext{}, NpsFilter{}, {"complaints"}));
    }

    TEST_CASE("npsDrivers leaves out customers with a missing value and says how many") {
        const store::CustomerFacts f = factsFrom(driversSql(false).c_str());
        NpsContext c;
        c.facts = &f;
        auto result = npsDrivers(c, NpsFilter{}, {"complaints", "age"});
        REQUIRE(result);
        CHECK(result->n == 270);  // customers 1-30 have no age
        REQUIRE(result->warnings.size() >= 1);
        const std::string& w = result->warnings.back();
        CHECK(w.rfind("30 answers were left out", 0) == 0);
        CHECK(w.find("no value for one of the features") != std::string::npos);
        CHECK(result->terms[1].coefficientOriginal == doctest::Approx(-1.0).epsilon(0.05));
    }

    // ---- 7. The view's state: comments, topics, user topics ------------------------------------------

    TEST_CASE("refreshComments applies the view's dates, saved segment and RFM segment to the search") {
        AppState app;
        openImage(app, demoImage());
        readFacts(app);
        REQUIRE(startRfm(app, store::kNoDay));
        REQUIRE(runToEnd(app).state == JobState::Done);
        const RfmRun& rfm = *app.segmentation.rfm;
        // A saved segment: the customers with an even id among the first 1,500.
        std::vector<int64_t> members;
        for (int64_t id = 2; id <= 1500; id += 2) members.push_back(id);
        auto segmentId = store::createSegment(app.store->db(), "Even", "{}", members);
        REQUIRE(segmentId);
        app.segmentation.savedStale = true;
        store::Db& db = app.store->db();

        auto check = [&](const NpsFilter& filter, const std::string& where) {
            app.nps.filter = filter;
            app.nps.commentsDirty = true;
            refreshComments(app);
            REQUIRE_MESSAGE(app.nps.commentPage.has_value(), app.nps.commentsError);
            const store::CommentPage& got = *app.nps.commentPage;
            store::CommentQuery q;
            q.limit = 20;
            if (filter.fromDay != store::kNoDay) q.from = isoDay(filter.fromDay);
            if (filter.toDay != store::kNoDay) q.to = isoDay(filter.toDay);
            q.segmentId = filter.segmentId;
            if (filter.rfmSegment >= 0) q.customerIds = rfmSegmentCustomers(rfm, filter.rfmSegment);
            q.text = app.nps.comments.text;
            q.group = app.nps.comments.group;
            auto direct = store::searchComments(db, q);
            REQUIRE(direct);
            CHECK(got.total == direct->total);
            REQUIRE(got.hits.size() == direct->hits.size());
            for (size_t i = 0; i < got.hits.size(); ++i) CHECK(got.hits[i].responseId == direct->hits[i].responseId);
            if (!where.empty()) CHECK(got.total == countComments(db, where));
            CHECK(got.total > 0);
            return got.total;
        };
        const int32_t last = defaultAsOfDay(*currentFacts(app));
        const std::string from = isoDay(last - 89), to = isoDay(last);
        const std::string inWindow = "substr(answered_at, 1, 10) BETWEEN '" + from + "' AND '" + to + "'";
        const int64_t all = check(NpsFilter{}, "1");
        const int64_t dated = check(window(last - 89, last), inWindow);
        CHECK(dated < all);
        NpsFilter f = window(last - 89, last);
        f.segmentId = *segmentId;
        const int64_t even = check(f, inWindow + " AND customer_id % 2 = 0 AND customer_id <= 1500");
        CHECK(even < dated);
        f.segmentId = 0;
        f.rfmSegment = kChampions;
        std::string champions;
        for (const int64_t id : rfmSegmentCustomers(rfm, kChampions))
            champions += (champions.empty() ? "" : ",") + std::to_string(id);
        const int64_t best = check(f, inWindow + " AND customer_id IN (" + champions + ")");
        CHECK(best < dated);
        // Text and group filters of the search combine with the view's filters.
        app.nps.comments.text = "delivery";
        app.nps.comments.group = 2;
        f.rfmSegment = -1;
        f.segmentId = *segmentId;
        check(f, inWindow +
                     " AND customer_id % 2 = 0 AND customer_id <= 1500 AND score < 6.5 AND lower(comment) LIKE "
                     "'%delivery%'");
        // The search runs again only when something changed.
        const double millis = app.nps.commentPage->millis;
        app.nps.commentPage->millis = -1;
        refreshComments(app);
        CHECK(app.nps.commentPage->millis == -1);
        app.nps.commentsDirty = true;
        refreshComments(app);
        CHECK(app.nps.commentPage->millis != -1);
        (void)millis;
    }

    TEST_CASE("a click's narrower dates are kept, and an RFM segment with nobody in it finds nothing") {
        AppState app;
        openImage(app, demoImage());
        readFacts(app);
        REQUIRE(startRfm(app, store::kNoDay));
        REQUIRE(runToEnd(app).state == JobState::Done);
        app.nps.filter = NpsFilter{};
        app.nps.filter.fromDay = day(2024, 1, 1);
        app.nps.filter.toDay = day(2026, 10, 31);
        app.nps.comments.from = "2025-03-01";  // as a click on March 2025 in the trend sets it
        app.nps.comments.to = "2025-03-31";
        app.nps.commentsDirty = true;
        refreshComments(app);
        REQUIRE(app.nps.commentPage);
        CHECK(app.nps.commentPage->total ==
              countComments(app.store->db(), "substr(answered_at, 1, 10) BETWEEN '2025-03-01' AND '2025-03-31'"));
        for (const store::CommentHit& hit : app.nps.commentPage->hits) CHECK(hit.answeredAt.substr(0, 7) == "2025-03");
        // A display segment nobody is in gives no comments (not everyone's).
        int empty = -1;
        for (int s = 0; s <= kNeverOrdered && empty < 0; ++s) {
            if (rfmSegmentCustomers(*app.segmentation.rfm, s).empty()) empty = s;
        }
        if (empty >= 0) {
            app.nps.comments = store::CommentQuery{};
            app.nps.filter.rfmSegment = empty;
            app.nps.commentsDirty = true;
            refreshComments(app);
            REQUIRE(app.nps.commentPage);
            CHECK(app.nps.commentPage->total == 0);
        }
    }

    TEST_CASE("the topics job counts what analytics::topTerms and topicImpact count on the same comments, impact over every answer") {
        AppState app;
        openImage(app, demoImage());
        readFacts(app);
        const int32_t last = defaultAsOfDay(*currentFacts(app));
        app.nps.filter = window(last - 364, last);
        addUserTopic(app, "Staff", "staff, friendly, rude");
        REQUIRE(app.nps.topicsError.empty());
        auto started = startTopics(app);
        REQUIRE(started);
        const JobRecord& record = runToEnd(app);
        REQUIRE_MESSAGE(record.state == JobState::Done, record.error);

        // The same comments, read straight from the table.
        const NpsContext c = npsContext(app);
        const std::vector<int64_t> answers = selectNpsResponses(c, app.nps.filter);
        std::set<int64_t> ids;
        for (const int64_t k : answers) ids.insert(c.facts->responseId[static_cast<size_t>(k)]);
        std::vector<std::string> texts;
        std::vector<float> scores;
        auto stmt = store::Stmt::prepare(app.store->db(),
                                         "SELECT id, comment, score FROM survey_responses WHERE kind = 'nps' AND "
                                         "comment IS NOT NULL AND comment <> '' "
                                         "ORDER BY id");
        REQUIRE(stmt);
        while (stmt->step()) {
            if (ids.count(stmt->columnInt(0)) == 0) continue;
            texts.push_back(stmt->columnText(1));
            scores.push_back(static_cast<float>(stmt->columnDouble(2)));
        }
        REQUIRE(stmt->status());
        REQUIRE(texts.size() > 100);
        std::vector<std::string_view> views(texts.begin(), texts.end());
        std::vector<int8_t> groups;
        for (const float s : scores) groups.push_back(static_cast<int8_t>(s >= 9 ? 0 : s >= 7 ? 1 : 2));
        const std::vector<analytics::TermCount> terms = analytics::topTerms(views, groups, 40, true);
        // Impact is over every answer in the window, with a comment or not.
        std::array<int64_t, 3> everyone = {0, 0, 0};
        for (const int64_t k : answers) {
            const float s = c.facts->responseScore[static_cast<size_t>(k)];
            ++everyone[static_cast<size_t>(s >= 9 ? 0 : s >= 7 ? 1 : 2)];
        }
        REQUIRE(everyone[0] + everyone[1] + everyone[2] > static_cast<int64_t>(texts.size()));  // some answers have no comment
        const std::vector<analytics::TopicImpact> impacts = analytics::topicImpact(views, scores, app.nps.userTopics, &everyone);

        REQUIRE(app.nps.terms.size() == terms.size());
        CHECK_FALSE(terms.empty());
        for (size_t i = 0; i < terms.size(); ++i) {
            CAPTURE(terms[i].term);
            CHECK(app.nps.terms[i].term == terms[i].term);
            CHECK(app.nps.terms[i].promoters == terms[i].promoters);
            CHECK(app.nps.terms[i].passives == terms[i].passives);
            CHECK(app.nps.terms[i].detractors == terms[i].detractors);
            CHECK(app.nps.terms[i].total == terms[i].total);
        }
        REQUIRE(app.nps.impacts.size() == impacts.size());
        REQUIRE(impacts.size() == app.nps.userTopics.size());
        auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
        for (size_t i = 0; i < impacts.size(); ++i) {
            CAPTURE(impacts[i].name);
            CHECK(app.nps.impacts[i].name == impacts[i].name);
            CHECK(app.nps.impacts[i].mentions == impacts[i].mentions);
            CHECK(same(app.nps.impacts[i].npsWith, impacts[i].npsWith));
            CHECK(same(app.nps.impacts[i].npsWithout, impacts[i].npsWithout));
            CHECK(same(app.nps.impacts[i].impact, impacts[i].impact));
            CHECK(app.nps.impacts[i].promoters == impacts[i].promoters);
            CHECK(app.nps.impacts[i].detractors == impacts[i].detractors);
        }
        CHECK(app.nps.topicsVersion == app.dataVersion);
        CHECK(app.nps.topicsFilter == app.nps.filter);
        // The job's result says how many comments of how many answers it read.
        auto json = core::parseJson(record.resultJson);
        REQUIRE(json);
        CHECK((*json)["comments"].integer() == static_cast<int64_t>(texts.size()));
        CHECK((*json)["answers"].integer() == static_cast<int64_t>(answers.size()));
    }

    TEST_CASE("topics over a window without answers count nothing") {
        AppState app;
        openImage(app, demoImage());
        readFacts(app);
        app.nps.filter = window(day(2000, 1, 1), day(2000, 12, 31));
        REQUIRE(startTopics(app));
        REQUIRE(runToEnd(app).state == JobState::Done);
        CHECK(app.nps.terms.empty());
        for (const analytics::TopicImpact& t : app.nps.impacts) CHECK(t.mentions == 0);
    }

    TEST_CASE("user topics added and removed are saved, and a fresh app on the same database loads them") {
        AppState first;
        openImage(first, demoImage());
        refreshNps(first);  // loads the topics (the starting set: none saved yet)
        REQUIRE(first.nps.topicsLoaded);
        REQUIRE(first.nps.userTopics.size() == 4);
        CHECK(first.nps.userTopics[0].name == "Delivery");

        addUserTopic(first, "  Speed ", "fast, quick ,, slow,");
        CHECK(first.nps.topicsError.empty());
        REQUIRE(first.nps.userTopics.size() == 5);
        CHECK(first.nps.userTopics.back().name == "Speed");
        CHECK(first.nps.userTopics.back().keywords == std::vector<std::string>{"fast", "quick", "slow"});
        removeUserTopic(first, 0);   // Delivery
        removeUserTopic(first, 99);  // nothing there: ignored
        REQUIRE(first.nps.userTopics.size() == 4);
        CHECK(first.nps.userTopics[0].name == "Price");

        // Refusals, with nothing saved.
        addUserTopic(first, " ", "a");
        CHECK(first.nps.topicsError == "Give the topic a name.");
        addUserTopic(first, "Empty", " , ");
        CHECK(first.nps.topicsError == "Give at least one keyword, separated by commas.");
        addUserTopic(first, "Speed", "rapid");
        CHECK(first.nps.topicsError.find("already a topic") != std::string::npos);
        CHECK(first.nps.userTopics.size() == 4);

        // "Reload": the database in a fresh app state.
        auto image = store::exportDatabase(first.store->db());
        REQUIRE(image);
        AppState second;
        openImage(second, *image);
        refreshNps(second);
        REQUIRE(second.nps.userTopics.size() == first.nps.userTopics.size());
        for (size_t i = 0; i < first.nps.userTopics.size(); ++i) {
            CHECK(second.nps.userTopics[i].name == first.nps.userTopics[i].name);
            CHECK(second.nps.userTopics[i].keywords == first.nps.userTopics[i].keywords);
        }
        // Removing every topic is saved too: the app does not bring the starting set back.
        while (!second.nps.userTopics.empty()) removeUserTopic(second, 0);
        auto empty = store::exportDatabase(second.store->db());
        REQUIRE(empty);
        AppState third;
        openImage(third, *empty);
        refreshNps(third);
        CHECK(third.nps.userTopics.empty());
    }

    // ---- 8. The hook's report job -------------------------------------------------------------------------

    TEST_CASE("the hook's NPS report: JSON with the overall figures, groups, distribution and its compute time") {
        AppState app;
        openImage(app, demoImage());
        NpsFilter filter;
        filter.fromDay = day(2025, 1, 1);
        filter.toDay = day(2026, 6, 30);
        REQUIRE(startNpsReport(app, "nps", filter, NpsGroupBy::Region));
        const JobRecord& record = runToEnd(app);  // reads the facts first
        REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
        auto json = core::parseJson(record.resultJson);
        REQUIRE(json);
        const core::JsonValue& j = *json;
        CHECK(j["from"].string() == "2025-01-01");
        CHECK(j["to"].string() == "2026-06-30");
        CHECK(j["by"].string() == "region");
        CHECK(j["latestOnly"].boolean(true) == false);
        CHECK(j["computeMs"].number() >= 0);

        const NpsReport want = computeNps(npsContext(app), filter, NpsGroupBy::Region);
        REQUIRE(want.responses > 100);
        auto checkNps = [](const core::JsonValue& o, const analytics::NpsResult& r) {
            CHECK(o["n"].integer() == r.counts.n());
            CHECK(o["promoters"].integer() == r.counts.promoters);
            CHECK(o["passives"].integer() == r.counts.passives);
            CHECK(o["detractors"].integer() == r.counts.detractors);
            CHECK(o["nps"].number() == r.nps);
            CHECK(o["low"].number() == r.low);
            CHECK(o["high"].number() == r.high);
            CHECK(o["tooFew"].isBool());
            CHECK(o["tooFew"].boolean() == r.tooFew);
            REQUIRE(o["shares"].size() == 3);
            double sum = 0;
            for (size_t k = 0; k < 3; ++k) {
                CHECK(o["shares"][k].number() == r.sharesRounded[k]);
                sum += o["shares"][k].number();
            }
            CHECK(std::round(sum * 10) == 1000);  // 100.0
        };
        checkNps(j["overall"], want.overall);
        REQUIRE(j["groups"].size() == want.groups.size());
        for (size_t g = 0; g < want.groups.size(); ++g) {
            CAPTURE(g);
            CHECK(j["groups"][g]["label"].string() == want.groups[g].label);
            CHECK(j["groups"][g].find("group") == nullptr);
            CHECK(j["groups"][g].find("from") == nullptr);
            checkNps(j["groups"][g], want.groups[g].result);
        }
        REQUIRE(j["distribution"].size() == 11);
        int64_t total = 0;
        for (size_t k = 0; k < 11; ++k) {
            CHECK(j["distribution"][k].integer() == want.distribution[k]);
            total += j["distribution"][k].integer();
        }
        CHECK(total == j["overall"]["n"].integer());
    }

    TEST_CASE("the hook's report by month, its CSAT shape, and by [month, rfm]") {
        AppState app;
        openImage(app, demoImage());
        NpsFilter filter;
        filter.latestOnly = true;
        REQUIRE(startNpsReport(app, "nps", filter, NpsGroupBy::Month));
        const JobRecord& months = runToEnd(app);
        REQUIRE_MESSAGE(months.state == JobState::Done, months.error);
        auto m = core::parseJson(months.resultJson);
        REQUIRE(m);
        CHECK((*m)["latestOnly"].boolean() == true);
        CHECK((*m).find("from") == nullptr);  // open window
        const NpsReport want = computeNps(npsContext(app), filter, NpsGroupBy::Month);
        REQUIRE((*m)["groups"].size() == want.groups.size());
        REQUIRE(want.groups.size() >= 30);  // about three years of months
        for (size_t g = 0; g < want.groups.size(); ++g) {
            const core::JsonValue& row = (*m)["groups"][g];
            CHECK(row["from"].string() == isoDay(want.groups[g].fromDay));
            CHECK(row["to"].string() == isoDay(want.groups[g].toDay));
            CHECK(row["n"].integer() == want.groups[g].result.counts.n());
        }

        REQUIRE(startNpsReport(app, "csat", NpsFilter{}, NpsGroupBy::Plan));
        const JobRecord& csat = runToEnd(app);
        REQUIRE_MESSAGE(csat.state == JobState::Done, csat.error);
        auto c = core::parseJson(csat.resultJson);
        REQUIRE(c);
        const NpsReport plans = computeNps(npsContext(app), NpsFilter{}, NpsGroupBy::Plan);
        const core::JsonValue& o = (*c)["overall"];
        CHECK(o["n"].integer() == plans.csat.n);
        CHECK(o["share"].number() == plans.csat.percent);
        CHECK(o["low"].number() == plans.csat.low);
        CHECK(o["high"].number() == plans.csat.high);
        CHECK(o["tooFew"].isBool());
        CHECK(o.find("promoters") == nullptr);
        CHECK((*c).find("distribution") == nullptr);
        REQUIRE((*c)["groups"].size() == plans.groups.size());
        for (size_t g = 0; g < plans.groups.size(); ++g) {
            CHECK((*c)["groups"][g]["label"].string() == plans.groups[g].label);
            CHECK((*c)["groups"][g]["n"].integer() == plans.groups[g].csat.n);
            CHECK((*c)["groups"][g]["share"].number() == plans.groups[g].csat.percent);
        }

        REQUIRE(startRfm(app, store::kNoDay));
        REQUIRE(runToEnd(app).state == JobState::Done);
        REQUIRE(startNpsReport(app, "nps", NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::RfmSegment));
        const JobRecord& crossed = runToEnd(app);
        REQUIRE_MESSAGE(crossed.state == JobState::Done, crossed.error);
        auto x = core::parseJson(crossed.resultJson);
        REQUIRE(x);
        REQUIRE((*x)["by"].size() == 2);
        CHECK((*x)["by"][0].string() == "month");
        CHECK((*x)["by"][1].string() == "rfm");
        const NpsReport cells =
            computeNpsCrossed(npsContext(app), NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::RfmSegment);
        REQUIRE((*x)["groups"].size() == cells.groups.size());
        int64_t sum = 0;
        for (size_t g = 0; g < cells.groups.size(); ++g) {
            const core::JsonValue& row = (*x)["groups"][g];
            CHECK(row["group"].string() == cells.groups[g].outerLabel);
            CHECK(row["label"].string() == cells.groups[g].label);
            CHECK(row["n"].integer() == cells.groups[g].result.counts.n());
            sum += row["n"].integer();
        }
        CHECK(sum == (*x)["overall"]["n"].integer());  // every answer in exactly one cell
    }

    TEST_CASE("the hook's report refuses what it cannot compute, with a reason") {
        AppState app;
        openImage(app, demoImage());
        // Grouping by RFM segment without an RFM run: the job fails once the facts are read.
        REQUIRE(startNpsReport(app, "nps", NpsFilter{}, NpsGroupBy::RfmSegment));
        const JobRecord& rfm = runToEnd(app);
        CHECK(rfm.state == JobState::Failed);
        CHECK(rfm.error ==
              "Group by RFM segment needs an RFM result on the current data: run rapport.run('rfm') first.");
        REQUIRE(startNpsReport(app, "nps", NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::RfmSegment));
        CHECK(runToEnd(app).state == JobState::Failed);

        NpsFilter unknown;
        unknown.segmentId = 4242;
        REQUIRE(startNpsReport(app, "nps", unknown, NpsGroupBy::None));
        const JobRecord& seg = runToEnd(app);
        CHECK(seg.state == JobState::Failed);
        CHECK(seg.error == "There is no saved segment with id 4242.");

        auto twice = startNpsReport(app, "nps", NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::Month);
        REQUIRE_FALSE(twice);
        CHECK(twice.error().message == "Two groupings must be two different ones, e.g. by: ['month', 'rfm'].");
        CHECK(app.runner.active == nullptr);
        auto noFirst = startNpsReport(app, "nps", NpsFilter{}, NpsGroupBy::None, NpsGroupBy::Region);
        REQUIRE_FALSE(noFirst);
        auto csatTwo = startNpsReport(app, "csat", NpsFilter{}, NpsGroupBy::Month, NpsGroupBy::Region);
        REQUIRE_FALSE(csatTwo);
        CHECK(csatTwo.error().message == "CSAT reports take one grouping.");
        auto kind = startNpsReport(app, "ces", NpsFilter{}, NpsGroupBy::Month);
        REQUIRE_FALSE(kind);
        CHECK(kind.error().message == "Unknown report \"ces\".");

        // A saved segment that exists is accepted and filters.
        std::vector<int64_t> members{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        auto id = store::createSegment(app.store->db(), "Ten", "{}", members);
        REQUIRE(id);
        app.segmentation.savedStale = true;
        NpsFilter ten;
        ten.segmentId = *id;
        REQUIRE(startNpsReport(app, "nps", ten, NpsGroupBy::SavedSegment));
        const JobRecord& ok = runToEnd(app);
        REQUIRE_MESSAGE(ok.state == JobState::Done, ok.error);
        auto json = core::parseJson(ok.resultJson);
        REQUIRE(json);
        const int64_t n = (*json)["overall"]["n"].integer();
        CHECK(n == npsCounts(npsContext(app), ten).n());
        auto count = app.store->db().queryInt(
            "SELECT count(*) FROM survey_responses WHERE kind = 'nps' AND customer_id <= 10 AND score BETWEEN 0 AND "
            "10");
        REQUIRE(count);
        CHECK(n == *count);
        REQUIRE((*json)["groups"].size() == 1);
        CHECK((*json)["groups"][0]["label"].string() == "Ten");
    }
}

TEST_SUITE("app") {
    // Regression (found by these tests): the masks were cached in one global keyed by the
    // facts' address, the data version and each segment's (id, size). SQLite reuses a deleted
    // segment's id, so a new segment of the same size showed the old one's name and members,
    // a rename kept the old name, and a second app state in the process (whose facts landed
    // at the freed address) got the first one's members.
    TEST_CASE("the view's saved segments follow a deletion, a rename, and belong to their own app state") {
        std::vector<int64_t> first10, next10;
        for (int64_t id = 1; id <= 10; ++id) {
            first10.push_back(id);
            next10.push_back(id + 10);
        }
        {
            AppState a;
            openImage(a, demoImage());
            readFacts(a);
            auto s = store::createSegment(a.store->db(), "S", "{}", first10);
            REQUIRE(s);
            a.segmentation.savedStale = true;
            NpsContext c = npsContext(a);
            REQUIRE(c.segments.size() == 1);
            CHECK(c.segments[0].member[0] == 1);
            // Deleted, and another of the same size saved: SQLite gives it the same id.
            REQUIRE(deleteSavedSegment(a, *s));
            auto t = store::createSegment(a.store->db(), "T", "{}", next10);
            REQUIRE(t);
            CHECK(*t == *s);
            a.segmentation.savedStale = true;
            c = npsContext(a);
            REQUIRE(c.segments.size() == 1);
            CHECK(c.segments[0].name == "T");
            CHECK(c.segments[0].member[0] == 0);
            CHECK(c.segments[0].member[10] == 1);
            CHECK(npsGroupCustomers(c, NpsGroupBy::SavedSegment, *t) == next10);
            // Renamed: same id and size.
            REQUIRE(store::renameSegment(a.store->db(), *t, "Renamed"));
            a.segmentation.savedStale = true;
            c = npsContext(a);
            CHECK(c.segments[0].name == "Renamed");
            CHECK(computeNps(c, NpsFilter{}, NpsGroupBy::SavedSegment).groups.at(0).label == "Renamed");
        }
        // Another app state, on other members under the same id, size and name.
        AppState b;
        openImage(b, demoImage());
        REQUIRE(store::createSegment(b.store->db(), "Renamed", "{}", first10));
        b.segmentation.savedStale = true;
        readFacts(b);
        const NpsContext c = npsContext(b);
        REQUIRE(c.segments.size() == 1);
        CHECK(c.segments[0].member[0] == 1);
        CHECK(c.segments[0].member[10] == 0);
    }
}
