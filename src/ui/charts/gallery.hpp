// gallery.hpp: a screen that draws every series type and chart flag with synthetic data,
// like implot_demo.cpp: living documentation of the chart layer and a page to look at in
// screenshots. Shown behind a debug switch.
#pragma once

namespace rapport::ui::charts {

// Draws the gallery into the current window (call between ImGui::Begin and End).
void DrawChartGallery();

}  // namespace rapport::ui::charts
