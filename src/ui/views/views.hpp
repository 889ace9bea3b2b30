// views.hpp: one free function per screen, each in its own file. A view reads the app
// state and draws; it runs no SQL and fits no model.
#pragma once

#include "app/app_state.hpp"
#include "store/demo_data.hpp"

namespace rapport::ui {

void DrawOverviewView(app::AppState& app);
void DrawCustomersView(app::AppState& app);
void DrawSegmentsView(app::AppState& app);
void DrawNpsView(app::AppState& app);
void DrawChurnView(app::AppState& app);
void DrawValueView(app::AppState& app);
void DrawDataView(app::AppState& app);
void DrawLearnView(app::AppState& app);

// The call to action every empty view shares: load demo data or bring data in.
void DrawGoToDataAction(app::AppState& app);

// Shown while a view waits for its analysis (the job panel above shows progress and
// Cancel), or, when no job runs, that the analysis did not finish, with "Run again"
// (true when clicked).
bool DrawWaitingNote(app::AppState& app, const char* what);

// Starts loading demo data as a job; a refusal is shown as the app's last error.
void startDemo(app::AppState& app, const store::DemoOptions& options);

}  // namespace rapport::ui
