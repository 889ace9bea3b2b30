#include "ui/widgets.hpp"

#include <algorithm>
#include <unordered_map>

#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"

namespace rapport::ui {

// ---- Widget registry ------------------------------------------------------------------

namespace {
std::unordered_map<std::string, WidgetRect> gCurrent;   // being filled this frame
std::unordered_map<std::string, WidgetRect> gPrevious;  // complete, from the last frame
}  // namespace

void beginWidgetFrame() {
    gPrevious.swap(gCurrent);
    gCurrent.clear();
}

void recordItem(std::string_view label) {
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    const float s = uiScale();
    gCurrent[std::string(label)] = WidgetRect{min.x / s, min.y / s, (max.x - min.x) / s, (max.y - min.y) / s};
}

std::optional<WidgetRect> findWidget(std::string_view label) {
    const std::string key(label);
    if (auto it = gCurrent.find(key); it != gCurrent.end()) return it->second;
    if (auto it = gPrevious.find(key); it != gPrevious.end()) return it->second;
    return std::nullopt;
}

// ---- Widgets --------------------------------------------------------------------------

bool Button(const char* label, ButtonKind kind, const char* icon, ImVec2 size) {
    const Palette& p = palette();
    int colours = 0;
    switch (kind) {
        case ButtonKind::Primary:
            ImGui::PushStyleColor(ImGuiCol_Button, p.accent);
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.accentHover);
            ImGui::PushStyleColor(ImGuiCol_ButtonActive, p.accentHover);
            ImGui::PushStyleColor(ImGuiCol_Text, p.accentText);
            colours = 4;
            break;
        case ButtonKind::Secondary:
            ImGui::PushStyleColor(ImGuiCol_Button, p.surface);
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.surfaceHover);
            ImGui::PushStyleColor(ImGuiCol_ButtonActive, p.border);
            ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, dp(1));
            colours = 3;
            break;
        case ButtonKind::Ghost:
            ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.surfaceHover);
            ImGui::PushStyleColor(ImGuiCol_ButtonActive, p.border);
            colours = 3;
            break;
    }
    ImGui::PushFont(fonts().strong);
    std::string text = icon != nullptr ? std::string(icon) + "  " + label : std::string(label);
    text += "##";
    text += label;
    const bool clicked = ImGui::Button(text.c_str(), size);
    ImGui::PopFont();
    if (kind == ButtonKind::Secondary) ImGui::PopStyleVar();
    ImGui::PopStyleColor(colours);
    recordItem(label);
    return clicked;
}

void ItemTooltip(const char* title, const char* body) {
    if (!ImGui::IsItemHovered(ImGuiHoveredFlags_DelayShort | ImGuiHoveredFlags_AllowWhenDisabled)) return;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(dp(space::md), dp(space::md)));
    if (ImGui::BeginTooltip()) {
        ImGui::PushTextWrapPos(dp(320));
        if (title != nullptr && title[0] != '\0') {
            ImGui::PushFont(fonts().strong);
            ImGui::TextUnformatted(title);
            ImGui::PopFont();
        }
        if (body != nullptr && body[0] != '\0') MutedTextWrapped(body);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    ImGui::PopStyleVar();
}

void SectionHeading(const char* text) {
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
}

void ErrorText(const std::string& text) {
    if (text.empty()) return;
    ImGui::PushStyleColor(ImGuiCol_Text, palette().danger);
    ImGui::TextWrapped(ICON_EXCLAMATION "  %s", text.c_str());
    ImGui::PopStyleColor();
}

void MutedText(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, palette().textMuted);
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
}

void MutedTextWrapped(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, palette().textMuted);
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

bool BeginCard(const char* id, ImVec2 size, bool scrollable) {
    const Palette& p = palette();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, p.surface);
    ImGui::PushStyleColor(ImGuiCol_Border, p.border);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(dp(space::xl), dp(space::lg)));
    const ImGuiChildFlags flags = ImGuiChildFlags_Border | ImGuiChildFlags_AlwaysUseWindowPadding |
                                  (size.y == 0 ? ImGuiChildFlags_AutoResizeY : 0);
    const bool open = ImGui::BeginChild(id, size, flags, scrollable ? ImGuiWindowFlags_None : ImGuiWindowFlags_NoScrollbar);
    return open;
}

void EndCard() {
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(2);
}

namespace {
void centredText(ImFont* font, const char* text, ImVec4 colour, float width) {
    ImGui::PushFont(font);
    const float w = ImGui::CalcTextSize(text).x;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (width - w) * 0.5f));
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
    ImGui::PopFont();
}
}  // namespace

void BeginEmptyState(const char* icon, const char* title, const char* body) {
    const Palette& p = palette();
    const float width = std::min(ImGui::GetContentRegionAvail().x, dp(560));
    const float indent = std::max(0.0f, (ImGui::GetContentRegionAvail().x - width) * 0.5f);
    ImGui::Dummy(ImVec2(0, dp(space::xxl)));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent);
    ImGui::BeginGroup();
    centredText(fonts().iconLarge, icon, p.accent, width);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    centredText(fonts().display, title, p.text, width);
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    MutedTextWrapped(body);
    ImGui::PopTextWrapPos();
    ImGui::Dummy(ImVec2(width, dp(space::lg)));
}

void EndEmptyState() { ImGui::EndGroup(); }

}  // namespace rapport::ui
