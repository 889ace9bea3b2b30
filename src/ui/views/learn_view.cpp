#include "ui/fonts.hpp"
#include "ui/icons.hpp"
#include "ui/theme.hpp"
#include "ui/views/views.hpp"
#include "ui/widgets.hpp"

namespace rapport::ui {

namespace {

struct Topic {
    const char* title;
    const char* formula;
    const char* explanation;
    const char* example;
};

constexpr Topic kTopics[] = {
    {"Net Promoter Score (NPS)", "NPS = % promoters (9\xE2\x80\x93" "10) \xE2\x88\x92 % detractors (0\xE2\x80\x93" "6)",
     "Customers answer \"How likely are you to recommend us?\" on 0-10. Passives (7-8) count in the total but in "
     "neither group, so NPS runs from -100 to +100.",
     "200 answers: 90 promoters, 60 passives, 50 detractors \xE2\x86\x92 45% \xE2\x88\x92 25% = NPS 20."},
    {"RFM", "Recency, Frequency, Monetary: each scored 1-5 by quintile",
     "Recency is days since the last order (fewer is better), frequency the number of orders, monetary the "
     "revenue. Score combinations map to named segments such as Champions or At risk.",
     "Last order 12 days ago, 9 orders, 1,450 in revenue \xE2\x86\x92 R5 F5 M4: a Champion."},
    {"Churn rate", "churn rate = customers lost in a period / customers at its start",
     "A customer is lost when they cancel, or when they have not bought for longer than a chosen window before a "
     "cut-off date.",
     "1,000 customers on 1 January, 45 lost by 31 March \xE2\x86\x92 4.5% quarterly churn."},
    {"Customer lifetime value (CLV)", "CLV = m \xC3\x97 r / (1 + d \xE2\x88\x92 r)",
     "m is the yearly margin per customer, r the yearly retention rate and d the discount rate: the value today "
     "of the margin a customer brings over their expected lifetime.",
     "m = 300, r = 0.80, d = 0.10 \xE2\x86\x92 300 \xC3\x97 0.80 / 0.30 = 800."},
};

void drawTopic(const Topic& t, int index, float width) {
    ImGui::PushID(index);
    if (BeginCard("##topic", ImVec2(width, 0))) {
        ImGui::PushFont(fonts().strong);
        ImGui::TextUnformatted(t.title);
        ImGui::PopFont();
        ImGui::Spacing();
        ImGui::PushStyleColor(ImGuiCol_Text, palette().accent);
        ImGui::TextWrapped("%s", t.formula);
        ImGui::PopStyleColor();
        ImGui::Spacing();
        ImGui::TextWrapped("%s", t.explanation);
        ImGui::Spacing();
        MutedTextWrapped((std::string("Example: ") + t.example).c_str());
    }
    EndCard();
    ImGui::PopID();
}

}  // namespace

void DrawLearnView(app::AppState& app) {
    BeginEmptyState(ICON_GRADUATION, "The formulas behind the numbers",
                    "Every metric in Rapport can show how it is computed. With data loaded, each one will come "
                    "with a worked example on your own customers; here are the ideas to start from.");
    EndEmptyState();
    const float avail = ImGui::GetContentRegionAvail().x;
    const int columns = avail > dp(820) ? 2 : 1;
    const float gap = dp(space::lg);
    const float width = (avail - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    int i = 0;
    for (const Topic& t : kTopics) {
        if (columns == 2 && i % 2 == 1) ImGui::SameLine(0, gap);
        drawTopic(t, i, width);
        if (columns == 1 || i % 2 == 1) ImGui::Dummy(ImVec2(0, dp(space::xs)));
        ++i;
    }
    (void)app;
}

}  // namespace rapport::ui
