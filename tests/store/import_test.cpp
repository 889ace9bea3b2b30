// CSV import: mapping, every validation rule, modes, undo, and hostile input.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "store/import.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {

Store freshStore() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    return std::move(*store);
}

int64_t count(Db& db, const std::string& sql) { return db.queryInt(sql).value(); }

std::string text(Db& db, const std::string& sql) {
    auto stmt = Stmt::prepare(db, sql);
    REQUIRE(stmt);
    if (!stmt->step()) return "<none>";
    return stmt->columnIsNull(0) ? "<null>" : stmt->columnText(0);
}

ImportReport mustImport(Db& db, std::string_view csv, Entity entity, ImportOptions options = {}) {
    auto report = importCsv(db, csv, entity, options);
    if (!report) FAIL(report.error().message);
    return *report;
}

ImportOptions named(const char* fileName) {
    ImportOptions options;
    options.fileName = fileName;
    return options;
}

std::string describe(const Rejection& r) {
    return std::to_string(r.row) + "|" + r.column + "|" + r.value + "|" + r.reason;
}

}  // namespace

TEST_SUITE("store") {

TEST_CASE("columns map by the names other tools export") {
    CHECK(autoMap(Entity::Customers, {"Customer ID", "Full Name", "Email Address", "Signup Date", "Loyalty"}) ==
          std::vector<int>{0, 1, 2, 8, kMapAttribute});
    CHECK(autoMap(Entity::Customers, {"customerID", "gender", "tenure", "Churn"}) == std::vector<int>{0, 10, kMapAttribute, 12});
    const auto orders = autoMap(Entity::Orders, {"InvoiceNo", "CustomerID", "InvoiceDate", "Total", "Colour"});
    CHECK(orders == std::vector<int>{0, 1, 2, 3, kMapIgnore});
    CHECK(autoMap(Entity::Orders, {"Order Date", "Amount", "Order ID", "Customer"}) == std::vector<int>{2, 3, 0, 1});
    CHECK(guessEntity({"order_id", "customer_id", "ordered_at", "amount"}) == Entity::Orders);
    CHECK(guessEntity({"response_id", "customer_id", "answered_at", "kind", "score"}) == Entity::Surveys);
    CHECK(guessEntity({"customerID", "gender", "tenure"}) == Entity::Customers);
    CHECK(guessEntity({"campaign_id", "customer_id", "responded"}) == Entity::CampaignContacts);
    CHECK(entityFromName("Survey_Responses") == Entity::Surveys);
    CHECK_FALSE(entityFromName("widgets").has_value());
}

TEST_CASE("customers import with custom attributes, flags and dates") {
    Store store = freshStore();
    Db& db = store.db();
    const auto report = mustImport(db,
        "\xEF\xBB\xBF" "Customer ID;Name;Email Address;Signup Date;Churn;Loyalty;Monthly\r\n"
        "C1;Ada Lovelace;ada@example.org;05/03/2024;No;Gold;12,50\r\n"
        "C2;\"Hopper; Grace\";grace@example.org;31/12/2023;Yes;;7\r\n",
        Entity::Customers);
    CHECK(report.rows == 2);
    CHECK(report.inserted == 2);
    CHECK(report.rejected.empty());
    CHECK(text(db, "SELECT name FROM customers WHERE external_id = 'C2'") == "Hopper; Grace");
    CHECK(text(db, "SELECT signup_date FROM customers WHERE external_id = 'C1'") == "2024-03-05");
    CHECK(count(db, "SELECT churned FROM customers WHERE external_id = 'C2'") == 1);
    CHECK(text(db, "SELECT value FROM customer_attributes WHERE name = 'Loyalty' AND customer_id = (SELECT id FROM customers WHERE external_id = 'C1')") == "Gold");
    CHECK(text(db, "SELECT value FROM customer_attributes WHERE name = 'Loyalty' AND customer_id = (SELECT id FROM customers WHERE external_id = 'C2')") == "<null>");
    CHECK(text(db, "SELECT value FROM customer_attributes WHERE name = 'Monthly' AND customer_id = 1") == "12,50");
}

#ifndef __EMSCRIPTEN__
TEST_CASE("the IBM Telco churn file imports as a user would bring it (regression, issue 3)") {
    std::ifstream in(RAPPORT_SHARED_DATA "/telco-customer-churn.csv", std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "../shared/data/telco-customer-churn.csv is missing");
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string csv = buffer.str();
    Store store = freshStore();
    Db& db = store.db();
    auto preview = previewImport(db, csv, std::nullopt, {});
    REQUIRE(preview);
    CHECK(preview->entity == Entity::Customers);
    CHECK(preview->rows.size() == 100);
    CHECK(preview->issues.empty());
    const auto report = mustImport(db, csv, Entity::Customers, named("telco-customer-churn.csv"));
    CHECK(report.rows == 7043);
    CHECK(report.inserted == 7043);
    CHECK(report.rejected.empty());
    CHECK(count(db, "SELECT count(*) FROM customers") == 7043);
    CHECK(count(db, "SELECT sum(churned) FROM customers") == 1869);
    CHECK(count(db, "SELECT count(DISTINCT name) FROM customer_attributes") == 18);
    CHECK(count(db, "SELECT count(*) FROM customer_attributes WHERE name = 'TotalCharges' AND value IS NULL") == 11);
    CHECK(text(db, "SELECT value FROM customer_attributes WHERE name = 'Contract' AND customer_id = (SELECT id FROM customers WHERE external_id = '7590-VHVEG')") == "Month-to-month");
    CHECK(text(db, "SELECT gender FROM customers WHERE external_id = '7590-VHVEG'") == "Female");
}
#endif

TEST_CASE("every validation rule rejects the row and reports row, column, value and reason") {
    Store store = freshStore();
    Db& db = store.db();
    mustImport(db, "customer_id,name\nC1,Ada\n", Entity::Customers);
    const std::string csv =
        "order_id,customer_id,ordered_at,amount,quantity\n"  // line 1
        "O1,C1,2024-01-05,10.50,1\n"                          // 2 ok
        "O2,C1,2024-02-30,10,1\n"                             // 3 bad date
        "O3,C1,2024-01-05,ten,1\n"                            // 4 not a number
        "O4,C1,2024-01-05,-5,1\n"                             // 5 negative amount
        ",C1,2024-01-05,5,1\n"                                // 6 missing id
        "O1,C1,2024-01-06,5,1\n"                              // 7 duplicate id in file
        "O7,C404,2024-01-05,5,1\n"                            // 8 unknown customer
        "O8,C1,2024-01-05,5\n"                                // 9 wrong column count
        "O9,C1,2024-01-05,5,\xC3\x28\n"                       // 10 invalid UTF-8
        "O10,C1,2024-01-05,5,1.5\n"                           // 11 not a whole number
        "\n"                                                  // 12 blank: skipped silently
        "O11,\"C1\",\"2024-01-07T10:30:00\",\"1,234.50\",2\n";  // 13 ok
    ImportOptions options;
    options.unknownCustomers = UnknownCustomers::Reject;
    const auto report = mustImport(db, csv, Entity::Orders, options);
    CHECK(report.inserted == 2);
    REQUIRE(report.rejected.size() == 9);
    const std::vector<std::string> expected = {
        "3|ordered_at|2024-02-30|not a date (expected YYYY-MM-DD)",
        "4|amount|ten|not a number",
        "5|amount|-5|negative amount",
        "6|order_id||missing order_id",
        "7|order_id|O1|duplicate id in this file",
        "8|customer_id|C404|unknown customer",
        "9|||has 4 fields, the header has 5",
        "10|quantity|\xEF\xBF\xBD(|not valid UTF-8 text",
        "11|quantity|1.5|not a whole number",
    };
    for (size_t i = 0; i < expected.size(); ++i) CHECK(describe(report.rejected[i]) == expected[i]);
    CHECK(text(db, "SELECT amount FROM orders WHERE external_id = 'O11'") == "1234.5");
    CHECK(text(db, "SELECT ordered_at FROM orders WHERE external_id = 'O11'") == "2024-01-07T10:30:00");
    // The report downloads as CSV.
    const std::string out = reportCsv(report);
    CHECK(out.find("row,column,value,reason\r\n3,ordered_at,2024-02-30,not a date (expected YYYY-MM-DD)\r\n") == 0);
}

TEST_CASE("ids repeated within a file are reported whether the table was empty (checked at the end) or not (row by row)") {
    Store store = freshStore();
    Db& db = store.db();
    // Into an empty table the unique index is built once at the end; the later copies of an
    // id go, in file order, with the first kept; the index is back afterwards.
    const std::string first =
        "interaction_id,customer_id,occurred_at,channel\n"
        "I1,C1,2024-01-05,email\n"      // 2
        "I2,C1,2024-01-06,phone\n"      // 3
        "I1,C2,2024-01-07,chat\n"       // 4 duplicate of line 2
        "I3,C2,2024-01-08,bad\n"        // 5 not a channel
        "I2,C3,2024-01-09,email\n"      // 6 duplicate of line 3
        "I1,C3,2024-01-10,email\n"      // 7 duplicate of line 2
        "I4,C3,2024-01-11,ticket\n";    // 8
    auto r = mustImport(db, first, Entity::Interactions);
    CHECK(r.inserted == 3);
    REQUIRE(r.rejected.size() == 4);
    CHECK(describe(r.rejected[0]) == "4|interaction_id|I1|duplicate id in this file");
    CHECK(describe(r.rejected[1]) == "5|channel|bad|must be one of email,phone,chat,meeting,ticket,social");
    CHECK(describe(r.rejected[2]) == "6|interaction_id|I2|duplicate id in this file");
    CHECK(describe(r.rejected[3]) == "7|interaction_id|I1|duplicate id in this file");
    CHECK(text(db, "SELECT group_concat(external_id || ':' || occurred_at, ' ') FROM (SELECT * FROM interactions ORDER BY id)") ==
          "I1:2024-01-05 I2:2024-01-06 I4:2024-01-11");
    CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('interactions_external_id', 'interactions_customer')") == 2);
    CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'rapport_import_keys'") == 0);
    // The customers the repeated rows named were created, as a row-by-row check does.
    CHECK(r.customersCreated == 3);
    // Into a table with rows, the index is live: a repeat within the file and a clash with
    // an existing id are told apart.
    ImportOptions createOnly;
    createOnly.mode = ImportMode::CreateOnly;
    r = mustImport(db, "interaction_id,customer_id,occurred_at\nI5,C1,2024-02-01\nI5,C1,2024-02-02\nI4,C1,2024-02-03\n",
                   Entity::Interactions, createOnly);
    CHECK(r.inserted == 1);
    REQUIRE(r.rejected.size() == 2);
    CHECK(describe(r.rejected[0]) == "3|interaction_id|I5|duplicate id in this file");
    CHECK(describe(r.rejected[1]) == "4|interaction_id|I4|already exists (create only)");
    // Undo takes back what the first import created, leaving no row and no duplicate.
    REQUIRE(undoLastImport(db));
    REQUIRE(undoLastImport(db));
    CHECK(count(db, "SELECT count(*) FROM interactions") == 0);
    // A database cannot hold two orders with one id, whichever way they come.
    REQUIRE(db.exec("INSERT INTO customers (id, external_id) VALUES (100, 'X')"));
    REQUIRE(db.exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('O1', 100, '2024-01-01', 1)"));
    CHECK_FALSE(db.exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('O1', 100, '2024-01-02', 2)"));
}

TEST_CASE("rows into an empty table go in batches: every row lands in file order, and a row that cannot be saved is the only one lost") {
    Store store = freshStore();
    Db& db = store.db();
    // Rules the cells' checks do not know (here triggers) make a batch fail. One that
    // aborts takes the whole statement back (no row of it stays); one that fails keeps the
    // rows before it. Either way the rest are tried one by one, so only the failing row is
    // reported. 100 rows: three full batches of 32 and the last four alone, a row that
    // fails in the first batch, one that aborts in the second and a repeated id in the third.
    REQUIRE(db.exec("CREATE TRIGGER no_thirteen BEFORE INSERT ON orders WHEN new.amount = 13"
                    " BEGIN SELECT RAISE(ABORT, 'thirteen is not allowed'); END"));
    REQUIRE(db.exec("CREATE TRIGGER no_seventeen BEFORE INSERT ON orders WHEN new.amount = 17"
                    " BEGIN SELECT RAISE(FAIL, 'seventeen is not allowed'); END"));
    std::string csv = "order_id,customer_id,ordered_at,amount\n";
    for (int i = 1; i <= 100; ++i) {
        const int id = i == 80 ? 7 : i;  // line 81 repeats O7
        csv += "O" + std::to_string(id) + ",C" + std::to_string(i % 45) + ",2024-03-" + std::to_string(10 + i % 19) + "," +
               std::to_string(i == 40 ? 13 : i == 20 ? 17 : 100 + i) + "\n";
    }
    const auto r = mustImport(db, csv, Entity::Orders);
    CHECK(r.inserted == 97);
    REQUIRE(r.rejected.size() == 3);
    CHECK(describe(r.rejected[0]) == "21|||could not be saved: The change conflicts with existing data");
    CHECK(describe(r.rejected[1]) == "41|||could not be saved: The change conflicts with existing data");
    CHECK(describe(r.rejected[2]) == "81|order_id|O7|duplicate id in this file");
    CHECK(count(db, "SELECT count(*) FROM orders") == 97);
    // Rows keep the file's order and their values; the first O7 is the one kept.
    CHECK(count(db, "SELECT count(*) FROM orders o WHERE o.id < (SELECT max(p.id) FROM orders p)"
                    " AND (SELECT q.amount FROM orders q WHERE q.id > o.id ORDER BY q.id LIMIT 1) <= o.amount") == 0);
    CHECK(text(db, "SELECT amount || ' ' || ordered_at FROM orders WHERE external_id = 'O7'") == "107.0 2024-03-17");
    CHECK(text(db, "SELECT amount FROM orders WHERE external_id = 'O100'") == "200.0");
    CHECK(text(db, "SELECT external_id FROM customers WHERE id = (SELECT customer_id FROM orders WHERE external_id = 'O100')") == "C10");
    // The 45 customers the file names were made in the order it names them, each with the
    // next id, and every order points at its own.
    CHECK(r.customersCreated == 45);
    CHECK(count(db, "SELECT count(*) FROM customers") == 45);
    CHECK(count(db, "SELECT count(*) FROM customers WHERE external_id = 'C' || (id % 45)") == 45);
    CHECK(count(db, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                    " WHERE c.external_id = 'C' || (CAST(substr(o.external_id, 2) AS INTEGER) % 45)") == 97);
    CHECK(count(db, "SELECT count(*) FROM orders WHERE amount IN (13, 17)") == 0);
    // Undo takes every row back, the customers it made too.
    REQUIRE(undoLastImport(db));
    CHECK(count(db, "SELECT count(*) FROM orders") == 0);
    CHECK(count(db, "SELECT count(*) FROM customers") == 0);
}

TEST_CASE("customers made for unknown ids: only for rows that are kept, the same name however it is written, in the order the rows name them") {
    Store store = freshStore();
    Db& db = store.db();
    // C5's only row has a bad date and C6's too few fields, so neither is made; " C7 " and
    // the quoted "C7" are C7.
    const auto first = mustImport(db, "order_id,customer_id,ordered_at,amount\n"
                                      "O1,C7,2024-01-02,10\nO2,C5,2024-13-45,10\nO3, C7 ,2024-01-03,11\n"
                                      "O4,C6,2024-01-04\nO5,\"C7\",2024-01-05,12\nO6,C10,2024-01-06,13\n",
                                  Entity::Orders);
    CHECK(first.inserted == 4);
    CHECK(first.customersCreated == 2);
    CHECK(first.rejected.size() == 2);
    CHECK(count(db, "SELECT count(*) FROM customers") == 2);
    CHECK(count(db, "SELECT count(*) FROM customers WHERE external_id IN ('C5', 'C6')") == 0);
    CHECK(count(db, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = 'C7'") == 3);
    CHECK(count(db, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = 'C10'") == 1);
    CHECK(text(db, "SELECT group_concat(external_id) FROM (SELECT external_id FROM customers ORDER BY id)") == "C7,C10");
    // With customers already there, new ones get the next ids as the rows name them (more
    // than one batch of 32), and the known ones are found.
    std::string csv = "order_id,customer_id,ordered_at,amount\n";
    for (int i = 1; i <= 80; ++i) csv += "P" + std::to_string(i) + ",N" + std::to_string(i % 40) + ",2024-02-01,5\n";
    csv += "P81,C7,2024-02-02,6\n";
    const int64_t before = count(db, "SELECT max(id) FROM customers");
    const auto second = mustImport(db, csv, Entity::Orders);
    CHECK(second.inserted == 81);
    CHECK(second.customersCreated == 40);
    CHECK(second.rejected.empty());
    CHECK(count(db, "SELECT count(*) FROM customers") == 42);
    CHECK(count(db, "SELECT count(*) FROM customers WHERE id > " + std::to_string(before) +
                    " AND external_id = 'N' || ((id - " + std::to_string(before) + ") % 40)") == 40);
    CHECK(count(db, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.external_id LIKE 'P%'"
                    " AND c.external_id = CASE o.external_id WHEN 'P81' THEN 'C7' ELSE 'N' || (CAST(substr(o.external_id, 2) AS INTEGER) % 40) END") == 81);
    REQUIRE(undoLastImport(db));
    CHECK(count(db, "SELECT count(*) FROM customers") == 2);
    CHECK(count(db, "SELECT count(*) FROM orders") == 4);
}

TEST_CASE("batched rows keep texts the importer rewrote: unescaped quotes, reordered dates, lower-cased choices") {
    Store store = freshStore();
    Db& db = store.db();
    // Each row's texts differ, so a batch that kept a pointer into a reused buffer would
    // store one row's text for another (batches of 32: rows 1-64 in two, the rest alone).
    std::string csv = "interaction_id,customer_id,occurred_at,channel,topic\n";
    const char* channels[] = {"Email", "PHONE", "chat", "Meeting"};
    for (int i = 1; i <= 70; ++i) {
        csv += "I" + std::to_string(i) + ",C" + std::to_string(i % 5) + ",03/" + std::to_string(1 + i % 28) + "/2024," +
               channels[i % 4] + ",\"Topic \"\"" + std::to_string(i) + "\"\", plain\"\n";
    }
    const auto r = mustImport(db, csv, Entity::Interactions);
    CHECK(r.inserted == 70);
    CHECK(r.rejected.empty());
    int wrong = 0;
    for (int i = 1; i <= 70; ++i) {
        const std::string where = " FROM interactions WHERE external_id = 'I" + std::to_string(i) + "'";
        char day[3];
        std::snprintf(day, sizeof day, "%02d", 1 + i % 28);
        std::string channel = channels[i % 4];
        for (char& c : channel) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (text(db, "SELECT topic" + where) != "Topic \"" + std::to_string(i) + "\", plain") ++wrong;
        if (text(db, "SELECT occurred_at" + where) != std::string("2024-03-") + day) ++wrong;
        if (text(db, "SELECT channel" + where) != channel) ++wrong;
    }
    CHECK(wrong == 0);
}

TEST_CASE("unknown customers are created when asked (the default), and the choice is honoured") {
    Store store = freshStore();
    Db& db = store.db();
    const auto report = mustImport(db, "response_id,customer_id,answered_at,kind,score,comment\n"
                                       "R1,C9,2024-05-01,NPS,9,Great\nR2,C9,2024-06-01,nps,3,\nR3,C8,2024-06-01,stars,3,\n",
                                   Entity::Surveys);
    CHECK(report.inserted == 2);
    CHECK(report.customersCreated == 1);
    REQUIRE(report.rejected.size() == 1);
    CHECK(describe(report.rejected[0]) == "4|kind|stars|must be one of nps,csat,ces");
    CHECK(count(db, "SELECT count(*) FROM customers WHERE external_id = 'C9'") == 1);
    CHECK(text(db, "SELECT kind FROM survey_responses WHERE external_id = 'R1'") == "nps");
}

TEST_CASE("modes: create only, update only, create and update, and matching on email") {
    Store store = freshStore();
    Db& db = store.db();
    mustImport(db, "customer_id,name,email\nC1,Ada,ada@example.org\nC2,Grace,grace@example.org\n", Entity::Customers);

    ImportOptions createOnly;
    createOnly.mode = ImportMode::CreateOnly;
    auto r = mustImport(db, "customer_id,name\nC2,Changed\nC3,New\n", Entity::Customers, createOnly);
    CHECK(r.inserted == 1);
    REQUIRE(r.rejected.size() == 1);
    CHECK(describe(r.rejected[0]) == "2|customer_id|C2|already exists (create only)");
    CHECK(text(db, "SELECT name FROM customers WHERE external_id = 'C2'") == "Grace");

    ImportOptions updateOnly;
    updateOnly.mode = ImportMode::UpdateOnly;
    r = mustImport(db, "customer_id,name\nC2,Grace Hopper\nC4,Nobody\n", Entity::Customers, updateOnly);
    CHECK(r.updated == 1);
    REQUIRE(r.rejected.size() == 1);
    CHECK(describe(r.rejected[0]) == "3|customer_id|C4|not found (update only)");
    CHECK(text(db, "SELECT name FROM customers WHERE external_id = 'C2'") == "Grace Hopper");
    CHECK(text(db, "SELECT email FROM customers WHERE external_id = 'C2'") == "grace@example.org");  // unmapped: kept

    r = mustImport(db, "customer_id,region\nC1,North\nC5,South\n", Entity::Customers);
    CHECK(r.updated == 1);
    CHECK(r.inserted == 1);

    ImportOptions byEmail;
    byEmail.matchOn = MatchOn::Email;
    byEmail.mode = ImportMode::UpdateOnly;
    r = mustImport(db, "Email Address,Plan\nada@example.org,Premium\nnobody@example.org,Basic\n", Entity::Customers, byEmail);
    CHECK(r.updated == 1);
    REQUIRE(r.rejected.size() == 1);
    CHECK(text(db, "SELECT plan FROM customers WHERE external_id = 'C1'") == "Premium");
}

TEST_CASE("undo last import removes what it created and restores what it updated") {
    Store store = freshStore();
    Db& db = store.db();
    CHECK_FALSE(lastImport(db).has_value());
    CHECK_FALSE(undoLastImport(db));
    mustImport(db, "customer_id,name,Loyalty\nC1,Ada,Gold\nC2,Grace,Silver\n", Entity::Customers, named("first.csv"));
    mustImport(db, "customer_id,name,Loyalty,Colour\nC2,Grace Hopper,Platinum,Blue\nC3,Alan,Bronze,Red\n", Entity::Customers,
               named("second.csv"));
    mustImport(db, "order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-01,5\nO2,C77,2024-01-02,6\n", Entity::Orders,
               named("orders.csv"));
    REQUIRE(lastImport(db).has_value());
    CHECK(lastImport(db)->summary == "orders.csv: 2 created, 0 updated");

    REQUIRE(undoLastImport(db));  // orders.csv: both orders and the minimal customer C77 go
    CHECK(count(db, "SELECT count(*) FROM orders") == 0);
    CHECK(count(db, "SELECT count(*) FROM customers") == 3);

    REQUIRE(undoLastImport(db));  // second.csv: C3 goes, C2 and its attributes come back
    CHECK(count(db, "SELECT count(*) FROM customers") == 2);
    CHECK(text(db, "SELECT name FROM customers WHERE external_id = 'C2'") == "Grace");
    CHECK(text(db, "SELECT value FROM customer_attributes WHERE customer_id = 2 AND name = 'Loyalty'") == "Silver");
    CHECK(count(db, "SELECT count(*) FROM customer_attributes WHERE name = 'Colour'") == 0);

    REQUIRE(undoLastImport(db));  // first.csv
    CHECK(count(db, "SELECT count(*) FROM customers") == 0);
    CHECK(count(db, "SELECT count(*) FROM customer_attributes") == 0);
    CHECK_FALSE(lastImport(db).has_value());
}

TEST_CASE("a cancelled import leaves the database exactly as it was, and mappings are remembered") {
    Store store = freshStore();
    Db& db = store.db();
    std::string csv = "Client,Full Name,Favourite\n";
    for (int i = 0; i < 5000; ++i) csv += "K" + std::to_string(i) + ",Name " + std::to_string(i) + ",x\n";
    ImportOptions options;
    options.mapping = {0, 1, kMapIgnore};  // the user says: ignore "Favourite"
    auto importer = Importer::begin(db, csv, Entity::Customers, options);
    REQUIRE(importer);
    REQUIRE((*importer)->step(1000));
    CHECK((*importer)->progress() > 0.1);
    CHECK((*importer)->progress() < 0.5);
    (*importer)->cancel();
    importer->reset();
    CHECK(count(db, "SELECT count(*) FROM customers") == 0);
    CHECK(count(db, "SELECT count(*) FROM undo_log") == 0);

    mustImport(db, csv, Entity::Customers, options);
    auto preview = previewImport(db, "client,FULL NAME,favourite\nK9,Someone,y\n", std::nullopt, {});
    REQUIRE(preview);
    CHECK(preview->savedMapping);
    CHECK(preview->mapping == std::vector<int>{0, 1, kMapIgnore});
}

TEST_CASE("import refuses files it cannot understand, with a reason") {
    Store store = freshStore();
    Db& db = store.db();
    auto empty = importCsv(db, "", Entity::Customers, {});
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message == "The file is empty.");
    auto noId = importCsv(db, "name,email\nAda,a@x\n", Entity::Customers, {});
    REQUIRE_FALSE(noId);
    CHECK(noId.error().message.find("customer_id") != std::string::npos);
    auto notUtf8 = importCsv(db, "customer_id,n\xE9me\nC1,x\n", Entity::Customers, {});
    REQUIRE_FALSE(notUtf8);
    CHECK(notUtf8.error().message.find("UTF-8") != std::string::npos);
    ImportOptions twice;
    twice.mapping = {0, 0};
    CHECK_FALSE(importCsv(db, "a,b\n1,2\n", Entity::Customers, twice));
}

TEST_CASE("no byte sequence crashes the importer") {
    uint64_t state = 0x2545F4914F6CDD1Dull;
    auto rnd = [&state]() { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; };
    const char alphabet[] = {',', ';', '"', '\n', '\r', 'C', '1', '-', '0', '2', '/', ':', '.', ' ', '\xff', '\xc3', '\0', 'x'};
    for (int round = 0; round < 400; ++round) {
        Store store = freshStore();
        std::string header = round % 2 ? "customer_id,name,x\n" : "order_id,customer_id,ordered_at,amount\n";
        std::string body(rnd() % 300, '\0');
        for (char& c : body) c = alphabet[rnd() % sizeof alphabet];
        const std::string csv = round % 5 == 0 ? body : header + body;
        for (const Entity e : {Entity::Customers, Entity::Orders, Entity::Surveys, Entity::CampaignContacts}) {
            (void)previewImport(store.db(), csv, e, {});
            auto report = importCsv(store.db(), csv, e, {});
            if (report) CHECK(report->inserted + report->updated + static_cast<int64_t>(report->rejected.size()) >= 0);
        }
        CHECK(store.db().queryInt("SELECT count(*) FROM pragma_foreign_key_check").value() == 0);
    }
}

}  // TEST_SUITE

TEST_SUITE("store") {

TEST_CASE("an import leaves foreign keys enforced, whether it commits, is cancelled or is dropped") {
    // The importer turns the per-row foreign key check off for its transaction.
    Store store = freshStore();
    Db& db = store.db();
    const std::string orders = "order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-02,5\nO2,C2,2024-01-03,6\n";
    mustImport(db, orders, Entity::Orders);
    CHECK(count(db, "PRAGMA foreign_keys") == 1);
    CHECK(count(db, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id") == 2);
    {
        auto importer = Importer::begin(db, "order_id,customer_id,ordered_at,amount\nO3,C3,2024-01-04,7\n", Entity::Orders, {});
        REQUIRE(importer);
        CHECK((*importer)->step(10));
        (*importer)->cancel();
    }
    CHECK(count(db, "PRAGMA foreign_keys") == 1);
    {
        auto importer = Importer::begin(db, "order_id,customer_id,ordered_at,amount\nO4,C4,2024-01-05,8\n", Entity::Orders, {});
        REQUIRE(importer);
    }  // dropped unfinished: rolled back
    CHECK(count(db, "PRAGMA foreign_keys") == 1);
    CHECK(count(db, "SELECT count(*) FROM orders") == 2);
    CHECK(count(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    // Enforced again: an order for a customer that does not exist is refused.
    CHECK_FALSE(db.exec("INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('X', 999, '2024-01-01', 1)"));
}

}  // TEST_SUITE
