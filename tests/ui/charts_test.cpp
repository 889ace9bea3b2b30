// The chart layer (src/ui/charts/): ticks and formats, colormaps, transforms, hit-testing
// and binning as plain functions with known answers; then every series drawn in an ImGui
// context without a renderer (empty, one point, equal values, NaN and infinities,
// negatives, a million points) with ImGui's checks counted; then the mouse: hover, zoom,
// pan, legend, box and lasso selection, clicks, and the GPU seam with a fake renderer.
//
// Contents
//   [1] Fixture
//   [2] Ticks and formats
//   [3] Colours
//   [4] Transforms, ranges, hit-testing, binning
//   [5] Every series draws any data without a failed check
//   [6] Interaction
//   [7] GPU seam
// Before imgui.h: ImVec2 arithmetic in the mouse paths.
#define IMGUI_DEFINE_MATH_OPERATORS
#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "app/app_state.hpp"
#include "core/date.hpp"
#include "core/random.hpp"
#include "ui/charts/chart.hpp"
#include "ui/charts/colormap.hpp"
#include "ui/charts/gallery.hpp"
#include "ui/charts/scatter_renderer.hpp"
#include "ui/charts/series.hpp"
#include "ui/charts/ticks.hpp"
#include "ui/fonts.hpp"
#include "ui/imgui_config.h"
#include "ui/theme.hpp"

using namespace rapport;
using namespace rapport::ui::charts;
using doctest::Approx;

// =======================================================================================
// [1] Fixture
// =======================================================================================

namespace {

int gFailedChecks = 0;
std::string gFirstFailure;
void countFailure(const char* expression, const char* file, int line) {
    if (gFailedChecks++ == 0) gFirstFailure = std::string(expression) + " at " + file + ":" + std::to_string(line);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ImGui keeps the mouse on whole pixels (it floors io.MousePos).
ImVec2 floorPx(ImVec2 p) { return ImVec2(std::floor(p.x), std::floor(p.y)); }

double day(int y, int m, int d) { return static_cast<double>(core::daysFromCivil({y, m, d})); }

// An ImGui context with fonts and a theme, one full-screen window per frame, and a mouse.
struct Canvas {
    explicit Canvas(float width = 1200, float height = 800, float scale = 1, bool vtxOffset = true,
                    app::Theme theme = app::Theme::Light) {
        ui::setImGuiAssertHandler(countFailure);
        gFailedChecks = 0;
        gFirstFailure.clear();
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(width * scale, height * scale);
        io.DeltaTime = 1.0f / 60.0f;
        // The WebGL backend (imgui_impl_opengl3) sets this; without it one window holds 65,536 vertices.
        if (vtxOffset) io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
        ui::loadFonts(
            {RAPPORT_FONT_DIR "/Inter-Regular.otf", RAPPORT_FONT_DIR "/Inter-SemiBold.otf", RAPPORT_ICON_FONT}, scale);
        ui::applyTheme(theme, scale);
    }
    ~Canvas() {
        SetScatterRenderer(nullptr);
        ImGui::DestroyContext();
    }
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    template <class Draw>
    void frame(Draw&& draw) {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("charts", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoBringToFrontOnFocus);
        draw();
        ImGui::End();
        ImGui::Render();
    }
    template <class Draw>
    void frames(int n, Draw&& draw) {
        for (int i = 0; i < n; ++i) frame(draw);
    }
    int vertices() const { return ImGui::GetDrawData() != nullptr ? ImGui::GetDrawData()->TotalVtxCount : 0; }
    bool drewTexture(ImTextureID texture) const {
        const ImDrawData* data = ImGui::GetDrawData();
        for (int l = 0; l < data->CmdListsCount; ++l) {
            for (const ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) {
                if (cmd.TextureId == texture && cmd.ElemCount > 0) return true;
            }
        }
        return false;
    }

    static void move(ImVec2 p) { ImGui::GetIO().AddMousePosEvent(p.x, p.y); }
    static void button(bool down) { ImGui::GetIO().AddMouseButtonEvent(0, down); }
    static void key(ImGuiKey k, bool down) { ImGui::GetIO().AddKeyEvent(k, down); }
    static void wheel(float steps) { ImGui::GetIO().AddMouseWheelEvent(0, steps); }
};

// Both a fixed-size chart and the data under test, drawn in one frame.
struct Layout {
    ImVec2 plotMin, plotMax;
    ChartPoint topLeft, bottomRight;
};

Layout captureLayout() {
    Layout l;
    l.plotMin = GetPlotMin();
    l.plotMax = GetPlotMax();
    l.topLeft = PixelsToChart(l.plotMin);
    l.bottomRight = PixelsToChart(l.plotMax);
    return l;
}

}  // namespace

TEST_SUITE("ui") {
    // =======================================================================================
    // [2] Ticks and formats
    // =======================================================================================

    TEST_CASE("nice numbers are 1, 2 or 5 times a power of ten, rounded or raised") {
        CHECK(niceNumber(1, true) == 1);
        CHECK(niceNumber(1.4, true) == 1);
        CHECK(niceNumber(1.6, true) == 2);
        CHECK(niceNumber(3.1, true) == 5);
        CHECK(niceNumber(7.1, true) == 10);
        CHECK(niceNumber(0.0034, true) == Approx(0.005));
        CHECK(niceNumber(1.01, false) == 2);
        CHECK(niceNumber(2, false) == 2);
        CHECK(niceNumber(2.01, false) == 5);
        CHECK(niceNumber(5.01, false) == 10);
        CHECK(niceNumber(1000, false) == 1000);
        CHECK(niceNumber(0.1, false) == Approx(0.1));
        CHECK(niceNumber(0, true) == 0);
        CHECK(niceNumber(-3, true) == 0);
        CHECK(niceNumber(kNaN, true) == 0);
    }

    TEST_CASE("linear ticks are multiples of a nice step inside the range, written without float noise") {
        std::vector<double> t;
        CHECK(linearTicks(0, 1, 5, t) == Approx(0.2));
        REQUIRE(t.size() == 6);
        CHECK(t[3] == 0.6);  // exactly, not 0.6000000000000001
        CHECK(t.front() == 0);
        CHECK(t.back() == 1);

        CHECK(linearTicks(0, 1000, 5, t) == 200);
        CHECK(t == std::vector<double>{0, 200, 400, 600, 800, 1000});
        CHECK(linearTicks(-3.7, 12.2, 5, t) == 5);
        CHECK(t == std::vector<double>{0, 5, 10});
        CHECK(linearTicks(-1e6, 1e6, 4, t) == 500000);
        CHECK(t == std::vector<double>{-1e6, -5e5, 0, 5e5, 1e6});

        SUBCASE("an empty or broken range has no ticks") {
            CHECK(linearTicks(1, 1, 5, t) == 0);
            CHECK(t.empty());
            CHECK(linearTicks(kNaN, 1, 5, t) == 0);
            CHECK(linearTicks(0, kInf, 5, t) == 0);
            CHECK(linearTicks(2, 1, 5, t) == 0);
            CHECK(t.empty());
        }
        SUBCASE("any finite range gets between one and target + 1 evenly spaced ticks") {
            core::Random rng(11);
            for (int k = 0; k < 2000; ++k) {
                const double lo = rng.normal(0, 1) * std::pow(10.0, rng.uniform(-6, 9));
                const double hi = lo + std::pow(10.0, rng.uniform(-6, 9));
                const int target = 2 + static_cast<int>(rng.below(10));
                const double step = linearTicks(lo, hi, target, t);
                CAPTURE(lo);
                CAPTURE(hi);
                REQUIRE(!t.empty());
                CHECK(static_cast<int>(t.size()) <= 2 * target + 1);
                CHECK(t.front() >= lo - std::fabs(step) * 1e-6);
                CHECK(t.back() <= hi + std::fabs(step) * 1e-6);
                for (size_t i = 1; i < t.size(); ++i) CHECK((t[i] - t[i - 1]) == Approx(step).epsilon(1e-6));
            }
        }
    }

    TEST_CASE("log ticks: decades, every k-th decade when many, 1-2-5 within two decades") {
        std::vector<double> t;
        REQUIRE(logTicks(1, 1e6, 8, t));
        CHECK(t == std::vector<double>{1, 10, 100, 1e3, 1e4, 1e5, 1e6});
        REQUIRE(logTicks(1, 1e12, 4, t));
        CHECK(t == std::vector<double>{1, 1e3, 1e6, 1e9, 1e12});
        REQUIRE(logTicks(2, 80, 5, t));
        CHECK(t == std::vector<double>{2, 5, 10, 20, 50});
        REQUIRE(logTicks(3, 4, 5, t));  // inside one decade: linear ticks
        for (double v : t) CHECK((v >= 3 && v <= 4));
        CHECK_FALSE(logTicks(0, 10, 5, t));
        CHECK_FALSE(logTicks(-5, 10, 5, t));
        CHECK(t.empty());
    }

    TEST_CASE("time axes choose day, week, month, quarter or year by span") {
        CHECK(chooseTimeStep(7, 8) == TimeStep{TimeUnit::Day, 1});
        CHECK(chooseTimeStep(10, 8) == TimeStep{TimeUnit::Day, 2});
        CHECK(chooseTimeStep(40, 8) == TimeStep{TimeUnit::Week, 1});
        CHECK(chooseTimeStep(60, 8) == TimeStep{TimeUnit::Week, 2});
        CHECK(chooseTimeStep(365, 12) == TimeStep{TimeUnit::Month, 1});
        CHECK(chooseTimeStep(365, 8) == TimeStep{TimeUnit::Month, 2});
        CHECK(chooseTimeStep(3 * 365, 12) == TimeStep{TimeUnit::Quarter, 1});
        CHECK(chooseTimeStep(3 * 365, 8) == TimeStep{TimeUnit::Month, 6});
        CHECK(chooseTimeStep(8 * 365, 8) == TimeStep{TimeUnit::Year, 1});
        CHECK(chooseTimeStep(20 * 365, 8) == TimeStep{TimeUnit::Year, 5});
    }

    TEST_CASE("time ticks sit on calendar boundaries") {
        std::vector<double> t;
        SUBCASE("months on the 1st") {
            const TimeStep s = timeTicks(day(2023, 1, 15), day(2024, 1, 15), 12, t);
            CHECK(s == TimeStep{TimeUnit::Month, 1});
            REQUIRE(t.size() == 12);
            CHECK(t.front() == day(2023, 2, 1));
            CHECK(t.back() == day(2024, 1, 1));
            for (double d : t) CHECK(core::civilFromDays(static_cast<int64_t>(d)).day == 1);
        }
        SUBCASE("weeks on Mondays") {
            timeTicks(day(2024, 3, 1), day(2024, 4, 10), 8, t);
            REQUIRE(!t.empty());
            CHECK(t.front() == day(2024, 3, 4));  // the first Monday
            for (double d : t) CHECK(((static_cast<int64_t>(d) - 4) % 7 + 7) % 7 == 0);
        }
        SUBCASE("quarters in January, April, July, October") {
            const TimeStep s = timeTicks(day(2021, 2, 1), day(2024, 2, 1), 12, t);
            CHECK(s.unit == TimeUnit::Quarter);
            for (double d : t) {
                const core::CivilDate c = core::civilFromDays(static_cast<int64_t>(d));
                CHECK(c.day == 1);
                CHECK((c.month - 1) % 3 == 0);
            }
            CHECK(t.front() == day(2021, 4, 1));
        }
        SUBCASE("years on January 1st, multiples of the count") {
            const TimeStep s = timeTicks(day(1990, 6, 1), day(2028, 1, 1), 8, t);
            CHECK(s == TimeStep{TimeUnit::Year, 5});
            CHECK(t.front() == day(1995, 1, 1));
            CHECK(t.back() == day(2025, 1, 1));
        }
        SUBCASE("dates before 1970 too") {
            CHECK(timeTicks(day(1969, 11, 20), day(1970, 3, 1), 4, t) == TimeStep{TimeUnit::Month, 1});
            CHECK(t.front() == day(1969, 12, 1));
        }
    }

    TEST_CASE("compact, grouped and exact number formats") {
        CHECK(formatCompact(1234, 1) == "1.2k");
        CHECK(formatCompact(3400000, 1) == "3.4M");
        CHECK(formatCompact(999999, 0) == "1M");
        CHECK(formatCompact(-1500, 1) == "-1.5k");
        CHECK(formatCompact(1000, 1) == "1k");
        CHECK(formatCompact(950, 0) == "950");
        CHECK(formatCompact(1.2e9, 1) == "1.2B");
        CHECK(formatGrouped(1234567.891, 2) == "1,234,567.89");
        CHECK(formatGrouped(-0.001, 2) == "0.00");
        CHECK(formatGrouped(-5, 0) == "-5");
        CHECK(formatGrouped(999.5, 0) == "1,000");
        CHECK(formatExact(1234.56, AxisFormat::Number) == "1,234.56");
        CHECK(formatExact(0.1 + 0.2, AxisFormat::Number) == "0.3");
        CHECK(formatExact(1e20, AxisFormat::Number) == "1e+20");
        CHECK(formatExact(123456789012, AxisFormat::Number) == "123,456,789,012");
        CHECK(formatExact(1.5e-7, AxisFormat::Number) == "1.5e-07");
        CHECK(formatExact(1234.5, AxisFormat::Currency, "€") == "€1,234.50");
        CHECK(formatExact(-5, AxisFormat::Currency) == "-$5");
        CHECK(formatExact(395000, AxisFormat::Currency) == "$395,000");
        CHECK(formatExact(0.004, AxisFormat::Currency) == "$0");
        CHECK(formatExact(19.999, AxisFormat::Currency) == "$20");
        CHECK(formatExact(19.99, AxisFormat::Currency) == "$19.99");
        CHECK(formatExact(0.12345, AxisFormat::Percent) == "12.35%");
        CHECK(formatExact(0.25, AxisFormat::Percent) == "25%");
        CHECK(formatExact(3.6, AxisFormat::Integer) == "4");
        CHECK(formatExact(day(2024, 3, 5), AxisFormat::Date) == "2024-03-05");
        CHECK(formatExact(day(2024, 3, 5) + 0.75, AxisFormat::Date) == "2024-03-05");
        CHECK(formatExact(kNaN, AxisFormat::Number) == "n/a");
    }

    TEST_CASE("tick labels read in one style per axis") {
        auto labels = [](AxisFormat format, double lo, double hi, double step, const char* currency,
                         std::initializer_list<double> values) {
            const LabelStyle style = chooseLabelStyle(format, lo, hi, step, currency);
            std::vector<std::string> out;
            for (double v : values) out.push_back(formatTick(v, style));
            return out;
        };
        using S = std::vector<std::string>;
        CHECK(labels(AxisFormat::Currency, 0, 1000, 200, "€", {0, 200, 1000}) == S{"€0", "€200", "€1,000"});
        CHECK(labels(AxisFormat::Currency, 0, 2e6, 250000, "$", {750000, 1e6, 1.25e6}) == S{"$750k", "$1M", "$1.25M"});
        CHECK(labels(AxisFormat::Currency, -10, 10, 5, "$", {-5, 0, 5}) == S{"-$5", "$0", "$5"});
        CHECK(labels(AxisFormat::Number, 0, 12000, 2000, "", {0, 2000, 12000}) == S{"0", "2k", "12k"});
        CHECK(labels(AxisFormat::Number, 0, 8000, 2000, "", {0, 2000, 8000}) == S{"0", "2,000", "8,000"});
        CHECK(labels(AxisFormat::Number, 0, 1, 0.25, "", {0, 0.5, 0.75}) == S{"0.00", "0.50", "0.75"});
        CHECK(labels(AxisFormat::Percent, 0, 1, 0.2, "", {0, 0.4, 1}) == S{"0%", "40%", "100%"});
        CHECK(labels(AxisFormat::Percent, 0, 0.2, 0.025, "", {0.125}) == S{"12.5%"});
        CHECK(labels(AxisFormat::Integer, 0, 5, 1, "", {0, 3}) == S{"0", "3"});
    }

    TEST_CASE("date labels by unit") {
        const double d = day(2024, 3, 5);
        CHECK(formatDateTick(d, {TimeUnit::Day, 1}, false) == "Mar 5");
        CHECK(formatDateTick(d, {TimeUnit::Week, 1}, true) == "Mar 5, 2024");
        CHECK(formatDateTick(day(2024, 3, 1), {TimeUnit::Month, 1}, false) == "Mar");
        CHECK(formatDateTick(day(2024, 1, 1), {TimeUnit::Month, 1}, false) == "Jan 2024");
        CHECK(formatDateTick(day(2024, 4, 1), {TimeUnit::Quarter, 1}, false) == "Q2 2024");
        CHECK(formatDateTick(day(2024, 1, 1), {TimeUnit::Year, 1}, false) == "2024");
    }

    TEST_CASE("label thinning keeps every s-th label so neighbours keep a gap") {
        const float centres[] = {0, 10, 20, 30, 40};
        const float narrow[] = {4, 4, 4, 4, 4};
        const float wide[] = {8, 8, 8, 8, 8};
        CHECK(labelStride(centres, narrow, 5, 4) == 1);
        CHECK(labelStride(centres, wide, 5, 4) == 2);
        const float huge[] = {100, 100, 100, 100, 100};
        CHECK(labelStride(centres, huge, 5, 4) == 5);
        CHECK(labelStride(centres, wide, 1, 4) == 1);
        CHECK(labelStride(centres, wide, 0, 4) == 1);
    }

    // =======================================================================================
    // [3] Colours
    // =======================================================================================

    namespace {

    double channel(unsigned c) {
        const double v = c / 255.0;
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    }

    // CIE L*a*b* of a linear RGB triple (D65).
    void toLab(const double rgb[3], double lab[3]) {
        const double x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047;
        const double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
        const double z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883;
        auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
        lab[0] = 116 * f(y) - 16;
        lab[1] = 500 * (f(x) - f(y));
        lab[2] = 200 * (f(y) - f(z));
    }

    // Machado, Oliveira & Fernandes (2009) simulation matrices at full severity.
    constexpr double kCvd[3][3][3] = {
        {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
        {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
        {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}},
    };

    void seenAs(ImU32 colour, int vision, double lab[3]) {
        const double rgb[3] = {channel(colour & 0xff), channel((colour >> 8) & 0xff), channel((colour >> 16) & 0xff)};
        double sim[3];
        for (int i = 0; i < 3; ++i) {
            sim[i] = vision < 0 ? rgb[i]
                                : std::clamp(kCvd[vision][i][0] * rgb[0] + kCvd[vision][i][1] * rgb[1] +
                                                 kCvd[vision][i][2] * rgb[2],
                                             0.0, 1.0);
        }
        toLab(sim, lab);
    }

    }  // namespace

    TEST_CASE("series colours have 3:1 contrast with the chart surface in both themes") {
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            Canvas canvas(400, 300, 1, true, theme);
            CHECK(isDarkTheme() == (theme == app::Theme::Dark));
            for (int i = 0; i < kSeriesColourCount; ++i) {
                CAPTURE(i);
                const ImVec4 c = ImGui::ColorConvertU32ToFloat4(seriesColour(i));
                CHECK(contrastRatio(c, ui::palette().surface) >= 3.0);
            }
            CHECK(seriesColour(kSeriesColourCount) == seriesColour(0));
            CHECK(seriesColour(-1) == ui::toU32(ui::palette().textMuted));
        }
    }

    TEST_CASE("series colours stay apart for normal, protan, deutan and tritan vision") {
        for (const bool dark : {false, true}) {
            for (int vision = -1; vision < 3; ++vision) {
                double worst = 1e9;
                for (int i = 0; i < kSeriesColourCount; ++i) {
                    for (int j = i + 1; j < kSeriesColourCount; ++j) {
                        double a[3], b[3];
                        seenAs(seriesColourFor(dark, i), vision, a);
                        seenAs(seriesColourFor(dark, j), vision, b);
                        worst = std::min(worst, std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
                    }
                }
                CAPTURE(dark);
                CAPTURE(vision);
                CHECK(worst >= 10.0);  // CIE76 delta E: clearly different side by side
            }
        }
    }

    TEST_CASE("colormaps: viridis endpoints, monotone lightness, a neutral diverging middle") {
        auto hex = [](const ImVec4& c) {
            return (static_cast<unsigned>(std::lround(c.x * 255)) << 16) |
                   (static_cast<unsigned>(std::lround(c.y * 255)) << 8) | static_cast<unsigned>(std::lround(c.z * 255));
        };
        CHECK(hex(sampleColormapFor(Colormap::Viridis, 0, false)) == 0x440154);
        CHECK(hex(sampleColormapFor(Colormap::Viridis, 0.5, false)) == 0x21918C);
        CHECK(hex(sampleColormapFor(Colormap::Viridis, 1, true)) == 0xFDE725);
        CHECK(hex(sampleColormapFor(Colormap::Viridis, -3, false)) == 0x440154);
        CHECK(hex(sampleColormapFor(Colormap::Viridis, 7, false)) == 0xFDE725);
        CHECK(hex(sampleColormapFor(Colormap::Viridis, kNaN, false)) != 0x440154);

        auto monotone = [](Colormap map, bool dark, int direction) {
            double previous = direction > 0 ? -1 : 2;
            for (int k = 0; k <= 100; ++k) {
                const double l = relativeLuminance(sampleColormapFor(map, k / 100.0, dark));
                if (direction > 0 ? l <= previous : l >= previous) return false;
                previous = l;
            }
            return true;
        };
        CHECK(monotone(Colormap::Viridis, false, +1));
        CHECK(monotone(Colormap::Blues, false, -1));  // light theme: low values fade into white
        CHECK(monotone(Colormap::Blues, true, +1));   // dark theme: low values fade into the dark surface
        for (const bool dark : {false, true}) {
            const ImVec4 low = sampleColormapFor(Colormap::Diverging, 0, dark);
            const ImVec4 mid = sampleColormapFor(Colormap::Diverging, 0.5, dark);
            const ImVec4 high = sampleColormapFor(Colormap::Diverging, 1, dark);
            CHECK(low.x > low.z);                    // red end
            CHECK(high.z > high.x);                  // blue end
            CHECK(std::fabs(mid.x - mid.z) < 0.1f);  // grey middle
            const double lm = relativeLuminance(mid);
            // The middle is the lightest point on white and the darkest on the dark theme.
            CHECK((dark ? lm < relativeLuminance(low) && lm < relativeLuminance(high)
                        : lm > relativeLuminance(low) && lm > relativeLuminance(high)));
        }
        CHECK(textColourOn(IM_COL32_WHITE) != IM_COL32_WHITE);
        CHECK(textColourOn(IM_COL32_BLACK) == IM_COL32_WHITE);
        CHECK(withAlpha(IM_COL32(10, 20, 30, 200), 0.5f) == IM_COL32(10, 20, 30, 100));
    }

    // =======================================================================================
    // [4] Transforms, ranges, hit-testing, binning
    // =======================================================================================

    TEST_CASE("axis transforms map data to pixels and back, linear and log") {
        const AxisTransform x{0, 10, false, 100, 300};
        CHECK(x.toPixel(5) == Approx(200));
        CHECK(x.toPixel(0) == Approx(100));
        const AxisTransform y{0, 10, false, 400, 100};  // y grows upwards
        CHECK(y.toPixel(0) == Approx(400));
        CHECK(y.toPixel(10) == Approx(100));
        const AxisTransform l{1, 1000, true, 0, 300};
        CHECK(l.toPixel(10) == Approx(100));
        CHECK(l.toPixel(100) == Approx(200));
        CHECK(l.toData(150) == Approx(std::pow(10, 1.5)));
        CHECK(std::isnan(l.toPixel(-1)));
        CHECK(std::isnan(l.toPixel(0)));
        core::Random rng(3);
        for (int k = 0; k < 1000; ++k) {
            const double v = rng.uniform(-1e6, 1e6);
            CHECK(x.toData(x.toPixel(v)) == Approx(v).epsilon(1e-9));
            const double p = rng.uniform(1e-3, 1e6);
            CHECK(l.toData(l.toPixel(p)) == Approx(p).epsilon(1e-9));
        }
    }

    TEST_CASE("automatic ranges pad the data, do not cross zero, and widen a single value") {
        double a, b;
        autoRange(0, 10, 0.05, false, &a, &b);
        CHECK(a == 0);
        CHECK(b == Approx(10.5));
        autoRange(2, 12, 0.05, false, &a, &b);
        CHECK(a == Approx(1.5));
        CHECK(b == Approx(12.5));
        autoRange(-10, 0, 0.05, false, &a, &b);
        CHECK(a == Approx(-10.5));
        CHECK(b == 0);
        autoRange(5, 5, 0.05, false, &a, &b);
        CHECK(a == Approx(4.5));
        CHECK(b == Approx(5.5));
        autoRange(0, 0, 0.05, false, &a, &b);
        CHECK(a == -1);
        CHECK(b == 1);
        autoRange(kNaN, kNaN, 0.05, false, &a, &b);
        CHECK((a == 0 && b == 1));
        autoRange(1, 1000, 0, true, &a, &b);
        CHECK(a == Approx(1));
        CHECK(b == Approx(1000));
        autoRange(5, 5, 0, true, &a, &b);
        CHECK(a == Approx(5 / std::sqrt(10.0)));
        CHECK(b == Approx(5 * std::sqrt(10.0)));
        autoRange(-1e308, 1e308, 0.05, false, &a, &b);
        CHECK(std::isfinite(b - a));
    }

    TEST_CASE("zooming keeps the point under the mouse where it is") {
        double a = 0, b = 10;
        zoomRange(&a, &b, 5, 0.5);
        CHECK(a == Approx(2.5));
        CHECK(b == Approx(7.5));
        a = 0, b = 10;
        zoomRange(&a, &b, 2, 0.5);
        CHECK((2 - a) / (b - a) == Approx(0.2));  // same relative position
        CHECK(b - a == Approx(5));
    }

    TEST_CASE("point in polygon: even-odd rule, left and bottom edges in, right and top out") {
        const ChartPoint square[] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
        CHECK(pointInPolygon(square, 4, 5, 5));
        CHECK_FALSE(pointInPolygon(square, 4, 15, 5));
        CHECK(pointInPolygon(square, 4, 0, 5));
        CHECK_FALSE(pointInPolygon(square, 4, 10, 5));
        CHECK(pointInPolygon(square, 4, 5, 0));
        CHECK_FALSE(pointInPolygon(square, 4, 5, 10));
        CHECK_FALSE(pointInPolygon(square, 4, kNaN, 5));
        CHECK_FALSE(pointInPolygon(square, 2, 5, 5));
        // A U shape: the notch is outside.
        const ChartPoint u[] = {{0, 0}, {9, 0}, {9, 9}, {6, 9}, {6, 3}, {3, 3}, {3, 9}, {0, 9}};
        CHECK(pointInPolygon(u, 8, 1, 5));
        CHECK(pointInPolygon(u, 8, 7, 5));
        CHECK_FALSE(pointInPolygon(u, 8, 4.5, 5));
        CHECK(pointInPolygon(u, 8, 4.5, 1));
        // Self-intersecting bow tie: both lobes in, by the even-odd rule.
        const ChartPoint bow[] = {{0, 0}, {10, 10}, {10, 0}, {0, 10}};
        CHECK(pointInPolygon(bow, 4, 1, 5));
        CHECK(pointInPolygon(bow, 4, 9, 5));
        CHECK_FALSE(pointInPolygon(bow, 4, 5, 1));
        CHECK(pointInBox({0, 0}, {10, 10}, 10, 10));
        CHECK(pointInBox({10, 10}, {0, 0}, 0, 5));
        CHECK_FALSE(pointInBox({0, 0}, {10, 10}, 10.0001, 5));
    }

    TEST_CASE("the banded polygon tester answers exactly as the brute-force test") {
        core::Random rng(5);
        for (int shape = 0; shape < 20; ++shape) {
            // A wobbly star, sometimes self-intersecting, like a hand-drawn lasso.
            const int n = 3 + static_cast<int>(rng.below(300));
            std::vector<ChartPoint> polygon;
            for (int i = 0; i < n; ++i) {
                const double angle = 2 * 3.141592653589793 * i / n + rng.uniform(-0.3, 0.3);
                const double r = rng.uniform(0.2, 1.0);
                polygon.push_back({r * std::cos(angle), r * std::sin(angle)});
            }
            PolygonHitTester tester;
            tester.build(polygon.data(), n);
            int inside = 0;
            for (int k = 0; k < 5000; ++k) {
                double x = rng.uniform(-1.1, 1.1), y = rng.uniform(-1.1, 1.1);
                if (k % 7 == 0) {  // exactly on a vertex or an edge's end
                    const ChartPoint& v = polygon[rng.below(n)];
                    x = v.x;
                    y = v.y;
                }
                const bool expected = pointInPolygon(polygon.data(), n, x, y);
                inside += expected;
                REQUIRE(tester.contains(x, y) == expected);
            }
            CHECK(inside > 0);
        }
        PolygonHitTester empty;
        empty.build(nullptr, 0);
        CHECK_FALSE(empty.contains(0, 0));
    }

    TEST_CASE("histogram binning: Sturges' rule, nice edges, counts with a closed last bin") {
        CHECK(sturgesBins(0) == 1);
        CHECK(sturgesBins(1) == 1);
        CHECK(sturgesBins(100) == 8);
        CHECK(sturgesBins(1000) == 11);
        CHECK(sturgesBins(int64_t{1} << 40) == 41);

        std::vector<double> edges;
        uniformEdges(0, 10, 5, false, edges);
        CHECK(edges == std::vector<double>{0, 2, 4, 6, 8, 10});
        uniformEdges(0.3, 9.7, 5, true, edges);
        CHECK(edges == std::vector<double>{0, 2, 4, 6, 8, 10});
        uniformEdges(3, 3, 4, false, edges);
        CHECK(edges.front() == 2.5);
        CHECK(edges.back() == 3.5);

        const double values[] = {0, 0.5, 1, 1.5, 2, kNaN, -1, 3, kInf};
        const double e[] = {0, 1, 2};
        double counts[2];
        CHECK(histogramCounts(values, 9, e, 3, counts) == 5);
        CHECK(counts[0] == 2);
        CHECK(counts[1] == 3);
        const double uneven[] = {0, 1, 10, 100};
        const double v2[] = {0.5, 5, 50, 100, 9.999999, 10};
        double c2[3];
        CHECK(histogramCounts(v2, 6, uneven, 4, c2) == 6);
        CHECK(c2[0] == 1);
        CHECK(c2[1] == 2);
        CHECK(c2[2] == 3);
        // Equal bins agree with their edges even where division rounds the other way.
        std::vector<double> tenths;
        uniformEdges(0, 1, 10, false, tenths);
        std::vector<double> onEdges(tenths.begin(), tenths.end());
        double c3[10];
        CHECK(histogramCounts(onEdges.data(), 11, tenths.data(), 11, c3) == 11);
        for (int b = 0; b < 9; ++b) CHECK(c3[b] == 1);
        CHECK(c3[9] == 2);
    }

    // =======================================================================================
    // [5] Every series draws any data without a failed check
    // =======================================================================================

    namespace {

    struct Dataset {
        std::string name;
        std::vector<double> x, y, lo, hi;
        std::vector<int> groups;
        int n() const { return static_cast<int>(y.size()); }
    };

    std::vector<Dataset> datasets(bool withMillion) {
        std::vector<Dataset> out;
        auto add = [&](const std::string& name, std::vector<double> x, std::vector<double> y) {
            Dataset d;
            d.name = name;
            d.x = std::move(x);
            d.y = std::move(y);
            for (size_t i = 0; i < d.y.size(); ++i) {
                d.lo.push_back(d.y[i] - 1);
                d.hi.push_back(d.y[i] + 1);
                d.groups.push_back(static_cast<int>(i % 5) - 1);
            }
            out.push_back(std::move(d));
        };
        add("empty", {}, {});
        add("one point", {3}, {4});
        add("equal values", {1, 1, 1, 1}, {7, 7, 7, 7});
        add("zeros", {0, 0, 0}, {0, 0, 0});
        add("NaN and infinities", {0, 1, kNaN, 3, kInf, 5, -kInf, 7}, {1, kNaN, 3, kInf, 5, -kInf, 7, 8});
        add("all NaN", {kNaN, kNaN}, {kNaN, kNaN});
        add("negatives", {-3, -2, -1, 0, 1}, {-5, 3, -1e6, 0, 2});
        add("huge values", {-1e300, 1e300, 0}, {1e300, -1e300, 1});
        if (withMillion) {
            core::Random rng(1);
            std::vector<double> x(1000000), y(1000000);
            for (size_t i = 0; i < x.size(); ++i) {
                x[i] = static_cast<double>(i);
                y[i] = rng.normal(0, 1) + std::sin(static_cast<double>(i) * 1e-4);
            }
            add("a million points", std::move(x), std::move(y));
        }
        return out;
    }

    void drawEverySeries(const Dataset& d, const char* id, bool logY) {
        const int n = d.n();
        const double* x = n > 0 ? d.x.data() : nullptr;
        const double* y = n > 0 ? d.y.data() : nullptr;
        AxisSpec ax, ay;
        ay.log = logY;
        if (BeginChart((std::string("Lines ") + id).c_str(), ImVec2(500, 260))) {
            SetupAxes(ax, ay);
            PlotLine("line", x, y, n, {.flags = SeriesFlags_Markers | SeriesFlags_Fill});
            PlotLine(
                "getter",
                [](int i, void* data) {
                    return ChartPoint{static_cast<double>(i), static_cast<double*>(data)[i]};
                },
                const_cast<double*>(y), n);
            PlotBand("band", x, n > 0 ? d.lo.data() : nullptr, n > 0 ? d.hi.data() : nullptr, n);
            PlotErrorBars("errors", x, y, n > 0 ? d.lo.data() : nullptr, n > 0 ? d.hi.data() : nullptr, n);
            PlotErrorBars("errors h", x, y, n > 0 ? d.lo.data() : nullptr, n > 0 ? d.hi.data() : nullptr, n,
                          {.flags = SeriesFlags_Horizontal});
            PlotReferenceLine("target", n > 0 ? d.y[0] : kNaN, false);
            EndChart();
        }
        if (BeginChart((std::string("Bars ") + id).c_str(), ImVec2(500, 260))) {
            SetupAxes(ax, ay);
            PlotBars("bars", x, y, n, 0.5, {.flags = SeriesFlags_Labels});
            PlotBars("bars h", nullptr, y, n, 0.5, {.flags = SeriesFlags_Horizontal});
            const char* labels[] = {"a", "b", "c"};
            const int groups = n / 3;
            PlotGroupedBars(labels, y, 3, groups, 0.8);
            PlotStackedBars(labels, y, 3, groups, 0.6, nullptr, {.flags = SeriesFlags_Horizontal});
            PlotHistogram("histogram", y, n);
            PlotHistogram("histogram h", y, n, 7, {{.flags = SeriesFlags_Horizontal}, 0.0, 10.0, true});
            const double edges[] = {-1, 0, 1, 10};
            PlotHistogram("histogram edges", y, n, edges, 4);
            EndChart();
        }
        if (BeginChart((std::string("Scatter ") + id).c_str(), ImVec2(500, 260),
                       ChartFlags_BoxSelect | ChartFlags_LassoSelect)) {
            SetupAxes(ax, ay);
            PlotScatter("points", x, y, n);
            PlotScatter("groups", x, y, n, n > 0 ? d.groups.data() : nullptr);
            PlotScatter(
                "getter",
                [](int i, void* data) {
                    return ChartPoint{static_cast<double*>(data)[i], static_cast<double>(i)};
                },
                const_cast<double*>(y), n);
            EndChart();
        }
        if (BeginChart((std::string("Heatmap ") + id).c_str(), ImVec2(500, 260))) {
            const int cols = n > 0 ? std::max(1, static_cast<int>(std::sqrt(static_cast<double>(n)))) : 0;
            const int rows = cols > 0 ? n / cols : 0;
            PlotHeatmap("heat", y, rows, cols, 0, 0, nullptr, nullptr, {.cellFormat = "%.1f"});
            EndChart();
        }
        ColourScaleLegend((std::string("scale ") + id).c_str(), n > 0 ? d.y[0] : kNaN, kInf, Colormap::Diverging);
        if (BeginChart((std::string("Donut ") + id).c_str(), ImVec2(300, 260), ChartFlags_NoAxes)) {
            PlotDonut("donut", nullptr, y, n, {.flags = SeriesFlags_Labels});
            EndChart();
        }
        if (BeginChart((std::string("Gauge ") + id).c_str(), ImVec2(300, 200), ChartFlags_NoAxes)) {
            const GaugeBand bands[] = {{0, IM_COL32(200, 0, 0, 255), "low"}, {1e9, IM_COL32(0, 150, 0, 255), "high"}};
            PlotGauge("gauge", n > 0 ? d.y[0] : kNaN, n > 1 ? d.y[1] : kNaN, n > 2 ? d.y[2] : kNaN, bands, 2);
            EndChart();
        }
    }

    }  // namespace

    TEST_CASE("every series draws empty, tiny, degenerate, hostile and huge data without a failed check") {
        const std::vector<Dataset> data = datasets(true);
        for (const bool vtxOffset : {true, false}) {
            for (const bool logY : {false, true}) {
                Canvas canvas(1400, 2200, 1, vtxOffset);
                for (const Dataset& d : data) {
                    CAPTURE(d.name);
                    CAPTURE(vtxOffset);
                    CAPTURE(logY);
                    const auto start = std::chrono::steady_clock::now();
                    // Three frames: the first measures, the next draw; the mouse sits on the plots.
                    for (int f = 0; f < 3; ++f) {
                        Canvas::move(ImVec2(250.0f + 40 * f, 150.0f + 300 * f));
                        canvas.frame([&] { drawEverySeries(d, d.name.c_str(), logY); });
                    }
                    const double ms =
                        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
                    if (d.n() >= 1000000)
                        MESSAGE(d.name << " (vtx offset " << vtxOffset << ", log " << logY
                                       << "): 3 frames of every series in " << ms << " ms");
                    if (d.n() > 0 && !logY) CHECK(canvas.vertices() > 1000);
                    // Six charts, each within its budget, plus their frames, axes and text.
                    CHECK(canvas.vertices() <= 6 * GetChartStyle().maxVertices + 50000);
                    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
                }
            }
        }
    }

    TEST_CASE("a chart in a small window, both themes and pixel ratio 2 draws without a failed check") {
        const std::vector<Dataset> data = datasets(false);
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            for (const float scale : {1.0f, 2.0f}) {
                Canvas canvas(360, 640, scale, true, theme);
                for (const Dataset& d : data) {
                    canvas.frames(2, [&] {
                        if (BeginChart("Tiny##tiny", ImVec2(-1, 40))) {
                            PlotLine("a", d.x.data(), d.y.data(), d.n());
                            PlotBars("b", d.x.data(), d.y.data(), d.n(), 1);
                            EndChart();
                        }
                        drawEverySeries(d, "small", false);
                    });
                }
                CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
            }
        }
    }

    TEST_CASE("calling chart functions out of order is reported as a failed check, not a crash") {
        Canvas canvas;
        canvas.frame([] {
            const double y[] = {1, 2};
            PlotLine("orphan", nullptr, y, 2);  // no chart
            EndChart();                         // nothing to end
            if (BeginChart("Setup late")) {
                PlotLine("first", nullptr, y, 2);
                SetupAxes({}, {});  // after a series
                EndChart();
            }
        });
        CHECK(gFailedChecks == 3);
        ui::setImGuiAssertHandler(countFailure);
    }

    TEST_CASE("the chart gallery draws in both themes without a failed check") {
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            Canvas canvas(1400, 9000, 1, true, theme);
            canvas.frames(3, [] { DrawChartGallery(); });
            CHECK(canvas.vertices() > 10000);
            CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
        }
        Canvas small(800, 600, 2, false);
        small.frames(3, [] { DrawChartGallery(); });
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    }

    // =======================================================================================
    // [6] Interaction
    // =======================================================================================

    TEST_CASE("automatic axes fit the data from the second frame; equal values sit mid-plot; bars keep zero") {
        Canvas canvas;
        const double x[] = {0, 1, 2, 3};
        const double flat[] = {5, 5, 5, 5};
        const double negative[] = {-4, -2, -8, -1};
        Layout a, b;
        ImVec2 five, zero;
        int frames = 0;
        canvas.frames(3, [&] {
            ++frames;
            if (BeginChart("Flat", ImVec2(600, 300))) {
                PlotLine("flat", x, flat, 4);
                a = captureLayout();
                five = ChartToPixels(1.5, 5);
                EndChart();
            }
            if (BeginChart("Negative bars", ImVec2(600, 300))) {
                PlotBars("neg", x, negative, 4, 0.8);
                b = captureLayout();
                zero = ChartToPixels(0, 0);
                EndChart();
            }
        });
        CHECK(five.y == Approx((a.plotMin.y + a.plotMax.y) / 2).epsilon(1e-3));
        CHECK(a.topLeft.y == Approx(5.5));
        CHECK(a.bottomRight.y == Approx(4.5));
        CHECK(zero.y == Approx(b.plotMin.y));  // all-negative bars: zero is the top of the plot
        CHECK(b.bottomRight.y == Approx(-8.4));
        CHECK(b.topLeft.x == Approx(-0.4 - 0.05 * 3.8));
        CHECK(gFailedChecks == 0);
    }

    namespace {

    // 10,000 points on an integer grid 0..99 x 0..99, and a draw function for them.
    struct GridScatter {
        std::vector<double> x, y;
        GridScatter() {
            for (int i = 0; i < 10000; ++i) {
                x.push_back(i % 100);
                y.push_back(i / 100);
            }
        }
    };

    }  // namespace

    TEST_CASE("hover finds the nearest point exactly and clicks report the item under the mouse") {
        Canvas canvas;
        GridScatter g;
        AxisSpec ax{.label = "Age", .min = -1, .max = 100},
            ay{.label = "Income", .format = AxisFormat::Currency, .min = -1, .max = 100};
        std::optional<ChartHover> hovered;
        ImVec2 target;
        auto draw = [&] {
            if (BeginChart("Hover", ImVec2(1000, 700))) {
                SetupAxes(ax, ay);
                PlotScatter("pts", g.x.data(), g.y.data(), 10000);
                hovered = HoveredPoint();
                target = ChartToPixels(42, 17);
                EndChart();
            }
        };
        canvas.frames(2, draw);
        Canvas::move(target + ImVec2(2, -1));
        canvas.frame(draw);
        REQUIRE(hovered.has_value());
        CHECK(hovered->series == "pts");
        CHECK(hovered->index == 17 * 100 + 42);
        CHECK(hovered->x == 42);
        CHECK(hovered->y == 17);

        // Bars: a click (press and release without moving) names the bar.
        const double values[] = {3, 5, 2, 8, 6};
        const std::string names[] = {"Mon", "Tue", "Wed", "Thu", "Fri"};
        int clicked = -1;
        bool anyClick = false;
        ImVec2 barCentre;
        auto bars = [&] {
            if (BeginChart("Clicks", ImVec2(600, 400))) {
                SetupAxes({.format = AxisFormat::Category, .categories = names}, {});
                PlotBars("Sales", nullptr, values, 5, 0.7);
                barCentre = ChartToPixels(3, 4);
                int index = -1;
                if (ItemClicked("Sales", &index)) {
                    clicked = index;
                    anyClick = true;
                }
                EndChart();
            }
        };
        canvas.frames(2, bars);
        Canvas::move(barCentre);
        canvas.frame(bars);
        Canvas::button(true);
        canvas.frame(bars);
        CHECK_FALSE(anyClick);
        Canvas::button(false);
        canvas.frame(bars);
        CHECK(anyClick);
        CHECK(clicked == 3);
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("heatmap cells and donut slices are hovered and clicked by index") {
        Canvas canvas;
        const double values[] = {1, 2, 3, 4, 5, 6};  // 2 rows x 3 columns
        const char* rows[] = {"North", "South"};
        const char* cols[] = {"Basic", "Plus", "Pro"};
        const double shares[] = {50, 25, 25};
        const char* plans[] = {"Basic", "Plus", "Pro"};
        ImVec2 cell, slice;
        std::optional<ChartHover> heatHover, donutHover;
        int clickedCell = -1;
        auto draw = [&] {
            if (BeginChart("Heat", ImVec2(600, 300))) {
                PlotHeatmap("plans", values, 2, 3, 0, 0, rows, cols, {.cellFormat = "%.0f"});
                cell = ChartToPixels(2, 0);  // row 1 ("South") is drawn at the bottom, y = 0
                heatHover = HoveredPoint();
                int index;
                if (ItemClicked("plans", &index)) clickedCell = index;
                EndChart();
            }
            if (BeginChart("Donut", ImVec2(300, 300), ChartFlags_NoAxes)) {
                PlotDonut("plan mix", plans, shares, 3);
                const ImVec2 c = (GetPlotMin() + GetPlotMax()) * 0.5f;
                const float r = std::min(GetPlotMax().x - GetPlotMin().x, GetPlotMax().y - GetPlotMin().y) * 0.4f;
                slice = c + ImVec2(-r * 0.7f, -r * 0.7f);  // upper left: the last quarter, "Pro"
                donutHover = HoveredPoint();
                EndChart();
            }
        };
        canvas.frames(2, draw);
        Canvas::move(cell);
        canvas.frame(draw);
        REQUIRE(heatHover.has_value());
        CHECK(heatHover->index == 1 * 3 + 2);
        Canvas::button(true);
        canvas.frame(draw);
        Canvas::button(false);
        canvas.frame(draw);
        CHECK(clickedCell == 5);
        Canvas::move(slice);
        canvas.frame(draw);
        REQUIRE(donutHover.has_value());
        CHECK(donutHover->series == "plan mix");
        CHECK(donutHover->index == 2);
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("the wheel zooms around the mouse, a drag pans, a double click resets") {
        Canvas canvas;
        std::vector<double> x(101), y(101);
        for (int i = 0; i <= 100; ++i) x[i] = y[i] = i;
        Layout l;
        ImVec2 anchor;
        ChartPoint underMouse;
        ImVec2 mouse;
        auto draw = [&] {
            if (BeginChart("Zoom", ImVec2(800, 500))) {
                PlotLine("diagonal", x.data(), y.data(), 101);
                l = captureLayout();
                anchor = ChartToPixels(30, 30);
                underMouse = PixelsToChart(mouse);
                EndChart();
            }
        };
        canvas.frames(2, draw);
        const Layout before = l;
        mouse = floorPx(anchor);  // ImGui keeps the mouse on whole pixels
        Canvas::move(mouse);
        canvas.frame(draw);
        const ChartPoint beforeZoom = underMouse;
        Canvas::wheel(2);
        canvas.frame(draw);
        // Two notches in: each range is 1.2^2 times narrower, the point under the mouse stays.
        CHECK((l.bottomRight.x - l.topLeft.x) == Approx((before.bottomRight.x - before.topLeft.x) / 1.44));
        CHECK((l.topLeft.y - l.bottomRight.y) == Approx((before.topLeft.y - before.bottomRight.y) / 1.44));
        CHECK(underMouse.x == Approx(beforeZoom.x).epsilon(1e-6));
        CHECK(underMouse.y == Approx(beforeZoom.y).epsilon(1e-6));
        CHECK(beforeZoom.x == Approx(30).epsilon(0.02));

        // Drag 100 pixels right and 50 down: the data move with the mouse.
        const Layout zoomed = l;
        const double perPixelX = (zoomed.bottomRight.x - zoomed.topLeft.x) / (zoomed.plotMax.x - zoomed.plotMin.x);
        const double perPixelY = (zoomed.topLeft.y - zoomed.bottomRight.y) / (zoomed.plotMax.y - zoomed.plotMin.y);
        Canvas::button(true);
        canvas.frame(draw);
        for (int step = 1; step <= 5; ++step) {
            Canvas::move(mouse + ImVec2(20.0f * step, 10.0f * step));
            canvas.frame(draw);
        }
        Canvas::button(false);
        canvas.frame(draw);
        CHECK(l.topLeft.x == Approx(zoomed.topLeft.x - 100 * perPixelX));
        CHECK(l.topLeft.y == Approx(zoomed.topLeft.y + 50 * perPixelY));

        // Double click: back to the automatic range.
        for (int k = 0; k < 2; ++k) {
            Canvas::button(true);
            canvas.frame(draw);
            Canvas::button(false);
            canvas.frame(draw);
        }
        canvas.frame(draw);
        CHECK(l.topLeft.x == Approx(before.topLeft.x));
        CHECK(l.bottomRight.y == Approx(before.bottomRight.y));
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("zoom and pan respect NoZoom, locked axes and category axes") {
        Canvas canvas;
        const double y[] = {1, 3, 2};
        const std::string names[] = {"a", "b", "c"};
        Layout locked, category;
        ImVec2 centre;
        auto draw = [&] {
            if (BeginChart("Locked", ImVec2(500, 300), ChartFlags_NoZoom)) {
                PlotLine("l", nullptr, y, 3);
                locked = captureLayout();
                centre = (locked.plotMin + locked.plotMax) * 0.5f;
                EndChart();
            }
            if (BeginChart("Category", ImVec2(500, 300))) {
                SetupAxes({.format = AxisFormat::Category, .categories = names}, {.lockRange = true});
                PlotBars("b", nullptr, y, 3, 0.5);
                category = captureLayout();
                EndChart();
            }
        };
        canvas.frames(2, draw);
        const Layout lockedBefore = locked, categoryBefore = category;
        Canvas::move(centre);
        canvas.frame(draw);
        Canvas::wheel(3);
        canvas.frame(draw);
        CHECK(locked.topLeft.x == Approx(lockedBefore.topLeft.x));
        Canvas::move((category.plotMin + category.plotMax) * 0.5f);
        canvas.frame(draw);
        Canvas::wheel(3);
        canvas.frame(draw);
        CHECK(category.topLeft.x == Approx(categoryBefore.topLeft.x));
        CHECK(category.topLeft.y == Approx(categoryBefore.topLeft.y));
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("clicking a legend entry hides its series until clicked again, per chart") {
        Canvas canvas;
        const double a[] = {1, 2, 3}, b[] = {100, 200, 300};
        std::optional<PixelRect> entryB;
        bool hiddenB = false;
        Layout l;
        auto draw = [&] {
            if (BeginChart("Legend", ImVec2(600, 300))) {
                PlotLine("A", nullptr, a, 3);
                PlotLine("B", nullptr, b, 3);
                entryB = LegendEntryRect("B");
                hiddenB = IsSeriesHidden("B");
                l = captureLayout();
                EndChart();
            }
        };
        canvas.frames(3, draw);
        REQUIRE(entryB.has_value());
        CHECK(l.topLeft.y > 300);  // B is in the range
        auto click = [&](ImVec2 p) {
            Canvas::move(p);
            canvas.frame(draw);
            Canvas::button(true);
            canvas.frame(draw);
            Canvas::button(false);
            canvas.frame(draw);
        };
        click((entryB->min + entryB->max) * 0.5f);
        canvas.frames(2, draw);
        CHECK(hiddenB);
        CHECK(l.topLeft.y < 10);  // B no longer fits the axis
        click((entryB->min + entryB->max) * 0.5f);
        canvas.frames(2, draw);
        CHECK_FALSE(hiddenB);
        CHECK(l.topLeft.y > 300);
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("a box selection lists exactly the scatter points inside it; Escape clears it") {
        Canvas canvas;
        GridScatter g;
        const Selection* selection = nullptr;
        Selection copy;
        ImVec2 from, to;
        auto draw = [&] {
            if (BeginChart("Box", ImVec2(1000, 700), ChartFlags_BoxSelect)) {
                SetupAxes({.min = -1, .max = 100}, {.min = -1, .max = 100});
                PlotScatter("pts", g.x.data(), g.y.data(), 10000);
                from = ChartToPixels(10.5, 10.5);
                to = ChartToPixels(20.5, 30.5);
                selection = GetSelection();
                if (selection != nullptr) copy = *selection;
                EndChart();
            }
        };
        canvas.frames(2, draw);
        Canvas::move(from);
        canvas.frame(draw);
        Canvas::button(true);
        canvas.frame(draw);
        for (int step = 1; step <= 4; ++step) {
            Canvas::move(from + (to - from) * (step / 4.0f));
            canvas.frame(draw);
        }
        Canvas::button(false);
        canvas.frame(draw);
        REQUIRE(selection != nullptr);
        CHECK(copy.kind == SelectionKind::Box);
        const std::vector<int32_t>* indices = copy.indicesOf("pts");
        REQUIRE(indices != nullptr);
        std::vector<int32_t> expected;
        for (int i = 0; i < 10000; ++i) {
            if (pointInBox(copy.min, copy.max, g.x[i], g.y[i])) expected.push_back(i);
        }
        CHECK(*indices == expected);
        CHECK(indices->size() == 10 * 20);  // x 11..20, y 11..30
        CHECK(copy.count() == 200);
        const uint64_t generation = copy.generation;
        canvas.frame(draw);
        CHECK(copy.generation == generation);  // stable while nothing changes

        Canvas::key(ImGuiKey_Escape, true);
        canvas.frame(draw);
        Canvas::key(ImGuiKey_Escape, false);
        canvas.frame(draw);
        CHECK(selection == nullptr);
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("a lasso selection lists exactly the points inside the drawn outline") {
        Canvas canvas;
        GridScatter g;
        Selection copy;
        bool have = false;
        std::vector<ImVec2> path;
        auto draw = [&] {
            if (BeginChart("Lasso", ImVec2(1000, 700), ChartFlags_LassoSelect | ChartFlags_BoxSelect)) {
                SetupAxes({.min = -1, .max = 100}, {.min = -1, .max = 100});
                PlotScatter("pts", g.x.data(), g.y.data(), 10000);
                if (path.empty()) {
                    // A concave outline: a "V" around (20,20) - (50,80) - (80,20) with a notch.
                    const ChartPoint outline[] = {{20, 20}, {50, 50}, {80, 20}, {80, 80}, {20, 80}};
                    for (const ChartPoint& p : outline) path.push_back(ChartToPixels(p.x, p.y));
                }
                const Selection* s = GetSelection();
                have = s != nullptr;
                if (s != nullptr) copy = *s;
                EndChart();
            }
        };
        canvas.frames(2, draw);
        Canvas::key(ImGuiMod_Shift, true);  // with both flags, Shift+drag draws the lasso
        Canvas::move(path[0]);
        canvas.frame(draw);
        Canvas::button(true);
        canvas.frame(draw);
        for (size_t k = 1; k <= path.size(); ++k) {
            const ImVec2 a = path[k - 1], b = path[k % path.size()];
            for (int s = 1; s <= 6; ++s) {
                Canvas::move(a + (b - a) * (s / 6.0f));
                canvas.frame(draw);
            }
        }
        Canvas::button(false);
        canvas.frame(draw);
        Canvas::key(ImGuiMod_Shift, false);
        canvas.frame(draw);
        REQUIRE(have);
        CHECK(copy.kind == SelectionKind::Lasso);
        REQUIRE(copy.polygon.size() >= 5);
        const std::vector<int32_t>* indices = copy.indicesOf("pts");
        REQUIRE(indices != nullptr);
        std::vector<int32_t> expected;
        for (int i = 0; i < 10000; ++i) {
            if (pointInPolygon(copy.polygon.data(), static_cast<int>(copy.polygon.size()), g.x[i], g.y[i]))
                expected.push_back(i);
        }
        CHECK(*indices == expected);
        // Roughly the area of the shape (3600 - 900 for the notch), and nothing in the notch.
        CHECK(indices->size() > 2400);
        CHECK(indices->size() < 3000);
        CHECK(std::find(indices->begin(), indices->end(), 30 * 100 + 50) == indices->end());
        CHECK(std::find(indices->begin(), indices->end(), 70 * 100 + 50) != indices->end());

        // A double click clears it too.
        for (int k = 0; k < 2; ++k) {
            Canvas::button(true);
            canvas.frame(draw);
            Canvas::button(false);
            canvas.frame(draw);
        }
        CHECK_FALSE(have);
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("a million-point scatter stays within its budget on the CPU path") {
        Canvas canvas(1600, 1000);
        core::Random rng(9);
        std::vector<double> x(1000000), y(1000000);
        for (size_t i = 0; i < x.size(); ++i) {
            x[i] = rng.normal(0, 1);
            y[i] = rng.normal(0, 1) + x[i] * 0.5;
        }
        ImVec2 near, origin, unit;
        std::optional<ChartHover> hovered;
        auto draw = [&] {
            if (BeginChart("Million", ImVec2(1200, 800), ChartFlags_BoxSelect)) {
                PlotScatter("customers", x.data(), y.data(), 1000000, {.generation = 1});
                near = ChartToPixels(x[123456], y[123456]);
                origin = ChartToPixels(0, 0);
                unit = ChartToPixels(1, 1) - origin;
                hovered = HoveredPoint();
                EndChart();
            }
        };
        canvas.frames(2, draw);
        Canvas::move(near);
        std::vector<double> times;
        for (int f = 0; f < 10; ++f) {
            const auto start = std::chrono::steady_clock::now();
            canvas.frame(draw);
            times.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());
        MESSAGE("1,000,000-point scatter, CPU path, native: median "
                << times[5] << " ms, worst " << times.back() << " ms per frame; " << canvas.vertices() << " vertices");
        CHECK(canvas.vertices() <= GetChartStyle().pointBudget * 4 + 20000);
        REQUIRE(hovered.has_value());
        // Exact: no point of the million is nearer the mouse (ImGui floors it to a whole pixel).
        const ImVec2 mouse = floorPx(near);
        auto distance = [&](size_t i) {
            return std::hypot(origin.x + unit.x * x[i] - mouse.x, origin.y + unit.y * y[i] - mouse.y);
        };
        double best = 1e30;
        for (size_t i = 0; i < x.size(); ++i) best = std::min(best, distance(i));
        CHECK(distance(static_cast<size_t>(hovered->index)) == Approx(best).epsilon(1e-3));
        CHECK(gFailedChecks == 0);
    }

    // =======================================================================================
    // [7] GPU seam
    // =======================================================================================

    namespace {

    struct FakeRenderer : ScatterRenderer {
        int calls = 0, uploads = 0;
        bool fail = false;
        ScatterBatch last;
        ImTextureID render(const ScatterBatch& batch) override {
            ++calls;
            if (batch.dataChanged) ++uploads;
            last = batch;
            if (fail) return ImTextureID{};
            return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(7));
        }
    };

    }  // namespace

    TEST_CASE("large scatters go to the registered renderer, uploading only when the data change") {
        Canvas canvas;
        FakeRenderer fake;
        SetScatterRenderer(&fake);
        const int previousMin = GetChartStyle().gpuMinPoints;
        GetChartStyle().gpuMinPoints = 5000;
        core::Random rng(2);
        std::vector<double> x(50000), y(50000);
        for (size_t i = 0; i < x.size(); ++i) {
            x[i] = rng.uniform(0, 10);
            y[i] = rng.lognormal(0, 1);
        }
        uint64_t generation = 1;
        int n = 50000;
        std::optional<ChartHover> hovered;
        std::vector<ImVec2> pixels;
        ImVec2 mouse;
        auto draw = [&] {
            if (BeginChart("GPU", ImVec2(900, 600))) {
                SetupAxes({}, {.log = true});
                PlotScatter("big", x.data(), y.data(), n, {.generation = generation});
                hovered = HoveredPoint();
                pixels.resize(static_cast<size_t>(n));
                for (int i = 0; i < n; ++i) pixels[i] = ChartToPixels(x[i], y[i]);
                mouse = ChartToPixels(5, 1);
                EndChart();
            }
        };
        canvas.frames(4, draw);
        CHECK(fake.calls == 3);  // not on the first frame, which only measures the data
        CHECK(fake.uploads == 1);
        CHECK(canvas.drewTexture(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(7))));
        CHECK(canvas.vertices() < 5000);  // no points drawn on the CPU
        CHECK(fake.last.count == 50000);
        CHECK(fake.last.logY);
        CHECK(fake.last.yMin < fake.last.yMax);
        CHECK(fake.last.width > 0);
        CHECK(fake.last.xs == x.data());

        generation = 2;
        canvas.frames(2, draw);
        CHECK(fake.uploads == 2);
        n = 40000;  // fewer points: new identity, new upload
        canvas.frames(2, draw);
        CHECK(fake.uploads == 3);

        // Hover on the GPU path comes from the grid index and is exactly the brute-force nearest.
        core::Random probes(4);
        for (int k = 0; k < 20; ++k) {
            const ImVec2 p =
                floorPx(pixels[probes.below(static_cast<uint64_t>(n))] +
                        ImVec2(static_cast<float>(probes.uniform(-6, 6)), static_cast<float>(probes.uniform(-6, 6))));
            Canvas::move(p);
            canvas.frame(draw);
            int nearest = -1;
            float best = 1e30f;
            for (int i = 0; i < n; ++i) {
                const float dx = pixels[i].x - p.x, dy = pixels[i].y - p.y, d2 = dx * dx + dy * dy;
                if (d2 <= best) {
                    best = d2;
                    nearest = i;
                }
            }
            REQUIRE(hovered.has_value());
            CHECK(std::hypot(pixels[hovered->index].x - p.x, pixels[hovered->index].y - p.y) ==
                  Approx(std::sqrt(best)).epsilon(1e-4));
            (void)nearest;
        }

        // A renderer that cannot draw: the CPU draws, and every later batch re-uploads until one works.
        fake.fail = true;
        const int uploads = fake.uploads;
        canvas.frames(2, draw);
        CHECK(canvas.vertices() > 5000);
        CHECK(fake.uploads == uploads + 1);
        fake.fail = false;
        canvas.frames(3, draw);
        CHECK(fake.uploads == uploads + 2);
        GetChartStyle().gpuMinPoints = previousMin;
        SetScatterRenderer(nullptr);
        CHECK(gFailedChecks == 0);
    }

    TEST_CASE("a million points on the GPU path: no per-point work per frame, hover from the grid index") {
        Canvas canvas(1600, 1000);
        FakeRenderer fake;
        SetScatterRenderer(&fake);
        core::Random rng(12);
        std::vector<double> x(1000000), y(1000000);
        for (size_t i = 0; i < x.size(); ++i) {
            x[i] = rng.normal(0, 1);
            y[i] = rng.normal(0, 1);
        }
        std::optional<ChartHover> hovered;
        ImVec2 centre;
        auto draw = [&] {
            if (BeginChart("GPU million", ImVec2(1200, 800))) {
                PlotScatter("customers", x.data(), y.data(), 1000000, {.generation = 1});
                hovered = HoveredPoint();
                centre = ChartToPixels(0, 0);
                EndChart();
            }
        };
        canvas.frames(2, draw);
        Canvas::move(centre);
        const auto first = std::chrono::steady_clock::now();
        canvas.frame(draw);  // builds the hover grid once
        const double buildMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - first).count();
        std::vector<double> times;
        for (int f = 0; f < 10; ++f) {
            Canvas::move(centre + ImVec2(static_cast<float>(f * 7 % 40), static_cast<float>(f * 13 % 30)));
            const auto start = std::chrono::steady_clock::now();
            canvas.frame(draw);
            times.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            CHECK(hovered.has_value());
        }
        std::sort(times.begin(), times.end());
        MESSAGE("1,000,000-point scatter, GPU path (fake renderer), native: first hover frame (grid build) "
                << buildMs << " ms, then median " << times[5] << " ms, worst " << times.back() << " ms per frame");
        CHECK(fake.uploads == 1);
        CHECK(times[5] < 20);  // generous: the measured median is well under a millisecond
        SetScatterRenderer(nullptr);
        CHECK(gFailedChecks == 0);
    }

}  // TEST_SUITE
