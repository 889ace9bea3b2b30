// facts.hpp: the customer facts (store/customer_facts.hpp) the analyses work on, read
// from the store when an analysis needs them and the data changed since the last read.
//
// Reading is the first stage of every analysis job (FactsStage below), so an analysis
// started right after an import simply reads first; the read facts are kept in the app
// state and shared (read-only) by every view and later analysis until the data changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/customer_facts.hpp"

namespace rapport::app {

struct AppState;

struct FactsCache {
    std::shared_ptr<const store::CustomerFacts> facts;
    uint64_t version = 0;  // app.dataVersion when read
};

// Facts for the current data, or null when they must be read first.
std::shared_ptr<const store::CustomerFacts> currentFacts(const AppState& app);

// Starts a job that only reads the facts (for views that need nothing else).
core::Result<uint64_t> startReadingFacts(AppState& app);

// The part of a job that makes sure current facts are loaded. run() until it returns
// true (done), then facts() holds them (also stored in the app state).
class FactsStage {
public:
    // Reads at most ~deadline; true once the facts are current.
    core::Result<bool> run(AppState& app, std::chrono::steady_clock::time_point deadline);
    double progress() const;  // 0..1
    std::string detail() const;
    std::shared_ptr<const store::CustomerFacts> facts() const { return facts_; }

private:
    std::unique_ptr<store::CustomerFactsReader> reader_;
    std::shared_ptr<const store::CustomerFacts> facts_;
    uint64_t version_ = 0;
};

}  // namespace rapport::app
