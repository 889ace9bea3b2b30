#include "store/export.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/csv.hpp"
#include "core/text_format.hpp"
#include "store/schema.hpp"

namespace rapport::store {

namespace {

// The SELECT list for an entity's canonical columns, references as external ids.
struct ExportQuery {
    std::string select;    // "SELECT ... FROM ... [WHERE customer filter] ORDER BY ..."
    std::string customerColumn;  // the expression holding the customer's internal id
};

ExportQuery queryFor(Entity entity) {
    switch (entity) {
        case Entity::Customers:
            return {"SELECT c.external_id, c.name, c.email, c.phone, c.company, c.region, c.channel, c.plan, c.signup_date,"
                    " c.age, c.gender, c.annual_income, c.churned, c.churned_at", "c.id"};
        case Entity::Orders:
            return {"SELECT o.external_id, c.external_id, o.ordered_at, o.amount, o.cost, o.quantity, o.category, o.returned"
                    " FROM orders o JOIN customers c ON c.id = o.customer_id", "o.customer_id"};
        case Entity::Surveys:
            return {"SELECT s.external_id, c.external_id, s.answered_at, s.kind, s.score, s.comment, s.expected"
                    " FROM survey_responses s JOIN customers c ON c.id = s.customer_id", "s.customer_id"};
        case Entity::Interactions:
            return {"SELECT i.external_id, c.external_id, i.occurred_at, i.channel, i.topic, i.outcome, i.resolved,"
                    " i.duration_min, i.complaint FROM interactions i JOIN customers c ON c.id = i.customer_id", "i.customer_id"};
        case Entity::Campaigns:
            return {"SELECT k.external_id, k.name, k.channel, k.started_at, k.cost FROM campaigns k", ""};
        case Entity::CampaignContacts:
            return {"SELECT k.external_id, c.external_id, x.contacted_at, x.responded, x.converted, x.revenue"
                    " FROM campaign_contacts x JOIN campaigns k ON k.id = x.campaign_id JOIN customers c ON c.id = x.customer_id",
                    "x.customer_id"};
    }
    return {};
}

const char* orderBy(Entity entity) {
    switch (entity) {
        case Entity::Customers: return " ORDER BY c.id";
        case Entity::Orders: return " ORDER BY o.id";
        case Entity::Surveys: return " ORDER BY s.id";
        case Entity::Interactions: return " ORDER BY i.id";
        case Entity::Campaigns: return " ORDER BY k.id";
        case Entity::CampaignContacts: return " ORDER BY x.campaign_id, x.customer_id";
    }
    return "";
}


std::string cellText(const Stmt& stmt, int column) {
    switch (stmt.columnType(column)) {
        case ColumnType::Null: return {};
        case ColumnType::Integer: return std::to_string(stmt.columnInt(column));
        case ColumnType::Real: return core::formatNumber(stmt.columnDouble(column));
        default: return stmt.columnText(column);
    }
}

}  // namespace

core::Result<std::string> exportCsv(Db& db, Entity entity, const ExportFilter& filter) {
    const EntityInfo& info = entityInfo(entity);
    ExportQuery q = queryFor(entity);
    std::vector<std::string> header;
    for (const FieldSpec& f : info.fields) header.push_back(f.name);

    // Customers: one more column per custom attribute, by name.
    std::vector<std::string> attributes;
    if (entity == Entity::Customers) {
        auto names = Stmt::prepare(db, "SELECT DISTINCT name FROM customer_attributes ORDER BY name");
        if (!names) return names.error();
        while (names->step()) attributes.push_back(names->columnText(0));
        for (size_t i = 0; i < attributes.size(); ++i) {
            q.select += ", (SELECT a.value FROM customer_attributes a WHERE a.customer_id = c.id AND a.name = ?" +
                        std::to_string(i + 1) + ")";
            header.push_back(attributes[i]);
        }
        q.select += " FROM customers c";
    }
    const bool filtered = !filter.customerIds.empty() && !q.customerColumn.empty();
    std::string sql = q.select;
    if (filtered) sql += " WHERE " + q.customerColumn + " IN (SELECT value FROM json_each(?" + std::to_string(attributes.size() + 1) + "))";
    sql += orderBy(entity);
    auto stmt = Stmt::prepare(db, sql);
    if (!stmt) return stmt.error();
    int index = 1;
    for (const std::string& name : attributes) stmt->bind(index++, std::string_view(name));
    if (filtered) {
        std::string ids = "[";
        for (size_t i = 0; i < filter.customerIds.size(); ++i) {
            if (i > 0) ids.push_back(',');
            ids += std::to_string(filter.customerIds[i]);
        }
        ids += "]";
        stmt->bind(index, std::string_view(ids));
    }

    std::string out;
    core::appendCsvRecord(out, header);
    std::vector<std::string> row(header.size());
    while (stmt->step()) {
        for (size_t c = 0; c < header.size(); ++c) row[c] = cellText(*stmt, static_cast<int>(c));
        core::appendCsvRecord(out, row);
    }
    if (auto s = stmt->status(); !s) return s.error();
    return out;
}

}  // namespace rapport::store

// ---- Backup and restore ------------------------------------------------------------------

namespace rapport::store {

namespace {

constexpr char kSqliteHeader[] = "SQLite format 3";

// A private in-memory connection holding a copy of `bytes`.
core::Result<Db> openImage(std::string_view bytes) {
    if (bytes.size() < 512 || std::memcmp(bytes.data(), kSqliteHeader, sizeof kSqliteHeader) != 0)
        return core::makeError("This file is not a SQLite database. Choose a .sqlite backup made by Rapport.");
    auto db = Db::open(":memory:");
    if (!db) return db.error();
    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
    if (copy == nullptr) return core::makeError("There is not enough memory to open this backup.");
    std::memcpy(copy, bytes.data(), bytes.size());
    const int rc = sqlite3_deserialize(db->handle(), "main", copy, static_cast<sqlite3_int64>(bytes.size()),
                                       static_cast<sqlite3_int64>(bytes.size()),
                                       SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc != SQLITE_OK) return core::makeError("This backup could not be opened: the file is damaged.", sqlite3_errstr(rc));
    return std::move(*db);
}

}  // namespace

core::Result<std::string> exportDatabase(Db& db) {
    sqlite3_int64 size = 0;
    unsigned char* bytes = sqlite3_serialize(db.handle(), "main", &size, 0);
    if (bytes == nullptr) return core::makeError("The backup could not be made: not enough memory.");
    std::string image(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
    sqlite3_free(bytes);
    return image;
}

core::Result<BackupInfo> checkBackup(std::string_view bytes) {
    auto db = openImage(bytes);
    if (!db) return db.error();
    auto check = Stmt::prepare(*db, "PRAGMA integrity_check");
    if (!check) return core::makeError("This backup is damaged and cannot be restored.", check.error().detail);
    if (!check->step() || check->columnText(0) != "ok")
        return core::makeError("This backup is damaged (its integrity check failed) and cannot be restored.");
    BackupInfo info;
    auto version = db->queryInt("PRAGMA user_version");
    if (!version) return version.error();
    info.schemaVersion = static_cast<int>(*version);
    if (info.schemaVersion > currentSchemaVersion())
        return core::makeError("This backup was made by a newer version of Rapport. Update Rapport to restore it.");
    auto tables = db->queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                               " ('customers', 'orders', 'survey_responses', 'interactions', 'campaigns', 'campaign_contacts')");
    if (!tables) return tables.error();
    if (info.schemaVersion < 1 || *tables != 6)
        return core::makeError("This SQLite file is not a Rapport backup: it does not hold Rapport's tables.");
    auto customers = db->queryInt("SELECT count(*) FROM customers");
    auto orders = db->queryInt("SELECT count(*) FROM orders");
    if (!customers || !orders) return core::makeError("This backup could not be read.");
    info.customers = *customers;
    info.orders = *orders;
    return info;
}

core::Status restoreBackup(Db& db, std::string_view bytes) {
    if (auto info = checkBackup(bytes); !info) return info.error();
    auto source = openImage(bytes);
    if (!source) return source.error();
    sqlite3_backup* backup = sqlite3_backup_init(db.handle(), "main", source->handle(), "main");
    if (backup == nullptr) return db.lastError("restore");
    const int rc = sqlite3_backup_step(backup, -1);  // all pages, in one transaction
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) return core::makeError("The backup could not be restored; your data is unchanged.", sqlite3_errstr(rc));
    return migrate(db);
}

}  // namespace rapport::store
