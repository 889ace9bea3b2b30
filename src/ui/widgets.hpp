// widgets.hpp: Rapport's own widgets on top of ImGui, and the registry of where each
// labelled widget was drawn in the last frame (the automation hook's widgetRect()).
#pragma once

#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>

namespace rapport::ui {

// ---- Widget registry ------------------------------------------------------------------

struct WidgetRect {
    float x = 0, y = 0, w = 0, h = 0;  // CSS pixels, relative to the canvas
};

// Forget last frame's rectangles; the shell calls this at the start of every frame.
void beginWidgetFrame();
// Remember the last submitted item under `label` (visible text without icon or ##id).
void recordItem(std::string_view label);
// Where the widget with this label was drawn in the last complete frame.
std::optional<WidgetRect> findWidget(std::string_view label);

// ---- Widgets --------------------------------------------------------------------------

enum class ButtonKind { Primary, Secondary, Ghost };

// A button recorded in the registry under `label`. `icon` (UTF-8, may be null) is drawn
// before the label. Returns true when clicked.
bool Button(const char* label, ButtonKind kind = ButtonKind::Secondary, const char* icon = nullptr,
            ImVec2 size = ImVec2(0, 0));

// A tooltip with a title and an explanation, shown when the last item is hovered.
void ItemTooltip(const char* title, const char* body);

// A section's heading (the strong font).
void SectionHeading(const char* text);
// An error for the user in the danger colour, wrapped, with an icon; nothing when empty.
void ErrorText(const std::string& text);

// Text in the muted colour; wrapped to the available width.
void MutedText(const char* text);
void MutedTextWrapped(const char* text);

// A bordered card: BeginCard/EndCard around content. Height 0 fits the content; a
// fixed height scrolls when `scrollable`.
bool BeginCard(const char* id, ImVec2 size = ImVec2(0, 0), bool scrollable = false);
void EndCard();

// The screen a view shows before it has data: an icon, a title, what will be here, and
// what to do. Returns nothing: actions are drawn by the caller between Begin and End.
void BeginEmptyState(const char* icon, const char* title, const char* body);
void EndEmptyState();

}  // namespace rapport::ui
