// Comment search: words in several languages, CJK substrings, hostile search text, every
// filter, paging, highlights to the byte, and the index following every kind of change
// (edits, imports and their undo, demo data, a restored backup).
#include "store/comments.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/customers.hpp"
#include "store/demo_data.hpp"
#include "store/export.hpp"
#include "store/import.hpp"
#include "store/schema.hpp"
#include "store/segments.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {

Store freshStore() {
    auto store = Store::open(":memory:");
    REQUIRE(store);
    return std::move(*store);
}

void addCustomer(Db& db, int64_t id, const std::string& name = "") {
    auto stmt = Stmt::prepare(db, "INSERT INTO customers (id, external_id, name) VALUES (?, ?, ?)");
    REQUIRE(stmt);
    stmt->bind(1, id).bind(2, std::string_view("C" + std::to_string(id))).bind(3, std::string_view(name));
    REQUIRE(stmt->run());
}

void addResponse(Db& db, int64_t id, int64_t customer, const std::string& at, const std::string& kind, double score,
                 const std::string& comment) {
    auto stmt =
        Stmt::prepare(db,
                      "INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)");
    REQUIRE(stmt);
    stmt->bind(1, id)
        .bind(2, std::string_view("R" + std::to_string(id)))
        .bind(3, customer)
        .bind(4, std::string_view(at))
        .bind(5, std::string_view(kind))
        .bind(6, score)
        .bind(7, std::string_view(comment));
    REQUIRE(stmt->run());
}

// A store whose comments are `texts`: response i+1 by customer 1, NPS 8, one day apart
// (so the newest is the last).
Store withComments(const std::vector<std::string>& texts) {
    Store store = freshStore();
    addCustomer(store.db(), 1, "Ada");
    for (size_t i = 0; i < texts.size(); ++i) {
        const int day = 1 + static_cast<int>(i);
        addResponse(store.db(), static_cast<int64_t>(i + 1), 1,
                    "2024-01-" + std::string(day < 10 ? "0" : "") + std::to_string(day), "nps", 8, texts[i]);
    }
    return store;
}

CommentPage search(Db& db, CommentQuery q) {
    auto page = searchComments(db, q);
    if (!page) FAIL(page.error().message);
    return *page;
}

CommentQuery text(const std::string& t) {
    CommentQuery q;
    q.text = t;
    return q;
}

std::vector<int64_t> ids(const CommentPage& page) {
    std::vector<int64_t> out;
    for (const CommentHit& h : page.hits) out.push_back(h.responseId);
    return out;
}

// The ids a search finds, in increasing order (pages are newest first).
std::vector<int64_t> found(Db& db, const std::string& t) {
    auto out = ids(search(db, text(t)));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> marked(const CommentHit& hit) {
    std::vector<std::string> out;
    for (const auto& [start, end] : hit.highlights)
        out.push_back(hit.comment.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
    return out;
}

using Ids = std::vector<int64_t>;

std::vector<int64_t> column(Db& db, const std::string& sql) {
    auto stmt = Stmt::prepare(db, sql);
    REQUIRE(stmt);
    std::vector<int64_t> out;
    while (stmt->step()) out.push_back(stmt->columnInt(0));
    return out;
}

// The GLOB pattern of the triggers (which comments go to comment_cjk), as they build it.
std::string cjkGlob(Db& db) {
    auto stmt = Stmt::prepare(db, "SELECT sql FROM sqlite_master WHERE name = 'survey_comments_insert'");
    REQUIRE(stmt);
    REQUIRE(stmt->step());
    const std::string sql = stmt->columnText(0);
    const size_t start = sql.find("char(", sql.find("GLOB"));
    REQUIRE(start != std::string::npos);
    auto pattern = Stmt::prepare(db, "SELECT " + sql.substr(start, sql.find(')', start) + 1 - start));
    REQUIRE(pattern);
    REQUIRE(pattern->step());
    return pattern->columnText(0);
}

// Both indexes hold exactly the rows they should, with their kinds, and pass FTS5's and
// SQLite's own checks. (FTS5's check against the content table cannot be used: the
// indexes leave out rows by design, answers without a comment and comments without CJK.)
bool indexIsConsistent(Db& db) {
    const char* kinds = "'kind : (\"nps\" OR \"csat\" OR \"ces\")'";
    for (const char* kind : {"nps", "csat", "ces"}) {
        CAPTURE(kind);
        const std::string k(kind);
        CHECK(
            column(db, "SELECT rowid FROM comment_words WHERE comment_words MATCH 'kind : " + k + "' ORDER BY rowid") ==
            column(db, "SELECT id FROM survey_responses WHERE comment <> '' AND kind = '" + k + "' ORDER BY id"));
    }
    const auto cjk =
        column(db, std::string("SELECT rowid FROM comment_cjk WHERE comment_cjk MATCH ") + kinds + " ORDER BY rowid");
    std::vector<int64_t> expected;
    auto rows = Stmt::prepare(db, "SELECT id FROM survey_responses WHERE comment <> '' AND comment GLOB ? ORDER BY id");
    REQUIRE(rows);
    const std::string glob = cjkGlob(db);
    rows->bind(1, std::string_view(glob));
    while (rows->step()) expected.push_back(rows->columnInt(0));
    CHECK(cjk == expected);
    return db.exec(
               "INSERT INTO comment_words (comment_words) VALUES ('integrity-check');"
               "INSERT INTO comment_cjk (comment_cjk) VALUES ('integrity-check')") &&
           column(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") ==
               std::vector<int64_t>{0};
}

}  // namespace

TEST_SUITE("store") {
    TEST_CASE("comment search on an empty database finds nothing, without error") {
        Store store = freshStore();
        for (const char* t : {"", "delivery", "服务", "\"", "*"}) {
            CAPTURE(t);
            const CommentPage page = search(store.db(), text(t));
            CHECK(page.total == 0);
            CHECK(page.hits.empty());
        }
    }

    TEST_CASE("words match regardless of case and accents, in English, French and German") {
        Store store =
            withComments({"Great Café near the station", "Über-fast delivery!", "A naïve question about BILLING",
                          "The cafeteria food was cold", "Delivered late, très déçu", "uber is not us"});
        Db& db = store.db();
        CHECK(found(db, "cafe") == Ids{1, 4});  // "cafe" begins "cafeteria" too
        CHECK(found(db, "CAFÉ") == Ids{1, 4});
        CHECK(found(db, "\"cafe\"") == Ids{1});  // quoted: the whole word only
        CHECK(found(db, "uber") == Ids{2, 6});
        CHECK(found(db, "über") == Ids{2, 6});
        CHECK(found(db, "naive") == Ids{3});
        CHECK(found(db, "naïve question") == Ids{3});
        CHECK(found(db, "billing") == Ids{3});
        CHECK(found(db, "tres decu") == Ids{5});
        CHECK(found(db, "TRÈS DÉÇU") == Ids{5});
        CHECK(found(db, "deliver") == Ids{2, 5});    // begins "delivery" and "Delivered"
        CHECK(found(db, "delivery late") == Ids{});  // every word must match
        CHECK(found(db, "fast delivery") == Ids{2});
        CHECK(found(db, "\"fast delivery\"") == Ids{2});
        CHECK(found(db, "\"delivery fast\"") == Ids{});  // a phrase keeps its order
        CHECK(found(db, "us") == Ids{6});                // under 3 characters: whole words only ("us", not "question")
        CHECK(found(db, "station cold") == Ids{});
    }

    TEST_CASE("Chinese, Japanese and Korean comments are found by substrings of one character or more") {
        Store store = withComments({"服务很好，送货很快。", "客服态度很差", "カスタマーサポートがとても親切でした",
                                    "고객 서비스가 친절해요", "服务 was great", "Great service"});
        Db& db = store.db();
        // 3 characters and more: the trigram index.
        CHECK(found(db, "服务很") == Ids{1});
        CHECK(found(db, "送货很快") == Ids{1});
        CHECK(found(db, "サポート") == Ids{3});
        CHECK(found(db, "カスタマーサポート") == Ids{3});
        CHECK(found(db, "서비스") == Ids{4});  // inside "서비스가"
        CHECK(found(db, "\"고객 서비스\"") == Ids{4});
        CHECK(found(db, "态度很差") == Ids{2});
        CHECK(found(db, "服务很差") == Ids{});
        // 1 and 2 characters: the CJK comments, one by one.
        CHECK(found(db, "服务") == Ids{1, 5});
        CHECK(found(db, "很快") == Ids{1});  // at the end of the text too
        CHECK(found(db, "很") == Ids{1, 2});
        CHECK(found(db, "サポ") == Ids{3});
        CHECK(found(db, "고객") == Ids{4});
        CHECK(found(db, "친절") == Ids{4});
        // Mixed with words: every term must match.
        CHECK(found(db, "服务 great") == Ids{5});
        CHECK(found(db, "great") == Ids{5, 6});
        CHECK(found(db, "服务很 great") == Ids{});
    }

    TEST_CASE("hostile search text is only ever words: no error, no query syntax, no injection") {
        Store store = withComments({"Use AND or NOT near here", "kind of nice", "e-mail support: slow (very)",
                                    "delivery", "a \"quoted\" word"});
        Db& db = store.db();
        for (const char* t : {"\"",
                              "\"\"",
                              "*",
                              "**",
                              "NEAR(a b)",
                              "NEAR",
                              "a AND b",
                              "OR",
                              "NOT",
                              "(",
                              ")",
                              "()",
                              "col:",
                              ":",
                              "comment:delivery",
                              "kind:nps",
                              "-delivery",
                              "^delivery",
                              "{comment}: delivery",
                              "delivery\"",
                              "'; DROP TABLE survey_responses; --",
                              "\\",
                              "\xff\xfe\x80",
                              "服务\"*",
                              "\"服务",
                              "+",
                              "a OR b NOT c",
                              "delivery*",
                              "NEAR(delivery, 2)",
                              "\"unclosed phrase",
                              "$",
                              "%",
                              "_",
                              "中 OR 文"}) {
            CAPTURE(t);
            auto page = searchComments(db, text(t));
            REQUIRE(page);
        }
        CHECK(db.queryInt("SELECT count(*) FROM survey_responses").value() == 5);
        CHECK(found(db, "AND") == Ids{1});  // the word "and", not an operator
        CHECK(found(db, "NOT near") == Ids{1});
        CHECK(found(db, "NEAR(here)") == Ids{1});
        CHECK(found(db, "kind:nps") == Ids{});  // the words "kind nps", not a column filter
        CHECK(found(db, "nps") == Ids{});       // the index's kind column is not searched
        CHECK(found(db, "kind") == Ids{2});
        CHECK(found(db, "comment:delivery") == Ids{});
        CHECK(found(db, "-delivery") == Ids{4});  // not a NOT
        CHECK(found(db, "e-mail") == Ids{3});
        CHECK(found(db, "support: (very)") == Ids{3});
        CHECK(found(db, "\"quoted\"") == Ids{5});
        CHECK(found(db, "delivery*") == Ids{4});
        // Punctuation alone searches for nothing, so it filters nothing.
        CHECK(search(db, text("*")).total == 5);
        CHECK(search(db, text("( )")).total == 5);
    }

    TEST_CASE("comments are filtered by group, score, kind, dates, segment and customers") {
        Store store = freshStore();
        Db& db = store.db();
        for (int64_t c = 1; c <= 3; ++c) addCustomer(db, c);
        addResponse(db, 1, 1, "2024-01-05", "nps", 10, "late delivery again");
        addResponse(db, 2, 1, "2024-02-01T09:30:00", "nps", 9, "delivery ok");
        addResponse(db, 3, 2, "2024-02-29T23:59:59", "nps", 8, "delivery fine");
        addResponse(db, 4, 2, "2024-03-01", "nps", 7, "delivery slow");
        addResponse(db, 5, 3, "2024-03-15", "nps", 6, "delivery broken");
        addResponse(db, 6, 3, "2024-04-01", "nps", 0, "no delivery");
        addResponse(db, 7, 3, "2024-04-02", "csat", 2, "delivery bad");
        addResponse(db, 8, 3, "2024-04-03", "ces", 5, "");  // no comment: never a hit
        const int64_t segment = createSegment(db, "Two", "{}", std::vector<int64_t>{2}).value();
        auto run = [&](auto change) {
            CommentQuery q = text("delivery");
            change(q);
            CommentPage page = search(db, q);
            CHECK(page.total == static_cast<int64_t>(page.hits.size()));
            return ids(page);
        };
        CHECK(run([](CommentQuery&) {}) == Ids{6, 5, 4, 3, 2, 1});  // NPS by default, newest first
        CHECK(run([](CommentQuery& q) { q.kind = ""; }) == Ids{7, 6, 5, 4, 3, 2, 1});
        CHECK(run([](CommentQuery& q) { q.kind = "csat"; }) == Ids{7});
        CHECK(run([](CommentQuery& q) { q.kind = "ces"; }) == Ids{});
        CHECK(run([](CommentQuery& q) { q.group = 0; }) == Ids{2, 1});
        CHECK(run([](CommentQuery& q) { q.group = 1; }) == Ids{4, 3});
        CHECK(run([](CommentQuery& q) { q.group = 2; }) == Ids{6, 5});
        CHECK(run([](CommentQuery& q) {
                  q.group = 2;
                  q.kind = "";
              }) == Ids{6, 5});  // groups are NPS only
        CHECK(run([](CommentQuery& q) {
                  q.group = 2;
                  q.kind = "csat";
              }) == Ids{});
        CHECK(run([](CommentQuery& q) {
                  q.minScore = 7;
                  q.maxScore = 9;
              }) == Ids{4, 3, 2});
        CHECK(run([](CommentQuery& q) { q.minScore = 9; }) == Ids{2, 1});
        CHECK(run([](CommentQuery& q) { q.maxScore = 0; }) == Ids{6});
        // Dates are inclusive, whole days: a timestamp late on the last day counts.
        CHECK(run([](CommentQuery& q) {
                  q.from = "2024-02-01";
                  q.to = "2024-02-29";
              }) == Ids{3, 2});
        CHECK(run([](CommentQuery& q) { q.from = "2024-03-01"; }) == Ids{6, 5, 4});
        CHECK(run([](CommentQuery& q) { q.to = "2024-01-05"; }) == Ids{1});
        CHECK(run([&](CommentQuery& q) { q.segmentId = segment; }) == Ids{4, 3});
        CHECK(run([](CommentQuery& q) { q.customerIds = {1, 3}; }) == Ids{6, 5, 2, 1});
        CHECK(run([](CommentQuery& q) {
                  q.customerIds = {3};
                  q.group = 2;
                  q.to = "2024-03-31";
              }) == Ids{5});
        // The same filters without text.
        CommentQuery all;
        all.kind = "";
        CHECK(search(db, all).total == 7);
        all.group = 2;
        CHECK(ids(search(db, all)) == Ids{6, 5});
        all.group = -1;
        all.customerIds = {3};
        CHECK(ids(search(db, all)) == Ids{7, 6, 5});

        // Mistakes are reported in words.
        auto fails = [&](auto change, const char* expected) {
            CommentQuery q;
            change(q);
            auto page = searchComments(db, q);
            REQUIRE_FALSE(page);
            CHECK(page.error().message.find(expected) != std::string::npos);
        };
        fails([](CommentQuery& q) { q.kind = "stars"; }, "NPS, CSAT or CES");
        fails([](CommentQuery& q) { q.group = 3; }, "promoters");
        fails([](CommentQuery& q) { q.from = "01/02/2024"; }, "2024-03-31");
        fails([](CommentQuery& q) { q.to = "2024-02-30"; }, "2024-03-31");
    }

    TEST_CASE("pages of results add up to every match, newest first, with the total on each page") {
        Store store = freshStore();
        Db& db = store.db();
        addCustomer(db, 1);
        // 250 matches among 500, two per day so ties on the date fall back to the id.
        REQUIRE(
            db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
                    " INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment)"
                    " SELECT i, 'R' || i, 1, date('2020-01-01', '+' || (i / 2) || ' days'), 'nps', i % 11,"
                    " CASE WHEN i % 2 = 0 THEN 'parcel arrived ' || i ELSE 'nothing to say ' || i END FROM n"));
        std::vector<int64_t> expected;
        for (int64_t i = 500; i >= 2; i -= 2) expected.push_back(i);
        std::vector<int64_t> all;
        for (int offset = 0; offset < 300; offset += 100) {
            CommentQuery q = text("parcel");
            q.offset = offset;
            const CommentPage page = search(db, q);
            CHECK(page.total == 250);
            CHECK(page.hits.size() == (offset < 200 ? 100u : 50u));
            for (const CommentHit& h : page.hits) all.push_back(h.responseId);
        }
        CHECK(all == expected);
        CommentQuery q = text("parcel");
        q.limit = 0;
        CHECK(search(db, q).total == 250);
        q.limit = 10;
        q.offset = 1000;
        CHECK(search(db, q).hits.empty());
    }

    TEST_CASE("many matches are paged the same way whether the newest come first or the matches are old") {
        Store store = freshStore();
        Db& db = store.db();
        addCustomer(db, 1);
        // 3,000 old matches (ids 1..3000), then 30,000 newer comments that do not match: the
        // walk from the newest gives up and the page comes from the matches themselves.
        REQUIRE(
            db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 33000)"
                    " INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment)"
                    " SELECT i, 'R' || i, 1, datetime('2020-01-01', '+' || i || ' minutes'), 'nps', 5,"
                    " CASE WHEN i <= 3000 THEN 'refund please' ELSE 'all good' END FROM n"));
        CommentQuery q = text("refund");
        q.offset = 150;
        const CommentPage old = search(db, q);
        CHECK(old.total == 3000);
        REQUIRE(old.hits.size() == 100);
        CHECK(old.hits.front().responseId == 3000 - 150);
        CHECK(old.hits.back().responseId == 3000 - 249);
        // Matches among the newest: found by the walk.
        CommentQuery good = text("good");
        good.offset = 100;
        const CommentPage recent = search(db, good);
        CHECK(recent.total == 30000);
        REQUIRE(recent.hits.size() == 100);
        CHECK(recent.hits.front().responseId == 33000 - 100);
        CHECK(recent.hits.back().responseId == 33000 - 199);
        // With a filter the count comes from the rows.
        good.minScore = 6;
        CHECK(search(db, good).total == 0);
    }

    TEST_CASE("counts and pages with filters are the same whichever way they are computed") {
        Store store = freshStore();
        Db& db = store.db();
        for (int64_t c = 1; c <= 4; ++c) addCustomer(db, c);
        // 40,000 comments a minute apart; every 13th says "parcel"; scores 0..10 in turn.
        REQUIRE(
            db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)"
                    " INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment)"
                    " SELECT i, 'R' || i, 1 + i % 4, datetime('2020-01-01', '+' || i || ' minutes'), 'nps', i % 11,"
                    " CASE WHEN i % 13 = 0 THEN 'parcel ' || i ELSE 'other ' || i END FROM n"));
        const int64_t segment = createSegment(db, "Three", "{}", std::vector<int64_t>{3}).value();
        // The expected answer, straight from the rows.
        auto expected = [&](const std::string& where) {
            return column(db, "SELECT id FROM survey_responses WHERE comment LIKE 'parcel%' AND " + where +
                                  " ORDER BY answered_at DESC, id DESC");
        };
        auto check = [&](auto change, const std::string& where) {
            const std::vector<int64_t> all = expected(where);
            for (const int offset : {0, 150}) {
                CommentQuery q = text("parcel");
                q.offset = offset;
                change(q);
                const CommentPage page = search(db, q);
                CHECK(page.total == static_cast<int64_t>(all.size()));
                const std::vector<int64_t> want(
                    all.begin() + std::min<size_t>(all.size(), static_cast<size_t>(offset)),
                    all.begin() + std::min<size_t>(all.size(), static_cast<size_t>(offset) + 100));
                CHECK(ids(page) == want);
            }
        };
        // Few rows kept (the walk through them counts), most kept (each match looked up),
        // and filters of every kind.
        check([](CommentQuery& q) { q.from = "2020-01-25"; }, "answered_at >= '2020-01-25'");
        check([](CommentQuery& q) { q.minScore = 0; }, "score >= 0");
        check([](CommentQuery& q) { q.group = 2; }, "score < 7");
        check(
            [](CommentQuery& q) {
                q.group = 0;
                q.to = "2020-01-10";
            },
            "score >= 9 AND answered_at < '2020-01-11'");
        check([&](CommentQuery& q) { q.segmentId = segment; }, "customer_id = 3");
        check(
            [](CommentQuery& q) {
                q.customerIds = {2, 4};
                q.maxScore = 5;
            },
            "customer_id IN (2, 4) AND score <= 5");
    }

    TEST_CASE("a very long search text is searched by its first words, without error") {
        Store store = withComments({"one two three"});
        std::string t;
        for (int i = 0; i < 500; ++i) t += (i % 2 ? "one " : "\"two three\" ");
        CHECK(found(store.db(), t) == Ids{1});
        t = "missing " + t;
        CHECK(found(store.db(), t) == Ids{});
    }

    TEST_CASE("highlights are the exact byte ranges of what matched, accents and CJK included") {
        Store store =
            withComments({"Café crème, CAFE noir", "Delivery was late; deliveries too", "Great service!",
                          "服务很好，服务差", "고객 서비스가 친절해요", "Cafe\xCC\x81 with a combining accent"});
        Db& db = store.db();
        auto hitFor = [&](const std::string& t) {
            const CommentPage page = search(db, text(t));
            REQUIRE(page.hits.size() == 1);
            return page.hits.front();
        };
        const CommentHit cafe = search(db, text("cafe noir")).hits.front();
        CHECK(cafe.responseId == 1);
        CHECK(cafe.highlights == std::vector<std::pair<int, int>>{{0, 5}, {14, 18}, {19, 23}});  // "Café" is 5 bytes
        CHECK(marked(cafe) == std::vector<std::string>{"Café", "CAFE", "noir"});
        // A prefix marks the whole word it begins.
        CHECK(marked(hitFor("deliver")) == std::vector<std::string>{"Delivery", "deliveries"});
        CHECK(marked(hitFor("\"great service\"")) == std::vector<std::string>{"Great service"});
        // CJK: 3 bytes a character. "服务" twice; a trigram match spans its characters.
        CHECK(hitFor("服务").highlights == std::vector<std::pair<int, int>>{{0, 6}, {15, 21}});
        CHECK(hitFor("服务很").highlights == std::vector<std::pair<int, int>>{{0, 9}});
        CHECK(marked(hitFor("서비스")) == std::vector<std::string>{"서비스"});
        CHECK(marked(hitFor("고객 친절")) == std::vector<std::string>{"고객", "친절"});
        // A combining accent belongs to its letter.
        CHECK(marked(hitFor("combining cafe")) == std::vector<std::string>{"Cafe\xCC\x81", "combining"});
        // Overlapping matches merge into one range.
        CHECK(marked(hitFor("service \"great service\"")) == std::vector<std::string>{"Great service"});
        // No text, no highlights.
        CHECK(search(db, CommentQuery{}).hits.front().highlights.empty());
    }

    TEST_CASE("the index follows inserts, edits and deletions of answers") {
        Store store = withComments({"slow delivery"});
        Db& db = store.db();
        CHECK(found(db, "slow") == Ids{1});
        addResponse(db, 2, 1, "2024-02-01", "nps", 3, "slow support");
        CHECK(found(db, "slow") == Ids{1, 2});
        REQUIRE(db.exec("UPDATE survey_responses SET comment = 'fast delivery' WHERE id = 1"));
        CHECK(found(db, "slow") == Ids{2});
        CHECK(found(db, "fast") == Ids{1});
        REQUIRE(db.exec(
            "UPDATE survey_responses SET score = 10, answered_at = '2024-03-01' WHERE id = 1"));  // not the text
        CHECK(found(db, "fast") == Ids{1});
        REQUIRE(db.exec("UPDATE survey_responses SET kind = 'csat' WHERE id = 2"));
        CHECK(found(db, "slow") == Ids{});  // NPS only by default
        CommentQuery csat = text("slow");
        csat.kind = "csat";
        CHECK(ids(search(db, csat)) == Ids{2});
        REQUIRE(db.exec("UPDATE survey_responses SET comment = NULL WHERE id = 1"));
        CHECK(found(db, "fast") == Ids{});
        REQUIRE(db.exec("UPDATE survey_responses SET comment = '服务很好' WHERE id = 1"));
        CHECK(found(db, "服务很") == Ids{1});
        REQUIRE(db.exec("UPDATE survey_responses SET comment = 'plain again' WHERE id = 1"));
        CHECK(found(db, "服务很") == Ids{});
        CHECK(found(db, "服务") == Ids{});
        REQUIRE(db.exec("UPDATE survey_responses SET id = 9 WHERE id = 1"));
        CHECK(found(db, "plain") == Ids{9});
        REQUIRE(db.exec("DELETE FROM survey_responses WHERE id = 9"));
        CHECK(found(db, "plain") == Ids{});
        // Deleting a customer takes their answers, and their comments, with them.
        REQUIRE(db.exec("DELETE FROM customers WHERE id = 1"));
        csat.text = "slow";
        CHECK(search(db, csat).total == 0);
        CHECK(indexIsConsistent(db));
    }

    TEST_CASE("deleting customers takes their comments out of the index, and undoing it puts them back") {
        Store store = freshStore();
        Db& db = store.db();
        addCustomer(db, 1, "Ada");
        addCustomer(db, 2, "Grace");
        addResponse(db, 1, 1, "2024-01-01", "nps", 9, "Café lovely");
        addResponse(db, 2, 2, "2024-01-02", "nps", 2, "服务很差 café");
        const int64_t undo = deleteCustomers(db, {2}).value();
        CHECK(found(db, "cafe") == Ids{1});
        CHECK(found(db, "服务很") == Ids{});
        REQUIRE(undoDeletion(db, undo));
        CHECK(found(db, "cafe") == Ids{1, 2});
        CHECK(found(db, "服务") == Ids{2});
        CHECK(indexIsConsistent(db));
        REQUIRE(store.clearAll());
        CHECK(search(db, CommentQuery{}).total == 0);
        CHECK(found(db, "cafe") == Ids{});
        CHECK(indexIsConsistent(db));
    }

    TEST_CASE("imports index their comments, and their undo takes them out") {
        Store store = freshStore();
        Db& db = store.db();
        ImportOptions options;
        options.fileName = "first.csv";
        // Into an empty table: the triggers pause and the index is built once at the end.
        auto first = importCsv(db,
                               "response_id,customer_id,answered_at,kind,score,comment\n"
                               "R1,C1,2024-01-01,nps,9,Café au lait\n"
                               "R2,C2,2024-01-02,nps,3,服务很差\n"
                               "R3,C2,2024-01-03,csat,4,\n",
                               Entity::Surveys, options);
        REQUIRE(first);
        CHECK(first->inserted == 3);
        CHECK(db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'survey_comments_%'")
                  .value() == 3);
        CHECK(found(db, "cafe") == Ids{1});
        CHECK(found(db, "服务很") == Ids{2});
        CHECK(found(db, "服务") == Ids{2});
        // Into a table with rows: through the triggers, updates included.
        options.fileName = "second.csv";
        auto second = importCsv(db,
                                "response_id,customer_id,answered_at,kind,score,comment\n"
                                "R1,C1,2024-01-01,nps,9,Thé glacé\n"
                                "R4,C3,2024-01-04,nps,10,Café again\n",
                                Entity::Surveys, options);
        REQUIRE(second);
        CHECK(found(db, "cafe") == Ids{4});
        CHECK(found(db, "the glace") == Ids{1});
        REQUIRE(undoLastImport(db));
        CHECK(found(db, "cafe") == Ids{1});
        CHECK(found(db, "the") == Ids{});
        REQUIRE(undoLastImport(db));
        CHECK(search(db, CommentQuery{}).total == 0);
        CHECK(found(db, "服务") == Ids{});
        CHECK(indexIsConsistent(db));

        // A cancelled import into the empty table leaves the triggers and the index as they were.
        auto importer = Importer::begin(
            db, "response_id,customer_id,answered_at,kind,score,comment\nR9,C9,2024-05-01,nps,9,cancelled words\n",
            Entity::Surveys, options);
        REQUIRE(importer);
        REQUIRE((*importer)->step(10));
        (*importer)->cancel();
        CHECK(db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'survey_comments_%'")
                  .value() == 3);
        addCustomer(db, 50);
        addResponse(db, 50, 50, "2024-06-01", "nps", 5, "after the cancel");
        CHECK(found(db, "cancel") == Ids{50});
    }

    TEST_CASE("demo data's comments are all searchable, and rebuilding the index changes nothing") {
        Store store = freshStore();
        Db& db = store.db();
        REQUIRE(generateDemo(db, DemoOptions{300, 5}));
        const int64_t delivery =
            db.queryInt("SELECT count(*) FROM survey_responses WHERE kind = 'nps' AND comment LIKE '%deliver%'")
                .value();
        REQUIRE(delivery > 0);
        CHECK(search(db, text("deliver")).total == delivery);
        CommentQuery all;
        all.kind = "";
        const int64_t comments = db.queryInt("SELECT count(*) FROM survey_responses WHERE comment <> ''").value();
        CHECK(search(db, all).total == comments);
        REQUIRE(rebuildCommentIndex(db));
        CHECK(search(db, text("deliver")).total == delivery);
        CHECK(search(db, all).total == comments);
        CHECK(indexIsConsistent(db));
    }

    TEST_CASE("a backup from before comment search restores, migrates and is searchable") {
        // Version 3, as that release made it, with one comment.
        auto old = Db::open(":memory:");
        REQUIRE(old);
        std::string sql;
        for (int v = 0; v < 3; ++v) sql += std::string(migrations()[static_cast<size_t>(v)]) + ";";
        REQUIRE(old->exec(sql +
                          "PRAGMA user_version = 3;"
                          "INSERT INTO customers (id, external_id) VALUES (1, 'C1');"
                          "INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score, comment)"
                          " VALUES ('R1', 1, '2024-01-01', 'nps', 2, 'Très déçu du service')"));
        const std::string image = exportDatabase(*old).value();
        REQUIRE(checkBackup(image));
        Store store = freshStore();
        REQUIRE(restoreBackup(store.db(), image));
        CHECK(store.db().queryInt("PRAGMA user_version").value() == currentSchemaVersion());
        CHECK(found(store.db(), "decu") == Ids{1});
        // And a backup made now checks and restores, index and all.
        const std::string now = exportDatabase(store.db()).value();
        REQUIRE(checkBackup(now));
        Store other = freshStore();
        // The index of the database restored over is in use: the restore must replace it too.
        addCustomer(other.db(), 1);
        addResponse(other.db(), 1, 1, "2023-01-01", "nps", 9, "before the restore");
        CHECK(found(other.db(), "restore") == Ids{1});
        REQUIRE(restoreBackup(other.db(), now));
        CHECK(found(other.db(), "service") == Ids{1});
        CHECK(found(other.db(), "restore") == Ids{});
        CHECK(indexIsConsistent(other.db()));
    }

    TEST_CASE("the comment reader returns every comment once, in slices, by kind or by id") {
        Store store = freshStore();
        Db& db = store.db();
        addCustomer(db, 1);
        for (int64_t i = 1; i <= 25; ++i)
            addResponse(db, i, 1, "2024-01-01", i % 5 == 0 ? "csat" : "nps", static_cast<double>(i % 11),
                        i % 3 == 0 ? "" : "comment " + std::to_string(i));
        auto readAll = [&](std::string kind, std::vector<int64_t> only, int64_t slice) {
            auto reader = CommentReader::begin(db, std::move(kind), std::move(only));
            REQUIRE(reader);
            std::vector<int64_t> seen;
            bool more = true;
            while (more) {
                auto step = (*reader)->step(slice);
                REQUIRE(step);
                more = *step;
                CHECK(static_cast<int64_t>((*reader)->ids().size()) <= slice);
                for (size_t k = 0; k < (*reader)->ids().size(); ++k) {
                    const int64_t id = (*reader)->ids()[k];
                    CHECK((*reader)->texts()[k] == "comment " + std::to_string(id));
                    CHECK((*reader)->scores()[k] == static_cast<double>(id % 11));
                    CHECK((*reader)->kinds()[k] == (id % 5 == 0 ? "csat" : "nps"));
                    seen.push_back(id);
                }
            }
            CHECK((*reader)->progress() == 1.0);
            CHECK((*reader)->rowsRead() == static_cast<int64_t>(seen.size()));
            return seen;
        };
        std::vector<int64_t> expected;
        for (int64_t i = 1; i <= 25; ++i) {
            if (i % 3 != 0) expected.push_back(i);
        }
        CHECK(readAll("", {}, 4) == expected);
        CHECK(readAll("", {}, 1000) == expected);
        CHECK(readAll("csat", {}, 2) == Ids{5, 10, 20, 25});
        CHECK(readAll("nps", {25, 3, 4, 4, 1, 99}, 2) == Ids{1, 4});
        CHECK_FALSE(CommentReader::begin(db, "stars"));
    }

    TEST_CASE("the CJK ranges of the code are those of the index's trigger") {
        Store store = freshStore();
        const std::string glob = cjkGlob(store.db());
        auto utf8 = [](char32_t c) {
            std::string s;
            if (c < 0x80)
                s += static_cast<char>(c);
            else if (c < 0x800) {
                s += static_cast<char>(0xC0 | (c >> 6));
                s += static_cast<char>(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                s += static_cast<char>(0xE0 | (c >> 12));
                s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                s += static_cast<char>(0x80 | (c & 0x3F));
            } else {
                s += static_cast<char>(0xF0 | (c >> 18));
                s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
                s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                s += static_cast<char>(0x80 | (c & 0x3F));
            }
            return s;
        };
        const char32_t edges[] = {0x1100, 0x11FF, 0x3040, 0x318F, 0x31F0, 0x31FF, 0x3400, 0x4DBF,  0x4E00,
                                  0x9FFF, 0xAC00, 0xD7AF, 0xF900, 0xFAFF, 0xFF66, 0xFFDC, 0x20000, 0x3134F};
        for (const char32_t edge : edges) {
            for (const char32_t c : {static_cast<char32_t>(edge - 1), edge, static_cast<char32_t>(edge + 1)}) {
                CAPTURE(static_cast<uint32_t>(c));
                auto g = Stmt::prepare(store.db(), "SELECT ? GLOB ?");
                REQUIRE(g);
                const std::string text = "a" + utf8(c) + "b";
                g->bind(1, std::string_view(text)).bind(2, std::string_view(glob));
                REQUIRE(g->step());
                CHECK((g->columnInt(0) == 1) == isCjk(c));
            }
        }
        CHECK(isCjk(U'服'));
        CHECK(isCjk(U'カ'));
        CHECK(isCjk(U'고'));
        CHECK_FALSE(isCjk(U'é'));
        CHECK_FALSE(isCjk(U'。'));
    }

}  // TEST_SUITE
