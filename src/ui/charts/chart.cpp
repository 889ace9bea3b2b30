// chart.cpp: chart frames (see chart.hpp): state per id, layout, axes and ticks, mouse
// input (zoom, pan, box and lasso selection, clicks), legend, tooltip, and the plumbing
// series.cpp draws through (chart_internal.hpp).
//
// Contents
//   [1] State storage, style, renderer registration
//   [2] Geometry: ranges, zoom, point in polygon
//   [3] BeginChart, SetupAxes
//   [4] Layout, input and axis resolution (lockSetup)
//   [5] Series plumbing
//   [6] EndChart: background, axes, overlays, legend, tooltip
//   [7] Queries
// Before imgui.h: ImVec2 arithmetic.
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/charts/chart.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "ui/charts/chart_internal.hpp"
#include "ui/charts/colormap.hpp"
#include "ui/charts/scatter_renderer.hpp"
#include "ui/fonts.hpp"
#include "ui/theme.hpp"

namespace rapport::ui::charts {

using detail::AxisState;
using detail::ChartState;
using detail::DragMode;
using detail::Frame;

// =======================================================================================
// [1] State storage, style, renderer registration
// =======================================================================================

namespace {

ChartStyle gStyle;
ScatterRenderer* gRenderer = nullptr;
std::unordered_map<ImGuiID, std::unique_ptr<ChartState>> gStates;
Frame gFrame;
uint64_t gSelectionGeneration = 0;

constexpr int kForgetAfterFrames = 600;  // a chart not drawn for ~10 s loses its state

ChartState& stateFor(ImGuiID id) {
    const int now = ImGui::GetFrameCount();
    if (now % 300 == 0) {
        // A new ImGui context restarts frame counts: states from "the future" are stale too.
        for (auto it = gStates.begin(); it != gStates.end();) {
            const int last = it->second->lastFrame;
            if (it->first != id && (last < now - kForgetAfterFrames || last > now)) {
                it = gStates.erase(it);
            } else {
                ++it;
            }
        }
    }
    std::unique_ptr<ChartState>& slot = gStates[id];
    if (!slot || slot->lastFrame > now) {  // new, or left over from another ImGui context
        slot = std::make_unique<ChartState>();
        slot->id = id;
    }
    return *slot;
}

}  // namespace

ChartStyle& GetChartStyle() { return gStyle; }
void SetScatterRenderer(ScatterRenderer* renderer) { gRenderer = renderer; }
ScatterRenderer* GetScatterRenderer() { return gRenderer; }

namespace detail {

Frame& frame() {
    IM_ASSERT(gFrame.active && "chart functions must be called between BeginChart and EndChart");
    return gFrame;
}
bool inChart() { return gFrame.active; }

bool ChartState::isHidden(ImGuiID item) const { return std::find(hidden.begin(), hidden.end(), item) != hidden.end(); }

SeriesCache& ChartState::cache(ImGuiID item, int frameCount) {
    for (SeriesCache& c : caches) {
        if (c.id == item) {
            c.lastFrame = frameCount;
            return c;
        }
    }
    // Reuse a slot a series stopped using (its label changed or it went away).
    for (SeriesCache& c : caches) {
        if (c.lastFrame < frameCount - 120 || c.lastFrame > frameCount) {
            c = SeriesCache{};
            c.id = item;
            c.lastFrame = frameCount;
            return c;
        }
    }
    caches.emplace_back();
    caches.back().id = item;
    caches.back().lastFrame = frameCount;
    return caches.back();
}

float cssPx(float v) { return dp(v); }
ImFont* smallFont() { return fonts().small != nullptr ? fonts().small : ImGui::GetFont(); }
ImFont* strongFont() { return fonts().strong != nullptr ? fonts().strong : ImGui::GetFont(); }

}  // namespace detail

// =======================================================================================
// [2] Geometry: ranges, zoom, point in polygon
// =======================================================================================

void autoRange(double lo, double hi, double padding, bool log, double* outMin, double* outMax) {
    constexpr double kLimit = 1e300;  // keeps max - min finite
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi || (log && !(lo > 0))) {
        *outMin = log ? 1 : 0;
        *outMax = log ? 10 : 1;
        return;
    }
    lo = std::clamp(lo, -kLimit, kLimit);
    hi = std::clamp(hi, -kLimit, kLimit);
    if (log) {
        double a = std::log10(lo), b = std::log10(hi);
        if (b - a < 1e-9) {
            a -= 0.5;
            b += 0.5;
        } else {
            const double pad = (b - a) * padding;
            a -= pad;
            b += pad;
        }
        *outMin = std::pow(10.0, a);
        *outMax = std::pow(10.0, b);
        return;
    }
    const double span = hi - lo;
    double a, b;
    if (span <= std::max(std::fabs(lo), std::fabs(hi)) * 1e-12) {
        // One value (or all equal): show it in the middle of a visible range.
        const double delta = lo == 0 ? 1 : std::fabs(lo) * 0.1;
        a = lo - delta;
        b = hi + delta;
    } else {
        a = lo - span * padding;
        b = hi + span * padding;
        // Bars from zero and positive data do not get a stretch of negative axis (and back).
        if (lo >= 0 && a < 0) a = 0;
        if (hi <= 0 && b > 0) b = 0;
    }
    *outMin = a;
    *outMax = b;
}

void zoomRange(double* min, double* max, double centre, double factor) {
    *min = centre - (centre - *min) * factor;
    *max = centre + (*max - centre) * factor;
}

bool pointInPolygon(const ChartPoint* polygon, int n, double x, double y) {
    bool inside = false;
    for (int i = 0, j = n - 1; i < n; j = i++) {
        const double xi = polygon[i].x, yi = polygon[i].y, xj = polygon[j].x, yj = polygon[j].y;
        if (((yi > y) != (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) inside = !inside;
    }
    return inside;
}

bool pointInBox(ChartPoint a, ChartPoint b, double x, double y) {
    return x >= std::min(a.x, b.x) && x <= std::max(a.x, b.x) && y >= std::min(a.y, b.y) && y <= std::max(a.y, b.y);
}

void PolygonHitTester::build(const ChartPoint* polygon, int n) {
    vertices_.assign(polygon, polygon + std::max(0, n));
    bandStart_.clear();
    bandEdges_.clear();
    bands_ = 0;
    xMin_ = yMin_ = DBL_MAX;
    xMax_ = yMax_ = -DBL_MAX;
    for (const ChartPoint& p : vertices_) {
        xMin_ = std::min(xMin_, p.x);
        xMax_ = std::max(xMax_, p.x);
        yMin_ = std::min(yMin_, p.y);
        yMax_ = std::max(yMax_, p.y);
    }
    if (n < 3 || !(yMax_ > yMin_) || !std::isfinite(yMax_ - yMin_)) return;
    bands_ = std::clamp(n, 1, 2048);
    bandScale_ = bands_ / (yMax_ - yMin_);
    auto bandOf = [&](double y) { return std::clamp(static_cast<int>((y - yMin_) * bandScale_), 0, bands_ - 1); };
    // Counting sort of edges into every band their y-span touches.
    bandStart_.assign(static_cast<size_t>(bands_) + 1, 0);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<int32_t> fill;
        if (pass == 1) {
            for (int b = 0; b < bands_; ++b) bandStart_[b + 1] += bandStart_[b];
            bandEdges_.resize(static_cast<size_t>(bandStart_[bands_]));
            fill.assign(bandStart_.begin(), bandStart_.end() - 1);
        }
        for (int i = 0, j = n - 1; i < n; j = i++) {
            const double y0 = std::min(vertices_[i].y, vertices_[j].y);
            const double y1 = std::max(vertices_[i].y, vertices_[j].y);
            if (!(y1 > y0)) continue;  // horizontal (or NaN) edges never cross
            for (int b = bandOf(y0), last = bandOf(y1); b <= last; ++b) {
                if (pass == 0) {
                    ++bandStart_[b + 1];
                } else {
                    bandEdges_[fill[b]++] = i;
                }
            }
        }
    }
}

bool PolygonHitTester::contains(double x, double y) const {
    if (bands_ == 0 || !(x >= xMin_ && x <= xMax_ && y >= yMin_ && y <= yMax_)) return false;
    const int band = std::clamp(static_cast<int>((y - yMin_) * bandScale_), 0, bands_ - 1);
    const int n = static_cast<int>(vertices_.size());
    bool inside = false;
    for (int k = bandStart_[band]; k < bandStart_[band + 1]; ++k) {
        const int i = bandEdges_[k];
        const int j = i == 0 ? n - 1 : i - 1;
        const double xi = vertices_[i].x, yi = vertices_[i].y, xj = vertices_[j].x, yj = vertices_[j].y;
        if (((yi > y) != (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) inside = !inside;
    }
    return inside;
}

const std::vector<int32_t>* Selection::indicesOf(const char* label) const {
    for (const SelectedSeries& s : series) {
        if (s.label == label) return &s.indices;
    }
    return nullptr;
}

int64_t Selection::count() const {
    int64_t total = 0;
    for (const SelectedSeries& s : series) total += static_cast<int64_t>(s.indices.size());
    return total;
}

// =======================================================================================
// [3] BeginChart, SetupAxes
// =======================================================================================

bool BeginChart(const char* id, ImVec2 size, ChartFlags flags) {
    IM_ASSERT(!gFrame.active && "BeginChart: the previous chart was not ended with EndChart");
    if (gFrame.active) return false;
    ImGuiWindow* window = ImGui::GetCurrentWindow();
    if (window->SkipItems) return false;

    const ImGuiID gid = window->GetID(id);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ImVec2 sz = ImGui::CalcItemSize(size, avail.x, dp(gStyle.defaultHeight));
    sz.x = std::max(sz.x, 1.0f);
    sz.y = std::max(sz.y, 1.0f);
    const ImRect bb(window->DC.CursorPos, window->DC.CursorPos + sz);
    ImGui::ItemSize(bb);
    if (!ImGui::ItemAdd(bb, gid)) return false;

    ChartState& st = stateFor(gid);
    Frame& f = gFrame;
    const int now = ImGui::GetFrameCount();
    const bool firstAppearance = st.lastFrame < 0 || st.lastFrame < now - 1 || st.lastFrame > now;
    st.lastFrame = now;

    f.active = true;
    f.state = &st;
    f.id = gid;
    f.flags = flags;
    f.window = window;
    f.drawList = window->DrawList;
    f.frameRect = bb;
    f.plotRect = bb;
    const char* titleEnd = ImGui::FindRenderedTextEnd(id);
    f.title.assign(id, titleEnd);
    f.xSpec = AxisSpec{};
    f.ySpec = AxisSpec{};
    f.setupDone = false;
    f.locked = false;
    f.fitOnly = firstAppearance;  // lockSetup keeps it only for automatic axes
    f.fitXMin = f.fitYMin = DBL_MAX;
    f.fitXMax = f.fitYMax = -DBL_MAX;
    f.items.clear();
    f.colourIndex = 0;
    f.hoverActive = false;
    f.hoverDistance = FLT_MAX;
    f.hoverSeries = 0;
    f.hover = ChartHover{};
    f.hoverHighlight = detail::Highlight{};
    f.hoverText.clear();
    f.haveHover = false;
    f.clicked = false;
    f.verticesUsed = 0;
    f.truncated = false;
    f.anchorX = f.anchorY = false;
    f.axisFree = (flags & ChartFlags_NoAxes) != 0;
    f.categoryScratch.clear();

    bool hovered = false, held = false;
    ImGui::ButtonBehavior(bb, gid, &hovered, &held,
                          ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                              ImGuiButtonFlags_MouseButtonMiddle | ImGuiButtonFlags_NoNavFocus);
    f.hovered = hovered;
    f.mouse = ImGui::GetIO().MousePos;
    // Over the plot and its axes the wheel zooms instead of scrolling the window; over the
    // title and legend it still scrolls, so a page of charts can be scrolled.
    if (hovered && !(flags & (ChartFlags_NoZoom | ChartFlags_NoAxes)) && st.haveLayout) {
        const ImRect zoomArea(bb.Min.x, st.plotRect.Min.y, bb.Max.x, bb.Max.y);
        if (zoomArea.Contains(f.mouse)) ImGui::SetItemKeyOwner(ImGuiKey_MouseWheelY);
    }
    return true;
}

void SetupAxes(const AxisSpec& x, const AxisSpec& y) {
    Frame& f = detail::frame();
    IM_ASSERT(!f.locked && "SetupAxes must come before the first series");
    if (f.locked) return;
    f.xSpec = x;
    f.ySpec = y;
    f.setupDone = true;
}

// =======================================================================================
// [4] Layout, input and axis resolution (lockSetup)
// =======================================================================================

namespace {

bool zoomable(const Frame& f, const AxisSpec& spec) {
    return !(f.flags & (ChartFlags_NoZoom | ChartFlags_NoAxes)) && !spec.lockRange &&
           spec.format != AxisFormat::Category;
}

void clearSelection(ChartState& st) {
    if (st.selection.kind == SelectionKind::None && st.selection.polygon.empty()) return;
    st.selection = Selection{};
    st.selection.generation = ++gSelectionGeneration;
    st.selectionTesterVariant = -1;
}

void commitSelection(ChartState& st, SelectionKind kind, std::vector<ChartPoint>&& polygon) {
    Selection& s = st.selection;
    s.kind = kind;
    s.polygon = std::move(polygon);
    s.series.clear();
    s.min = {DBL_MAX, DBL_MAX};
    s.max = {-DBL_MAX, -DBL_MAX};
    for (const ChartPoint& p : s.polygon) {
        s.min = {std::min(s.min.x, p.x), std::min(s.min.y, p.y)};
        s.max = {std::max(s.max.x, p.x), std::max(s.max.y, p.y)};
    }
    s.generation = ++gSelectionGeneration;
    st.selectionTesterVariant = -1;
}

// Input acts through what the user saw: last frame's plot rectangle and ranges.
void handleInput(Frame& f, ChartState& st) {
    if (!st.haveLayout) return;
    ImGuiIO& io = ImGui::GetIO();
    const ImRect p = st.plotRect;
    const ImVec2 m = io.MousePos;
    const bool canX = zoomable(f, f.xSpec);
    const bool canY = zoomable(f, f.ySpec);
    const bool inPlot = p.Contains(m);
    const bool inXAxis = m.x >= p.Min.x && m.x <= p.Max.x && m.y > p.Max.y && m.y <= f.frameRect.Max.y;
    const bool inYAxis = m.y >= p.Min.y && m.y <= p.Max.y && m.x < p.Min.x && m.x >= f.frameRect.Min.x;
    AxisTransform lx{st.x.shownMin, st.x.shownMax, st.xLogShown, p.Min.x, p.Max.x};
    AxisTransform ly{st.y.shownMin, st.y.shownMax, st.yLogShown, p.Max.y, p.Min.y};
    const bool selectable = (f.flags & (ChartFlags_BoxSelect | ChartFlags_LassoSelect)) != 0;

    if (ImGui::IsKeyPressed(ImGuiKey_Escape, false) && (f.hovered || st.drag != DragMode::None)) {
        st.drag = DragMode::None;
        st.lasso.clear();
        clearSelection(st);
    }
    if (f.hovered && inPlot && ImGui::IsMouseDoubleClicked(0)) {
        st.x.userRange = st.y.userRange = false;
        st.drag = DragMode::None;
        st.lasso.clear();
        clearSelection(st);
        return;
    }

    // Wheel: zoom around the mouse; over an axis, that axis only.
    if (f.hovered && io.MouseWheel != 0 && st.drag == DragMode::None && (inPlot || inXAxis || inYAxis)) {
        const double factor =
            std::pow(static_cast<double>(gStyle.zoomPerWheelStep), -static_cast<double>(io.MouseWheel));
        auto zoomAxis = [&](AxisState& ax, const AxisTransform& t, float mousePixel, double* anchor) {
            double s0 = t.scaled(t.min), s1 = t.scaled(t.max);
            const double c = s0 + (mousePixel - t.pixelMin) / (t.pixelMax - t.pixelMin) * (s1 - s0);
            zoomRange(&s0, &s1, c, factor);
            if (!(s1 > s0) || !std::isfinite(s1 - s0) || (s1 - s0) < 1e-12 * std::max(1.0, std::fabs(c))) return false;
            ax.viewMin = t.unscaled(s0);
            ax.viewMax = t.unscaled(s1);
            ax.userRange = true;
            *anchor = c;
            return true;
        };
        if (canX && (inPlot || inXAxis)) {
            f.anchorX = zoomAxis(st.x, lx, m.x, &f.anchorScaledX);
            f.anchorPixelX = m.x;
        }
        if (canY && (inPlot || inYAxis)) {
            f.anchorY = zoomAxis(st.y, ly, m.y, &f.anchorScaledY);
            f.anchorPixelY = m.y;
        }
    }

    // Press: start a selection, a pan, or track a click.
    if (f.hovered && st.drag == DragMode::None) {
        for (ImGuiMouseButton b = 0; b < 3; ++b) {
            if (!ImGui::IsMouseClicked(b)) continue;
            DragMode mode = DragMode::None;
            if (b == 0 && selectable && inPlot) {
                const bool box = (f.flags & ChartFlags_BoxSelect) != 0, lasso = (f.flags & ChartFlags_LassoSelect) != 0;
                mode = box && lasso ? (io.KeyShift ? DragMode::Lasso : DragMode::Box)
                       : box        ? DragMode::Box
                                    : DragMode::Lasso;
            } else if ((b != 0 || !selectable) && (inPlot || inXAxis || inYAxis)) {
                mode = DragMode::Pan;  // may pan nothing: a click on a locked chart still clicks
            }
            if (mode == DragMode::None) break;
            st.drag = mode;
            st.dragButton = b;
            st.dragMoved = false;
            st.dragStart = m;
            st.dragXMin = st.x.shownMin;
            st.dragXMax = st.x.shownMax;
            st.dragYMin = st.y.shownMin;
            st.dragYMax = st.y.shownMax;
            st.dragPanX = canX && !inYAxis;
            st.dragPanY = canY && !inXAxis;
            st.lasso.clear();
            if (mode == DragMode::Lasso) st.lasso.push_back(m);
            break;
        }
    }

    if (st.drag == DragMode::None) return;
    const ImVec2 clamped(std::clamp(m.x, p.Min.x, p.Max.x), std::clamp(m.y, p.Min.y, p.Max.y));
    if (!st.dragMoved && ImGui::IsMouseDragging(st.dragButton)) st.dragMoved = true;
    if (st.drag == DragMode::Pan && st.dragMoved) {
        // The data under the press stay under the mouse.
        auto panAxis = [&](AxisState& ax, bool log, double from0, double from1, float pixels, float length,
                           float startFraction, double* anchor) {
            const AxisTransform t{from0, from1, log, 0, length};
            const double s0 = t.scaled(from0), s1 = t.scaled(from1);
            const double shift = -static_cast<double>(pixels) / length * (s1 - s0);
            ax.viewMin = t.unscaled(s0 + shift);
            ax.viewMax = t.unscaled(s1 + shift);
            ax.userRange = true;
            *anchor = s0 + startFraction * (s1 - s0);
        };
        if (st.dragPanX) {
            panAxis(st.x, st.xLogShown, st.dragXMin, st.dragXMax, m.x - st.dragStart.x, p.GetWidth(),
                    (st.dragStart.x - p.Min.x) / p.GetWidth(), &f.anchorScaledX);
            f.anchorX = true;
            f.anchorPixelX = m.x;
        }
        if (st.dragPanY) {
            panAxis(st.y, st.yLogShown, st.dragYMin, st.dragYMax, st.dragStart.y - m.y, p.GetHeight(),
                    (p.Max.y - st.dragStart.y) / p.GetHeight(), &f.anchorScaledY);
            f.anchorY = true;
            f.anchorPixelY = m.y;
        }
    }
    if (st.drag == DragMode::Lasso && st.dragMoved && st.lasso.size() < 4096) {
        const ImVec2 last = st.lasso.back();
        if (ImLengthSqr(clamped - last) >= dp(3) * dp(3)) st.lasso.push_back(clamped);
    }
    if (!io.MouseDown[st.dragButton]) {
        auto toData = [&](ImVec2 px) { return ChartPoint{lx.toData(px.x), ly.toData(px.y)}; };
        if (st.drag == DragMode::Box && st.dragMoved) {
            const ChartPoint a = toData(st.dragStart), b = toData(clamped);
            commitSelection(st, SelectionKind::Box, {{a.x, a.y}, {b.x, a.y}, {b.x, b.y}, {a.x, b.y}});
        } else if (st.drag == DragMode::Lasso && st.dragMoved && st.lasso.size() >= 2) {
            if (ImLengthSqr(clamped - st.lasso.back()) > 0) st.lasso.push_back(clamped);
            std::vector<ChartPoint> polygon;
            polygon.reserve(st.lasso.size());
            for (const ImVec2& q : st.lasso) polygon.push_back(toData(q));
            if (polygon.size() >= 3) commitSelection(st, SelectionKind::Lasso, std::move(polygon));
        } else if (!st.dragMoved && st.dragButton == 0 && inPlot) {
            f.clicked = true;
        }
        st.drag = DragMode::None;
        st.lasso.clear();
    }
}

// The range an axis shows this frame. Sets *needsFit when it depends on data not seen yet.
void resolveAxis(const Frame& f, const AxisSpec& spec, const detail::AxisState& ax, AxisTransform& t, bool* needsFit) {
    t.log = spec.log && spec.format != AxisFormat::Category;
    const bool autoMin = std::isnan(spec.min), autoMax = std::isnan(spec.max);
    double lo, hi;
    if (ax.userRange && zoomable(f, spec) && (!t.log || ax.viewMin > 0)) {
        lo = ax.viewMin;
        hi = ax.viewMax;
    } else {
        const int cats = detail::categoryCount(spec);
        if (spec.format == AxisFormat::Category && cats > 0) {
            lo = -0.5;
            hi = cats - 0.5;
        } else {
            const double padding = spec.format == AxisFormat::Category ? 0.0 : gStyle.autoPadding;
            autoRange(ax.haveFit ? ax.fitMin : detail::kNaN, ax.haveFit ? ax.fitMax : detail::kNaN, padding, t.log, &lo,
                      &hi);
            if (!ax.haveFit && (autoMin || autoMax)) *needsFit = true;
        }
        if (!autoMin) lo = spec.min;
        if (!autoMax) hi = spec.max;
        if (t.log && !(lo > 0)) lo = hi > 0 ? hi / 1000 : 1;
        if (hi < lo) std::swap(lo, hi);
        if (!(hi > lo)) autoRange(lo, hi, 0, t.log, &lo, &hi);
    }
    t.min = lo;
    t.max = hi;
}

int integerTicks(double lo, double hi, double first, double last, std::vector<double>& out) {
    out.clear();
    const double a = std::max(std::ceil(lo - 1e-9), first), b = std::min(std::floor(hi + 1e-9), last);
    if (!(b - a < kMaxTicks)) return 0;
    for (double v = a; v <= b; v += 1) out.push_back(v);
    return static_cast<int>(out.size());
}

// Tick values and labels for one axis.
void computeTicks(const AxisSpec& spec, const AxisTransform& t, int target, std::vector<double>& ticks,
                  std::vector<std::string>& labels) {
    ticks.clear();
    switch (spec.format) {
        case AxisFormat::Category: {
            const int cats = detail::categoryCount(spec);
            integerTicks(t.min, t.max, 0, cats > 0 ? cats - 1 : 1e15, ticks);
            if (cats == 0) integerTicks(t.min, t.max, -1e15, 1e15, ticks);
            labels.resize(ticks.size());
            for (size_t i = 0; i < ticks.size(); ++i) {
                const char* name = detail::categoryName(spec, static_cast<int>(ticks[i]));
                labels[i] = name != nullptr ? name : formatGrouped(ticks[i], 0);
            }
            return;
        }
        case AxisFormat::Date: {
            LabelStyle style = chooseLabelStyle(AxisFormat::Date, t.min, t.max, 1, spec.currency);
            style.time = timeTicks(t.min, t.max, target, ticks);
            labels.resize(ticks.size());
            for (size_t i = 0; i < ticks.size(); ++i) labels[i] = formatTick(ticks[i], style, i == 0);
            return;
        }
        default:
            break;
    }
    if (t.log) {
        logTicks(t.min, t.max, target, ticks);
        labels.resize(ticks.size());
        for (size_t i = 0; i < ticks.size(); ++i) {
            const LabelStyle style = chooseLabelStyle(spec.format, t.min, t.max, ticks[i], spec.currency);
            labels[i] = formatTick(ticks[i], style);
        }
        return;
    }
    double step = linearTicks(t.min, t.max, target, ticks);
    if (spec.format == AxisFormat::Integer && step > 0 && step < 1) {
        integerTicks(t.min, t.max, -1e15, 1e15, ticks);
        step = 1;
    }
    const LabelStyle style = chooseLabelStyle(spec.format, t.min, t.max, step, spec.currency);
    labels.resize(ticks.size());
    for (size_t i = 0; i < ticks.size(); ++i) labels[i] = formatTick(ticks[i], style);
}

bool hasText(const char* s) { return s != nullptr && s[0] != '\0'; }

}  // namespace

namespace detail {

void lockSetup() {
    Frame& f = frame();
    if (f.locked) return;
    f.locked = true;
    ChartState& st = *f.state;
    const bool noAxes = (f.flags & ChartFlags_NoAxes) != 0;
    const float pad = (f.flags & ChartFlags_NoFrame) ? dp(2) : dp(gStyle.padding);
    const float small = smallFont()->FontSize;
    const ImRect& fr = f.frameRect;

    // Vertical bands: header (title, legend), y label, plot, x tick labels, x label.
    float top = fr.Min.y + pad;
    const bool showTitle = !f.title.empty() && !(f.flags & ChartFlags_NoTitle);
    const float header = std::max(showTitle ? strongFont()->FontSize : 0.0f, st.headerHeight);
    if (header > 0) top += header + dp(space::sm);
    if (!noAxes && hasText(f.ySpec.label)) top += small + dp(space::xs);
    float bottom = fr.Max.y - pad;
    if (!noAxes) {
        bottom -= small + dp(6);
        if (hasText(f.xSpec.label)) bottom -= small + dp(space::xs);
    }
    bottom = std::max(bottom, top + 1);

    handleInput(f, st);

    bool needsFit = false;
    resolveAxis(f, f.xSpec, st.x, f.tx, &needsFit);
    resolveAxis(f, f.ySpec, st.y, f.ty, &needsFit);
    f.fitOnly = f.fitOnly && needsFit;

    // Y ticks first: their label widths decide where the plot starts.
    float left = fr.Min.x + pad, right = fr.Max.x - pad;
    f.xTicks.clear();
    f.yTicks.clear();
    f.xStride = f.yStride = 1;
    if (!noAxes) {
        const float height = bottom - top;
        computeTicks(f.ySpec, f.ty, std::max(2, static_cast<int>(height / dp(gStyle.yTickSpacing))), f.yTicks,
                     f.yLabels);
        float widest = 0;
        for (size_t i = 0; i < f.yTicks.size(); ++i) {
            widest = std::max(widest, smallFont()->CalcTextSizeA(small, FLT_MAX, 0, f.yLabels[i].c_str()).x);
        }
        left += widest + dp(space::sm);
        right -= dp(space::xs);
        right = std::max(right, left + 1);
        computeTicks(f.xSpec, f.tx, std::max(2, static_cast<int>((right - left) / dp(gStyle.xTickSpacing))), f.xTicks,
                     f.xLabels);
    }
    f.plotRect = ImRect(left, top, right, bottom);
    f.tx.pixelMin = left;
    f.tx.pixelMax = right;
    f.ty.pixelMin = bottom;
    f.ty.pixelMax = top;

    Mapper& m = f.map;
    auto setMapper = [&] {
        m.logX = f.tx.log;
        m.logY = f.ty.log;
        m.sx0 = f.tx.scaled(f.tx.min);
        m.sy0 = f.ty.scaled(f.ty.min);
        m.mx = (right - left) / (f.tx.scaled(f.tx.max) - m.sx0);
        m.my = (top - bottom) / (f.ty.scaled(f.ty.max) - m.sy0);
        m.px0 = left;
        m.py0 = bottom;
    };
    setMapper();
    // Zoom and pan moved the tick labels and with them the plot's edges: shift the range so
    // the data the mouse holds stay under it, then label the final range.
    auto reanchor = [&](AxisTransform& t, AxisState& ax, double scaledNow, double wanted) {
        const double shift = wanted - scaledNow;
        if (shift == 0 || !std::isfinite(shift)) return false;
        t.min = t.unscaled(t.scaled(t.min) + shift);
        t.max = t.unscaled(t.scaled(t.max) + shift);
        ax.viewMin = t.min;
        ax.viewMax = t.max;
        return true;
    };
    const bool movedX =
        f.anchorX && st.x.userRange && reanchor(f.tx, st.x, m.scaledXOfPixel(f.anchorPixelX), f.anchorScaledX);
    const bool movedY =
        f.anchorY && st.y.userRange && reanchor(f.ty, st.y, m.scaledYOfPixel(f.anchorPixelY), f.anchorScaledY);
    if (movedX || movedY) {
        setMapper();
        if (!noAxes && movedX) {
            computeTicks(f.xSpec, f.tx, std::max(2, static_cast<int>((right - left) / dp(gStyle.xTickSpacing))),
                         f.xTicks, f.xLabels);
        }
        if (!noAxes && movedY) {
            computeTicks(f.ySpec, f.ty, std::max(2, static_cast<int>((bottom - top) / dp(gStyle.yTickSpacing))),
                         f.yTicks, f.yLabels);
        }
    }

    // Label thinning along x (y ticks are spaced for their text already).
    if (!f.xTicks.empty()) {
        f.scratchCentres.resize(f.xTicks.size());
        f.scratchWidths.resize(f.xTicks.size());
        for (size_t i = 0; i < f.xTicks.size(); ++i) {
            f.scratchCentres[i] = m.pixelX(f.xTicks[i]);
            f.scratchWidths[i] = smallFont()->CalcTextSizeA(small, FLT_MAX, 0, f.xLabels[i].c_str()).x;
        }
        f.xStride = labelStride(f.scratchCentres.data(), f.scratchWidths.data(), static_cast<int>(f.xTicks.size()),
                                dp(space::md));
    }
    if (f.ySpec.format == AxisFormat::Category && f.yTicks.size() > 1) {
        const float spacing = std::fabs(m.pixelY(f.yTicks[1]) - m.pixelY(f.yTicks[0]));
        f.yStride = spacing > 0 ? std::max(1, static_cast<int>(std::ceil((small + dp(2)) / spacing))) : 1;
    }

    st.plotRect = f.plotRect;
    st.frameRect = fr;
    st.haveLayout = true;
    st.x.shownMin = f.tx.min;
    st.x.shownMax = f.tx.max;
    st.y.shownMin = f.ty.min;
    st.y.shownMax = f.ty.max;
    st.xLogShown = f.tx.log;
    st.yLogShown = f.ty.log;

    const bool dragging = st.drag != DragMode::None && (st.dragMoved || st.drag != DragMode::Pan);
    f.hoverActive =
        f.hovered && !f.fitOnly && !dragging && f.plotRect.Contains(f.mouse) && ImGui::IsMousePosValid(&f.mouse);

    // Without the renderer's large-mesh support one draw list addresses 65,536 vertices: each
    // chart takes at most half of what is left, so later charts and widgets still fit.
    f.vertexCap = gStyle.maxVertices;
    if (!(ImGui::GetIO().BackendFlags & ImGuiBackendFlags_RendererHasVtxOffset) && sizeof(ImDrawIdx) == 2) {
        f.vertexCap = std::max(0, (65535 - 12288 - static_cast<int>(f.drawList->_VtxCurrentIdx)) / 2);
    }
    st.splitter.Split(f.drawList, 3);
    st.splitter.SetCurrentChannel(f.drawList, 1);
    f.drawList->PushClipRect(f.plotRect.Min, f.plotRect.Max, true);
}

// =======================================================================================
// [5] Series plumbing
// =======================================================================================

std::string displayLabel(const char* label) {
    if (label == nullptr) return {};
    return std::string(label, ImGui::FindRenderedTextEnd(label));
}

ImGuiID itemId(const char* label) { return ImHashStr(label != nullptr ? label : "", 0, frame().id); }

ItemContext beginItem(const char* label, ImU32 colour, SeriesFlags flags) {
    Frame& f = frame();
    lockSetup();
    ItemContext c;
    c.id = itemId(label);
    c.label = label;
    c.colour = colour != 0 ? colour : seriesColour(f.colourIndex++);
    c.visible = !f.state->isHidden(c.id);
    c.emphasised = f.state->legendHover == c.id;
    if (!(flags & SeriesFlags_NoLegend) && label != nullptr && label[0] != '\0' &&
        !(label[0] == '#' && label[1] == '#')) {
        f.items.push_back(LegendItem{c.id, displayLabel(label), c.colour, !c.visible});
    }
    return c;
}

void takeHover(const ItemContext& item, const HoverOffer& offer, std::string text) {
    Frame& f = frame();
    f.haveHover = true;
    f.hoverDistance = offer.distance;
    f.hoverSeries = item.id;
    f.hover.series = displayLabel(item.label);
    f.hover.index = offer.index;
    f.hover.x = offer.x;
    f.hover.y = offer.y;
    f.hoverHighlight = offer.highlight;
    f.hoverColour = offer.highlight.colour != 0 ? offer.highlight.colour : item.colour;
    f.hoverText = std::move(text);
}

int vertexRoom() {
    Frame& f = frame();
    int room = f.vertexCap - f.verticesUsed;
    if (!(ImGui::GetIO().BackendFlags & ImGuiBackendFlags_RendererHasVtxOffset) && sizeof(ImDrawIdx) == 2) {
        room = std::min(room, 65535 - 8192 - static_cast<int>(f.drawList->_VtxCurrentIdx));
    }
    return std::max(0, room);
}

bool reserveVertices(int count) {
    Frame& f = frame();
    if (count > vertexRoom()) {
        f.truncated = true;
        return false;
    }
    f.verticesUsed += count;
    return true;
}

int categoryCount(const AxisSpec& axis) {
    if (axis.categoryNames != nullptr) return std::max(0, axis.categoryCount);
    return static_cast<int>(axis.categories.size());
}

const char* categoryName(const AxisSpec& axis, int index) {
    if (index < 0 || index >= categoryCount(axis)) return nullptr;
    if (axis.categoryNames != nullptr) return axis.categoryNames[index];
    return axis.categories[static_cast<size_t>(index)].c_str();
}

std::string exactValue(const AxisSpec& axis, double value) {
    if (axis.format == AxisFormat::Category && std::isfinite(value)) {
        const char* name = categoryName(axis, static_cast<int>(std::lround(value)));
        if (name != nullptr && std::fabs(value - std::round(value)) < 1e-9) return name;
    }
    return formatExact(value, axis.format, axis.currency);
}

std::string axisLine(const AxisSpec& axis, const char* fallbackName, double value) {
    // An unnamed category axis: the category's name says enough ("Pro", not "x: Pro").
    if (!hasText(axis.label) && axis.format == AxisFormat::Category) return exactValue(axis, value);
    std::string line = hasText(axis.label) ? axis.label : fallbackName;
    line += ": ";
    line += exactValue(axis, value);
    return line;
}

const PolygonHitTester* selectionTester() {
    Frame& f = frame();
    ChartState& st = *f.state;
    if (st.selection.kind == SelectionKind::None) return nullptr;
    const int variant = (f.tx.log ? 1 : 0) | (f.ty.log ? 2 : 0);
    if (st.selectionTesterVariant != variant) {
        std::vector<ChartPoint> scaled;
        scaled.reserve(st.selection.polygon.size());
        for (const ChartPoint& p : st.selection.polygon) {
            scaled.push_back({Mapper::scaled(p.x, f.tx.log), Mapper::scaled(p.y, f.ty.log)});
        }
        st.selectionTester.build(scaled.data(), static_cast<int>(scaled.size()));
        st.selectionTesterVariant = variant;
    }
    return &st.selectionTester;
}

}  // namespace detail

// =======================================================================================
// [6] EndChart: background, axes, overlays, legend, tooltip
// =======================================================================================

namespace {

void drawBackgroundAndAxes(Frame& f) {
    ImDrawList* dl = f.drawList;
    const Palette& pal = palette();
    const ImU32 text = toU32(pal.text), muted = toU32(pal.textMuted), border = toU32(pal.border);
    const ImU32 grid = withAlpha(border, 0.8f);
    const ImRect& fr = f.frameRect;
    const ImRect& p = f.plotRect;
    ImFont* small = detail::smallFont();
    const float sh = small->FontSize;
    const float pad = (f.flags & ChartFlags_NoFrame) ? dp(2) : dp(gStyle.padding);

    if (!(f.flags & ChartFlags_NoFrame)) {
        dl->AddRectFilled(fr.Min, fr.Max, toU32(pal.surface), dp(8));
        dl->AddRect(fr.Min, fr.Max, border, dp(8), 0, dp(1));
    }
    if (!f.title.empty() && !(f.flags & ChartFlags_NoTitle)) {
        ImFont* strong = detail::strongFont();
        dl->AddText(strong, strong->FontSize, ImVec2(fr.Min.x + pad, fr.Min.y + pad), text, f.title.c_str());
    }
    if (f.axisFree || f.fitOnly) return;

    const detail::Mapper& m = f.map;
    const bool gridOn = !(f.flags & ChartFlags_NoGrid);
    // Horizontal grid and y labels.
    for (size_t i = 0; i < f.yTicks.size(); ++i) {
        const float y = IM_ROUND(m.pixelY(f.yTicks[i]));
        if (y < p.Min.y - 0.5f || y > p.Max.y + 0.5f) continue;
        if (gridOn && f.ySpec.format != AxisFormat::Category) {
            const bool zero = f.yTicks[i] == 0 && !f.ty.log;
            dl->AddLine(ImVec2(p.Min.x, y), ImVec2(p.Max.x, y), zero ? withAlpha(muted, 0.6f) : grid, dp(1));
        }
        if (static_cast<int>(i) % f.yStride != 0) continue;
        const char* label = f.yLabels[i].c_str();
        const ImVec2 size = small->CalcTextSizeA(sh, FLT_MAX, 0, label);
        dl->AddText(small, sh, ImVec2(p.Min.x - dp(space::sm) - size.x, y - size.y * 0.5f), muted, label);
    }
    // Vertical grid and x labels.
    for (size_t i = 0; i < f.xTicks.size(); ++i) {
        const float x = IM_ROUND(m.pixelX(f.xTicks[i]));
        if (x < p.Min.x - 0.5f || x > p.Max.x + 0.5f) continue;
        if (gridOn && f.xSpec.format != AxisFormat::Category) {
            dl->AddLine(ImVec2(x, p.Min.y), ImVec2(x, p.Max.y), grid, dp(1));
        }
        if (static_cast<int>(i) % f.xStride != 0 || f.xLabels[i].empty()) continue;
        dl->AddLine(ImVec2(x, p.Max.y), ImVec2(x, p.Max.y + dp(4)), border, dp(1));
        const char* label = f.xLabels[i].c_str();
        const ImVec2 size = small->CalcTextSizeA(sh, FLT_MAX, 0, label);
        float lx = x - size.x * 0.5f;
        lx = std::clamp(lx, fr.Min.x + dp(2), std::max(fr.Min.x + dp(2), fr.Max.x - dp(2) - size.x));
        dl->AddText(small, sh, ImVec2(lx, p.Max.y + dp(6) - 1), muted, label);
    }
    dl->AddLine(ImVec2(p.Min.x, p.Max.y), ImVec2(p.Max.x, p.Max.y), border, dp(1));
    if (hasText(f.xSpec.label)) {
        const ImVec2 size = small->CalcTextSizeA(sh, FLT_MAX, 0, f.xSpec.label);
        dl->AddText(small, sh, ImVec2(p.Min.x + (p.GetWidth() - size.x) * 0.5f, fr.Max.y - pad - size.y), muted,
                    f.xSpec.label);
    }
    if (hasText(f.ySpec.label)) {
        dl->AddText(small, sh, ImVec2(fr.Min.x + pad, p.Min.y - sh - dp(space::xs)), muted, f.ySpec.label);
    }
}

void drawOverlays(Frame& f) {
    ImDrawList* dl = f.drawList;
    ChartState& st = *f.state;
    const Palette& pal = palette();
    const ImU32 accent = toU32(pal.accent);
    dl->PushClipRect(f.plotRect.Min, f.plotRect.Max, true);

    // The committed selection, mapped through this frame's axes.
    const Selection& sel = st.selection;
    if (sel.kind != SelectionKind::None && !f.fitOnly) {
        st.scratch.clear();
        for (const ChartPoint& q : sel.polygon) st.scratch.push_back(f.map.toPixels(q.x, q.y));
        if (sel.kind == SelectionKind::Box && st.scratch.size() == 4) {
            const ImVec2 a = ImMin(st.scratch[0], st.scratch[2]), b = ImMax(st.scratch[0], st.scratch[2]);
            dl->AddRectFilled(a, b, withAlpha(accent, 0.10f));
            dl->AddRect(a, b, accent, 0, 0, dp(1.5f));
        } else if (st.scratch.size() >= 3) {
            dl->AddPolyline(st.scratch.data(), static_cast<int>(st.scratch.size()), accent, ImDrawFlags_Closed,
                            dp(1.5f));
        }
    }
    // A selection being drawn.
    if (st.drag == DragMode::Box && st.dragMoved) {
        const ImVec2 m(std::clamp(f.mouse.x, f.plotRect.Min.x, f.plotRect.Max.x),
                       std::clamp(f.mouse.y, f.plotRect.Min.y, f.plotRect.Max.y));
        const ImVec2 a = ImMin(st.dragStart, m), b = ImMax(st.dragStart, m);
        dl->AddRectFilled(a, b, withAlpha(accent, 0.12f));
        dl->AddRect(a, b, accent, 0, 0, dp(1));
    } else if (st.drag == DragMode::Lasso && st.lasso.size() >= 2) {
        dl->AddPolyline(st.lasso.data(), static_cast<int>(st.lasso.size()), accent, ImDrawFlags_None, dp(1.5f));
    }

    // The hovered mark.
    if (f.haveHover) {
        const detail::Highlight& h = f.hoverHighlight;
        const ImU32 ring = toU32(pal.text);
        switch (h.kind) {
            case detail::Highlight::Point:
                dl->AddCircleFilled(h.a, h.b.x + dp(2), toU32(pal.surface));
                dl->AddCircleFilled(h.a, h.b.x, f.hoverColour);
                dl->AddCircle(h.a, h.b.x + dp(2), ring, 0, dp(1.5f));
                break;
            case detail::Highlight::Rect:
                dl->AddRect(h.a, h.b, ring, 0, 0, dp(2));
                break;
            case detail::Highlight::Slice:
                dl->PathArcTo(h.a, h.r1 + dp(1), h.a0, h.a1);
                dl->PathArcTo(h.a, std::max(0.0f, h.r0 - dp(1)), h.a1, h.a0);
                dl->PathStroke(ring, ImDrawFlags_Closed, dp(2));
                break;
            case detail::Highlight::None:
                break;
        }
    }
    if (f.fitXMin > f.fitXMax && !f.axisFree && !f.fitOnly) {
        const char* text = "No data";
        const ImVec2 size = ImGui::CalcTextSize(text);
        dl->AddText(f.plotRect.GetCenter() - size * 0.5f, toU32(pal.textMuted), text);
    }
    if (f.truncated) {
        ImFont* small = detail::smallFont();
        const char* text = "Not every point is drawn at this zoom";
        const ImVec2 size = small->CalcTextSizeA(small->FontSize, FLT_MAX, 0, text);
        dl->AddText(small, small->FontSize, ImVec2(f.plotRect.Max.x - size.x - dp(4), f.plotRect.Min.y + dp(2)),
                    toU32(pal.textMuted), text);
    }
    dl->PopClipRect();
}

// Legend entries in the header band, right-aligned beside the title, wrapping to more
// rows when needed. Clicking an entry toggles its series.
void drawLegend(Frame& f) {
    ChartState& st = *f.state;
    st.legendHover = 0;
    st.legendRects.clear();
    const bool show = !(f.flags & ChartFlags_NoLegend) && f.items.size() >= 2;
    const bool showTitle = !f.title.empty() && !(f.flags & ChartFlags_NoTitle);
    if (!show) {
        st.headerHeight = 0;
        return;
    }
    ImDrawList* dl = f.drawList;
    const Palette& pal = palette();
    ImFont* small = detail::smallFont();
    const float sh = small->FontSize;
    const float pad = (f.flags & ChartFlags_NoFrame) ? dp(2) : dp(gStyle.padding);
    const float swatch = dp(10), gapInside = dp(6), gapBetween = dp(14), rowH = sh + dp(6);
    const float fullWidth = f.frameRect.GetWidth() - 2 * pad;
    const float titleWidth =
        showTitle ? detail::strongFont()->CalcTextSizeA(detail::strongFont()->FontSize, FLT_MAX, 0, f.title.c_str()).x +
                        dp(space::xl)
                  : 0.0f;
    // Rows: the first beside the title, the rest full width.
    struct Placed {
        int item;
        float width;
    };
    std::vector<std::vector<Placed>> rows(1);
    float used = 0;
    for (int i = 0; i < static_cast<int>(f.items.size()); ++i) {
        const float w = swatch + gapInside + small->CalcTextSizeA(sh, FLT_MAX, 0, f.items[i].label.c_str()).x;
        const float limit = rows.size() == 1 ? fullWidth - titleWidth : fullWidth;
        const float add = (rows.back().empty() ? 0 : gapBetween) + w;
        if (!rows.back().empty() && used + add > limit) {
            rows.emplace_back();
            used = 0;
        }
        used += (rows.back().empty() ? 0 : gapBetween) + w;
        rows.back().push_back({i, w});
    }
    st.headerHeight = static_cast<float>(rows.size()) * rowH - dp(6);

    ImGuiIO& io = ImGui::GetIO();
    const bool mouseFree = f.hovered && st.drag == DragMode::None;
    float y = f.frameRect.Min.y + pad + std::max(0.0f, ((showTitle ? detail::strongFont()->FontSize : sh) - sh) * 0.5f);
    for (const std::vector<Placed>& row : rows) {
        float width = 0;
        for (const Placed& p : row) width += p.width + (width > 0 ? gapBetween : 0);
        float x = f.frameRect.Max.x - pad - width;
        for (const Placed& p : row) {
            detail::LegendItem& item = f.items[p.item];
            const ImRect box(ImVec2(x - dp(3), y - dp(3)), ImVec2(x + p.width + dp(3), y + sh + dp(3)));
            const bool over = mouseFree && box.Contains(io.MousePos);
            if (over) {
                st.legendHover = item.id;
                ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
                if (ImGui::IsMouseClicked(0)) {
                    item.hidden = !item.hidden;
                    auto it = std::find(st.hidden.begin(), st.hidden.end(), item.id);
                    if (item.hidden && it == st.hidden.end()) st.hidden.push_back(item.id);
                    if (!item.hidden && it != st.hidden.end()) st.hidden.erase(it);
                }
            }
            if (over) dl->AddRectFilled(box.Min, box.Max, toU32(pal.surfaceHover), dp(4));
            st.legendRects.push_back({item.id, box});
            const ImVec2 s0(x, y + (sh - swatch) * 0.5f), s1(x + swatch, y + (sh + swatch) * 0.5f);
            if (item.hidden) {
                dl->AddRect(s0, s1, item.colour, dp(2), 0, dp(1.5f));
            } else {
                dl->AddRectFilled(s0, s1, item.colour, dp(2));
            }
            dl->AddText(small, sh, ImVec2(x + swatch + gapInside, y), toU32(item.hidden ? pal.textMuted : pal.text),
                        item.label.c_str());
            x += p.width + gapBetween;
        }
        y += rowH;
    }
}

void drawTooltip(Frame& f) {
    const Palette& pal = palette();
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(dp(space::md), dp(space::sm)));
    if (ImGui::BeginTooltip()) {
        const float sh = ImGui::GetTextLineHeight();
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float swatch = dp(10);
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x, pos.y + (sh - swatch) * 0.5f),
                                                  ImVec2(pos.x + swatch, pos.y + (sh + swatch) * 0.5f), f.hoverColour,
                                                  dp(2));
        ImGui::SetCursorScreenPos(ImVec2(pos.x + swatch + dp(6), pos.y));
        ImGui::PushFont(detail::strongFont());
        ImGui::TextUnformatted(f.hover.series.empty() ? "Value" : f.hover.series.c_str());
        ImGui::PopFont();
        if (!f.hoverText.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, pal.textMuted);
            ImGui::TextUnformatted(f.hoverText.c_str());
            ImGui::PopStyleColor();
        }
        ImGui::EndTooltip();
    }
    ImGui::PopStyleVar();
}

}  // namespace

void EndChart() {
    IM_ASSERT(gFrame.active && "EndChart without a BeginChart that returned true");
    if (!gFrame.active) return;
    Frame& f = gFrame;
    detail::lockSetup();
    ChartState& st = *f.state;
    ImDrawList* dl = f.drawList;
    dl->PopClipRect();

    st.splitter.SetCurrentChannel(dl, 0);
    drawBackgroundAndAxes(f);
    st.splitter.SetCurrentChannel(dl, 2);
    drawOverlays(f);
    drawLegend(f);
    st.splitter.Merge(dl);

    if (f.haveHover && !(f.flags & ChartFlags_NoTooltip) && st.drag == DragMode::None) drawTooltip(f);

    // This frame's data extents drive next frame's automatic ranges.
    st.x.haveFit = f.fitXMin <= f.fitXMax;
    st.y.haveFit = f.fitYMin <= f.fitYMax;
    if (st.x.haveFit) {
        st.x.fitMin = f.fitXMin;
        st.x.fitMax = f.fitXMax;
    }
    if (st.y.haveFit) {
        st.y.fitMin = f.fitYMin;
        st.y.fitMax = f.fitYMax;
    }
    f.active = false;
    f.state = nullptr;
}

// =======================================================================================
// [7] Queries
// =======================================================================================

ImVec2 ChartToPixels(double x, double y) {
    detail::lockSetup();
    return detail::frame().map.toPixels(x, y);
}

ChartPoint PixelsToChart(ImVec2 pixels) {
    detail::lockSetup();
    const Frame& f = detail::frame();
    return ChartPoint{f.tx.toData(pixels.x), f.ty.toData(pixels.y)};
}

ImVec2 GetPlotMin() {
    detail::lockSetup();
    return detail::frame().plotRect.Min;
}

ImVec2 GetPlotMax() {
    detail::lockSetup();
    return detail::frame().plotRect.Max;
}

ImDrawList* GetChartDrawList() {
    detail::lockSetup();
    return detail::frame().drawList;
}

bool IsChartHovered() { return detail::frame().hovered; }

std::optional<ChartHover> HoveredPoint() {
    const Frame& f = detail::frame();
    if (!f.haveHover) return std::nullopt;
    return f.hover;
}

bool ItemClicked(const char* label, int* index) {
    const Frame& f = detail::frame();
    if (!f.clicked || !f.haveHover || f.hoverSeries != detail::itemId(label)) return false;
    if (index != nullptr) *index = f.hover.index;
    return true;
}

bool IsSeriesHidden(const char* label) {
    const Frame& f = detail::frame();
    return f.state->isHidden(detail::itemId(label));
}

void SetSeriesHidden(const char* label, bool hidden) {
    Frame& f = detail::frame();
    const ImGuiID id = detail::itemId(label);
    auto& list = f.state->hidden;
    auto it = std::find(list.begin(), list.end(), id);
    if (hidden && it == list.end()) list.push_back(id);
    if (!hidden && it != list.end()) list.erase(it);
}

std::optional<PixelRect> LegendEntryRect(const char* label) {
    const Frame& f = detail::frame();
    const ImGuiID id = detail::itemId(label);
    for (const auto& [item, rect] : f.state->legendRects) {
        if (item == id) return PixelRect{rect.Min, rect.Max};
    }
    return std::nullopt;
}

const Selection* GetSelection() {
    const Frame& f = detail::frame();
    return f.state->selection.kind == SelectionKind::None ? nullptr : &f.state->selection;
}

void ClearSelection() { clearSelection(*detail::frame().state); }

}  // namespace rapport::ui::charts
