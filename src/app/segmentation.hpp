// segmentation.hpp: what the Segments view shows and runs. RFM as of a date, and
// clustering (k-means, with k given or chosen by silhouette; PCA projection; profiles
// with names; a Ward dendrogram), each run as a job with progress and Cancel, saved as a
// model run and shown again after a reload without recomputing. Selections (an RFM
// cell or segment, a cluster, a box or lasso on the scatter) can be saved as segments.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/kmeans.hpp"
#include "analytics/rfm.hpp"
#include "analytics/silhouette.hpp"
#include "analytics/ward.hpp"
#include "analytics/profiles.hpp"
#include "app/customer_features.hpp"
#include "core/result.hpp"
#include "store/segments.hpp"

namespace rapport::app {

struct AppState;

// ---- RFM --------------------------------------------------------------------------------

// Customers who never ordered (up to the as-of day) have no recency, frequency or value
// to score. RFM's rule puts them in "Lost" (R = F = M = 1); Rapport shows them apart, as
// "Never ordered", so Lost and the R1 F1 cell hold only customers who did buy once.
inline constexpr int kNeverOrdered = analytics::kRfmSegmentCount;  // display index after the 11 segments
const char* displaySegmentName(int index);  // the 11 names, then "Never ordered"

struct RfmRun {
    int64_t runId = 0;        // its saved model run (0: not saved)
    std::string createdAt;    // UTC, as saved
    int32_t asOfDay = 0;
    uint64_t dataVersion = 0;  // app.dataVersion it was computed on
    std::vector<int64_t> customerIds;
    std::vector<double> recency, frequency, monetary;  // per customer (recency NaN: no orders)
    analytics::RfmResult rfm;
    std::vector<analytics::RfmSegmentSummary> segments;  // kRfmSegmentCount rows, enum order; Lost without never-ordered
    analytics::RfmGrid grid;                             // without never-ordered customers
    int64_t neverOrdered = 0;

    bool ordered(size_t i) const { return std::isfinite(recency[i]); }
    // The display segment of customer i: a segment's index, or kNeverOrdered.
    int displaySegment(size_t i) const { return ordered(i) ? static_cast<int>(rfm.segment[i]) : kNeverOrdered; }
};

// Starts RFM as of a day (store::kNoDay: the last day in the data) as a job. `background`:
// a view starts it for what it shows, and it gives way to work asked for (jobs.hpp).
core::Result<uint64_t> startRfm(AppState& app, int32_t asOfDay, bool background = false);
// The result as JSON for the automation hook: asOf, customers, segments, edges, grid.
std::string rfmJson(const RfmRun& run);
// Ids of the customers in an R x F cell (r, f in 1..5) or in a named segment.
std::vector<int64_t> rfmCellCustomers(const RfmRun& run, int r, int f);
// index: a segment's (RfmSegment) or kNeverOrdered.
std::vector<int64_t> rfmSegmentCustomers(const RfmRun& run, int index);

// ---- Clustering ----------------------------------------------------------------------------

struct ClusterParams {
    std::vector<std::string> features = defaultClusterFeatures();  // feature keys
    int k = 0;  // 0: choose k by silhouette in [kMin, kMax]
    int kMin = 2, kMax = 8;
    int restarts = 10;
    uint64_t seed = 0;
    int32_t asOfDay = 0;  // store::kNoDay or 0: the last day in the data
    core::Status validate(int64_t customers) const;
};

struct ClusterRun {
    int64_t runId = 0;
    std::string createdAt;
    uint64_t dataVersion = 0;
    ClusterParams params;
    int32_t asOfDay = 0;
    std::vector<FeatureInfo> features;  // the chosen ones, in column order
    std::vector<std::string> warnings;  // from preparing the features (missing values, ...)

    std::vector<int64_t> customerIds;
    std::vector<int32_t> labels;        // cluster per customer
    int k = 0;
    double inertia = 0;                 // in standardized units
    double silhouette = 0;
    bool silhouetteSampled = false;
    int iterations = 0;
    bool converged = false;
    std::vector<analytics::KChoice> choices;  // per k tried (elbow and silhouette); empty when k was given

    std::vector<float> pcaX, pcaY;            // each customer on the first two components
    std::array<double, 2> explained{};        // share of variance of each component
    Eigen::MatrixXd centroids;                // k x d, original units
    std::vector<analytics::ClusterProfile> profiles;

    analytics::Dendrogram tree;   // Ward, exact or on micro-clusters
    bool wardApproximate = false;
    int64_t wardPoints = 0;       // customers the tree was built on (all, or a sample)
};

core::Result<uint64_t> startClustering(AppState& app, const ClusterParams& params);
// The result as JSON for the automation hook: k, sizes, inertia, silhouette, centroids in
// original units, names, features, choices.
std::string clusterJson(const ClusterRun& run);
std::vector<int64_t> clusterCustomers(const ClusterRun& run, int cluster);
// Sizes of the Ward clusters when the tree is cut into k (largest first).
std::vector<int64_t> wardClusterSizes(const ClusterRun& run, int k);

// ---- View state ------------------------------------------------------------------------------

// Customers picked on a chart, waiting to be saved as a segment (or shown).
struct Selection {
    std::vector<int64_t> ids;
    std::string label;       // "RFM: Champions", "Cluster 2: High spend, frequent", "Lasso on the scatter"
    std::string definition;  // JSON saved with the segment
};

struct SegmentationState {
    std::optional<RfmRun> rfm;
    std::optional<ClusterRun> clusters;
    uint64_t clustersGeneration = 0;  // bumped whenever `clusters` is replaced (runs not saved all have runId 0)
    bool restored = false;  // the last saved runs were looked for
    ClusterParams draft;    // the set-up being edited
    int rfmAsOfDay = 0;     // 0: the default (last day in the data)
    int wardCut = 0;        // clusters in the dendrogram cut (0: the k-means k)
    std::optional<Selection> selection;
    std::string segmentName;   // the name typed to save the selection
    std::string message;       // the last save's outcome ("Saved “Champions” (1,234 customers)")
    std::string error;
    std::vector<store::SegmentInfo> saved;
    uint64_t savedVersion = 0;  // app.dataVersion when `saved` was listed
    bool savedStale = true;     // a segment was saved or deleted since
};

// Loads the newest saved RFM and clustering runs once (after start-up or a restore).
void restoreSegmentation(AppState& app);
// Saved segments, listed again when the data changed.
const std::vector<store::SegmentInfo>& savedSegments(AppState& app);
// Saves the current selection under `name`; the message or error goes to the state.
bool saveSelectionAsSegment(AppState& app, const std::string& name);
core::Status deleteSavedSegment(AppState& app, int64_t segmentId);
// Shows these customers in the Customers view (its filter keeps only them).
void showInCustomers(AppState& app, const std::vector<int64_t>& ids, const std::string& label);
// Downloads a saved segment's customers, or the current selection, as customers.csv.
void exportSegment(AppState& app, int64_t segmentId);
void exportSelection(AppState& app);
// "C0001234 · Ada Lovelace" for a customer id (for hover on charts), cached.
std::string customerLabel(AppState& app, int64_t customerId);
// The saved segments as JSON for rapport.segments(): [{id, name, size, createdAt, definition}].
std::string segmentsJson(AppState& app);

}  // namespace rapport::app
