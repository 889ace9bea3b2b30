// store: customer data in SQLite: RAII database/statement/transaction, schema and
// migrations, queries per entity, import, export, demo data, the persistence VFS.
// May use: core, SQLite.
//
// db.hpp: three small RAII types around sqlite3. Db owns a connection, Stmt a prepared
// statement (typed bind/step/column), Txn a transaction that rolls back in its
// destructor unless committed. Every value from a user or a file goes through bind().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace rapport::store {

using core::Error;
using core::Result;
using core::Status;

class Db {
public:
    // Opens (or creates) a database. ":memory:" gives a private in-memory database.
    // `vfs` names a registered SQLite VFS (null: the platform's default).
    static Result<Db> open(const std::string& path, const char* vfs = nullptr);

    Db() = default;
    Db(Db&& other) noexcept;
    Db& operator=(Db&& other) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db();

    sqlite3* handle() const { return db_; }
    bool isOpen() const { return db_ != nullptr; }

    // Runs one or more statements without parameters (schema, pragmas). Never pass
    // text that contains a user's value: use Stmt and bind().
    Status exec(std::string_view sql);

    // The first column of the first row of a parameterless query as an integer.
    Result<int64_t> queryInt(std::string_view sql);

    // The rowid of the last row inserted on this connection.
    int64_t lastInsertRowId() const;

    // Whether a transaction is open. SQLite rolls back the whole transaction itself after
    // some errors (out of memory, disk full) in a statement that keeps no journal of its
    // own: code that goes on after a failed statement checks this first.
    bool inTransaction() const;

    // An Error from the connection's current error code and message.
    Error lastError(std::string_view what) const;

private:
    explicit Db(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
};

enum class ColumnType { Integer, Real, Text, Blob, Null };

class Stmt {
public:
    static Result<Stmt> prepare(const Db& db, std::string_view sql);

    Stmt() = default;
    Stmt(Stmt&& other) noexcept;
    Stmt& operator=(Stmt&& other) noexcept;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt();

    // Parameters are 1-based, as in SQLite.
    Stmt& bind(int index, int64_t value);
    Stmt& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Stmt& bind(int index, double value);
    Stmt& bind(int index, std::string_view text);
    // Binds without a copy: `text` must stay unchanged until the statement is reset or
    // run again (for hot loops that keep their values in place, such as import).
    Stmt& bindStatic(int index, std::string_view text);
    Stmt& bindNull(int index);
    // Binds bytes as a BLOB (copied); an empty view gives an empty BLOB, not NULL.
    Stmt& bindBlob(int index, std::string_view bytes);

    // Advances: true while a row is available, false when done. A failure is kept and
    // reported by status() (and by run()).
    bool step();
    // Steps to completion (for statements that return no rows).
    Status run();
    Status status() const;
    // The last step failed because a row would break a UNIQUE or PRIMARY KEY constraint.
    bool violatedUniqueness() const;
    void reset();

    int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    // The text without a copy, valid until the next step() or reset() (for scans that
    // must not allocate per row).
    std::string_view columnView(int column) const;
    // A BLOB's bytes ("" for NULL or an empty BLOB).
    std::string columnBlob(int column) const;
    bool columnIsNull(int column) const;
    ColumnType columnType(int column) const;
    int columnCount() const;

private:
    Stmt(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
    int lastCode_ = 0;
};

class Txn {
public:
    // BEGIN IMMEDIATE: takes the write lock now, so a conflict shows at the start.
    static Result<Txn> begin(Db& db);

    Txn(Txn&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Txn& operator=(Txn&&) = delete;
    Txn(const Txn&) = delete;
    ~Txn();

    Status commit();
    void rollback();

private:
    explicit Txn(Db* db) : db_(db) {}
    Db* db_ = nullptr;
};

}  // namespace rapport::store
