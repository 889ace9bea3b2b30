// nps_view.cpp: the NPS view.
//   1. Helpers: numbers, the filter bar, clicks that list the answers behind a mark
//   2. Header: gauge with its interval, promoters/passives/detractors, CSAT, CES, gap
//   3. Distribution and trend
//   4. Breakdown and compare
//   5. Comments (search with highlights) and topics
//   6. Drivers
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/customer_browser.hpp"
#include "app/nps.hpp"
#include "app/segmentation.hpp"
#include "core/date.hpp"
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

using store::kNoDay;

// ---- 1. Helpers ------------------------------------------------------------------------------

std::string isoDay(int32_t day) { return day == kNoDay ? std::string() : core::formatIsoDate(core::civilFromDays(day)); }

std::string signedScore(double v) {
    if (!std::isfinite(v)) return "-";
    char buf[32];
    const double rounded = std::round(v);
    if (rounded == 0) return "0";  // never "-0" or "+0"
    std::snprintf(buf, sizeof buf, "%+.0f", rounded);
    return buf;
}

// Colours of the three groups, the same everywhere in the view.
ImU32 groupColour(int group) {
    const Palette& p = palette();
    return toU32(group == 0 ? p.success : group == 1 ? p.textMuted : p.danger);
}

const char* kGroupNames[] = {"Promoters", "Passives", "Detractors"};

// Lists the answers behind a mark in the Comments section (and scrolls there).
bool gScrollToComments = false;
void showAnswers(app::AppState& app, std::string label, int group, double minScore, double maxScore, int32_t from, int32_t to,
                 std::vector<int64_t> customers = {}) {
    app::NpsState& s = app.nps;
    s.comments = store::CommentQuery{};
    s.comments.limit = 20;
    s.comments.text = s.commentsInput;
    s.comments.group = group;
    s.comments.minScore = minScore;
    s.comments.maxScore = maxScore;
    s.comments.from = isoDay(from);
    s.comments.to = isoDay(to);
    s.comments.customerIds = std::move(customers);
    s.commentsLabel = std::move(label);
    s.commentsDirty = true;
    gScrollToComments = true;
}

// A date field bound to a day (empty: open).
bool dayInput(const char* id, int32_t& day, float width) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s", isoDay(day).c_str());
    ImGui::SetNextItemWidth(width);
    if (!ImGui::InputTextWithHint(id, "YYYY-MM-DD", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) return false;
    if (buf[0] == '\0') {
        day = kNoDay;
        return true;
    }
    const auto parsed = core::parseIsoDate(buf);
    if (!parsed) return false;
    day = static_cast<int32_t>(core::daysFromCivil(*parsed));
    return true;
}

void drawFilterBar(app::AppState& app, const app::NpsContext& c) {
    app::NpsState& s = app.nps;
    app::NpsFilter& f = s.filter;
    const int32_t last = c.facts != nullptr ? app::defaultAsOfDay(*c.facts) : kNoDay;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("From");
    ImGui::SameLine();
    dayInput("##from", f.fromDay, dp(120));
    recordItem("NPS from");
    ImGui::SameLine();
    ImGui::TextUnformatted("to");
    ImGui::SameLine();
    dayInput("##to", f.toDay, dp(120));
    recordItem("NPS to");
    ItemTooltip("Dates", "Answers given on these days, both included (press Enter). Empty: no limit. Every figure, chart and "
                         "the comments below use this window.");
    const struct { const char* label; int days; } kPresets[] = {{"90 days", 90}, {"12 months", 365}, {"All", 0}};
    for (const auto& preset : kPresets) {
        ImGui::SameLine();
        if (Button(preset.label, ButtonKind::Ghost)) {
            f.toDay = preset.days == 0 ? kNoDay : last;
            f.fromDay = preset.days == 0 ? kNoDay : last - (preset.days - 1);
        }
    }
    ImGui::SameLine(0, dp(space::lg));
    // Segment: a saved segment or an RFM segment.
    std::string current = "Everyone";
    for (const app::NpsContext::Segment& seg : c.segments) {
        if (seg.id == f.segmentId) current = seg.name;
    }
    if (f.rfmSegment >= 0) current = std::string("RFM: ") + app::displaySegmentName(f.rfmSegment);
    ImGui::SetNextItemWidth(dp(200));
    if (ImGui::BeginCombo("##nps-segment", current.c_str())) {
        if (ImGui::Selectable("Everyone", f.segmentId == 0 && f.rfmSegment < 0)) { f.segmentId = 0; f.rfmSegment = -1; }
        for (const app::NpsContext::Segment& seg : c.segments) {
            if (ImGui::Selectable(seg.name.c_str(), f.segmentId == seg.id)) { f.segmentId = seg.id; f.rfmSegment = -1; }
        }
        if (c.rfm != nullptr) {
            ImGui::Separator();
            for (int i = 0; i <= app::kNeverOrdered; ++i) {
                const std::string label = std::string("RFM: ") + app::displaySegmentName(i);
                if (ImGui::Selectable(label.c_str(), f.rfmSegment == i)) { f.rfmSegment = i; f.segmentId = 0; }
            }
        }
        ImGui::EndCombo();
    }
    recordItem("NPS segment");
    ItemTooltip("Segment", "Only the answers of these customers: a saved segment, or an RFM segment (run RFM in the Segments view).");
    ImGui::SameLine(0, dp(space::lg));
    ImGui::Checkbox("Latest answer per customer", &f.latestOnly);
    recordItem("Latest answer per customer");
    ItemTooltip("Counting rule", "Off: every answer counts, so customers who answer often weigh more. On: only each customer's "
                                 "latest answer in the window counts, so every customer weighs the same.");
}

// ---- 2. Header -----------------------------------------------------------------------------------

void drawGauge(const analytics::NpsResult& r, float width) {
    if (BeginCard("##nps-gauge", ImVec2(width, dp(238)))) {
        if (charts::BeginChart("##gauge", ImVec2(-1, dp(150)), charts::ChartFlags_NoAxes | charts::ChartFlags_NoLegend |
                                                                 charts::ChartFlags_NoFrame | charts::ChartFlags_NoZoom)) {
            const Palette& p = palette();
            const charts::GaugeBand bands[] = {{0, toU32(p.danger), "Below 0"}, {30, toU32(p.warning), "0 to 30"},
                                               {70, toU32(p.success), "30 to 70"}, {100, charts::seriesColour(0), "70 and above"}};
            charts::GaugeSpec spec;
            spec.origin = 0;
            spec.caption = "NPS";
            spec.format = charts::AxisFormat::Integer;  // NPS is read in whole points
            charts::PlotGauge("NPS", std::isfinite(r.nps) ? std::round(r.nps) : 0, -100, 100, bands, 4, spec);
            charts::EndChart();
        }
        const std::string interval = std::isfinite(r.low) ? "95% interval " + signedScore(r.low) + " to " + signedScore(r.high) : "no answers";
        MutedText(interval.c_str());
        const std::string n = core::formatCount(r.counts.n()) + " answers" + (r.tooFew ? "  \xC2\xB7  too few for a firm figure" : "");
        ImGui::PushStyleColor(ImGuiCol_Text, r.tooFew ? palette().warning : palette().textMuted);
        ImGui::TextUnformatted(n.c_str());
        ImGui::PopStyleColor();
    }
    EndCard();
    const std::string how = std::string("NPS = % promoters (9-10) - % detractors (0-6), from -100 to 100. The interval is where the "
                                        "true score lies with 95% confidence: ") +
                            (r.method == analytics::NpsIntervalMethod::Normal
                                 ? "NPS \xC2\xB1 1.96 \xC3\x97 100 \xC3\x97 \xE2\x88\x9A((p + d - (p - d)\xC2\xB2) / n)."
                                 : "with fewer than 1,000 answers, a score interval that stays within -100 to 100.") +
                            " Below 30 answers the figure is marked as too few.";
    ItemTooltip("Net Promoter Score", how.c_str());
    recordItem("NPS gauge");
}

void drawGroups(app::AppState& app, const analytics::NpsResult& r, float width) {
    if (BeginCard("##nps-groups", ImVec2(width, dp(238)))) {
        SectionHeading("Promoters, passives, detractors");
        // One bar split in three, with the rounded shares (they add up to 100.0).
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x, h = dp(18);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float x = pos.x;
        for (int g = 0; g < 3; ++g) {
            const float part = static_cast<float>(r.sharesRounded[static_cast<size_t>(g)] / 100.0) * w;
            if (part > 0) dl->AddRectFilled(ImVec2(x, pos.y), ImVec2(x + part, pos.y + h), groupColour(g), g == 0 ? dp(3) : 0.0f);
            x += part;
        }
        ImGui::Dummy(ImVec2(w, h + dp(space::sm)));
        const int64_t counts[3] = {r.counts.promoters, r.counts.passives, r.counts.detractors};
        const char* ranges[3] = {"9-10", "7-8", "0-6"};
        if (ImGui::BeginTable("##groups", 4, ImGuiTableFlags_SizingStretchProp)) {
            for (int g = 0; g < 3; ++g) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                const ImVec2 sw = ImGui::GetCursorScreenPos();
                const float side = ImGui::GetTextLineHeight() * 0.6f;
                ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(sw.x, sw.y + side * 0.4f), ImVec2(sw.x + side, sw.y + side * 1.4f),
                                                          groupColour(g), dp(2));
                ImGui::SetCursorPosX(ImGui::GetCursorPosX() + side + dp(6));
                ImGui::PushID(g);
                if (ImGui::Selectable(kGroupNames[g], false, ImGuiSelectableFlags_SpanAllColumns)) {
                    showAnswers(app, kGroupNames[g], g, NAN, NAN, app.nps.filter.fromDay, app.nps.filter.toDay);
                }
                ImGui::PopID();
                ImGui::TableNextColumn();
                MutedText(ranges[g]);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(core::formatCount(counts[g]).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted((core::formatFixed(r.sharesRounded[static_cast<size_t>(g)], 1) + "%").c_str());
            }
            ImGui::EndTable();
        }
    }
    EndCard();
    ItemTooltip("The three groups", "Shares are rounded to one decimal so that they add up to exactly 100.0% (largest "
                                    "remainder). Click a group to read its comments.");
}

void satisfactionCard(const char* id, float width, const char* title, const std::string& value, const std::string& line,
                      bool tooFew, const char* how) {
    if (BeginCard(id, ImVec2(width, dp(112)))) {
        MutedText(title);
        ImGui::PushFont(fonts().display);
        ImGui::TextUnformatted(value.c_str());
        ImGui::PopFont();
        ImGui::PushFont(fonts().small);
        ImGui::PushStyleColor(ImGuiCol_Text, tooFew ? palette().warning : palette().textMuted);
        ImGui::TextUnformatted(line.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    EndCard();
    ItemTooltip(title, how);
    recordItem(title);
}

void drawSatisfaction(const app::NpsReport& r, float width) {
    const float gap = dp(space::md);
    ImGui::BeginGroup();
    const float half = (width - gap) * 0.5f;
    const auto& csat = r.csat;
    satisfactionCard("##csat", half, "CSAT", std::isfinite(csat.percent) ? core::formatFixed(csat.percent, 1) + "%" : "-",
                     csat.n == 0 ? "no CSAT answers"
                                 : core::formatFixed(csat.low, 1) + "-" + core::formatFixed(csat.high, 1) + "%, n=" + core::formatCount(csat.n) +
                                       (csat.tooFew ? ", too few" : ""),
                     csat.tooFew,
                     "Customer satisfaction: the share of 1-5 answers that are 4 or 5. The range is the 95% Wilson interval.");
    ImGui::SameLine(0, gap);
    const auto& ces = r.ces;
    satisfactionCard("##ces", half, "CES", core::formatFixed(ces.mean, 2),
                     ces.n == 0 ? "no CES answers"
                                : core::formatFixed(ces.low, 2) + "-" + core::formatFixed(ces.high, 2) + ", n=" + core::formatCount(ces.n) +
                                      (ces.tooFew ? ", too few" : ""),
                     ces.tooFew, "Customer effort: the mean of the effort answers, with a 95% Student t interval.");
    const auto& gap2 = r.gap;
    satisfactionCard("##gap", width, "Expectation gap",
                     std::isfinite(gap2.mean) ? (gap2.mean >= 0 ? "+" : "") + core::formatFixed(gap2.mean, 2) : "-",
                     gap2.n == 0 ? "no answers with an expected score"
                                 : core::formatFixed(gap2.low, 2) + " to " + core::formatFixed(gap2.high, 2) + "  \xC2\xB7  " + core::formatCount(gap2.n) +
                                       " answers with an expected score",
                     gap2.tooFew,
                     "The mean of (score - expected score) over answers where the customer also said what they expected: "
                     "above 0, experience beat expectations.");
    ImGui::EndGroup();
}

// ---- 3. Distribution and trend ---------------------------------------------------------------------

void drawDistribution(app::AppState& app, const app::NpsReport& r, float width, float height) {
    app::NpsState& s = app.nps;
    ImGui::BeginGroup();
    ImGui::AlignTextToFramePadding();
    SectionHeading("Answers");
    ImGui::SameLine(0, dp(space::lg));
    if (ImGui::RadioButton("0-10", !s.distributionByGroup)) s.distributionByGroup = false;
    ImGui::SameLine();
    if (ImGui::RadioButton("Groups", s.distributionByGroup)) s.distributionByGroup = true;
    if (charts::BeginChart("##distribution", ImVec2(width, height), charts::ChartFlags_NoZoom | charts::ChartFlags_NoLegend)) {
        charts::AxisSpec x, y;
        y.label = "Answers";
        y.format = charts::AxisFormat::Integer;
        static const char* kScores[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
        x.format = charts::AxisFormat::Category;
        if (s.distributionByGroup) {
            x.categoryNames = kGroupNames;
            x.categoryCount = 3;
        } else {
            x.categoryNames = kScores;
            x.categoryCount = 11;
        }
        charts::SetupAxes(x, y);
        if (s.distributionByGroup) {
            const double counts[3] = {static_cast<double>(r.overall.counts.promoters), static_cast<double>(r.overall.counts.passives),
                                      static_cast<double>(r.overall.counts.detractors)};
            for (int g = 0; g < 3; ++g) {
                double v[3] = {NAN, NAN, NAN};
                v[g] = counts[g];
                charts::SeriesSpec spec;
                spec.colour = groupColour(g);
                spec.flags = charts::SeriesFlags_Labels;
                charts::PlotBars(kGroupNames[g], nullptr, v, 3, 0.6, spec);
                if (charts::ItemClicked(kGroupNames[g])) {
                    showAnswers(app, kGroupNames[g], g, NAN, NAN, s.filter.fromDay, s.filter.toDay);
                }
            }
        } else {
            for (int g = 0; g < 3; ++g) {
                double v[11];
                for (int k = 0; k <= 10; ++k) {
                    const int group = k >= 9 ? 0 : k >= 7 ? 1 : 2;
                    v[k] = group == g ? static_cast<double>(r.distribution[static_cast<size_t>(k)]) : NAN;
                }
                charts::SeriesSpec spec;
                spec.colour = groupColour(g);
                charts::PlotBars(kGroupNames[g], nullptr, v, 11, 0.7, spec);
                int index = -1;
                if (charts::ItemClicked(kGroupNames[g], &index) && index >= 0) {
                    showAnswers(app, "Answers of " + std::to_string(index), -1, index, index, s.filter.fromDay, s.filter.toDay);
                }
            }
        }
        charts::EndChart();
    }
    ImGui::EndGroup();
    ItemTooltip("Answers", "How many customers gave each score, coloured by group. Click a bar to read those answers' comments.");
}

void drawTrend(app::AppState& app, const app::NpsReport& r, float width, float height) {
    app::NpsState& s = app.nps;
    ImGui::BeginGroup();
    ImGui::AlignTextToFramePadding();
    SectionHeading("Trend");
    ImGui::SameLine(0, dp(space::lg));
    const struct { const char* label; app::NpsGroupBy by; } kBys[] = {
        {"Week", app::NpsGroupBy::Week}, {"Month", app::NpsGroupBy::Month}, {"Quarter", app::NpsGroupBy::Quarter}};
    for (const auto& b : kBys) {
        if (ImGui::RadioButton(b.label, s.trendBy == b.by)) s.trendBy = b.by;
        ImGui::SameLine();
    }
    ImGui::NewLine();
    const size_t n = r.groups.size();
    std::vector<double> xs(n), value(n), low(n), high(n), few(n, NAN), ok(n, NAN);
    std::vector<std::string> labels;
    for (size_t i = 0; i < n; ++i) {
        const app::NpsGroupRow& g = r.groups[i];
        xs[i] = static_cast<double>(i);
        value[i] = g.result.nps;
        low[i] = g.result.tooFew ? NAN : g.result.low;
        high[i] = g.result.tooFew ? NAN : g.result.high;
        (g.result.tooFew ? few : ok)[i] = g.result.nps;
        labels.push_back(g.label + "\nn=" + core::formatCount(g.result.counts.n()));
    }
    if (charts::BeginChart("##trend", ImVec2(width, height), charts::ChartFlags_NoZoom)) {
        charts::AxisSpec x, y;
        x.format = charts::AxisFormat::Category;
        x.categories = labels;
        y.label = "NPS";
        y.min = -100;
        y.max = 100;
        charts::SetupAxes(x, y);
        charts::SeriesSpec band;
        band.colour = charts::withAlpha(charts::seriesColour(0), 0.18f);
        band.flags = charts::SeriesFlags_NoHover;
        charts::PlotBand("95% interval", xs.data(), low.data(), high.data(), static_cast<int>(n), band);
        charts::SeriesSpec line;
        line.colour = charts::seriesColour(0);
        line.flags = charts::SeriesFlags_NoLegend | charts::SeriesFlags_NoHover;
        charts::PlotLine("##trend-line", xs.data(), value.data(), static_cast<int>(n), line);
        charts::SeriesSpec points;
        points.colour = charts::seriesColour(0);
        points.size = 7;
        charts::PlotScatter("NPS", xs.data(), ok.data(), static_cast<int>(n), points);
        charts::SeriesSpec hollow;
        hollow.colour = toU32(palette().warning);
        hollow.size = 7;
        charts::PlotScatter("Too few answers", xs.data(), few.data(), static_cast<int>(n), hollow);
        charts::PlotReferenceLine("##zero", 0, false);
        int index = -1;
        if ((charts::ItemClicked("NPS", &index) || charts::ItemClicked("Too few answers", &index)) && index >= 0 &&
            static_cast<size_t>(index) < n) {
            const app::NpsGroupRow& g = r.groups[static_cast<size_t>(index)];
            showAnswers(app, g.label, -1, NAN, NAN, std::max(g.fromDay, s.filter.fromDay == kNoDay ? g.fromDay : s.filter.fromDay),
                        std::min(g.toDay, s.filter.toDay == kNoDay ? g.toDay : s.filter.toDay));
        }
        charts::EndChart();
    }
    ImGui::EndGroup();
    ItemTooltip("Trend", "NPS per period with its 95% interval as a band; n under each period is its number of answers. "
                         "Periods with fewer than 30 answers are drawn in amber and have no band: too few to read. Click a "
                         "point to read that period's comments.");
    recordItem("NPS trend");
}

// ---- 4. Breakdown and compare -------------------------------------------------------------------------

void drawBreakdown(app::AppState& app, const app::NpsContext& c, const app::NpsReport& r, float width) {
    app::NpsState& s = app.nps;
    ImGui::AlignTextToFramePadding();
    SectionHeading("By group");
    ImGui::SameLine(0, dp(space::lg));
    const struct { const char* label; app::NpsGroupBy by; } kBys[] = {
        {"Region", app::NpsGroupBy::Region},  {"Plan", app::NpsGroupBy::Plan},         {"Channel", app::NpsGroupBy::Channel},
        {"RFM segment", app::NpsGroupBy::RfmSegment}, {"Saved segment", app::NpsGroupBy::SavedSegment}};
    std::string current = "Region";
    for (const auto& b : kBys) {
        if (s.breakdownBy == b.by) current = b.label;
    }
    if (s.breakdownBy == app::NpsGroupBy::Attribute) current = s.breakdownAttribute;
    ImGui::SetNextItemWidth(dp(200));
    if (ImGui::BeginCombo("##breakdown", current.c_str())) {
        for (const auto& b : kBys) {
            if (ImGui::Selectable(b.label, s.breakdownBy == b.by)) s.breakdownBy = b.by;
        }
        if (c.facts != nullptr) {
            for (const store::AttributeColumn& a : c.facts->attributes) {
                if (a.numeric || a.categorical.values.size() > 50) continue;
                if (ImGui::Selectable(a.name.c_str(), s.breakdownBy == app::NpsGroupBy::Attribute && s.breakdownAttribute == a.name)) {
                    s.breakdownBy = app::NpsGroupBy::Attribute;
                    s.breakdownAttribute = a.name;
                }
            }
        }
        ImGui::EndCombo();
    }
    recordItem("NPS breakdown");
    if (s.breakdownBy == app::NpsGroupBy::RfmSegment && c.rfm == nullptr) {
        ImGui::SameLine();
        MutedText("Run RFM in the Segments view to see NPS by RFM segment.");
    }
    const size_t n = r.groups.size();
    if (n == 0) {
        MutedText("No groups with answers in this window.");
        return;
    }
    // Sorted by NPS (computeNps does), best at the top: category 0 is drawn at the bottom.
    std::vector<const char*> names;
    std::vector<std::string> labels;
    std::vector<double> ys(n), value(n), low(n), high(n), small(n, NAN), firm(n, NAN);
    for (size_t k = 0; k < n; ++k) {
        const app::NpsGroupRow& g = r.groups[n - 1 - k];
        labels.push_back(g.label + (g.result.tooFew ? " (n=" + core::formatCount(g.result.counts.n()) + ", too few)"
                                                    : " (n=" + core::formatCount(g.result.counts.n()) + ")"));
        ys[k] = static_cast<double>(k);
        value[k] = g.result.nps;
        low[k] = g.result.low;
        high[k] = g.result.high;
        (g.result.tooFew ? small : firm)[k] = g.result.nps;
    }
    for (const std::string& l : labels) names.push_back(l.c_str());
    const float height = std::max(dp(160), dp(30) * static_cast<float>(n) + dp(80));
    if (charts::BeginChart("##breakdown-chart", ImVec2(width, height), charts::ChartFlags_NoZoom)) {
        charts::AxisSpec x, y;
        x.label = "NPS";
        x.min = -100;
        x.max = 100;
        y.format = charts::AxisFormat::Category;
        y.categoryNames = names.data();
        y.categoryCount = static_cast<int>(names.size());
        charts::SetupAxes(x, y);
        charts::SeriesSpec bars;
        bars.flags = charts::SeriesFlags_Horizontal;
        bars.colour = charts::seriesColour(0);
        charts::PlotBars("NPS", nullptr, firm.data(), static_cast<int>(n), 0.6, bars);
        bars.colour = charts::withAlpha(toU32(palette().warning), 0.7f);
        charts::PlotBars("Too few answers", nullptr, small.data(), static_cast<int>(n), 0.6, bars);
        charts::SeriesSpec err;
        err.flags = charts::SeriesFlags_Horizontal;
        err.colour = toU32(palette().text);
        charts::PlotErrorBars("95% interval", ys.data(), value.data(), low.data(), high.data(), static_cast<int>(n), err);
        int index = -1;
        if ((charts::ItemClicked("NPS", &index) || charts::ItemClicked("Too few answers", &index)) && index >= 0 &&
            static_cast<size_t>(index) < n) {
            const app::NpsGroupRow& g = r.groups[n - 1 - static_cast<size_t>(index)];
            std::vector<int64_t> customers = app::npsGroupCustomers(c, s.breakdownBy, g.key);
            if (customers.empty()) customers.push_back(0);  // nobody
            showAnswers(app, "Group: " + g.label, -1, NAN, NAN, s.filter.fromDay, s.filter.toDay, std::move(customers));
        }
        charts::EndChart();
    }
    ItemTooltip("NPS by group", "Each group's NPS with its 95% interval, best first. Groups with fewer than 30 answers are drawn "
                                "in amber: their score can swing widely. Click a bar to read the group's comments.");
}

void drawCompare(app::AppState& app, const app::NpsContext& c, const app::NpsReport& breakdown, float width) {
    app::NpsState& s = app.nps;
    ImGui::AlignTextToFramePadding();
    SectionHeading("Compare");
    ImGui::SameLine(0, dp(space::lg));
    if (ImGui::RadioButton("Two periods", s.compareMode == app::NpsCompareMode::Periods)) s.compareMode = app::NpsCompareMode::Periods;
    ImGui::SameLine();
    if (ImGui::RadioButton("Two groups", s.compareMode == app::NpsCompareMode::Groups)) s.compareMode = app::NpsCompareMode::Groups;
    recordItem("NPS compare");
    analytics::NpsCounts a, b;
    std::string nameA, nameB;
    if (s.compareMode == app::NpsCompareMode::Periods) {
        // Defaults: the window's last 90 days against the 90 before.
        const int32_t end = s.filter.toDay != kNoDay ? s.filter.toDay : c.facts != nullptr ? app::defaultAsOfDay(*c.facts) : kNoDay;
        if (s.compareBTo == kNoDay && end != kNoDay) {
            s.compareBTo = end;
            s.compareBFrom = end - 89;
            s.compareATo = end - 90;
            s.compareAFrom = end - 179;
        }
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Before");
        ImGui::SameLine();
        dayInput("##a-from", s.compareAFrom, dp(110));
        ImGui::SameLine();
        ImGui::TextUnformatted("to");
        ImGui::SameLine();
        dayInput("##a-to", s.compareATo, dp(110));
        ImGui::SameLine(0, dp(space::lg));
        ImGui::TextUnformatted("After");
        ImGui::SameLine();
        dayInput("##b-from", s.compareBFrom, dp(110));
        ImGui::SameLine();
        ImGui::TextUnformatted("to");
        ImGui::SameLine();
        dayInput("##b-to", s.compareBTo, dp(110));
        app::NpsFilter fa = s.filter, fb = s.filter;
        fa.fromDay = s.compareAFrom;
        fa.toDay = s.compareATo;
        fb.fromDay = s.compareBFrom;
        fb.toDay = s.compareBTo;
        const int64_t rfmId = c.rfm != nullptr ? c.rfm->runId : -1;
        if (!s.comparePeriodCounts || !(s.compareCachedA == fa) || !(s.compareCachedB == fb) ||
            s.compareCachedVersion != app.dataVersion || s.compareCachedRfmRunId != rfmId) {
            s.comparePeriodCounts.emplace(app::npsCounts(c, fa), app::npsCounts(c, fb));
            s.compareCachedA = fa;
            s.compareCachedB = fb;
            s.compareCachedVersion = app.dataVersion;
            s.compareCachedRfmRunId = rfmId;
        }
        a = s.comparePeriodCounts->first;
        b = s.comparePeriodCounts->second;
        nameA = isoDay(s.compareAFrom) + " to " + isoDay(s.compareATo);
        nameB = isoDay(s.compareBFrom) + " to " + isoDay(s.compareBTo);
    } else {
        if (breakdown.groups.size() < 2) {
            MutedText("Choose a grouping with at least two groups in \"By group\" above.");
            return;
        }
        auto pick = [&](const char* id, int& index) {
            index = std::clamp(index, 0, static_cast<int>(breakdown.groups.size()) - 1);
            ImGui::SetNextItemWidth(dp(200));
            if (ImGui::BeginCombo(id, breakdown.groups[static_cast<size_t>(index)].label.c_str())) {
                for (size_t k = 0; k < breakdown.groups.size(); ++k) {
                    if (ImGui::Selectable(breakdown.groups[k].label.c_str(), static_cast<int>(k) == index)) index = static_cast<int>(k);
                }
                ImGui::EndCombo();
            }
        };
        pick("##group-a", s.compareGroupA);
        ImGui::SameLine();
        ImGui::TextUnformatted("against");
        ImGui::SameLine();
        pick("##group-b", s.compareGroupB);
        a = breakdown.groups[static_cast<size_t>(s.compareGroupA)].result.counts;
        b = breakdown.groups[static_cast<size_t>(s.compareGroupB)].result.counts;
        nameA = breakdown.groups[static_cast<size_t>(s.compareGroupA)].label;
        nameB = breakdown.groups[static_cast<size_t>(s.compareGroupB)].label;
    }
    const analytics::NpsResult ra = analytics::nps(a), rb = analytics::nps(b);
    const analytics::NpsDifference d = analytics::compareNps(a, b);
    if (BeginCard("##compare-result", ImVec2(width, 0))) {
        const float col = (ImGui::GetContentRegionAvail().x - dp(space::lg) * 2) / 3;
        auto side = [&](const std::string& name, const analytics::NpsResult& r) {
            ImGui::BeginGroup();
            MutedText(name.c_str());
            ImGui::PushFont(fonts().display);
            ImGui::TextUnformatted(signedScore(r.nps).c_str());
            ImGui::PopFont();
            const std::string detail = (std::isfinite(r.low) ? signedScore(r.low) + " to " + signedScore(r.high) + ", " : std::string()) +
                                       core::formatCount(r.counts.n()) + " answers" + (r.tooFew ? " (too few)" : "");
            MutedText(detail.c_str());
            ImGui::EndGroup();
        };
        side(nameA, ra);
        ImGui::SameLine(col + dp(space::lg));
        side(nameB, rb);
        ImGui::SameLine(2 * (col + dp(space::lg)));
        ImGui::BeginGroup();
        MutedText("Difference");
        ImGui::PushFont(fonts().display);
        ImGui::PushStyleColor(ImGuiCol_Text, !d.significant ? palette().text : d.difference > 0 ? palette().success : palette().danger);
        ImGui::TextUnformatted(signedScore(d.difference).c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
        std::string verdict;
        if (!std::isfinite(d.difference)) verdict = "no answers on one side";
        else {
            char buf[160];
            std::snprintf(buf, sizeof buf, "%s to %s, p = %s: %s", signedScore(d.low).c_str(), signedScore(d.high).c_str(),
                          d.pValue < 0.001 ? "<0.001" : core::formatFixed(d.pValue, 3).c_str(),
                          d.tooFew ? "too few answers to say" : d.significant ? "a real difference" : "could be chance");
            verdict = buf;
        }
        MutedText(verdict.c_str());
        ImGui::EndGroup();
    }
    EndCard();
    ItemTooltip("Is the difference real?", "The difference of the two NPS with its 95% interval (the two groups' variances added) "
                                           "and a two-sided p-value. Significant when p < 0.05, which is also when the interval "
                                           "leaves out 0.");
}

// ---- 5. Comments and topics ----------------------------------------------------------------------------

// A comment with its matches in bold colour.
void highlightedText(const store::CommentHit& hit) {
    const Palette& p = palette();
    const std::string& text = hit.comment;
    ImGui::PushTextWrapPos(0.0f);
    int at = 0;
    bool first = true;
    auto piece = [&](int from, int to, bool match) {
        if (to <= from) return;
        if (!first) ImGui::SameLine(0, 0);
        first = false;
        if (match) {
            ImGui::PushFont(fonts().strong);
            ImGui::PushStyleColor(ImGuiCol_Text, p.accent);
        }
        ImGui::TextUnformatted(text.data() + from, text.data() + to);
        if (match) {
            ImGui::PopStyleColor();
            ImGui::PopFont();
        }
    };
    for (const auto& [start, end] : hit.highlights) {
        if (start < at || end > static_cast<int>(text.size())) continue;
        piece(at, start, false);
        piece(start, end, true);
        at = end;
    }
    piece(at, static_cast<int>(text.size()), false);
    ImGui::PopTextWrapPos();
}

void drawComments(app::AppState& app) {
    app::NpsState& s = app.nps;
    app::refreshComments(app);
    SectionHeading("Comments");
    char search[200];
    std::snprintf(search, sizeof search, "%s", s.commentsInput.c_str());
    ImGui::SetNextItemWidth(dp(300));
    if (ImGui::InputTextWithHint("##comment-search", ICON_FILE_TEXT "  Search comments (any language)", search, sizeof search)) {
        s.commentsInput = search;
        s.comments.text = search;
        s.comments.offset = 0;
        s.commentsDirty = true;
    }
    recordItem("Search comments");
    ItemTooltip("Search", "Every word must appear (a word finds words that begin with it, from 3 letters on); \"quotes\" keep a "
                          "phrase. Accents and case do not matter; Chinese, Japanese and Korean text is found by any part.");
    ImGui::SameLine();
    static const char* kFilters[] = {"All answers", "Promoters", "Passives", "Detractors"};
    int group = s.comments.group + 1;
    ImGui::SetNextItemWidth(dp(150));
    if (ImGui::Combo("##comment-group", &group, kFilters, 4)) {
        s.comments.group = group - 1;
        s.comments.offset = 0;
        s.commentsDirty = true;
    }
    if (!s.commentsLabel.empty()) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::Text(ICON_FILTER "  %s", s.commentsLabel.c_str());
        ImGui::SameLine();
        if (Button("Show all comments", ButtonKind::Ghost, ICON_TIMES)) {
            const std::string text = s.comments.text;
            s.comments = store::CommentQuery{};
            s.comments.limit = 20;
            s.comments.text = text;
            s.commentsLabel.clear();
            s.commentsDirty = true;
        }
    }
    ErrorText(s.commentsError);
    if (!s.commentPage) return;
    const store::CommentPage& page = *s.commentPage;
    char line[160];
    std::snprintf(line, sizeof line, "%s comments  \xC2\xB7  found in %.0f ms", core::formatCount(page.total).c_str(), page.millis);
    MutedText(line);
    if (page.hits.empty()) {
        MutedText("No comment matches. Try fewer words, or widen the dates above.");
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("##comments", 4, flags)) {
        ImGui::TableSetupColumn("Date", ImGuiTableColumnFlags_WidthFixed, dp(90));
        ImGui::TableSetupColumn("Score", ImGuiTableColumnFlags_WidthFixed, dp(50));
        ImGui::TableSetupColumn("Comment", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("Customer", ImGuiTableColumnFlags_WidthFixed, dp(200));
        ImGui::TableHeadersRow();
        for (const store::CommentHit& hit : page.hits) {
            ImGui::PushID(static_cast<int>(hit.responseId));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(hit.answeredAt.substr(0, 10).c_str());
            ImGui::TableNextColumn();
            const int g = hit.kind == "nps" ? (hit.score >= 9 ? 0 : hit.score >= 7 ? 1 : 2) : 1;
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(groupColour(g)));
            ImGui::TextUnformatted(core::formatFixed(hit.score, 0).c_str());
            ImGui::PopStyleColor();
            ImGui::TableNextColumn();
            highlightedText(hit);
            ImGui::TableNextColumn();
            const std::string who = hit.customerName.empty() ? hit.customerExternalId : hit.customerName;
            if (ImGui::SmallButton((who + "##open").c_str())) {
                app.view = app::View::Customers;
                app::openCustomer(app, hit.customerId);
            }
            ItemTooltip("Open the customer", "Opens this customer in the Customers view: profile, orders and every answer.");
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    // Paging.
    const int limit = std::max(1, s.comments.limit);
    const int64_t pages = (page.total + limit - 1) / limit;
    const int64_t current = s.comments.offset / limit + 1;
    ImGui::BeginDisabled(s.comments.offset == 0);
    if (Button("Newer", ButtonKind::Ghost)) {
        s.comments.offset = std::max(0, s.comments.offset - limit);
        s.commentsDirty = true;
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    MutedText(("Page " + core::formatCount(current) + " of " + core::formatCount(pages)).c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(current >= pages);
    if (Button("Older", ButtonKind::Ghost)) {
        s.comments.offset += limit;
        s.commentsDirty = true;
    }
    ImGui::EndDisabled();
}

void drawTopics(app::AppState& app, float width) {
    app::NpsState& s = app.nps;
    SectionHeading("Topics");
    ImGui::SameLine();
    const bool stale = s.topicsVersion != app.dataVersion || !(s.topicsFilter == s.filter);
    ImGui::BeginDisabled(app.runner.active != nullptr);
    if (Button(s.terms.empty() ? "Count topics" : stale ? "Count again" : "Counted", ButtonKind::Secondary, ICON_TAGS)) {
        if (auto started = app::startTopics(app); !started) s.topicsError = started.error().message;
    }
    ImGui::EndDisabled();
    ItemTooltip("Topics", "Counts the words and two-word phrases of the comments in the window per group (common words left out), "
                          "and measures each of your topics: how much higher or lower the NPS would be without the answers "
                          "that mention it. Over 100,000 comments, the most recent 100,000 are counted.");
    if (!s.terms.empty() && stale) {
        ImGui::SameLine();
        MutedText("(counted for other dates or data)");
    }
    ErrorText(s.topicsError);
    const float half = (width - dp(space::lg)) * 0.5f;
    // Your topics with their impact.
    ImGui::BeginGroup();
    if (ImGui::BeginTable("##user-topics", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(half, 0))) {
        ImGui::TableSetupColumn("Your topic", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("Mentions", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("NPS with", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Impact", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("##remove", ImGuiTableColumnFlags_WidthFixed, dp(30));
        ImGui::TableHeadersRow();
        for (size_t t = 0; t < s.userTopics.size(); ++t) {
            const analytics::Topic& topic = s.userTopics[t];
            const analytics::TopicImpact* impact = nullptr;
            for (const analytics::TopicImpact& i : s.impacts) {
                if (i.name == topic.name) impact = &i;
            }
            ImGui::PushID(static_cast<int>(t));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            std::string keywords;
            for (const std::string& k : topic.keywords) keywords += (keywords.empty() ? "" : ", ") + k;
            if (ImGui::Selectable(topic.name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap)) {
                // The comments that mention it: search for its first keyword.
                s.commentsInput = topic.keywords.empty() ? "" : topic.keywords.front();
                showAnswers(app, "Topic: " + topic.name, -1, NAN, NAN, s.filter.fromDay, s.filter.toDay);
            }
            ItemTooltip(topic.name.c_str(), ("Keywords: " + keywords + ". Click to read comments with its first keyword.").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(impact != nullptr ? core::formatCount(impact->mentions).c_str() : "-");
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(impact != nullptr ? signedScore(impact->npsWith).c_str() : "-");
            ImGui::TableNextColumn();
            if (impact != nullptr && std::isfinite(impact->impact)) {
                ImGui::PushStyleColor(ImGuiCol_Text, impact->impact >= 0 ? palette().success : palette().danger);
                ImGui::TextUnformatted(core::formatFixed(impact->impact, 1).c_str());
                ImGui::PopStyleColor();
            } else {
                ImGui::TextUnformatted("-");
            }
            ImGui::TableNextColumn();
            if (ImGui::SmallButton(ICON_TIMES)) app::removeUserTopic(app, t);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ItemTooltip("Impact", "Impact = NPS of all answers - NPS without the answers that mention the topic. Positive: the topic "
                          "lifts the score (people who mention it are happier than the rest); negative: it pulls it down.");
    char name[64], keywords[200];
    std::snprintf(name, sizeof name, "%s", s.newTopicName.c_str());
    std::snprintf(keywords, sizeof keywords, "%s", s.newTopicKeywords.c_str());
    ImGui::SetNextItemWidth(half * 0.3f);
    if (ImGui::InputTextWithHint("##topic-name", "New topic", name, sizeof name)) s.newTopicName = name;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(half * 0.45f);
    if (ImGui::InputTextWithHint("##topic-keywords", "keywords, comma, separated", keywords, sizeof keywords)) s.newTopicKeywords = keywords;
    ImGui::SameLine();
    if (Button("Add topic", ButtonKind::Secondary)) app::addUserTopic(app, s.newTopicName, s.newTopicKeywords);
    ImGui::EndGroup();
    ImGui::SameLine(0, dp(space::lg));
    // The words and phrases customers use, per group.
    ImGui::BeginGroup();
    if (s.terms.empty()) {
        MutedTextWrapped("Count topics to see the words and phrases promoters, passives and detractors use most.");
    } else if (ImGui::BeginTable("##terms", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY,
                                 ImVec2(half, dp(260)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Word or phrase", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn("Promoters", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Passives", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Detractors", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableHeadersRow();
        for (const analytics::TermCount& t : s.terms) {
            ImGui::PushID(t.term.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (ImGui::Selectable(t.term.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
                s.commentsInput = "\"" + t.term + "\"";
                showAnswers(app, "Comments with \u201C" + t.term + "\u201D", -1, NAN, NAN, s.filter.fromDay, s.filter.toDay);
            }
            for (const int64_t v : {t.promoters, t.passives, t.detractors}) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(core::formatCount(v).c_str());
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::EndGroup();
}

// ---- 6. Drivers ------------------------------------------------------------------------------------------

void drawDrivers(app::AppState& app, const app::NpsContext& c, float width) {
    app::NpsState& s = app.nps;
    SectionHeading("What drives the score");
    ImGui::SameLine();
    const bool stale = s.driversVersion != app.dataVersion || !(s.driversFilter == s.filter);
    if (Button(s.drivers && !stale ? "Fitted" : "Fit drivers", ButtonKind::Secondary, ICON_BAR_CHART)) app::fitDrivers(app);
    ItemTooltip("Drivers", "A linear regression of each customer's latest NPS answer in the window on customer measures, each "
                           "standardized: a bar is how many NPS points (0-10 scale) one standard deviation more of the measure "
                           "goes with, holding the others fixed, with its 95% interval. Association, not proof of cause.");
    if (c.facts != nullptr) {
        ImGui::SameLine();
        if (Button("Features", ButtonKind::Ghost)) ImGui::OpenPopup("##driver-features");
        if (ImGui::BeginPopup("##driver-features")) {
            for (const app::FeatureInfo& f : app::availableFeatures(*c.facts)) {
                if (f.key == "last_nps") continue;  // the outcome itself
                bool on = std::find(s.driverFeatures.begin(), s.driverFeatures.end(), f.key) != s.driverFeatures.end();
                if (ImGui::Checkbox(f.label.c_str(), &on)) {
                    if (on) s.driverFeatures.push_back(f.key);
                    else s.driverFeatures.erase(std::remove(s.driverFeatures.begin(), s.driverFeatures.end(), f.key), s.driverFeatures.end());
                }
            }
            ImGui::EndPopup();
        }
    }
    ErrorText(s.driversError);
    if (!s.drivers) {
        if (s.driversError.empty()) MutedText("Fit the drivers to see which customer measures go with higher or lower scores.");
        return;
    }
    const analytics::OlsResult& r = *s.drivers;
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextWrapped("%s", s.driversReading.c_str());
    ImGui::PopTextWrapPos();
    char line[200];
    std::snprintf(line, sizeof line, "R\xC2\xB2 %.2f (adjusted %.2f)  \xC2\xB7  %s answers  \xC2\xB7  F test p %s", r.rSquared,
                  r.adjustedRSquared, core::formatCount(r.n).c_str(), r.fPValue < 0.001 ? "<0.001" : core::formatFixed(r.fPValue, 3).c_str());
    MutedText(line);
    for (const std::string& w : r.warnings) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette().warning);
        ImGui::TextWrapped(ICON_INFO_CIRCLE "  %s", w.c_str());
        ImGui::PopStyleColor();
    }
    // Terms by effect, largest at the top (the intercept left out).
    std::vector<const analytics::OlsTerm*> terms;
    for (size_t i = 1; i < r.terms.size(); ++i) terms.push_back(&r.terms[i]);
    std::sort(terms.begin(), terms.end(), [](const auto* a, const auto* b) { return std::fabs(a->coefficient) < std::fabs(b->coefficient); });
    std::vector<std::string> labels;
    std::vector<const char*> names;
    const size_t n = terms.size();
    std::vector<double> ys(n), coef(n), low(n), high(n), clear(n, NAN), unclear(n, NAN);
    for (size_t k = 0; k < n; ++k) {
        const analytics::OlsTerm& t = *terms[k];
        labels.push_back(t.name + (t.pValue < 0.001 ? " (p<0.001)" : " (p=" + core::formatFixed(t.pValue, 3) + ")"));
        ys[k] = static_cast<double>(k);
        coef[k] = t.coefficient;
        low[k] = t.low;
        high[k] = t.high;
        (t.pValue < 1 - r.confidence ? clear : unclear)[k] = t.coefficient;
    }
    for (const std::string& l : labels) names.push_back(l.c_str());
    if (charts::BeginChart("##drivers", ImVec2(width, std::max(dp(160), dp(32) * static_cast<float>(n) + dp(80))), charts::ChartFlags_NoZoom)) {
        charts::AxisSpec x, y;
        x.label = "NPS points per standard deviation";
        y.format = charts::AxisFormat::Category;
        y.categoryNames = names.data();
        y.categoryCount = static_cast<int>(n);
        charts::SetupAxes(x, y);
        charts::SeriesSpec bars;
        bars.flags = charts::SeriesFlags_Horizontal;
        bars.colour = charts::seriesColour(0);
        charts::PlotBars("Clear effect", nullptr, clear.data(), static_cast<int>(n), 0.6, bars);
        bars.colour = charts::withAlpha(toU32(palette().textMuted), 0.6f);
        charts::PlotBars("Could be chance", nullptr, unclear.data(), static_cast<int>(n), 0.6, bars);
        charts::SeriesSpec err;
        err.flags = charts::SeriesFlags_Horizontal;
        err.colour = toU32(palette().text);
        charts::PlotErrorBars("95% interval", ys.data(), coef.data(), low.data(), high.data(), static_cast<int>(n), err);
        charts::PlotReferenceLine("##zero", 0, true);
        charts::EndChart();
    }
    recordItem("NPS drivers");
}

}  // namespace

void DrawNpsView(app::AppState& app) {
    if (app.counts.surveyResponses == 0) {
        BeginEmptyState(ICON_SMILE, "How likely customers are to recommend you",
                        "Net Promoter Score with its margin of error, the 0-10 distribution, the trend and its significant "
                        "changes, scores by segment, region, plan and channel, comment search, and what drives the score. It "
                        "needs survey answers (NPS, CSAT or CES): load demo data, or import them in the Data view "
                        "(surveys.csv: response_id, customer_id, answered_at, kind, score, comment).");
        if (app.counts.customers > 0) {
            // DrawGoToDataAction's note with customers is for views not built yet: here only the answers are missing.
            const std::string loaded = core::formatCount(app.counts.customers) +
                                       " customers are loaded, but no survey answers yet: import them in the Data view.";
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::min(ImGui::GetContentRegionAvail().x, dp(560)));
            MutedTextWrapped(loaded.c_str());
            ImGui::PopTextWrapPos();
            if (Button("Go to Data", ButtonKind::Secondary, ICON_DATABASE)) app.view = app::View::Data;
        } else {
            DrawGoToDataAction(app);
        }
        EndEmptyState();
        return;
    }
    app::refreshNps(app);
    app::NpsContext c = app::npsContext(app);
    app::NpsState& s = app.nps;
    if (c.facts == nullptr || !s.overall) {
        DrawWaitingNote(app, "The scores appear as soon as the customer data is read.");
        return;
    }
    drawFilterBar(app, c);
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    const app::NpsReport& r = *s.overall;
    if (r.responses == 0) {
        if (BeginCard("##no-answers")) {
            SectionHeading("No NPS answers in this window");
            MutedTextWrapped("Widen the dates or choose another segment above. CSAT and CES answers, if any, are below.");
        }
        EndCard();
    }
    const float avail = ImGui::GetContentRegionAvail().x;
    const float gap = dp(space::md);
    const bool wide = avail > dp(1000);
    const float third = wide ? (avail - 2 * gap) / 3 : avail;
    drawGauge(r.overall, third);
    if (wide) ImGui::SameLine(0, gap);
    drawGroups(app, r.overall, third);
    if (wide) ImGui::SameLine(0, gap);
    drawSatisfaction(r, third);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    const float chartHeight = dp(260);
    if (wide) {
        const float left = (avail - gap) * 0.4f;
        drawDistribution(app, r, left, chartHeight);
        ImGui::SameLine(0, gap);
        if (s.trend) drawTrend(app, *s.trend, avail - left - gap, chartHeight);
    } else {
        drawDistribution(app, r, avail, chartHeight);
        if (s.trend) drawTrend(app, *s.trend, avail, chartHeight);
    }
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    if (s.breakdown) {
        drawBreakdown(app, c, *s.breakdown, avail);
        ImGui::Dummy(ImVec2(0, dp(space::md)));
        drawCompare(app, c, *s.breakdown, avail);
    }
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawDrivers(app, c, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    drawTopics(app, avail);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    if (gScrollToComments) {
        ImGui::SetScrollHereY(0.0f);
        gScrollToComments = false;
    }
    drawComments(app);
}

}  // namespace rapport::ui
