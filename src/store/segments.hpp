// segments.hpp: saved segments: a named set of customers with the definition it came
// from (JSON: "selection on the PCA scatter", "k-means cluster 3 of run 12" with the
// run's parameters, "RFM: Champions as of 2026-10-31", ...). Listed in the Customers
// view's filters and in the Segments view, exportable, kept in the database.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"

namespace rapport::store {

struct SegmentInfo {
    int64_t id = 0;
    std::string name;
    std::string definition;  // JSON object
    std::string createdAt;
    int64_t size = 0;  // members that still exist
};

// Validates a name for a new segment: not empty after trimming, at most 80 characters,
// valid UTF-8, not already used (case-insensitive). The error says what to change.
core::Status checkSegmentName(Db& db, const std::string& name, int64_t ignoreId = 0);

// Creates a segment with these members (ids of existing customers; duplicates and ids
// that do not exist are ignored) in one transaction; returns its id. Fast enough for a
// million members (sorted first, then one INSERT ... SELECT over them, bound as one
// JSON array).
core::Result<int64_t> createSegment(Db& db, const std::string& name, const std::string& definitionJson,
                                    std::span<const int64_t> customerIds);
core::Result<std::vector<SegmentInfo>> listSegments(Db& db);  // by name
core::Result<SegmentInfo> segmentInfo(Db& db, int64_t segmentId);
core::Result<std::vector<int64_t>> segmentMembers(Db& db, int64_t segmentId);  // increasing ids
core::Status renameSegment(Db& db, int64_t segmentId, const std::string& name);
core::Status deleteSegment(Db& db, int64_t segmentId);

}  // namespace rapport::store
