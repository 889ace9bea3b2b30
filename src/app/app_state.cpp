#include "app/app_state.hpp"

#include "core/json_writer.hpp"
#include "store/import.hpp"
#include "core/version.hpp"

namespace rapport::app {

core::Status openStorage(AppState& app, const std::string& path, StorageState openState,
                         const store::StoreOptions& options) {
    auto store = store::Store::open(path, options);
    if (!store) {
        app.storage = StorageState::Error;
        app.storageMessage = store.error().message;
        app.lastError = store.error().message;
        return store.error();
    }
    app.store.emplace(std::move(*store));
    app.storage = openState;
    refreshCounts(app);
    return {};
}

void refreshCounts(AppState& app, bool recordsChanged) {
    if (!app.store) return;
    auto counts = app.store->counts();
    if (counts) app.counts = *counts;
    else app.lastError = counts.error().message;
    app.lastImport = store::lastImport(app.store->db());
    if (recordsChanged) ++app.dataVersion;
}

const char* noDatabaseMessage(const AppState& app) {
    return app.storage == StorageState::Opening ? "The saved data is still loading: wait for rapport.ready, then try again."
                                                : "The database is not open.";
}

core::Status checkWritable(const AppState& app) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    if (app.storage == StorageState::ReadOnly)
        return core::makeError("This tab is read-only: make changes in the tab that saves, or choose \"Edit in this tab\" in the Data view.");
    return {};
}

core::Status clearAllData(AppState& app) {
    if (auto s = checkWritable(app); !s) return s;
    if (auto s = makeRoomForWork(app); !s) return s;
    auto status = app.store->clearAll();
    refreshCounts(app);
    return status;
}

const char* storageLabel(StorageState state) {
    switch (state) {
        case StorageState::Opening: return "opening";
        case StorageState::InMemory: return "in-memory";
        case StorageState::Saved: return "saved";
        case StorageState::Saving: return "saving";
        case StorageState::ReadOnly: return "read-only";
        case StorageState::Error: return "error";
    }
    return "unknown";
}

const char* themeName(Theme theme) { return theme == Theme::Dark ? "dark" : "light"; }

std::string stateJson(const AppState& app) {
    core::JsonWriter w;
    w.beginObject();
    w.field("version", core::kAppVersion);
    w.field("view", viewInfo(app.view).label);
    w.field("theme", themeName(app.theme));
    w.key("storage").beginObject();
    w.field("state", storageLabel(app.storage));
    w.field("message", app.storageMessage);
    w.field("durable", app.storageInfo.durable);
    w.field("persisted", app.storageInfo.persisted);
    w.field("usageBytes", app.storageInfo.usageBytes);
    w.field("quotaBytes", app.storageInfo.quotaBytes);
    w.field("lastSaveMs", app.storageInfo.lastSaveMs);
    w.field("lastSaveBytes", app.storageInfo.lastSaveBytes);
    w.field("savesCompleted", app.storageInfo.savesCompleted);
    w.endObject();
    w.key("counts").beginObject();
    w.field("customers", app.counts.customers);
    w.field("orders", app.counts.orders);
    w.field("interactions", app.counts.interactions);
    w.field("surveyResponses", app.counts.surveyResponses);
    w.field("campaigns", app.counts.campaigns);
    w.field("segments", app.counts.segments);
    w.endObject();
    w.key("jobs").beginArray();
    for (const JobInfo& job : app.jobs) {
        w.beginObject().field("name", job.name).field("progress", job.progress).endObject();
    }
    w.endArray();
    if (app.lastError.empty()) w.key("lastError").null();
    else w.field("lastError", app.lastError);
    auto timing = [&w](const char* name, const FrameStats& stats) {
        const analytics::Summary s = stats.summary();
        w.key(name).beginObject();
        w.field("frames", static_cast<int64_t>(s.count));
        w.field("mean", s.mean);
        w.field("p95", s.p95);
        w.field("max", s.max);
        w.endObject();
    };
    timing("frameTime", app.frames);
    timing("uiTime", app.uiFrames);
    w.field("softwareRendering", app.softwareRendering);
    w.endObject();
    return w.str();
}

}  // namespace rapport::app
