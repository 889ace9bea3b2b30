#include "ui/theme.hpp"

namespace rapport::ui {

namespace {

constexpr ImVec4 rgb(unsigned hex, float alpha = 1.0f) {
    return ImVec4(static_cast<float>((hex >> 16) & 0xff) / 255.0f, static_cast<float>((hex >> 8) & 0xff) / 255.0f,
                  static_cast<float>(hex & 0xff) / 255.0f, alpha);
}

// Indigo accent, neutral greys; contrast of text on background above 7:1 in both.
constexpr Palette kLight = {
    rgb(0xF4F5F8), rgb(0xFFFFFF), rgb(0xFFFFFF), rgb(0xF0F1F5), rgb(0xE1E4EA),
    rgb(0x1D2230), rgb(0x5F6777), rgb(0x4F46E5), rgb(0x4338CA), rgb(0xFFFFFF),
    rgb(0xEEF0FF), rgb(0x15803D), rgb(0xB45309), rgb(0xB91C1C), rgb(0xFFFFFF),
};
constexpr Palette kDark = {
    rgb(0x121419), rgb(0x181B22), rgb(0x1E222B), rgb(0x272C37), rgb(0x2E3440),
    rgb(0xE7E9EE), rgb(0x9BA3B1), rgb(0x818CF8), rgb(0x98A1FA), rgb(0x11131A),
    rgb(0x262A45), rgb(0x4ADE80), rgb(0xFBBF24), rgb(0xF87171), rgb(0x181B22),
};

const Palette* gPalette = &kLight;
float gScale = 1.0f;

}  // namespace

const Palette& palette() { return *gPalette; }
float uiScale() { return gScale; }
ImU32 toU32(const ImVec4& c) { return ImGui::ColorConvertFloat4ToU32(c); }

void applyTheme(app::Theme theme, float scale) {
    gPalette = theme == app::Theme::Dark ? &kDark : &kLight;
    gScale = scale;
    const Palette& p = *gPalette;

    ImGuiStyle style;  // start from defaults so a rescale never compounds
    style.WindowPadding = ImVec2(space::lg, space::lg);
    style.FramePadding = ImVec2(space::md, 7);
    style.ItemSpacing = ImVec2(space::sm, space::sm);
    style.ItemInnerSpacing = ImVec2(space::sm, space::xs);
    style.CellPadding = ImVec2(space::sm, 6);
    style.ScrollbarSize = 12;
    style.GrabMinSize = 10;
    style.WindowRounding = 0;
    style.ChildRounding = 8;
    style.FrameRounding = 6;
    style.PopupRounding = 8;
    style.ScrollbarRounding = 6;
    style.GrabRounding = 6;
    style.TabRounding = 6;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 1;
    style.PopupBorderSize = 1;
    style.FrameBorderSize = 0;
    style.SelectableTextAlign = ImVec2(0.0f, 0.5f);
    style.ScaleAllSizes(scale);

    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = p.text;
    c[ImGuiCol_TextDisabled] = p.textMuted;
    c[ImGuiCol_WindowBg] = p.appBg;
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = p.surface;
    c[ImGuiCol_Border] = p.border;
    c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = p.surfaceHover;
    c[ImGuiCol_FrameBgHovered] = p.border;
    c[ImGuiCol_FrameBgActive] = p.border;
    c[ImGuiCol_TitleBg] = p.sidebarBg;
    c[ImGuiCol_TitleBgActive] = p.sidebarBg;
    c[ImGuiCol_TitleBgCollapsed] = p.sidebarBg;
    c[ImGuiCol_MenuBarBg] = p.sidebarBg;
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = p.border;
    c[ImGuiCol_ScrollbarGrabHovered] = p.textMuted;
    c[ImGuiCol_ScrollbarGrabActive] = p.textMuted;
    c[ImGuiCol_CheckMark] = p.accent;
    c[ImGuiCol_SliderGrab] = p.accent;
    c[ImGuiCol_SliderGrabActive] = p.accentHover;
    c[ImGuiCol_Button] = p.surfaceHover;
    c[ImGuiCol_ButtonHovered] = p.border;
    c[ImGuiCol_ButtonActive] = p.border;
    c[ImGuiCol_Header] = p.accentSoft;
    c[ImGuiCol_HeaderHovered] = p.surfaceHover;
    c[ImGuiCol_HeaderActive] = p.accentSoft;
    c[ImGuiCol_Separator] = p.border;
    c[ImGuiCol_SeparatorHovered] = p.accent;
    c[ImGuiCol_SeparatorActive] = p.accent;
    c[ImGuiCol_ResizeGrip] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_Tab] = p.surfaceHover;
    c[ImGuiCol_TabHovered] = p.accentSoft;
    c[ImGuiCol_TabActive] = p.accentSoft;
    c[ImGuiCol_PlotLines] = p.accent;
    c[ImGuiCol_PlotHistogram] = p.accent;
    c[ImGuiCol_TableHeaderBg] = p.surfaceHover;
    c[ImGuiCol_TableBorderStrong] = p.border;
    c[ImGuiCol_TableBorderLight] = p.border;
    c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = p.surfaceHover;
    c[ImGuiCol_TextSelectedBg] = ImVec4(p.accent.x, p.accent.y, p.accent.z, 0.30f);
    c[ImGuiCol_NavHighlight] = p.accent;
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.45f);

    ImGui::GetStyle() = style;
}

}  // namespace rapport::ui
