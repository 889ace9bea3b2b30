// scatter_gl.hpp: the WebGL2 implementation of the chart layer's GPU scatter seam
// (ui/charts/scatter_renderer.hpp), in scatter_gl_web.cpp. main_web.cpp installs it once
// the WebGL2 context is current.
#pragma once

#include <memory>
#include <string>

#include "ui/charts/scatter_renderer.hpp"

namespace rapport::platform {

// Compiles the point shaders (shaders/points.vert|frag). Returns nullptr, with the
// reason in *error, when the context cannot run them; scatter plots then stay on the CPU.
std::unique_ptr<ui::charts::ScatterRenderer> makeGlScatterRenderer(std::string* error);

}  // namespace rapport::platform
