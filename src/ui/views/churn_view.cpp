// churn_view.cpp: the Churn view, in four tabs.
//   1. Helpers: numbers, headings, per-run caches for drawing
//   2. Set-up: who churned, features, model and its parameters, validation, Train
//   3. Results: metrics with cross-validation intervals, ROC and PR, threshold and costs,
//      calibration, gains and lift, importance, coefficients
//   4. Risk: score distribution and tiers, the at-risk list with reasons, export, segment
//   5. Runs: saved runs, side by side
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analytics/evaluation.hpp"
#include "app/churn.hpp"
#include "app/customer_browser.hpp"
#include "app/customer_features.hpp"
#include "core/date.hpp"
#include "core/text_format.hpp"
#include "ui/charts/chart.hpp"
#include "ui/charts/colormap.hpp"
#include "ui/charts/series.hpp"
#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

using app::ChurnLabelRule;
using app::ChurnModelKind;
using app::ChurnValidation;
using store::kNoDay;

// ---- 1. Helpers ------------------------------------------------------------------------------

std::string isoDay(int32_t day) { return day == kNoDay || day == 0 ? std::string() : core::formatIsoDate(core::civilFromDays(day)); }

std::string money(double v) { return std::isfinite(v) ? charts::formatExact(std::round(v), charts::AxisFormat::Currency, "") : "-"; }

std::string count(int64_t n) { return core::formatCount(n); }

void noteText(const std::string& text, const ImVec4& colour) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextWrapped(ICON_INFO_CIRCLE "  %s", text.c_str());
    ImGui::PopStyleColor();
}


// A date field bound to a day (empty: 0, "automatic").
bool dayInput(const char* id, int32_t& day, float width) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s", isoDay(day).c_str());
    ImGui::SetNextItemWidth(width);
    if (!ImGui::InputTextWithHint(id, "automatic", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
    if (buf[0] == '\0') {
        day = 0;
        return true;
    }
    const auto parsed = core::parseIsoDate(buf);
    if (!parsed) return false;
    day = static_cast<int32_t>(core::daysFromCivil(*parsed));
    return true;
}

const char* validationLabel(ChurnValidation v) {
    switch (v) {
        case ChurnValidation::Holdout: return "Stratified test set";
        case ChurnValidation::CrossValidation: return "Cross-validation";
        case ChurnValidation::TimeSplit: return "Time split";
    }
    return "";
}

const char* labelRuleLabel(ChurnLabelRule r) {
    switch (r) {
        case ChurnLabelRule::Explicit: return "Marked as churned";
        case ChurnLabelRule::Inactivity: return "No order within a window";
        case ChurnLabelRule::Attribute: return "A custom attribute";
    }
    return "";
}

// Saved runs name their choices by key ("forest", "explicit", "holdout"); people read labels.
const char* modelLabel(const std::string& key) {
    return app::churnModelLabel(key == "tree" ? ChurnModelKind::Tree : key == "forest" ? ChurnModelKind::Forest : ChurnModelKind::Logistic);
}
const char* ruleLabel(const std::string& key) {
    return labelRuleLabel(key == "explicit" ? ChurnLabelRule::Explicit : key == "attribute" ? ChurnLabelRule::Attribute : ChurnLabelRule::Inactivity);
}
const char* validationLabel(const std::string& key) {
    return validationLabel(key == "cv" ? ChurnValidation::CrossValidation : key == "time" ? ChurnValidation::TimeSplit : ChurnValidation::Holdout);
}

// What the "test" column is for each validation.
const char* testColumnName(ChurnValidation v) {
    switch (v) {
        case ChurnValidation::Holdout: return "Test set";
        case ChurnValidation::CrossValidation: return "Out-of-fold";
        case ChurnValidation::TimeSplit: return "Next window";
    }
    return "Test";
}

// The customer-facing unit of a driver's effect.
const char* effectUnit(ChurnModelKind kind) {
    return kind == ChurnModelKind::Logistic ? "log-odds" : "probability points";
}

// Derived data for drawing a run, made once per run (and per threshold where it depends on it).
struct RunCache {
    int64_t runId = -1;
    const void* runAddress = nullptr;
    std::vector<double> scores;  // scoredP as doubles, for the histogram
    uint64_t generation = 0;
    // Tiers at `tierThreshold`: high >= t, medium >= t / 2, low below.
    double tierThreshold = -1;
    std::array<int64_t, 3> tierCount{};
    std::array<double, 3> tierValueAtRisk{};
    // Confusion on the test set at `confusionThreshold`.
    double confusionThreshold = -1;
    analytics::ConfusionMatrix confusion;
    // The best threshold for the costs.
    double bestCost = -1, bestSaved = -1;
    analytics::ThresholdChoice best;
};

RunCache& cacheFor(const app::ChurnRun& run) {
    static RunCache cache;
    if (cache.runId != run.runId || cache.runAddress != &run || cache.scores.size() != run.scoredP.size()) {
        cache = RunCache{};
        cache.runId = run.runId;
        cache.runAddress = &run;
        cache.scores.assign(run.scoredP.begin(), run.scoredP.end());
        static uint64_t generations = 0;
        cache.generation = ++generations;
    }
    return cache;
}

const analytics::ConfusionMatrix& confusionAt(const app::ChurnRun& run, double threshold) {
    RunCache& c = cacheFor(run);
    if (c.confusionThreshold != threshold) {
        c.confusion = analytics::confusion(run.testY, run.testP, threshold);
        c.confusionThreshold = threshold;
    }
    return c.confusion;
}

// ---- 2. Set-up ---------------------------------------------------------------------------------

void drawLabelRow(app::AppState& app, const app::ChurnContext& c) {
    app::ChurnParams& p = app.churn.draft;
    const store::CustomerFacts& f = *c.facts;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Who churned");
    ImGui::SameLine(dp(130));
    ImGui::SetNextItemWidth(dp(240));
    if (ImGui::BeginCombo("##label-rule", labelRuleLabel(p.label.rule))) {
        for (ChurnLabelRule rule : {ChurnLabelRule::Explicit, ChurnLabelRule::Inactivity, ChurnLabelRule::Attribute}) {
            if (ImGui::Selectable(labelRuleLabel(rule), p.label.rule == rule)) {
                p.label.rule = rule;
                if (rule == ChurnLabelRule::Attribute && p.label.attribute.empty()) {
                    for (const store::AttributeColumn& a : f.attributes) {
                        if (!a.numeric) { p.label.attribute = a.name; break; }
                    }
                }
                app::chooseChurnValidation(f, p);
                p.features = app::defaultChurnFeatures(f, p.label);
            }
        }
        ImGui::EndCombo();
    }
    recordItem("Churn label");
    ItemTooltip("Who churned", "Marked as churned: the customers' churned field (an imported Churn column lands there). With "
                               "churn dates, customers still active at the cut-off, churned = churned in the window after it; "
                               "without dates, a snapshot of everyone.\n\nNo order within a window: customers who ordered "
                               "up to the cut-off; churned = no order in the window after it.\n\nA custom attribute: churned "
                               "= its value is yes, true, 1 or churned.");
    if (p.label.rule == ChurnLabelRule::Attribute) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(dp(200));
        const char* shown = p.label.attribute.empty() ? "Choose an attribute" : p.label.attribute.c_str();
        if (ImGui::BeginCombo("##label-attribute", shown)) {
            for (const store::AttributeColumn& a : f.attributes) {
                if (ImGui::Selectable(a.name.c_str(), a.name == p.label.attribute)) {
                    p.label.attribute = a.name;
                    p.features = app::defaultChurnFeatures(f, p.label);
                }
            }
            ImGui::EndCombo();
        }
        recordItem("Churn label attribute");
    }
    const bool snapshot = app::isSnapshotLabel(f, p.label);
    ImGui::SameLine(0, dp(space::lg));
    if (snapshot) {
        const std::string text = f.lastDay == kNoDay || f.lastDay == 0
                                     ? std::string("A snapshot: features and label as they are now (the data have no dates to set a cut-off from).")
                                     : "A snapshot: features and label as of " + isoDay(f.lastDay) + " (no churn dates to set a cut-off from).";
        MutedText(text.c_str());
        return;
    }
    ImGui::TextUnformatted("cut-off");
    ImGui::SameLine();
    dayInput("##cutoff", p.label.cutoffDay, dp(120));
    recordItem("Churn cut-off");
    const int32_t resolved = app::resolveCutoff(f, p.label);
    const std::string cutoffTip = "Features are computed from what was known on this day; the label from the window after it. "
                                  "Empty: the last day with data minus the window (now " + isoDay(resolved) + "). Press Enter.";
    ItemTooltip("Cut-off", cutoffTip.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted("window");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(dp(110));
    ImGui::InputInt("days##window", &p.label.windowDays, 15, 30);
    p.label.windowDays = std::clamp(p.label.windowDays, 7, 730);
    recordItem("Churn window");
    ItemTooltip("Window", "How long after the cut-off to look: a customer who churned (or placed no order) in these days is "
                          "counted as churned. 90 days is the usual choice for monthly buyers.");
}

void drawFeaturesButton(app::AppState& app, const app::ChurnContext& c) {
    app::ChurnParams& p = app.churn.draft;
    const std::string label = "Features (" + std::to_string(p.features.features.size()) + ")###churn-features";
    if (Button(label.c_str(), ButtonKind::Secondary, ICON_TAGS)) ImGui::OpenPopup("##churn-feature-list");
    recordItem("Churn features");
    ItemTooltip("Features", "What the model may use, as known on the cut-off day. Categorical fields become one column per "
                            "value; missing numbers are set to the training median with a 0/1 \"missing\" column, and every "
                            "such choice is listed in the results.");
    if (ImGui::BeginPopup("##churn-feature-list")) {
        SectionHeading("Features the model may use");
        if (Button("Choose for me", ButtonKind::Ghost, ICON_MAGIC)) p.features = app::defaultChurnFeatures(*c.facts, p.label);
        ImGui::SameLine();
        if (Button("None", ButtonKind::Ghost)) p.features.features.clear();
        ImGui::Separator();
        ImGui::BeginChild("##feature-scroll", ImVec2(dp(420), std::min(dp(420), dp(30) * static_cast<float>(c.catalog->size()) + dp(10))));
        for (const app::ChurnFeatureInfo& info : *c.catalog) {
            if (p.label.rule == ChurnLabelRule::Attribute && info.key == "attr:" + p.label.attribute) continue;  // the label itself
            auto& keys = p.features.features;
            bool on = std::find(keys.begin(), keys.end(), info.key) != keys.end();
            const std::string text = info.label + (info.categorical ? "  (categories)" : "");
            if (ImGui::Checkbox(text.c_str(), &on)) {
                if (on) keys.push_back(info.key);
                else keys.erase(std::remove(keys.begin(), keys.end(), info.key), keys.end());
            }
            if (!info.description.empty()) ItemTooltip(info.label.c_str(), info.description.c_str());
        }
        ImGui::EndChild();
        ImGui::EndPopup();
    }
}

void drawModelRow(app::ChurnParams& p) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Model");
    ImGui::SameLine(dp(130));
    ImGui::SetNextItemWidth(dp(240));
    if (ImGui::BeginCombo("##churn-model", app::churnModelLabel(p.model))) {
        for (ChurnModelKind kind : {ChurnModelKind::Logistic, ChurnModelKind::Tree, ChurnModelKind::Forest}) {
            if (ImGui::Selectable(app::churnModelLabel(kind), p.model == kind)) p.model = kind;
        }
        ImGui::EndCombo();
    }
    recordItem("Churn model");
    ItemTooltip("Model", "Logistic regression: one weight per feature, easy to read, well calibrated. Decision tree: a few "
                         "if-then rules. Random forest: many trees on resampled customers, usually the most accurate, with "
                         "out-of-bag error as a free check.");
    ImGui::SameLine(0, dp(space::lg));
    switch (p.model) {
        case ChurnModelKind::Logistic: {
            double c = p.logistic.l2 > 0 ? 1.0 / p.logistic.l2 : 1e6;
            ImGui::SetNextItemWidth(dp(110));
            if (ImGui::InputDouble("C (inverse penalty)", &c, 0, 0, "%.3g")) p.logistic.l2 = c > 0 ? 1.0 / std::min(c, 1e6) : 1.0;
            recordItem("Churn C");
            ItemTooltip("Regularization", "The L2 penalty on standardized weights is 1 / C (scikit-learn's convention). Smaller C "
                                          "shrinks weights towards zero: steadier with many features or few customers.");
            break;
        }
        case ChurnModelKind::Tree: {
            int criterion = p.tree.criterion == analytics::SplitCriterion::Gini ? 0 : 1;
            ImGui::SetNextItemWidth(dp(100));
            if (ImGui::Combo("##criterion", &criterion, "Gini\0Entropy\0")) {
                p.tree.criterion = criterion == 0 ? analytics::SplitCriterion::Gini : analytics::SplitCriterion::Entropy;
            }
            ItemTooltip("Split criterion", "How a split's purity is measured; the two rarely differ much.");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(dp(100));
            ImGui::InputInt("depth", &p.tree.maxDepth, 1, 2);
            p.tree.maxDepth = std::clamp(p.tree.maxDepth, 1, 30);
            recordItem("Churn tree depth");
            ItemTooltip("Maximum depth", "Questions from the root to a leaf. Deeper trees fit more detail, and more noise.");
            ImGui::SameLine();
            int leaf = static_cast<int>(p.tree.minSamplesLeaf);
            ImGui::SetNextItemWidth(dp(100));
            if (ImGui::InputInt("min leaf", &leaf, 1, 10)) p.tree.minSamplesLeaf = std::clamp(leaf, 1, 100000);
            ItemTooltip("Minimum leaf", "Customers each side of a split must keep: larger leaves give steadier probabilities.");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(dp(100));
            ImGui::InputDouble("pruning", &p.tree.ccpAlpha, 0, 0, "%.4f");
            p.tree.ccpAlpha = std::clamp(p.tree.ccpAlpha, 0.0, 0.5);
            ItemTooltip("Cost-complexity pruning", "After growing, branches that reduce impurity by less than this per leaf are cut "
                                                   "back (scikit-learn's ccp_alpha). 0: no pruning.");
            break;
        }
        case ChurnModelKind::Forest: {
            ImGui::SetNextItemWidth(dp(100));
            ImGui::InputInt("trees", &p.forest.trees, 10, 50);
            p.forest.trees = std::clamp(p.forest.trees, 1, 1000);
            recordItem("Churn trees");
            ItemTooltip("Trees", "More trees give steadier scores and take longer; 100 is the usual choice.");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(dp(100));
            ImGui::InputInt("features per split", &p.forest.maxFeatures, 1, 2);
            p.forest.maxFeatures = std::clamp(p.forest.maxFeatures, 0, 1000);
            ItemTooltip("Features per split", "Columns each split chooses from at random. 0: the square root of the column count "
                                              "(scikit-learn's default).");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(dp(100));
            ImGui::InputInt("depth", &p.forest.maxDepth, 1, 2);
            p.forest.maxDepth = std::clamp(p.forest.maxDepth, 0, 60);
            ItemTooltip("Maximum depth", "0: grow each tree until its leaves are pure or too small.");
            ImGui::SameLine();
            int leaf = static_cast<int>(p.forest.minSamplesLeaf);
            ImGui::SetNextItemWidth(dp(100));
            if (ImGui::InputInt("min leaf", &leaf, 1, 10)) p.forest.minSamplesLeaf = std::clamp(leaf, 1, 100000);
            ItemTooltip("Minimum leaf", "Customers each side of a split must keep.");
            break;
        }
    }
}

void drawValidationRow(app::AppState& app, const app::ChurnContext& c) {
    app::ChurnParams& p = app.churn.draft;
    const bool snapshot = app::isSnapshotLabel(*c.facts, p.label);
    if (snapshot && p.validation == ChurnValidation::TimeSplit) p.validation = ChurnValidation::Holdout;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Validation");
    ImGui::SameLine(dp(130));
    ImGui::SetNextItemWidth(dp(240));
    if (ImGui::BeginCombo("##churn-validation", validationLabel(p.validation))) {
        for (ChurnValidation v : {ChurnValidation::TimeSplit, ChurnValidation::Holdout, ChurnValidation::CrossValidation}) {
            const bool unavailable = v == ChurnValidation::TimeSplit && snapshot;
            ImGui::BeginDisabled(unavailable);
            if (ImGui::Selectable(validationLabel(v), p.validation == v)) p.validation = v;
            ImGui::EndDisabled();
            if (unavailable) ItemTooltip("Time split", "Needs dated data (orders or churn dates); this label is a snapshot.");
        }
        ImGui::EndCombo();
    }
    recordItem("Churn validation");
    ItemTooltip("Validation", "Time split (the default when there are dates): fit on what was known one window earlier, test on "
                              "the next window, exactly as the model will be used.\n\nStratified test set: a random share kept "
                              "aside with the same churn rate.\n\nCross-validation: k folds, every customer tested once by a "
                              "model that did not see them.");
    ImGui::SameLine(0, dp(space::lg));
    if (p.validation == ChurnValidation::Holdout) {
        int share = static_cast<int>(std::lround(p.testShare * 100));
        ImGui::SetNextItemWidth(dp(140));
        if (ImGui::SliderInt("% in the test set", &share, 10, 50)) p.testShare = share / 100.0;
        recordItem("Churn test share");
        ImGui::SameLine();
    }
    if (p.validation == ChurnValidation::CrossValidation || p.crossValidate) {
        ImGui::SetNextItemWidth(dp(120));
        ImGui::InputInt("folds", &p.folds, 1, 1);
        p.folds = std::clamp(p.folds, 2, 20);
        ImGui::SameLine();
    }
    if (p.validation != ChurnValidation::CrossValidation) {
        ImGui::Checkbox("Intervals from cross-validation", &p.crossValidate);
        recordItem("Churn intervals");
        ItemTooltip("Intervals", "Also cross-validate on the training customers, so every metric gets a 95% interval showing "
                                 "how much it moves from one sample to another. Takes as long as fitting once per fold.");
    }
}

void drawSeed(app::ChurnParams& p) {
    int seed = static_cast<int>(p.seed);
    ImGui::SetNextItemWidth(dp(90));
    if (ImGui::InputInt("seed", &seed, 0)) p.seed = static_cast<uint64_t>(std::max(0, seed));
    recordItem("Churn seed");
    ItemTooltip("Seed", "The same seed on the same data gives the same split, folds, trees and scores.");
}

void drawSetup(app::AppState& app, const app::ChurnContext& c) {
    app::ChurnState& s = app.churn;
    if (c.facts == nullptr) {
        DrawWaitingNote(app, "The set-up appears as soon as the customer data is read.");
        return;
    }
    if (BeginCard("##churn-setup")) {
        SectionHeading("What to predict, from what, and how to test it");
        ImGui::Dummy(ImVec2(0, dp(space::xs)));
        drawLabelRow(app, c);
        ImGui::Dummy(ImVec2(0, dp(space::xs)));
        drawModelRow(s.draft);
        ImGui::Dummy(ImVec2(0, dp(space::xs)));
        drawValidationRow(app, c);
        ImGui::Dummy(ImVec2(0, dp(space::sm)));
        ImGui::Separator();
        ImGui::Dummy(ImVec2(0, dp(space::xs)));
        drawFeaturesButton(app, c);
        ImGui::SameLine();
        if (Button("Defaults for these data", ButtonKind::Ghost, ICON_REFRESH)) app::resetChurnDraft(app, *c.facts);
        ItemTooltip("Defaults", "The label, validation and features chosen again from the data: the churned field when anyone is "
                                "marked, else inactivity when there are orders; a time split when the label has dates.");
        ImGui::SameLine(0, dp(space::lg));
        drawSeed(s.draft);
        ImGui::SameLine(0, dp(space::lg));
        ImGui::BeginDisabled(app.runner.active != nullptr || app.counts.customers == 0);
        if (Button("Train model", ButtonKind::Primary, ICON_PLAY)) {
            s.error.clear();
            s.message.clear();
            if (auto started = app::startChurn(app, s.draft); !started) s.error = started.error().message;
        }
        ImGui::EndDisabled();
        ItemTooltip("Train", "Builds the data, cross-validates, fits, tests, and scores every current customer, all in this "
                             "browser. The bar above shows progress, with Cancel. The run is saved and stays after a reload.");
        ErrorText(s.error);
    }
    EndCard();
    if (!s.run) {
        ImGui::Dummy(ImVec2(0, dp(space::md)));
        if (BeginCard("##churn-untrained")) {
            SectionHeading("No model yet");
            MutedTextWrapped("Check who counts as churned and which features to use, then Train model. You will get the model's "
                             "test figures with their intervals, the threshold that pays for itself given what a retention "
                             "contact costs, and the customers to call first, ranked by value at risk, each with the reasons "
                             "behind their risk.");
        }
        EndCard();
    }
}

// ---- 3. Results -----------------------------------------------------------------------------------

struct MetricRow {
    const char* name;
    const char* key;  // in run.cv
    double value;
    const char* tip;
    bool lowerIsBetter;
};

void drawRunHeader(const app::ChurnRun& r) {
    const std::string title = std::string(app::churnModelLabel(r.params.model)) + "  \xC2\xB7  " + validationLabel(r.params.validation);
    ImGui::PushFont(fonts().heading);
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    std::string line = "Trained on " + count(r.nTrain) + " customers (" + core::formatPercent(r.baseRate) + " churned), tested on " + count(r.nTest);
    if (r.params.validation == ChurnValidation::TimeSplit) {
        line += "  \xC2\xB7  fitted as of " + isoDay(r.trainCutoffDay) + ", tested as of " + isoDay(r.cutoffDay);
    } else if (r.cutoffDay != 0) {
        line += "  \xC2\xB7  as of " + isoDay(r.cutoffDay);
    }
    line += "  \xC2\xB7  " + std::to_string(r.columns.size()) + " columns";
    if (r.fitMillis > 0) line += "  \xC2\xB7  fitted in " + (r.fitMillis < 1000 ? core::formatFixed(r.fitMillis, 0) + " ms" : core::formatFixed(r.fitMillis / 1000, 1) + " s");
    if (!r.createdAt.empty()) {
        std::string when = r.createdAt.substr(0, 16);
        if (when.size() > 10 && when[10] == 'T') when[10] = ' ';
        line += "  \xC2\xB7  run " + std::to_string(r.runId) + ", saved " + when + " UTC";
    } else if (r.runId != 0) {
        line += "  \xC2\xB7  run " + std::to_string(r.runId) + ", saved";
    } else {
        line += "  \xC2\xB7  not saved (this tab is read-only)";
    }
    MutedTextWrapped(line.c_str());
    for (const std::string& w : r.warnings) noteText(w, palette().warning);
    if (!r.notes.empty()) {
        const std::string label = "How the data were prepared (" + std::to_string(r.notes.size()) + " notes)###churn-notes";
        if (ImGui::TreeNode(label.c_str())) {
            for (const std::string& n : r.notes) ImGui::BulletText("%s", n.c_str());
            ImGui::TreePop();
        }
    }
}

void drawMetricsTable(const app::ChurnRun& r, float width) {
    const analytics::Metrics& m = r.test;
    const MetricRow rows[] = {
        {"ROC AUC", "rocAuc", m.rocAuc, "The chance that a random churner gets a higher score than a random customer who stayed. 0.5 is a coin toss, 1 is perfect. Does not depend on the threshold.", false},
        {"PR AUC", "prAuc", m.prAuc, "Average precision over all thresholds: how clean the list of flagged customers is as it grows. Compare with the churn rate, which is what a random list would score.", false},
        {"Accuracy", "accuracy", m.accuracy, "Share of customers classified correctly at threshold 0.5: (true positives + true negatives) / all. Misleading when few churn.", false},
        {"Precision", "precision", m.precision, "Of the customers flagged at 0.5, the share who did churn: tp / (tp + fp).", false},
        {"Recall", "recall", m.recall, "Of the customers who churned, the share flagged at 0.5: tp / (tp + fn).", false},
        {"F1", "f1", m.f1, "Harmonic mean of precision and recall at 0.5: 2 tp / (2 tp + fp + fn).", false},
        {"Brier score", "brier", m.brier, "Mean squared difference between the predicted probability and what happened (0 or 1). Lower is better; it rewards honest probabilities.", true},
        {"Log loss", "logLoss", m.logLoss, "Mean of -log(probability given to what happened). Lower is better; punishes confident mistakes hard.", true},
    };
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##churn-metrics", 3, flags, ImVec2(width, 0))) return;
    ImGui::TableSetupColumn("Metric", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(testColumnName(r.params.validation), ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("Cross-validation: mean (95% interval)", ImGuiTableColumnFlags_WidthStretch, 1.9f);
    ImGui::TableHeadersRow();
    for (const MetricRow& row : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.name);
        ItemTooltip(row.name, row.tip);
        ImGui::TableNextColumn();
        ImGui::PushFont(fonts().strong);
        ImGui::TextUnformatted(core::formatFixed(row.value, 3).c_str());
        ImGui::PopFont();
        ImGui::TableNextColumn();
        bool found = false;
        for (const auto& [name, summary] : r.cv) {
            if (name != row.key || summary.count == 0) continue;
            found = true;
            const std::string text = core::formatFixed(summary.mean, 3) + "  (" + core::formatFixed(summary.low, 3) + " to " + core::formatFixed(summary.high, 3) + ")";
            ImGui::TextUnformatted(text.c_str());
            const std::string tip = "Mean over " + std::to_string(summary.count) + " folds of the " +
                                    (r.params.validation == ChurnValidation::CrossValidation ? "customers" : "training customers") +
                                    ", standard deviation " + core::formatFixed(summary.sd, 3) +
                                    ". The interval is where the mean would fall with 95% confidence (t interval over folds).";
            ItemTooltip(row.name, tip.c_str());
        }
        if (!found) ImGui::TextDisabled("-");
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("Churn rate");
    ItemTooltip("Churn rate", "Share of customers in the test set who churned: what a random list would find.");
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(core::formatPercent(m.n > 0 ? static_cast<double>(m.positives) / static_cast<double>(m.n) : NAN).c_str());
    ImGui::TableNextColumn();
    if (std::isfinite(r.oobError)) {
        const std::string oob = "Out-of-bag error " + core::formatPercent(r.oobError);
        ImGui::TextUnformatted(oob.c_str());
        ItemTooltip("Out-of-bag error", "Each tree is tested on the customers its bootstrap sample left out: the forest's error "
                                        "on those, a free estimate of its test error at threshold 0.5.");
    }
    ImGui::EndTable();
}

void drawCurve(const char* id, const std::vector<analytics::CurvePoint>& curve, const char* xLabel, const char* yLabel,
               double referenceY, bool diagonal, charts::ChartPoint marker, float width, float height) {
    if (!charts::BeginChart(id, ImVec2(width, height), charts::ChartFlags_NoLegend | charts::ChartFlags_NoZoom)) return;
    charts::AxisSpec x, y;
    x.label = xLabel;
    y.label = yLabel;
    x.format = y.format = charts::AxisFormat::Percent;
    x.min = y.min = 0;
    x.max = y.max = 1;
    charts::SetupAxes(x, y);
    std::vector<double> xs, ys;
    for (const analytics::CurvePoint& p : curve) {
        xs.push_back(p.x);
        ys.push_back(p.y);
    }
    charts::SeriesSpec muted;
    muted.colour = charts::withAlpha(toU32(palette().textMuted), 0.7f);
    muted.size = 1;
    muted.flags = charts::SeriesFlags_NoHover;
    if (diagonal) {
        const double d[] = {0, 1};
        charts::PlotLine("Random", d, d, 2, muted);
    }
    if (std::isfinite(referenceY)) charts::PlotReferenceLine("Churn rate", referenceY, false, muted);
    charts::SeriesSpec line;
    line.colour = charts::seriesColour(0);
    charts::PlotLine("Model", xs.data(), ys.data(), static_cast<int>(xs.size()), line);
    if (std::isfinite(marker.x) && std::isfinite(marker.y)) {
        charts::SeriesSpec dot;
        dot.colour = toU32(palette().warning);
        dot.size = 10;
        charts::PlotScatter("At the threshold", &marker.x, &marker.y, 1, dot);
    }
    charts::EndChart();
}

void drawCurves(app::AppState& app, const app::ChurnRun& r, float avail) {
    const float gap = dp(space::md);
    const int columns = avail > dp(1000) ? 3 : avail > dp(600) ? 2 : 1;
    const float w = (avail - static_cast<float>(columns - 1) * gap) / static_cast<float>(columns);
    const float h = dp(300);
    int placed = 0;
    auto next = [&] {  // side by side while the row has room
        if (++placed % columns != 0) ImGui::SameLine(0, gap);
    };
    const analytics::ConfusionMatrix& cm = confusionAt(r, app.churn.threshold);
    const double fpr = cm.fp + cm.tn > 0 ? static_cast<double>(cm.fp) / static_cast<double>(cm.fp + cm.tn) : NAN;
    const double tpr = cm.tp + cm.fn > 0 ? static_cast<double>(cm.tp) / static_cast<double>(cm.tp + cm.fn) : NAN;
    const double precision = cm.tp + cm.fp > 0 ? static_cast<double>(cm.tp) / static_cast<double>(cm.tp + cm.fp) : NAN;
    const std::string rocTitle = "ROC curve  \xC2\xB7  AUC " + core::formatFixed(r.test.rocAuc, 3) + "##churn-roc";
    drawCurve(rocTitle.c_str(), r.roc, "False positive rate", "True positive rate (recall)", NAN, true, {fpr, tpr}, w, h);
    recordItem("Churn ROC");
    ItemTooltip("ROC curve", "Each point is a threshold: the share of churners flagged (up) against the share of loyal customers "
                             "flagged by mistake (right). The dot is the threshold chosen below; the diagonal is guessing.");
    next();
    const double rate = r.test.n > 0 ? static_cast<double>(r.test.positives) / static_cast<double>(r.test.n) : NAN;
    const std::string prTitle = "Precision-recall  \xC2\xB7  PR AUC " + core::formatFixed(r.test.prAuc, 3) + "##churn-pr";
    drawCurve(prTitle.c_str(), r.pr, "Recall", "Precision", rate, false, {tpr, precision}, w, h);
    recordItem("Churn PR");
    ItemTooltip("Precision-recall curve", "As the list of flagged customers grows (right), how many of them really churn (up). "
                                          "The flat line is the churn rate: what a random list would give.");
    next();
    // Calibration: predicted against observed, per score bin.
    if (charts::BeginChart("Calibration##churn-calibration", ImVec2(w, h), charts::ChartFlags_NoLegend | charts::ChartFlags_NoZoom)) {
        charts::AxisSpec x, y;
        x.label = "Predicted probability";
        y.label = "Observed churn rate";
        x.format = y.format = charts::AxisFormat::Percent;
        x.min = y.min = -0.02;  // a little room so markers at 0% or 100% are drawn whole
        x.max = y.max = 1.02;
        charts::SetupAxes(x, y);
        const double d[] = {0, 1};
        charts::SeriesSpec muted;
        muted.colour = charts::withAlpha(toU32(palette().textMuted), 0.7f);
        muted.size = 1;
        muted.flags = charts::SeriesFlags_NoHover;
        charts::PlotLine("Perfect", d, d, 2, muted);
        std::vector<double> xs, ys;
        for (const analytics::CalibrationBin& b : r.calibrationBins) {
            if (b.n == 0) continue;
            xs.push_back(b.meanPredicted);
            ys.push_back(b.observedRate);
        }
        charts::SeriesSpec line;
        line.colour = charts::seriesColour(1);
        line.flags = charts::SeriesFlags_Markers;
        charts::PlotLine("Model", xs.data(), ys.data(), static_cast<int>(xs.size()), line);
        charts::EndChart();
    }
    recordItem("Churn calibration");
    ItemTooltip("Calibration", "Customers grouped by their predicted probability (tenths): the mean prediction against the share "
                               "who really churned. On the diagonal, a 30% risk means 3 in 10 churn, so probabilities can be "
                               "used for value at risk.");
}

void drawThreshold(app::AppState& app, const app::ChurnRun& r, float avail) {
    app::ChurnState& s = app.churn;
    RunCache& cache = cacheFor(r);
    if (cache.bestCost != s.contactCost || cache.bestSaved != s.savedValue) {
        cache.best = analytics::bestThreshold(r.testY, r.testP, s.contactCost, s.savedValue);
        cache.bestCost = s.contactCost;
        cache.bestSaved = s.savedValue;
    }
    if (!BeginCard("##churn-threshold")) {
        EndCard();
        return;
    }
    SectionHeading("Who to contact: the threshold and what it is worth");
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    float t = static_cast<float>(s.threshold);
    ImGui::SetNextItemWidth(dp(260));
    if (ImGui::SliderFloat("##threshold", &t, 0.01f, 0.99f, "")) s.threshold = std::round(static_cast<double>(t) * 100) / 100;
    recordItem("Churn threshold");
    ImGui::SameLine();
    ImGui::Text("threshold %.2f", s.threshold);
    ItemTooltip("Threshold", "Customers whose predicted probability is at least this are flagged for a retention contact. Lower "
                             "catches more churners and costs more contacts.");
    ImGui::SameLine(0, dp(space::lg));
    ImGui::SetNextItemWidth(dp(110));
    ImGui::InputDouble("cost per contact", &s.contactCost, 0, 0, "%.2f");
    s.contactCost = std::clamp(s.contactCost, 0.0, 1e9);
    recordItem("Churn contact cost");
    ItemTooltip("Cost per contact", "What one retention contact costs: a call, an offer, a discount.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(dp(110));
    ImGui::InputDouble("value saved per churner", &s.savedValue, 0, 0, "%.2f");
    s.savedValue = std::clamp(s.savedValue, 0.0, 1e12);
    recordItem("Churn saved value");
    ItemTooltip("Value saved", "What contacting a customer who would have churned is worth on average: their value times the "
                               "share the contact keeps.");
    const analytics::ThresholdChoice& best = cache.best;
    const bool flagsNobody = best.confusion.tp + best.confusion.fp == 0;
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    if (flagsNobody) {
        noteText("At these costs no threshold pays for itself on the test set: a contact costs more than the churners it would "
                 "find are worth.", palette().warning);
    } else {
        const std::string text = "Best threshold for these costs: " + core::formatFixed(best.threshold, 2) + ", contacting " +
                                 count(best.confusion.tp + best.confusion.fp) + " of " + count(r.test.n) + " test customers and finding " +
                                 count(best.confusion.tp) + " churners: net " + money(best.expectedValue) + " on the test set.";
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::SameLine();
        if (Button("Use it", ButtonKind::Secondary)) s.threshold = std::clamp(std::round(best.threshold * 100) / 100, 0.01, 0.99);
        recordItem("Use suggested threshold");
    }
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    // Confusion matrix at the chosen threshold.
    const analytics::ConfusionMatrix& cm = confusionAt(r, s.threshold);
    const int64_t n = cm.tp + cm.fp + cm.tn + cm.fn;
    const Palette& p = palette();
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX;
    const float cell = dp(150);
    ImGui::BeginGroup();
    if (ImGui::BeginTable("##confusion", 3, flags)) {
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, dp(130));
        ImGui::TableSetupColumn("Flagged", ImGuiTableColumnFlags_WidthFixed, cell);
        ImGui::TableSetupColumn("Not flagged", ImGuiTableColumnFlags_WidthFixed, cell);
        ImGui::TableHeadersRow();
        auto cellText = [&](int64_t v, const ImVec4& colour, const char* name, const char* tip) {
            ImGui::TableNextColumn();
            ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, charts::withAlpha(toU32(colour), 0.18f));
            ImGui::PushFont(fonts().strong);
            ImGui::TextUnformatted(count(v).c_str());
            ImGui::PopFont();
            ImGui::SameLine();
            MutedText((name + std::string(" \xC2\xB7 ") + core::formatPercent(n > 0 ? static_cast<double>(v) / static_cast<double>(n) : NAN)).c_str());
            ItemTooltip(name, tip);
        };
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("Churned");
        cellText(cm.tp, p.success, "caught", "True positives: churners the model flags. A contact may keep them.");
        cellText(cm.fn, p.danger, "missed", "False negatives: churners the model does not flag. They leave without a contact.");
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("Stayed");
        cellText(cm.fp, p.warning, "wasted", "False positives: loyal customers flagged. Their contacts cost money for nothing.");
        cellText(cm.tn, p.textMuted, "left alone", "True negatives: loyal customers not flagged.");
        ImGui::EndTable();
    }
    ImGui::EndGroup();
    recordItem("Churn confusion matrix");
    ImGui::SameLine(0, dp(space::xl));
    ImGui::BeginGroup();
    const double flagged = static_cast<double>(cm.tp + cm.fp);
    const double precision = flagged > 0 ? static_cast<double>(cm.tp) / flagged : 0;
    const double recall = cm.tp + cm.fn > 0 ? static_cast<double>(cm.tp) / static_cast<double>(cm.tp + cm.fn) : 0;
    const double f1 = 2 * cm.tp + cm.fp + cm.fn > 0 ? 2.0 * static_cast<double>(cm.tp) / static_cast<double>(2 * cm.tp + cm.fp + cm.fn) : 0;
    const double accuracy = n > 0 ? static_cast<double>(cm.tp + cm.tn) / static_cast<double>(n) : NAN;
    const double value = static_cast<double>(cm.tp) * s.savedValue - flagged * s.contactCost;
    const std::string lines[] = {
        "Flagged: " + count(cm.tp + cm.fp) + " (" + core::formatPercent(n > 0 ? flagged / static_cast<double>(n) : NAN) + ")",
        "Precision " + core::formatPercent(precision) + "  \xC2\xB7  recall " + core::formatPercent(recall) + "  \xC2\xB7  F1 " + core::formatFixed(f1, 3) +
            "  \xC2\xB7  accuracy " + core::formatPercent(accuracy),
        "Net value on the test set: " + money(value) + " (" + count(cm.tp) + " \xC3\x97 " + money(s.savedValue) + " saved \xE2\x88\x92 " +
            count(cm.tp + cm.fp) + " \xC3\x97 " + money(s.contactCost) + " contacts)",
    };
    for (const std::string& line : lines) ImGui::TextUnformatted(line.c_str());
    MutedTextWrapped("These figures come from the test customers and the model's scores for them; the risk tab applies "
                     "the same threshold to every current customer.");
    ImGui::EndGroup();
    (void)avail;
    EndCard();
}

void drawGains(const app::ChurnRun& r, float avail) {
    const float gap = dp(space::md);
    const bool wide = avail > dp(900);
    const float w = wide ? (avail - gap) / 2 : avail;
    const float h = dp(260);
    const size_t n = r.gains.size();
    // Gains start at (0, 0): contacting nobody finds nobody.
    std::vector<double> decile(n), share{0.0}, gains{0.0}, lift(n);
    double ks = 0;
    int ksDecile = 0;
    for (size_t i = 0; i < n; ++i) {
        const analytics::DecileRow& d = r.gains[i];
        decile[i] = d.decile;
        share.push_back(d.decile / 10.0);
        gains.push_back(d.cumulativeRecall);
        lift[i] = d.lift;
        if (d.ks > ks) {
            ks = d.ks;
            ksDecile = d.decile;
        }
    }
    if (charts::BeginChart("Cumulative gains##churn-gains", ImVec2(w, h), charts::ChartFlags_NoZoom)) {
        charts::AxisSpec x, y;
        x.label = "Customers contacted, highest scores first";
        y.label = "Share of all churners found";
        x.format = y.format = charts::AxisFormat::Percent;
        x.min = y.min = 0;
        x.max = y.max = 1;
        charts::SetupAxes(x, y);
        charts::SeriesSpec muted;
        muted.colour = charts::withAlpha(toU32(palette().textMuted), 0.8f);
        muted.size = 1;
        charts::PlotLine("Random list", share.data(), share.data(), static_cast<int>(share.size()), muted);
        charts::SeriesSpec line;
        line.colour = charts::seriesColour(0);
        line.flags = charts::SeriesFlags_Markers;
        charts::PlotLine("Model", share.data(), gains.data(), static_cast<int>(share.size()), line);
        charts::EndChart();
    }
    recordItem("Churn gains");
    const std::string gainsTip = "Contact the top 10% of scores, then 20%, ...: the share of all churners reached. The gap to the "
                                 "random line is what the model adds. KS " + core::formatFixed(ks, 2) + " (largest gap between the shares of "
                                 "churners and of loyal customers reached, at decile " + std::to_string(ksDecile) + ").";
    ItemTooltip("Cumulative gains", gainsTip.c_str());
    if (wide) ImGui::SameLine(0, gap);
    if (charts::BeginChart("Lift by decile##churn-lift", ImVec2(w, h), charts::ChartFlags_NoZoom | charts::ChartFlags_NoLegend)) {
        charts::AxisSpec x, y;
        x.label = "Decile (1 = highest scores)";
        y.label = "Churn rate / overall churn rate";
        x.min = 0.5;
        x.max = 10.5;
        y.min = 0;
        charts::SetupAxes(x, y);
        charts::SeriesSpec bars;
        bars.colour = charts::seriesColour(2);
        charts::PlotBars("Lift", decile.data(), lift.data(), static_cast<int>(n), 0.7, bars);
        charts::PlotReferenceLine("No lift", 1, false);
        charts::EndChart();
    }
    recordItem("Churn lift");
    ItemTooltip("Lift", "How many times the overall churn rate each tenth of customers (by score) shows. A lift of 3 in decile 1 "
                        "means the top 10% churn three times as often as average.");
}

void drawImportance(const app::ChurnRun& r, float avail) {
    static int ranking = 0;  // 0: the model's own importance, 1: permutation
    ImGui::AlignTextToFramePadding();
    SectionHeading("What the model relies on");
    ImGui::SameLine(0, dp(space::lg));
    ImGui::SetNextItemWidth(dp(300));
    ImGui::Combo("##importance-kind", &ranking,
                 r.params.model == ChurnModelKind::Logistic ? "Weight per standard deviation\0Permutation: AUC drop\0"
                                                            : "Impurity decrease\0Permutation: AUC drop\0");
    recordItem("Churn importance kind");
    ItemTooltip("Importance", "Weight / impurity: what the fitted model itself says, normalized to add up to 100%. Permutation: "
                              "how much the test AUC drops when the column is shuffled, so the model cannot use it; "
                              "comparable across models.");
    std::vector<const app::ChurnImportance*> rows;
    for (const app::ChurnImportance& i : r.importance) rows.push_back(&i);
    auto valueOf = [&](const app::ChurnImportance* i) { return ranking == 0 ? i->importance : i->permutation; };
    std::stable_sort(rows.begin(), rows.end(), [&](const auto* a, const auto* b) { return valueOf(a) > valueOf(b); });
    const size_t shown = std::min<size_t>(rows.size(), 15);
    // Largest at the top: category 0 is drawn at the bottom.
    std::vector<std::string> names(shown);
    std::vector<const char*> cnames(shown);
    std::vector<double> values(shown);
    for (size_t k = 0; k < shown; ++k) {
        const size_t at = shown - 1 - k;
        names[at] = rows[k]->feature;
        values[at] = valueOf(rows[k]);
    }
    for (size_t k = 0; k < shown; ++k) cnames[k] = names[k].c_str();
    if (charts::BeginChart("##churn-importance", ImVec2(avail, dp(28) * static_cast<float>(shown) + dp(80)),
                           charts::ChartFlags_NoZoom | charts::ChartFlags_NoLegend)) {
        charts::AxisSpec x, y;
        x.label = ranking == 0 ? "Share of importance" : "Drop of the test AUC when shuffled";
        x.format = ranking == 0 ? charts::AxisFormat::Percent : charts::AxisFormat::Number;
        y.format = charts::AxisFormat::Category;
        y.categoryNames = cnames.data();
        y.categoryCount = static_cast<int>(shown);
        charts::SetupAxes(x, y);
        charts::SeriesSpec bars;
        bars.flags = charts::SeriesFlags_Horizontal;
        bars.colour = charts::seriesColour(0);
        charts::PlotBars(ranking == 0 ? "Importance" : "AUC drop", nullptr, values.data(), static_cast<int>(shown), 0.65, bars);
        charts::EndChart();
    }
    recordItem("Churn importance");
    if (rows.size() > shown) MutedText(("The 15 largest of " + std::to_string(rows.size()) + " columns.").c_str());
}

void drawCoefficients(const app::ChurnRun& r) {
    if (r.params.model != ChurnModelKind::Logistic || r.weights.size() == 0) return;
    if (!ImGui::TreeNode("Coefficients###churn-coefficients")) return;
    MutedTextWrapped("Positive weights raise the risk. Per standard deviation: comparable between features. Per unit: in the "
                     "feature's own units (a day, a dollar, yes/no). Odds ratio: how the odds of churning multiply.");
    std::vector<Eigen::Index> order(static_cast<size_t>(r.weights.size()));
    for (Eigen::Index j = 0; j < r.weights.size(); ++j) order[static_cast<size_t>(j)] = j;
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return std::fabs(r.weights(a)) > std::fabs(r.weights(b)); });
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_ScrollY;
    const float height = std::min(dp(360), dp(28) * static_cast<float>(order.size() + 2));
    if (ImGui::BeginTable("##coefficients", 4, flags, ImVec2(0, height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Feature", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("Per standard deviation", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Odds ratio per SD", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Per unit", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        for (const Eigen::Index j : order) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.columns[static_cast<size_t>(j)].c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatFixed(r.weights(j), 3).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatFixed(std::exp(r.weights(j)), 2).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(j < r.weightsOriginal.size() ? core::formatFixed(r.weightsOriginal(j), 5).c_str() : "-");
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("Intercept");
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", core::formatFixed(r.intercept, 3).c_str());
        ImGui::EndTable();
    }
    ImGui::TreePop();
}

void drawResults(app::AppState& app) {
    app::ChurnState& s = app.churn;
    if (!s.run) {
        if (BeginCard("##churn-no-results")) {
            SectionHeading("Train a model to see how good it is");
            MutedTextWrapped("The metrics with their intervals, ROC and precision-recall curves, the threshold that pays, "
                             "calibration, gains and what the model relies on appear here. Start in the Set-up tab.");
        }
        EndCard();
        return;
    }
    const app::ChurnRun& r = *s.run;
    const float avail = ImGui::GetContentRegionAvail().x;
    drawRunHeader(r);
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    drawMetricsTable(r, std::min(avail, dp(760)));
    if (r.test.confusion.tp + r.test.confusion.fp == 0 && r.test.positives > 0) {
        noteText("At 0.5 the model flags nobody (churn is rare here, so few customers reach a 50% risk): precision, recall "
                 "and F1 at 0.5 are 0. The ranking (AUC) is what counts; choose a lower threshold below.", palette().warning);
    }
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    if (r.testY.size() == 0) {
        MutedText("The test scores of this run were not saved: train again to see the curves.");
        return;
    }
    drawCurves(app, r, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawThreshold(app, r, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawGains(r, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawImportance(r, avail);
    drawCoefficients(r);
}

// ---- 4. Risk -----------------------------------------------------------------------------------------

void drawTiers(app::AppState& app, const app::ChurnRun& r, float avail) {
    RunCache& cache = cacheFor(r);
    const double t = app.churn.threshold;
    if (cache.tierThreshold != t) {
        cache.tierCount = {};
        cache.tierValueAtRisk = {};
        for (size_t k = 0; k < r.scoredP.size(); ++k) {
            const double p = r.scoredP[k];
            const int tier = p >= t ? 0 : p >= t / 2 ? 1 : 2;
            ++cache.tierCount[static_cast<size_t>(tier)];
            cache.tierValueAtRisk[static_cast<size_t>(tier)] += p * r.value[k];
        }
        cache.tierThreshold = t;
    }
    const Palette& p = palette();
    const ImVec4 colours[] = {p.danger, p.warning, p.success};
    const std::string names[] = {"High risk: " + core::formatFixed(t, 2) + " and above", "Medium: " + core::formatFixed(t / 2, 2) + " to " + core::formatFixed(t, 2),
                                 "Low: below " + core::formatFixed(t / 2, 2)};
    const float gap = dp(space::md);
    const bool row = avail > dp(640);
    const float w = row ? (avail - 2 * gap) / 3 : avail;
    const double total = static_cast<double>(std::max<size_t>(1, r.scoredP.size()));
    for (int i = 0; i < 3; ++i) {
        if (i > 0 && row) ImGui::SameLine(0, gap);
        ImGui::PushID(i);
        if (BeginCard("##tier", ImVec2(w, dp(136)))) {
            ImGui::PushStyleColor(ImGuiCol_Text, colours[i]);
            ImGui::TextUnformatted(ICON_USER_TIMES);
            ImGui::PopStyleColor();
            ImGui::SameLine();
            SectionHeading(names[i].c_str());
            ImGui::PushFont(fonts().display);
            ImGui::TextUnformatted(count(cache.tierCount[static_cast<size_t>(i)]).c_str());
            ImGui::PopFont();
            const std::string share = core::formatPercent(static_cast<double>(cache.tierCount[static_cast<size_t>(i)]) / total) + " of customers";
            const std::string value = money(cache.tierValueAtRisk[static_cast<size_t>(i)]) + " value at risk";
            MutedText(share.c_str());
            MutedText(value.c_str());
        }
        EndCard();
        const std::string tip = "Current customers whose predicted churn probability is in this band (the threshold is set in the "
                                "Results tab). Value at risk: the sum of probability \xC3\x97 " + r.valueLabel + ".";
        ItemTooltip("Risk tier", tip.c_str());
        if (i == 0) recordItem("Churn high risk");
        ImGui::PopID();
    }
}

void drawScoreHistogram(app::AppState& app, const app::ChurnRun& r, float avail) {
    RunCache& cache = cacheFor(r);
    if (!charts::BeginChart("Distribution of churn risk##churn-scores", ImVec2(avail, dp(240)), charts::ChartFlags_NoLegend | charts::ChartFlags_NoZoom)) return;
    charts::AxisSpec x, y;
    x.label = "Predicted probability of churning";
    y.label = "Customers";
    x.format = charts::AxisFormat::Percent;
    y.format = charts::AxisFormat::Integer;
    x.min = 0;
    x.max = 1;
    charts::SetupAxes(x, y);
    charts::HistogramSpec spec;
    spec.min = 0;
    spec.max = 1;
    spec.colour = charts::seriesColour(0);
    spec.generation = cache.generation;
    charts::PlotHistogram("Customers", cache.scores.data(), static_cast<int>(cache.scores.size()), 40, spec);
    charts::SeriesSpec line;
    line.colour = toU32(palette().danger);
    charts::PlotReferenceLine("Threshold", app.churn.threshold, true, line);
    charts::EndChart();
    recordItem("Churn score distribution");
}

std::string driversText(const app::ChurnRun& r, size_t k) {
    std::string text;
    for (size_t t = 0; t < 3; ++t) {
        const std::string reason = app::churnDriverText(r, k, t);
        if (reason.empty()) continue;
        if (!text.empty()) text += ";  ";
        text += reason;
    }
    return text.empty() ? "-" : text;
}

void drawAtRiskList(app::AppState& app, const app::ChurnRun& r) {
    // 50 rows at first, 50 more per click; a new run starts again at 50.
    static size_t shown = 50;
    static int64_t shownFor = -1;
    if (shownFor != r.runId) {
        shownFor = r.runId;
        shown = 50;
    }
    const std::vector<app::ChurnAtRiskRow>& rows = app::churnAtRisk(app, shown);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_ScrollY;
    const float height = std::clamp(ImGui::GetTextLineHeightWithSpacing() * 1.4f * static_cast<float>(rows.size() + 1) + dp(8), dp(120), dp(560));
    if (ImGui::BeginTable("##at-risk", 6, flags, ImVec2(0, height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, dp(44));
        ImGui::TableSetupColumn("Customer", ImGuiTableColumnFlags_WidthStretch, 1.6f);
        ImGui::TableSetupColumn("Risk", ImGuiTableColumnFlags_WidthStretch, 0.6f);
        ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch, 0.7f);
        ImGui::TableSetupColumn("Value at risk", ImGuiTableColumnFlags_WidthStretch, 0.8f);
        ImGui::TableSetupColumn("Why: what raises the risk most", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableHeadersRow();
        for (size_t k = 0; k < rows.size(); ++k) {
            const app::ChurnAtRiskRow& row = rows[k];
            ImGui::PushID(static_cast<int>(k));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%d", static_cast<int>(k + 1));
            ImGui::TableNextColumn();
            const std::string who = row.name.empty() ? (row.customer.empty() ? "#" + std::to_string(row.id) : row.customer)
                                                     : row.name + "  (" + row.customer + ")";
            if (ImGui::Selectable(who.c_str(), false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap)) {
                app.view = app::View::Customers;
                app::openCustomer(app, row.id);
            }
            if (k == 0) recordItem("At-risk first customer");
            ItemTooltip(who.c_str(), (row.email.empty() ? std::string("Click to open this customer.") : row.email + "\nClick to open this customer.").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatPercent(row.probability, 0).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(money(row.value).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(money(static_cast<double>(row.probability) * row.value).c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", driversText(r, k).c_str());
            if (ImGui::IsItemHovered()) {
                std::string tip;
                for (size_t t = 0; t < 3; ++t) {
                    const int32_t col = row.driverColumn[t];
                    if (col < 0 || static_cast<size_t>(col) >= r.columns.size()) continue;
                    tip += app::churnDriverText(r, k, t) + ": +" + core::formatFixed(row.driverEffect[t], 3) + " " + effectUnit(r.params.model) + "\n";
                }
                tip += r.params.model == ChurnModelKind::Logistic
                           ? "Each is the feature's weight times how far this customer is from the average customer: the "
                             "reasons this customer's risk is above average. High or low: this customer's value against the "
                             "average."
                           : "Each is how much the feature's splits on this customer's path through the trees raised the "
                             "predicted probability (path contributions). High or low: this customer's value against the "
                             "average.";
                ItemTooltip("Why this customer", tip.c_str());
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    recordItem("At-risk list");
    if (rows.size() < r.scoredIds.size()) {
        const std::string more = "Show 50 more (of " + count(static_cast<int64_t>(r.scoredIds.size())) + ")";
        if (Button(more.c_str(), ButtonKind::Ghost)) shown += 50;
    }
}

void drawRisk(app::AppState& app) {
    app::ChurnState& s = app.churn;
    if (!s.run) {
        if (BeginCard("##churn-no-risk")) {
            SectionHeading("Train a model to see who is at risk");
            MutedTextWrapped("Every current customer gets a churn probability; the list ranks them by value at risk (probability "
                             "times the customer's value) with the two or three factors that raise each one's risk most.");
        }
        EndCard();
        return;
    }
    const app::ChurnRun& r = *s.run;
    const float avail = ImGui::GetContentRegionAvail().x;
    if (r.scoredIds.empty()) {
        if (BeginCard("##churn-none-scored")) {
            SectionHeading("No current customers to score");
            MutedTextWrapped("Everyone in these data is marked as churned already, so nobody is left to keep.");
        }
        EndCard();
        return;
    }
    const std::string line = count(static_cast<int64_t>(r.scoredIds.size())) + " current customers scored as of " + isoDay(r.scoredAsOf) +
                             " by the " + app::churnModelLabel(r.params.model) + "  \xC2\xB7  value: " + r.valueLabel;
    MutedTextWrapped(line.c_str());
    drawTiers(app, r, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawScoreHistogram(app, r, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    ImGui::AlignTextToFramePadding();
    SectionHeading("Customers to contact first, by value at risk");
    ImGui::SameLine(0, dp(space::lg));
    if (Button("Export CSV", ButtonKind::Secondary, ICON_DOWNLOAD)) app::exportAtRisk(app, 0);
    recordItem("Export at-risk CSV");
    ItemTooltip("Export", "Every scored customer by value at risk, with probability, value and the three strongest reasons: "
                          "at-risk-customers.csv.");
    ImGui::SameLine(0, dp(space::lg));
    char name[96];
    std::snprintf(name, sizeof name, "%s", s.segmentName.c_str());
    ImGui::SetNextItemWidth(dp(180));
    if (ImGui::InputText("##segment-name", name, sizeof name)) s.segmentName = name;
    recordItem("At-risk segment name");
    ImGui::SameLine();
    ImGui::BeginDisabled(app.storage == app::StorageState::ReadOnly);
    const std::string save = "Save risk " + core::formatFixed(s.threshold, 2) + "+ as segment";
    if (Button(save.c_str(), ButtonKind::Secondary, ICON_SAVE)) (void)app::saveAtRiskSegment(app, s.segmentName, s.threshold);
    ImGui::EndDisabled();
    recordItem("Save at-risk segment");
    ItemTooltip("Save as segment", "The customers at or above the threshold become a saved segment: filter the Customers view by "
                                   "it, export it, or see its NPS.");
    if (!s.message.empty()) noteText(s.message, palette().success);
    ErrorText(s.error);
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    drawAtRiskList(app, r);
}

// ---- 5. Runs ------------------------------------------------------------------------------------------

void drawCompare(app::AppState& app, const std::vector<app::ChurnRunSummary>& runs, float avail) {
    std::vector<const app::ChurnRunSummary*> picked;
    for (const app::ChurnRunSummary& r : runs) {
        if (std::find(app.churn.compareIds.begin(), app.churn.compareIds.end(), r.id) != app.churn.compareIds.end()) picked.push_back(&r);
    }
    if (picked.size() < 2) {
        MutedText("Tick two or more runs to compare them side by side.");
        return;
    }
    SectionHeading("Side by side");
    const float gap = dp(space::md);
    const bool wide = avail > dp(1000);
    const float chartWidth = wide ? avail * 0.42f : avail;
    std::vector<std::string> names;
    for (const auto* r : picked) names.push_back(std::string(modelLabel(r->model)) + " (run " + std::to_string(r->id) + ")");
    if (charts::BeginChart("ROC curves##churn-compare-roc", ImVec2(chartWidth, dp(320)), charts::ChartFlags_NoZoom)) {
        charts::AxisSpec x, y;
        x.label = "False positive rate";
        y.label = "True positive rate";
        x.format = y.format = charts::AxisFormat::Percent;
        x.min = y.min = 0;
        x.max = y.max = 1;
        charts::SetupAxes(x, y);
        const double d[] = {0, 1};
        charts::SeriesSpec muted;
        muted.colour = charts::withAlpha(toU32(palette().textMuted), 0.7f);
        muted.size = 1;
        muted.flags = charts::SeriesFlags_NoHover | charts::SeriesFlags_NoLegend;
        charts::PlotLine("Random", d, d, 2, muted);
        for (size_t i = 0; i < picked.size(); ++i) {
            std::vector<double> xs, ys;
            for (const analytics::CurvePoint& p : picked[i]->roc) {
                xs.push_back(p.x);
                ys.push_back(p.y);
            }
            charts::SeriesSpec line;
            line.colour = charts::seriesColour(static_cast<int>(i));
            charts::PlotLine(names[i].c_str(), xs.data(), ys.data(), static_cast<int>(xs.size()), line);
        }
        charts::EndChart();
    }
    recordItem("Churn compare ROC");
    if (wide) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    const int columns = static_cast<int>(picked.size()) + 1;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("##compare", columns, flags, ImVec2(wide ? avail - chartWidth - gap : avail, 0))) {
        ImGui::TableSetupColumn("Metric", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        for (const std::string& n : names) ImGui::TableSetupColumn(n.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableHeadersRow();
        struct Row {
            const char* name;
            double app::ChurnRunSummary::*field;
            bool lowerIsBetter;
        };
        const Row rows[] = {{"ROC AUC", &app::ChurnRunSummary::rocAuc, false}, {"PR AUC", &app::ChurnRunSummary::prAuc, false},
                            {"F1 at 0.5", &app::ChurnRunSummary::f1, false},   {"Accuracy at 0.5", &app::ChurnRunSummary::accuracy, false},
                            {"Brier score", &app::ChurnRunSummary::brier, true}, {"Log loss", &app::ChurnRunSummary::logLoss, true}};
        for (const Row& row : rows) {
            double best = row.lowerIsBetter ? INFINITY : -INFINITY;
            for (const auto* r : picked) {
                const double v = r->*row.field;
                if (std::isfinite(v)) best = row.lowerIsBetter ? std::min(best, v) : std::max(best, v);
            }
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.name);
            for (const auto* r : picked) {
                ImGui::TableNextColumn();
                const double v = r->*row.field;
                std::string text = core::formatFixed(v, 3);
                if (row.field == &app::ChurnRunSummary::rocAuc && std::isfinite(r->rocAucLow)) {
                    text += "  (" + core::formatFixed(r->rocAucLow, 3) + "-" + core::formatFixed(r->rocAucHigh, 3) + ")";
                }
                if (v == best && picked.size() > 1) {
                    ImGui::PushStyleColor(ImGuiCol_Text, palette().success);
                    ImGui::PushFont(fonts().strong);
                    ImGui::TextUnformatted(text.c_str());
                    ImGui::PopFont();
                    ImGui::PopStyleColor();
                } else {
                    ImGui::TextUnformatted(text.c_str());
                }
            }
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("Train / test");
        for (const auto* r : picked) {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted((count(r->nTrain) + " / " + count(r->nTest)).c_str());
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("Fit time");
        for (const auto* r : picked) {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r->fitMillis > 0 ? (core::formatFixed(r->fitMillis, 0) + " ms").c_str() : "-");
        }
        ImGui::EndTable();
    }
    MutedTextWrapped("Best in each row in green. Runs tested differently (a time split against a random test set) are not "
                     "strictly comparable: a time split is the harder, more honest test.");
    ImGui::EndGroup();
    recordItem("Churn compare table");
}

void drawRuns(app::AppState& app, const app::ChurnContext& c) {
    app::ChurnState& s = app.churn;
    const std::vector<app::ChurnRunSummary>& runs = *c.runs;
    if (runs.empty()) {
        if (BeginCard("##churn-no-runs")) {
            SectionHeading("No saved runs yet");
            MutedTextWrapped("Every model you train is saved here with its parameters and test figures (the last ten), so you can "
                             "show an earlier one again or compare several side by side.");
        }
        EndCard();
        return;
    }
    static int64_t confirmDelete = 0;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("##churn-runs", 9, flags)) {
        ImGui::TableSetupColumn("Compare", ImGuiTableColumnFlags_WidthFixed, dp(70));
        ImGui::TableSetupColumn("Run, saved (UTC)", ImGuiTableColumnFlags_WidthStretch, 1.5f);
        ImGui::TableSetupColumn("Model", ImGuiTableColumnFlags_WidthStretch, 1.1f);
        ImGui::TableSetupColumn("Label / validation", ImGuiTableColumnFlags_WidthStretch, 1.6f);
        ImGui::TableSetupColumn("ROC AUC", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("PR AUC", ImGuiTableColumnFlags_WidthStretch, 0.6f);
        ImGui::TableSetupColumn("F1", ImGuiTableColumnFlags_WidthStretch, 0.5f);
        ImGui::TableSetupColumn("Train / test", ImGuiTableColumnFlags_WidthStretch, 0.8f);
        ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, dp(200));
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < runs.size(); ++i) {
            const app::ChurnRunSummary& r = runs[i];
            const bool shown = s.run && s.run->runId == r.id;
            ImGui::PushID(static_cast<int>(r.id));
            ImGui::TableNextRow();
            if (shown) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, toU32(palette().accentSoft));
            ImGui::TableNextColumn();
            bool on = std::find(s.compareIds.begin(), s.compareIds.end(), r.id) != s.compareIds.end();
            // A bordered box: visible on both row stripes.
            ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, std::max(1.0f, dp(1)));
            ImGui::PushStyleColor(ImGuiCol_Border, palette().textMuted);
            const bool toggled = ImGui::Checkbox("##compare", &on);
            ImGui::PopStyleColor();
            ImGui::PopStyleVar();
            if (toggled) {
                if (on) s.compareIds.push_back(r.id);
                else std::erase(s.compareIds, r.id);
            }
            recordItem("Compare run " + std::to_string(i + 1));
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            std::string when = r.createdAt.substr(0, 16);
            if (when.size() > 10 && when[10] == 'T') when[10] = ' ';
            ImGui::Text("%d  \xC2\xB7  %s", static_cast<int>(r.id), when.c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", modelLabel(r.model));
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", (std::string(ruleLabel(r.label)) + " \xC2\xB7 " + validationLabel(r.validation)).c_str());
            ImGui::TableNextColumn();
            std::string auc = core::formatFixed(r.rocAuc, 3);
            if (std::isfinite(r.rocAucLow)) auc += "  (" + core::formatFixed(r.rocAucLow, 3) + "-" + core::formatFixed(r.rocAucHigh, 3) + ")";
            ImGui::TextUnformatted(auc.c_str());
            ItemTooltip("ROC AUC", "On the test customers; in brackets, the 95% interval from cross-validation when it was run.");
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatFixed(r.prAuc, 3).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(core::formatFixed(r.f1, 3).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted((count(r.nTrain) + " / " + count(r.nTest)).c_str());
            ImGui::TableNextColumn();
            ImGui::BeginDisabled(shown);
            if (Button(shown ? "Shown" : "Show", ButtonKind::Ghost, ICON_EYE)) {
                s.error.clear();
                (void)app::loadChurnRun(app, r.id);
            }
            ImGui::EndDisabled();
            ImGui::SameLine();
            ImGui::BeginDisabled(app.storage == app::StorageState::ReadOnly);
            if (confirmDelete == r.id) {
                if (Button("Really delete", ButtonKind::Primary, ICON_TRASH)) {
                    if (auto d = app::deleteChurnRun(app, r.id); !d) s.error = d.error().message;
                    confirmDelete = 0;
                }
                ImGui::SameLine();
                if (Button("Keep", ButtonKind::Ghost)) confirmDelete = 0;
            } else if (Button("Delete", ButtonKind::Ghost, ICON_TRASH)) {
                confirmDelete = r.id;
            }
            ImGui::EndDisabled();
            ImGui::PopID();
            if (s.runsStale) break;  // the list changed under us: draw it again next frame
        }
        ImGui::EndTable();
    }
    ErrorText(s.error);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawCompare(app, runs, ImGui::GetContentRegionAvail().x);
}

}  // namespace

void DrawChurnView(app::AppState& app) {
    if (app.counts.customers == 0) {
        BeginEmptyState(ICON_USER_TIMES, "Who is about to leave, and why",
                        "Churn models trained here in your browser and tested the way they will be used, a list of "
                        "customers ranked by the value at risk, and the reasons behind each customer's risk. It needs "
                        "customers with a churn flag, or order history to infer one: import them in the Data view.");
        DrawGoToDataAction(app);
        EndEmptyState();
        return;
    }
    app::ChurnState& s = app.churn;
    const app::ChurnContext c = app::churnContext(app);
    // A new run (trained or shown) opens the Results tab once.
    // A run that appears (trained, shown from the list, or restored at start-up) opens
    // the Results tab once.
    static int64_t seenRun = -1;
    const int64_t current = s.run ? s.run->runId : -1;
    const bool newRun = current != seenRun && s.run;
    seenRun = current;
    const int select = s.tab >= 0 ? s.tab : newRun ? 1 : -1;
    s.tab = -1;
    if (!ImGui::BeginTabBar("##churn-tabs")) return;
    const char* names[] = {"Set-up", "Results", "Risk", nullptr};
    const std::string runsName = "Runs (" + std::to_string(c.runs ? c.runs->size() : 0) + ")###runs";
    names[3] = runsName.c_str();
    const char* records[] = {"Churn set-up tab", "Churn results tab", "Churn risk tab", "Churn runs tab"};
    for (int i = 0; i < 4; ++i) {
        const bool open = ImGui::BeginTabItem(names[i], nullptr, select == i ? ImGuiTabItemFlags_SetSelected : 0);
        recordItem(records[i]);
        if (!open) continue;
        ImGui::Dummy(ImVec2(0, dp(space::xs)));
        ImGui::BeginChild("##churn-tab-content", ImVec2(0, 0), false);
        switch (i) {
            case 0: drawSetup(app, c); break;
            case 1: drawResults(app); break;
            case 2: drawRisk(app); break;
            case 3: drawRuns(app, c); break;
        }
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

}  // namespace rapport::ui
