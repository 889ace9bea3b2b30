#include "ui/fonts.hpp"

#include <imgui.h>

#include <cstdio>

#include "ui/icons.hpp"

namespace rapport::ui {

namespace {

Fonts gFonts;

bool fileExists(const std::string& path) {
    if (path.empty()) return false;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    std::fclose(f);
    return true;
}

// Latin, Latin-1, Latin Extended-A (names across Europe), punctuation, arrows, euro.
const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x2027, 0x2030, 0x203A,
                               0x20AC, 0x20AC, 0x2190, 0x2193, 0x2212, 0x2212, 0x2248, 0x2265, 0};
const ImWchar kIconRanges[] = {ICON_MIN_FA, ICON_MAX_FA, 0};

}  // namespace

const Fonts& fonts() { return gFonts; }

std::string loadFonts(const FontFiles& files, float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    gFonts = {};
    const bool haveText = fileExists(files.regular) && fileExists(files.semibold);
    const bool haveIcons = fileExists(files.icons);

    auto addText = [&](const std::string& file, float px, bool withIcons) -> ImFont* {
        ImFontConfig cfg;
        cfg.OversampleH = 2;
        cfg.OversampleV = 1;
        cfg.PixelSnapH = false;
        ImFont* font = nullptr;
        if (haveText) {
            font = io.Fonts->AddFontFromFileTTF(file.c_str(), px * scale, &cfg, kTextRanges);
        } else {
            ImFontConfig fallback;
            fallback.SizePixels = px * scale;
            font = io.Fonts->AddFontDefault(&fallback);
        }
        if (withIcons && haveIcons) {
            ImFontConfig icon;
            icon.MergeMode = true;
            icon.PixelSnapH = true;
            icon.GlyphMinAdvanceX = px * scale * 1.25f;  // icons line up in lists
            icon.GlyphOffset = ImVec2(0, 0.5f * scale);
            io.Fonts->AddFontFromFileTTF(files.icons.c_str(), px * scale * 0.95f, &icon, kIconRanges);
        }
        return font;
    };

    gFonts.body = addText(files.regular, 15, true);
    gFonts.strong = addText(files.semibold, 15, true);
    gFonts.small = addText(files.regular, 13, true);
    gFonts.heading = addText(files.semibold, 22, false);
    gFonts.display = addText(files.semibold, 28, false);
    if (haveIcons) {
        ImFontConfig cfg;
        gFonts.iconLarge = io.Fonts->AddFontFromFileTTF(files.icons.c_str(), 44 * scale, &cfg, kIconRanges);
    } else {
        gFonts.iconLarge = gFonts.display;
    }
    io.FontDefault = gFonts.body;
    io.Fonts->Build();

    if (!haveText) return "The Inter font was not found; using the built-in font.";
    if (!haveIcons) return "The icon font was not found; icons are hidden.";
    return {};
}

}  // namespace rapport::ui
