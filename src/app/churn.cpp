// churn.cpp: churn runs.
//   1. Names, parameters, the value of a customer
//   2. One model kind behind one interface: fit in steps, predict, contributions
//   3. The job: facts, datasets, split, cross-validation, fit, evaluation, scoring, saving
//   4. JSON for the hook, saved runs (list, load, restore), scores, export, segment
#include "app/churn.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/app_state.hpp"
#include "app/customer_features.hpp"
#include "app/facts.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/random.hpp"
#include "core/text_format.hpp"
#include "store/customers.hpp"
#include "store/model_runs.hpp"
#include "store/segments.hpp"

namespace rapport::app {

namespace {

using Clock = std::chrono::steady_clock;
using store::CustomerFacts;
using store::kNoDay;

std::string isoDay(int32_t day) { return day == kNoDay || day == 0 ? std::string() : core::formatIsoDate(core::civilFromDays(day)); }

std::string lower(std::string s) {
    for (char& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return s;
}

// ---- 1. The value of a customer -----------------------------------------------------------------

// The default value measure: revenue in the last 12 months when there are orders; else a
// numeric attribute that reads like money (a monthly one times 12).
void chooseValue(const CustomerFacts& f, ChurnParams& p) {
    if (!p.valueKey.empty()) return;
    if (!f.orderDay.empty()) {
        p.valueKey = "revenue_12m";
        p.valueMultiplier = 1;
        return;
    }
    for (const char* hint : {"monthly", "charge", "revenue", "spend", "value"}) {
        for (const store::AttributeColumn& a : f.attributes) {
            if (!a.numeric || lower(a.name).find(hint) == std::string::npos) continue;
            p.valueKey = "attr:" + a.name;
            p.valueMultiplier = std::string(hint) == "monthly" ? 12 : 1;
            return;
        }
    }
    p.valueKey = "none";
}

std::string valueLabel(const ChurnParams& p) {
    if (p.valueKey == "revenue_12m") return "revenue in the last 12 months";
    if (p.valueKey.rfind("attr:", 0) == 0) {
        return p.valueKey.substr(5) + (p.valueMultiplier != 1 ? " \xC3\x97 " + core::formatNumber(p.valueMultiplier) : std::string());
    }
    return "no value measure (ranked by probability)";
}

double customerValue(const CustomerFacts& f, size_t i, const ChurnParams& p, int32_t asOf) {
    if (p.valueKey == "revenue_12m") {
        double v = 0;
        for (int64_t k = f.orderStart[i]; k < f.orderStart[i + 1]; ++k) {
            const int32_t d = f.orderDay[static_cast<size_t>(k)];
            if (d != kNoDay && d > asOf - 365 && d <= asOf) v += f.orderAmount[static_cast<size_t>(k)];
        }
        return v;
    }
    if (p.valueKey.rfind("attr:", 0) == 0) {
        for (const store::AttributeColumn& a : f.attributes) {
            if (a.numeric && "attr:" + a.name == p.valueKey) return std::isfinite(a.number[i]) ? a.number[i] * p.valueMultiplier : 0;
        }
    }
    return 1;
}

// ---- 2. One model kind behind one interface -------------------------------------------------------

struct Model {
    ChurnModelKind kind = ChurnModelKind::Logistic;
    analytics::LogisticModel logistic;
    analytics::TreeModel tree;
    analytics::ForestModel forest;
};

Eigen::VectorXd predict(const Model& m, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    switch (m.kind) {
        case ChurnModelKind::Logistic: return analytics::predictProba(m.logistic, X);
        case ChurnModelKind::Tree: return analytics::predictTree(m.tree, X);
        case ChurnModelKind::Forest: return analytics::predictForest(m.forest, X);
    }
    return {};
}

// Per row and column, how much the column raises the risk (log-odds for logistic,
// probability points for trees).
Eigen::MatrixXd contributionsOf(const Model& m, const Eigen::Ref<const Eigen::MatrixXd>& X) {
    switch (m.kind) {
        case ChurnModelKind::Logistic: return analytics::contributions(m.logistic, X);
        case ChurnModelKind::Tree: return analytics::treeContributions(m.tree, X);
        case ChurnModelKind::Forest: return analytics::forestContributions(m.forest, X);
    }
    return {};
}

// A fit of any kind, step by step.
class ModelFit {
public:
    ModelFit(const ChurnParams& p, const Eigen::MatrixXd& X, const Eigen::VectorXi& y) : kind_(p.model) {
        switch (kind_) {
            case ChurnModelKind::Logistic: logistic_.emplace(X, y, p.logistic); break;
            case ChurnModelKind::Tree: {
                analytics::TreeParams tree = p.tree;
                tree.seed = p.seed;  // one seed for the whole run
                tree_.emplace(X, y, tree);
                break;
            }
            case ChurnModelKind::Forest: {
                analytics::ForestParams forest = p.forest;
                forest.seed = p.seed;
                forest_.emplace(X, y, forest);
                break;
            }
        }
    }
    bool step() {
        switch (kind_) {
            case ChurnModelKind::Logistic: return logistic_->step();
            case ChurnModelKind::Tree: return tree_->step();
            case ChurnModelKind::Forest: return forest_->step();
        }
        return false;
    }
    double progress() const {
        switch (kind_) {
            case ChurnModelKind::Logistic: return logistic_->progress();
            case ChurnModelKind::Tree: return tree_->progress();
            case ChurnModelKind::Forest: return forest_->progress();
        }
        return 1;
    }
    core::Result<Model> result() const {
        Model m;
        m.kind = kind_;
        switch (kind_) {
            case ChurnModelKind::Logistic: {
                auto r = logistic_->result();
                if (!r) return r.error();
                m.logistic = std::move(*r);
                break;
            }
            case ChurnModelKind::Tree: m.tree = tree_->result(); break;
            case ChurnModelKind::Forest: m.forest = forest_->result(); break;
        }
        return m;
    }

private:
    ChurnModelKind kind_;
    std::optional<analytics::LogisticFit> logistic_;
    std::optional<analytics::TreeFit> tree_;
    std::optional<analytics::ForestFit> forest_;
};

Eigen::MatrixXd rowsOf(const Eigen::MatrixXd& X, const std::vector<int64_t>& rows) {
    Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), X.cols());
    for (size_t k = 0; k < rows.size(); ++k) out.row(static_cast<Eigen::Index>(k)) = X.row(rows[k]);
    return out;
}

Eigen::VectorXi rowsOf(const Eigen::VectorXi& y, const std::vector<int64_t>& rows) {
    Eigen::VectorXi out(static_cast<Eigen::Index>(rows.size()));
    for (size_t k = 0; k < rows.size(); ++k) out(static_cast<Eigen::Index>(k)) = y(rows[k]);
    return out;
}

// Drop of the AUC when one column is shuffled (any model), on the test set.
std::vector<double> permutationDrop(const Model& m, const Eigen::MatrixXd& X, const Eigen::VectorXi& y, uint64_t seed) {
    const double base = analytics::rocAuc(y, predict(m, X));
    std::vector<double> out(static_cast<size_t>(X.cols()), 0.0);
    core::Random random(seed ^ 0x5045524Dull);
    Eigen::MatrixXd shuffled = X;
    const auto n = X.rows();
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
        Eigen::VectorXd column = X.col(j);
        for (Eigen::Index i = n - 1; i > 0; --i) std::swap(column(i), column(static_cast<Eigen::Index>(random.next() % static_cast<uint64_t>(i + 1))));
        shuffled.col(j) = column;
        out[static_cast<size_t>(j)] = base - analytics::rocAuc(y, predict(m, shuffled));
        shuffled.col(j) = X.col(j);
    }
    return out;
}

// ---- 3. The job -----------------------------------------------------------------------------------

constexpr size_t kScoresPerStep = 5000;

class ChurnJob : public Job {
public:
    explicit ChurnJob(ChurnParams params) : params_(std::move(params)) {}
    std::string title() const override { return std::string("Training: ") + churnModelLabel(params_.model); }

    core::Result<bool> run(AppState& app, Clock::time_point deadline) override {
        while (Clock::now() < deadline) {
            auto more = advance(app, deadline);
            if (!more) {
                if (run_.runId != 0 && app.store) (void)store::deleteModelRun(app.store->db(), run_.runId);
                return more.error();
            }
            if (!*more) return false;
        }
        return true;
    }

    double progress() const override {
        switch (stage_) {
            case Stage::Facts: return 0.15 * facts_.progress();
            case Stage::Data: return 0.17;
            case Stage::Folds: return 0.2 + 0.4 * (static_cast<double>(fold_) + (fit_ ? fit_->progress() : 0)) / std::max(1, static_cast<int>(folds_.size()));
            case Stage::Fit: return 0.6 + 0.2 * (fit_ ? fit_->progress() : 0);
            case Stage::Evaluate: return 0.82;
            case Stage::Score: return 0.85;
            case Stage::Save: return 0.87 + 0.13 * static_cast<double>(saved_) / std::max<double>(1, static_cast<double>(run_.scoredIds.size()));
            case Stage::Done: return 1;
        }
        return 0;
    }

    std::string detail() const override {
        switch (stage_) {
            case Stage::Facts: return facts_.detail();
            case Stage::Data: return "Building features and labels";
            case Stage::Folds: return "Cross-validation: fold " + std::to_string(fold_ + 1) + " of " + std::to_string(folds_.size());
            case Stage::Fit: return std::string("Fitting the ") + churnModelLabel(params_.model);
            case Stage::Evaluate: return "Evaluating on the test set";
            case Stage::Score: return "Scoring current customers";
            case Stage::Save: return "Saving scores: " + core::formatCount(static_cast<int64_t>(saved_)) + " of " +
                                     core::formatCount(static_cast<int64_t>(run_.scoredIds.size()));
            case Stage::Done: return "Done";
        }
        return {};
    }

    void cancel(AppState& app) override {
        if (run_.runId != 0 && app.store) (void)store::deleteModelRun(app.store->db(), run_.runId);
    }
    bool changesRecords() const override { return false; }

    std::string finish(AppState& app) override {
        std::string json = churnJson(run_);
        if (params_.reportSplit && app.store) {
            core::JsonWriter w;
            w.beginArray();
            if (auto rows = store::customerRows(app.store->db(), testCustomers_)) {
                for (const store::CustomerRow& row : *rows) w.value(row.values[0]);
            }
            w.endArray();
            json.pop_back();  // splice into the object
            json += ",\"testCustomers\":" + w.str() + "}";
        }
        app.churn.run = std::move(run_);
        app.churn.threshold = 0.5;
        return json;
    }

private:
    enum class Stage { Facts, Data, Folds, Fit, Evaluate, Score, Save, Done };

    core::Result<bool> advance(AppState& app, Clock::time_point deadline) {
        switch (stage_) {
            case Stage::Facts: {
                auto ready = facts_.run(app, deadline);
                if (!ready) return ready.error();
                if (!*ready) return true;
                const CustomerFacts& f = *facts_.facts();
                if (params_.autoLabel) chooseChurnLabel(f, params_.label);
                if (auto names = resolveChurnNames(f, params_.label, params_.features); !names) return names.error();
                if (params_.autoValidation) chooseChurnValidation(f, params_);
                if (params_.features.features.empty()) params_.features = defaultChurnFeatures(f, params_.label);
                chooseValue(f, params_);
                run_.params = params_;
                run_.dataVersion = app.dataVersion;
                stage_ = Stage::Data;
                return true;
            }
            case Stage::Data: return buildData();
            case Stage::Folds: {
                if (fold_ >= static_cast<int>(folds_.size())) {
                    finishFolds();
                    return true;
                }
                if (!fit_) {
                    const analytics::Split& s = folds_[static_cast<size_t>(fold_)];
                    foldX_ = rowsOf(trainX_, s.train);
                    foldY_ = rowsOf(trainY_, s.train);
                    if (foldY_.sum() == 0 || foldY_.sum() == foldY_.size()) {
                        ++fold_;  // a fold with one class has nothing to learn (tiny data)
                        return true;
                    }
                    fit_.emplace(params_, foldX_, foldY_);
                }
                if (fit_->step()) return true;
                auto model = fit_->result();
                fit_.reset();
                if (!model) return model.error();
                const analytics::Split& s = folds_[static_cast<size_t>(fold_)];
                const Eigen::VectorXi yt = rowsOf(trainY_, s.test);
                const Eigen::VectorXd pt = predict(*model, rowsOf(trainX_, s.test));
                foldMetrics_.push_back(analytics::evaluate(yt, pt));
                if (params_.validation == ChurnValidation::CrossValidation) {
                    for (size_t k = 0; k < s.test.size(); ++k) outOfFold_(s.test[k]) = pt(static_cast<Eigen::Index>(k));
                }
                ++fold_;
                return true;
            }
            case Stage::Fit: {
                const auto started = Clock::now();
                if (!fit_) fit_.emplace(params_, trainX_, trainY_);
                const bool more = fit_->step();
                run_.fitMillis += std::chrono::duration<double, std::milli>(Clock::now() - started).count();
                if (more) return true;
                auto model = fit_->result();
                fit_.reset();
                if (!model) return model.error();
                model_ = std::move(*model);
                stage_ = Stage::Evaluate;
                return true;
            }
            case Stage::Evaluate: {
                evaluateModel();
                stage_ = Stage::Score;
                return true;
            }
            case Stage::Score: {
                auto scored = score();
                if (!scored) return scored.error();
                stage_ = Stage::Save;
                return true;
            }
            case Stage::Save: return save(app);
            case Stage::Done: return false;
        }
        return false;
    }

    core::Result<bool> buildData() {
        const CustomerFacts& f = *facts_.facts();
        const int32_t cutoff = resolveCutoff(f, params_.label);
        if (cutoff == kNoDay) return core::makeError("There are no dates in this data to set a cut-off from.");
        run_.cutoffDay = cutoff;
        if (params_.validation == ChurnValidation::TimeSplit) {
            if (isSnapshotLabel(f, params_.label)) {
                return core::makeError("A time split needs dated data (orders, or churn dates); this label is a snapshot. "
                                       "Use a test set or cross-validation instead.");
            }
            const int32_t earlier = cutoff - params_.label.windowDays;
            run_.trainCutoffDay = earlier;
            auto train = buildChurnDataset(f, params_.label, params_.features, earlier);
            if (!train) return core::makeError("Training on the earlier cut-off (" + isoDay(earlier) + "): " + train.error().message);
            auto test = buildChurnDataset(f, params_.label, params_.features, cutoff, &train->columns);
            if (!test) return test.error();
            trainX_ = std::move(train->X);
            trainY_ = std::move(train->y);
            testX_ = std::move(test->X);
            testY_ = std::move(test->y);
            testCustomers_ = test->customerIds;
            columns_ = train->columns;
            run_.excluded = test->excluded;
        } else {
            auto data = buildChurnDataset(f, params_.label, params_.features, cutoff);
            if (!data) return data.error();
            columns_ = data->columns;
            run_.excluded = data->excluded;
            run_.trainCutoffDay = cutoff;
            if (params_.validation == ChurnValidation::Holdout) {
                const analytics::Split split = analytics::stratifiedSplit(data->y, params_.testShare, params_.seed);
                trainX_ = rowsOf(data->X, split.train);
                trainY_ = rowsOf(data->y, split.train);
                testX_ = rowsOf(data->X, split.test);
                testY_ = rowsOf(data->y, split.test);
                testCustomers_.clear();
                for (const int64_t r : split.test) testCustomers_.push_back(data->customerIds[static_cast<size_t>(r)]);
            } else {
                trainX_ = std::move(data->X);
                trainY_ = std::move(data->y);
            }
        }
        for (const ChurnColumns::Column& c : columns_.columns) run_.columns.push_back(c.name);
        run_.notes = columns_.notes;
        run_.nTrain = trainY_.size();
        run_.nTest = params_.validation == ChurnValidation::CrossValidation ? trainY_.size() : testY_.size();
        run_.baseRate = trainY_.size() > 0 ? static_cast<double>(trainY_.sum()) / static_cast<double>(trainY_.size()) : 0;
        if (params_.validation == ChurnValidation::CrossValidation || params_.crossValidate) {
            const int folds = std::clamp(params_.folds, 2, 20);
            const int64_t minority = std::min<int64_t>(trainY_.sum(), trainY_.size() - trainY_.sum());
            if (minority < folds) {
                return core::makeError("Too few churned (or kept) customers (" + core::formatCount(minority) + ") for " +
                                       std::to_string(folds) + " folds: use fewer folds or more data.");
            }
            folds_ = analytics::stratifiedKFold(trainY_, folds, params_.seed);
            outOfFold_ = Eigen::VectorXd::Constant(trainY_.size(), NAN);
            stage_ = Stage::Folds;
        } else {
            stage_ = Stage::Fit;
        }
        return true;
    }

    void finishFolds() {
        static constexpr const char* kNames[] = {"accuracy", "precision", "recall", "f1", "rocAuc", "prAuc", "brier", "logLoss"};
        for (size_t m = 0; m < std::size(kNames); ++m) {
            std::vector<double> values;
            for (const analytics::Metrics& x : foldMetrics_) {
                const double v[] = {x.accuracy, x.precision, x.recall, x.f1, x.rocAuc, x.prAuc, x.brier, x.logLoss};
                values.push_back(v[m]);
            }
            run_.cv.emplace_back(kNames[m], analytics::summarizeFolds(values));
        }
        if (params_.validation == ChurnValidation::CrossValidation) {
            // The test figures are those of the out-of-fold predictions: every customer scored
            // by a model that did not see them.
            testX_.resize(0, 0);
            testY_ = trainY_;
            testP_ = outOfFold_;
        }
        stage_ = Stage::Fit;
    }

    void evaluateModel() {
        if (params_.validation != ChurnValidation::CrossValidation) testP_ = predict(model_, testX_);
        run_.test = analytics::evaluate(testY_, testP_);
        run_.roc = analytics::rocCurve(testY_, testP_);
        run_.pr = analytics::prCurve(testY_, testP_);
        run_.calibrationBins = analytics::calibration(testY_, testP_);
        run_.gains = analytics::gainsTable(testY_, testP_);
        run_.testY = testY_;
        run_.testP = testP_;
        const auto p = static_cast<size_t>(trainX_.cols());
        std::vector<double> importance(p, 0.0);
        switch (model_.kind) {
            case ChurnModelKind::Logistic: {
                double total = 0;
                for (size_t j = 0; j < p; ++j) total += std::fabs(model_.logistic.weights(static_cast<Eigen::Index>(j)));
                for (size_t j = 0; j < p; ++j) importance[j] = total > 0 ? std::fabs(model_.logistic.weights(static_cast<Eigen::Index>(j))) / total : 0;
                run_.weights = model_.logistic.weights;
                run_.weightsOriginal = model_.logistic.weightsOriginal;
                run_.intercept = model_.logistic.intercept;
                run_.warnings = model_.logistic.warnings;
                break;
            }
            case ChurnModelKind::Tree: importance = model_.tree.impurityImportance; break;
            case ChurnModelKind::Forest:
                importance = model_.forest.impurityImportance;
                run_.oobError = model_.forest.oobError;
                break;
        }
        // Permutation importance on held-out rows (the out-of-fold ones under cross-validation
        // would need the fold models: there it is computed on the training rows).
        const bool held = params_.validation != ChurnValidation::CrossValidation && testX_.rows() > 0;
        const Eigen::MatrixXd& px = held ? testX_ : trainX_;
        const Eigen::VectorXi& py = held ? testY_ : trainY_;
        std::vector<double> drop(p, 0.0);
        if (py.sum() > 0 && py.sum() < py.size()) {
            // At most 20,000 rows: enough for a stable ranking, fast at any size.
            if (px.rows() > 20000) {
                std::vector<int64_t> sample(20000);
                core::Random random(params_.seed);
                for (auto& r : sample) r = static_cast<int64_t>(random.next() % static_cast<uint64_t>(px.rows()));
                drop = permutationDrop(model_, rowsOf(px, sample), rowsOf(py, sample), params_.seed);
            } else {
                drop = permutationDrop(model_, px, py, params_.seed);
            }
        }
        for (size_t j = 0; j < p; ++j) run_.importance.push_back({run_.columns[j], j < importance.size() ? importance[j] : 0, drop[j]});
        std::stable_sort(run_.importance.begin(), run_.importance.end(),
                         [](const ChurnImportance& a, const ChurnImportance& b) { return a.importance > b.importance; });
    }

    core::Result<bool> score() {
        const CustomerFacts& f = *facts_.facts();
        auto set = buildScoringSet(f, params_.label, columns_);
        if (!set) return set.error();
        run_.scoredAsOf = set->asOfDay;
        run_.valueLabel = valueLabel(params_);
        const Eigen::VectorXd p = set->X.rows() > 0 ? predict(model_, set->X) : Eigen::VectorXd();
        const Eigen::MatrixXd c = set->X.rows() > 0 ? contributionsOf(model_, set->X) : Eigen::MatrixXd();
        const Eigen::RowVectorXd mean = trainX_.rows() > 0 ? Eigen::RowVectorXd(trainX_.colwise().mean())
                                                           : Eigen::RowVectorXd::Zero(set->X.cols());
        const auto n = static_cast<size_t>(set->rows.size());
        std::vector<size_t> order(n);
        std::vector<double> value(n), atRisk(n);
        for (size_t k = 0; k < n; ++k) {
            value[k] = customerValue(f, static_cast<size_t>(set->rows[k]), params_, set->asOfDay);
            atRisk[k] = p(static_cast<Eigen::Index>(k)) * value[k];
        }
        std::iota(order.begin(), order.end(), size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return atRisk[a] != atRisk[b] ? atRisk[a] > atRisk[b] : p(static_cast<Eigen::Index>(a)) > p(static_cast<Eigen::Index>(b));
        });
        for (const size_t k : order) {
            run_.scoredIds.push_back(set->customerIds[k]);
            run_.scoredP.push_back(static_cast<float>(p(static_cast<Eigen::Index>(k))));
            run_.value.push_back(value[k]);
            // The three columns that raise this customer's risk most.
            std::array<int32_t, 3> top{-1, -1, -1};
            std::array<float, 3> effect{0, 0, 0};
            for (Eigen::Index j = 0; j < c.cols(); ++j) {
                const auto v = static_cast<float>(c(static_cast<Eigen::Index>(k), j));
                if (!(v > 0)) continue;
                for (int t = 0; t < 3; ++t) {
                    if (top[static_cast<size_t>(t)] < 0 || v > effect[static_cast<size_t>(t)]) {
                        for (int u = 2; u > t; --u) {
                            top[static_cast<size_t>(u)] = top[static_cast<size_t>(u - 1)];
                            effect[static_cast<size_t>(u)] = effect[static_cast<size_t>(u - 1)];
                        }
                        top[static_cast<size_t>(t)] = static_cast<int32_t>(j);
                        effect[static_cast<size_t>(t)] = v;
                        break;
                    }
                }
            }
            std::array<int8_t, 3> high{0, 0, 0};
            for (size_t t = 0; t < 3; ++t) {
                if (top[t] >= 0) high[t] = set->X(static_cast<Eigen::Index>(k), top[t]) > mean(top[t]) ? 1 : 0;
            }
            run_.driverColumn.push_back(top);
            run_.driverEffect.push_back(effect);
            run_.driverHigh.push_back(high);
        }
        return true;
    }

    core::Result<bool> save(AppState& app) {
        if (!app.store || !checkWritable(app)) {  // a read-only tab shows the run without saving it
            stage_ = Stage::Done;
            return false;
        }
        store::Db& db = app.store->db();
        if (run_.runId == 0) {
            auto id = saveRun(db);
            if (!id) return id.error();
            run_.runId = *id;
            return true;
        }
        // customer_scores rows go in customer order: appended to the end of its b-tree rather
        // than scattered over it (several times faster at a million). The values and reasons
        // are in the run's arrays already, so the rows carry the score only.
        if (saveOrder_.size() != run_.scoredIds.size()) {
            saveOrder_.resize(run_.scoredIds.size());
            std::iota(saveOrder_.begin(), saveOrder_.end(), size_t{0});
            std::sort(saveOrder_.begin(), saveOrder_.end(), [&](size_t a, size_t b) { return run_.scoredIds[a] < run_.scoredIds[b]; });
        }
        const size_t end = std::min(run_.scoredIds.size(), saved_ + kScoresPerStep);
        std::vector<double> scores;
        std::vector<int64_t> ids;
        for (size_t i = saved_; i < end; ++i) {
            ids.push_back(run_.scoredIds[saveOrder_[i]]);
            scores.push_back(run_.scoredP[saveOrder_[i]]);
        }
        if (auto s = store::addCustomerScores(db, run_.runId, ids, scores, {}); !s) return s.error();
        saved_ = end;
        if (saved_ < run_.scoredIds.size()) return true;
        stage_ = Stage::Done;
        return false;
    }

    core::Result<int64_t> saveRun(store::Db& db) const;

    ChurnParams params_;
    FactsStage facts_;
    Stage stage_ = Stage::Facts;
    ChurnColumns columns_;
    Eigen::MatrixXd trainX_, testX_, foldX_;
    Eigen::VectorXi trainY_, testY_, foldY_;
    Eigen::VectorXd testP_, outOfFold_;
    std::vector<int64_t> testCustomers_;
    std::vector<analytics::Split> folds_;
    int fold_ = 0;
    std::vector<analytics::Metrics> foldMetrics_;
    std::optional<ModelFit> fit_;
    Model model_;
    size_t saved_ = 0;
    std::vector<size_t> saveOrder_;  // scored customers by id, the order their rows are written in
    ChurnRun run_;
};

// ---- 4. JSON, saved runs -------------------------------------------------------------------------------

void writeNumber(core::JsonWriter& w, const char* key, double v) {
    w.key(key);
    if (std::isfinite(v)) w.value(v);
    else w.null();
}

void writeMetrics(core::JsonWriter& w, const analytics::Metrics& m) {
    w.beginObject();
    writeNumber(w, "accuracy", m.accuracy);
    writeNumber(w, "precision", m.precision);
    writeNumber(w, "recall", m.recall);
    writeNumber(w, "f1", m.f1);
    writeNumber(w, "rocAuc", m.rocAuc);
    writeNumber(w, "prAuc", m.prAuc);
    writeNumber(w, "brier", m.brier);
    writeNumber(w, "logLoss", m.logLoss);
    writeNumber(w, "threshold", m.threshold);
    w.field("n", m.n).field("positives", m.positives);
    w.key("confusion").beginObject().field("tp", m.confusion.tp).field("fp", m.confusion.fp).field("tn", m.confusion.tn).field("fn", m.confusion.fn).endObject();
    w.endObject();
}

std::string paramsJson(const ChurnParams& p) {
    core::JsonWriter w;
    w.beginObject();
    w.key("label").beginObject().field("rule", churnLabelRuleName(p.label.rule)).field("attribute", p.label.attribute);
    w.field("windowDays", p.label.windowDays).field("cutoff", isoDay(p.label.cutoffDay)).endObject();
    w.key("features").beginArray();
    for (const std::string& f : p.features.features) w.value(f);
    w.endArray();
    w.field("model", churnModelName(p.model)).field("validation", churnValidationName(p.validation));
    w.field("testShare", p.testShare).field("folds", p.folds).field("crossValidate", p.crossValidate).field("seed", static_cast<int64_t>(p.seed));
    w.key("params").beginObject();
    w.field("l2", p.logistic.l2);
    w.field("criterion", p.tree.criterion == analytics::SplitCriterion::Gini ? "gini" : "entropy").field("maxDepth", p.tree.maxDepth);
    w.field("minSamplesLeaf", p.tree.minSamplesLeaf).field("ccpAlpha", p.tree.ccpAlpha);
    w.field("trees", p.forest.trees).field("maxFeatures", p.forest.maxFeatures).field("forestMaxDepth", p.forest.maxDepth);
    w.field("forestMinSamplesLeaf", p.forest.minSamplesLeaf);
    w.field("forestCriterion", p.forest.criterion == analytics::SplitCriterion::Gini ? "gini" : "entropy");
    w.endObject();
    w.field("valueKey", p.valueKey).field("valueMultiplier", p.valueMultiplier);
    w.endObject();
    return w.str();
}

std::string runMetricsJson(const ChurnRun& r) {
    core::JsonWriter w;
    w.beginObject();
    w.key("test");
    writeMetrics(w, r.test);
    w.key("cv").beginObject();
    for (const auto& [name, s] : r.cv) {
        w.key(name).beginObject();
        writeNumber(w, "mean", s.mean);
        writeNumber(w, "sd", s.sd);
        writeNumber(w, "low", s.low);
        writeNumber(w, "high", s.high);
        w.field("folds", s.count).endObject();
    }
    w.endObject();
    w.field("nTrain", r.nTrain).field("nTest", r.nTest).field("excluded", r.excluded).field("baseRate", r.baseRate);
    w.field("cutoff", isoDay(r.cutoffDay)).field("trainCutoff", isoDay(r.trainCutoffDay)).field("scoredAsOf", isoDay(r.scoredAsOf));
    writeNumber(w, "oobError", r.oobError);
    w.field("fitMillis", r.fitMillis);
    w.field("valueLabel", r.valueLabel);
    w.key("columns").beginArray();
    for (const std::string& c : r.columns) w.value(c);
    w.endArray();
    w.key("notes").beginArray();
    for (const std::string& c : r.notes) w.value(c);
    w.endArray();
    w.key("warnings").beginArray();
    for (const std::string& c : r.warnings) w.value(c);
    w.endArray();
    w.key("importance").beginArray();
    for (const ChurnImportance& i : r.importance) {
        w.beginObject().field("feature", i.feature).field("importance", i.importance).field("permutation", i.permutation).endObject();
    }
    w.endArray();
    auto curve = [&](const char* key, const std::vector<analytics::CurvePoint>& c) {
        w.key(key).beginArray();
        for (const analytics::CurvePoint& p : c) w.beginArray().value(p.x).value(p.y).value(std::isfinite(p.threshold) ? p.threshold : 1.0).endArray();
        w.endArray();
    };
    curve("roc", r.roc);
    curve("pr", r.pr);
    w.key("calibration").beginArray();
    for (const analytics::CalibrationBin& b : r.calibrationBins) {
        w.beginArray().value(b.low).value(b.high).value(b.meanPredicted).value(b.observedRate).value(b.n).endArray();
    }
    w.endArray();
    w.key("gains").beginArray();
    for (const analytics::DecileRow& d : r.gains) {
        w.beginArray().value(d.decile).value(d.n).value(d.positives).value(d.rate).value(d.cumulativeRecall).value(d.lift);
        w.value(d.cumulativeLift).value(d.ks).endArray();
    }
    w.endArray();
    w.key("weights").beginArray();
    for (Eigen::Index j = 0; j < r.weights.size(); ++j) w.beginArray().value(r.weights(j)).value(r.weightsOriginal(j)).endArray();
    w.endArray();
    w.field("intercept", r.intercept);
    w.endObject();
    return w.str();
}

core::Result<int64_t> ChurnJob::saveRun(store::Db& db) const {
    const ChurnRun& r = run_;
    std::vector<int32_t> drivers, sides;
    std::vector<float> effects;
    for (size_t k = 0; k < r.driverColumn.size(); ++k) {
        for (int t = 0; t < 3; ++t) {
            drivers.push_back(r.driverColumn[k][static_cast<size_t>(t)]);
            effects.push_back(r.driverEffect[k][static_cast<size_t>(t)]);
            sides.push_back(k < r.driverHigh.size() ? r.driverHigh[k][static_cast<size_t>(t)] : 0);
        }
    }
    std::vector<int32_t> testY(r.testY.data(), r.testY.data() + r.testY.size());
    std::vector<double> testP(r.testP.data(), r.testP.data() + r.testP.size());
    std::vector<store::RunArray> arrays = {
        store::RunArray::ofInt32("test_y", testY),           store::RunArray::ofFloat64("test_p", testP),
        store::RunArray::ofInt64("customer_id", r.scoredIds), store::RunArray::ofFloat32("probability", r.scoredP),
        store::RunArray::ofFloat64("value", r.value),        store::RunArray::ofInt32("driver_column", drivers),
        store::RunArray::ofFloat32("driver_effect", effects), store::RunArray::ofInt32("driver_high", sides),
    };
    return store::saveModelRun(db, "churn", paramsJson(r.params), runMetricsJson(r), arrays, 10);
}

std::optional<ChurnRun> loadRun(store::Db& db, const store::ModelRun& saved) {
    auto params = core::parseJson(saved.parameters);
    auto metrics = core::parseJson(saved.metrics);
    if (!params || !metrics) return std::nullopt;
    const core::JsonValue& p = *params;
    const core::JsonValue& m = *metrics;
    ChurnRun r;
    r.runId = saved.id;
    r.createdAt = saved.createdAt;
    const std::string rule = p["label"]["rule"].string();
    r.params.label.rule = rule == "explicit" ? ChurnLabelRule::Explicit : rule == "attribute" ? ChurnLabelRule::Attribute : ChurnLabelRule::Inactivity;
    r.params.label.attribute = p["label"]["attribute"].string();
    r.params.label.windowDays = static_cast<int>(p["label"]["windowDays"].integer(90));
    for (const core::JsonValue& f : p["features"].array()) r.params.features.features.push_back(f.string());
    const std::string model = p["model"].string();
    r.params.model = model == "tree" ? ChurnModelKind::Tree : model == "forest" ? ChurnModelKind::Forest : ChurnModelKind::Logistic;
    const std::string validation = p["validation"].string();
    r.params.validation = validation == "cv" ? ChurnValidation::CrossValidation : validation == "time" ? ChurnValidation::TimeSplit : ChurnValidation::Holdout;
    r.params.testShare = p["testShare"].number(0.2);
    r.params.folds = static_cast<int>(p["folds"].integer(5));
    r.params.crossValidate = p["crossValidate"].boolean(true);
    r.params.seed = static_cast<uint64_t>(p["seed"].integer(0));
    r.params.logistic.l2 = p["params"]["l2"].number(1.0);
    r.params.tree.maxDepth = static_cast<int>(p["params"]["maxDepth"].integer(6));
    r.params.tree.criterion = p["params"]["criterion"].string() == "entropy" ? analytics::SplitCriterion::Entropy : analytics::SplitCriterion::Gini;
    r.params.tree.minSamplesLeaf = p["params"]["minSamplesLeaf"].integer(1);
    r.params.tree.ccpAlpha = p["params"]["ccpAlpha"].number(0);
    r.params.forest.trees = static_cast<int>(p["params"]["trees"].integer(100));
    r.params.forest.maxFeatures = static_cast<int>(p["params"]["maxFeatures"].integer(0));
    r.params.forest.maxDepth = static_cast<int>(p["params"]["forestMaxDepth"].integer(0));
    r.params.forest.minSamplesLeaf = p["params"]["forestMinSamplesLeaf"].integer(1);
    r.params.forest.criterion = p["params"]["forestCriterion"].string() == "entropy" ? analytics::SplitCriterion::Entropy : analytics::SplitCriterion::Gini;
    r.params.valueKey = p["valueKey"].string();
    r.params.valueMultiplier = p["valueMultiplier"].number(1);

    const core::JsonValue& t = m["test"];
    auto metric = [&](const core::JsonValue& v, analytics::Metrics& out) {
        out.accuracy = v["accuracy"].number();
        out.precision = v["precision"].number();
        out.recall = v["recall"].number();
        out.f1 = v["f1"].number();
        out.rocAuc = v["rocAuc"].number();
        out.prAuc = v["prAuc"].number();
        out.brier = v["brier"].number();
        out.logLoss = v["logLoss"].number();
        out.threshold = v["threshold"].number(0.5);
        out.n = v["n"].integer();
        out.positives = v["positives"].integer();
        out.confusion = {v["confusion"]["tp"].integer(), v["confusion"]["fp"].integer(), v["confusion"]["tn"].integer(), v["confusion"]["fn"].integer()};
    };
    metric(t, r.test);
    for (const auto& [name, s] : m["cv"].members()) {
        r.cv.emplace_back(name, analytics::MetricSummary{s["mean"].number(), s["sd"].number(), s["low"].number(), s["high"].number(),
                                                         static_cast<int>(s["folds"].integer())});
    }
    r.nTrain = m["nTrain"].integer();
    r.nTest = m["nTest"].integer();
    r.excluded = m["excluded"].integer();
    r.baseRate = m["baseRate"].number(0);
    auto day = [](const core::JsonValue& v) {
        const auto d = core::parseIsoDate(v.string());
        return d ? static_cast<int32_t>(core::daysFromCivil(*d)) : 0;
    };
    r.cutoffDay = day(m["cutoff"]);
    r.trainCutoffDay = day(m["trainCutoff"]);
    r.scoredAsOf = day(m["scoredAsOf"]);
    r.params.label.cutoffDay = day(p["label"]["cutoff"]);
    r.oobError = m["oobError"].number();
    r.fitMillis = m["fitMillis"].number(0);
    r.valueLabel = m["valueLabel"].string();
    for (const core::JsonValue& c : m["columns"].array()) r.columns.push_back(c.string());
    for (const core::JsonValue& c : m["notes"].array()) r.notes.push_back(c.string());
    for (const core::JsonValue& c : m["warnings"].array()) r.warnings.push_back(c.string());
    for (const core::JsonValue& i : m["importance"].array()) {
        r.importance.push_back({i["feature"].string(), i["importance"].number(0), i["permutation"].number(0)});
    }
    auto curve = [](const core::JsonValue& v) {
        std::vector<analytics::CurvePoint> out;
        for (const core::JsonValue& p2 : v.array()) out.push_back({p2[0].number(), p2[1].number(), p2[2].number()});
        return out;
    };
    r.roc = curve(m["roc"]);
    r.pr = curve(m["pr"]);
    for (const core::JsonValue& b : m["calibration"].array()) {
        r.calibrationBins.push_back({b[0].number(), b[1].number(), b[2].number(), b[3].number(), b[4].integer()});
    }
    for (const core::JsonValue& d : m["gains"].array()) {
        analytics::DecileRow row;
        row.decile = static_cast<int>(d[0].integer());
        row.n = d[1].integer();
        row.positives = d[2].integer();
        row.rate = d[3].number();
        row.cumulativeRecall = d[4].number();
        row.lift = d[5].number();
        row.cumulativeLift = d[6].number();
        row.ks = d[7].number();
        r.gains.push_back(row);
    }
    const auto weights = m["weights"].array();
    r.weights.resize(static_cast<Eigen::Index>(weights.size()));
    r.weightsOriginal.resize(static_cast<Eigen::Index>(weights.size()));
    for (size_t j = 0; j < weights.size(); ++j) {
        r.weights(static_cast<Eigen::Index>(j)) = weights[j][0].number();
        r.weightsOriginal(static_cast<Eigen::Index>(j)) = weights[j][1].number();
    }
    r.intercept = m["intercept"].number(0);

    auto testY = store::loadInt32(db, saved.id, "test_y");
    auto testP = store::loadFloat64(db, saved.id, "test_p");
    auto ids = store::loadInt64(db, saved.id, "customer_id");
    auto prob = store::loadFloat32(db, saved.id, "probability");
    auto value = store::loadFloat64(db, saved.id, "value");
    auto drivers = store::loadInt32(db, saved.id, "driver_column");
    auto effects = store::loadFloat32(db, saved.id, "driver_effect");
    if (!testY || !testP || !ids || !prob || !value || !drivers || !effects) return std::nullopt;
    if (testY->size() != testP->size() || prob->size() != ids->size() || value->size() != ids->size() ||
        drivers->size() != 3 * ids->size() || effects->size() != drivers->size()) {
        return std::nullopt;
    }
    auto sides = store::loadInt32(db, saved.id, "driver_high");  // absent in runs saved before it was kept
    const bool haveSides = sides && sides->size() == drivers->size();
    r.testY = Eigen::Map<const Eigen::VectorXi>(testY->data(), static_cast<Eigen::Index>(testY->size()));
    r.testP = Eigen::Map<const Eigen::VectorXd>(testP->data(), static_cast<Eigen::Index>(testP->size()));
    r.scoredIds = std::move(*ids);
    r.scoredP = std::move(*prob);
    r.value = std::move(*value);
    for (size_t k = 0; k < r.scoredIds.size(); ++k) {
        std::array<int32_t, 3> col{};
        std::array<float, 3> eff{};
        for (size_t t = 0; t < 3; ++t) {
            col[t] = (*drivers)[3 * k + t];
            eff[t] = (*effects)[3 * k + t];
            if (col[t] >= static_cast<int32_t>(r.columns.size())) col[t] = -1;
        }
        r.driverColumn.push_back(col);
        r.driverEffect.push_back(eff);
        if (haveSides) {
            r.driverHigh.push_back({static_cast<int8_t>((*sides)[3 * k] != 0), static_cast<int8_t>((*sides)[3 * k + 1] != 0),
                                    static_cast<int8_t>((*sides)[3 * k + 2] != 0)});
        }
    }
    return r;
}

}  // namespace

const char* churnModelName(ChurnModelKind kind) {
    switch (kind) {
        case ChurnModelKind::Logistic: return "logistic";
        case ChurnModelKind::Tree: return "tree";
        case ChurnModelKind::Forest: return "forest";
    }
    return "logistic";
}

const char* churnModelLabel(ChurnModelKind kind) {
    switch (kind) {
        case ChurnModelKind::Logistic: return "Logistic regression";
        case ChurnModelKind::Tree: return "Decision tree";
        case ChurnModelKind::Forest: return "Random forest";
    }
    return "";
}

const char* churnValidationName(ChurnValidation v) {
    switch (v) {
        case ChurnValidation::Holdout: return "holdout";
        case ChurnValidation::CrossValidation: return "cv";
        case ChurnValidation::TimeSplit: return "time";
    }
    return "holdout";
}

void chooseChurnLabel(const CustomerFacts& f, ChurnLabelSpec& label) {
    bool anyChurned = false;
    for (const uint8_t c : f.churned) anyChurned = anyChurned || c != 0;
    if (anyChurned) {
        label.rule = ChurnLabelRule::Explicit;
        return;
    }
    if (!f.orderDay.empty()) {
        label.rule = ChurnLabelRule::Inactivity;
        return;
    }
    for (const store::AttributeColumn& a : f.attributes) {
        const std::string name = lower(a.name);
        if (name.find("churn") != std::string::npos || name == "exited" || name == "attrition") {
            label.rule = ChurnLabelRule::Attribute;
            label.attribute = a.name;
            return;
        }
    }
    label.rule = ChurnLabelRule::Explicit;  // nothing to learn: the job says so in words
}

void chooseChurnValidation(const CustomerFacts& f, ChurnParams& p) {
    p.validation = !f.orderDay.empty() && !isSnapshotLabel(f, p.label) ? ChurnValidation::TimeSplit : ChurnValidation::Holdout;
}

core::Status ChurnParams::validate() const {
    if (!(testShare > 0.05 && testShare < 0.6)) return core::makeError("The test share must be between 5% and 60%.");
    if (folds < 2 || folds > 20) return core::makeError("Cross-validation needs 2 to 20 folds.");
    if (label.rule == ChurnLabelRule::Attribute && label.attribute.empty()) return core::makeError("Choose the attribute that says who churned.");
    switch (model) {
        case ChurnModelKind::Logistic: return logistic.validate();
        case ChurnModelKind::Tree: return tree.validate();
        case ChurnModelKind::Forest: return forest.validate();
    }
    return {};
}

core::Result<uint64_t> startChurn(AppState& app, const ChurnParams& params) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    if (app.counts.customers == 0) return core::makeError("There are no customers yet: load demo data or import customers first.");
    if (auto s = params.validate(); !s) return s.error();
    return startJob(app, std::make_unique<ChurnJob>(params));
}

std::string churnJson(const ChurnRun& r) {
    core::JsonWriter w;
    w.beginObject();
    if (r.runId != 0) w.field("runId", r.runId);
    w.field("model", churnModelName(r.params.model)).field("validation", churnValidationName(r.params.validation));
    w.key("metrics");
    writeMetrics(w, r.test);
    w.key("cv").beginObject();
    for (const auto& [name, s] : r.cv) {
        w.key(name).beginObject();
        writeNumber(w, "mean", s.mean);
        writeNumber(w, "low", s.low);
        writeNumber(w, "high", s.high);
        w.endObject();
    }
    w.endObject();
    w.key("importance").beginArray();
    for (const ChurnImportance& i : r.importance) {
        w.beginObject().field("feature", i.feature).field("importance", i.importance).field("permutation", i.permutation).endObject();
    }
    w.endArray();
    w.field("n_train", r.nTrain).field("n_test", r.nTest).field("baseRate", r.baseRate);
    w.field("cutoff", isoDay(r.cutoffDay)).field("fitMillis", r.fitMillis);
    writeNumber(w, "oobError", r.oobError);
    w.field("scored", static_cast<int64_t>(r.scoredIds.size()));
    w.key("columns").beginArray();
    for (const std::string& c : r.columns) w.value(c);
    w.endArray();
    w.key("notes").beginArray();
    for (const std::string& c : r.notes) w.value(c);
    w.endArray();
    w.endObject();
    return w.str();
}

std::vector<ChurnRunSummary> churnRuns(AppState& app) {
    std::vector<ChurnRunSummary> out;
    if (!app.store) return out;
    auto runs = store::modelRuns(app.store->db(), "churn");
    if (!runs) return out;
    for (const store::ModelRun& run : *runs) {
        auto p = core::parseJson(run.parameters);
        auto m = core::parseJson(run.metrics);
        if (!p || !m) continue;
        ChurnRunSummary s;
        s.id = run.id;
        s.createdAt = run.createdAt;
        s.model = (*p)["model"].string();
        s.validation = (*p)["validation"].string();
        s.label = (*p)["label"]["rule"].string();
        const core::JsonValue& t = (*m)["test"];
        s.rocAuc = t["rocAuc"].number();
        s.prAuc = t["prAuc"].number();
        s.f1 = t["f1"].number();
        s.accuracy = t["accuracy"].number();
        s.brier = t["brier"].number();
        s.logLoss = t["logLoss"].number();
        s.rocAucLow = (*m)["cv"]["rocAuc"]["low"].number();
        s.rocAucHigh = (*m)["cv"]["rocAuc"]["high"].number();
        s.fitMillis = (*m)["fitMillis"].number(0);
        s.nTrain = (*m)["nTrain"].integer();
        s.nTest = (*m)["nTest"].integer();
        s.features = static_cast<int64_t>((*m)["columns"].array().size());
        for (const core::JsonValue& point : (*m)["roc"].array()) {
            const auto& xy = point.array();
            if (xy.size() >= 2) s.roc.push_back({xy[0].number(), xy[1].number(), xy.size() > 2 ? xy[2].number() : NAN});
        }
        out.push_back(std::move(s));
    }
    return out;
}

bool loadChurnRun(AppState& app, int64_t runId) {
    if (!app.store) return false;
    auto runs = store::modelRuns(app.store->db(), "churn");
    if (!runs) return false;
    for (const store::ModelRun& run : *runs) {
        if (run.id != runId) continue;
        auto loaded = loadRun(app.store->db(), run);
        if (!loaded) {
            app.churn.error = "This saved run could not be read back.";
            return false;
        }
        app.churn.run = std::move(*loaded);
        app.churn.threshold = 0.5;
        return true;
    }
    return false;
}

void restoreChurn(AppState& app) {
    ChurnState& s = app.churn;
    if (s.restored || !app.store) return;
    s.restored = true;
    if (s.run) return;
    if (auto latest = store::latestModelRun(app.store->db(), "churn"); latest && *latest) {
        if (auto run = loadRun(app.store->db(), **latest)) {
            s.run = std::move(*run);
            s.draft = s.run->params;
            s.draftInitialised = true;
        }
    }
}

core::Result<std::string> churnScoresJson(AppState& app, int64_t runId, int64_t limit) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    const ChurnRun* run = app.churn.run && app.churn.run->runId == runId ? &*app.churn.run : nullptr;
    std::optional<ChurnRun> loaded;
    if (run == nullptr) {
        auto runs = store::modelRuns(app.store->db(), "churn");
        if (runs) {
            for (const store::ModelRun& saved : *runs) {
                if (saved.id == runId) loaded = loadRun(app.store->db(), saved);
            }
        }
        if (!loaded) return core::makeError("There is no saved churn run with id " + std::to_string(runId) + ".");
        run = &*loaded;
    }
    const auto n = static_cast<size_t>(limit > 0 ? std::min<int64_t>(limit, static_cast<int64_t>(run->scoredIds.size()))
                                                 : static_cast<int64_t>(run->scoredIds.size()));
    std::vector<int64_t> ids(run->scoredIds.begin(), run->scoredIds.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<store::CustomerRow> rows;
    if (n <= 10000) {
        if (auto r = store::customerRows(app.store->db(), ids)) rows = std::move(*r);
    }
    core::JsonWriter w;
    w.beginArray();
    size_t row = 0;
    for (size_t k = 0; k < n; ++k) {
        w.beginObject().field("customerId", run->scoredIds[k]);
        if (row < rows.size() && rows[row].id == run->scoredIds[k]) {  // same order, missing ones left out
            w.field("customer", rows[row].values[0]).field("name", rows[row].values[1]);
            ++row;
        }
        w.field("score", static_cast<double>(run->scoredP[k])).field("value", run->value[k]);
        w.field("valueAtRisk", static_cast<double>(run->scoredP[k]) * run->value[k]);
        w.key("drivers").beginArray();
        for (size_t t = 0; t < 3; ++t) {
            const int32_t col = run->driverColumn[k][t];
            if (col >= 0) {
                w.beginObject().field("feature", run->columns[static_cast<size_t>(col)]).field("reason", churnDriverText(*run, k, t));
                w.field("effect", static_cast<double>(run->driverEffect[k][t])).endObject();
            }
        }
        w.endArray().endObject();
    }
    w.endArray();
    return w.str();
}

std::string churnDriverText(const ChurnRun& r, size_t customer, size_t driver) {
    const int32_t col = r.driverColumn[customer][driver];
    if (col < 0 || static_cast<size_t>(col) >= r.columns.size()) return {};
    const std::string& name = r.columns[static_cast<size_t>(col)];
    if (customer >= r.driverHigh.size()) return name;
    const bool high = r.driverHigh[customer][driver] != 0;
    if (name.find(" = ") != std::string::npos) return high ? name : "not " + name;  // a category's column
    constexpr std::string_view kMissing = " missing";
    if (name.size() > kMissing.size() && name.compare(name.size() - kMissing.size(), kMissing.size(), kMissing) == 0) {
        return high ? name : name.substr(0, name.size() - kMissing.size()) + " known";
    }
    return name + (high ? " high" : " low");
}

void exportAtRisk(AppState& app, int64_t limit) {
    if (!app.store || !app.churn.run) return;
    const ChurnRun& r = *app.churn.run;
    const auto n = static_cast<size_t>(std::min<int64_t>(limit > 0 ? limit : static_cast<int64_t>(r.scoredIds.size()),
                                                         static_cast<int64_t>(r.scoredIds.size())));
    std::vector<int64_t> ids(r.scoredIds.begin(), r.scoredIds.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<store::CustomerRow> rows;
    if (auto fetched = store::customerRows(app.store->db(), ids)) rows = std::move(*fetched);
    std::string csv;
    core::appendCsvRecord(csv, {"customer_id", "name", "email", "churn_probability", "value", "value_at_risk", "driver_1", "driver_2", "driver_3"});
    size_t row = 0;
    for (size_t k = 0; k < n; ++k) {
        // customerRows keeps the order of the ids and leaves out missing ones.
        const store::CustomerRow* c = row < rows.size() && rows[row].id == r.scoredIds[k] ? &rows[row++] : nullptr;
        std::vector<std::string> fields = {c ? c->values[0] : std::to_string(r.scoredIds[k]), c ? c->values[1] : "", c ? c->values[2] : "",
                                           core::formatNumber(std::round(static_cast<double>(r.scoredP[k]) * 10000) / 10000),
                                           core::formatNumber(std::round(r.value[k] * 100) / 100),
                                           core::formatNumber(std::round(static_cast<double>(r.scoredP[k]) * r.value[k] * 100) / 100)};
        for (size_t t = 0; t < 3; ++t) fields.push_back(churnDriverText(r, k, t));
        core::appendCsvRecord(csv, fields);
    }
    app.requests.downloads.push_back({"at-risk-customers.csv", "text/csv", std::move(csv)});
}

bool saveAtRiskSegment(AppState& app, const std::string& name, double minProbability) {
    ChurnState& s = app.churn;
    s.message.clear();
    s.error.clear();
    if (!s.run) return false;
    if (auto w = checkWritable(app); !w) {
        s.error = w.error().message;
        return false;
    }
    std::vector<int64_t> ids;
    for (size_t k = 0; k < s.run->scoredIds.size(); ++k) {
        if (s.run->scoredP[k] >= minProbability) ids.push_back(s.run->scoredIds[k]);
    }
    if (ids.empty()) {
        s.error = "No customer has a risk at or above " + core::formatNumber(minProbability * 100) + "%.";
        return false;
    }
    if (auto ok = store::checkSegmentName(app.store->db(), name); !ok) {
        s.error = ok.error().message;
        return false;
    }
    core::JsonWriter w;
    w.beginObject().field("source", "churn").field("runId", s.run->runId).field("minProbability", minProbability);
    w.field("model", churnModelName(s.run->params.model)).endObject();
    auto id = store::createSegment(app.store->db(), name, w.str(), ids);
    if (!id) {
        s.error = id.error().message;
        return false;
    }
    refreshCounts(app, false);
    app.segmentation.savedStale = true;
    s.message = "Saved \u201C" + name + "\u201D (" + core::formatCount(static_cast<int64_t>(ids.size())) + " customers).";
    return true;
}


// ---- 5. What the view reads ------------------------------------------------------------------------

void resetChurnDraft(AppState& app, const CustomerFacts& facts) {
    ChurnParams& d = app.churn.draft;
    d.label = ChurnLabelSpec{};
    chooseChurnLabel(facts, d.label);
    chooseChurnValidation(facts, d);
    d.features = defaultChurnFeatures(facts, d.label);
    app.churn.draftInitialised = true;
}

ChurnContext churnContext(AppState& app) {
    ChurnState& s = app.churn;
    ChurnContext c;
    restoreChurn(app);
    // Saved runs: read again when the data, the shown run or the list changed.
    const int64_t shown = s.run ? s.run->runId : -1;
    if (s.runsStale || s.runsVersion != app.dataVersion || s.runsForRun != shown) {
        s.runs = churnRuns(app);
        s.runsStale = false;
        s.runsVersion = app.dataVersion;
        s.runsForRun = shown;
        // A shown run that is no longer saved (the data were cleared or restored) goes too.
        if (s.run && s.run->runId != 0 &&
            std::none_of(s.runs.begin(), s.runs.end(), [&](const ChurnRunSummary& r) { return r.id == s.run->runId; })) {
            s.run.reset();
            s.runsForRun = -1;
        }
        std::erase_if(s.compareIds, [&](int64_t id) {
            return std::none_of(s.runs.begin(), s.runs.end(), [&](const ChurnRunSummary& r) { return r.id == id; });
        });
    }
    c.runs = &s.runs;
    const auto facts = currentFacts(app);
    if (!facts) {
        if (!app.runner.active && app.counts.customers > 0 && s.factsRequestedVersion != app.dataVersion) {
            s.factsRequestedVersion = app.dataVersion;
            (void)startReadingFacts(app);
        }
        return c;
    }
    c.facts = facts.get();
    if (s.catalogFacts != facts.get()) {
        s.catalog = churnFeatureCatalog(*facts);
        s.catalogFacts = facts.get();
    }
    c.catalog = &s.catalog;
    if (!s.draftInitialised) resetChurnDraft(app, *facts);
    return c;
}

const std::vector<ChurnAtRiskRow>& churnAtRisk(AppState& app, size_t count) {
    ChurnState& s = app.churn;
    if (!s.run) {
        s.atRisk.clear();
        s.atRiskRunId = -1;
        return s.atRisk;
    }
    const ChurnRun& r = *s.run;
    count = std::min(count, r.scoredIds.size());
    if (s.atRiskRunId == r.runId && s.atRiskCount == count && s.atRiskVersion == app.dataVersion && s.atRisk.size() == count) return s.atRisk;
    s.atRisk.clear();
    s.atRiskRunId = r.runId;
    s.atRiskCount = count;
    s.atRiskVersion = app.dataVersion;
    std::vector<int64_t> ids(r.scoredIds.begin(), r.scoredIds.begin() + static_cast<std::ptrdiff_t>(count));
    std::vector<store::CustomerRow> rows;
    if (app.store) {
        if (auto fetched = store::customerRows(app.store->db(), ids)) rows = std::move(*fetched);
    }
    size_t row = 0;
    for (size_t k = 0; k < count; ++k) {
        ChurnAtRiskRow a;
        a.id = r.scoredIds[k];
        if (row < rows.size() && rows[row].id == a.id) {  // same order; missing ones left out
            a.customer = rows[row].values[0];
            a.name = rows[row].values[1];
            a.email = rows[row].values[2];
            ++row;
        }
        a.probability = r.scoredP[k];
        a.value = r.value[k];
        a.driverColumn = r.driverColumn[k];
        a.driverEffect = r.driverEffect[k];
        s.atRisk.push_back(std::move(a));
    }
    return s.atRisk;
}

core::Status deleteChurnRun(AppState& app, int64_t runId) {
    if (auto w = checkWritable(app); !w) return w;
    if (auto d = store::deleteModelRun(app.store->db(), runId); !d) return d;
    ChurnState& s = app.churn;
    if (s.run && s.run->runId == runId) s.run.reset();
    std::erase(s.compareIds, runId);
    s.runsStale = true;
    return {};
}

}  // namespace rapport::app
