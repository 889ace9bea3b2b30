#include "store/db.hpp"

#include <sqlite3.h>

#include <utility>

namespace rapport::store {

namespace {
Error errorFrom(sqlite3* db, int code, std::string_view what) {
    std::string detail = std::string(what) + ": " + sqlite3_errstr(code);
    if (db != nullptr) detail += std::string(" (") + sqlite3_errmsg(db) + ")";
    std::string message = "The database reported a problem";
    code &= 0xff;  // extended result codes are on; the primary code decides the message
    if (code == SQLITE_FULL) message = "Storage is full: free some space or export your data";
    else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) message = "The database file is damaged or is not a Rapport database";
    else if (code == SQLITE_CONSTRAINT) message = "The change conflicts with existing data";
    return core::makeError(message, detail);
}
}  // namespace

// ---- Db ------------------------------------------------------------------------------

Result<Db> Db::open(const std::string& path, const char* vfs) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, vfs);
    if (rc != SQLITE_OK) {
        Error e = errorFrom(raw, rc, "open " + path);
        sqlite3_close(raw);
        return e;
    }
    sqlite3_extended_result_codes(raw, 1);
    return Db(raw);
}

Db::Db(Db&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Db& Db::operator=(Db&& other) noexcept {
    if (this != &other) {
        if (db_ != nullptr) sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

Db::~Db() {
    if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status Db::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) return errorFrom(db_, rc, "exec");
    return {};
}

Result<int64_t> Db::queryInt(std::string_view sql) {
    auto stmt = Stmt::prepare(*this, sql);
    if (!stmt) return stmt.error();
    if (!stmt->step()) {
        if (auto s = stmt->status(); !s) return s.error();
        return core::makeError("The database returned no answer", std::string(sql));
    }
    return stmt->columnInt(0);
}

int64_t Db::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

bool Db::inTransaction() const { return db_ != nullptr && sqlite3_get_autocommit(db_) == 0; }

Error Db::lastError(std::string_view what) const { return errorFrom(db_, sqlite3_errcode(db_), what); }

// ---- Stmt ----------------------------------------------------------------------------

Result<Stmt> Stmt::prepare(const Db& db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    if (rc != SQLITE_OK) return errorFrom(db.handle(), rc, "prepare");
    return Stmt(raw, db.handle());
}

Stmt::Stmt(Stmt&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_), lastCode_(other.lastCode_) {}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
    if (this != &other) {
        if (stmt_ != nullptr) sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        db_ = other.db_;
        lastCode_ = other.lastCode_;
    }
    return *this;
}

Stmt::~Stmt() {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Stmt& Stmt::bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); return *this; }
Stmt& Stmt::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); return *this; }
Stmt& Stmt::bindNull(int index) { sqlite3_bind_null(stmt_, index); return *this; }
Stmt& Stmt::bind(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Stmt& Stmt::bindStatic(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
}

Stmt& Stmt::bindBlob(int index, std::string_view bytes) {
    if (bytes.empty()) sqlite3_bind_zeroblob(stmt_, index, 0);  // a null pointer would bind NULL
    else sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

bool Stmt::step() {
    lastCode_ = sqlite3_step(stmt_);
    return lastCode_ == SQLITE_ROW;
}

Status Stmt::status() const {
    if (lastCode_ == SQLITE_OK || lastCode_ == SQLITE_ROW || lastCode_ == SQLITE_DONE) return {};
    return errorFrom(db_, lastCode_, "step");
}

bool Stmt::violatedUniqueness() const {
    if ((lastCode_ & 0xff) != SQLITE_CONSTRAINT) return false;
    const int extended = sqlite3_extended_errcode(db_);
    return extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY;
}

Status Stmt::run() {
    while (step()) {
    }
    return status();
}

void Stmt::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    lastCode_ = SQLITE_OK;
}

int64_t Stmt::columnInt(int column) const { return sqlite3_column_int64(stmt_, column); }
double Stmt::columnDouble(int column) const { return sqlite3_column_double(stmt_, column); }
ColumnType Stmt::columnType(int column) const {
    switch (sqlite3_column_type(stmt_, column)) {
        case SQLITE_INTEGER: return ColumnType::Integer;
        case SQLITE_FLOAT: return ColumnType::Real;
        case SQLITE_TEXT: return ColumnType::Text;
        case SQLITE_BLOB: return ColumnType::Blob;
        default: return ColumnType::Null;
    }
}

int Stmt::columnCount() const { return sqlite3_column_count(stmt_); }

bool Stmt::columnIsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::string Stmt::columnText(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Stmt::columnView(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Stmt::columnBlob(int column) const {
    const void* bytes = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);  // after column_blob, as SQLite asks
    if (bytes == nullptr || size <= 0) return {};
    return std::string(static_cast<const char*>(bytes), static_cast<size_t>(size));
}

// ---- Txn -----------------------------------------------------------------------------

Result<Txn> Txn::begin(Db& db) {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s.error();
    return Txn(&db);
}

Status Txn::commit() {
    if (db_ == nullptr) return core::makeError("Internal error: transaction already finished");
    if (auto s = db_->exec("COMMIT"); !s) {
        rollback();
        return s;
    }
    db_ = nullptr;
    return {};
}

void Txn::rollback() {
    if (db_ == nullptr) return;
    (void)db_->exec("ROLLBACK");
    db_ = nullptr;
}

Txn::~Txn() { rollback(); }

}  // namespace rapport::store
