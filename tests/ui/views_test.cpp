// The Overview and Segments views without a browser, as shell_test.cpp drives the shell:
// drawn with no customers, with 10 and with 100,000 (RFM and clustering run to the end
// first), in all three Segments tabs, with a selection, and with the chart gallery on, at
// two window sizes in both themes, with no failed ImGui check. Also: a click on the RFM
// table selects the Champions, a box on the cluster scatter selects the customers inside
// it, and the Clusters tab's native frame time at 100,000.
//   Screen (the ImGui context, clicks, drags, scrolling the view), the fixtures (10 and
//   100,000 customers), the drawing and clicking helpers, then the test cases.
#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "app/app_state.hpp"
#include "app/jobs.hpp"
#include "app/segmentation.hpp"
#include "core/json_reader.hpp"
#include "store/demo_data.hpp"
#include "store/segments.hpp"
#include "ui/fonts.hpp"
#include "ui/imgui_config.h"
#include "ui/shell.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

using namespace rapport;

namespace {

int gFailedChecks = 0;
std::string gFirstFailure;
void countFailure(const char* expression, const char* file, int line) {
    if (gFailedChecks++ == 0) gFirstFailure = std::string(expression) + " at " + file + ":" + std::to_string(line);
}

// One ImGui context, fonts and theme for a window of width x height CSS pixels; destroyed
// with the fixture (the same as shell_test.cpp's).
struct Screen {
    explicit Screen(app::AppState& state, float width, float height, float scale = 1.0f) : app(state) {
        ui::setImGuiAssertHandler(countFailure);
        gFailedChecks = 0;
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(width * scale, height * scale);
        io.DeltaTime = 1.0f / 60.0f;
        warning = ui::loadFonts(
            {RAPPORT_FONT_DIR "/Inter-Regular.otf", RAPPORT_FONT_DIR "/Inter-SemiBold.otf", RAPPORT_ICON_FONT}, scale);
        ui::applyTheme(app.theme, scale);
    }
    ~Screen() { ImGui::DestroyContext(); }

    void frame() {
        ImGui::NewFrame();
        ui::DrawShell(app);
        ImGui::Render();
    }
    void frames(int n) {
        for (int i = 0; i < n; ++i) frame();
    }

    // A real click: move, press, release, each in its own frame, as a mouse does.
    void click(const ui::WidgetRect& r) {
        const float s = ui::uiScale();
        ImGuiIO& io = ImGui::GetIO();
        io.AddMousePosEvent((r.x + r.w / 2) * s, (r.y + r.h / 2) * s);
        frame();
        io.AddMouseButtonEvent(0, true);
        frame();
        io.AddMouseButtonEvent(0, false);
        frame();
    }
    // A left drag from one point to another, a few frames long, as a mouse does.
    void drag(ImVec2 from, ImVec2 to) {
        ImGuiIO& io = ImGui::GetIO();
        io.AddMousePosEvent(from.x, from.y);
        frame();
        io.AddMouseButtonEvent(0, true);
        frame();
        for (int step = 1; step <= 4; ++step) {
            const float t = static_cast<float>(step) / 4;
            io.AddMousePosEvent(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t);
            frame();
        }
        io.AddMouseButtonEvent(0, false);
        frame();
    }
    // Clicks the widget recorded under `label`; false when it was not drawn.
    bool clickWidget(const char* label) {
        const auto rect = ui::findWidget(label);
        if (!rect) return false;
        click(*rect);
        return true;
    }

    // The view's scrolling area (the shell's "##view" child window).
    static ImGuiWindow* viewWindow() {
        for (ImGuiWindow* w : GImGui->Windows) {
            if (w->Active && std::string(w->Name).find("##view") != std::string::npos) return w;
        }
        return nullptr;
    }
    // Turns the mouse wheel over the view's scrollbar, one notch per frame, until `done`.
    template <class Done>
    bool scrollView(float notch, Done done) {
        for (int i = 0; i < 80; ++i) {
            if (done()) return true;
            ImGuiWindow* w = viewWindow();
            if (w == nullptr) return false;
            const float s = ui::uiScale();
            ImGuiIO& io = ImGui::GetIO();
            io.AddMousePosEvent(w->Pos.x + w->Size.x - 3 * s, w->Pos.y + w->Size.y * 0.5f);
            io.AddMouseWheelEvent(0, notch);
            frame();
        }
        return done();
    }
    // Scrolls down until the widget is drawn whole inside the view.
    bool scrollTo(const char* label) {
        return scrollView(-1, [&] {
            const auto r = ui::findWidget(label);
            ImGuiWindow* w = viewWindow();
            const float s = ui::uiScale();
            return r && w && r->y * s >= w->Pos.y && (r->y + r->h) * s <= w->Pos.y + w->Size.y;
        });
    }
    void scrollToTop() {
        scrollView(+1, [] { return viewWindow() == nullptr || viewWindow()->Scroll.y <= 0; });
    }

    app::AppState& app;
    std::string warning;
};

void runToEnd(app::AppState& app) {
    for (int i = 0; i < 1000000 && app.runner.active; ++i) app::runJobs(app, std::chrono::milliseconds(50));
    REQUIRE(app.runner.active == nullptr);
    REQUIRE(app.runner.records.rbegin()->second.state == app::JobState::Done);
}

// RFM, then clustering (k chosen in a small range, so the elbow and silhouette charts show),
// run to the end as the Segments view's buttons would start them.
void runAnalyses(app::AppState& app, int kMax, int restarts) {
    REQUIRE(app::startRfm(app, store::kNoDay));
    runToEnd(app);
    app::ClusterParams params;
    params.kMin = 2;
    params.kMax = kMax;
    params.restarts = restarts;
    REQUIRE(app::startClustering(app, params));
    runToEnd(app);
    REQUIRE(app.segmentation.rfm.has_value());
    REQUIRE(app.segmentation.clusters.has_value());
    // One saved segment, so the Saved segments tab has a row to draw.
    REQUIRE(store::createSegment(app.store->db(), "Never ordered", "{\"source\":\"test\"}",
                                 app::rfmSegmentCustomers(*app.segmentation.rfm, app::kNeverOrdered)));
    app::refreshCounts(app, false);
    app.segmentation.savedStale = true;
}

// 10 demo customers and two who signed up but never ordered.
void openTen(app::AppState& app) {
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    REQUIRE(store::generateDemo(app.store->db(), store::DemoOptions{8, 5}));
    REQUIRE(
        app.store->db().exec("INSERT INTO customers (external_id, name, signup_date) VALUES"
                             " ('new-1', 'New One', '2026-10-01'), ('new-2', 'New Two', '2026-10-15')"));
    app::refreshCounts(app);
    REQUIRE(app.counts.customers == 10);
    runAnalyses(app, 4, 3);
}

// 100,000 demo customers with RFM and clustering done: made once for the whole binary.
app::AppState& bigApp() {
    static app::AppState app;
    static bool made = false;
    if (!made) {
        made = true;
        const auto began = std::chrono::steady_clock::now();
        REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
        REQUIRE(store::generateDemo(app.store->db(), store::DemoOptions{100000, 42}));
        app::refreshCounts(app);
        const auto generated = std::chrono::steady_clock::now();
        runAnalyses(app, 4, 2);
        const auto analysed = std::chrono::steady_clock::now();
        MESSAGE("100,000 customers: demo data " << std::chrono::duration<double>(generated - began).count()
                                                << " s, RFM and clustering "
                                                << std::chrono::duration<double>(analysed - generated).count() << " s");
    }
    REQUIRE(app.counts.customers == 100000);
    return app;
}

// Draws the Overview (everyone, then one segment), each Segments tab with and without a
// selection, and the chart gallery, at one size and theme.
void drawBothViews(app::AppState& app, float width, float height) {
    Screen screen(app, width, height);
    CHECK(screen.warning.empty());
    const bool data = app.counts.customers > 0;
    app.showChartGallery = false;
    app.segmentation.selection.reset();

    app.view = app::View::Overview;
    screen.frames(3);
    CHECK(app.runner.active == nullptr);  // the RFM run is there: nothing to start
    CHECK(ui::findWidget("Revenue, last 12 months").has_value() == data);
    CHECK(screen.scrollTo("Customers by RFM segment") == data);
    screen.scrollToTop();
    if (data) {
        for (const int segment : {0, static_cast<int>(analytics::RfmSegment::Lost), app::kNeverOrdered}) {
            app.overview.filter = segment;
            screen.frames(2);
        }
        CHECK(ui::findWidget("Show everyone").has_value());
        app.overview.filter.reset();
        screen.frames(1);
    }

    app.view = app::View::Segments;
    screen.frames(2);
    CHECK(ui::findWidget("RFM tab").has_value() == data);
    for (const bool selected : {false, true}) {
        CAPTURE(selected);
        if (selected && data) {
            app.segmentation.selection = app::Selection{app::clusterCustomers(*app.segmentation.clusters, 0),
                                                        "Cluster 1", "{\"source\":\"test\"}"};
            screen.frame();  // the selection bar is taller: the tabs move
        }
        if (screen.clickWidget("RFM tab")) {
            screen.frames(2);
            CHECK(screen.scrollTo("RFM grid"));
            CHECK(screen.scrollTo("RFM segment Champions"));
            screen.scrollToTop();
        }
        if (screen.clickWidget("Clusters tab")) {
            screen.frames(2);
            // An open tab is recorded as the tab, not as the last thing drawn in it.
            CHECK(ui::findWidget("Clusters tab")->h < 50);
            CHECK(ui::findWidget("RFM grid") == std::nullopt);
            CHECK(screen.scrollTo("Cluster scatter"));
            CHECK(screen.scrollTo("Dendrogram cut"));
            CHECK(screen.scrollTo("First cluster row"));
            screen.scrollToTop();
        }
        if (screen.clickWidget("Saved segments tab")) {
            screen.frames(2);
            CHECK(ui::findWidget("Cluster scatter") == std::nullopt);
            CHECK(ui::findWidget("Export").has_value());  // the saved segment's row
        }
        CHECK(ui::findWidget("Save as segment").has_value() == (selected && data));
    }
    if (data) screen.clickWidget("RFM tab");

    app.showChartGallery = true;
    screen.frames(3);
    CHECK(ui::findWidget("Close gallery").has_value());
    app.showChartGallery = false;
    app.segmentation.selection.reset();
    screen.frames(1);
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

void drawEverywhere(app::AppState& app) {
    struct Size {
        float w, h;
    };
    for (const Size size : {Size{1440, 900}, Size{800, 600}}) {
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            CAPTURE(size.w);
            CAPTURE(static_cast<int>(theme));
            app.theme = theme;
            drawBothViews(app, size.w, size.h);
        }
    }
    app.theme = app::Theme::Light;
}

// Clicks the first row of the RFM segments table and checks what was selected.
void clickChampions(app::AppState& app, float width, float height) {
    Screen screen(app, width, height);
    app.view = app::View::Segments;
    app.segmentation.selection.reset();
    screen.frames(2);
    REQUIRE(screen.clickWidget("RFM tab"));
    screen.frames(1);
    REQUIRE(screen.scrollTo("RFM segment Champions"));  // below the grid in a small window
    REQUIRE(screen.clickWidget("RFM segment Champions"));
    REQUIRE(app.segmentation.selection.has_value());
    const app::RfmRun& run = *app.segmentation.rfm;
    const std::vector<int64_t> champions =
        app::rfmSegmentCustomers(run, static_cast<int>(analytics::RfmSegment::Champions));
    CHECK(app.segmentation.selection->ids == champions);
    CHECK(app.segmentation.selection->label == "RFM: Champions");
    CHECK(app.segmentation.selection->definition.find("\"segment\":\"Champions\"") != std::string::npos);
    CHECK(static_cast<int64_t>(champions.size()) == run.segments[0].customers);
    screen.frames(1);
    CHECK(ui::findWidget("Save as segment").has_value());
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    app.segmentation.selection.reset();
}

// Draws a box on the cluster scatter (from 35% to 65% of its width and height) and checks
// that exactly the customers whose PCA points are inside the box were selected.
void checkBoxSelection(Screen& screen, app::AppState& app) {
    const auto rect = ui::findWidget("Cluster scatter");
    REQUIRE(rect.has_value());
    const float s = ui::uiScale();
    const ImVec2 from((rect->x + rect->w * 0.35f) * s, (rect->y + rect->h * 0.35f) * s);
    const ImVec2 to((rect->x + rect->w * 0.65f) * s, (rect->y + rect->h * 0.65f) * s);
    app.segmentation.selection.reset();
    // Half a second first: two presses at one spot within ImGui's double-click time are a
    // double click, which clears the chart's selection.
    screen.frames(30);
    screen.drag(from, to);
    REQUIRE(app.segmentation.selection.has_value());
    const app::Selection& sel = *app.segmentation.selection;
    CHECK(sel.label == "Box on the cluster scatter");
    // The box, in PCA units, is in the selection's definition.
    auto definition = core::parseJson(sel.definition);
    REQUIRE(definition);
    const core::JsonValue& polygon = (*definition)["polygon"];
    REQUIRE(polygon.size() >= 2);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const core::JsonValue& p : polygon.array()) {
        x0 = std::min(x0, p[0].number());
        x1 = std::max(x1, p[0].number());
        y0 = std::min(y0, p[1].number());
        y1 = std::max(y1, p[1].number());
    }
    const app::ClusterRun& run = *app.segmentation.clusters;
    std::vector<int64_t> expected;
    for (size_t i = 0; i < run.customerIds.size(); ++i) {
        const double x = run.pcaX[i], y = run.pcaY[i];
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) expected.push_back(run.customerIds[i]);
    }
    std::vector<int64_t> got = sel.ids;
    std::sort(got.begin(), got.end());
    CHECK(expected.size() > 10);  // the box is not empty, so the comparison means something
    CAPTURE(got.size());
    CAPTURE(expected.size());
    CHECK(got == expected);
}

}  // namespace

TEST_SUITE("ui") {
    TEST_CASE("the Overview and Segments views draw with no customers") {
        app::AppState app;
        REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
        drawEverywhere(app);
        CHECK(app.runner.records.empty());  // nothing to analyse
    }

    TEST_CASE("the Overview and Segments views draw with 10 customers, two of whom never ordered") {
        app::AppState app;
        openTen(app);
        CHECK(app.segmentation.rfm->neverOrdered >= 2);
        drawEverywhere(app);
        clickChampions(app, 1440, 900);
    }

    TEST_CASE("the Overview and Segments views draw with 100,000 customers") {
        app::AppState& app = bigApp();
        CHECK(app.segmentation.clusters->customerIds.size() == 100000);
        drawEverywhere(app);
    }

    TEST_CASE("clicking the RFM table's first row selects the Champions (100,000 customers, two window sizes)") {
        app::AppState& app = bigApp();
        clickChampions(app, 1440, 900);
        clickChampions(app, 800, 600);
    }

    TEST_CASE("the Clusters tab's native frame time with 100,000 customers") {
        app::AppState& app = bigApp();
        Screen screen(app, 1440, 900);
        app.view = app::View::Segments;
        screen.frames(2);
        REQUIRE(screen.clickWidget("Clusters tab"));
        screen.frames(5);
        REQUIRE(ui::findWidget("Cluster scatter").has_value());
        std::vector<double> ms;
        for (int i = 0; i < 30; ++i) {
            const auto began = std::chrono::steady_clock::now();
            screen.frame();
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
        }
        // The scatter really is drawn (on the CPU here: no GPU renderer natively), not skipped.
        const int vertices = ImGui::GetDrawData()->TotalVtxCount;
        CHECK(vertices > 20000);
        std::sort(ms.begin(), ms.end());
        const double median = (ms[14] + ms[15]) / 2;
        MESSAGE("Segments view, Clusters tab, 100,000 customers, 1440x900: median "
                << median << " ms per frame (min " << ms.front() << ", max " << ms.back() << "), " << vertices
                << " vertices");
        CHECK(median < 100);  // a frame that slow would make the view unusable
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    }

    TEST_CASE("a box on the cluster scatter selects the customers inside it, also after a new run in a read-only tab") {
        app::AppState app;
        REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
        REQUIRE(store::generateDemo(app.store->db(), store::DemoOptions{3000, 9}));
        app::refreshCounts(app);
        // Another tab saves: runs here are not saved, so they have no run id.
        app.storage = app::StorageState::ReadOnly;
        app::ClusterParams first;
        first.k = 3;
        first.restarts = 2;
        REQUIRE(app::startClustering(app, first));
        runToEnd(app);
        Screen screen(app, 1440, 900);
        app.view = app::View::Segments;
        screen.frames(2);
        REQUIRE(screen.clickWidget("Clusters tab"));
        screen.frames(2);
        checkBoxSelection(screen, app);

        // Another run on other features: the scatter must show (and select from) the new points.
        app::ClusterParams second;
        second.k = 4;
        second.restarts = 2;
        second.seed = 8;
        second.features = {"orders", "complaints", "tickets", "annual_income"};
        REQUIRE(app::startClustering(app, second));
        runToEnd(app);
        CHECK(app.segmentation.clusters->k == 4);
        screen.frames(3);
        checkBoxSelection(screen, app);
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    }

}  // TEST_SUITE
