// fonts.hpp: the app's typefaces. Inter (Debian's fonts-inter) for text at body and
// heading sizes, Font Awesome 4.7 (fonts-font-awesome) merged in for icons. Fonts are
// rasterised at size x scale so text stays crisp at any device pixel ratio.
#pragma once

#include <string>

struct ImFont;

namespace rapport::ui {

struct FontFiles {
    std::string regular;   // Inter-Regular.otf
    std::string semibold;  // Inter-SemiBold.otf
    std::string icons;     // fontawesome-webfont.ttf
};

struct Fonts {
    ImFont* body = nullptr;     // 15 px regular, with icons
    ImFont* strong = nullptr;   // 15 px semibold, with icons
    ImFont* small = nullptr;    // 13 px regular, with icons (status bar, captions)
    ImFont* heading = nullptr;  // 22 px semibold
    ImFont* display = nullptr;  // 28 px semibold (empty states, big figures)
    ImFont* iconLarge = nullptr;  // 44 px icons
};

// Builds the font atlas at `scale`. Falls back to ImGui's built-in font (and says so in
// the returned message) when a file is missing, so the app still starts.
std::string loadFonts(const FontFiles& files, float scale);
const Fonts& fonts();

}  // namespace rapport::ui
