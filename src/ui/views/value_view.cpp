#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawValueView(app::AppState& app) {
    BeginEmptyState(ICON_DIAMOND, "What customers are worth over time",
                    "Customer lifetime value (the discounted formula and the BG/NBD and Gamma-Gamma models), "
                    "cohort retention, survival curves, conversion and campaign return on investment. It needs "
                    "orders with dates and amounts: import them in the Data view.");
    DrawGoToDataAction(app);
    EndEmptyState();
}

}  // namespace rapport::ui
