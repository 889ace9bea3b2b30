// The page store and its VFS: which chunks a commit saves, and that the saved copy is
// always a whole committed state, also when the backend fails half-way.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "store/page_store.hpp"
#include "store/page_vfs.hpp"
#include "store/store.hpp"

using namespace rapport::store;

namespace {

// Stands in for IndexedDB: keeps chunks and a size, applies each save whole or not at
// all, in order. Modes: succeed at once, fail at once, or hold saves until told.
class FakeBackend : public PersistenceBackend {
public:
    enum class Mode { Succeed, Fail, Hold, Defer };
    Mode mode = Mode::Succeed;
    PageStore* store = nullptr;
    std::map<uint32_t, std::vector<uint8_t>> chunks;
    uint64_t fileSize = 0;
    std::vector<size_t> savedChunkCounts;

    struct Held { uint64_t sequence; uint32_t chunkSize; uint64_t fileSize; std::map<uint32_t, std::vector<uint8_t>> data; };
    std::deque<Held> held;

    // Defer: like Hold, and the chunks are read in place until copyHeldData() (as the
    // browser copies a large save in slices).
    struct InPlace { uint64_t sequence; uint32_t chunkSize; uint64_t fileSize; std::vector<uint32_t> chunks; std::vector<const uint8_t*> data; };
    std::vector<InPlace> inPlace;
    int forcedCopies = 0;

    void save(const SaveRequest& r) override {
        if (mode == Mode::Defer) {
            inPlace.push_back({r.sequence, r.chunkSize, r.fileSize, r.chunks, r.data});
            return;
        }
        Held h{r.sequence, r.chunkSize, r.fileSize, {}};
        for (size_t i = 0; i < r.chunks.size(); ++i) h.data[r.chunks[i]].assign(r.data[i], r.data[i] + r.chunkSize);
        if (mode == Mode::Hold) { held.push_back(std::move(h)); return; }
        finish(h, mode == Mode::Succeed);
    }
    bool holdsData() const override { return !inPlace.empty(); }
    void copyHeldData() override {
        ++forcedCopies;
        copyInPlace();
    }
    void copyInPlace() {
        for (const InPlace& p : inPlace) {
            Held h{p.sequence, p.chunkSize, p.fileSize, {}};
            for (size_t i = 0; i < p.chunks.size(); ++i) h.data[p.chunks[i]].assign(p.data[i], p.data[i] + p.chunkSize);
            held.push_back(std::move(h));
        }
        inPlace.clear();
    }

    // Completes the oldest held save.
    void releaseOne(bool ok) {
        copyInPlace();
        REQUIRE_FALSE(held.empty());
        Held h = std::move(held.front());
        held.pop_front();
        finish(h, ok);
    }

    // Completes held saves in order; after a failure, every save queued behind it fails.
    void release(bool ok) {
        copyInPlace();
        while (!held.empty()) {
            Held h = std::move(held.front());
            held.pop_front();
            finish(h, ok);
        }
    }

    void finish(const Held& h, bool ok) {
        if (ok) {
            for (const auto& [index, bytes] : h.data) chunks[index] = bytes;
            fileSize = h.fileSize;
            const uint64_t keep = (fileSize + h.chunkSize - 1) / h.chunkSize;
            chunks.erase(chunks.lower_bound(static_cast<uint32_t>(keep)), chunks.end());
            savedChunkCounts.push_back(h.data.size());
        }
        store->finishSave(h.sequence, ok, ok ? "" : "Storage is full");
    }

    // A fresh page store holding the saved copy, as start-up would load it.
    std::unique_ptr<PageStore> load(uint32_t chunkSize = PageStore::kDefaultChunkSize) const {
        auto copy = std::make_unique<PageStore>(chunkSize);
        for (const auto& [index, bytes] : chunks) std::memcpy(copy->loadChunk(index), bytes.data(), bytes.size());
        copy->setLoadedSize(fileSize);
        return copy;
    }
};

// A database opened through the page VFS on a given page store.
struct PagedDb {
    explicit PagedDb(PageStore& pages, const std::string& name = "test.db") : name(name) {
        REQUIRE(registerPageVfs());
        attachPageStore(name, &pages);
        auto opened = Store::open(name, StoreOptions{kPageVfsName});
        if (!opened) FAIL(opened.error().message << " / " << opened.error().detail);
        store.emplace(std::move(*opened));
    }
    ~PagedDb() { store.reset(); detachPageStore(name); }
    Db& db() { return store->db(); }
    std::string name;
    std::optional<Store> store;
};

void addCustomers(Db& db, int from, int count) {
    REQUIRE(db.exec("BEGIN"));
    auto insert = Stmt::prepare(db, "INSERT INTO customers (external_id, name, email, region) VALUES (?, ?, ?, 'North')");
    REQUIRE(insert);
    for (int i = from; i < from + count; ++i) {
        const std::string id = "C" + std::to_string(i);
        insert->reset();
        insert->bind(1, std::string_view(id)).bind(2, std::string_view("Customer " + id)).bind(3, std::string_view(id + "@example.org"));
        REQUIRE(insert->run());
    }
    REQUIRE(db.exec("COMMIT"));
}

int64_t count(Db& db, const char* sql) { return db.queryInt(sql).value(); }

std::string integrity(Db& db) {
    auto stmt = Stmt::prepare(db, "PRAGMA integrity_check");
    REQUIRE(stmt);
    REQUIRE(stmt->step());
    return stmt->columnText(0);
}

}  // namespace

TEST_SUITE("store") {

TEST_CASE("page store reads, writes across chunk borders and truncates") {
    PageStore pages(512);
    std::vector<uint8_t> data(1500);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
    pages.write(300, data.data(), data.size());
    CHECK(pages.size() == 1800);
    CHECK(pages.chunkCount() == 4);
    CHECK(pages.unsavedChunks() == 4);
    std::vector<uint8_t> back(1500);
    CHECK(pages.read(300, back.data(), back.size()) == 1500);
    CHECK(back == data);
    uint8_t tail[16];
    CHECK(pages.read(1790, tail, sizeof tail) == 10);  // past the end reads as zero
    CHECK(tail[15] == 0);
    pages.truncate(600);
    CHECK(pages.size() == 600);
    CHECK(pages.chunkCount() == 2);
    pages.write(700, data.data(), 4);  // the gap 600..700 reads as zero, not old bytes
    uint8_t gap[100];
    pages.read(600, gap, sizeof gap);
    CHECK(std::all_of(std::begin(gap), std::end(gap), [](uint8_t b) { return b == 0; }));
}

TEST_CASE("each commit saves exactly the chunks it changed, and the saved copy reopens whole") {
    PageStore pages;
    FakeBackend backend;
    backend.store = &pages;
    pages.setBackend(&backend);
    {
        PagedDb paged(pages);
        addCustomers(paged.db(), 0, 3000);
        const size_t total = pages.chunkCount();
        CHECK(total > 40);
        const size_t savesBefore = backend.savedChunkCounts.size();
        REQUIRE(paged.db().exec("UPDATE customers SET name = 'Edited' WHERE external_id = 'C1234'"));
        REQUIRE(backend.savedChunkCounts.size() == savesBefore + 1);  // one save per commit
        CHECK(backend.savedChunkCounts.back() <= 3);                  // the row's page and the header
        CHECK(pages.saveState() == SaveState::Idle);
        CHECK_FALSE(pages.hasUnsaved());
    }
    auto reloaded = backend.load();
    PagedDb again(*reloaded, "reloaded.db");
    CHECK(count(again.db(), "SELECT count(*) FROM customers") == 3000);
    CHECK(count(again.db(), "SELECT count(*) FROM customers WHERE name = 'Edited'") == 1);
    CHECK(integrity(again.db()) == "ok");
}

TEST_CASE("the cost of a save does not grow with the database") {
    auto chunksForOneEdit = [](int customers) {
        PageStore pages;
        FakeBackend backend;
        backend.store = &pages;
        pages.setBackend(&backend);
        PagedDb paged(pages);
        addCustomers(paged.db(), 0, customers);
        REQUIRE(paged.db().exec("UPDATE customers SET email = 'new@example.org' WHERE external_id = 'C500'"));
        return backend.savedChunkCounts.back();
    };
    const size_t small = chunksForOneEdit(1000);
    const size_t large = chunksForOneEdit(30000);
    CHECK(large <= small + 1);  // the index may be one level deeper
}

TEST_CASE("a backend that reads a save's chunks in place is made to copy them before any change, so each save is its commit") {
    PageStore pages;
    FakeBackend backend;
    backend.store = &pages;
    backend.mode = FakeBackend::Mode::Defer;
    pages.setBackend(&backend);
    PagedDb paged(pages);                 // save 1: the new database
    addCustomers(paged.db(), 0, 2000);    // save 2 (its first write made save 1 copy)
    CHECK(backend.forcedCopies == 1);
    CHECK(backend.holdsData());
    REQUIRE(paged.db().exec("UPDATE customers SET name = 'Changed'"));  // save 3, after save 2 was copied
    CHECK(backend.forcedCopies == 2);
    // Deleting most rows and VACUUM shrink the file: the truncation copies first too.
    REQUIRE(paged.db().exec("DELETE FROM customers WHERE id > 10"));    // save 4
    REQUIRE(paged.db().exec("VACUUM"));                                  // save 5
    CHECK(backend.forcedCopies == 4);
    // Each save, applied in turn, gives exactly its commit's state.
    backend.releaseOne(true);
    backend.releaseOne(true);
    {
        auto copy = backend.load();
        PagedDb reopened(*copy, "deferred-2.db");
        CHECK(integrity(reopened.db()) == "ok");
        CHECK(count(reopened.db(), "SELECT count(*) FROM customers") == 2000);
        CHECK(count(reopened.db(), "SELECT count(*) FROM customers WHERE name = 'Changed'") == 0);
    }
    backend.releaseOne(true);
    {
        auto copy = backend.load();
        PagedDb reopened(*copy, "deferred-3.db");
        CHECK(integrity(reopened.db()) == "ok");
        CHECK(count(reopened.db(), "SELECT count(*) FROM customers WHERE name = 'Changed'") == 2000);
    }
    backend.release(true);
    CHECK(pages.saveState() == SaveState::Idle);
    auto copy = backend.load();
    CHECK(copy->size() == pages.size());
    PagedDb reopened(*copy, "deferred-5.db");
    CHECK(integrity(reopened.db()) == "ok");
    CHECK(count(reopened.db(), "SELECT count(*) FROM customers") == 10);
}

TEST_CASE("a rolled-back transaction saves nothing") {
    PageStore pages;
    FakeBackend backend;
    backend.store = &pages;
    pages.setBackend(&backend);
    PagedDb paged(pages);
    addCustomers(paged.db(), 0, 100);
    const size_t saves = backend.savedChunkCounts.size();
    REQUIRE(paged.db().exec("BEGIN; DELETE FROM customers; ROLLBACK"));
    CHECK(backend.savedChunkCounts.size() == saves);
    auto reloaded = backend.load();
    PagedDb again(*reloaded, "rolled.db");
    CHECK(count(again.db(), "SELECT count(*) FROM customers") == 100);
}

TEST_CASE("a failed save loses nothing: the saved copy stays whole and the next save catches up") {
    PageStore pages;
    FakeBackend backend;
    backend.store = &pages;
    pages.setBackend(&backend);
    PagedDb paged(pages);
    addCustomers(paged.db(), 0, 500);

    backend.mode = FakeBackend::Mode::Fail;
    addCustomers(paged.db(), 500, 500);
    CHECK(pages.saveState() == SaveState::Failed);
    CHECK(pages.lastSaveError() == "Storage is full");
    CHECK(pages.hasUnsaved());
    CHECK(count(paged.db(), "SELECT count(*) FROM customers") == 1000);  // the app keeps working
    {
        // What is saved is the last whole commit.
        auto saved = backend.load();
        PagedDb copy(*saved, "after-failure.db");
        CHECK(count(copy.db(), "SELECT count(*) FROM customers") == 500);
        CHECK(integrity(copy.db()) == "ok");
    }

    backend.mode = FakeBackend::Mode::Succeed;
    REQUIRE(paged.db().exec("UPDATE customers SET region = 'South' WHERE external_id = 'C3'"));
    CHECK(pages.saveState() == SaveState::Idle);
    auto saved = backend.load();
    PagedDb copy(*saved, "caught-up.db");
    CHECK(count(copy.db(), "SELECT count(*) FROM customers") == 1000);
    CHECK(count(copy.db(), "SELECT count(*) FROM customers WHERE region = 'South'") == 1);
    CHECK(integrity(copy.db()) == "ok");
}

TEST_CASE("saves in flight: a failure fails the saves behind it, and the next save carries them all") {
    PageStore pages;
    FakeBackend backend;
    backend.store = &pages;
    pages.setBackend(&backend);
    PagedDb paged(pages);
    addCustomers(paged.db(), 0, 200);

    backend.mode = FakeBackend::Mode::Hold;
    addCustomers(paged.db(), 200, 200);
    REQUIRE(paged.db().exec("DELETE FROM customers WHERE external_id IN ('C1', 'C2')"));
    CHECK(pages.savesInFlight() == 2);
    CHECK(pages.saveState() == SaveState::Saving);
    backend.release(false);
    CHECK(pages.saveState() == SaveState::Failed);

    REQUIRE(paged.db().exec("INSERT INTO customers (external_id) VALUES ('late')"));
    CHECK(pages.savesInFlight() == 1);
    backend.release(true);
    CHECK(pages.saveState() == SaveState::Idle);
    auto saved = backend.load();
    PagedDb copy(*saved, "in-flight.db");
    CHECK(count(copy.db(), "SELECT count(*) FROM customers") == 399);
    CHECK(integrity(copy.db()) == "ok");
}

TEST_CASE("a shrinking database deletes the saved chunks past its end") {
    PageStore pages;
    FakeBackend backend;
    backend.store = &pages;
    pages.setBackend(&backend);
    PagedDb paged(pages);
    const size_t empty = backend.chunks.size();  // the schema alone (grows with migrations)
    addCustomers(paged.db(), 0, 5000);
    const size_t before = backend.chunks.size();
    REQUIRE(before > empty + 4);
    REQUIRE(paged.db().exec("DELETE FROM customers WHERE id > 10"));
    REQUIRE(paged.db().exec("VACUUM"));
    CHECK(backend.chunks.size() < before);
    CHECK(backend.chunks.size() <= empty + 1);  // back to about the empty file
    CHECK(backend.fileSize == pages.size());
    auto saved = backend.load();
    PagedDb copy(*saved, "vacuumed.db");
    CHECK(count(copy.db(), "SELECT count(*) FROM customers") == 10);
    CHECK(integrity(copy.db()) == "ok");
}

TEST_CASE("a damaged saved copy is refused with a clear message, never a crash") {
    for (const int seed : {1, 2, 3}) {
        PageStore pages;
        uint8_t* chunk = pages.loadChunk(0);
        for (uint32_t i = 0; i < pages.chunkSize(); ++i) chunk[i] = static_cast<uint8_t>((i * 31 + seed * 17) ^ (i >> 3));
        if (seed == 2) std::memcpy(chunk, "SQLite format 3", 16);  // a valid header, garbage after
        pages.setLoadedSize(pages.chunkSize());
        REQUIRE(registerPageVfs());
        attachPageStore("damaged.db", &pages);
        auto opened = Store::open("damaged.db", StoreOptions{kPageVfsName});
        CHECK_FALSE(opened.ok());
        if (!opened) CHECK_FALSE(opened.error().message.empty());
        detachPageStore("damaged.db");
    }
}

TEST_CASE("opening an unattached name through the page VFS is refused") {
    REQUIRE(registerPageVfs());
    auto opened = Store::open("nobody-attached-this.db", StoreOptions{kPageVfsName});
    CHECK_FALSE(opened.ok());
}

}  // TEST_SUITE
