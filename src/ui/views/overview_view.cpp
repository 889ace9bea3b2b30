#include <algorithm>
#include <string>

#include "core/text_format.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawGoToDataAction(app::AppState& app) {
    const float width = std::min(ImGui::GetContentRegionAvail().x, dp(560));
    const float buttonWidth = dp(180);
    const float gap = dp(space::md);
    if (app.counts.customers == 0) {
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (width - 2 * buttonWidth - gap) * 0.5f));
        const bool busy = app.runner.active != nullptr;
        ImGui::BeginDisabled(busy);
        if (Button("Load demo data", ButtonKind::Primary, ICON_MAGIC, ImVec2(buttonWidth, 0))) {
            startDemo(app, store::DemoOptions{});
        }
        ImGui::EndDisabled();
        ItemTooltip("Try Rapport with realistic data",
                    "Creates 5,000 fictional customers of a retail business with three years of orders, survey "
                    "answers, support contacts and campaigns. More sizes and scenarios are in the Data view.");
        ImGui::SameLine(0, gap);
        if (Button("Go to Data", ButtonKind::Secondary, ICON_DATABASE, ImVec2(buttonWidth, 0))) app.view = app::View::Data;
        ItemTooltip("Bring your own data", "The Data view is where customers, orders, survey answers and interactions "
                                           "are imported from CSV files, exported and backed up.");
    } else {
        const std::string loaded = core::formatCount(app.counts.customers) + " customers and " +
                                   core::formatCount(app.counts.orders) +
                                   " orders are loaded. This analysis is not available in this version of Rapport yet.";
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        MutedTextWrapped(loaded.c_str());
        ImGui::PopTextWrapPos();
    }
}

void DrawOverviewView(app::AppState& app) {
    BeginEmptyState(ICON_TACHOMETER, "Your customer base at a glance",
                    "Key figures will appear here: customers, customers active in the last 90 days, revenue over the "
                    "last 12 months and its change, average order value and repeat-purchase rate, with revenue by "
                    "month and customers by segment. Bring customers and orders in from the Data view to begin.");
    DrawGoToDataAction(app);
    EndEmptyState();
}

}  // namespace rapport::ui
