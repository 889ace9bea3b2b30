// data_panels.hpp: the Data view's import and export/backup cards (data_transfer_panels.cpp).
#pragma once

#include "app/app_state.hpp"

namespace rapport::ui {

void DrawImportCard(app::AppState& app);
void DrawExportCard(app::AppState& app);

}  // namespace rapport::ui
