// The Overview, Segments, NPS and Churn views without a browser, as shell_test.cpp drives the shell:
// drawn with no customers, with 10 and with 100,000 (RFM and clustering run to the end
// first), in all three Segments tabs, with a selection, and with the chart gallery on, at
// two window sizes in both themes, with no failed ImGui check. Also: a click on the RFM
// table selects the Champions, a box on the cluster scatter selects the customers inside
// it, and the Clusters tab's native frame time at 100,000. The NPS view: with no survey
// answers, with 5 (every figure too few) and with 1,000,000 (written with SQL, built once),
// with every setting; clicks on the distribution, trend and breakdown list the comments
// behind them, typing searches, Fit drivers and Count topics; its frame time and
// computeNps's at a million answers. The Churn view (issue 6): every tab (opened through
// app.churn.tab and by a click) at two sizes in both themes, with no customers (the empty
// state), with 3,000 demo customers before any training (every label rule, model and
// validation of the set-up, the features popup), trained from its Train button with each
// model (the Results tab opens; the data notes and coefficients open; thresholds and costs;
// the suggested threshold; more of the at-risk list; the list saved as a segment), three runs
// side by side and the oldest shown again; and with 1,000,000 customers (a churned flag and a
// profile written with SQL, a logistic model on a test set), with the Risk and Results tabs'
// native frame time.
//   Screen (the ImGui context, clicks, drags, scrolling the view or a child of it, the text
//   of a frame), the fixtures (10 and 100,000 customers), the drawing and clicking helpers,
//   the NPS view's fixtures and helpers, the Churn view's helpers and its 1,000,000
//   customers, then the test cases.
#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/evaluation.hpp"
#include "app/app_state.hpp"
#include "app/churn.hpp"
#include "app/facts.hpp"
#include "app/jobs.hpp"
#include "app/nps.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
#include "core/json_reader.hpp"
#include "core/text_format.hpp"
#include "store/comments.hpp"
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

    // A frame whose text (what ImGui's log captures: every label, text and button of the shell's
    // window, drawn or scrolled out of sight; not chart annotations) is returned, for checks on
    // what a reader sees. ImGui ends a log with the window it began in, which clears its memory
    // buffer, so the log goes to a file.
    std::string frameText() {
        const std::string path =
            (std::filesystem::temp_directory_path() / ("rapport-views-test-" + std::to_string(::getpid()) + ".txt"))
                .string();
        std::remove(path.c_str());
        ImGui::NewFrame();
        ImGui::LogToFile(-1, path.c_str());
        ui::DrawShell(app);
        ImGui::LogFinish();  // already done by the end of the shell's window
        ImGui::Render();
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        in.close();
        std::remove(path.c_str());
        return text;
    }

    // A real click: move, press, release, each in its own frame, as a mouse does.
    void click(const ui::WidgetRect& r) {
        const float s = ui::uiScale();
        clickAt(ImVec2((r.x + r.w / 2) * s, (r.y + r.h / 2) * s));
    }
    // The same at a point in framebuffer pixels.
    void clickAt(ImVec2 at) {
        ImGuiIO& io = ImGui::GetIO();
        io.AddMousePosEvent(at.x, at.y);
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

    // The view's scrolling area (the shell's "##view" child window), or another child window
    // drawn in the last frame and named `area` (ImGui names a child "<parent>/<name>_<id>").
    static ImGuiWindow* viewWindow(const char* area = "##view") {
        for (ImGuiWindow* w : GImGui->Windows) {
            const std::string_view name(w->Name);
            const size_t slash = name.rfind('/');
            if (w->Active && name.substr(slash == std::string_view::npos ? 0 : slash + 1).starts_with(area)) return w;
        }
        return nullptr;
    }
    // Turns the mouse wheel over the area's scrollbar, one notch per frame, until `done`.
    template <class Done>
    bool scrollView(float notch, Done done, const char* area = "##view") {
        // ImGui sends the wheel to the window it last scrolled until the mouse moves away.
        if (GImGui->WheelingWindow != nullptr && GImGui->WheelingWindow != viewWindow(area)) {
            ImGui::GetIO().AddMousePosEvent(0, 0);
            frame();
        }
        for (int i = 0; i < 80; ++i) {
            if (done()) return true;
            ImGuiWindow* w = viewWindow(area);
            if (w == nullptr) return false;
            const float s = ui::uiScale();
            ImGuiIO& io = ImGui::GetIO();
            io.AddMousePosEvent(w->Pos.x + w->Size.x - 3 * s, w->Pos.y + w->Size.y * 0.5f);
            io.AddMouseWheelEvent(0, notch);
            frame();
        }
        return done();
    }
    // Scrolls down until the widget is drawn whole inside the view (or the area).
    bool scrollTo(const char* label, const char* area = "##view") {
        return scrollView(
            -1,
            [&] {
                const auto r = ui::findWidget(label);
                ImGuiWindow* w = viewWindow(area);
                const float s = ui::uiScale();
                return r && w && r->y * s >= w->Pos.y && (r->y + r->h) * s <= w->Pos.y + w->Size.y;
            },
            area);
    }
    void scrollToTop(const char* area = "##view") {
        scrollView(
            +1, [&] { return viewWindow(area) == nullptr || viewWindow(area)->Scroll.y <= 0; }, area);
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

// ---- The NPS view ------------------------------------------------------------------------------

ImRect pixels(const ui::WidgetRect& r) {
    const float s = ui::uiScale();
    return ImRect(r.x * s, r.y * s, (r.x + r.w) * s, (r.y + r.h) * s);
}

// The plot rectangle (framebuffer pixels) of the chart drawn inside `area` in the last frame:
// the chart layer clips its series to the plot, so it is the largest clip rectangle of a draw
// command that lies inside the area.
std::optional<ImRect> plotRectIn(const ImRect& area) {
    const ImDrawData* data = ImGui::GetDrawData();
    std::optional<ImRect> best;
    for (int l = 0; data != nullptr && l < data->CmdListsCount; ++l) {
        for (const ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) {
            const ImRect clip(cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w);
            if (cmd.ElemCount == 0 || !area.Contains(clip) || clip.GetArea() <= 0) continue;
            if (!best || clip.GetArea() > best->GetArea()) best = clip;
        }
    }
    return best;
}

// Comments counted straight from the table, for checks of what a click lists.
int64_t countNpsComments(app::AppState& app, const std::string& where) {
    auto n = app.store->db().queryInt(
        "SELECT count(*) FROM survey_responses WHERE kind = 'nps' AND comment IS NOT NULL AND comment <> '' AND " +
        where);
    REQUIRE(n);
    return *n;
}

std::string isoDay(int32_t day) { return core::formatIsoDate(core::civilFromDays(day)); }

std::string windowSql(const app::NpsFilter& f) {
    std::string sql = "1";
    if (f.fromDay != store::kNoDay) sql += " AND substr(answered_at, 1, 10) >= '" + isoDay(f.fromDay) + "'";
    if (f.toDay != store::kNoDay) sql += " AND substr(answered_at, 1, 10) <= '" + isoDay(f.toDay) + "'";
    return sql;
}

// Six customers, five NPS answers (two months), two CSAT and two CES answers, comments on
// some; RFM run and one saved segment. Every figure is "too few".
void openFive(app::AppState& app) {
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    REQUIRE(app.store->db().exec(
        "INSERT INTO customers (id, external_id, name, region, plan, channel, signup_date, age) VALUES"
        " (1, 'C1', 'Ann', 'North', 'Basic', 'Web', '2025-01-01', 30), (2, 'C2', 'Bob', 'North', 'Pro', 'Web', "
        "'2025-02-01', 40),"
        " (3, 'C3', 'Cem', 'South', 'Pro', 'Store', '2025-03-01', NULL), (4, 'C4', 'Dee', 'South', 'Basic', 'Store', "
        "'2025-04-01', 50),"
        " (5, 'C5', 'Eve', 'East', 'Basic', 'Web', '2025-05-01', 60), (6, 'C6', 'Fay', NULL, NULL, NULL, '2026-09-01', "
        "NULL);"
        "INSERT INTO customer_attributes (customer_id, name, value) VALUES (1, 'Tier', 'Gold'), (2, 'Tier', 'Silver'),"
        " (3, 'Tier', 'Gold');"
        "INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o1', 1, '2026-10-01', 100),"
        " ('o2', 1, '2026-06-01', 50), ('o3', 2, '2026-03-01', 30), ('o4', 3, '2025-11-01', 20), ('o5', 4, "
        "'2026-10-20', 80),"
        " ('o6', 5, '2025-06-01', 10);"
        "INSERT INTO interactions (external_id, customer_id, occurred_at, channel, complaint) VALUES"
        " ('i1', 3, '2026-08-01', 'ticket', 1), ('i2', 4, '2026-09-01', 'email', 0);"
        "INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score, comment, expected) VALUES"
        " ('r1', 1, '2026-09-05', 'nps', 10, 'Fast delivery, friendly staff', '8'),"
        " ('r2', 2, '2026-09-20', 'nps', 7, 'Fine, delivery could be faster', NULL),"
        " ('r3', 3, '2026-10-02', 'nps', 2, 'Late delivery and rude support', NULL),"
        " ('r4', 4, '2026-10-15', 'nps', 9, NULL, NULL),"
        " ('r5', 5, '2026-10-30', 'nps', 5, 'Too expensive', '7'),"
        " ('r6', 1, '2026-09-06', 'csat', 5, NULL, NULL), ('r7', 3, '2026-10-03', 'csat', 2, NULL, NULL),"
        " ('r8', 2, '2026-09-21', 'ces', 3, NULL, NULL), ('r9', 4, '2026-10-16', 'ces', 5, NULL, NULL)"));
    app::refreshCounts(app);
    REQUIRE(app.counts.surveyResponses == 9);
    REQUIRE(app::startRfm(app, store::kNoDay));
    runToEnd(app);
    REQUIRE(
        store::createSegment(app.store->db(), "First three", "{\"source\":\"test\"}", std::vector<int64_t>{1, 2, 3}));
    app.segmentation.savedStale = true;
}

constexpr int64_t kBigCustomers = 200000;
constexpr int64_t kBigAnswers = 1000000;

// 200,000 customers (four regions, three plans, five channels), 300,000 orders, 80,000
// interactions, and 1,000,000 NPS answers over two years (five per customer on average;
// three in five with a short comment) plus 50,000 CSAT and 50,000 CES answers, written with
// SQL in one transaction; the comment index is built once at the end, as bulk writers do.
// Then the facts are read and RFM is run, as the view's first frames would; one saved
// segment. Made once for the whole binary.
app::AppState& millionApp() {
    static app::AppState app;
    static bool made = false;
    if (made) {
        REQUIRE(app.counts.surveyResponses == kBigAnswers + 100000);
        return app;
    }
    made = true;
    const auto began = std::chrono::steady_clock::now();
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    store::Db& db = app.store->db();
    {
        auto txn = store::Txn::begin(db);
        REQUIRE(txn);
        auto paused = store::pauseCommentIndex(db);
        REQUIRE(paused);
        // The secondary indexes are built once at the end, as bulk writers do.
        std::vector<std::string> indexes;
        {
            auto list =
                store::Stmt::prepare(db,
                                     "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                     " AND tbl_name IN ('customers', 'orders', 'interactions', 'survey_responses')");
            REQUIRE(list);
            std::vector<std::string> names;
            while (list->step()) {
                names.push_back(list->columnText(0));
                indexes.push_back(list->columnText(1));
            }
            REQUIRE(list->status());
            for (const std::string& name : names) REQUIRE(db.exec("DROP INDEX \"" + name + "\""));
        }
        REQUIRE(
            db.exec("CREATE TEMP TABLE days (n INTEGER PRIMARY KEY, d TEXT);"
                    "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 1095)"
                    " INSERT INTO days SELECT n, date('2023-11-01', '+' || n || ' days') FROM k;"
                    "CREATE TEMP TABLE phrases (g INTEGER, n INTEGER, text TEXT, PRIMARY KEY (g, n));"
                    "INSERT INTO phrases VALUES (0, 0, 'Fast delivery and friendly staff'), (0, 1, 'Great value for "
                    "the price'),"
                    " (0, 2, 'Support solved my problem'), (0, 3, 'Love the product range'),"
                    " (1, 0, 'Fine, but delivery could be faster'), (1, 1, 'Prices are a bit high'),"
                    " (1, 2, 'Decent service'), (1, 3, 'The app could be easier'),"
                    " (2, 0, 'Late delivery and a damaged item'), (2, 1, 'Too expensive, thinking of switching'),"
                    " (2, 2, 'Support never answered my ticket'), (2, 3, 'Billing errors again');"));
        REQUIRE(db.exec(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 200000)"
            " INSERT INTO customers (id, external_id, name, region, plan, channel, signup_date, age)"
            " SELECT i, printf('C%07d', i), 'Customer ' || i, CASE i % 4 WHEN 0 THEN 'North' WHEN 1 THEN 'South' WHEN 2"
            " THEN 'East' ELSE 'West' END, CASE i % 3 WHEN 0 THEN 'Basic' WHEN 1 THEN 'Pro' ELSE 'Enterprise' END,"
            " CASE i % 5 WHEN 0 THEN 'Web' WHEN 1 THEN 'Store' WHEN 2 THEN 'Phone' WHEN 3 THEN 'Partner' ELSE 'App' "
            "END,"
            " (SELECT d FROM days WHERE n = i % 365), 18 + i % 60 FROM k;"
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 300000)"
            " INSERT INTO orders (id, external_id, customer_id, ordered_at, amount)"
            " SELECT i, printf('O%07d', i), 1 + (i * 7) % 200000, (SELECT d FROM days WHERE n = 365 + (i * 104729) % "
            "730),"
            " 10 + (i * 37) % 200 FROM k;"
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 80000)"
            " INSERT INTO interactions (id, external_id, customer_id, occurred_at, channel, complaint)"
            " SELECT i, printf('I%07d', i), 1 + (i * 13) % 200000, (SELECT d FROM days WHERE n = 365 + (i * 7919) % "
            "730),"
            " CASE WHEN i % 3 = 0 THEN 'ticket' ELSE 'email' END, CASE WHEN i % 4 = 0 THEN 1 ELSE 0 END FROM k;"));
        // Scores 0-10, skewed towards 10 (h % 13, capped), two points lower in the South.
        REQUIRE(db.exec(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1100000),"
            " a AS (SELECT i, 1 + (i * 7) % 200000 AS c, ((i * 2654435761) % 4294967296) / 65536 AS h FROM k),"
            " b AS (SELECT i, c, h, CASE WHEN i > 1000000 THEN (CASE WHEN i % 2 = 0 THEN 'csat' ELSE 'ces' END) ELSE "
            "'nps'"
            " END AS kind, max(0, min(10, h % 13) - CASE WHEN c % 4 = 1 THEN 2 ELSE 0 END) AS s FROM a)"
            " INSERT INTO survey_responses (id, external_id, customer_id, answered_at, kind, score, comment)"
            " SELECT i, printf('R%07d', i), c, (SELECT d FROM days WHERE n = 365 + (i * 7919) % 730), kind,"
            " CASE kind WHEN 'nps' THEN s ELSE 1 + s % 5 END,"
            " CASE WHEN kind = 'nps' AND i % 5 < 3 THEN (SELECT text FROM phrases WHERE g = CASE WHEN s >= 9 THEN 0"
            " WHEN s >= 7 THEN 1 ELSE 2 END AND n = (i / 5) % 4) END FROM b;"
            "DROP TABLE temp.days; DROP TABLE temp.phrases;"));
        for (const std::string& sql : indexes) REQUIRE(db.exec(sql));
        REQUIRE(store::resumeCommentIndex(db, *paused));
        REQUIRE(txn->commit());
    }
    app::refreshCounts(app);
    REQUIRE(app.counts.surveyResponses == kBigAnswers + 100000);
    const auto written = std::chrono::steady_clock::now();
    REQUIRE(app::startReadingFacts(app));
    runToEnd(app);
    const auto read = std::chrono::steady_clock::now();
    REQUIRE(app::startRfm(app, store::kNoDay));
    runToEnd(app);
    std::vector<int64_t> tenth;
    for (int64_t id = 10; id <= kBigCustomers; id += 10) tenth.push_back(id);
    REQUIRE(store::createSegment(db, "Every tenth", "{\"source\":\"test\"}", tenth));
    app.segmentation.savedStale = true;
    const auto done = std::chrono::steady_clock::now();
    auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    MESSAGE("1,000,000 NPS answers: written with their comment index in "
            << seconds(began, written) << " s, facts read in " << seconds(written, read) << " s, RFM and a segment in "
            << seconds(read, done) << " s");
    return app;
}

// Draws the NPS view and scrolls through it (so every section is drawn unclipped), then
// again with the other settings: trend by week and quarter, distribution by group, every
// breakdown, the compare of two groups, and a window without answers.
void drawNps(app::AppState& app, float width, float height, bool everySetting) {
    Screen screen(app, width, height);
    CHECK(screen.warning.empty());
    app.view = app::View::Nps;
    app.nps.commentsLabel.clear();
    screen.frames(2);
    if (app.runner.active) runToEnd(app);  // the facts, read on the first visit
    screen.frames(2);
    auto through = [&] {
        screen.scrollToTop();
        screen.scrollView(-1, [] {
            ImGuiWindow* w = Screen::viewWindow();
            return w == nullptr || w->Scroll.y >= w->ScrollMax.y;
        });
        screen.scrollToTop();
    };
    through();
    if (app.counts.surveyResponses > 0) {
        CHECK(ui::findWidget("NPS gauge").has_value());
        CHECK(ui::findWidget("NPS trend").has_value());
        CHECK(ui::findWidget("Search comments").has_value());
    }
    if (everySetting && app.counts.surveyResponses > 0) {
        const app::NpsState saved = app.nps;
        app.nps.distributionByGroup = true;
        app.nps.compareMode = app::NpsCompareMode::Groups;
        for (const app::NpsGroupBy trend : {app::NpsGroupBy::Week, app::NpsGroupBy::Quarter}) {
            app.nps.trendBy = trend;
            screen.frames(2);
        }
        for (const app::NpsGroupBy by : {app::NpsGroupBy::Plan, app::NpsGroupBy::Channel, app::NpsGroupBy::RfmSegment,
                                         app::NpsGroupBy::SavedSegment, app::NpsGroupBy::Attribute}) {
            app.nps.breakdownBy = by;
            app.nps.breakdownAttribute = "Tier";
            screen.frames(1);
            through();
        }
        app.nps.filter.fromDay = app.nps.filter.toDay = 0;  // 1970-01-01: no answers
        screen.frames(2);
        through();
        app.nps.filter = saved.filter;
        app.nps.distributionByGroup = saved.distributionByGroup;
        app.nps.compareMode = saved.compareMode;
        app.nps.trendBy = saved.trendBy;
        app.nps.breakdownBy = saved.breakdownBy;
        screen.frames(2);
    }
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

void drawNpsEverywhere(app::AppState& app, bool everySetting) {
    struct Size {
        float w, h;
    };
    for (const Size size : {Size{1440, 900}, Size{800, 600}}) {
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            CAPTURE(size.w);
            CAPTURE(static_cast<int>(theme));
            app.theme = theme;
            drawNps(app, size.w, size.h, everySetting);
        }
    }
    app.theme = app::Theme::Light;
}

// Clicks on the charts of the NPS view (1440x900, where the distribution and the trend sit
// side by side) and checks the comments they list.
void clickNpsCharts(app::AppState& app) {
    Screen screen(app, 1440, 900);
    app.view = app::View::Nps;
    screen.frames(3);
    REQUIRE(app.runner.active == nullptr);
    REQUIRE(app.nps.overall.has_value());
    REQUIRE(app.nps.commentPage.has_value());
    app::NpsState& s = app.nps;
    const int64_t everything = s.commentPage->total;
    CHECK(everything == countNpsComments(app, windowSql(s.filter)));

    // A bar of the distribution: the score given most.
    {
        screen.scrollToTop();
        screen.frames(1);
        const auto trend = ui::findWidget("NPS trend");
        REQUIRE(trend.has_value());
        const ImRect t = pixels(*trend);
        const auto plot = plotRectIn(ImRect(0, t.Min.y, t.Min.x, t.Max.y));
        REQUIRE(plot.has_value());
        const auto& d = s.overall->distribution;
        const size_t k = static_cast<size_t>(std::max_element(d.begin(), d.end()) - d.begin());
        const float x = plot->Min.x + (static_cast<float>(k) + 0.5f) / 11 * plot->GetWidth();
        // The y axis runs from 0 to 1.05 x the tallest bar: halfway up that bar.
        const float y = plot->Max.y - 0.5f * plot->GetHeight() / 1.05f;
        screen.clickAt(ImVec2(x, y));
        CHECK(s.commentsLabel == "Answers of " + std::to_string(k));
        CHECK(s.comments.minScore == static_cast<double>(k));
        CHECK(s.comments.maxScore == static_cast<double>(k));
        REQUIRE(s.commentPage.has_value());
        const std::string where = windowSql(s.filter) + " AND score = " + std::to_string(k);
        CHECK(s.commentPage->total == countNpsComments(app, where));
        CHECK(s.commentPage->total < everything);
        CHECK(s.commentPage->total > 0);
        for (const store::CommentHit& hit : s.commentPage->hits) CHECK(hit.score == static_cast<double>(k));
    }
    // A point of the trend: the period in the middle.
    {
        screen.frames(2);  // a click on a chart scrolls to the comments in the next frame
        screen.scrollToTop();
        screen.frames(1);
        const ImRect t = pixels(*ui::findWidget("NPS trend"));
        const auto plot = plotRectIn(t);
        REQUIRE(plot.has_value());
        const app::NpsReport& trend = *s.trend;
        REQUIRE(trend.groups.size() >= 3);
        const size_t i = trend.groups.size() / 2;
        const app::NpsGroupRow& g = trend.groups[i];
        const float n = static_cast<float>(trend.groups.size());
        const float x = plot->Min.x + (static_cast<float>(i) + 0.5f) / n * plot->GetWidth();
        const float y = plot->Max.y - static_cast<float>((g.result.nps + 100) / 200) * plot->GetHeight();
        screen.clickAt(ImVec2(x, y));
        CHECK(s.commentsLabel == g.label);
        const int32_t from = s.filter.fromDay == store::kNoDay ? g.fromDay : std::max(g.fromDay, s.filter.fromDay);
        const int32_t to = s.filter.toDay == store::kNoDay ? g.toDay : std::min(g.toDay, s.filter.toDay);
        CHECK(s.comments.from == isoDay(from));
        CHECK(s.comments.to == isoDay(to));
        REQUIRE(s.commentPage.has_value());
        app::NpsFilter period = s.filter;
        period.fromDay = from;
        period.toDay = to;
        CHECK(s.commentPage->total == countNpsComments(app, windowSql(period)));
        CHECK(s.commentPage->total < everything);
        for (const store::CommentHit& hit : s.commentPage->hits) {
            CHECK(hit.answeredAt.substr(0, 10) >= isoDay(from));
            CHECK(hit.answeredAt.substr(0, 10) <= isoDay(to));
        }
    }
    // A bar of the breakdown (by region): the group furthest from 0.
    {
        screen.frames(2);
        screen.scrollToTop();
        REQUIRE(screen.scrollTo("NPS compare"));  // the chart is between the grouping and Compare
        const ImRect combo = pixels(*ui::findWidget("NPS breakdown"));
        const ImRect compare = pixels(*ui::findWidget("NPS compare"));
        const auto plot = plotRectIn(ImRect(0, combo.Max.y, 100000, compare.Min.y));
        REQUIRE(plot.has_value());
        const app::NpsReport& r = *s.breakdown;
        const size_t n = r.groups.size();
        REQUIRE(n >= 2);
        size_t g = 0;
        for (size_t k = 0; k < n; ++k) {
            if (std::fabs(r.groups[k].result.nps) > std::fabs(r.groups[g].result.nps)) g = k;
        }
        const app::NpsGroupRow& row = r.groups[g];
        const float slot = static_cast<float>(n - 1 - g);  // best at the top: the first row is the last category
        const float y = plot->Max.y - (slot + 0.5f) / static_cast<float>(n) * plot->GetHeight();
        const float x = plot->Min.x + static_cast<float>((row.result.nps / 2 + 100) / 200) * plot->GetWidth();
        screen.clickAt(ImVec2(x, y));
        CHECK(s.commentsLabel == "Group: " + row.label);
        const std::vector<int64_t> customers = app::npsGroupCustomers(app::npsContext(app), s.breakdownBy, row.key);
        CHECK(s.comments.customerIds == customers);
        REQUIRE(s.commentPage.has_value());
        CHECK(s.commentPage->total ==
              countNpsComments(app, windowSql(s.filter) +
                                        " AND customer_id IN (SELECT id FROM customers WHERE region = '" + row.label +
                                        "')"));
        for (const store::CommentHit& hit : s.commentPage->hits) {
            CHECK(std::binary_search(customers.begin(), customers.end(), hit.customerId));
        }
    }
    // "Show all comments" takes the click's filter away again.
    screen.frames(2);
    REQUIRE(screen.scrollTo("Show all comments"));
    REQUIRE(screen.clickWidget("Show all comments"));
    CHECK(s.commentsLabel.empty());
    CHECK(s.comments.customerIds.empty());
    screen.frames(1);
    CHECK(s.commentPage->total == everything);

    // Typing in the search box narrows the comments to those with the word.
    REQUIRE(screen.scrollTo("Search comments"));
    REQUIRE(screen.clickWidget("Search comments"));
    ImGui::GetIO().AddInputCharactersUTF8("delivery");
    screen.frames(2);
    CHECK(s.commentsInput == "delivery");
    CHECK(s.comments.text == "delivery");
    REQUIRE(s.commentPage.has_value());
    CHECK(s.commentPage->total == countNpsComments(app, windowSql(s.filter) + " AND comment LIKE '%delivery%'"));
    CHECK(s.commentPage->total > 0);
    CHECK(s.commentPage->total < everything);
    for (const store::CommentHit& hit : s.commentPage->hits) CHECK_FALSE(hit.highlights.empty());
    ImGui::GetIO().AddKeyEvent(ImGuiKey_Escape, true);
    screen.frame();
    ImGui::GetIO().AddKeyEvent(ImGuiKey_Escape, false);
    screen.frame();

    // "Fit drivers": drivers, or a reason.
    screen.scrollToTop();
    REQUIRE(screen.scrollTo("Fit drivers"));
    REQUIRE(screen.clickWidget("Fit drivers"));
    CHECK((s.drivers.has_value() || !s.driversError.empty()));
    screen.frames(2);
    if (s.drivers) {
        CHECK(s.drivers->n > 1000);
        CHECK_FALSE(s.driversReading.empty());
        CHECK(ui::findWidget("Fitted").has_value());
    }

    // "Count topics": a job, run to its end; then the terms are there.
    REQUIRE(screen.scrollTo("Count topics"));
    REQUIRE(screen.clickWidget("Count topics"));
    REQUIRE(app.runner.active != nullptr);
    runToEnd(app);
    screen.frames(2);
    CHECK_FALSE(s.terms.empty());
    CHECK(s.impacts.size() == s.userTopics.size());
    CHECK(ui::findWidget("Counted").has_value());
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

// ---- The Churn view ----------------------------------------------------------------------------

// Each tab of the Churn view draws into its own scrolling child window of this name.
constexpr const char* kChurnTab = "##churn-tab-content";
const char* const kChurnTabs[] = {"Churn set-up tab", "Churn results tab", "Churn risk tab", "Churn runs tab"};
const char* const kChurnTabNames[] = {"Set-up", "Results", "Risk", "Runs"};

// The Churn view's open tab as ImGui's tab bar has it ("Set-up", "Results", "Risk", "Runs"),
// or "" when the view drew no tabs.
std::string churnOpenTab() {
    ImGuiContext& g = *GImGui;
    for (int i = 0; i < g.TabBars.GetMapSize(); ++i) {
        ImGuiTabBar* bar = g.TabBars.TryGetMapData(i);
        if (bar == nullptr) continue;
        ImGuiTabItem* tab = ImGui::TabBarFindTabByID(bar, bar->VisibleTabId);
        if (tab == nullptr) continue;
        const std::string name = ImGui::TabBarGetTabName(bar, tab);  // "Runs (3)###runs"
        const std::string shown = name.substr(0, name.find_first_of(" #"));
        if (std::find(std::begin(kChurnTabNames), std::end(kChurnTabNames), shown) != std::end(kChurnTabNames))
            return shown;
    }
    return {};
}

// Scrolls the open tab to its end and back to the top, so every part is drawn once (the view
// skips a chart or card out of sight), and returns which of `labels` were registered on the way.
std::vector<std::string> scrollChurnTab(Screen& screen, const std::vector<const char*>& labels = {}) {
    std::vector<std::string> seen;
    auto note = [&] {
        for (const char* label : labels) {
            if (ui::findWidget(label) && std::find(seen.begin(), seen.end(), label) == seen.end())
                seen.push_back(label);
        }
    };
    note();
    screen.scrollView(
        -1,
        [&] {
            note();
            ImGuiWindow* w = Screen::viewWindow(kChurnTab);
            return w == nullptr || w->Scroll.y >= w->ScrollMax.y;
        },
        kChurnTab);
    note();
    screen.scrollToTop(kChurnTab);
    return seen;
}

// Opens a tab the way the view's own links do (app.churn.tab, read on the next frame),
// checks that it is the one shown, and scrolls through it (see scrollChurnTab).
std::vector<std::string> showChurnTab(Screen& screen, app::AppState& app, int tab,
                                      const std::vector<const char*>& labels = {}) {
    app.churn.tab = tab;
    screen.frames(3);            // the tab bar selects it in the next frame; the registry remembers one frame more
    CHECK(app.churn.tab == -1);  // taken
    CHECK(churnOpenTab() == kChurnTabNames[tab]);
    return scrollChurnTab(screen, labels);
}

// A frame's text with the mouse away from everything: a tooltip is a window of its own,
// and ImGui ends a log at the end of the first such window.
std::string churnFrameText(Screen& screen) {
    ImGui::GetIO().AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    screen.frame();
    return screen.frameText();
}

// Opens a tree node of the open tab as a click on it would: its open state is kept in the
// tab's window storage under the node's id (a label's "###" part, when it has one).
void openChurnNode(const char* label) {
    ImGuiWindow* w = Screen::viewWindow(kChurnTab);
    REQUIRE(w != nullptr);
    w->StateStorage.SetInt(w->GetID(label), 1);
}

// 3,000 demo customers (retail: orders, and churn dates for those who left), so the
// view's defaults are the churned field with a time split and cross-validation intervals.
void openChurnDemo(app::AppState& app) {
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    REQUIRE(store::generateDemo(app.store->db(), store::DemoOptions{3000, 7}));
    app::refreshCounts(app);
    REQUIRE(app.counts.customers == 3000);
}

// Draws the Churn view: with no customers its empty state; else each tab (opened through
// app.churn.tab, then by a click on it), scrolled through, with what each shows before and
// after a model is trained.
void drawChurn(app::AppState& app, float width, float height) {
    Screen screen(app, width, height);
    CHECK(screen.warning.empty());
    app.view = app::View::Churn;
    screen.frames(2);
    if (app.runner.active) runToEnd(app);  // the facts, read on the first visit
    screen.frames(2);
    if (app.counts.customers == 0) {
        CHECK(ui::findWidget("Load demo data").has_value());
        CHECK(ui::findWidget("Churn set-up tab") == std::nullopt);
        CHECK(churnOpenTab().empty());
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
        return;
    }
    const bool trained = app.churn.run.has_value();
    const bool runs = !app.churn.runs.empty();
    const bool compared = app.churn.compareIds.size() >= 2;
    struct Part {
        int tab;
        const char* label;
        bool shown;
    };
    const Part parts[] = {
        {0, "Churn label", true},
        {0, "Churn model", true},
        {0, "Churn validation", true},
        {0, "Churn features", true},
        {0, "Train model", true},
        {1, "Churn ROC", trained},
        {1, "Churn PR", trained},
        {1, "Churn calibration", trained},
        {1, "Churn threshold", trained},
        {1, "Churn confusion matrix", trained},
        {1, "Churn gains", trained},
        {1, "Churn lift", trained},
        {1, "Churn importance", trained},
        {2, "Churn high risk", trained},
        {2, "Churn score distribution", trained},
        {2, "At-risk list", trained},
        {2, "At-risk first customer", trained},
        {3, "Compare run 1", runs},
        {3, "Churn compare ROC", compared},
        {3, "Churn compare table", compared},
    };
    std::vector<const char*> labels;
    for (const Part& part : parts) labels.push_back(part.label);
    for (int tab = 0; tab < 4; ++tab) {
        CAPTURE(tab);
        // Each part is drawn in its own tab only (those of other tabs are noted too).
        const std::vector<std::string> drawn = showChurnTab(screen, app, tab, labels);
        for (const Part& part : parts) {
            const std::string label = part.label;
            CAPTURE(label);
            const bool found = std::find(drawn.begin(), drawn.end(), label) != drawn.end();
            CHECK(found == (part.tab == tab && part.shown));
        }
    }
    // And by a click on each tab, as a reader opens them.
    for (int tab = 3; tab >= 0; --tab) {
        CAPTURE(tab);
        REQUIRE(screen.clickWidget(kChurnTabs[tab]));
        screen.frames(1);
        CHECK(churnOpenTab() == kChurnTabNames[tab]);
    }
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

void drawChurnEverywhere(app::AppState& app) {
    struct Size {
        float w, h;
    };
    for (const Size size : {Size{1440, 900}, Size{800, 600}}) {
        for (const app::Theme theme : {app::Theme::Light, app::Theme::Dark}) {
            CAPTURE(size.w);
            CAPTURE(static_cast<int>(theme));
            app.theme = theme;
            drawChurn(app, size.w, size.h);
        }
    }
    app.theme = app::Theme::Light;
}

// Every label rule, model and validation of the set-up draws its own row of settings;
// the draft is put back afterwards.
void drawChurnSetups(Screen& screen, app::AppState& app) {
    using app::ChurnLabelRule;
    using app::ChurnModelKind;
    using app::ChurnValidation;
    const app::ChurnParams saved = app.churn.draft;
    app.churn.tab = 0;
    screen.frames(2);
    for (const ChurnLabelRule rule :
         {ChurnLabelRule::Inactivity, ChurnLabelRule::Explicit, ChurnLabelRule::Attribute}) {
        for (const ChurnModelKind model : {ChurnModelKind::Logistic, ChurnModelKind::Tree, ChurnModelKind::Forest}) {
            for (const ChurnValidation validation :
                 {ChurnValidation::TimeSplit, ChurnValidation::Holdout, ChurnValidation::CrossValidation}) {
                CAPTURE(static_cast<int>(rule));
                CAPTURE(static_cast<int>(model));
                CAPTURE(static_cast<int>(validation));
                app.churn.draft.label.rule = rule;
                app.churn.draft.model = model;
                app.churn.draft.validation = validation;
                screen.frames(2);
                // The demo's churned field has dates: only an attribute label is a snapshot, with no cut-off.
                CHECK(ui::findWidget("Churn cut-off").has_value() == (rule != ChurnLabelRule::Attribute));
                CHECK(ui::findWidget("Churn label attribute").has_value() == (rule == ChurnLabelRule::Attribute));
                CHECK(ui::findWidget("Churn C").has_value() == (model == ChurnModelKind::Logistic));
                CHECK(ui::findWidget("Churn tree depth").has_value() == (model == ChurnModelKind::Tree));
                CHECK(ui::findWidget("Churn trees").has_value() == (model == ChurnModelKind::Forest));
                // A snapshot label (an attribute) cannot be split in time: the view falls back to a test set.
                const bool holdout = validation == ChurnValidation::Holdout ||
                                     (validation == ChurnValidation::TimeSplit && rule == ChurnLabelRule::Attribute);
                CHECK(ui::findWidget("Churn test share").has_value() == holdout);
            }
        }
    }
    app.churn.draft = saved;
    screen.frames(2);
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

// The features popup: opened by its button, listing the catalog, closed by a click in the
// empty lower part of the tab.
void openChurnFeatures(Screen& screen, app::AppState& app) {
    app.churn.tab = 0;
    screen.frames(3);
    REQUIRE(screen.clickWidget("Churn features"));
    screen.frames(2);
    const std::string text = churnFrameText(screen);
    CHECK(text.find("Features the model may use") != std::string::npos);
    CHECK(text.find("Days since last order") != std::string::npos);
    ImGuiWindow* tab = Screen::viewWindow(kChurnTab);
    REQUIRE(tab != nullptr);
    screen.clickAt(ImVec2(tab->Pos.x + 20, tab->Pos.y + tab->Size.y - 20));
    CHECK(churnFrameText(screen).find("Features the model may use") == std::string::npos);
}

// The shown run's Results and Risk tabs with every part open and every setting: the data
// notes and the coefficients, thresholds from low to high, costs where no threshold pays,
// the suggested threshold taken, more of the at-risk list, and the list saved as a segment.
void drawChurnRun(Screen& screen, app::AppState& app) {
    REQUIRE(app.churn.run.has_value());
    const app::ChurnRun& run = *app.churn.run;
    app::ChurnState& s = app.churn;
    const std::string model = app::churnModelName(run.params.model);
    CAPTURE(model);

    showChurnTab(screen, app, 1);
    openChurnNode("###churn-notes");
    openChurnNode("###churn-coefficients");
    screen.frames(2);
    scrollChurnTab(screen);
    const std::string text = churnFrameText(screen);
    CHECK(text.find("How the data were prepared") != std::string::npos);
    CHECK_FALSE(run.notes.empty());  // some incomes, NPS answers or ages are missing: filled, and said so
    if (!run.notes.empty()) CHECK(text.find(run.notes.front()) != std::string::npos);
    const bool logistic = run.params.model == app::ChurnModelKind::Logistic;
    CHECK((text.find("Odds ratio per SD") != std::string::npos) == logistic);
    CHECK((text.find("Out-of-bag error") != std::string::npos) == (run.params.model == app::ChurnModelKind::Forest));

    for (const double t : {0.01, 0.15, 0.5, 0.99}) {
        s.threshold = t;
        screen.frames(1);
    }
    s.contactCost = 1e6;  // no threshold pays
    screen.frames(2);
    CHECK(churnFrameText(screen).find("no threshold pays for itself") != std::string::npos);
    CHECK(ui::findWidget("Use suggested threshold") == std::nullopt);
    s.contactCost = 5;
    s.savedValue = 250;
    s.threshold = 0.99;
    screen.frames(2);
    REQUIRE(screen.scrollTo("Use suggested threshold", kChurnTab));
    REQUIRE(screen.clickWidget("Use suggested threshold"));
    const analytics::ThresholdChoice best = analytics::bestThreshold(run.testY, run.testP, 5, 250);
    CHECK(s.threshold == doctest::Approx(std::clamp(std::round(best.threshold * 100) / 100, 0.01, 0.99)));
    screen.scrollToTop(kChurnTab);

    showChurnTab(screen, app, 2);
    // The list starts at 50 rows (or as many as the last run showed: the count is the view's).
    const size_t rows = s.atRisk.size();
    CHECK(rows >= std::min<size_t>(50, run.scoredIds.size()));
    if (rows < run.scoredIds.size()) {
        const std::string more =
            "Show 50 more (of " + core::formatCount(static_cast<int64_t>(run.scoredIds.size())) + ")";
        REQUIRE(screen.scrollTo(more.c_str(), kChurnTab));
        REQUIRE(screen.clickWidget(more.c_str()));
        screen.frames(1);
        CHECK(s.atRisk.size() == std::min<size_t>(rows + 50, run.scoredIds.size()));
    }
    screen.scrollToTop(kChurnTab);
    s.segmentName = std::string("At risk, ") + app::churnModelName(run.params.model);
    REQUIRE(screen.clickWidget("Save at-risk segment"));
    CHECK(s.error.empty());
    CHECK_FALSE(s.message.empty());
    s.message.clear();
    s.contactCost = 10;
    s.savedValue = 100;
    CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
}

constexpr int64_t kChurnCustomers = 1000000;

// 1,000,000 customers with a churned flag (about one in seven, more on the Basic plan and
// among the young) and a profile (region, plan, channel, gender, age missing for one in
// twenty, income), no orders and no churn dates: the label is a snapshot of the churned
// field. Written with SQL, the facts read, and a logistic model trained on a stratified test
// set without cross-validation, as the view's Train would; made once for the whole binary.
app::AppState& churnMillionApp() {
    static app::AppState app;
    static bool made = false;
    if (made) {
        REQUIRE(app.churn.run.has_value());
        return app;
    }
    made = true;
    const auto began = std::chrono::steady_clock::now();
    REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
    store::Db& db = app.store->db();
    {
        auto txn = store::Txn::begin(db);
        REQUIRE(txn);
        REQUIRE(db.exec(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1000000),"
            " a AS (SELECT i, ((i * 2654435761) % 4294967296) / 65536 AS h FROM k)"
            " INSERT INTO customers (id, external_id, name, region, plan, channel, gender, signup_date, age,"
            " annual_income, churned)"
            " SELECT i, printf('C%07d', i), 'Customer ' || i, CASE i % 4 WHEN 0 THEN 'North' WHEN 1 THEN 'South'"
            " WHEN 2 THEN 'East' ELSE 'West' END, CASE i % 3 WHEN 0 THEN 'Basic' WHEN 1 THEN 'Pro' ELSE"
            " 'Enterprise' END, CASE i % 5 WHEN 0 THEN 'Web' WHEN 1 THEN 'Store' WHEN 2 THEN 'Phone' WHEN 3 THEN"
            " 'Partner' ELSE 'App' END, CASE WHEN h % 2 = 0 THEN 'female' ELSE 'male' END,"
            " date('2020-01-01', '+' || (i % 2000) || ' days'), CASE WHEN i % 20 = 7 THEN NULL ELSE 18 + h % 60 END,"
            " 20000 + (h * 7) % 100000,"
            " CASE WHEN (h * 31 + i) % 1000 < 200 + CASE i % 3 WHEN 0 THEN 150 ELSE 0 END - 4 * (h % 60) THEN 1"
            " ELSE 0 END FROM a"));
        REQUIRE(txn->commit());
    }
    app::refreshCounts(app);
    REQUIRE(app.counts.customers == kChurnCustomers);
    const auto written = std::chrono::steady_clock::now();
    REQUIRE(app::startReadingFacts(app));
    runToEnd(app);
    const auto read = std::chrono::steady_clock::now();
    app::ChurnParams params;
    params.label.rule = app::ChurnLabelRule::Explicit;
    params.validation = app::ChurnValidation::Holdout;
    params.crossValidate = false;
    REQUIRE(app::startChurn(app, params));
    runToEnd(app);
    REQUIRE(app.churn.run.has_value());
    const auto trained = std::chrono::steady_clock::now();
    auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    MESSAGE("1,000,000 churn customers: written in "
            << seconds(began, written) << " s, facts read in " << seconds(written, read)
            << " s, logistic model trained, " << app.churn.run->scoredIds.size() << " scored and saved in "
            << seconds(read, trained) << " s (fit " << app.churn.run->fitMillis << " ms), test ROC AUC "
            << app.churn.run->test.rocAuc);
    return app;
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

    // ---- The NPS view ----------------------------------------------------------------------------

    TEST_CASE("the NPS view without survey answers shows what it needs and the way to the data") {
        SUBCASE("no data at all") {
            app::AppState app;
            REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
            drawNpsEverywhere(app, false);
            CHECK(app.runner.records.empty());
            Screen screen(app, 1440, 900);
            screen.frames(2);
            CHECK(ui::findWidget("Load demo data").has_value());
            CHECK(ui::findWidget("NPS gauge") == std::nullopt);
        }
        SUBCASE("customers and orders, but no answers") {
            app::AppState app;
            REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
            REQUIRE(
                app.store->db().exec("INSERT INTO customers (id, external_id) VALUES (1, 'a'), (2, 'b');"
                                     "INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('o1', "
                                     "1, '2026-01-01', 10)"));
            app::refreshCounts(app);
            drawNpsEverywhere(app, false);
            CHECK(app.runner.records.empty());  // nothing to read for a view with no answers
            Screen screen(app, 1440, 900);
            app.view = app::View::Nps;
            screen.frames(2);
            const std::string text = screen.frameText();
            CAPTURE(text);
            CHECK(text.find("It needs survey answers") != std::string::npos);
            // Regression: the shared note said "This analysis is not available in this version
            // of Rapport yet", which is untrue here: only the survey answers are missing.
            CHECK(text.find("not available in this version") == std::string::npos);
            CHECK(text.find("no survey answers") != std::string::npos);
            REQUIRE(screen.clickWidget("Go to Data"));
            CHECK(app.view == app::View::Data);
            CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
        }
    }

    TEST_CASE("the NPS view draws with 5 answers: every section and setting, every figure too few") {
        app::AppState app;
        openFive(app);
        drawNpsEverywhere(app, true);
        REQUIRE(app.nps.overall.has_value());
        const app::NpsReport& r = *app.nps.overall;
        CHECK(r.responses == 5);
        CHECK(r.overall.tooFew);
        CHECK(r.csat.tooFew);
        CHECK(r.ces.tooFew);
        CHECK(r.gap.n == 2);
        REQUIRE(app.nps.trend.has_value());
        for (const app::NpsGroupRow& g : app.nps.trend->groups) CHECK(g.result.tooFew);

        Screen screen(app, 1440, 900);
        app.view = app::View::Nps;
        screen.frames(2);
        const std::string text = screen.frameText();
        CAPTURE(text);
        CHECK(text.find("5 answers") != std::string::npos);
        CHECK(text.find("too few for a firm figure") != std::string::npos);
        CHECK(text.find("too few") != std::string::npos);

        // Compare two periods: the counts of each, kept until a period changes.
        app.nps.compareMode = app::NpsCompareMode::Periods;
        app.nps.compareAFrom = static_cast<int32_t>(core::daysFromCivil({2026, 9, 1}));
        app.nps.compareATo = static_cast<int32_t>(core::daysFromCivil({2026, 9, 30}));
        app.nps.compareBFrom = app.nps.compareATo + 1;
        app.nps.compareBTo = static_cast<int32_t>(core::daysFromCivil({2026, 10, 31}));
        screen.frames(1);
        REQUIRE(app.nps.comparePeriodCounts.has_value());
        auto counts = [&](int32_t from, int32_t to) {
            app::NpsFilter f = app.nps.filter;
            f.fromDay = from;
            f.toDay = to;
            return app::npsCounts(app::npsContext(app), f);
        };
        const analytics::NpsCounts september = app.nps.comparePeriodCounts->first,
                                   october = app.nps.comparePeriodCounts->second;
        CHECK(september.promoters == 1);  // 10 and 7 in September
        CHECK(september.passives == 1);
        CHECK(october.detractors == 2);  // 2, 9 and 5 in October
        CHECK(october.promoters == 1);
        app.nps.compareBTo = static_cast<int32_t>(core::daysFromCivil({2026, 10, 20}));  // without the 5 of 10-30
        screen.frames(1);
        CHECK(app.nps.comparePeriodCounts->second.detractors == 1);
        CHECK(app.nps.comparePeriodCounts->second.n() == counts(app.nps.compareBFrom, app.nps.compareBTo).n());
        CHECK(app.nps.comparePeriodCounts->first.n() == counts(app.nps.compareAFrom, app.nps.compareATo).n());

        // Drivers: five answers cannot carry seven features; the reason is shown.
        REQUIRE(screen.scrollTo("Fit drivers"));
        REQUIRE(screen.clickWidget("Fit drivers"));
        CHECK_FALSE(app.nps.drivers.has_value());
        CHECK(app.nps.driversError.rfind("Too few answers (5)", 0) == 0);
        CHECK(screen.frameText().find("Too few answers (5)") != std::string::npos);

        // Topics over the four comments.
        REQUIRE(screen.scrollTo("Count topics"));
        REQUIRE(screen.clickWidget("Count topics"));
        runToEnd(app);
        screen.frames(2);
        CHECK_FALSE(app.nps.terms.empty());
        bool delivery = false;
        for (const analytics::TermCount& t : app.nps.terms) {
            if (t.term == "delivery") {
                delivery = true;
                CHECK(t.total == 3);
                CHECK(t.promoters == 1);
                CHECK(t.passives == 1);
                CHECK(t.detractors == 1);
            }
        }
        CHECK(delivery);
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    }

    TEST_CASE("the NPS view draws with 1,000,000 answers at two sizes in both themes") {
        app::AppState& app = millionApp();
        drawNpsEverywhere(app, false);
        drawNps(app, 1440, 900, true);
        REQUIRE(app.nps.overall.has_value());
        CHECK(app.nps.overall->responses > 400000);  // the last twelve months of two years
        CHECK_FALSE(app.nps.overall->overall.tooFew);
        CHECK(app.nps.overall->overall.method == analytics::NpsIntervalMethod::Normal);
    }

    TEST_CASE(
        "clicks on the NPS view's distribution, trend and breakdown list the comments behind them (1,000,000 "
        "answers)") {
        clickNpsCharts(millionApp());
    }

    TEST_CASE("the NPS view's native frame time, computeNps by month and month x RFM at 1,000,000 answers") {
        app::AppState& app = millionApp();
        Screen screen(app, 1440, 900);
        app.view = app::View::Nps;
        screen.frames(3);
        REQUIRE(app.runner.active == nullptr);
        REQUIRE(ui::findWidget("NPS gauge").has_value());
        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
        };
        auto ms = [](auto began) {
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
        };
        auto timeFrames = [&] {
            std::vector<double> frames;
            for (int i = 0; i < 31; ++i) {
                const auto began = std::chrono::steady_clock::now();
                screen.frame();
                frames.push_back(ms(began));
            }
            return frames;
        };
        REQUIRE(app.nps.compareMode == app::NpsCompareMode::Periods);
        const std::vector<double> frames = timeFrames();
        app.nps.compareMode = app::NpsCompareMode::Groups;
        screen.frames(2);
        const double groupsMedian = median(timeFrames());
        app.nps.compareMode = app::NpsCompareMode::Periods;
        const app::NpsContext c = app::npsContext(app);
        REQUIRE(c.facts != nullptr);
        REQUIRE(c.rfm != nullptr);
        std::vector<double> byMonth, crossed;
        int64_t answers = 0;
        size_t cells = 0;
        for (int i = 0; i < 5; ++i) {
            auto began = std::chrono::steady_clock::now();
            const app::NpsReport r = app::computeNps(c, app::NpsFilter{}, app::NpsGroupBy::Month);
            byMonth.push_back(ms(began));
            answers = r.responses;
            began = std::chrono::steady_clock::now();
            const app::NpsReport x =
                app::computeNpsCrossed(c, app::NpsFilter{}, app::NpsGroupBy::Month, app::NpsGroupBy::RfmSegment);
            crossed.push_back(ms(began));
            cells = x.groups.size();
        }
        CHECK(answers == kBigAnswers);
        MESSAGE("NPS view, 1,000,000 answers, 1440x900: median "
                << median(frames) << " ms per frame (min " << *std::min_element(frames.begin(), frames.end())
                << ", max " << *std::max_element(frames.begin(), frames.end()) << "; " << groupsMedian
                << " ms with Compare on two groups); computeNps by month (all " << answers << " answers): median "
                << median(byMonth) << " ms; computeNpsCrossed month x RFM (" << cells << " cells): median "
                << median(crossed) << " ms");
        CHECK(median(frames) < 100);
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    }

    // ---- The Churn view --------------------------------------------------------------------------

    TEST_CASE(
        "the Churn view untrained: the empty state without customers, every tab and setting before any training") {
        SUBCASE("no customers") {
            app::AppState app;
            REQUIRE(app::openStorage(app, ":memory:", app::StorageState::InMemory));
            drawChurnEverywhere(app);
            CHECK(app.runner.records.empty());  // nothing to read
        }
        SUBCASE("3,000 demo customers, no model yet") {
            app::AppState app;
            openChurnDemo(app);
            drawChurnEverywhere(app);
            CHECK_FALSE(app.churn.run.has_value());
            CHECK(app.runner.records.size() == 1);  // the facts, read once
            // The defaults chosen from these data: the churned field, dated, so a time split.
            CHECK(app.churn.draft.label.rule == app::ChurnLabelRule::Explicit);
            CHECK(app.churn.draft.validation == app::ChurnValidation::TimeSplit);

            Screen screen(app, 1440, 900);
            app.view = app::View::Churn;
            screen.frames(2);
            const char* const notes[] = {"No model yet", "Train a model to see how good it is",
                                         "Train a model to see who is at risk", "No saved runs yet"};
            for (int tab = 0; tab < 4; ++tab) {
                CAPTURE(tab);
                showChurnTab(screen, app, tab);
                CHECK(churnFrameText(screen).find(notes[tab]) != std::string::npos);
            }
            drawChurnSetups(screen, app);
            openChurnFeatures(screen, app);
            CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
        }
    }

    TEST_CASE(
        "the Churn view trains from its button and opens the results: three models, every part open, runs side by "
        "side (3,000 demo customers)") {
        app::AppState app;
        openChurnDemo(app);
        {  // one ImGui context at a time: this one ends before drawChurnEverywhere's
            Screen screen(app, 1440, 900);
            app.view = app::View::Churn;
            screen.frames(2);
            if (app.runner.active) runToEnd(app);
            screen.frames(2);
            REQUIRE(churnOpenTab() == "Set-up");

            // Each model from the Train button: the run is saved, shown, and the Results tab opens.
            std::vector<int64_t> runIds;
            for (const app::ChurnModelKind model :
                 {app::ChurnModelKind::Logistic, app::ChurnModelKind::Tree, app::ChurnModelKind::Forest}) {
                const std::string name = app::churnModelName(model);
                CAPTURE(name);
                app.churn.draft.model = model;
                app.churn.tab = 0;
                screen.frames(2);
                REQUIRE(screen.clickWidget("Train model"));
                REQUIRE(app.runner.active != nullptr);
                runToEnd(app);
                // The tab bar selects Results in the next frame; the registry remembers one frame more.
                screen.frames(3);
                REQUIRE(app.churn.run.has_value());
                CHECK(app.churn.error.empty());
                CHECK(app.churn.run->params.model == model);
                CHECK(app.churn.run->runId > 0);
                CHECK(app.churn.run->cv.size() == 8);
                CHECK(churnOpenTab() == "Results");
                CHECK(ui::findWidget("Churn ROC").has_value());
                CHECK(ui::findWidget("Train model") == std::nullopt);
                runIds.push_back(app.churn.run->runId);
                drawChurnRun(screen, app);
            }
            REQUIRE(app.churn.runs.size() == 3);

            // The Runs tab: the two newest ticked, then all three, side by side.
            showChurnTab(screen, app, 3);
            REQUIRE(screen.clickWidget("Compare run 1"));
            REQUIRE(screen.clickWidget("Compare run 2"));
            screen.frames(1);
            CHECK(app.churn.compareIds == std::vector<int64_t>{runIds[2], runIds[1]});
            CHECK(ui::findWidget("Churn compare ROC").has_value());
            CHECK(ui::findWidget("Churn compare table").has_value());
            scrollChurnTab(screen);
            REQUIRE(screen.clickWidget("Compare run 3"));
            screen.frames(1);
            CHECK(app.churn.compareIds.size() == 3);
            scrollChurnTab(screen);
            CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);

            // "Show" on the oldest run (the last row) shows it again, in the Results tab.
            REQUIRE(screen.clickWidget("Show"));
            screen.frames(3);
            REQUIRE(app.churn.run.has_value());
            CHECK(app.churn.run->runId == runIds[0]);
            CHECK(app.churn.run->params.model == app::ChurnModelKind::Logistic);
            CHECK(churnOpenTab() == "Results");
        }
        drawChurnEverywhere(app);
        CHECK(app.churn.compareIds.size() == 3);
    }

    TEST_CASE("the Churn view draws a logistic model of 1,000,000 customers at two sizes in both themes") {
        app::AppState& app = churnMillionApp();
        const app::ChurnRun& run = *app.churn.run;
        CHECK(run.params.label.rule == app::ChurnLabelRule::Explicit);
        CHECK(run.params.validation == app::ChurnValidation::Holdout);
        CHECK(run.nTrain + run.nTest == kChurnCustomers);
        CHECK(run.scoredIds.size() > 800000);  // everyone not marked as churned
        CHECK(run.test.rocAuc > 0.7);
        drawChurnEverywhere(app);
        Screen screen(app, 1440, 900);
        app.view = app::View::Churn;
        screen.frames(2);
        drawChurnRun(screen, app);
    }

    TEST_CASE("the Churn view's native frame time in the Risk and Results tabs at 1,000,000 customers") {
        app::AppState& app = churnMillionApp();
        Screen screen(app, 1440, 900);
        app.view = app::View::Churn;
        screen.frames(2);
        REQUIRE(app.runner.active == nullptr);
        // The median of 31 frames of a tab (and its vertex count); `before` runs ahead of each frame.
        int vertices = 0;
        auto timeTab = [&](int tab, auto before) {
            app.churn.tab = tab;
            screen.frames(3);
            std::vector<double> ms;
            for (int i = 0; i < 31; ++i) {
                before(i);
                const auto began = std::chrono::steady_clock::now();
                screen.frame();
                ms.push_back(
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
            }
            vertices = ImGui::GetDrawData()->TotalVtxCount;
            std::sort(ms.begin(), ms.end());
            return ms;
        };
        const double threshold = app.churn.threshold;
        auto still = [](int) {};
        // A new threshold every frame, as when its slider is dragged: the Results tab counts the
        // confusion matrix over the test set again, the Risk tab the tiers over every scored customer.
        auto dragged = [&](int i) { app.churn.threshold = 0.2 + 0.01 * i; };
        const std::vector<double> risk = timeTab(2, still);
        REQUIRE(churnOpenTab() == "Risk");
        CHECK(ui::findWidget("Churn score distribution").has_value());
        CHECK(ui::findWidget("At-risk list").has_value());
        CHECK(ui::findWidget("At-risk first customer").has_value());
        const int riskVertices = vertices;
        const std::vector<double> riskMoving = timeTab(2, dragged);
        const std::vector<double> results = timeTab(1, still);
        REQUIRE(churnOpenTab() == "Results");
        CHECK(ui::findWidget("Churn ROC").has_value());
        const int resultsVertices = vertices;
        const std::vector<double> resultsMoving = timeTab(1, dragged);
        app.churn.threshold = threshold;
        MESSAGE("Churn view, 1,000,000 customers ("
                << app.churn.run->scoredIds.size() << " scored, " << app.churn.run->nTest
                << " in the test set), 1440x900, median ms "
                << "per frame: Risk tab " << risk[15] << " (min " << risk.front() << ", max " << risk.back() << "; "
                << riskVertices << " vertices), " << riskMoving[15] << " with a new threshold every frame; Results tab "
                << results[15] << " (max " << results.back() << "; " << resultsVertices << " vertices), "
                << resultsMoving[15] << " with a new threshold every frame");
        CHECK(risk[15] < 100);  // a frame that slow would make the view unusable
        CHECK(riskMoving[15] < 100);
        CHECK(results[15] < 100);
        CHECK(resultsMoving[15] < 100);
        CHECK_MESSAGE(gFailedChecks == 0, gFirstFailure);
    }

}  // TEST_SUITE
