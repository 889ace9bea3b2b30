// imgui_assert.cpp: where a failed ImGui check goes (see imgui_config.h). Compiled into
// the imgui target itself, so ImGui's own sources can call it.
#include "ui/imgui_config.h"

#include <cstdio>

namespace rapport::ui {

namespace {
void reportOnConsole(const char* expression, const char* file, int line) {
    std::fprintf(stderr, "ImGui check failed: %s (%s:%d)\n", expression, file, line);
}
ImGuiAssertHandler gHandler = reportOnConsole;
}  // namespace

ImGuiAssertHandler setImGuiAssertHandler(ImGuiAssertHandler handler) {
    ImGuiAssertHandler previous = gHandler;
    gHandler = handler != nullptr ? handler : reportOnConsole;
    return previous;
}

void imguiAssertFailed(const char* expression, const char* file, int line) { gHandler(expression, file, line); }

}  // namespace rapport::ui
