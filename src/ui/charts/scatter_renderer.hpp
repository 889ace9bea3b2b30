// scatter_renderer.hpp: the seam between scatter plots and a GPU. Above
// ChartStyle::gpuMinPoints points, PlotScatter hands a ScatterBatch to the registered
// renderer, which keeps the points in a vertex buffer (re-uploaded only when
// batch.dataChanged), draws them with Rapport's shaders (shaders/points.vert|frag) into a
// texture the size of the plot rectangle and returns it; the chart shows it with
// addImage(). Hover and selection stay exact on the CPU. The platform layer registers the
// WebGL2 renderer (src/platform/scatter_gl_web.cpp); tests register a fake one.
#pragma once

#include <imgui.h>

#include <cstdint>

#include "ui/charts/chart.hpp"

namespace rapport::ui::charts {

struct ScatterBatch {
    ImGuiID key = 0;  // chart id combined with the series label: one buffer and texture each

    // ---- Data: read only when dataChanged ----
    const double* xs = nullptr;  // arrays, or
    const double* ys = nullptr;
    PointGetter getter = nullptr;  // a getter
    void* getterData = nullptr;
    int count = 0;
    // Colour per point: colours[i], else groupColours[groups[i] % groupColourCount] (a
    // negative group takes mutedColour), else `colour`. Alpha comes from the colour and `alpha`.
    const ImU32* colours = nullptr;
    const int* groups = nullptr;
    const ImU32* groupColours = nullptr;
    int groupColourCount = 0;
    ImU32 colour = 0;
    ImU32 mutedColour = 0;
    bool logX = false, logY = false;  // upload log10 of the coordinates; non-positive ones are not drawn
    bool dataChanged = true;          // points or colours differ from what this key last uploaded

    // ---- View: every frame ----
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;  // visible range (log10 units on log axes)
    int width = 0, height = 0;                      // texture size, framebuffer pixels
    float pointSize = 4;                            // diameter, framebuffer pixels
    float alpha = 1;                                // multiplies every point's alpha

    ChartPoint point(int i) const {
        if (getter != nullptr) return getter(i, getterData);
        return ChartPoint{xs != nullptr ? xs[i] : static_cast<double>(i), ys[i]};
    }
    ImU32 colourOf(int i) const {
        if (colours != nullptr) return colours[i];
        if (groups != nullptr && groupColours != nullptr && groupColourCount > 0) {
            const int g = groups[i];
            return g < 0 ? mutedColour : groupColours[g % groupColourCount];
        }
        return colour;
    }
};

class ScatterRenderer {
public:
    virtual ~ScatterRenderer() = default;
    // Returns a texture with the points drawn, or 0 if it cannot (the chart then draws on
    // the CPU, and passes dataChanged = true next time).
    virtual ImTextureID render(const ScatterBatch& batch) = 0;
    // Shows the texture over [min, max]. Row 0 of the texture is its bottom (GL's
    // convention). A renderer whose texture holds premultiplied alpha overrides this to
    // switch blending around the image with draw callbacks.
    virtual void addImage(ImDrawList* drawList, ImTextureID texture, ImVec2 min, ImVec2 max) {
        drawList->AddImage(texture, min, max, ImVec2(0, 1), ImVec2(1, 0));
    }
};

// Registers the renderer scatter plots use from now on (nullptr: CPU only). Not owned.
void SetScatterRenderer(ScatterRenderer* renderer);
ScatterRenderer* GetScatterRenderer();

}  // namespace rapport::ui::charts
