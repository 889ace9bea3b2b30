// main_web.cpp: the browser build's entry point. Reads top to bottom: set up (canvas,
// WebGL2 context, ImGui, fonts, theme, storage, view from the URL), loop (one frame per
// animation frame), and nothing to tear down: the page owns the lifetime.
//
// Pixels: ImGui works in framebuffer pixels. The canvas buffer is its CSS size times the
// device pixel ratio, fonts are rasterised at that ratio and every size in the UI is
// given in CSS pixels times the ratio (ui::dp), so text is crisp on HiDPI screens.
// Emscripten's GLFW reports the mouse in buffer pixels, which matches.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_internal.h>  // the input queue: draw at once when input waits
#include <imgui_impl_glfw.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/app_state.hpp"
#include "app/jobs.hpp"
#include "platform/app_host.hpp"
#include "platform/browser.hpp"
#include "platform/files.hpp"
#include "platform/gl_renderer_web.hpp"
#include "platform/persistence.hpp"
#include "platform/scatter_gl.hpp"
#include "ui/charts/scatter_renderer.hpp"
#include "ui/draw_signature.hpp"
#include "ui/fonts.hpp"
#include "ui/shell.hpp"
#include "ui/theme.hpp"

namespace {

using rapport::app::AppState;
namespace platform = rapport::platform;
namespace ui = rapport::ui;

struct Host {
    GLFWwindow* window = nullptr;
    int bufferWidth = 0, bufferHeight = 0;
    float scale = 0;  // device pixel ratio the fonts and style were built for
    rapport::app::View syncedView = rapport::app::View::Overview;
    rapport::app::Theme syncedTheme = rapport::app::Theme::Light;
    bool readySent = false;
    double frameStartMs = 0;  // emscripten_get_now() at the start of the last frame
    double drawnMs = 0;       // ... of the last frame that was built
    // What the canvas shows (ui::drawSignature of the frame drawn last; none: draw the next
    // one), and whether it must be drawn anyway (a resized drawing buffer is cleared, a new
    // font texture or theme changes pixels the draw data may not).
    std::optional<uint64_t> shownSignature;
    bool mustDraw = true;
    // The last frame built has a window ImGui hid while it measured it: the next frame,
    // where it shows, is built at once even while a job runs.
    bool settle = false;
};
Host gHost;

const ui::FontFiles kFonts = {"/assets/fonts/Inter-Regular.otf", "/assets/fonts/Inter-SemiBold.otf",
                              "/assets/fonts/fontawesome-webfont.ttf"};

// Follows the canvas's CSS size and the device pixel ratio (which also changes with
// browser zoom): resizes the drawing buffer, and rebuilds fonts and style on a new ratio.
void syncCanvas(AppState& app) {
    const platform::CanvasSize size = platform::canvasSize();
    const int width = std::max(1, static_cast<int>(std::lround(size.cssWidth * size.pixelRatio)));
    const int height = std::max(1, static_cast<int>(std::lround(size.cssHeight * size.pixelRatio)));
    if (width != gHost.bufferWidth || height != gHost.bufferHeight) {
        platform::setCanvasBufferSize(width, height);
        gHost.bufferWidth = width;
        gHost.bufferHeight = height;
        gHost.mustDraw = true;
    }
    const auto scale = static_cast<float>(size.pixelRatio);
    if (scale != gHost.scale) {
        gHost.scale = scale;
        const std::string warning = ui::loadFonts(kFonts, scale);
        if (!warning.empty()) app.lastError = warning;
        platform::createUiFontTexture();
        ui::applyTheme(app.theme, scale);
        gHost.mustDraw = true;
    }
}

// The URL hash follows the view, and the theme choice is remembered.
void syncBrowser(AppState& app) {
    if (app.view != gHost.syncedView) {
        gHost.syncedView = app.view;
        platform::setUrlHash("#/" + std::string(rapport::app::viewInfo(app.view).slug), false);
    }
    if (app.theme != gHost.syncedTheme) {
        gHost.syncedTheme = app.theme;
        platform::storeTheme(rapport::app::themeName(app.theme));
        ui::applyTheme(app.theme, gHost.scale);
        gHost.mustDraw = true;
    }
}

// ---- Text that comes without key events ---------------------------------------------
// Emscripten's GLFW takes text only from keypress events, which a system paste and what an
// input method (Chinese, Japanese, Korean) writes never have. A hidden textarea holds the
// focus while ImGui wants text: what arrives in it without a keypress (an input method's
// text) goes to ImGui, and so does the text of the page's paste event. ImGui itself no
// longer pastes (its clipboard was GLFW's, inside the page); what it copies goes to the
// system's clipboard as well.
EM_JS(void, js_install_text_bridge, (), {
    const area = document.createElement("textarea");
    area.setAttribute("aria-hidden", "true");
    area.tabIndex = -1;
    area.autocomplete = "off";
    area.spellcheck = false;
    area.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;border:0;padding:0;pointer-events:none;";
    document.body.appendChild(area);
    Module.rapportTextArea = area;
    const send = (text) => { if (text) Module.ccall("rapport_text_input", null, ["string"], [text]); };
    let keyed = false;  // the text that follows came with a keypress, which GLFW has passed on
    window.addEventListener("keypress", () => { keyed = true; }, true);
    window.addEventListener("keyup", () => { keyed = false; }, true);
    area.addEventListener("input", (event) => {
        if (event.isComposing) return;
        if (event.inputType === "insertText" && !keyed) send(event.data);
        keyed = false;
        area.value = "";
    });
    area.addEventListener("compositionend", (event) => { send(event.data); area.value = ""; });
    document.addEventListener("paste", (event) => {
        event.preventDefault();
        send(event.clipboardData ? event.clipboardData.getData("text/plain") : "");
    });
});

EM_JS(void, js_follow_text_input, (int wanted), {
    const area = Module.rapportTextArea;
    if (!area) return;
    if (wanted && document.activeElement !== area) area.focus({ preventScroll: true });
    else if (!wanted && document.activeElement === area) area.blur();
});

EM_JS(void, js_copy_text, (const char* text), {
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(UTF8ToString(text)).catch(() => {});
});

// Whether a window of the frame just built appeared in it and is hidden while ImGui
// measures its size; it shows in the next frame.
bool windowsMeasuring() {
    for (const ImGuiWindow* window : GImGui->Windows) {
        if (window->Active && window->HiddenFramesCannotSkipItems > 0) return true;
    }
    return false;
}

// A job's slice while a frame is due, or while a save is on its way (rapport_job_slice,
// frame()): IndexedDB's answers and the frame wait for the slice that runs.
constexpr double kShortSliceMs = 4.0;

// Long work between frames too: while a job runs, a MessageChannel loop gives it slices
// between animation frames, so the job uses the time frames leave idle (drawing takes ~1 ms
// of the interval) instead of only its slice per frame. Input and storage callbacks run
// between slices. The loop never waits for a frame: a browser that is slow to present one
// (a busy GPU, software WebGL) would leave the page idle meanwhile. Once a frame is due the
// slices get short instead, so the browser can draw between two of them as soon as it is
// ready. rapport_job_slice answers 1 (post again), 2 (the job waits until a frame has been
// drawn; or a moment, should the page be hidden meanwhile) or 0 (no job left).
EM_JS(void, js_pump_jobs, (), {
    if (Module.rapportJobPump) return;
    const channel = new MessageChannel();
    Module.rapportJobPump = channel;
    const post = () => channel.port2.postMessage(0);
    channel.port1.onmessage = () => {
        const next = Module._rapport_job_slice(document.hidden ? 1 : 0);
        if (next === 1) {
            post();
        } else if (next === 2) {
            let woken = false;
            const wake = () => { if (!woken) { woken = true; post(); } };
            requestAnimationFrame(wake);
            setTimeout(wake, 250);
        } else {
            Module.rapportJobPump = null;
        }
    };
    post();
});
void pumpJobs(uint64_t) { js_pump_jobs(); }

void frame() {
    const auto start = std::chrono::steady_clock::now();
    gHost.frameStartMs = emscripten_get_now();
    AppState& app = platform::appState();
    app.runner.countsFrames = true;  // frames run only while the page is shown

    syncCanvas(app);  // the first one builds the fonts, while the saved data still loads
    // Nothing is drawn until the saved data is in (the page's loading screen shows how far
    // it has come); meanwhile each frame copies the chunks that have arrived.
    if (app.storage == rapport::app::StorageState::Opening && !platform::openPersistentStorage(app)) return;
    // Long work advances by one ~10 ms slice per frame (4 ms while a save is on its way, as
    // between frames), and between frames from the loop its start set going (js_pump_jobs).
    const double frameSliceMs = platform::saveInFlight() ? kShortSliceMs : 10.0;
    rapport::app::runJobs(app, std::chrono::microseconds(static_cast<int64_t>(frameSliceMs * 1000)));
    if (app.runner.active) {
        // While a job runs, the screen changes only by its progress: draw ten times a
        // second, or at once when there is input, and leave the rest of the time to it.
        // With software WebGL four times a second: there each frame of a large canvas
        // costs the CPU tens of milliseconds on other threads, and on two cores a 100,000-
        // row import took ~10% longer at ten frames a second than without frames.
        const double redrawMs = app.softwareRendering ? 250 : 100;
        const bool input = ImGui::GetCurrentContext()->InputEventsQueue.Size > 0;
        if (!input && !app.runner.frameWanted && !gHost.settle && gHost.frameStartMs - gHost.drawnMs < redrawMs) return;
    }
    gHost.drawnMs = gHost.frameStartMs;
    const bool settling = gHost.settle;
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(gHost.bufferWidth), static_cast<float>(gHost.bufferHeight));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    ImGui::NewFrame();
    ui::DrawShell(app);
    ImGui::Render();
    // At most one settling frame in a row, whatever ImGui keeps hidden.
    gHost.settle = !settling && windowsMeasuring();
    js_follow_text_input(ImGui::GetIO().WantTextInput ? 1 : 0);
    const auto drawn = std::chrono::steady_clock::now();

    // The UI is built on every animation frame, but drawn only when it differs from what
    // the canvas shows: an unchanged canvas keeps its picture, and the GPU (with software
    // WebGL, two CPU cores) stays idle while nothing changes.
    const std::optional<uint64_t> signature = ui::drawSignature(*ImGui::GetDrawData(), ui::FrameReadoutDrawList());
    const bool unchanged = !gHost.mustDraw && signature && gHost.shownSignature == signature;
    if (!unchanged) {
        glViewport(0, 0, gHost.bufferWidth, gHost.bufferHeight);
        const ImVec4 bg = ui::palette().appBg;
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        platform::renderUi(ImGui::GetDrawData(), gHost.bufferWidth, gHost.bufferHeight);
        gHost.shownSignature = signature;
        gHost.mustDraw = false;
    }
    ++app.runner.framesDrawn;  // the canvas shows this frame either way
    syncBrowser(app);
    platform::updatePersistentStorage(app);
    platform::updateFiles(app);

    if (!unchanged) {  // the frame-time readout is about frames that were drawn
        const auto end = std::chrono::steady_clock::now();
        app.frames.add(std::chrono::duration<double, std::milli>(end - start).count());
        app.uiFrames.add(std::chrono::duration<double, std::milli>(drawn - start).count());
    }
    if (!gHost.readySent && app.storage != rapport::app::StorageState::Opening) {
        gHost.readySent = true;
        platform::notifyReady();
    }
}

// The page settles the job's Promise (automation_hook.js).
EM_JS(void, js_job_ended, (double id), {
    if (Module.rapportJobEnded) Module.rapportJobEnded(id);
});
void jobEnded(uint64_t id) { js_job_ended(static_cast<double>(id)); }

// One slice of the running job between frames (js_pump_jobs).
extern "C" EMSCRIPTEN_KEEPALIVE int rapport_job_slice(int pageHidden) {
    AppState& app = platform::appState();
    if (!app.runner.active) return 0;
    // Until the next frame is due (30 a second while a job runs), slices of at most ~20 ms:
    // long enough that the job's data stays warm in the CPU's caches, short enough that
    // input waits at most that long. Once it is due, 4 ms slices until it has been drawn,
    // and the same while a save is in flight: each of IndexedDB's answers waits for the
    // slice that runs, and a save after an edit would take ~60 ms instead of ~20 behind a
    // view's background read. A hidden tab draws nothing, so
    // there the long slices simply go on.
    constexpr double kFrameDueMs = 1000.0 / 30.0, kMaxSliceMs = 20.0;
    double budget = kMaxSliceMs;
    if (pageHidden == 0) budget = std::clamp(kFrameDueMs - (emscripten_get_now() - gHost.frameStartMs), kShortSliceMs, kMaxSliceMs);
    if (platform::saveInFlight()) budget = kShortSliceMs;
    app.runner.countsFrames = pageHidden == 0;  // a hidden page draws no frames to wait for
    rapport::app::runJobs(app, std::chrono::microseconds(static_cast<int64_t>(budget * 1000)));
    if (!app.runner.active) return 0;
    return app.runner.frameWanted ? 2 : 1;
}

// Text from the page (a paste, an input method) for the text field ImGui has active.
extern "C" EMSCRIPTEN_KEEPALIVE void rapport_text_input(const char* text) {
    if (text == nullptr || ImGui::GetCurrentContext() == nullptr) return;
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) io.AddInputCharactersUTF8(text);
}

// Called by the page when the hash changes (a link, the back button, a typed URL).
extern "C" EMSCRIPTEN_KEEPALIVE void rapport_hash_changed() {
    AppState& app = platform::appState();
    if (auto view = rapport::app::viewFromName(platform::urlHash())) {
        app.view = *view;
        gHost.syncedView = *view;
    }
}

// Wheel steps as ImGui's Emscripten backend computes them (100 pixels, 3 lines or a
// page make a step).
EM_BOOL onWheel(int, const EmscriptenWheelEvent* event, void*) {
    float multiplier = 0.0f;
    if (event->deltaMode == DOM_DELTA_PIXEL) multiplier = 1.0f / 100.0f;
    else if (event->deltaMode == DOM_DELTA_LINE) multiplier = 1.0f / 3.0f;
    else if (event->deltaMode == DOM_DELTA_PAGE) multiplier = 80.0f;
    ImGui::GetIO().AddMouseWheelEvent(static_cast<float>(event->deltaX) * -multiplier, static_cast<float>(event->deltaY) * -multiplier);
    return EM_TRUE;
}

bool startUp() {
    AppState& app = platform::appState();
    if (!glfwInit()) {
        platform::notifyFatal("The page could not start its graphics. Reload the page; if it happens again, try another browser.");
        return false;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    // Any size that is not the screen's: GLFW asks for fullscreen when they match.
    gHost.window = glfwCreateWindow(640, 480, "Rapport", nullptr, nullptr);
    if (gHost.window == nullptr) {
        platform::notifyFatal("This browser could not create a WebGL2 drawing surface, which Rapport needs. "
                              "Turn on hardware acceleration in the browser's settings, or use a current "
                              "version of Chrome, Edge, Firefox or Safari.");
        return false;
    }
    glfwMakeContextCurrent(gHost.window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // layout is ours; nothing to persist in imgui.ini
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplGlfw_InitForOpenGL(gHost.window, true);
    // The GLFW backend listens to the wheel on the whole document, which Chrome treats as a
    // passive listener: its preventDefault() then fails with a console error on every
    // scroll. Listen on the canvas instead, where preventDefault() keeps the page still.
    emscripten_set_wheel_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, false, nullptr);
    emscripten_set_wheel_callback("#canvas", nullptr, false, onWheel);
    io.GetClipboardTextFn = [](void*) -> const char* { return nullptr; };  // the page's paste event brings it
    io.SetClipboardTextFn = [](void*, const char* text) { js_copy_text(text); };
    js_install_text_bridge();
    if (!platform::initUiRenderer()) {
        platform::notifyFatal("This browser could not prepare WebGL2 drawing, which Rapport needs. "
                              "Use a current version of Chrome, Edge, Firefox or Safari.");
        return false;
    }
    app.softwareRendering = platform::isSoftwareRenderer();
    // Large scatter plots draw on the GPU; without it they stay on the CPU path.
    std::string scatterError;
    static std::unique_ptr<ui::charts::ScatterRenderer> scatter = platform::makeGlScatterRenderer(&scatterError);
    if (scatter) ui::charts::SetScatterRenderer(scatter.get());
    else std::fprintf(stderr, "GPU scatter plots are off: %s\n", scatterError.c_str());

    const std::string theme = platform::storedTheme();
    app.theme = theme == "dark" || (theme.empty() && platform::systemPrefersDark()) ? rapport::app::Theme::Dark
                                                                                   : rapport::app::Theme::Light;
    gHost.syncedTheme = app.theme;

    app.runner.onEnded = jobEnded;
    app.runner.onStarted = pumpJobs;
    // Storage opens in the frames (openPersistentStorage): the saved copy is still being
    // read from IndexedDB (persistence.js), and the rest of start-up goes on meanwhile.

    if (auto view = rapport::app::viewFromName(platform::urlHash())) app.view = *view;
    gHost.syncedView = app.view;
    platform::setUrlHash("#/" + std::string(rapport::app::viewInfo(app.view).slug), true);
    platform::watchUrlHash();
    platform::installFileDrop();
    return true;
}

}  // namespace

int main() {
    if (!startUp()) return 1;
    emscripten_set_main_loop(frame, 0, false);
    return 0;
}
