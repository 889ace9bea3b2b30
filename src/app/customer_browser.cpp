#include "app/customer_browser.hpp"

#include <algorithm>

#include "app/app_state.hpp"
#include "store/export.hpp"

namespace rapport::app {

namespace {
constexpr int64_t kWindow = 200;           // rows fetched around the one asked for
constexpr auto kSearchPause = std::chrono::milliseconds(250);

void fail(AppState& app, const core::Error& e) { app.lastError = e.message; }
}  // namespace

CustomerBrowser::CustomerBrowser() {
    for (const char* column : {"external_id", "name", "email", "company", "region", "plan", "signup_date", "churned"}) {
        visible[static_cast<size_t>(store::customerColumnIndex(column))] = true;
    }
}

void refreshCustomers(AppState& app) {
    CustomerBrowser& b = app.customers;
    if (!app.store) return;
    if (b.searchInput != b.filter.search && Clock::now() - b.searchTypedAt >= kSearchPause) {
        b.filter.search = b.searchInput;
        b.dirty = true;
    }
    const bool dataChanged = b.seenVersion != app.dataVersion;
    if (!b.dirty && !dataChanged) return;
    store::Db& db = app.store->db();
    if (dataChanged) {
        b.seenVersion = app.dataVersion;
        b.regions = store::distinctCustomerValues(db, "region").value_or_empty();
        b.plans = store::distinctCustomerValues(db, "plan").value_or_empty();
        b.channels = store::distinctCustomerValues(db, "channel").value_or_empty();
        b.attributes = store::attributeNames(db).value_or_empty();
        if (!b.filter.attribute.empty()) b.attributeValues = store::distinctAttributeValues(db, b.filter.attribute).value_or_empty();
        if (auto d = store::recentDeletions(db)) b.deletions = std::move(*d);
        // Forget selected customers that no longer exist.
        if (b.detail) {
            auto detail = store::customerDetail(db, b.detail->row.id);
            if (detail) b.detail = std::move(*detail);
            else b.detail.reset();
        }
    }
    b.dirty = false;
    auto ids = store::customerIds(db, b.filter, b.sort);
    if (!ids) { fail(app, ids.error()); return; }
    b.ids = std::move(*ids);
    if (auto totals = store::customerTotals(db, b.filter)) b.totals = *totals;
    b.cache.clear();
    b.cacheStart = 0;
    if (dataChanged && !b.selected.empty()) {
        std::set<int64_t> present(b.ids.begin(), b.ids.end());
        std::erase_if(b.selected, [&](int64_t id) { return !present.count(id); });
    }
}

const store::CustomerRow* customerAt(AppState& app, int64_t index) {
    CustomerBrowser& b = app.customers;
    if (index < 0 || index >= static_cast<int64_t>(b.ids.size()) || !app.store) return nullptr;
    if (index < b.cacheStart || index >= b.cacheStart + static_cast<int64_t>(b.cache.size())) {
        b.cacheStart = std::max<int64_t>(0, index - kWindow / 4);
        const int64_t end = std::min<int64_t>(static_cast<int64_t>(b.ids.size()), b.cacheStart + kWindow);
        std::vector<int64_t> window(b.ids.begin() + b.cacheStart, b.ids.begin() + end);
        auto rows = store::customerRows(app.store->db(), window);
        if (!rows) { fail(app, rows.error()); b.cache.clear(); return nullptr; }
        b.cache = std::move(*rows);
        if (b.cache.size() != window.size()) { b.dirty = true; return nullptr; }  // changed underneath: refresh
    }
    return &b.cache[static_cast<size_t>(index - b.cacheStart)];
}

void typeCustomerSearch(AppState& app, const std::string& text) {
    app.customers.searchInput = text;
    app.customers.searchTypedAt = Clock::now();
}

void setCustomerSort(AppState& app, int column, bool descending) {
    CustomerBrowser& b = app.customers;
    if (b.sort.column == column && b.sort.descending == descending) return;
    b.sort = {column, descending};
    b.dirty = true;
}

void setAttributeFilter(AppState& app, const std::string& name, const std::string& value) {
    CustomerBrowser& b = app.customers;
    if (name != b.filter.attribute && app.store) {
        b.attributeValues = name.empty() ? std::vector<std::string>{} : store::distinctAttributeValues(app.store->db(), name).value_or_empty();
    }
    b.filter.attribute = name;
    b.filter.attributeValue = value;
    b.dirty = true;
}

void openCustomer(AppState& app, int64_t id) {
    if (!app.store) return;
    auto detail = store::customerDetail(app.store->db(), id);
    if (!detail) { fail(app, detail.error()); return; }
    CustomerEdit edit;
    edit.id = id;
    for (size_t c = 0; c < edit.values.size(); ++c) edit.values[c] = detail->row.values[c];
    app.customers.detail = std::move(*detail);
    app.customers.edit = std::move(edit);
}

void closeCustomer(AppState& app) {
    app.customers.detail.reset();
    app.customers.edit.reset();
}

void startNewCustomer(AppState& app) {
    app.customers.detail.reset();
    CustomerEdit edit;
    edit.values[static_cast<size_t>(store::customerColumnIndex("churned"))] = "0";
    app.customers.edit = std::move(edit);
}

bool saveCustomerEdit(AppState& app) {
    CustomerBrowser& b = app.customers;
    if (!b.edit) return false;
    if (auto s = checkWritable(app); !s) {
        b.edit->saveError = s.error().message;
        return false;
    }
    CustomerEdit& e = *b.edit;
    bool valid = true;
    std::array<std::string, store::kCustomerColumnCount> clean;
    for (int c = 0; c < store::kCustomerColumnCount; ++c) {
        auto v = store::validateCustomerValue(c, e.values[static_cast<size_t>(c)]);
        e.errors[static_cast<size_t>(c)] = v ? "" : v.error().message;
        if (v) clean[static_cast<size_t>(c)] = *v; else valid = false;
    }
    e.saveError.clear();
    if (!valid) { e.saveError = "Some fields need a correction before saving."; return false; }
    int64_t id = e.id;
    if (id == 0) {
        auto added = store::addCustomer(app.store->db(), std::vector<std::string>(clean.begin(), clean.end()));
        if (!added) { e.saveError = added.error().message; return false; }
        id = *added;
    } else {
        std::vector<std::pair<int, std::string>> changes;
        for (int c = 0; c < store::kCustomerColumnCount; ++c) {
            if (!b.detail || clean[static_cast<size_t>(c)] != b.detail->row.values[static_cast<size_t>(c)]) changes.emplace_back(c, clean[static_cast<size_t>(c)]);
        }
        if (auto s = store::updateCustomer(app.store->db(), id, changes); !s) { e.saveError = s.error().message; return false; }
    }
    refreshCounts(app);
    openCustomer(app, id);
    return true;
}

void deleteCustomers(AppState& app, const std::vector<int64_t>& ids) {
    if (auto s = checkWritable(app); !s) { fail(app, s.error()); return; }
    auto undo = store::deleteCustomers(app.store->db(), ids);
    if (!undo) { fail(app, undo.error()); return; }
    for (const int64_t id : ids) app.customers.selected.erase(id);
    if (app.customers.detail && std::find(ids.begin(), ids.end(), app.customers.detail->row.id) != ids.end()) closeCustomer(app);
    refreshCounts(app);
}

void undoCustomerDeletion(AppState& app, int64_t undoId) {
    if (auto s = checkWritable(app); !s) { fail(app, s.error()); return; }
    if (auto s = store::undoDeletion(app.store->db(), undoId); !s) fail(app, s.error());
    refreshCounts(app);
}

void exportSelectedCustomers(AppState& app) {
    if (!app.store || app.customers.selected.empty()) return;
    const store::ExportFilter filter{std::vector<int64_t>(app.customers.selected.begin(), app.customers.selected.end())};
    auto csv = store::exportCsv(app.store->db(), store::Entity::Customers, filter);
    if (!csv) { fail(app, csv.error()); return; }
    app.requests.downloads.push_back({"customers-selected.csv", "text/csv", std::move(*csv)});
}

}  // namespace rapport::app
