// chart_internal.hpp: what chart.cpp and series.cpp share and callers never see: the
// state kept per chart id across frames, the frame being built, and the plumbing every
// series goes through (item registration, fitting, the fast data-to-pixel map, hover
// offers, the vertex budget).
#pragma once

#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ui/charts/chart.hpp"
#include "ui/charts/series.hpp"

namespace rapport::ui::charts::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- Fast map for inner loops ---------------------------------------------------------

// AxisTransform for both axes with the divisions done once per frame.
struct Mapper {
    double sx0 = 0, mx = 1, sy0 = 0, my = 1;  // scaled origin and pixels per scaled unit
    double px0 = 0, py0 = 0;
    bool logX = false, logY = false;

    static double scaled(double v, bool log) { return log ? (v > 0 ? std::log10(v) : kNaN) : v; }
    double sx(double x) const { return scaled(x, logX); }
    double sy(double y) const { return scaled(y, logY); }
    float pixelX(double x) const { return static_cast<float>(px0 + (sx(x) - sx0) * mx); }
    float pixelY(double y) const { return static_cast<float>(py0 + (sy(y) - sy0) * my); }
    ImVec2 toPixels(double x, double y) const { return ImVec2(pixelX(x), pixelY(y)); }
    // From scaled units (already log10 on log axes).
    float pixelOfScaledX(double s) const { return static_cast<float>(px0 + (s - sx0) * mx); }
    float pixelOfScaledY(double s) const { return static_cast<float>(py0 + (s - sy0) * my); }
    double scaledXOfPixel(double p) const { return sx0 + (p - px0) / mx; }
    double scaledYOfPixel(double p) const { return sy0 + (p - py0) / my; }
};

// ---- Uniform grid over a scatter series (hover without touching every point) ---------

// Point indices bucketed by cell over the data's bounding box in scaled units; built once
// per data generation. Stores indices only: the points are read from the caller's data.
struct PointGrid {
    double x0 = 0, y0 = 0, cellW = 1, cellH = 1;
    int cols = 0, rows = 0;
    std::vector<int32_t> start;  // cols * rows + 1 offsets into order
    std::vector<int32_t> order;
    void clear() {
        cols = rows = 0;
        start.clear();
        order.clear();
    }
};

// ---- Per-series state kept across frames -----------------------------------------------

struct SeriesCache {
    ImGuiID id = 0;
    int lastFrame = 0;
    // Identity of the data the derived values below were computed from.
    const void* a = nullptr;
    const void* b = nullptr;
    const void* c = nullptr;
    int n = -1;
    uint64_t generation = 0;
    int variant = 0;  // log flags, bins: anything else that changes the derived values
    bool valid = false;
    // Derived: extents (scaled units not applied: data units, finite values only).
    double xMin = kNaN, xMax = kNaN, yMin = kNaN, yMax = kNaN;
    PointGrid grid;
    bool gpuSynced = false;  // the renderer holds this identity's points
    // Histogram
    std::vector<double> edges, counts;
    // Selection: computed for this selection generation and data identity
    uint64_t selectionGeneration = 0;
};

enum class DragMode { None, Pan, Box, Lasso };

struct AxisState {
    double viewMin = 0, viewMax = 1;  // the user's zoom and pan (used when userRange)
    bool userRange = false;
    bool haveFit = false;  // last frame's data extents
    double fitMin = 0, fitMax = 0;
    double shownMin = 0, shownMax = 1;  // what was drawn last frame (input maps through it)
};

struct ChartState {
    ImGuiID id = 0;
    int lastFrame = -1;
    AxisState x, y;
    bool xLogShown = false, yLogShown = false;
    std::vector<ImGuiID> hidden;  // series toggled off in the legend

    Selection selection;
    PolygonHitTester selectionTester;  // the selection in scaled units
    int selectionTesterVariant = -1;   // log flags it was built for

    DragMode drag = DragMode::None;
    ImGuiMouseButton dragButton = 0;
    bool dragMoved = false;
    ImVec2 dragStart;
    double dragXMin = 0, dragXMax = 1, dragYMin = 0, dragYMax = 1;  // ranges when the pan began
    bool dragPanX = false, dragPanY = false;
    std::vector<ImVec2> lasso;  // pixels

    bool haveLayout = false;
    ImRect plotRect, frameRect;
    float headerHeight = 0;
    ImGuiID legendHover = 0;
    std::vector<std::pair<ImGuiID, ImRect>> legendRects;  // last frame's entries

    std::vector<SeriesCache> caches;
    ImDrawListSplitter splitter;
    std::vector<uint8_t> occupancy;  // CPU scatter thinning grid, reused
    std::vector<ImVec2> scratch;     // line decimation, reused

    bool isHidden(ImGuiID item) const;
    SeriesCache& cache(ImGuiID item, int frame);
};

// ---- The frame being built ------------------------------------------------------------

struct LegendItem {
    ImGuiID id = 0;
    std::string label;
    ImU32 colour = 0;
    bool hidden = false;
};

struct Highlight {
    enum Kind { None, Point, Rect, Slice } kind = None;
    ImVec2 a, b;                           // Point: centre, radius in b.x; Rect: corners
    float r0 = 0, r1 = 0, a0 = 0, a1 = 0;  // Slice
    ImU32 colour = 0;
};

// A series' best hover candidate, offered to the frame once per series.
struct HoverOffer {
    float distance = FLT_MAX;
    int index = -1;
    double x = 0, y = 0;
    Highlight highlight;
};

struct Frame {
    bool active = false;
    ChartState* state = nullptr;
    ImGuiID id = 0;
    ChartFlags flags = 0;
    ImGuiWindow* window = nullptr;
    ImDrawList* drawList = nullptr;
    ImRect frameRect, plotRect;
    std::string title;
    bool hovered = false;  // the chart item is hovered
    ImVec2 mouse;

    AxisSpec xSpec, ySpec;
    bool setupDone = false;  // SetupAxes was called
    bool locked = false;     // layout done; series may draw
    bool fitOnly = false;    // first frame of an automatic axis: series only measure
    AxisTransform tx, ty;
    Mapper map;

    double fitXMin = DBL_MAX, fitXMax = -DBL_MAX, fitYMin = DBL_MAX, fitYMax = -DBL_MAX;

    std::vector<LegendItem> items;
    int colourIndex = 0;

    bool hoverActive = false;  // series look for hover candidates
    float hoverDistance = FLT_MAX;
    ImGuiID hoverSeries = 0;
    ChartHover hover;
    Highlight hoverHighlight;
    ImU32 hoverColour = 0;
    std::string hoverText;  // tooltip body
    bool haveHover = false;

    bool clicked = false;  // left click released in the plot without a drag, this frame

    // Data (scaled units) the mouse holds after a zoom or pan this frame: if the layout moves
    // (wider tick labels), the range is shifted so the same data stay under the mouse.
    bool anchorX = false, anchorY = false;
    float anchorPixelX = 0, anchorPixelY = 0;
    double anchorScaledX = 0, anchorScaledY = 0;

    int verticesUsed = 0;
    int vertexCap = 0;       // this chart's vertex budget for series
    bool truncated = false;  // a series ran out of vertex budget
    bool axisFree = false;   // a donut or gauge: no axes or grid

    // Ticks and labels, reused between frames.
    std::vector<double> xTicks, yTicks;
    std::vector<std::string> xLabels, yLabels;
    std::vector<float> scratchCentres, scratchWidths;
    int xStride = 1, yStride = 1;
    std::vector<const char*> categoryScratch;
};

Frame& frame();  // the chart being built (asserts that there is one)
bool inChart();

// Does the layout, input and axis resolution once, before the first series draws.
void lockSetup();

// ---- Series plumbing ------------------------------------------------------------------

struct ItemContext {
    ImGuiID id = 0;
    const char* label = nullptr;  // as passed
    ImU32 colour = 0;
    bool visible = true;
    bool emphasised = false;  // its legend entry is hovered
};

// Registers a series (legend entry, colour) and says whether to draw it. Locks the setup.
ItemContext beginItem(const char* label, ImU32 colour, SeriesFlags flags);
// The text before "##" (what legends and tooltips show).
std::string displayLabel(const char* label);
ImGuiID itemId(const char* label);

inline void fitX(double v) {
    Frame& f = frame();
    if (!std::isfinite(v) || (f.tx.log && !(v > 0))) return;
    if (v < f.fitXMin) f.fitXMin = v;
    if (v > f.fitXMax) f.fitXMax = v;
}
inline void fitY(double v) {
    Frame& f = frame();
    if (!std::isfinite(v) || (f.ty.log && !(v > 0))) return;
    if (v < f.fitYMin) f.fitYMin = v;
    if (v > f.fitYMax) f.fitYMax = v;
}

// True when a candidate at `distance` would become the hovered item.
inline bool hoverBeats(float distance) {
    const Frame& f = frame();
    return f.hoverActive && distance <= f.hoverDistance;
}
// Makes the offer the hovered item; `text` is the tooltip body below the series label.
void takeHover(const ItemContext& item, const HoverOffer& offer, std::string text);

// Vertices left for this chart this frame; reserve before drawing, false when out.
int vertexRoom();
bool reserveVertices(int count);

// "Label: value" for a tooltip, with the axis's exact format and category names.
std::string axisLine(const AxisSpec& axis, const char* fallbackName, double value);
std::string exactValue(const AxisSpec& axis, double value);
const char* categoryName(const AxisSpec& axis, int index);
int categoryCount(const AxisSpec& axis);

float cssPx(float v);  // ui::dp
ImFont* smallFont();
ImFont* strongFont();

// Current selection in scaled units for tests of scatter points (built lazily).
const PolygonHitTester* selectionTester();

}  // namespace rapport::ui::charts::detail
