// platform: the browser glue: main loop, canvas and device pixel ratio, persistence
// backend, file upload/download, the automation hook for tests. May use: everything.
// Only this layer includes emscripten.h; the native build has sibling *_native files.
//
// browser.hpp: small calls into the page (web) or their stand-ins (native).
#pragma once

#include <string>

namespace rapport::platform {

struct CanvasSize {
    double cssWidth = 0, cssHeight = 0;  // layout size of the canvas in CSS pixels
    double pixelRatio = 1;               // device pixels per CSS pixel
};

CanvasSize canvasSize();
// Sets the drawing buffer to width x height device pixels.
void setCanvasBufferSize(int width, int height);

std::string urlHash();                 // "#/churn" or ""
void setUrlHash(const std::string& hash, bool replace);
// Calls the exported rapport_hash_changed() whenever the hash changes.
void watchUrlHash();

// "light", "dark", or "" when the user has not chosen (follow the system then).
std::string storedTheme();
void storeTheme(const std::string& theme);
bool systemPrefersDark();

// Tells the page the app is up (first frame drawn, storage open): resolves rapport.ready.
void notifyReady();
// Tells the page start-up failed: shows `message` over the canvas, rejects rapport.ready.
void notifyFatal(const std::string& message);

}  // namespace rapport::platform
