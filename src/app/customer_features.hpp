// customer_features.hpp: numbers per customer, as of a day, built from the customer facts
// for the analyses: recency, frequency, monetary, tenure, order value, complaints, the
// last NPS answer, custom attributes and the rest. Each feature has a key (used in saved
// runs and in the automation hook), a label and a one-line explanation for the UI.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "store/customer_facts.hpp"

namespace rapport::app {

struct FeatureInfo {
    std::string key;          // "recency_days", "orders", "revenue", "attr:MonthlyCharges", ...
    std::string label;        // "Days since last order"
    std::string description;  // how it is computed, for tooltips
    bool money = false;       // shown with the currency format
};

// Everything one customer's records say, as of a day (records after it are ignored).
struct CustomerSummary {
    double recencyDays = NAN;     // days since the last order; NaN without orders
    double orders = 0;
    double revenue = 0;
    double tenureDays = NAN;      // days since sign-up (or the first order without a sign-up date)
    double averageOrderValue = NAN;
    double daysBetweenOrders = NAN;
    double complaints = 0;
    double tickets = 0;
    double lastNps = NAN;
    double meanCsat = NAN;
    int32_t firstOrderDay = store::kNoDay;
    int32_t lastOrderDay = store::kNoDay;
};
CustomerSummary summarizeCustomer(const store::CustomerFacts& facts, int64_t index, int32_t asOfDay);

// The features these facts can offer (the built-in ones and every numeric attribute).
std::vector<FeatureInfo> availableFeatures(const store::CustomerFacts& facts);
// The default choice for clustering: recency, orders, revenue and tenure.
std::vector<std::string> defaultClusterFeatures();
// The feature with this key, or nullptr.
const FeatureInfo* findFeature(const std::vector<FeatureInfo>& features, const std::string& key);

// Rows [from, to) of the n x keys.size() matrix of features as of `asOfDay` (NaN where a
// value is missing). X must already have n rows and keys.size() columns. Unknown keys
// give NaN columns (the caller checks keys with findFeature first).
void fillFeatureRows(const store::CustomerFacts& facts, const std::vector<std::string>& keys, int32_t asOfDay,
                     Eigen::MatrixXd& X, int64_t from, int64_t to);

// The day analyses default to: the last day with any record (or today when empty).
int32_t defaultAsOfDay(const store::CustomerFacts& facts);

}  // namespace rapport::app
