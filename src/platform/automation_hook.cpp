// automation_hook.cpp: the C side of window.rapport (automation_hook.js holds the JS
// side). Browser tests, benchmarks and users' console scripts depend on these verbs:
// extend them, never rename them. Strings returned point to a buffer valid until the
// next call.
#include <emscripten.h>

#include <cstdio>
#include <string>

#include "app/app_state.hpp"
#include "app/demo_job.hpp"
#include "core/json_writer.hpp"
#include "platform/app_host.hpp"
#include "ui/widgets.hpp"

namespace {
std::string gReply;
std::string gError;  // why the last start_* call returned 0
}

extern "C" {

// rapport.state(): the app state as JSON text.
EMSCRIPTEN_KEEPALIVE const char* rapport_state_json() {
    gReply = rapport::app::stateJson(rapport::platform::appState());
    return gReply.c_str();
}

// rapport.navigate(label): 1 if `name` is a view's label (or slug), else 0.
EMSCRIPTEN_KEEPALIVE int rapport_navigate(const char* name) {
    const auto view = rapport::app::viewFromName(name != nullptr ? name : "");
    if (!view) return 0;
    rapport::platform::appState().view = *view;
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

// Cancels the running job, if any.
EMSCRIPTEN_KEEPALIVE void rapport_cancel_job() { rapport::app::requestCancel(rapport::platform::appState()); }

}  // extern "C"
