// app_state.hpp: the one state every view reads and draws from. Views change it (the
// current view, the theme); the platform layer feeds it (frame times, storage events).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/churn.hpp"
#include "app/customer_browser.hpp"
#include "app/data_transfer.hpp"
#include "app/facts.hpp"
#include "app/nps.hpp"
#include "app/overview.hpp"
#include "app/segmentation.hpp"
#include "app/frame_stats.hpp"
#include "app/jobs.hpp"
#include "app/views.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace rapport::app {

enum class Theme { Light, Dark };

enum class StorageState {
    Opening,   // start-up, before the database is ready
    InMemory,  // open, kept in this tab's memory only
    Saved,     // every committed change is in durable browser storage
    Saving,    // a save is in flight
    ReadOnly,  // another tab saves; this one's changes stay in memory
    Error,     // storage failed: see storageMessage; the app keeps working in memory
};

struct StorageInfo {
    bool durable = false;      // commits are saved in the browser
    bool persisted = false;    // the browser granted persistent storage (not evicted under pressure)
    double usageBytes = -1;    // this site's storage use and quota; -1 when unknown
    double quotaBytes = -1;
    double lastSaveMs = -1;      // the latest save: from the commit to IndexedDB's confirmation
    double lastSaveBytes = 0;    // bytes written by the latest save
    int64_t savesCompleted = 0;  // saves IndexedDB confirmed since the page loaded
};

// What views ask the platform to do; the platform clears each flag when done.
enum class FilePurpose { None, Import, Restore };

struct PlatformRequests {
    bool takeOverStorage = false;  // a read-only tab becomes the writer (reloads)
    bool retrySave = false;        // save again after a failed save
    FilePurpose openFile = FilePurpose::None;  // show the browser's file picker
    std::vector<Download> downloads;           // files to hand to the user
};

struct JobInfo {
    std::string name;
    double progress = 0.0;  // 0..1
};

struct AppState {
    View view = View::Overview;
    Theme theme = Theme::Light;
    bool showChartGallery = false;  // the chart layer's debug screen instead of the view

    std::optional<store::Store> store;
    store::RecordCounts counts;
    StorageState storage = StorageState::Opening;
    std::string storageMessage;  // for the status bar tooltip and errors
    StorageInfo storageInfo;
    PlatformRequests requests;

    std::string lastError;  // the most recent error shown to the user ("" if none)
    std::vector<JobInfo> jobs;   // what state() reports; mirrors runner
    JobRunner runner;

    std::optional<ImportSession> importSession;   // the file being imported (Data view)
    std::optional<PendingRestore> pendingRestore;  // a checked backup awaiting confirmation
    std::optional<store::LastImport> lastImport;   // what "Undo last import" would take back
    CustomerBrowser customers;                     // the Customers view
    FactsCache factsCache;                         // the customer facts analyses share
    SegmentationState segmentation;                // the Segments view
    OverviewState overview;                        // the Overview view
    NpsState nps;                                  // the NPS view
    ChurnState churn;                              // the Churn view
    uint64_t dataVersion = 1;                      // bumped whenever records change
    FrameStats frames;    // the whole C++ frame, GL submission included
    FrameStats uiFrames;  // up to ImGui::Render(): building the UI, without GL submission
    // WebGL draws in software (no GPU, or one the browser blocks): every frame of a large
    // canvas then costs the CPU tens of milliseconds, which long work needs (set by the
    // platform at start-up).
    bool softwareRendering = false;
};

// Why there is no database to work on: still loading at start-up, or not open at all.
const char* noDatabaseMessage(const AppState& app);
// Opens the store at `path` and reads the record counts. On failure the error is also
// kept in app.lastError and the storage state says so.
core::Status openStorage(AppState& app, const std::string& path, StorageState openState,
                         const store::StoreOptions& options = {});
// Reads the record counts again; `recordsChanged` also bumps dataVersion, so everything
// computed from the records (lists, facts, analyses) is computed again.
void refreshCounts(AppState& app, bool recordsChanged = true);
// Whether this tab may change data: the database is open and this tab saves (another tab
// holds the writer lock otherwise). The error says what to do.
core::Status checkWritable(const AppState& app);

// Deletes every record (one transaction); refused while a job runs or in a read-only tab.
core::Status clearAllData(AppState& app);

const char* storageLabel(StorageState state);
const char* themeName(Theme theme);

// A plain JSON object for the automation hook: version, view, counts, jobs, last error,
// storage and frame-time statistics (mean, p95, max in ms over the last 120 frames):
// frameTime for the whole C++ frame, uiTime for the part before GL submission.
std::string stateJson(const AppState& app);

}  // namespace rapport::app
