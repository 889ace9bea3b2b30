// The UI without a browser: an ImGui context with a display size and no renderer draws
// the shell and every view. This is also where a newcomer sees how the UI is driven.
#include <doctest/doctest.h>

#include <imgui.h>

#include <chrono>
#include <string>

#include "app/app_state.hpp"
#include "app/demo_job.hpp"
#include "app/jobs.hpp"
#include "store/demo_data.hpp"
#include "ui/draw_signature.hpp"
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

// One ImGui context, fonts and theme for a window of width x height CSS pixels at a
// device pixel ratio; destroyed with the fixture.
struct Screen {
    explicit Screen(app::AppState& state, float width, float height, float scale = 1.0f) : app(state) {
        ui::setImGuiAssertHandler(countFailure);
        gFailedChecks = 0;
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(width * scale, height * scale);
        io.DeltaTime = 1.0f / 60.0f;
        warning = ui::loadFonts({RAPPORT_FONT_DIR "/Inter-Regular.otf", RAPPORT_FONT_DIR "/Inter-SemiBold.otf",
                                 RAPPORT_ICON_FONT}, scale);
        ui::applyTheme(app.theme, scale);
    }
    ~Screen() { ImGui::DestroyContext(); }

    void frame() {
        ImGui::NewFrame();
        ui::DrawShell(app);
        ImGui::Render();
    }
    void frames(int n) { for (int i = 0; i < n; ++i) frame(); }

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

    app::AppState& app;
    std::string warning;
};

}  // namespace

TEST_SUITE("ui") {

TEST_CASE("every view draws at two window sizes, both themes and two pixel ratios without a failed check") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    struct Size { float w, h, scale; };
    for (const Size size : {Size{1440, 900, 1}, Size{800, 600, 1}, Size{1280, 720, 2}, Size{360, 640, 1}}) {
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            app.theme = theme;
            Screen screen(app, size.w, size.h, size.scale);
            CHECK(screen.warning.empty());
            for (const app::ViewInfo& info : app::allViews()) {
                CAPTURE(info.label);
                CAPTURE(size.w);
                app.view = info.view;
                screen.frames(3);
                CHECK(app.view == info.view);
            }
            CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
        }
    }
}

TEST_CASE("every navigation item and button reports where it was drawn") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    Screen screen(app, 1280, 800, 2);
    screen.frames(2);
    for (const app::ViewInfo& info : app::allViews()) {
        CAPTURE(info.label);
        const auto rect = ui::findWidget(info.label);
        REQUIRE(rect.has_value());
        // CSS pixels, inside the 232 px sidebar, stacked top to bottom.
        CHECK(rect->x >= 0);
        CHECK(rect->x + rect->w <= 232);
        CHECK(rect->h == doctest::Approx(40));
    }
    CHECK(ui::findWidget("Overview")->y < ui::findWidget("Learn")->y);
    CHECK(ui::findWidget("Go to Data").has_value());
    CHECK(ui::findWidget("Dark theme").has_value());
    CHECK_FALSE(ui::findWidget("No such widget").has_value());
}

TEST_CASE("clicking a navigation item with the mouse opens its view") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    Screen screen(app, 1280, 800, 1.5f);
    screen.frames(2);
    for (const app::ViewInfo& info : app::allViews()) {
        CAPTURE(info.label);
        screen.click(*ui::findWidget(info.label));
        CHECK(app.view == info.view);
    }
    // The empty state's button leads to the Data view.
    app.view = app::View::Churn;
    screen.frames(2);
    screen.click(*ui::findWidget("Go to Data"));
    CHECK(app.view == app::View::Data);
}

TEST_CASE("Ctrl+1..8 and Alt+1..8 switch views") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    Screen screen(app, 1280, 800);
    screen.frame();
    ImGuiIO& io = ImGui::GetIO();
    for (const ImGuiKey modifier : {ImGuiMod_Ctrl, ImGuiMod_Alt}) {
        for (const app::ViewInfo& info : app::allViews()) {
            const auto key = static_cast<ImGuiKey>(ImGuiKey_1 + static_cast<int>(info.view));
            io.AddKeyEvent(modifier, true);
            io.AddKeyEvent(key, true);
            screen.frame();
            io.AddKeyEvent(key, false);
            io.AddKeyEvent(modifier, false);
            screen.frame();
            CHECK(app.view == info.view);
        }
    }
    // A digit alone is text, not a shortcut.
    app.view = app::View::Overview;
    io.AddKeyEvent(ImGuiKey_5, true);
    screen.frame();
    io.AddKeyEvent(ImGuiKey_5, false);
    screen.frame();
    CHECK(app.view == app::View::Overview);
}

TEST_CASE("the theme button switches between light and dark") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    Screen screen(app, 1280, 800);
    screen.frames(2);
    screen.click(*ui::findWidget("Dark theme"));
    CHECK(app.theme == app::Theme::Dark);
    screen.frames(1);
    screen.click(*ui::findWidget("Light theme"));
    CHECK(app.theme == app::Theme::Light);
}

}  // TEST_SUITE

TEST_SUITE("ui") {

// The browser draws a frame only when its draw data differs from what the canvas shows
// (platform/main_web.cpp). So a screen nobody touches must give the same draw data frame
// after frame, in every view; else an idle app would keep the GPU busy.
TEST_CASE("an untouched screen draws the same frame again in every view, whatever the frame-time readout says") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    REQUIRE(store::generateDemo(app.store->db(), store::DemoOptions{1500, 3}));
    app::refreshCounts(app);
    Screen screen(app, 1440, 900);
    auto signature = [](bool withReadout) {
        return ui::drawSignature(*ImGui::GetDrawData(), withReadout ? nullptr : ui::FrameReadoutDrawList());
    };
    for (const app::ViewInfo& info : app::allViews()) {
        CAPTURE(info.label);
        app.view = info.view;
        // What the view computes in the background finishes, then a few frames settle it.
        for (int i = 0; i < 2000 && (i < 3 || app.runner.active); ++i) {
            app::runJobs(app, std::chrono::milliseconds(20));
            screen.frame();
        }
        CHECK(app.runner.active == nullptr);
        screen.frames(3);
        const auto settled = signature(false), settledWhole = signature(true);
        REQUIRE(settled.has_value());
        screen.frame();
        CHECK(signature(false) == settled);
        CHECK(signature(true) == settledWhole);
        // A drawn frame changes the readout, which alone is no reason to draw.
        app.frames.add(40.0 + static_cast<double>(app.frames.totalFrames()));
        screen.frame();
        CHECK(signature(false) == settled);
        CHECK(signature(true) != settledWhole);
    }
    // What the user does shows: the pointer over a navigation item highlights it.
    app.view = app::View::Overview;
    screen.frames(3);
    const auto still = signature(false);
    const auto nps = *ui::findWidget("NPS");
    ImGui::GetIO().AddMousePosEvent((nps.x + nps.w / 2) * ui::uiScale(), (nps.y + nps.h / 2) * ui::uiScale());
    screen.frames(2);
    CHECK(signature(false) != still);
    // A draw callback (the GPU scatter plot's) may draw something new from the same data.
    ImGui::NewFrame();
    ui::DrawShell(app);
    ImGui::GetForegroundDrawList()->AddCallback([](const ImDrawList*, const ImDrawCmd*) {}, nullptr);
    ImGui::Render();
    CHECK_FALSE(signature(false).has_value());
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

TEST_CASE("Load demo data from an empty view runs as a job with progress, then every view draws with data") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    Screen screen(app, 1280, 800);
    screen.frames(2);
    screen.click(*ui::findWidget("Load demo data"));
    REQUIRE(app.runner.active != nullptr);
    CHECK(app.jobs.size() == 1);
    int slices = 0;
    while (app.runner.active && slices < 10000) {
        app::runJobs(app, std::chrono::milliseconds(2));
        screen.frame();  // the job panel draws while the job runs
        ++slices;
    }
    CHECK(slices > 1);  // it really was spread over frames
    CHECK(app.counts.customers == 5000);
    CHECK(app.counts.orders > 10000);
    CHECK(app.jobs.empty());
    CHECK(app.runner.records.rbegin()->second.state == app::JobState::Done);
    CHECK(app.runner.records.rbegin()->second.resultJson.find("\"customers\":5000") != std::string::npos);
    for (const app::ViewInfo& info : app::allViews()) {
        app.view = info.view;
        screen.frames(2);
    }
    app.view = app::View::Overview;  // with data, the empty state no longer offers demo data
    screen.frames(2);
    CHECK_FALSE(ui::findWidget("Load demo data").has_value());
    CHECK(gFailedChecks == 0);
}

TEST_CASE("Cancel stops a demo-data job and leaves the database empty") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    Screen screen(app, 1280, 800);
    store::DemoOptions options;
    options.customers = 50000;
    auto job = app::makeDemoJob(app, options);
    REQUIRE(job);
    REQUIRE(app::startJob(app, std::move(*job)));
    app::runJobs(app, std::chrono::milliseconds(5));
    screen.frames(2);
    REQUIRE(app.runner.active != nullptr);
    screen.click(*ui::findWidget("Cancel"));
    app::runJobs(app);
    CHECK(app.runner.active == nullptr);
    CHECK(app.runner.records.rbegin()->second.state == app::JobState::Cancelled);
    CHECK(app.counts.customers == 0);
    CHECK(app.store->db().queryInt("SELECT count(*) FROM orders").value() == 0);
}

TEST_CASE("a second job waits: starting one while another runs is refused with a reason") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    auto first = app::makeDemoJob(app, store::DemoOptions{});
    REQUIRE(first);
    REQUIRE(app::startJob(app, std::move(*first)));
    auto second = app::makeDemoJob(app, store::DemoOptions{});
    // The database is not empty of the first job's customers yet, or the runner is busy.
    if (second) {
        auto id = app::startJob(app, std::move(*second));
        CHECK_FALSE(id);
        if (!id) CHECK(id.error().message.find("Another task is running") != std::string::npos);
    }
    app::requestCancel(app);
    app::runJobs(app);
}

}  // TEST_SUITE

TEST_SUITE("ui") {

TEST_CASE("the Customers view: open a customer with the mouse, edit, save, and draw with 20,000 customers") {
    app::AppState app;
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    REQUIRE(store::generateDemo(app.store->db(), store::DemoOptions{20000, 3}));
    app::refreshCounts(app);
    app.view = app::View::Customers;
    Screen screen(app, 1440, 900);
    screen.frames(3);
    CHECK(app.customers.ids.size() == 20000);
    CHECK(app.customers.totals.count == 20000);
    CHECK(app.customers.cache.size() <= 200);  // only rows near the view were fetched
    screen.click(*ui::findWidget("First customer row"));
    REQUIRE(app.customers.detail.has_value());
    const int64_t id = app.customers.detail->row.id;
    CHECK(app.customers.detail->orders >= 0);
    screen.frames(2);

    // Type into the name field as a user would, then save.
    screen.click(*ui::findWidget("Customer name field"));
    ImGuiIO& io = ImGui::GetIO();
    io.AddKeyEvent(ImGuiMod_Ctrl, true);
    io.AddKeyEvent(ImGuiKey_A, true);
    screen.frame();
    io.AddKeyEvent(ImGuiKey_A, false);
    io.AddKeyEvent(ImGuiMod_Ctrl, false);
    io.AddInputCharactersUTF8("Renamed Customer");
    screen.frames(2);
    CHECK(app.customers.edit->values[1] == "Renamed Customer");
    screen.click(*ui::findWidget("Save changes"));
    CHECK(app.customers.edit->saveError.empty());
    CHECK(app.store->db().queryInt("SELECT count(*) FROM customers WHERE name = 'Renamed Customer' AND id = " + std::to_string(id)).value() == 1);

    // A bad email is refused with a reason, and nothing is saved.
    app.customers.edit->values[2] = "not-an-email";
    screen.click(*ui::findWidget("Save changes"));
    CHECK_FALSE(app.customers.edit->errors[2].empty());
    CHECK(app.store->db().queryInt("SELECT count(*) FROM customers WHERE email = 'not-an-email'").value() == 0);

    // Search narrows the list after a short pause.
    app::typeCustomerSearch(app, "Renamed Customer");
    app.customers.searchTypedAt -= std::chrono::seconds(1);
    screen.frames(2);
    CHECK(app.customers.ids.size() == 1);

    // Delete with the button, undo from the toolbar.
    screen.click(*ui::findWidget("Delete customer"));
    CHECK(app.counts.customers == 19999);
    screen.frames(2);
    screen.click(*ui::findWidget("Undo delete"));
    CHECK(app.counts.customers == 20000);
    CHECK(gFailedChecks == 0);
}

}  // TEST_SUITE
