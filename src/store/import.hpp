// import.hpp: CSV import into the store. One file, one entity, one transaction.
//
// A file is read with the CSV reader (delimiter detected, BOM skipped), its columns
// mapped to the entity's fields (automatically by name, correctable), and each row
// checked: wrong column count, invalid UTF-8, missing or duplicate id, a value that is
// not a number or not a date, a negative amount, an unknown customer (when rejecting).
// Failing rows are skipped and reported (row, column, value, reason); the rest are
// created or updated per the mode. The whole import is one transaction, and records
// what "Undo last import" needs to take it back. It runs step by step for the job
// system; cancel() leaves the database exactly as before. Into an empty table, the
// table's secondary indexes are built once at the end (in finish()) instead of row by row.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/values.hpp"
#include "store/db.hpp"
#include "store/entities.hpp"

namespace rapport::store {

enum class ImportMode { CreateOnly, UpdateOnly, Upsert };
enum class MatchOn { ExternalId, Email };          // Email: customers only
enum class UnknownCustomers { Create, Reject };    // for records that refer to a customer

struct ImportOptions {
    ImportMode mode = ImportMode::Upsert;
    MatchOn matchOn = MatchOn::ExternalId;
    UnknownCustomers unknownCustomers = UnknownCustomers::Create;
    char delimiter = 0;                          // 0: detect
    std::optional<core::DateOrder> dateOrder;    // nothing: detect from the file
    std::optional<bool> decimalComma;            // nothing: yes when the delimiter is ';'
    std::vector<int> mapping;                    // per column (entities.hpp); empty: automatic
    std::string fileName;                        // for the undo log and messages
};

struct Rejection {
    int64_t row = 0;       // line number in the file (the header is line 1)
    std::string column;    // the file's column name ("" for the whole row)
    std::string value;
    std::string reason;
};

struct ImportReport {
    int64_t rows = 0;      // data rows read
    int64_t inserted = 0;
    int64_t updated = 0;
    int64_t customersCreated = 0;  // minimal customers made for unknown ids
    std::vector<Rejection> rejected;
};

// The file as the importer sees it before writing anything: for the mapping screen.
struct ImportPreview {
    Entity entity = Entity::Customers;
    char delimiter = ',';
    core::DateOrder dateOrder = core::DateOrder::Iso;
    bool decimalComma = false;
    std::vector<std::string> header;
    std::vector<int> mapping;
    std::vector<int64_t> rowNumbers;              // line of each preview row
    std::vector<std::vector<std::string>> rows;   // the first rows (up to 100)
    std::vector<Rejection> issues;                // problems in those rows
    int64_t approximateRows = 0;                  // estimate for the whole file
    bool savedMapping = false;                    // mapping came from a saved one
};

// Reads the header and the first `limit` rows and checks them. `entity` nothing: guess.
core::Result<ImportPreview> previewImport(Db& db, std::string_view data, std::optional<Entity> entity,
                                          const ImportOptions& options, int limit = 100);

// A mapping written as field names, "@attribute" or "@ignore", one per column,
// separated by tabs (as saved, and as the automation hook passes it); nothing if it
// does not fit the entity or the column count.
std::optional<std::vector<int>> mappingFromNames(Entity entity, std::string_view names, size_t columns);

// The report as CSV (row, column, value, reason), for download.
std::string reportCsv(const ImportReport& report);

class Importer {
public:
    // `data` must stay alive until finish() or cancel().
    static core::Result<std::unique_ptr<Importer>> begin(Db& db, std::string_view data, Entity entity,
                                                         const ImportOptions& options);
    ~Importer();
    // Imports up to `maxRows` more rows; true while more remain.
    core::Result<bool> step(int64_t maxRows);
    core::Result<ImportReport> finish();
    void cancel();
    double progress() const;  // bytes read / file size
    const ImportReport& report() const;

private:
    struct Impl;
    explicit Importer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The whole import at once (tests, the hook's simple path).
core::Result<ImportReport> importCsv(Db& db, std::string_view data, Entity entity, const ImportOptions& options);

struct LastImport {
    int64_t undoId = 0;
    std::string summary;  // "orders.csv: 1,200 created, 30 updated"
};
std::optional<LastImport> lastImport(Db& db);
// Takes back the most recent import: deletes what it created, restores what it updated.
core::Status undoLastImport(Db& db);

}  // namespace rapport::store
