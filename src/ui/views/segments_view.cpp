#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawSegmentsView(app::AppState& app) {
    BeginEmptyState(ICON_PIE_CHART, "Groups of customers that behave alike",
                    "RFM scores (recency, frequency, monetary value) and their named segments, k-means and "
                    "hierarchical clustering, and a map of your customers you can select from and save as a "
                    "segment. Segmentation needs customers with order history: import orders in the Data view.");
    DrawGoToDataAction(app);
    EndEmptyState();
}

}  // namespace rapport::ui
