#version 300 es
// points.frag: a round point with a one-pixel soft edge, written with premultiplied alpha
// (the texture is blended with ONE, ONE_MINUS_SRC_ALPHA when the chart shows it).
precision mediump float;

in vec4 vColour;
uniform highp float uPointSize;  // same precision as in points.vert (the program fails to link otherwise)
out vec4 outColour;

void main() {
    float r = length(gl_PointCoord * 2.0 - 1.0);  // 0 at the centre, 1 at the rim
    float pixel = 2.0 / max(uPointSize, 1.0);       // one pixel in those units
    float coverage = 1.0 - smoothstep(1.0 - pixel, 1.0, r);
    if (coverage <= 0.0) discard;
    float a = vColour.a * coverage;
    outColour = vec4(vColour.rgb * a, a);
}
