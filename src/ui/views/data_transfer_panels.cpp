// data_transfer_panels.cpp: the Data view's import, export and backup cards.
//   1. Import     choose a file, entity, options, column mapping, preview, report, undo
//   2. Export     each entity as CSV
//   3. Backup     the database as .sqlite, restore with a check and a confirmation
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "app/data_transfer.hpp"
#include "core/text_format.hpp"
#include "store/import.hpp"
#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/data_panels.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

void cardTitle(const char* text) {
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
    ImGui::Spacing();
}

const char* delimiterName(char d) { return d == ';' ? "semicolon" : d == '\t' ? "tab" : "comma"; }

std::string fieldLabel(const store::FieldSpec& f) { return f.required ? std::string(f.name) + " (required)" : f.name; }

// ---- 1. Import ---------------------------------------------------------------------------

bool mappingCombo(app::ImportSession& s, size_t column) {
    const auto fields = store::entityInfo(s.entity).fields;
    int& m = s.options.mapping[column];
    const bool customers = s.entity == store::Entity::Customers;
    std::string current = m >= 0 ? fieldLabel(fields[static_cast<size_t>(m)]) : m == store::kMapAttribute ? "Custom attribute" : "Ignore";
    bool changed = false;
    ImGui::PushID(static_cast<int>(column));
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##map", current.c_str())) {
        for (size_t f = 0; f < fields.size(); ++f) {
            if (ImGui::Selectable(fieldLabel(fields[f]).c_str(), m == static_cast<int>(f))) { m = static_cast<int>(f); changed = true; }
        }
        ImGui::Separator();
        if (customers && ImGui::Selectable("Custom attribute", m == store::kMapAttribute)) { m = store::kMapAttribute; changed = true; }
        if (ImGui::Selectable("Ignore", m == store::kMapIgnore)) { m = store::kMapIgnore; changed = true; }
        ImGui::EndCombo();
    }
    ImGui::PopID();
    return changed;
}

void drawMappingAndPreview(app::AppState& app, app::ImportSession& s) {
    const store::ImportPreview& p = *s.preview;
    const Palette& pal = palette();
    // Problems by (line, column name), for marking cells.
    std::map<std::pair<int64_t, std::string>, std::string> issues;
    for (const store::Rejection& r : p.issues) issues.emplace(std::make_pair(r.row, r.column), r.reason);

    ImGui::Spacing();
    cardTitle("Columns");
    if (p.savedMapping) MutedText("Using the mapping you chose last time for files with these columns.");
    bool changed = false;
    const ImGuiTableFlags mapFlags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp |
                                     ImGuiTableFlags_ScrollY;
    const float mapHeight = std::min(dp(36) * static_cast<float>(p.header.size() + 1), dp(280));
    if (ImGui::BeginTable("##mapping", 3, mapFlags, ImVec2(0, mapHeight))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Column in the file", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Goes to", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("First value", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        for (size_t c = 0; c < p.header.size(); ++c) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(p.header[c].c_str());
            ImGui::TableNextColumn();
            changed |= mappingCombo(s, c);
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            MutedText(!p.rows.empty() && c < p.rows[0].size() ? p.rows[0][c].c_str() : "");
        }
        ImGui::EndTable();
    }
    if (changed) app::refreshImportPreview(app);
    if (!s.preview) return;

    ImGui::Spacing();
    const std::string previewTitle = "Preview: the first " + core::formatCount(static_cast<int64_t>(p.rows.size())) + " rows" +
                                     (p.issues.empty() ? "" : ", " + core::formatCount(static_cast<int64_t>(p.issues.size())) + " problems marked");
    cardTitle(previewTitle.c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    const int columns = static_cast<int>(std::min<size_t>(p.header.size() + 1, 64));
    if (ImGui::BeginTable("##preview", columns, flags, ImVec2(0, dp(260)))) {
        ImGui::TableSetupScrollFreeze(1, 1);
        ImGui::TableSetupColumn("Line");
        for (int c = 1; c < columns; ++c) ImGui::TableSetupColumn(p.header[static_cast<size_t>(c - 1)].c_str());
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(p.rows.size()));
        while (clipper.Step()) {
            for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
                const auto& row = p.rows[static_cast<size_t>(r)];
                const int64_t line = p.rowNumbers[static_cast<size_t>(r)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                MutedText(std::to_string(line).c_str());
                for (int c = 1; c < columns; ++c) {
                    ImGui::TableNextColumn();
                    const size_t col = static_cast<size_t>(c - 1);
                    const char* cell = col < row.size() ? row[col].c_str() : "";
                    auto it = issues.find({line, p.header[col]});
                    if (it == issues.end() && col == 0) it = issues.find({line, std::string()});
                    if (it != issues.end()) {
                        ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, toU32(ImVec4(pal.danger.x, pal.danger.y, pal.danger.z, 0.18f)));
                        ImGui::TextUnformatted(cell);
                        ItemTooltip("This row will be skipped", it->second.c_str());
                    } else {
                        ImGui::TextUnformatted(cell);
                    }
                }
            }
        }
        ImGui::EndTable();
    }
}

void drawReport(app::AppState& app, app::ImportSession& s) {
    const store::ImportReport& r = *s.report;
    const Palette& p = palette();
    ImGui::PushStyleColor(ImGuiCol_Text, r.rejected.empty() ? p.success : p.warning);
    const std::string summary = std::string(r.rejected.empty() ? ICON_CHECK_CIRCLE : ICON_EXCLAMATION) + "  " + s.fileName + ": " +
                                core::formatCount(r.inserted) + " created, " + core::formatCount(r.updated) + " updated, " +
                                core::formatCount(static_cast<int64_t>(r.rejected.size())) + " rejected" +
                                (r.customersCreated > 0 ? ", " + core::formatCount(r.customersCreated) + " new customers made for unknown ids" : "");
    ImGui::TextWrapped("%s", summary.c_str());
    ImGui::PopStyleColor();
    if (!r.rejected.empty()) {
        ImGui::Spacing();
        const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
        if (ImGui::BeginTable("##report", 4, flags, ImVec2(0, std::min(dp(30) * static_cast<float>(r.rejected.size() + 1), dp(240))))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn("Line", ImGuiTableColumnFlags_WidthFixed, dp(60));
            ImGui::TableSetupColumn("Column", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableSetupColumn("Reason", ImGuiTableColumnFlags_WidthStretch, 2.0f);
            ImGui::TableHeadersRow();
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(r.rejected.size()));
            while (clipper.Step()) {
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const store::Rejection& x = r.rejected[static_cast<size_t>(i)];
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(x.row > 0 ? std::to_string(x.row).c_str() : "");
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(x.column.c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(x.value.c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(x.reason.c_str());
                }
            }
            ImGui::EndTable();
        }
        if (Button("Download report", ButtonKind::Secondary, ICON_DOWNLOAD)) {
            app.requests.downloads.push_back({"import-report.csv", "text/csv", store::reportCsv(r)});
        }
        ItemTooltip("Rejected rows as CSV", "Line, column, value and reason for every row that was skipped, to fix in the source and import again.");
        ImGui::SameLine();
    }
    if (Button("Done", ButtonKind::Primary)) app.importSession.reset();
}

}  // namespace

void DrawImportCard(app::AppState& app) {
    if (!BeginCard("##import")) { EndCard(); return; }
    cardTitle(ICON_UPLOAD "  Import a CSV file");
    const bool readOnly = app.storage == app::StorageState::ReadOnly;
    const bool busy = app.runner.active != nullptr;

    if (!app.importSession) {
        MutedTextWrapped("Customers, orders, survey answers, interactions, campaigns or campaign contacts. Choose a file "
                         "or drop it anywhere on the page; you will see how its columns are read before anything is saved.");
        ImGui::Spacing();
        ImGui::BeginDisabled(readOnly || busy);
        if (Button("Choose a CSV file", ButtonKind::Primary, ICON_UPLOAD)) app.requests.openFile = app::FilePurpose::Import;
        ImGui::EndDisabled();
        if (const auto& last = app.lastImport) {
            ImGui::SameLine(0, dp(space::md));
            ImGui::BeginDisabled(readOnly || busy);
            if (Button("Undo last import", ButtonKind::Secondary)) {
                if (auto s = app::undoLastImport(app); !s) app.lastError = s.error().message;
            }
            ImGui::EndDisabled();
            ItemTooltip("Undo last import", ("Removes what the last import created and restores what it changed: " + last->summary + ".").c_str());
        }
        EndCard();
        return;
    }

    app::ImportSession& s = *app.importSession;
    const std::string about = s.fileName + "  \xC2\xB7  " + core::formatCount(static_cast<int64_t>(s.bytes->size() / 1024)) + " KB" +
                              (s.preview ? "  \xC2\xB7  " + std::string(delimiterName(s.preview->delimiter)) + "-separated  \xC2\xB7  dates " +
                                               core::dateOrderName(s.preview->dateOrder) + "  \xC2\xB7  about " +
                                               core::formatCount(s.preview->approximateRows) + " rows"
                                         : "");
    ImGui::TextUnformatted(about.c_str());

    if (s.report) {
        drawReport(app, s);
        EndCard();
        return;
    }
    if (!s.preview) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette().danger);
        ImGui::TextWrapped("%s %s", ICON_EXCLAMATION, s.problem.c_str());
        ImGui::PopStyleColor();
        if (Button("Choose another file", ButtonKind::Secondary)) app.requests.openFile = app::FilePurpose::Import;
        ImGui::SameLine();
        if (Button("Close", ButtonKind::Ghost)) app.importSession.reset();
        EndCard();
        return;
    }

    // The actions first, so they are in view whatever the size of the file.
    ImGui::Spacing();
    ImGui::BeginDisabled(!s.problem.empty() || readOnly || busy);
    const std::string rows = "Start import";
    if (Button(rows.c_str(), ButtonKind::Primary, ICON_UPLOAD)) {
        if (auto id = app::startImport(app); !id) app.lastError = id.error().message;
    }
    ImGui::EndDisabled();
    ItemTooltip("Start import", "Imports every row in one step: if you cancel, nothing is saved. Rows with problems are "
                                "skipped and listed in a report.");
    ImGui::SameLine();
    ImGui::BeginDisabled(busy);
    if (Button("Discard", ButtonKind::Ghost)) app.importSession.reset();
    ImGui::EndDisabled();
    if (!s.problem.empty()) {
        ImGui::SameLine(0, dp(space::lg));
        ImGui::AlignTextToFramePadding();
        ImGui::PushStyleColor(ImGuiCol_Text, palette().danger);
        ImGui::TextUnformatted((std::string(ICON_EXCLAMATION "  ") + s.problem).c_str());
        ImGui::PopStyleColor();
    } else if (!s.preview->issues.empty()) {
        ImGui::SameLine(0, dp(space::lg));
        ImGui::AlignTextToFramePadding();
        MutedText("Rows with problems (marked in the preview) will be skipped and listed in a report.");
    }
    ImGui::Spacing();

    // Options: what the file holds and how to treat existing and unknown records.
    bool changed = false;
    int entity = static_cast<int>(s.entity);
    ImGui::SetNextItemWidth(dp(200));
    if (ImGui::BeginCombo("Holds", store::entityInfo(s.entity).label)) {
        for (const store::EntityInfo& info : store::allEntities()) {
            if (ImGui::Selectable(info.label, entity == static_cast<int>(info.entity))) {
                s.entity = info.entity;
                s.options.mapping.clear();  // map again for the new entity
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine(0, dp(space::xl));
    int mode = static_cast<int>(s.options.mode);
    constexpr const char* kModes[] = {"Create new records only", "Update existing only", "Create and update"};
    ImGui::SetNextItemWidth(dp(210));
    if (ImGui::Combo("Mode", &mode, kModes, 3)) { s.options.mode = static_cast<store::ImportMode>(mode); changed = true; }
    ItemTooltip("Mode", "Create only skips records whose id already exists; update only skips ids that do not exist yet; "
                        "create and update does both.");
    if (s.entity == store::Entity::Customers) {
        ImGui::SameLine(0, dp(space::xl));
        int match = static_cast<int>(s.options.matchOn);
        constexpr const char* kMatch[] = {"Customer id", "Email"};
        ImGui::SetNextItemWidth(dp(140));
        if (ImGui::Combo("Match on", &match, kMatch, 2)) { s.options.matchOn = static_cast<store::MatchOn>(match); changed = true; }
    } else if (s.entity != store::Entity::Campaigns) {
        ImGui::SameLine(0, dp(space::xl));
        int unknown = static_cast<int>(s.options.unknownCustomers);
        constexpr const char* kUnknown[] = {"Create a customer", "Reject the row"};
        ImGui::SetNextItemWidth(dp(180));
        if (ImGui::Combo("Unknown customers", &unknown, kUnknown, 2)) {
            s.options.unknownCustomers = static_cast<store::UnknownCustomers>(unknown);
            changed = true;
        }
        ItemTooltip("Unknown customers", "A row that refers to a customer id not in Rapport yet: create a customer with just "
                                         "that id (you can import the customer list later), or skip the row.");
    }
    if (changed) app::refreshImportPreview(app);
    if (!s.preview) { EndCard(); return; }

    drawMappingAndPreview(app, s);
    EndCard();
}

// ---- 2. Export, 3. Backup ------------------------------------------------------------------

void DrawExportCard(app::AppState& app) {
    if (!BeginCard("##export")) { EndCard(); return; }
    cardTitle(ICON_DOWNLOAD "  Export and back up");
    MutedTextWrapped("CSV files in the formats below (customers also get a column per custom attribute), or the whole "
                     "database as one .sqlite file that any SQLite tool opens and that Rapport can restore.");
    ImGui::Spacing();
    const bool busy = app.runner.active != nullptr;
    ImGui::BeginDisabled(busy || !app.store);
    int i = 0;
    for (const store::EntityInfo& info : store::allEntities()) {
        if (i++ > 0) ImGui::SameLine();
        const std::string label = std::string("Export ") + info.name;
        if (Button(label.c_str(), ButtonKind::Secondary)) app::exportEntity(app, info.entity);
    }
    ImGui::Spacing();
    if (Button("Back up database", ButtonKind::Primary, ICON_HDD)) app::backupDatabase(app);
    ItemTooltip("Back up database", "Downloads everything as rapport-backup.sqlite. Keep it somewhere safe: browsers can "
                                    "clear site data.");
    ImGui::SameLine();
    ImGui::BeginDisabled(app.storage == app::StorageState::ReadOnly);
    if (Button("Restore from backup", ButtonKind::Secondary, ICON_UPLOAD)) app.requests.openFile = app::FilePurpose::Restore;
    ImGui::EndDisabled();
    ImGui::EndDisabled();

    if (app.pendingRestore && !ImGui::IsPopupOpen("Replace your data?")) ImGui::OpenPopup("Replace your data?");
    ImGui::SetNextWindowSize(ImVec2(dp(460), 0));
    if (ImGui::BeginPopupModal("Replace your data?", nullptr, ImGuiWindowFlags_NoResize)) {
        if (app.pendingRestore) {
            const app::PendingRestore& r = *app.pendingRestore;
            const std::string text = r.fileName + " is a valid Rapport backup with " + core::formatCount(r.info.customers) +
                                     " customers and " + core::formatCount(r.info.orders) + " orders. Restoring it replaces all " +
                                     core::formatCount(app.counts.customers) + " customers in this browser and everything about them.";
            ImGui::TextWrapped("%s", text.c_str());
        }
        ImGui::Spacing();
        if (Button("Replace my data", ButtonKind::Primary)) {
            if (auto s = app::confirmRestore(app); !s) app.lastError = s.error().message;
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (Button("Keep my data", ButtonKind::Secondary)) {
            app.pendingRestore.reset();
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    EndCard();
}

}  // namespace rapport::ui
