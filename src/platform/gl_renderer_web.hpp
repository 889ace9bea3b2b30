// gl_renderer_web.hpp: draws Dear ImGui's draw data with WebGL2 (OpenGL ES 3.0).
//
// Why not imgui_impl_opengl3: that backend saves and restores every piece of GL state it
// touches around each frame (14 glGetIntegerv calls). In a browser each of those is a
// WebGL getParameter, and some are synchronous round trips to the GPU process that wait
// for the previous frame to finish drawing: under a software rasteriser that is ~40 ms
// per frame of the main thread spent waiting, which starves jobs, input and storage
// callbacks. Rapport owns its WebGL context, so there is no foreign state to preserve:
// this renderer sets what it needs and queries nothing.
#pragma once

struct ImDrawData;

namespace rapport::platform {

// Compiles the shaders and makes the buffers; false (with the reason logged) on failure.
bool initUiRenderer();
// (Re)builds the font atlas texture from ImGui's current atlas; call after loading fonts.
void createUiFontTexture();
void destroyUiFontTexture();
// Draws one frame's draw data into the bound framebuffer (the canvas).
void renderUi(const ImDrawData* data, int framebufferWidth, int framebufferHeight);
// Whether the current WebGL context draws in software (SwiftShader, llvmpipe, WARP), as
// its renderer string says.
bool isSoftwareRenderer();

}  // namespace rapport::platform
