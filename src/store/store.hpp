// store.hpp: the application's database: opened, migrated and ready for queries.
#pragma once

#include <cstdint>
#include <string>

#include "store/db.hpp"

namespace rapport::store {

struct RecordCounts {
    int64_t customers = 0;
    int64_t orders = 0;
    int64_t interactions = 0;
    int64_t surveyResponses = 0;
    int64_t campaigns = 0;
    int64_t segments = 0;
};

struct StoreOptions {
    // A registered VFS to open the file through (null: the platform's). With the page
    // VFS (page_vfs.hpp), the journal is kept in memory and every commit is synced.
    const char* vfs = nullptr;
};

class Store {
public:
    // Opens (or creates) the database at `path` (":memory:" for one that lives in this
    // process only) and brings its schema up to date.
    static Result<Store> open(const std::string& path, const StoreOptions& options = {});

    Db& db() { return db_; }
    Result<RecordCounts> counts();
    // Deletes every record of every kind in one transaction (the schema stays).
    Status clearAll();

private:
    explicit Store(Db db) : db_(std::move(db)) {}
    Db db_;
};

}  // namespace rapport::store
