#version 300 es
// ui.frag: a textured, vertex-coloured triangle (text, shapes, images) for Dear ImGui.
precision mediump float;
uniform sampler2D uTexture;
in vec2 vUv;
in vec4 vColour;
layout (location = 0) out vec4 outColour;
void main() {
    outColour = vColour * texture(uTexture, vUv);
}
