// Segmentation end to end: RFM and clustering run as jobs on demo data (with customers
// who never ordered added), checked against the analytics layer on the same inputs;
// saved runs restored in a fresh app state without a job; invalid set-ups; Cancel; and
// selections saved as segments.
//   0. The demo database (made once) and helpers
//   1. RFM: agreement with analytics::computeRfm, never-ordered customers, cells and
//      segments, JSON
//   2. Clustering: k given (against the analytics layer), k chosen, JSON
//   3. Saved runs restored after a "reload", read-only tabs
//   4. Invalid set-ups, failures and Cancel
//   5. Selections and saved segments
#include "app/segmentation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "analytics/features.hpp"
#include "app/app_state.hpp"
#include "app/facts.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "store/demo_data.hpp"
#include "store/export.hpp"
#include "store/model_runs.hpp"
#include "store/segments.hpp"

using namespace rapport;
using namespace rapport::app;
using analytics::RfmSegment;

namespace {

constexpr int64_t kDemoCustomers = 3000;
constexpr int64_t kNewCustomers = 20;  // signed up, never ordered

// The demo database as a file image, made once for the whole binary; each test restores it
// into its own in-memory store.
const std::string& demoImage() {
    static const std::string image = [] {
        auto store = store::Store::open(":memory:");
        if (!store) return std::string();
        if (!store::generateDemo(store->db(), store::DemoOptions{kDemoCustomers, 7})) return std::string();
        const auto added = store->db().exec(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20) "
            "INSERT INTO customers (external_id, name, signup_date) SELECT 'NEW-' || i, 'New ' || i, '2026-09-01' FROM "
            "k");
        if (!added) return std::string();
        // A numeric custom attribute on a third of the customers, to cluster on.
        if (!store->db().exec("INSERT INTO customer_attributes (customer_id, name, value) "
                              "SELECT id, 'Score', (id % 7) * 1.5 FROM customers WHERE id % 3 = 0")) {
            return std::string();
        }
        auto bytes = store::exportDatabase(store->db());
        return bytes ? std::move(*bytes) : std::string();
    }();
    return image;
}

void openDemo(AppState& app) {
    REQUIRE_FALSE(demoImage().empty());
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    REQUIRE(store::restoreBackup(app.store->db(), demoImage()));
    refreshCounts(app);
    REQUIRE(app.counts.customers == kDemoCustomers + kNewCustomers);
}

// Runs the active job to its end, in slices as the page would.
const JobRecord& runToEnd(AppState& app) {
    for (int i = 0; i < 100000 && app.runner.active; ++i) runJobs(app, std::chrono::milliseconds(50));
    REQUIRE(app.runner.active == nullptr);
    REQUIRE_FALSE(app.runner.records.empty());
    return app.runner.records.rbegin()->second;
}

void runRfm(AppState& app) {
    REQUIRE(startRfm(app, store::kNoDay));
    const JobRecord& record = runToEnd(app);
    REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
    REQUIRE(app.segmentation.rfm.has_value());
}

void runClustering(AppState& app, const ClusterParams& params) {
    REQUIRE(startClustering(app, params));
    const JobRecord& record = runToEnd(app);
    REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
    REQUIRE(app.segmentation.clusters.has_value());
}

ClusterParams fixedK(int k, int restarts = 3, uint64_t seed = 11) {
    ClusterParams p;
    p.k = k;
    p.restarts = restarts;
    p.seed = seed;
    return p;
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(a[i]) != std::isnan(b[i])) return false;
        if (!std::isnan(a[i]) && a[i] != b[i]) return false;
    }
    return true;
}

template <size_t N>
bool sameValues(const std::array<double, N>& a, const std::array<double, N>& b) {
    return sameValues(std::vector<double>(a.begin(), a.end()), std::vector<double>(b.begin(), b.end()));
}

bool sameValues(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    return sameValues(std::vector<double>(a.data(), a.data() + a.size()),
                      std::vector<double>(b.data(), b.data() + b.size()));
}

std::string isoDay(int32_t day) { return core::formatIsoDate(core::civilFromDays(day)); }

}  // namespace

TEST_SUITE("app") {
    // ---- 1. RFM -------------------------------------------------------------------------------------

    TEST_CASE("the RFM job scores every customer as analytics::computeRfm does on the same inputs") {
        AppState app;
        openDemo(app);
        runRfm(app);
        const RfmRun& run = *app.segmentation.rfm;
        const auto facts = currentFacts(app);
        REQUIRE(facts);
        const auto n = static_cast<size_t>(facts->customers());
        CHECK(run.asOfDay == defaultAsOfDay(*facts));
        CHECK(run.asOfDay == static_cast<int32_t>(core::daysFromCivil({2026, 10, 31})));  // the demo's last day
        CHECK(run.customerIds == facts->id);
        CHECK(run.dataVersion == app.dataVersion);

        std::vector<double> recency(n), frequency(n), monetary(n);
        for (size_t i = 0; i < n; ++i) {
            const CustomerSummary s = summarizeCustomer(*facts, static_cast<int64_t>(i), run.asOfDay);
            recency[i] = s.recencyDays;
            frequency[i] = s.orders;
            monetary[i] = s.revenue;
        }
        CHECK(sameValues(run.recency, recency));
        CHECK(sameValues(run.frequency, frequency));
        CHECK(sameValues(run.monetary, monetary));
        const analytics::RfmResult expected = analytics::computeRfm(recency, frequency, monetary);
        CHECK(run.rfm.r == expected.r);
        CHECK(run.rfm.f == expected.f);
        CHECK(run.rfm.m == expected.m);
        CHECK(run.rfm.segment == expected.segment);
        CHECK(sameValues(run.rfm.recencyEdges, expected.recencyEdges));
        CHECK(sameValues(run.rfm.frequencyEdges, expected.frequencyEdges));
        CHECK(sameValues(run.rfm.monetaryEdges, expected.monetaryEdges));

        // The job's result is the run's JSON, and the run was saved.
        CHECK(app.runner.records.rbegin()->second.resultJson == rfmJson(run));
        CHECK(run.runId > 0);
        auto saved = store::latestModelRun(app.store->db(), "rfm");
        REQUIRE(saved);
        REQUIRE(saved->has_value());
        CHECK((*saved)->id == run.runId);
    }

    TEST_CASE(
        "RFM shows never-ordered customers apart: Lost holds only buyers and the shares of all 12 rows sum to 1") {
        AppState app;
        openDemo(app);
        runRfm(app);
        const RfmRun& run = *app.segmentation.rfm;
        const size_t n = run.customerIds.size();
        int64_t never = 0, lostBuyers = 0, r1f1Buyers = 0;
        for (size_t i = 0; i < n; ++i) {
            if (!run.ordered(i)) {
                ++never;
                CHECK(run.displaySegment(i) == kNeverOrdered);
                continue;
            }
            if (run.rfm.segment[i] == RfmSegment::Lost) ++lostBuyers;
            if (run.rfm.r(static_cast<Eigen::Index>(i)) == 1 && run.rfm.f(static_cast<Eigen::Index>(i)) == 1)
                ++r1f1Buyers;
        }
        CHECK(never >= kNewCustomers);  // the added ones at least
        CHECK(run.neverOrdered == never);
        CHECK(run.segments[static_cast<size_t>(RfmSegment::Lost)].customers == lostBuyers);
        CHECK(run.grid.customers[0][0] == r1f1Buyers);

        REQUIRE(run.segments.size() == static_cast<size_t>(analytics::kRfmSegmentCount));
        double shares = static_cast<double>(run.neverOrdered) / static_cast<double>(n), revenueShares = 0;
        int64_t customers = run.neverOrdered;
        for (const analytics::RfmSegmentSummary& s : run.segments) {
            CHECK(s.share == doctest::Approx(static_cast<double>(s.customers) / static_cast<double>(n)));
            shares += s.share;
            revenueShares += s.revenueShare;
            customers += s.customers;
        }
        CHECK(shares == doctest::Approx(1.0).epsilon(1e-12));
        CHECK(revenueShares == doctest::Approx(1.0).epsilon(1e-12));
        CHECK(customers == static_cast<int64_t>(n));
        int64_t inGrid = 0;
        for (const auto& row : run.grid.customers) {
            for (const int64_t c : row) inGrid += c;
        }
        CHECK(inGrid == static_cast<int64_t>(n) - never);
        CHECK(std::string(displaySegmentName(kNeverOrdered)) == "Never ordered");
        CHECK(std::string(displaySegmentName(0)) == "Champions");
    }

    TEST_CASE("the customers of an RFM cell or segment are exactly those scored there") {
        AppState app;
        openDemo(app);
        runRfm(app);
        const RfmRun& run = *app.segmentation.rfm;
        std::set<int64_t> cells;
        for (int r = 1; r <= 5; ++r) {
            for (int f = 1; f <= 5; ++f) {
                CAPTURE(r);
                CAPTURE(f);
                std::vector<int64_t> expected;
                for (size_t i = 0; i < run.customerIds.size(); ++i) {
                    const auto e = static_cast<Eigen::Index>(i);
                    if (run.ordered(i) && run.rfm.r(e) == r && run.rfm.f(e) == f)
                        expected.push_back(run.customerIds[i]);
                }
                const std::vector<int64_t> got = rfmCellCustomers(run, r, f);
                CHECK(got == expected);
                CHECK(static_cast<int64_t>(got.size()) ==
                      run.grid.customers[static_cast<size_t>(r - 1)][static_cast<size_t>(f - 1)]);
                cells.insert(got.begin(), got.end());
            }
        }
        CHECK(static_cast<int64_t>(cells.size()) == static_cast<int64_t>(run.customerIds.size()) - run.neverOrdered);

        std::set<int64_t> everyone;
        for (int index = 0; index <= kNeverOrdered; ++index) {
            CAPTURE(index);
            std::vector<int64_t> expected;
            for (size_t i = 0; i < run.customerIds.size(); ++i) {
                const bool in = index == kNeverOrdered
                                    ? !run.ordered(i)
                                    : run.ordered(i) && static_cast<int>(run.rfm.segment[i]) == index;
                if (in) expected.push_back(run.customerIds[i]);
            }
            const std::vector<int64_t> got = rfmSegmentCustomers(run, index);
            CHECK(got == expected);
            const int64_t size =
                index == kNeverOrdered ? run.neverOrdered : run.segments[static_cast<size_t>(index)].customers;
            CHECK(static_cast<int64_t>(got.size()) == size);
            for (const int64_t id : got) CHECK(everyone.insert(id).second);  // in one segment only
        }
        CHECK(everyone.size() == run.customerIds.size());
        // The customers added without orders are all in "Never ordered".
        const std::vector<int64_t> never = rfmSegmentCustomers(run, kNeverOrdered);
        const int64_t lastId = run.customerIds.back();
        for (int64_t id = lastId - kNewCustomers + 1; id <= lastId; ++id)
            CHECK(std::binary_search(never.begin(), never.end(), id));
        CHECK(rfmCellCustomers(run, 0, 1).empty());  // no such cell
        CHECK(rfmSegmentCustomers(run, 99).empty());
    }

    TEST_CASE("the RFM JSON parses and holds the as-of day, the 12 rows, the edges and the grid") {
        AppState app;
        openDemo(app);
        runRfm(app);
        const RfmRun& run = *app.segmentation.rfm;
        auto parsed = core::parseJson(rfmJson(run));
        REQUIRE(parsed);
        const core::JsonValue& j = *parsed;
        CHECK(j["asOf"].string() == isoDay(run.asOfDay));
        CHECK(j["customers"].integer() == static_cast<int64_t>(run.customerIds.size()));
        CHECK(j["customersWithoutOrders"].integer() == run.neverOrdered);
        CHECK(j["runId"].integer() == run.runId);
        REQUIRE(j["segments"].size() == static_cast<size_t>(analytics::kRfmSegmentCount + 1));
        for (int i = 0; i <= kNeverOrdered; ++i) {
            const core::JsonValue& s = j["segments"][static_cast<size_t>(i)];
            CHECK(s["name"].string() == displaySegmentName(i));
            CHECK_FALSE(s["rule"].string().empty());
            const int64_t size = i == kNeverOrdered ? run.neverOrdered : run.segments[static_cast<size_t>(i)].customers;
            CHECK(s["customers"].integer() == size);
            CHECK(s["share"].isNumber());
            CHECK(s["revenueShare"].isNumber());
        }
        CHECK(j["segments"][static_cast<size_t>(kNeverOrdered)]["averageOrderValue"].isNull());
        for (const char* key : {"recencyEdges", "frequencyEdges", "monetaryEdges"}) CHECK(j[key].size() == 4);
        REQUIRE(j["grid"].size() == 5);
        for (size_t r = 0; r < 5; ++r) {
            REQUIRE(j["grid"][r].size() == 5);
            for (size_t f = 0; f < 5; ++f) CHECK(j["grid"][r][f].integer() == run.grid.customers[r][f]);
        }
    }

    // ---- 2. Clustering ----------------------------------------------------------------------------------

    TEST_CASE("clustering with k given labels every customer and agrees with the analytics layer on the same matrix") {
        AppState app;
        openDemo(app);
        const ClusterParams params = fixedK(4);
        runClustering(app, params);
        const ClusterRun& run = *app.segmentation.clusters;
        const auto facts = currentFacts(app);
        REQUIRE(facts);
        const auto n = static_cast<size_t>(facts->customers());
        CHECK(run.k == 4);
        CHECK(run.asOfDay == defaultAsOfDay(*facts));
        CHECK(run.customerIds == facts->id);
        CHECK(run.choices.empty());
        REQUIRE(run.features.size() == params.features.size());
        for (size_t j = 0; j < run.features.size(); ++j) CHECK(run.features[j].key == params.features[j]);
        CHECK(run.features[0].label == "Days since last order");

        REQUIRE(run.labels.size() == n);
        std::vector<int64_t> sizes(4, 0);
        for (const int32_t label : run.labels) {
            REQUIRE(label >= 0);
            REQUIRE(label < 4);
            ++sizes[static_cast<size_t>(label)];
        }
        REQUIRE(run.profiles.size() == 4);
        for (int c = 0; c < 4; ++c) {
            CAPTURE(c);
            const analytics::ClusterProfile& p = run.profiles[static_cast<size_t>(c)];
            CHECK(p.cluster == c);
            CHECK(p.size == sizes[static_cast<size_t>(c)]);
            CHECK(p.size > 0);
            CHECK(p.share == doctest::Approx(static_cast<double>(p.size) / static_cast<double>(n)));
            CHECK_FALSE(p.name.empty());
            CHECK(static_cast<int64_t>(clusterCustomers(run, c).size()) == p.size);
        }
        CHECK(run.centroids.rows() == 4);
        CHECK(run.centroids.cols() == static_cast<Eigen::Index>(params.features.size()));
        CHECK(run.silhouette > -1.0);
        CHECK(run.silhouette <= 1.0);
        CHECK_FALSE(run.silhouetteSampled);  // 3,020 customers: exact

        REQUIRE(run.pcaX.size() == n);
        REQUIRE(run.pcaY.size() == n);
        for (size_t i = 0; i < n; ++i) {
            REQUIRE(std::isfinite(run.pcaX[i]));
            REQUIRE(std::isfinite(run.pcaY[i]));
        }
        CHECK(run.explained[0] >= run.explained[1]);
        CHECK(run.explained[0] + run.explained[1] <= 1.0 + 1e-9);
        CHECK(run.explained[1] > 0);

        // Ward: exact on every customer (fewer than the sample size).
        CHECK(run.wardPoints == static_cast<int64_t>(n));
        CHECK(run.tree.leaves > 1);
        CHECK(run.tree.merges.size() == static_cast<size_t>(run.tree.leaves - 1));
        CHECK(run.tree.leafWeights.sum() == doctest::Approx(static_cast<double>(n)));
        for (const int k : {2, 4, 7}) {
            const std::vector<int64_t> ward = wardClusterSizes(run, k);
            CHECK(ward.size() == static_cast<size_t>(k));
            int64_t total = 0;
            for (const int64_t s : ward) total += s;
            CHECK(total == static_cast<int64_t>(n));
            CHECK(std::is_sorted(ward.rbegin(), ward.rend()));
        }

        // The same matrix through the analytics layer directly.
        Eigen::MatrixXd raw(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(params.features.size()));
        fillFeatureRows(*facts, params.features, run.asOfDay, raw, 0, static_cast<int64_t>(n));
        std::vector<analytics::FeatureSpec> specs;
        for (const FeatureInfo& f : run.features) specs.push_back({f.label, analytics::FeatureTransform::Auto});
        auto prepared = analytics::prepareFeatures(raw, specs);
        REQUIRE(prepared);
        analytics::KMeansParams kp;
        kp.k = 4;
        kp.restarts = params.restarts;
        kp.seed = params.seed;
        const analytics::KMeansModel model = analytics::fitKMeans(prepared->X, kp);
        CHECK(run.inertia == doctest::Approx(model.inertia).epsilon(1e-9));
        CHECK(std::equal(run.labels.begin(), run.labels.end(), model.labels.data()));
        CHECK(run.silhouette ==
              doctest::Approx(analytics::silhouette(prepared->X, model.labels, 4).mean).epsilon(1e-9));
    }

    TEST_CASE("clustering with k chosen for the user keeps the k of the best silhouette in the range") {
        AppState app;
        openDemo(app);
        ClusterParams params;
        params.k = 0;
        params.kMin = 2;
        params.kMax = 5;
        params.restarts = 2;
        params.seed = 3;
        runClustering(app, params);
        const ClusterRun& run = *app.segmentation.clusters;
        REQUIRE(run.choices.size() == 4);
        int bestK = 0;
        double best = -2;
        for (size_t i = 0; i < run.choices.size(); ++i) {
            CHECK(run.choices[i].k == params.kMin + static_cast<int>(i));
            CHECK(run.choices[i].inertia > 0);
            if (run.choices[i].silhouette > best) {  // strictly: the smaller k wins a tie
                best = run.choices[i].silhouette;
                bestK = run.choices[i].k;
            }
        }
        CHECK(run.k >= params.kMin);
        CHECK(run.k <= params.kMax);
        CHECK(run.k == bestK);
        CHECK(run.silhouette == best);
        CHECK(run.profiles.size() == static_cast<size_t>(run.k));
        CHECK(run.centroids.rows() == run.k);
        int64_t total = 0;
        for (const analytics::ClusterProfile& p : run.profiles) total += p.size;
        CHECK(total == static_cast<int64_t>(run.customerIds.size()));
        for (const int32_t label : run.labels) REQUIRE((label >= 0 && label < run.k));
    }

    TEST_CASE("the clustering JSON parses and holds k, sizes, inertia, silhouette, centroids by feature and names") {
        AppState app;
        openDemo(app);
        runClustering(app, fixedK(3));
        const ClusterRun& run = *app.segmentation.clusters;
        // The job's result is the run's JSON plus where the time went, per stage.
        const std::string body = clusterJson(run);
        const std::string& result = app.runner.records.rbegin()->second.resultJson;
        CHECK(result.compare(0, body.size() - 1, body, 0, body.size() - 1) == 0);
        auto timed = core::parseJson(result);
        REQUIRE(timed);
        for (const char* stage : {"facts", "features", "prepare", "kmeans", "silhouette", "describe", "ward"}) {
            CAPTURE(stage);
            CHECK((*timed)["stageMs"][stage].number(-1) >= 0);
        }
        auto parsed = core::parseJson(clusterJson(run));
        REQUIRE(parsed);
        const core::JsonValue& j = *parsed;
        CHECK(j["k"].integer() == 3);
        CHECK(j["runId"].integer() == run.runId);
        CHECK(j["asOf"].string() == isoDay(run.asOfDay));
        CHECK(j["customers"].integer() == static_cast<int64_t>(run.customerIds.size()));
        CHECK(j["inertia"].number() == run.inertia);
        CHECK(j["silhouette"].number() == run.silhouette);
        REQUIRE(j["sizes"].size() == 3);
        REQUIRE(j["names"].size() == 3);
        REQUIRE(j["centroids"].size() == 3);
        for (size_t c = 0; c < 3; ++c) {
            CHECK(j["sizes"][c].integer() == run.profiles[c].size);
            CHECK(j["names"][c].string() == run.profiles[c].name);
            const core::JsonValue& centroid = j["centroids"][c];
            REQUIRE(centroid.isObject());
            REQUIRE(centroid.size() == run.features.size());
            for (size_t f = 0; f < run.features.size(); ++f) {
                const core::JsonValue* v = centroid.find(run.features[f].key);
                REQUIRE(v != nullptr);
                CHECK(v->number() == run.centroids(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(f)));
            }
        }
        CHECK(j["features"].size() == run.features.size());
        CHECK(j["choices"].isArray());
        CHECK(j["explainedVariance"].size() == 2);
        CHECK(j["warnings"].isArray());
    }

    // ---- 3. Saved runs ----------------------------------------------------------------------------------

    TEST_CASE("a fresh app on the same database shows the saved RFM and clustering runs again without running a job") {
        AppState first;
        openDemo(first);
        runRfm(first);
        ClusterParams params;
        params.kMin = 2;
        params.kMax = 4;
        params.restarts = 2;
        params.seed = 5;
        params.features = {"recency_days", "orders", "revenue", "complaints", "last_nps", "attr:Score"};
        runClustering(first, params);
        const RfmRun& rfm = *first.segmentation.rfm;
        const ClusterRun& clusters = *first.segmentation.clusters;
        {
            auto saved = store::latestModelRun(first.store->db(), "kmeans");
            REQUIRE(saved);
            REQUIRE(saved->has_value());
            CHECK((*saved)->id == clusters.runId);
        }

        // "Reload": the database file in another app state.
        auto image = store::exportDatabase(first.store->db());
        REQUIRE(image);
        AppState second;
        REQUIRE(openStorage(second, ":memory:", StorageState::InMemory));
        REQUIRE(store::restoreBackup(second.store->db(), *image));
        refreshCounts(second);
        restoreSegmentation(second);
        CHECK(second.runner.records.empty());
        CHECK(second.runner.active == nullptr);
        REQUIRE(second.segmentation.rfm.has_value());
        REQUIRE(second.segmentation.clusters.has_value());
        CHECK(second.segmentation.clustersGeneration == 1);

        const RfmRun& r = *second.segmentation.rfm;
        CHECK(r.runId == rfm.runId);
        CHECK(r.createdAt.size() >= 16);
        CHECK(r.asOfDay == rfm.asOfDay);
        CHECK(r.customerIds == rfm.customerIds);
        CHECK(sameValues(r.recency, rfm.recency));
        CHECK(sameValues(r.frequency, rfm.frequency));
        CHECK(sameValues(r.monetary, rfm.monetary));
        CHECK(r.rfm.r == rfm.rfm.r);
        CHECK(r.rfm.f == rfm.rfm.f);
        CHECK(r.rfm.m == rfm.rfm.m);
        CHECK(r.rfm.segment == rfm.rfm.segment);
        CHECK(r.neverOrdered == rfm.neverOrdered);
        CHECK(r.grid.customers == rfm.grid.customers);
        REQUIRE(r.segments.size() == rfm.segments.size());
        for (size_t i = 0; i < r.segments.size(); ++i) {
            CHECK(r.segments[i].customers == rfm.segments[i].customers);
            CHECK(r.segments[i].share == rfm.segments[i].share);
            CHECK(r.segments[i].revenueShare == rfm.segments[i].revenueShare);
        }
        CHECK(rfmJson(r) == rfmJson(rfm));

        const ClusterRun& c = *second.segmentation.clusters;
        CHECK(c.runId == clusters.runId);
        CHECK(c.asOfDay == clusters.asOfDay);
        CHECK(c.params.features == params.features);
        CHECK(c.params.kMin == 2);
        CHECK(c.params.kMax == 4);
        CHECK(c.params.restarts == 2);
        CHECK(c.params.seed == 5);
        CHECK(second.segmentation.draft.features == params.features);  // the set-up shows what was run
        REQUIRE(c.features.size() == clusters.features.size());
        for (size_t j = 0; j < c.features.size(); ++j) {
            CHECK(c.features[j].key == clusters.features[j].key);
            CHECK(c.features[j].label == clusters.features[j].label);  // not the bare key (the data is not read yet)
            CHECK(c.features[j].money == clusters.features[j].money);
        }
        CHECK(c.k == clusters.k);
        CHECK(c.inertia == clusters.inertia);
        CHECK(c.silhouette == clusters.silhouette);
        CHECK(c.silhouetteSampled == clusters.silhouetteSampled);
        CHECK(c.iterations == clusters.iterations);
        CHECK(c.converged == clusters.converged);
        CHECK(c.warnings == clusters.warnings);
        REQUIRE(c.choices.size() == clusters.choices.size());
        for (size_t i = 0; i < c.choices.size(); ++i) {
            CHECK(c.choices[i].k == clusters.choices[i].k);
            CHECK(c.choices[i].inertia == clusters.choices[i].inertia);
            CHECK(c.choices[i].silhouette == clusters.choices[i].silhouette);
        }
        CHECK(c.customerIds == clusters.customerIds);
        CHECK(c.labels == clusters.labels);
        CHECK(c.pcaX == clusters.pcaX);
        CHECK(c.pcaY == clusters.pcaY);
        CHECK(sameValues(c.explained, clusters.explained));
        CHECK(sameValues(c.centroids, clusters.centroids));
        REQUIRE(c.profiles.size() == clusters.profiles.size());
        for (size_t i = 0; i < c.profiles.size(); ++i) {
            const analytics::ClusterProfile& a = c.profiles[i];
            const analytics::ClusterProfile& b = clusters.profiles[i];
            CHECK(a.cluster == b.cluster);
            CHECK(a.size == b.size);
            CHECK(a.share == b.share);
            CHECK(a.name == b.name);
            CHECK(a.revenue == b.revenue);
            CHECK(sameValues(std::vector<double>{a.revenueShare}, std::vector<double>{b.revenueShare}));
            CHECK(sameValues(a.mean, b.mean));
            CHECK(sameValues(a.median, b.median));
            CHECK(sameValues(a.percentile, b.percentile));
        }
        CHECK(c.wardApproximate == clusters.wardApproximate);
        CHECK(c.wardPoints == clusters.wardPoints);
        CHECK(c.tree.leaves == clusters.tree.leaves);
        CHECK(c.tree.leafWeights == clusters.tree.leafWeights);
        REQUIRE(c.tree.merges.size() == clusters.tree.merges.size());
        bool sameMerges = true;
        for (size_t i = 0; i < c.tree.merges.size(); ++i) {
            const analytics::Merge& a = c.tree.merges[i];
            const analytics::Merge& b = clusters.tree.merges[i];
            sameMerges = sameMerges && a.a == b.a && a.b == b.b && a.height == b.height && a.size == b.size;
        }
        CHECK(sameMerges);
        CHECK(wardClusterSizes(c, 3) == wardClusterSizes(clusters, 3));
        CHECK(clusterJson(c) == clusterJson(clusters));

        // The Overview uses the restored RFM: it only reads the facts, and scores nobody again.
        CHECK(overviewStats(second) == nullptr);
        REQUIRE(second.runner.active != nullptr);
        CHECK(second.runner.active->title() == "Reading customer data");
        runToEnd(second);
        const OverviewStats* stats = overviewStats(second);
        REQUIRE(stats != nullptr);
        CHECK(stats->asOfDay == rfm.asOfDay);
        CHECK(second.segmentation.rfm->runId == rfm.runId);
        CHECK(second.runner.records.size() == 1);
    }

    TEST_CASE("an app whose database has no saved runs restores nothing") {
        AppState app;
        openDemo(app);
        restoreSegmentation(app);
        CHECK_FALSE(app.segmentation.rfm.has_value());
        CHECK_FALSE(app.segmentation.clusters.has_value());
        CHECK(app.segmentation.restored);
    }

    TEST_CASE("a read-only tab computes RFM and clustering but saves neither") {
        AppState app;
        openDemo(app);
        app.storage = StorageState::ReadOnly;
        runRfm(app);
        runClustering(app, fixedK(3, 1));
        CHECK(app.segmentation.rfm->runId == 0);
        CHECK(app.segmentation.clusters->runId == 0);
        CHECK(app.segmentation.clustersGeneration == 1);  // how the view tells unsaved runs apart
        CHECK(app.store->db().queryInt("SELECT count(*) FROM model_runs").value() == 0);
        CHECK(app.lastError.empty());
    }

    // ---- 4. Invalid set-ups, failures and Cancel ----------------------------------------------------------

    TEST_CASE("invalid clustering set-ups are refused with a reason the user can act on") {
        AppState app;
        REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
        REQUIRE(app.store->db().exec(
            "INSERT INTO customers (id, external_id, signup_date) VALUES (1, 'a', '2024-01-01'), (2, 'b', "
            "'2024-01-01'),"
            " (3, 'c', '2024-02-01'), (4, 'd', '2024-03-01'), (5, 'e', '2024-03-01');"
            "INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o1', 1, '2024-05-01', 10),"
            " ('o2', 2, '2024-05-02', 20), ('o3', 3, '2024-05-03', 30), ('o4', 3, '2024-06-03', 5), ('o5', 4, "
            "'2024-06-04', 50);"));
        refreshCounts(app);
        auto message = [&](const ClusterParams& p) {
            auto started = startClustering(app, p);
            REQUIRE_FALSE(started);
            CHECK(app.runner.active == nullptr);
            return started.error().message;
        };
        ClusterParams p = fixedK(3);
        p.features.clear();
        CHECK(message(p) == "Choose at least one feature to cluster on.");
        p = fixedK(6);
        CHECK(message(p) == "There are too few customers (5) to form 6 clusters.");
        p = fixedK(1);
        CHECK(message(p).find("One cluster is everyone") != std::string::npos);
        p = fixedK(0);
        p.kMin = 4;
        p.kMax = 3;
        CHECK(message(p) == "The range of k to try must be within 2 to 20.");
        p = fixedK(3, 0);
        CHECK(message(p) == "Restarts must be between 1 and 100.");

        // An unknown feature is found when the data is read: the job fails with the reason.
        p = fixedK(2);
        p.features = {"orders", "nope"};
        REQUIRE(startClustering(app, p));
        const JobRecord& record = runToEnd(app);
        CHECK(record.state == JobState::Failed);
        CHECK(record.error == "There is no feature called \"nope\" in this data.");
        CHECK(app.lastError == record.error);
        CHECK_FALSE(app.segmentation.clusters.has_value());

        // k = 2 with automatic k on five customers works: the range is cut to what fits.
        p = fixedK(0, 2);
        p.kMin = 2;
        p.kMax = 8;
        runClustering(app, p);
        CHECK(app.segmentation.clusters->k >= 2);
        CHECK(app.segmentation.clusters->k <= 5);
        CHECK(app.segmentation.clusters->labels.size() == 5);

        // Without a database (none could be opened, or it is still loading), or without
        // customers.
        AppState closed;
        closed.storage = StorageState::Error;
        auto none = startClustering(closed, fixedK(2));
        REQUIRE_FALSE(none);
        CHECK(none.error().message == "The database is not open.");
        AppState loading;  // start-up: the saved data is still coming in
        auto early = startClustering(loading, fixedK(2));
        REQUIRE_FALSE(early);
        CHECK(early.error().message == "The saved data is still loading: wait for rapport.ready, then try again.");
        AppState empty;
        REQUIRE(openStorage(empty, ":memory:", StorageState::InMemory));
        auto rfm = startRfm(empty, store::kNoDay);
        REQUIRE_FALSE(rfm);
        CHECK(rfm.error().message.find("There are no customers yet") == 0);
        CHECK_FALSE(startClustering(empty, fixedK(2)));
    }

    TEST_CASE("cancelling a clustering job, or a failed one, leaves the previous result in place") {
        AppState app;
        openDemo(app);
        runClustering(app, fixedK(3, 1));
        const int64_t runId = app.segmentation.clusters->runId;
        const std::vector<int32_t> labels = app.segmentation.clusters->labels;
        const uint64_t generation = app.segmentation.clustersGeneration;
        REQUIRE(runId > 0);

        REQUIRE(startClustering(app, fixedK(6, 10, 99)));
        runJobs(app, std::chrono::milliseconds(1));
        runJobs(app, std::chrono::milliseconds(1));
        REQUIRE(app.runner.active != nullptr);  // far from done after 2 ms
        requestCancel(app);
        runJobs(app);
        CHECK(app.runner.active == nullptr);
        CHECK(app.runner.records.rbegin()->second.state == JobState::Cancelled);
        REQUIRE(app.segmentation.clusters.has_value());
        CHECK(app.segmentation.clusters->runId == runId);
        CHECK(app.segmentation.clusters->k == 3);
        CHECK(app.segmentation.clusters->labels == labels);
        auto saved = store::latestModelRun(app.store->db(), "kmeans");
        REQUIRE(saved);
        REQUIRE(saved->has_value());
        CHECK((*saved)->id == runId);

        ClusterParams bad = fixedK(3);
        bad.features = {"attr:Nothing"};
        REQUIRE(startClustering(app, bad));
        CHECK(runToEnd(app).state == JobState::Failed);
        CHECK(app.segmentation.clusters->runId == runId);
        CHECK(app.segmentation.clustersGeneration == generation);
    }

    // ---- 5. Selections and saved segments --------------------------------------------------------------

    TEST_CASE("a selection is saved as a segment once per name, listed, and shown as JSON") {
        AppState app;
        openDemo(app);
        runRfm(app);
        const RfmRun& run = *app.segmentation.rfm;
        SegmentationState& s = app.segmentation;

        CHECK_FALSE(saveSelectionAsSegment(app, "Nobody"));
        CHECK(s.error.find("Select some customers first") == 0);

        const std::vector<int64_t> champions = rfmSegmentCustomers(run, static_cast<int>(RfmSegment::Champions));
        REQUIRE_FALSE(champions.empty());
        s.selection = Selection{champions, "RFM: Champions", "{\"source\":\"rfm\",\"segment\":\"Champions\"}"};
        CHECK(savedSegments(app).empty());
        REQUIRE(saveSelectionAsSegment(app, "Champions"));
        CHECK(s.error.empty());
        CHECK(s.message.find("Saved") == 0);
        CHECK(s.message.find("Champions") != std::string::npos);
        CHECK(app.counts.segments == 1);

        const auto& listed = savedSegments(app);
        REQUIRE(listed.size() == 1);
        CHECK(listed[0].name == "Champions");
        const int64_t championsId = listed[0].id;
        CHECK(listed[0].size == static_cast<int64_t>(champions.size()));
        auto members = store::segmentMembers(app.store->db(), listed[0].id);
        REQUIRE(members);
        CHECK(*members == champions);

        // The same name, in any case, is refused with the store's message.
        const std::string expected = store::checkSegmentName(app.store->db(), "CHAMPIONS").error().message;
        CHECK_FALSE(saveSelectionAsSegment(app, "CHAMPIONS"));
        CHECK(s.error == expected);
        CHECK(s.error.find("already exists") != std::string::npos);
        CHECK(s.message.empty());
        CHECK_FALSE(saveSelectionAsSegment(app, "   "));
        CHECK(s.error == "Give the segment a name.");
        CHECK(app.counts.segments == 1);

        // A read-only tab saves nothing.
        app.storage = StorageState::ReadOnly;
        CHECK_FALSE(saveSelectionAsSegment(app, "Elsewhere"));
        CHECK(s.error.find("read-only") != std::string::npos);
        app.storage = StorageState::InMemory;

        // A second one, and one made outside Rapport whose definition is not JSON.
        s.selection = Selection{rfmSegmentCustomers(run, kNeverOrdered), "RFM: Never ordered", "{\"source\":\"rfm\"}"};
        REQUIRE(saveSelectionAsSegment(app, "Never ordered"));
        REQUIRE(store::createSegment(app.store->db(), "Hand made", "not json", std::vector<int64_t>{1, 2, 3}));
        app.segmentation.savedStale = true;
        REQUIRE(savedSegments(app).size() == 3);

        auto parsed = core::parseJson(segmentsJson(app));
        REQUIRE(parsed);
        REQUIRE(parsed->isArray());
        REQUIRE(parsed->size() == 3);
        bool sawChampions = false, sawHandMade = false;
        for (const core::JsonValue& seg : parsed->array()) {
            CHECK(seg["id"].integer() > 0);
            CHECK(seg["createdAt"].isString());
            if (seg["name"].string() == "Champions") {
                sawChampions = true;
                CHECK(seg["size"].integer() == static_cast<int64_t>(champions.size()));
                REQUIRE(seg["definition"].isObject());
                CHECK(seg["definition"]["segment"].string() == "Champions");
            }
            if (seg["name"].string() == "Hand made") {
                sawHandMade = true;
                CHECK(seg["size"].integer() == 3);
                CHECK(seg["definition"].string() == "not json");
            }
        }
        CHECK(sawChampions);
        CHECK(sawHandMade);

        // Deleting lists it no more.
        REQUIRE(deleteSavedSegment(app, championsId));
        CHECK(savedSegments(app).size() == 2);
        CHECK(app.counts.segments == 2);
    }

}  // TEST_SUITE
