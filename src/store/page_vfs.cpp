#include "store/page_vfs.hpp"

#include <sqlite3.h>

#include <cstring>
#include <map>
#include <memory>

namespace rapport::store {

namespace {

struct PageFile {
    sqlite3_file base;  // must be first: SQLite sees a sqlite3_file*
    PageStore* store;
    bool isMain;
    PageStore* owned;  // anonymous temporary files: owned, deleted on close
};

std::map<std::string, PageStore*>& attached() {
    static std::map<std::string, PageStore*> files;
    return files;
}

// Named non-main files (a journal may be closed and opened again by name).
std::map<std::string, std::unique_ptr<PageStore>>& scratch() {
    static std::map<std::string, std::unique_ptr<PageStore>> files;
    return files;
}

PageFile* asPage(sqlite3_file* f) { return reinterpret_cast<PageFile*>(f); }

// ---- file methods ----------------------------------------------------------------------

int xClose(sqlite3_file* f) {
    PageFile* p = asPage(f);
    delete p->owned;
    p->owned = nullptr;
    p->store = nullptr;
    return SQLITE_OK;
}

int xRead(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
    const uint64_t got = asPage(f)->store->read(static_cast<uint64_t>(offset), out, static_cast<uint64_t>(n));
    return got < static_cast<uint64_t>(n) ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int xWrite(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
    asPage(f)->store->write(static_cast<uint64_t>(offset), data, static_cast<uint64_t>(n));
    return SQLITE_OK;
}

int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
    asPage(f)->store->truncate(static_cast<uint64_t>(size));
    return SQLITE_OK;
}

// Nothing to flush: the file is memory. Durability comes at COMMIT_PHASETWO below.
int xSync(sqlite3_file*, int) { return SQLITE_OK; }

int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
    *size = static_cast<sqlite3_int64>(asPage(f)->store->size());
    return SQLITE_OK;
}

// One connection per file in this process: locks have nothing to guard.
int xLock(sqlite3_file*, int) { return SQLITE_OK; }
int xUnlock(sqlite3_file*, int) { return SQLITE_OK; }
int xCheckReservedLock(sqlite3_file*, int* out) { *out = 0; return SQLITE_OK; }
// SQLite sends COMMIT_PHASETWO once per committed write transaction, after the last
// write and any truncation of the main file: the moment the file is a whole new state.
int xFileControl(sqlite3_file* f, int op, void*) {
    PageFile* p = asPage(f);
    if (op == SQLITE_FCNTL_COMMIT_PHASETWO && p->isMain) {
        p->store->save();
        return SQLITE_OK;
    }
    return SQLITE_NOTFOUND;
}
int xSectorSize(sqlite3_file*) { return 512; }
int xDeviceCharacteristics(sqlite3_file*) { return SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SAFE_APPEND; }

const sqlite3_io_methods kMethods = {
    1, xClose, xRead, xWrite, xTruncate, xSync, xFileSize, xLock, xUnlock, xCheckReservedLock,
    xFileControl, xSectorSize, xDeviceCharacteristics, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};

// ---- VFS methods -----------------------------------------------------------------------

sqlite3_vfs* defaultVfs() {
    static sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
    return vfs;
}

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
    PageFile* p = asPage(file);
    p->base.pMethods = nullptr;
    p->store = nullptr;
    p->isMain = false;
    p->owned = nullptr;
    if ((flags & SQLITE_OPEN_MAIN_DB) != 0) {
        const auto it = name != nullptr ? attached().find(name) : attached().end();
        if (it == attached().end()) return SQLITE_CANTOPEN;
        p->store = it->second;
        p->isMain = true;
    } else if (name != nullptr) {
        auto& slot = scratch()[name];
        if (!slot) slot = std::make_unique<PageStore>(4096);
        p->store = slot.get();
    } else {
        p->owned = new PageStore(4096);
        p->store = p->owned;
    }
    p->base.pMethods = &kMethods;
    if (outFlags != nullptr) *outFlags = flags;
    return SQLITE_OK;
}

int xDelete(sqlite3_vfs*, const char* name, int) {
    scratch().erase(name);
    return SQLITE_OK;
}

int xAccess(sqlite3_vfs*, const char* name, int, int* out) {
    const auto a = attached().find(name);
    *out = (a != attached().end() && a->second->size() > 0) || scratch().count(name) > 0 ? 1 : 0;
    return SQLITE_OK;
}

int xFullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
    sqlite3_snprintf(size, out, "%s", name);
    return SQLITE_OK;
}

int xRandomness(sqlite3_vfs*, int n, char* out) { return defaultVfs()->xRandomness(defaultVfs(), n, out); }
int xSleep(sqlite3_vfs*, int us) { return defaultVfs()->xSleep(defaultVfs(), us); }
int xCurrentTime(sqlite3_vfs*, double* out) { return defaultVfs()->xCurrentTime(defaultVfs(), out); }
int xGetLastError(sqlite3_vfs*, int, char*) { return 0; }
int xCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
    return defaultVfs()->xCurrentTimeInt64(defaultVfs(), out);
}

}  // namespace

core::Status registerPageVfs() {
    static sqlite3_vfs vfs = {
        2, static_cast<int>(sizeof(PageFile)), 1024, nullptr, kPageVfsName, nullptr,
        xOpen, xDelete, xAccess, xFullPathname, nullptr, nullptr, nullptr, nullptr,
        xRandomness, xSleep, xCurrentTime, xGetLastError, xCurrentTimeInt64, nullptr, nullptr, nullptr,
    };
    if (sqlite3_vfs_find(kPageVfsName) != nullptr) return {};
    if (defaultVfs() == nullptr) return core::makeError("The database engine could not start", "no default VFS");
    const int rc = sqlite3_vfs_register(&vfs, 0);
    if (rc != SQLITE_OK) return core::makeError("The database engine could not start", sqlite3_errstr(rc));
    return {};
}

void attachPageStore(const std::string& fileName, PageStore* store) { attached()[fileName] = store; }
void detachPageStore(const std::string& fileName) { attached().erase(fileName); }

}  // namespace rapport::store
