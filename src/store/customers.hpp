// customers.hpp: queries for the Customers view: filtered and sorted id lists (so the
// table fetches only the rows in view), rows by id, filter choices, footer figures,
// one customer's profile, key figures and timeline; add, edit, and delete with an undo
// that survives reloads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace rapport::store {

// The canonical customer columns, in table order (as in customers.csv).
inline constexpr const char* kCustomerColumns[] = {"external_id", "name", "email", "phone", "company", "region", "channel",
                                                   "plan", "signup_date", "age", "gender", "annual_income", "churned", "churned_at"};
inline constexpr int kCustomerColumnCount = 14;
// The column's index in kCustomerColumns, or -1.
int customerColumnIndex(std::string_view column);
bool isNumericCustomerColumn(int column);  // age, annual_income, churned

struct CustomerFilter {
    std::string search;                     // in name, email, company and id (case-insensitive)
    std::string region, plan, channel;      // exact; "" for any
    std::string attribute, attributeValue;  // a custom attribute's exact value; "" for none
    std::vector<int64_t> only;              // only these ids (a selection or segment); empty: all
    int64_t segmentId = 0;                  // only members of this saved segment; 0: any
};

struct CustomerSort {
    int column = -1;  // index in kCustomerColumns; -1: by internal id (import order)
    bool descending = false;
};

// Ids of the matching customers in sort order.
core::Result<std::vector<int64_t>> customerIds(Db& db, const CustomerFilter& filter, const CustomerSort& sort);

struct CustomerRow {
    int64_t id = 0;
    std::vector<std::string> values;  // kCustomerColumnCount texts ("" for empty)
};
// Rows for these ids, in the same order (missing ids are left out).
core::Result<std::vector<CustomerRow>> customerRows(Db& db, const std::vector<int64_t>& ids);

struct CustomerTotals {
    int64_t count = 0;
    double averageAge = 0, averageIncome = 0, churnRate = 0;
    int64_t churned = 0;
};
core::Result<CustomerTotals> customerTotals(Db& db, const CustomerFilter& filter);

// Distinct non-empty values of a column (region, plan, channel) or of an attribute, most
// frequent first, at most `limit`.
core::Result<std::vector<std::string>> distinctCustomerValues(Db& db, const char* column, int limit = 100);
core::Result<std::vector<std::string>> attributeNames(Db& db);
core::Result<std::vector<std::string>> distinctAttributeValues(Db& db, const std::string& name, int limit = 100);

struct TimelineEvent {
    std::string at;      // ISO date or timestamp
    std::string kind;    // "order", "interaction", "complaint", "nps", "csat", "ces"
    std::string title;   // "Order O123: 54.20 (Apparel)"
    std::string detail;  // comment, outcome...
};

struct CustomerDetail {
    CustomerRow row;
    std::vector<std::pair<std::string, std::string>> attributes;
    int64_t orders = 0;
    double revenue = 0;
    std::string firstOrder, lastOrder;
    std::optional<double> lastNps;
    int64_t interactions = 0, complaints = 0;
    std::vector<TimelineEvent> timeline;  // newest first, at most 200
};
core::Result<CustomerDetail> customerDetail(Db& db, int64_t id);

// Checks a value typed for a column; returns the value to store ("" means empty) or an
// error that says what is expected.
core::Result<std::string> validateCustomerValue(int column, const std::string& text);

// Saves changed columns (already validated) of one customer.
core::Status updateCustomer(Db& db, int64_t id, const std::vector<std::pair<int, std::string>>& changes);
// Adds a customer with the given id and values; returns its internal id.
core::Result<int64_t> addCustomer(Db& db, const std::vector<std::string>& values);

// Deletes customers and everything recorded about them, keeping a copy so the deletion
// can be undone (also after a reload). Returns the undo entry's id.
core::Result<int64_t> deleteCustomers(Db& db, const std::vector<int64_t>& ids);

struct DeletedBatch {
    int64_t undoId = 0;
    std::string when;     // created_at
    int64_t customers = 0;
    std::string names;    // "Ada Lovelace, Grace Hopper and 3 more"
};
// Recent deletions that can still be undone, newest first (the last 20 are kept).
core::Result<std::vector<DeletedBatch>> recentDeletions(Db& db);
core::Status undoDeletion(Db& db, int64_t undoId);

}  // namespace rapport::store
