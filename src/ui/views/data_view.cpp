#include <cstdio>
#include <string>

#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

struct FileFormat {
    const char* file;
    const char* holds;
    const char* columns;
};

// The canonical CSV interchange of DESIGN.md: what export writes and import expects
// without any mapping.
constexpr FileFormat kFormats[] = {
    {"customers.csv", "One row per customer",
     "customer_id, name, email, phone, company, region, channel, plan, signup_date, age, gender, annual_income, churned, churned_at"},
    {"orders.csv", "One row per order", "order_id, customer_id, ordered_at, amount, cost, quantity, category, returned"},
    {"surveys.csv", "NPS, CSAT and CES answers", "response_id, customer_id, answered_at, kind, score, comment, expected"},
    {"interactions.csv", "Calls, emails, chats, meetings, tickets",
     "interaction_id, customer_id, occurred_at, channel, topic, outcome, resolved, duration_min, complaint"},
    {"campaigns.csv", "Marketing campaigns", "campaign_id, name, channel, started_at, cost"},
    {"campaign_contacts.csv", "Who each campaign reached", "campaign_id, customer_id, contacted_at, responded, converted, revenue"},
};

std::string formatBytes(double bytes) {
    char buf[32];
    if (bytes < 0) return "unknown";
    if (bytes < 1024.0 * 1024.0) std::snprintf(buf, sizeof buf, "%.0f KB", bytes / 1024.0);
    else if (bytes < 1024.0 * 1024.0 * 1024.0) std::snprintf(buf, sizeof buf, "%.1f MB", bytes / (1024.0 * 1024.0));
    else std::snprintf(buf, sizeof buf, "%.1f GB", bytes / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

void drawStorageCard(app::AppState& app) {
    const Palette& p = palette();
    if (!BeginCard("##storage")) { EndCard(); return; }
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(ICON_LOCK "  Where your data lives");
    ImGui::PopFont();
    ImGui::Spacing();
    MutedTextWrapped("Everything stays in this browser on this computer. Rapport has no server: nothing you import "
                     "is uploaded anywhere, and the page makes no requests to other sites.");
    ImGui::Spacing();
    const app::StorageInfo& info = app.storageInfo;
    switch (app.storage) {
        case app::StorageState::Opening: ImGui::TextUnformatted("Opening storage..."); break;
        case app::StorageState::Saved:
        case app::StorageState::Saving:
            ImGui::PushStyleColor(ImGuiCol_Text, p.success);
            ImGui::TextUnformatted(app.storage == app::StorageState::Saved ? ICON_CHECK_CIRCLE "  Every change is saved in this browser"
                                                                           : ICON_CLOCK "  Saving the latest change...");
            ImGui::PopStyleColor();
            break;
        case app::StorageState::InMemory:
        case app::StorageState::ReadOnly:
        case app::StorageState::Error:
            ImGui::PushStyleColor(ImGuiCol_Text, app.storage == app::StorageState::Error ? p.danger : p.warning);
            ImGui::TextWrapped("%s %s", app.storage == app::StorageState::ReadOnly ? ICON_LOCK : ICON_EXCLAMATION,
                               app.storageMessage.empty() ? "Changes are kept in this tab only." : app.storageMessage.c_str());
            ImGui::PopStyleColor();
            break;
    }
    if (info.durable) {
        const std::string usage = formatBytes(info.usageBytes) + " used of " + formatBytes(info.quotaBytes) + " this browser allows";
        MutedText(usage.c_str());
        ItemTooltip("Storage use", "What this site stores in the browser (all of Rapport's data), and the most the browser "
                                   "lets it store on this computer.");
        MutedText(info.persisted ? "Persistent: the browser will not clear this data to free space."
                                 : "Not marked persistent: under disk pressure the browser may clear it. Export a backup now and then.");
    }
    char counts[160];
    std::snprintf(counts, sizeof counts, "%lld customers, %lld orders, %lld survey responses, %lld interactions, %lld campaigns",
                  static_cast<long long>(app.counts.customers), static_cast<long long>(app.counts.orders),
                  static_cast<long long>(app.counts.surveyResponses), static_cast<long long>(app.counts.interactions),
                  static_cast<long long>(app.counts.campaigns));
    MutedText(counts);
    if (app.storage == app::StorageState::ReadOnly) {
        ImGui::Spacing();
        if (Button("Edit in this tab", ButtonKind::Primary, ICON_LOCK)) app.requests.takeOverStorage = true;
        ItemTooltip("Take over editing", "The other tab stops saving and this tab reloads with the latest saved data, "
                                         "then saves your changes from here on.");
    }
    if (app.storage == app::StorageState::Error) {
        ImGui::Spacing();
        if (Button("Try saving again", ButtonKind::Primary)) app.requests.retrySave = true;
    }
    EndCard();
}

void drawFormatsCard() {
    if (!BeginCard("##formats")) { EndCard(); return; }
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(ICON_FILE_TEXT "  File formats");
    ImGui::PopFont();
    ImGui::Spacing();
    MutedTextWrapped("CSV files with a header row (comma, semicolon or tab; UTF-8). Columns with these names map "
                     "automatically; other names can be mapped by hand, and columns that match no field are kept "
                     "as custom attributes. Dates are YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.");
    ImGui::Spacing();
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("##formats_table", 3, flags)) {
        ImGui::TableSetupColumn("File", ImGuiTableColumnFlags_WidthFixed, dp(170));
        ImGui::TableSetupColumn("Holds", ImGuiTableColumnFlags_WidthFixed, dp(230));
        ImGui::TableSetupColumn("Columns", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const FileFormat& f : kFormats) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushFont(fonts().strong);
            ImGui::TextUnformatted(f.file);
            ImGui::PopFont();
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", f.holds);
            ImGui::TableNextColumn();
            MutedTextWrapped(f.columns);
        }
        ImGui::EndTable();
    }
    EndCard();
}

}  // namespace

void DrawDataView(app::AppState& app) {
    BeginEmptyState(ICON_DATABASE, "Bring your data in, take it out",
                    "This is where you will import customers, orders, survey answers, interactions and campaigns "
                    "from CSV files (with a preview and a report of every rejected row), export them again, and "
                    "back up or restore the whole database as one .sqlite file. Prepare your files in the formats "
                    "below.");
    EndEmptyState();
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    drawStorageCard(app);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawFormatsCard();
}

}  // namespace rapport::ui
