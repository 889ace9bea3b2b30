// chart.hpp: Rapport's chart layer on ImDrawList, in the shape of ImPlot. A chart is a
// BeginChart/EndChart pair keyed by id; axes are set up first and lock when the first
// series is drawn; series functions (series.hpp) transform the caller's data through
// the axes and draw it; EndChart draws axes, legend, selection and tooltip and handles
// what the mouse did. State that outlives a frame (zoom, hidden series, selection,
// caches) is kept per chart id.
//
//     if (charts::BeginChart("Revenue by month")) {
//         charts::SetupAxes({.label = "Month", .format = charts::AxisFormat::Date},
//                           {.label = "Revenue", .format = charts::AxisFormat::Currency});
//         charts::PlotLine("2024", days, revenue, n);
//         charts::EndChart();
//     }
//
// Sizes are CSS pixels scaled with ui::dp(); colours come from colormap.hpp and the
// theme (ui::palette()).
//
// Contents
//   [1] Flags, axes, points
//   [2] Style
//   [3] Begin/End, setup, coordinates
//   [4] Interaction: hover, clicks, legend, selection
//   [5] Transforms and hit-testing (free functions, used inside and by tests)
#pragma once

#include <imgui.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ui/charts/ticks.hpp"

namespace rapport::ui::charts {

// =======================================================================================
// [1] Flags, axes, points
// =======================================================================================

typedef int ChartFlags;
enum ChartFlags_ {
    ChartFlags_None = 0,
    ChartFlags_NoLegend = 1 << 0,     // no legend (series cannot be toggled)
    ChartFlags_NoZoom = 1 << 1,       // no wheel zoom and no drag pan
    ChartFlags_BoxSelect = 1 << 2,    // left drag draws a selection box
    ChartFlags_LassoSelect = 1 << 3,  // left drag draws a lasso (Shift+drag when BoxSelect is also set)
    ChartFlags_NoTooltip = 1 << 4,    // hover still tracked (HoveredPoint), no tooltip drawn
    ChartFlags_NoTitle = 1 << 5,      // the id's text before "##" is not drawn
    ChartFlags_NoAxes = 1 << 6,       // no ticks, labels or grid: the plot takes the whole frame (donut, gauge)
    ChartFlags_NoGrid = 1 << 7,       // ticks and labels without grid lines
    ChartFlags_NoFrame = 1 << 8,      // no background and border (the chart sits on a card already)
};

struct ChartPoint {
    double x = 0, y = 0;
};
// Adapts any data layout: returns the idx-th point. Called in inner loops through a plain
// function pointer, never std::function.
using PointGetter = ChartPoint (*)(int idx, void* data);

inline constexpr double kAuto = std::numeric_limits<double>::quiet_NaN();

struct AxisSpec {
    const char* label = nullptr;  // axis title; nullptr or "" for none
    AxisFormat format = AxisFormat::Number;
    double min = kAuto, max = kAuto;  // NaN: fit the data
    bool log = false;                 // log10 scale (non-positive values are skipped)
    const char* currency = "$";       // prefix for Currency ("€", "£", "CHF ")
    // Category axes: names of categories 0..n-1, as std::string or as C strings.
    std::span<const std::string> categories = {};
    const char* const* categoryNames = nullptr;
    int categoryCount = 0;
    bool lockRange = false;  // no zoom or pan on this axis
};

// =======================================================================================
// [2] Style
// =======================================================================================

// Defaults for every chart; sizes in CSS pixels. Change fields directly (GetChartStyle()).
struct ChartStyle {
    float defaultHeight = 300;      // when BeginChart's size.y is 0
    float padding = 12;             // inside the frame
    float lineWidth = 2;            // lines, error bars
    float markerSize = 4;           // scatter point diameter, line markers
    float barRounding = 2;          // top corners of bars
    float hoverRadius = 16;         // a point is hovered within this distance of the mouse
    float xTickSpacing = 96;        // about one x tick per this many pixels
    float yTickSpacing = 48;        // about one y tick per this many pixels
    float zoomPerWheelStep = 1.2f;  // range factor per wheel notch
    double autoPadding = 0.05;      // auto-fitted ranges grow by this fraction each side
    // CPU scatter: above decimateAbove visible points, one point per occupancy cell is drawn
    // (cells of about half a marker), and never more than pointBudget points per series.
    int decimateAbove = 20000;
    int pointBudget = 150000;
    // Scatter series with at least this many points go to the registered ScatterRenderer
    // (scatter_renderer.hpp) when there is one.
    int gpuMinPoints = 100000;
    // Vertices one chart may emit per frame (ImGui splits large meshes when the renderer sets
    // ImGuiBackendFlags_RendererHasVtxOffset; without it a draw list holds 65,536).
    int maxVertices = 1000000;
};
ChartStyle& GetChartStyle();

// =======================================================================================
// [3] Begin/End, setup, coordinates
// =======================================================================================

// Starts a chart. The id's text before "##" is its title. size.x <= 0: the available
// width (minus |size.x|); size.y == 0: ChartStyle::defaultHeight. Returns false when the
// chart is clipped or its window collapsed; call EndChart() only when it returned true.
bool BeginChart(const char* id, ImVec2 size = ImVec2(-1, 0), ChartFlags flags = 0);
void EndChart();
// Before the first series (or query below); axes lock then. Without it both axes are
// automatic numbers.
void SetupAxes(const AxisSpec& x, const AxisSpec& y);

// Between BeginChart and EndChart (these lock the setup):
ImVec2 ChartToPixels(double x, double y);
ChartPoint PixelsToChart(ImVec2 pixels);
ImVec2 GetPlotMin();  // plot rectangle, framebuffer pixels
ImVec2 GetPlotMax();
// The draw list series draw into (clipped to the plot), for annotations.
ImDrawList* GetChartDrawList();

// =======================================================================================
// [4] Interaction
// =======================================================================================

// The mouse is over the chart (frame or plot), and no popup covers it.
bool IsChartHovered();

// The point, bar, cell or slice nearest the mouse among the series drawn so far in this
// chart and frame (read it after the series you care about).
struct ChartHover {
    std::string series;   // label as shown (text before "##")
    int index = -1;       // data index (heatmap: row * cols + col; donut: slice)
    double x = 0, y = 0;  // data coordinates (bars: position and value)
};
std::optional<ChartHover> HoveredPoint();

// True in the frame the item under `label` was clicked (pressed and released without a
// drag); *index receives the bar, cell, slice or point index.
bool ItemClicked(const char* label, int* index = nullptr);

// Legend visibility of a series, persisted per chart id.
bool IsSeriesHidden(const char* label);
void SetSeriesHidden(const char* label, bool hidden);
// Where the legend entry of a series was drawn last frame (framebuffer pixels), for the
// automation hook and tests. The legend shows when a chart has two or more entries.
struct PixelRect {
    ImVec2 min, max;
};
std::optional<PixelRect> LegendEntryRect(const char* label);

enum class SelectionKind { None, Box, Lasso };

struct SelectedSeries {
    std::string label;             // scatter series label as shown
    std::vector<int32_t> indices;  // increasing data indices of the points inside
};

// A box or lasso drawn on the chart, in data coordinates, with the scatter points inside
// it found exactly (same even-odd rule as pointInPolygon). Indices of a series appear once
// it has been drawn after the selection was made (the same frame, for series drawn after
// the mouse release). Escape or a double click clears it.
struct Selection {
    SelectionKind kind = SelectionKind::None;
    ChartPoint min, max;              // bounding box
    std::vector<ChartPoint> polygon;  // the lasso outline, or the box's four corners
    std::vector<SelectedSeries> series;
    uint64_t generation = 0;  // changes whenever the shape changes

    const std::vector<int32_t>* indicesOf(const char* label) const;
    int64_t count() const;  // points selected over all series
};
// The current chart's selection, or nullptr when there is none.
const Selection* GetSelection();
void ClearSelection();

// =======================================================================================
// [5] Transforms and hit-testing
// =======================================================================================

// One axis's map between data and pixels. Log axes map log10 of the value linearly; a
// non-positive value maps to NaN.
struct AxisTransform {
    double min = 0, max = 1;  // visible data range
    bool log = false;
    float pixelMin = 0, pixelMax = 1;  // pixels of min and max (for y, pixelMin is the bottom)

    double scaled(double v) const {
        return log ? (v > 0 ? std::log10(v) : std::numeric_limits<double>::quiet_NaN()) : v;
    }
    double unscaled(double s) const { return log ? std::pow(10.0, s) : s; }
    double toPixel(double v) const {
        const double s0 = scaled(min);
        return pixelMin + (scaled(v) - s0) * (pixelMax - pixelMin) / (scaled(max) - s0);
    }
    double toData(double pixel) const {
        const double s0 = scaled(min);
        return unscaled(s0 + (pixel - pixelMin) * (scaled(max) - s0) / (pixelMax - pixelMin));
    }
};

// The range to show for data extents [lo, hi] (NaN when there are none): grown by
// `padding` of the span each side, never across zero when the data do not cross it, a
// zero-width range widened to a visible one, [0, 1] (log: [1, 10]) without data.
void autoRange(double lo, double hi, double padding, bool log, double* outMin, double* outMax);

// Zooms [min, max] by `factor` (< 1 zooms in) around `centre`, in scaled units.
void zoomRange(double* min, double* max, double centre, double factor);

// Even-odd point in polygon (closed implicitly). Points exactly on an edge count as in
// for left and bottom edges and out for right and top ones, so adjacent shapes share none.
bool pointInPolygon(const ChartPoint* polygon, int n, double x, double y);
bool pointInBox(ChartPoint corner0, ChartPoint corner1, double x, double y);  // inclusive

// pointInPolygon for many points: edges bucketed by y band, so a test costs a few edges.
// Gives exactly pointInPolygon's answers.
class PolygonHitTester {
public:
    void build(const ChartPoint* polygon, int n);
    bool contains(double x, double y) const;

private:
    std::vector<ChartPoint> vertices_;
    std::vector<int32_t> bandStart_, bandEdges_;  // edge i joins vertex i-1 and i
    double xMin_ = 0, xMax_ = -1, yMin_ = 0, yMax_ = -1, bandScale_ = 0;
    int bands_ = 0;
};

}  // namespace rapport::ui::charts
