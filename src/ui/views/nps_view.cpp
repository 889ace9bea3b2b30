#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

void DrawNpsView(app::AppState& app) {
    BeginEmptyState(ICON_SMILE, "How likely customers are to recommend you",
                    "Net Promoter Score with its margin of error, the 0-10 distribution, the trend and its "
                    "significant changes, scores by segment, region, plan and channel, comment search, and what "
                    "drives the score. It needs survey answers (NPS, CSAT or CES): import them in the Data view.");
    DrawGoToDataAction(app);
    EndEmptyState();
}

}  // namespace rapport::ui
