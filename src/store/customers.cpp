// customers.cpp: the Customers view's queries.
//   1. Filters and sorting    WHERE and ORDER BY built from whitelisted columns, values bound
//   2. Rows and figures       rows by id, totals, choices for filters
//   3. One customer           profile, attributes, key figures, timeline
//   4. Changes                validate, update, add
//   5. Delete and undo        snapshots of every row that goes, restored on undo
#include "store/customers.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <unordered_map>

#include "core/csv.hpp"
#include "core/text_format.hpp"
#include "core/date.hpp"
#include "core/values.hpp"

namespace rapport::store {

namespace {

constexpr int kAge = 9, kIncome = 11, kChurned = 12;
constexpr int kKeptDeletions = 20;


std::string cell(const Stmt& s, int column) {
    switch (s.columnType(column)) {
        case ColumnType::Null: return {};
        case ColumnType::Integer: return std::to_string(s.columnInt(column));
        case ColumnType::Real: return core::formatNumber(s.columnDouble(column));
        default: return s.columnText(column);
    }
}

std::string idsJson(const std::vector<int64_t>& ids) {
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += std::to_string(ids[i]);
    }
    return out + "]";
}

std::string columnList() {
    std::string cols;
    for (const char* c : kCustomerColumns) {
        if (!cols.empty()) cols += ", ";
        cols += c;
    }
    return cols;
}

// ---- 1. Filters and sorting ------------------------------------------------------------------

struct Where {
    std::string sql;  // "" or " WHERE ..."
    std::vector<std::string> texts;  // bound in order
    std::optional<int64_t> segmentId;  // bound after the texts
};

std::string likePattern(std::string_view text) {
    std::string p = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') p.push_back('\\');
        p.push_back(c);
    }
    return p + "%";
}

Where whereFor(const CustomerFilter& f) {
    Where w;
    std::vector<std::string> parts;
    const std::string search(core::trim(f.search));
    if (!search.empty()) {
        parts.push_back("(c.name LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\' OR c.company LIKE ? ESCAPE '\\' OR c.external_id LIKE ? ESCAPE '\\')");
        for (int i = 0; i < 4; ++i) w.texts.push_back(likePattern(search));
    }
    auto exact = [&](const char* column, const std::string& value) {
        if (value.empty()) return;
        parts.push_back(std::string("c.") + column + " = ?");
        w.texts.push_back(value);
    };
    exact("region", f.region);
    exact("plan", f.plan);
    exact("channel", f.channel);
    if (!f.attribute.empty()) {
        parts.push_back("EXISTS (SELECT 1 FROM customer_attributes a WHERE a.customer_id = c.id AND a.name = ? AND a.value = ?)");
        w.texts.push_back(f.attribute);
        w.texts.push_back(f.attributeValue);
    }
    if (!f.only.empty()) {
        parts.push_back("c.id IN (SELECT value FROM json_each(?))");
        w.texts.push_back(idsJson(f.only));
    }
    if (f.segmentId != 0) {
        // Last, so its parameter follows every text parameter.
        parts.push_back("c.id IN (SELECT customer_id FROM segment_members WHERE segment_id = ?)");
        w.segmentId = f.segmentId;
    }
    for (size_t i = 0; i < parts.size(); ++i) w.sql += (i == 0 ? " WHERE " : " AND ") + parts[i];
    return w;
}

core::Result<Stmt> prepareWith(Db& db, const std::string& sql, const Where& w) {
    auto stmt = Stmt::prepare(db, sql);
    if (!stmt) return stmt.error();
    int i = 1;
    for (const std::string& t : w.texts) stmt->bind(i++, std::string_view(t));
    if (w.segmentId) stmt->bind(i++, *w.segmentId);
    return stmt;
}

}  // namespace

int customerColumnIndex(std::string_view column) {
    for (int i = 0; i < kCustomerColumnCount; ++i) {
        if (column == kCustomerColumns[i]) return i;
    }
    return -1;
}

bool isNumericCustomerColumn(int column) { return column == kAge || column == kIncome || column == kChurned; }

core::Result<std::vector<int64_t>> customerIds(Db& db, const CustomerFilter& filter, const CustomerSort& sort) {
    const Where w = whereFor(filter);
    std::string order = " ORDER BY c.id";
    if (sort.column >= 0 && sort.column < kCustomerColumnCount) {
        const std::string col = std::string("c.") + kCustomerColumns[sort.column];
        const char* collate = isNumericCustomerColumn(sort.column) ? "" : " COLLATE NOCASE";
        const char* dir = sort.descending ? " DESC" : " ASC";
        order = " ORDER BY " + col + " IS NULL, " + col + collate + dir + ", c.id";
    } else if (sort.descending) {
        order = " ORDER BY c.id DESC";
    }
    auto stmt = prepareWith(db, "SELECT c.id FROM customers c" + w.sql + order, w);
    if (!stmt) return stmt.error();
    std::vector<int64_t> ids;
    while (stmt->step()) ids.push_back(stmt->columnInt(0));
    if (auto s = stmt->status(); !s) return s.error();
    return ids;
}

// ---- 2. Rows and figures ------------------------------------------------------------------------

core::Result<std::vector<CustomerRow>> customerRows(Db& db, const std::vector<int64_t>& ids) {
    std::vector<CustomerRow> rows;
    if (ids.empty()) return rows;
    auto stmt = Stmt::prepare(db, "SELECT id, " + columnList() + " FROM customers WHERE id IN (SELECT value FROM json_each(?))");
    if (!stmt) return stmt.error();
    const std::string json = idsJson(ids);
    stmt->bind(1, std::string_view(json));
    std::unordered_map<int64_t, CustomerRow> found;
    while (stmt->step()) {
        CustomerRow row;
        row.id = stmt->columnInt(0);
        for (int c = 0; c < kCustomerColumnCount; ++c) row.values.push_back(cell(*stmt, c + 1));
        found.emplace(row.id, std::move(row));
    }
    if (auto s = stmt->status(); !s) return s.error();
    for (const int64_t id : ids) {
        auto it = found.find(id);
        if (it != found.end()) rows.push_back(std::move(it->second));
    }
    return rows;
}

core::Result<CustomerTotals> customerTotals(Db& db, const CustomerFilter& filter) {
    const Where w = whereFor(filter);
    auto stmt = prepareWith(db, "SELECT count(*), avg(c.age), avg(c.annual_income), avg(c.churned), total(c.churned) FROM customers c" + w.sql, w);
    if (!stmt) return stmt.error();
    CustomerTotals t;
    if (stmt->step()) {
        t.count = stmt->columnInt(0);
        t.averageAge = stmt->columnDouble(1);
        t.averageIncome = stmt->columnDouble(2);
        t.churnRate = stmt->columnDouble(3);
        t.churned = static_cast<int64_t>(stmt->columnDouble(4));
    }
    if (auto s = stmt->status(); !s) return s.error();
    return t;
}

core::Result<std::vector<std::string>> distinctCustomerValues(Db& db, const char* column, int limit) {
    if (customerColumnIndex(column) < 0) return core::makeError("Internal error: unknown column");
    auto stmt = Stmt::prepare(db, std::string("SELECT ") + column + ", count(*) AS n FROM customers WHERE " + column +
                                      " IS NOT NULL AND " + column + " <> '' GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?");
    if (!stmt) return stmt.error();
    stmt->bind(1, int64_t{limit});
    std::vector<std::string> values;
    while (stmt->step()) values.push_back(cell(*stmt, 0));
    return values;
}

core::Result<std::vector<std::string>> attributeNames(Db& db) {
    auto stmt = Stmt::prepare(db, "SELECT DISTINCT name FROM customer_attributes ORDER BY name COLLATE NOCASE");
    if (!stmt) return stmt.error();
    std::vector<std::string> names;
    while (stmt->step()) names.push_back(stmt->columnText(0));
    return names;
}

core::Result<std::vector<std::string>> distinctAttributeValues(Db& db, const std::string& name, int limit) {
    auto stmt = Stmt::prepare(db, "SELECT value, count(*) AS n FROM customer_attributes WHERE name = ? AND value IS NOT NULL"
                                  " GROUP BY value ORDER BY n DESC, value LIMIT ?");
    if (!stmt) return stmt.error();
    stmt->bind(1, std::string_view(name)).bind(2, int64_t{limit});
    std::vector<std::string> values;
    while (stmt->step()) values.push_back(stmt->columnText(0));
    return values;
}

// ---- 3. One customer ----------------------------------------------------------------------------

core::Result<CustomerDetail> customerDetail(Db& db, int64_t id) {
    CustomerDetail d;
    auto rows = customerRows(db, {id});
    if (!rows) return rows.error();
    if (rows->empty()) return core::makeError("This customer no longer exists.");
    d.row = std::move(rows->front());

    auto attrs = Stmt::prepare(db, "SELECT name, value FROM customer_attributes WHERE customer_id = ? ORDER BY name COLLATE NOCASE");
    if (!attrs) return attrs.error();
    attrs->bind(1, id);
    while (attrs->step()) d.attributes.emplace_back(attrs->columnText(0), attrs->columnText(1));

    auto figures = Stmt::prepare(db, "SELECT (SELECT count(*) FROM orders WHERE customer_id = ?1),"
                                     " (SELECT total(amount) FROM orders WHERE customer_id = ?1),"
                                     " (SELECT min(ordered_at) FROM orders WHERE customer_id = ?1),"
                                     " (SELECT max(ordered_at) FROM orders WHERE customer_id = ?1),"
                                     " (SELECT score FROM survey_responses WHERE customer_id = ?1 AND kind = 'nps' ORDER BY answered_at DESC LIMIT 1),"
                                     " (SELECT count(*) FROM interactions WHERE customer_id = ?1),"
                                     " (SELECT total(complaint) FROM interactions WHERE customer_id = ?1)");
    if (!figures) return figures.error();
    figures->bind(1, id);
    if (figures->step()) {
        d.orders = figures->columnInt(0);
        d.revenue = figures->columnDouble(1);
        d.firstOrder = figures->columnText(2);
        d.lastOrder = figures->columnText(3);
        if (!figures->columnIsNull(4)) d.lastNps = figures->columnDouble(4);
        d.interactions = figures->columnInt(5);
        d.complaints = static_cast<int64_t>(figures->columnDouble(6));
    }

    auto timeline = Stmt::prepare(db,
        "SELECT at, kind, title, detail FROM ("
        " SELECT ordered_at AS at, 'order' AS kind, 'Order ' || external_id || ': ' || printf('%.2f', amount) ||"
        "   coalesce(' (' || category || ')', '') AS title, CASE returned WHEN 1 THEN 'Returned' ELSE '' END AS detail"
        "   FROM orders WHERE customer_id = ?1"
        " UNION ALL SELECT occurred_at, CASE complaint WHEN 1 THEN 'complaint' ELSE 'interaction' END,"
        "   CASE complaint WHEN 1 THEN 'Complaint' ELSE 'Contact' END || coalesce(' by ' || channel, '') || coalesce(': ' || topic, ''),"
        "   coalesce(outcome, '') FROM interactions WHERE customer_id = ?1"
        " UNION ALL SELECT answered_at, kind, upper(kind) || ' answer: ' || printf('%g', score), coalesce(comment, '')"
        "   FROM survey_responses WHERE customer_id = ?1"
        ") ORDER BY at DESC LIMIT 200");
    if (!timeline) return timeline.error();
    timeline->bind(1, id);
    while (timeline->step()) {
        d.timeline.push_back({timeline->columnText(0), timeline->columnText(1), timeline->columnText(2), timeline->columnText(3)});
    }
    if (auto s = timeline->status(); !s) return s.error();
    return d;
}

// ---- 4. Changes ---------------------------------------------------------------------------------

core::Result<std::string> validateCustomerValue(int column, const std::string& input) {
    const std::string text(core::trim(input));
    if (!core::isValidUtf8(text)) return core::makeError("Use plain text (this has characters that cannot be read).");
    if (text.size() > 500) return core::makeError("Keep this under 500 characters.");
    switch (column) {
        case 0:
            if (text.empty()) return core::makeError("Every customer needs an id.");
            return text;
        case 2: {
            if (text.empty()) return text;
            const size_t at = text.find('@');
            const bool ok = at != std::string::npos && at > 0 && text.find('@', at + 1) == std::string::npos &&
                            text.find('.', at + 2) != std::string::npos && text.back() != '.' &&
                            text.find(' ') == std::string::npos;
            if (!ok) return core::makeError("Enter an email address like name@example.com.");
            return text;
        }
        case 8:
        case 13:
            if (text.empty()) return text;
            if (!core::parseIsoDate(text)) return core::makeError("Enter a date as YYYY-MM-DD, for example 2024-03-05.");
            return text;
        case kAge: {
            if (text.empty()) return text;
            const auto v = core::parseInteger(text);
            if (!v || *v < 0 || *v > 130) return core::makeError("Enter an age in years, from 0 to 130.");
            return std::to_string(*v);
        }
        case kIncome: {
            if (text.empty()) return text;
            const auto v = core::parseNumber(text);
            if (!v || *v < 0) return core::makeError("Enter an amount of zero or more, for example 52000.");
            return core::formatNumber(*v);
        }
        case kChurned: {
            const auto v = text.empty() ? std::optional<bool>(false) : core::parseFlag(text);
            if (!v) return core::makeError("Enter yes or no.");
            return std::string(*v ? "1" : "0");
        }
        default:
            return text;
    }
}

namespace {
void bindCustomerValue(Stmt& stmt, int index, int column, const std::string& value) {
    if (column == kChurned) { stmt.bind(index, int64_t{value == "1" ? 1 : 0}); return; }
    if (value.empty()) { stmt.bindNull(index); return; }
    if (column == kAge) stmt.bind(index, static_cast<int64_t>(std::atoll(value.c_str())));
    else if (column == kIncome) stmt.bind(index, std::strtod(value.c_str(), nullptr));
    else stmt.bind(index, std::string_view(value));
}

core::Error friendly(const core::Error& e) {
    if (e.message == "The change conflicts with existing data") return core::makeError("Another customer already has this id.", e.detail);
    return e;
}
}  // namespace

core::Status updateCustomer(Db& db, int64_t id, const std::vector<std::pair<int, std::string>>& changes) {
    if (changes.empty()) return {};
    std::string sets;
    for (const auto& [column, value] : changes) {
        if (column < 0 || column >= kCustomerColumnCount) return core::makeError("Internal error: unknown column");
        if (!sets.empty()) sets += ", ";
        sets += std::string(kCustomerColumns[column]) + " = ?";
    }
    auto stmt = Stmt::prepare(db, "UPDATE customers SET " + sets + " WHERE id = ?");
    if (!stmt) return stmt.error();
    int i = 1;
    for (const auto& [column, value] : changes) bindCustomerValue(*stmt, i++, column, value);
    stmt->bind(i, id);
    if (auto s = stmt->run(); !s) return friendly(s.error());
    return {};
}

core::Result<int64_t> addCustomer(Db& db, const std::vector<std::string>& values) {
    if (values.size() != static_cast<size_t>(kCustomerColumnCount)) return core::makeError("Internal error: wrong number of values");
    std::string params;
    for (int c = 0; c < kCustomerColumnCount; ++c) params += c == 0 ? "?" : ", ?";
    auto stmt = Stmt::prepare(db, "INSERT INTO customers (" + columnList() + ") VALUES (" + params + ")");
    if (!stmt) return stmt.error();
    for (int c = 0; c < kCustomerColumnCount; ++c) bindCustomerValue(*stmt, c + 1, c, values[static_cast<size_t>(c)]);
    if (auto s = stmt->run(); !s) return friendly(s.error());
    return db.lastInsertRowId();
}

// ---- 5. Delete and undo -------------------------------------------------------------------------

namespace {

// Every table that holds rows about a customer, parents first, with the column that
// names the customer.
struct Owned { const char* table; const char* customerColumn; };
constexpr Owned kOwned[] = {
    {"customers", "id"}, {"customer_attributes", "customer_id"}, {"orders", "customer_id"},
    {"interactions", "customer_id"}, {"survey_responses", "customer_id"}, {"campaign_contacts", "customer_id"},
    {"segment_members", "customer_id"}, {"customer_scores", "customer_id"},
};

core::Result<std::vector<std::string>> tableColumns(Db& db, const char* table) {
    auto stmt = Stmt::prepare(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    if (!stmt) return stmt.error();
    stmt->bind(1, std::string_view(table));
    std::vector<std::string> cols;
    while (stmt->step()) cols.push_back(stmt->columnText(0));
    return cols;
}

}  // namespace

core::Result<int64_t> deleteCustomers(Db& db, const std::vector<int64_t>& ids) {
    if (ids.empty()) return core::makeError("Select the customers to delete first.");
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    const std::string json = idsJson(ids);

    auto names = Stmt::prepare(db, "SELECT coalesce(nullif(name, ''), external_id) FROM customers WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 3");
    if (!names) return names.error();
    names->bind(1, std::string_view(json));
    std::string summary;
    int shown = 0;
    while (names->step()) {
        if (shown++ > 0) summary += ", ";
        summary += names->columnText(0);
    }
    if (ids.size() > 3) summary += " and " + std::to_string(ids.size() - 3) + " more";

    auto log = Stmt::prepare(db, "INSERT INTO undo_log (action, created_at, payload) VALUES ('delete', datetime('now'), json_object('customers', ?, 'names', ?))");
    if (!log) return log.error();
    log->bind(1, static_cast<int64_t>(ids.size())).bind(2, std::string_view(summary));
    if (auto s = log->run(); !s) return s.error();
    const int64_t undoId = db.lastInsertRowId();

    // Column names come from the schema itself, never from a user.
    for (const Owned& o : kOwned) {
        auto cols = tableColumns(db, o.table);
        if (!cols) return cols.error();
        std::string object = "json_object(";
        for (size_t i = 0; i < cols->size(); ++i) object += (i ? ", '" : "'") + (*cols)[i] + "', " + (*cols)[i];
        object += ")";
        auto snap = Stmt::prepare(db, std::string("INSERT INTO undo_rows (undo_id, table_name, row_id, old_values) SELECT ?, '") + o.table +
                                          "', 0, " + object + " FROM " + o.table + " WHERE " + o.customerColumn +
                                          " IN (SELECT value FROM json_each(?))");
        if (!snap) return snap.error();
        snap->bind(1, undoId).bind(2, std::string_view(json));
        if (auto s = snap->run(); !s) return s.error();
    }
    auto del = Stmt::prepare(db, "DELETE FROM customers WHERE id IN (SELECT value FROM json_each(?))");
    if (!del) return del.error();
    del->bind(1, std::string_view(json));
    if (auto s = del->run(); !s) return s.error();
    // Keep the most recent deletions only.
    auto purge = Stmt::prepare(db, "DELETE FROM undo_log WHERE action = 'delete' AND id NOT IN"
                                   " (SELECT id FROM undo_log WHERE action = 'delete' ORDER BY id DESC LIMIT ?)");
    if (!purge) return purge.error();
    purge->bind(1, int64_t{kKeptDeletions});
    if (auto s = purge->run(); !s) return s.error();
    if (auto s = txn->commit(); !s) return s.error();
    return undoId;
}

core::Result<std::vector<DeletedBatch>> recentDeletions(Db& db) {
    auto stmt = Stmt::prepare(db, "SELECT id, created_at, json_extract(payload, '$.customers'), json_extract(payload, '$.names')"
                                  " FROM undo_log WHERE action = 'delete' ORDER BY id DESC");
    if (!stmt) return stmt.error();
    std::vector<DeletedBatch> out;
    while (stmt->step()) out.push_back({stmt->columnInt(0), stmt->columnText(1), stmt->columnInt(2), stmt->columnText(3)});
    return out;
}

core::Status undoDeletion(Db& db, int64_t undoId) {
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    auto exists = Stmt::prepare(db, "SELECT count(*) FROM undo_log WHERE id = ? AND action = 'delete'");
    if (!exists) return exists.error();
    exists->bind(1, undoId);
    if (!exists->step() || exists->columnInt(0) == 0) return core::makeError("This deletion can no longer be undone.");
    for (const Owned& o : kOwned) {
        auto cols = tableColumns(db, o.table);
        if (!cols) return cols.error();
        std::string list, values;
        for (size_t i = 0; i < cols->size(); ++i) {
            list += (i ? ", " : "") + (*cols)[i];
            values += std::string(i ? ", " : "") + "json_extract(u.old_values, '$." + (*cols)[i] + "')";
        }
        auto restore = Stmt::prepare(db, std::string("INSERT INTO ") + o.table + " (" + list + ") SELECT " + values +
                                             " FROM undo_rows u WHERE u.undo_id = ? AND u.table_name = '" + o.table + "' ORDER BY u.rowid");
        if (!restore) return restore.error();
        restore->bind(1, undoId);
        if (auto s = restore->run(); !s) {
            return core::makeError("The deletion cannot be undone: a customer or record with the same id has been added since.", s.error().detail);
        }
    }
    auto drop = Stmt::prepare(db, "DELETE FROM undo_log WHERE id = ?");
    if (!drop) return drop.error();
    drop->bind(1, undoId);
    if (auto s = drop->run(); !s) return s;
    return txn->commit();
}

}  // namespace rapport::store
