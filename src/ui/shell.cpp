// shell.cpp: the app's frame.
//   1. Shortcuts     Ctrl+1..8 / Alt+1..8 switch views
//   2. Sidebar       brand, navigation, theme switch
//   3. Content       view title and subtitle, then the view
//   4. Status bar    storage, record counts, frame time
#include "ui/shell.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/text_format.hpp"

#include "ui/charts/gallery.hpp"
#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

struct ViewChrome {
    const char* icon;
    const char* subtitle;
    void (*draw)(app::AppState&);
};

// Indexed by app::View, in navigation order.
constexpr ViewChrome kChrome[] = {
    {ICON_TACHOMETER, "Key figures for your whole customer base", DrawOverviewView},
    {ICON_USERS, "Everyone you do business with", DrawCustomersView},
    {ICON_PIE_CHART, "Groups of customers that behave alike", DrawSegmentsView},
    {ICON_SMILE, "Net Promoter Score and satisfaction", DrawNpsView},
    {ICON_USER_TIMES, "Customers at risk of leaving", DrawChurnView},
    {ICON_DIAMOND, "Lifetime value and retention", DrawValueView},
    {ICON_DATABASE, "Import, export, backup and storage", DrawDataView},
    {ICON_GRADUATION, "The formulas behind every number", DrawLearnView},
};

constexpr float kSidebarWidth = 232;
constexpr float kStatusHeight = 30;

// ---- 1. Shortcuts ---------------------------------------------------------------------

void handleShortcuts(app::AppState& app) {
    const ImGuiIO& io = ImGui::GetIO();
    // Ctrl+Shift+G: the chart gallery, a debug screen with every chart type.
    if (io.KeyCtrl && io.KeyShift && ImGui::IsKeyPressed(ImGuiKey_G, false)) app.showChartGallery = !app.showChartGallery;
    if (!(io.KeyCtrl || io.KeyAlt) || io.KeyShift) return;
    const auto views = app::allViews();
    for (size_t i = 0; i < views.size(); ++i) {
        const auto key = static_cast<ImGuiKey>(ImGuiKey_1 + static_cast<int>(i));
        const auto keypad = static_cast<ImGuiKey>(ImGuiKey_Keypad1 + static_cast<int>(i));
        if (ImGui::IsKeyPressed(key, false) || ImGui::IsKeyPressed(keypad, false)) app.view = views[i].view;
    }
}

// ---- 2. Sidebar -----------------------------------------------------------------------

bool navItem(const char* icon, std::string_view label, bool selected, int shortcut) {
    const Palette& p = palette();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 size(ImGui::GetContentRegionAvail().x, dp(40));
    const std::string id = "##nav_" + std::string(label);
    const bool clicked = ImGui::InvisibleButton(id.c_str(), size);
    recordItem(label);
    const bool hovered = ImGui::IsItemHovered();
    const ImVec2 min = ImGui::GetItemRectMin();
    const ImVec2 max = ImGui::GetItemRectMax();
    if (selected || hovered) {
        dl->AddRectFilled(min, max, toU32(selected ? p.accentSoft : p.surfaceHover), dp(8));
    }
    if (selected) {
        dl->AddRectFilled(ImVec2(min.x, min.y + dp(10)), ImVec2(min.x + dp(3), max.y - dp(10)), toU32(p.accent), dp(2));
    }
    ImFont* font = selected ? fonts().strong : fonts().body;
    const ImU32 colour = toU32(selected ? p.accent : p.text);
    const float textY = min.y + (size.y - font->FontSize) * 0.5f;
    dl->AddText(font, font->FontSize, ImVec2(min.x + dp(14), textY), toU32(selected ? p.accent : p.textMuted), icon);
    const std::string text(label);
    dl->AddText(font, font->FontSize, ImVec2(min.x + dp(46), textY), colour, text.c_str());
    if (hovered) {
        char hint[64];
        std::snprintf(hint, sizeof hint, "Ctrl+%d or Alt+%d", shortcut, shortcut);
        ItemTooltip(text.c_str(), hint);
    }
    return clicked;
}

void drawSidebar(app::AppState& app) {
    const Palette& p = palette();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 wmin = ImGui::GetWindowPos();
    const ImVec2 wsize = ImGui::GetWindowSize();
    dl->AddLine(ImVec2(wmin.x + wsize.x - dp(1), wmin.y), ImVec2(wmin.x + wsize.x - dp(1), wmin.y + wsize.y), toU32(p.border));

    // Brand
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    ImGui::PushFont(fonts().heading);
    ImGui::PushStyleColor(ImGuiCol_Text, p.accent);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + dp(6));
    ImGui::PushFont(fonts().strong);
    ImGui::TextUnformatted(ICON_HANDSHAKE);
    ImGui::PopFont();
    ImGui::PopStyleColor();
    ImGui::SameLine(0, dp(10));
    ImGui::TextUnformatted("Rapport");
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(0, dp(space::lg)));

    int index = 1;
    for (const app::ViewInfo& info : app::allViews()) {
        const ViewChrome& chrome = kChrome[static_cast<size_t>(info.view)];
        if (navItem(chrome.icon, info.label, app.view == info.view, index)) {
            app.view = info.view;
            app.showChartGallery = false;
        }
        ++index;
    }

    // Theme switch at the bottom of the sidebar.
    const float buttonHeight = ImGui::GetFrameHeight();
    const float bottom = ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y - buttonHeight;
    if (ImGui::GetCursorPosY() < bottom) ImGui::SetCursorPosY(bottom);
    const bool dark = app.theme == app::Theme::Dark;
    if (Button(dark ? "Light theme" : "Dark theme", ButtonKind::Ghost, dark ? ICON_SUN : ICON_MOON,
               ImVec2(ImGui::GetContentRegionAvail().x, 0))) {
        app.theme = dark ? app::Theme::Light : app::Theme::Dark;
        applyTheme(app.theme, uiScale());
    }
    ItemTooltip("Switch theme", "Light and dark themes use the same colours for data, so charts read alike in both.");
}

// ---- 3. Content -----------------------------------------------------------------------

// The running job: what it does, how far it is, how long is left, and Cancel.
void drawJobPanel(app::AppState& app) {
    const app::JobRunner& r = app.runner;
    if (!r.active) return;
    if (BeginCard("##job")) {
        ImGui::PushFont(fonts().strong);
        ImGui::TextUnformatted(r.active->title().c_str());
        ImGui::PopFont();
        const double fraction = r.active->progress();
        const double left = app::jobSecondsLeft(app);
        std::string detail = r.active->detail();
        char percent[16];
        std::snprintf(percent, sizeof percent, "%.0f%%", fraction * 100);
        detail += std::string("  \xC2\xB7  ") + percent;
        if (left >= 0) detail += std::string("  \xC2\xB7  ") + (left >= 1 ? "about " : "") + core::formatDuration(left) + " left";
        ImGui::SameLine(0, dp(space::lg));
        MutedText(detail.c_str());
        const float cancelWidth = dp(110);
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, palette().accent);
        ImGui::ProgressBar(static_cast<float>(fraction), ImVec2(ImGui::GetContentRegionAvail().x - cancelWidth - dp(space::md), dp(8)), "");
        ImGui::PopStyleColor();
        ImGui::SameLine(0, dp(space::md));
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() - dp(10));
        if (Button("Cancel", ButtonKind::Secondary, ICON_TIMES, ImVec2(cancelWidth, 0))) app::requestCancel(app);
        ItemTooltip("Cancel", "Stops the task and undoes everything it did so far.");
    }
    EndCard();
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
}

void drawContent(app::AppState& app) {
    const app::ViewInfo& info = app::viewInfo(app.view);
    const ViewChrome& chrome = kChrome[static_cast<size_t>(app.view)];
    ImGui::PushFont(fonts().heading);
    ImGui::TextUnformatted(info.label.data(), info.label.data() + info.label.size());
    ImGui::PopFont();
    MutedText(chrome.subtitle);
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    ImGui::Separator();
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    if (!app.lastError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette().danger);
        ImGui::TextWrapped(ICON_EXCLAMATION "  %s", app.lastError.c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (Button("Dismiss", ButtonKind::Ghost)) app.lastError.clear();
        ImGui::Spacing();
    }
    drawJobPanel(app);
    ImGui::BeginChild("##view", ImVec2(0, 0), ImGuiChildFlags_None);
    if (app.showChartGallery) {
        MutedText("Chart gallery (debug): every series type and option of the chart layer. Ctrl+Shift+G closes it.");
        if (Button("Close gallery", ButtonKind::Ghost, ICON_TIMES)) app.showChartGallery = false;
        charts::DrawChartGallery();
    } else {
        chrome.draw(app);
    }
    ImGui::EndChild();
}

// ---- 4. Status bar --------------------------------------------------------------------

const ImDrawList* gFrameReadout = nullptr;

void drawStatusBar(app::AppState& app) {
    const Palette& p = palette();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 wmin = ImGui::GetWindowPos();
    dl->AddLine(wmin, ImVec2(wmin.x + ImGui::GetWindowWidth(), wmin.y), toU32(p.border));
    ImGui::PushFont(fonts().small);
    ImGui::SetCursorPosY((ImGui::GetWindowHeight() - ImGui::GetTextLineHeight()) * 0.5f);

    const char* storageText = "Opening storage...";
    const char* storageHelp = "";
    ImVec4 colour = p.textMuted;
    switch (app.storage) {
        case app::StorageState::Opening: break;
        case app::StorageState::InMemory:
            storageText = ICON_HDD "  In memory";
            storageHelp = app.storageMessage.empty() ? "The database is kept in this tab's memory only."
                                                     : app.storageMessage.c_str();
            colour = p.warning;
            break;
        case app::StorageState::Saved:
            storageText = ICON_CHECK_CIRCLE "  Saved";
            storageHelp = "Every change is saved in this browser's storage on this computer.";
            colour = p.success;
            break;
        case app::StorageState::Saving:
            storageText = ICON_CLOCK "  Saving...";
            storageHelp = "Writing the latest change to this browser's storage.";
            break;
        case app::StorageState::ReadOnly:
            storageText = ICON_LOCK "  Read-only";
            storageHelp = app.storageMessage.c_str();
            colour = p.warning;
            break;
        case app::StorageState::Error:
            storageText = ICON_EXCLAMATION "  Not saved";
            storageHelp = app.storageMessage.c_str();
            colour = p.danger;
            break;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextUnformatted(storageText);
    ImGui::PopStyleColor();
    ItemTooltip("Storage", storageHelp);

    const std::string counts = core::formatCount(app.counts.customers) + " customers  \xC2\xB7  " +
                               core::formatCount(app.counts.orders) + " orders  \xC2\xB7  " +
                               core::formatCount(app.counts.surveyResponses) + " survey responses  \xC2\xB7  " +
                               core::formatCount(app.counts.interactions) + " interactions";
    ImGui::SameLine(0, dp(space::xl));
    MutedText(counts.c_str());
    ItemTooltip("Records", "How many records of each kind the database holds right now.");

    const analytics::Summary s = app.frames.summary();
    char frame[96];
    std::snprintf(frame, sizeof frame, ICON_MICROCHIP "  %.1f ms/frame  (p95 %.1f)", s.mean, s.p95);
    const float w = ImGui::CalcTextSize(frame).x;
    ImGui::SameLine(ImGui::GetWindowWidth() - w - dp(space::lg));
    // In a window of its own, so in a draw list of its own (FrameReadoutDrawList).
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::BeginChild("##frame-time", ImVec2(w, ImGui::GetTextLineHeight()), ImGuiChildFlags_None,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
    gFrameReadout = ImGui::GetWindowDrawList();
    MutedText(frame);
    ItemTooltip("Frame time", "Time the app's own code spends on each frame it draws, averaged over the last 120 "
                              "(p95: 95% of frames were faster). Under 8 ms keeps scrolling smooth. While nothing "
                              "changes on screen, no frame is drawn.");
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

}  // namespace

void DrawShell(app::AppState& app) {
    beginWidgetFrame();
    handleShortcuts(app);

    const Palette& p = palette();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    const ImGuiWindowFlags rootFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                       ImGuiWindowFlags_NoScrollWithMouse;
    ImGui::Begin("##root", nullptr, rootFlags);
    ImGui::PopStyleVar(2);

    const float statusHeight = dp(kStatusHeight);
    const float bodyHeight = std::max(0.0f, vp->Size.y - statusHeight);
    const ImGuiChildFlags padded = ImGuiChildFlags_AlwaysUseWindowPadding;

    ImGui::PushStyleColor(ImGuiCol_ChildBg, p.sidebarBg);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(dp(space::md), dp(space::lg)));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 0);
    ImGui::BeginChild("##sidebar", ImVec2(dp(kSidebarWidth), bodyHeight), padded, ImGuiWindowFlags_NoScrollbar);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(dp(space::sm), dp(2)));
    drawSidebar(app);
    ImGui::PopStyleVar();
    ImGui::EndChild();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();

    ImGui::SameLine(0, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(dp(space::xxl), dp(space::xl)));
    ImGui::BeginChild("##content", ImVec2(0, bodyHeight), padded);
    drawContent(app);
    ImGui::EndChild();
    ImGui::PopStyleVar();

    ImGui::PushStyleColor(ImGuiCol_ChildBg, p.statusBg);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(dp(space::lg), 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 0);
    ImGui::BeginChild("##status", ImVec2(0, statusHeight), padded, ImGuiWindowFlags_NoScrollbar);
    drawStatusBar(app);
    ImGui::EndChild();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();

    ImGui::End();
}

const ImDrawList* FrameReadoutDrawList() { return gFrameReadout; }

}  // namespace rapport::ui
