// segmentation.cpp: the Segments view's analyses.
//   1. Days and JSON helpers
//   2. RFM: computing, the job, JSON, customers of a cell or segment
//   3. Clustering: the job (facts, features, k-means or choose k, silhouette, PCA,
//      profiles, Ward), JSON, customers of a cluster
//   4. Saving runs and restoring them after a reload
//   5. Saved segments and selections
#include "app/segmentation.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <cmath>
#include <numeric>

#include "analytics/features.hpp"
#include "analytics/pca.hpp"
#include "app/app_state.hpp"
#include "app/facts.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/random.hpp"
#include "core/text_format.hpp"
#include "store/customers.hpp"
#include "store/export.hpp"
#include "store/model_runs.hpp"

namespace rapport::app {

namespace {

using Clock = std::chrono::steady_clock;
using analytics::RfmSegment;

// ---- 1. Days and JSON helpers ----------------------------------------------------------------

std::string isoDay(int32_t day) { return core::formatIsoDate(core::civilFromDays(day)); }

int32_t resolveAsOf(const store::CustomerFacts& facts, int32_t asOfDay) {
    return asOfDay == 0 || asOfDay == store::kNoDay ? defaultAsOfDay(facts) : asOfDay;
}

void writeNumberOrNull(core::JsonWriter& w, double v) {
    if (std::isfinite(v)) w.value(v);
    else w.null();
}

// ---- 2. RFM --------------------------------------------------------------------------------

void computeRfmInputs(const store::CustomerFacts& facts, int32_t asOf, int64_t from, int64_t to, RfmRun& run) {
    for (int64_t i = from; i < to; ++i) {
        const CustomerSummary s = summarizeCustomer(facts, i, asOf);
        run.recency[static_cast<size_t>(i)] = s.recencyDays;
        run.frequency[static_cast<size_t>(i)] = s.orders;
        run.monetary[static_cast<size_t>(i)] = s.revenue;
    }
}

void finishRfmRun(RfmRun& run) {
    run.rfm = analytics::computeRfm(run.recency, run.frequency, run.monetary);
    run.segments = analytics::summarizeRfmSegments(run.rfm, run.recency, run.frequency, run.monetary);
    run.grid = analytics::rfmGrid(run.rfm, run.monetary);
    // Never-ordered customers out of Lost and out of the R1 F1 cell (see kNeverOrdered).
    // They have no revenue, orders or recency, so only counts and shares change.
    run.neverOrdered = run.rfm.customersWithoutOrders;
    const auto n = static_cast<double>(std::max<size_t>(1, run.customerIds.size()));
    auto& lost = run.segments[static_cast<size_t>(RfmSegment::Lost)];
    lost.customers -= run.neverOrdered;
    lost.share = static_cast<double>(lost.customers) / n;
    int64_t& cell = run.grid.customers[0][0];
    double& mean = run.grid.meanMonetary[0][0];
    const int64_t buyers = cell - run.neverOrdered;
    mean = buyers > 0 && std::isfinite(mean) ? mean * static_cast<double>(cell) / static_cast<double>(buyers) : NAN;
    cell = buyers;
}

core::Result<int64_t> saveRfmRun(store::Db& db, const RfmRun& run) {
    core::JsonWriter params;
    params.beginObject().field("asOf", isoDay(run.asOfDay)).endObject();
    const std::string metrics = rfmJson(run);
    std::vector<store::RunArray> arrays = {
        store::RunArray::ofInt64("customer_id", run.customerIds),
        store::RunArray::ofFloat64("recency", run.recency),
        store::RunArray::ofFloat64("frequency", run.frequency),
        store::RunArray::ofFloat64("monetary", run.monetary),
    };
    return store::saveModelRun(db, "rfm", params.str(), metrics, arrays);
}

class RfmJob : public Job {
public:
    RfmJob(int32_t asOfDay, bool background) : asOfDay_(asOfDay), background_(background) {}
    std::string title() const override { return "RFM analysis"; }
    bool givesWay() const override { return background_; }

    core::Result<bool> run(AppState& app, Clock::time_point deadline) override {
        if (stage_ == 0) {
            auto ready = facts_.run(app, deadline);
            if (!ready) return ready.error();
            if (!*ready) return true;
            const auto& f = *facts_.facts();
            run_.asOfDay = resolveAsOf(f, asOfDay_);
            run_.dataVersion = app.dataVersion;
            run_.customerIds = f.id;
            const auto n = static_cast<size_t>(f.customers());
            run_.recency.assign(n, NAN);
            run_.frequency.assign(n, 0.0);
            run_.monetary.assign(n, 0.0);
            stage_ = 1;
        }
        const auto& f = *facts_.facts();
        while (stage_ == 1 && Clock::now() < deadline) {
            const int64_t to = std::min(f.customers(), next_ + 20000);
            computeRfmInputs(f, run_.asOfDay, next_, to, run_);
            next_ = to;
            if (next_ >= f.customers()) stage_ = 2;
        }
        if (stage_ == 2 && Clock::now() < deadline) {
            finishRfmRun(run_);
            stage_ = 3;
        }
        return stage_ < 3;
    }

    double progress() const override {
        if (stage_ == 0) return 0.6 * facts_.progress();
        const auto n = facts_.facts() ? facts_.facts()->customers() : 1;
        return stage_ >= 2 ? 0.98 : 0.6 + 0.35 * static_cast<double>(next_) / static_cast<double>(std::max<int64_t>(1, n));
    }
    std::string detail() const override { return stage_ == 0 ? facts_.detail() : "Scoring customers"; }
    void cancel(AppState&) override {}
    bool changesRecords() const override { return false; }

    std::string finish(AppState& app) override {
        if (app.store && checkWritable(app)) {
            if (auto id = saveRfmRun(app.store->db(), run_); id) run_.runId = *id;
            else app.lastError = "The RFM result could not be saved: " + id.error().message;
        }
        std::string json = rfmJson(run_);
        app.segmentation.rfm = std::move(run_);
        return json;
    }

private:
    int32_t asOfDay_;
    bool background_;
    FactsStage facts_;
    int stage_ = 0;
    int64_t next_ = 0;
    RfmRun run_;
};

// ---- 3. Clustering -----------------------------------------------------------------------------

constexpr int64_t kWardSample = 20000;  // Ward runs on at most this many customers

class ClusterJob : public Job {
public:
    explicit ClusterJob(ClusterParams params) : params_(std::move(params)) {}
    std::string title() const override { return "Clustering customers"; }

    core::Result<bool> run(AppState& app, Clock::time_point deadline) override {
        while (Clock::now() < deadline) {
            const Stage stage = stage_;
            const auto began = Clock::now();
            auto more = advance(app, deadline);
            stageMs_[static_cast<size_t>(stage)] += std::chrono::duration<double, std::milli>(Clock::now() - began).count();
            if (!more) return more.error();
            if (!*more) return false;
        }
        return true;
    }

    double progress() const override {
        // Rough shares of the work: reading 25%, features 5%, k-means 45%, silhouette 10%,
        // the rest (PCA, profiles) 5%, Ward 10%.
        switch (stage_) {
            case Stage::Facts: return 0.25 * facts_.progress();
            case Stage::Matrix: return 0.25 + 0.05 * fraction(next_, rows());
            case Stage::Prepare: return 0.30;
            case Stage::Fit: return 0.30 + 0.45 * (choose_ ? choose_->progress() : kmeans_ ? kmeans_->progress() : 0.0);
            case Stage::Silhouette: return 0.75 + 0.10 * (silhouette_ ? silhouette_->progress() : 0.0);
            case Stage::Describe: return 0.85;
            case Stage::Ward: return 0.90 + 0.10 * (ward_ ? ward_->progress() : 0.0);
            case Stage::Done: return 1.0;
        }
        return 0.0;
    }

    std::string detail() const override {
        switch (stage_) {
            case Stage::Facts: return facts_.detail();
            case Stage::Matrix: return "Computing features: " + core::formatCount(next_) + " of " + core::formatCount(rows()) + " customers";
            case Stage::Prepare: return "Preparing features";
            case Stage::Fit:
                if (choose_) {
                    const auto done = choose_->results().size();
                    return "Trying k from " + std::to_string(params_.kMin) + " to " + std::to_string(params_.kMax) + " (" +
                           std::to_string(done) + " done)";
                }
                return "k-means with k = " + std::to_string(params_.k) + ", " + std::to_string(params_.restarts) + " restarts";
            case Stage::Silhouette: return "Measuring how well the clusters separate (silhouette)";
            case Stage::Describe: return "Projecting and describing the clusters";
            case Stage::Ward: return "Hierarchical clustering (Ward)";
            case Stage::Done: return "Done";
        }
        return {};
    }

    void cancel(AppState&) override {}
    bool changesRecords() const override { return false; }

    std::string finish(AppState& app) override {
        if (app.store && checkWritable(app)) {
            if (auto id = saveClusterRun(app.store->db()); id) run_.runId = *id;
            else app.lastError = "The clustering result could not be saved: " + id.error().message;
        }
        std::string json = clusterJson(run_);
        // Where the time went, per stage (benchmarks compare k-means alone with others').
        static constexpr const char* kStages[] = {"facts", "features", "prepare", "kmeans", "silhouette", "describe", "ward"};
        core::JsonWriter stages;
        stages.beginObject();
        for (size_t i = 0; i < std::size(kStages); ++i) stages.field(kStages[i], stageMs_[i]);
        stages.endObject();
        json.pop_back();
        json += ",\"stageMs\":" + stages.str() + "}";
        app.segmentation.clusters = std::move(run_);
        ++app.segmentation.clustersGeneration;
        app.segmentation.wardCut = 0;
        return json;
    }

private:
    enum class Stage { Facts, Matrix, Prepare, Fit, Silhouette, Describe, Ward, Done };

    static double fraction(int64_t a, int64_t b) { return b <= 0 ? 1.0 : static_cast<double>(a) / static_cast<double>(b); }
    int64_t rows() const { return facts_.facts() ? facts_.facts()->customers() : 0; }

    core::Result<bool> advance(AppState& app, Clock::time_point deadline) {
        switch (stage_) {
            case Stage::Facts: {
                auto ready = facts_.run(app, deadline);
                if (!ready) return ready.error();
                if (!*ready) return true;
                const auto& f = *facts_.facts();
                if (auto s = params_.validate(f.customers()); !s) return s.error();
                const auto catalog = availableFeatures(f);
                for (const std::string& key : params_.features) {
                    const FeatureInfo* info = findFeature(catalog, key);
                    if (info == nullptr) return core::makeError("There is no feature called \"" + key + "\" in this data.");
                    run_.features.push_back(*info);
                }
                run_.params = params_;
                run_.asOfDay = resolveAsOf(f, params_.asOfDay);
                run_.dataVersion = app.dataVersion;
                run_.customerIds = f.id;
                raw_.resize(f.customers(), static_cast<Eigen::Index>(params_.features.size()));
                revenue_.assign(static_cast<size_t>(f.customers()), 0.0);
                stage_ = Stage::Matrix;
                return true;
            }
            case Stage::Matrix: {
                const auto& f = *facts_.facts();
                const int64_t to = std::min(f.customers(), next_ + 20000);
                fillFeatureRows(f, params_.features, run_.asOfDay, raw_, next_, to);
                for (int64_t i = next_; i < to; ++i) revenue_[static_cast<size_t>(i)] = summarizeCustomer(f, i, run_.asOfDay).revenue;
                next_ = to;
                if (next_ >= f.customers()) stage_ = Stage::Prepare;
                return true;
            }
            case Stage::Prepare: {
                std::vector<analytics::FeatureSpec> specs;
                for (const FeatureInfo& info : run_.features) specs.push_back({info.label, analytics::FeatureTransform::Auto});
                auto prepared = analytics::prepareFeatures(raw_, specs);
                if (!prepared) return prepared.error();
                prepared_ = std::move(*prepared);
                run_.warnings = prepared_.warnings;
                if (params_.k > 0) {
                    analytics::KMeansParams kp;
                    kp.k = params_.k;
                    kp.restarts = params_.restarts;
                    kp.seed = params_.seed;
                    kmeans_.emplace(prepared_.X, kp);
                } else {
                    analytics::ChooseKParams cp;
                    cp.kMin = params_.kMin;
                    cp.kMax = std::min<int64_t>(params_.kMax, rows());
                    cp.kmeans.restarts = params_.restarts;
                    cp.kmeans.seed = params_.seed;
                    cp.silhouette.seed = params_.seed;
                    choose_.emplace(prepared_.X, cp);
                }
                stage_ = Stage::Fit;
                return true;
            }
            case Stage::Fit: {
                if (choose_) {
                    if (choose_->step()) return true;
                    run_.choices = choose_->results();
                    const int best = choose_->bestK();
                    model_ = choose_->model(best);
                    for (const analytics::KChoice& c : run_.choices) {
                        if (c.k == best) run_.silhouette = c.silhouette;
                    }
                    run_.silhouetteSampled = rows() > analytics::SilhouetteOptions{}.maxExact;
                    choose_.reset();
                    stage_ = Stage::Describe;
                } else {
                    if (kmeans_->step()) return true;
                    model_ = kmeans_->result();
                    kmeans_.reset();
                    analytics::SilhouetteOptions so;
                    so.seed = params_.seed;
                    silhouette_.emplace(prepared_.X, model_.labels, params_.k, so);
                    stage_ = Stage::Silhouette;
                }
                return true;
            }
            case Stage::Silhouette: {
                if (silhouette_->step()) return true;
                run_.silhouette = silhouette_->result().mean;
                run_.silhouetteSampled = silhouette_->result().sampled;
                silhouette_.reset();
                stage_ = Stage::Describe;
                return true;
            }
            case Stage::Describe: {
                describe();
                startWard();
                stage_ = Stage::Ward;
                return true;
            }
            case Stage::Ward: {
                if (ward_->step()) return true;
                const analytics::WardResult ward = ward_->result();
                run_.tree = ward.tree;
                run_.wardApproximate = ward.approximate;
                ward_.reset();
                stage_ = Stage::Done;
                return false;
            }
            case Stage::Done: return false;
        }
        return false;
    }

    void describe() {
        run_.k = static_cast<int>(model_.centroids.rows());
        run_.inertia = model_.inertia;
        run_.iterations = model_.iterations;
        run_.converged = model_.converged;
        run_.labels.assign(model_.labels.data(), model_.labels.data() + model_.labels.size());
        run_.centroids = analytics::toOriginalUnits(prepared_, model_.centroids);
        std::vector<std::string> names;
        for (const FeatureInfo& info : run_.features) names.push_back(info.key);
        // Profiles in original units, with missing values left out (not the filled ones).
        run_.profiles = analytics::profileClusters(raw_, names, model_.labels, run_.k, revenue_);
        if (auto pca = analytics::fitPca(prepared_.X, std::min<int>(2, static_cast<int>(prepared_.X.cols()))); pca) {
            const Eigen::MatrixXd xy = analytics::projectPca(*pca, prepared_.X);
            const auto n = static_cast<size_t>(xy.rows());
            run_.pcaX.resize(n);
            run_.pcaY.assign(n, 0.0f);
            for (size_t i = 0; i < n; ++i) {
                run_.pcaX[i] = static_cast<float>(xy(static_cast<Eigen::Index>(i), 0));
                if (xy.cols() > 1) run_.pcaY[i] = static_cast<float>(xy(static_cast<Eigen::Index>(i), 1));
            }
            for (Eigen::Index c = 0; c < pca->explainedVarianceRatio.size() && c < 2; ++c) {
                run_.explained[static_cast<size_t>(c)] = pca->explainedVarianceRatio(c);
            }
        }
    }

    void startWard() {
        const int64_t n = rows();
        analytics::WardParams wp;
        wp.seed = params_.seed;
        if (n <= kWardSample) {
            run_.wardPoints = n;
            ward_.emplace(prepared_.X, wp);
            return;
        }
        // A fixed-seed sample: Ward's tree is about structure, which a sample of 20,000
        // customers shows as well as all of them, in a fraction of the time.
        core::Random random(params_.seed ^ 0x5741524Dull);
        std::vector<int64_t> index(static_cast<size_t>(n));
        std::iota(index.begin(), index.end(), int64_t{0});
        for (int64_t i = 0; i < kWardSample; ++i) {
            const auto j = i + static_cast<int64_t>(random.next() % static_cast<uint64_t>(n - i));
            std::swap(index[static_cast<size_t>(i)], index[static_cast<size_t>(j)]);
        }
        Eigen::MatrixXd sample(kWardSample, prepared_.X.cols());
        for (int64_t i = 0; i < kWardSample; ++i) sample.row(i) = prepared_.X.row(index[static_cast<size_t>(i)]);
        run_.wardPoints = kWardSample;
        ward_.emplace(sample, wp);
    }

    core::Result<int64_t> saveClusterRun(store::Db& db) const;

    ClusterParams params_;
    FactsStage facts_;
    Stage stage_ = Stage::Facts;
    int64_t next_ = 0;
    Eigen::MatrixXd raw_;
    std::vector<double> revenue_;
    analytics::PreparedFeatures prepared_;
    std::optional<analytics::KMeansFit> kmeans_;
    std::optional<analytics::ChooseKFit> choose_;
    std::optional<analytics::SilhouetteFit> silhouette_;
    std::optional<analytics::WardFit> ward_;
    analytics::KMeansModel model_;
    ClusterRun run_;
    std::array<double, 8> stageMs_{};  // per Stage
};

// ---- 4. Saving runs and restoring them ----------------------------------------------------------

std::string clusterParamsJson(const ClusterParams& p, int32_t asOfDay) {
    core::JsonWriter w;
    w.beginObject();
    w.key("features").beginArray();
    for (const std::string& f : p.features) w.value(f);
    w.endArray();
    w.field("k", p.k).field("kMin", p.kMin).field("kMax", p.kMax).field("restarts", p.restarts);
    w.field("seed", static_cast<int64_t>(p.seed)).field("asOf", isoDay(asOfDay));
    w.endObject();
    return w.str();
}

// What the clustering view needs beyond the per-customer arrays.
std::string clusterMetricsJson(const ClusterRun& r) {
    core::JsonWriter w;
    w.beginObject();
    w.field("k", r.k).field("inertia", r.inertia).field("silhouette", r.silhouette);
    w.field("silhouetteSampled", r.silhouetteSampled).field("iterations", r.iterations).field("converged", r.converged);
    w.key("explained").beginArray().value(r.explained[0]).value(r.explained[1]).endArray();
    w.key("choices").beginArray();
    for (const analytics::KChoice& c : r.choices) {
        w.beginObject().field("k", c.k).field("inertia", c.inertia).field("silhouette", c.silhouette).endObject();
    }
    w.endArray();
    w.key("centroids").beginArray();
    for (Eigen::Index c = 0; c < r.centroids.rows(); ++c) {
        w.beginArray();
        for (Eigen::Index j = 0; j < r.centroids.cols(); ++j) writeNumberOrNull(w, r.centroids(c, j));
        w.endArray();
    }
    w.endArray();
    w.key("profiles").beginArray();
    for (const analytics::ClusterProfile& p : r.profiles) {
        w.beginObject().field("cluster", p.cluster).field("size", p.size).field("share", p.share).field("name", p.name);
        w.field("revenue", p.revenue);
        w.key("revenueShare");
        writeNumberOrNull(w, p.revenueShare);
        for (const auto& [name, values] : {std::pair{"mean", &p.mean}, std::pair{"median", &p.median}, std::pair{"percentile", &p.percentile}}) {
            w.key(name).beginArray();
            for (const double v : *values) writeNumberOrNull(w, v);
            w.endArray();
        }
        w.endObject();
    }
    w.endArray();
    w.key("warnings").beginArray();
    for (const std::string& s : r.warnings) w.value(s);
    w.endArray();
    w.field("wardApproximate", r.wardApproximate).field("wardPoints", r.wardPoints).field("wardLeaves", r.tree.leaves);
    w.endObject();
    return w.str();
}

core::Result<int64_t> ClusterJob::saveClusterRun(store::Db& db) const {
    const ClusterRun& r = run_;
    std::vector<int32_t> a, b;
    std::vector<double> height, weights(r.tree.leafWeights.data(), r.tree.leafWeights.data() + r.tree.leafWeights.size());
    std::vector<int64_t> size;
    for (const analytics::Merge& m : r.tree.merges) {
        a.push_back(m.a);
        b.push_back(m.b);
        height.push_back(m.height);
        size.push_back(m.size);
    }
    std::vector<store::RunArray> arrays = {
        store::RunArray::ofInt64("customer_id", r.customerIds), store::RunArray::ofInt32("label", r.labels),
        store::RunArray::ofFloat32("pca_x", r.pcaX),          store::RunArray::ofFloat32("pca_y", r.pcaY),
        store::RunArray::ofInt32("ward_a", a),                store::RunArray::ofInt32("ward_b", b),
        store::RunArray::ofFloat64("ward_height", height),   store::RunArray::ofInt64("ward_size", size),
        store::RunArray::ofFloat64("ward_leaf_weight", weights),
    };
    return store::saveModelRun(db, "kmeans", clusterParamsJson(r.params, r.asOfDay), clusterMetricsJson(r), arrays);
}

int32_t dayOf(const std::string& iso) {
    const auto d = core::parseIsoDate(iso);
    return d ? static_cast<int32_t>(core::daysFromCivil(*d)) : store::kNoDay;
}

std::vector<double> numbers(const core::JsonValue& array) {
    std::vector<double> out;
    for (const core::JsonValue& v : array.array()) out.push_back(v.number());
    return out;
}

std::optional<RfmRun> loadRfmRun(store::Db& db, const store::ModelRun& saved) {
    auto params = core::parseJson(saved.parameters);
    if (!params) return std::nullopt;
    RfmRun run;
    run.runId = saved.id;
    run.createdAt = saved.createdAt;
    run.asOfDay = dayOf((*params)["asOf"].string());
    auto ids = store::loadInt64(db, saved.id, "customer_id");
    auto recency = store::loadFloat64(db, saved.id, "recency");
    auto frequency = store::loadFloat64(db, saved.id, "frequency");
    auto monetary = store::loadFloat64(db, saved.id, "monetary");
    if (!ids || !recency || !frequency || !monetary || run.asOfDay == store::kNoDay) return std::nullopt;
    if (recency->size() != ids->size() || frequency->size() != ids->size() || monetary->size() != ids->size()) return std::nullopt;
    run.customerIds = std::move(*ids);
    run.recency = std::move(*recency);
    run.frequency = std::move(*frequency);
    run.monetary = std::move(*monetary);
    finishRfmRun(run);  // scores are recomputed from the saved values: fast and identical
    return run;
}

std::optional<ClusterRun> loadClusterRun(store::Db& db, const store::ModelRun& saved, const std::vector<FeatureInfo>& catalog) {
    auto params = core::parseJson(saved.parameters);
    auto metrics = core::parseJson(saved.metrics);
    if (!params || !metrics) return std::nullopt;
    ClusterRun r;
    r.runId = saved.id;
    r.createdAt = saved.createdAt;
    const core::JsonValue& p = *params;
    const core::JsonValue& m = *metrics;
    r.params.features.clear();
    for (const core::JsonValue& f : p["features"].array()) r.params.features.push_back(f.string());
    r.params.k = static_cast<int>(p["k"].integer());
    r.params.kMin = static_cast<int>(p["kMin"].integer(2));
    r.params.kMax = static_cast<int>(p["kMax"].integer(8));
    r.params.restarts = static_cast<int>(p["restarts"].integer(10));
    r.params.seed = static_cast<uint64_t>(p["seed"].integer());
    r.asOfDay = dayOf(p["asOf"].string());
    r.params.asOfDay = r.asOfDay;
    for (const std::string& key : r.params.features) {
        const FeatureInfo* info = findFeature(catalog, key);
        const std::string label = key.rfind("attr:", 0) == 0 ? key.substr(5) : key;
        r.features.push_back(info != nullptr ? *info : FeatureInfo{key, label, "", false});
    }
    r.k = static_cast<int>(m["k"].integer());
    r.inertia = m["inertia"].number();
    r.silhouette = m["silhouette"].number();
    r.silhouetteSampled = m["silhouetteSampled"].boolean();
    r.iterations = static_cast<int>(m["iterations"].integer());
    r.converged = m["converged"].boolean();
    r.explained = {m["explained"][0].number(0), m["explained"][1].number(0)};
    for (const core::JsonValue& c : m["choices"].array()) {
        r.choices.push_back({static_cast<int>(c["k"].integer()), c["inertia"].number(), c["silhouette"].number()});
    }
    const auto d = static_cast<Eigen::Index>(r.features.size());
    r.centroids = Eigen::MatrixXd::Constant(r.k, d, NAN);
    for (Eigen::Index c = 0; c < r.k; ++c) {
        for (Eigen::Index j = 0; j < d; ++j) r.centroids(c, j) = m["centroids"][static_cast<size_t>(c)][static_cast<size_t>(j)].number();
    }
    for (const core::JsonValue& q : m["profiles"].array()) {
        analytics::ClusterProfile pr;
        pr.cluster = static_cast<int>(q["cluster"].integer());
        pr.size = q["size"].integer();
        pr.share = q["share"].number();
        pr.name = q["name"].string();
        pr.revenue = q["revenue"].number(0);
        pr.revenueShare = q["revenueShare"].number();
        pr.mean = numbers(q["mean"]);
        pr.median = numbers(q["median"]);
        pr.percentile = numbers(q["percentile"]);
        r.profiles.push_back(std::move(pr));
    }
    for (const core::JsonValue& s : m["warnings"].array()) r.warnings.push_back(s.string());
    r.wardApproximate = m["wardApproximate"].boolean();
    r.wardPoints = m["wardPoints"].integer();

    auto ids = store::loadInt64(db, saved.id, "customer_id");
    auto labels = store::loadInt32(db, saved.id, "label");
    auto x = store::loadFloat32(db, saved.id, "pca_x");
    auto y = store::loadFloat32(db, saved.id, "pca_y");
    auto a = store::loadInt32(db, saved.id, "ward_a");
    auto b = store::loadInt32(db, saved.id, "ward_b");
    auto height = store::loadFloat64(db, saved.id, "ward_height");
    auto size = store::loadInt64(db, saved.id, "ward_size");
    auto weights = store::loadFloat64(db, saved.id, "ward_leaf_weight");
    if (!ids || !labels || !x || !y || !a || !b || !height || !size || !weights) return std::nullopt;
    if (labels->size() != ids->size() || x->size() != ids->size() || y->size() != ids->size()) return std::nullopt;
    if (a->size() != b->size() || a->size() != height->size() || a->size() != size->size()) return std::nullopt;
    if (r.k <= 0 || static_cast<int64_t>(r.profiles.size()) != r.k) return std::nullopt;
    for (const int32_t label : *labels) {
        if (label < 0 || label >= r.k) return std::nullopt;
    }
    r.customerIds = std::move(*ids);
    r.labels = std::move(*labels);
    r.pcaX = std::move(*x);
    r.pcaY = std::move(*y);
    r.tree.leaves = static_cast<int>(weights->size());
    r.tree.leafWeights = Eigen::Map<const Eigen::VectorXd>(weights->data(), static_cast<Eigen::Index>(weights->size()));
    for (size_t i = 0; i < a->size(); ++i) r.tree.merges.push_back({(*a)[i], (*b)[i], (*height)[i], (*size)[i]});
    if (!r.tree.merges.empty() && static_cast<int>(r.tree.merges.size()) != r.tree.leaves - 1) return std::nullopt;
    return r;
}

}  // namespace

// ---- 2. RFM (public) ----------------------------------------------------------------------------

core::Result<uint64_t> startRfm(AppState& app, int32_t asOfDay, bool background) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    if (app.counts.customers == 0) return core::makeError("There are no customers yet: load demo data or import customers and orders first.");
    return startJob(app, std::make_unique<RfmJob>(asOfDay, background));
}

std::string rfmJson(const RfmRun& run) {
    core::JsonWriter w;
    w.beginObject();
    w.field("asOf", isoDay(run.asOfDay));
    w.field("customers", static_cast<int64_t>(run.customerIds.size()));
    w.field("customersWithoutOrders", run.neverOrdered);
    if (run.runId != 0) w.field("runId", run.runId);
    w.key("segments").beginArray();
    for (const analytics::RfmSegmentSummary& s : run.segments) {
        w.beginObject().field("name", analytics::rfmSegmentName(s.segment)).field("rule", analytics::rfmSegmentRule(s.segment));
        w.field("customers", s.customers).field("share", s.share).field("revenueShare", s.revenueShare);
        w.key("averageOrderValue");
        writeNumberOrNull(w, s.averageOrderValue);
        w.key("meanRecencyDays");
        writeNumberOrNull(w, s.meanRecencyDays);
        w.endObject();
    }
    // Customers who never ordered: apart from Lost (see kNeverOrdered).
    const double n = static_cast<double>(std::max<size_t>(1, run.customerIds.size()));
    w.beginObject().field("name", "Never ordered").field("rule", "no order up to the as-of day");
    w.field("customers", run.neverOrdered).field("share", static_cast<double>(run.neverOrdered) / n).field("revenueShare", 0.0);
    w.key("averageOrderValue").null().key("meanRecencyDays").null().endObject();
    w.endArray();
    for (const auto& [name, edges] : {std::pair{"recencyEdges", &run.rfm.recencyEdges}, std::pair{"frequencyEdges", &run.rfm.frequencyEdges},
                                      std::pair{"monetaryEdges", &run.rfm.monetaryEdges}}) {
        w.key(name).beginArray();
        for (const double e : *edges) writeNumberOrNull(w, e);
        w.endArray();
    }
    w.key("grid").beginArray();  // [r - 1][f - 1] customers
    for (const auto& row : run.grid.customers) {
        w.beginArray();
        for (const int64_t c : row) w.value(c);
        w.endArray();
    }
    w.endArray();
    w.endObject();
    return w.str();
}

const char* displaySegmentName(int index) {
    return index == kNeverOrdered ? "Never ordered" : analytics::rfmSegmentName(static_cast<RfmSegment>(index));
}

std::vector<int64_t> rfmCellCustomers(const RfmRun& run, int r, int f) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < run.customerIds.size(); ++i) {
        if (run.ordered(i) && run.rfm.r(static_cast<Eigen::Index>(i)) == r && run.rfm.f(static_cast<Eigen::Index>(i)) == f) {
            out.push_back(run.customerIds[i]);
        }
    }
    return out;
}

std::vector<int64_t> rfmSegmentCustomers(const RfmRun& run, int index) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < run.customerIds.size(); ++i) {
        if (run.displaySegment(i) == index) out.push_back(run.customerIds[i]);
    }
    return out;
}

// ---- 3. Clustering (public) ---------------------------------------------------------------------

core::Status ClusterParams::validate(int64_t customers) const {
    if (features.empty()) return core::makeError("Choose at least one feature to cluster on.");
    if (features.size() > 32) return core::makeError("Choose at most 32 features.");
    if (k < 0 || k > 50) return core::makeError("k must be between 2 and 50 (or automatic).");
    if (k == 1) return core::makeError("One cluster is everyone: choose k of 2 or more, or let Rapport choose.");
    if (k == 0 && (kMin < 2 || kMax < kMin || kMax > 20)) return core::makeError("The range of k to try must be within 2 to 20.");
    if (restarts < 1 || restarts > 100) return core::makeError("Restarts must be between 1 and 100.");
    const int64_t needed = k > 0 ? k : kMin;
    if (customers < std::max<int64_t>(needed, 3)) {
        return core::makeError("There are too few customers (" + core::formatCount(customers) + ") to form " +
                               std::to_string(needed) + " clusters.");
    }
    return {};
}

core::Result<uint64_t> startClustering(AppState& app, const ClusterParams& params) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    if (auto s = params.validate(app.counts.customers); !s) return s.error();
    return startJob(app, std::make_unique<ClusterJob>(params));
}

std::string clusterJson(const ClusterRun& r) {
    core::JsonWriter w;
    w.beginObject();
    w.field("k", r.k);
    if (r.runId != 0) w.field("runId", r.runId);
    w.field("asOf", isoDay(r.asOfDay));
    w.field("customers", static_cast<int64_t>(r.customerIds.size()));
    w.field("inertia", r.inertia).field("silhouette", r.silhouette).field("silhouetteSampled", r.silhouetteSampled);
    w.field("iterations", r.iterations).field("converged", r.converged);
    w.key("features").beginArray();
    for (const FeatureInfo& f : r.features) w.value(f.key);
    w.endArray();
    w.key("sizes").beginArray();
    for (const analytics::ClusterProfile& p : r.profiles) w.value(p.size);
    w.endArray();
    w.key("names").beginArray();
    for (const analytics::ClusterProfile& p : r.profiles) w.value(p.name);
    w.endArray();
    w.key("centroids").beginArray();  // one object per cluster: feature key -> value in original units
    for (Eigen::Index c = 0; c < r.centroids.rows(); ++c) {
        w.beginObject();
        for (Eigen::Index j = 0; j < r.centroids.cols() && j < static_cast<Eigen::Index>(r.features.size()); ++j) {
            w.key(r.features[static_cast<size_t>(j)].key);
            writeNumberOrNull(w, r.centroids(c, j));
        }
        w.endObject();
    }
    w.endArray();
    w.key("choices").beginArray();
    for (const analytics::KChoice& c : r.choices) {
        w.beginObject().field("k", c.k).field("inertia", c.inertia).field("silhouette", c.silhouette).endObject();
    }
    w.endArray();
    w.key("explainedVariance").beginArray().value(r.explained[0]).value(r.explained[1]).endArray();
    w.key("warnings").beginArray();
    for (const std::string& s : r.warnings) w.value(s);
    w.endArray();
    w.endObject();
    return w.str();
}

std::vector<int64_t> clusterCustomers(const ClusterRun& run, int cluster) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < run.labels.size(); ++i) {
        if (run.labels[i] == cluster) out.push_back(run.customerIds[i]);
    }
    return out;
}

std::vector<int64_t> wardClusterSizes(const ClusterRun& run, int k) {
    if (run.tree.leaves <= 0 || k < 1) return {};
    const Eigen::VectorXi cut = analytics::cutTree(run.tree, std::min(k, run.tree.leaves));
    const int clusters = cut.size() > 0 ? cut.maxCoeff() + 1 : 0;
    std::vector<double> weight(static_cast<size_t>(clusters), 0.0);
    for (Eigen::Index leaf = 0; leaf < cut.size(); ++leaf) weight[static_cast<size_t>(cut(leaf))] += run.tree.leafWeights(leaf);
    // The tree may stand for a sample: scale its sizes to all customers.
    const double scale = run.wardPoints > 0 ? static_cast<double>(run.customerIds.size()) / static_cast<double>(run.wardPoints) : 1.0;
    std::vector<int64_t> sizes;
    for (const double w : weight) sizes.push_back(static_cast<int64_t>(std::llround(w * scale)));
    std::sort(sizes.rbegin(), sizes.rend());
    return sizes;
}

// ---- 4. Restoring (public) -----------------------------------------------------------------------

void restoreSegmentation(AppState& app) {
    SegmentationState& s = app.segmentation;
    if (s.restored || !app.store) return;
    s.restored = true;
    store::Db& db = app.store->db();
    if (!s.rfm) {
        if (auto saved = store::latestModelRun(db, "rfm"); saved && *saved) s.rfm = loadRfmRun(db, **saved);
    }
    if (!s.clusters) {
        if (auto saved = store::latestModelRun(db, "kmeans"); saved && *saved) {
            // Labels of the features: from the current data when it still has them, else
            // the built-in features' (attributes are named after their key).
            const auto facts = currentFacts(app);
            const std::vector<FeatureInfo> catalog = availableFeatures(facts ? *facts : store::CustomerFacts{});
            s.clusters = loadClusterRun(db, **saved, catalog);
            ++s.clustersGeneration;
            if (s.clusters) s.draft = s.clusters->params;
        }
    }
}

// ---- 5. Saved segments and selections ---------------------------------------------------------------

const std::vector<store::SegmentInfo>& savedSegments(AppState& app) {
    SegmentationState& s = app.segmentation;
    if (app.store && (s.savedVersion != app.dataVersion || s.savedStale)) {
        s.savedVersion = app.dataVersion;
        s.savedStale = false;
        auto list = store::listSegments(app.store->db());
        if (list) s.saved = std::move(*list);
        else s.error = list.error().message;
    }
    return s.saved;
}

bool saveSelectionAsSegment(AppState& app, const std::string& name) {
    SegmentationState& s = app.segmentation;
    s.message.clear();
    s.error.clear();
    if (!s.selection || s.selection->ids.empty()) {
        s.error = "Select some customers first: click a segment, a cell or a cluster, or draw on the scatter.";
        return false;
    }
    if (auto w = checkWritable(app); !w) {
        s.error = w.error().message;
        return false;
    }
    if (auto ok = store::checkSegmentName(app.store->db(), name); !ok) {
        s.error = ok.error().message;
        return false;
    }
    auto id = store::createSegment(app.store->db(), name, s.selection->definition, s.selection->ids);
    if (!id) {
        s.error = id.error().message;
        return false;
    }
    refreshCounts(app, false);
    s.savedStale = true;
    s.message = "Saved \u201C" + name + "\u201D (" + core::formatCount(static_cast<int64_t>(s.selection->ids.size())) + " customers).";
    s.segmentName.clear();
    return true;
}

core::Status deleteSavedSegment(AppState& app, int64_t segmentId) {
    if (auto w = checkWritable(app); !w) return w;
    if (auto d = store::deleteSegment(app.store->db(), segmentId); !d) return d;
    refreshCounts(app, false);
    app.segmentation.savedStale = true;
    return {};
}

void showInCustomers(AppState& app, const std::vector<int64_t>& ids, const std::string& label) {
    CustomerBrowser& b = app.customers;
    b.filter = store::CustomerFilter{};
    b.searchInput.clear();
    b.filter.only = ids;
    if (b.filter.only.empty()) b.filter.only.push_back(0);  // nobody: ids start at 1
    b.onlyLabel = label;
    b.dirty = true;
    app.view = View::Customers;
}

namespace {
std::string fileNameFor(const std::string& name) {
    std::string out;
    for (const char c : name) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        out.push_back(keep ? c : '-');
    }
    return "segment-" + (out.empty() ? std::string("customers") : out) + ".csv";
}

void exportIds(AppState& app, const std::vector<int64_t>& ids, const std::string& fileName) {
    if (!app.store) return;
    store::ExportFilter filter;
    filter.customerIds = ids;
    if (filter.customerIds.empty()) filter.customerIds.push_back(0);  // nobody (ids start at 1)
    auto csv = store::exportCsv(app.store->db(), store::Entity::Customers, filter);
    if (!csv) {
        app.segmentation.error = csv.error().message;
        return;
    }
    app.requests.downloads.push_back({fileName, "text/csv", std::move(*csv)});
}
}  // namespace

void exportSegment(AppState& app, int64_t segmentId) {
    if (!app.store) return;
    auto info = store::segmentInfo(app.store->db(), segmentId);
    auto members = store::segmentMembers(app.store->db(), segmentId);
    if (!info || !members) {
        app.segmentation.error = !info ? info.error().message : members.error().message;
        return;
    }
    exportIds(app, *members, fileNameFor(info->name));
}

void exportSelection(AppState& app) {
    if (!app.segmentation.selection) return;
    exportIds(app, app.segmentation.selection->ids, "customers-selected.csv");
}

std::string customerLabel(AppState& app, int64_t customerId) {
    static int64_t cachedId = -1;
    static const store::Store* cachedStore = nullptr;
    static uint64_t cachedVersion = 0;
    static std::string cached;
    if (!app.store) return {};
    if (customerId == cachedId && cachedStore == &*app.store && cachedVersion == app.dataVersion) return cached;
    cachedId = customerId;
    cachedStore = &*app.store;
    cachedVersion = app.dataVersion;
    cached.clear();
    auto rows = store::customerRows(app.store->db(), {customerId});
    if (rows && !rows->empty()) {
        const store::CustomerRow& row = rows->front();
        cached = row.values[0];
        if (!row.values[1].empty()) cached += "  \xC2\xB7  " + row.values[1];
    }
    return cached;
}

std::string segmentsJson(AppState& app) {
    core::JsonWriter w;
    w.beginArray();
    for (const store::SegmentInfo& s : savedSegments(app)) {
        w.beginObject().field("id", s.id).field("name", s.name).field("size", s.size).field("createdAt", s.createdAt);
        w.key("definition");
        // Saved as JSON by Rapport; anything else (an edited database) stays a string.
        if (auto definition = core::parseJson(s.definition); definition && definition->isObject()) w.raw(s.definition);
        else w.value(s.definition);
        w.endObject();
    }
    w.endArray();
    return w.str();
}

}  // namespace rapport::app
