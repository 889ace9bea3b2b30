// series.cpp: every series type (see series.hpp). Each one follows the same steps:
// register the item (legend, colour, visibility), read the caller's data through a getter,
// extend the automatic ranges, map to pixels through the frame's Mapper, draw into the
// chart's draw list within the vertex budget, and offer its nearest mark for hover.
//
// Contents
//   [1] Shared helpers: getters, sizes, short value labels, ring segments
//   [2] Lines, bands, error bars, reference lines
//   [3] Bars, bar groups, histograms (and binning)
//   [4] Scatter: CPU path, GPU path, hover grid, selection
//   [5] Heatmap and colour scale
//   [6] Donut and gauge
// Before imgui.h: ImVec2 arithmetic.
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/charts/series.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>

#include "ui/charts/chart_internal.hpp"
#include "ui/charts/scatter_renderer.hpp"
#include "ui/fonts.hpp"
#include "ui/theme.hpp"

namespace rapport::ui::charts {

using namespace detail;

// =======================================================================================
// [1] Shared helpers
// =======================================================================================

namespace {

constexpr double kPi = 3.14159265358979323846;
// Series at least this long keep derived data (extents, counts, hover grid) between frames
// while their data identity (pointers, n, generation) is unchanged.
constexpr int kCacheMinPoints = 20000;

struct ArrayGetter {
    const double* xs;
    const double* ys;
    ChartPoint operator()(int i) const { return ChartPoint{xs != nullptr ? xs[i] : static_cast<double>(i), ys[i]}; }
};

struct FunctionGetter {
    PointGetter fn;
    void* data;
    ChartPoint operator()(int i) const { return fn(i, data); }
};

bool finite2(const ChartPoint& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

float lineWidthOf(const SeriesSpec& spec) { return dp(spec.size > 0 ? spec.size : GetChartStyle().lineWidth); }
float markerOf(const SeriesSpec& spec) { return dp(spec.size > 0 ? spec.size : GetChartStyle().markerSize); }
float alphaOf(const SeriesSpec& spec, float fallback) {
    return spec.alpha >= 0 ? std::min(spec.alpha, 1.0f) : fallback;
}

bool wantsHover(SeriesFlags flags) { return frame().hoverActive && !(flags & SeriesFlags_NoHover); }

// A value short enough for a mark: "1.2k", "$52k", "12.5%".
std::string shortValue(AxisFormat format, const char* currency, double v) {
    if (!std::isfinite(v)) return formatGrouped(v, 0);
    const double a = std::fabs(v);
    std::string text;
    switch (format) {
        case AxisFormat::Percent: {
            text = formatGrouped(v * 100, a * 100 >= 10 ? 0 : 1);
            if (text.find('.') != std::string::npos) {
                while (text.back() == '0') text.pop_back();
                if (text.back() == '.') text.pop_back();
            }
            return text + "%";
        }
        case AxisFormat::Date:
            return formatExact(v, format, currency);
        case AxisFormat::Currency:
            text = std::string(currency != nullptr ? currency : "") +
                   (a >= 10000 ? formatCompact(a, 1) : formatGrouped(a, a < 100 && a != std::floor(a) ? 2 : 0));
            return v < 0 && text.find_first_of("123456789") != std::string::npos ? "-" + text : text;
        case AxisFormat::Integer:
            return a >= 10000 ? formatCompact(v, 1) : formatGrouped(std::round(v), 0);
        default:
            if (a >= 10000) return formatCompact(v, 1);
            if (a == std::floor(a)) return formatGrouped(v, 0);
            return formatExact(v, AxisFormat::Number);
    }
}

// A filled ring segment from angle a0 to a1 (radians, clockwise on screen), r0 < r1.
void fillRing(ImDrawList* dl, ImVec2 c, float r0, float r1, float a0, float a1, ImU32 col) {
    const int segments = std::max(2, static_cast<int>(std::ceil(std::fabs(a1 - a0) / (2 * kPi) * 96)));
    if (!reserveVertices((segments + 1) * 2 + 4 * segments)) return;
    dl->PrimReserve(segments * 6, (segments + 1) * 2);
    const ImVec2 uv = dl->_Data->TexUvWhitePixel;
    const ImDrawIdx base = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
    for (int k = 0; k <= segments; ++k) {
        const float a = a0 + (a1 - a0) * static_cast<float>(k) / static_cast<float>(segments);
        const ImVec2 dir(std::cos(a), std::sin(a));
        dl->_VtxWritePtr[0].pos = ImVec2(c.x + dir.x * r1, c.y + dir.y * r1);
        dl->_VtxWritePtr[0].uv = uv;
        dl->_VtxWritePtr[0].col = col;
        dl->_VtxWritePtr[1].pos = ImVec2(c.x + dir.x * r0, c.y + dir.y * r0);
        dl->_VtxWritePtr[1].uv = uv;
        dl->_VtxWritePtr[1].col = col;
        dl->_VtxWritePtr += 2;
    }
    for (int k = 0; k < segments; ++k) {
        const ImDrawIdx i = static_cast<ImDrawIdx>(base + 2 * k);
        dl->_IdxWritePtr[0] = i;
        dl->_IdxWritePtr[1] = static_cast<ImDrawIdx>(i + 1);
        dl->_IdxWritePtr[2] = static_cast<ImDrawIdx>(i + 2);
        dl->_IdxWritePtr[3] = static_cast<ImDrawIdx>(i + 1);
        dl->_IdxWritePtr[4] = static_cast<ImDrawIdx>(i + 3);
        dl->_IdxWritePtr[5] = static_cast<ImDrawIdx>(i + 2);
        dl->_IdxWritePtr += 6;
    }
    dl->_VtxCurrentIdx += static_cast<unsigned int>((segments + 1) * 2);
    // A hairline outline in the same colour smooths the edges (the strip is not anti-aliased).
    dl->PathArcTo(c, r1 - 0.5f, a0, a1, segments);
    dl->PathArcTo(c, r0 + 0.5f, a1, a0, segments);
    dl->PathStroke(col, ImDrawFlags_Closed, 1.0f);
}

// Clamps a pixel coordinate to a guard band around the plot, so far-away points keep
// their direction without float overflow.
ImVec2 guard(const ImRect& p, double x, double y) {
    const double g = 1e5;
    return ImVec2(static_cast<float>(std::clamp(x, p.Min.x - g, p.Max.x + g)),
                  static_cast<float>(std::clamp(y, p.Min.y - g, p.Max.y + g)));
}

std::string twoLines(std::string a, const std::string& b) {
    a += '\n';
    a += b;
    return a;
}

}  // namespace

// =======================================================================================
// [2] Lines, bands, error bars, reference lines
// =======================================================================================

namespace {

// Draws a polyline (with an optional fill down to `baseY`) within the vertex budget.
void strokePolyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 colour, float width, bool fill, float baseY,
                    ImU32 fillColour) {
    const int n = static_cast<int>(pts.size());
    if (n == 0) return;
    if (fill && n >= 2) {
        for (int i = 1; i < n; ++i) {
            if (!reserveVertices(4)) break;
            const ImVec2 a = pts[i - 1], b = pts[i];
            dl->PrimReserve(6, 4);
            dl->PrimQuadUV(a, b, ImVec2(b.x, baseY), ImVec2(a.x, baseY), dl->_Data->TexUvWhitePixel,
                           dl->_Data->TexUvWhitePixel, dl->_Data->TexUvWhitePixel, dl->_Data->TexUvWhitePixel,
                           fillColour);
        }
    }
    if (n == 1) {
        if (reserveVertices(32)) dl->AddCircleFilled(pts[0], std::max(width, dp(2)), colour, 12);
        return;
    }
    constexpr int kChunk = 2048;
    for (int start = 0; start < n - 1; start += kChunk - 1) {
        const int count = std::min(kChunk, n - start);
        if (!reserveVertices(count * 4 + 8)) return;
        dl->AddPolyline(pts.data() + start, count, colour, ImDrawFlags_None, width);
    }
}

template <class G>
void plotLineImpl(const char* label, const G& get, int n, const SeriesSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotLine outside BeginChart/EndChart");
        return;
    }
    const ItemContext item = beginItem(label, spec.colour, spec.flags);
    if (!item.visible || n <= 0) return;
    Frame& f = frame();
    const Mapper& m = f.map;
    const ImRect P = f.plotRect;
    const bool draw = !f.fitOnly;
    const bool hover = wantsHover(spec.flags);
    const float radius2 = dp(GetChartStyle().hoverRadius) * dp(GetChartStyle().hoverRadius);
    const float width = lineWidthOf(spec) * (item.emphasised ? 1.75f : 1.0f);
    const bool fill = (spec.flags & SeriesFlags_Fill) != 0;
    const ImU32 fillColour = withAlpha(item.colour, alphaOf(spec, 0.18f));
    float baseY = m.logY ? P.Max.y : m.pixelY(0);
    baseY = std::clamp(baseY, P.Min.y, P.Max.y);

    double xMin = DBL_MAX, xMax = -DBL_MAX, yMin = DBL_MAX, yMax = -DBL_MAX;
    HoverOffer best;
    float bestD2 = radius2;
    std::vector<ImVec2>& pts = f.state->scratch;
    pts.clear();

    // Per pixel column keep the first, lowest, highest and last point (in order): the
    // polyline then looks the same as with every point, at a few points per column.
    int column = INT_MIN, count = 0, iMin = 0, iMax = 0;
    ImVec2 first, lo, hi, last;
    auto flush = [&]() {
        if (count == 0) return;
        auto push = [&](ImVec2 q) {
            if (pts.empty() || pts.back().x != q.x || pts.back().y != q.y) pts.push_back(q);
        };
        push(first);
        if (iMin <= iMax) {
            push(lo);
            push(hi);
        } else {
            push(hi);
            push(lo);
        }
        push(last);
        count = 0;
    };
    auto breakLine = [&]() {
        flush();
        if (draw) strokePolyline(f.drawList, pts, item.colour, width, fill, baseY, fillColour);
        pts.clear();
        column = INT_MIN;
    };

    for (int i = 0; i < n; ++i) {
        const ChartPoint p = get(i);
        if (!finite2(p) || (m.logX && !(p.x > 0)) || (m.logY && !(p.y > 0))) {
            breakLine();
            continue;
        }
        xMin = std::min(xMin, p.x);
        xMax = std::max(xMax, p.x);
        yMin = std::min(yMin, p.y);
        yMax = std::max(yMax, p.y);
        if (!draw) continue;
        const double px = m.px0 + (m.sx(p.x) - m.sx0) * m.mx;
        const double py = m.py0 + (m.sy(p.y) - m.sy0) * m.my;
        const ImVec2 q = guard(P, px, py);
        if (hover) {
            const float dx = q.x - f.mouse.x, dy = q.y - f.mouse.y, d2 = dx * dx + dy * dy;
            if (d2 <= bestD2) {
                bestD2 = d2;
                best.index = i;
                best.x = p.x;
                best.y = p.y;
                best.highlight.kind = Highlight::Point;
                best.highlight.a = q;
            }
        }
        const int col = q.x < P.Min.x - 1   ? INT_MIN + 1
                        : q.x > P.Max.x + 1 ? INT_MAX
                                            : static_cast<int>(std::floor(q.x));
        if (col != column || count == 0) {
            flush();
            column = col;
            first = lo = hi = last = q;
            iMin = iMax = i;
            count = 1;
        } else {
            if (q.y > lo.y) {
                lo = q;
                iMin = i;
            }
            if (q.y < hi.y) {
                hi = q;
                iMax = i;
            }
            last = q;
            ++count;
        }
    }
    breakLine();
    if (xMin <= xMax) {
        fitX(xMin);
        fitX(xMax);
        fitY(yMin);
        fitY(yMax);
    }

    // Markers on every visible point, when few enough to read.
    if (draw && (spec.flags & SeriesFlags_Markers) && n <= 5000) {
        const float r = markerOf(spec) * 0.5f + dp(1);
        const ImU32 surface = toU32(palette().surface);
        for (int i = 0; i < n; ++i) {
            const ChartPoint p = get(i);
            if (!finite2(p)) continue;
            const ImVec2 q = m.toPixels(p.x, p.y);
            if (!P.Contains(q)) continue;
            if (!reserveVertices(60)) break;
            f.drawList->AddCircleFilled(q, r + dp(1), surface, 12);
            f.drawList->AddCircleFilled(q, r, item.colour, 12);
        }
    }

    if (best.index >= 0) {
        best.distance = std::sqrt(bestD2);
        best.highlight.b.x = markerOf(spec) * 0.5f + dp(1);
        if (hoverBeats(best.distance)) {
            takeHover(item, best, twoLines(axisLine(f.xSpec, "x", best.x), axisLine(f.ySpec, "y", best.y)));
        }
    }
}

}  // namespace

void PlotLine(const char* label, const double* xs, const double* ys, int n, const SeriesSpec& spec) {
    if (ys == nullptr) n = 0;
    plotLineImpl(label, ArrayGetter{xs, ys}, n, spec);
}

void PlotLine(const char* label, PointGetter getter, void* data, int n, const SeriesSpec& spec) {
    if (getter == nullptr) n = 0;
    plotLineImpl(label, FunctionGetter{getter, data}, n, spec);
}

void PlotBand(const char* label, const double* xs, const double* lo, const double* hi, int n, const SeriesSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotBand outside BeginChart/EndChart");
        return;
    }
    const ItemContext item = beginItem(label, spec.colour, spec.flags);
    if (!item.visible || n <= 0 || lo == nullptr || hi == nullptr) return;
    Frame& f = frame();
    const Mapper& m = f.map;
    const ImRect P = f.plotRect;
    const ImU32 colour = withAlpha(item.colour, alphaOf(spec, item.emphasised ? 0.4f : 0.25f));
    const bool hover = wantsHover(spec.flags);
    const float radius = dp(GetChartStyle().hoverRadius);
    HoverOffer best;
    best.distance = radius;
    double bestLo = 0, bestHi = 0;

    // One column (x, top, bottom) per pixel column: the envelope of the band there.
    struct Column {
        float x, top, bottom;
    };
    std::vector<Column> columns;
    auto drawColumns = [&]() {
        for (size_t k = 1; k < columns.size(); ++k) {
            if (!reserveVertices(4)) break;
            const Column& a = columns[k - 1];
            const Column& b = columns[k];
            const ImVec2 uv = f.drawList->_Data->TexUvWhitePixel;
            f.drawList->PrimReserve(6, 4);
            f.drawList->PrimQuadUV(ImVec2(a.x, a.top), ImVec2(b.x, b.top), ImVec2(b.x, b.bottom), ImVec2(a.x, a.bottom),
                                   uv, uv, uv, uv, colour);
        }
        columns.clear();
    };
    for (int i = 0; i < n; ++i) {
        const double x = xs != nullptr ? xs[i] : i;
        const double a = lo[i], b = hi[i];
        if (!std::isfinite(x) || !std::isfinite(a) || !std::isfinite(b) || (m.logY && (!(a > 0) || !(b > 0)))) {
            if (!f.fitOnly) drawColumns();
            continue;
        }
        fitX(x);
        fitY(a);
        fitY(b);
        if (f.fitOnly) continue;
        const ImVec2 top = guard(P, m.pixelX(x), m.pixelY(std::max(a, b)));
        const ImVec2 bottom = guard(P, m.pixelX(x), m.pixelY(std::min(a, b)));
        if (!columns.empty() && std::floor(columns.back().x) == std::floor(top.x)) {
            columns.back().top = std::min(columns.back().top, top.y);
            columns.back().bottom = std::max(columns.back().bottom, bottom.y);
        } else {
            columns.push_back({top.x, top.y, bottom.y});
        }
        if (hover) {
            const float dx = std::fabs(top.x - f.mouse.x);
            if (dx <= best.distance && f.mouse.y >= top.y - radius && f.mouse.y <= bottom.y + radius) {
                best.distance = dx;
                best.index = i;
                best.x = x;
                best.y = (a + b) / 2;
                bestLo = std::min(a, b);
                bestHi = std::max(a, b);
                best.highlight.kind = Highlight::Rect;
                best.highlight.a = ImVec2(top.x - dp(1), top.y);
                best.highlight.b = ImVec2(top.x + dp(1), bottom.y);
            }
        }
    }
    if (!f.fitOnly) drawColumns();
    if (best.index >= 0 && hoverBeats(best.distance)) {
        std::string text = axisLine(f.xSpec, "x", best.x);
        text += "\nHigh: " + exactValue(f.ySpec, bestHi);
        text += "\nLow: " + exactValue(f.ySpec, bestLo);
        takeHover(item, best, std::move(text));
    }
}

void PlotErrorBars(const char* label, const double* xs, const double* ys, const double* lo, const double* hi, int n,
                   const SeriesSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotErrorBars outside BeginChart/EndChart");
        return;
    }
    const ItemContext item = beginItem(label, spec.colour, spec.flags);
    if (!item.visible || n <= 0 || ys == nullptr || lo == nullptr || hi == nullptr) return;
    Frame& f = frame();
    const Mapper& m = f.map;
    const bool horizontal = (spec.flags & SeriesFlags_Horizontal) != 0;
    const float width = lineWidthOf(spec) * 0.75f * (item.emphasised ? 1.5f : 1.0f);
    const float cap = dp(5), dot = dp(3.5f);
    const bool hover = wantsHover(spec.flags);
    const float radius = dp(GetChartStyle().hoverRadius);
    HoverOffer best;
    best.distance = radius;
    ImDrawList* dl = f.drawList;
    for (int i = 0; i < n; ++i) {
        const double pos = xs != nullptr ? xs[i] : i;
        const double v = ys[i], a = lo[i], b = hi[i];
        if (!std::isfinite(pos) || !std::isfinite(v)) continue;
        const bool interval = std::isfinite(a) && std::isfinite(b);
        (horizontal ? fitY : fitX)(pos);
        (horizontal ? fitX : fitY)(v);
        if (interval) {
            (horizontal ? fitX : fitY)(a);
            (horizontal ? fitX : fitY)(b);
        }
        if (f.fitOnly) continue;
        auto at = [&](double value) { return horizontal ? m.toPixels(value, pos) : m.toPixels(pos, value); };
        const ImVec2 c = at(v);
        if (!std::isfinite(c.x) || !std::isfinite(c.y)) continue;
        ImVec2 p0 = c, p1 = c;
        if (interval) {
            p0 = at(a);
            p1 = at(b);
            if (!reserveVertices(64)) break;
            const ImVec2 along = horizontal ? ImVec2(0, cap) : ImVec2(cap, 0);
            dl->AddLine(p0, p1, item.colour, width);
            dl->AddLine(p0 - along, p0 + along, item.colour, width);
            dl->AddLine(p1 - along, p1 + along, item.colour, width);
        }
        if (!reserveVertices(40)) break;
        dl->AddCircleFilled(c, dot, item.colour, 12);
        if (hover) {
            // Distance to the whisker (a segment) or the dot.
            const ImVec2 closest = ImLineClosestPoint(p0, p1, f.mouse);
            const float d = std::min(ImSqrt(ImLengthSqr(closest - f.mouse)), ImSqrt(ImLengthSqr(c - f.mouse)));
            if (d <= best.distance) {
                best.distance = d;
                best.index = i;
                best.x = horizontal ? v : pos;
                best.y = horizontal ? pos : v;
                best.highlight.kind = Highlight::Point;
                best.highlight.a = c;
                best.highlight.b.x = dot;
            }
        }
    }
    if (best.index >= 0 && hoverBeats(best.distance)) {
        const int i = best.index;
        const AxisSpec& posAxis = horizontal ? f.ySpec : f.xSpec;
        const AxisSpec& valueAxis = horizontal ? f.xSpec : f.ySpec;
        std::string text = axisLine(posAxis, horizontal ? "y" : "x", xs != nullptr ? xs[i] : i);
        text += "\nEstimate: " + exactValue(valueAxis, ys[i]);
        if (std::isfinite(lo[i]) && std::isfinite(hi[i])) {
            text += "\nInterval: " + exactValue(valueAxis, std::min(lo[i], hi[i])) + " to " +
                    exactValue(valueAxis, std::max(lo[i], hi[i]));
        }
        takeHover(item, best, std::move(text));
    }
}

void PlotReferenceLine(const char* label, double value, bool vertical, const SeriesSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotReferenceLine outside BeginChart/EndChart");
        return;
    }
    SeriesSpec s = spec;
    if (s.colour == 0) s.colour = toU32(palette().textMuted);
    const ItemContext item = beginItem(label, s.colour, s.flags | SeriesFlags_NoLegend);
    if (!item.visible || !std::isfinite(value)) return;
    Frame& f = frame();
    (vertical ? fitX : fitY)(value);
    if (f.fitOnly) return;
    const ImRect P = f.plotRect;
    const float at = vertical ? f.map.pixelX(value) : f.map.pixelY(value);
    if (!std::isfinite(at)) return;
    const ImVec2 a = vertical ? ImVec2(at, P.Min.y) : ImVec2(P.Min.x, at);
    const ImVec2 b = vertical ? ImVec2(at, P.Max.y) : ImVec2(P.Max.x, at);
    if (!reserveVertices(40)) return;
    f.drawList->AddLine(a, b, item.colour, lineWidthOf(s) * 0.75f);
    const std::string shown = displayLabel(label);
    if (!shown.empty()) {
        ImFont* font = smallFont();
        const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, shown.c_str());
        const ImVec2 pos =
            vertical ? ImVec2(at + dp(4), P.Min.y + dp(2)) : ImVec2(P.Max.x - size.x - dp(4), at - size.y - dp(2));
        f.drawList->AddText(font, font->FontSize, pos, item.colour, shown.c_str());
    }
    if (wantsHover(s.flags)) {
        const float d = std::fabs((vertical ? f.mouse.x : f.mouse.y) - at);
        if (d <= dp(4) && hoverBeats(d)) {
            HoverOffer offer;
            offer.distance = d;
            offer.index = 0;
            offer.x = vertical ? value : 0;
            offer.y = vertical ? 0 : value;
            takeHover(item, offer, axisLine(vertical ? f.xSpec : f.ySpec, vertical ? "x" : "y", value));
        }
    }
}

// =======================================================================================
// [3] Bars, bar groups, histograms
// =======================================================================================

namespace {

// Not drawn: Min > Max, so no point is inside.
const ImRect kNoRect(FLT_MAX, FLT_MAX, -FLT_MAX, -FLT_MAX);

// One bar from `base` to `value` across [pos - half, pos + half]. Returns its pixel rect
// (empty when not drawn).
ImRect drawBar(Frame& f, double pos, double half, double base, double value, ImU32 colour, bool horizontal,
               float rounding) {
    const Mapper& m = f.map;
    if (horizontal ? m.logX : m.logY) base = horizontal ? f.tx.min : f.ty.min;
    ImVec2 a = horizontal ? m.toPixels(base, pos - half) : m.toPixels(pos - half, base);
    ImVec2 b = horizontal ? m.toPixels(value, pos + half) : m.toPixels(pos + half, value);
    if (!std::isfinite(a.x) || !std::isfinite(a.y) || !std::isfinite(b.x) || !std::isfinite(b.y)) return kNoRect;
    ImRect r(ImMin(a, b), ImMax(a, b));
    const ImRect& P = f.plotRect;
    r.Min = ImVec2(std::max(r.Min.x, P.Min.x - 4), std::max(r.Min.y, P.Min.y - 4));
    r.Max = ImVec2(std::min(r.Max.x, P.Max.x + 4), std::min(r.Max.y, P.Max.y + 4));
    if (r.Min.x > r.Max.x || r.Min.y > r.Max.y) return kNoRect;
    // At least one pixel across, so thin bars do not vanish.
    if (horizontal && r.GetHeight() < 1) r.Max.y = r.Min.y + 1;
    if (!horizontal && r.GetWidth() < 1) r.Max.x = r.Min.x + 1;
    const bool round = rounding > 0 && r.GetWidth() > 4 * rounding && r.GetHeight() > 2 * rounding;
    if (!reserveVertices(round ? 40 : 4)) return kNoRect;
    ImDrawFlags corners = 0;
    if (round) {
        const bool positive = value >= base;
        corners = horizontal ? (positive ? ImDrawFlags_RoundCornersRight : ImDrawFlags_RoundCornersLeft)
                             : (positive ? ImDrawFlags_RoundCornersTop : ImDrawFlags_RoundCornersBottom);
    }
    f.drawList->AddRectFilled(r.Min, r.Max, colour, round ? rounding : 0, corners);
    return r;
}

// Hover test for a bar: inside it, or within a few pixels of a very thin one.
bool barHovered(const ImRect& r, ImVec2 mouse, bool horizontal) {
    if (r.Min.x > r.Max.x) return false;
    ImRect hit = r;
    const float minAcross = dp(6);
    if (!horizontal && hit.GetWidth() < minAcross) hit.Expand(ImVec2((minAcross - hit.GetWidth()) * 0.5f, 0));
    if (horizontal && hit.GetHeight() < minAcross) hit.Expand(ImVec2(0, (minAcross - hit.GetHeight()) * 0.5f));
    return hit.Contains(mouse);
}

// The value beside the bar's end, or just inside it when the plot has no room beyond.
void barLabel(Frame& f, const ImRect& r, double value, bool horizontal, ImU32 barColour) {
    const AxisSpec& axis = horizontal ? f.xSpec : f.ySpec;
    const std::string text = shortValue(axis.format, axis.currency, value);
    ImFont* font = smallFont();
    const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str());
    const ImRect& P = f.plotRect;
    const float gap = dp(4);
    ImVec2 pos;
    bool inside = false;
    if (horizontal) {
        const float y = r.GetCenter().y - size.y * 0.5f;
        if (size.y > r.GetHeight() + dp(8)) return;
        if (value >= 0) {
            pos = ImVec2(r.Max.x + gap, y);
            if (pos.x + size.x > P.Max.x) pos.x = r.Max.x - gap - size.x, inside = true;
        } else {
            pos = ImVec2(r.Min.x - gap - size.x, y);
            if (pos.x < P.Min.x) pos.x = r.Min.x + gap, inside = true;
        }
    } else {
        const float x = r.GetCenter().x - size.x * 0.5f;
        if (size.x > r.GetWidth() + dp(8)) return;
        if (value >= 0) {
            pos = ImVec2(x, r.Min.y - dp(2) - size.y);
            if (pos.y < P.Min.y) pos.y = r.Min.y + dp(2), inside = true;
        } else {
            pos = ImVec2(x, r.Max.y + dp(2));
            if (pos.y + size.y > P.Max.y) pos.y = r.Max.y - dp(2) - size.y, inside = true;
        }
    }
    if (inside && (horizontal ? r.GetWidth() : r.GetHeight()) < (horizontal ? size.x : size.y) + 2 * gap) return;
    if (!reserveVertices(static_cast<int>(text.size()) * 4)) return;
    f.drawList->AddText(font, font->FontSize, pos, inside ? textColourOn(barColour) : toU32(palette().text),
                        text.c_str());
}

}  // namespace

void PlotBars(const char* label, const double* positions, const double* values, int n, double width,
              const SeriesSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotBars outside BeginChart/EndChart");
        return;
    }
    const ItemContext item = beginItem(label, spec.colour, spec.flags);
    if (!item.visible || n <= 0 || values == nullptr) return;
    Frame& f = frame();
    const bool horizontal = (spec.flags & SeriesFlags_Horizontal) != 0;
    if (!(width > 0) || !std::isfinite(width)) width = 0.8;
    const double half = width / 2;
    const ImU32 colour = item.emphasised ? withAlpha(item.colour, 1.0f) : withAlpha(item.colour, alphaOf(spec, 1.0f));
    const float rounding = n <= 400 ? dp(GetChartStyle().barRounding) : 0.0f;
    const bool hover = wantsHover(spec.flags);
    const bool labels = (spec.flags & SeriesFlags_Labels) != 0 && n <= 200;
    HoverOffer best;
    double posMin = DBL_MAX, posMax = -DBL_MAX, valueMin = 0, valueMax = 0;
    const ImRect P = f.plotRect;
    const Mapper& m = f.map;
    // More bars than pixels across: one rect per pixel column covering every bar in it (their
    // union: all grow from zero), instead of a million overlapping rects.
    const float across = horizontal ? P.GetHeight() : P.GetWidth();
    const bool dense = !f.fitOnly && n > 2 * static_cast<int>(across);
    std::vector<ImVec2>& columns = f.state->scratch;  // per pixel column: value-axis pixel extent
    if (dense) columns.assign(static_cast<size_t>(across) + 1, ImVec2(FLT_MAX, -FLT_MAX));
    const float base = horizontal ? (m.logX ? P.Min.x : m.pixelX(0)) : (m.logY ? P.Max.y : m.pixelY(0));
    for (int i = 0; i < n; ++i) {
        const double pos = positions != nullptr ? positions[i] : i;
        const double v = values[i];
        if (!std::isfinite(pos) || !std::isfinite(v)) continue;
        posMin = std::min(posMin, pos - half);
        posMax = std::max(posMax, pos + half);
        valueMin = std::min(valueMin, v);
        valueMax = std::max(valueMax, v);
        if (f.fitOnly) continue;
        if (dense) {
            const float centre = horizontal ? m.pixelY(pos) : m.pixelX(pos);
            const float end = horizontal ? m.pixelX(v) : m.pixelY(v);
            const float offset = horizontal ? centre - P.Min.y : centre - P.Min.x;
            if (!(offset >= 0 && offset <= across) || !std::isfinite(end)) continue;
            ImVec2& c = columns[static_cast<size_t>(offset)];
            c.x = std::min(c.x, std::min(base, end));
            c.y = std::max(c.y, std::max(base, end));
            if (hover) {
                const float d = std::fabs((horizontal ? f.mouse.y : f.mouse.x) - centre);
                const float along = horizontal ? f.mouse.x : f.mouse.y;
                if (d <= dp(3) && d <= best.distance && along >= std::min(base, end) - 1 &&
                    along <= std::max(base, end) + 1) {
                    best.distance = d;
                    best.index = i;
                    best.x = horizontal ? v : pos;
                    best.y = horizontal ? pos : v;
                    best.highlight.kind = Highlight::Rect;
                    best.highlight.a =
                        horizontal ? ImVec2(std::min(base, end), centre - 1) : ImVec2(centre - 1, std::min(base, end));
                    best.highlight.b =
                        horizontal ? ImVec2(std::max(base, end), centre + 1) : ImVec2(centre + 1, std::max(base, end));
                }
            }
            continue;
        }
        const ImRect r = drawBar(f, pos, half, 0.0, v, colour, horizontal, rounding);
        if (labels && r.Min.x <= r.Max.x) barLabel(f, r, v, horizontal, colour);
        if (hover && barHovered(r, f.mouse, horizontal)) {
            best.distance = 0;
            best.index = i;
            best.x = horizontal ? v : pos;
            best.y = horizontal ? pos : v;
            best.highlight.kind = Highlight::Rect;
            best.highlight.a = r.Min;
            best.highlight.b = r.Max;
        }
    }
    if (posMin <= posMax) {
        (horizontal ? fitY : fitX)(posMin);
        (horizontal ? fitY : fitX)(posMax);
        (horizontal ? fitX : fitY)(valueMin);
        (horizontal ? fitX : fitY)(valueMax);
    }
    if (dense) {
        for (size_t k = 0; k < columns.size(); ++k) {
            const ImVec2 c = columns[k];
            if (c.x > c.y || !reserveVertices(4)) continue;
            const float at = (horizontal ? P.Min.y : P.Min.x) + static_cast<float>(k);
            if (horizontal) {
                f.drawList->AddRectFilled(ImVec2(c.x, at), ImVec2(std::max(c.y, c.x + 1), at + 1), colour);
            } else {
                f.drawList->AddRectFilled(ImVec2(at, c.x), ImVec2(at + 1, std::max(c.y, c.x + 1)), colour);
            }
        }
    }
    if (best.index >= 0 && hoverBeats(best.distance)) {
        const AxisSpec& posAxis = horizontal ? f.ySpec : f.xSpec;
        const AxisSpec& valueAxis = horizontal ? f.xSpec : f.ySpec;
        const double pos = horizontal ? best.y : best.x, value = horizontal ? best.x : best.y;
        takeHover(item, best,
                  twoLines(axisLine(posAxis, horizontal ? "y" : "x", pos), axisLine(valueAxis, "Value", value)));
    }
}

namespace {

void plotBarGroups(const char* const* labels, const double* values, int seriesCount, int groupCount, double width,
                   const double* positions, const SeriesSpec& spec, bool stacked) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotGroupedBars/PlotStackedBars outside BeginChart/EndChart");
        return;
    }
    if (seriesCount <= 0 || labels == nullptr) return;
    Frame& f = frame();
    std::vector<ItemContext> items(static_cast<size_t>(seriesCount));
    int visible = 0;
    for (int s = 0; s < seriesCount; ++s) {
        items[s] = beginItem(labels[s] != nullptr ? labels[s] : "##series", 0, spec.flags);
        if (items[s].visible) ++visible;
    }
    if (groupCount <= 0 || values == nullptr || visible == 0) return;
    const bool horizontal = (spec.flags & SeriesFlags_Horizontal) != 0;
    if (!(width > 0) || !std::isfinite(width)) width = 0.8;
    const bool hover = wantsHover(spec.flags);
    const float rounding =
        !stacked && static_cast<int64_t>(groupCount) * visible <= 400 ? dp(GetChartStyle().barRounding) : 0.0f;
    int hoverSeries = -1;
    HoverOffer best;
    double hoverTotal = 0;
    for (int g = 0; g < groupCount; ++g) {
        const double pos = positions != nullptr ? positions[g] : g;
        if (!std::isfinite(pos)) continue;
        (horizontal ? fitY : fitX)(pos - width / 2);
        (horizontal ? fitY : fitX)(pos + width / 2);
        (horizontal ? fitX : fitY)(0.0);
        double up = 0, down = 0, total = 0;
        int k = 0;
        for (int s = 0; s < seriesCount; ++s) {
            if (!items[s].visible) continue;
            const double v = values[static_cast<int64_t>(s) * groupCount + g];
            const int slot = k++;
            if (!std::isfinite(v)) continue;
            total += v;
            double base = 0, top = v, centre = pos, half = width / 2;
            if (stacked) {
                base = v >= 0 ? up : down;
                top = base + v;
                (v >= 0 ? up : down) = top;
            } else {
                half = width / visible / 2;
                centre = pos - width / 2 + (2 * slot + 1) * half;
                half *= 0.92;  // a hair of space between neighbours
            }
            (horizontal ? fitX : fitY)(top);
            if (f.fitOnly) continue;
            const ImU32 colour =
                items[s].emphasised ? items[s].colour : withAlpha(items[s].colour, alphaOf(spec, 1.0f));
            ImRect r = drawBar(f, centre, half, base, top, colour, horizontal, rounding);
            // A hairline of the surface between stacked segments.
            if (stacked && base != 0 && r.Min.x <= r.Max.x && reserveVertices(4)) {
                const float at = horizontal ? f.map.pixelX(base) : f.map.pixelY(base);
                const ImU32 surface = toU32(palette().surface);
                if (horizontal) {
                    f.drawList->AddLine(ImVec2(at, r.Min.y), ImVec2(at, r.Max.y), surface, dp(1));
                } else {
                    f.drawList->AddLine(ImVec2(r.Min.x, at), ImVec2(r.Max.x, at), surface, dp(1));
                }
            }
            if (hover && barHovered(r, f.mouse, horizontal)) {
                hoverSeries = s;
                best.distance = 0;
                best.index = g;
                best.x = horizontal ? v : pos;
                best.y = horizontal ? pos : v;
                best.highlight.kind = Highlight::Rect;
                best.highlight.a = r.Min;
                best.highlight.b = r.Max;
                hoverTotal = 0;
            }
        }
        if (hoverSeries >= 0 && best.index == g) hoverTotal = total;
    }
    if (hoverSeries >= 0 && hoverBeats(best.distance)) {
        const AxisSpec& posAxis = horizontal ? f.ySpec : f.xSpec;
        const AxisSpec& valueAxis = horizontal ? f.xSpec : f.ySpec;
        const double pos = horizontal ? best.y : best.x, value = horizontal ? best.x : best.y;
        std::string text =
            twoLines(axisLine(posAxis, horizontal ? "y" : "x", pos), axisLine(valueAxis, "Value", value));
        if (stacked) text += "\nTotal: " + exactValue(valueAxis, hoverTotal);
        takeHover(items[hoverSeries], best, std::move(text));
    }
}

}  // namespace

void PlotGroupedBars(const char* const* labels, const double* values, int seriesCount, int groupCount,
                     double groupWidth, const double* positions, const SeriesSpec& spec) {
    plotBarGroups(labels, values, seriesCount, groupCount, groupWidth, positions, spec, false);
}

void PlotStackedBars(const char* const* labels, const double* values, int seriesCount, int groupCount, double width,
                     const double* positions, const SeriesSpec& spec) {
    plotBarGroups(labels, values, seriesCount, groupCount, width, positions, spec, true);
}

int sturgesBins(int64_t n) {
    if (n <= 1) return 1;
    return std::clamp(static_cast<int>(std::ceil(std::log2(static_cast<double>(n)))) + 1, 1, 200);
}

void uniformEdges(double lo, double hi, int bins, bool nice, std::vector<double>& edges) {
    edges.clear();
    bins = std::clamp(bins, 1, 10000);
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) std::swap(lo, hi);
    if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
    }
    if (nice) {
        const double step = niceNumber((hi - lo) / bins, false);
        if (step > 0 && std::isfinite(step)) {
            const double start = std::floor(lo / step + 1e-9) * step;
            int count = std::max(1, static_cast<int>(std::ceil((hi - start) / step - 1e-9)));
            while (start + count * step < hi) ++count;
            if (count <= 10000) {
                for (int k = 0; k <= count; ++k) edges.push_back(start + k * step);
                return;
            }
        }
    }
    for (int k = 0; k <= bins; ++k) edges.push_back(k == bins ? hi : lo + (hi - lo) * k / bins);
}

int64_t histogramCounts(const double* values, int n, const double* edges, int edgeCount, double* counts) {
    const int bins = edgeCount - 1;
    if (bins < 1 || edges == nullptr || counts == nullptr) return 0;
    std::fill(counts, counts + bins, 0.0);
    const double lo = edges[0], hi = edges[bins];
    // Equal bins: index by arithmetic, then nudge by one where rounding disagrees with the edges.
    const double width = (hi - lo) / bins;
    bool uniform = width > 0;
    for (int k = 1; k < bins && uniform; ++k)
        uniform = std::fabs(edges[k] - (lo + width * k)) <= 1e-9 * std::fabs(width) * bins;
    int64_t counted = 0;
    for (int i = 0; i < n; ++i) {
        const double v = values[i];
        if (!(v >= lo && v <= hi)) continue;
        int b;
        if (v == hi) {
            b = bins - 1;
        } else if (uniform) {
            b = std::clamp(static_cast<int>((v - lo) / width), 0, bins - 1);
            if (v < edges[b])
                --b;
            else if (b + 1 < bins && v >= edges[b + 1])
                ++b;
        } else {
            b = static_cast<int>(std::upper_bound(edges, edges + edgeCount, v) - edges) - 1;
            b = std::clamp(b, 0, bins - 1);
        }
        counts[b] += 1;
        ++counted;
    }
    return counted;
}

namespace {

void plotHistogramImpl(const char* label, const double* values, int n, int bins, const double* edges, int edgeCount,
                       const HistogramSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotHistogram outside BeginChart/EndChart");
        return;
    }
    const ItemContext item = beginItem(label, spec.colour, spec.flags);
    if (!item.visible || values == nullptr) n = 0;
    if (!item.visible) return;
    Frame& f = frame();
    SeriesCache& cache = f.state->cache(item.id, ImGui::GetFrameCount());
    const int variant = bins * 4 + (spec.share ? 1 : 0) + (edges != nullptr ? 2 : 0);
    auto sameNumber = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    const bool same = n >= kCacheMinPoints && cache.valid && cache.a == values && cache.b == edges && cache.n == n &&
                      cache.generation == spec.generation && cache.variant == variant &&
                      sameNumber(cache.xMin, spec.min) && sameNumber(cache.xMax, spec.max);
    if (!same) {
        if (edges != nullptr && edgeCount >= 2) {
            cache.edges.assign(edges, edges + edgeCount);
        } else {
            double lo = spec.min, hi = spec.max;
            int64_t finiteCount = 0;
            if (std::isnan(lo) || std::isnan(hi)) {
                double dataLo = DBL_MAX, dataHi = -DBL_MAX;
                for (int i = 0; i < n; ++i) {
                    if (!std::isfinite(values[i])) continue;
                    dataLo = std::min(dataLo, values[i]);
                    dataHi = std::max(dataHi, values[i]);
                    ++finiteCount;
                }
                if (std::isnan(lo)) lo = finiteCount > 0 ? dataLo : 0;
                if (std::isnan(hi)) hi = finiteCount > 0 ? dataHi : 1;
            } else {
                finiteCount = n;
            }
            uniformEdges(lo, hi, bins > 0 ? bins : sturgesBins(finiteCount), bins <= 0, cache.edges);
        }
        cache.counts.assign(cache.edges.size() - 1, 0.0);
        const int64_t counted =
            histogramCounts(values, n, cache.edges.data(), static_cast<int>(cache.edges.size()), cache.counts.data());
        if (spec.share && counted > 0) {
            for (double& c : cache.counts) c /= static_cast<double>(counted);
        }
        cache.a = values;
        cache.b = edges;
        cache.n = n;
        cache.generation = spec.generation;
        cache.variant = variant;
        cache.xMin = spec.min;
        cache.xMax = spec.max;
        cache.valid = true;
    }
    const bool horizontal = (spec.flags & SeriesFlags_Horizontal) != 0;
    const ImU32 colour = withAlpha(item.colour, alphaOf(spec, item.emphasised ? 1.0f : 0.85f));
    const bool hover = wantsHover(spec.flags);
    const int binCount = static_cast<int>(cache.counts.size());
    HoverOffer best;
    const double gapData = 0;  // bins touch; a pixel gap is drawn instead
    for (int b = 0; b < binCount; ++b) {
        const double e0 = cache.edges[b], e1 = cache.edges[b + 1], c = cache.counts[b];
        (horizontal ? fitY : fitX)(e0);
        (horizontal ? fitY : fitX)(e1);
        (horizontal ? fitX : fitY)(0.0);
        (horizontal ? fitX : fitY)(c);
        if (f.fitOnly || c <= 0) continue;
        ImRect r = drawBar(f, (e0 + e1) / 2, (e1 - e0) / 2 - gapData, 0.0, c, colour, horizontal, 0);
        if (r.Min.x <= r.Max.x && !horizontal && r.GetWidth() > dp(4)) {
            f.drawList->AddLine(ImVec2(r.Max.x - 0.5f, r.Min.y), ImVec2(r.Max.x - 0.5f, r.Max.y),
                                toU32(palette().surface), dp(1));
        }
        if (hover && barHovered(r, f.mouse, horizontal)) {
            best.distance = 0;
            best.index = b;
            best.x = horizontal ? c : (e0 + e1) / 2;
            best.y = horizontal ? (e0 + e1) / 2 : c;
            best.highlight.kind = Highlight::Rect;
            best.highlight.a = r.Min;
            best.highlight.b = r.Max;
        }
    }
    if (best.index >= 0 && hoverBeats(best.distance)) {
        const int b = best.index;
        const AxisSpec& binAxis = horizontal ? f.ySpec : f.xSpec;
        const bool last = b == binCount - 1;
        std::string text = "Range: " + exactValue(binAxis, cache.edges[b]) + " to " +
                           exactValue(binAxis, cache.edges[b + 1]) + (last ? " (inclusive)" : "");
        text += spec.share ? "\nShare: " + formatExact(cache.counts[b], AxisFormat::Percent)
                           : "\nCount: " + formatGrouped(cache.counts[b], 0);
        takeHover(item, best, std::move(text));
    }
}

}  // namespace

void PlotHistogram(const char* label, const double* values, int n, int bins, const HistogramSpec& spec) {
    plotHistogramImpl(label, values, n, bins, nullptr, 0, spec);
}

void PlotHistogram(const char* label, const double* values, int n, const double* edges, int edgeCount,
                   const HistogramSpec& spec) {
    if (edges == nullptr || edgeCount < 2) {
        plotHistogramImpl(label, values, n, 0, nullptr, 0, spec);
        return;
    }
    plotHistogramImpl(label, values, n, edgeCount - 1, edges, edgeCount, spec);
}

// =======================================================================================
// [4] Scatter
// =======================================================================================

namespace {

struct ScatterColours {
    const ImU32* colours = nullptr;
    const int* groups = nullptr;
};

template <class G>
void buildGrid(PointGrid& grid, const G& get, int n, bool logX, bool logY) {
    grid.clear();
    double x0 = DBL_MAX, x1 = -DBL_MAX, y0 = DBL_MAX, y1 = -DBL_MAX;
    for (int i = 0; i < n; ++i) {
        const ChartPoint p = get(i);
        const double sx = Mapper::scaled(p.x, logX), sy = Mapper::scaled(p.y, logY);
        if (!std::isfinite(sx) || !std::isfinite(sy)) continue;
        x0 = std::min(x0, sx);
        x1 = std::max(x1, sx);
        y0 = std::min(y0, sy);
        y1 = std::max(y1, sy);
    }
    if (x0 > x1) return;
    const int side = std::clamp(static_cast<int>(std::sqrt(n / 4.0)), 1, 1024);
    grid.cols = grid.rows = side;
    grid.x0 = x0;
    grid.y0 = y0;
    grid.cellW = x1 > x0 ? (x1 - x0) / side : 1;
    grid.cellH = y1 > y0 ? (y1 - y0) / side : 1;
    grid.start.assign(static_cast<size_t>(side) * side + 1, 0);
    auto cellOf = [&](double sx, double sy) {
        const int cx = std::clamp(static_cast<int>((sx - grid.x0) / grid.cellW), 0, side - 1);
        const int cy = std::clamp(static_cast<int>((sy - grid.y0) / grid.cellH), 0, side - 1);
        return cy * side + cx;
    };
    for (int i = 0; i < n; ++i) {
        const ChartPoint p = get(i);
        const double sx = Mapper::scaled(p.x, logX), sy = Mapper::scaled(p.y, logY);
        if (std::isfinite(sx) && std::isfinite(sy)) ++grid.start[cellOf(sx, sy) + 1];
    }
    for (size_t c = 1; c < grid.start.size(); ++c) grid.start[c] += grid.start[c - 1];
    grid.order.resize(static_cast<size_t>(grid.start.back()));
    std::vector<int32_t> fill(grid.start.begin(), grid.start.end() - 1);
    for (int i = 0; i < n; ++i) {
        const ChartPoint p = get(i);
        const double sx = Mapper::scaled(p.x, logX), sy = Mapper::scaled(p.y, logY);
        if (std::isfinite(sx) && std::isfinite(sy)) grid.order[fill[cellOf(sx, sy)]++] = i;
    }
}

// The nearest point within `radius` pixels of the mouse, visiting only the cells the
// radius touches. Returns -1 when there is none.
template <class G>
int nearestInGrid(const PointGrid& grid, const G& get, const Mapper& m, ImVec2 mouse, float radius, float* bestD2) {
    if (grid.cols == 0) return -1;
    double ax = m.scaledXOfPixel(mouse.x - radius), bx = m.scaledXOfPixel(mouse.x + radius);
    double ay = m.scaledYOfPixel(mouse.y + radius), by = m.scaledYOfPixel(mouse.y - radius);
    if (ax > bx) std::swap(ax, bx);
    if (ay > by) std::swap(ay, by);
    const double gx1 = grid.x0 + grid.cellW * grid.cols, gy1 = grid.y0 + grid.cellH * grid.rows;
    if (bx < grid.x0 || ax > gx1 || by < grid.y0 || ay > gy1) return -1;
    auto cell = [](double v, double origin, double size, int count) {
        return std::clamp(static_cast<int>(std::floor((v - origin) / size)), 0, count - 1);
    };
    const int c0 = cell(ax, grid.x0, grid.cellW, grid.cols), c1 = cell(bx, grid.x0, grid.cellW, grid.cols);
    const int r0 = cell(ay, grid.y0, grid.cellH, grid.rows), r1 = cell(by, grid.y0, grid.cellH, grid.rows);
    int best = -1;
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            const int cellIndex = r * grid.cols + c;
            for (int k = grid.start[cellIndex]; k < grid.start[cellIndex + 1]; ++k) {
                const int i = grid.order[k];
                const ChartPoint p = get(i);
                const ImVec2 q = m.toPixels(p.x, p.y);
                const float dx = q.x - mouse.x, dy = q.y - mouse.y, d2 = dx * dx + dy * dy;
                if (d2 <= *bestD2) {
                    *bestD2 = d2;
                    best = i;
                }
            }
        }
    }
    return best;
}

// Indices of the points inside the current selection, exactly (scaled units).
template <class G>
void selectPoints(const G& get, int n, std::vector<int32_t>& out) {
    Frame& f = frame();
    const Selection& sel = f.state->selection;
    out.clear();
    const bool lx = f.tx.log, ly = f.ty.log;
    if (sel.kind == SelectionKind::Box) {
        const ChartPoint a{Mapper::scaled(sel.min.x, lx), Mapper::scaled(sel.min.y, ly)};
        const ChartPoint b{Mapper::scaled(sel.max.x, lx), Mapper::scaled(sel.max.y, ly)};
        for (int i = 0; i < n; ++i) {
            const ChartPoint p = get(i);
            if (pointInBox(a, b, Mapper::scaled(p.x, lx), Mapper::scaled(p.y, ly))) out.push_back(i);
        }
        return;
    }
    const PolygonHitTester* tester = selectionTester();
    if (tester == nullptr) return;
    for (int i = 0; i < n; ++i) {
        const ChartPoint p = get(i);
        if (tester->contains(Mapper::scaled(p.x, lx), Mapper::scaled(p.y, ly))) out.push_back(i);
    }
}

template <class G>
void plotScatterImpl(const char* label, const G& get, int n, const void* keyA, const void* keyB, ScatterColours cs,
                     const SeriesSpec& spec, const ScatterBatch& dataForGpu) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotScatter outside BeginChart/EndChart");
        return;
    }
    const ItemContext item = beginItem(label, spec.colour, spec.flags);
    if (!item.visible) return;
    n = std::max(0, n);
    Frame& f = frame();
    ChartState& st = *f.state;
    const ChartStyle& style = GetChartStyle();
    const Mapper& m = f.map;
    const ImRect P = f.plotRect;
    const int frameCount = ImGui::GetFrameCount();
    SeriesCache& cache = st.cache(item.id, frameCount);
    const int variant = (m.logX ? 1 : 0) | (m.logY ? 2 : 0);
    const void* keyC =
        cs.colours != nullptr ? static_cast<const void*>(cs.colours) : static_cast<const void*>(cs.groups);
    const bool large = n >= kCacheMinPoints;
    const bool sameData = cache.valid && cache.a == keyA && cache.b == keyB && cache.c == keyC && cache.n == n &&
                          cache.generation == spec.generation && cache.variant == variant;
    if (!sameData) {
        cache.valid = true;
        cache.a = keyA;
        cache.b = keyB;
        cache.c = keyC;
        cache.n = n;
        cache.generation = spec.generation;
        cache.variant = variant;
        cache.grid.clear();
        cache.gpuSynced = false;
        cache.selectionGeneration = 0;
        cache.xMin = cache.yMin = DBL_MAX;
        cache.xMax = cache.yMax = -DBL_MAX;
        if (large) {
            for (int i = 0; i < n; ++i) {
                const ChartPoint p = get(i);
                if (!finite2(p) || (m.logX && !(p.x > 0)) || (m.logY && !(p.y > 0))) continue;
                cache.xMin = std::min(cache.xMin, p.x);
                cache.xMax = std::max(cache.xMax, p.x);
                cache.yMin = std::min(cache.yMin, p.y);
                cache.yMax = std::max(cache.yMax, p.y);
            }
        }
    }

    // Selection: the exact indices, recomputed when the shape or the data change.
    const Selection& sel = st.selection;
    const std::vector<int32_t>* selected = nullptr;
    if (sel.kind != SelectionKind::None) {
        const std::string shown = displayLabel(label);
        SelectedSeries* entry = nullptr;
        for (SelectedSeries& s : st.selection.series) {
            if (s.label == shown) entry = &s;
        }
        if (entry == nullptr) {
            st.selection.series.push_back(SelectedSeries{shown, {}});
            entry = &st.selection.series.back();
            cache.selectionGeneration = 0;
        }
        if (!large || cache.selectionGeneration != sel.generation) {
            selectPoints(get, n, entry->indices);
            cache.selectionGeneration = sel.generation;
        }
        selected = &entry->indices;
    }

    const float size = markerOf(spec) * (item.emphasised ? 1.4f : 1.0f);
    const float half = size * 0.5f;
    const float alpha = alphaOf(spec, n > 10000 ? 0.55f : 0.85f);
    const bool hover = wantsHover(spec.flags);
    const float radius = dp(style.hoverRadius);
    float bestD2 = radius * radius;
    int bestIndex = -1;
    bool drawnOnGpu = false;

    // ---- GPU path ----
    ScatterRenderer* renderer = GetScatterRenderer();
    if (renderer != nullptr && n >= style.gpuMinPoints && !f.fitOnly && P.GetWidth() >= 1 && P.GetHeight() >= 1) {
        ScatterBatch batch = dataForGpu;
        batch.key = item.id;
        batch.count = n;
        batch.colours = cs.colours;
        batch.groups = cs.groups;
        ImU32 palette[kSeriesColourCount];
        for (int k = 0; k < kSeriesColourCount; ++k) palette[k] = seriesColour(k);
        batch.groupColours = palette;
        batch.groupColourCount = kSeriesColourCount;
        batch.colour = item.colour;
        batch.mutedColour = seriesColour(-1);
        batch.logX = m.logX;
        batch.logY = m.logY;
        batch.dataChanged = !cache.gpuSynced;
        batch.xMin = f.tx.scaled(f.tx.min);
        batch.xMax = f.tx.scaled(f.tx.max);
        batch.yMin = f.ty.scaled(f.ty.min);
        batch.yMax = f.ty.scaled(f.ty.max);
        batch.width = static_cast<int>(std::lround(P.GetWidth()));
        batch.height = static_cast<int>(std::lround(P.GetHeight()));
        batch.pointSize = size;
        batch.alpha = alpha;
        const ImTextureID texture = renderer->render(batch);
        if (texture != ImTextureID{}) {
            renderer->addImage(f.drawList, texture, P.Min, ImVec2(P.Min.x + batch.width, P.Min.y + batch.height));
            cache.gpuSynced = true;
            drawnOnGpu = true;
        } else {
            cache.gpuSynced = false;
        }
    }

    // ---- CPU path (and extents of small series) ----
    double xMin = DBL_MAX, xMax = -DBL_MAX, yMin = DBL_MAX, yMax = -DBL_MAX;
    const bool drawCpu = !drawnOnGpu && !f.fitOnly;
    if (drawCpu || !large) {
        ImDrawList* dl = f.drawList;
        const bool thin = n > style.decimateAbove;
        const float cell = std::max(1.0f, std::round(half));
        const int gw = thin ? static_cast<int>(std::ceil(P.GetWidth() / cell)) + 1 : 0;
        const int gh = thin ? static_cast<int>(std::ceil(P.GetHeight() / cell)) + 1 : 0;
        if (thin) st.occupancy.assign(static_cast<size_t>(gw) * gh, 0);
        const bool circles = n <= 5000;
        int budget = std::min(style.pointBudget, vertexRoom() / (circles ? 26 : 4));
        const ImU32 single = withAlpha(item.colour, alpha);
        ImU32 groupColours[kSeriesColourCount + 1];
        for (int k = 0; k < kSeriesColourCount; ++k) groupColours[k] = withAlpha(seriesColour(k), alpha);
        groupColours[kSeriesColourCount] = withAlpha(seriesColour(-1), alpha);
        const ImVec2 uv = dl->_Data->TexUvWhitePixel;
        size_t nextSelected = 0;
        const float minX = P.Min.x - half, maxX = P.Max.x + half, minY = P.Min.y - half, maxY = P.Max.y + half;
        // Quads are written in blocks reserved up front, the unused tail given back.
        constexpr int kBlock = 1024;
        int blockLeft = 0;
        int drawn = 0;
        bool skipped = false;
        for (int i = 0; i < n; ++i) {
            const ChartPoint p = get(i);
            if (!finite2(p)) continue;
            if (!large && !(m.logX && !(p.x > 0)) && !(m.logY && !(p.y > 0))) {
                xMin = std::min(xMin, p.x);
                xMax = std::max(xMax, p.x);
                yMin = std::min(yMin, p.y);
                yMax = std::max(yMax, p.y);
            }
            if (!drawCpu) continue;
            const ImVec2 q = m.toPixels(p.x, p.y);
            if (!(q.x >= minX && q.x <= maxX && q.y >= minY && q.y <= maxY)) continue;
            if (hover) {
                const float dx = q.x - f.mouse.x, dy = q.y - f.mouse.y, d2 = dx * dx + dy * dy;
                if (d2 <= bestD2) {
                    bestD2 = d2;
                    bestIndex = i;
                }
            }
            if (drawn >= budget) {
                skipped = true;
                continue;
            }
            if (thin) {
                const int cx = std::clamp(static_cast<int>((q.x - P.Min.x) / cell), 0, gw - 1);
                const int cy = std::clamp(static_cast<int>((q.y - P.Min.y) / cell), 0, gh - 1);
                uint8_t& used = st.occupancy[static_cast<size_t>(cy) * gw + cx];
                if (used) continue;
                used = 1;
            }
            ImU32 col = single;
            if (cs.colours != nullptr) {
                col = withAlpha(cs.colours[i], alpha);
            } else if (cs.groups != nullptr) {
                const int g = cs.groups[i];
                col = groupColours[g < 0 ? kSeriesColourCount : g % kSeriesColourCount];
            }
            if (selected != nullptr) {
                while (nextSelected < selected->size() && (*selected)[nextSelected] < i) ++nextSelected;
                const bool in = nextSelected < selected->size() && (*selected)[nextSelected] == i;
                if (!in) col = withAlpha(col, 0.3f);
            }
            ++drawn;
            if (circles) {
                if (!reserveVertices(26)) {
                    drawn = budget;
                    skipped = true;
                    continue;
                }
                dl->AddCircleFilled(q, half, col, 10);
                continue;
            }
            if (blockLeft == 0) {
                const int block = std::min(kBlock, budget - drawn + 1);
                if (!reserveVertices(block * 4)) {
                    drawn = budget;
                    skipped = true;
                    continue;
                }
                dl->PrimReserve(block * 6, block * 4);
                blockLeft = block;
            }
            dl->PrimRectUV(ImVec2(q.x - half, q.y - half), ImVec2(q.x + half, q.y + half), uv, uv, col);
            --blockLeft;
        }
        if (blockLeft > 0) {
            dl->PrimUnreserve(blockLeft * 6, blockLeft * 4);
            f.verticesUsed -= blockLeft * 4;
        }
        if (skipped) f.truncated = true;  // left out for the budget, not hidden under others
    }
    if (large) {
        xMin = cache.xMin;
        xMax = cache.xMax;
        yMin = cache.yMin;
        yMax = cache.yMax;
    }
    if (xMin <= xMax) {
        fitX(xMin);
        fitX(xMax);
        fitY(yMin);
        fitY(yMax);
    }

    // ---- Hover on the GPU path: the grid index, built once per data identity ----
    if (drawnOnGpu && hover) {
        if (cache.grid.cols == 0) buildGrid(cache.grid, get, n, m.logX, m.logY);
        bestIndex = nearestInGrid(cache.grid, get, m, f.mouse, radius, &bestD2);
    }
    if (bestIndex >= 0) {
        const ChartPoint p = get(bestIndex);
        HoverOffer offer;
        offer.distance = std::sqrt(bestD2);
        offer.index = bestIndex;
        offer.x = p.x;
        offer.y = p.y;
        offer.highlight.kind = Highlight::Point;
        offer.highlight.a = m.toPixels(p.x, p.y);
        offer.highlight.b.x = std::max(half, dp(3)) + dp(1);
        if (cs.colours != nullptr) offer.highlight.colour = cs.colours[bestIndex] | IM_COL32_A_MASK;
        if (cs.groups != nullptr) offer.highlight.colour = seriesColour(cs.groups[bestIndex]);
        if (hoverBeats(offer.distance)) {
            std::string text = twoLines(axisLine(f.xSpec, "x", p.x), axisLine(f.ySpec, "y", p.y));
            if (cs.groups != nullptr) text += "\nGroup: " + std::to_string(cs.groups[bestIndex]);
            takeHover(item, offer, std::move(text));
        }
    }
}

}  // namespace

void PlotScatter(const char* label, const double* xs, const double* ys, int n, const SeriesSpec& spec) {
    if (ys == nullptr) n = 0;
    ScatterBatch data;
    data.xs = xs;
    data.ys = ys;
    plotScatterImpl(label, ArrayGetter{xs, ys}, n, xs, ys, ScatterColours{}, spec, data);
}

void PlotScatter(const char* label, const double* xs, const double* ys, int n, const ImU32* colours,
                 const SeriesSpec& spec) {
    if (ys == nullptr) n = 0;
    ScatterBatch data;
    data.xs = xs;
    data.ys = ys;
    plotScatterImpl(label, ArrayGetter{xs, ys}, n, xs, ys, ScatterColours{colours, nullptr}, spec, data);
}

void PlotScatter(const char* label, const double* xs, const double* ys, int n, const int* groups,
                 const SeriesSpec& spec) {
    if (ys == nullptr) n = 0;
    ScatterBatch data;
    data.xs = xs;
    data.ys = ys;
    plotScatterImpl(label, ArrayGetter{xs, ys}, n, xs, ys, ScatterColours{nullptr, groups}, spec, data);
}

void PlotScatter(const char* label, PointGetter getter, void* data, int n, const SeriesSpec& spec) {
    if (getter == nullptr) n = 0;
    ScatterBatch batch;
    batch.getter = getter;
    batch.getterData = data;
    plotScatterImpl(label, FunctionGetter{getter, data}, n, reinterpret_cast<const void*>(getter), data,
                    ScatterColours{}, spec, batch);
}

// =======================================================================================
// [5] Heatmap and colour scale
// =======================================================================================

void PlotHeatmap(const char* label, const double* values, int rows, int cols, double min, double max,
                 const char* const* rowLabels, const char* const* colLabels, const HeatmapSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotHeatmap outside BeginChart/EndChart");
        return;
    }
    Frame& f = frame();
    rows = std::max(0, rows);
    cols = std::max(0, cols);
    if (!f.locked && !f.setupDone) {
        // Categories named by the labels; row 0 at the top, so the y names run bottom-up.
        f.categoryScratch.assign(static_cast<size_t>(rows) + static_cast<size_t>(cols), nullptr);
        // Without names the axes stay blank: cell numbers mean nothing to a reader.
        for (int c = 0; c < cols; ++c) f.categoryScratch[c] = colLabels != nullptr ? colLabels[c] : "";
        for (int r = 0; r < rows; ++r)
            f.categoryScratch[cols + r] = rowLabels != nullptr ? rowLabels[rows - 1 - r] : "";
        AxisSpec x, y;
        x.format = y.format = AxisFormat::Category;
        x.min = -0.5;
        x.max = std::max(cols, 1) - 0.5;
        y.min = -0.5;
        y.max = std::max(rows, 1) - 0.5;
        if (cols > 0) {
            x.categoryNames = f.categoryScratch.data();
            x.categoryCount = cols;
        }
        if (rows > 0) {
            y.categoryNames = f.categoryScratch.data() + cols;
            y.categoryCount = rows;
        }
        SetupAxes(x, y);
    }
    const ItemContext item = beginItem(label, toU32(palette().accent), SeriesFlags_NoLegend);
    if (!item.visible || values == nullptr || rows == 0 || cols == 0) return;
    const int64_t cells = static_cast<int64_t>(rows) * cols;
    if (!(max > min)) {
        min = DBL_MAX;
        max = -DBL_MAX;
        for (int64_t k = 0; k < cells; ++k) {
            if (!std::isfinite(values[k])) continue;
            min = std::min(min, values[k]);
            max = std::max(max, values[k]);
        }
        if (min > max) min = max = 0;
        if (!(max > min)) max = min + 1;
    }
    fitX(-0.5);
    fitX(cols - 0.5);
    fitY(-0.5);
    fitY(rows - 0.5);
    if (f.fitOnly) return;
    const Mapper& m = f.map;
    const float cellW = std::fabs(m.pixelX(1) - m.pixelX(0)), cellH = std::fabs(m.pixelY(1) - m.pixelY(0));
    if (!std::isfinite(cellW) || !std::isfinite(cellH)) return;
    // Cells smaller than a pixel: draw every k-th, each covering its k x k block.
    const int stepC = cellW < 1 ? static_cast<int>(std::ceil(1.0f / std::max(cellW, 1e-6f))) : 1;
    const int stepR = cellH < 1 ? static_cast<int>(std::ceil(1.0f / std::max(cellH, 1e-6f))) : 1;
    const float gap = cellW > dp(10) && cellH > dp(10) ? dp(1) : 0.0f;
    const bool dark = isDarkTheme();
    ImFont* font = smallFont();
    const bool cellText = spec.cellFormat != nullptr && cellW > dp(24) && cellH > font->FontSize + dp(2);
    const int c0 = std::clamp(static_cast<int>(std::floor(f.tx.min + 0.5)), 0, cols - 1);
    const int c1 = std::clamp(static_cast<int>(std::ceil(f.tx.max - 0.5)), 0, cols - 1);
    const int y0 = std::clamp(static_cast<int>(std::floor(f.ty.min + 0.5)), 0, rows - 1);
    const int y1 = std::clamp(static_cast<int>(std::ceil(f.ty.max - 0.5)), 0, rows - 1);
    char buf[64];
    for (int yi = y0; yi <= y1; yi += stepR) {
        const int r = rows - 1 - yi;
        for (int c = c0; c <= c1; c += stepC) {
            const double v = values[static_cast<int64_t>(r) * cols + c];
            const ImVec2 a = m.toPixels(c - 0.5, yi + std::min(stepR, rows - yi) - 0.5);
            const ImVec2 b = m.toPixels(c + std::min(stepC, cols - c) - 0.5, yi - 0.5);
            const ImRect rect(ImMin(a, b) + ImVec2(gap, gap), ImMax(a, b) - ImVec2(gap, gap));
            if (!reserveVertices(4)) break;
            const double t = std::isfinite(v) ? (v - min) / (max - min) : kNaN;
            const ImU32 colour = ImGui::ColorConvertFloat4ToU32(sampleColormapFor(spec.colormap, t, dark));
            f.drawList->AddRectFilled(rect.Min, rect.Max, colour);
            if (cellText && std::isfinite(v)) {
                std::snprintf(buf, sizeof buf, spec.cellFormat, v);
                const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, buf);
                if (size.x + dp(4) <= rect.GetWidth() && reserveVertices(static_cast<int>(std::strlen(buf)) * 4)) {
                    f.drawList->AddText(font, font->FontSize, rect.GetCenter() - size * 0.5f, textColourOn(colour),
                                        buf);
                }
            }
        }
    }
    if (wantsHover(0)) {
        const ChartPoint d{m.scaledXOfPixel(f.mouse.x), m.scaledYOfPixel(f.mouse.y)};
        const int c = static_cast<int>(std::floor(d.x + 0.5)), yi = static_cast<int>(std::floor(d.y + 0.5));
        if (c >= 0 && c < cols && yi >= 0 && yi < rows && hoverBeats(0)) {
            const int r = rows - 1 - yi;
            HoverOffer offer;
            offer.distance = 0;
            offer.index = r * cols + c;
            offer.x = c;
            offer.y = r;
            offer.highlight.kind = Highlight::Rect;
            offer.highlight.a = ImMin(m.toPixels(c - 0.5, yi + 0.5), m.toPixels(c + 0.5, yi - 0.5));
            offer.highlight.b = ImMax(m.toPixels(c - 0.5, yi + 0.5), m.toPixels(c + 0.5, yi - 0.5));
            const double v = values[static_cast<int64_t>(r) * cols + c];
            offer.highlight.colour = ImGui::ColorConvertFloat4ToU32(
                sampleColormapFor(spec.colormap, std::isfinite(v) ? (v - min) / (max - min) : kNaN, dark));
            const std::string rowName =
                rowLabels != nullptr && rowLabels[r] != nullptr ? rowLabels[r] : formatGrouped(r, 0);
            const std::string colName =
                colLabels != nullptr && colLabels[c] != nullptr ? colLabels[c] : formatGrouped(c, 0);
            std::string text =
                std::string(f.ySpec.label != nullptr && f.ySpec.label[0] ? f.ySpec.label : "Row") + ": " + rowName;
            text += "\n" + std::string(f.xSpec.label != nullptr && f.xSpec.label[0] ? f.xSpec.label : "Column") + ": " +
                    colName;
            text += "\nValue: " +
                    (std::isfinite(v) ? formatExact(v, spec.valueFormat, spec.currency) : std::string("no data"));
            takeHover(item, offer, std::move(text));
        }
    }
}

void ColourScaleLegend(const char* id, double min, double max, Colormap map, ImVec2 size, AxisFormat format,
                       const char* currency) {
    ImGuiWindow* window = ImGui::GetCurrentWindow();
    if (window->SkipItems) return;
    IM_ASSERT(!inChart() && "ColourScaleLegend is its own item: call it outside BeginChart/EndChart");
    ImFont* font = smallFont();
    const float fs = font->FontSize;
    if (!(max > min)) max = min + 1;
    if (size.x <= 0) size.x = dp(72);
    if (size.y <= 0) size.y = dp(GetChartStyle().defaultHeight);
    const ImRect bb(window->DC.CursorPos, window->DC.CursorPos + size);
    ImGui::ItemSize(bb);
    if (!ImGui::ItemAdd(bb, window->GetID(id))) return;
    ImDrawList* dl = window->DrawList;
    const float top = bb.Min.y + dp(GetChartStyle().padding) + fs, bottom = bb.Max.y - dp(GetChartStyle().padding) - fs;
    if (bottom <= top) return;
    const float barW = dp(12);
    const float x0 = bb.Min.x + dp(4), x1 = x0 + barW;
    const bool dark = isDarkTheme();
    constexpr int kSteps = 32;
    for (int k = 0; k < kSteps; ++k) {
        const float ya = bottom - (bottom - top) * k / kSteps, yb = bottom - (bottom - top) * (k + 1) / kSteps;
        const ImU32 ca = ImGui::ColorConvertFloat4ToU32(sampleColormapFor(map, static_cast<double>(k) / kSteps, dark));
        const ImU32 cb =
            ImGui::ColorConvertFloat4ToU32(sampleColormapFor(map, static_cast<double>(k + 1) / kSteps, dark));
        dl->AddRectFilledMultiColor(ImVec2(x0, yb), ImVec2(x1, ya), cb, cb, ca, ca);
    }
    dl->AddRect(ImVec2(x0, top), ImVec2(x1, bottom), toU32(palette().border));
    std::vector<double> ticks;
    const double step = linearTicks(min, max, std::max(2, static_cast<int>((bottom - top) / dp(40))), ticks);
    const LabelStyle style = chooseLabelStyle(format, min, max, step, currency);
    for (double t : ticks) {
        const float y = bottom - static_cast<float>((t - min) / (max - min)) * (bottom - top);
        dl->AddLine(ImVec2(x1, y), ImVec2(x1 + dp(3), y), toU32(palette().textMuted));
        const std::string text = formatTick(t, style);
        dl->AddText(font, fs, ImVec2(x1 + dp(6), y - fs * 0.5f), toU32(palette().textMuted), text.c_str());
    }
}

// =======================================================================================
// [6] Donut and gauge
// =======================================================================================

void PlotDonut(const char* label, const char* const* labels, const double* values, int n, const DonutSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotDonut outside BeginChart/EndChart");
        return;
    }
    Frame& f = frame();
    f.axisFree = true;
    const ItemContext donut = beginItem(label, toU32(palette().accent), SeriesFlags_NoLegend);
    n = values != nullptr ? std::max(0, n) : 0;
    // Slices beyond the first kLegendSlices share colours and have no legend entry: a donut
    // of hundreds of slices is not readable anyway, but must still draw.
    constexpr int kLegendSlices = 64;
    std::vector<ItemContext> slices(static_cast<size_t>(std::min(n, kLegendSlices)));
    double total = 0;
    char fallback[32];
    for (int i = 0; i < n; ++i) {
        bool visible = true;
        if (i < kLegendSlices) {
            const char* name = labels != nullptr && labels[i] != nullptr ? labels[i] : nullptr;
            if (name == nullptr) {
                std::snprintf(fallback, sizeof fallback, "Slice %d", i + 1);
                name = fallback;
            }
            slices[i] = beginItem(name, 0, 0);
            visible = slices[i].visible;
        }
        if (visible && std::isfinite(values[i]) && values[i] > 0) total += values[i];
    }
    auto sliceOf = [&](int i) {
        if (i < kLegendSlices) return slices[i];
        ItemContext c;
        c.colour = seriesColour(i);
        return c;
    };
    if (!donut.visible || f.fitOnly) return;
    const ImRect P = f.plotRect;
    const ImVec2 c = P.GetCenter();
    const float outer = std::max(1.0f, std::min(P.GetWidth(), P.GetHeight()) * 0.5f - dp(4));
    const float inner = outer * static_cast<float>(std::clamp(spec.hole, 0.0, 0.95));
    ImDrawList* dl = f.drawList;
    const Palette& pal = palette();
    if (!(total > 0)) {
        fillRing(dl, c, inner, outer, 0, static_cast<float>(2 * kPi), toU32(pal.border));
    }
    const float start = static_cast<float>(-kPi / 2);
    const float gap = outer > 0 ? dp(1) / outer : 0;
    HoverOffer best;
    const ImVec2 d = f.mouse - c;
    const float dist = ImSqrt(ImLengthSqr(d));
    float mouseAngle = std::atan2(d.y, d.x) - start;
    while (mouseAngle < 0) mouseAngle += static_cast<float>(2 * kPi);
    const bool hover = wantsHover(spec.flags) && dist >= inner && dist <= outer && total > 0;
    double cumulative = 0;
    ImFont* font = smallFont();
    for (int i = 0; i < n && total > 0; ++i) {
        const double v = values[i];
        const ItemContext slice = sliceOf(i);
        if (!slice.visible || !std::isfinite(v) || v <= 0) continue;
        const float a0 = start + static_cast<float>(2 * kPi * cumulative / total);
        cumulative += v;
        const float a1 = start + static_cast<float>(2 * kPi * cumulative / total);
        const bool gapped = a1 - a0 > 4 * gap && v < total;
        const ImU32 colour = slice.emphasised ? slice.colour : withAlpha(slice.colour, 0.95f);
        fillRing(dl, c, inner, outer, gapped ? a0 + gap : a0, gapped ? a1 - gap : a1, colour);
        if (hover && mouseAngle >= a0 - start && mouseAngle < a1 - start) {
            best.distance = 0;
            best.index = i;
            best.x = v;
            best.y = v / total;
            best.highlight.kind = Highlight::Slice;
            best.highlight.a = c;
            best.highlight.r0 = inner;
            best.highlight.r1 = outer;
            best.highlight.a0 = a0;
            best.highlight.a1 = a1;
            best.highlight.colour = slice.colour;
        }
        if ((spec.flags & SeriesFlags_Labels) && a1 - a0 > 0.35f) {
            const float mid = (a0 + a1) * 0.5f, r = (inner + outer) * 0.5f;
            const std::string text = shortValue(AxisFormat::Percent, nullptr, v / total);
            const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str());
            if (outer - inner > size.y + dp(2) && reserveVertices(static_cast<int>(text.size()) * 4)) {
                const ImVec2 at(c.x + std::cos(mid) * r - size.x * 0.5f, c.y + std::sin(mid) * r - size.y * 0.5f);
                dl->AddText(font, font->FontSize, at, textColourOn(slice.colour), text.c_str());
            }
        }
    }
    // The total in the hole.
    if (inner > dp(24)) {
        ImFont* big = fonts().heading != nullptr ? fonts().heading : ImGui::GetFont();
        const std::string text = shortValue(spec.format, spec.currency, total);
        const ImVec2 size = big->CalcTextSizeA(big->FontSize, FLT_MAX, 0, text.c_str());
        const float captionH = spec.centreLabel != nullptr ? font->FontSize : 0;
        dl->AddText(big, big->FontSize, ImVec2(c.x - size.x * 0.5f, c.y - (size.y + captionH) * 0.5f), toU32(pal.text),
                    text.c_str());
        if (spec.centreLabel != nullptr) {
            const ImVec2 cs = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, spec.centreLabel);
            dl->AddText(font, font->FontSize, ImVec2(c.x - cs.x * 0.5f, c.y + (size.y - captionH) * 0.5f),
                        toU32(pal.textMuted), spec.centreLabel);
        }
    }
    if (best.index >= 0 && hoverBeats(0)) {
        const int i = best.index;
        const std::string name = displayLabel(labels != nullptr ? labels[i] : nullptr);
        std::string text = (name.empty() ? "Slice " + std::to_string(i + 1) : name) + ": " +
                           formatExact(values[i], spec.format, spec.currency);
        text += "\nShare: " + formatExact(values[i] / total, AxisFormat::Percent);
        takeHover(donut, best, std::move(text));
    }
}

void PlotGauge(const char* label, double value, double min, double max, const GaugeBand* bands, int bandCount,
               const GaugeSpec& spec) {
    if (!inChart()) {
        IM_ASSERT(false && "PlotGauge outside BeginChart/EndChart");
        return;
    }
    Frame& f = frame();
    f.axisFree = true;
    const ItemContext item = beginItem(label, toU32(palette().accent), SeriesFlags_NoLegend);
    if (!item.visible || f.fitOnly) return;
    if (!std::isfinite(min) || !std::isfinite(max) || !(max > min)) {
        min = std::isfinite(min) ? min : 0;
        max = min + 1;
    }
    if (bands == nullptr) bandCount = 0;
    const Palette& pal = palette();
    ImDrawList* dl = f.drawList;
    const ImRect P = f.plotRect;
    ImFont* font = smallFont();
    ImFont* big = fonts().display != nullptr ? fonts().display : ImGui::GetFont();
    const float captionH = spec.caption != nullptr ? font->FontSize + dp(2) : 0;
    const float labelsH = font->FontSize + dp(4);
    const float cy = P.Max.y - labelsH;
    const float outer = std::max(1.0f, std::min(P.GetWidth() * 0.5f - dp(8), cy - P.Min.y - dp(4)));
    const float inner = outer * 0.76f;
    const ImVec2 c(P.GetCenter().x, cy);
    const float left = static_cast<float>(kPi), span = static_cast<float>(kPi);
    auto angleOf = [&](double v) {
        return left + span * static_cast<float>(std::clamp((v - min) / (max - min), 0.0, 1.0));
    };

    // Track, bands faint, then the value arc in its band's colour.
    fillRing(dl, c, inner, outer, left, left + span, toU32(pal.border));
    ImU32 valueColour = toU32(pal.accent);
    const char* bandName = nullptr;
    double from = min;
    for (int b = 0; b < bandCount; ++b) {
        const double to = std::min(bands[b].upTo, max);
        if (to > from) fillRing(dl, c, inner, outer, angleOf(from), angleOf(to), withAlpha(bands[b].colour, 0.25f));
        if (std::isfinite(value) && value >= from && (value <= to || b == bandCount - 1)) {
            valueColour = bands[b].colour;
            bandName = bands[b].label;
        }
        from = std::max(from, to);
    }
    const double origin = std::isfinite(spec.origin) ? std::clamp(spec.origin, min, max) : min;
    if (std::isfinite(value)) {
        const float a0 = angleOf(std::min(origin, value)), a1 = angleOf(std::max(origin, value));
        if (a1 > a0) fillRing(dl, c, inner, outer, a0, a1, valueColour);
        const float a = angleOf(value);
        const ImVec2 dir(std::cos(a), std::sin(a));
        if (reserveVertices(16))
            dl->AddLine(c + dir * (inner - dp(4)), c + dir * (outer + dp(4)), toU32(pal.text), dp(2));
    }
    const std::string text = std::isfinite(value) ? shortValue(spec.format, spec.currency, value) : std::string("n/a");
    const ImVec2 size = big->CalcTextSizeA(big->FontSize, FLT_MAX, 0, text.c_str());
    dl->AddText(big, big->FontSize, ImVec2(c.x - size.x * 0.5f, c.y - size.y - captionH), toU32(pal.text),
                text.c_str());
    if (spec.caption != nullptr) {
        const ImVec2 cs = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, spec.caption);
        dl->AddText(font, font->FontSize, ImVec2(c.x - cs.x * 0.5f, c.y - cs.y), toU32(pal.textMuted), spec.caption);
    }
    const std::string lo = shortValue(spec.format, spec.currency, min),
                      hi = shortValue(spec.format, spec.currency, max);
    const ImVec2 hs = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, hi.c_str());
    const ImVec2 ls = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, lo.c_str());
    dl->AddText(font, font->FontSize, ImVec2(c.x - (inner + outer) * 0.5f - ls.x * 0.5f, cy + dp(4)),
                toU32(pal.textMuted), lo.c_str());
    dl->AddText(font, font->FontSize, ImVec2(c.x + (inner + outer) * 0.5f - hs.x * 0.5f, cy + dp(4)),
                toU32(pal.textMuted), hi.c_str());

    if (wantsHover(0)) {
        const ImVec2 d = f.mouse - c;
        const float dist = ImSqrt(ImLengthSqr(d));
        if (dist >= inner && dist <= outer && d.y <= 0 && hoverBeats(0)) {
            HoverOffer offer;
            offer.distance = 0;
            offer.index = 0;
            offer.x = value;
            offer.y = value;
            offer.highlight.kind = Highlight::Slice;
            offer.highlight.a = c;
            offer.highlight.r0 = inner;
            offer.highlight.r1 = outer;
            offer.highlight.a0 = left;
            offer.highlight.a1 = left + span;
            offer.highlight.colour = valueColour;
            std::string body = "Value: " + formatExact(value, spec.format, spec.currency);
            body += "\nRange: " + formatExact(min, spec.format, spec.currency) + " to " +
                    formatExact(max, spec.format, spec.currency);
            if (bandName != nullptr) body += std::string("\nBand: ") + bandName;
            takeHover(item, offer, std::move(body));
        }
    }
}

}  // namespace rapport::ui::charts
