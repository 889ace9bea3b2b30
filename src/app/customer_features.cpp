#include "app/customer_features.hpp"

#include <chrono>
#include <cmath>

namespace rapport::app {

namespace {

using store::CustomerFacts;
using store::kNoDay;

struct Builtin {
    const char* key;
    const char* label;
    const char* description;
    bool money;
};

constexpr Builtin kBuiltins[] = {
    {"recency_days", "Days since last order",
     "Days from the customer's last order to the analysis date. Customers without orders count from their sign-up.", false},
    {"orders", "Orders", "Orders placed up to the analysis date.", false},
    {"revenue", "Revenue", "Sum of the amounts of the orders up to the analysis date, returns included.", true},
    {"tenure_days", "Days as a customer", "Days from sign-up (or the first order, without a sign-up date) to the analysis date.", false},
    {"average_order_value", "Average order value", "Revenue divided by orders; empty for customers without orders.", true},
    {"days_between_orders", "Days between orders",
     "Days from the first to the last order divided by the number of gaps; empty with fewer than two orders.", false},
    {"complaints", "Complaints", "Interactions marked as complaints up to the analysis date.", false},
    {"tickets", "Support tickets", "Interactions on the ticket channel up to the analysis date.", false},
    {"last_nps", "Last NPS answer", "The customer's most recent 0-10 NPS score; empty for customers who never answered.", false},
    {"mean_csat", "Average CSAT", "The mean of the customer's CSAT answers (1-5); empty for customers who never answered.", false},
    {"age", "Age", "Age as recorded in the profile.", false},
    {"annual_income", "Annual income", "Annual income as recorded in the profile.", true},
};

constexpr const char* kAttributePrefix = "attr:";


}  // namespace

CustomerSummary summarizeCustomer(const CustomerFacts& f, int64_t i, int32_t asOf) {
    CustomerSummary s;
    const auto u = static_cast<size_t>(i);
    for (int64_t k = f.orderStart[u]; k < f.orderStart[u + 1]; ++k) {
        const auto o = static_cast<size_t>(k);
        if (f.orderDay[o] == kNoDay || f.orderDay[o] > asOf) continue;
        s.orders += 1;
        s.revenue += f.orderAmount[o];
        if (s.firstOrderDay == kNoDay || f.orderDay[o] < s.firstOrderDay) s.firstOrderDay = f.orderDay[o];
        if (s.lastOrderDay == kNoDay || f.orderDay[o] > s.lastOrderDay) s.lastOrderDay = f.orderDay[o];
    }
    const int32_t signup = f.signupDay[u] != kNoDay && f.signupDay[u] <= asOf ? f.signupDay[u] : kNoDay;
    if (s.lastOrderDay != kNoDay) s.recencyDays = static_cast<double>(asOf - s.lastOrderDay);
    const int32_t since = signup != kNoDay ? signup : s.firstOrderDay;
    if (since != kNoDay) s.tenureDays = static_cast<double>(asOf - since);
    if (s.orders > 0) s.averageOrderValue = s.revenue / s.orders;
    if (s.orders >= 2) s.daysBetweenOrders = static_cast<double>(s.lastOrderDay - s.firstOrderDay) / (s.orders - 1);

    for (int64_t k = f.interactionStart[u]; k < f.interactionStart[u + 1]; ++k) {
        const auto t = static_cast<size_t>(k);
        if (f.interactionDay[t] == kNoDay || f.interactionDay[t] > asOf) continue;
        if ((f.interactionFlags[t] & store::kInteractionComplaint) != 0) s.complaints += 1;
        if ((f.interactionFlags[t] & store::kInteractionTicket) != 0) s.tickets += 1;
    }
    double csatSum = 0, csatCount = 0;
    int32_t npsDay = kNoDay;
    for (int64_t k = f.responseStart[u]; k < f.responseStart[u + 1]; ++k) {
        const auto r = static_cast<size_t>(k);
        if (f.responseDay[r] == kNoDay || f.responseDay[r] > asOf) continue;
        if (f.responseKind[r] == store::SurveyKind::Nps && f.responseDay[r] >= npsDay) {
            npsDay = f.responseDay[r];  // sorted by day: the last one wins
            s.lastNps = f.responseScore[r];
        } else if (f.responseKind[r] == store::SurveyKind::Csat) {
            csatSum += f.responseScore[r];
            csatCount += 1;
        }
    }
    if (csatCount > 0) s.meanCsat = csatSum / csatCount;
    return s;
}

std::vector<FeatureInfo> availableFeatures(const CustomerFacts& facts) {
    std::vector<FeatureInfo> out;
    for (const Builtin& b : kBuiltins) out.push_back({b.key, b.label, b.description, b.money});
    for (const store::AttributeColumn& a : facts.attributes) {
        if (!a.numeric) continue;
        out.push_back({kAttributePrefix + a.name, a.name, "The custom attribute \"" + a.name + "\" (imported column).", false});
    }
    return out;
}

std::vector<std::string> defaultClusterFeatures() { return {"recency_days", "orders", "revenue", "tenure_days"}; }

const FeatureInfo* findFeature(const std::vector<FeatureInfo>& features, const std::string& key) {
    for (const FeatureInfo& f : features) {
        if (f.key == key) return &f;
    }
    return nullptr;
}

void fillFeatureRows(const CustomerFacts& facts, const std::vector<std::string>& keys, int32_t asOf, Eigen::MatrixXd& X,
                     int64_t from, int64_t to) {
    // Resolve each key once: a built-in summary field, an attribute column, or nothing.
    enum class Source { Recency, Orders, Revenue, Tenure, Aov, Gap, Complaints, Tickets, Nps, Csat, Age, Income, Attribute, None };
    struct Column { Source source; const store::AttributeColumn* attribute; };
    std::vector<Column> columns;
    for (const std::string& key : keys) {
        Column c{Source::None, nullptr};
        static const std::pair<const char*, Source> kMap[] = {
            {"recency_days", Source::Recency}, {"orders", Source::Orders}, {"revenue", Source::Revenue},
            {"tenure_days", Source::Tenure}, {"average_order_value", Source::Aov}, {"days_between_orders", Source::Gap},
            {"complaints", Source::Complaints}, {"tickets", Source::Tickets}, {"last_nps", Source::Nps},
            {"mean_csat", Source::Csat}, {"age", Source::Age}, {"annual_income", Source::Income}};
        for (const auto& [name, source] : kMap) {
            if (key == name) c.source = source;
        }
        if (key.rfind(kAttributePrefix, 0) == 0) {
            const std::string name = key.substr(std::char_traits<char>::length(kAttributePrefix));
            for (const store::AttributeColumn& a : facts.attributes) {
                if (a.numeric && a.name == name) c = {Source::Attribute, &a};
            }
        }
        columns.push_back(c);
    }
    for (int64_t i = from; i < to; ++i) {
        const CustomerSummary s = summarizeCustomer(facts, i, asOf);
        const auto u = static_cast<size_t>(i);
        for (size_t j = 0; j < columns.size(); ++j) {
            double v = NAN;
            switch (columns[j].source) {
                case Source::Recency:
                    // Never ordered: inactive since sign-up.
                    v = std::isnan(s.recencyDays) ? s.tenureDays : s.recencyDays;
                    break;
                case Source::Orders: v = s.orders; break;
                case Source::Revenue: v = s.revenue; break;
                case Source::Tenure: v = s.tenureDays; break;
                case Source::Aov: v = s.averageOrderValue; break;
                case Source::Gap: v = s.daysBetweenOrders; break;
                case Source::Complaints: v = s.complaints; break;
                case Source::Tickets: v = s.tickets; break;
                case Source::Nps: v = s.lastNps; break;
                case Source::Csat: v = s.meanCsat; break;
                case Source::Age: v = facts.age[u]; break;
                case Source::Income: v = facts.income[u]; break;
                case Source::Attribute: v = columns[j].attribute->number[u]; break;
                case Source::None: break;
            }
            X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
        }
    }
}

int32_t defaultAsOfDay(const CustomerFacts& facts) {
    if (facts.lastDay != kNoDay) return facts.lastDay;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<int32_t>(std::chrono::duration_cast<std::chrono::hours>(now).count() / 24);
}

}  // namespace rapport::app
