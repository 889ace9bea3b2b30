// shell.hpp: the frame around every view: navigation on the left, the view's title,
// the view itself, and the status bar; keyboard shortcuts (Ctrl+1..8 or Alt+1..8).
#pragma once

#include "app/app_state.hpp"

struct ImDrawList;

namespace rapport::ui {

// Draws one frame of the whole app into ImGui's current frame (between NewFrame and
// Render). Fills the main viewport.
void DrawShell(app::AppState& app);

// The draw list of the status bar's frame-time readout in the last frame DrawShell drew.
// The readout changes with every frame that is drawn, so on its own it is no reason to
// draw one: the platform leaves it out of drawSignature.
const ImDrawList* FrameReadoutDrawList();

}  // namespace rapport::ui
