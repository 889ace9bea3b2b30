// nps.cpp: the NPS view's figures.
//   1. Group names and periods
//   2. Selecting answers, the report, counts for comparisons
//   3. Drivers
//   4. The view's state: context, caches, comments, topics (a job), user topics
//   5. The automation hook's report job
#include "app/nps.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "app/app_state.hpp"
#include "app/customer_features.hpp"
#include "app/facts.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/text_format.hpp"
#include "store/model_runs.hpp"
#include "store/segments.hpp"

namespace rapport::app {

namespace {

using store::CustomerFacts;
using store::kNoDay;
using store::SurveyKind;

// ---- 1. Group names and periods ------------------------------------------------------------

struct ByName {
    NpsGroupBy by;
    const char* name;
};
constexpr ByName kByNames[] = {
    {NpsGroupBy::None, "none"},         {NpsGroupBy::Week, "week"},       {NpsGroupBy::Month, "month"},
    {NpsGroupBy::Quarter, "quarter"},   {NpsGroupBy::Region, "region"},   {NpsGroupBy::Plan, "plan"},
    {NpsGroupBy::Channel, "channel"},   {NpsGroupBy::RfmSegment, "rfm"},  {NpsGroupBy::SavedSegment, "segment"},
    {NpsGroupBy::Attribute, "attribute"},
};

std::string isoDay(int32_t day) { return core::formatIsoDate(core::civilFromDays(day)); }

// The first day of the period holding `day`.
int32_t periodStart(NpsGroupBy by, int32_t day) {
    if (by == NpsGroupBy::Week) {
        const int32_t sinceMonday = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
        return day - sinceMonday;
    }
    core::CivilDate d = core::civilFromDays(day);
    d.day = 1;
    if (by == NpsGroupBy::Quarter) d.month = (d.month - 1) / 3 * 3 + 1;
    return static_cast<int32_t>(core::daysFromCivil(d));
}

int32_t periodEnd(NpsGroupBy by, int32_t start) {
    if (by == NpsGroupBy::Week) return start + 6;
    core::CivilDate d = core::civilFromDays(start);
    const int months = by == NpsGroupBy::Quarter ? 3 : 1;
    d.month += months;
    while (d.month > 12) { d.month -= 12; ++d.year; }
    return static_cast<int32_t>(core::daysFromCivil(d)) - 1;
}

std::string periodLabel(NpsGroupBy by, int32_t start) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const core::CivilDate d = core::civilFromDays(start);
    char buf[32];
    if (by == NpsGroupBy::Week) std::snprintf(buf, sizeof buf, "%s %d, %d", kMonths[d.month - 1], d.day, d.year);
    else if (by == NpsGroupBy::Quarter) std::snprintf(buf, sizeof buf, "Q%d %d", (d.month - 1) / 3 + 1, d.year);
    else std::snprintf(buf, sizeof buf, "%s %d", kMonths[d.month - 1], d.year);
    return buf;
}

const store::Categorical* categoricalFor(const NpsContext& c, NpsGroupBy by) {
    const CustomerFacts& f = *c.facts;
    switch (by) {
        case NpsGroupBy::Region: return &f.region;
        case NpsGroupBy::Plan: return &f.plan;
        case NpsGroupBy::Channel: return &f.channel;
        case NpsGroupBy::Attribute:
            for (const store::AttributeColumn& a : f.attributes) {
                if (!a.numeric && a.name == c.attribute) return &a.categorical;
            }
            return nullptr;
        default: return nullptr;
    }
}

// ---- 2. Selecting answers -------------------------------------------------------------------------

// Calls fn(response index) for each answer of `kind` that passes the filter.
template <class Fn>
void forEachAnswer(const NpsContext& c, const NpsFilter& filter, SurveyKind kind, Fn&& fn) {
    const CustomerFacts& f = *c.facts;
    const bool anySegment = filter.segmentId != 0 || filter.rfmSegment >= 0;
    const NpsContext::Segment* seg = nullptr;
    if (filter.segmentId != 0) {
        for (const NpsContext::Segment& s : c.segments) {
            if (s.id == filter.segmentId) seg = &s;
        }
        if (seg == nullptr) return;
    }
    const auto n = static_cast<size_t>(f.customers());
    for (size_t i = 0; i < n; ++i) {
        if (anySegment) {
            if (seg != nullptr && seg->member[i] == 0) continue;
            if (filter.rfmSegment >= 0 && (c.rfm == nullptr || c.rfm->displaySegment(i) != filter.rfmSegment)) continue;
        }
        int64_t latest = -1;
        for (int64_t k = f.responseStart[i]; k < f.responseStart[i + 1]; ++k) {
            const auto r = static_cast<size_t>(k);
            if (f.responseKind[r] != kind) continue;
            const int32_t day = f.responseDay[r];
            if (day == kNoDay) continue;
            if (filter.fromDay != kNoDay && day < filter.fromDay) continue;
            if (filter.toDay != kNoDay && day > filter.toDay) continue;
            if (filter.latestOnly) latest = k;  // sorted by day: the last one wins
            else fn(k);
        }
        if (filter.latestOnly && latest >= 0) fn(latest);
    }
}

int npsGroupOf(float score) {
    const double s = std::floor(static_cast<double>(score) + 0.5);
    return s >= 9 ? 0 : s >= 7 ? 1 : 2;
}

void addAnswer(analytics::NpsCounts& c, float score) {
    if (!std::isfinite(score) || score < 0 || score > 10) { ++c.ignored; return; }
    switch (npsGroupOf(score)) {
        case 0: ++c.promoters; break;
        case 1: ++c.passives; break;
        default: ++c.detractors; break;
    }
}

}  // namespace

const char* npsGroupByName(NpsGroupBy by) {
    for (const ByName& b : kByNames) {
        if (b.by == by) return b.name;
    }
    return "none";
}

std::optional<NpsGroupBy> npsGroupByFromName(const std::string& name) {
    for (const ByName& b : kByNames) {
        if (name == b.name) return b.by;
    }
    return std::nullopt;
}

bool isPeriod(NpsGroupBy by) { return by == NpsGroupBy::Week || by == NpsGroupBy::Month || by == NpsGroupBy::Quarter; }

std::vector<int64_t> selectNpsResponses(const NpsContext& c, const NpsFilter& filter) {
    std::vector<int64_t> out;
    if (c.facts == nullptr) return out;
    forEachAnswer(c, filter, SurveyKind::Nps, [&](int64_t k) { out.push_back(k); });
    return out;
}

std::vector<int64_t> npsGroupCustomers(const NpsContext& c, NpsGroupBy by, int64_t key) {
    std::vector<int64_t> out;
    if (c.facts == nullptr) return out;
    const CustomerFacts& f = *c.facts;
    const store::Categorical* categorical = categoricalFor(c, by);
    const NpsContext::Segment* seg = nullptr;
    for (const NpsContext::Segment& s : c.segments) {
        if (s.id == key) seg = &s;
    }
    const bool rfmOk = c.rfm != nullptr && c.rfm->customerIds.size() == f.id.size();
    for (size_t i = 0; i < f.id.size(); ++i) {
        bool in = false;
        if (categorical != nullptr) in = categorical->code[i] == key;
        else if (by == NpsGroupBy::RfmSegment) in = rfmOk && c.rfm->displaySegment(i) == key;
        else if (by == NpsGroupBy::SavedSegment) in = seg != nullptr && seg->member[i] != 0;
        if (in) out.push_back(f.id[i]);
    }
    return out;
}

analytics::NpsCounts npsCounts(const NpsContext& c, const NpsFilter& filter) {
    analytics::NpsCounts counts;
    if (c.facts == nullptr) return counts;
    const CustomerFacts& f = *c.facts;
    forEachAnswer(c, filter, SurveyKind::Nps, [&](int64_t k) { addAnswer(counts, f.responseScore[static_cast<size_t>(k)]); });
    return counts;
}

namespace {

// The group keys of answer k of customer i for `by` (several for saved segments, none
// when the answer belongs to no group): period start, category code, display segment or
// the saved segment's position.
template <class Fn>
void forEachGroupKey(const NpsContext& c, NpsGroupBy by, const store::Categorical* categorical, bool rfmOk, size_t i,
                     int32_t day, Fn&& fn) {
    switch (by) {
        case NpsGroupBy::None: return;
        case NpsGroupBy::Week:
        case NpsGroupBy::Month:
        case NpsGroupBy::Quarter: fn(periodStart(by, day)); return;
        case NpsGroupBy::RfmSegment:
            if (rfmOk) fn(c.rfm->displaySegment(i));
            return;
        case NpsGroupBy::SavedSegment:
            for (size_t s = 0; s < c.segments.size(); ++s) {
                if (c.segments[s].member[i] != 0) fn(static_cast<int64_t>(s));
            }
            return;
        default:
            if (categorical != nullptr) fn(categorical->code[i]);
            return;
    }
}

// Answers of `kind` that pass the filter, with their customer: fn(customer index, response index).
template <class Fn>
void forEachCustomerAnswer(const NpsContext& c, const NpsFilter& filter, SurveyKind kind, Fn&& fn) {
    const CustomerFacts& f = *c.facts;
    size_t i = 0;  // answers come in customer order: advance the customer as they pass
    forEachAnswer(c, filter, kind, [&](int64_t k) {
        while (f.responseStart[i + 1] <= k) ++i;
        fn(i, k);
    });
}

std::string groupLabel(const NpsContext& c, NpsGroupBy by, const store::Categorical* categorical, int64_t key) {
    if (isPeriod(by)) return periodLabel(by, static_cast<int32_t>(key));
    if (by == NpsGroupBy::RfmSegment) return displaySegmentName(static_cast<int>(key));
    if (by == NpsGroupBy::SavedSegment) return c.segments[static_cast<size_t>(key)].name;
    if (categorical != nullptr && key >= 0 && static_cast<size_t>(key) < categorical->values.size()) {
        return categorical->values[static_cast<size_t>(key)];
    }
    return "(not recorded)";
}

}  // namespace

NpsReport computeNps(const NpsContext& c, const NpsFilter& filter, NpsGroupBy by, const analytics::NpsOptions& options) {
    NpsReport report;
    if (c.facts == nullptr) return report;
    const CustomerFacts& f = *c.facts;
    const store::Categorical* categorical = categoricalFor(c, by);
    const bool rfmOk = c.rfm != nullptr && c.rfm->customerIds.size() == f.id.size();
    analytics::NpsCounts overall;
    std::map<int64_t, analytics::NpsCounts> nps;
    std::map<int64_t, std::pair<int64_t, int64_t>> csat;  // key -> (satisfied, answers)
    forEachCustomerAnswer(c, filter, SurveyKind::Nps, [&](size_t i, int64_t k) {
        const auto r = static_cast<size_t>(k);
        const float score = f.responseScore[r];
        addAnswer(overall, score);
        if (std::isfinite(score) && score >= 0 && score <= 10) {
            ++report.distribution[static_cast<size_t>(std::clamp(static_cast<int>(std::floor(score + 0.5f)), 0, 10))];
        }
        forEachGroupKey(c, by, categorical, rfmOk, i, f.responseDay[r], [&](int64_t key) { addAnswer(nps[key], score); });
    });
    std::vector<float> csatScores, cesScores, score, expected;
    forEachCustomerAnswer(c, filter, SurveyKind::Csat, [&](size_t i, int64_t k) {
        const auto r = static_cast<size_t>(k);
        const float v = f.responseScore[r];
        csatScores.push_back(v);
        if (!std::isfinite(v) || v < 1 || v > 5) return;
        forEachGroupKey(c, by, categorical, rfmOk, i, f.responseDay[r], [&](int64_t key) {
            auto& g = csat[key];
            g.first += v >= 3.5f ? 1 : 0;
            ++g.second;
        });
    });
    forEachAnswer(c, filter, SurveyKind::Ces, [&](int64_t k) { cesScores.push_back(f.responseScore[static_cast<size_t>(k)]); });
    for (const SurveyKind kind : {SurveyKind::Nps, SurveyKind::Csat, SurveyKind::Ces}) {
        forEachAnswer(c, filter, kind, [&](int64_t k) {
            const auto r = static_cast<size_t>(k);
            if (!std::isfinite(f.responseExpected[r])) return;
            score.push_back(f.responseScore[r]);
            expected.push_back(f.responseExpected[r]);
        });
    }
    analytics::SatisfactionOptions so;
    so.minN = options.minN;
    so.confidence = options.confidence;
    report.responses = overall.n();
    report.overall = analytics::nps(overall, options);
    report.csat = analytics::csat(csatScores, so);
    report.ces = analytics::ces(cesScores, so);
    report.gap = analytics::expectationGap(score, expected, so);

    // The groups: every period from the first to the last (empty ones included, shown as
    // such); every saved segment; every category or segment with answers of either kind.
    std::vector<int64_t> keys;
    if (isPeriod(by)) {
        int64_t first = INT64_MAX, last = INT64_MIN;
        for (const auto& [key, counts] : nps) { first = std::min(first, key); last = std::max(last, key); }
        for (const auto& [key, counts] : csat) { first = std::min(first, key); last = std::max(last, key); }
        for (int64_t start = first; first <= last && start <= last; start = periodEnd(by, static_cast<int32_t>(start)) + 1) {
            keys.push_back(start);
        }
    } else if (by == NpsGroupBy::SavedSegment) {
        for (size_t s = 0; s < c.segments.size(); ++s) keys.push_back(static_cast<int64_t>(s));
    } else if (by != NpsGroupBy::None) {
        for (const auto& [key, counts] : nps) keys.push_back(key);
        for (const auto& [key, counts] : csat) {
            if (nps.count(key) == 0) keys.push_back(key);
        }
    }
    for (const int64_t key : keys) {
        NpsGroupRow row;
        row.key = by == NpsGroupBy::SavedSegment ? c.segments[static_cast<size_t>(key)].id : key;
        row.label = groupLabel(c, by, categorical, key);
        if (isPeriod(by)) {
            row.fromDay = static_cast<int32_t>(key);
            row.toDay = periodEnd(by, row.fromDay);
        }
        const auto n = nps.find(key);
        row.result = analytics::nps(n != nps.end() ? n->second : analytics::NpsCounts{}, options);
        const auto s = csat.find(key);
        const auto [satisfied, answers] = s != csat.end() ? s->second : std::pair<int64_t, int64_t>{0, 0};
        row.csat = analytics::wilsonInterval(satisfied, answers, options.confidence);
        row.csat.tooFew = answers < options.minN;
        report.groups.push_back(std::move(row));
    }
    if (!isPeriod(by)) {
        // Highest NPS first; groups without NPS answers last.
        std::stable_sort(report.groups.begin(), report.groups.end(), [](const NpsGroupRow& a, const NpsGroupRow& b) {
            const double x = std::isfinite(a.result.nps) ? a.result.nps : -1e9, y = std::isfinite(b.result.nps) ? b.result.nps : -1e9;
            return x > y;
        });
    }
    return report;
}

NpsReport computeNpsCrossed(const NpsContext& c, const NpsFilter& filter, NpsGroupBy by, NpsGroupBy then,
                            const analytics::NpsOptions& options) {
    NpsReport report;
    if (c.facts == nullptr) return report;
    const CustomerFacts& f = *c.facts;
    const store::Categorical* catBy = categoricalFor(c, by);
    const store::Categorical* catThen = categoricalFor(c, then);
    const bool rfmOk = c.rfm != nullptr && c.rfm->customerIds.size() == f.id.size();
    analytics::NpsCounts overall;
    std::map<std::pair<int64_t, int64_t>, analytics::NpsCounts> cells;  // (then key, by key)
    forEachCustomerAnswer(c, filter, SurveyKind::Nps, [&](size_t i, int64_t k) {
        const auto r = static_cast<size_t>(k);
        const float score = f.responseScore[r];
        addAnswer(overall, score);
        if (std::isfinite(score) && score >= 0 && score <= 10) {
            ++report.distribution[static_cast<size_t>(std::clamp(static_cast<int>(std::floor(score + 0.5f)), 0, 10))];
        }
        forEachGroupKey(c, then, catThen, rfmOk, i, f.responseDay[r], [&](int64_t outer) {
            forEachGroupKey(c, by, catBy, rfmOk, i, f.responseDay[r], [&](int64_t inner) { addAnswer(cells[{outer, inner}], score); });
        });
    });
    report.responses = overall.n();
    report.overall = analytics::nps(overall, options);
    for (const auto& [key, counts] : cells) {
        NpsGroupRow row;
        row.key = key.second;
        row.outerKey = then == NpsGroupBy::SavedSegment ? c.segments[static_cast<size_t>(key.first)].id : key.first;
        row.outerLabel = groupLabel(c, then, catThen, key.first);
        row.label = groupLabel(c, by, catBy, key.second);
        if (isPeriod(by)) {
            row.fromDay = static_cast<int32_t>(key.second);
            row.toDay = periodEnd(by, row.fromDay);
        }
        row.result = analytics::nps(counts, options);
        report.groups.push_back(std::move(row));
    }
    return report;
}

// ---- 3. Drivers ---------------------------------------------------------------------------------------

std::vector<std::string> defaultDriverFeatures() {
    return {"recency_days", "orders", "revenue", "tenure_days", "complaints", "tickets", "average_order_value"};
}

core::Result<analytics::OlsResult> npsDrivers(const NpsContext& c, const NpsFilter& filter, const std::vector<std::string>& keys) {
    if (c.facts == nullptr) return core::makeError("The customer data is not read yet.");
    const CustomerFacts& f = *c.facts;
    if (keys.empty()) return core::makeError("Choose at least one feature.");
    const auto catalog = availableFeatures(f);
    std::vector<std::string> labels;
    for (const std::string& key : keys) {
        const FeatureInfo* info = findFeature(catalog, key);
        if (info == nullptr) return core::makeError("There is no feature called \"" + key + "\" in this data.");
        labels.push_back(info->label);
    }
    // Each customer's latest answer in the window (whatever the counting rule).
    NpsFilter latest = filter;
    latest.latestOnly = true;
    std::vector<int64_t> customers;
    std::vector<double> scores;
    forEachAnswer(c, latest, SurveyKind::Nps, [&](int64_t k) {
        const auto it = std::upper_bound(f.responseStart.begin(), f.responseStart.end(), k);
        customers.push_back(static_cast<int64_t>(it - f.responseStart.begin()) - 1);
        scores.push_back(f.responseScore[static_cast<size_t>(k)]);
    });
    const int32_t asOf = filter.toDay != kNoDay ? filter.toDay : defaultAsOfDay(f);
    Eigen::MatrixXd all(static_cast<Eigen::Index>(f.customers()), static_cast<Eigen::Index>(keys.size()));
    Eigen::MatrixXd X(static_cast<Eigen::Index>(customers.size()), static_cast<Eigen::Index>(keys.size()));
    Eigen::VectorXd y(static_cast<Eigen::Index>(customers.size()));
    Eigen::Index rows = 0;
    int64_t incomplete = 0;
    Eigen::MatrixXd one(1, static_cast<Eigen::Index>(keys.size()));
    for (size_t j = 0; j < customers.size(); ++j) {
        // One customer's row (fillFeatureRows writes into rows of a full-size matrix).
        fillFeatureRows(f, keys, asOf, all, customers[j], customers[j] + 1);
        one = all.row(customers[j]);
        if (!one.allFinite()) { ++incomplete; continue; }
        X.row(rows) = one;
        y(rows) = scores[j];
        ++rows;
    }
    X.conservativeResize(rows, Eigen::NoChange);
    y.conservativeResize(rows);
    auto result = analytics::fitOls(X, y, labels);
    if (!result) return result.error();
    if (incomplete > 0) {
        result->warnings.push_back(core::formatCount(incomplete) + " answers were left out: their customers have no value for one "
                                   "of the features (e.g. no age recorded).");
    }
    return result;
}

// ---- 4. The view's state ------------------------------------------------------------------------------

namespace {

// Saved segments' members as masks over the facts, kept in the app's state until the data
// or the list changes. The list is compared by id, size, name and creation time: SQLite
// gives a new segment the id of a deleted one, and a rename keeps id and size.
void refreshMasks(AppState& app, const CustomerFacts& facts) {
    NpsState::SegmentMasks& masks = app.nps.segmentMasks;
    const std::vector<store::SegmentInfo>& saved = savedSegments(app);
    std::vector<std::tuple<int64_t, int64_t, std::string, std::string>> listed;
    for (const store::SegmentInfo& s : saved) listed.emplace_back(s.id, s.size, s.name, s.createdAt);
    if (masks.facts == &facts && masks.version == app.dataVersion && masks.listed == listed) return;
    masks.facts = &facts;
    masks.version = app.dataVersion;
    masks.listed = std::move(listed);
    masks.segments.clear();
    for (const store::SegmentInfo& s : saved) {
        NpsContext::Segment seg{s.id, s.name, std::vector<uint8_t>(static_cast<size_t>(facts.customers()), 0)};
        if (auto members = store::segmentMembers(app.store->db(), s.id)) {
            for (const int64_t id : *members) {
                const int64_t i = facts.indexOf(id);
                if (i >= 0) seg.member[static_cast<size_t>(i)] = 1;
            }
        }
        masks.segments.push_back(std::move(seg));
    }
}

void loadUserTopics(AppState& app) {
    NpsState& s = app.nps;
    if (s.topicsLoaded || !app.store) return;
    s.topicsLoaded = true;
    auto run = store::latestModelRun(app.store->db(), "nps_topics");
    if (!run || !*run) {
        // A starting set users can edit: the usual themes of customer comments.
        s.userTopics = {{"Delivery", {"delivery", "shipping", "late", "arrived"}},
                        {"Price", {"price", "expensive", "cheap", "cost"}},
                        {"Support", {"support", "service", "help", "agent"}},
                        {"Quality", {"quality", "broken", "defect"}}};
        return;
    }
    auto json = core::parseJson((*run)->parameters);
    if (!json) return;
    for (const core::JsonValue& t : (*json)["topics"].array()) {
        analytics::Topic topic;
        topic.name = t["name"].string();
        for (const core::JsonValue& k : t["keywords"].array()) topic.keywords.push_back(k.string());
        if (!topic.name.empty() && !topic.keywords.empty()) s.userTopics.push_back(std::move(topic));
    }
}

void saveUserTopics(AppState& app) {
    if (!app.store || !checkWritable(app)) return;
    core::JsonWriter w;
    w.beginObject().key("topics").beginArray();
    for (const analytics::Topic& t : app.nps.userTopics) {
        w.beginObject().field("name", t.name).key("keywords").beginArray();
        for (const std::string& k : t.keywords) w.value(k);
        w.endArray().endObject();
    }
    w.endArray().endObject();
    (void)store::saveModelRun(app.store->db(), "nps_topics", w.str(), "{}", {}, 1);
}

}  // namespace

NpsContext npsContext(AppState& app) {
    NpsContext c;
    const auto facts = currentFacts(app);
    if (!facts) {
        if (!app.runner.active && app.counts.customers > 0 && app.nps.factsRequestedVersion != app.dataVersion) {
            app.nps.factsRequestedVersion = app.dataVersion;
            (void)startReadingFacts(app);
        }
        return c;
    }
    c.facts = facts.get();
    restoreSegmentation(app);
    if (app.segmentation.rfm && app.segmentation.rfm->customerIds == facts->id) c.rfm = &*app.segmentation.rfm;
    if (app.store) {
        refreshMasks(app, *facts);
        c.segments = app.nps.segmentMasks.segments;
    }
    c.attribute = app.nps.breakdownAttribute;
    return c;
}

void refreshNps(AppState& app) {
    NpsState& s = app.nps;
    loadUserTopics(app);
    NpsContext c = npsContext(app);
    if (c.facts == nullptr) return;
    if (!s.filterInitialised) {
        // The last twelve months of data, by default.
        s.filterInitialised = true;
        const int32_t last = defaultAsOfDay(*c.facts);
        s.filter.toDay = last;
        s.filter.fromDay = last - 364;
    }
    const int64_t rfmId = c.rfm != nullptr ? c.rfm->runId : -1;
    const bool dataChanged = s.cachedVersion != app.dataVersion || s.cachedRfmRunId != rfmId || !(s.cachedFilter == s.filter);
    if (dataChanged || !s.overall) s.overall = computeNps(c, s.filter, NpsGroupBy::None);
    if (dataChanged || !s.trend || s.cachedTrendBy != s.trendBy) s.trend = computeNps(c, s.filter, s.trendBy);
    if (dataChanged || !s.breakdown || s.cachedBreakdownBy != s.breakdownBy || s.cachedAttribute != s.breakdownAttribute) {
        s.breakdown = computeNps(c, s.filter, s.breakdownBy);
    }
    if (dataChanged) s.commentsDirty = true;
    s.cachedVersion = app.dataVersion;
    s.cachedRfmRunId = rfmId;
    s.cachedFilter = s.filter;
    s.cachedTrendBy = s.trendBy;
    s.cachedBreakdownBy = s.breakdownBy;
    s.cachedAttribute = s.breakdownAttribute;
}

void refreshComments(AppState& app) {
    NpsState& s = app.nps;
    if (!app.store) return;
    if (!s.commentsDirty && s.commentsVersion == app.dataVersion) return;
    s.commentsDirty = false;
    s.commentsVersion = app.dataVersion;
    store::CommentQuery q = s.comments;
    // The view's filters apply unless a click narrowed the dates further.
    if (q.from.empty() && s.filter.fromDay != kNoDay) q.from = isoDay(s.filter.fromDay);
    if (q.to.empty() && s.filter.toDay != kNoDay) q.to = isoDay(s.filter.toDay);
    if (q.segmentId == 0) q.segmentId = s.filter.segmentId;
    if (s.filter.rfmSegment >= 0 && q.customerIds.empty() && app.segmentation.rfm) {
        q.customerIds = rfmSegmentCustomers(*app.segmentation.rfm, s.filter.rfmSegment);
        if (q.customerIds.empty()) q.customerIds.push_back(0);
    }
    auto page = store::searchComments(app.store->db(), q);
    if (page) {
        s.commentPage = std::move(*page);
        s.commentsError.clear();
    } else {
        s.commentPage.reset();
        s.commentsError = page.error().message;
    }
}

void addUserTopic(AppState& app, const std::string& name, const std::string& keywords) {
    NpsState& s = app.nps;
    s.topicsError.clear();
    const std::string trimmed(core::trim(name));
    analytics::Topic topic{trimmed, {}};
    std::string word;
    for (const char ch : keywords + ",") {
        if (ch == ',') {
            const std::string k(core::trim(word));
            if (!k.empty()) topic.keywords.push_back(k);
            word.clear();
        } else {
            word.push_back(ch);
        }
    }
    if (topic.name.empty()) { s.topicsError = "Give the topic a name."; return; }
    if (topic.keywords.empty()) { s.topicsError = "Give at least one keyword, separated by commas."; return; }
    for (const analytics::Topic& t : s.userTopics) {
        if (t.name == topic.name) { s.topicsError = "There is already a topic called \u201C" + topic.name + "\u201D."; return; }
    }
    s.userTopics.push_back(std::move(topic));
    s.newTopicName.clear();
    s.newTopicKeywords.clear();
    s.topicsVersion = 0;  // impact is computed again
    saveUserTopics(app);
}

void removeUserTopic(AppState& app, size_t index) {
    NpsState& s = app.nps;
    if (index >= s.userTopics.size()) return;
    s.userTopics.erase(s.userTopics.begin() + static_cast<std::ptrdiff_t>(index));
    s.topicsVersion = 0;
    saveUserTopics(app);
}

namespace {

// Comment topics: reads the comments of the filtered NPS answers in slices, then counts
// terms per group and the user topics' impact. Above kTopicComments, the most recent ones.
constexpr size_t kTopicComments = 100000;

class TopicsJob : public Job {
public:
    TopicsJob(std::unique_ptr<store::CommentReader> reader, std::vector<analytics::Topic> topics, NpsFilter filter, uint64_t version,
              int64_t answers, std::array<int64_t, 3> everyone)
        : reader_(std::move(reader)), topics_(std::move(topics)), filter_(filter), version_(version), answers_(answers),
          everyone_(everyone) {}
    std::string title() const override { return "Counting comment topics"; }
    core::Result<bool> run(AppState&, Clock::time_point deadline) override {
        while (!readDone_ && Clock::now() < deadline) {
            auto more = reader_->step(2000);
            if (!more) return more.error();
            for (size_t i = 0; i < reader_->texts().size(); ++i) {
                texts_.push_back(reader_->texts()[i]);
                scores_.push_back(static_cast<float>(reader_->scores()[i]));
            }
            readDone_ = !*more;
        }
        if (!readDone_) return true;
        std::vector<std::string_view> views(texts_.begin(), texts_.end());
        std::vector<int8_t> groups;
        for (const float s : scores_) groups.push_back(static_cast<int8_t>(npsGroupOf(s)));
        terms_ = analytics::topTerms(views, groups, 40, true);
        impacts_ = analytics::topicImpact(views, scores_, topics_, &everyone_);
        return false;
    }
    double progress() const override { return readDone_ ? 0.95 : 0.9 * reader_->progress(); }
    std::string detail() const override { return core::formatCount(static_cast<int64_t>(texts_.size())) + " comments read"; }
    void cancel(AppState&) override {}
    bool changesRecords() const override { return false; }
    std::string finish(AppState& app) override {
        NpsState& s = app.nps;
        s.terms = std::move(terms_);
        s.impacts = std::move(impacts_);
        s.topicsVersion = version_;
        s.topicsFilter = filter_;
        core::JsonWriter w;
        w.beginObject().field("comments", static_cast<int64_t>(texts_.size())).field("answers", answers_).endObject();
        return w.str();
    }

private:
    std::unique_ptr<store::CommentReader> reader_;
    std::vector<analytics::Topic> topics_;
    NpsFilter filter_;
    uint64_t version_;
    int64_t answers_;
    std::array<int64_t, 3> everyone_;  // groups of every answer read from, with a comment or not
    bool readDone_ = false;
    std::vector<std::string> texts_;
    std::vector<float> scores_;
    std::vector<analytics::TermCount> terms_;
    std::vector<analytics::TopicImpact> impacts_;
};

}  // namespace

core::Result<uint64_t> startTopics(AppState& app) {
    NpsContext c = npsContext(app);
    if (c.facts == nullptr || !app.store) return core::makeError("The customer data is not read yet.");
    const std::vector<int64_t> answers = selectNpsResponses(c, app.nps.filter);
    std::vector<int64_t> ids;
    // The most recent answers when there are very many (answers are in customer order:
    // sort by day to pick the latest).
    std::vector<int64_t> order = answers;
    if (order.size() > kTopicComments) {
        std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(kTopicComments), order.end(),
                         [&](int64_t a, int64_t b) { return c.facts->responseDay[static_cast<size_t>(a)] > c.facts->responseDay[static_cast<size_t>(b)]; });
        order.resize(kTopicComments);
    }
    // Impact is over every answer considered, with a comment or not (NPS of all minus NPS
    // without the answers that mention the topic).
    std::array<int64_t, 3> everyone = {0, 0, 0};
    for (const int64_t k : order) {
        ids.push_back(c.facts->responseId[static_cast<size_t>(k)]);
        const float score = c.facts->responseScore[static_cast<size_t>(k)];
        if (std::isfinite(score) && score >= 0 && score <= 10) ++everyone[static_cast<size_t>(npsGroupOf(score))];
    }
    if (ids.empty()) ids.push_back(0);  // none
    auto reader = store::CommentReader::begin(app.store->db(), "nps", std::move(ids));
    if (!reader) return reader.error();
    return startJob(app, std::make_unique<TopicsJob>(std::move(*reader), app.nps.userTopics, app.nps.filter, app.dataVersion,
                                                     static_cast<int64_t>(answers.size()), everyone));
}

void fitDrivers(AppState& app) {
    NpsState& s = app.nps;
    NpsContext c = npsContext(app);
    s.driversError.clear();
    if (c.facts == nullptr) return;
    auto result = npsDrivers(c, s.filter, s.driverFeatures);
    s.driversVersion = app.dataVersion;
    s.driversFilter = s.filter;
    if (!result) {
        s.drivers.reset();
        s.driversReading.clear();
        s.driversError = result.error().message;
        return;
    }
    s.driversReading = analytics::describeDrivers(*result, "NPS score");
    s.drivers = std::move(*result);
}

// ---- 5. The automation hook's report job -----------------------------------------------------------------

namespace {

void writeNps(core::JsonWriter& w, const analytics::NpsResult& r) {
    auto number = [&](const char* key, double v) {
        w.key(key);
        if (std::isfinite(v)) w.value(v);
        else w.null();
    };
    w.field("n", r.counts.n()).field("promoters", r.counts.promoters).field("passives", r.counts.passives);
    w.field("detractors", r.counts.detractors);
    number("nps", r.nps);
    number("low", r.low);
    number("high", r.high);
    w.field("tooFew", r.tooFew);
    w.key("shares").beginArray();
    for (const double v : r.sharesRounded) w.value(v);
    w.endArray();
}

void writeShare(core::JsonWriter& w, const analytics::ProportionInterval& p) {
    auto number = [&](const char* key, double v) {
        w.key(key);
        if (std::isfinite(v)) w.value(v);
        else w.null();
    };
    w.field("n", p.n);
    number("share", p.percent);
    number("low", p.low);
    number("high", p.high);
    w.field("tooFew", p.tooFew);
}

class NpsReportJob : public Job {
public:
    NpsReportJob(std::string kind, NpsFilter filter, NpsGroupBy by, NpsGroupBy then)
        : kind_(std::move(kind)), filter_(filter), by_(by), then_(then) {}
    std::string title() const override { return kind_ == "csat" ? "CSAT report" : "NPS report"; }
    core::Result<bool> run(AppState& app, Clock::time_point deadline) override {
        auto ready = facts_.run(app, deadline);
        if (!ready) return ready.error();
        if (!*ready) return true;
        NpsContext c = npsContext(app);
        if (c.facts == nullptr) return core::makeError("The customer data could not be read.");
        if ((by_ == NpsGroupBy::RfmSegment || then_ == NpsGroupBy::RfmSegment) && c.rfm == nullptr) {
            return core::makeError("Group by RFM segment needs an RFM result on the current data: run rapport.run('rfm') first.");
        }
        if (filter_.segmentId != 0 && std::none_of(c.segments.begin(), c.segments.end(),
                                                   [&](const NpsContext::Segment& s) { return s.id == filter_.segmentId; })) {
            return core::makeError("There is no saved segment with id " + std::to_string(filter_.segmentId) + ".");
        }
        const auto began = Clock::now();
        const NpsReport report = then_ == NpsGroupBy::None ? computeNps(c, filter_, by_) : computeNpsCrossed(c, filter_, by_, then_);
        const double computeMs = std::chrono::duration<double, std::milli>(Clock::now() - began).count();
        core::JsonWriter w;
        w.beginObject();
        if (filter_.fromDay != kNoDay) w.field("from", isoDay(filter_.fromDay));
        if (filter_.toDay != kNoDay) w.field("to", isoDay(filter_.toDay));
        if (then_ == NpsGroupBy::None) w.field("by", npsGroupByName(by_));
        else w.key("by").beginArray().value(npsGroupByName(by_)).value(npsGroupByName(then_)).endArray();
        w.field("latestOnly", filter_.latestOnly).field("computeMs", computeMs);
        w.key("overall").beginObject();
        if (kind_ == "csat") writeShare(w, report.csat);
        else writeNps(w, report.overall);
        w.endObject();
        w.key("groups").beginArray();
        for (const NpsGroupRow& g : report.groups) {
            w.beginObject().field("label", g.label);
            if (then_ != NpsGroupBy::None) w.field("group", g.outerLabel);
            if (g.fromDay != kNoDay) w.field("from", isoDay(g.fromDay)).field("to", isoDay(g.toDay));
            if (kind_ == "csat") writeShare(w, g.csat);
            else writeNps(w, g.result);
            w.endObject();
        }
        w.endArray();
        if (kind_ != "csat") {
            w.key("distribution").beginArray();
            for (const int64_t v : report.distribution) w.value(v);
            w.endArray();
        }
        w.endObject();
        json_ = w.str();
        return false;
    }
    double progress() const override { return facts_.progress(); }
    std::string detail() const override { return facts_.detail(); }
    void cancel(AppState&) override {}
    bool changesRecords() const override { return false; }
    std::string finish(AppState&) override { return json_; }

private:
    std::string kind_;
    NpsFilter filter_;
    NpsGroupBy by_, then_;
    FactsStage facts_;
    std::string json_;
};

}  // namespace

core::Result<uint64_t> startNpsReport(AppState& app, const std::string& kind, const NpsFilter& filter, NpsGroupBy by, NpsGroupBy then) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    if (kind != "nps" && kind != "csat") return core::makeError("Unknown report \"" + kind + "\".");
    if (then != NpsGroupBy::None && kind == "csat") return core::makeError("CSAT reports take one grouping.");
    if (then != NpsGroupBy::None && (by == NpsGroupBy::None || then == by)) {
        return core::makeError("Two groupings must be two different ones, e.g. by: ['month', 'rfm'].");
    }
    return startJob(app, std::make_unique<NpsReportJob>(kind, filter, by, then));
}

}  // namespace rapport::app
