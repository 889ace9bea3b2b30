// colormap.cpp: series palette and heatmap colormaps (see colormap.hpp). The tables were
// tuned offline: each qualitative colour keeps its Okabe-Ito hue, with lightness moved
// until its contrast with the theme's chart surface reaches 3:1 (WCAG 1.4.11 for
// graphics); tests/ui/charts_test.cpp checks contrast and colour-blind distinctness.
#include "ui/charts/colormap.hpp"

#include <algorithm>
#include <cmath>

#include "ui/theme.hpp"

namespace rapport::ui::charts {

namespace {

constexpr ImU32 rgb(unsigned hex) { return IM_COL32((hex >> 16) & 0xff, (hex >> 8) & 0xff, hex & 0xff, 0xff); }

// Blue, orange, bluish green, vermillion, reddish purple, sky blue, grey (Okabe & Ito
// 2008), darker on the light surface (#FFFFFF) and lighter on the dark one (#1E222B).
constexpr ImU32 kLightSeries[kSeriesColourCount] = {rgb(0x0072B2), rgb(0xBF8406), rgb(0x009E73), rgb(0xB34700),
                                                    rgb(0xC7719F), rgb(0x3597CB), rgb(0x6B7280)};
constexpr ImU32 kDarkSeries[kSeriesColourCount] = {rgb(0x3C8FD6), rgb(0xE69F00), rgb(0x00B386), rgb(0xE5661A),
                                                   rgb(0xD98BB8), rgb(0x7FCCF5), rgb(0x727B8A)};

struct Stop {
    float t;
    unsigned hex;
};

// Viridis (matplotlib) sampled every 0.1; linear interpolation between these stays
// within a few units of the full 256-entry table.
constexpr Stop kViridis[] = {{0.0f, 0x440154}, {0.1f, 0x482475}, {0.2f, 0x414487}, {0.3f, 0x355F8D},
                             {0.4f, 0x2A788E}, {0.5f, 0x21918C}, {0.6f, 0x22A884}, {0.7f, 0x44BF70},
                             {0.8f, 0x7AD151}, {0.9f, 0xBDDF26}, {1.0f, 0xFDE725}};
// Low values fade into the surface: light blue on white, dark blue on the dark theme.
constexpr Stop kBluesLight[] = {
    {0.0f, 0xEFF3FF}, {0.25f, 0xC6DBEF}, {0.5f, 0x6BAED6}, {0.75f, 0x2171B5}, {1.0f, 0x08306B}};
constexpr Stop kBluesDark[] = {
    {0.0f, 0x1B2436}, {0.25f, 0x1F3F66}, {0.5f, 0x2F6DA3}, {0.75f, 0x5FA3D9}, {1.0f, 0xBFDDF7}};
// ColorBrewer RdBu; on the dark theme the neutral middle is the surface's grey.
constexpr Stop kDivergingLight[] = {
    {0.0f, 0xB2182B}, {0.25f, 0xEF8A62}, {0.5f, 0xF4F4F4}, {0.75f, 0x67A9CF}, {1.0f, 0x2166AC}};
constexpr Stop kDivergingDark[] = {
    {0.0f, 0xF2705E}, {0.25f, 0x9A4F45}, {0.5f, 0x353A45}, {0.75f, 0x3F6E98}, {1.0f, 0x74B4EE}};

ImVec4 toVec4(unsigned hex) {
    return ImVec4(static_cast<float>((hex >> 16) & 0xff) / 255.0f, static_cast<float>((hex >> 8) & 0xff) / 255.0f,
                  static_cast<float>(hex & 0xff) / 255.0f, 1.0f);
}

template <size_t N>
ImVec4 sampleStops(const Stop (&stops)[N], float t) {
    if (t <= stops[0].t) return toVec4(stops[0].hex);
    for (size_t i = 1; i < N; ++i) {
        if (t <= stops[i].t) {
            const float f = (t - stops[i - 1].t) / (stops[i].t - stops[i - 1].t);
            const ImVec4 a = toVec4(stops[i - 1].hex);
            const ImVec4 b = toVec4(stops[i].hex);
            return ImVec4(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f, a.z + (b.z - a.z) * f, 1.0f);
        }
    }
    return toVec4(stops[N - 1].hex);
}

double linearise(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

}  // namespace

// ---- Qualitative palette --------------------------------------------------------------

bool isDarkTheme() { return relativeLuminance(palette().surface) < 0.2; }

ImU32 seriesColourFor(bool darkTheme, int index) {
    const ImU32* table = darkTheme ? kDarkSeries : kLightSeries;
    return table[((index % kSeriesColourCount) + kSeriesColourCount) % kSeriesColourCount];
}

ImU32 seriesColour(int index) {
    if (index < 0) return toU32(palette().textMuted);
    return seriesColourFor(isDarkTheme(), index);
}

// ---- Continuous colormaps -------------------------------------------------------------

ImVec4 sampleColormapFor(Colormap map, double t, bool darkTheme) {
    if (std::isnan(t)) return darkTheme ? toVec4(0x2E3440) : toVec4(0xE1E4EA);
    const float f = static_cast<float>(std::clamp(t, 0.0, 1.0));
    switch (map) {
        case Colormap::Viridis:
            return sampleStops(kViridis, f);
        case Colormap::Blues:
            return darkTheme ? sampleStops(kBluesDark, f) : sampleStops(kBluesLight, f);
        case Colormap::Diverging:
            return darkTheme ? sampleStops(kDivergingDark, f) : sampleStops(kDivergingLight, f);
    }
    return sampleStops(kViridis, f);
}

ImVec4 sampleColormap(Colormap map, double t) { return sampleColormapFor(map, t, isDarkTheme()); }

ImU32 colormapU32(Colormap map, double t) { return ImGui::ColorConvertFloat4ToU32(sampleColormap(map, t)); }

// ---- Helpers --------------------------------------------------------------------------

double relativeLuminance(const ImVec4& c) {
    return 0.2126 * linearise(c.x) + 0.7152 * linearise(c.y) + 0.0722 * linearise(c.z);
}

double contrastRatio(const ImVec4& a, const ImVec4& b) {
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 textColourOn(ImU32 background) {
    const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(background);
    const ImVec4 black(0.07f, 0.08f, 0.10f, 1.0f);
    const ImVec4 white(1, 1, 1, 1);
    return contrastRatio(bg, black) >= contrastRatio(bg, white) ? ImGui::ColorConvertFloat4ToU32(black)
                                                                : ImGui::ColorConvertFloat4ToU32(white);
}

ImU32 withAlpha(ImU32 colour, float alpha) {
    const unsigned a = (colour >> IM_COL32_A_SHIFT) & 0xff;
    const auto scaled = static_cast<unsigned>(std::clamp(static_cast<float>(a) * alpha, 0.0f, 255.0f) + 0.5f);
    return (colour & ~IM_COL32_A_MASK) | (scaled << IM_COL32_A_SHIFT);
}

}  // namespace rapport::ui::charts
