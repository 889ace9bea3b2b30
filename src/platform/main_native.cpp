// main_native.cpp: a headless run of the whole app for the native build, used by
// benchmarks and for quick checks without a browser: an ImGui context with a display
// size and no renderer draws the shell for N frames, then prints rapport.state() JSON.
//
//   rapport-headless [--frames N] [--view LABEL] [--size WxH] [--db PATH] [--demo CUSTOMERS]
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/app_state.hpp"
#include "app/demo_job.hpp"
#include "platform/app_host.hpp"
#include "ui/fonts.hpp"
#include "ui/shell.hpp"
#include "ui/theme.hpp"

int main(int argc, char** argv) {
    int frames = 120;
    float width = 1440, height = 900;
    std::string view = "Overview", db = ":memory:";
    long long demo = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--frames") == 0) frames = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--view") == 0) view = argv[i + 1];
        else if (std::strcmp(argv[i], "--db") == 0) db = argv[i + 1];
        else if (std::strcmp(argv[i], "--demo") == 0) demo = std::atoll(argv[i + 1]);
        else if (std::strcmp(argv[i], "--size") == 0) std::sscanf(argv[i + 1], "%fx%f", &width, &height);
        else { std::fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }

    rapport::app::AppState& app = rapport::platform::appState();
    if (auto s = rapport::app::openStorage(app, db, rapport::app::StorageState::Saved); !s) {
        std::fprintf(stderr, "%s (%s)\n", s.error().message.c_str(), s.error().detail.c_str());
        return 1;
    }
    if (auto v = rapport::app::viewFromName(view)) app.view = *v;
    if (demo > 0) {
        rapport::store::DemoOptions options;
        options.customers = demo;
        auto job = rapport::app::makeDemoJob(app, options);
        if (!job) {
            std::fprintf(stderr, "%s\n", job.error().message.c_str());
            return 1;
        }
        if (auto id = rapport::app::startJob(app, std::move(*job)); !id) {
            std::fprintf(stderr, "%s\n", id.error().message.c_str());
            return 1;
        }
        while (app.runner.active) rapport::app::runJobs(app, std::chrono::seconds(1));
    }

    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    const std::string warning = rapport::ui::loadFonts(
        {RAPPORT_FONT_DIR "/Inter-Regular.otf", RAPPORT_FONT_DIR "/Inter-SemiBold.otf", RAPPORT_ICON_FONT}, 1.0f);
    if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
    rapport::ui::applyTheme(app.theme, 1.0f);

    for (int i = 0; i < frames; ++i) {
        const auto start = std::chrono::steady_clock::now();
        ImGui::NewFrame();
        rapport::ui::DrawShell(app);
        ImGui::Render();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        app.frames.add(ms);
        app.uiFrames.add(ms);  // no renderer: the whole frame is UI
    }
    std::printf("%s\n", rapport::app::stateJson(app).c_str());
    ImGui::DestroyContext();
    return 0;
}
