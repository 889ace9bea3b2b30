// segments_view.cpp: the Segments view.
//   1. Shared: the selection bar (save as segment, show, export), helpers
//   2. RFM: as-of date, R x F heatmap, named segments table
//   3. Clusters: set-up, summary, PCA scatter with box and lasso, elbow and silhouette,
//      profiles, Ward dendrogram with a cut
//   4. Saved segments: list, show, export, delete
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/facts.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
#include "core/json_writer.hpp"
#include "core/text_format.hpp"
#include "ui/charts/chart.hpp"
#include "ui/charts/series.hpp"
#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

using analytics::RfmSegment;

// ---- 1. Shared ------------------------------------------------------------------------------

std::string isoDay(int32_t day) { return core::formatIsoDate(core::civilFromDays(day)); }

std::string number(double v, int decimals = 0) {
    if (!std::isfinite(v)) return "-";
    return charts::formatGrouped(v, decimals);
}

void select(app::AppState& app, std::vector<int64_t> ids, std::string label, std::string definition) {
    app::SegmentationState& s = app.segmentation;
    s.selection = app::Selection{std::move(ids), std::move(label), std::move(definition)};
    s.message.clear();
    s.error.clear();
    if (s.segmentName.empty()) s.segmentName = s.selection->label;
}

// What is selected, and what can be done with it.
void drawSelectionBar(app::AppState& app) {
    app::SegmentationState& s = app.segmentation;
    if (!s.selection) {
        ImGui::AlignTextToFramePadding();  // as tall as the selection line, so nothing jumps
        MutedText(ICON_CROSSHAIRS "  Click a segment, a grid cell or a cluster, or draw a box or lasso on the scatter, to select customers.");
    } else {
        const app::Selection& sel = *s.selection;
        ImGui::AlignTextToFramePadding();
        ImGui::PushFont(fonts().strong);
        ImGui::Text(ICON_CROSSHAIRS "  %s", sel.label.c_str());
        ImGui::PopFont();
        ImGui::SameLine();
        MutedText((core::formatCount(static_cast<int64_t>(sel.ids.size())) + " customers").c_str());
        ImGui::SameLine(0, dp(space::lg));
        if (Button("Show in Customers", ButtonKind::Secondary, ICON_EYE)) app::showInCustomers(app, sel.ids, sel.label);
        ItemTooltip("Show in Customers", "Opens the Customers view with only these customers, to browse, open or export them.");
        ImGui::SameLine();
        if (Button("Export selection", ButtonKind::Ghost, ICON_DOWNLOAD)) app::exportSelection(app);
        ImGui::SameLine(0, dp(space::lg));
        char name[128];
        std::snprintf(name, sizeof name, "%s", s.segmentName.c_str());
        ImGui::SetNextItemWidth(dp(220));
        if (ImGui::InputTextWithHint("##segment-name", "Segment name", name, sizeof name)) s.segmentName = name;
        recordItem("Segment name");
        ImGui::SameLine();
        ImGui::BeginDisabled(app.storage == app::StorageState::ReadOnly);
        if (Button("Save as segment", ButtonKind::Primary, ICON_SAVE)) app::saveSelectionAsSegment(app, s.segmentName);
        ImGui::EndDisabled();
        ItemTooltip("Save as segment", "Keeps these customers as a named segment: it stays after a reload, appears in the "
                                       "Saved segments tab, and can be exported.");
        ImGui::SameLine();
        if (Button("Clear", ButtonKind::Ghost, ICON_TIMES)) {
            s.selection.reset();
            s.segmentName.clear();
        }
    }
    if (!s.message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette().success);
        ImGui::TextWrapped(ICON_CHECK_CIRCLE "  %s", s.message.c_str());
        ImGui::PopStyleColor();
    }
    ErrorText(s.error);
}

// A table cell that selects its row's customers when clicked.
bool rowSelectable(const char* text, bool selected) {
    return ImGui::Selectable(text, selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap);
}

// ---- 2. RFM ---------------------------------------------------------------------------------

void drawRfmSetup(app::AppState& app) {
    app::SegmentationState& s = app.segmentation;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("As of");
    ImGui::SameLine();
    static char date[16] = "";
    static int shownDay = -1;
    const int32_t current = s.rfmAsOfDay != 0 ? s.rfmAsOfDay : s.rfm ? s.rfm->asOfDay : 0;
    if (current != shownDay) {
        shownDay = current;
        std::snprintf(date, sizeof date, "%s", current != 0 ? isoDay(current).c_str() : "");
    }
    ImGui::SetNextItemWidth(dp(130));
    ImGui::InputTextWithHint("##asof", "last day", date, sizeof date);
    recordItem("RFM as of");
    ItemTooltip("As of", "Recency is counted in days up to this date, and only orders up to it count. Empty: the last day "
                         "with any record, so imported history is scored as of its own end.");
    ImGui::SameLine();
    const bool busy = app.runner.active != nullptr;
    ImGui::BeginDisabled(busy);
    if (Button("Run RFM", ButtonKind::Primary, ICON_PLAY)) {
        int32_t day = store::kNoDay;
        bool ok = true;
        if (date[0] != '\0') {
            const auto parsed = core::parseIsoDate(date);
            ok = parsed.has_value();
            if (parsed) day = static_cast<int32_t>(core::daysFromCivil(*parsed));
        }
        if (!ok) {
            s.error = "The date must be written YYYY-MM-DD, for example 2024-12-31.";
        } else {
            s.error.clear();
            s.rfmAsOfDay = day == store::kNoDay ? 0 : day;
            if (auto started = app::startRfm(app, day); !started) s.error = started.error().message;
        }
    }
    ImGui::EndDisabled();
    ItemTooltip("Run RFM", "Scores every customer 1-5 on recency, frequency and monetary value and names their segment.");
    if (s.rfm) {
        ImGui::SameLine(0, dp(space::lg));
        std::string line = core::formatCount(static_cast<int64_t>(s.rfm->customerIds.size())) + " customers as of " + isoDay(s.rfm->asOfDay);
        if (!s.rfm->createdAt.empty()) line += ", computed " + s.rfm->createdAt.substr(0, 16) + " UTC";
        if (s.rfm->neverOrdered > 0) {
            line += "  \xC2\xB7  " + core::formatCount(s.rfm->neverOrdered) + " never ordered (shown apart)";
        }
        ImGui::AlignTextToFramePadding();
        MutedText(line.c_str());
    }
}

std::string edgesText(const char* what, const std::array<double, 4>& edges, bool recency) {
    std::string out = what;
    for (int score = 2; score <= 5; ++score) {
        const double e = edges[static_cast<size_t>(score - 2)];
        out += "\n  " + std::to_string(score) + ": ";
        out += std::isfinite(e) ? (recency ? "last order within " + number(e) + " days" : "at least " + number(e, e < 100 ? 1 : 0))
                                : "no customer";
    }
    return out;
}

void drawRfmGrid(app::AppState& app, const app::RfmRun& run, float width, float height) {
    static bool byMoney = false;
    ImGui::AlignTextToFramePadding();
    SectionHeading("Recency x frequency");
    ImGui::SameLine(0, dp(space::lg));
    if (ImGui::RadioButton("Customers", !byMoney)) byMoney = false;
    ImGui::SameLine();
    if (ImGui::RadioButton("Average revenue", byMoney)) byMoney = true;
    ImGui::SameLine();
    ImGui::TextDisabled(ICON_INFO_CIRCLE);
    const std::string help = edgesText("Recency score (5 = most recent)", run.rfm.recencyEdges, true) + "\n" +
                             edgesText("Frequency score (orders)", run.rfm.frequencyEdges, false) + "\n" +
                             edgesText("Monetary score (revenue)", run.rfm.monetaryEdges, false) +
                             "\nScores split customers with orders into fifths; equal values always share a score, so a "
                             "score can be skipped when many customers have the same value.";
    ItemTooltip("How scores are given", help.c_str());

    // Rows R = 5 (top) .. 1, columns F = 1 .. 5.
    static const char* kRows[] = {"R 5", "R 4", "R 3", "R 2", "R 1"};
    static const char* kCols[] = {"F 1", "F 2", "F 3", "F 4", "F 5"};
    double values[25];
    for (int row = 0; row < 5; ++row) {
        for (int col = 0; col < 5; ++col) {
            const int r = 5 - row;
            const auto& cell = run.grid;
            values[row * 5 + col] = byMoney ? cell.meanMonetary[static_cast<size_t>(r - 1)][static_cast<size_t>(col)]
                                            : static_cast<double>(cell.customers[static_cast<size_t>(r - 1)][static_cast<size_t>(col)]);
        }
    }
    if (charts::BeginChart("##rfm-grid", ImVec2(width, height), charts::ChartFlags_NoZoom | charts::ChartFlags_NoLegend)) {
        charts::HeatmapSpec spec;
        spec.colormap = charts::Colormap::Blues;
        spec.cellFormat = byMoney ? "%.0f" : "%.0f";
        spec.valueFormat = byMoney ? charts::AxisFormat::Currency : charts::AxisFormat::Integer;
        spec.currency = "";
        charts::PlotHeatmap("Customers by R and F", values, 5, 5, 0, 0, kRows, kCols, spec);
        int index = -1;
        if (charts::ItemClicked("Customers by R and F", &index) && index >= 0) {
            const int r = 5 - index / 5, f = index % 5 + 1;
            const RfmSegment segment = analytics::rfmSegmentOf(r, f);
            core::JsonWriter w;
            w.beginObject().field("source", "rfm").field("asOf", isoDay(run.asOfDay)).field("r", r).field("f", f).field("runId", run.runId).endObject();
            select(app, app::rfmCellCustomers(run, r, f),
                   "RFM cell R" + std::to_string(r) + " F" + std::to_string(f) + " (" + analytics::rfmSegmentName(segment) + ")", w.str());
        }
        charts::EndChart();
    }
    recordItem("RFM grid");
}

void drawRfmTable(app::AppState& app, const app::RfmRun& run, float height) {
    SectionHeading("Segments");
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##rfm-segments", 6, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Segment", ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableSetupColumn("Customers", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("Share", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("Revenue share", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("Avg order", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("Days since", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    const bool selectedIsSegment = app.segmentation.selection && app.segmentation.selection->label.rfind("RFM: ", 0) == 0;
    const double n = static_cast<double>(std::max<size_t>(1, run.customerIds.size()));
    for (int index = 0; index <= app::kNeverOrdered; ++index) {
        const bool never = index == app::kNeverOrdered;
        if (never && run.neverOrdered == 0) break;
        analytics::RfmSegmentSummary row;
        if (!never) row = run.segments[static_cast<size_t>(index)];
        const char* name = app::displaySegmentName(index);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(name);
        const std::string label = std::string("RFM: ") + name;
        const bool selected = selectedIsSegment && app.segmentation.selection->label == label;
        if (rowSelectable(name, selected)) {
            core::JsonWriter w;
            w.beginObject().field("source", "rfm").field("segment", name);
            w.field("rule", never ? "no order up to the as-of day" : analytics::rfmSegmentRule(row.segment));
            w.field("asOf", isoDay(run.asOfDay)).field("runId", run.runId).endObject();
            select(app, app::rfmSegmentCustomers(run, index), label, w.str());
        }
        const std::string tip = never ? std::string("Customers with no order up to the as-of day: RFM cannot score them, so they are "
                                                    "counted apart rather than as Lost. Click to select them.")
                                      : std::string(analytics::rfmSegmentDescription(row.segment)) + " Grid cells: " +
                                            analytics::rfmSegmentRule(row.segment) + ". Click to select these customers.";
        ItemTooltip(name, tip.c_str());
        if (index == 0) recordItem("RFM segment Champions");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatCount(never ? run.neverOrdered : row.customers).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatPercent(never ? static_cast<double>(run.neverOrdered) / n : row.share).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatPercent(never ? 0.0 : row.revenueShare).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(never ? "-" : number(row.averageOrderValue, 2).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(never ? "-" : number(row.meanRecencyDays).c_str());
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void drawRfm(app::AppState& app) {
    drawRfmSetup(app);
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    app::SegmentationState& s = app.segmentation;
    if (!s.rfm) {
        if (BeginCard("##rfm-empty")) {
            SectionHeading("Who buys recently, often, and for much?");
            MutedTextWrapped("RFM scores every customer from 1 to 5 on Recency (days since the last order), Frequency "
                             "(orders) and Monetary value (revenue), and names eleven segments from the recency and "
                             "frequency scores: Champions, Loyal, At risk, Cannot lose, Lost and more. Choose a date or keep "
                             "the last day of your data, then Run RFM.");
        }
        EndCard();
        return;
    }
    const app::RfmRun& run = *s.rfm;
    const float avail = ImGui::GetContentRegionAvail().x;
    const float height = std::max(dp(300), ImGui::GetContentRegionAvail().y - dp(space::sm));
    const float gap = dp(space::lg);
    if (avail > dp(900)) {
        const float left = std::min(dp(460), avail * 0.42f);
        ImGui::BeginGroup();
        drawRfmGrid(app, run, left, height - ImGui::GetFrameHeightWithSpacing());
        ImGui::EndGroup();
        ImGui::SameLine(0, gap);
        ImGui::BeginGroup();
        drawRfmTable(app, run, height - ImGui::GetFrameHeightWithSpacing());
        ImGui::EndGroup();
    } else {
        drawRfmGrid(app, run, avail, dp(300));
        drawRfmTable(app, run, dp(360));
    }
}

// ---- 3. Clusters ------------------------------------------------------------------------------

void drawClusterSetup(app::AppState& app) {
    app::SegmentationState& s = app.segmentation;
    app::ClusterParams& p = s.draft;
    const auto facts = app::currentFacts(app);
    std::vector<app::FeatureInfo> catalog;
    if (facts) catalog = app::availableFeatures(*facts);
    else if (s.clusters) catalog = s.clusters->features;
    if (catalog.empty()) {
        for (const std::string& key : app::defaultClusterFeatures()) catalog.push_back({key, key, "", false});
    }
    if (BeginCard("##cluster-setup")) {
        SectionHeading("Features");
        ImGui::SameLine();
        ImGui::TextDisabled(ICON_INFO_CIRCLE);
        ItemTooltip("Features", "Clusters are groups of customers close to each other on these measures. Skewed measures "
                                "(money, counts) are log-transformed, then all are standardized so each counts equally; "
                                "missing values are set to the median and reported.");
        if (!facts) {
            ImGui::SameLine();
            MutedText("(more choices appear once the data has been read)");
        }
        int column = 0;
        const float columnWidth = dp(230);
        const int perRow = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / columnWidth));
        for (const app::FeatureInfo& f : catalog) {
            bool on = std::find(p.features.begin(), p.features.end(), f.key) != p.features.end();
            if (column % perRow != 0) ImGui::SameLine(static_cast<float>(column % perRow) * columnWidth + ImGui::GetStyle().WindowPadding.x);
            if (ImGui::Checkbox(f.label.c_str(), &on)) {
                if (on) p.features.push_back(f.key);
                else p.features.erase(std::remove(p.features.begin(), p.features.end(), f.key), p.features.end());
            }
            if (!f.description.empty()) ItemTooltip(f.label.c_str(), f.description.c_str());
            ++column;
        }
        ImGui::Dummy(ImVec2(0, dp(space::xs)));
        bool automatic = p.k == 0;
        if (ImGui::Checkbox("Choose k for me", &automatic)) p.k = automatic ? 0 : 5;
        ItemTooltip("Choose k for me", "Tries every k in the range and keeps the one with the best silhouette (how much closer "
                                       "customers are to their own cluster than to the next one). The elbow and silhouette "
                                       "charts show all of them.");
        ImGui::SameLine(0, dp(space::lg));
        if (automatic) {
            ImGui::SetNextItemWidth(dp(160));
            int range[2] = {p.kMin, p.kMax};
            if (ImGui::DragInt2("k from, to", range, 0.1f, 2, 15)) {
                p.kMin = std::clamp(range[0], 2, 15);
                p.kMax = std::clamp(std::max(range[1], p.kMin), 2, 15);
            }
        } else {
            ImGui::SetNextItemWidth(dp(160));
            ImGui::SliderInt("clusters (k)", &p.k, 2, 15);
        }
        ImGui::SameLine(0, dp(space::lg));
        ImGui::SetNextItemWidth(dp(110));
        ImGui::InputInt("restarts", &p.restarts, 1, 5);
        p.restarts = std::clamp(p.restarts, 1, 50);
        ItemTooltip("Restarts", "k-means starts from random centres; it runs this many times and keeps the tightest result.");
        ImGui::SameLine(0, dp(space::lg));
        int seed = static_cast<int>(p.seed);
        ImGui::SetNextItemWidth(dp(90));
        if (ImGui::InputInt("seed", &seed, 0)) p.seed = static_cast<uint64_t>(std::max(0, seed));
        ItemTooltip("Seed", "The same seed on the same data gives the same clusters.");
        ImGui::SameLine(0, dp(space::lg));
        ImGui::BeginDisabled(app.runner.active != nullptr || p.features.empty());
        if (Button("Run clustering", ButtonKind::Primary, ICON_PLAY)) {
            s.error.clear();
            if (auto started = app::startClustering(app, p); !started) s.error = started.error().message;
        }
        ImGui::EndDisabled();
    }
    EndCard();
}

// Per-run caches for drawing: doubles for the scatter and group ids.
struct ScatterCache {
    uint64_t runGeneration = 0;  // app.segmentation.clustersGeneration it was made for
    int64_t runId = -1;
    size_t n = 0;
    std::vector<double> x, y;
    std::vector<int> group;
    uint64_t generation = 0;
};

ScatterCache& scatterFor(const app::AppState& app, const app::ClusterRun& run) {
    static ScatterCache cache;
    if (cache.runGeneration != app.segmentation.clustersGeneration || cache.runId != run.runId ||
        cache.n != run.labels.size() || cache.x.size() != run.pcaX.size()) {
        cache.runGeneration = app.segmentation.clustersGeneration;
        cache.runId = run.runId;
        cache.n = run.labels.size();
        cache.x.assign(run.pcaX.begin(), run.pcaX.end());
        cache.y.assign(run.pcaY.begin(), run.pcaY.end());
        cache.group.assign(run.labels.begin(), run.labels.end());
        ++cache.generation;
    }
    return cache;
}

void drawScatter(app::AppState& app, const app::ClusterRun& run, float width, float height) {
    ScatterCache& c = scatterFor(app, run);
    char title[160];
    std::snprintf(title, sizeof title, "Customers on the first two components (%.0f%% of the variance)###pca",
                  (run.explained[0] + run.explained[1]) * 100);
    // Our own tooltip (the customer and their cluster) replaces the chart's.
    const charts::ChartFlags flags = charts::ChartFlags_BoxSelect | charts::ChartFlags_LassoSelect | charts::ChartFlags_NoTooltip;
    if (!charts::BeginChart(title, ImVec2(width, height), flags)) return;
    // A new run: the last box or lasso was drawn on other points.
    static uint64_t shownGeneration = 0;
    if (shownGeneration != c.generation) {
        shownGeneration = c.generation;
        charts::ClearSelection();
    }
    charts::AxisSpec x, y;
    char xl[48], yl[48];
    std::snprintf(xl, sizeof xl, "Component 1 (%.0f%%)", run.explained[0] * 100);
    std::snprintf(yl, sizeof yl, "Component 2 (%.0f%%)", run.explained[1] * 100);
    x.label = xl;
    y.label = yl;
    charts::SetupAxes(x, y);
    charts::SeriesSpec spec;
    spec.generation = c.generation;
    spec.size = run.labels.size() > 50000 ? 2.5f : 4.0f;
    spec.alpha = run.labels.size() > 50000 ? 0.5f : 0.8f;
    charts::PlotScatter("Customers", c.x.data(), c.y.data(), static_cast<int>(c.x.size()), c.group.data(), spec);
    if (auto hover = charts::HoveredPoint(); hover && hover->series == "Customers" && hover->index >= 0 &&
                                             static_cast<size_t>(hover->index) < run.customerIds.size()) {
        const auto i = static_cast<size_t>(hover->index);
        const int cluster = run.labels[i];
        const std::string who = app::customerLabel(app, run.customerIds[i]);
        ImGui::BeginTooltip();
        ImGui::PushFont(fonts().strong);
        ImGui::TextUnformatted(who.c_str());
        ImGui::PopFont();
        const std::string name = cluster < static_cast<int>(run.profiles.size()) ? run.profiles[static_cast<size_t>(cluster)].name : "";
        ImGui::Text("Cluster %d: %s", cluster + 1, name.c_str());
        MutedText("Drag to select a box, Shift+drag for a lasso.");
        ImGui::EndTooltip();
    }
    static uint64_t seenGeneration = 0;
    const charts::Selection* sel = charts::GetSelection();
    if (sel == nullptr) seenGeneration = 0;  // generations restart with the chart's state
    if (sel != nullptr && sel->generation != seenGeneration) {
        seenGeneration = sel->generation;
        if (const std::vector<int32_t>* idx = sel->indicesOf("Customers"); idx != nullptr && !idx->empty()) {
            std::vector<int64_t> ids;
            ids.reserve(idx->size());
            for (const int32_t i : *idx) ids.push_back(run.customerIds[static_cast<size_t>(i)]);
            core::JsonWriter w;
            w.beginObject().field("source", "scatter").field("runId", run.runId);
            w.field("shape", sel->kind == charts::SelectionKind::Lasso ? "lasso" : "box");
            w.key("polygon").beginArray();
            for (const charts::ChartPoint& p : sel->polygon) w.beginArray().value(p.x).value(p.y).endArray();
            w.endArray().endObject();
            select(app, std::move(ids), sel->kind == charts::SelectionKind::Lasso ? "Lasso on the cluster scatter" : "Box on the cluster scatter",
                   w.str());
        }
    }
    charts::EndChart();
    recordItem("Cluster scatter");
}

void drawChoices(const app::ClusterRun& run, float width, float height) {
    if (run.choices.empty()) return;
    std::vector<double> ks, inertia, silhouette;
    for (const analytics::KChoice& c : run.choices) {
        ks.push_back(c.k);
        inertia.push_back(c.inertia);
        silhouette.push_back(c.silhouette);
    }
    const float half = (width - dp(space::md)) * 0.5f;
    if (charts::BeginChart("Elbow: inertia by k##elbow", ImVec2(half, height), charts::ChartFlags_NoLegend)) {
        charts::AxisSpec x, y;
        x.label = "k";
        x.format = charts::AxisFormat::Integer;
        y.label = "Inertia";
        charts::SetupAxes(x, y);
        charts::SeriesSpec spec;
        spec.flags = charts::SeriesFlags_Markers;
        charts::PlotLine("Inertia", ks.data(), inertia.data(), static_cast<int>(ks.size()), spec);
        charts::PlotReferenceLine("Chosen k", run.k, true);
        charts::EndChart();
    }
    ItemTooltip("Elbow", "Inertia is the sum of squared distances of customers to their cluster's centre (in standardized "
                         "units). It always falls as k grows; the bend (the elbow) is where more clusters stop helping much.");
    ImGui::SameLine(0, dp(space::md));
    if (charts::BeginChart("Silhouette by k##silhouette", ImVec2(half, height), charts::ChartFlags_NoLegend)) {
        charts::AxisSpec x, y;
        x.label = "k";
        x.format = charts::AxisFormat::Integer;
        y.label = "Mean silhouette";
        charts::SetupAxes(x, y);
        charts::SeriesSpec spec;
        spec.flags = charts::SeriesFlags_Markers;
        spec.colour = charts::seriesColour(1);
        charts::PlotLine("Silhouette", ks.data(), silhouette.data(), static_cast<int>(ks.size()), spec);
        charts::PlotReferenceLine("Chosen k", run.k, true);
        charts::EndChart();
    }
    ItemTooltip("Silhouette", "For each customer: (b - a) / max(a, b), where a is the mean distance to its own cluster and b "
                              "to the nearest other one. Near 1: well separated; near 0: on a border. The highest mean wins.");
}

void drawProfiles(app::AppState& app, const app::ClusterRun& run) {
    SectionHeading("Cluster profiles");
    ImGui::SameLine();
    MutedText("medians in original units; hover a value for the mean. Click a cluster to select its customers.");
    const int columns = 4 + static_cast<int>(run.features.size());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_SizingFixedFit;
    const float rowHeight = ImGui::GetTextLineHeightWithSpacing() + dp(4);
    if (!ImGui::BeginTable("##profiles", columns, flags, ImVec2(0, rowHeight * static_cast<float>(run.profiles.size() + 1) + dp(space::lg)))) return;
    ImGui::TableSetupColumn("Cluster", ImGuiTableColumnFlags_WidthFixed, dp(260));
    ImGui::TableSetupColumn("Customers", ImGuiTableColumnFlags_WidthFixed, dp(90));
    ImGui::TableSetupColumn("Share", ImGuiTableColumnFlags_WidthFixed, dp(60));
    ImGui::TableSetupColumn("Revenue share", ImGuiTableColumnFlags_WidthFixed, dp(100));
    for (const app::FeatureInfo& f : run.features) ImGui::TableSetupColumn(f.label.c_str(), ImGuiTableColumnFlags_WidthFixed, dp(120));
    ImGui::TableHeadersRow();
    for (const analytics::ClusterProfile& p : run.profiles) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(p.cluster);
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float sw = ImGui::GetTextLineHeight() * 0.7f;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x, pos.y + sw * 0.25f), ImVec2(pos.x + sw, pos.y + sw * 1.25f),
                                                  charts::seriesColour(p.cluster), dp(2));
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + sw + dp(6));
        char label[160];
        std::snprintf(label, sizeof label, "%d  %s", p.cluster + 1, p.name.c_str());
        const std::string selLabel = "Cluster " + std::to_string(p.cluster + 1) + ": " + p.name;
        const bool selected = app.segmentation.selection && app.segmentation.selection->label == selLabel;
        if (rowSelectable(label, selected)) {
            core::JsonWriter w;
            w.beginObject().field("source", "kmeans").field("runId", run.runId).field("cluster", p.cluster).field("name", p.name);
            w.key("features").beginArray();
            for (const app::FeatureInfo& f : run.features) w.value(f.key);
            w.endArray().field("k", run.k).field("seed", static_cast<int64_t>(run.params.seed)).field("restarts", run.params.restarts);
            w.field("asOf", isoDay(run.asOfDay)).endObject();
            select(app, app::clusterCustomers(run, p.cluster), selLabel, w.str());
        }
        if (p.cluster == 0) recordItem("First cluster row");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatCount(p.size).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatPercent(p.share, 0).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatPercent(p.revenueShare, 0).c_str());
        for (size_t j = 0; j < run.features.size(); ++j) {
            ImGui::TableNextColumn();
            const double median = j < p.median.size() ? p.median[j] : NAN;
            const double mean = j < p.mean.size() ? p.mean[j] : NAN;
            ImGui::TextUnformatted(number(median, std::fabs(median) < 10 ? 1 : 0).c_str());
            if (ImGui::IsItemHovered()) {
                const std::string tip = "Median " + number(median, 2) + ", mean " + number(mean, 2) +
                                        (j < p.percentile.size() && std::isfinite(p.percentile[j])
                                             ? ". Higher than " + core::formatPercent(p.percentile[j], 0) + " of all customers."
                                             : std::string("."));
                ImGui::SetTooltip("%s", tip.c_str());
            }
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void drawDendrogram(app::AppState& app, const app::ClusterRun& run, float width, float height) {
    if (run.tree.leaves < 2) return;
    int& cut = app.segmentation.wardCut;
    if (cut <= 0) cut = std::min(run.k, run.tree.leaves);
    constexpr int kShown = 30;
    const analytics::DendrogramLayout layout = analytics::layoutDendrogram(run.tree, kShown);
    SectionHeading("Hierarchical clustering (Ward)");
    ImGui::SameLine();
    ImGui::TextDisabled(ICON_INFO_CIRCLE);
    const std::string help = std::string("Ward's method merges, step by step, the two groups whose merge adds the least "
                                         "spread; the height of a join is how different the joined groups are. Cutting the "
                                         "tree gives k groups. ") +
                             (run.wardApproximate ? "Built on " + core::formatCount(run.wardPoints) +
                                                        " customers grouped first into small k-means clusters; sizes are "
                                                        "scaled to all customers."
                                                  : "Exact, on every customer.") +
                             " The top " + std::to_string(kShown) + " groups are shown.";
    ItemTooltip("Ward dendrogram", help.c_str());
    ImGui::SameLine(0, dp(space::lg));
    ImGui::SetNextItemWidth(dp(120));
    ImGui::SliderInt("groups", &cut, 2, std::min(15, run.tree.leaves));
    recordItem("Dendrogram cut");
    const std::vector<int64_t> sizes = app::wardClusterSizes(run, cut);
    std::string sizesText = run.wardApproximate ? "Group sizes (estimated):" : "Group sizes:";
    for (size_t i = 0; i < sizes.size(); ++i) sizesText += (i == 0 ? " " : ", ") + core::formatCount(sizes[i]);
    MutedText(sizesText.c_str());

    std::vector<std::string> labels;
    for (const analytics::DendrogramTerminal& t : layout.terminals) labels.push_back(core::formatCount(t.size));
    if (!charts::BeginChart("##dendrogram", ImVec2(width, height), charts::ChartFlags_NoLegend | charts::ChartFlags_NoZoom)) return;
    charts::AxisSpec x, y;
    x.format = charts::AxisFormat::Category;
    x.categories = labels;
    x.label = "Groups (customers)";
    y.label = "Merge height";
    y.min = 0;
    charts::SetupAxes(x, y);
    const double cutAt = analytics::cutHeight(run.tree, cut);
    charts::SeriesSpec below;
    below.colour = charts::seriesColour(0);
    below.size = 1.5f;
    below.flags = charts::SeriesFlags_NoHover;
    charts::SeriesSpec above = below;
    above.colour = toU32(palette().textMuted);
    for (size_t i = 0; i < layout.links.size(); ++i) {
        const analytics::DendrogramLink& l = layout.links[i];
        const double xs[4] = {l.leftX, l.leftX, l.rightX, l.rightX};
        const double ys[4] = {l.leftHeight, l.height, l.height, l.rightHeight};
        char id[32];
        std::snprintf(id, sizeof id, "##link%zu", i);
        charts::PlotLine(id, xs, ys, 4, l.height > cutAt ? above : below);
    }
    charts::SeriesSpec line;
    line.colour = toU32(palette().danger);
    charts::PlotReferenceLine("Cut", cutAt, false, line);
    charts::EndChart();
}

void drawClusters(app::AppState& app) {
    drawClusterSetup(app);
    app::SegmentationState& s = app.segmentation;
    ErrorText(s.error);
    if (!s.clusters) {
        ImGui::Dummy(ImVec2(0, dp(space::sm)));
        MutedTextWrapped("Pick the measures to group customers on and run the clustering. You will see the customers on a "
                         "map of their two main directions of difference, a profile and a plain name for each cluster, "
                         "and a tree of how the clusters join.");
        return;
    }
    const app::ClusterRun& run = *s.clusters;
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    char line[400];
    std::snprintf(line, sizeof line, "%d clusters of %s customers as of %s  \xC2\xB7  silhouette %.2f%s  \xC2\xB7  inertia %s%s%s",
                  run.k, core::formatCount(static_cast<int64_t>(run.customerIds.size())).c_str(), isoDay(run.asOfDay).c_str(),
                  run.silhouette, run.silhouetteSampled ? " (on a 10,000-customer sample)" : "", number(run.inertia).c_str(),
                  run.createdAt.empty() ? "" : ("  \xC2\xB7  computed " + run.createdAt.substr(0, 16) + " UTC").c_str(),
                  run.converged ? "" : "  \xC2\xB7  stopped at the iteration limit");
    MutedText(line);
    ItemTooltip("About this result",
                "Silhouette: -1 to 1, how much closer customers are to their own cluster than to the next (above 0.5 is "
                "clear structure, 0.25-0.5 some, below that weak). Inertia: the sum of squared distances to the cluster "
                "centres, in standardized units.");
    for (const std::string& w : run.warnings) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette().warning);
        ImGui::TextWrapped(ICON_INFO_CIRCLE "  %s", w.c_str());
        ImGui::PopStyleColor();
    }
    const float avail = ImGui::GetContentRegionAvail().x;
    const float gap = dp(space::lg);
    if (avail > dp(900)) {
        const float left = (avail - gap) * 0.58f;
        drawScatter(app, run, left, dp(420));
        ImGui::SameLine(0, gap);
        ImGui::BeginGroup();
        if (!run.choices.empty()) drawChoices(run, avail - left - gap, dp(200));
        drawDendrogram(app, run, avail - left - gap, run.choices.empty() ? dp(380) : dp(180));
        ImGui::EndGroup();
    } else {
        drawScatter(app, run, avail, dp(360));
        drawChoices(run, avail, dp(200));
        drawDendrogram(app, run, avail, dp(260));
    }
    ImGui::Dummy(ImVec2(0, dp(space::sm)));
    drawProfiles(app, run);
}

// ---- 4. Saved segments ----------------------------------------------------------------------------

void drawSaved(app::AppState& app) {
    const std::vector<store::SegmentInfo>& saved = app::savedSegments(app);
    app::SegmentationState& s = app.segmentation;
    if (saved.empty()) {
        MutedTextWrapped("No saved segments yet. Select customers in the RFM or Clusters tab (a segment, a cell, a cluster, or "
                         "a box or lasso on the scatter) and choose \"Save as segment\". Saved segments stay after a reload, "
                         "can be exported, and filter the Customers view.");
        return;
    }
    static int64_t confirmDelete = 0;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##saved", 4, flags)) return;
    ImGui::TableSetupColumn("Segment", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("Customers", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn("Saved (UTC)", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, dp(330));
    ImGui::TableHeadersRow();
    for (const store::SegmentInfo& seg : saved) {
        ImGui::PushID(static_cast<int>(seg.id));
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(seg.name.c_str());
        ItemTooltip(seg.name.c_str(), ("How it was made: " + seg.definition).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(core::formatCount(seg.size).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(seg.createdAt.substr(0, 16).c_str());
        ImGui::TableNextColumn();
        if (Button("Show", ButtonKind::Ghost, ICON_EYE)) {
            app.customers.filter = store::CustomerFilter{};
            app.customers.filter.segmentId = seg.id;
            app.customers.onlyLabel.clear();
            app.customers.dirty = true;
            app.view = app::View::Customers;
        }
        ImGui::SameLine();
        if (Button("Export", ButtonKind::Ghost, ICON_DOWNLOAD)) app::exportSegment(app, seg.id);
        ImGui::SameLine();
        ImGui::BeginDisabled(app.storage == app::StorageState::ReadOnly);
        if (confirmDelete == seg.id) {
            if (Button("Really delete", ButtonKind::Primary, ICON_TRASH)) {
                if (auto d = app::deleteSavedSegment(app, seg.id); !d) s.error = d.error().message;
                confirmDelete = 0;
            }
            ImGui::SameLine();
            if (Button("Keep", ButtonKind::Ghost)) confirmDelete = 0;
        } else if (Button("Delete", ButtonKind::Ghost, ICON_TRASH)) {
            confirmDelete = seg.id;
        }
        ImGui::EndDisabled();
        ImGui::PopID();
    }
    ImGui::EndTable();
    ErrorText(s.error);
}

}  // namespace

void DrawSegmentsView(app::AppState& app) {
    if (app.counts.customers == 0) {
        BeginEmptyState(ICON_PIE_CHART, "Groups of customers that behave alike",
                        "RFM scores and named segments (Champions, At risk, Lost...), clusters found by k-means with a map "
                        "of your customers, and a tree of how groups join. Select customers on any chart and save them as a "
                        "segment. There are no customers yet: load demo data, or import customers and orders from the "
                        "Data view.");
        DrawGoToDataAction(app);
        EndEmptyState();
        return;
    }
    app::restoreSegmentation(app);
    drawSelectionBar(app);
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    if (ImGui::BeginTabBar("##segments-tabs")) {
        // Each tab is recorded right after BeginTabItem: once its content is drawn, the
        // last item is the content's, not the tab's.
        const bool rfmOpen = ImGui::BeginTabItem("RFM");
        recordItem("RFM tab");
        if (rfmOpen) {
            ImGui::Dummy(ImVec2(0, dp(space::xs)));
            drawRfm(app);
            ImGui::EndTabItem();
        }
        const bool clustersOpen = ImGui::BeginTabItem("Clusters");
        recordItem("Clusters tab");
        if (clustersOpen) {
            ImGui::Dummy(ImVec2(0, dp(space::xs)));
            drawClusters(app);
            ImGui::EndTabItem();
        }
        const std::string savedLabel = "Saved segments (" + core::formatCount(app.counts.segments) + ")###saved";
        const bool savedOpen = ImGui::BeginTabItem(savedLabel.c_str());
        recordItem("Saved segments tab");
        if (savedOpen) {
            ImGui::Dummy(ImVec2(0, dp(space::xs)));
            drawSaved(app);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
}

}  // namespace rapport::ui
