// imgui_config.h: Rapport's compile-time configuration of Dear ImGui (IMGUI_USER_CONFIG).
// ImGui's own checks (IM_ASSERT) stay on in release builds and go to a handler instead
// of assert(): the UI test counts them, the app reports them on the console.
#pragma once

namespace rapport::ui {
using ImGuiAssertHandler = void (*)(const char* expression, const char* file, int line);
// Installs a handler and returns the previous one.
ImGuiAssertHandler setImGuiAssertHandler(ImGuiAssertHandler handler);
void imguiAssertFailed(const char* expression, const char* file, int line);
}  // namespace rapport::ui

#define IM_ASSERT(_EXPR) ((_EXPR) ? (void)0 : ::rapport::ui::imguiAssertFailed(#_EXPR, __FILE__, __LINE__))
