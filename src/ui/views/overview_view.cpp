#include <algorithm>
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawGoToDataAction(app::AppState& app) {
    const float width = ImGui::GetContentRegionAvail().x;
    const char* label = "Go to Data";
    const float buttonWidth = dp(180);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (std::min(width, dp(560)) - buttonWidth) * 0.5f));
    if (Button(label, ButtonKind::Primary, ICON_DATABASE, ImVec2(buttonWidth, 0))) app.view = app::View::Data;
    ItemTooltip("Bring your data in", "The Data view is where customers, orders, survey answers and interactions are imported from CSV files, exported and backed up.");
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
