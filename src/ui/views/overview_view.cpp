// overview_view.cpp: the Overview view: the key figures of the customer base, revenue by
// month and customers by segment. Clicking a segment narrows the figures and the revenue
// chart to it (the segment chart itself stays whole, so another segment can be picked).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/overview.hpp"
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

void DrawGoToDataAction(app::AppState& app) {
    const float width = std::min(ImGui::GetContentRegionAvail().x, dp(560));
    const float buttonWidth = dp(180);
    const float gap = dp(space::md);
    if (app.counts.customers > 0) {
        const std::string loaded = core::formatCount(app.counts.customers) + " customers and " +
                                   core::formatCount(app.counts.orders) +
                                   " orders are loaded. This analysis is not available in this version of Rapport yet.";
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        MutedTextWrapped(loaded.c_str());
        ImGui::PopTextWrapPos();
        return;
    }
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (width - 2 * buttonWidth - gap) * 0.5f));
    const bool busy = app.runner.active != nullptr;
    ImGui::BeginDisabled(busy);
    if (Button("Load demo data", ButtonKind::Primary, ICON_MAGIC, ImVec2(buttonWidth, 0))) {
        startDemo(app, store::DemoOptions{});
    }
    ImGui::EndDisabled();
    ItemTooltip("Try Rapport with realistic data",
                "Creates 5,000 fictional customers of a retail business with three years of orders, survey "
                "answers, support contacts and campaigns. More sizes and scenarios are in the Data view.");
    ImGui::SameLine(0, gap);
    if (Button("Go to Data", ButtonKind::Secondary, ICON_DATABASE, ImVec2(buttonWidth, 0))) app.view = app::View::Data;
    ItemTooltip("Bring your own data", "The Data view is where customers, orders, survey answers and interactions "
                                       "are imported from CSV files, exported and backed up.");
}

bool DrawWaitingNote(app::AppState& app, const char* what) {
    bool again = false;
    if (BeginCard("##waiting")) {
        if (app.runner.active) {
            ImGui::PushFont(fonts().strong);
            ImGui::TextUnformatted(ICON_CLOCK "  Working on it");
            ImGui::PopFont();
            MutedTextWrapped(what);
        } else {
            ImGui::PushFont(fonts().strong);
            ImGui::TextUnformatted(ICON_EXCLAMATION "  Nothing to show yet");
            ImGui::PopFont();
            MutedTextWrapped("The analysis did not finish (it was cancelled, or it failed: the message above says why). "
                             "Run it again when you are ready.");
            again = Button("Run again", ButtonKind::Primary, ICON_REFRESH);
        }
    }
    EndCard();
    return again;
}

namespace {

std::string money(double v) { return charts::formatExact(std::round(v), charts::AxisFormat::Currency, ""); }

// A key-figure card: the caption, the figure, a line under it, and the formula on hover.
void keyFigure(const char* id, float width, const char* caption, const std::string& value, const std::string& note,
               ImVec4 noteColour, const char* how) {
    ImGui::BeginGroup();
    if (BeginCard(id, ImVec2(width, 0))) {
        MutedText(caption);
        ImGui::PushFont(fonts().display);
        ImGui::TextUnformatted(value.c_str());
        ImGui::PopFont();
        ImGui::PushFont(fonts().small);
        ImGui::PushStyleColor(ImGuiCol_Text, noteColour);
        ImGui::TextUnformatted(note.empty() ? " " : note.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    EndCard();
    ImGui::EndGroup();
    ItemTooltip(caption, how);
    recordItem(caption);
}

void drawCards(const app::OverviewStats& s, const std::string& scope) {
    const Palette& p = palette();
    const float gap = dp(space::md);
    const float avail = ImGui::GetContentRegionAvail().x;
    const int perRow = avail > dp(900) ? 5 : avail > dp(560) ? 3 : 2;
    const float width = (avail - gap * static_cast<float>(perRow - 1)) / static_cast<float>(perRow);
    int placed = 0;
    auto next = [&] {
        if (++placed % perRow != 0) ImGui::SameLine(0, gap);
    };
    const std::string day = core::formatIsoDate(core::civilFromDays(s.asOfDay));

    std::string how = "Every customer on record" + scope + ", whether or not they have ordered.";
    keyFigure("##customers", width, "Customers", core::formatCount(s.customers), scope.empty() ? "in total" : "in this segment",
              p.textMuted, how.c_str());
    next();

    const double activeShare = s.customers > 0 ? static_cast<double>(s.active90) / static_cast<double>(s.customers) : NAN;
    how = "Customers" + scope + " with at least one order in the 90 days up to " + day +
          " (the last day with data), divided by all customers" + scope + ".";
    keyFigure("##active", width, "Active in the last 90 days", core::formatCount(s.active90), core::formatPercent(activeShare) + " of customers",
              p.textMuted, how.c_str());
    next();

    const double change = s.revenuePrevious12 > 0 ? s.revenue12 / s.revenuePrevious12 - 1 : NAN;
    std::string note = std::isfinite(change) ? std::string(change >= 0 ? ICON_ARROW_UP " " : ICON_ARROW_DOWN " ") + core::formatPercent(std::fabs(change)) +
                                                   " on the year before"
                                             : "no orders the year before";
    how = "Sum of order amounts" + scope + " in the 365 days up to " + day + ", returns included. The change compares it with "
          "the 365 days before those: revenue / previous revenue - 1.";
    keyFigure("##revenue", width, "Revenue, last 12 months", money(s.revenue12), note,
              !std::isfinite(change) ? p.textMuted : change >= 0 ? p.success : p.danger, how.c_str());
    next();

    how = "Revenue of the last 12 months" + scope + " divided by the number of orders in them (" + core::formatCount(s.orders12) + ").";
    keyFigure("##aov", width, "Average order value", std::isfinite(s.averageOrderValue) ? money(s.averageOrderValue) : "-",
              core::formatCount(s.orders12) + " orders in 12 months", p.textMuted, how.c_str());
    next();

    const double repeat = s.buyers > 0 ? static_cast<double>(s.repeatBuyers) / static_cast<double>(s.buyers) : NAN;
    how = "Customers" + scope + " with two or more orders up to " + day + " (" + core::formatCount(s.repeatBuyers) +
          "), divided by customers with at least one (" + core::formatCount(s.buyers) + ").";
    keyFigure("##repeat", width, "Repeat-purchase rate", core::formatPercent(repeat), core::formatCount(s.repeatBuyers) + " of " +
              core::formatCount(s.buyers) + " buyers", p.textMuted, how.c_str());
}

void drawRevenueChart(const app::OverviewStats& s, float width, float height, const std::string& scope) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::vector<std::string> labels;
    std::vector<double> full, partial;
    for (const app::MonthFigures& m : s.months) {
        char label[16];
        std::snprintf(label, sizeof label, "%s %02d", kMonths[m.month - 1], m.year % 100);
        labels.push_back(label);
        full.push_back(m.partial ? NAN : m.revenue);
        partial.push_back(m.partial ? m.revenue : NAN);
    }
    const std::string title = "Revenue by month" + scope + "##revenue";
    if (!charts::BeginChart(title.c_str(), ImVec2(width, height))) return;
    charts::AxisSpec x;
    x.format = charts::AxisFormat::Category;
    x.categories = labels;
    charts::AxisSpec y;
    y.label = "Revenue";
    y.format = charts::AxisFormat::Currency;
    y.currency = "";
    charts::SetupAxes(x, y);
    charts::SeriesSpec spec;
    spec.colour = charts::seriesColour(0);
    charts::PlotBars("Revenue", nullptr, full.data(), static_cast<int>(full.size()), 0.7, spec);
    if (std::any_of(partial.begin(), partial.end(), [](double v) { return std::isfinite(v); })) {
        charts::SeriesSpec muted;
        muted.colour = charts::withAlpha(charts::seriesColour(0), 0.45f);
        charts::PlotBars("Month so far", nullptr, partial.data(), static_cast<int>(partial.size()), 0.7, muted);
    }
    charts::EndChart();
}

void drawSegmentChart(app::AppState& app, const app::OverviewStats& s, float width, float height) {
    if (!s.hasSegments) return;
    // Best at the top: category 0 is drawn at the bottom, so the list runs from "Never
    // ordered" up to Champions.
    std::vector<const char*> names;
    std::vector<double> counts;
    std::vector<int> segmentAt;
    for (int i = app::kNeverOrdered; i >= 0; --i) {
        names.push_back(app::displaySegmentName(i));
        counts.push_back(static_cast<double>(s.segmentCustomers[static_cast<size_t>(i)]));
        segmentAt.push_back(i);
    }
    if (!charts::BeginChart("Customers by RFM segment##segments", ImVec2(width, height), charts::ChartFlags_NoZoom)) return;
    charts::AxisSpec x;
    x.label = "Customers";
    x.format = charts::AxisFormat::Integer;
    charts::AxisSpec y;
    y.format = charts::AxisFormat::Category;
    y.categoryNames = names.data();
    y.categoryCount = static_cast<int>(names.size());
    charts::SetupAxes(x, y);
    const auto& filter = app.overview.filter;
    // The picked segment in full colour, the others faded while one is picked.
    std::vector<double> picked(counts.size(), NAN), rest = counts;
    for (size_t k = 0; k < segmentAt.size(); ++k) {
        if (filter && segmentAt[k] == *filter) {
            picked[k] = counts[k];
            rest[k] = NAN;
        }
    }
    charts::SeriesSpec spec;
    spec.flags = charts::SeriesFlags_Horizontal | charts::SeriesFlags_NoLegend;
    spec.colour = filter ? charts::withAlpha(charts::seriesColour(1), 0.35f) : charts::seriesColour(1);
    charts::PlotBars("Customers", nullptr, rest.data(), static_cast<int>(rest.size()), 0.7, spec);
    spec.colour = charts::seriesColour(1);
    charts::PlotBars("Customers##picked", nullptr, picked.data(), static_cast<int>(picked.size()), 0.7, spec);
    int clicked = -1;
    if ((charts::ItemClicked("Customers", &clicked) || charts::ItemClicked("Customers##picked", &clicked)) && clicked >= 0 &&
        clicked < static_cast<int>(segmentAt.size())) {
        const int segment = segmentAt[static_cast<size_t>(clicked)];
        app.overview.filter = filter == segment ? std::nullopt : std::optional<int>(segment);
    }
    charts::EndChart();
    recordItem("Customers by RFM segment");
    ItemTooltip("Customers by RFM segment",
                "RFM scores every customer who ordered 1-5 on recency, frequency and money spent, and names the segment from "
                "the recency and frequency scores (the Segments view shows the map); customers who never ordered are counted "
                "apart. Click a segment to see the figures and revenue of its customers; click it again to see everyone.");
}

}  // namespace

void DrawOverviewView(app::AppState& app) {
    if (app.counts.customers == 0) {
        BeginEmptyState(ICON_TACHOMETER, "Your customer base at a glance",
                        "Key figures will appear here: customers, customers active in the last 90 days, revenue over the "
                        "last 12 months and its change, average order value and repeat-purchase rate, with revenue by "
                        "month and customers by segment. Bring customers and orders in from the Data view to begin.");
        DrawGoToDataAction(app);
        EndEmptyState();
        return;
    }
    const app::OverviewStats* s = app::overviewStats(app);
    if (s == nullptr) {
        if (DrawWaitingNote(app, "The figures appear as soon as the customer data is read and scored.")) {
            app.overview.factsRequestedVersion = 0;
            app.overview.rfmRequestedVersion = 0;
        }
        return;
    }
    std::string scope;
    if (app.overview.filter) {
        const char* name = app::displaySegmentName(*app.overview.filter);
        scope = std::string(" in segment \u201C") + name + "\u201D";
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(ICON_FILTER);
        ImGui::SameLine();
        ImGui::Text("Showing segment \u201C%s\u201D", name);
        ImGui::SameLine();
        if (Button("Show everyone", ButtonKind::Ghost, ICON_TIMES)) app.overview.filter.reset();
    } else {
        const std::string line = "As of " + core::formatIsoDate(core::civilFromDays(s->asOfDay)) +
                                 ", the last day with data. Hover a figure to see how it is computed.";
        ImGui::AlignTextToFramePadding();  // as tall as the filter line, so nothing jumps
        MutedText(line.c_str());
    }
    ImGui::Dummy(ImVec2(0, dp(space::xs)));
    drawCards(*s, scope);
    ImGui::Dummy(ImVec2(0, dp(space::md)));
    const float gap = dp(space::lg);
    const float avail = ImGui::GetContentRegionAvail().x;
    const float height = std::max(dp(260), ImGui::GetContentRegionAvail().y - dp(space::sm));
    if (avail > dp(900)) {
        const float left = (avail - gap) * 0.62f;
        drawRevenueChart(*s, left, height, scope);
        ImGui::SameLine(0, gap);
        drawSegmentChart(app, *s, avail - left - gap, height);
    } else {
        drawRevenueChart(*s, avail, dp(280), scope);
        drawSegmentChart(app, *s, avail, dp(360));
    }
}

}  // namespace rapport::ui
