#include "app/facts.hpp"

#include "app/app_state.hpp"
#include "core/json_writer.hpp"
#include "core/text_format.hpp"

namespace rapport::app {

std::shared_ptr<const store::CustomerFacts> currentFacts(const AppState& app) {
    if (app.factsCache.facts && app.factsCache.version == app.dataVersion) return app.factsCache.facts;
    return nullptr;
}

core::Result<bool> FactsStage::run(AppState& app, std::chrono::steady_clock::time_point deadline) {
    if (facts_ && version_ == app.dataVersion) return true;
    if (auto current = currentFacts(app)) {
        facts_ = current;
        version_ = app.dataVersion;
        reader_.reset();
        return true;
    }
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    if (!reader_ || version_ != app.dataVersion) {
        // app.counts is refreshed with every change of the records (refreshCounts).
        auto reader = store::CustomerFactsReader::begin(app.store->db(), &app.counts);
        if (!reader) return reader.error();
        reader_ = std::move(*reader);
        version_ = app.dataVersion;
    }
    do {
        // Steps of ~1 ms (as wasm), so a slice ends close to its deadline: a 4 ms slice
        // while a save is on its way must not run to 10 or 15.
        auto more = reader_->step(500);
        if (!more) return more.error();
        if (!*more) {
            facts_ = std::make_shared<const store::CustomerFacts>(reader_->take());
            reader_.reset();
            app.factsCache.facts = facts_;
            app.factsCache.version = version_;
            return true;
        }
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

double FactsStage::progress() const {
    if (facts_) return 1.0;
    return reader_ ? reader_->progress() : 0.0;
}

std::string FactsStage::detail() const {
    if (facts_) return "Customer data read";
    if (!reader_) return "Reading customer data";
    return std::string("Reading ") + reader_->stage();
}

namespace {

class FactsJob : public Job {
public:
    std::string title() const override { return "Reading customer data"; }
    core::Result<bool> run(AppState& app, Clock::time_point deadline) override {
        auto done = stage_.run(app, deadline);
        if (!done) return done.error();
        return !*done;
    }
    double progress() const override { return stage_.progress(); }
    std::string detail() const override { return stage_.detail(); }
    void cancel(AppState&) override {}
    std::string finish(AppState&) override {
        const auto facts = stage_.facts();
        core::JsonWriter w;
        w.beginObject().field("customers", facts ? facts->customers() : 0).field("bytes", facts ? facts->bytes() : 0).endObject();
        return w.str();
    }
    bool changesRecords() const override { return false; }
    bool givesWay() const override { return true; }

private:
    FactsStage stage_;
};

}  // namespace

core::Result<uint64_t> startReadingFacts(AppState& app) {
    if (!app.store) return core::makeError(noDatabaseMessage(app));
    return startJob(app, std::make_unique<FactsJob>());
}

}  // namespace rapport::app
