// series.hpp: what a chart can draw, between BeginChart and EndChart (chart.hpp). Each
// series reads the caller's data in place (arrays or a getter; nothing is copied),
// extends the automatic axis ranges, maps through the axes and draws. NaN and infinite
// values are skipped; series with an empty label or one starting with "##" have no
// legend entry. A label's text after "##" only makes it unique.
//
// Contents
//   [1] Specs and flags
//   [2] Lines, bands, error bars, reference lines
//   [3] Bars and histograms
//   [4] Scatter
//   [5] Heatmap and its colour scale
//   [6] Donut and gauge
//   [7] Helpers with tests (binning)
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

#include "ui/charts/chart.hpp"
#include "ui/charts/colormap.hpp"

namespace rapport::ui::charts {

// =======================================================================================
// [1] Specs and flags
// =======================================================================================

typedef int SeriesFlags;
enum SeriesFlags_ {
    SeriesFlags_None = 0,
    SeriesFlags_Horizontal = 1 << 0,  // bars, bar groups, error bars, histogram: along y
    SeriesFlags_Markers = 1 << 1,     // lines: a marker on every point
    SeriesFlags_Fill = 1 << 2,        // lines: shaded down to zero
    SeriesFlags_NoLegend = 1 << 3,    // no legend entry
    SeriesFlags_NoHover = 1 << 4,     // not hovered, not clickable
    SeriesFlags_Labels = 1 << 5,      // bars, donut: value labels on the marks
};

// Per-series options; negative sizes and zero colours mean "the style's default".
struct SeriesSpec {
    ImU32 colour = 0;  // 0: the next colour of the series palette
    float size = -1;   // line width or marker diameter, CSS pixels
    float alpha = -1;  // fill or point opacity, 0..1
    SeriesFlags flags = 0;
    // Change it whenever the data behind the pointers change. Scatter and histogram series
    // of 20,000 points or more, and every series on the GPU path, keep derived data (extents,
    // hover index, GPU buffer, bin counts) while pointers, n and this stay the same; 0 is a
    // valid value.
    uint64_t generation = 0;
};

// =======================================================================================
// [2] Lines, bands, error bars, reference lines
// =======================================================================================

// A polyline through (xs[i], ys[i]); a NaN breaks it. xs == nullptr means x = i. Large
// series are reduced to the first, lowest, highest and last point of each pixel column.
void PlotLine(const char* label, const double* xs, const double* ys, int n, const SeriesSpec& spec = {});
void PlotLine(const char* label, PointGetter getter, void* data, int n, const SeriesSpec& spec = {});

// The area between lo[i] and hi[i] along xs (a confidence band, a range).
void PlotBand(const char* label, const double* xs, const double* lo, const double* hi, int n,
              const SeriesSpec& spec = {});

// Intervals [lo[i], hi[i]] around ys[i] at positions xs[i] (nullptr: 0..n-1), with a
// marker at the estimate: margins of error, confidence intervals. Horizontal: along x.
void PlotErrorBars(const char* label, const double* xs, const double* ys, const double* lo, const double* hi, int n,
                   const SeriesSpec& spec = {});

// A line across the plot at x = value (vertical) or y = value: targets, averages, zero.
void PlotReferenceLine(const char* label, double value, bool vertical, const SeriesSpec& spec = {});

// =======================================================================================
// [3] Bars and histograms
// =======================================================================================

// Bars of values[i] at positions[i] (nullptr: 0..n-1, for Category axes), `width` in
// axis units. Vertical bars grow from y = 0 (negative values downwards); with
// SeriesFlags_Horizontal positions are on y and values on x.
void PlotBars(const char* label, const double* positions, const double* values, int n, double width,
              const SeriesSpec& spec = {});

// Several series over the same groups: values[s * groupCount + g] is series s in group g,
// labels[s] its label. Grouped: side by side within `groupWidth`; stacked: on top of each
// other (negative values stack downwards). Positions nullptr: groups at 0..groupCount-1.
void PlotGroupedBars(const char* const* labels, const double* values, int seriesCount, int groupCount,
                     double groupWidth = 0.8, const double* positions = nullptr, const SeriesSpec& spec = {});
void PlotStackedBars(const char* const* labels, const double* values, int seriesCount, int groupCount,
                     double width = 0.7, const double* positions = nullptr, const SeriesSpec& spec = {});

struct HistogramSpec : SeriesSpec {
    double min = kAuto, max = kAuto;  // range binned; NaN: the data's
    bool share = false;               // heights as fractions of all counted values (Percent axis)
};
// Counts of values in `bins` equal bins (bins <= 0: Sturges' rule, on nice edges).
void PlotHistogram(const char* label, const double* values, int n, int bins = 0, const HistogramSpec& spec = {});
// Counts in [edges[i], edges[i+1]) (the last bin includes its right edge); edges increase.
void PlotHistogram(const char* label, const double* values, int n, const double* edges, int edgeCount,
                   const HistogramSpec& spec = {});

// =======================================================================================
// [4] Scatter
// =======================================================================================

// Points (xs[i], ys[i]), one colour (spec.colour or the series palette), per-point colours,
// or per-point groups coloured by the series palette (group < 0: muted). Hover finds the
// nearest point exactly; box and lasso selections (ChartFlags_BoxSelect/LassoSelect) list
// the indices inside. Large series are thinned on the CPU to one point per screen cell,
// or drawn by the registered ScatterRenderer (scatter_renderer.hpp) from
// ChartStyle::gpuMinPoints up.
void PlotScatter(const char* label, const double* xs, const double* ys, int n, const SeriesSpec& spec = {});
void PlotScatter(const char* label, const double* xs, const double* ys, int n, const ImU32* colours,
                 const SeriesSpec& spec = {});
void PlotScatter(const char* label, const double* xs, const double* ys, int n, const int* groups,
                 const SeriesSpec& spec = {});
void PlotScatter(const char* label, PointGetter getter, void* data, int n, const SeriesSpec& spec = {});

// =======================================================================================
// [5] Heatmap and its colour scale
// =======================================================================================

struct HeatmapSpec {
    Colormap colormap = Colormap::Viridis;
    const char* cellFormat = nullptr;             // printf format of the value in each cell ("%.0f"); nullptr: none
    AxisFormat valueFormat = AxisFormat::Number;  // the value in the tooltip
    const char* currency = "$";
};
// values[r * cols + c] coloured between min and max (min >= max: the data's range); row
// 0 at the top. When SetupAxes was not called, the axes become categories named by
// colLabels (x) and rowLabels (y); labels may be nullptr. ItemClicked gives r * cols + c.
void PlotHeatmap(const char* label, const double* values, int rows, int cols, double min, double max,
                 const char* const* rowLabels = nullptr, const char* const* colLabels = nullptr,
                 const HeatmapSpec& spec = {});

// A vertical colour bar with ticks for min..max, as its own item beside a chart (outside
// BeginChart). size.y <= 0: ChartStyle::defaultHeight.
void ColourScaleLegend(const char* id, double min, double max, Colormap map, ImVec2 size = ImVec2(0, 0),
                       AxisFormat format = AxisFormat::Number, const char* currency = "$");

// =======================================================================================
// [6] Donut and gauge (use ChartFlags_NoAxes)
// =======================================================================================

struct DonutSpec {
    double hole = 0.6;                        // inner radius as a fraction of the outer (0: a pie)
    const char* centreLabel = nullptr;        // under the total in the hole ("Customers")
    AxisFormat format = AxisFormat::Integer;  // values in the centre and the tooltip
    const char* currency = "$";
    SeriesFlags flags = 0;  // SeriesFlags_Labels: percentages on the slices
};
// Slices of values[i] (non-positive and NaN values are skipped) named labels[i], clockwise
// from the top, one legend entry per slice (hiding a slice recomputes the shares).
// `label` identifies the donut for hover and ItemClicked (index = slice).
void PlotDonut(const char* label, const char* const* labels, const double* values, int n, const DonutSpec& spec = {});

struct GaugeBand {
    double upTo;  // the band covers values up to here (from the previous band's upTo, or min)
    ImU32 colour;
    const char* label = nullptr;  // tooltip name ("Detractors")
};
struct GaugeSpec {
    double origin = kAuto;  // where the value arc starts (NaN: min); 0 for -100..100 scores
    AxisFormat format = AxisFormat::Number;
    const char* currency = "$";
    const char* caption = nullptr;  // under the value ("NPS")
};
// A half-circle gauge from min (left) to max (right) with coloured bands and the value.
void PlotGauge(const char* label, double value, double min, double max, const GaugeBand* bands = nullptr,
               int bandCount = 0, const GaugeSpec& spec = {});

// =======================================================================================
// [7] Helpers with tests
// =======================================================================================

// Sturges' rule: ceil(log2 n) + 1 bins, at least 1, at most 200.
int sturgesBins(int64_t n);
// `bins` equal bins over [lo, hi]; when `nice`, widened so edges fall on a nice step.
void uniformEdges(double lo, double hi, int bins, bool nice, std::vector<double>& edges);
// counts[i] = values in [edges[i], edges[i+1]), the last bin closed; NaN and values outside
// are skipped. counts has edgeCount - 1 entries. Returns how many values were counted.
int64_t histogramCounts(const double* values, int n, const double* edges, int edgeCount, double* counts);

}  // namespace rapport::ui::charts
