// demo_data.hpp: a realistic, deterministic customer base for demos, training and
// benchmarks, written straight into the store.
//
// Structure (what the analyses should find in it): several latent customer groups with
// their own spend, purchase frequency, complaint rate and satisfaction; about three years
// of orders; churn whose hazard rises with complaints and low satisfaction and falls with
// frequent buying (so a model can learn it, with noise enough not to be trivial); NPS,
// CSAT and CES answers driven by the same satisfaction, with comments; interactions
// including complaints; campaigns with contacts, responses and conversions.
//
// Generation is a step-wise job: begin() opens one transaction, step() adds the next
// customers with all their records, finish() commits (cancel() rolls everything back).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "store/db.hpp"

namespace rapport::store {

enum class DemoScenario { Retail, Subscription, B2B };

struct DemoOptions {
    int64_t customers = 5000;
    uint64_t seed = 42;
    DemoScenario scenario = DemoScenario::Retail;
    std::string endDate = "2026-10-31";  // the last day of the three years of history

    core::Status validate() const;
};

struct DemoCounts {
    int64_t customers = 0, orders = 0, interactions = 0, surveyResponses = 0, campaigns = 0, campaignContacts = 0;
};

const char* scenarioName(DemoScenario scenario);
// "retail", "subscription" (also "telecom"), "b2b"; nothing for anything else.
std::optional<DemoScenario> scenarioFromName(std::string_view name);

class DemoGenerator {
public:
    // Validates the options and starts the transaction. The database must be empty of
    // customers (demo ids would collide with real ones).
    static core::Result<std::unique_ptr<DemoGenerator>> begin(Db& db, const DemoOptions& options);
    ~DemoGenerator();

    // Adds up to `maxCustomers` more customers with their orders, answers and
    // interactions. Returns true while more remain.
    core::Result<bool> step(int64_t maxCustomers);
    // Writes the campaigns' contacts and commits. Call once step() has returned false.
    core::Result<DemoCounts> finish();
    // Rolls back everything written so far.
    void cancel();

    double progress() const;  // 0..1
    const DemoCounts& counts() const { return counts_; }

private:
    struct Impl;
    explicit DemoGenerator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    DemoCounts counts_;
};

// Runs a whole generation at once (tests, benchmarks, the native runner).
core::Result<DemoCounts> generateDemo(Db& db, const DemoOptions& options);

}  // namespace rapport::store
