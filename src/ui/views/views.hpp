// views.hpp: one free function per screen, each in its own file. A view reads the app
// state and draws; it runs no SQL and fits no model.
#pragma once

#include "app/app_state.hpp"

namespace rapport::ui {

void DrawOverviewView(app::AppState& app);
void DrawCustomersView(app::AppState& app);
void DrawSegmentsView(app::AppState& app);
void DrawNpsView(app::AppState& app);
void DrawChurnView(app::AppState& app);
void DrawValueView(app::AppState& app);
void DrawDataView(app::AppState& app);
void DrawLearnView(app::AppState& app);

// The call to action every empty view shares: where to bring data in.
void DrawGoToDataAction(app::AppState& app);

}  // namespace rapport::ui
