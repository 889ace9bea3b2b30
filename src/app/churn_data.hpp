// churn_data.hpp: the data a churn model learns from, built from the customer facts: who
// is in the population, their label (churned or not), and their features as of a cut-off
// day (nothing after it is used, so a model never sees the future it predicts).
//
// Label rules:
//   Inactivity  customers who ordered up to the cut-off; churned = no order in the window
//               that follows it (default 90 days). Needs cut-off + window <= the last day.
//   Explicit    the churned column. With churn dates: customers not churned by the
//               cut-off; churned = churned within the window after it. Without dates (a
//               snapshot such as an imported table): everyone, as of the last day.
//   Attribute   a custom attribute (e.g. Telco's "Churn"): churned = its value is one of
//               the positive values (yes, true, 1, churned; any case). A snapshot, as of
//               the last day.
// Features: built-in measures (recency, frequency, monetary, tenure, days between orders,
// the 90-day trend, complaints, tickets, last NPS, mean CSAT, age, income), numeric
// attributes, and one column per value of categorical fields (plan, region, channel,
// gender, categorical attributes). A numeric feature with missing values gets them set
// to its median and a companion "<feature> missing" 0/1 column; every such choice is
// reported in words.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/customer_facts.hpp"

namespace rapport::app {

enum class ChurnLabelRule { Inactivity, Explicit, Attribute };
const char* churnLabelRuleName(ChurnLabelRule rule);  // "inactivity", "explicit", "attribute"

struct ChurnLabelSpec {
    ChurnLabelRule rule = ChurnLabelRule::Inactivity;
    std::string attribute;  // Attribute: its name
    int windowDays = 90;
    int32_t cutoffDay = 0;  // 0: the last day with data minus the window (Inactivity, Explicit with dates)
};

// Feature keys: those of customer_features.hpp ("recency_days", "orders", ...) plus
// "orders_last_90", "trend_90", and "attr:<name>" for any attribute; categorical fields
// by name: "plan", "region", "channel", "gender", or "attr:<name>" of a categorical one.
struct ChurnFeatureSpec {
    std::vector<std::string> features;
};

struct ChurnFeatureInfo {
    std::string key, label, description;
    bool categorical = false;
};
// What these facts offer, and a sensible default: behaviour measures when there are
// orders; otherwise (a snapshot table) every attribute but the label.
std::vector<ChurnFeatureInfo> churnFeatureCatalog(const store::CustomerFacts& facts);
ChurnFeatureSpec defaultChurnFeatures(const store::CustomerFacts& facts, const ChurnLabelSpec& label);

// The columns of a dataset: decided once (on the training data) so that a test set or the
// scoring of current customers gets exactly the same ones.
struct ChurnColumns {
    struct Column {
        std::string name;   // shown to users: "Days since last order", "Plan = Premium", "Age missing"
        std::string key;    // the feature key it comes from
        int kind = 0;       // 0 numeric, 1 one-hot of a category value, 2 missing indicator
        int32_t category = -1;  // kind 1: the category code
        double fill = 0;    // kind 0: the value used for missing ones (the training median)
    };
    std::vector<Column> columns;
    std::vector<std::string> notes;  // what was done about missing values and rare categories
};

struct ChurnDataset {
    Eigen::MatrixXd X;                 // n x columns, no missing values
    Eigen::VectorXi y;                 // 1 churned; for scoring sets, -1 (unknown)
    std::vector<int64_t> rows;         // facts index of each row
    std::vector<int64_t> customerIds;
    int32_t asOfDay = 0;               // features as of this day
    int64_t excluded = 0;              // customers outside the population
    ChurnColumns columns;
};

// The cut-off the label rule implies when spec.cutoffDay is 0 (store::kNoDay if none).
int32_t resolveCutoff(const store::CustomerFacts& facts, const ChurnLabelSpec& label);
// Whether the label is a snapshot (no cut-off: features and label as of the last day).
bool isSnapshotLabel(const store::CustomerFacts& facts, const ChurnLabelSpec& label);

// The labelled population as of `cutoff` (features as of it, label from the window after
// it). `columns` empty: decided here from this data (medians, category values); else used
// as given.
core::Result<ChurnDataset> buildChurnDataset(const store::CustomerFacts& facts, const ChurnLabelSpec& label,
                                             const ChurnFeatureSpec& features, int32_t cutoff,
                                             const ChurnColumns* columns = nullptr);
// Every current customer (not churned as of the last day, and for an attribute label not
// marked as churned by it) with features as of the last day, for scoring; y is -1.
core::Result<ChurnDataset> buildScoringSet(const store::CustomerFacts& facts, const ChurnLabelSpec& label,
                                           const ChurnColumns& columns);

// Names as people (and scripts) write them, made into keys: a feature may be given by key
// ("recency_days", "attr:Contract"), by its label ("Days since last order"), or by an
// attribute's name ("Contract"), in any case; the label attribute likewise. An unknown
// name is an error that lists what there is. The label attribute is never a feature.
core::Status resolveChurnNames(const store::CustomerFacts& facts, ChurnLabelSpec& label, ChurnFeatureSpec& features);

}  // namespace rapport::app
