// data_transfer.hpp: what the Data view and the automation hook do with files: an
// import session (a chosen file, its preview and mapping, then an import job and its
// report), exports, backups and restores. Bytes come from and go to the platform.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/jobs.hpp"
#include "core/result.hpp"
#include "store/export.hpp"
#include "store/import.hpp"

namespace rapport::app {

struct AppState;

struct ImportSession {
    std::string fileName;
    std::shared_ptr<const std::string> bytes;  // shared with the running job
    store::Entity entity = store::Entity::Customers;
    store::ImportOptions options;
    std::optional<store::ImportPreview> preview;
    std::string problem;          // why the file cannot be imported as it stands ("" if it can)
    uint64_t jobId = 0;           // once started
    std::optional<store::ImportReport> report;  // once finished
};

// A file the user chose for import: reads its header and first rows.
void openImportFile(AppState& app, std::string fileName, std::string bytes);
// Recomputes the preview after the user changed the entity, mapping or options.
void refreshImportPreview(AppState& app);
// Starts the import job for the open session; returns the job id.
core::Result<uint64_t> startImport(AppState& app);
// Starts an import job directly (automation hook): the report arrives as the job's result.
core::Result<uint64_t> startImportJob(AppState& app, std::string fileName, std::string bytes, store::Entity entity,
                                      const store::ImportOptions& options);
// The same for bytes that stay where the caller put them: `owner` keeps them alive for as
// long as the job reads them (the hook's copy of a page's file is not copied again).
core::Result<uint64_t> startImportJob(AppState& app, std::string fileName, std::shared_ptr<const void> owner,
                                      std::string_view bytes, store::Entity entity, const store::ImportOptions& options);

core::Status undoLastImport(AppState& app);

// JSON of an import report: {rows, inserted, updated, customersCreated, rejected: [{row, column, value, reason}]}.
std::string reportJson(const store::ImportReport& report);

// A backup file the user chose: checked, then waiting for the user's confirmation.
struct PendingRestore {
    std::string fileName;
    std::string bytes;
    store::BackupInfo info;
};
void openRestoreFile(AppState& app, std::string fileName, std::string bytes);
core::Status confirmRestore(AppState& app);

// Exports for the user to download (queued in app.requests.downloads).
void exportEntity(AppState& app, store::Entity entity);
void backupDatabase(AppState& app);

// A file for the platform to hand to the user.
struct Download {
    std::string fileName;
    std::string mimeType;
    std::string bytes;
};

}  // namespace rapport::app
