#version 300 es
// points.vert: one scatter point per vertex, for the chart layer's GPU path
// (src/platform/scatter_gl_web.cpp). Positions arrive in scaled data units (log10 on log
// axes) relative to an origin chosen at upload, so float32 keeps precision; the CPU folds
// the visible range into uScale and uOffset in double precision.
precision highp float;

layout(location = 0) in vec2 aPosition;  // data units relative to the upload origin
layout(location = 1) in vec4 aColour;    // RGBA8, normalised

uniform vec2 uScale;       // clip units per data unit
uniform vec2 uOffset;      // clip position of the upload origin
uniform float uPointSize;  // diameter, framebuffer pixels
uniform float uAlpha;      // multiplies every point's alpha

out vec4 vColour;

void main() {
    gl_Position = vec4(aPosition * uScale + uOffset, 0.0, 1.0);
    gl_PointSize = uPointSize;
    vColour = vec4(aColour.rgb, aColour.a * uAlpha);
}
