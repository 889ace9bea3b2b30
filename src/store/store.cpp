#include "store/store.hpp"

#include <cstring>
#include <string>

#include "store/page_vfs.hpp"
#include "store/schema.hpp"

namespace rapport::store {

Result<Store> Store::open(const std::string& path, const StoreOptions& options) {
    auto db = Db::open(path, options.vfs);
    if (!db) return db.error();
    if (auto s = db->exec("PRAGMA foreign_keys = ON"); !s) return s.error();
    if (options.vfs != nullptr && std::strcmp(options.vfs, kPageVfsName) == 0) {
        // Each commit is saved whole by the page store, so the journal only needs to
        // support rollback: memory, and there is nothing to sync. No cache spill, so the
        // file holds only committed states between transactions.
        if (auto s = db->exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;"
                              " PRAGMA synchronous = OFF; PRAGMA cache_spill = OFF; PRAGMA temp_store = MEMORY");
            !s)
            return s.error();
    }
    if (auto s = migrate(*db); !s) return s.error();
    return Store(std::move(*db));
}

Result<RecordCounts> Store::counts() {
    auto stmt = Stmt::prepare(db_,
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM orders),"
        " (SELECT count(*) FROM interactions), (SELECT count(*) FROM survey_responses),"
        " (SELECT count(*) FROM campaigns), (SELECT count(*) FROM segments)");
    if (!stmt) return stmt.error();
    if (!stmt->step()) return db_.lastError("count records");
    RecordCounts c;
    c.customers = stmt->columnInt(0);
    c.orders = stmt->columnInt(1);
    c.interactions = stmt->columnInt(2);
    c.surveyResponses = stmt->columnInt(3);
    c.campaigns = stmt->columnInt(4);
    c.segments = stmt->columnInt(5);
    return c;
}

}  // namespace rapport::store

namespace rapport::store {

Status Store::clearAll() {
    auto txn = Txn::begin(db_);
    if (!txn) return txn.error();
    // Children first; the foreign keys would cascade, but this keeps the intent plain.
    for (const char* table : {"customer_scores", "model_runs", "segment_members", "segments", "campaign_contacts",
                              "campaigns", "survey_responses", "interactions", "orders", "customer_attributes",
                              "customers", "undo_log"}) {
        if (auto s = db_.exec(std::string("DELETE FROM ") + table); !s) return s;
    }
    return txn->commit();
}

}  // namespace rapport::store
