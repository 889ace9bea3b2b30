// colormap.hpp: the chart layer's colours. One qualitative palette for series (Okabe-Ito
// hues, tuned per theme so every colour has at least 3:1 contrast with the chart's
// surface and stays distinct under protanopia, deuteranopia and tritanopia), and
// continuous colormaps for heatmaps sampled as functions of t in [0, 1]: sequential
// (viridis, single-hue blues) and diverging (red-neutral-blue, neutral tuned per theme).
#pragma once

#include <imgui.h>

namespace rapport::ui::charts {

// ---- Qualitative palette --------------------------------------------------------------

inline constexpr int kSeriesColourCount = 7;
// The i-th series colour for the current theme (wraps around; negative i gives the
// muted text colour, for "no group").
ImU32 seriesColour(int index);
// The palette of a given theme, for tests and for the GPU path's group colours.
ImU32 seriesColourFor(bool darkTheme, int index);
// True when the current ui::palette() is the dark one (its surface is dark).
bool isDarkTheme();

// ---- Continuous colormaps -------------------------------------------------------------

enum class Colormap {
    Viridis,    // sequential, perceptually uniform, colour-blind safe
    Blues,      // sequential single hue: light (low) to dark blue (high) in light theme
    Diverging,  // red (low) - neutral (middle) - blue (high)
};

// The colour at t in [0, 1] (clamped; NaN gives the theme's "no data" colour).
ImVec4 sampleColormap(Colormap map, double t);
ImU32 colormapU32(Colormap map, double t);
// Same, for an explicit theme (tests).
ImVec4 sampleColormapFor(Colormap map, double t, bool darkTheme);

// ---- Helpers --------------------------------------------------------------------------

// WCAG 2 relative luminance of an sRGB colour and the contrast ratio of two colours.
double relativeLuminance(const ImVec4& colour);
double contrastRatio(const ImVec4& a, const ImVec4& b);
// Black or white text, whichever reads better on `background`.
ImU32 textColourOn(ImU32 background);
// `colour` with its alpha multiplied by `alpha`.
ImU32 withAlpha(ImU32 colour, float alpha);

}  // namespace rapport::ui::charts
