// schema.hpp: the database schema as ordered migrations on PRAGMA user_version.
// Migration i (1-based) brings a database from version i-1 to i. All pending steps run
// in one transaction at start-up: a database is either fully migrated or untouched.
#pragma once

#include <span>
#include <string_view>

#include "store/db.hpp"

namespace rapport::store {

// The ordered migration steps; their count is the current schema version.
std::span<const std::string_view> migrations();
int currentSchemaVersion();

// Applies every pending migration in one transaction. Refuses a database written by a
// newer Rapport (user_version above ours) without touching it.
Status migrate(Db& db);

}  // namespace rapport::store
