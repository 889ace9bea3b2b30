// ui: everything drawn with Dear ImGui: theme, fonts, widgets, the chart layer
// (ui/charts/), the shell and one file per view (ui/views/). May use: app (and below),
// Dear ImGui. Nothing here includes emscripten.h: the platform layer feeds sizes and
// input in.
//
// theme.hpp: the light and dark palettes, spacing in CSS pixels, and the scale that
// turns CSS pixels into framebuffer pixels (the device pixel ratio).
#pragma once

#include <imgui.h>

#include "app/app_state.hpp"

namespace rapport::ui {

struct Palette {
    ImVec4 appBg;         // behind everything
    ImVec4 sidebarBg;
    ImVec4 surface;       // cards and panels
    ImVec4 surfaceHover;
    ImVec4 border;
    ImVec4 text;
    ImVec4 textMuted;
    ImVec4 accent;        // primary actions, selection
    ImVec4 accentHover;
    ImVec4 accentText;    // text on accent
    ImVec4 accentSoft;    // selected navigation item
    ImVec4 success;
    ImVec4 warning;
    ImVec4 danger;
    ImVec4 statusBg;
};

// Spacing scale in CSS pixels: one rhythm for the whole app.
namespace space {
inline constexpr float xs = 4, sm = 8, md = 12, lg = 16, xl = 24, xxl = 32;
}

// Applies a theme to ImGui's style at `scale` framebuffer pixels per CSS pixel.
void applyTheme(app::Theme theme, float scale);
const Palette& palette();
float uiScale();
// CSS pixels to framebuffer pixels.
inline float dp(float cssPixels) { return cssPixels * uiScale(); }
ImU32 toU32(const ImVec4& colour);

}  // namespace rapport::ui
