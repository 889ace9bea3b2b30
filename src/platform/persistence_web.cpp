#include <emscripten.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/app_host.hpp"
#include "platform/persistence.hpp"
#include "store/page_store.hpp"
#include "store/page_vfs.hpp"

namespace rapport::platform {

namespace {

constexpr const char* kFileName = "rapport.db";

EM_JS(int, js_storage_available, (), { return Module.rapportStorage.state.available ? 1 : 0; });
EM_JS(int, js_storage_writer, (), { return Module.rapportStorage.state.writer ? 1 : 0; });
EM_JS(int, js_storage_lost_writer, (), { return Module.rapportStorage.state.lostWriter ? 1 : 0; });
EM_JS(int, js_storage_persisted, (), { return Module.rapportStorage.state.persisted ? 1 : 0; });
EM_JS(double, js_storage_usage, (), { return Module.rapportStorage.state.usage; });
EM_JS(double, js_storage_quota, (), { return Module.rapportStorage.state.quota; });
EM_JS(int, js_storage_chunk_size, (), { return Module.rapportStorage.state.chunkSize; });
EM_JS(double, js_storage_file_size, (), { return Module.rapportStorage.state.fileSize; });
EM_JS(int, js_storage_meta_known, (), { return Module.rapportStorage.state.metaKnown ? 1 : 0; });
EM_JS(int, js_storage_settled, (), { return Module.rapportStorage.state.settled ? 1 : 0; });
EM_JS(char*, js_storage_message, (), {
    const text = Module.rapportStorage.state.message || "";
    const size = lengthBytesUTF8(text) + 1;
    const ptr = _malloc(size);
    stringToUTF8(text, ptr, size);
    return ptr;
});
EM_JS(int, js_storage_loaded_count, (), { return Module.rapportStorage.loadedIndexes().length; });
EM_JS(void, js_storage_loaded_indexes, (uint32_t* out), {
    Module.rapportStorage.loadedIndexes().forEach((index, i) => { HEAPU32[(out >> 2) + i] = index; });
});
EM_JS(int, js_storage_take_loaded, (uint32_t index, uint8_t* ptr), { return Module.rapportStorage.takeLoaded(index, ptr); });
EM_JS(void, js_storage_drop_loaded, (), { Module.rapportStorage.dropLoaded(); });
EM_JS(void, js_storage_refresh_estimate, (), { Module.rapportStorage.refreshEstimate(); });
EM_JS(void, js_storage_take_over, (), { Module.rapportStorage.takeOver(); });
EM_JS(int, js_storage_save, (double sequence, uint32_t chunkSize, double fileSize, uint32_t count,
                             const uint32_t* indexes, const uint8_t* const* data), {
    return Module.rapportStorage.save(sequence, chunkSize, fileSize, count, indexes, data);
});
EM_JS(void, js_storage_copy_now, (), { Module.rapportStorage.copyNow(); });

std::string storageMessage() {
    char* raw = js_storage_message();
    std::string text(raw);
    std::free(raw);
    return text;
}

class IndexedDbBackend : public store::PersistenceBackend {
public:
    struct Pending { double startedMs; double bytes; };
    std::map<uint64_t, Pending> pending;  // for the save time reported in state()
    bool holding = false;  // persistence.js still copies chunks in place

    void save(const store::SaveRequest& r) override {
        pending[r.sequence] = {emscripten_get_now(), static_cast<double>(r.chunks.size()) * r.chunkSize};
        // The pointers stay valid: the vectors in `r` are not, but JS copies the lists now.
        holding = js_storage_save(static_cast<double>(r.sequence), r.chunkSize, static_cast<double>(r.fileSize),
                                  static_cast<uint32_t>(r.chunks.size()), r.chunks.data(), r.data.data()) != 0;
    }
    bool holdsData() const override { return holding; }
    void copyHeldData() override {
        js_storage_copy_now();
        holding = false;
    }
};

struct Persistence {
    std::unique_ptr<store::PageStore> pages;
    IndexedDbBackend backend;
    bool saving = false;   // this tab saves
    double lastEstimate = 0;
};
Persistence gPersistence;

void useMemoryOnly(app::AppState& app, const std::string& why) {
    (void)app::openStorage(app, ":memory:", app::StorageState::InMemory);
    app.storageMessage = why;
}

// Copies the chunks that have arrived so far into the page store; JS lets go of each.
void takeArrivedChunks(store::PageStore& pages) {
    std::vector<uint32_t> indexes(static_cast<size_t>(js_storage_loaded_count()));
    if (indexes.empty()) return;
    js_storage_loaded_indexes(indexes.data());
    for (const uint32_t index : indexes) {
        uint8_t* chunk = pages.loadChunk(index);
        if (js_storage_take_loaded(index, chunk) == 0) std::memset(chunk, 0, pages.chunkSize());
    }
}

}  // namespace

bool openPersistentStorage(app::AppState& app) {
    auto& p = gPersistence;
    const bool settled = js_storage_settled() != 0;
    if (!settled && js_storage_meta_known() == 0) return false;
    // The saved chunks arrive in ranges while the page starts (persistence.js): each call
    // copies what has come, so the copying overlaps the reading.
    if (!p.pages) p.pages = std::make_unique<store::PageStore>(static_cast<uint32_t>(js_storage_chunk_size()));
    takeArrivedChunks(*p.pages);
    if (!settled) return false;

    if (auto s = store::registerPageVfs(); !s) {
        p.pages.reset();
        useMemoryOnly(app, s.error().message + ": changes are kept in this tab only.");
        return true;
    }
    const bool available = js_storage_available() != 0;
    const bool writer = js_storage_writer() != 0;
    // Storage that failed part of the way: what was copied is no saved copy at all.
    if (!available) p.pages = std::make_unique<store::PageStore>(static_cast<uint32_t>(js_storage_chunk_size()));
    p.pages->setLoadedSize(available ? static_cast<uint64_t>(js_storage_file_size()) : 0);
    js_storage_drop_loaded();

    store::attachPageStore(kFileName, p.pages.get());
    // Open before attaching the backend: a damaged saved copy must never be written to.
    const app::StorageState state = !available ? app::StorageState::InMemory
                                    : writer   ? app::StorageState::Saved
                                               : app::StorageState::ReadOnly;
    if (auto s = app::openStorage(app, kFileName, state, store::StoreOptions{store::kPageVfsName}); !s) {
        store::detachPageStore(kFileName);
        p.pages.reset();
        useMemoryOnly(app, "The saved data in this browser could not be opened (" + s.error().message +
                               "). Rapport started with an empty database in this tab; the saved copy is left untouched.");
        app.lastError = app.storageMessage;
        return true;
    }
    app.storageMessage = storageMessage();
    if (available && writer) {
        p.pages->setBackend(&p.backend);
        p.saving = true;
        // A new database is created by the migration's commit, which saved it already;
        // anything left unsaved (none expected) goes with the next commit.
    }
    app.storageInfo.durable = available && writer;
    return true;
}

void updatePersistentStorage(app::AppState& app) {
    auto& p = gPersistence;
    app.storageInfo.persisted = js_storage_persisted() != 0;
    app.storageInfo.usageBytes = js_storage_usage();
    app.storageInfo.quotaBytes = js_storage_quota();
    const double now = emscripten_get_now();
    if (now - p.lastEstimate > 5000) {
        p.lastEstimate = now;
        js_storage_refresh_estimate();
    }
    if (app.requests.takeOverStorage) {
        app.requests.takeOverStorage = false;
        js_storage_take_over();
    }
    if (!p.pages) return;
    if (p.saving && js_storage_lost_writer() != 0) {
        p.saving = false;
        p.pages->setBackend(nullptr);
        app.storage = app::StorageState::ReadOnly;
        app.storageMessage = storageMessage();
        app.storageInfo.durable = false;
    }
    if (!p.saving) return;
    switch (p.pages->saveState()) {
        case store::SaveState::Saving: app.storage = app::StorageState::Saving; break;
        case store::SaveState::Failed:
            app.storage = app::StorageState::Error;
            app.storageMessage = p.pages->lastSaveError();
            break;
        case store::SaveState::Idle:
            app.storage = app::StorageState::Saved;
            app.storageMessage.clear();
            break;
    }
    if (app.requests.retrySave) {
        app.requests.retrySave = false;
        p.pages->save();
    }
}

bool saveInFlight() { return !gPersistence.backend.pending.empty(); }

}  // namespace rapport::platform

// persistence.js has copied every chunk it was reading in place.
extern "C" EMSCRIPTEN_KEEPALIVE void rapport_save_copied() { rapport::platform::gPersistence.backend.holding = false; }

// IndexedDB's answer for a save (persistence.js).
extern "C" EMSCRIPTEN_KEEPALIVE void rapport_save_done(double sequence, int ok, const char* message) {
    auto& p = rapport::platform::gPersistence;
    const auto seq = static_cast<uint64_t>(sequence);
    if (auto it = p.backend.pending.find(seq); it != p.backend.pending.end()) {
        if (ok != 0) {
            auto& info = rapport::platform::appState().storageInfo;
            info.lastSaveMs = emscripten_get_now() - it->second.startedMs;
            info.lastSaveBytes = it->second.bytes;
            ++info.savesCompleted;
        }
        p.backend.pending.erase(it);
    }
    if (p.pages) p.pages->finishSave(seq, ok != 0, message != nullptr ? message : "");
}
