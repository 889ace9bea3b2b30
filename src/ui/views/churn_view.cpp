#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawChurnView(app::AppState& app) {
    BeginEmptyState(ICON_USER_TIMES, "Who is about to leave, and why",
                    "Churn models trained here in your browser and tested the way they will be used, a list of "
                    "customers ranked by the value at risk, and the reasons behind each customer's risk. It needs "
                    "customers with a churn flag, or order history to infer one: import them in the Data view.");
    DrawGoToDataAction(app);
    EndEmptyState();
}

}  // namespace rapport::ui
