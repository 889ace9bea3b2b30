// gallery.cpp: every chart the layer can draw, with synthetic data from a fixed seed (see
// gallery.hpp). Each section is also a usage example: read it to see how a view drives a
// chart.
//
// Contents
//   [1] Synthetic data
//   [2] Lines, bands and reference lines
//   [3] Bars
//   [4] Distributions and intervals
//   [5] Heatmaps
//   [6] Scatter: selection, hover, a million points
//   [7] Donut and gauge
//   [8] Axes and formats, edge cases
#include "ui/charts/gallery.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "core/random.hpp"
#include "core/text_format.hpp"
#include "ui/charts/chart.hpp"
#include "ui/charts/scatter_renderer.hpp"
#include "ui/charts/series.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui::charts {

namespace {

// =======================================================================================
// [1] Synthetic data
// =======================================================================================

constexpr int kMonths = 36;
const char* const kPlans[] = {"Basic", "Plus", "Pro", "Enterprise"};
const char* const kRegions[] = {"North", "South", "East", "West", "Online"};
const char* const kChannels[] = {"Email", "Phone", "Chat", "Social"};

struct GalleryData {
    // Monthly revenue for three years, two regions, a forecast band.
    std::vector<double> month, revenueA, revenueB, bandLo, bandHi;
    // Bars
    std::vector<double> planRevenue, channelCounts, regionNps, regionLo, regionHi;
    std::vector<double> grouped;  // 3 channels-by-plan series x 4 plans
    std::vector<double> stacked;  // 3 series x 5 regions, with negatives (returns)
    // Distributions
    std::vector<double> orderValues, npsScores;
    // Heatmaps
    std::vector<double> retention;    // 12 cohorts x 12 months since signup, NaN past today
    std::vector<double> correlation;  // 5 x 5
    std::vector<std::string> cohortNames, monthNames;
    std::vector<const char*> cohortLabels, monthLabels;
    // Scatter
    std::vector<double> sx, sy;
    std::vector<int> sgroup;
    int scatterSize = 0;
    uint64_t generation = 1;
    // Edge cases
    std::vector<double> empty, nan;
    std::string lastClick = "Click a bar or a heatmap cell";

    GalleryData() {
        core::Random rng(20240305);
        const core::CivilDate start{2022, 1, 1};
        for (int m = 0; m < kMonths; ++m) {
            const core::CivilDate d{start.year + m / 12, m % 12 + 1, 1};
            month.push_back(static_cast<double>(core::daysFromCivil(d)));
            const double season = 1 + 0.15 * std::sin(m * 2 * 3.14159 / 12);
            revenueA.push_back(42000 * season * (1 + 0.02 * m) + rng.normal(0, 2500));
            revenueB.push_back(30000 * season * (1 + 0.035 * m) + rng.normal(0, 2500));
            bandLo.push_back(revenueA.back() * 0.9);
            bandHi.push_back(revenueA.back() * 1.1);
        }
        planRevenue = {182000, 241000, 395000, 512000};
        channelCounts = {1280, 860, 2140, 410};
        regionNps = {32, 18, -6, 41, 25};
        for (int r = 0; r < 5; ++r) {
            regionLo.push_back(regionNps[r] - 6 - r);
            regionHi.push_back(regionNps[r] + 6 + r);
        }
        grouped = {120, 95, 80, 40, 60, 75, 90, 110, 30, 44, 61, 88};
        stacked = {50, 80, 65, 30, 90, 20, 35, 25, 40, 15, -8, -12, -5, -20, -9};
        for (int i = 0; i < 5000; ++i) orderValues.push_back(rng.lognormal(4, 0.6));
        for (int i = 0; i < 2000; ++i) npsScores.push_back(std::clamp(std::round(rng.normal(7.6, 2.0)), 0.0, 10.0));
        for (int c = 0; c < 12; ++c) {
            const core::CivilDate d{2023, c + 1, 1};
            char buf[32];
            std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
            cohortNames.push_back(buf);
            monthNames.push_back("M" + std::to_string(c));
            for (int k = 0; k < 12; ++k) {
                retention.push_back(c + k >= 12 ? std::nan("")
                                                : std::exp(-0.12 * k) * (0.9 + 0.01 * c) + rng.normal(0, 0.01));
            }
        }
        for (const std::string& s : cohortNames) cohortLabels.push_back(s.c_str());
        for (const std::string& s : monthNames) monthLabels.push_back(s.c_str());
        const double corr[] = {1,    0.62, -0.35, 0.1,  0.48, 0.62, 1,    -0.2, 0.05, 0.3,  -0.35, -0.2, 1,
                               -0.6, -0.1, 0.1,   0.05, -0.6, 1,    0.22, 0.48, 0.3,  -0.1, 0.22,  1};
        correlation.assign(corr, corr + 25);
        nan = {std::nan(""), std::nan(""), std::nan("")};
        makeScatter(2000);
    }

    void makeScatter(int n) {
        core::Random rng(77 + generation);
        sx.resize(static_cast<size_t>(n));
        sy.resize(static_cast<size_t>(n));
        sgroup.resize(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            const int g = static_cast<int>(rng.below(4));
            const double cx[] = {-2, 1.5, 0.5, 3}, cy[] = {1, 2.5, -1.5, 0};
            sx[i] = rng.normal(cx[g], 0.8);
            sy[i] = rng.normal(cy[g], 0.7);
            sgroup[i] = g;
        }
        scatterSize = n;
        ++generation;
    }
};

GalleryData& data() {
    static GalleryData d;  // built on first use: a few MB only when the gallery is opened
    return d;
}

bool section(const char* title) {
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    return ImGui::CollapsingHeader(title, ImGuiTreeNodeFlags_DefaultOpen);
}

// Two charts side by side.
bool beginRow(const char* id) {
    return ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_PadOuterX);
}

// =======================================================================================
// [2] Lines, bands and reference lines
// =======================================================================================

void linesSection(GalleryData& d) {
    static bool markers = false, fill = false, logY = false;
    ImGui::Checkbox("Markers", &markers);
    ImGui::SameLine();
    ImGui::Checkbox("Fill", &fill);
    ImGui::SameLine();
    ImGui::Checkbox("Log scale", &logY);
    if (BeginChart("Monthly revenue by region", ImVec2(-1, dp(320)))) {
        SetupAxes({.label = "Month", .format = AxisFormat::Date},
                  {.label = "Revenue", .format = AxisFormat::Currency, .log = logY, .currency = "€"});
        const SeriesFlags flags = (markers ? SeriesFlags_Markers : 0) | (fill ? SeriesFlags_Fill : 0);
        PlotBand("Forecast range", d.month.data(), d.bandLo.data(), d.bandHi.data(), kMonths);
        PlotLine("North", d.month.data(), d.revenueA.data(), kMonths, {.flags = flags});
        PlotLine("South", d.month.data(), d.revenueB.data(), kMonths, {.flags = flags});
        PlotReferenceLine("Target", 50000, false);
        EndChart();
    }
    MutedTextWrapped(
        "Wheel to zoom (over an axis: that axis only), drag to pan, double-click to reset. Click a "
        "legend entry to hide its series.");
}

// =======================================================================================
// [3] Bars
// =======================================================================================

void barsSection(GalleryData& d) {
    static bool labels = true;
    ImGui::Checkbox("Value labels", &labels);
    static std::vector<std::string> plans(kPlans, kPlans + 4), regions(kRegions, kRegions + 5);
    if (beginRow("bars")) {
        ImGui::TableNextColumn();
        if (BeginChart("Revenue by plan", ImVec2(-1, dp(280)))) {
            SetupAxes({.format = AxisFormat::Category, .categories = plans}, {.format = AxisFormat::Currency});
            PlotBars("Revenue", nullptr, d.planRevenue.data(), 4, 0.6, {.flags = labels ? SeriesFlags_Labels : 0});
            int clicked = -1;
            if (ItemClicked("Revenue", &clicked)) d.lastClick = std::string("Clicked the ") + kPlans[clicked] + " bar";
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Contacts by channel", ImVec2(-1, dp(280)))) {
            static std::vector<std::string> channels(kChannels, kChannels + 4);
            SetupAxes({.format = AxisFormat::Integer}, {.format = AxisFormat::Category, .categories = channels});
            PlotBars("Contacts", nullptr, d.channelCounts.data(), 4, 0.6,
                     {.flags = SeriesFlags_Horizontal | (labels ? SeriesFlags_Labels : 0)});
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Orders by plan and channel", ImVec2(-1, dp(280)))) {
            SetupAxes({.format = AxisFormat::Category, .categories = plans}, {.format = AxisFormat::Integer});
            const char* series[] = {"Email", "Phone", "Chat"};
            PlotGroupedBars(series, d.grouped.data(), 3, 4);
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Sales and returns by region", ImVec2(-1, dp(280)))) {
            SetupAxes({.format = AxisFormat::Category, .categories = regions},
                      {.format = AxisFormat::Currency, .currency = "£"});
            const char* series[] = {"New", "Repeat", "Returns"};
            PlotStackedBars(series, d.stacked.data(), 3, 5);
            EndChart();
        }
        ImGui::EndTable();
    }
    MutedText(d.lastClick.c_str());
}

// =======================================================================================
// [4] Distributions and intervals
// =======================================================================================

void distributionsSection(GalleryData& d) {
    static bool share = false;
    static int bins = 0;
    ImGui::Checkbox("Share instead of count", &share);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(dp(160));
    ImGui::SliderInt("Bins (0: automatic)", &bins, 0, 60);
    if (beginRow("distributions")) {
        ImGui::TableNextColumn();
        if (BeginChart("Order value", ImVec2(-1, dp(280)))) {
            SetupAxes({.label = "Order value", .format = AxisFormat::Currency},
                      {.format = share ? AxisFormat::Percent : AxisFormat::Integer});
            HistogramSpec spec;
            spec.share = share;
            PlotHistogram("Orders", d.orderValues.data(), static_cast<int>(d.orderValues.size()), bins, spec);
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("NPS by region, 95% margin of error", ImVec2(-1, dp(280)))) {
            static std::vector<std::string> regions(kRegions, kRegions + 5);
            SetupAxes({.label = "NPS", .min = -100, .max = 100},
                      {.format = AxisFormat::Category, .categories = regions});
            PlotReferenceLine("##zero", 0, true);
            PlotErrorBars("NPS", nullptr, d.regionNps.data(), d.regionLo.data(), d.regionHi.data(), 5,
                          {.flags = SeriesFlags_Horizontal});
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Likelihood to recommend (0-10)", ImVec2(-1, dp(260)))) {
            const double edges[] = {-0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5};
            SetupAxes({.label = "Score", .format = AxisFormat::Integer}, {.format = AxisFormat::Integer});
            PlotHistogram("Answers", d.npsScores.data(), static_cast<int>(d.npsScores.size()), edges, 12);
            EndChart();
        }
        ImGui::EndTable();
    }
}

// =======================================================================================
// [5] Heatmaps
// =======================================================================================

void heatmapsSection(GalleryData& d) {
    if (beginRow("heatmaps")) {
        ImGui::TableNextColumn();
        const float scaleWidth = dp(72);
        if (BeginChart("Retention by signup cohort", ImVec2(-scaleWidth, dp(360)))) {
            PlotHeatmap("Retention", d.retention.data(), 12, 12, 0, 1, d.cohortLabels.data(), d.monthLabels.data(),
                        {.colormap = Colormap::Blues, .cellFormat = "%.2f", .valueFormat = AxisFormat::Percent});
            int cell = -1;
            if (ItemClicked("Retention", &cell)) {
                d.lastClick = "Clicked cohort " + d.cohortNames[cell / 12] + ", month " + std::to_string(cell % 12);
            }
            EndChart();
        }
        ImGui::SameLine();
        ColourScaleLegend("retention scale", 0, 1, Colormap::Blues, ImVec2(scaleWidth - dp(8), dp(360)),
                          AxisFormat::Percent);
        ImGui::TableNextColumn();
        const char* names[] = {"Recency", "Frequency", "Tickets", "Tenure", "Spend"};
        if (BeginChart("Feature correlation", ImVec2(-scaleWidth, dp(360)))) {
            PlotHeatmap("Correlation", d.correlation.data(), 5, 5, -1, 1, names, names,
                        {.colormap = Colormap::Diverging, .cellFormat = "%.2f"});
            EndChart();
        }
        ImGui::SameLine();
        ColourScaleLegend("correlation scale", -1, 1, Colormap::Diverging, ImVec2(scaleWidth - dp(8), dp(360)));
        ImGui::EndTable();
    }
    MutedText(d.lastClick.c_str());
    if (BeginChart("Viridis##viridis", ImVec2(-1, dp(120)), ChartFlags_NoTitle)) {
        static double ramp[64];
        for (int i = 0; i < 64; ++i) ramp[i] = i;
        PlotHeatmap("Viridis", ramp, 1, 64, 0, 63);
        EndChart();
    }
}

// =======================================================================================
// [6] Scatter: selection, hover, a million points
// =======================================================================================

void scatterSection(GalleryData& d) {
    static int sizeChoice = 0;
    static bool box = true, lasso = true, grouped = true;
    const int sizes[] = {2000, 100000, 1000000};
    ImGui::SetNextItemWidth(dp(200));
    if (ImGui::Combo("Points", &sizeChoice,
                     "2,000\0"
                     "100,000\0"
                     "1,000,000\0"))
        d.makeScatter(sizes[sizeChoice]);
    ImGui::SameLine();
    if (Button("New data")) d.makeScatter(sizes[sizeChoice]);
    ImGui::SameLine();
    ImGui::Checkbox("Box select", &box);
    ImGui::SameLine();
    ImGui::Checkbox("Lasso (Shift with box)", &lasso);
    ImGui::SameLine();
    ImGui::Checkbox("Colour by segment", &grouped);
    const ChartFlags flags = (box ? ChartFlags_BoxSelect : 0) | (lasso ? ChartFlags_LassoSelect : 0);
    std::string status = GetScatterRenderer() != nullptr ? "GPU renderer registered" : "CPU drawing";
    if (BeginChart("Customers by recency and value", ImVec2(-1, dp(420)), flags)) {
        SetupAxes({.label = "Recency (standardised)"}, {.label = "Value (standardised)"});
        const SeriesSpec spec{.generation = d.generation};
        if (grouped) {
            PlotScatter("Customers", d.sx.data(), d.sy.data(), d.scatterSize, d.sgroup.data(), spec);
        } else {
            PlotScatter("Customers", d.sx.data(), d.sy.data(), d.scatterSize, spec);
        }
        if (const auto hover = HoveredPoint()) status += ", hovering customer " + std::to_string(hover->index);
        if (const Selection* s = GetSelection())
            status += ", " + core::formatCount(s->count()) + " selected (Escape clears)";
        EndChart();
    }
    MutedText(status.c_str());
}

// =======================================================================================
// [7] Donut and gauge
// =======================================================================================

void donutSection(GalleryData& d) {
    if (beginRow("donuts")) {
        ImGui::TableNextColumn();
        if (BeginChart("Customers by plan", ImVec2(-1, dp(300)), ChartFlags_NoAxes)) {
            const double counts[] = {2140, 1320, 980, 260};
            PlotDonut("Plans", kPlans, counts, 4,
                      {.centreLabel = "customers", .format = AxisFormat::Integer, .flags = SeriesFlags_Labels});
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Net Promoter Score", ImVec2(-1, dp(300)), ChartFlags_NoAxes)) {
            const GaugeBand bands[] = {{0, seriesColour(3), "Needs work"},
                                       {30, seriesColour(1), "Good"},
                                       {70, seriesColour(2), "Excellent"},
                                       {100, seriesColour(0), "World class"}};
            PlotGauge("NPS", d.regionNps[0], -100, 100, bands, 4, {.origin = 0, .caption = "NPS, last 90 days"});
            EndChart();
        }
        ImGui::EndTable();
    }
}

// =======================================================================================
// [8] Axes and formats, edge cases
// =======================================================================================

void axesSection(GalleryData& d) {
    struct Span {
        const char* title;
        double days;
    };
    static const Span spans[] = {{"Two weeks", 14},
                                 {"Three months (weeks)", 91},
                                 {"Two years (quarters)", 730},
                                 {"Thirty years (years)", 10957}};
    if (beginRow("dates")) {
        for (const Span& s : spans) {
            ImGui::TableNextColumn();
            if (BeginChart(s.title, ImVec2(-1, dp(180)))) {
                const double start = d.month.front();
                const double xs[] = {start, start + s.days * 0.3, start + s.days * 0.7, start + s.days};
                const double ys[] = {0.12, 0.18, 0.15, 0.22};
                SetupAxes({.format = AxisFormat::Date}, {.format = AxisFormat::Percent});
                PlotLine("Churn rate", xs, ys, 4, {.flags = SeriesFlags_Markers});
                EndChart();
            }
        }
        ImGui::TableNextColumn();
        if (BeginChart("Log scale: spend per customer", ImVec2(-1, dp(180)))) {
            SetupAxes({.format = AxisFormat::Integer}, {.format = AxisFormat::Currency, .log = true});
            static double spend[40];
            for (int i = 0; i < 40; ++i) spend[i] = std::pow(10.0, i / 8.0);
            PlotLine("Spend", nullptr, spend, 40);
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Many categories (labels thin out)", ImVec2(-1, dp(180)))) {
            static std::vector<std::string> names;
            static std::vector<double> values;
            if (names.empty()) {
                for (int i = 0; i < 60; ++i) {
                    names.push_back("Store " + std::to_string(i + 1));
                    values.push_back(20 + (i * 37) % 50);
                }
            }
            SetupAxes({.format = AxisFormat::Category, .categories = names}, {});
            PlotBars("Orders", nullptr, values.data(), 60, 0.8);
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("No data", ImVec2(-1, dp(180)))) {
            PlotLine("Nothing", nullptr, d.empty.data(), 0);
            EndChart();
        }
        ImGui::TableNextColumn();
        if (BeginChart("Only NaN values", ImVec2(-1, dp(180)))) {
            PlotScatter("NaN", d.nan.data(), d.nan.data(), 3);
            EndChart();
        }
        ImGui::EndTable();
    }
}

}  // namespace

void DrawChartGallery() {
    GalleryData& d = data();
    ImGui::PushID("chart gallery");
    MutedTextWrapped("Every chart type of Rapport's chart layer with synthetic data. Hover for exact values.");
    if (section("Lines, bands and reference lines")) linesSection(d);
    if (section("Bars")) barsSection(d);
    if (section("Distributions and intervals")) distributionsSection(d);
    if (section("Heatmaps")) heatmapsSection(d);
    if (section("Scatter")) scatterSection(d);
    if (section("Donut and gauge")) donutSection(d);
    if (section("Axes and formats")) axesSection(d);
    ImGui::PopID();
}

}  // namespace rapport::ui::charts
