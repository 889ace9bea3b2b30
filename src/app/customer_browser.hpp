// customer_browser.hpp: the state behind the Customers view: the current search,
// filters and sort, the matching ids (the table fetches only the rows in view), the
// selection, the open customer with an edit buffer, and recent deletions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/jobs.hpp"
#include "store/customers.hpp"

namespace rapport::app {

struct AppState;

struct CustomerEdit {
    int64_t id = 0;  // 0: a new customer
    std::array<std::string, store::kCustomerColumnCount> values;
    std::array<std::string, store::kCustomerColumnCount> errors;
    std::string saveError;
};

struct CustomerBrowser {
    store::CustomerFilter filter;
    std::string onlyLabel;            // what filter.only stands for ("RFM: Champions"), shown as a chip
    store::CustomerSort sort;
    std::string searchInput;          // as typed; applied after a short pause
    Clock::time_point searchTypedAt{};
    bool dirty = true;                // ids and totals need recomputing
    uint64_t seenVersion = 0;         // app.dataVersion when last computed

    std::vector<int64_t> ids;
    store::CustomerTotals totals;
    int64_t cacheStart = 0;
    std::vector<store::CustomerRow> cache;

    std::set<int64_t> selected;
    std::optional<store::CustomerDetail> detail;
    std::optional<CustomerEdit> edit;

    std::array<bool, store::kCustomerColumnCount> visible{};
    std::vector<std::string> regions, plans, channels, attributes, attributeValues;
    std::vector<store::DeletedBatch> deletions;
    std::string error;

    CustomerBrowser();
};

// Recomputes ids, totals and filter choices when the data, filters or sort changed.
void refreshCustomers(AppState& app);
// The row at a position of the current list (fetched with its neighbours on demand).
const store::CustomerRow* customerAt(AppState& app, int64_t index);
void typeCustomerSearch(AppState& app, const std::string& text);
void setCustomerSort(AppState& app, int column, bool descending);
void setAttributeFilter(AppState& app, const std::string& name, const std::string& value);

void openCustomer(AppState& app, int64_t id);
void closeCustomer(AppState& app);
void startNewCustomer(AppState& app);
// Validates every field; saves when all are valid. True when saved.
bool saveCustomerEdit(AppState& app);

void deleteCustomers(AppState& app, const std::vector<int64_t>& ids);
void undoCustomerDeletion(AppState& app, int64_t undoId);
void exportSelectedCustomers(AppState& app);

}  // namespace rapport::app
