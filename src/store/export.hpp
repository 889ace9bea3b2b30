// export.hpp: data out of Rapport and whole-database backup and restore.
//
// CSV export writes the canonical columns of DESIGN.md for each entity (UTF-8, header,
// RFC 4180 quoting, ISO 8601 dates), references as the other record's id; customers
// also get one column per custom attribute after the canonical ones, so an export
// re-imports to the same data. A backup is the SQLite database file itself, which any
// SQLite tool opens; a restore checks the file before it replaces anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"
#include "store/entities.hpp"

namespace rapport::store {

struct ExportFilter {
    std::vector<int64_t> customerIds;  // only these customers and their records; empty: everything
};

core::Result<std::string> exportCsv(Db& db, Entity entity, const ExportFilter& filter = {});

// The database as a .sqlite file image.
core::Result<std::string> exportDatabase(Db& db);

struct BackupInfo {
    int schemaVersion = 0;
    int64_t customers = 0;
    int64_t orders = 0;
};

// Checks a .sqlite file image: it is SQLite, passes integrity_check, holds Rapport's
// tables at a schema version this Rapport can read. Changes nothing.
core::Result<BackupInfo> checkBackup(std::string_view bytes);

// Replaces everything in `db` with the backup (after checkBackup passed), then brings
// its schema up to date; one transaction: on failure `db` is unchanged.
core::Status restoreBackup(Db& db, std::string_view bytes);

}  // namespace rapport::store
