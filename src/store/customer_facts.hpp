// customer_facts.hpp: everything the analyses need about every customer, read from the
// store once into plain columnar arrays: the customers' profile fields and custom
// attributes, and their orders, interactions and survey answers grouped per customer.
// The views and models work on these arrays (in the app and analytics layers) instead
// of running SQL per chart, and they are read again only when the data changed.
//
// Reading is a step-wise job (CustomerFactsReader): each step reads a bounded number
// of rows, so the page stays responsive while a million customers load. Each table is
// scanned once in rowid order (the fastest way through a SQLite table) and grouped per
// customer in memory (a counting sort), so the order in which records were imported
// does not matter.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/db.hpp"
#include "store/store.hpp"

namespace rapport::store {

// Dates as whole days since 1970-01-01 (core/date.hpp's daysFromCivil); missing: kNoDay.
inline constexpr int32_t kNoDay = std::numeric_limits<int32_t>::min();

enum class SurveyKind : uint8_t { Nps = 0, Csat = 1, Ces = 2 };

// Bits of CustomerFacts::interactionFlags.
inline constexpr uint8_t kInteractionComplaint = 1;  // complaint = 1
inline constexpr uint8_t kInteractionTicket = 2;     // channel = 'ticket'
inline constexpr uint8_t kInteractionResolved = 4;   // resolved = 1

// A categorical column: a code per customer (-1: missing) into `values`, which are sorted
// by frequency, most frequent first (ties by value), so code 0 is the most common.
struct Categorical {
    std::vector<int32_t> code;
    std::vector<std::string> values;
};

// A custom attribute (customer_attributes). Numeric when every non-empty value reads as
// a number (core::parseNumber); then `number` holds it (NaN: missing). Otherwise it is
// categorical and `categorical` holds it (e.g. Telco's "Contract", "Churn").
struct AttributeColumn {
    std::string name;
    bool numeric = false;
    std::vector<double> number;
    Categorical categorical;
};

struct CustomerFacts {
    // ---- customers: index i = 0..n-1, in id order -----------------------------------
    std::vector<int64_t> id;          // customers.id (rowid), increasing
    std::vector<int32_t> signupDay;   // kNoDay if missing
    std::vector<double> age;          // NaN if missing
    std::vector<double> income;       // annual_income; NaN if missing
    std::vector<uint8_t> churned;     // 0/1
    std::vector<int32_t> churnedDay;  // kNoDay if missing
    Categorical region, plan, channel, gender;
    std::vector<AttributeColumn> attributes;  // sorted by name

    // ---- records per customer: customer i's are [start[i], start[i+1]) ---------------
    // Each customer's records are sorted by day (ties by rowid). Every start vector has
    // n + 1 entries.
    std::vector<int64_t> orderStart;
    std::vector<int32_t> orderDay;
    std::vector<double> orderAmount;
    std::vector<uint8_t> orderReturned;

    std::vector<int64_t> interactionStart;
    std::vector<int32_t> interactionDay;
    std::vector<uint8_t> interactionFlags;  // kInteraction* bits

    std::vector<int64_t> responseStart;
    std::vector<int32_t> responseDay;
    std::vector<SurveyKind> responseKind;
    std::vector<float> responseScore;
    std::vector<float> responseExpected;  // NaN when not given (or not a number)
    std::vector<int64_t> responseId;      // survey_responses.id, to fetch the comment

    // ---- the span of the data ----------------------------------------------------------
    int32_t firstDay = kNoDay;  // earliest order, interaction or answer day
    int32_t lastDay = kNoDay;   // latest one

    int64_t customers() const { return static_cast<int64_t>(id.size()); }
    // The index of a customer id, or -1 (binary search on `id`).
    int64_t indexOf(int64_t customerId) const;
    // Approximate memory held, in bytes (for the UI and tests).
    int64_t bytes() const;
};

class CustomerFactsReader {
public:
    // `known`: the record counts, when the caller keeps them current (the app does), so
    // that begin() need not count them again (~15 ms as wasm at 2,000,000 orders, in one
    // piece). They only size arrays and the progress: a stale count costs accuracy, no more.
    static core::Result<std::unique_ptr<CustomerFactsReader>> begin(Db& db, const RecordCounts* known = nullptr);
    ~CustomerFactsReader();
    // Reads up to `maxRows` more rows (of whichever table is being read); true while
    // more remain. Records that refer to no existing customer are skipped.
    core::Result<bool> step(int64_t maxRows);
    double progress() const;    // 0..1, by work done (rows read, records grouped) of the total counted at begin
    const char* stage() const;  // "customers", "orders", ... for the progress label
    CustomerFacts take();       // once step() has returned false

private:
    struct Impl;
    explicit CustomerFactsReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The whole read at once (tests, the native runner).
core::Result<CustomerFacts> readCustomerFacts(Db& db);

}  // namespace rapport::store
