#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdlib>

#include "platform/browser.hpp"

namespace rapport::platform {

namespace {

// Strings returned from JS are malloc'ed on the wasm heap; take ownership here.
std::string takeString(char* raw) {
    if (raw == nullptr) return {};
    std::string s(raw);
    std::free(raw);
    return s;
}

EM_JS(char*, js_url_hash, (), {
    const text = window.location.hash || "";
    const size = lengthBytesUTF8(text) + 1;
    const ptr = _malloc(size);
    stringToUTF8(text, ptr, size);
    return ptr;
});

EM_JS(void, js_set_url_hash, (const char* hash, int replace), {
    const h = UTF8ToString(hash);
    if (window.location.hash === h) return;
    if (replace) history.replaceState(null, "", h);
    else window.location.hash = h;
});

EM_JS(void, js_watch_url_hash, (), {
    window.addEventListener("hashchange", () => Module.ccall("rapport_hash_changed", null, [], []));
});

EM_JS(char*, js_stored_theme, (), {
    let text = "";
    try { text = window.localStorage.getItem("rapport.theme") || ""; } catch (e) {}
    const size = lengthBytesUTF8(text) + 1;
    const ptr = _malloc(size);
    stringToUTF8(text, ptr, size);
    return ptr;
});

EM_JS(void, js_store_theme, (const char* theme), {
    try { window.localStorage.setItem("rapport.theme", UTF8ToString(theme)); } catch (e) {}
});

EM_JS(int, js_prefers_dark, (), {
    return (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches) ? 1 : 0;
});

EM_JS(void, js_notify_ready, (), { if (Module.rapportStarted) Module.rapportStarted(); });

EM_JS(void, js_notify_fatal, (const char* message), {
    if (Module.rapportFailed) Module.rapportFailed(UTF8ToString(message));
});

}  // namespace

CanvasSize canvasSize() {
    CanvasSize s;
    emscripten_get_element_css_size("#canvas", &s.cssWidth, &s.cssHeight);
    s.pixelRatio = emscripten_get_device_pixel_ratio();
    if (!(s.pixelRatio > 0)) s.pixelRatio = 1;
    return s;
}

void setCanvasBufferSize(int width, int height) { emscripten_set_canvas_element_size("#canvas", width, height); }

std::string urlHash() { return takeString(js_url_hash()); }
void setUrlHash(const std::string& hash, bool replace) { js_set_url_hash(hash.c_str(), replace ? 1 : 0); }
void watchUrlHash() { js_watch_url_hash(); }
std::string storedTheme() { return takeString(js_stored_theme()); }
void storeTheme(const std::string& theme) { js_store_theme(theme.c_str()); }
bool systemPrefersDark() { return js_prefers_dark() != 0; }
void notifyReady() { js_notify_ready(); }
void notifyFatal(const std::string& message) { js_notify_fatal(message.c_str()); }

}  // namespace rapport::platform
