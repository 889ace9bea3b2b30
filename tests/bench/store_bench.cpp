// store_bench.cpp: the store's own speed, without a browser: CSV import of orders and demo
// generation, on the page VFS as in the browser (the database in memory as chunks). Built
// natively and as wasm (run under Node), so the two can be compared on the same machine.
//   rapport_store_bench [--orders 1000000] [--demo 100000]
// Prints one line per figure.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "store/demo_data.hpp"
#include "store/import.hpp"
#include "store/page_vfs.hpp"
#include "store/store.hpp"

namespace {

using namespace rapport;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The same file the browser benchmark imports (tests/bench/data_bench.mjs, ordersCsv).
std::string ordersCsv(int64_t rows) {
    std::string out = "order_id,customer_id,ordered_at,amount,cost,quantity,category,returned\n";
    out.reserve(static_cast<size_t>(rows) * 80);
    char line[200];
    for (int64_t i = 1; i <= rows; ++i) {
        const int day = 1 + static_cast<int>(i % 28), month = 1 + static_cast<int>(i % 12);
        std::snprintf(line, sizeof line, "O%lld,C%lld,2025-%02d-%02dT10:%02d:00,%.2f,%.2f,%d,Category %d,%d\n",
                      static_cast<long long>(i), static_cast<long long>(1 + i % 20000), month, day,
                      static_cast<int>(i % 60), 10 + static_cast<double>(i % 9000) / 100,
                      5 + static_cast<double>(i % 4000) / 100, 1 + static_cast<int>(i % 3),
                      static_cast<int>(i % 7), i % 50 == 0 ? 1 : 0);
        out += line;
    }
    return out;
}

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

}  // namespace

int main(int argc, char** argv) {
    const int64_t orders = arg(argc, argv, "--orders", 1000000);
    const int64_t demo = arg(argc, argv, "--demo", 100000);
    if (auto s = store::registerPageVfs(); !s) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 1;
    }
    if (orders > 0) {
        const std::string csv = ordersCsv(orders);
        PageDb file("import-bench.db");
        auto st = store::Store::open(file.name, store::StoreOptions{store::kPageVfsName});
        if (!st) { std::fprintf(stderr, "%s\n", st.error().message.c_str()); return 1; }
        const auto t0 = Clock::now();
        auto importer = store::Importer::begin(st->db(), csv, store::Entity::Orders, store::ImportOptions{});
        if (!importer) { std::fprintf(stderr, "%s\n", importer.error().message.c_str()); return 1; }
        while (true) {
            auto more = (*importer)->step(10000);
            if (!more) { std::fprintf(stderr, "%s\n", more.error().message.c_str()); return 1; }
            if (!*more) break;
        }
        const double rowsDone = secondsSince(t0);
        auto report = (*importer)->finish();  // builds the indexes and commits
        const double s = secondsSince(t0);
        if (!report || !report->rejected.empty()) { std::fprintf(stderr, "import failed\n"); return 1; }
        std::printf("import %lld order rows: %.3f s, %.0f rows/s (rows %.3f s, indexes and commit %.3f s)\n",
                    static_cast<long long>(orders), s, orders / s, rowsDone, s - rowsDone);
    }
    if (demo > 0) {
        PageDb file("demo-bench.db");
        auto st = store::Store::open(file.name, store::StoreOptions{store::kPageVfsName});
        if (!st) { std::fprintf(stderr, "%s\n", st.error().message.c_str()); return 1; }
        store::DemoOptions options;
        options.customers = demo;
        options.seed = 1;
        const auto t0 = Clock::now();
        auto counts = store::generateDemo(st->db(), options);
        const double s = secondsSince(t0);
        if (!counts) { std::fprintf(stderr, "%s\n", counts.error().message.c_str()); return 1; }
        std::printf("demo %lld customers (%lld orders): %.3f s\n", static_cast<long long>(demo),
                    static_cast<long long>(counts->orders), s);
    }
    return 0;
}
