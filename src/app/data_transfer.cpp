#include "app/data_transfer.hpp"

#include "app/app_state.hpp"
#include "core/json_writer.hpp"
#include "core/text_format.hpp"

namespace rapport::app {

namespace {

class ImportJob : public Job {
public:
    ImportJob(std::unique_ptr<store::Importer> importer, std::shared_ptr<const void> bytes, std::string fileName)
        : importer_(std::move(importer)), bytes_(std::move(bytes)), fileName_(std::move(fileName)) {}

    std::string title() const override { return "Importing " + fileName_; }

    core::Result<bool> run(AppState& app, Clock::time_point deadline) override {
        // After the last row of a large file, a frame shows "Finishing" before finish()
        // builds the indexes and commits, which then takes a second or more without a break
        // (~1 s for 1,000,000 orders). A smaller file goes straight on.
        constexpr int64_t kShowFinishingRows = 200000;
        if (rowsDone_) return importer_->report().rows >= kShowFinishingRows && showBeforeGoingOn(app, finishingShown_);
        do {
            auto more = importer_->step(64);
            if (!more) return more.error();
            if (!*more) {
                rowsDone_ = true;
                return true;
            }
        } while (Clock::now() < deadline);
        return true;
    }

    double progress() const override { return importer_->progress(); }

    std::string detail() const override {
        const store::ImportReport& r = importer_->report();
        if (rowsDone_) return "Finishing: " + core::formatCount(r.rows) + " rows read, building indexes and saving";
        return core::formatCount(r.rows) + " rows read, " + core::formatCount(static_cast<int64_t>(r.rejected.size())) + " rejected";
    }

    void cancel(AppState&) override { importer_->cancel(); }

    std::string finish(AppState& app) override {
        auto report = importer_->finish();
        if (!report) {
            app.lastError = report.error().message;
            return "{}";
        }
        if (app.importSession && app.importSession->jobId == app.runner.activeId) app.importSession->report = *report;
        return reportJson(*report);
    }

private:
    std::unique_ptr<store::Importer> importer_;
    std::shared_ptr<const void> bytes_;  // keeps alive the bytes the importer reads
    std::string fileName_;
    bool rowsDone_ = false;
    uint64_t finishingShown_ = 0;
};

core::Result<uint64_t> launch(AppState& app, std::shared_ptr<const void> owner, std::string_view bytes, const std::string& fileName,
                              store::Entity entity, store::ImportOptions options) {
    if (auto s = checkWritable(app); !s) return s.error();
    // Before the importer opens its transaction: a view's background read gives way.
    if (auto s = makeRoomForWork(app); !s) return s.error();
    options.fileName = fileName;
    auto importer = store::Importer::begin(app.store->db(), bytes, entity, options);
    if (!importer) return importer.error();
    return startJob(app, std::make_unique<ImportJob>(std::move(*importer), std::move(owner), fileName));
}

}  // namespace

void openImportFile(AppState& app, std::string fileName, std::string bytes) {
    ImportSession session;
    session.fileName = std::move(fileName);
    session.bytes = std::make_shared<const std::string>(std::move(bytes));
    app.importSession = std::move(session);
    refreshImportPreview(app);
}

void refreshImportPreview(AppState& app) {
    if (!app.importSession || !app.store) return;
    ImportSession& s = *app.importSession;
    const bool first = !s.preview.has_value();
    auto preview = store::previewImport(app.store->db(), *s.bytes, first ? std::nullopt : std::optional(s.entity), s.options);
    s.problem.clear();
    if (!preview) {
        s.preview.reset();
        s.problem = preview.error().message;
        return;
    }
    s.preview = std::move(*preview);
    s.entity = s.preview->entity;
    s.options.mapping = s.preview->mapping;
    s.options.delimiter = s.preview->delimiter;
    // Required fields must be mapped, each field at most once.
    const auto fields = store::entityInfo(s.entity).fields;
    std::vector<int> uses(fields.size(), 0);
    for (const int m : s.options.mapping) {
        if (m >= 0) ++uses[static_cast<size_t>(m)];
    }
    for (size_t f = 0; f < fields.size() && s.problem.empty(); ++f) {
        if (uses[f] > 1) s.problem = std::string("Two columns are mapped to ") + fields[f].name + ": choose one.";
        const bool optionalKey = fields[f].type == store::FieldType::Key && s.options.matchOn == store::MatchOn::Email &&
                                 s.options.mode == store::ImportMode::UpdateOnly;
        if (fields[f].required && uses[f] == 0 && !optionalKey)
            s.problem = std::string("Choose the column that holds ") + fields[f].name + " (required).";
    }
}

core::Result<uint64_t> startImport(AppState& app) {
    if (!app.importSession || !app.importSession->preview) return core::makeError("Choose a file to import first.");
    ImportSession& s = *app.importSession;
    if (!s.problem.empty()) return core::makeError(s.problem);
    auto id = launch(app, s.bytes, *s.bytes, s.fileName, s.entity, s.options);
    if (id) s.jobId = *id;
    return id;
}

core::Result<uint64_t> startImportJob(AppState& app, std::string fileName, std::string bytes, store::Entity entity,
                                      const store::ImportOptions& options) {
    auto owned = std::make_shared<const std::string>(std::move(bytes));
    const std::string_view view = *owned;
    return launch(app, std::move(owned), view, fileName, entity, options);
}

core::Result<uint64_t> startImportJob(AppState& app, std::string fileName, std::shared_ptr<const void> owner,
                                      std::string_view bytes, store::Entity entity, const store::ImportOptions& options) {
    return launch(app, std::move(owner), bytes, fileName, entity, options);
}

core::Status undoLastImport(AppState& app) {
    if (auto s = checkWritable(app); !s) return s;
    if (auto s = makeRoomForWork(app); !s) return s;
    auto status = store::undoLastImport(app.store->db());
    refreshCounts(app);
    return status;
}

std::string reportJson(const store::ImportReport& report) {
    core::JsonWriter w;
    w.beginObject();
    w.field("rows", report.rows).field("inserted", report.inserted).field("updated", report.updated)
        .field("customersCreated", report.customersCreated);
    w.key("rejected").beginArray();
    for (const store::Rejection& r : report.rejected) {
        w.beginObject().field("row", r.row).field("column", r.column).field("value", r.value).field("reason", r.reason).endObject();
    }
    w.endArray();
    w.endObject();
    return w.str();
}

void openRestoreFile(AppState& app, std::string fileName, std::string bytes) {
    auto info = store::checkBackup(bytes);
    if (!info) {
        app.lastError = info.error().message;
        app.pendingRestore.reset();
        return;
    }
    app.pendingRestore = PendingRestore{std::move(fileName), std::move(bytes), *info};
}

core::Status confirmRestore(AppState& app) {
    if (!app.pendingRestore) return core::makeError("Choose a backup file first.");
    if (auto s = checkWritable(app); !s) return s;
    if (auto s = makeRoomForWork(app); !s) return s;
    auto status = store::restoreBackup(app.store->db(), app.pendingRestore->bytes);
    app.pendingRestore.reset();
    app.importSession.reset();
    refreshCounts(app);
    return status;
}

}  // namespace rapport::app

namespace rapport::app {

void exportEntity(AppState& app, store::Entity entity) {
    if (!app.store) return;
    auto csv = store::exportCsv(app.store->db(), entity);
    if (!csv) {
        app.lastError = csv.error().message;
        return;
    }
    app.requests.downloads.push_back({std::string(store::entityInfo(entity).name) + ".csv", "text/csv", std::move(*csv)});
}

void backupDatabase(AppState& app) {
    if (!app.store) return;
    auto image = store::exportDatabase(app.store->db());
    if (!image) {
        app.lastError = image.error().message;
        return;
    }
    app.requests.downloads.push_back({"rapport-backup.sqlite", "application/vnd.sqlite3", std::move(*image)});
}

}  // namespace rapport::app
