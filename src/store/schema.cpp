#include "store/schema.hpp"

#include <array>
#include <string>

namespace rapport::store {

namespace {

// Version 1: the data model of DESIGN.md. Dates are ISO 8601 text (YYYY-MM-DD or
// YYYY-MM-DDTHH:MM:SS); money is REAL in the account's currency; flags are 0/1.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE customers (
  id            INTEGER PRIMARY KEY,
  external_id   TEXT NOT NULL UNIQUE,
  name          TEXT, email TEXT, phone TEXT, company TEXT,
  region        TEXT, channel TEXT, plan TEXT,
  signup_date   TEXT, age INTEGER, gender TEXT, annual_income REAL,
  churned       INTEGER NOT NULL DEFAULT 0 CHECK (churned IN (0, 1)),
  churned_at    TEXT
);
CREATE INDEX customers_email ON customers(email);
-- Imported columns that map to no canonical field, kept per customer.
CREATE TABLE customer_attributes (
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  value       TEXT,
  PRIMARY KEY (customer_id, name)
) WITHOUT ROWID;
CREATE TABLE orders (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  ordered_at  TEXT NOT NULL,
  amount      REAL NOT NULL CHECK (amount >= 0),
  cost        REAL, quantity INTEGER, category TEXT,
  returned    INTEGER NOT NULL DEFAULT 0 CHECK (returned IN (0, 1))
);
CREATE INDEX orders_customer ON orders(customer_id, ordered_at);
CREATE TABLE interactions (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT NOT NULL UNIQUE,
  customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  occurred_at  TEXT NOT NULL,
  channel      TEXT CHECK (channel IN ('email','phone','chat','meeting','ticket','social')),
  topic TEXT, outcome TEXT,
  resolved     INTEGER CHECK (resolved IN (0, 1)),
  duration_min REAL,
  complaint    INTEGER NOT NULL DEFAULT 0 CHECK (complaint IN (0, 1))
);
CREATE INDEX interactions_customer ON interactions(customer_id, occurred_at);
CREATE TABLE survey_responses (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  answered_at TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('nps','csat','ces')),
  score       REAL NOT NULL,
  comment     TEXT,
  expected    TEXT
);
CREATE INDEX survey_responses_customer ON survey_responses(customer_id, answered_at);
CREATE TABLE campaigns (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  name TEXT, channel TEXT, started_at TEXT, cost REAL
);
CREATE TABLE campaign_contacts (
  campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  contacted_at TEXT,
  responded    INTEGER NOT NULL DEFAULT 0 CHECK (responded IN (0, 1)),
  converted    INTEGER NOT NULL DEFAULT 0 CHECK (converted IN (0, 1)),
  revenue      REAL,
  PRIMARY KEY (campaign_id, customer_id)
);
CREATE TABLE segments (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  definition TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE segment_members (
  segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  PRIMARY KEY (segment_id, customer_id)
) WITHOUT ROWID;
CREATE TABLE model_runs (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  parameters TEXT,
  metrics    TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE customer_scores (
  run_id      INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  score       REAL NOT NULL,
  extra       TEXT,
  PRIMARY KEY (run_id, customer_id)
) WITHOUT ROWID;
-- What an undo needs to restore, per user action (import, edit, delete).
CREATE TABLE undo_log (
  id         INTEGER PRIMARY KEY,
  action     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  payload    TEXT NOT NULL
);
)sql";

// Version 2: what "Undo last import" needs (the rows an import created, and the old
// values of those it updated, per undo_log entry), and column mappings saved per header.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE undo_rows (
  undo_id    INTEGER NOT NULL REFERENCES undo_log(id) ON DELETE CASCADE,
  table_name TEXT NOT NULL,
  row_id     INTEGER NOT NULL,
  old_values TEXT            -- JSON of the row before the change; NULL: the row was created
);
CREATE INDEX undo_rows_undo ON undo_rows(undo_id);
CREATE TABLE import_mappings (
  signature TEXT PRIMARY KEY,  -- the file's normalised header
  entity    TEXT NOT NULL,
  mapping   TEXT NOT NULL,     -- per column: a field name, "@attribute" or "@ignore"
  saved_at  TEXT NOT NULL
);
)sql";

// Version 3: saved analysis results as named arrays (per-customer labels, coordinates,
// the customer ids they belong to) in BLOBs beside their model_runs row, and the index
// that finds a kind's latest run.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE model_run_arrays (
  run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  type   TEXT NOT NULL,  -- int32, int64, float32 or float64
  data   BLOB NOT NULL,  -- the values, little-endian
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX model_runs_kind ON model_runs(kind, id);
)sql";

// Version 4: full-text search of survey comments (store/comments.hpp says why two
// indexes and these tokenizers). Both are external-content FTS5 tables over
// survey_responses (they store no copy of the text), kept in step by the triggers: every
// non-empty comment in comment_words (words, case- and accent-insensitive), and those
// with CJK characters also in comment_cjk (trigrams: substrings of 3+ characters). The
// answer's kind is indexed too, so a kind filter needs no row lookups. No token counts
// per row (columnsize = 0): they serve only ranking, and results are by date.
// The GLOB pattern "*[...]*" holds the CJK ranges of comments.cpp (isCjk) as code points:
// as text, CJK compatibility ideographs would change under the Unicode normalization some
// editors apply. It costs ~3 us a comment, so ASCII comments (length = bytes) skip it.
// Existing comments are indexed in rowid order (NOT INDEXED), which FTS5 appends cheaply.
// The partial index lists comments newest first (answered_at, then id) and serves every
// filter without reading the rows: it holds their columns, and "comment <> ''" as an
// indexed expression, so a query that says so needs no row to check it.
constexpr std::string_view kV4 = R"sql(
CREATE VIRTUAL TABLE comment_words USING fts5(comment, kind, content = 'survey_responses', content_rowid = 'id',
  columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE comment_cjk USING fts5(comment, kind, content = 'survey_responses', content_rowid = 'id',
  columnsize = 0, tokenize = 'trigram case_sensitive 0 remove_diacritics 1');
CREATE TRIGGER survey_comments_insert AFTER INSERT ON survey_responses WHEN new.comment <> '' BEGIN
  INSERT INTO comment_words (rowid, comment, kind) VALUES (new.id, new.comment, new.kind);
  INSERT INTO comment_cjk (rowid, comment, kind) SELECT new.id, new.comment, new.kind
    WHERE length(new.comment) <> octet_length(new.comment) AND new.comment GLOB
      char(0x2A, 0x5B, 0x1100, 0x2D, 0x11FF, 0x3040, 0x2D, 0x318F, 0x31F0, 0x2D, 0x31FF, 0x3400, 0x2D, 0x4DBF,
           0x4E00, 0x2D, 0x9FFF, 0xAC00, 0x2D, 0xD7AF, 0xF900, 0x2D, 0xFAFF, 0xFF66, 0x2D, 0xFFDC,
           0x20000, 0x2D, 0x3134F, 0x5D, 0x2A);
END;
CREATE TRIGGER survey_comments_delete AFTER DELETE ON survey_responses WHEN old.comment <> '' BEGIN
  INSERT INTO comment_words (comment_words, rowid, comment, kind) VALUES ('delete', old.id, old.comment, old.kind);
  INSERT INTO comment_cjk (comment_cjk, rowid, comment, kind) SELECT 'delete', old.id, old.comment, old.kind
    WHERE length(old.comment) <> octet_length(old.comment) AND old.comment GLOB
      char(0x2A, 0x5B, 0x1100, 0x2D, 0x11FF, 0x3040, 0x2D, 0x318F, 0x31F0, 0x2D, 0x31FF, 0x3400, 0x2D, 0x4DBF,
           0x4E00, 0x2D, 0x9FFF, 0xAC00, 0x2D, 0xD7AF, 0xF900, 0x2D, 0xFAFF, 0xFF66, 0x2D, 0xFFDC,
           0x20000, 0x2D, 0x3134F, 0x5D, 0x2A);
END;
CREATE TRIGGER survey_comments_update AFTER UPDATE OF id, comment, kind ON survey_responses
  WHEN old.id IS NOT new.id OR old.comment IS NOT new.comment OR old.kind IS NOT new.kind BEGIN
  INSERT INTO comment_words (comment_words, rowid, comment, kind) SELECT 'delete', old.id, old.comment, old.kind
    WHERE old.comment <> '';
  INSERT INTO comment_cjk (comment_cjk, rowid, comment, kind) SELECT 'delete', old.id, old.comment, old.kind
    WHERE old.comment <> '' AND length(old.comment) <> octet_length(old.comment) AND old.comment GLOB
      char(0x2A, 0x5B, 0x1100, 0x2D, 0x11FF, 0x3040, 0x2D, 0x318F, 0x31F0, 0x2D, 0x31FF, 0x3400, 0x2D, 0x4DBF,
           0x4E00, 0x2D, 0x9FFF, 0xAC00, 0x2D, 0xD7AF, 0xF900, 0x2D, 0xFAFF, 0xFF66, 0x2D, 0xFFDC,
           0x20000, 0x2D, 0x3134F, 0x5D, 0x2A);
  INSERT INTO comment_words (rowid, comment, kind) SELECT new.id, new.comment, new.kind WHERE new.comment <> '';
  INSERT INTO comment_cjk (rowid, comment, kind) SELECT new.id, new.comment, new.kind
    WHERE new.comment <> '' AND length(new.comment) <> octet_length(new.comment) AND new.comment GLOB
      char(0x2A, 0x5B, 0x1100, 0x2D, 0x11FF, 0x3040, 0x2D, 0x318F, 0x31F0, 0x2D, 0x31FF, 0x3400, 0x2D, 0x4DBF,
           0x4E00, 0x2D, 0x9FFF, 0xAC00, 0x2D, 0xD7AF, 0xF900, 0x2D, 0xFAFF, 0xFF66, 0x2D, 0xFFDC,
           0x20000, 0x2D, 0x3134F, 0x5D, 0x2A);
END;
INSERT INTO comment_words (rowid, comment, kind) SELECT id, comment, kind FROM survey_responses NOT INDEXED
  WHERE comment <> '';
INSERT INTO comment_cjk (rowid, comment, kind) SELECT id, comment, kind FROM survey_responses NOT INDEXED
  WHERE comment <> '' AND length(comment) <> octet_length(comment) AND comment GLOB
      char(0x2A, 0x5B, 0x1100, 0x2D, 0x11FF, 0x3040, 0x2D, 0x318F, 0x31F0, 0x2D, 0x31FF, 0x3400, 0x2D, 0x4DBF,
           0x4E00, 0x2D, 0x9FFF, 0xAC00, 0x2D, 0xD7AF, 0xF900, 0x2D, 0xFAFF, 0xFF66, 0x2D, 0xFFDC,
           0x20000, 0x2D, 0x3134F, 0x5D, 0x2A);
CREATE INDEX survey_responses_comments ON survey_responses(answered_at, id, kind, score, customer_id, comment <> '')
  WHERE comment <> '';
)sql";

// Version 5: the external ids of orders and interactions are unique through a named
// index instead of a UNIQUE constraint. A constraint's index cannot be dropped; a named
// one can, so an import into an empty table builds it once at the end (one sort) instead
// of inserting a million random keys into a B-tree row by row, and finds duplicates within
// the file then (store/import.cpp). SQLite cannot drop a constraint, so each table is
// rebuilt as its documentation describes: new table, copy, drop, rename, indexes again.
// Neither table is a foreign key's parent or has triggers, so nothing else changes.
// (customers keep their constraint: every other table refers to them, and rebuilding
// them would cascade; survey_responses keep theirs for the comment index's triggers.)
constexpr std::string_view kV5 = R"sql(
CREATE TABLE orders_v5 (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  ordered_at  TEXT NOT NULL,
  amount      REAL NOT NULL CHECK (amount >= 0),
  cost        REAL, quantity INTEGER, category TEXT,
  returned    INTEGER NOT NULL DEFAULT 0 CHECK (returned IN (0, 1))
);
INSERT INTO orders_v5 SELECT id, external_id, customer_id, ordered_at, amount, cost, quantity, category, returned FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v5 RENAME TO orders;
CREATE UNIQUE INDEX orders_external_id ON orders(external_id);
CREATE INDEX orders_customer ON orders(customer_id, ordered_at);
CREATE TABLE interactions_v5 (
  id           INTEGER PRIMARY KEY,
  external_id  TEXT NOT NULL,
  customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  occurred_at  TEXT NOT NULL,
  channel      TEXT CHECK (channel IN ('email','phone','chat','meeting','ticket','social')),
  topic TEXT, outcome TEXT,
  resolved     INTEGER CHECK (resolved IN (0, 1)),
  duration_min REAL,
  complaint    INTEGER NOT NULL DEFAULT 0 CHECK (complaint IN (0, 1))
);
INSERT INTO interactions_v5 SELECT id, external_id, customer_id, occurred_at, channel, topic, outcome, resolved, duration_min, complaint
  FROM interactions;
DROP TABLE interactions;
ALTER TABLE interactions_v5 RENAME TO interactions;
CREATE UNIQUE INDEX interactions_external_id ON interactions(external_id);
CREATE INDEX interactions_customer ON interactions(customer_id, occurred_at);
)sql";

constexpr std::array<std::string_view, 5> kMigrations = {kV1, kV2, kV3, kV4, kV5};

}  // namespace

std::span<const std::string_view> migrations() { return kMigrations; }
int currentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db) {
    auto version = db.queryInt("PRAGMA user_version");
    if (!version) return version.error();
    const int from = static_cast<int>(*version);
    const int to = currentSchemaVersion();
    if (from > to) {
        return core::makeError("This database was saved by a newer version of Rapport. Open it with that version, or export it there as CSV.",
                               "user_version " + std::to_string(from) + " > " + std::to_string(to));
    }
    if (from == to) return {};
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    for (int step = from; step < to; ++step) {
        if (auto s = db.exec(kMigrations[static_cast<size_t>(step)]); !s) return s;
    }
    // PRAGMA takes no bound parameters; `to` is our own constant, never user input.
    if (auto s = db.exec("PRAGMA user_version = " + std::to_string(to)); !s) return s;
    return txn->commit();
}

}  // namespace rapport::store
