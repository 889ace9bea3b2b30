#include <algorithm>
#include <cstdio>
#include <string>

#include "app/demo_job.hpp"
#include "core/text_format.hpp"
#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/data_panels.hpp"
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
        MutedTextWrapped(info.persisted ? "Persistent: the browser will not clear this data to free space."
                                        : "Not marked persistent: under disk pressure the browser may clear it. Export a backup now and then.");
    }
    const std::string counts = core::formatCount(app.counts.customers) + " customers, " +
                               core::formatCount(app.counts.orders) + " orders, " +
                               core::formatCount(app.counts.surveyResponses) + " survey responses, " +
                               core::formatCount(app.counts.interactions) + " interactions, " +
                               core::formatCount(app.counts.campaigns) + " campaigns";
    MutedTextWrapped(counts.c_str());
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

void drawDemoCard(app::AppState& app) {
    static int scenario = 0, size = 1;
    static int seed = 42;
    constexpr const char* kScenarios[] = {"Retail shop", "Subscription (telecom)", "B2B services"};
    constexpr store::DemoScenario kScenarioValues[] = {store::DemoScenario::Retail, store::DemoScenario::Subscription,
                                                       store::DemoScenario::B2B};
    constexpr const char* kSizes[] = {"1,000 customers", "5,000 customers", "10,000 customers", "100,000 customers",
                                      "1,000,000 customers"};
    constexpr int64_t kSizeValues[] = {1000, 5000, 10000, 100000, 1000000};

    if (!BeginCard("##demo")) { EndCard(); return; }
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(ICON_MAGIC "  Demo data");
    ImGui::PopFont();
    ImGui::Spacing();
    MutedTextWrapped("Fictional customers with three years of orders, survey answers, support contacts and "
                     "campaigns, built so that every analysis has something to find. The same seed always gives "
                     "the same data, so a class can follow along.");
    ImGui::Spacing();
    ImGui::SetNextItemWidth(dp(220));
    ImGui::Combo("Scenario", &scenario, kScenarios, 3);
    ImGui::SameLine(0, dp(space::xl));
    ImGui::SetNextItemWidth(dp(200));
    ImGui::Combo("Size", &size, kSizes, 5);
    ImGui::SameLine(0, dp(space::xl));
    ImGui::SetNextItemWidth(dp(110));
    ImGui::InputInt("Seed", &seed);
    seed = std::max(seed, 0);
    ImGui::Spacing();
    const bool empty = app.counts.customers == 0;
    const bool readOnly = app.storage == app::StorageState::ReadOnly;
    ImGui::BeginDisabled(!empty || readOnly || app.runner.active != nullptr);
    if (Button("Load demo data", ButtonKind::Primary, ICON_MAGIC)) {
        store::DemoOptions options;
        options.scenario = kScenarioValues[scenario];
        options.customers = kSizeValues[size];
        options.seed = static_cast<uint64_t>(seed);
        startDemo(app, options);
    }
    ImGui::EndDisabled();
    if (!empty || readOnly) {
        ImGui::SameLine(0, dp(space::md));
        MutedText(readOnly ? "This tab is read-only." : "Demo data goes into an empty database.");
    }

    ImGui::SameLine(0, dp(space::xl));
    ImGui::BeginDisabled(empty || readOnly || app.runner.active != nullptr);
    if (Button("Delete all data", ButtonKind::Secondary, ICON_TRASH)) ImGui::OpenPopup("Delete all data?");
    ImGui::EndDisabled();
    ItemTooltip("Start from an empty database", "Deletes every customer, order, answer, interaction, campaign and "
                                                "segment in this browser. You will be asked to confirm.");
    ImGui::SetNextWindowSize(ImVec2(dp(440), 0));
    if (ImGui::BeginPopupModal("Delete all data?", nullptr, ImGuiWindowFlags_NoResize)) {
        const std::string what = "This deletes " + core::formatCount(app.counts.customers) + " customers and everything "
                                 "recorded about them from this browser. It cannot be undone: export a backup first "
                                 "if you may need the data again.";
        ImGui::TextWrapped("%s", what.c_str());
        ImGui::Spacing();
        if (Button("Delete everything", ButtonKind::Primary, ICON_TRASH)) {
            if (auto s = app::clearAllData(app); !s) app.lastError = s.error().message;
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (Button("Keep my data", ButtonKind::Secondary)) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
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

void startDemo(app::AppState& app, const store::DemoOptions& options) {
    auto job = app::makeDemoJob(app, options);
    if (!job) {
        app.lastError = job.error().message;
        return;
    }
    if (auto id = app::startJob(app, std::move(*job)); !id) app.lastError = id.error().message;
}

void DrawDataView(app::AppState& app) {
    DrawImportCard(app);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawStorageCard(app);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawDemoCard(app);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    DrawExportCard(app);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawFormatsCard();
}

}  // namespace rapport::ui
