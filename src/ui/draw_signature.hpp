// draw_signature.hpp: a 64-bit digest of what a frame draws (ImGui's draw data). The
// platform builds the UI on every animation frame but leaves the screen alone when the
// frame would draw exactly what it already shows: an idle app then costs the GPU nothing
// (with software WebGL, redrawing an unchanged screen kept two CPU cores busy).
#pragma once

#include <cstdint>
#include <optional>

struct ImDrawData;
struct ImDrawList;

namespace rapport::ui {

// The display, and every draw list's vertices, indices and commands (clip rectangles,
// textures, ranges) in order; `ignored` (may be null) is left out. nullopt when a command
// runs a draw callback of its own, which may draw something new from the same data.
std::optional<uint64_t> drawSignature(const ImDrawData& data, const ImDrawList* ignored = nullptr);

}  // namespace rapport::ui
