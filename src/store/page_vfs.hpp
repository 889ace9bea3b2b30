// page_vfs.hpp: a small SQLite VFS whose main database file is a PageStore (memory),
// so that each commit's changed chunks can be saved elsewhere as one unit. Other files
// SQLite may open through it (journals, temporary files) live in memory and are never
// saved; open databases on it with journal_mode=MEMORY (Store does).
//
// Commits are made durable when SQLite sends SQLITE_FCNTL_COMMIT_PHASETWO for the main
// file, once per committed write transaction after its last write and truncation: that
// is where PageStore::save() runs. Rolled-back transactions never reach it.
#pragma once

#include <string>

#include "core/result.hpp"
#include "store/page_store.hpp"

namespace rapport::store {

inline constexpr const char* kPageVfsName = "rapport-pages";

// Registers the VFS with SQLite (idempotent).
core::Status registerPageVfs();

// Opening `fileName` through the VFS uses `store` (not owned; it must outlive the
// connection). A name opened without being attached is refused.
void attachPageStore(const std::string& fileName, PageStore* store);
void detachPageStore(const std::string& fileName);

}  // namespace rapport::store
