// import.cpp: CSV import.
//   1. Cells      converting one raw value per field type, with the reason when it fails
//   2. Parsing    header, delimiter, date order, mapping (also saved mappings)
//   3. Writing    per-entity statements, existing-record lookup, undo records
//   4. The job    begin / step / finish / cancel, and the preview
//   5. Undo       taking back the last import
#include "store/import.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_set>

#include "core/csv.hpp"
#include "core/json_writer.hpp"
#include "core/string_ids.hpp"
#include "core/text_format.hpp"
#include "store/comments.hpp"

namespace rapport::store {

namespace {

using core::DateOrder;

constexpr size_t kMaxListedRejections = 200000;
constexpr size_t kMaxReportedValue = 200;

// ---- 1. Cells ----------------------------------------------------------------------------

// One converted cell. Text is a view: into the file (through the row being imported)
// when the cell is used as it is, into `storage` when it was rewritten (a date in ISO
// form, a choice in lower case). So a Value is never copied once it holds a cell.
struct Value {
    enum Kind { Null, Text, Int, Real } kind = Null;
    std::string_view text;
    std::string storage;
    int64_t i = 0;
    double d = 0;
};

struct Parsing {
    DateOrder dateOrder = DateOrder::Iso;
    bool decimalComma = false;
};

const char* sqlColumn(const FieldSpec& f) {
    if (f.column != nullptr) return f.column;
    return f.type == FieldType::CustomerRef ? "customer_id" : "campaign_id";
}

std::string expectedDate(DateOrder order) {
    return std::string("not a date (expected ") + core::dateOrderName(order) + ")";
}

// Converts `raw` for field `f` into `out`; returns the reason when it cannot.
std::string convertCell(const FieldSpec& f, std::string_view raw, const Parsing& p, Value& out) {
    const std::string_view t = core::trim(raw);
    out.kind = Value::Null;
    if (t.empty()) return {};
    switch (f.type) {
        case FieldType::Key:
        case FieldType::CustomerRef:
        case FieldType::CampaignRef:
        case FieldType::Text:
            out.kind = Value::Text;
            out.text = t;
            return {};
        case FieldType::Integer: {
            const auto v = core::parseInteger(t);
            if (!v) return "not a whole number";
            out.kind = Value::Int;
            out.i = *v;
            return {};
        }
        case FieldType::Number:
        case FieldType::Money: {
            const auto v = core::parseNumber(t, p.decimalComma);
            if (!v) return "not a number";
            if (f.type == FieldType::Money && *v < 0) return "negative amount";
            out.kind = Value::Real;
            out.d = *v;
            return {};
        }
        case FieldType::DateTime:
        case FieldType::Date: {
            // Most files write dates as stored (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS): those are
            // checked and kept as they are, the rest read and written in ISO form.
            out.kind = Value::Text;
            if (t.size() == 10 && core::parseIsoDate(t)) {
                out.text = t;
                return {};
            }
            if (t.size() == 19 && t[10] == 'T' && core::parseIsoTimestamp(t)) {
                out.text = f.type == FieldType::DateTime ? t : t.substr(0, 10);
                return {};
            }
            const auto v = core::parseDateTime(t, p.dateOrder);
            if (!v) {
                out.kind = Value::Null;
                return expectedDate(p.dateOrder);
            }
            const bool hasTime = t.find(':') != std::string_view::npos;
            out.storage = f.type == FieldType::DateTime && hasTime ? core::formatIsoTimestamp(*v) : core::formatIsoDateOf(*v);
            out.text = out.storage;
            return {};
        }
        case FieldType::Flag: {
            const auto v = core::parseFlag(t);
            if (!v) return "not yes or no (use 1/0, yes/no or true/false)";
            out.kind = Value::Int;
            out.i = *v ? 1 : 0;
            return {};
        }
        case FieldType::Choice: {
            std::string& lower = out.storage;
            lower.clear();
            for (const char c : t) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
            std::string_view choices = f.choices;
            while (!choices.empty()) {
                const size_t space = choices.find(' ');
                if (choices.substr(0, space) == lower) {
                    out.kind = Value::Text;
                    out.text = lower;
                    return {};
                }
                if (space == std::string_view::npos) break;
                choices.remove_prefix(space + 1);
            }
            std::string list(f.choices);
            std::replace(list.begin(), list.end(), ' ', ',');
            return "must be one of " + list;
        }
    }
    return "unreadable";
}

void bindValue(Stmt& stmt, int index, const Value& v) {
    switch (v.kind) {
        case Value::Null: stmt.bindNull(index); break;
        case Value::Text: stmt.bindStatic(index, v.text); break;  // the row and v outlive the step
        case Value::Int: stmt.bind(index, v.i); break;
        case Value::Real: stmt.bind(index, v.d); break;
    }
}

std::string reportValue(std::string_view raw) {
    std::string v = core::toValidUtf8(raw.substr(0, kMaxReportedValue));
    if (raw.size() > kMaxReportedValue) v += "...";
    return v;
}

// ---- 2. Parsing ----------------------------------------------------------------------------

std::string headerSignature(const std::vector<std::string>& header) {
    std::string sig;
    for (const std::string& h : header) {
        sig += normaliseColumnName(h);
        sig.push_back('\t');
    }
    return sig;
}

std::string encodeMapping(Entity entity, const std::vector<int>& mapping) {
    const auto fields = entityInfo(entity).fields;
    std::string out;
    for (size_t i = 0; i < mapping.size(); ++i) {
        if (i > 0) out.push_back('\t');
        out += mapping[i] >= 0 ? fields[static_cast<size_t>(mapping[i])].name : mapping[i] == kMapAttribute ? "@attribute" : "@ignore";
    }
    return out;
}

}  // namespace

std::optional<std::vector<int>> mappingFromNames(Entity entity, std::string_view text, size_t columns) {
    const auto fields = entityInfo(entity).fields;
    std::vector<int> mapping;
    while (true) {
        const size_t tab = text.find('\t');
        const std::string_view item = text.substr(0, tab);
        int m = kMapIgnore;
        if (item == "@attribute") m = entity == Entity::Customers ? kMapAttribute : kMapIgnore;
        else if (item != "@ignore") {
            bool found = false;
            for (size_t f = 0; f < fields.size(); ++f) {
                if (item == fields[f].name) { m = static_cast<int>(f); found = true; }
            }
            if (!found) return std::nullopt;
        }
        mapping.push_back(m);
        if (tab == std::string_view::npos) break;
        text.remove_prefix(tab + 1);
    }
    if (mapping.size() != columns) return std::nullopt;
    return mapping;
}

namespace {

std::optional<std::vector<int>> savedMapping(Db& db, Entity entity, const std::vector<std::string>& header) {
    auto stmt = Stmt::prepare(db, "SELECT mapping FROM import_mappings WHERE signature = ? AND entity = ?");
    if (!stmt) return std::nullopt;
    const std::string sig = headerSignature(header);
    stmt->bind(1, std::string_view(sig)).bind(2, std::string_view(entityInfo(entity).name));
    if (!stmt->step()) return std::nullopt;
    return mappingFromNames(entity, stmt->columnText(0), header.size());
}

// What the importer learns from the start of the file.
struct FileShape {
    char delimiter = ',';
    std::vector<std::string> header;
    Parsing parsing;
};

core::Result<FileShape> readShape(std::string_view data, const ImportOptions& options, Entity entityForDates,
                                  const std::vector<int>* mapping) {
    FileShape shape;
    const std::string_view body = data.substr(core::utf8BomLength(data));
    if (core::trim(body).empty()) return core::makeError("The file is empty.");
    shape.delimiter = options.delimiter != 0 ? options.delimiter : core::detectCsvDelimiter(body.substr(0, 65536));
    core::CsvReader reader(data, shape.delimiter);
    if (!reader.next(shape.header)) return core::makeError("The file is empty.");
    for (const std::string& h : shape.header) {
        if (!core::isValidUtf8(h)) return core::makeError("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.");
    }
    if (shape.header.size() < 2 && core::trim(shape.header[0]).empty())
        return core::makeError("The first line of the file is empty: it must hold the column names.");
    shape.parsing.decimalComma = options.decimalComma.value_or(shape.delimiter == ';');
    if (options.dateOrder) {
        shape.parsing.dateOrder = *options.dateOrder;
    } else {
        // Detect from the first 500 values of the date columns.
        const std::vector<int> automatic = autoMap(entityForDates, shape.header);
        const std::vector<int>& map = mapping != nullptr && mapping->size() == shape.header.size() ? *mapping : automatic;
        const auto fields = entityInfo(entityForDates).fields;
        std::vector<std::string> samples, row;
        for (int r = 0; r < 500 && reader.next(row); ++r) {
            for (size_t c = 0; c < row.size() && c < map.size(); ++c) {
                if (map[c] < 0) continue;
                const FieldType t = fields[static_cast<size_t>(map[c])].type;
                if (t == FieldType::Date || t == FieldType::DateTime) samples.push_back(row[c]);
            }
        }
        shape.parsing.dateOrder = core::detectDateOrder(samples);
    }
    return shape;
}

// ---- 3. Writing --------------------------------------------------------------------------

// Rows written by one statement where the importer batches them: SQLite's work per
// statement (starting, halting, opening and closing the table) is paid once per batch.
constexpr int kBatchRows = 32;

// `count` times "(?, ...)" for a multi-row INSERT's VALUES.
std::string repeatedParams(const std::string& params, int count) {
    std::string sql;
    for (int k = 0; k < count; ++k) sql += (k > 0 ? ", " : "") + params;
    return sql;
}

// Everything needed to write one entity's rows.
struct Writer {
    Entity entity;
    const EntityInfo* info;
    int keyField = -1, customerField = -1, campaignField = -1, emailField = -1;
    std::vector<int> mappedFields;  // fields with a column in the file, in field order
    Stmt findByKey, findByEmail, findContact, insert, update, logUpdated, setAttribute;
    Stmt createCustomer, createCustomers;  // minimal customers for unknown ids: one, and kBatchRows
    std::vector<int> insertFields, updateFields;  // bind order
    std::string insertColumns, insertParams;       // "(a, b)" and "(?, ?)"
};

// Whether an index's SQL (from sqlite_master, our own schema) makes a unique index.
bool isUniqueIndex(std::string_view sql) { return sql.starts_with("CREATE UNIQUE INDEX"); }

std::string jsonOfRow(const EntityInfo& info) {
    std::string sql = "json_object(";
    bool first = true;
    for (const FieldSpec& f : info.fields) {
        const char* col = sqlColumn(f);
        if (!first) sql += ", ";
        first = false;
        sql += std::string("'") + col + "', " + col;
    }
    if (info.entity == Entity::Customers) {
        sql += ", '__attributes', json(coalesce((SELECT json_group_object(a.name, a.value) FROM customer_attributes a"
               " WHERE a.customer_id = customers.id), '{}'))";
    }
    return sql + ")";
}

// `lookups`: whether rows may match existing records (the table was not empty): the
// statements that find and update them are prepared only then.
core::Status prepareWriter(Db& db, Writer& w, const std::vector<int>& mapping, bool lookups) {
    const EntityInfo& info = *w.info;
    std::vector<bool> mapped(info.fields.size(), false);
    for (const int m : mapping) {
        if (m >= 0) mapped[static_cast<size_t>(m)] = true;
    }
    for (size_t f = 0; f < info.fields.size(); ++f) {
        const FieldSpec& spec = info.fields[f];
        if (spec.type == FieldType::Key) w.keyField = static_cast<int>(f);
        if (spec.type == FieldType::CustomerRef) w.customerField = static_cast<int>(f);
        if (spec.type == FieldType::CampaignRef) w.campaignField = static_cast<int>(f);
        if (std::string_view(spec.name) == "email" && info.entity == Entity::Customers) w.emailField = static_cast<int>(f);
        if (mapped[f]) w.mappedFields.push_back(static_cast<int>(f));
    }
    // Identifiers below come from our own field tables, never from the file: only
    // values are bound.
    std::string cols, params, sets;
    for (const int f : w.mappedFields) {
        const char* col = sqlColumn(info.fields[static_cast<size_t>(f)]);
        if (!cols.empty()) { cols += ", "; params += ", "; }
        cols += col;
        params += "?";
        w.insertFields.push_back(f);
        if (f != w.keyField && f != w.customerField && f != w.campaignField) {
            if (!sets.empty()) sets += ", ";
            sets += std::string(col) + " = ?";
            w.updateFields.push_back(f);
        }
    }
    auto make = [&db](Stmt& out, const std::string& sql) -> core::Status {
        auto s = Stmt::prepare(db, sql);
        if (!s) return s.error();
        out = std::move(*s);
        return {};
    };
    const std::string table = info.table;
    w.insertColumns = "(" + cols + ")";
    w.insertParams = "(" + params + ")";
    if (auto s = make(w.insert, "INSERT INTO " + table + " " + w.insertColumns + " VALUES " + w.insertParams); !s) return s;
    if (info.entity == Entity::Customers) {
        if (auto s = make(w.setAttribute, "INSERT INTO customer_attributes (customer_id, name, value) VALUES (?, ?, ?)"
                                          " ON CONFLICT (customer_id, name) DO UPDATE SET value = excluded.value"); !s) return s;
    }
    if (w.customerField >= 0) {
        // OR FAIL: a multi-row statement that may abort keeps a journal of every page it
        // changes, to take back its own rows; these ids are new (the importer knows every
        // customer's id), so nothing can fail here that does not stop the whole import.
        if (auto s = make(w.createCustomer, "INSERT OR FAIL INTO customers (id, external_id) VALUES (?, ?)"); !s) return s;
        if (auto s = make(w.createCustomers, "INSERT OR FAIL INTO customers (id, external_id) VALUES " +
                                                 repeatedParams("(?, ?)", kBatchRows)); !s) return s;
    }
    if (!lookups) return {};
    if (!sets.empty()) {
        if (auto s = make(w.update, "UPDATE " + table + " SET " + sets + " WHERE rowid = ?"); !s) return s;
    }
    if (w.keyField >= 0) {
        if (auto s = make(w.findByKey, "SELECT rowid FROM " + table + " WHERE external_id = ?"); !s) return s;
    }
    if (w.emailField >= 0) {
        if (auto s = make(w.findByEmail, "SELECT id FROM customers WHERE email = ? ORDER BY id LIMIT 1"); !s) return s;
    }
    if (info.entity == Entity::CampaignContacts) {
        if (auto s = make(w.findContact, "SELECT rowid FROM campaign_contacts WHERE campaign_id = ? AND customer_id = ?"); !s) return s;
    }
    return make(w.logUpdated, "INSERT INTO undo_rows (undo_id, table_name, row_id, old_values) SELECT ?, '" + table +
                                  "', rowid, " + jsonOfRow(info) + " FROM " + table + " WHERE rowid = ?");
}

}  // namespace

// ---- 4. The job ------------------------------------------------------------------------------

struct Importer::Impl {
    Db* db;
    std::string_view data;
    Entity entity;
    ImportOptions options;
    FileShape shape;
    std::vector<int> mapping;
    core::CsvReader reader{std::string_view(), ','};
    // Foreign keys are not checked row by row during an import: every reference the
    // importer writes is an id it looked up or created in this transaction, and the
    // per-row parent lookup costs about an eighth of a large import. The pragma cannot
    // change inside a transaction, so it is turned off before BEGIN and back on once the
    // transaction is over (declared before `txn`, so it is restored after the rollback
    // when an unfinished import is dropped).
    struct ForeignKeysOff {
        Db* db = nullptr;
        void restore() {
            if (db != nullptr) (void)db->exec("PRAGMA foreign_keys = ON");
            db = nullptr;
        }
        ~ForeignKeysOff() { restore(); }
    } foreignKeysOff;
    std::optional<Txn> txn;
    int64_t undoId = 0;
    Writer writer;
    ImportReport report;
    size_t notListed = 0;
    core::StringIds customers, campaigns;  // external id -> id
    std::unordered_set<std::string> seenEmails;   // matching on email: the emails seen
    std::unordered_set<int64_t> seenExisting;     // rows that existed before and were matched
    // Created rows are not logged one by one: they are the rowids past these marks
    // (rowids grow within the one transaction), recorded as ranges at the end.
    int64_t ownRowidBefore = 0, customerRowidBefore = 0;
    bool tableWasEmpty = false;  // then nothing can exist but rows of this very file
    // Into an empty table, the table's secondary indexes are dropped for the import and
    // built again at the end: one sort instead of a random B-tree insert per row, which
    // more than halves the time of a large import. Inside the transaction, so a cancelled
    // import gets them back with everything else. (name, CREATE statement from our schema)
    std::vector<std::pair<std::string, std::string>> droppedIndexes;
    // When the table's external ids are unique through an index dropped above (orders and
    // interactions, schema.cpp v5), a duplicate within the file is found once, when the
    // index is built again, instead of row by row: the line of every inserted row is kept
    // (rowids follow the file: the table was empty) so the report can name it.
    bool keysCheckedAtEnd = false;
    std::vector<int64_t> insertedLines;
    // Then nothing but a bad value can stop an insert (and the cells were checked), so new
    // rows go kBatchRows to a statement. Texts that are not in the file (unescaped or
    // rewritten cells) are copied, as what they point into is gone by the time the batch
    // runs.
    bool batching = false;
    Stmt batchInsert;
    std::vector<Value> batchValues;  // kBatchRows rows of the insert's fields; sized once
    std::vector<int64_t> batchLines;
    // Customers created for unknown ids wait too, kBatchRows to a statement, under the ids
    // SQLite would give them (one past the largest, in turn: nothing else writes customers
    // meanwhile). The rows that name one may be written before it is: foreign keys are
    // not checked until the transaction is over. (id, end of its external id in newKeys)
    int64_t nextCustomerId = 0;
    std::vector<std::pair<int64_t, size_t>> newCustomers;
    std::string newKeys;
    // Answers into an empty table: the comment index is paused too and built once in
    // finish(), also inside the transaction (through its triggers, a million answers
    // take ~18 s natively instead of ~6 s).
    std::optional<PausedCommentIndex> pausedComments;
    std::vector<std::string_view> row;  // the record being imported (views into the file)
    std::vector<Value> values;
    bool done = false;

    void reject(int64_t line, int column, std::string_view value, std::string reason) {
        if (report.rejected.size() >= kMaxListedRejections) { ++notListed; return; }
        report.rejected.push_back({line, column >= 0 ? core::toValidUtf8(shape.header[static_cast<size_t>(column)]) : std::string(),
                                   reportValue(value), std::move(reason)});
    }
    core::Status loadIds(const char* sql, core::StringIds& out);
    core::Status processRow();
    core::Status flushBatch();
    core::Status flushNewCustomers();
    // After a statement failed: an error that ends the import if SQLite has rolled the
    // transaction back itself (out of memory, storage full), so that no later row is
    // written outside it.
    core::Status stillInTransaction(const core::Error& error) const;
    core::Status rebuildIndexes();
    core::Status dropDuplicateKeys();
    // Whether `text` lies in the file, which outlives the import (a cell as written; not one
    // the reader unescaped or a value made from one).
    bool inFile(std::string_view text) const {
        const auto at = reinterpret_cast<uintptr_t>(text.data()), begin = reinterpret_cast<uintptr_t>(data.data());
        return at >= begin && at - begin + text.size() <= data.size();
    }
    int columnOfField(int field) const {
        for (size_t c = 0; c < mapping.size(); ++c) {
            if (mapping[c] == field) return static_cast<int>(c);
        }
        return -1;
    }
};

core::Status Importer::Impl::loadIds(const char* sql, core::StringIds& out) {
    auto stmt = Stmt::prepare(*db, sql);
    if (!stmt) return stmt.error();
    while (stmt->step()) out.insert(stmt->columnText(0), stmt->columnInt(1));
    return stmt->status();
}

core::Status Importer::Impl::processRow() {
    const int64_t line = reader.recordLine();
    if (row.size() == 1 && core::trim(row[0]).empty()) return {};  // blank line
    ++report.rows;
    if (row.size() != shape.header.size()) {
        reject(line, -1, "", "has " + std::to_string(row.size()) + " fields, the header has " + std::to_string(shape.header.size()));
        return {};
    }
    for (size_t c = 0; c < row.size(); ++c) {
        if (!core::isValidUtf8(row[c])) {
            reject(line, static_cast<int>(c), row[c], "not valid UTF-8 text");
            return {};
        }
    }
    const EntityInfo& info = *writer.info;
    Parsing& p = shape.parsing;
    bool failed = false;
    for (Value& v : values) v.kind = Value::Null;
    for (size_t c = 0; c < row.size(); ++c) {
        const int f = mapping[c];
        if (f < 0) continue;
        std::string reason = convertCell(info.fields[static_cast<size_t>(f)], row[c], p, values[static_cast<size_t>(f)]);
        if (!reason.empty()) {
            reject(line, static_cast<int>(c), row[c], std::move(reason));
            failed = true;
        }
    }
    if (failed) return {};
    for (size_t f = 0; f < info.fields.size(); ++f) {
        const FieldSpec& spec = info.fields[f];
        const bool needed = spec.required && !(spec.type == FieldType::Key && options.matchOn == MatchOn::Email &&
                                                options.mode == ImportMode::UpdateOnly);
        if (needed && values[f].kind == Value::Null) {
            const int c = columnOfField(static_cast<int>(f));
            reject(line, c, "", std::string("missing ") + spec.name);
            return {};
        }
    }
    if (options.matchOn == MatchOn::Email && writer.emailField >= 0 && values[static_cast<size_t>(writer.emailField)].kind == Value::Null) {
        reject(line, columnOfField(writer.emailField), "", "missing email (records are matched on email)");
        return {};
    }

    // Duplicates within the file, when matched on email: no index can tell (emails need
    // not be unique), so the keys seen are kept. Ids are checked below, through the
    // table itself, which is cheaper than a set of every key of a large file.
    const bool emailKeyed = options.matchOn == MatchOn::Email && writer.emailField >= 0;
    if (emailKeyed && !seenEmails.emplace(values[static_cast<size_t>(writer.emailField)].text).second) {
        reject(line, columnOfField(writer.emailField), values[static_cast<size_t>(writer.emailField)].text, "duplicate id in this file");
        return {};
    }
    auto rejectDuplicate = [&] {
        const int keyField = writer.keyField >= 0 ? writer.keyField : writer.customerField;
        reject(line, columnOfField(keyField), values[static_cast<size_t>(keyField)].text, "duplicate id in this file");
    };

    // References: the customer (created when unknown, if allowed) and the campaign.
    Value customerRef, campaignRef;
    if (writer.campaignField >= 0) {
        const Value& v = values[static_cast<size_t>(writer.campaignField)];
        const auto campaign = campaigns.find(v.text);
        if (!campaign) {
            reject(line, columnOfField(writer.campaignField), v.text, "unknown campaign");
            return {};
        }
        campaignRef.kind = Value::Int;
        campaignRef.i = *campaign;
    }
    if (writer.customerField >= 0) {
        const Value& v = values[static_cast<size_t>(writer.customerField)];
        auto customer = customers.find(v.text);
        if (!customer) {
            if (options.unknownCustomers == UnknownCustomers::Reject) {
                reject(line, columnOfField(writer.customerField), v.text, "unknown customer");
                return {};
            }
            customer = nextCustomerId++;
            customers.insert(v.text, *customer);
            newKeys += v.text;
            newCustomers.emplace_back(*customer, newKeys.size());
            ++report.customersCreated;
            if (newCustomers.size() == static_cast<size_t>(kBatchRows)) {
                if (auto s = flushNewCustomers(); !s) return s;
            }
        }
        customerRef.kind = Value::Int;
        customerRef.i = *customer;
    }

    // Existing record?
    int64_t existing = 0;
    Stmt* find = nullptr;
    if (tableWasEmpty) {
        // Nothing to find: duplicates within the file were caught above.
    } else if (options.matchOn == MatchOn::Email && writer.emailField >= 0) {
        find = &writer.findByEmail;
        find->reset();
        find->bind(1, std::string_view(values[static_cast<size_t>(writer.emailField)].text));
    } else if (writer.keyField >= 0) {
        find = &writer.findByKey;
        find->reset();
        find->bind(1, std::string_view(values[static_cast<size_t>(writer.keyField)].text));
    } else if (writer.campaignField >= 0) {
        find = &writer.findContact;
        find->reset();
        find->bind(1, campaignRef.i).bind(2, customerRef.i);
    }
    if (find != nullptr) {
        if (find->step()) existing = find->columnInt(0);
        else if (auto s = find->status(); !s) return s;
        find->reset();
    }
    // A row this file created, or one it already matched: the key came before in the file.
    if (existing != 0 && (existing > ownRowidBefore || !seenExisting.insert(existing).second)) {
        if (emailKeyed) reject(line, columnOfField(writer.emailField), values[static_cast<size_t>(writer.emailField)].text,
                               "duplicate id in this file");
        else rejectDuplicate();
        return {};
    }

    auto valueOf = [&](int f) -> const Value& {
        if (f == writer.customerField) return customerRef;
        if (f == writer.campaignField) return campaignRef;
        return values[static_cast<size_t>(f)];
    };
    int64_t rowId = existing;
    if (existing == 0) {
        if (options.mode == ImportMode::UpdateOnly) {
            const int keyField = options.matchOn == MatchOn::Email && writer.emailField >= 0 ? writer.emailField : writer.keyField;
            reject(line, keyField >= 0 ? columnOfField(keyField) : -1, keyField >= 0 ? values[static_cast<size_t>(keyField)].text : "",
                   "not found (update only)");
            return {};
        }
        if (batching) {
            Value* to = &batchValues[batchLines.size() * writer.insertFields.size()];
            for (const int f : writer.insertFields) {
                const Value& from = valueOf(f);
                to->kind = from.kind;
                to->i = from.i;
                to->d = from.d;
                if (from.kind == Value::Text) {
                    if (inFile(from.text)) {
                        to->text = from.text;
                    } else {
                        to->storage.assign(from.text);
                        to->text = to->storage;
                    }
                }
                ++to;
            }
            batchLines.push_back(line);
            if (batchLines.size() == static_cast<size_t>(kBatchRows)) return flushBatch();
            return {};
        }
        Stmt& ins = writer.insert;
        ins.reset();
        int i = 1;
        for (const int f : writer.insertFields) bindValue(ins, i++, valueOf(f));
        if (auto s = ins.run(); !s) {
            if (auto lost = stillInTransaction(s.error()); !lost) return lost;
            // Into a table that was empty, a clash can only be with an earlier row of this file.
            if (ins.violatedUniqueness() && !emailKeyed) rejectDuplicate();
            else reject(line, -1, "", "could not be saved: " + s.error().message);
            return {};
        }
        rowId = db->lastInsertRowId();
        ++report.inserted;
        if (keysCheckedAtEnd) insertedLines.push_back(line);
    } else {
        if (options.mode == ImportMode::CreateOnly) {
            const int keyField = writer.keyField >= 0 ? writer.keyField : writer.customerField;
            reject(line, columnOfField(keyField), valueOf(keyField).kind == Value::Text ? valueOf(keyField).text : "",
                   "already exists (create only)");
            return {};
        }
        writer.logUpdated.reset();
        writer.logUpdated.bind(1, undoId).bind(2, existing);
        if (auto s = writer.logUpdated.run(); !s) return s;
        if (!writer.updateFields.empty()) {
            Stmt& up = writer.update;
            up.reset();
            int i = 1;
            for (const int f : writer.updateFields) bindValue(up, i++, valueOf(f));
            up.bind(i, existing);
            if (auto s = up.run(); !s) {
                if (auto lost = stillInTransaction(s.error()); !lost) return lost;
                reject(line, -1, "", "could not be saved: " + s.error().message);
                return {};
            }
        }
        ++report.updated;
    }

    // Custom attributes (customers): every column mapped to one.
    if (entity == Entity::Customers) {
        for (size_t c = 0; c < row.size(); ++c) {
            if (mapping[c] != kMapAttribute) continue;
            writer.setAttribute.reset();
            writer.setAttribute.bind(1, rowId).bind(2, std::string_view(shape.header[c]));
            const std::string_view v = core::trim(row[c]);
            if (v.empty()) writer.setAttribute.bindNull(3);
            else writer.setAttribute.bind(3, v);
            if (auto s = writer.setAttribute.run(); !s) return s;
        }
    }
    return {};
}

// Inserts the rows waiting in the batch: in one statement when the batch is full, else (the
// file's last rows) one by one. The batch statement is INSERT OR FAIL: a multi-row statement
// that may abort keeps a journal of every page it changes, to take back its own rows, which
// costs a copy of the table's last page per batch. Should it fail (it cannot for a value the
// cells' checks passed, but if it did), the rows before the failing one stay: they are
// counted from the rowids (the table was empty, so they follow the file) and the rest are
// tried alone, so only the failing one is reported.
core::Status Importer::Impl::flushBatch() {
    const size_t rows = batchLines.size(), fields = writer.insertFields.size();
    size_t from = 0;
    if (rows == static_cast<size_t>(kBatchRows)) {
        batchInsert.reset();
        for (size_t k = 0; k < rows * fields; ++k) bindValue(batchInsert, static_cast<int>(k) + 1, batchValues[k]);
        if (auto s = batchInsert.run(); s) {
            from = rows;
        } else {
            if (auto lost = stillInTransaction(s.error()); !lost) return lost;
            auto last = db->queryInt(std::string("SELECT coalesce(max(rowid), 0) FROM ") + writer.info->table);
            if (!last) return last.error();
            from = static_cast<size_t>(std::clamp<int64_t>(*last - ownRowidBefore - report.inserted, 0, static_cast<int64_t>(rows)));
        }
        report.inserted += static_cast<int64_t>(from);
        insertedLines.insert(insertedLines.end(), batchLines.begin(), batchLines.begin() + static_cast<std::ptrdiff_t>(from));
    }
    for (size_t r = from; r < rows; ++r) {
        Stmt& ins = writer.insert;
        ins.reset();
        for (size_t k = 0; k < fields; ++k) bindValue(ins, static_cast<int>(k) + 1, batchValues[r * fields + k]);
        if (auto s = ins.run(); !s) {
            if (auto lost = stillInTransaction(s.error()); !lost) return lost;
            reject(batchLines[r], -1, "", "could not be saved: " + s.error().message);
            continue;
        }
        ++report.inserted;
        insertedLines.push_back(batchLines[r]);
    }
    batchLines.clear();
    return {};
}

// Writes the customers created for unknown ids that wait: kBatchRows to a statement, the
// file's last ones one by one. Their ids and keys are new, so a failure stops the import.
core::Status Importer::Impl::flushNewCustomers() {
    const size_t n = newCustomers.size();
    auto key = [this](size_t k) {
        const size_t begin = k == 0 ? 0 : newCustomers[k - 1].second;
        return std::string_view(newKeys).substr(begin, newCustomers[k].second - begin);
    };
    if (n == static_cast<size_t>(kBatchRows)) {
        Stmt& batch = writer.createCustomers;
        batch.reset();
        for (size_t k = 0; k < n; ++k) batch.bind(static_cast<int>(2 * k + 1), newCustomers[k].first).bindStatic(static_cast<int>(2 * k + 2), key(k));
        if (auto s = batch.run(); !s) return s;
    } else {
        for (size_t k = 0; k < n; ++k) {
            Stmt& one = writer.createCustomer;
            one.reset();
            one.bind(1, newCustomers[k].first).bindStatic(2, key(k));
            if (auto s = one.run(); !s) return s;
        }
    }
    newCustomers.clear();
    newKeys.clear();
    return {};
}

core::Status Importer::Impl::stillInTransaction(const core::Error& error) const {
    if (db->inTransaction()) return {};
    return core::makeError("The import stopped and nothing was imported: " + error.message);
}

// The indexes dropped for an import into an empty table, built again. A unique index
// that cannot be built means the file repeated an id: the later rows go (reported as
// "duplicate id in this file", as a row-by-row check would have), then it is built.
core::Status Importer::Impl::rebuildIndexes() {
    for (const auto& index : droppedIndexes) {
        auto built = db->exec(index.second);
        if (!built && keysCheckedAtEnd && isUniqueIndex(index.second)) {
            if (auto s = dropDuplicateKeys(); !s) return s;
            built = db->exec(index.second);
        }
        if (!built) return built;
    }
    droppedIndexes.clear();
    return {};
}

core::Status Importer::Impl::dropDuplicateKeys() {
    const std::string table = writer.info->table;
    // A plain index on the key for the search, dropped again below (all inside the import's
    // transaction). Identifiers come from our own tables, never from the file.
    if (auto s = db->exec("CREATE INDEX rapport_import_keys ON " + table + " (external_id)"); !s) return s;
    auto later = Stmt::prepare(*db, "SELECT o.rowid, o.external_id FROM " + table + " o WHERE o.rowid >"
                                    " (SELECT min(p.rowid) FROM " + table + " p WHERE p.external_id = o.external_id) ORDER BY o.rowid");
    if (!later) return later.error();
    std::vector<std::pair<int64_t, std::string>> duplicates;
    while (later->step()) duplicates.emplace_back(later->columnInt(0), later->columnText(1));
    if (auto s = later->status(); !s) return s;
    auto remove = Stmt::prepare(*db, "DELETE FROM " + table + " WHERE rowid = ?");
    if (!remove) return remove.error();
    const int column = columnOfField(writer.keyField);
    for (const auto& [rowId, key] : duplicates) {
        remove->reset();
        remove->bind(1, rowId);
        if (auto s = remove->run(); !s) return s;
        const auto at = static_cast<size_t>(rowId - ownRowidBefore - 1);
        reject(at < insertedLines.size() ? insertedLines[at] : 0, column, key, "duplicate id in this file");
        --report.inserted;
    }
    // Rejections in file order, as a row-by-row check lists them.
    std::stable_sort(report.rejected.begin(), report.rejected.end(),
                     [](const Rejection& a, const Rejection& b) { return a.row < b.row; });
    return db->exec("DROP INDEX rapport_import_keys");
}

Importer::Importer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Importer::~Importer() = default;

core::Result<std::unique_ptr<Importer>> Importer::begin(Db& db, std::string_view data, Entity entity, const ImportOptions& options) {
    auto impl = std::make_unique<Impl>();
    Impl& d = *impl;
    d.db = &db;
    d.data = data;
    d.entity = entity;
    d.options = options;
    const EntityInfo& info = entityInfo(entity);
    auto shape = readShape(data, options, entity, options.mapping.empty() ? nullptr : &options.mapping);
    if (!shape) return shape.error();
    d.shape = std::move(*shape);
    if (!options.mapping.empty()) {
        if (options.mapping.size() != d.shape.header.size())
            return core::makeError("The column mapping does not match the file's columns.");
        d.mapping = options.mapping;
        for (int& m : d.mapping) {
            if (m >= static_cast<int>(info.fields.size()) || m < kMapIgnore) return core::makeError("The column mapping names a field that does not exist.");
            if (m == kMapAttribute && entity != Entity::Customers) m = kMapIgnore;
        }
    } else {
        d.mapping = autoMap(entity, d.shape.header);
    }
    // Every field at most once; every required field mapped.
    std::vector<int> uses(info.fields.size(), 0);
    for (const int m : d.mapping) {
        if (m >= 0 && ++uses[static_cast<size_t>(m)] > 1)
            return core::makeError(std::string("Two columns are mapped to ") + info.fields[static_cast<size_t>(m)].name + ": choose one.");
    }
    for (size_t f = 0; f < info.fields.size(); ++f) {
        const FieldSpec& spec = info.fields[f];
        const bool matchedOnEmail = spec.type == FieldType::Key && options.matchOn == MatchOn::Email && options.mode == ImportMode::UpdateOnly;
        if (spec.required && uses[f] == 0 && !matchedOnEmail)
            return core::makeError(std::string("Choose the column that holds ") + spec.name + " (it is required for " + info.label + ").");
    }
    if (options.matchOn == MatchOn::Email && entity != Entity::Customers)
        return core::makeError("Matching on email is for customers; other records are matched on their id.");

    if (auto s = db.exec("PRAGMA foreign_keys = OFF"); !s) return s.error();
    d.foreignKeysOff.db = &db;
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    d.txn.emplace(std::move(*txn));
    d.writer.entity = entity;
    d.writer.info = &info;
    const bool hasKey = std::any_of(info.fields.begin(), info.fields.end(), [](const FieldSpec& f) { return f.type == FieldType::Key; });
    const bool namesCustomers =
        std::any_of(info.fields.begin(), info.fields.end(), [](const FieldSpec& f) { return f.type == FieldType::CustomerRef; });
    const bool namesCampaigns =
        std::any_of(info.fields.begin(), info.fields.end(), [](const FieldSpec& f) { return f.type == FieldType::CampaignRef; });
    if (namesCustomers) {
        if (auto s = d.loadIds("SELECT external_id, id FROM customers", d.customers); !s) return s.error();
    }
    if (namesCampaigns) {
        if (auto s = d.loadIds("SELECT external_id, id FROM campaigns", d.campaigns); !s) return s.error();
    }
    auto log = Stmt::prepare(db, "INSERT INTO undo_log (action, created_at, payload) VALUES ('import', datetime('now'), ?)");
    if (!log) return log.error();
    log->bind(1, std::string_view("{}"));
    if (auto s = log->run(); !s) return s.error();
    d.undoId = db.lastInsertRowId();
    auto mark = [&db](const std::string& sql) { return db.queryInt(sql).value_or_empty(); };
    d.ownRowidBefore = mark(std::string("SELECT coalesce(max(rowid), 0) FROM ") + info.table);
    d.customerRowidBefore = mark("SELECT coalesce(max(rowid), 0) FROM customers");
    d.nextCustomerId = d.customerRowidBefore + 1;
    d.tableWasEmpty = d.ownRowidBefore == 0;
    if (d.tableWasEmpty) {
        // Indexes SQLite made for UNIQUE and PRIMARY KEY constraints have no SQL and stay:
        // they are what reports a duplicate id.
        auto list = Stmt::prepare(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL");
        if (!list) return list.error();
        list->bind(1, std::string_view(info.table));
        while (list->step()) d.droppedIndexes.emplace_back(list->columnText(0), list->columnText(1));
        if (auto s = list->status(); !s) return s.error();
        for (const auto& index : d.droppedIndexes) {
            if (isUniqueIndex(index.second) && hasKey) d.keysCheckedAtEnd = true;
        }
        for (const auto& index : d.droppedIndexes) {
            // The name comes from sqlite_master (our own schema), quoted as an identifier.
            if (auto s = db.exec("DROP INDEX \"" + index.first + "\""); !s) return s.error();
        }
        if (entity == Entity::Surveys) {
            auto paused = pauseCommentIndex(db);
            if (!paused) return paused.error();
            d.pausedComments = std::move(*paused);
        }
    }
    // The statements come after the schema changes above, which would make SQLite
    // compile each of them again on its first use.
    if (auto s = prepareWriter(db, d.writer, d.mapping, !d.tableWasEmpty); !s) return s.error();
    if (d.keysCheckedAtEnd && entity != Entity::Customers) {
        auto batch = Stmt::prepare(db, std::string("INSERT OR FAIL INTO ") + info.table + " " + d.writer.insertColumns +
                                           " VALUES " + repeatedParams(d.writer.insertParams, kBatchRows));
        if (!batch) return batch.error();
        d.batchInsert = std::move(*batch);
        d.batchValues.resize(static_cast<size_t>(kBatchRows) * d.writer.insertFields.size());
        d.batching = true;
    }

    d.values.resize(info.fields.size());
    d.reader = core::CsvReader(data, d.shape.delimiter);
    std::vector<std::string> header;
    d.reader.next(header);  // already read by readShape
    return std::unique_ptr<Importer>(new Importer(std::move(impl)));
}

core::Result<bool> Importer::step(int64_t maxRows) {
    Impl& d = *impl_;
    if (!d.txn) return core::makeError("Internal error: the import has finished");
    for (int64_t n = 0; n < maxRows; ++n) {
        if (!d.reader.next(d.row)) {
            d.done = true;
            auto flushed = d.flushNewCustomers();
            if (flushed) flushed = d.flushBatch();
            if (!flushed) {
                cancel();
                return flushed.error();
            }
            return false;
        }
        if (auto s = d.processRow(); !s) {
            cancel();
            return s.error();
        }
    }
    return true;
}

core::Result<ImportReport> Importer::finish() {
    Impl& d = *impl_;
    if (!d.txn) return core::makeError("Internal error: the import has finished");
    while (!d.done) {
        auto more = step(100000);
        if (!more) return more.error();
    }
    if (auto s = d.rebuildIndexes(); !s) return s.error();
    if (d.pausedComments) {
        if (auto s = resumeCommentIndex(*d.db, *d.pausedComments); !s) return s.error();
        d.pausedComments.reset();
    }
    if (d.notListed > 0) {
        d.report.rejected.push_back({0, "", "", "and " + core::formatCount(static_cast<int64_t>(d.notListed)) + " more rejected rows not listed"});
    }
    // The undo log entry says what this import was; an import that changed nothing leaves none.
    const bool changed = d.report.inserted + d.report.updated + d.report.customersCreated > 0;
    if (changed) {
        core::JsonWriter w;
        w.beginObject().field("entity", entityInfo(d.entity).name).field("file", d.options.fileName)
            .field("inserted", d.report.inserted).field("updated", d.report.updated)
            .field("customersCreated", d.report.customersCreated);
        // The rowids this import created, per table: [first, last].
        w.key("created").beginObject();
        const std::string own = entityInfo(d.entity).table;
        const int64_t ownAfter = d.db->queryInt("SELECT coalesce(max(rowid), 0) FROM " + own).value_or_empty();
        if (ownAfter > d.ownRowidBefore) w.key(own).beginArray().value(d.ownRowidBefore + 1).value(ownAfter).endArray();
        if (own != "customers") {
            const int64_t after = d.db->queryInt("SELECT coalesce(max(rowid), 0) FROM customers").value_or_empty();
            if (after > d.customerRowidBefore) w.key("customers").beginArray().value(d.customerRowidBefore + 1).value(after).endArray();
        }
        w.endObject();
        w.endObject();
        auto stmt = Stmt::prepare(*d.db, "UPDATE undo_log SET payload = ? WHERE id = ?");
        if (!stmt) return stmt.error();
        stmt->bind(1, std::string_view(w.str())).bind(2, d.undoId);
        if (auto s = stmt->run(); !s) return s.error();
    } else {
        auto stmt = Stmt::prepare(*d.db, "DELETE FROM undo_log WHERE id = ?");
        if (!stmt) return stmt.error();
        stmt->bind(1, d.undoId);
        if (auto s = stmt->run(); !s) return s.error();
    }
    // Remember the mapping for files with the same header.
    auto save = Stmt::prepare(*d.db, "INSERT OR REPLACE INTO import_mappings (signature, entity, mapping, saved_at) VALUES (?, ?, ?, datetime('now'))");
    if (!save) return save.error();
    const std::string sig = headerSignature(d.shape.header), map = encodeMapping(d.entity, d.mapping);
    save->bind(1, std::string_view(sig)).bind(2, std::string_view(entityInfo(d.entity).name)).bind(3, std::string_view(map));
    if (auto s = save->run(); !s) return s.error();

    d.writer = Writer{};  // finalize statements before committing
    d.batchInsert = Stmt{};
    auto status = d.txn->commit();
    d.txn.reset();
    d.foreignKeysOff.restore();
    if (!status) return status.error();
    return d.report;
}

void Importer::cancel() {
    Impl& d = *impl_;
    d.writer = Writer{};
    d.batchInsert = Stmt{};
    if (d.txn) {
        d.txn->rollback();
        d.txn.reset();
    }
    d.foreignKeysOff.restore();
}

double Importer::progress() const {
    const Impl& d = *impl_;
    return d.data.empty() ? 1.0 : static_cast<double>(d.reader.offset()) / static_cast<double>(d.data.size());
}

const ImportReport& Importer::report() const { return impl_->report; }

core::Result<ImportReport> importCsv(Db& db, std::string_view data, Entity entity, const ImportOptions& options) {
    auto importer = Importer::begin(db, data, entity, options);
    if (!importer) return importer.error();
    return (*importer)->finish();
}

core::Result<ImportPreview> previewImport(Db& db, std::string_view data, std::optional<Entity> entity,
                                          const ImportOptions& options, int limit) {
    ImportPreview preview;
    // The header decides the entity and mapping; the mapping decides which columns are dates.
    auto first = readShape(data, options, entity.value_or(Entity::Customers), nullptr);
    if (!first) return first.error();
    preview.entity = entity.value_or(guessEntity(first->header));
    if (!options.mapping.empty() && options.mapping.size() == first->header.size()) {
        preview.mapping = options.mapping;
    } else if (auto saved = savedMapping(db, preview.entity, first->header)) {
        preview.mapping = *saved;
        preview.savedMapping = true;
    } else {
        preview.mapping = autoMap(preview.entity, first->header);
    }
    auto shape = readShape(data, options, preview.entity, &preview.mapping);
    if (!shape) return shape.error();
    preview.delimiter = shape->delimiter;
    preview.dateOrder = shape->parsing.dateOrder;
    preview.decimalComma = shape->parsing.decimalComma;
    preview.header = shape->header;

    const auto fields = entityInfo(preview.entity).fields;
    core::CsvReader reader(data, preview.delimiter);
    std::vector<std::string> row;
    reader.next(row);
    Value scratch;
    while (static_cast<int>(preview.rows.size()) < limit && reader.next(row)) {
        if (row.size() == 1 && core::trim(row[0]).empty()) continue;
        const int64_t line = reader.recordLine();
        if (row.size() != preview.header.size()) {
            preview.issues.push_back({line, "", "", "has " + std::to_string(row.size()) + " fields, the header has " +
                                                        std::to_string(preview.header.size())});
        }
        for (size_t c = 0; c < row.size() && c < preview.mapping.size(); ++c) {
            if (!core::isValidUtf8(row[c])) {
                preview.issues.push_back({line, core::toValidUtf8(preview.header[c]), reportValue(row[c]), "not valid UTF-8 text"});
                row[c] = core::toValidUtf8(row[c]);
                continue;
            }
            const int f = preview.mapping[c];
            if (f < 0) continue;
            const FieldSpec& spec = fields[static_cast<size_t>(f)];
            std::string reason = convertCell(spec, row[c], shape->parsing, scratch);
            if (reason.empty() && spec.required && scratch.kind == Value::Null) reason = std::string("missing ") + spec.name;
            if (!reason.empty()) preview.issues.push_back({line, core::toValidUtf8(preview.header[c]), reportValue(row[c]), reason});
        }
        preview.rowNumbers.push_back(line);
        preview.rows.push_back(row);
    }
    const double consumed = static_cast<double>(std::max<size_t>(reader.offset(), 1));
    preview.approximateRows = reader.offset() >= data.size()
                                  ? static_cast<int64_t>(preview.rows.size())
                                  : static_cast<int64_t>(static_cast<double>(preview.rows.size()) * static_cast<double>(data.size()) / consumed);
    return preview;
}

std::string reportCsv(const ImportReport& report) {
    std::string out;
    core::appendCsvRecord(out, {"row", "column", "value", "reason"});
    for (const Rejection& r : report.rejected) {
        core::appendCsvRecord(out, {r.row > 0 ? std::to_string(r.row) : std::string(), r.column, r.value, r.reason});
    }
    return out;
}

// ---- 5. Undo -----------------------------------------------------------------------------------

std::optional<LastImport> lastImport(Db& db) {
    auto stmt = Stmt::prepare(db, "SELECT id, json_extract(payload, '$.file'), json_extract(payload, '$.entity'),"
                                  " json_extract(payload, '$.inserted'), json_extract(payload, '$.updated')"
                                  " FROM undo_log WHERE action = 'import' ORDER BY id DESC LIMIT 1");
    if (!stmt || !stmt->step()) return std::nullopt;
    LastImport last;
    last.undoId = stmt->columnInt(0);
    std::string file = stmt->columnText(1);
    if (file.empty()) file = stmt->columnText(2);
    last.summary = file + ": " + core::formatCount(stmt->columnInt(3)) + " created, " + core::formatCount(stmt->columnInt(4)) + " updated";
    return last;
}

core::Status undoLastImport(Db& db) {
    const auto last = lastImport(db);
    if (!last) return core::makeError("There is no import to undo.");
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    // Restore updated rows (old values kept as JSON), then delete created ones; a
    // created customer takes its own records with it.
    for (const EntityInfo& info : allEntities()) {
        std::string sets;
        for (const FieldSpec& f : info.fields) {
            const char* col = sqlColumn(f);
            if (!sets.empty()) sets += ", ";
            sets += std::string(col) + " = json_extract(u.old_values, '$." + col + "')";
        }
        const std::string table = info.table;
        auto restore = Stmt::prepare(db, "UPDATE " + table + " SET " + sets + " FROM undo_rows u WHERE u.undo_id = ? AND u.table_name = '" +
                                             table + "' AND u.old_values IS NOT NULL AND u.row_id = " + table + ".rowid");
        if (!restore) return restore.error();
        restore->bind(1, last->undoId);
        if (auto s = restore->run(); !s) return s;
    }
    for (const char* sql : {
             "DELETE FROM customer_attributes WHERE customer_id IN (SELECT row_id FROM undo_rows WHERE undo_id = ?1 AND table_name = 'customers' AND old_values IS NOT NULL)",
             "INSERT INTO customer_attributes (customer_id, name, value) SELECT u.row_id, j.key, j.value FROM undo_rows u,"
             " json_each(json_extract(u.old_values, '$.__attributes')) j WHERE u.undo_id = ?1 AND u.table_name = 'customers' AND u.old_values IS NOT NULL",
         }) {
        auto stmt = Stmt::prepare(db, sql);
        if (!stmt) return stmt.error();
        stmt->bind(1, last->undoId);
        if (auto s = stmt->run(); !s) return s;
    }
    for (const char* table : {"campaign_contacts", "survey_responses", "interactions", "orders", "campaigns", "customers"}) {
        auto del = Stmt::prepare(db, std::string("DELETE FROM ") + table + " WHERE rowid BETWEEN"
                                         " (SELECT json_extract(payload, '$.created.' || ?2 || '[0]') FROM undo_log WHERE id = ?1) AND"
                                         " (SELECT json_extract(payload, '$.created.' || ?2 || '[1]') FROM undo_log WHERE id = ?1)");
        if (!del) return del.error();
        del->bind(1, last->undoId).bind(2, std::string_view(table));
        if (auto s = del->run(); !s) return s;
    }
    auto drop = Stmt::prepare(db, "DELETE FROM undo_log WHERE id = ?");
    if (!drop) return drop.error();
    drop->bind(1, last->undoId);
    if (auto s = drop->run(); !s) return s;
    return txn->commit();
}

}  // namespace rapport::store
