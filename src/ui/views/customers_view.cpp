#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawCustomersView(app::AppState& app) {
    BeginEmptyState(ICON_USERS, "Every customer, in one table",
                    "Browse, search, sort and filter your customers, edit their details, and open any customer to "
                    "see their orders, conversations and survey answers on one timeline. There are no customers "
                    "yet: import a customer list (or an orders file) from the Data view.");
    DrawGoToDataAction(app);
    EndEmptyState();
}

}  // namespace rapport::ui
