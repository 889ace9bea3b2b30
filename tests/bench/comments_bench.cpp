// comments_bench.cpp: comment search at scale, without a browser. A surveys file of
// answers with generated comments (mostly English, some French, German, Spanish,
// Chinese, Japanese and Korean) is imported through the page VFS as in the browser; then
// the size of the comment index, the cost of indexing (at once, and row by row through
// the triggers), and searches with their count and first page of 100. Built natively and
// as wasm (run under Node), so the two can be compared on the same machine.
//   rapport_comments_bench [--comments 1000000] [--runs 5] [--save FILE] [--without-index 1]
// Prints one line per figure.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/random.hpp"
#include "store/comments.hpp"
#include "store/export.hpp"
#include "store/import.hpp"
#include "store/page_vfs.hpp"
#include "store/store.hpp"

namespace {

using namespace rapport;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class T, size_t N>
const T& pick(core::Random& r, const T (&items)[N]) {
    return items[r.below(N)];
}

// ---- Generated comments ----------------------------------------------------------------------

constexpr const char* kTopics[] = {"delivery",   "support",          "billing",          "the app",     "the website",
                                   "checkout",   "the product",      "customer service", "the staff",   "returns",
                                   "pricing",    "the subscription", "the invoice",      "the courier", "the packaging",
                                   "the refund", "the warranty",     "the installation", "the chat",    "the helpline",
                                   "shipping",   "the quality",      "the size",         "the colour",  "the manual",
                                   "the update", "the login",        "the account",      "my order"};
constexpr const char* kGood[] = {"great",   "excellent", "fast",   "friendly",  "reliable",
                                 "helpful", "easy",      "smooth", "quick",     "perfect",
                                 "amazing", "clear",     "polite", "efficient", "simple"};
constexpr const char* kBad[] = {"slow",      "late",       "confusing", "broken",      "rude",
                                "expensive", "unreliable", "useless",   "frustrating", "damaged",
                                "wrong",     "missing",    "poor",      "terrible",    "complicated"};
// The demo generator's phrases (store/demo_data.cpp) and more like them.
constexpr const char* kPositive[] = {"Great service, fast delivery and friendly staff.",
                                     "Always reliable, I recommend you to my friends.",
                                     "Excellent quality for the price.",
                                     "Support solved my problem in minutes.",
                                     "Love the product range.",
                                     "Easy to order and everything arrived on time.",
                                     "Customer service went above and beyond.",
                                     "Best shop I have used this year.",
                                     "The new app makes reordering a breeze.",
                                     "Refund processed the same day, thank you."};
constexpr const char* kNeutral[] = {
    "Good overall, but delivery could be faster.", "Fine, nothing special.",
    "Prices are a bit high for what you get.",     "Decent service, the app could be easier to use.",
    "OK, but I had to wait on the phone.",         "Average experience, some items were out of stock.",
    "The website works but checkout is clunky."};
constexpr const char* kNegative[] = {
    "Billing errors again, very frustrating.",     "Support never answered my ticket.",
    "Delivery was late and the item was damaged.", "Too expensive, thinking of switching.",
    "Poor quality, I returned two orders.",        "Hard to reach anyone when something goes wrong.",
    "The price went up without notice.",           "I was charged twice and nobody helped.",
    "The courier left the parcel in the rain.",    "Cancelled my subscription after the third problem."};
constexpr const char* kOtherLanguages[] = {"Service client très réactif, merci !",
                                           "Le café était offert, livraison rapide.",
                                           "Produit de qualité, un peu cher.",
                                           "Naïve question : pourquoi la facture est-elle fausse ?",
                                           "Très déçu par le délai de livraison.",
                                           "Über die Lieferung bin ich sehr froh.",
                                           "Die Qualität ist großartig, der Preis auch.",
                                           "Kundenservice war schnell und freundlich.",
                                           "Zu teuer und die Rücksendung war mühsam.",
                                           "Atención rápida y envío a tiempo.",
                                           "El pedido llegó dañado, mala experiencia.",
                                           "服务很好，送货很快。",
                                           "客服态度很差，等了很久。",
                                           "质量不错，价格合理。",
                                           "カスタマーサポートがとても親切でした。",
                                           "配送が遅れて残念です。",
                                           "商品の品質に満足しています。",
                                           "고객 서비스가 친절해요.",
                                           "배송이 너무 늦었어요.",
                                           "가격 대비 품질이 좋아요."};

// One comment for a score 0..10: a phrase for the score's group, often a topic with an
// adjective, sometimes an order number (rare words) or a closing word; 8% in another
// language (3% CJK).
std::string comment(core::Random& r, int score) {
    if (r.chance(0.08)) return pick(r, kOtherLanguages);
    const bool good = score >= 9, bad = score <= 6;
    std::string out = good ? pick(r, kPositive) : bad ? pick(r, kNegative) : pick(r, kNeutral);
    if (r.chance(0.6)) {
        std::string topic = pick(r, kTopics);
        topic[0] = static_cast<char>(topic[0] - 'a' + 'A');
        out += " " + topic + " was " + (good || (!bad && r.chance(0.5)) ? pick(r, kGood) : pick(r, kBad)) + ".";
    }
    if (r.chance(0.15)) out += " Order " + std::to_string(10000 + r.below(90000)) + ".";
    if (r.chance(0.2)) out += r.chance(0.5) ? " Thanks!" : " Please fix it.";
    return out;
}

void appendCsvField(std::string& out, const std::string& text) {
    out.push_back('"');
    for (const char c : text) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

// Answers over three years to 2026-10-31, 90% NPS and 10% CSAT, every one with a comment.
std::string surveysCsv(int64_t rows, int64_t customers, uint64_t seed) {
    core::Random r(seed);
    std::string out = "response_id,customer_id,answered_at,kind,score,comment\n";
    out.reserve(static_cast<size_t>(rows) * 100);
    const core::Timestamp end = core::daysFromCivil({2026, 10, 31}) * core::kSecondsPerDay;
    const core::Timestamp start = end - 3 * 365 * core::kSecondsPerDay;
    for (int64_t i = 1; i <= rows; ++i) {
        const bool nps = r.chance(0.9);
        const int score = nps ? static_cast<int>(r.below(11)) : 1 + static_cast<int>(r.below(5));
        const core::Timestamp at = start + static_cast<core::Timestamp>(r.below(static_cast<uint64_t>(end - start)));
        out += "R" + std::to_string(i) + ",C" + std::to_string(1 + r.below(static_cast<uint64_t>(customers))) + "," +
               core::formatIsoTimestamp(at) + (nps ? ",nps," : ",csat,") + std::to_string(score) + ",";
        appendCsvField(out, comment(r, nps ? score : 2 * score));
        out.push_back('\n');
    }
    return out;
}

std::string customersCsv(int64_t customers) {
    std::string out = "customer_id,name\n";
    for (int64_t i = 1; i <= customers; ++i) out += "C" + std::to_string(i) + ",Customer " + std::to_string(i) + "\n";
    return out;
}

// ---- Measuring ------------------------------------------------------------------------------------

struct PageDb {
    store::PageStore pages{65536};
    std::string name;
    explicit PageDb(const std::string& n) : name(n) { store::attachPageStore(name, &pages); }
    ~PageDb() { store::detachPageStore(name); }
};

int64_t arg(int argc, char** argv, const char* name, int64_t fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::atoll(argv[i + 1]);
    return fallback;
}

[[noreturn]] void fail(const core::Error& e) {
    std::fprintf(stderr, "%s (%s)\n", e.message.c_str(), e.detail.c_str());
    std::exit(1);
}

double megabytes(store::Db& db, const char* pragma) {
    return static_cast<double>(db.queryInt(pragma).value_or_empty() *
                               db.queryInt("PRAGMA page_size").value_or_empty()) /
           1e6;
}

bool importCsv(store::Db& db, const std::string& csv, store::Entity entity, double* rowsSeconds) {
    const auto t0 = Clock::now();
    auto importer = store::Importer::begin(db, csv, entity, store::ImportOptions{});
    if (!importer) fail(importer.error());
    while (true) {
        auto more = (*importer)->step(10000);
        if (!more) fail(more.error());
        if (!*more) break;
    }
    if (rowsSeconds != nullptr) *rowsSeconds = secondsSince(t0);
    auto report = (*importer)->finish();
    if (!report) fail(report.error());
    return report->rejected.empty();
}

// Megabytes that dropping `what` would free (then rolled back).
double droppedMegabytes(store::Db& db, const std::string& what) {
    if (!db.exec("BEGIN")) return -1;
    const int64_t before = db.queryInt("PRAGMA freelist_count").value_or_empty();
    const bool dropped = db.exec(what).ok();
    const int64_t after = db.queryInt("PRAGMA freelist_count").value_or_empty();
    (void)db.exec("ROLLBACK");
    return dropped ? static_cast<double>((after - before) * db.queryInt("PRAGMA page_size").value_or_empty()) / 1e6
                   : -1;
}

// Wall time, and natively the process's CPU time too (other work on the machine slows
// the first, not the second; under Node both are wall time).
void timeSearch(store::Db& db, const char* label, const store::CommentQuery& q, int runs) {
    std::vector<double> ms, cpu;
    store::CommentPage page;
    for (int i = 0; i < runs; ++i) {
        const std::clock_t c0 = std::clock();
        auto result = store::searchComments(db, q);
        if (!result) fail(result.error());
        cpu.push_back(1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        page = std::move(*result);
        ms.push_back(page.millis);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("search %-40s %7lld matches, %3zu shown: median %6.1f ms, best %6.1f ms (CPU median %6.1f ms)\n", label,
                static_cast<long long>(page.total), page.hits.size(), ms[ms.size() / 2], ms.front(),
                cpu[cpu.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
    const int64_t comments = arg(argc, argv, "--comments", 1000000);
    const int runs = static_cast<int>(arg(argc, argv, "--runs", 5));
    const int64_t customers = std::max<int64_t>(1, comments * 3 / 10);
    if (auto s = store::registerPageVfs(); !s) fail(s.error());
    const std::string customerFile = customersCsv(customers);
    const std::string surveyFile = surveysCsv(comments, customers, 7);
    std::printf("surveys file: %lld answers with comments, %.1f MB\n", static_cast<long long>(comments),
                static_cast<double>(surveyFile.size()) / 1e6);

    PageDb file("comments-bench.db");
    auto st = store::Store::open(file.name, store::StoreOptions{store::kPageVfsName});
    if (!st) fail(st.error());
    store::Db& db = st->db();
    if (!importCsv(db, customerFile, store::Entity::Customers, nullptr)) fail(core::makeError("customers rejected"));
    const double before = megabytes(db, "PRAGMA page_count");
    // --without-index 1: the schema as before migration 4, to see what the index costs.
    const bool withoutIndex = arg(argc, argv, "--without-index", 0) != 0;
    if (withoutIndex &&
        !db.exec("DROP TRIGGER survey_comments_insert; DROP TRIGGER survey_comments_delete;"
                 "DROP TRIGGER survey_comments_update; DROP TABLE comment_words; DROP TABLE comment_cjk;"
                 "DROP INDEX survey_responses_comments"))
        fail(db.lastError("drop"));

    // The import: rows, then the secondary indexes and the comment index at once, commit.
    const auto t0 = Clock::now();
    double rowsSeconds = 0;
    if (!importCsv(db, surveyFile, store::Entity::Surveys, &rowsSeconds)) fail(core::makeError("surveys rejected"));
    const double importSeconds = secondsSince(t0);
    std::printf("import %lld surveys with comments: %.2f s (rows %.2f s, indexes, comment index and commit %.2f s)\n",
                static_cast<long long>(comments), importSeconds, rowsSeconds, importSeconds - rowsSeconds);
    if (withoutIndex) {
        std::printf("database: %.1f MB before the surveys, %.1f MB after (no comment index)\n", before,
                    megabytes(db, "PRAGMA page_count"));
        const auto t2 = Clock::now();
        if (auto s = store::undoLastImport(db); !s) fail(s.error());
        std::printf("undo of the import: %.2f s\n", secondsSince(t2));
        return 0;
    }
    std::printf(
        "database: %.1f MB before the surveys, %.1f MB after; comment index %.1f MB: words %.1f MB, CJK trigrams %.1f "
        "MB,"
        " comments index %.1f MB\n",
        before, megabytes(db, "PRAGMA page_count"),
        droppedMegabytes(db, "DROP TABLE comment_words; DROP TABLE comment_cjk; DROP INDEX survey_responses_comments"),
        droppedMegabytes(db, "DROP TABLE comment_words"), droppedMegabytes(db, "DROP TABLE comment_cjk"),
        droppedMegabytes(db, "DROP INDEX survey_responses_comments"));

    // Indexing every comment at once, as the import's finish and the migration do.
    {
        const auto t1 = Clock::now();
        if (!db.exec("BEGIN") || !store::rebuildCommentIndex(db) || !db.exec("COMMIT")) fail(db.lastError("rebuild"));
        std::printf("comment index rebuilt from %lld comments: %.2f s\n", static_cast<long long>(comments),
                    secondsSince(t1));
    }

    // Row by row, as edits and imports into a table with rows do: with and without the triggers.
    {
        const int64_t extra = std::min<int64_t>(20000, comments);
        core::Random r(99);
        std::vector<std::string> texts;
        for (int64_t i = 0; i < extra; ++i) texts.push_back(comment(r, static_cast<int>(r.below(11))));
        auto insertRows = [&](bool triggers) {
            if (!db.exec("BEGIN")) fail(db.lastError("begin"));
            if (!triggers && !db.exec("DROP TRIGGER survey_comments_insert")) fail(db.lastError("drop"));
            auto ins = store::Stmt::prepare(
                db,
                "INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score, comment)"
                " VALUES (?, 1, '2026-11-01', 'nps', 5, ?)");
            if (!ins) fail(ins.error());
            const auto t = Clock::now();
            for (int64_t i = 0; i < extra; ++i) {
                ins->reset();
                ins->bind(1, std::string_view("X" + std::to_string(i)))
                    .bind(2, std::string_view(texts[static_cast<size_t>(i)]));
                if (auto s = ins->run(); !s) fail(s.error());
            }
            const double us = secondsSince(t) * 1e6 / static_cast<double>(extra);
            (void)db.exec("ROLLBACK");
            return us;
        };
        const double without = insertRows(false), with = insertRows(true);
        std::printf(
            "insert one by one (%lld rows, one transaction): %.1f us a row with the comment triggers, %.1f us "
            "without\n",
            static_cast<long long>(extra), with, without);
    }

    // Every comment in slices, as a topic count reads them.
    {
        const auto t1 = Clock::now();
        auto reader = store::CommentReader::begin(db, "");
        if (!reader) fail(reader.error());
        int64_t bytes = 0;
        for (bool more = true; more;) {
            auto step = (*reader)->step(10000);
            if (!step) fail(step.error());
            more = *step;
            for (const std::string& t : (*reader)->texts()) bytes += static_cast<int64_t>(t.size());
        }
        std::printf("read all %lld comments (%.1f MB) in slices of 10,000: %.2f s\n",
                    static_cast<long long>((*reader)->rowsRead()), static_cast<double>(bytes) / 1e6, secondsSince(t1));
    }

    // --save FILE: the database as a file, to look into with other tools.
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--save") != 0) continue;
        auto image = store::exportDatabase(db);
        if (!image) fail(image.error());
        if (FILE* out = std::fopen(argv[i + 1], "wb")) {
            std::fwrite(image->data(), 1, image->size(), out);
            std::fclose(out);
        }
    }

    // Searches: the count of all matches and the first page of 100, newest first.
    auto run = [&](const char* label, const std::string& text, auto change) {
        store::CommentQuery query;
        query.text = text;
        change(query);
        timeSearch(db, label, query, runs);
    };
    auto none = [](store::CommentQuery&) {};
    run("one word: delivery", "delivery", none);
    run("two words: late delivery", "late delivery", none);
    run("phrase: \"customer service\"", "\"customer service\"", none);
    run("rare word: cafe", "cafe", none);
    run("common word: the", "the", none);
    run("prefix: deliv", "deliv", none);
    run("one word, detractors: delivery", "delivery", [](store::CommentQuery& x) { x.group = 2; });
    run("one word, last 90 days: delivery", "delivery", [](store::CommentQuery& x) {
        x.from = "2026-08-02";
        x.to = "2026-10-31";
    });
    run("one word, all kinds: delivery", "delivery", [](store::CommentQuery& x) { x.kind = ""; });
    run("one word, page 50: delivery", "delivery", [](store::CommentQuery& x) { x.offset = 4900; });
    run("CJK, 3+ characters: カスタマー", "カスタマー", none);
    run("CJK, 2 characters: 服务", "服务", none);
    run("no text: NPS comments", "", none);
    run("no text, detractors, last 90 days", "", [](store::CommentQuery& x) {
        x.group = 2;
        x.from = "2026-08-02";
    });

    // Undo of the import: every answer deleted again, through the delete trigger.
    const auto t2 = Clock::now();
    if (auto s = store::undoLastImport(db); !s) fail(s.error());
    std::printf("undo of the import: %.2f s\n", secondsSince(t2));
    return 0;
}
