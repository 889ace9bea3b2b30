// entities.hpp: the six kinds of record Rapport imports and exports, their canonical
// CSV fields (DESIGN.md, "Canonical CSV interchange"), how each field is read, and the
// column names other tools use for them, for automatic mapping.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::store {

enum class Entity { Customers, Orders, Surveys, Interactions, Campaigns, CampaignContacts };

enum class FieldType {
    Key,       // the record's own id (text, required, unique in a file)
    CustomerRef,  // a customer's id
    CampaignRef,  // a campaign's id
    Text,
    Integer,
    Number,
    Money,     // a number that may not be negative
    DateTime,  // stored as YYYY-MM-DDTHH:MM:SS (or the date alone when no time is given)
    Date,      // stored as YYYY-MM-DD
    Flag,      // stored as 0/1
    Choice,    // one of `choices` (case-insensitive), stored in lower case
};

struct FieldSpec {
    const char* name;     // canonical CSV column
    const char* column;   // column in the SQLite table (null: not a column, e.g. a reference)
    FieldType type;
    bool required;
    const char* aliases;  // normalised names (lower case, letters and digits only), space-separated
    const char* choices;  // for Choice: space-separated allowed values
};

struct EntityInfo {
    Entity entity;
    const char* name;    // "customers": the hook's and the CSV file's name
    const char* label;   // "Customers"
    const char* table;   // SQLite table
    std::span<const FieldSpec> fields;
};

std::span<const EntityInfo> allEntities();
const EntityInfo& entityInfo(Entity entity);
// "customers", "orders", "surveys" (or "survey_responses"), "interactions",
// "campaigns", "campaign_contacts" (or "contacts"); case-insensitive.
std::optional<Entity> entityFromName(std::string_view name);

// "Customer ID" -> "customerid": lower case, letters and digits only.
std::string normaliseColumnName(std::string_view name);

// Per file column: the index of a field of the entity, or one of these.
inline constexpr int kMapAttribute = -1;  // keep as a custom attribute (customers)
inline constexpr int kMapIgnore = -2;     // leave out

// Maps each column of `header` by name (canonical names and aliases); every field is
// used at most once. Unmatched columns become attributes for customers and are ignored
// for other entities.
std::vector<int> autoMap(Entity entity, const std::vector<std::string>& header);
// The entity whose fields the header matches best.
Entity guessEntity(const std::vector<std::string>& header);

}  // namespace rapport::store
