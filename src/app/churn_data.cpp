#include "app/churn_data.hpp"

#include <algorithm>
#include <cmath>

#include "app/customer_features.hpp"
#include "core/text_format.hpp"

namespace rapport::app {

namespace {

using store::CustomerFacts;
using store::kNoDay;

constexpr int kMaxCategoryValues = 20;  // one-hot columns per categorical field

struct Extra {
    const char* key;
    const char* label;
    const char* description;
};
constexpr Extra kExtras[] = {
    {"orders_last_90", "Orders in the last 90 days", "Orders in the 90 days up to the cut-off."},
    {"trend_90", "Order trend (90 days)", "Orders in the last 90 days minus orders in the 90 days before them: below 0, buying less."},
};

struct Categorical {
    const char* key;
    const char* label;
};
constexpr Categorical kCategoricals[] = {{"plan", "Plan"}, {"region", "Region"}, {"channel", "Channel"}, {"gender", "Gender"}};

const store::Categorical* categoricalOf(const CustomerFacts& f, const std::string& key) {
    if (key == "plan") return &f.plan;
    if (key == "region") return &f.region;
    if (key == "channel") return &f.channel;
    if (key == "gender") return &f.gender;
    if (key.rfind("attr:", 0) == 0) {
        for (const store::AttributeColumn& a : f.attributes) {
            if (!a.numeric && "attr:" + a.name == key) return &a.categorical;
        }
    }
    return nullptr;
}

const store::AttributeColumn* attributeOf(const CustomerFacts& f, const std::string& name) {
    for (const store::AttributeColumn& a : f.attributes) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

std::string lower(std::string s) {
    for (char& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return s;
}

bool positiveWord(const std::string& value) {
    const std::string v = lower(value);
    return v == "yes" || v == "y" || v == "true" || v == "1" || v == "churned";
}

bool hasChurnDates(const CustomerFacts& f) {
    for (size_t i = 0; i < f.churned.size(); ++i) {
        if (f.churned[i] != 0 && f.churnedDay[i] != kNoDay) return true;
    }
    return false;
}

int32_t lastDay(const CustomerFacts& f) { return defaultAsOfDay(f); }

// Orders in (from, to].
double ordersBetween(const CustomerFacts& f, size_t i, int32_t from, int32_t to) {
    double n = 0;
    for (int64_t k = f.orderStart[i]; k < f.orderStart[i + 1]; ++k) {
        const int32_t d = f.orderDay[static_cast<size_t>(k)];
        if (d != kNoDay && d > from && d <= to) n += 1;
    }
    return n;
}

// The value of a numeric feature for customer i as of a day (NaN when missing).
double numericValue(const CustomerFacts& f, size_t i, const std::string& key, int32_t asOf, const CustomerSummary& s) {
    if (key == "recency_days") return s.recencyDays;
    if (key == "orders") return s.orders;
    if (key == "revenue") return s.revenue;
    if (key == "tenure_days") return s.tenureDays;
    if (key == "average_order_value") return s.averageOrderValue;
    if (key == "days_between_orders") return s.daysBetweenOrders;
    if (key == "complaints") return s.complaints;
    if (key == "tickets") return s.tickets;
    if (key == "last_nps") return s.lastNps;
    if (key == "mean_csat") return s.meanCsat;
    if (key == "age") return f.age[i];
    if (key == "annual_income") return f.income[i];
    if (key == "orders_last_90") return ordersBetween(f, i, asOf - 90, asOf);
    if (key == "trend_90") return ordersBetween(f, i, asOf - 90, asOf) - ordersBetween(f, i, asOf - 180, asOf - 90);
    if (key.rfind("attr:", 0) == 0) {
        const store::AttributeColumn* a = attributeOf(f, key.substr(5));
        if (a != nullptr && a->numeric) return a->number[i];
    }
    return NAN;
}

std::string labelOf(const std::vector<ChurnFeatureInfo>& catalog, const std::string& key) {
    for (const ChurnFeatureInfo& info : catalog) {
        if (info.key == key) return info.label;
    }
    return key.rfind("attr:", 0) == 0 ? key.substr(5) : key;
}

// Who is in the population as of `cutoff` and their label (-1: outside).
std::vector<int> labels(const CustomerFacts& f, const ChurnLabelSpec& spec, int32_t cutoff, bool snapshot) {
    const auto n = static_cast<size_t>(f.customers());
    std::vector<int> y(n, -1);
    const int32_t windowEnd = cutoff + spec.windowDays;
    switch (spec.rule) {
        case ChurnLabelRule::Attribute: {
            const store::AttributeColumn* a = attributeOf(f, spec.attribute);
            if (a == nullptr) return y;
            for (size_t i = 0; i < n; ++i) {
                if (a->numeric) {
                    if (std::isfinite(a->number[i])) y[i] = a->number[i] > 0 ? 1 : 0;
                } else {
                    const int32_t code = a->categorical.code[i];
                    if (code >= 0) y[i] = positiveWord(a->categorical.values[static_cast<size_t>(code)]) ? 1 : 0;
                }
            }
            return y;
        }
        case ChurnLabelRule::Explicit:
            for (size_t i = 0; i < n; ++i) {
                if (snapshot) {
                    y[i] = f.churned[i] != 0 ? 1 : 0;
                    continue;
                }
                if (f.signupDay[i] != kNoDay && f.signupDay[i] > cutoff) continue;  // not a customer yet
                if (f.churned[i] != 0 && f.churnedDay[i] == kNoDay) continue;         // churned, but when?
                if (f.churned[i] != 0 && f.churnedDay[i] <= cutoff) continue;         // already gone
                y[i] = f.churned[i] != 0 && f.churnedDay[i] <= windowEnd ? 1 : 0;
            }
            return y;
        case ChurnLabelRule::Inactivity:
            for (size_t i = 0; i < n; ++i) {
                if (f.churned[i] != 0 && f.churnedDay[i] != kNoDay && f.churnedDay[i] <= cutoff) continue;
                bool before = false, after = false;
                for (int64_t k = f.orderStart[i]; k < f.orderStart[i + 1]; ++k) {
                    const int32_t d = f.orderDay[static_cast<size_t>(k)];
                    if (d == kNoDay) continue;
                    if (d <= cutoff) before = true;
                    else if (d <= windowEnd) after = true;
                }
                if (before) y[i] = after ? 0 : 1;
            }
            return y;
    }
    return y;
}

// Decides the columns from the population's values.
ChurnColumns decideColumns(const CustomerFacts& f, const std::vector<std::string>& keys, const std::vector<int64_t>& rows,
                           int32_t asOf) {
    ChurnColumns out;
    const auto catalog = churnFeatureCatalog(f);
    // Summaries once per row (every numeric feature needs them).
    std::vector<CustomerSummary> summaries;
    summaries.reserve(rows.size());
    for (const int64_t r : rows) summaries.push_back(summarizeCustomer(f, r, asOf));
    for (const std::string& key : keys) {
        const std::string label = labelOf(catalog, key);
        if (const store::Categorical* cat = categoricalOf(f, key)) {
            std::vector<int64_t> counts(cat->values.size(), 0);
            int64_t missing = 0;
            for (const int64_t r : rows) {
                const int32_t code = cat->code[static_cast<size_t>(r)];
                if (code >= 0) ++counts[static_cast<size_t>(code)];
                else ++missing;
            }
            std::vector<int32_t> present;
            for (size_t v = 0; v < counts.size(); ++v) {
                if (counts[v] > 0) present.push_back(static_cast<int32_t>(v));
            }
            std::sort(present.begin(), present.end(), [&](int32_t a, int32_t b) { return counts[static_cast<size_t>(a)] > counts[static_cast<size_t>(b)]; });
            if (present.size() < 2) {
                out.notes.push_back(label + " has " + (present.empty() ? "no value" : "one value") + " here, so it was left out.");
                continue;
            }
            if (present.size() > static_cast<size_t>(kMaxCategoryValues)) {
                out.notes.push_back(label + ": the " + std::to_string(kMaxCategoryValues) + " most common of " +
                                    core::formatCount(static_cast<int64_t>(present.size())) + " values get a column; the rest count as none of them.");
                present.resize(kMaxCategoryValues);
            }
            for (const int32_t v : present) {
                out.columns.push_back({label + " = " + cat->values[static_cast<size_t>(v)], key, 1, v, 0});
            }
            if (missing > 0) out.notes.push_back(label + ": " + core::formatCount(missing) + " customers have no value (no column set).");
            continue;
        }
        std::vector<double> values;
        int64_t missing = 0;
        for (size_t k = 0; k < rows.size(); ++k) {
            const double v = numericValue(f, static_cast<size_t>(rows[k]), key, asOf, summaries[k]);
            if (std::isfinite(v)) values.push_back(v);
            else ++missing;
        }
        if (values.empty()) {
            out.notes.push_back(label + " has no value for anyone here, so it was left out.");
            continue;
        }
        const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
        if (*lo == *hi && missing == 0) {
            out.notes.push_back(label + " is the same for everyone here, so it was left out.");
            continue;
        }
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
        const double median = values[values.size() / 2];
        out.columns.push_back({label, key, 0, -1, median});
        if (missing > 0) {
            out.columns.push_back({label + " missing", key, 2, -1, 0});
            out.notes.push_back(label + ": " + core::formatCount(missing) + " missing values set to the median (" +
                                core::formatNumber(median) + "), with a \"missing\" column beside it.");
        }
    }
    return out;
}

void fillRows(const CustomerFacts& f, const ChurnColumns& columns, const std::vector<int64_t>& rows, int32_t asOf, Eigen::MatrixXd& X) {
    X.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(columns.columns.size()));
    for (size_t k = 0; k < rows.size(); ++k) {
        const auto i = static_cast<size_t>(rows[k]);
        const CustomerSummary s = summarizeCustomer(f, rows[k], asOf);
        for (size_t j = 0; j < columns.columns.size(); ++j) {
            const ChurnColumns::Column& c = columns.columns[j];
            double v = 0;
            if (c.kind == 1) {
                const store::Categorical* cat = categoricalOf(f, c.key);
                v = cat != nullptr && cat->code[i] == c.category ? 1.0 : 0.0;
            } else {
                const double raw = numericValue(f, i, c.key, asOf, s);
                v = c.kind == 2 ? (std::isfinite(raw) ? 0.0 : 1.0) : (std::isfinite(raw) ? raw : c.fill);
            }
            X(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j)) = v;
        }
    }
}

}  // namespace

const char* churnLabelRuleName(ChurnLabelRule rule) {
    switch (rule) {
        case ChurnLabelRule::Inactivity: return "inactivity";
        case ChurnLabelRule::Explicit: return "explicit";
        case ChurnLabelRule::Attribute: return "attribute";
    }
    return "inactivity";
}

std::vector<ChurnFeatureInfo> churnFeatureCatalog(const CustomerFacts& f) {
    std::vector<ChurnFeatureInfo> out;
    for (const FeatureInfo& info : availableFeatures(f)) {
        if (info.key.rfind("attr:", 0) == 0) continue;  // attributes below, numeric and categorical alike
        out.push_back({info.key, info.label, info.description, false});
    }
    for (const Extra& e : kExtras) out.push_back({e.key, e.label, e.description, false});
    for (const Categorical& c : kCategoricals) {
        out.push_back({c.key, c.label, std::string("One column per ") + c.key + " (the customer's " + c.key + " or not).", true});
    }
    for (const store::AttributeColumn& a : f.attributes) {
        out.push_back({"attr:" + a.name, a.name,
                       a.numeric ? "The custom attribute \"" + a.name + "\"." : "One column per value of the custom attribute \"" + a.name + "\".",
                       !a.numeric});
    }
    return out;
}

ChurnFeatureSpec defaultChurnFeatures(const CustomerFacts& f, const ChurnLabelSpec& label) {
    ChurnFeatureSpec spec;
    if (!f.orderDay.empty()) {
        spec.features = {"recency_days", "orders", "revenue", "tenure_days", "days_between_orders", "trend_90",
                         "complaints", "tickets", "last_nps", "mean_csat", "age", "annual_income", "plan", "region", "channel"};
        return spec;
    }
    // A snapshot table: its attributes (not the label) and the profile's categories.
    for (const store::AttributeColumn& a : f.attributes) {
        if (label.rule == ChurnLabelRule::Attribute && a.name == label.attribute) continue;
        if (!a.numeric && a.categorical.values.size() > 50) continue;  // ids, free text
        spec.features.push_back("attr:" + a.name);
    }
    for (const char* key : {"gender", "plan", "region", "channel", "age", "annual_income"}) spec.features.push_back(key);
    return spec;
}

bool isSnapshotLabel(const CustomerFacts& f, const ChurnLabelSpec& label) {
    return label.rule == ChurnLabelRule::Attribute || (label.rule == ChurnLabelRule::Explicit && !hasChurnDates(f));
}

int32_t resolveCutoff(const CustomerFacts& f, const ChurnLabelSpec& label) {
    if (isSnapshotLabel(f, label)) return lastDay(f);
    if (label.cutoffDay != 0 && label.cutoffDay != kNoDay) return label.cutoffDay;
    return lastDay(f) - label.windowDays;
}

core::Result<ChurnDataset> buildChurnDataset(const CustomerFacts& f, const ChurnLabelSpec& label, const ChurnFeatureSpec& features,
                                             int32_t cutoff, const ChurnColumns* columns) {
    if (f.customers() == 0) return core::makeError("There are no customers yet.");
    if (features.features.empty()) return core::makeError("Choose at least one feature.");
    if (label.windowDays < 1 || label.windowDays > 3650) return core::makeError("The window must be between 1 and 3,650 days.");
    const bool snapshot = isSnapshotLabel(f, label);
    if (label.rule == ChurnLabelRule::Attribute && attributeOf(f, label.attribute) == nullptr) {
        return core::makeError("There is no attribute called \"" + label.attribute + "\" to use as the churn label.");
    }
    if (!snapshot && cutoff + label.windowDays > lastDay(f)) {
        return core::makeError("The window after the cut-off (" + core::formatCount(label.windowDays) +
                               " days) goes past the last day with data: choose an earlier cut-off or a shorter window.");
    }
    const std::vector<int> y = labels(f, label, cutoff, snapshot);
    ChurnDataset d;
    d.asOfDay = cutoff;
    int64_t positives = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        if (y[i] < 0) {
            ++d.excluded;
            continue;
        }
        d.rows.push_back(static_cast<int64_t>(i));
        d.customerIds.push_back(f.id[i]);
        positives += y[i];
    }
    const auto n = static_cast<int64_t>(d.rows.size());
    if (n == 0) return core::makeError("No customer fits the label rule at this cut-off (e.g. nobody had ordered by then).");
    if (positives == 0 || positives == n) {
        return core::makeError(std::string(positives == 0 ? "No" : "Every") + " customer in the population churned by this rule: "
                               "there is nothing to learn. Try another cut-off, window or label.");
    }
    d.y.resize(n);
    for (int64_t k = 0; k < n; ++k) d.y(k) = y[static_cast<size_t>(d.rows[static_cast<size_t>(k)])];
    d.columns = columns != nullptr ? *columns : decideColumns(f, features.features, d.rows, cutoff);
    if (d.columns.columns.empty()) return core::makeError("None of the chosen features has anything to learn from here.");
    fillRows(f, d.columns, d.rows, cutoff, d.X);
    return d;
}

core::Result<ChurnDataset> buildScoringSet(const CustomerFacts& f, const ChurnLabelSpec& label, const ChurnColumns& columns) {
    ChurnDataset d;
    d.asOfDay = lastDay(f);
    d.columns = columns;
    // An attribute label marks who has gone as well.
    const std::vector<int> gone = label.rule == ChurnLabelRule::Attribute ? labels(f, label, d.asOfDay, true) : std::vector<int>();
    for (size_t i = 0; i < f.id.size(); ++i) {
        if (f.churned[i] != 0 || (!gone.empty() && gone[i] == 1)) {
            ++d.excluded;  // already gone: nothing to prevent
            continue;
        }
        d.rows.push_back(static_cast<int64_t>(i));
        d.customerIds.push_back(f.id[i]);
    }
    d.y = Eigen::VectorXi::Constant(static_cast<Eigen::Index>(d.rows.size()), -1);
    fillRows(f, columns, d.rows, d.asOfDay, d.X);
    return d;
}

core::Status resolveChurnNames(const CustomerFacts& f, ChurnLabelSpec& label, ChurnFeatureSpec& features) {
    if (label.rule == ChurnLabelRule::Attribute) {
        const store::AttributeColumn* found = nullptr;
        std::string wanted = lower(label.attribute.rfind("attr:", 0) == 0 ? label.attribute.substr(5) : label.attribute);
        for (const store::AttributeColumn& a : f.attributes) {
            if (lower(a.name) == wanted) found = &a;
        }
        if (found == nullptr && (wanted == "churn" || wanted == "churned")) {  // imported into the churned column
            label.rule = ChurnLabelRule::Explicit;
            label.attribute.clear();
        } else if (found == nullptr) {
            std::string names;
            for (const store::AttributeColumn& a : f.attributes) names += (names.empty() ? "" : ", ") + a.name;
            return core::makeError("There is no attribute called \"" + label.attribute + "\" to use as the churn label" +
                                   (names.empty() ? std::string(" (these customers have no custom attributes).") : "; there are: " + names + "."));
        } else {
            label.attribute = found->name;
        }
    }
    const auto catalog = churnFeatureCatalog(f);
    std::vector<std::string> keys;
    for (const std::string& name : features.features) {
        const std::string wanted = lower(name);
        std::string key;
        for (const ChurnFeatureInfo& info : catalog) {
            if (info.key == name) key = info.key;
        }
        for (const ChurnFeatureInfo& info : catalog) {
            if (key.empty() && (lower(info.key) == wanted || lower(info.label) == wanted || lower(info.key) == "attr:" + wanted)) key = info.key;
        }
        if (key.empty()) {
            std::string known;
            for (const ChurnFeatureInfo& info : catalog) known += (known.empty() ? "" : ", ") + info.key;
            return core::makeError("There is no feature called \"" + name + "\". Features here: " + known + ".");
        }
        if (label.rule == ChurnLabelRule::Attribute && key == "attr:" + label.attribute) continue;  // the answer is not a clue
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    features.features = std::move(keys);
    return {};
}

}  // namespace rapport::app
