// automation_hook.cpp: the C side of window.rapport (automation_hook.js holds the JS
// side). Browser tests, benchmarks and users' console scripts depend on these verbs:
// extend them, never rename them. Strings returned point to a buffer valid until the
// next call.
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/app_state.hpp"
#include "app/churn.hpp"
#include "app/data_transfer.hpp"
#include "app/demo_job.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "store/comments.hpp"
#include "store/export.hpp"
#include "store/import.hpp"
#include "core/json_writer.hpp"
#include "platform/app_host.hpp"
#include "ui/widgets.hpp"

namespace {
std::string gReply;
std::string gError;  // why the last start_* call returned 0

// run('churn', {label, features, model, params, validation, seed, ...}) as ChurnParams:
//   label       'inactivity' | 'explicit' | an attribute's name (e.g. 'Churn'), or
//               {rule, attribute, windowDays, cutoff: 'YYYY-MM-DD'}; absent: chosen from the data
//   features    [key or name, ...] (absent: the defaults for the data)
//   model       'logistic' | 'tree' | 'forest'
//   params      {l2 | C, maxDepth, minSamplesLeaf, criterion, ccpAlpha, trees, maxFeatures}
//   validation  'holdout' | 'cv' | 'time' (absent: a time split when the label has dates),
//               with testShare, folds, crossValidate
//   seed, split (true: the result lists the test customers)
rapport::core::Result<rapport::app::ChurnParams> churnParamsFromJson(const rapport::core::JsonValue& p) {
    using rapport::core::JsonValue;
    using namespace rapport::app;
    ChurnParams c;
    const JsonValue& label = p["label"];
    auto ruleOf = [](const std::string& text, ChurnLabelSpec& spec) {
        if (text == "inactivity") spec.rule = ChurnLabelRule::Inactivity;
        else if (text == "explicit" || text == "churned") spec.rule = ChurnLabelRule::Explicit;
        else {
            spec.rule = ChurnLabelRule::Attribute;
            if (text != "attribute") spec.attribute = text;
        }
    };
    if (label.isNull()) {
        c.autoLabel = true;
    } else if (label.isObject()) {
        const std::string rule = label["rule"].stringOr(label.find("attribute") != nullptr ? "attribute" : "inactivity");
        ruleOf(rule, c.label);
        if (c.label.rule == ChurnLabelRule::Attribute && label.find("attribute") != nullptr) c.label.attribute = label["attribute"].string();
        c.label.windowDays = static_cast<int>(label["windowDays"].integer(c.label.windowDays));
        if (const JsonValue* cutoff = label.find("cutoff"); cutoff != nullptr && !cutoff->isNull() && !cutoff->string().empty()) {
            const auto day = rapport::core::parseIsoDate(cutoff->string());
            if (!day) return rapport::core::makeError("label.cutoff must be a date written YYYY-MM-DD.");
            c.label.cutoffDay = static_cast<int32_t>(rapport::core::daysFromCivil(*day));
        }
    } else {
        ruleOf(label.string(), c.label);
    }
    if (const JsonValue* f = p.find("features"); f != nullptr && f->isArray()) {
        for (const JsonValue& key : f->array()) c.features.features.push_back(key.string());
    }
    const std::string model = p["model"].stringOr("logistic");
    if (model == "logistic") c.model = ChurnModelKind::Logistic;
    else if (model == "tree") c.model = ChurnModelKind::Tree;
    else if (model == "forest") c.model = ChurnModelKind::Forest;
    else return rapport::core::makeError("model must be \"logistic\", \"tree\" or \"forest\".");
    const JsonValue& m = p["params"];
    if (m.find("C") != nullptr) {
        const double C = m["C"].number(1);
        if (!(C > 0)) return rapport::core::makeError("params.C must be above 0 (the penalty is 1 / C).");
        c.logistic.l2 = 1 / C;
    }
    c.logistic.l2 = m["l2"].number(c.logistic.l2);
    const std::string criterion = m["criterion"].stringOr("gini");
    if (criterion != "gini" && criterion != "entropy") return rapport::core::makeError("params.criterion must be \"gini\" or \"entropy\".");
    const auto crit = criterion == "gini" ? rapport::analytics::SplitCriterion::Gini : rapport::analytics::SplitCriterion::Entropy;
    c.tree.criterion = c.forest.criterion = crit;
    c.tree.maxDepth = static_cast<int>(m["maxDepth"].integer(c.tree.maxDepth));
    c.tree.minSamplesLeaf = m["minSamplesLeaf"].integer(c.tree.minSamplesLeaf);
    c.tree.ccpAlpha = m["ccpAlpha"].number(c.tree.ccpAlpha);
    c.forest.trees = static_cast<int>(m["trees"].integer(c.forest.trees));
    c.forest.maxFeatures = static_cast<int>(m["maxFeatures"].integer(c.forest.maxFeatures));
    c.forest.maxDepth = static_cast<int>(m[model == "forest" ? "maxDepth" : "forestMaxDepth"].integer(c.forest.maxDepth));
    c.forest.minSamplesLeaf = m[model == "forest" ? "minSamplesLeaf" : "forestMinSamplesLeaf"].integer(c.forest.minSamplesLeaf);
    const JsonValue& validation = p["validation"];
    if (validation.isNull()) {
        c.autoValidation = true;
    } else {
        const std::string v = validation.string();
        if (v == "holdout" || v == "test") c.validation = ChurnValidation::Holdout;
        else if (v == "cv") c.validation = ChurnValidation::CrossValidation;
        else if (v == "time") c.validation = ChurnValidation::TimeSplit;
        else return rapport::core::makeError("validation must be \"holdout\", \"cv\" or \"time\".");
    }
    c.testShare = p["testShare"].number(c.testShare);
    c.folds = static_cast<int>(p["folds"].integer(c.folds));
    c.crossValidate = p["crossValidate"].boolean(c.crossValidate);
    c.seed = static_cast<uint64_t>(std::max<int64_t>(0, p["seed"].integer(0)));
    c.reportSplit = p["split"].boolean(false);
    return c;
}

}  // namespace

extern "C" {

// rapport.state(): the app state as JSON text.
EMSCRIPTEN_KEEPALIVE const char* rapport_state_json() {
    gReply = rapport::app::stateJson(rapport::platform::appState());
    return gReply.c_str();
}

// rapport.navigate(label): 1 if `name` is a view's label (or slug), else 0.
EMSCRIPTEN_KEEPALIVE int rapport_navigate(const char* name) {
    auto& app = rapport::platform::appState();
    const std::string text = name != nullptr ? name : "";
    if (text == "gallery") {  // the chart gallery (a debug screen, also Ctrl+Shift+G)
        app.showChartGallery = true;
        return 1;
    }
    const auto view = rapport::app::viewFromName(text);
    if (!view) return 0;
    app.view = *view;
    app.showChartGallery = false;
    return 1;
}

// rapport.widgetRect(label): {"x":..,"y":..,"w":..,"h":..} in CSS pixels, or "null".
EMSCRIPTEN_KEEPALIVE const char* rapport_widget_rect(const char* label) {
    const auto rect = rapport::ui::findWidget(label != nullptr ? label : "");
    if (!rect) {
        gReply = "null";
    } else {
        char buf[160];
        std::snprintf(buf, sizeof buf, "{\"x\":%.2f,\"y\":%.2f,\"w\":%.2f,\"h\":%.2f}", rect->x, rect->y, rect->w, rect->h);
        gReply = buf;
    }
    return gReply.c_str();
}

// rapport.generateDemo(): starts the demo-data job; its id, or 0 (see rapport_take_error).
EMSCRIPTEN_KEEPALIVE double rapport_start_demo(double customers, double seed, const char* scenario) {
    auto& app = rapport::platform::appState();
    rapport::store::DemoOptions options;
    options.customers = static_cast<int64_t>(customers);
    options.seed = static_cast<uint64_t>(seed < 0 ? 0 : seed);
    const auto kind = rapport::store::scenarioFromName(scenario != nullptr ? scenario : "");
    if (!kind) {
        gError = "Unknown scenario: use \"retail\", \"subscription\" or \"b2b\".";
        return 0;
    }
    options.scenario = *kind;
    auto job = rapport::app::makeDemoJob(app, options);
    if (!job) { gError = job.error().message; return 0; }
    auto id = rapport::app::startJob(app, std::move(*job));
    if (!id) { gError = id.error().message; return 0; }
    return static_cast<double>(*id);
}

// rapport.run(kind, params): starts an analysis; its id, or 0 (see rapport_take_error).
//   'rfm'    {asOf: 'YYYY-MM-DD'}  (default: the last day with data)
//   'kmeans' {features: [keys], k (0 or absent: choose), kMin, kMax, seed, restarts, asOf}
EMSCRIPTEN_KEEPALIVE double rapport_run(const char* kindText, const char* paramsText) {
    auto& app = rapport::platform::appState();
    using rapport::core::JsonValue;
    const std::string kind = kindText != nullptr ? kindText : "";
    auto parsed = rapport::core::parseJson(paramsText != nullptr && paramsText[0] != '\0' ? paramsText : "{}");
    if (!parsed || !parsed->isObject()) {
        gError = "The options must be an object, for example {k: 5}.";
        return 0;
    }
    const JsonValue& p = *parsed;
    int32_t asOf = rapport::store::kNoDay;
    if (const JsonValue* v = p.find("asOf"); v != nullptr && !v->isNull()) {
        const auto day = rapport::core::parseIsoDate(v->string());
        if (!day) {
            gError = "asOf must be a date written YYYY-MM-DD.";
            return 0;
        }
        asOf = static_cast<int32_t>(rapport::core::daysFromCivil(*day));
    }
    rapport::core::Result<uint64_t> id =
        rapport::core::makeError("Unknown analysis \"" + kind + "\": use \"rfm\", \"kmeans\", \"nps\", \"csat\" or \"churn\".");
    if (kind == "churn") {
        auto params = churnParamsFromJson(p);
        if (!params) {
            gError = params.error().message;
            return 0;
        }
        id = rapport::app::startChurn(app, *params);
    } else if (kind == "nps" || kind == "csat") {
        rapport::app::NpsFilter filter;
        auto day = [&](const char* key, int32_t& out) -> bool {
            const JsonValue* v = p.find(key);
            if (v == nullptr || v->isNull()) return true;
            const auto d = rapport::core::parseIsoDate(v->string());
            if (!d) {
                gError = std::string(key) + " must be a date written YYYY-MM-DD.";
                return false;
            }
            out = static_cast<int32_t>(rapport::core::daysFromCivil(*d));
            return true;
        };
        if (!day("from", filter.fromDay) || !day("to", filter.toDay)) return 0;
        filter.latestOnly = p["latestOnly"].boolean(false);
        filter.segmentId = p["segment"].integer(0);
        // by: one grouping's name, or two: [inner, outer] (e.g. ['month', 'rfm']).
        const JsonValue& byValue = p["by"];
        std::vector<std::string> names;
        if (byValue.isArray()) {
            for (const JsonValue& v : byValue.array()) names.push_back(v.string());
        } else {
            names.push_back(byValue.stringOr("none"));
        }
        std::vector<rapport::app::NpsGroupBy> bys;
        for (const std::string& name : names) {
            const auto by = rapport::app::npsGroupByFromName(name);
            if (!by || names.size() > 2) {
                gError = "by must be one of none, week, month, quarter, region, plan, channel, rfm, segment or attribute "
                         "(or two of them in an array).";
                return 0;
            }
            bys.push_back(*by);
        }
        app.nps.breakdownAttribute = p["attribute"].stringOr(app.nps.breakdownAttribute);
        id = rapport::app::startNpsReport(app, kind, filter, bys.empty() ? rapport::app::NpsGroupBy::None : bys[0],
                                          bys.size() > 1 ? bys[1] : rapport::app::NpsGroupBy::None);
    } else if (kind == "rfm") {
        id = rapport::app::startRfm(app, asOf);
    } else if (kind == "kmeans") {
        rapport::app::ClusterParams params;
        if (const JsonValue* f = p.find("features"); f != nullptr && f->isArray()) {
            params.features.clear();
            for (const JsonValue& key : f->array()) params.features.push_back(key.string());
        }
        params.k = static_cast<int>(p["k"].integer(0));
        params.kMin = static_cast<int>(p["kMin"].integer(params.kMin));
        params.kMax = static_cast<int>(p["kMax"].integer(params.kMax));
        params.seed = static_cast<uint64_t>(std::max<int64_t>(0, p["seed"].integer(0)));
        params.restarts = static_cast<int>(p["restarts"].integer(params.restarts));
        params.asOfDay = asOf;
        id = rapport::app::startClustering(app, params);
    }
    if (!id) {
        gError = id.error().message;
        return 0;
    }
    return static_cast<double>(*id);
}

// rapport.searchComments(query): the comment search of the NPS view, as JSON
// {total, millis, hits: [{responseId, customerId, customer, answeredAt, kind, score, comment,
// highlights: [[start, end], ...]}]}, or "" with the reason in rapport_take_error.
EMSCRIPTEN_KEEPALIVE const char* rapport_search_comments(const char* queryText) {
    auto& app = rapport::platform::appState();
    using rapport::core::JsonValue;
    gReply.clear();
    auto parsed = rapport::core::parseJson(queryText != nullptr && queryText[0] != '\0' ? queryText : "{}");
    if (!parsed || !parsed->isObject()) {
        gError = "The query must be an object, for example {text: 'delivery'}.";
        return gReply.c_str();
    }
    if (!app.store) {
        gError = rapport::app::noDatabaseMessage(app);
        return gReply.c_str();
    }
    const JsonValue& p = *parsed;
    rapport::store::CommentQuery q;
    q.text = p["text"].stringOr("");
    q.group = static_cast<int>(p["group"].integer(-1));
    q.kind = p["kind"].stringOr("nps");
    q.minScore = p["minScore"].number(NAN);
    q.maxScore = p["maxScore"].number(NAN);
    q.from = p["from"].stringOr("");
    q.to = p["to"].stringOr("");
    q.segmentId = p["segment"].integer(0);
    q.limit = static_cast<int>(p["limit"].integer(100));
    q.offset = static_cast<int>(p["offset"].integer(0));
    auto page = rapport::store::searchComments(app.store->db(), q);
    if (!page) {
        gError = page.error().message;
        return gReply.c_str();
    }
    rapport::core::JsonWriter w;
    w.beginObject().field("total", page->total).field("millis", page->millis).key("hits").beginArray();
    for (const rapport::store::CommentHit& h : page->hits) {
        w.beginObject().field("responseId", h.responseId).field("customerId", h.customerId).field("customer", h.customerExternalId);
        w.field("answeredAt", h.answeredAt).field("kind", h.kind).field("score", h.score).field("comment", h.comment);
        w.key("highlights").beginArray();
        for (const auto& [a, b] : h.highlights) w.beginArray().value(a).value(b).endArray();
        w.endArray().endObject();
    }
    w.endArray().endObject();
    gReply = w.str();
    return gReply.c_str();
}

// rapport.scores(runId, limit): a churn run's per-customer scores, by value at risk, as
// JSON; "" with the reason in rapport_take_error.
EMSCRIPTEN_KEEPALIVE const char* rapport_scores(double runId, double limit) {
    auto json = rapport::app::churnScoresJson(rapport::platform::appState(), static_cast<int64_t>(runId), static_cast<int64_t>(limit));
    if (!json) {
        gError = json.error().message;
        gReply.clear();
    } else {
        gReply = std::move(*json);
    }
    return gReply.c_str();
}

// rapport.segments(): the saved segments as JSON.
EMSCRIPTEN_KEEPALIVE const char* rapport_segments() {
    gReply = rapport::app::segmentsJson(rapport::platform::appState());
    return gReply.c_str();
}

// The reason the last start call failed.
EMSCRIPTEN_KEEPALIVE const char* rapport_take_error() {
    gReply = gError;
    gError.clear();
    return gReply.c_str();
}

// A job's state: {"state": "running"|"done"|"failed"|"cancelled"|"unknown", "result": {...}, "error": "..."}.
EMSCRIPTEN_KEEPALIVE const char* rapport_job_json(double id) {
    const auto& records = rapport::platform::appState().runner.records;
    const auto it = records.find(static_cast<uint64_t>(id));
    rapport::core::JsonWriter w;
    w.beginObject();
    if (it == records.end()) {
        w.field("state", "unknown");
    } else {
        w.field("state", rapport::app::jobStateName(it->second.state));
        if (!it->second.error.empty()) w.field("error", it->second.error);
        if (it->second.state != rapport::app::JobState::Running) {
            w.field("workMs", it->second.workMs).field("wallMs", it->second.wallMs);
        }
    }
    w.endObject();
    gReply = w.str();
    // The result is already JSON: splice it in rather than quoting it.
    if (it != records.end() && !it->second.resultJson.empty()) {
        gReply.pop_back();
        gReply += ",\"result\":" + it->second.resultJson + "}";
    }
    return gReply.c_str();
}

// rapport.importCsv(): `bytes` (malloc'ed by the page, ours now) imported as `entity`.
// Returns the job id, or 0 (see rapport_take_error).
EMSCRIPTEN_KEEPALIVE double rapport_start_import(const char* entityName, const char* fileName, char* bytes, double size,
                                                 const char* mode, const char* matchOn, const char* unknown,
                                                 const char* mappingNames) {
    // The page's copy, read where it lies and freed when the job no longer needs it.
    std::shared_ptr<const void> owner(bytes, [](char* p) { std::free(p); });
    const std::string_view data(bytes, static_cast<size_t>(size));
    const auto entity = rapport::store::entityFromName(entityName != nullptr ? entityName : "");
    if (!entity) {
        gError = "Unknown entity: use customers, orders, surveys, interactions, campaigns or campaign_contacts.";
        return 0;
    }
    rapport::store::ImportOptions options;
    const std::string m = mode != nullptr ? mode : "upsert";
    if (m == "create") options.mode = rapport::store::ImportMode::CreateOnly;
    else if (m == "update") options.mode = rapport::store::ImportMode::UpdateOnly;
    else if (m != "upsert") { gError = "Unknown mode: use \"create\", \"update\" or \"upsert\"."; return 0; }
    const std::string match = matchOn != nullptr ? matchOn : "id";
    if (match == "email") options.matchOn = rapport::store::MatchOn::Email;
    else if (match != "id") { gError = "Unknown matchOn: use \"id\" or \"email\"."; return 0; }
    const std::string u = unknown != nullptr ? unknown : "create";
    if (u == "reject") options.unknownCustomers = rapport::store::UnknownCustomers::Reject;
    else if (u != "create") { gError = "Unknown unknownCustomers: use \"create\" or \"reject\"."; return 0; }
    if (mappingNames != nullptr && mappingNames[0] != '\0') {
        // The header decides how many columns the mapping must name.
        auto& app = rapport::platform::appState();
        if (!app.store) { gError = rapport::app::noDatabaseMessage(app); return 0; }
        auto preview = rapport::store::previewImport(app.store->db(), data, *entity, options, 1);
        if (!preview) { gError = preview.error().message; return 0; }
        auto mapping = rapport::store::mappingFromNames(*entity, mappingNames, preview->header.size());
        if (!mapping) { gError = "The mapping must name one field, \"@attribute\" or \"@ignore\" for each column of the file."; return 0; }
        options.mapping = *mapping;
    }
    auto id = rapport::app::startImportJob(rapport::platform::appState(), fileName != nullptr ? fileName : "", std::move(owner), data,
                                           *entity, options);
    if (!id) { gError = id.error().message; return 0; }
    return static_cast<double>(*id);
}

// rapport.exportCsv(entity) / rapport.exportDatabase(): a pointer to the bytes (size from
// rapport_result_size), or 0 (see rapport_take_error).
EMSCRIPTEN_KEEPALIVE const char* rapport_export(const char* what) {
    auto& app = rapport::platform::appState();
    if (!app.store) { gError = rapport::app::noDatabaseMessage(app); return nullptr; }
    const std::string kind = what != nullptr ? what : "";
    rapport::core::Result<std::string> bytes = rapport::core::makeError("");
    if (kind == "database") {
        bytes = rapport::store::exportDatabase(app.store->db());
    } else if (const auto entity = rapport::store::entityFromName(kind)) {
        bytes = rapport::store::exportCsv(app.store->db(), *entity);
    } else {
        gError = "Unknown entity: use customers, orders, surveys, interactions, campaigns or campaign_contacts.";
        return nullptr;
    }
    if (!bytes) { gError = bytes.error().message; return nullptr; }
    gReply = std::move(*bytes);
    return gReply.data();
}

EMSCRIPTEN_KEEPALIVE double rapport_result_size() { return static_cast<double>(gReply.size()); }

// rapport.restoreDatabase(bytes): checks and restores; JSON {customers, orders} or "" (see rapport_take_error).
EMSCRIPTEN_KEEPALIVE const char* rapport_restore(char* bytes, double size) {
    auto& app = rapport::platform::appState();
    std::string data(bytes, static_cast<size_t>(size));
    std::free(bytes);
    rapport::app::openRestoreFile(app, "backup", std::move(data));
    if (!app.pendingRestore) {
        gError = app.lastError;
        app.lastError.clear();
        gReply.clear();
        return gReply.c_str();
    }
    const rapport::store::BackupInfo info = app.pendingRestore->info;
    if (auto s = rapport::app::confirmRestore(app); !s) {
        gError = s.error().message;
        gReply.clear();
        return gReply.c_str();
    }
    rapport::core::JsonWriter w;
    w.beginObject().field("customers", info.customers).field("orders", info.orders).field("schemaVersion", info.schemaVersion).endObject();
    gReply = w.str();
    return gReply.c_str();
}

// Cancels the running job, if any.
EMSCRIPTEN_KEEPALIVE void rapport_cancel_job() { rapport::app::requestCancel(rapport::platform::appState()); }

}  // extern "C"
