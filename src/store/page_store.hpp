// page_store.hpp: the database file as fixed-size chunks in memory, with the record of
// which chunks changed since they were last saved. The page VFS (page_vfs.hpp) reads and
// writes the SQLite main database through it; a PersistenceBackend saves the changed
// chunks of each commit as one atomic unit (IndexedDB in the browser, a fake in tests).
//
// Saving is asynchronous in the browser, and a save can fail (storage full). A chunk
// stays "unsaved" until a save that included it succeeds: a failed save puts its chunks
// back, so the next commit's save carries them again and the saved copy is whole again.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rapport::store {

// One commit's worth of saving: the chunks to write (their current contents) and the
// file's new size. Chunks at or past ceil(size / chunkSize) are to be deleted.
struct SaveRequest {
    uint64_t sequence = 0;
    uint32_t chunkSize = 0;
    uint64_t fileSize = 0;
    std::vector<uint32_t> chunks;               // chunk indexes, ascending
    std::vector<const uint8_t*> data;           // chunkSize bytes each, read in place (see below)
};

// A backend applies saves in the order it receives them, each whole or not at all, and
// after a failed save fails every save already queued behind it (so the saved copy is
// always some committed state, and the chunks of every failed save come back unsaved).
class PersistenceBackend {
public:
    virtual ~PersistenceBackend() = default;
    // Starts saving `request` as one atomic unit. The outcome is reported through
    // PageStore::finishSave, before this returns (synchronous backends) or later (the
    // browser's). The backend may go on reading the chunks in place after it returns (the
    // browser copies a large save in slices, so the work that committed is not held up):
    // while holdsData() says so, the page store calls copyHeldData() before it changes
    // any chunk, so what is saved is always the committed state.
    virtual void save(const SaveRequest& request) = 0;
    virtual bool holdsData() const { return false; }
    virtual void copyHeldData() {}
};

enum class SaveState { Idle, Saving, Failed };

class PageStore {
public:
    static constexpr uint32_t kDefaultChunkSize = 8192;

    explicit PageStore(uint32_t chunkSize = kDefaultChunkSize);

    // ---- the file, as the VFS sees it ----------------------------------------------------
    uint64_t size() const { return size_; }
    // Reads n bytes at offset; bytes past the end read as zero. Returns bytes available.
    uint64_t read(uint64_t offset, void* out, uint64_t n) const;
    void write(uint64_t offset, const void* data, uint64_t n);
    void truncate(uint64_t size);

    // ---- loading a saved copy (start-up) ------------------------------------------------
    // Makes room for chunk `index` of a loaded copy and returns it to be filled: all
    // chunkSize() bytes, which start undefined. The chunk is not marked unsaved. Call
    // setLoadedSize() when done.
    uint8_t* loadChunk(uint32_t index);
    void setLoadedSize(uint64_t size);

    // ---- saving ------------------------------------------------------------------------
    void setBackend(PersistenceBackend* backend) { backend_ = backend; }
    // Called when a commit is complete (the VFS's COMMIT_PHASETWO): hands every unsaved
    // chunk and the size to the backend. Without a backend, nothing happens.
    void save();
    // The backend's answer for a save; `error` is the user-facing reason on failure.
    void finishSave(uint64_t sequence, bool ok, const std::string& error = {});

    bool hasUnsaved() const { return !unsaved_.empty() || sizeUnsaved_; }
    size_t unsavedChunks() const { return unsaved_.size(); }
    size_t savesInFlight() const { return inFlight_.size(); }
    SaveState saveState() const;
    const std::string& lastSaveError() const { return lastError_; }
    uint64_t savesCompleted() const { return savesCompleted_; }
    uint32_t chunkSize() const { return chunkSize_; }
    uint32_t chunkCount() const { return static_cast<uint32_t>(chunks_.size()); }
    const uint8_t* chunk(uint32_t index) const;

private:
    uint8_t* writableChunk(uint32_t index);
    void beforeChange() {
        if (backend_ != nullptr && backend_->holdsData()) backend_->copyHeldData();
    }

    uint32_t chunkSize_;
    uint64_t size_ = 0;
    std::vector<std::unique_ptr<uint8_t[]>> chunks_;  // null: all zero, never written
    std::set<uint32_t> unsaved_;
    bool sizeUnsaved_ = false;
    PersistenceBackend* backend_ = nullptr;
    uint64_t nextSequence_ = 1;
    std::map<uint64_t, std::vector<uint32_t>> inFlight_;  // sequence -> chunks it carries
    std::string lastError_;
    bool lastFailed_ = false;
    uint64_t savesCompleted_ = 0;
};

}  // namespace rapport::store
