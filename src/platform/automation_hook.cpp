// automation_hook.cpp: the C side of window.rapport (automation_hook.js holds the JS
// side). Browser tests, benchmarks and users' console scripts depend on these verbs:
// extend them, never rename them. Strings returned point to a buffer valid until the
// next call.
#include <emscripten.h>

#include <cstdio>
#include <string>

#include "app/app_state.hpp"
#include "platform/app_host.hpp"
#include "ui/widgets.hpp"

namespace {
std::string gReply;
}

extern "C" {

// rapport.state(): the app state as JSON text.
EMSCRIPTEN_KEEPALIVE const char* rapport_state_json() {
    gReply = rapport::app::stateJson(rapport::platform::appState());
    return gReply.c_str();
}

// rapport.navigate(label): 1 if `name` is a view's label (or slug), else 0.
EMSCRIPTEN_KEEPALIVE int rapport_navigate(const char* name) {
    const auto view = rapport::app::viewFromName(name != nullptr ? name : "");
    if (!view) return 0;
    rapport::platform::appState().view = *view;
    return 1;
}

// rapport.widgetRect(label): {"x":..,"y":..,"w":..,"h":..} in CSS pixels, or "null".
EMSCRIPTEN_KEEPALIVE const char* rapport_widget_rect(const char* label) {
    const auto rect = rapport::ui::findWidget(label != nullptr ? label : "");
    if (!rect) {
        gReply = "null";
    } else {
        char buf[160];
        std::snprintf(buf, sizeof buf, "{\"x\":%.2f,\"y\":%.2f,\"w\":%.2f,\"h\":%.2f}", rect->x, rect->y, rect->w, rect->h);
        gReply = buf;
    }
    return gReply.c_str();
}

}  // extern "C"
