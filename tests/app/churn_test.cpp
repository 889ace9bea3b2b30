// The churn feature as the app runs it (app/churn.hpp, app/churn_data.hpp): jobs trained on
// demo data (where churn is learnable by construction) and on a small Telco-like table whose
// churn depends on the contract, checked for what must hold whatever the fitted numbers:
// reports that agree with themselves, scores that leave out who has gone, runs that are saved,
// listed, read back, exported and deleted, and errors in words instead of crashes.
//   0. Data and helpers: demo images, a Telco-like CSV, running a job, a report's invariants
//   1. The three models on demo data (holdout); the job against the analytics functions; its JSON
//   2. Cross-validation
//   3. Time split
//   4. Determinism
//   5. Saved runs (and their parameters), scores as JSON, the at-risk export and segment
//   6. A Telco-like table: the label, names, a model on the contract
//   7. Choosing the label and the validation from the data
//   8. Cancelling a run
//   9. Parameter checks
#include "app/churn.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "analytics/evaluation.hpp"
#include "analytics/logistic.hpp"
#include "analytics/tree.hpp"
#include "app/app_state.hpp"
#include "app/churn_data.hpp"
#include "app/data_transfer.hpp"
#include "app/facts.hpp"
#include "app/segmentation.hpp"
#include "core/csv.hpp"
#include "core/json_reader.hpp"
#include "core/random.hpp"
#include "core/values.hpp"
#include "store/customers.hpp"
#include "store/demo_data.hpp"
#include "store/export.hpp"
#include "store/import.hpp"
#include "store/model_runs.hpp"
#include "store/segments.hpp"
#include "store/store.hpp"

using namespace rapport;
using namespace rapport::app;
using store::DemoScenario;

namespace {

// ---- 0. Data and helpers ------------------------------------------------------------------------------

constexpr int64_t kDemoCustomers = 4000;

// Demo databases as file images, made once per scenario; each test restores one.
const std::string& demoImage(DemoScenario scenario) {
    static std::map<DemoScenario, std::string> images;
    if (auto it = images.find(scenario); it != images.end()) return it->second;
    std::string bytes;
    if (auto s = store::Store::open(":memory:")) {
        if (store::generateDemo(s->db(), store::DemoOptions{kDemoCustomers, 7, scenario})) {
            if (auto image = store::exportDatabase(s->db())) bytes = std::move(*image);
        }
    }
    return images.emplace(scenario, std::move(bytes)).first->second;
}

void openImage(AppState& app, const std::string& image) {
    REQUIRE_FALSE(image.empty());
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    REQUIRE(store::restoreBackup(app.store->db(), image));
    refreshCounts(app);
    REQUIRE(app.counts.customers > 0);
}

void openDemo(AppState& app, DemoScenario scenario) {
    openImage(app, demoImage(scenario));
    REQUIRE(app.counts.customers == kDemoCustomers);
}

// Runs the active job to its end, in slices as the page would.
const JobRecord& runToEnd(AppState& app) {
    for (int i = 0; i < 100000 && app.runner.active; ++i) runJobs(app, std::chrono::milliseconds(50));
    REQUIRE(app.runner.active == nullptr);
    REQUIRE_FALSE(app.runner.records.empty());
    return app.runner.records.rbegin()->second;
}

const ChurnRun& train(AppState& app, const ChurnParams& params) {
    auto started = startChurn(app, params);
    REQUIRE_MESSAGE(started, (started ? std::string() : started.error().message));
    const JobRecord& record = runToEnd(app);
    REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
    REQUIRE(app.churn.run.has_value());
    return *app.churn.run;
}

// The message of a run that must fail (as a job, not at start).
std::string trainingError(AppState& app, const ChurnParams& params) {
    auto started = startChurn(app, params);
    REQUIRE_MESSAGE(started, (started ? std::string() : started.error().message));
    const JobRecord& record = runToEnd(app);
    CHECK(record.state == JobState::Failed);
    return record.error;
}

using Facts = std::shared_ptr<const store::CustomerFacts>;

Facts factsOf(const AppState& app) {
    Facts facts = currentFacts(app);
    REQUIRE(facts);
    return facts;
}

// Reads the facts as a view does (a job that only reads them).
Facts readFacts(AppState& app) {
    if (!currentFacts(app)) {
        REQUIRE(startReadingFacts(app));
        const JobRecord& record = runToEnd(app);
        REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
    }
    return factsOf(app);
}

store::CustomerFacts factsOfImage(const std::string& image, const char* sql) {
    REQUIRE_FALSE(image.empty());
    auto s = store::Store::open(":memory:");
    REQUIRE(s);
    REQUIRE(store::restoreBackup(s->db(), image));
    if (sql != nullptr) REQUIRE(s->db().exec(sql));
    auto facts = store::readCustomerFacts(s->db());
    REQUIRE(facts);
    return std::move(*facts);
}

store::CustomerFacts factsFrom(const char* sql) {
    auto s = store::Store::open(":memory:");
    REQUIRE(s);
    REQUIRE(s->db().exec(sql));
    auto facts = store::readCustomerFacts(s->db());
    REQUIRE(facts);
    return std::move(*facts);
}

// Small and quick: no cross-validation, a smaller forest.
ChurnParams quick(ChurnModelKind model, ChurnLabelRule rule, uint64_t seed = 3) {
    ChurnParams p;
    p.model = model;
    p.label.rule = rule;
    p.validation = ChurnValidation::Holdout;
    p.crossValidate = false;
    p.forest.trees = 30;
    p.forest.minSamplesLeaf = 10;
    p.seed = seed;
    return p;
}

// Subscription churn within a year, on behaviour and the loyalty tier (which the demo draws
// from the same satisfaction as the churn hazard): within 90 days churners are too few in a
// few thousand customers for a test set to tell models apart from chance.
ChurnParams subscriptionParams(ChurnModelKind model, uint64_t seed = 3) {
    ChurnParams p = quick(model, ChurnLabelRule::Explicit, seed);
    p.label.windowDays = 365;
    p.features.features = {"recency_days", "orders",   "revenue",   "tenure_days", "complaints",
                           "tickets",      "last_nps", "mean_csat", "plan",        "attr:loyalty_tier"};
    return p;
}

// A Telco-like table: churn depends on the contract (55% month-to-month, 10% one year, 2%
// two years: an AUC of about 0.8 on the contract alone); tenure and the monthly charge are noise.
std::string telcoCsv(int customers, uint64_t seed) {
    core::Random r(seed);
    std::string csv = "customerID,gender,tenure,Contract,MonthlyCharges,Churn\n";
    for (int i = 0; i < customers; ++i) {
        const double u = r.uniform();
        const char* contract = u < 0.5 ? "Month-to-month" : u < 0.75 ? "One year" : "Two year";
        const double rate = u < 0.5 ? 0.55 : u < 0.75 ? 0.10 : 0.02;
        csv += "T" + std::to_string(1000 + i) + "," + (r.chance(0.5) ? "Female" : "Male") + "," +
               std::to_string(1 + r.below(72)) + "," + contract + "," +
               std::to_string(std::round(r.uniform(20, 110) * 100) / 100).substr(0, 6) + "," +
               (r.chance(rate) ? "Yes" : "No") + "\n";
    }
    return csv;
}

constexpr int kTelcoCustomers = 400;

// Imported as a user brings a file: the app's import job with the automatic mapping.
void openTelco(AppState& app) {
    REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
    store::ImportOptions options;
    options.fileName = "telco.csv";
    REQUIRE(startImportJob(app, "telco.csv", telcoCsv(kTelcoCustomers, 11), store::Entity::Customers, options));
    const JobRecord& record = runToEnd(app);
    REQUIRE_MESSAGE(record.state == JobState::Done, record.error);
    auto report = core::parseJson(record.resultJson);
    REQUIRE(report);
    REQUIRE((*report)["inserted"].integer() == kTelcoCustomers);
    REQUIRE((*report)["rejected"].size() == 0);
    REQUIRE(app.counts.customers == kTelcoCustomers);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// What every finished run must satisfy, whatever was fitted.
void checkReport(const ChurnRun& r, const store::CustomerFacts& facts) {
    const analytics::Metrics& m = r.test;
    const analytics::ConfusionMatrix& c = m.confusion;
    const int64_t n = c.tp + c.fp + c.tn + c.fn;
    REQUIRE(n > 0);
    CHECK(n == m.n);
    CHECK(m.n == r.nTest);
    CHECK(m.positives == c.tp + c.fn);
    CHECK(m.threshold == 0.5);
    const double precision = c.tp + c.fp > 0 ? static_cast<double>(c.tp) / static_cast<double>(c.tp + c.fp) : 0;
    const double recall = c.tp + c.fn > 0 ? static_cast<double>(c.tp) / static_cast<double>(c.tp + c.fn) : 0;
    CHECK(m.accuracy == doctest::Approx(static_cast<double>(c.tp + c.tn) / static_cast<double>(n)));
    CHECK(m.precision == doctest::Approx(precision));
    CHECK(m.recall == doctest::Approx(recall));
    CHECK(m.f1 == doctest::Approx(precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0));
    CHECK(m.brier >= 0);
    CHECK(m.logLoss >= 0);

    // The test labels and scores kept for the threshold control are those of the report.
    REQUIRE(r.testY.size() == n);
    REQUIRE(r.testP.size() == n);
    CHECK(r.testY.sum() == m.positives);
    CHECK(m.rocAuc == doctest::Approx(analytics::rocAuc(r.testY, r.testP)));
    const analytics::ConfusionMatrix again = analytics::confusion(r.testY, r.testP, 0.5);
    CHECK(again.tp == c.tp);
    CHECK(again.fp == c.fp);
    CHECK(again.tn == c.tn);
    CHECK(again.fn == c.fn);

    REQUIRE_FALSE(r.gains.empty());
    int64_t gainsN = 0, gainsPositives = 0;
    for (size_t d = 0; d < r.gains.size(); ++d) {
        CHECK(r.gains[d].decile == static_cast<int>(d) + 1);
        gainsN += r.gains[d].n;
        gainsPositives += r.gains[d].positives;
        if (d > 0) CHECK(r.gains[d].cumulativeRecall >= r.gains[d - 1].cumulativeRecall);
    }
    CHECK(gainsN == n);
    CHECK(gainsPositives == m.positives);
    CHECK(r.gains.back().cumulativeRecall == doctest::Approx(1.0));

    REQUIRE(r.roc.size() >= 2);
    CHECK(r.roc.front().x == 0);
    CHECK(r.roc.front().y == 0);
    CHECK(r.roc.back().x == doctest::Approx(1.0));
    CHECK(r.roc.back().y == doctest::Approx(1.0));
    CHECK_FALSE(r.pr.empty());

    // Importance: one per column, normalized, largest first.
    REQUIRE_FALSE(r.columns.empty());
    REQUIRE(r.importance.size() == r.columns.size());
    double total = 0;
    for (size_t j = 0; j < r.importance.size(); ++j) {
        CHECK(r.importance[j].importance >= 0);
        total += r.importance[j].importance;
        if (j > 0) CHECK(r.importance[j].importance <= r.importance[j - 1].importance);
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-6));

    // Scores: current customers only, each once, by value at risk.
    const size_t scored = r.scoredIds.size();
    REQUIRE(scored > 0);
    REQUIRE(r.scoredP.size() == scored);
    REQUIRE(r.value.size() == scored);
    REQUIRE(r.driverColumn.size() == scored);
    REQUIRE(r.driverEffect.size() == scored);
    CHECK(std::set<int64_t>(r.scoredIds.begin(), r.scoredIds.end()).size() == scored);
    int64_t churnedScored = 0, unknown = 0, unsorted = 0, outOfRange = 0, badDrivers = 0;
    for (size_t k = 0; k < scored; ++k) {
        const int64_t i = facts.indexOf(r.scoredIds[k]);
        if (i < 0)
            ++unknown;
        else if (facts.churned[static_cast<size_t>(i)] != 0)
            ++churnedScored;
        if (!(r.scoredP[k] >= 0 && r.scoredP[k] <= 1)) ++outOfRange;
        for (const int32_t col : r.driverColumn[k]) {
            if (col < -1 || col >= static_cast<int32_t>(r.columns.size())) ++badDrivers;
        }
        if (k > 0) {
            // The order was decided in double precision; the probabilities are kept as floats.
            const double before = static_cast<double>(r.scoredP[k - 1]) * r.value[k - 1];
            const double here = static_cast<double>(r.scoredP[k]) * r.value[k];
            if (here > before + 1e-6 * std::max(1.0, std::fabs(before))) ++unsorted;
        }
    }
    CHECK(unknown == 0);
    CHECK(churnedScored == 0);
    CHECK(outOfRange == 0);
    CHECK(badDrivers == 0);
    CHECK(unsorted == 0);
}

bool sameMetrics(const analytics::Metrics& a, const analytics::Metrics& b) {
    return a.accuracy == b.accuracy && a.precision == b.precision && a.recall == b.recall && a.f1 == b.f1 &&
           a.rocAuc == b.rocAuc && a.prAuc == b.prAuc && a.brier == b.brier && a.logLoss == b.logLoss && a.n == b.n &&
           a.positives == b.positives && a.confusion.tp == b.confusion.tp && a.confusion.fp == b.confusion.fp &&
           a.confusion.tn == b.confusion.tn && a.confusion.fn == b.confusion.fn;
}

bool sameCurve(const std::vector<analytics::CurvePoint>& a, const std::vector<analytics::CurvePoint>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k) {
        if (a[k].x != b[k].x || a[k].y != b[k].y) return false;
    }
    return true;
}

bool sameScores(const ChurnRun& a, const ChurnRun& b) {
    return a.scoredIds == b.scoredIds && a.scoredP == b.scoredP && a.value == b.value &&
           a.driverColumn == b.driverColumn && a.driverEffect == b.driverEffect;
}

std::vector<std::vector<std::string>> readCsv(const std::string& text) {
    std::vector<std::vector<std::string>> out;
    core::CsvReader reader(text);
    std::vector<std::string> fields;
    while (reader.next(fields)) out.push_back(fields);
    if (!out.empty() && out.back().size() == 1 && out.back()[0].empty()) out.pop_back();
    return out;
}

}  // namespace

TEST_SUITE("app") {
    // ---- 1. The three models on demo data ------------------------------------------------------------

    TEST_CASE("each model learns demo churn, and its report agrees with itself") {
        // Subscription: the churned column within a year; retail: inactivity within 90 days.
        // On these data and seeds 1 to 5 every model's test AUC was between 0.61 and 0.76:
        // 0.6 is clearly above chance (0.5) and below anything seen.
        for (const DemoScenario scenario : {DemoScenario::Subscription, DemoScenario::Retail}) {
            AppState app;
            openDemo(app, scenario);
            for (const ChurnModelKind model :
                 {ChurnModelKind::Logistic, ChurnModelKind::Tree, ChurnModelKind::Forest}) {
                const bool subscription = scenario == DemoScenario::Subscription;
                const ChurnParams p =
                    subscription ? subscriptionParams(model) : quick(model, ChurnLabelRule::Inactivity);
                CAPTURE(std::string(store::scenarioName(scenario)));
                CAPTURE(std::string(churnModelName(model)));
                const ChurnRun& run = train(app, p);
                const Facts kept = factsOf(app);
                const store::CustomerFacts& facts = *kept;
                CAPTURE(run.test.rocAuc);
                CHECK(run.test.rocAuc > 0.6);
                checkReport(run, facts);
                CHECK(run.params.model == model);
                CHECK(run.params.label.rule == p.label.rule);
                CHECK(run.cv.empty());  // crossValidate off
                CHECK(run.runId != 0);
                // Holdout: everyone in the population is in exactly one of the two sets.
                CHECK(run.nTrain + run.nTest + run.excluded == facts.customers());
                CHECK(static_cast<double>(run.nTest) ==
                      doctest::Approx(0.2 * static_cast<double>(run.nTrain + run.nTest)).epsilon(0.01));
                CHECK(run.baseRate > 0.05);
                CHECK(run.baseRate < 0.95);
                CHECK(run.params.valueKey == "revenue_12m");
                CHECK(run.cutoffDay == facts.lastDay - p.label.windowDays);
                CHECK(run.scoredAsOf == facts.lastDay);
                if (model == ChurnModelKind::Logistic) {
                    CHECK(run.weights.size() == static_cast<Eigen::Index>(run.columns.size()));
                } else {
                    CHECK(run.weights.size() == 0);
                }
                CHECK(std::isnan(run.oobError) == (model != ChurnModelKind::Forest));
            }
        }
    }

    TEST_CASE("a run's test scores and customer scores are those of the analytics model fitted on the same split") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        for (const ChurnModelKind model : {ChurnModelKind::Logistic, ChurnModelKind::Tree}) {
            CAPTURE(std::string(churnModelName(model)));
            const ChurnParams p = quick(model, ChurnLabelRule::Inactivity, 9);
            const ChurnRun run = train(app, p);
            const Facts facts = factsOf(app);
            auto data = buildChurnDataset(*facts, run.params.label, run.params.features, run.cutoffDay);
            REQUIRE(data);
            std::vector<std::string> names;
            for (const ChurnColumns::Column& c : data->columns.columns) names.push_back(c.name);
            CHECK(names == run.columns);
            CHECK(run.notes == data->columns.notes);
            CHECK(run.excluded == data->excluded);

            const analytics::Split split = analytics::stratifiedSplit(data->y, p.testShare, p.seed);
            auto rowsOf = [&](const std::vector<int64_t>& rows, Eigen::MatrixXd& X, Eigen::VectorXi& y) {
                X.resize(static_cast<Eigen::Index>(rows.size()), data->X.cols());
                y.resize(static_cast<Eigen::Index>(rows.size()));
                for (size_t k = 0; k < rows.size(); ++k) {
                    X.row(static_cast<Eigen::Index>(k)) = data->X.row(rows[k]);
                    y(static_cast<Eigen::Index>(k)) = data->y(rows[k]);
                }
            };
            Eigen::MatrixXd trainX, testX;
            Eigen::VectorXi trainY, testY;
            rowsOf(split.train, trainX, trainY);
            rowsOf(split.test, testX, testY);
            CHECK(run.nTrain == trainY.size());
            CHECK(run.testY == testY);
            auto scoring = buildScoringSet(*facts, run.params.label, data->columns);
            REQUIRE(scoring);
            Eigen::VectorXd testP, scores;
            if (model == ChurnModelKind::Logistic) {
                auto fitted = analytics::fitLogistic(trainX, trainY, p.logistic);
                REQUIRE(fitted);
                testP = analytics::predictProba(*fitted, testX);
                scores = analytics::predictProba(*fitted, scoring->X);
            } else {
                analytics::TreeParams tree = p.tree;
                tree.seed = p.seed;
                const analytics::TreeModel fitted = analytics::fitTree(trainX, trainY, tree);
                testP = analytics::predictTree(fitted, testX);
                scores = analytics::predictTree(fitted, scoring->X);
            }
            REQUIRE(testP.size() == run.testP.size());
            CHECK((testP - run.testP).cwiseAbs().maxCoeff() < 1e-9);
            // Every current customer scored, with the model's probability.
            REQUIRE(run.scoredIds.size() == scoring->customerIds.size());
            std::map<int64_t, double> byId;
            for (size_t k = 0; k < scoring->customerIds.size(); ++k)
                byId[scoring->customerIds[k]] = scores(static_cast<Eigen::Index>(k));
            int64_t missing = 0, different = 0;
            for (size_t k = 0; k < run.scoredIds.size(); ++k) {
                const auto it = byId.find(run.scoredIds[k]);
                if (it == byId.end())
                    ++missing;
                else if (std::fabs(run.scoredP[k] - it->second) > 1e-6)
                    ++different;
            }
            CHECK(missing == 0);
            CHECK(different == 0);
        }
    }

    TEST_CASE("the job's result is the run as JSON, with the test customers when asked for them") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        for (const ChurnValidation validation : {ChurnValidation::Holdout, ChurnValidation::TimeSplit}) {
            CAPTURE(std::string(churnValidationName(validation)));
            ChurnParams p = quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity);
            p.validation = validation;
            p.reportSplit = true;
            const ChurnRun& run = train(app, p);
            const std::string& result = app.runner.records.rbegin()->second.resultJson;
            auto doc = core::parseJson(result);
            REQUIRE_MESSAGE(doc, result);
            const core::JsonValue& j = *doc;
            CHECK(j["runId"].integer() == run.runId);
            CHECK(j["model"].string() == "logistic");
            CHECK(j["validation"].string() == churnValidationName(validation));
            CHECK(j["metrics"]["rocAuc"].number() == doctest::Approx(run.test.rocAuc));
            CHECK(j["metrics"]["n"].integer() == run.nTest);
            CHECK(j["metrics"]["confusion"]["tp"].integer() == run.test.confusion.tp);
            CHECK(j["n_train"].integer() == run.nTrain);
            CHECK(j["n_test"].integer() == run.nTest);
            CHECK(j["scored"].integer() == static_cast<int64_t>(run.scoredIds.size()));
            CHECK(j["columns"].size() == run.columns.size());
            CHECK(j["importance"].size() == run.importance.size());
            // The test customers: external ids, each once, one per test row.
            const auto& listed = j["testCustomers"].array();
            CHECK(static_cast<int64_t>(listed.size()) == run.nTest);
            std::set<std::string> ids;
            for (const core::JsonValue& id : listed) ids.insert(id.string());
            CHECK(static_cast<int64_t>(ids.size()) == run.nTest);
            CHECK(ids.count("") == 0);
            const std::string base = churnJson(run);  // then the list, spliced in before its closing brace
            CHECK(result.compare(0, base.size() - 1, base, 0, base.size() - 1) == 0);
        }
        // Without the option the result is churnJson itself.
        const ChurnRun& plain = train(app, quick(ChurnModelKind::Tree, ChurnLabelRule::Inactivity));
        CHECK(app.runner.records.rbegin()->second.resultJson == churnJson(plain));
    }

    // ---- 2. Cross-validation ----------------------------------------------------------------------

    TEST_CASE("cross-validation reports eight metrics over the folds, each mean inside its interval") {
        AppState app;
        openDemo(app, DemoScenario::Subscription);
        ChurnParams p = subscriptionParams(ChurnModelKind::Logistic);
        p.validation = ChurnValidation::CrossValidation;
        p.folds = 4;
        const ChurnRun& run = train(app, p);
        const Facts facts = factsOf(app);
        checkReport(run, *facts);
        // The test figures are the out-of-fold predictions of the whole population.
        CHECK(run.nTest == run.nTrain);
        CHECK(run.nTrain + run.excluded == facts->customers());
        std::vector<std::string> names;
        for (const auto& entry : run.cv) {
            const std::string& name = entry.first;  // not a structured binding: clang 14 cannot capture those
            const analytics::MetricSummary& s = entry.second;
            CAPTURE(name);
            names.push_back(name);
            CHECK(s.count == 4);
            CHECK(s.sd >= 0);
            CHECK(s.low <= s.mean);
            CHECK(s.mean <= s.high);
        }
        CHECK(names ==
              std::vector<std::string>{"accuracy", "precision", "recall", "f1", "rocAuc", "prAuc", "brier", "logLoss"});
        // The out-of-fold AUC lies near the folds' mean AUC.
        const auto auc = std::find_if(run.cv.begin(), run.cv.end(), [](const auto& m) { return m.first == "rocAuc"; });
        REQUIRE(auc != run.cv.end());
        CHECK(std::fabs(run.test.rocAuc - auc->second.mean) < 0.05);
    }

    TEST_CASE("a holdout run with cross-validation on also reports the intervals, from the training set") {
        AppState app;
        openDemo(app, DemoScenario::Subscription);
        ChurnParams p = subscriptionParams(ChurnModelKind::Tree);
        p.crossValidate = true;
        p.folds = 3;
        const ChurnRun& run = train(app, p);
        REQUIRE(run.cv.size() == 8);
        for (const auto& entry : run.cv) {
            const std::string& name = entry.first;  // not a structured binding: clang 14 cannot capture those
            const analytics::MetricSummary& s = entry.second;
            CAPTURE(name);
            CHECK(s.count == 3);
            CHECK(s.low <= s.mean);
            CHECK(s.mean <= s.high);
        }
        const std::vector<ChurnRunSummary> runs = churnRuns(app);
        REQUIRE_FALSE(runs.empty());
        CHECK(runs.front().rocAucLow <= runs.front().rocAucHigh);
    }

    TEST_CASE("too few churned customers for the folds is an error in words, and nothing is saved") {
        AppState app;
        REQUIRE(openStorage(app, ":memory:", StorageState::InMemory));
        // 30 customers, 3 of them churned (a snapshot: no dates).
        REQUIRE(
            app.store->db().exec("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 30) "
                                 "INSERT INTO customers (external_id, name, age, churned) SELECT 'C' || i, 'N' || i, "
                                 "20 + i, i % 10 = 0 FROM k"));
        refreshCounts(app);
        REQUIRE(app.counts.customers == 30);
        ChurnParams p;
        p.label.rule = ChurnLabelRule::Explicit;
        p.features.features = {"age"};
        SUBCASE("cross-validation") {
            p.validation = ChurnValidation::CrossValidation;
            p.folds = 5;
        }
        SUBCASE("intervals on a holdout's training set") {
            p.validation = ChurnValidation::Holdout;
            p.crossValidate = true;
            p.folds = 3;
        }
        const std::string error = trainingError(app, p);
        CHECK(contains(error, "Too few churned"));
        CHECK(contains(error, "folds"));
        CHECK_FALSE(app.churn.run.has_value());
        CHECK(churnRuns(app).empty());
    }

    // ---- 3. Time split ----------------------------------------------------------------------------

    TEST_CASE("a time split trains one window before the cut-off and tests at the cut-off") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        ChurnParams p = quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity);
        p.validation = ChurnValidation::TimeSplit;
        p.label.windowDays = 60;
        const ChurnRun& run = train(app, p);
        const Facts kept = factsOf(app);
        const store::CustomerFacts& facts = *kept;
        checkReport(run, facts);
        CHECK(run.cutoffDay == facts.lastDay - 60);
        CHECK(run.cutoffDay == resolveCutoff(facts, p.label));
        CHECK(run.trainCutoffDay != 0);
        CHECK(run.trainCutoffDay == run.cutoffDay - 60);
        // Test and training sets are the populations at the two cut-offs.
        auto test = buildChurnDataset(facts, p.label, run.params.features, run.cutoffDay);
        auto trainSet = buildChurnDataset(facts, p.label, run.params.features, run.trainCutoffDay);
        REQUIRE(test);
        REQUIRE(trainSet);
        CHECK(run.nTest == test->y.size());
        CHECK(run.nTrain == trainSet->y.size());
        CHECK(run.test.positives == test->y.sum());
        CHECK(run.test.rocAuc > 0.6);

        // A label with a cut-off set by hand moves both.
        const int32_t cutoff = facts.lastDay - 200;
        p.label.cutoffDay = cutoff;
        const ChurnRun& earlier = train(app, p);
        CHECK(earlier.cutoffDay == cutoff);
        CHECK(earlier.trainCutoffDay == cutoff - 60);
    }

    TEST_CASE("a time split on a snapshot label is refused in words") {
        AppState app;
        openTelco(app);
        ChurnParams p;
        p.label.rule = ChurnLabelRule::Explicit;  // the Churn column, without dates
        p.validation = ChurnValidation::TimeSplit;
        p.features.features = {"Contract"};
        const std::string error = trainingError(app, p);
        CHECK(contains(error, "time split"));
        CHECK(contains(error, "snapshot"));
        CHECK_FALSE(app.churn.run.has_value());
        CHECK(churnRuns(app).empty());
    }

    // ---- 4. Determinism ----------------------------------------------------------------------------

    TEST_CASE("the same parameters and seed give the same run twice") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        for (const ChurnModelKind model : {ChurnModelKind::Forest, ChurnModelKind::Logistic}) {
            CAPTURE(churnModelName(model));
            ChurnParams p = quick(model, ChurnLabelRule::Inactivity, 21);
            p.crossValidate = true;
            p.folds = 3;
            const ChurnRun first = train(app, p);
            const ChurnRun second = train(app, p);
            CHECK(first.runId != second.runId);
            CHECK(sameMetrics(first.test, second.test));
            CHECK(sameCurve(first.roc, second.roc));
            CHECK(sameCurve(first.pr, second.pr));
            CHECK(first.testP == second.testP);
            CHECK(sameScores(first, second));
            REQUIRE(first.cv.size() == second.cv.size());
            for (size_t k = 0; k < first.cv.size(); ++k) CHECK(first.cv[k].second.mean == second.cv[k].second.mean);
            REQUIRE(first.importance.size() == second.importance.size());
            for (size_t k = 0; k < first.importance.size(); ++k) {
                CHECK(first.importance[k].feature == second.importance[k].feature);
                CHECK(first.importance[k].importance == second.importance[k].importance);
                CHECK(first.importance[k].permutation == second.importance[k].permutation);
            }
            // Another seed draws another test set.
            p.seed = 22;
            const ChurnRun other = train(app, p);
            CHECK(other.testP != first.testP);
        }
    }

    // ---- 5. Saved runs ----------------------------------------------------------------------------

    TEST_CASE("runs are saved, listed, read back, restored in a fresh app and deleted") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        const ChurnRun older = train(app, quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity));
        const ChurnRun newer = train(app, quick(ChurnModelKind::Tree, ChurnLabelRule::Inactivity));
        REQUIRE(older.runId != 0);
        REQUIRE(newer.runId != 0);
        CHECK(newer.runId != older.runId);

        // Listed newest first, with the figures of the runs.
        const std::vector<ChurnRunSummary> runs = churnRuns(app);
        REQUIRE(runs.size() == 2);
        CHECK(runs[0].id == newer.runId);
        CHECK(runs[1].id == older.runId);
        CHECK(runs[0].model == "tree");
        CHECK(runs[1].model == "logistic");
        CHECK(runs[0].validation == "holdout");
        CHECK(runs[0].label == "inactivity");
        CHECK(runs[0].rocAuc == doctest::Approx(newer.test.rocAuc).epsilon(1e-12));
        CHECK(runs[1].rocAuc == doctest::Approx(older.test.rocAuc).epsilon(1e-12));
        CHECK(runs[1].f1 == doctest::Approx(older.test.f1).epsilon(1e-12));
        CHECK(runs[1].nTrain == older.nTrain);
        CHECK(runs[1].nTest == older.nTest);
        CHECK(runs[1].features == static_cast<int64_t>(older.columns.size()));
        CHECK(runs[1].roc.size() == older.roc.size());
        CHECK(std::isnan(runs[1].rocAucLow));  // no cross-validation

        // Read back: figures, curves and scores as they were.
        app.churn.run.reset();
        REQUIRE(loadChurnRun(app, older.runId));
        REQUIRE(app.churn.run.has_value());
        const ChurnRun& loaded = *app.churn.run;
        CHECK(loaded.runId == older.runId);
        CHECK(loaded.params.model == ChurnModelKind::Logistic);
        CHECK(loaded.params.label.rule == ChurnLabelRule::Inactivity);
        CHECK(loaded.params.features.features == older.params.features.features);
        CHECK(loaded.params.seed == older.params.seed);
        CHECK(sameMetrics(loaded.test, older.test));
        CHECK(sameCurve(loaded.roc, older.roc));
        CHECK(sameCurve(loaded.pr, older.pr));
        CHECK(loaded.gains.size() == older.gains.size());
        CHECK(loaded.calibrationBins.size() == older.calibrationBins.size());
        CHECK(loaded.testY == older.testY);
        CHECK(loaded.testP == older.testP);
        CHECK(loaded.columns == older.columns);
        CHECK(loaded.cutoffDay == older.cutoffDay);
        CHECK(loaded.trainCutoffDay == older.trainCutoffDay);
        CHECK(loaded.scoredAsOf == older.scoredAsOf);
        CHECK(loaded.nTrain == older.nTrain);
        CHECK(loaded.nTest == older.nTest);
        CHECK(loaded.weights == older.weights);
        CHECK(loaded.intercept == older.intercept);
        REQUIRE(loaded.importance.size() == older.importance.size());
        for (size_t k = 0; k < loaded.importance.size(); ++k)
            CHECK(loaded.importance[k].feature == older.importance[k].feature);
        CHECK(sameScores(loaded, older));
        CHECK_FALSE(loadChurnRun(app, newer.runId + 1000));

        // A fresh app on the same database shows the newest run again, without a job.
        auto image = store::exportDatabase(app.store->db());
        REQUIRE(image);
        {
            AppState second;
            openImage(second, *image);
            const ChurnContext context = churnContext(second);
            REQUIRE(second.churn.run.has_value());
            CHECK(second.churn.run->runId == newer.runId);
            CHECK(sameScores(*second.churn.run, newer));
            CHECK(sameMetrics(second.churn.run->test, newer.test));
            CHECK(second.churn.draftInitialised);
            CHECK(second.churn.draft.model == ChurnModelKind::Tree);
            REQUIRE(context.runs != nullptr);
            CHECK(context.runs->size() == 2);
        }

        // Deleted: gone from the list, from the screen, and its scores with it.
        REQUIRE(loadChurnRun(app, newer.runId));
        REQUIRE(deleteChurnRun(app, newer.runId));
        CHECK_FALSE(app.churn.run.has_value());
        const std::vector<ChurnRunSummary> left = churnRuns(app);
        REQUIRE(left.size() == 1);
        CHECK(left[0].id == older.runId);
        CHECK_FALSE(loadChurnRun(app, newer.runId));
        auto scores = store::customerScores(app.store->db(), newer.runId);
        REQUIRE(scores);
        CHECK(scores->empty());
        CHECK_FALSE(churnScoresJson(app, newer.runId, 10));
        {
            AppState third;
            openImage(third, *store::exportDatabase(app.store->db()));
            restoreChurn(third);
            REQUIRE(third.churn.run.has_value());
            CHECK(third.churn.run->runId == older.runId);
        }
    }

    // Regression: the forest's split criterion was not saved, so a restored entropy forest refit as Gini.
    TEST_CASE("a saved run keeps the parameters it was fitted with, so its draft fits the same model again") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        ChurnParams p = quick(ChurnModelKind::Forest, ChurnLabelRule::Inactivity, 17);
        p.forest.criterion = analytics::SplitCriterion::Entropy;  // as the hook sets it for a forest
        p.tree.criterion = analytics::SplitCriterion::Entropy;
        p.forest.trees = 12;
        p.forest.maxDepth = 8;
        p.forest.maxFeatures = 3;
        p.forest.minSamplesLeaf = 4;
        p.testShare = 0.25;
        p.label.windowDays = 60;
        p.features.features = {"recency_days", "orders", "tenure_days", "plan"};
        const ChurnRun fitted = train(app, p);

        app.churn.run.reset();
        REQUIRE(loadChurnRun(app, fitted.runId));
        const ChurnParams& q = app.churn.run->params;
        CHECK(q.model == ChurnModelKind::Forest);
        CHECK(q.label.rule == ChurnLabelRule::Inactivity);
        CHECK(q.label.windowDays == 60);
        CHECK(q.features.features == p.features.features);
        CHECK(q.validation == ChurnValidation::Holdout);
        CHECK(q.testShare == 0.25);
        CHECK(q.crossValidate == false);
        CHECK(q.seed == 17);
        CHECK(q.forest.trees == 12);
        CHECK(q.forest.maxDepth == 8);
        CHECK(q.forest.maxFeatures == 3);
        CHECK(q.forest.minSamplesLeaf == 4);
        CHECK(q.forest.criterion == analytics::SplitCriterion::Entropy);
        CHECK(q.tree.criterion == analytics::SplitCriterion::Entropy);
        CHECK(q.valueKey == "revenue_12m");

        // Fitting the restored parameters again gives the same run.
        const ChurnParams again = q;
        const ChurnRun refitted = train(app, again);
        CHECK(sameMetrics(refitted.test, fitted.test));
        CHECK(sameScores(refitted, fitted));
    }

    TEST_CASE("scores as JSON, the at-risk export and the at-risk segment follow the run's order and threshold") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        const ChurnRun run = train(app, quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity));
        REQUIRE(run.scoredIds.size() > 50);

        SUBCASE("scores as JSON, shown run or saved one") {
            for (const bool shown : {true, false}) {
                CAPTURE(shown);
                if (!shown) app.churn.run.reset();
                auto json = churnScoresJson(app, run.runId, 25);
                REQUIRE(json);
                auto doc = core::parseJson(*json);
                REQUIRE(doc);
                REQUIRE(doc->isArray());
                REQUIRE(doc->size() == 25);
                for (size_t k = 0; k < 25; ++k) {
                    const core::JsonValue& row = (*doc)[k];
                    CHECK(row["customerId"].integer() == run.scoredIds[k]);
                    CHECK_FALSE(row["customer"].string().empty());
                    CHECK(row["score"].number() == doctest::Approx(run.scoredP[k]));
                    CHECK(row["valueAtRisk"].number() ==
                          doctest::Approx(row["score"].number() * row["value"].number()));
                    if (k > 0) CHECK(row["valueAtRisk"].number() <= (*doc)[k - 1]["valueAtRisk"].number());
                    CHECK(row["drivers"].isArray());
                    CHECK(row["drivers"].size() <= 3);
                }
                // No limit: everyone scored.
                auto all = churnScoresJson(app, run.runId, 0);
                REQUIRE(all);
                CHECK(core::parseJson(*all)->size() == run.scoredIds.size());
            }
            CHECK_FALSE(churnScoresJson(app, run.runId + 99, 5));
        }

        SUBCASE("the view's at-risk rows: the first customers of the list, with names") {
            const std::vector<ChurnAtRiskRow>& rows = churnAtRisk(app, 20);
            REQUIRE(rows.size() == 20);
            for (size_t k = 0; k < rows.size(); ++k) {
                CHECK(rows[k].id == run.scoredIds[k]);
                CHECK(rows[k].probability == run.scoredP[k]);
                CHECK(rows[k].value == run.value[k]);
                CHECK_FALSE(rows[k].customer.empty());
                CHECK_FALSE(rows[k].name.empty());
            }
            CHECK(churnAtRisk(app, run.scoredIds.size() + 100).size() == run.scoredIds.size());
        }

        SUBCASE("the at-risk export: one download, a header and a line per scored customer") {
            exportAtRisk(app, 0);
            REQUIRE(app.requests.downloads.size() == 1);
            const Download& d = app.requests.downloads.front();
            CHECK(d.fileName == "at-risk-customers.csv");
            CHECK(d.mimeType == "text/csv");
            const auto rows = readCsv(d.bytes);
            REQUIRE(rows.size() == run.scoredIds.size() + 1);
            CHECK(rows[0] == std::vector<std::string>{"customer_id", "name", "email", "churn_probability", "value",
                                                      "value_at_risk", "driver_1", "driver_2", "driver_3"});
            auto first = store::customerRows(app.store->db(), {run.scoredIds[0]});
            REQUIRE(first);
            REQUIRE(first->size() == 1);
            CHECK(rows[1][0] == (*first)[0].values[0]);
            CHECK(rows[1][1] == (*first)[0].values[1]);
            int64_t wrongWidth = 0, wrongProbability = 0;
            for (size_t k = 1; k < rows.size(); ++k) {
                if (rows[k].size() != 9) {
                    ++wrongWidth;
                    continue;
                }
                const auto p = core::parseNumber(rows[k][3]);
                if (!p || std::fabs(*p - run.scoredP[k - 1]) > 1e-4) ++wrongProbability;
            }
            CHECK(wrongWidth == 0);
            CHECK(wrongProbability == 0);

            exportAtRisk(app, 10);
            REQUIRE(app.requests.downloads.size() == 2);
            CHECK(readCsv(app.requests.downloads[1].bytes).size() == 11);
        }

        SUBCASE("the at-risk segment: exactly those at or above the threshold, once per name") {
            std::vector<int64_t> expected;
            for (size_t k = 0; k < run.scoredIds.size(); ++k) {
                if (run.scoredP[k] >= 0.5) expected.push_back(run.scoredIds[k]);
            }
            REQUIRE_FALSE(expected.empty());
            REQUIRE(expected.size() < run.scoredIds.size());
            std::sort(expected.begin(), expected.end());
            REQUIRE(saveAtRiskSegment(app, "High churn risk", 0.5));
            CHECK(app.churn.error.empty());
            CHECK_FALSE(app.churn.message.empty());
            auto segments = store::listSegments(app.store->db());
            REQUIRE(segments);
            REQUIRE(segments->size() == 1);
            CHECK((*segments)[0].name == "High churn risk");
            CHECK((*segments)[0].size == static_cast<int64_t>(expected.size()));
            auto members = store::segmentMembers(app.store->db(), (*segments)[0].id);
            REQUIRE(members);
            CHECK(*members == expected);
            auto definition = core::parseJson((*segments)[0].definition);
            REQUIRE(definition);
            CHECK((*definition)["source"].string() == "churn");
            CHECK((*definition)["runId"].integer() == run.runId);

            CHECK_FALSE(saveAtRiskSegment(app, "high CHURN risk", 0.5));  // names are case-insensitive
            CHECK_FALSE(app.churn.error.empty());
            CHECK(app.churn.message.empty());
            CHECK_FALSE(saveAtRiskSegment(app, "Nobody", 1.01));
            CHECK(contains(app.churn.error, "No customer"));
            auto after = store::listSegments(app.store->db());
            REQUIRE(after);
            CHECK(after->size() == 1);
        }
    }

    // ---- 6. A Telco-like table ---------------------------------------------------------------------

    TEST_CASE("a Telco-like table: Churn is the churned column, names resolve, and the contract is learned") {
        AppState app;
        openTelco(app);
        const Facts kept = readFacts(app);
        const store::CustomerFacts& facts = *kept;
        // The import puts "Churn" in the churned column, not among the attributes.
        int64_t churned = 0;
        for (const uint8_t c : facts.churned) churned += c;
        CHECK(churned > 80);  // about 120 expected
        CHECK(churned < 160);
        std::vector<std::string> attributes;
        for (const store::AttributeColumn& a : facts.attributes) attributes.push_back(a.name);
        CHECK(attributes == std::vector<std::string>{"Contract", "MonthlyCharges", "tenure"});

        ChurnLabelSpec label;
        chooseChurnLabel(facts, label);
        CHECK(label.rule == ChurnLabelRule::Explicit);
        CHECK(isSnapshotLabel(facts, label));

        SUBCASE("features by key, by attribute name in any case, by label") {
            const std::vector<ChurnFeatureInfo> catalog = churnFeatureCatalog(facts);
            const auto byLabel =
                std::find_if(catalog.begin(), catalog.end(), [](const ChurnFeatureInfo& i) { return i.key == "age"; });
            REQUIRE(byLabel != catalog.end());
            ChurnFeatureSpec features;
            features.features = {"attr:Contract", "monthlycharges", "TENURE", "GENDER", byLabel->label, "contract"};
            ChurnLabelSpec l = label;
            REQUIRE(resolveChurnNames(facts, l, features));
            CHECK(features.features ==
                  std::vector<std::string>{"attr:Contract", "attr:MonthlyCharges", "attr:tenure", "gender", "age"});
            CHECK(l.rule == ChurnLabelRule::Explicit);
        }

        SUBCASE("an unknown feature is an error that lists the options") {
            ChurnFeatureSpec features;
            features.features = {"Contract", "Colour"};
            ChurnLabelSpec l = label;
            auto resolved = resolveChurnNames(facts, l, features);
            REQUIRE_FALSE(resolved);
            CHECK(contains(resolved.error().message, "\"Colour\""));
            CHECK(contains(resolved.error().message, "attr:Contract"));
            CHECK(contains(resolved.error().message, "attr:tenure"));
            CHECK(contains(resolved.error().message, "recency_days"));
        }

        SUBCASE("a label attribute called Churn means the churned column; an unknown one lists the attributes") {
            ChurnLabelSpec l;
            l.rule = ChurnLabelRule::Attribute;
            l.attribute = "Churn";
            ChurnFeatureSpec features;
            features.features = {"Contract"};
            REQUIRE(resolveChurnNames(facts, l, features));
            CHECK(l.rule == ChurnLabelRule::Explicit);
            CHECK(l.attribute.empty());

            l.rule = ChurnLabelRule::Attribute;
            l.attribute = "Cancelled";
            auto resolved = resolveChurnNames(facts, l, features);
            REQUIRE_FALSE(resolved);
            CHECK(contains(resolved.error().message, "Cancelled"));
            CHECK(contains(resolved.error().message, "Contract, MonthlyCharges, tenure"));
        }

        SUBCASE("a model on the contract has an AUC well above chance, and values come from the monthly charge") {
            ChurnParams p;
            p.autoLabel = true;  // as the hook without a label
            p.validation = ChurnValidation::CrossValidation;
            p.features.features = {"contract", "tenure", "MonthlyCharges"};
            p.seed = 5;
            const ChurnRun& run = train(app, p);
            CAPTURE(run.test.rocAuc);
            checkReport(run, *factsOf(app));
            CHECK(run.params.label.rule == ChurnLabelRule::Explicit);
            CHECK(run.test.rocAuc > 0.7);
            CHECK(run.nTest == kTelcoCustomers);
            CHECK(static_cast<int64_t>(run.scoredIds.size()) == kTelcoCustomers - churned);
            CHECK(run.params.valueKey == "attr:MonthlyCharges");
            CHECK(run.params.valueMultiplier == 12);
            // The most important column is a contract's.
            REQUIRE_FALSE(run.importance.empty());
            CHECK(contains(run.importance.front().feature, "Contract"));
        }

        SUBCASE("an attribute label: dropped from the features, and who it marks is not scored") {
            // Status: "Churned" for the churned and for every tenth customer besides.
            REQUIRE(app.store->db().exec(
                "INSERT INTO customer_attributes (customer_id, name, value) SELECT id, 'Status', "
                "CASE WHEN churned = 1 OR id % 10 = 0 THEN 'Churned' ELSE 'Active' END FROM customers"));
            refreshCounts(app);
            const Facts withStatus = readFacts(app);
            ChurnLabelSpec l;
            l.rule = ChurnLabelRule::Attribute;
            l.attribute = "status";
            ChurnFeatureSpec features;
            features.features = {"attr:Status", "Contract", "Status"};
            REQUIRE(resolveChurnNames(*withStatus, l, features));
            CHECK(l.attribute == "Status");
            CHECK(features.features == std::vector<std::string>{"attr:Contract"});
            const ChurnFeatureSpec defaults = defaultChurnFeatures(*withStatus, l);
            CHECK(std::find(defaults.features.begin(), defaults.features.end(), "attr:Status") ==
                  defaults.features.end());
            CHECK(std::find(defaults.features.begin(), defaults.features.end(), "attr:Contract") !=
                  defaults.features.end());

            ChurnParams p;
            p.label = l;
            p.label.attribute = "STATUS";
            p.features.features = {"Status", "Contract", "tenure"};
            p.crossValidate = false;
            const ChurnRun& run = train(app, p);
            CHECK(run.params.label.attribute == "Status");
            CHECK(run.params.features.features == std::vector<std::string>{"attr:Contract", "attr:tenure"});
            for (const std::string& column : run.columns) CHECK_FALSE(contains(column, "Status"));
            const Facts kept2 = factsOf(app);
            const store::CustomerFacts& f = *kept2;
            const auto status = std::find_if(f.attributes.begin(), f.attributes.end(),
                                             [](const auto& a) { return a.name == "Status"; });
            REQUIRE(status != f.attributes.end());
            int64_t marked = 0, active = 0;
            for (size_t i = 0; i < f.id.size(); ++i)
                active += status->categorical.values[static_cast<size_t>(status->categorical.code[i])] == "Active";
            for (const int64_t id : run.scoredIds) {
                const auto i = static_cast<size_t>(f.indexOf(id));
                if (status->categorical.values[static_cast<size_t>(status->categorical.code[i])] != "Active") ++marked;
            }
            CHECK(marked == 0);
            CHECK(static_cast<int64_t>(run.scoredIds.size()) == active);
        }
    }

    // ---- 7. Choosing the label and the validation --------------------------------------------------

    TEST_CASE("the label and validation are chosen from what the data hold") {
        SUBCASE("churn flags with dates and orders: the churned column, a time split") {
            const store::CustomerFacts facts = factsOfImage(demoImage(DemoScenario::Subscription), nullptr);
            ChurnParams p;
            chooseChurnLabel(facts, p.label);
            CHECK(p.label.rule == ChurnLabelRule::Explicit);
            chooseChurnValidation(facts, p);
            CHECK(p.validation == ChurnValidation::TimeSplit);
        }
        SUBCASE("orders without churn flags: inactivity, a time split") {
            const store::CustomerFacts facts =
                factsOfImage(demoImage(DemoScenario::Retail), "UPDATE customers SET churned = 0, churned_at = NULL");
            ChurnParams p;
            p.label.rule = ChurnLabelRule::Explicit;
            chooseChurnLabel(facts, p.label);
            CHECK(p.label.rule == ChurnLabelRule::Inactivity);
            chooseChurnValidation(facts, p);
            CHECK(p.validation == ChurnValidation::TimeSplit);
        }
        SUBCASE("churn flags without dates or orders (an imported table): the churned column, a test set") {
            AppState app;
            openTelco(app);
            const Facts facts = readFacts(app);
            ChurnParams p;
            chooseChurnLabel(*facts, p.label);
            CHECK(p.label.rule == ChurnLabelRule::Explicit);
            chooseChurnValidation(*facts, p);
            CHECK(p.validation == ChurnValidation::Holdout);
        }
        SUBCASE("neither flags nor orders: an attribute named like churn, else nothing to learn from") {
            const store::CustomerFacts withAttribute = factsFrom(
                "INSERT INTO customers (id, external_id, name) VALUES (1, 'A', 'a'), (2, 'B', 'b'), (3, 'C', 'c');"
                "INSERT INTO customer_attributes (customer_id, name, value) VALUES (1, 'Plan Tier', 'Gold'), (1, "
                "'Churn Status', 'Yes'),"
                " (2, 'Churn Status', 'No'), (3, 'Churn Status', 'No');");
            ChurnParams p;
            chooseChurnLabel(withAttribute, p.label);
            CHECK(p.label.rule == ChurnLabelRule::Attribute);
            CHECK(p.label.attribute == "Churn Status");
            chooseChurnValidation(withAttribute, p);
            CHECK(p.validation == ChurnValidation::Holdout);

            const store::CustomerFacts bare = factsFrom(
                "INSERT INTO customers (id, external_id, name) VALUES (1, 'A', 'a'), (2, 'B', 'b');"
                "INSERT INTO customer_attributes (customer_id, name, value) VALUES (1, 'Plan Tier', 'Gold');");
            ChurnParams q;
            q.validation = ChurnValidation::TimeSplit;
            chooseChurnLabel(bare, q.label);
            CHECK(q.label.rule == ChurnLabelRule::Explicit);
            chooseChurnValidation(bare, q);
            CHECK(q.validation == ChurnValidation::Holdout);
        }
    }

    TEST_CASE("a run that lets the data decide uses the chosen label and validation") {
        AppState app;
        openDemo(app, DemoScenario::Subscription);
        ChurnParams p = quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity);
        p.autoLabel = true;
        p.autoValidation = true;
        const ChurnRun& run = train(app, p);
        CHECK(run.params.label.rule == ChurnLabelRule::Explicit);
        CHECK(run.params.validation == ChurnValidation::TimeSplit);
        CHECK(run.trainCutoffDay == run.cutoffDay - run.params.label.windowDays);
        checkReport(run, *factsOf(app));
    }

    // ---- 8. Cancelling ------------------------------------------------------------------------------

    TEST_CASE("cancelling a churn run, even after its run row was written, saves nothing and keeps the shown run") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        const ChurnRun before = train(app, quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity));
        REQUIRE(before.runId != 0);

        SUBCASE("while fitting") {
            ChurnParams p = quick(ChurnModelKind::Forest, ChurnLabelRule::Inactivity);
            p.forest.trees = 200;
            REQUIRE(startChurn(app, p));
            for (int i = 0; i < 3 && app.runner.active; ++i) runJobs(app, std::chrono::microseconds(200));
            REQUIRE(app.runner.active != nullptr);
        }
        SUBCASE("while saving the scores") {
            REQUIRE(startChurn(app, quick(ChurnModelKind::Tree, ChurnLabelRule::Inactivity)));
            // One step per slice, until the run's row is written (its scores come next).
            for (int i = 0; i < 1000000 && app.runner.active; ++i) {
                runJobs(app, std::chrono::microseconds(1));
                auto saved = store::modelRuns(app.store->db(), "churn");
                REQUIRE(saved);
                if (saved->size() == 2) break;
            }
            REQUIRE(app.runner.active != nullptr);
            CHECK(contains(app.runner.active->detail(), "Saving scores"));
        }
        requestCancel(app);
        runJobs(app);
        CHECK(app.runner.active == nullptr);
        CHECK(app.runner.records.rbegin()->second.state == JobState::Cancelled);
        const std::vector<ChurnRunSummary> runs = churnRuns(app);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].id == before.runId);
        REQUIRE(app.churn.run.has_value());
        CHECK(app.churn.run->runId == before.runId);
        auto scored = app.store->db().queryInt("SELECT count(DISTINCT run_id) FROM customer_scores");
        REQUIRE(scored);
        CHECK(*scored == 1);
    }

    // ---- 9. Parameter checks --------------------------------------------------------------------------

    TEST_CASE("each customer's reasons say which side of the average they are on, and survive a reload") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        const ChurnRun run = train(app, quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity));
        REQUIRE(run.driverHigh.size() == run.scoredIds.size());
        int64_t checked = 0;
        for (size_t k = 0; k < run.scoredIds.size(); ++k) {
            for (size_t t = 0; t < 3; ++t) {
                const int32_t col = run.driverColumn[k][t];
                if (col < 0) continue;
                const std::string text = churnDriverText(run, k, t);
                const std::string& name = run.columns[static_cast<size_t>(col)];
                const bool missing = name.size() > 8 && name.compare(name.size() - 8, 8, " missing") == 0;
                REQUIRE(text.find(missing ? name.substr(0, name.size() - 8) : name) != std::string::npos);
                // A positive contribution w (x - mean) / sd means x is above the mean exactly when
                // the weight is positive: "high" (or "has the category") goes with w > 0.
                const bool high = run.driverHigh[k][t] != 0;
                CHECK(high == (run.weights(col) > 0));
                if (missing) CHECK(text == (high ? name : name.substr(0, name.size() - 8) + " known"));
                if (name.find(" = ") == std::string::npos && !missing) {
                    CHECK(text == name + (high ? " high" : " low"));
                }
                ++checked;
            }
        }
        CHECK(checked > 100);
        // Read back from the database, the same words.
        REQUIRE(loadChurnRun(app, run.runId));
        const ChurnRun& loaded = *app.churn.run;
        REQUIRE(loaded.driverHigh.size() == run.driverHigh.size());
        for (size_t k = 0; k < std::min<size_t>(50, run.scoredIds.size()); ++k) {
            for (size_t t = 0; t < 3; ++t) CHECK(churnDriverText(loaded, k, t) == churnDriverText(run, k, t));
        }
    }

    TEST_CASE("a view's background read of the data gives way to a job asked for; an analysis does not") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        ++app.dataVersion;  // the facts must be read again
        auto reading = startReadingFacts(app);
        REQUIRE(reading);
        runJobs(app, std::chrono::microseconds(1));  // started, not finished
        REQUIRE(app.runner.active != nullptr);
        auto churn = startChurn(app, quick(ChurnModelKind::Logistic, ChurnLabelRule::Inactivity));
        REQUIRE_MESSAGE(churn, (churn ? std::string() : churn.error().message));
        CHECK(app.runner.records[*reading].state == JobState::Cancelled);
        // The churn run is not background work: a second request is refused in words.
        auto again = startReadingFacts(app);
        REQUIRE_FALSE(again);
        CHECK(again.error().message.find("Another task is running") != std::string::npos);
        const JobRecord& record = runToEnd(app);
        CHECK(record.state == JobState::Done);
        CHECK(app.churn.run.has_value());
    }

    TEST_CASE("an import, its undo and clearing the data also make a view's background read give way") {
        AppState app;
        openDemo(app, DemoScenario::Retail);
        const int64_t before = app.counts.orders;
        auto reading = [&app] {
            ++app.dataVersion;  // the facts must be read again
            auto id = startReadingFacts(app);
            REQUIRE(id);
            runJobs(app, std::chrono::microseconds(1));  // started, not finished
            REQUIRE(app.runner.active != nullptr);
            return *id;
        };
        uint64_t read = reading();
        auto imported = startImportJob(app, "more.csv", "order_id,customer_id,ordered_at,amount\nX1,C000001,2025-01-02,5\n",
                                       store::Entity::Orders, store::ImportOptions{});
        REQUIRE_MESSAGE(imported, (imported ? std::string() : imported.error().message));
        CHECK(app.runner.records[read].state == JobState::Cancelled);
        CHECK(runToEnd(app).state == JobState::Done);
        CHECK(app.counts.orders == before + 1);
        read = reading();
        REQUIRE(undoLastImport(app));
        CHECK(app.runner.records[read].state == JobState::Cancelled);
        CHECK(app.counts.orders == before);
        // The Overview's own RFM run gives way too; one asked for does not.
        auto rfm = startRfm(app, store::kNoDay, true);
        REQUIRE(rfm);
        runJobs(app, std::chrono::microseconds(1));
        REQUIRE(app.runner.active != nullptr);
        auto undone = undoLastImport(app);  // nothing left to undo: that answer, not "another task"
        REQUIRE_FALSE(undone);
        CHECK(undone.error().message == "There is no import to undo.");
        CHECK(app.runner.records[*rfm].state == JobState::Cancelled);
        REQUIRE(startRfm(app, store::kNoDay));
        runJobs(app, std::chrono::microseconds(1));
        CHECK_FALSE(clearAllData(app));
        CHECK(runToEnd(app).state == JobState::Done);
        read = reading();
        REQUIRE(clearAllData(app));
        CHECK(app.runner.records[read].state == JobState::Cancelled);
        CHECK(app.counts.customers == 0);
    }

    TEST_CASE("ChurnParams::validate refuses what cannot run, and startChurn passes the refusal on") {
        ChurnParams ok;
        CHECK(ok.validate());
        auto refused = [](const ChurnParams& p, const char* words) {
            auto s = p.validate();
            REQUIRE_FALSE(s);
            CHECK(contains(s.error().message, words));
        };
        for (const double share : {0.0, 0.05, 0.6, 1.0, -0.2, std::numeric_limits<double>::quiet_NaN()}) {
            CAPTURE(share);
            ChurnParams p;
            p.testShare = share;
            refused(p, "test share");
        }
        for (const int folds : {-1, 0, 1, 21}) {
            CAPTURE(folds);
            ChurnParams p;
            p.folds = folds;
            refused(p, "folds");
        }
        {
            ChurnParams p;
            p.label.rule = ChurnLabelRule::Attribute;
            refused(p, "attribute");
            p.label.attribute = "Churn";
            CHECK(p.validate());
        }
        {
            ChurnParams p;
            p.testShare = 0.3;
            p.folds = 2;
            CHECK(p.validate());
            p.folds = 20;
            CHECK(p.validate());
        }
        {
            ChurnParams p;
            p.model = ChurnModelKind::Forest;
            p.forest.trees = 0;
            CHECK_FALSE(p.validate());
        }

        AppState app;
        openTelco(app);
        ChurnParams bad;
        bad.folds = 1;
        auto started = startChurn(app, bad);
        REQUIRE_FALSE(started);
        CHECK(contains(started.error().message, "folds"));
        CHECK(app.runner.active == nullptr);

        AppState closed;
        CHECK_FALSE(startChurn(closed, ChurnParams{}));
    }
}
