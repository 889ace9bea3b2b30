#version 300 es
// ui.vert: Dear ImGui's vertices (position in framebuffer pixels, UV, colour) to clip space.
precision highp float;
uniform mat4 uProjection;
layout (location = 0) in vec2 aPosition;
layout (location = 1) in vec2 aUv;
layout (location = 2) in vec4 aColour;
out vec2 vUv;
out vec4 vColour;
void main() {
    vUv = aUv;
    vColour = aColour;
    gl_Position = uProjection * vec4(aPosition, 0.0, 1.0);
}
