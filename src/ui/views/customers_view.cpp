// customers_view.cpp: the Customers view.
//   1. Toolbar      search, filters, columns, add, bulk actions, recent deletions
//   2. Table        sortable, only the rows in view are fetched, selection, footer totals
//   3. Detail       key figures, editable profile, custom attributes, timeline
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/customer_browser.hpp"
#include "app/segmentation.hpp"
#include "core/text_format.hpp"
#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

using store::kCustomerColumnCount;
using store::kCustomerColumns;

constexpr const char* kColumnLabels[kCustomerColumnCount] = {
    "Id", "Name", "Email", "Phone", "Company", "Region", "Channel", "Plan", "Signed up", "Age", "Gender",
    "Annual income", "Churned", "Churned on"};

// A combo over `choices` with "Any" first; returns true when changed.
bool filterCombo(const char* label, std::string& value, const std::vector<std::string>& choices, float width) {
    bool changed = false;
    ImGui::SetNextItemWidth(width);
    const std::string preview = value.empty() ? std::string("Any ") + label : value;
    const std::string id = std::string("##") + label;
    if (ImGui::BeginCombo(id.c_str(), preview.c_str())) {
        if (ImGui::Selectable((std::string("Any ") + label).c_str(), value.empty())) { value.clear(); changed = true; }
        for (const std::string& c : choices) {
            if (ImGui::Selectable(c.c_str(), c == value)) { value = c; changed = true; }
        }
        ImGui::EndCombo();
    }
    return changed;
}

// ---- 1. Toolbar -------------------------------------------------------------------------

void drawToolbar(app::AppState& app) {
    app::CustomerBrowser& b = app.customers;
    char search[256];
    std::snprintf(search, sizeof search, "%s", b.searchInput.c_str());
    ImGui::SetNextItemWidth(dp(260));
    if (ImGui::InputTextWithHint("##search", ICON_USERS "  Search name, email, company or id", search, sizeof search)) {
        app::typeCustomerSearch(app, search);
    }
    recordItem("Search customers");
    ImGui::SameLine();
    bool changed = false;
    changed |= filterCombo("region", b.filter.region, b.regions, dp(140));
    ImGui::SameLine();
    changed |= filterCombo("plan", b.filter.plan, b.plans, dp(140));
    ImGui::SameLine();
    changed |= filterCombo("channel", b.filter.channel, b.channels, dp(140));
    if (!b.attributes.empty()) {
        ImGui::SameLine();
        std::string name = b.filter.attribute;
        if (filterCombo("attribute", name, b.attributes, dp(150))) app::setAttributeFilter(app, name, "");
        if (!b.filter.attribute.empty()) {
            ImGui::SameLine();
            std::string value = b.filter.attributeValue;
            if (filterCombo("value", value, b.attributeValues, dp(140))) app::setAttributeFilter(app, b.filter.attribute, value);
        }
    }
    // Saved segments (Segments view) filter the table too.
    const std::vector<store::SegmentInfo>& segments = app::savedSegments(app);
    if (!segments.empty()) {
        ImGui::SameLine();
        std::string current = "Any segment";
        for (const store::SegmentInfo& seg : segments) {
            if (seg.id == b.filter.segmentId) current = seg.name;
        }
        ImGui::SetNextItemWidth(dp(160));
        if (ImGui::BeginCombo("##segment", current.c_str())) {
            if (ImGui::Selectable("Any segment", b.filter.segmentId == 0)) { b.filter.segmentId = 0; changed = true; }
            for (const store::SegmentInfo& seg : segments) {
                const std::string item = seg.name + " (" + core::formatCount(seg.size) + ")";
                if (ImGui::Selectable(item.c_str(), seg.id == b.filter.segmentId)) { b.filter.segmentId = seg.id; changed = true; }
            }
            ImGui::EndCombo();
        }
        recordItem("Segment filter");
    }
    if (changed) b.dirty = true;

    ImGui::SameLine();
    if (Button("Columns", ButtonKind::Secondary)) ImGui::OpenPopup("##columns");
    if (ImGui::BeginPopup("##columns")) {
        for (int c = 0; c < kCustomerColumnCount; ++c) ImGui::Checkbox(kColumnLabels[c], &b.visible[static_cast<size_t>(c)]);
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(app.storage == app::StorageState::ReadOnly);
    if (Button("Add customer", ButtonKind::Primary, ICON_USERS)) app::startNewCustomer(app);
    ImGui::EndDisabled();

    if (!b.filter.only.empty()) {
        // Customers picked elsewhere (a segment, a cluster, a chart selection).
        const std::string text = ICON_FILTER "  Showing " + (b.onlyLabel.empty() ? std::string("a selection") : b.onlyLabel) + " (" +
                                 core::formatCount(static_cast<int64_t>(b.ids.size())) + ")";
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(text.c_str());
        ImGui::SameLine();
        if (Button("Show all customers", ButtonKind::Ghost, ICON_TIMES)) {
            b.filter.only.clear();
            b.onlyLabel.clear();
            b.dirty = true;
        }
    }
    if (!b.selected.empty()) {
        const std::string count = core::formatCount(static_cast<int64_t>(b.selected.size())) + " selected";
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(count.c_str());
        ImGui::SameLine();
        if (Button("Delete selected", ButtonKind::Secondary, ICON_TRASH)) {
            app::deleteCustomers(app, std::vector<int64_t>(b.selected.begin(), b.selected.end()));
        }
        ItemTooltip("Delete selected", "Deletes these customers and everything recorded about them. You can undo it, "
                                       "also after reloading the page.");
        ImGui::SameLine();
        if (Button("Export selected", ButtonKind::Secondary, ICON_DOWNLOAD)) app::exportSelectedCustomers(app);
        ImGui::SameLine();
        if (Button("Clear selection", ButtonKind::Ghost)) b.selected.clear();
    }
    if (!b.deletions.empty()) {
        const store::DeletedBatch& last = b.deletions.front();
        const std::string text = ICON_TRASH "  Deleted " + last.names + " (" + last.when + " UTC)";
        ImGui::AlignTextToFramePadding();
        MutedText(text.c_str());
        ImGui::SameLine();
        if (Button("Undo delete", ButtonKind::Ghost)) app::undoCustomerDeletion(app, last.undoId);
        if (b.deletions.size() > 1) {
            ImGui::SameLine();
            if (Button("Recently deleted", ButtonKind::Ghost)) ImGui::OpenPopup("##deleted");
            if (ImGui::BeginPopup("##deleted")) {
                for (const store::DeletedBatch& d : b.deletions) {
                    ImGui::PushID(static_cast<int>(d.undoId));
                    ImGui::AlignTextToFramePadding();
                    ImGui::Text("%s  \xC2\xB7  %s UTC", d.names.c_str(), d.when.c_str());
                    ImGui::SameLine();
                    if (ImGui::SmallButton("Undo")) app::undoCustomerDeletion(app, d.undoId);
                    ImGui::PopID();
                }
                ImGui::EndPopup();
            }
        }
    }
}

// ---- 2. Table ---------------------------------------------------------------------------

void drawTable(app::AppState& app, float height) {
    app::CustomerBrowser& b = app.customers;
    const Palette& p = palette();
    std::vector<int> columns;
    for (int c = 0; c < kCustomerColumnCount; ++c) {
        if (b.visible[static_cast<size_t>(c)]) columns.push_back(c);
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_SizingFixedFit;
    // Compact rows: the checkbox would otherwise make every row as tall as a button.
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(dp(4), dp(2)));
    if (!ImGui::BeginTable("##customers", static_cast<int>(columns.size()) + 1, flags, ImVec2(0, height))) {
        ImGui::PopStyleVar();
        return;
    }
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("##select", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed, dp(28));
    for (const int c : columns) {
        const float width = c == 1 || c == 2 || c == 4 ? dp(200) : c == 0 ? dp(120) : dp(110);
        ImGui::TableSetupColumn(kColumnLabels[c], ImGuiTableColumnFlags_WidthFixed, width, static_cast<ImGuiID>(c + 1));
    }
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs != nullptr && specs->SpecsDirty) {
        if (specs->SpecsCount > 0) {
            const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
            app::setCustomerSort(app, static_cast<int>(s.ColumnUserID) - 1, s.SortDirection == ImGuiSortDirection_Descending);
        } else {
            app::setCustomerSort(app, -1, false);
        }
        specs->SpecsDirty = false;
    }

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(std::min<size_t>(b.ids.size(), 0x7fffffff)));
    bool firstRecorded = false;
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const store::CustomerRow* row = app::customerAt(app, i);
            if (row == nullptr) break;
            const int64_t id = row->id;
            ImGui::TableNextRow();
            ImGui::PushID(static_cast<int>(id));
            ImGui::TableNextColumn();
            bool checked = b.selected.count(id) > 0;
            if (ImGui::Checkbox("##sel", &checked)) {
                if (checked) b.selected.insert(id); else b.selected.erase(id);
            }
            const bool open = b.detail && b.detail->row.id == id;
            for (size_t k = 0; k < columns.size(); ++k) {
                ImGui::TableNextColumn();
                const int c = columns[k];
                const std::string& v = row->values[static_cast<size_t>(c)];
                if (k == 0) {
                    // The first cell spans the row as a selectable that opens the customer.
                    if (ImGui::Selectable(v.empty() ? "(no id)" : v.c_str(), open, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap)) {
                        app::openCustomer(app, id);
                    }
                    if (!firstRecorded) {
                        recordItem("First customer row");
                        firstRecorded = true;
                    }
                } else if (c == 12) {
                    ImGui::PushStyleColor(ImGuiCol_Text, v == "1" ? p.danger : p.textMuted);
                    ImGui::TextUnformatted(v == "1" ? "Yes" : "No");
                    ImGui::PopStyleColor();
                } else if (c == 11 && !v.empty()) {
                    ImGui::TextUnformatted(core::formatCount(static_cast<int64_t>(std::strtod(v.c_str(), nullptr))).c_str());
                } else {
                    ImGui::TextUnformatted(v.c_str());
                }
            }
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
    ImGui::PopStyleVar();
}

void drawFooter(const app::CustomerBrowser& b) {
    const store::CustomerTotals& t = b.totals;
    char text[256];
    std::snprintf(text, sizeof text, "%s customers  \xC2\xB7  average age %.1f  \xC2\xB7  average annual income %s  \xC2\xB7  churned %s (%.1f%%)",
                  core::formatCount(t.count).c_str(), t.averageAge, core::formatCount(static_cast<int64_t>(t.averageIncome)).c_str(),
                  core::formatCount(t.churned).c_str(), t.churnRate * 100.0);
    MutedText(text);
    ItemTooltip("Totals of the customers shown", "Counted over every customer that matches the search and filters, not "
                                                 "only the rows on screen. Averages leave out empty values.");
}

// ---- 3. Detail --------------------------------------------------------------------------

void figure(const char* label, const std::string& value, const char* help) {
    ImGui::BeginGroup();
    MutedText(label);
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(value.c_str());
    ImGui::PopFont();
    ImGui::EndGroup();
    ItemTooltip(label, help);
}

void drawDetail(app::AppState& app) {
    app::CustomerBrowser& b = app.customers;
    app::CustomerEdit& e = *b.edit;
    const Palette& p = palette();
    const bool isNew = e.id == 0;
    ImGui::PushFont(fonts().heading);
    const std::string& name = e.values[1];
    ImGui::TextUnformatted(isNew ? "New customer" : (name.empty() ? e.values[0].c_str() : name.c_str()));
    ImGui::PopFont();
    ImGui::SameLine(ImGui::GetContentRegionAvail().x + ImGui::GetCursorPosX() - dp(30));
    if (Button("Close", ButtonKind::Ghost, ICON_TIMES, ImVec2(dp(30), 0))) { app::closeCustomer(app); return; }

    if (!isNew && b.detail) {
        const store::CustomerDetail& d = *b.detail;
        ImGui::Spacing();
        figure("Orders", core::formatCount(d.orders), "Orders recorded for this customer.");
        ImGui::SameLine(0, dp(space::xl));
        figure("Revenue", core::formatNumber(std::round(d.revenue * 100) / 100), "Sum of the amounts of all orders, returns included.");
        ImGui::SameLine(0, dp(space::xl));
        figure("Last NPS", d.lastNps ? core::formatNumber(*d.lastNps) : "-", "The score of the most recent NPS answer (0-10).");
        ImGui::SameLine(0, dp(space::xl));
        figure("Complaints", core::formatCount(d.complaints), "Interactions marked as complaints.");
        figure("First order", d.firstOrder.empty() ? "-" : d.firstOrder.substr(0, 10), "Date of the earliest order.");
        ImGui::SameLine(0, dp(space::xl));
        figure("Last order", d.lastOrder.empty() ? "-" : d.lastOrder.substr(0, 10), "Date of the latest order.");
    }
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();

    // Actions first: in view however long the profile is.
    const bool readOnly = app.storage == app::StorageState::ReadOnly;
    ImGui::BeginDisabled(readOnly);
    if (Button(isNew ? "Add" : "Save changes", ButtonKind::Primary)) app::saveCustomerEdit(app);
    if (!isNew) {
        ImGui::SameLine();
        if (Button("Delete customer", ButtonKind::Secondary, ICON_TRASH)) {
            app::deleteCustomers(app, {e.id});
            ImGui::EndDisabled();
            return;
        }
        ItemTooltip("Delete customer", "Deletes the customer and everything recorded about them. You can undo it from "
                                       "the toolbar, also after reloading the page.");
    }
    ImGui::EndDisabled();
    if (readOnly) {
        ImGui::SameLine();
        MutedText("Read-only tab");
    }
    if (!e.saveError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, p.danger);
        ImGui::TextWrapped("%s", e.saveError.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::Spacing();
    ImGui::BeginDisabled(readOnly);
    const float labelWidth = dp(110);
    for (int c = 0; c < kCustomerColumnCount; ++c) {
        ImGui::PushID(c);
        ImGui::AlignTextToFramePadding();
        MutedText(kColumnLabels[c]);
        ImGui::SameLine(labelWidth);
        std::string& value = e.values[static_cast<size_t>(c)];
        const bool bad = !e.errors[static_cast<size_t>(c)].empty();
        if (bad) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(p.danger.x, p.danger.y, p.danger.z, 0.15f));
        ImGui::SetNextItemWidth(-1);
        if (c == 12) {
            bool churned = value == "1";
            if (ImGui::Checkbox("##v", &churned)) value = churned ? "1" : "0";
        } else {
            char buf[512];
            std::snprintf(buf, sizeof buf, "%s", value.c_str());
            const char* hint = c == 8 || c == 13 ? "YYYY-MM-DD" : c == 2 ? "name@example.com" : "";
            if (ImGui::InputTextWithHint("##v", hint, buf, sizeof buf)) value = buf;
        }
        if (c == 1) recordItem("Customer name field");
        if (bad) {
            ImGui::PopStyleColor();
            ImGui::SetCursorPosX(labelWidth);
            ImGui::PushStyleColor(ImGuiCol_Text, p.danger);
            ImGui::TextWrapped("%s", e.errors[static_cast<size_t>(c)].c_str());
            ImGui::PopStyleColor();
        }
        ImGui::PopID();
    }
    ImGui::EndDisabled();
    if (isNew || !b.detail) return;

    const store::CustomerDetail& d = *b.detail;
    if (!d.attributes.empty()) {
        ImGui::Spacing();
        ImGui::PushFont(fonts().strong);
        ImGui::TextUnformatted("Custom attributes");
        ImGui::PopFont();
        for (const auto& [key, value] : d.attributes) {
            MutedText(key.c_str());
            ImGui::SameLine(labelWidth);
            ImGui::TextUnformatted(value.c_str());
        }
    }
    ImGui::Spacing();
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted("Timeline");
    ImGui::PopFont();
    if (d.timeline.empty()) MutedText("No orders, interactions or survey answers yet.");
    for (const store::TimelineEvent& t : d.timeline) {
        const bool warn = t.kind == "complaint";
        MutedText(t.at.substr(0, 10).c_str());
        ImGui::SameLine(labelWidth);
        ImGui::PushStyleColor(ImGuiCol_Text, warn ? p.danger : p.text);
        ImGui::TextUnformatted(t.title.c_str());
        ImGui::PopStyleColor();
        if (!t.detail.empty()) {
            ImGui::SetCursorPosX(labelWidth);
            ImGui::PushTextWrapPos(0.0f);
            MutedTextWrapped(t.detail.c_str());
            ImGui::PopTextWrapPos();
        }
    }
}

}  // namespace

void DrawCustomersView(app::AppState& app) {
    app::refreshCustomers(app);
    app::CustomerBrowser& b = app.customers;
    if (app.counts.customers == 0 && !b.edit) {
        BeginEmptyState(ICON_USERS, "Every customer, in one table",
                        "Browse, search, sort and filter your customers, edit their details, and open any customer to "
                        "see their orders, conversations and survey answers on one timeline. There are no customers "
                        "yet: load demo data, or import a customer list (or an orders file) from the Data view.");
        DrawGoToDataAction(app);
        EndEmptyState();
        return;
    }
    drawToolbar(app);
    ImGui::Spacing();
    const float footer = ImGui::GetTextLineHeightWithSpacing() + dp(space::sm);
    const float height = std::max(dp(120), ImGui::GetContentRegionAvail().y - footer);
    const bool detail = b.edit.has_value();
    const float gap = dp(space::lg);
    const float detailWidth = detail ? std::min(dp(440), ImGui::GetContentRegionAvail().x * 0.45f) : 0.0f;
    const float tableWidth = ImGui::GetContentRegionAvail().x - (detail ? detailWidth + gap : 0.0f);

    ImGui::BeginChild("##table", ImVec2(tableWidth, height));
    drawTable(app, height);
    ImGui::EndChild();
    if (detail) {
        ImGui::SameLine(0, gap);
        if (BeginCard("##detail", ImVec2(detailWidth, height), true)) drawDetail(app);
        EndCard();
    }
    drawFooter(b);
}

}  // namespace rapport::ui
